//! Scaling out on NATS JetStream, end to end: real `nats-server` processes (each test starts
//! its own, on 127.0.0.1, a free port and a temporary store) and the real `byline` binary
//! as publisher and workers. No mocks.
//!
//! Without `nats-server` installed these tests skip, saying so, so that a fresh clone's
//! `cargo test` passes; with `CI` set, a missing server is a failure (`.ci/run` installs it).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{eventually, wait_at_most};

const STREAM: &str = "ARTICLES";
const SUBJECT: &str = "articles.in";
const CONSUMER: &str = "annotators";

/// `true` when `nats-server` can be run. Missing: a skip with a message, or, under CI, a
/// failure.
fn nats_server_available(test: &str) -> bool {
    let found = Command::new("nats-server")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: nats-server is not installed and CI is set (apt-get install nats-server)"
        );
        // Straight to stderr, past the test harness's capture, so that the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: nats-server is not installed (apt-get install nats-server); with CI set this fails"
        );
    }
    found
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One `nats-server -js` process with its store in a test directory. It can be stopped
/// and started again on the same port and store, as an operator restarts it.
struct NatsServer {
    child: Option<Child>,
    port: u16,
    store: PathBuf,
    log: PathBuf,
    extra: Vec<String>,
}

impl NatsServer {
    fn start(dir: &Path, extra: &[&str]) -> NatsServer {
        let mut server = NatsServer {
            child: None,
            port: free_port(),
            store: dir.join("nats-store"),
            log: dir.join("nats-server.log"),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        server.launch();
        server
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn launch(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the server log");
        let child = Command::new("nats-server")
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(&self.store)
            .args(&self.extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("nats-server starts");
        self.child = Some(child);
        let port = self.port;
        let ready = eventually(Duration::from_secs(10), || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        assert!(ready, "nats-server did not listen on {port}");
    }

    /// Stops the server the way a service manager does (SIGTERM), keeping its store.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            wait_at_most(&mut child, Duration::from_secs(10));
        }
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Writes `count` articles of our own making (numbered from `first`) as JSON Lines.
fn write_articles(path: &Path, first: usize, count: usize) -> BTreeSet<String> {
    const PEOPLE: [(&str, &str); 6] = [
        ("Marta Lindqvist", "the harbour master"),
        ("Tomasz Okafor", "a union spokesman"),
        ("Helena Barros", "the mayor of Porto Velho"),
        ("Jonas Adeyemi", "an economist at the Baltic Institute"),
        ("Ines Varga", "the fire chief"),
        ("Samuel Kettering", "a spokesman for the ministry"),
    ];
    const PLACES: [&str; 5] = ["Gdansk", "Rotterdam", "Valencia", "Tallinn", "Porto"];
    const DAYS: [&str; 4] = ["on Tuesday", "last week", "on March 3", "yesterday"];
    let mut out = std::fs::File::create(path).expect("the articles file");
    let mut ids = BTreeSet::new();
    for i in first..first + count {
        let (name, role) = PEOPLE[i % PEOPLE.len()];
        let place = PLACES[i % PLACES.len()];
        let day = DAYS[i % DAYS.len()];
        let surname = name.split(' ').nth(1).unwrap_or(name);
        let text = format!(
            "Dock workers in {place} stopped work {day} after talks over shift pay broke down, \
             leaving {n} container ships waiting outside the port. \"We will not load a single \
             crate until the offer is on paper,\" said {name}, {role}. The city council of {place} \
             met in the evening and asked both sides to return to the table by Friday. \
             {surname} said the dispute could last into next month.",
            n = 3 + i % 9
        );
        let id = format!("art-{i:05}");
        let line = serde_json::json!({
            "id": id,
            "title": format!("Port of {place} halted ({i})"),
            "published": "2024-03-12",
            "text": text,
        });
        writeln!(out, "{line}").expect("write an article");
        ids.insert(id);
    }
    ids
}

/// Runs the publishing pipeline (files → nats sink) over `input` and returns its output.
fn publish(dir: &Path, url: &str, input: &Path, extra: &[&str]) -> Output {
    let config = dir.join("publish.toml");
    std::fs::write(
        &config,
        format!(
            r#"data_dir = "publish-data"

[sources.feed]
type = "file"
paths = ["{input}"]

[sinks.stream]
type = "nats"
inputs = ["feed"]
url = "{url}"
subject = "{SUBJECT}"
stream = "{STREAM}"
"#,
            input = input.display()
        ),
    )
    .expect("the publish config");
    let output = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["run", "-c"])
        .arg(&config)
        .args(extra)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("byline runs");
    assert!(
        output.status.success(),
        "publishing failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Starts one worker: the stream through the default stages into `<name>-out.jsonl`,
/// stopping when the consumer is drained. `options` go into its source table.
fn worker(dir: &Path, name: &str, url: &str, options: &str) -> Child {
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!(
            r#"data_dir = "{name}-data"

[sources.stream]
type = "nats"
url = "{url}"
stream = "{STREAM}"
subject = "{SUBJECT}"
consumer = "{CONSUMER}"
exit_when_drained = true
{options}

[stages.entities]
type = "entities"
inputs = ["stream"]

[stages.dates]
type = "dates"
inputs = ["entities"]

[stages.quotes]
type = "quotes"
inputs = ["dates"]

[sinks.out]
type = "file"
inputs = ["quotes"]
path = "{name}-out.jsonl"
"#
        ),
    )
    .expect("the worker config");
    let log = std::fs::File::create(dir.join(format!("{name}.log"))).expect("the worker log");
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["run", "-c"])
        .arg(&config)
        .current_dir(dir)
        .env("RUST_LOG", "info,async_nats=off")
        .env("NATS_TOKEN", "right-token")
        .env("NATS_PASSWORD", "s3cret")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the worker starts")
}

/// The ids in a worker's output, one per complete line (a worker killed mid-write may
/// leave a partial last line, which is not an output).
fn ids_written(dir: &Path, name: &str) -> Vec<String> {
    let Ok(file) = std::fs::File::open(dir.join(format!("{name}-out.jsonl"))) else {
        return Vec::new();
    };
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(&line).ok())
        .filter_map(|value| value["id"].as_str().map(str::to_string))
        .collect()
}

/// How often each id was written, over all the named workers.
fn tally(dir: &Path, names: &[&str]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for name in names {
        for id in ids_written(dir, name) {
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

fn duplicates(counts: &BTreeMap<String, usize>) -> usize {
    counts.values().map(|n| n - 1).sum()
}

fn log_of(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default()
}

/// The consumer's state as JetStream sees it: (waiting, delivered but unacked,
/// redelivered).
fn consumer_state(url: &str) -> (u64, usize, usize) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let context = async_nats::jetstream::new(client);
        let stream = context.get_stream(STREAM).await.expect("the stream");
        let mut consumer: async_nats::jetstream::consumer::PullConsumer =
            stream.get_consumer(CONSUMER).await.expect("the consumer");
        let info = consumer.info().await.expect("consumer info");
        (info.num_pending, info.num_ack_pending, info.num_redelivered)
    })
}

/// How many messages the stream holds.
fn stream_messages(url: &str) -> u64 {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let context = async_nats::jetstream::new(client);
        let mut stream = context.get_stream(STREAM).await.expect("the stream");
        stream.info().await.expect("stream info").state.messages
    })
}

