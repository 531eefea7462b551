//! Articles in other languages, end to end through the real binary: they come out with
//! their language and without English annotations, and the summary counts them.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `byline` in `dir`, so that its data directory lands there.
fn byline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run byline: {e}"))
}

// Articles written for this test.
const ENGLISH: &str = "Maria Okafor, the harbour master, said on Tuesday that the ferry \
    service would resume next week. \"The boats will run every twenty minutes,\" Okafor \
    told reporters in Portsmouth.";
const ENGLISH_TOO: &str = "The city council in Leeds voted on Monday to close the old \
    bridge for repairs. Engineers said the work would take three months.";
const GERMAN: &str = "Die Hafenmeisterin Maria Okafor sagte am Dienstag, dass der \
    Fährbetrieb in der nächsten Woche wieder aufgenommen werde. \"Die Boote fahren alle \
    zwanzig Minuten\", sagte Okafor vor Journalisten in Hamburg.";
const ARABIC: &str = "قالت مديرة الميناء ماريا أوكافور يوم الثلاثاء إن خدمة العبّارات \
    ستستأنف الأسبوع المقبل. وقالت للصحفيين: \"ستعمل القوارب كل عشرين دقيقة\".";
const CHINESE: &str = "港务长玛丽亚·奥卡福周二表示，渡轮服务将于下周恢复。她对记者说：\
    “船只将每二十分钟一班。”";

fn line(id: &str, text: &str, language: Option<&str>) -> String {
    let mut record = serde_json::json!({"id": id, "text": text, "published": "2021-08-03"});
    if let Some(language) = language {
        record["language"] = Value::from(language);
    }
    record.to_string()
}

#[test]
fn a_mixed_language_file_annotates_english_and_passes_the_rest_through() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let input = [
        line("en", ENGLISH, None),
        line("de", GERMAN, None),
        // The input's word is taken, even for Arabic text that detection would also find.
        line("ar", ARABIC, Some("ar")),
        line("zh", CHINESE, None),
        line("en-gb", ENGLISH_TOO, Some("en-GB")),
        // ...and even when the text looks English: the feed knows its own articles.
        line("said-de", ENGLISH_TOO, Some("de")),
    ]
    .join("\n");
    std::fs::write(dir.path().join("mixed.jsonl"), input + "\n").expect("join the thread");
    std::fs::write(
        dir.path().join("brief.txt"),
        format!("title: Fähren\nlanguage: de\n\n{GERMAN}"),
    )
    .expect("write the file");

    let output = byline(
        dir.path(),
        &[
            "annotate",
            "mixed.jsonl",
            "brief.txt",
            "--data-dir",
            "state",
        ],
    );
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    let articles: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let by_id = |id: &str| {
        articles
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("no article `{id}` in {articles:?}"))
    };
    let count = |article: &Value, layer: &str| article[layer].as_array().map_or(0, Vec::len);

    for (id, language) in [("en", "en"), ("en-gb", "en-GB")] {
        let article = by_id(id);
        assert_eq!(article["language"], language, "{id}");
        assert!(count(article, "entities") > 0, "{id}: {article}");
        assert!(count(article, "timexes") > 0, "{id}: {article}");
    }
    assert!(count(by_id("en"), "quotes") > 0, "{}", by_id("en"));

    for (id, language, text) in [
        ("de", "de", GERMAN),
        ("ar", "ar", ARABIC),
        ("zh", "zh", CHINESE),
        ("said-de", "de", ENGLISH_TOO),
        ("brief", "de", GERMAN),
    ] {
        let article = by_id(id);
        assert_eq!(article["language"], language, "{id}");
        assert_eq!(article["text"], text, "{id}: the text is never altered");
        for layer in ["entities", "timexes", "quotes"] {
            assert_eq!(article[layer], Value::Array(Vec::new()), "{id}: {layer}");
        }
    }
    assert_eq!(articles.len(), 7);

    assert!(
        log.contains("5 not English: skipped by entities, dates, quotes"),
        "{log}"
    );
    assert!(log.contains("7 articles in, 7 out"), "{log}");
}
