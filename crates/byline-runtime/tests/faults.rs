//! Faults inside a running pipeline: a stage that panics or never returns, a sink that
//! fails for a while, and (as a property) random faults everywhere. Nothing is lost: every
//! article is delivered or reaches the dead letters.

mod common;

use common::{quoted, read_lines, run_with, write_jsonl};

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use byline_core::{Article, Event, Flow, Registry, Sink, SinkError, Stage, StageError};
use byline_runtime::{Pipeline, RunSummary};
use serde_json::Value;

/// Panics on ids ending in "-panic", loops for ever on "-loop", fails on "-fail", drops
/// "-drop", and marks the rest.
struct Troublesome;

impl Stage for Troublesome {
    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        match article.id.rsplit('-').next() {
            Some("panic") => panic!("troublesome exploded"),
            Some("loop") => loop {
                std::thread::sleep(Duration::from_millis(20));
            },
            Some("fail") => Err(StageError::new("refused")),
            Some("drop") => Ok(Flow::Drop),
            _ => {
                article.meta.insert("seen".into(), Value::Bool(true));
                Ok(Flow::Continue)
            }
        }
    }
}

/// Fails every write and flush while its switch is on, then works like a memory sink.
struct Flaky {
    written: Arc<std::sync::Mutex<Vec<String>>>,
    pending: Vec<String>,
    failures_left: Arc<AtomicU64>,
}