/// Publishes one raw message straight to the stream's subject, waiting for JetStream's ack.
fn publish_raw(url: &str, payload: &'static str) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let client = async_nats::connect(url).await.expect("connect");
        let context = async_nats::jetstream::new(client);
        context
            .publish(SUBJECT, payload.into())
            .await
            .expect("publish")
            .await
            .expect("JetStream stores it");
    });
}

/// The number of redeliveries in a worker's closing line ("... (N of them redeliveries)").
fn redeliveries_in(log: &str) -> usize {
    log.lines()
        .filter_map(|line| {
            line.split(" of them redeliveries")
                .next()?
                .rsplit('(')
                .next()
        })
        .filter_map(|n| n.trim().parse::<usize>().ok())
        .sum()
}

fn seconds(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

#[test]
fn two_workers_share_one_durable_consumer_and_together_write_every_article() {
    if !nats_server_available("two_workers_share_one_durable_consumer") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &[]);
    let input = dir.path().join("articles.jsonl");
    let expected = write_articles(&input, 0, 3000);

    let started = Instant::now();
    let output = publish(dir.path(), &server.url(), &input, &[]);
    eprintln!(
        "published 3000 articles in {:.2} s: {}",
        seconds(started),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    assert_eq!(stream_messages(&server.url()), 3000);
    // Publishing everything again stores nothing new: the Nats-Msg-Id header (the article
    // id) lets JetStream drop re-sends within its duplicate window.
    publish(dir.path(), &server.url(), &input, &["--from-start"]);
    assert_eq!(stream_messages(&server.url()), 3000);

    let started = Instant::now();
    let options = "ack_wait = \"10s\"";
    let mut a = worker(dir.path(), "a", &server.url(), options);
    let mut b = worker(dir.path(), "b", &server.url(), options);
    let status_a = wait_at_most(&mut a, Duration::from_secs(240));
    let status_b = wait_at_most(&mut b, Duration::from_secs(240));
    assert!(status_a.success(), "worker a: {}", log_of(dir.path(), "a"));
    assert!(status_b.success(), "worker b: {}", log_of(dir.path(), "b"));

    let by_a = ids_written(dir.path(), "a").len();
    let by_b = ids_written(dir.path(), "b").len();
    let counts = tally(dir.path(), &["a", "b"]);
    let written: BTreeSet<String> = counts.keys().cloned().collect();
    eprintln!(
        "two workers: {by_a} + {by_b} articles in {:.2} s, {} duplicates",
        seconds(started),
        duplicates(&counts)
    );
    assert!(
        by_a > 0 && by_b > 0,
        "both workers do work: {by_a} and {by_b}"
    );
    assert_eq!(
        written, expected,
        "the union holds every article, and only those"
    );
    assert_eq!(consumer_state(&server.url()), (0, 0, 0));
}

#[test]
fn a_worker_killed_with_sigkill_loses_nothing_its_unacked_articles_go_to_the_other() {
    if !nats_server_available("a_worker_killed_with_sigkill_loses_nothing") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &[]);
    let input = dir.path().join("articles.jsonl");
    let expected = write_articles(&input, 0, 3000);
    publish(dir.path(), &server.url(), &input, &[]);

    // A short ack_wait, so that the survivor gets the victim's articles within seconds.
    let options = "ack_wait = \"2s\"\nbatch = 20\nmax_ack_pending = 200";
    let mut victim = worker(dir.path(), "victim", &server.url(), options);
    let mut survivor = worker(dir.path(), "survivor", &server.url(), options);
    let under_way = eventually(Duration::from_secs(120), || {
        ids_written(dir.path(), "victim").len() >= 100
    });
    assert!(
        under_way,
        "the victim wrote nothing: {}",
        log_of(dir.path(), "victim")
    );
    let killed = Instant::now();
    victim.kill().expect("kill -9 the victim");
    let _ = victim.wait();
    let done_at_kill = tally(dir.path(), &["victim", "survivor"]).len();
    assert!(
        done_at_kill < expected.len(),
        "the kill came after the work was done"
    );

    let status = wait_at_most(&mut survivor, Duration::from_secs(240));
    assert!(
        status.success(),
        "survivor: {}",
        log_of(dir.path(), "survivor")
    );
    let counts = tally(dir.path(), &["victim", "survivor"]);
    let written: BTreeSet<String> = counts.keys().cloned().collect();
    let redelivered = redeliveries_in(&log_of(dir.path(), "survivor"));
    eprintln!(
        "kill -9 with {done_at_kill} of 3000 written: the survivor finished {:.2} s later; \
         {} duplicates in the outputs, {redelivered} messages redelivered to the survivor",
        seconds(killed),
        duplicates(&counts)
    );
    assert_eq!(written, expected, "nothing is lost");
    assert!(
        redelivered > 0,
        "the victim's unacked articles were redelivered to the survivor"
    );
    assert_eq!(consumer_state(&server.url()), (0, 0, 0));
}

