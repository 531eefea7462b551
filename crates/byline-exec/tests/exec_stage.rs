//! The exec stage driven through the Stage API, against small Python children written by
//! each test: well-behaved, out of order, crashing, erring, babbling and hanging ones.
//! Every article must either come out or be an error for that article alone.

use std::path::Path;
use std::time::{Duration, Instant};

use byline_core::{Article, BuildContext, Flow, RawConfig, Registry, Stage, StageError};

/// Shared by every child: line reading on the raw fd (so that `select` sees what is really
/// waiting), answering, and the handshake.
const PRELUDE: &str = r#"
import json, os, select, sys, time
_buffer = b""
def read_line(wait=None):
    """The next line; "" if none arrives within `wait` seconds; None at end of input."""
    global _buffer
    while b"\n" not in _buffer:
        if wait is not None and not select.select([0], [], [], wait)[0]:
            return ""
        chunk = os.read(0, 65536)
        if not chunk:
            return None
        _buffer += chunk
    line, _, _buffer = _buffer.partition(b"\n")
    return line.decode("utf-8")
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
def handshake(name="test"):
    hello = json.loads(read_line())
    send({"protocol": "byline-exec", "version": 1, "name": name})
    return hello
def requests():
    while True:
        line = read_line()
        if line is None:
            return
        yield json.loads(line)
def tag(article, note):
    text = article["text"]
    start = text.find("Kabul")
    article["meta"]["note"] = note
    article["entities"].append({"start": start, "end": start + 5, "text": "Kabul",
                                "label": "LOC", "name": "Kabul"})
    return article
"#;

/// Tags every article with a LOC entity and `meta.note` from the handshake's config.
const ECHO: &str = r#"
hello = handshake("echo")
note = hello["config"]["note"] + os.environ.get("NOTE_SUFFIX", "")
for request in requests():
    send({"id": request["id"], "article": tag(request["article"], note)})
"#;

struct Child {
    dir: tempfile::TempDir,
}

impl Child {
    fn new(body: &str) -> Child {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        std::fs::write(dir.path().join("child.py"), format!("{PRELUDE}\n{body}"))
            .unwrap_or_else(|e| panic!("writing the child: {e}"));
        Child { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Builds an exec stage running this child through the registry, as the runtime does.
    fn stage(&self, extra_toml: &str) -> Result<Box<dyn Stage>, String> {
        self.stage_timed(None, extra_toml)
    }

    /// [`Child::stage`] in a pipeline whose stage table sets `timeout` (which the runtime
    /// takes out of the table and hands over in the build context).
    fn stage_timed(
        &self,
        timeout: Option<&str>,
        extra_toml: &str,
    ) -> Result<Box<dyn Stage>, String> {
        let script = self.path().join("child.py");
        let source = format!(
            "command = [\"python3\", {:?}]\nrestart_backoff = \"10ms\"\n{extra_toml}",
            script.display().to_string()
        );
        let mut registry = Registry::new();
        byline_exec::register(&mut registry);
        let factory = registry
            .stage("exec")
            .unwrap_or_else(|| panic!("exec is not registered"));
        let raw = RawConfig::from_toml(&source).expect("parse the TOML");
        let context = BuildContext {
            id: "py".into(),
            timeout: timeout.map(|t| {
                byline_core::HumanDuration::parse(t)
                    .expect("a valid duration")
                    .0
            }),
            ..BuildContext::default()
        };
        factory.build(raw, &context).map_err(|e| e.to_string())
    }
}

fn articles(texts: &[&str]) -> Vec<Article> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| Article::new(format!("a{i}"), format!("Él {i}: Kabul {text}.")))
        .collect()
}

