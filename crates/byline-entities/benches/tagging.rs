//! Entity tagging throughput, end to end on text: tokenize + features + decode + names.
//!
//! ```text
//! cargo bench -p byline-entities --bench tagging
//! BYLINE_BENCH_FILE=../shared/data/ner/conll2003_valid.jsonl cargo bench -p byline-entities --bench tagging
//! ```
//!
//! Prints model load time, model size and tokens per second on one core. Texts come from
//! `BYLINE_BENCH_FILE` (any JSONL with a `text` field) or the crate's own test articles.

use std::hint::black_box;
use std::time::Instant;

use byline_core::{Article, Stage};
use byline_entities::EntitiesStage;
use byline_entities::model::Model;

fn texts() -> Vec<String> {
    let path = std::env::var("BYLINE_BENCH_FILE").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/modern_news.jsonl").to_string()
    });
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    source
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
        .collect()
}

/// CPU time this thread has run, from Linux's schedstat; wall time elsewhere. The machine
/// is shared, so CPU time is what "tokens per second on one core" means.
fn thread_seconds(wall: Instant) -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map_or_else(|| wall.elapsed().as_secs_f64(), |ns| ns / 1e9)
}

fn main() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/model/entities.bin"))
        .unwrap_or_default();
    let started = Instant::now();
    let model = Model::from_bytes(&bytes).expect("from bytes");
    let load = started.elapsed();
    println!(
        "model: {:.1} MB, loads in {:.3} s",
        bytes.len() as f64 / 1e6,
        load.as_secs_f64()
    );
    drop(model);
    let started = Instant::now();
    let stage = EntitiesStage::with_embedded_model().expect("load the embedded model");
    println!(
        "embedded model ready in {:.3} s",
        started.elapsed().as_secs_f64()
    );

    let texts = texts();
    let tokens_per_pass: usize = texts
        .iter()
        .map(|t| Article::new("b", t.as_str()).analysis().tokens.len())
        .sum();
    let passes = (2_000_000 / tokens_per_pass.max(1)).max(1);
    // Warm up caches and the thread-local scratch.
    for t in &texts {
        let mut a = Article::new("w", t.as_str());
        stage.process(&mut a).ok();
    }
    let wall = Instant::now();
    let cpu = thread_seconds(wall);
    let mut token_count = 0;
    for _ in 0..passes {
        for t in &texts {
            let article = Article::new("b", t.as_str());
            token_count += black_box(article.analysis().tokens.len());
        }
    }
    let tokenize_seconds = thread_seconds(wall) - cpu;

    let wall = Instant::now();
    let cpu = thread_seconds(wall);
    let mut entities = 0;
    for _ in 0..passes {
        for t in &texts {
            let mut article = Article::new("b", t.as_str());
            stage.process(&mut article).ok();
            entities += black_box(article.entities.len());
        }
    }
    let seconds = thread_seconds(wall) - cpu;
    let wall_seconds = wall.elapsed().as_secs_f64();
    let tokens = tokens_per_pass * passes;
    println!(
        "tokenizing alone: {:.0} tokens/s ({token_count} tokens)",
        tokens as f64 / tokenize_seconds
    );
    println!(
        "tagging end to end: {tokens} tokens in {seconds:.3} s of CPU ({wall_seconds:.3} s wall) = {:.0} tokens/s on one core ({entities} entities)",
        tokens as f64 / seconds
    );
}
