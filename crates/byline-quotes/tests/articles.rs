//! Scores the stage on the articles in `tests/data/articles.jsonl` (written for this crate;
//! entities are listed in the file so the score does not depend on the NER model).

use std::path::PathBuf;

use byline_quotes::QuotesStage;
use byline_quotes::eval::evaluate;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/articles.jsonl")
}

#[test]
fn own_articles_meet_the_quality_bar() {
    let report = evaluate(&fixture(), &[], &QuotesStage::default(), true).expect("evaluate");
    assert_eq!(report.articles, 9);
    assert!(report.all.at_30.f1 >= 0.90, "{report}");
    assert!(report.all.speaker_accuracy >= 0.90, "{report}");
    assert!(report.direct.at_30.f1 >= 0.90, "{report}");
    assert!(report.direct.speaker_accuracy >= 0.90, "{report}");
}

#[test]
fn three_fixture_articles_have_their_quotation_marks_stripped() {
    let text = std::fs::read_to_string(fixture()).expect("fixture");
    let stripped: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("parse JSON"))
        .filter(|a: &serde_json::Value| {
            a["id"].as_str().is_some_and(|id| id.ends_with("-stripped"))
        })
        .collect();
    assert_eq!(stripped.len(), 3);
    for article in stripped {
        let body = article["text"].as_str().unwrap_or_default();
        assert!(!body.contains(['"', '“', '”', '‘']), "{}", article["id"]);
    }
}

#[test]
fn a_missing_gold_file_is_an_error_not_a_panic() {
    let missing = fixture().with_file_name("no-such-file.jsonl");
    assert!(evaluate(&missing, &[], &QuotesStage::default(), false).is_err());
}
