//! Scores the entities stage against a gold JSONL file until `byline eval entities` is
//! wired into the CLI:
//!
//! ```text
//! cargo run --release -p byline-entities --example eval -- GOLD.jsonl [--model FILE] [--verbose] [--json]
//! ```

use std::path::PathBuf;

use byline_entities::{EntitiesConfig, EntitiesStage, eval::evaluate};

fn main() {
    let mut gold = None;
    let mut config = EntitiesConfig::default();
    let (mut verbose, mut json) = (false, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--verbose" => verbose = true,
            "--json" => json = true,
            "--model" => config.model = args.next().map(PathBuf::from),
            _ => gold = Some(PathBuf::from(arg)),
        }
    }
    let gold = gold
        .unwrap_or_else(|| panic!("usage: eval GOLD.jsonl [--model FILE] [--verbose] [--json]"));
    let stage = EntitiesStage::from_config(&config).unwrap_or_else(|e| panic!("{e}"));
    match evaluate(&gold, &stage, verbose) {
        Ok(report) if json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("evaluation failed: {e}");
            std::process::exit(1);
        }
    }
}
