//! End-to-end runs of the real `byline` binary on real files.

mod common;
use common::byline;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn stdout_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temp dir")
}

/// Checks `text[start:end] == span.text` in code points for every span of an article.
fn assert_spans_match(article: &Value) {
    let text: Vec<char> = article["text"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .collect();
    let check = |span: &Value, what: &str| {
        let (start, end) = (
            span["start"].as_u64().unwrap_or(0) as usize,
            span["end"].as_u64().unwrap_or(0) as usize,
        );
        assert!(
            start <= end && end <= text.len(),
            "{what} {span} outside the text"
        );
        let actual: String = text[start..end].iter().collect();
        assert_eq!(
            actual,
            span["text"].as_str().unwrap_or_default(),
            "{what} in {}",
            article["id"]
        );
    };
    for layer in ["entities", "timexes", "quotes"] {
        let spans = article[layer]
            .as_array()
            .unwrap_or_else(|| panic!("{layer} must be an array"));
        for span in spans {
            check(span, layer);
            for part in ["speaker", "cue"] {
                if span.get(part).is_some_and(|p| !p.is_null()) {
                    check(&span[part], part);
                }
            }
        }
    }
}

#[test]
fn annotate_a_txt_article_reads_the_date_header_and_keeps_the_body() {
    let dir = tempdir();
    let path = fixture("harbour-strike.txt");
    let output = byline(dir.path(), &["annotate", &path.to_string_lossy()], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    let articles = stdout_lines(&output);
    assert_eq!(articles.len(), 1);
    let article = &articles[0];
    assert_eq!(article["id"], "harbour-strike");
    assert_eq!(article["published"], "2021-08-03");
    let content = std::fs::read_to_string(&path).unwrap_or_default();
    let body = article["text"].as_str().unwrap_or_default();
    assert!(body.starts_with("Port Aldren dockworkers"), "{body}");
    assert!(content.ends_with(body));
    assert_spans_match(article);

    let mut shape = article.clone();
    for layer in ["entities", "timexes", "quotes"] {
        shape[layer] = Value::String(format!("<{layer}: array>"));
    }
    shape["text"] = Value::String("<body>".into());
    insta::assert_json_snapshot!(shape, @r#"
    {
      "entities": "<entities: array>",
      "id": "harbour-strike",
      "language": "en",
      "meta": {},
      "published": "2021-08-03",
      "quotes": "<quotes: array>",
      "source": null,
      "text": "<body>",
      "timexes": "<timexes: array>",
      "title": null,
      "url": null
    }
    "#);
}

#[test]
fn annotate_jsonl_gives_one_line_per_valid_line_with_ids_and_code_point_spans() {
    let dir = tempdir();
    let input = dir.path().join("mixed.jsonl");
    let mut content = std::fs::read_to_string(fixture("wire.jsonl")).unwrap_or_default();
    content.push_str("{\"id\": \"broken\", \"text\": \n");
    content.push_str("{\"id\":\"emoji\",\"text\":\"👋🏽 Maria Okafor met Tomas Lindqvist in Lisbon on Tuesday.\",\"published\":\"2021-08-03\"}\n");
    std::fs::write(&input, content).expect("write the file");
    let output = byline(
        dir.path(),
        &["annotate", "mixed.jsonl", "--data-dir", "state"],
        b"",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let articles = stdout_lines(&output);
    let ids: Vec<&str> = articles
        .iter()
        .map(|a| a["id"].as_str().unwrap_or("?"))
        .collect();
    let derived = ids.get(2).copied().unwrap_or("?");
    assert_eq!(ids, ["wire-001", "wire-002", derived, "emoji"]);
    assert_eq!(derived.len(), 16, "a missing id is derived: {derived}");
    assert_eq!(articles[0]["published"], "2021-08-03T09:30:00Z");
    assert_eq!(articles[1]["meta"]["section"], "markets");
    assert_eq!(articles[2]["published"], "2021-08-06");
    for article in &articles {
        assert_spans_match(article);
    }
    let dead =
        std::fs::read_to_string(dir.path().join("state/dead-letter.jsonl")).unwrap_or_default();
    let dead: Vec<Value> = dead
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["error"]["line"], 4);
    assert_eq!(dead[0]["error"]["file"], "mixed.jsonl");
    assert_eq!(dead[0]["raw"], "{\"id\": \"broken\", \"text\": ");
    let log = stderr(&output);
    assert!(
        log.contains("mixed.jsonl:4") && log.contains("malformed JSON"),
        "{log}"
    );
    assert!(log.contains("1 dead-lettered"), "{log}");
}

#[test]
fn annotate_reads_stdin_and_pretty_prints() {
    let dir = tempdir();
    let input = b"{\"id\":\"s1\",\"text\":\"Kenji Ota spoke in Nairobi on Monday.\"}\n";
    let output = byline(dir.path(), &["annotate", "-", "--format", "pretty"], input);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().count() > 5, "{text}");
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(value["id"], "s1");

    let output = byline(
        dir.path(),
        &["annotate", "-", "--input-format", "txt"],
        b"title: Hello\n\nBody here.\n",
    );
    let articles = stdout_lines(&output);
    assert_eq!(articles[0]["title"], "Hello");
    assert_eq!(articles[0]["text"], "Body here.\n");
}

#[test]
fn annotate_a_directory_reads_every_article_in_it_and_a_missing_path_is_an_error() {
    let dir = tempdir();
    let articles = dir.path().join("articles");
    std::fs::create_dir(&articles).expect("create a directory");
    std::fs::copy(
        fixture("harbour-strike.txt"),
        articles.join("harbour-strike.txt"),
    )
    .expect("copy a fixture");
    std::fs::copy(fixture("wire.jsonl"), articles.join("wire.jsonl")).expect("copy a fixture");
    let output = byline(dir.path(), &["annotate", "articles"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout_lines(&output).len(), 4);

    let output = byline(dir.path(), &["annotate", "nope.txt"], b"");
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("cannot read nope.txt"),
        "{}",
        stderr(&output)
    );

    // A missing path among good ones: the good ones are annotated, and the exit names it.
    let output = byline(
        dir.path(),
        &["annotate", "nope.txt", "articles/harbour-strike.txt"],
        b"",
    );
    assert!(!output.status.success());
    assert_eq!(
        stdout_lines(&output).len(),
        1,
        "the readable file is annotated"
    );
    assert!(
        stderr(&output).contains("1 input could not be read: nope.txt"),
        "{}",
        stderr(&output)
    );

    // Subdirectories (earlier outputs, say) are read only with --recursive.
    let nested = articles.join("old-output");
    std::fs::create_dir(&nested).expect("create a directory");
    std::fs::write(
        nested.join("annotated.jsonl"),
        "{\"id\":\"old\",\"text\":\"An earlier output line.\"}\n",
    )
    .expect("write the file");
    let output = byline(dir.path(), &["annotate", "articles"], b"");
    assert_eq!(stdout_lines(&output).len(), 4, "{}", stderr(&output));
    let output = byline(dir.path(), &["annotate", "--recursive", "articles"], b"");
    assert_eq!(stdout_lines(&output).len(), 5, "{}", stderr(&output));
}

#[test]
fn run_writes_the_file_sink_and_routes_bad_lines_to_the_dead_letters() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("in")).expect("join the thread");
    std::fs::copy(
        fixture("harbour-strike.txt"),
        dir.path().join("in/harbour-strike.txt"),
    )
    .expect("copy a fixture");
    let mut feed = std::fs::read(fixture("wire.jsonl")).unwrap_or_default();
    feed.extend_from_slice(b"not json at all\n{\"text\":\"x\",\"published\":\"2021-02-30\"}\n\xff\xfe\n{\"id\":\"late\",\"text\":\"Still flows.\"}\n");
    std::fs::write(dir.path().join("in/feed.jsonl"), feed).expect("join the thread");
    let config = r#"data_dir = "${STATE_DIR:-state}"

[sources.wire]
type = "file"
paths = ["in/*.txt", "in/*.jsonl"]

[stages.ner]
type = "entities"
inputs = ["wire"]

[sinks.out]
type = "file"
inputs = ["ner"]
path = "out/articles-%Y-%m-%d.jsonl"
"#;
    std::fs::write(dir.path().join("pipeline.toml"), config).expect("join the thread");
    let output = byline(dir.path(), &["run", "-c", "pipeline.toml"], b"");
    let log = stderr(&output);
    assert!(output.status.success(), "{log}");
    let written: Vec<PathBuf> = std::fs::read_dir(dir.path().join("out"))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    assert_eq!(written.len(), 1, "{written:?}");
    let name = written[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    assert!(
        name.starts_with("articles-20") && name.ends_with(".jsonl"),
        "{name}"
    );
    let lines: Vec<Value> = std::fs::read_to_string(&written[0])
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    let ids: Vec<&str> = lines
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(ids.first().copied(), Some("harbour-strike"));
    assert_eq!(ids.last().copied(), Some("late"));
    assert_eq!(lines.len(), 5);
    let dead: Vec<Value> = std::fs::read_to_string(dir.path().join("state/dead-letter.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    let fields: Vec<&str> = dead
        .iter()
        .map(|d| d["error"]["field"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(fields, ["-", "published", "-"]);
    assert!(dead.iter().all(|d| d["error"]["file"] == "in/feed.jsonl"));
    assert!(
        log.contains("5 articles in, 5 out to 1 sink, 3 dead-lettered"),
        "{log}"
    );
    assert_no_progress_bar(&log);
}

/// stderr is a pipe here, not a terminal: the progress bar must stay off, leaving no
/// carriage returns, escape sequences or bar text behind.
fn assert_no_progress_bar(log: &str) {
    for artefact in ["\r", "\u{1b}[", "ETA", "articles, "] {
        assert!(!log.contains(artefact), "{artefact:?} in stderr:\n{log}");
    }
}

#[test]
fn validate_points_at_the_line_and_field_and_finds_cycles() {
    let dir = tempdir();
    let bad_field = r#"data_dir = ".byline"

[sources.wire]
type = "file"
paths = ["in/*.txt"]

[sinks.out]
colour = "blue"
type = "stdout"
inputs = ["wire"]
"#;
    std::fs::write(dir.path().join("bad.toml"), bad_field).expect("join the thread");
    let output = byline(dir.path(), &["validate", "-c", "bad.toml"], b"");
    let log = stderr(&output);
    assert!(!output.status.success(), "{log}");
    assert!(
        log.contains("bad.toml:8:1") && log.contains("colour"),
        "{log}"
    );
    assert!(log.contains("[sinks.out]"), "{log}");

    let cycle = "[sources.wire]\ntype = \"stdin\"\n[stages.a]\ntype = \"dates\"\ninputs = [\"wire\", \"b\"]\n[stages.b]\ntype = \"dates\"\ninputs = [\"a\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"b\"]\n";
    std::fs::write(dir.path().join("cycle.toml"), cycle).expect("join the thread");
    let output = byline(dir.path(), &["validate", "-c", "cycle.toml"], b"");
    let log = stderr(&output);
    assert!(!output.status.success());
    assert!(
        log.contains("cycle") && log.contains("a -> b -> a"),
        "{log}"
    );

    let good = "[sources.wire]\ntype = \"file\"\npaths = [\"in/*.txt\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\n";
    std::fs::write(dir.path().join("good.toml"), good).expect("join the thread");
    let output = byline(dir.path(), &["validate", "-c", "good.toml"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("good.toml: ok"));
    assert!(
        !dir.path().join(".byline").exists(),
        "validate must not run anything"
    );
}

#[test]
fn list_and_help_describe_the_commands_and_components() {
    let dir = tempdir();
    let output = byline(dir.path(), &["list"], b"");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("Sources:") && text.contains("Stages:") && text.contains("Sinks:"),
        "{text}"
    );
    assert!(text.contains("stdin") && text.contains("stdout"), "{text}");
    let output = byline(dir.path(), &["--help"], b"");
    let text = String::from_utf8_lossy(&output.stdout);
    for command in ["run", "validate", "annotate", "list", "bench"] {
        assert!(text.contains(command), "{command} in {text}");
    }
}

#[test]
fn bench_runs_a_pass_through_and_prints_its_throughput() {
    let dir = tempdir();
    let output = byline(
        dir.path(),
        &["bench", "--articles", "300", "--words", "60", "--runs", "1"],
        b"",
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        text.contains("300 articles") && text.contains("MB/s") && text.contains("articles/s"),
        "{text}"
    );
    assert!(text.contains("words/s"), "{text}");
}

/// A temporary directory with `in/feed.jsonl` holding `lines`.
fn dir_with_feed(lines: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("in")).expect("in/");
    std::fs::write(dir.path().join("in/feed.jsonl"), lines).expect("feed");
    dir
}

/// A pipeline from `in/*.jsonl` to `out-<name>.jsonl`, under the shared `state` data_dir.
fn shared_state_pipeline(dir: &Path, name: &str) {
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!(
            "data_dir = \"state\"\n[sources.wire]\ntype = \"file\"\npaths = [\"in/*.jsonl\"]\n[sinks.out]\ntype = \"file\"\ninputs = [\"wire\"]\npath = \"out-{name}.jsonl\"\n"
        ),
    )
    .expect("write a pipeline");
}

#[test]
fn a_second_run_says_nothing_is_new_and_a_run_with_no_input_fails() {
    let dir = dir_with_feed("{\"id\":\"a\",\"text\":\"The mayor spoke.\"}\n");
    shared_state_pipeline(dir.path(), "first");
    let run = byline(dir.path(), &["run", "-c", "first.toml"], b"");
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("1 articles in, 1 out to 1 sink"),
        "{}",
        stderr(&run)
    );
    assert!(
        stderr(&run).contains("out: 1 articles to out-first.jsonl"),
        "{}",
        stderr(&run)
    );
    let again = byline(dir.path(), &["run", "-c", "first.toml"], b"");
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("nothing new") && stderr(&again).contains("--from-start"),
        "{}",
        stderr(&again)
    );
    std::fs::write(
        dir.path().join("empty.toml"),
        "data_dir = \"state\"\n[sources.wire]\ntype = \"file\"\npaths = [\"nowhere/*.jsonl\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\n",
    )
    .expect("config");
    let empty = byline(dir.path(), &["run", "-c", "empty.toml"], b"");
    assert!(!empty.status.success(), "{}", stderr(&empty));
    assert!(stderr(&empty).contains("no input"), "{}", stderr(&empty));
}

#[test]
fn two_pipelines_sharing_a_data_dir_and_a_source_id_keep_their_own_checkpoints() {
    let dir = dir_with_feed(
        "{\"id\":\"a\",\"text\":\"The mayor spoke.\"}\n{\"id\":\"b\",\"text\":\"The council voted.\"}\n",
    );
    for name in ["main-job", "plugin-job"] {
        shared_state_pipeline(dir.path(), name);
        let run = byline(dir.path(), &["run", "-c", &format!("{name}.toml")], b"");
        assert!(run.status.success(), "{}", stderr(&run));
        let written =
            std::fs::read_to_string(dir.path().join(format!("out-{name}.jsonl"))).expect("output");
        assert_eq!(written.lines().count(), 2, "{name} read everything");
    }
}

#[test]
fn validate_warns_of_patterns_that_match_nothing_and_refuses_paths_that_never_can() {
    let dir = tempdir();
    std::fs::write(dir.path().join("feed.jsonl"), "").expect("a file");
    let config = |paths: &str| {
        format!(
            "data_dir = \"state\"\n[sources.wire]\ntype = \"file\"\npaths = [{paths}]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\n"
        )
    };
    std::fs::write(
        dir.path().join("empty.toml"),
        config("\"nowhere/*.jsonl\", \"missing.txt\""),
    )
    .expect("config");
    let output = byline(dir.path(), &["validate", "-c", "empty.toml"], b"");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("warning: `wire`: the pattern `nowhere/*.jsonl` matches no file today")
            && stderr(&output).contains("`missing.txt` does not exist (yet)"),
        "{}",
        stderr(&output)
    );
    std::fs::write(
        dir.path().join("never.toml"),
        config("\"feed.jsonl/*.txt\""),
    )
    .expect("config");
    let output = byline(dir.path(), &["validate", "-c", "never.toml"], b"");
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("can never match: feed.jsonl is a file"),
        "{}",
        stderr(&output)
    );
}