#[test]
fn a_server_restart_mid_run_is_ridden_out_and_nothing_is_lost() {
    if !nats_server_available("a_server_restart_mid_run_is_ridden_out") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut server = NatsServer::start(dir.path(), &[]);
    let input = dir.path().join("articles.jsonl");
    let expected = write_articles(&input, 0, 3000);
    publish(dir.path(), &server.url(), &input, &[]);

    let options = "ack_wait = \"5s\"\nbatch = 20\nmax_ack_pending = 200";
    let mut a = worker(dir.path(), "a", &server.url(), options);
    let mut b = worker(dir.path(), "b", &server.url(), options);
    let under_way = eventually(Duration::from_secs(120), || {
        tally(dir.path(), &["a", "b"]).len() >= 300
    });
    assert!(under_way, "no work done: {}", log_of(dir.path(), "a"));
    server.stop();
    let at_stop = tally(dir.path(), &["a", "b"]).len();
    std::thread::sleep(Duration::from_secs(2));
    server.launch();
    let restarted = Instant::now();

    let status_a = wait_at_most(&mut a, Duration::from_secs(240));
    let status_b = wait_at_most(&mut b, Duration::from_secs(240));
    let caught_up = seconds(restarted);
    assert!(status_a.success(), "worker a: {}", log_of(dir.path(), "a"));
    assert!(status_b.success(), "worker b: {}", log_of(dir.path(), "b"));
    let counts = tally(dir.path(), &["a", "b"]);
    let written: BTreeSet<String> = counts.keys().cloned().collect();
    eprintln!(
        "server stopped with {at_stop} of 3000 written, down 2 s; workers done {caught_up:.2} s \
         after the restart, {} duplicates",
        duplicates(&counts)
    );
    assert!(
        at_stop < expected.len(),
        "the restart came after the work was done"
    );
    assert_eq!(written, expected, "nothing is lost");
    let logs = log_of(dir.path(), "a") + &log_of(dir.path(), "b");
    assert!(
        logs.contains("disconnected"),
        "the workers noticed the restart: {logs}"
    );
}

