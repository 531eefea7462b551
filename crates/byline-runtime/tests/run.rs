//! Pipelines run end to end on real files: order, fan-out, dead letters, panics, drops,
//! stopping, and acknowledgements that add up.

mod common;

use common::{ids, quoted, read_lines, run_with, write_jsonl};

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use byline_core::{
    Article, Flow, Position, Registry, Source, SourceError, SourceOutput, Stage, StageError,
};
use byline_runtime::{Pipeline, RunSummary};
use serde_json::Value;

/// Marks articles in `meta.seen`, fails on ids ending in "-fail", panics on "-panic",
/// filters "-drop".
struct Marker;

impl Stage for Marker {
    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        article.meta.insert("seen".into(), Value::Bool(true));
        match article.id.rsplit('-').next() {
            Some("fail") => Err(StageError::new("refused")),
            Some("panic") => panic!("marker exploded"),
            Some("drop") => Ok(Flow::Drop),
            _ => Ok(Flow::Continue),
        }
    }
}

/// Emits numbered articles until asked to stop.
struct Endless;

#[async_trait]
impl Source for Endless {
    async fn run(self: Box<Self>, mut output: SourceOutput) -> Result<(), SourceError> {
        let mut n = 0u64;
        while !output.is_stopping() {
            let position = Position::of_source(output.id().clone());
            output
                .article(Article::new(format!("e{n}"), "Endless text."), position)
                .await?;
            n += 1;
            if n.is_multiple_of(64) {
                tokio::task::yield_now().await;
            }
        }
        Ok(())
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

fn registry() -> Registry {
    let mut registry = Registry::new();
    byline_ingest::register(&mut registry);
    byline_sinks::register(&mut registry);
    registry.register_stage(
        "marker",
        "marks, fails, panics, drops",
        |_: NoOptions, _| Ok(Box::new(Marker) as Box<dyn Stage>),
    );
    registry.register_source("endless", "never ends", |_: NoOptions, _| {
        Ok(Box::new(Endless) as Box<dyn Source>)
    });
    registry
}

async fn run(config: &str) -> RunSummary {
    run_with(config, &registry()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_through_keeps_every_article_in_order_and_acks_them_all() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    let expected: Vec<String> = (0..1500).map(|i| format!("a{i}")).collect();
    write_jsonl(&input, &expected);
    let output = dir.path().join("out/articles.jsonl");
    let summary = run(&format!(
        "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[sinks.out]\ntype = \"file\"\ninputs = [\"wire\"]\npath = {}\n",
        quoted(&dir.path().join("data")),
        quoted(&input),
        quoted(&output)
    ))
    .await;
    assert_eq!(ids(&read_lines(&output)), expected);
    assert_eq!(
        (
            summary.articles_in(),
            summary.articles_out(),
            summary.dead_lettered()
        ),
        (1500, 1500, 0)
    );
    assert_eq!(summary.acks().delivered, 1500);
    assert!(summary.succeeded(), "{summary}");
    assert!(!dir.path().join("data/dead-letter.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_panics_and_bad_lines_go_to_the_dead_letters_and_the_rest_flows_in_order() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    let all: Vec<String> = (0..700)
        .map(|i| match i % 100 {
            10 => format!("x{i}-fail"),
            20 => format!("x{i}-panic"),
            30 => format!("x{i}-drop"),
            _ => format!("x{i}"),
        })
        .collect();
    write_jsonl(&input, &all);
    let mut content = std::fs::read_to_string(&input).unwrap_or_default();
    content.push_str("{not json\n{\"text\": \"\"}\n");
    std::fs::write(&input, content).expect("write the file");
    let output = dir.path().join("out.jsonl");
    let data_dir = dir.path().join("data");
    let summary = run(&format!(
        "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[stages.mark]\ntype = \"marker\"\ninputs = [\"wire\"]\nconcurrency = 3\n[sinks.out]\ntype = \"file\"\ninputs = [\"mark\"]\npath = {}\n",
        quoted(&data_dir),
        quoted(&input),
        quoted(&output)
    ))
    .await;
    let expected: Vec<String> = all.iter().filter(|id| !id.contains('-')).cloned().collect();
    let written = read_lines(&output);
    assert_eq!(ids(&written), expected);
    assert!(
        written
            .iter()
            .all(|v| v["meta"]["seen"] == Value::Bool(true))
    );
    let dead = read_lines(&data_dir.join("dead-letter.jsonl"));
    let reasons: Vec<String> = dead
        .iter()
        .map(|v| v["error"]["reason"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(dead.len(), 7 + 7 + 2, "{reasons:#?}");
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.contains("panic: marker exploded"))
            .count(),
        7
    );
    assert_eq!(reasons.iter().filter(|r| r.contains("refused")).count(), 7);
    assert!(reasons.iter().any(|r| r.contains("malformed JSON")));
    assert!(reasons.iter().any(|r| r.contains("empty text")));
    // A panicking article is dead-lettered as it was before the stage touched it.
    let panicked = dead
        .iter()
        .find(|v| v["id"].as_str().is_some_and(|id| id.ends_with("-panic")));
    assert!(panicked.is_some_and(|v| v["meta"].get("seen").is_none()));
    let acks = summary.acks();
    assert_eq!(acks.delivered + acks.rejected, 702, "{summary:?}");
    assert_eq!((acks.rejected, acks.errored), (16, 0));
    assert_eq!(summary.stages[0].dropped, 7);
    assert_eq!(summary.dead_lettered(), 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_reaches_every_sink_and_a_wired_errors_route_replaces_the_dead_letter_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in.jsonl");
    write_jsonl(
        &input,
        &["a".to_string(), "b-fail".to_string(), "c".to_string()],
    );
    let (one, two, rejects) = (
        dir.path().join("one.jsonl"),
        dir.path().join("two.jsonl"),
        dir.path().join("rejects.jsonl"),
    );
    let data_dir = dir.path().join("data");
    let summary = run(&format!(
        "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[stages.mark]\ntype = \"marker\"\ninputs = [\"wire\"]\n[sinks.one]\ntype = \"file\"\ninputs = [\"mark\"]\npath = {}\n[sinks.two]\ntype = \"file\"\ninputs = [\"mark\", \"wire\"]\npath = {}\n[sinks.rejects]\ntype = \"file\"\ninputs = [\"mark.errors\"]\npath = {}\n",
        quoted(&data_dir),
        quoted(&input),
        quoted(&one),
        quoted(&two),
        quoted(&rejects)
    ))
    .await;
    assert_eq!(ids(&read_lines(&one)), ["a", "c"]);
    let mut both = ids(&read_lines(&two));
    both.sort();
    assert_eq!(both, ["a", "a", "b-fail", "c", "c"]);
    let rejected = read_lines(&rejects);
    assert_eq!(ids(&rejected), ["b-fail"]);
    assert_eq!(rejected[0]["error"]["component"], "mark");
    assert!(!data_dir.join("dead-letter.jsonl").exists());
    // b-fail reached `two` straight from the source and the dead letters through `mark`.
    let acks = summary.acks();
    assert_eq!(
        (acks.delivered, acks.rejected, acks.errored),
        (2, 1, 0),
        "{summary:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_request_stops_the_sources_and_drains_what_is_in_flight() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let output = dir.path().join("out.jsonl");
    let config = format!(
        "data_dir = {}\n[sources.forever]\ntype = \"endless\"\n[stages.mark]\ntype = \"marker\"\ninputs = [\"forever\"]\n[sinks.out]\ntype = \"file\"\ninputs = [\"mark\"]\npath = {}\n",
        quoted(&dir.path().join("data")),
        quoted(&output)
    );
    let pipeline =
        Pipeline::from_toml(&config, Path::new("test.toml"), &registry()).expect("parse the TOML");
    let summary = tokio::time::timeout(
        Duration::from_secs(20),
        pipeline.run_until(tokio::time::sleep(Duration::from_millis(200))),
    )
    .await
    .unwrap_or_else(|_| panic!("the pipeline did not stop"));
    assert!(summary.interrupted);
    let written = read_lines(&output);
    assert!(!written.is_empty());
    assert_eq!(written.len() as u64, summary.articles_in(), "{summary}");
    assert_eq!(summary.acks().delivered, summary.articles_in());
    assert_eq!(
        ids(&written).last().map(String::as_str),
        Some(format!("e{}", written.len() - 1).as_str())
    );
}

/// Records the largest batch it was given, and whether the timeout reached it.
struct Batching {
    own_deadlines: bool,
    largest: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Stage for Batching {
    fn process(&self, _: &mut Article) -> Result<Flow, StageError> {
        self.largest
            .fetch_max(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Flow::Continue)
    }

    fn process_batch(&self, articles: &mut [Article]) -> Vec<Result<Flow, StageError>> {
        self.largest
            .fetch_max(articles.len(), std::sync::atomic::Ordering::Relaxed);
        articles.iter().map(|_| Ok(Flow::Continue)).collect()
    }

    fn enforces_own_deadlines(&self) -> bool {
        self.own_deadlines
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_that_keeps_its_own_deadlines_gets_batches_even_with_a_timeout() {
    for own_deadlines in [true, false] {
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("in.jsonl");
        let ids: Vec<String> = (0..500).map(|i| format!("b{i}")).collect();
        write_jsonl(&input, &ids);
        let largest = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut registry = registry();
        let seen = largest.clone();
        registry.register_stage("batching", "records batch sizes", move |_: NoOptions, _| {
            Ok(Box::new(Batching {
                own_deadlines,
                largest: seen.clone(),
            }) as Box<dyn Stage>)
        });
        let summary = run_with(
            &format!(
                "data_dir = {}\n[sources.wire]\ntype = \"file\"\npaths = [{}]\n[stages.b]\ntype = \"batching\"\ninputs = [\"wire\"]\ntimeout = \"5s\"\n[sinks.out]\ntype = \"file\"\ninputs = [\"b\"]\npath = {}\n",
                quoted(&dir.path().join("data")),
                quoted(&input),
                quoted(&dir.path().join("out.jsonl"))
            ),
            &registry,
        )
        .await;
        assert!(summary.succeeded(), "{summary}");
        let largest = largest.load(std::sync::atomic::Ordering::Relaxed);
        if own_deadlines {
            assert!(
                largest > 1,
                "batches of {largest}: the watchdog ran it one by one"
            );
        } else {
            assert_eq!(
                largest, 1,
                "the runtime's watchdog runs articles one at a time"
            );
        }
    }
}
