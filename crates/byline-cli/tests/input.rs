//! Messy real-world input through the real binary (issue 15): publication dates in the
//! forms feeds use, unknown txt headers, directories, size limits and lossless dead
//! letters. Every case here used to send a good article to the dead letters, lose a
//! header into the body, drop a file silently or keep bytes lossily.

mod common;
use common::byline;

use std::path::Path;

use serde_json::Value;

fn json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn write(path: &Path, content: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create directories");
    }
    std::fs::write(path, content).expect("write the file");
}

fn by_id<'a>(articles: &'a [Value], id: &str) -> &'a Value {
    articles
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no article {id} in {articles:#?}"))
}

fn dead_letter_saying<'a>(dead: &'a [Value], reason: &str) -> &'a Value {
    dead.iter()
        .find(|d| {
            d["error"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains(reason))
        })
        .unwrap_or_else(|| panic!("no dead letter saying {reason:?} in {dead:#?}"))
}

#[test]
fn a_directory_of_messy_articles_is_read_without_losing_anything() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = dir.path().join("in");
    write(
        &input.join("envoy.txt"),
        b"title: Talks resume\nauthor: Jane Doe\nsection: World\ndate 3 August 2021\n\nThe envoy arrived on Tuesday.\n",
    );
    let big = "word ".repeat(1000);
    let feed = [
        r#"{"id":"rss","text":"Talks resumed on Monday.","published":"Tue, 03 Aug 2021 10:00:00 GMT"}"#.to_string(),
        r#"{"id":"epoch","text":"Talks resumed on Monday.","published":1627984800}"#.to_string(),
        r#"{"id":"millis","text":"Talks resumed on Monday.","date":"1627984800000"}"#.to_string(),
        r#"{"id":"words","text":"Talks resumed on Monday.","dct":"Aug 3, 2021"}"#.to_string(),
        r#"{"id":"slashes","text":"Talks resumed on Monday.","published":"2021/08/03"}"#.to_string(),
        r#"{"id":"dmy","text":"Talks resumed on Monday.","published":"03/08/2021"}"#.to_string(),
        r#"{"id":"unreadable","text":"Talks resumed.","published":"the day after"}"#.to_string(),
        serde_json::json!({"id": "huge", "text": big}).to_string(),
    ]
    .join("\n");
    write(&input.join("feed.jsonl"), feed.as_bytes());
    write(&input.join("empty.txt"), b"");
    let binary = b"\x89PNG\r\n\x1a\n\x00\xff\xfe not text";
    write(&input.join("image.txt"), binary);
    write(
        &input.join("older/old.txt"),
        b"An older article, below the directory.\n",
    );
    write(&input.join("notes.md"), b"Not an article file.\n");
    let config = r#"data_dir = "state"

[sources.wire]
type = "file"
paths = ["in"]
date_order = "dmy"
max_article_bytes = 2000

[stages.dates]
type = "dates"
inputs = ["wire"]