fn numbered(n: usize) -> Vec<Article> {
    let texts: Vec<String> = (0..n).map(|i| format!("report number {i}")).collect();
    articles(&texts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// Asserts that article `i` came back tagged by the child.
fn assert_tagged(article: &Article, result: &Result<Flow, StageError>, note: &str) {
    assert_eq!(result, &Ok(Flow::Continue), "{}", article.id);
    assert_eq!(article.meta["note"], note, "{}", article.id);
    let [entity] = article.entities.as_slice() else {
        panic!("{}: {:?}", article.id, article.entities);
    };
    // Python counted code points; byline holds bytes: "É" is two bytes.
    assert_eq!(&article.text()[entity.start..entity.end], "Kabul");
}

fn error_of(result: &Result<Flow, StageError>) -> String {
    match result {
        Err(e) => e.message.clone(),
        Ok(flow) => panic!("expected an error, got {flow:?}"),
    }
}

#[test]
fn a_well_behaved_child_tags_every_article_with_config_and_env() {
    let child = Child::new(ECHO);
    let stage = child
        .stage("env = { NOTE_SUFFIX = \"!\" }\nconfig = { note = \"seen\" }\n")
        .expect("build the stage");
    let mut batch = numbered(40);
    let results = stage.process_batch(&mut batch);
    assert_eq!(results.len(), 40);
    for (article, result) in batch.iter().zip(&results) {
        assert_tagged(article, result, "seen!");
    }
    let mut single = numbered(1).remove(0);
    let result = stage.process(&mut single);
    assert_tagged(&single, &result, "seen!");
}

#[test]
fn answers_in_any_order_reach_their_own_articles() {
    // Holds requests until three are waiting or input pauses, then answers newest first.
    let child = Child::new(
        r#"
handshake()
held = []
while True:
    line = read_line(wait=0.05 if held else None)
    if line:
        held.append(json.loads(line))
    if held and (len(held) >= 3 or line == "" or line is None):
        for request in reversed(held):
            article = request["article"]
            send({"id": request["id"], "article": tag(article, article["id"])})
        held = []
    if line is None:
        break
"#,
    );
    let stage = child
        .stage("max_in_flight = 4\nconfig = { note = \"\" }")
        .expect("build the stage");
    let mut batch = numbered(25);
    let results = stage.process_batch(&mut batch);
    for (article, result) in batch.iter().zip(&results) {
        let id = article.id.clone();
        assert_tagged(article, result, &id);
    }
}

#[test]
fn a_child_that_crashes_once_mid_stream_loses_nothing() {
    // Dies without answering on its fifth request, the first time only (a marker file
    // remembers), with several requests in flight.
    let child = Child::new(
        r#"
handshake()
marker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crashed")
for n, request in enumerate(requests()):
    if n == 4 and not os.path.exists(marker):
        open(marker, "w").close()
        sys.stderr.write("simulated crash\n")
        sys.stderr.flush()
        os._exit(3)
    send({"id": request["id"], "article": tag(request["article"], "ok")})
"#,
    );
    let stage = child.stage("max_in_flight = 4").expect("build the stage");
    let mut batch = numbered(30);
    let results = stage.process_batch(&mut batch);
    assert!(
        child.path().join("crashed").exists(),
        "the child never crashed"
    );
    for (article, result) in batch.iter().zip(&results) {
        assert_tagged(article, result, "ok");
    }
    // The restarted child goes back to the pool and serves the next batch.
    let mut next = numbered(3);
    let results = stage.process_batch(&mut next);
    for (article, result) in next.iter().zip(&results) {
        assert_tagged(article, result, "ok");
    }
}

#[test]
fn an_article_that_kills_the_child_every_time_goes_alone_to_the_dead_letters() {
    let child = Child::new(
        r#"
handshake()
for request in requests():
    if "poison" in request["article"]["text"]:
        os._exit(1)
    send({"id": request["id"], "article": tag(request["article"], "ok")})
"#,
    );
    let stage = child.stage("max_in_flight = 8").expect("build the stage");
    let mut batch = articles(&["one", "two", "poison", "four", "five", "six", "seven"]);
    let results = stage.process_batch(&mut batch);
    for (i, (article, result)) in batch.iter().zip(&results).enumerate() {
        if i == 2 {
            let err = error_of(result);
            assert!(err.contains("died 3 times"), "{err}");
            assert!(err.contains("exit code 1"), "{err}");
        } else {
            assert_tagged(article, result, "ok");
        }
    }
}

#[test]
fn an_error_answer_fails_only_its_article() {
    let child = Child::new(
        r#"
handshake()
for request in requests():
    if "bad" in request["article"]["text"]:
        send({"id": request["id"], "error": "model refused: bad input"})
    elif "skip" in request["article"]["text"]:
        send({"id": request["id"], "drop": True})
    else:
        send({"id": request["id"], "article": tag(request["article"], "ok")})
"#,
    );
    let stage = child.stage("").expect("build the stage");
    let mut batch = articles(&["fine", "bad", "skip", "fine again"]);
    let results = stage.process_batch(&mut batch);
    assert_tagged(&batch[0], &results[0], "ok");
    assert_eq!(error_of(&results[1]), "model refused: bad input");
    assert_eq!(results[2], Ok(Flow::Drop));
    assert_tagged(&batch[3], &results[3], "ok");
}

#[test]
fn garbage_answers_are_errors_for_their_articles_never_a_crash() {
    // Each kind of bad answer, keyed by a word in the text. "babble" writes a line with no
    // id at all, so byline cannot tell which article it belongs to: that article times out.
    let child = Child::new(
        r#"
handshake()
for request in requests():
    text, rid = request["article"]["text"], request["id"]
    if "babble" in text:
        sys.stdout.write("loading model...\n"); sys.stdout.flush()
    elif "shape" in text:
        send({"id": rid, "article": "not an article"})
    elif "empty" in text:
        send({"id": rid})
    elif "rewrite" in text:
        article = request["article"]; article["text"] = article["text"].upper()
        send({"id": rid, "article": article})
    elif "offsets" in text:
        article = tag(request["article"], "x"); article["entities"][0]["start"] += 1
        send({"id": rid, "article": article})
    elif "stranger" in text:
        send({"id": rid + 1000, "drop": True})
        send({"id": rid, "article": tag(request["article"], "ok")})
    else:
        send({"id": rid, "article": tag(request["article"], "ok")})
"#,
    );
    let stage = child.stage_timed(Some("1s"), "").expect("stage timed");
    let words = [
        "shape", "fine", "empty", "rewrite", "offsets", "stranger", "babble", "last",
    ];
    let mut batch = articles(&words);
    let results = stage.process_batch(&mut batch);
    let expected_errors = [
        (0, "malformed answer"),
        (2, "none of \"article\", \"error\" or \"drop\""),
        (3, "changed the article's text"),
        (4, "entities[0]"),
        (
            6,
            "no answer within 1s; the child wrote a line that was not an answer",
        ),
    ];
    for (i, expected) in expected_errors {
        let err = error_of(&results[i]);
        assert!(err.contains(expected), "{}: {err}", words[i]);
    }
    for i in [1, 5, 7] {
        assert_tagged(&batch[i], &results[i], "ok");
    }
    assert!(
        batch[3].meta.is_empty(),
        "a refused answer changed the article"
    );
}

#[test]
fn a_child_that_never_answers_one_article_times_out_on_it_alone() {
    // Answers in order but hangs for good on "hang": the requests queued behind it must
    // not be blamed, and the restarted child finishes them.
    let child = Child::new(
        r#"
handshake()
for request in requests():
    if "hang" in request["article"]["text"]:
        time.sleep(3600)
    time.sleep(0.05)
    send({"id": request["id"], "article": tag(request["article"], "ok")})
"#,
    );
    let stage = child
        .stage_timed(Some("400ms"), "max_in_flight = 16")
        .expect("stage timed");
    // With 16 in flight at 50ms each, the last ones wait longer than the timeout in the
    // child's queue: only the hanging article may fail.
    let mut batch = articles(&[
        "a", "b", "c", "d", "e", "f", "g", "h", "hang", "j", "k", "l", "m", "n", "o", "p",
    ]);
    let started = Instant::now();
    let results = stage.process_batch(&mut batch);
    for (i, (article, result)) in batch.iter().zip(&results).enumerate() {
        if i == 8 {
            let err = error_of(result);
            assert!(err.contains("no answer within 400ms"), "{err}");
        } else {
            assert_tagged(article, result, "ok");
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the batch took {:?}",
        started.elapsed()
    );
}

#[test]
fn concurrent_workers_each_get_a_child() {
    let child = Child::new(
        r#"
handshake()
for request in requests():
    send({"id": request["id"], "article": tag(request["article"], str(os.getpid()))})
"#,
    );
    let stage = child.stage("").expect("build the stage");
    let stage = &*stage;
    let pids: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(move || {
                    let mut batch = numbered(20);
                    let results = stage.process_batch(&mut batch);
                    assert!(results.iter().all(|r| r == &Ok(Flow::Continue)));
                    batch[0].meta["note"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    assert!(pids.iter().all(|pid| !pid.is_empty()), "{pids:?}");
}

#[test]
fn one_worker_keeps_its_child_across_batches() {
    let child = Child::new(
        r#"
handshake()
for request in requests():
    send({"id": request["id"], "article": tag(request["article"], str(os.getpid()))})
"#,
    );
    let stage = child.stage("").expect("build the stage");
    let mut pids = Vec::new();
    for size in [3, 0, 5, 1] {
        let mut batch = numbered(size);
        let results = stage.process_batch(&mut batch);
        assert_eq!(results.len(), size);
        for (article, result) in batch.iter().zip(&results) {
            assert_eq!(result, &Ok(Flow::Continue));
            pids.push(article.meta["note"].clone());
        }
    }
    pids.dedup();
    assert_eq!(pids.len(), 1, "the child was restarted: {pids:?}");
}

#[test]
fn a_wrong_handshake_is_a_clear_startup_error() {
    let cases = [
        (
            r#"read_line(); send({"protocol": "byline-exec", "version": 2, "name": "x"})"#,
            "protocol version Some(2)",
        ),
        (
            r#"read_line(); send({"hello": 1})"#,
            "expected \"byline-exec\"",
        ),
        (r#"read_line(); print("ready")"#, "not a JSON object"),
        (
            "import missing_model_package",
            "exited before answering the handshake (exit code 1)",
        ),
    ];
    for (body, expected) in cases {
        let child = Child::new(body);
        let err = child
            .stage("")
            .err()
            .unwrap_or_else(|| panic!("{body}: started"));
        assert!(err.starts_with("exec stage `py`:"), "{err}");
        assert!(err.contains(expected), "{body}: {err}");
    }
    let child = Child::new("import missing_model_package");
    let err = child.stage("").err().unwrap_or_default();
    assert!(
        err.contains("ModuleNotFoundError"),
        "stderr is not quoted: {err}"
    );
}

#[test]
fn a_silent_child_fails_the_handshake_within_startup_timeout() {
    let child = Child::new("time.sleep(3600)");
    let started = Instant::now();
    let err = child
        .stage("startup_timeout = \"300ms\"")
        .err()
        .unwrap_or_else(|| panic!("a silent child started"));
    assert!(
        err.contains("did not answer the handshake within 300ms"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}
