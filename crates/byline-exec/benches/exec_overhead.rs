//! What the exec stage costs: articles/s through a no-op Python child (which parses each
//! request and sends the article back unchanged) against the same articles through an
//! in-process no-op stage, and through the real word-count child.
//!
//! `cargo bench -p byline-exec --bench exec_overhead` (needs `python3`). Prints one line per
//! setting; `BYLINE_BENCH_ARTICLES` changes the number of articles (default 4000).

use std::path::PathBuf;
use std::time::Instant;

use byline_core::{Article, BuildContext, Flow, RawConfig, Registry, Stage, StageError};

const BATCH: usize = 64;

struct Noop;

impl Stage for Noop {
    fn process(&self, _: &mut Article) -> Result<Flow, StageError> {
        Ok(Flow::Continue)
    }
}

/// News-sized articles (about 3,000 characters, 500 words), each a little different.
fn corpus(n: usize) -> Vec<Article> {
    let sentences = [
        "Negotiators met again in the capital on Tuesday, officials said.",
        "The ceasefire, agreed last week, has largely held in the north.",
        "“We are not there yet,” the minister told reporters after the talks.",
        "Markets rose 1.2% as investors welcomed the news from the port.",
        "Dockworkers said the strike would continue until wages were raised.",
        "Élodie Marchetti, a spokeswoman, declined to comment on the report.",
    ];
    (0..n)
        .map(|i| {
            let mut text = String::new();
            for k in 0..48 {
                text.push_str(sentences[(i + k) % sentences.len()]);
                text.push(if k % 8 == 7 { '\n' } else { ' ' });
            }
            let mut article = Article::new(format!("bench-{i}"), text);
            article.title = Some(format!("Report {i}"));
            article
        })
        .collect()
}

fn wordcount_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/exec-python/wordcount.py")
}

fn exec_stage(mode: &str, max_in_flight: usize) -> Box<dyn Stage> {
    let source = format!(
        "command = [\"python3\", {:?}]\nmax_in_flight = {max_in_flight}\nconfig = {{ mode = \"{mode}\" }}\n",
        wordcount_script().display().to_string()
    );
    let mut registry = Registry::new();
    byline_exec::register(&mut registry);
    let raw = RawConfig::from_toml(&source).expect("parse the TOML");
    let context = BuildContext {
        id: "bench".into(),
        ..BuildContext::default()
    };
    registry
        .stage("exec")
        .unwrap_or_else(|| panic!("exec is not registered"))
        .build(raw, &context)
        .expect("build the stage")
}

/// Runs every article through `stage` in batches on `workers` threads; returns articles/s.
fn throughput(stage: &dyn Stage, articles: &[Article], workers: usize) -> f64 {
    let chunks: Vec<Vec<Article>> = articles
        .chunks(articles.len().div_ceil(workers))
        .map(<[Article]>::to_vec)
        .collect();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for mut chunk in chunks {
            scope.spawn(move || {
                for batch in chunk.chunks_mut(BATCH) {
                    let results = stage.process_batch(batch);
                    let failed = results.iter().filter(|r| r.is_err()).count();
                    assert_eq!(failed, 0, "articles failed in the benchmark");
                }
            });
        }
    });
    articles.len() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let n = std::env::var("BYLINE_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let articles = corpus(n);
    let bytes: usize = articles.iter().map(|a| a.text().len()).sum();
    println!(
        "exec overhead: {n} articles of {} bytes on average, batches of {BATCH}",
        bytes / n.max(1)
    );
    let baseline = throughput(&Noop, &articles, 1);
    println!("  in-process no-op stage                     {baseline:>12.0} articles/s");
    for (mode, max_in_flight, workers) in [
        ("noop", 1, 1),
        ("noop", 16, 1),
        ("noop", 16, 2),
        ("annotate", 16, 1),
        ("annotate", 16, 2),
    ] {
        let stage = exec_stage(mode, max_in_flight);
        // Warm-up: start the children of every worker.
        let warm: Vec<Article> = articles.iter().take(BATCH * workers).cloned().collect();
        throughput(&*stage, &warm, workers);
        let rate = throughput(&*stage, &articles, workers);
        println!(
            "  exec python {mode:<8} in_flight={max_in_flight:<2} workers={workers}   {rate:>12.0} articles/s  ({:.0} µs/article)",
            1e6 / rate
        );
    }
}
