//! Builds `model/lexicon.bin` (word clusters and case profiles) from unlabelled text:
//! JSONL files (their `text` field) and folders of `.txt` files. The text itself is never
//! written anywhere; only cluster ids and case profiles keyed by word hash.
//!
//! ```text
//! cargo run --release -p byline-entities --example lexicon -- OUT.bin INPUT...
//! ```

use std::path::Path;

use byline_entities::binary_format::ByteWriter;
use byline_entities::lexicon_builder::{LexiconOptions, build};

fn read_texts(path: &Path, texts: &mut Vec<String>) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            read_texts(&entry, texts);
        }
    } else if path.extension().is_some_and(|e| e == "txt") {
        if let Ok(text) = std::fs::read_to_string(path) {
            texts.push(text);
        }
    } else if path.extension().is_some_and(|e| e == "jsonl") {
        let source =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in source.lines() {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(text) = value.get("text").and_then(|t| t.as_str())
            {
                texts.push(text.to_string());
            }
        }
    }
}

fn main() {
    tracing_subscriber::fmt().with_target(false).init();
    let mut args = std::env::args().skip(1);
    let out = args
        .next()
        .unwrap_or_else(|| panic!("usage: lexicon OUT.bin INPUT..."));
    let mut texts = Vec::new();
    for input in args {
        read_texts(Path::new(&input), &mut texts);
    }
    let started = std::time::Instant::now();
    let lexicon = build(&texts, &LexiconOptions::default());
    let mut writer = ByteWriter::default();
    lexicon.write(&mut writer);
    std::fs::write(&out, &writer.bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
    println!(
        "{} texts, {} words clustered, {} bytes, {:.1}s",
        texts.len(),
        lexicon.len(),
        writer.bytes.len(),
        started.elapsed().as_secs_f64()
    );
}
