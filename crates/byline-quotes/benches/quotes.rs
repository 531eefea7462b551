//! Throughput of the `quotes` stage alone: articles are tokenized and carry their entities
//! before the clock starts, so only quote finding and attribution are timed.
//!
//! `cargo bench -p byline-quotes --bench quotes` prints MB/s of article text on one core.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use byline_core::output::ArticleJson;
use byline_core::{Article, Stage};
use byline_quotes::QuotesStage;

fn articles() -> Vec<Article> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/articles.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            let mut value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
            // The fixture's gold quotes are not the stage's input.
            value["quotes"] = serde_json::Value::Array(Vec::new());
            let json: ArticleJson = serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}"));
            let article = json.into_article().unwrap_or_else(|e| panic!("{e}"));
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
    let corpus = articles();
    let bytes_per_pass: usize = corpus.iter().map(|a| a.text().len()).sum();
    // Warm up, then run for about two seconds.
    let mut warm = corpus.clone();
    for a in &mut warm {
        let _ = stage.process(a);
    }
    let mut timed = Duration::ZERO;
    let mut cpu_ns = 0u64;
    let mut passes = 0usize;
    let mut quotes = 0usize;
    while timed < Duration::from_secs(2) {
        let mut batch = corpus.clone();
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
            "quotes stage: {:.1} MB/s per core of CPU time",
            mb / (cpu_ns as f64 / 1e9)
        );
    }
    println!(
        "quotes stage: {:.1} MB/s wall clock on one thread ({} passes over {} articles, {} bytes each pass, {} quotes)",
        mb / timed.as_secs_f64(),
        passes,
        corpus.len(),
        bytes_per_pass,
        quotes / passes.max(1)
    );
}