[sinks.out]
type = "file"
inputs = ["dates"]
path = "out/articles.jsonl"
"#;
    write(&dir.path().join("pipeline.toml"), config.as_bytes());
    let output = byline(dir.path(), &["run", "-c", "pipeline.toml"], b"");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");

    let articles = json_lines(&dir.path().join("out/articles.jsonl"));
    let ids: Vec<&str> = articles.iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["envoy", "rss", "epoch", "millis", "words", "slashes", "dmy"],
        "the subdirectory and notes.md are not read"
    );
    // Unknown headers go to meta, known ones fill fields, none reach the body, and the
    // date in words anchors "Tuesday".
    let envoy = by_id(&articles, "envoy");
    assert_eq!(envoy["title"], "Talks resume");
    assert_eq!(envoy["meta"]["author"], "Jane Doe");
    assert_eq!(envoy["meta"]["section"], "World");
    assert_eq!(envoy["text"], "The envoy arrived on Tuesday.\n");
    assert_eq!(envoy["published"], "2021-08-03");
    assert_eq!(envoy["published_raw"], "3 August 2021");
    assert_eq!(envoy["timexes"][0]["value"], "2021-08-03");
    // Every date form is read; the output is RFC 3339 and the original is kept.
    for (id, published, raw) in [
        (
            "rss",
            "2021-08-03T10:00:00Z",
            "Tue, 03 Aug 2021 10:00:00 GMT",
        ),
        ("epoch", "2021-08-03T10:00:00Z", "1627984800"),
        ("millis", "2021-08-03T10:00:00Z", "1627984800000"),
        ("words", "2021-08-03", "Aug 3, 2021"),
        ("slashes", "2021-08-03", "2021/08/03"),
        ("dmy", "2021-08-03", "03/08/2021"),
    ] {
        let article = by_id(&articles, id);
        assert_eq!(article["published"], published, "{id}");
        assert_eq!(article["published_raw"], raw, "{id}");
        // "Monday" is the day before 3 August 2021, wherever the date came from.
        assert_eq!(article["timexes"][0]["value"], "2021-08-02", "{id}");
    }

    // `published_raw` is part of the published output contract.
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema/article.v1.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(schema_path).expect("read the file"))
            .expect("parse JSON");
    let validator = jsonschema::validator_for(&schema).expect("compile the schema");
    for article in &articles {
        let errors: Vec<String> = validator
            .iter_errors(article)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", article["id"]);
    }

    let dead = json_lines(&dir.path().join("state/dead-letter.jsonl"));
    assert_eq!(dead.len(), 4, "{dead:#?}");
    let unreadable = dead_letter_saying(&dead, "the day after");
    assert_eq!(unreadable["error"]["field"], "published");
    assert_eq!(unreadable["error"]["line"], 7);
    assert!(
        unreadable["error"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("feed.jsonl"))
    );
    let huge = dead_letter_saying(&dead, "too large");
    let size = serde_json::json!({"id": "huge", "text": big})
        .to_string()
        .len();
    assert!(
        huge["error"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains(&format!("{size} bytes"))),
        "{huge:#?}"
    );
    let empty = dead_letter_saying(&dead, "empty");
    assert!(
        empty["error"]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("empty.txt"))
    );
    let image = dead_letter_saying(&dead, "UTF-8");
    use base64::Engine as _;
    let kept = base64::engine::general_purpose::STANDARD
        .decode(image["raw_base64"].as_str().unwrap_or_default())
        .unwrap_or_default();
    assert_eq!(kept, binary, "the raw bytes are kept exactly");
}

#[test]
fn an_ambiguous_date_without_date_order_is_a_dead_letter_naming_the_option() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let line = br#"{"id":"a","text":"Talks resumed on Monday.","published":"03/08/2021"}"#;
    let output = byline(dir.path(), &["annotate", "--data-dir", "state", "-"], line);
    assert!(output.stdout.is_empty());
    let dead = json_lines(&dir.path().join("state/dead-letter.jsonl"));
    let reason = dead[0]["error"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("date_order = \"dmy\""), "{reason}");
    assert_eq!(dead[0]["error"]["field"], "published");
}

#[test]
fn a_too_large_article_on_stdin_is_a_dead_letter_with_its_size() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // 3 MB, over the default limit of 2 MiB.
    let text = "The envoy spoke. ".repeat(3_000_000 / 17);
    let output = byline(
        dir.path(),
        &[
            "annotate",
            "--data-dir",
            "state",
            "--input-format",
            "txt",
            "-",
        ],
        text.as_bytes(),
    );
    assert!(output.stdout.is_empty());
    let dead = json_lines(&dir.path().join("state/dead-letter.jsonl"));
    let reason = dead[0]["error"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains(&format!("too large: {} bytes", text.len())),
        "{reason}"
    );
    assert_eq!(dead[0]["raw"].as_str().map(str::len), Some(4096));
}