#[async_trait]
impl Sink for Flaky {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError> {
        if self.failures_left.load(Ordering::Relaxed) > 0 {
            self.failures_left.fetch_sub(1, Ordering::Relaxed);
            return Err(SinkError::new("flaky: cannot write now"));
        }
        for event in events {
            if let byline_core::Payload::Article(article) = &event.payload {
                self.pending.push(article.id.clone());
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        if self.failures_left.load(Ordering::Relaxed) > 0 {
            self.failures_left.fetch_sub(1, Ordering::Relaxed);
            self.pending.clear();
            return Err(SinkError::new("flaky: cannot flush now"));
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .append(&mut self.pending);
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FlakyOptions {
    failures: u64,
}

type Written = Arc<std::sync::Mutex<Vec<String>>>;

fn registry(written: Written) -> Registry {
    let mut registry = Registry::new();
    byline_ingest::register(&mut registry);
    byline_sinks::register(&mut registry);
    registry.register_stage(
        "troublesome",
        "panics, loops, fails, drops",
        |_: NoOptions, _| Ok(Box::new(Troublesome) as Box<dyn Stage>),
    );
    registry.register_sink("flaky", "fails for a while", move |o: FlakyOptions, _| {
        Ok(Box::new(Flaky {
            written: written.clone(),
            pending: Vec::new(),
            failures_left: Arc::new(AtomicU64::new(o.failures)),
        }) as Box<dyn Sink>)
    });
    registry
}

async fn run(config: &str, written: Written) -> RunSummary {
    run_with(config, &registry(written)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_and_an_endless_loop_both_reach_the_dead_letters_and_the_rest_flows() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    let mut ids: Vec<String> = (0..300).map(|i| format!("a{i}")).collect();
    ids[40] = "a40-panic".into();
    ids[170] = "a170-loop".into();
    write_jsonl(&input, &ids);
    let output = dir.path().join("out.jsonl");
    let data_dir = dir.path().join("data");
    let started = std::time::Instant::now();
    let summary = run(
        &format!(
            "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[stages.trouble]\ntype = \"troublesome\"\ninputs = [\"wire\"]\nconcurrency = 2\ntimeout = \"3s\"\n[sinks.out]\ntype = \"file\"\ninputs = [\"trouble\"]\npath = {}\n",
            quoted(&data_dir),
            quoted(&input),
            quoted(&output)
        ),
        Arc::default(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(20));
    let out: Vec<String> = read_lines(&output)
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("?").to_string())
        .collect();
    let expected: Vec<String> = ids
        .iter()
        .filter(|id| !id.ends_with("-panic") && !id.ends_with("-loop"))
        .cloned()
        .collect();
    assert_eq!(out, expected, "the rest flows, in order");
    let dead = read_lines(&data_dir.join("dead-letter.jsonl"));
    let reasons: Vec<(String, String)> = dead
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap_or("?").to_string(),
                v["error"]["reason"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, "a40-panic");
    assert!(
        reasons[0].1.contains("panic: troublesome exploded"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1].0, "a170-loop");
    assert!(reasons[1].1.contains("timeout"), "{reasons:?}");
    assert_eq!(dead[1]["error"]["component"], "trouble", "{}", dead[1]);
    let acks = summary.acks();
    assert_eq!((acks.delivered, acks.rejected, acks.errored), (298, 2, 0));
    assert!(summary.succeeded(), "{summary}");
}

fn flaky_config(
    dir: &Path,
    input: &Path,
    failures: u64,
    concurrency: usize,
    ordered: bool,
) -> String {
    format!(
        "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[stages.trouble]\ntype = \"troublesome\"\ninputs = [\"wire\"]\nconcurrency = {concurrency}\nordered = {ordered}\n[sinks.out]\ntype = \"flaky\"\ninputs = [\"trouble\"]\nfailures = {failures}\n",
        quoted(&dir.join("data")),
        quoted(input),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sink_that_fails_for_a_while_loses_nothing_and_holds_the_acks_back() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    let ids: Vec<String> = (0..2000).map(|i| format!("a{i}")).collect();
    write_jsonl(&input, &ids);
    let written = Written::default();
    let summary = run(
        &flaky_config(dir.path(), &input, 4, 2, true),
        written.clone(),
    )
    .await;
    let got: BTreeSet<String> = written
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect();
    assert_eq!(got, ids.iter().cloned().collect::<BTreeSet<_>>());
    let acks = summary.acks();
    assert_eq!((acks.delivered, acks.rejected, acks.errored), (2000, 0, 0));
    assert!(summary.succeeded(), "{summary}");
    assert!(summary.sinks[0].failed_batches > 0, "{summary}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// Whatever fails where, every article read is either delivered or rejected: never
    /// errored, never lost.
    #[test]
    fn articles_in_equal_delivered_plus_rejected_under_random_faults(
        faults in proptest::collection::vec(0u8..10, 20..300),
        sink_failures in 0u64..3,
        concurrency in 1usize..4,
        ordered in proptest::bool::ANY,
    ) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let input = dir.path().join("in.jsonl");
        let ids: Vec<String> = faults
            .iter()
            .enumerate()
            .map(|(i, fault)| match fault {
                0 => format!("a{i}-fail"),
                1 if i % 7 == 0 => format!("a{i}-panic"),
                2 => format!("a{i}-drop"),
                _ => format!("a{i}"),
            })
            .collect();
        write_jsonl(&input, &ids);
        // A few raw lines that are not articles at all.
        let mut content = std::fs::read_to_string(&input).expect("read the file");
        content.push_str("{broken\n{\"id\":\"empty\",\"text\":\"  \"}\n");
        std::fs::write(&input, content).expect("write the file");
        let written = Written::default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("build the component");
        let summary = runtime.block_on(run(
            &flaky_config(dir.path(), &input, sink_failures, concurrency, ordered),
            written.clone(),
        ));
        let records_in = ids.len() as u64 + 2;
        let acks = summary.acks();
        proptest::prop_assert_eq!(acks.errored, 0);
        proptest::prop_assert_eq!(acks.delivered + acks.rejected, records_in);
        let got: BTreeSet<String> = written.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect();
        let good: BTreeSet<String> = ids.iter().filter(|id| !id.contains('-')).cloned().collect();
        proptest::prop_assert_eq!(got, good);
        let rejected = ids.iter().filter(|id| id.ends_with("-fail") || id.ends_with("-panic")).count() as u64 + 2;
        proptest::prop_assert_eq!(acks.rejected, rejected);
    }
}

async fn http_get(address: &str, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("the task");
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .expect("the task");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("the task");
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_health_are_served_while_the_pipeline_runs() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    let ids: Vec<String> = (0..50).map(|i| format!("m{i}")).collect();
    write_jsonl(&input, &ids);
    let config = format!(
        "data_dir = {}\n[api]\naddress = \"127.0.0.1:0\"\n[sources.wire]\ntype = \"file\"\npaths = [{}]\nfollow = true\n[stages.trouble]\ntype = \"troublesome\"\ninputs = [\"wire\"]\n[sinks.out]\ntype = \"file\"\ninputs = [\"trouble\"]\npath = {}\n",
        quoted(&dir.path().join("data")),
        quoted(&input),
        quoted(&dir.path().join("out.jsonl"))
    );
    let pipeline = Pipeline::from_toml(
        &config,
        Path::new("test.toml"),
        &registry(Written::default()),
    )
    .expect("parse the TOML");
    let bound = pipeline.api_address();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(pipeline.run_until(async {
        let _ = stopped.await;
    }));
    let mut address = None;
    for _ in 0..100 {
        address = bound.get().map(ToString::to_string);
        if address.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let address = address.unwrap_or_else(|| panic!("the api was never bound"));
    let address = address.as_str();
    // The sink acknowledges on its first flush, within about a second.
    let mut metrics = String::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        metrics = http_get(address, "/metrics").await;
        if metrics.contains("byline_acknowledged_total{component=\"wire\",status=\"delivered\"} 50")
        {
            break;
        }
    }
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for expected in [
        "byline_received_total{kind=\"stage\",component=\"trouble\"} 50",
        "byline_sent_total{kind=\"sink\",component=\"out\"} 50",
        "byline_acknowledged_total{component=\"wire\",status=\"delivered\"} 50",
        "byline_processing_seconds_count{component=\"trouble\"} 50",
        "byline_sink_retrying{component=\"out\"} 0",
    ] {
        assert!(metrics.contains(expected), "{expected} missing:\n{metrics}");
    }
    let health = http_get(address, "/health").await;
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("{\"status\":\"ok\"}\n"),
        "{health}"
    );
    let _ = stop.send(());
    let summary = run.await.expect("the task");
    assert!(summary.succeeded(), "{summary}");
}
