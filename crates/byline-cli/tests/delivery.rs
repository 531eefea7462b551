//! Delivery under faults, with the real binary on real files: `kill -9` and SIGTERM in
//! the middle of a run, restarts that resume from the checkpoints, and an output directory
//! that goes away for a while. Nothing good is lost, nothing bad vanishes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

mod common;
use common::{terminate, wait_at_most};

fn start(dir: &Path, follow: bool) -> Child {
    start_with(dir, follow, &[])
}

fn start_with(dir: &Path, follow: bool, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(["run", "-c", "pipeline.toml"])
        .args(extra)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env("FOLLOW", if follow { "true" } else { "false" })
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start byline: {e}"))
}

/// Every JSON line of every file under `dir` whose name starts with `prefix`.
/// Newline-terminated lines in the output files. Unlike [`lines_of`], safe to call while a
/// byline process is writing, or after one was killed mid-line.
fn complete_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("articles"))
                .filter_map(|e| std::fs::read(e.path()).ok())
                .map(|bytes| bytes.iter().filter(|&&b| b == b'\n').count())
                .sum()
        })
        .unwrap_or(0)
}

fn lines_of(dir: &Path, prefix: &str) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|f| {
        f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
    });
    files.sort();
    files
        .iter()
        .flat_map(|file| {
            std::fs::read_to_string(file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
                .lines()
                .map(|line| {
                    serde_json::from_str(line).unwrap_or_else(|e| {
                        panic!("a broken line in {}: {e}: {line}", file.display())
                    })
                })
                .collect::<Vec<Value>>()
        })
        .collect()
}

/// Bad lines of every kind a source rejects, each with a word its reason must contain.
const BAD_LINES: [(&[u8], &str); 7] = [
    (b"{\"id\":\"broken\",\"text\":", "malformed JSON"),
    (b"\xff\xfe not UTF-8 \xc3", "invalid UTF-8"),
    (
        b"{\"id\":\"no-text\",\"title\":\"Headline only\"}",
        "missing text",
    ),
    (b"{\"id\":\"empty\",\"text\":\"   \"}", "empty text"),
    (
        b"{\"id\":\"bad-date\",\"text\":\"Body.\",\"published\":\"2021-02-30\"}",
        "published",
    ),
    (b"[\"an\",\"array\"]", "JSON object"),
    (b"{\"id\":\"typed\",\"text\":42}", "expected a string"),
];

const GOOD: usize = 6000;

/// The input, as chunks of lines, with the bad lines spread through it.
fn input_chunks() -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for i in 0..GOOD {
        if i % 800 == 400 {
            let (bad, _) = BAD_LINES[(i / 800) % BAD_LINES.len()];
            lines.push(bad.to_vec());
        }
        let article = serde_json::json!({
            "id": format!("story-{i:05}"),
            "title": format!("Council votes on item {i}"),
            "published": "2024-03-05",
            "text": format!("The city council voted on Tuesday on item {i}, its clerk said. The measure passed after a long debate about the harbour budget and the new ferry timetable."),
        });
        lines.push(article.to_string().into_bytes());
    }
    // Whatever the spread above missed, so that every kind is there.
    for (bad, _) in BAD_LINES {
        if !lines.iter().any(|l| l == bad) {
            lines.push(bad.to_vec());
        }
    }
    lines
        .chunks(100)
        .map(|chunk| {
            chunk.iter().fold(Vec::new(), |mut bytes, line| {
                bytes.extend_from_slice(line);
                bytes.push(b'\n');
                bytes
            })
        })
        .collect()
}

const PIPELINE: &str = r#"data_dir = "state"

[sources.wire]
type = "file"
paths = ["in/*.jsonl"]
follow = ${FOLLOW}

[sinks.out]
type = "file"
inputs = ["wire"]
path = "out/articles.jsonl"
max_bytes = 400000
"#;

