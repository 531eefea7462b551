//! Trains the entity model until `byline train entities` is wired into the CLI:
//!
//! ```text
//! cargo run --release -p byline-entities --example train -- \
//!     --train ../shared/data/ner/conll2003_train.jsonl \
//!     --dev ../shared/data/ner/conll2003_valid.jsonl \
//!     --out crates/byline-entities/model/entities.bin [--epochs N] [--seed N] [--bits N] [--lexicon FILE]
//! ```

use std::path::PathBuf;

use byline_entities::train::{TrainOptions, train};

fn main() {
    tracing_subscriber::fmt().with_target(false).init();
    let mut args = std::env::args().skip(1);
    let mut opts = TrainOptions::new(PathBuf::new(), None, PathBuf::from("entities.bin"));
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        let number = || {
            value
                .parse::<u64>()
                .unwrap_or_else(|e| panic!("{flag}: {e}"))
        };
        match flag.as_str() {
            "--train" => opts.train = value.into(),
            "--dev" => opts.dev = Some(value.into()),
            "--out" => opts.out = value.into(),
            "--lexicon" => opts.lexicon = Some(value.into()),
            "--epochs" => opts.epochs = number() as usize,
            "--seed" => opts.seed = number(),
            "--bits" => opts.bucket_bits = number() as u32,
            other => panic!("unknown flag {other}"),
        }
    }
    match train(&opts) {
        Ok(report) => {
            for e in &report.epochs {
                let f1 = e
                    .dev
                    .as_ref()
                    .map_or(String::from("-"), |d| format!("{:.2}", d.overall.f1));
                println!(
                    "epoch {:>2}  sentence errors {:>6}  dev F1 {f1}  ({:.1}s)",
                    e.epoch, e.sentence_errors, e.seconds
                );
            }
            if let Some(dev) = report.epochs.last().and_then(|e| e.dev.as_ref()) {
                print!("{dev}");
            }
            println!(
                "{} documents, {} tokens, {} misaligned spans; model {} bytes; {:.1}s",
                report.train_documents,
                report.train_tokens,
                report.misaligned_spans,
                report.model_bytes,
                report.seconds
            );
        }
        Err(e) => {
            eprintln!("training failed: {e}");
            std::process::exit(1);
        }
    }
}
