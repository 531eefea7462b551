//! The output contract, checked on real output: `byline annotate` over the bundled sample
//! articles must produce JSON that validates against `schema/article.v1.schema.json`, with
//! every span equal to `text[start:end]` in code points.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn annotate_samples() -> Vec<Value> {
    let root = repo_root();
    let output = Command::new(env!("CARGO_BIN_EXE_byline"))
        .arg("annotate")
        .arg(root.join("examples/articles"))
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run byline: {e}"));
    assert!(
        output.status.success(),
        "byline annotate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn char_slice(text: &str, span: &Value) -> String {
    let start = span["start"].as_u64().unwrap_or(u64::MAX) as usize;
    let end = span["end"].as_u64().unwrap_or(0) as usize;
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

#[test]
fn sample_output_validates_against_the_schema() {
    let schema_text = std::fs::read_to_string(repo_root().join("schema/article.v1.schema.json"))
        .unwrap_or_else(|e| panic!("cannot read the schema: {e}"));
    let schema: Value = serde_json::from_str(&schema_text).expect("parse JSON");
    let validator = jsonschema::validator_for(&schema).expect("compile the schema");
    let articles = annotate_samples();
    // 4 txt files and 3 JSONL lines are bundled.
    assert_eq!(articles.len(), 7);
    for article in &articles {
        let errors: Vec<String> = validator
            .iter_errors(article)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", article["id"]);
    }
}

#[test]
fn every_span_matches_its_text_in_code_points() {
    let articles = annotate_samples();
    let mut spans = 0;
    for article in &articles {
        let text = article["text"].as_str().unwrap_or_default();
        for layer in ["entities", "timexes", "quotes"] {
            for span in article[layer].as_array().into_iter().flatten() {
                assert_eq!(
                    char_slice(text, span),
                    span["text"].as_str().unwrap_or("<none>")
                );
                spans += 1;
                for part in ["speaker", "cue"] {
                    if span[part].is_object() {
                        assert_eq!(
                            char_slice(text, &span[part]),
                            span[part]["text"].as_str().unwrap_or("<none>")
                        );
                    }
                }
            }
        }
    }
    assert!(spans > 100, "only {spans} spans in the samples");
}

#[test]
fn the_mark_less_sample_yields_its_quote_and_speaker() {
    let articles = annotate_samples();
    let wildfire = articles
        .iter()
        .find(|a| a["id"] == "2024-05-02-wildfire-no-quote-marks")
        .unwrap_or_else(|| panic!("the wildfire sample is missing"));
    assert_eq!(wildfire["published"], "2024-05-02");
    let quote = wildfire["quotes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|q| {
            q["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("We were lucky the wind dropped overnight"))
        })
        .unwrap_or_else(|| panic!("mark-less quote not found: {}", wildfire["quotes"]));
    assert_eq!(quote["kind"], "direct");
    assert_eq!(quote["speaker"]["name"], "Ana Morales");
    let names: Vec<&str> = wildfire["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(names.contains(&"Laura Whitfield"), "{names:?}");
    let thursday = wildfire["timexes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["text"] == "Thursday")
        .unwrap_or_else(|| panic!("no Thursday timex"));
    assert_eq!(thursday["value"], "2024-05-02");
}
