//! Throughput of the `quotes` stage alone: articles are tokenized and carry their entities
//! before the clock starts, so only quote finding and attribution are timed.
//!
//! `cargo bench -p byline-quotes --bench quotes` prints MB/s of article text on one core,
//! first on the sample articles, then on hostile text: about 100 KB of one paragraph with
//! no sentence end, made of one repeated shape (repeated cues, unbalanced and nested
//! quotation marks). The stage is linear, so the hostile figures stay in the same range
//! as the news figure; a quadratic rule shows up there as a collapse to KB/s.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use byline_core::output::ArticleJson;
use byline_core::{Article, Entity, EntityLabel, Stage};
use byline_quotes::QuotesStage;

fn articles() -> Vec<Article> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/articles.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).expect("parse JSON");
            // The fixture's gold quotes are not the stage's input.
            value["quotes"] = serde_json::Value::Array(Vec::new());
            let json: ArticleJson = serde_json::from_value(value).expect("from value");
            let article = json.into_article().expect("read the article back");
            article.analysis();
            article
        })
        .collect()
}

/// Repeated shapes that once made the stage quadratic, or could.
const HOSTILE_SHAPES: &[&str] = &[
    "word Smith said Tuesday ",
    "Smith said that Jones believes that ",
    "the plan, Smith said, ",
    "“the plan is fine,” Smith said “and ",
    "\"a b\" ‘ ’ « » \" ",
    "Smith, who said officials warned ",
    "according to Smith, the plan, according to Jones, ",
];

/// One article per hostile shape, about 100 KB each, with every "Smith" and "Jones"
/// tagged as a person (as the entities stage would).
fn hostile_articles() -> Vec<Article> {
    HOSTILE_SHAPES
        .iter()
        .map(|shape| {
            let text = shape.repeat(100_000 / shape.len());
            let mut article = Article::new("hostile", &text);
            for name in ["Smith", "Jones"] {
                for (start, _) in text.match_indices(name) {
                    article.entities.push(Entity {
                        start,
                        end: start + name.len(),
                        text: name.to_string(),
                        label: EntityLabel::Person,
                        name: name.to_string(),
                    });
                }
            }
            article.entities.sort_by_key(|e| e.start);
            article.analysis();
            article
        })
        .collect()
}

/// Nanoseconds this thread has run on a CPU (Linux), so that the figure is per core even on
/// a busy machine; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn main() {
    let stage = QuotesStage::default();
    measure("quotes stage", &stage, &articles());
    measure("quotes stage, hostile text", &stage, &hostile_articles());
}

/// Runs the stage over `corpus` for about two seconds and prints MB/s.
fn measure(label: &str, stage: &QuotesStage, corpus: &[Article]) {
    let bytes_per_pass: usize = corpus.iter().map(|a| a.text().len()).sum();
    // Warm up, then run for about two seconds.
    let mut warm = corpus.to_vec();
    for a in &mut warm {
        let _ = stage.process(a);
    }
    let mut timed = Duration::ZERO;
    let mut cpu_ns = 0u64;
    let mut passes = 0usize;
    let mut quotes = 0usize;
    while timed < Duration::from_secs(2) {
        let mut batch = corpus.to_vec();
        let start = Instant::now();
        let cpu_start = thread_cpu_ns();
        for a in &mut batch {
            let _ = std::hint::black_box(stage.process(a));
        }
        timed += start.elapsed();
        if let (Some(s), Some(e)) = (cpu_start, thread_cpu_ns()) {
            cpu_ns += e.saturating_sub(s);
        }
        quotes += batch.iter().map(|a| a.quotes.len()).sum::<usize>();
        passes += 1;
    }
    let mb = (bytes_per_pass * passes) as f64 / 1e6;
    if cpu_ns > 0 {
        println!(
            "{label}: {:.1} MB/s per core of CPU time",
            mb / (cpu_ns as f64 / 1e9)
        );
    }
    println!(
        "{label}: {:.1} MB/s wall clock on one thread ({} passes over {} articles, {} bytes each pass, {} quotes)",
        mb / timed.as_secs_f64(),
        passes,
        corpus.len(),
        bytes_per_pass,
        quotes / passes.max(1)
    );
}