#[test]
fn a_poison_message_reaches_the_dead_letters_once_and_is_not_redelivered() {
    if !nats_server_available("a_poison_message_reaches_the_dead_letters_once") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &[]);
    let input = dir.path().join("articles.jsonl");
    let expected = write_articles(&input, 0, 20);
    publish(dir.path(), &server.url(), &input, &[]);
    publish_raw(
        &server.url(),
        "{\"id\": \"broken\", \"text\": \"an unterminated",
    );
    publish_raw(
        &server.url(),
        "{\"id\": \"no-text\", \"title\": \"only a title\"}",
    );

    let options = "ack_wait = \"1s\"";
    let mut first = worker(dir.path(), "w", &server.url(), options);
    let status = wait_at_most(&mut first, Duration::from_secs(120));
    assert!(status.success(), "{}", log_of(dir.path(), "w"));
    let written: BTreeSet<String> = ids_written(dir.path(), "w").into_iter().collect();
    assert_eq!(written, expected);

    let dead_letters = || -> Vec<serde_json::Value> {
        std::fs::read_to_string(dir.path().join("w-data/dead-letter.jsonl"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let dead = dead_letters();
    assert_eq!(dead.len(), 2, "{dead:?}");
    let reasons: Vec<String> = dead.iter().map(|d| d["error"].to_string()).collect();
    assert!(
        reasons.iter().any(|r| r.contains("malformed JSON")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("missing text")),
        "{reasons:?}"
    );
    assert!(
        dead.iter().any(|d| d["raw"]
            .as_str()
            .is_some_and(|r| r.contains("unterminated"))),
        "the raw message is kept: {dead:?}"
    );

    // Well past ack_wait, nothing comes back: the poison messages were terminated.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(consumer_state(&server.url()), (0, 0, 0));
    let mut again = worker(dir.path(), "w", &server.url(), options);
    let status = wait_at_most(&mut again, Duration::from_secs(60));
    assert!(status.success(), "{}", log_of(dir.path(), "w"));
    assert_eq!(dead_letters().len(), 2, "no dead letter twice");
    assert!(
        log_of(dir.path(), "w").contains("0 messages received"),
        "{}",
        log_of(dir.path(), "w")
    );
}

#[test]
fn a_message_delivered_more_than_max_deliver_times_is_a_dead_letter() {
    if !nats_server_available("a_message_delivered_more_than_max_deliver_times") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &[]);
    let input = dir.path().join("articles.jsonl");
    write_articles(&input, 0, 1);
    publish(dir.path(), &server.url(), &input, &[]);

    // Two workers that took the article and died before acknowledging it, played by a
    // client on the same durable consumer that fetches it twice and never acks.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        use async_nats::jetstream::consumer::pull;
        use futures_util::StreamExt;
        let client = async_nats::connect(server.url()).await.expect("connect");
        let context = async_nats::jetstream::new(client);
        let stream = context.get_stream(STREAM).await.expect("the stream");
        let consumer: async_nats::jetstream::consumer::PullConsumer = stream
            .get_or_create_consumer(
                CONSUMER,
                pull::Config {
                    durable_name: Some(CONSUMER.to_string()),
                    ack_wait: Duration::from_secs(1),
                    max_deliver: -1,
                    filter_subject: SUBJECT.to_string(),
                    ..Default::default()
                },
            )
            .await
            .expect("the consumer");
        for _ in 0..2 {
            let mut batch = consumer
                .batch()
                .max_messages(1)
                .expires(Duration::from_secs(3))
                .messages()
                .await
                .expect("a pull");
            let taken = batch.next().await;
            assert!(matches!(taken, Some(Ok(_))), "the article is delivered");
            tokio::time::sleep(Duration::from_millis(1300)).await;
        }
    });

    let mut third = worker(dir.path(), "w", &server.url(), "max_deliver = 2");
    let status = wait_at_most(&mut third, Duration::from_secs(60));
    assert!(status.success(), "{}", log_of(dir.path(), "w"));
    assert!(
        ids_written(dir.path(), "w").is_empty(),
        "it skipped the stages"
    );
    let dead =
        std::fs::read_to_string(dir.path().join("w-data/dead-letter.jsonl")).unwrap_or_default();
    assert_eq!(dead.lines().count(), 1, "{dead}");
    assert!(
        dead.contains("delivered 3 times, more than max_deliver = 2"),
        "{dead}"
    );
    assert!(
        dead.contains("art-00000"),
        "the raw message is kept: {dead}"
    );
    assert_eq!(consumer_state(&server.url()), (0, 0, 0));
}

