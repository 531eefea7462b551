//! The Python example stage (`examples/exec-python/wordcount.py`) driven through the Stage
//! API: what its README promises is what it does.

use std::path::PathBuf;

use byline_core::{Article, BuildContext, Flow, RawConfig, Registry, Stage};

fn stage(config: &str) -> Result<Box<dyn Stage>, String> {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exec-python/wordcount.py");
    let source = format!(
        "command = [\"python3\", {:?}]\nconfig = {{ {config} }}\n",
        script.display().to_string()
    );
    let mut registry = Registry::new();
    byline_exec::register(&mut registry);
    let raw = RawConfig::from_toml(&source).expect("parse the TOML");
    let context = BuildContext {
        id: "wordcount".into(),
        ..BuildContext::default()
    };
    registry
        .stage("exec")
        .unwrap_or_else(|| panic!("exec is not registered"))
        .build(raw, &context)
        .map_err(|e| e.to_string())
}

fn articles() -> Vec<Article> {
    let mut long = Article::new(
        "long",
        "Dockworkers' pay talks resume—again—in Rotterdam. ".repeat(20),
    );
    long.meta.insert("desk".into(), "business".into());
    vec![Article::new("short", "Ça va, Kabul?"), long]
}

#[test]
fn counts_words_and_reading_time_and_keeps_other_meta() {
    let stage = stage("words_per_minute = 100").expect("build the stage");
    let mut batch = articles();
    let results = stage.process_batch(&mut batch);
    assert_eq!(results, [Ok(Flow::Continue), Ok(Flow::Continue)]);
    assert_eq!(batch[0].meta["word_count"], 3);
    // Each repetition has 7 words: the em dashes separate, the apostrophe does not.
    assert_eq!(batch[1].meta["word_count"], 140);
    assert_eq!(batch[1].meta["reading_time_minutes"], 1.4);
    assert_eq!(batch[1].meta["desk"], "business");
}

#[test]
fn short_articles_are_dropped_with_min_words() {
    let stage = stage("min_words = 5").expect("build the stage");
    let mut batch = articles();
    let results = stage.process_batch(&mut batch);
    assert_eq!(results, [Ok(Flow::Drop), Ok(Flow::Continue)]);
}

#[test]
fn noop_mode_sends_articles_back_unchanged() {
    let stage = stage("mode = \"noop\"").expect("build the stage");
    let mut batch = articles();
    let before: Vec<_> = batch.iter().map(Article::to_json).collect();
    let results = stage.process_batch(&mut batch);
    assert_eq!(results, [Ok(Flow::Continue), Ok(Flow::Continue)]);
    let after: Vec<_> = batch.iter().map(Article::to_json).collect();
    assert_eq!(before, after);
}

#[test]
fn a_bad_setting_stops_the_stage_at_startup_with_the_reason() {
    let err = stage("mode = \"fast\"")
        .err()
        .unwrap_or_else(|| panic!("a bad mode started"));
    assert!(
        err.contains("exited before answering the handshake (exit code 2)"),
        "{err}"
    );
    assert!(
        err.contains("mode must be \"annotate\" or \"noop\""),
        "{err}"
    );
}