#[test]
fn kill_9_and_sigterm_mid_run_then_resume_lose_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("in")).expect("join the thread");
    std::fs::write(dir.path().join("pipeline.toml"), PIPELINE).expect("join the thread");
    let feed = dir.path().join("in/feed.jsonl");
    let chunks = input_chunks();
    // A writer appends the feed over about two seconds while byline follows it.
    let writer = {
        let feed = feed.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&feed)
                .expect("open the file");
            for chunk in chunks {
                file.write_all(&chunk).expect("write");
                std::thread::sleep(Duration::from_millis(30));
            }
        })
    };

    // Run 1: killed without warning.
    let mut first = start(dir.path(), true);
    std::thread::sleep(Duration::from_millis(700));
    first.kill().expect("kill");
    let _ = first.wait();
    let after_kill = complete_lines(&dir.path().join("out"));
    assert!(after_kill < GOOD, "the kill came too late to be mid-run");

    // Run 2: resumes, then is asked to stop, and drains.
    let mut second = start(dir.path(), true);
    // Signal only once run 2 is demonstrably running (it has written something), so that a
    // slow start on a loaded machine cannot meet SIGTERM before its handler is installed.
    let running_by = std::time::Instant::now() + Duration::from_secs(20);
    while complete_lines(&dir.path().join("out")) <= after_kill
        && std::time::Instant::now() < running_by
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    terminate(&second);
    let status = wait_at_most(&mut second, Duration::from_secs(15));
    assert!(
        status.success(),
        "SIGTERM must drain and exit 0: {status:?}"
    );

    // Run 3: the feed is complete; read to its end.
    writer
        .join()
        .unwrap_or_else(|_| panic!("the writer failed"));
    let mut last = start(dir.path(), false);
    let status = wait_at_most(&mut last, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let articles = lines_of(&dir.path().join("out"), "articles");
    for article in &articles {
        let id = article["id"].as_str().unwrap_or("?").to_string();
        *seen.entry(id).or_default() += 1;
    }
    let missing: Vec<String> = (0..GOOD)
        .map(|i| format!("story-{i:05}"))
        .filter(|id| !seen.contains_key(id))
        .collect();
    assert!(
        missing.is_empty(),
        "{} lost, such as {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    assert_eq!(seen.len(), GOOD, "unexpected ids in the output");
    let duplicates = articles.len() - GOOD;
    println!(
        "crash test: {GOOD} articles, {} output lines, {duplicates} duplicates ({after_kill} written before kill -9)",
        articles.len()
    );

    let dead = lines_of(&dir.path().join("state"), "dead-letter");
    for (bad, reason) in BAD_LINES {
        let raw = String::from_utf8_lossy(bad);
        // Dead letters keep the bytes exactly: as text, or in base64 when not UTF-8.
        let kept = |d: &Value| match (d["raw"].as_str(), d["raw_base64"].as_str()) {
            (Some(text), _) => text.as_bytes() == bad,
            (None, Some(encoded)) => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .is_ok_and(|bytes| bytes == bad)
            }
            (None, None) => false,
        };
        let found = dead.iter().any(|d| {
            kept(d)
                && d["error"]["reason"]
                    .as_str()
                    .is_some_and(|r| r.contains(reason))
                && d["error"]["file"] == "in/feed.jsonl"
                && d["error"]["line"].is_u64()
        });
        assert!(
            found,
            "no dead letter for {raw:?} with reason {reason:?}:\n{dead:#?}"
        );
    }
    let checkpoint: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("state/checkpoints/pipeline/wire.json")).expect("read"),
    )
    .expect("parse JSON");
    let length = std::fs::metadata(&feed).map(|m| m.len()).unwrap_or(0);
    assert_eq!(checkpoint["files"][0]["offset"], length, "{checkpoint}");

    // Nothing new: a fourth run reads nothing; --from-start reads it all again.
    let mut again = start(dir.path(), false);
    assert!(wait_at_most(&mut again, Duration::from_secs(30)).success());
    assert_eq!(
        lines_of(&dir.path().join("out"), "articles").len(),
        articles.len()
    );
    let mut from_start = start_with(dir.path(), false, &["--from-start"]);
    assert!(wait_at_most(&mut from_start, Duration::from_secs(30)).success());
    assert_eq!(
        lines_of(&dir.path().join("out"), "articles").len(),
        articles.len() + GOOD
    );
}

#[test]
fn an_output_directory_that_is_missing_for_a_while_loses_nothing() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("in")).expect("join the thread");
    let ids: Vec<String> = (0..500).map(|i| format!("n{i}")).collect();
    let lines = |ids: &[String]| -> String {
        ids.iter()
            .map(|id| {
                format!(
                    "{}\n",
                    serde_json::json!({"id": id, "text": format!("Story {id}.")})
                )
            })
            .collect()
    };
    let feed = dir.path().join("in/feed.jsonl");
    std::fs::write(&feed, lines(&ids[..250])).expect("lines");
    std::fs::write(dir.path().join("pipeline.toml"), PIPELINE).expect("join the thread");
    let mut run = start(dir.path(), true);
    let out_dir = dir.path().join("out");
    let written_by = std::time::Instant::now() + Duration::from_secs(20);
    while complete_lines(&out_dir) < 250 && std::time::Instant::now() < written_by {
        std::thread::sleep(Duration::from_millis(50));
    }
    // The output directory goes away mid-run and a plain file takes its place: the sink
    // cannot open its file (even as root) until it is taken away.
    std::fs::remove_dir_all(&out_dir).expect("remove the directory");
    std::fs::write(&out_dir, "in the way").expect("write the file");
    let mut more = std::fs::OpenOptions::new()
        .append(true)
        .open(&feed)
        .expect("open the file");
    more.write_all(lines(&ids[250..]).as_bytes())
        .expect("write");
    std::thread::sleep(Duration::from_millis(2000));
    assert!(
        run.try_wait().expect("try wait").is_none(),
        "the run must wait for the sink, not give up"
    );
    std::fs::remove_file(&out_dir).expect("remove the file");
    let arrived_by = std::time::Instant::now() + Duration::from_secs(30);
    while complete_lines(&out_dir) < 250 && std::time::Instant::now() < arrived_by {
        std::thread::sleep(Duration::from_millis(50));
    }
    terminate(&run);
    let status = wait_at_most(&mut run, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
    // The first 250 went with the old directory; the rest must all be in the new one.
    let ids = ids[250..].to_vec();
    let out: Vec<String> = lines_of(&dir.path().join("out"), "articles")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("?").to_string())
        .collect();
    let mut unique = out.clone();
    unique.sort();
    unique.dedup();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(unique, expected);
}
