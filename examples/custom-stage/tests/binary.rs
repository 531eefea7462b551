//! The example binary end to end: the byline CLI with the `keywords` stage registered, run
//! as a user would run it, on files it writes itself.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const BINARY: &str = env!("CARGO_BIN_EXE_custom-stage-example");

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BINARY}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create directories");
    }
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("writing {name}: {e}"));
}

/// Two articles of our own: one plain-text file with a header, one JSON line.
fn write_articles(dir: &Path) {
    write(
        dir,
        "in/harbour.txt",
        "title: Harbour strike ends\ndate 2024-03-12\n\n\
         Dockworkers in Rotterdam ended their STRIKE on Tuesday. Talks on pay resume in May.\n",
    );
    write(
        dir,
        "in/wire.jsonl",
        "{\"id\": \"w1\", \"text\": \"Élan in Kabul: the ceasefire held, the election did not.\"}\n",
    );
}

fn output_articles(path: &Path) -> Vec<Value> {
    let content =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    content
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn keywords_of(article: &Value) -> Vec<(String, String, usize, usize)> {
    article["meta"]["keywords"]
        .as_array()
        .unwrap_or_else(|| panic!("no meta.keywords in {article}"))
        .iter()
        .map(|k| {
            (
                k["text"].as_str().unwrap_or_default().to_string(),
                k["list"].as_str().unwrap_or_default().to_string(),
                k["start"].as_u64().unwrap_or_default() as usize,
                k["end"].as_u64().unwrap_or_default() as usize,
            )
        })
        .collect()
}

#[test]
fn list_shows_the_plugin_beside_the_built_ins() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = run_in(dir.path(), &["list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for name in ["keywords", "exec", "entities"] {
        assert!(
            listing.lines().any(|l| l.contains(name)),
            "{name} missing:\n{listing}"
        );
    }
}

#[test]
fn a_pipeline_runs_through_keywords() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write_articles(dir.path());
    write(
        dir.path(),
        "pipeline.toml",
        r#"
data_dir = "state"

[sources.wire]
type = "file"
paths = ["in/*.txt", "in/*.jsonl"]

[stages.kw]
type = "keywords"
inputs = ["wire"]

[stages.kw.lists]
topics = ["ceasefire", "strike", "election", "talks"]
places = ["Kabul", "Rotterdam"]

[sinks.out]
type = "file"
inputs = ["kw"]
path = "out/articles.jsonl"
"#,
    );
    let out = run_in(dir.path(), &["run", "-c", "pipeline.toml"]);
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    let articles = output_articles(&dir.path().join("out/articles.jsonl"));
    assert_eq!(articles.len(), 2, "{articles:?}");
    let harbour = articles
        .iter()
        .find(|a| a["id"] == "harbour")
        .unwrap_or_else(|| panic!("no harbour article in {articles:?}"));
    let found: Vec<(String, String)> = keywords_of(harbour)
        .into_iter()
        .map(|(t, l, _, _)| (t, l))
        .collect();
    assert_eq!(
        found,
        [
            ("Rotterdam".to_string(), "places".to_string()),
            ("STRIKE".to_string(), "topics".to_string()),
            ("Talks".to_string(), "topics".to_string()),
        ]
    );
    let wire = articles
        .iter()
        .find(|a| a["id"] == "w1")
        .unwrap_or_else(|| panic!("no w1 article in {articles:?}"));
    let body: Vec<char> = wire["text"].as_str().unwrap_or_default().chars().collect();
    for (keyword, _, start, end) in keywords_of(wire) {
        let quoted: String = body[start..end].iter().collect();
        assert_eq!(quoted, keyword, "offsets are not code points");
    }
    assert_eq!(keywords_of(wire).len(), 3);
}

#[test]
fn a_typo_in_the_plugin_table_is_reported_at_its_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write_articles(dir.path());
    write(
        dir.path(),
        "pipeline.toml",
        "[sources.wire]\ntype = \"file\"\npaths = [\"in/*.txt\"]\n\n\
         [stages.kw]\ntype = \"keywords\"\ninputs = [\"wire\"]\nlist = { a = [\"x\"] }\n\n\
         [sinks.out]\ntype = \"stdout\"\ninputs = [\"kw\"]\n",
    );
    let out = run_in(dir.path(), &["validate", "-c", "pipeline.toml"]);
    assert!(!out.status.success(), "a typo validated");
    let report = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(report.contains("pipeline.toml:8:"), "{report}");
    assert!(report.contains("list"), "{report}");
}

#[test]
fn the_python_word_count_stage_runs_in_the_same_binary() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write_articles(dir.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exec-python/wordcount.py");
    write(
        dir.path(),
        "pipeline.toml",
        &format!(
            r#"
data_dir = "state"

[sources.wire]
type = "file"
paths = ["in/*.txt", "in/*.jsonl"]

[stages.kw]
type = "keywords"
inputs = ["wire"]
lists = {{ places = ["Kabul"] }}

[stages.wordcount]
type = "exec"
inputs = ["kw"]
command = ["python3", {script:?}]
config = {{ words_per_minute = 10 }}

[sinks.out]
type = "file"
inputs = ["wordcount"]
path = "out/articles.jsonl"
"#,
            script = script.display().to_string()
        ),
    );
    let out = run_in(dir.path(), &["run", "-c", "pipeline.toml"]);
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    let articles = output_articles(&dir.path().join("out/articles.jsonl"));
    assert_eq!(articles.len(), 2);
    let wire = articles
        .iter()
        .find(|a| a["id"] == "w1")
        .unwrap_or_else(|| panic!("no w1 article in {articles:?}"));
    // "Élan in Kabul: the ceasefire held, the election did not." has 10 words.
    assert_eq!(wire["meta"]["word_count"], 10);
    assert_eq!(wire["meta"]["reading_time_minutes"], 1.0);
    assert_eq!(
        keywords_of(wire).len(),
        1,
        "the keywords from upstream survived the child"
    );
}