#[test]
fn a_wrong_token_is_refused_at_start_with_one_clear_error() {
    if !nats_server_available("a_wrong_token_is_refused_at_start") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &["--auth", "right-token"]);

    let started = Instant::now();
    let mut wrong = worker(
        dir.path(),
        "wrong",
        &server.url(),
        "token = \"wrong-token\"",
    );
    let status = wait_at_most(&mut wrong, Duration::from_secs(20));
    let log = log_of(dir.path(), "wrong");
    eprintln!("refused after {:.2} s:\n{log}", seconds(started));
    assert!(!status.success());
    assert!(started.elapsed() < Duration::from_secs(10), "{log}");
    let wanted = format!("authorization violation at {}", server.url());
    assert!(log.contains(&wanted), "{log}");
    assert!(
        !log.contains("right-token") && !log.contains("wrong-token"),
        "no secret in the log: {log}"
    );
}

#[test]
fn the_right_token_is_accepted() {
    if !nats_server_available("the_right_token_is_accepted") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let server = NatsServer::start(dir.path(), &["--auth", "right-token"]);
    let mut right = worker(
        dir.path(),
        "right",
        &server.url(),
        "token = \"${NATS_TOKEN}\"",
    );
    let status = wait_at_most(&mut right, Duration::from_secs(30));
    assert!(status.success(), "{}", log_of(dir.path(), "right"));
}

/// Makes a private CA and a certificate for 127.0.0.1 signed by it, with the openssl
/// command; `false` (and a message) when openssl is not there.
fn make_certificates(dir: &Path) -> bool {
    let run = |args: &[&str]| {
        Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").expect("san.ext");
    let made = run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=byline test CA",
    ]) && run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]) && run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    if !made {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED the TLS test: the openssl command is missing or failed"
        );
    }
    made
}

#[test]
fn tls_with_a_private_ca_and_a_user_and_password() {
    if !nats_server_available("tls_with_a_private_ca_and_a_user_and_password") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    if !make_certificates(dir.path()) {
        return;
    }
    let cert = dir.path().join("server.pem");
    let key = dir.path().join("server.key");
    let server = NatsServer::start(
        dir.path(),
        &[
            "--tls",
            "--tlscert",
            &cert.to_string_lossy(),
            "--tlskey",
            &key.to_string_lossy(),
            "--user",
            "ada",
            "--pass",
            "s3cret",
        ],
    );
    let trusted =
        "tls = true\nca_file = \"ca.pem\"\nuser = \"ada\"\npassword = \"${NATS_PASSWORD}\"";
    let mut good = worker(dir.path(), "good", &server.url(), trusted);
    let status = wait_at_most(&mut good, Duration::from_secs(30));
    assert!(status.success(), "{}", log_of(dir.path(), "good"));

    // Without the CA, the server's certificate is not trusted.
    let untrusted = "tls = true\nuser = \"ada\"\npassword = \"${NATS_PASSWORD}\"";
    let mut stranger = worker(dir.path(), "stranger", &server.url(), untrusted);
    let status = wait_at_most(&mut stranger, Duration::from_secs(20));
    let log = log_of(dir.path(), "stranger");
    assert!(!status.success(), "{log}");
    assert!(
        log.contains(&format!("TLS failed with {}", server.url())),
        "{log}"
    );

    let wrong = "tls = true\nca_file = \"ca.pem\"\nuser = \"ada\"\npassword = \"guess\"";
    let mut guesser = worker(dir.path(), "guesser", &server.url(), wrong);
    let status = wait_at_most(&mut guesser, Duration::from_secs(20));
    let log = log_of(dir.path(), "guesser");
    assert!(!status.success(), "{log}");
    assert!(log.contains("authorization violation"), "{log}");
    assert!(
        !log.contains("s3cret") && !log.contains("guess"),
        "no secret in the log: {log}"
    );
}

#[test]
fn an_unreachable_server_is_reported_within_seconds_and_validate_needs_none() {
    // No server at all: this test runs everywhere.
    let dir = tempfile::tempdir().expect("a temp dir");
    let url = format!("nats://127.0.0.1:{}", free_port());
    let mut child = worker(dir.path(), "lonely", &url, "");
    let started = Instant::now();
    let status = wait_at_most(&mut child, Duration::from_secs(20));
    let log = log_of(dir.path(), "lonely");
    assert!(!status.success(), "{log}");
    assert!(started.elapsed() < Duration::from_secs(10), "{log}");
    assert!(
        log.contains(&format!("cannot reach the NATS server at {url}")),
        "{log}"
    );

    let validate = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["validate", "-c", "lonely.toml"])
        .current_dir(dir.path())
        .output()
        .expect("byline validate runs");
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stderr)
    );
}

#[test]
fn the_shipped_nats_configs_validate_without_a_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for config in ["config/nats-publish.toml", "config/nats-worker.toml"] {
        let output = Command::new(env!("CARGO_BIN_EXE_byline"))
            .args(["validate", "-c", config])
            .current_dir(&root)
            .env("NATS_URL", "nats://127.0.0.1:1")
            .output()
            .expect("byline validate runs");
        assert!(
            output.status.success(),
            "{config}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_misplaced_nats_option_is_reported_at_its_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(
        dir.path().join("bad.toml"),
        "[sources.s]\ntype = \"nats\"\nurl = \"nats://127.0.0.1:4222\"\nstream = \"S\"\nsubject = \"a\"\nconsumer = \"c\"\nbatch = 0\n\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"s\"]\n",
    )
    .expect("write the config");
    let output = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["validate", "-c", "bad.toml"])
        .current_dir(dir.path())
        .output()
        .expect("byline validate runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("bad.toml:7:"), "{stderr}");
    assert!(stderr.contains("`batch` must be at least 1"), "{stderr}");
}
