//! Scores the `dates` stage on TimeML gold files (TempEval-3 style), until the CLI's
//! `byline eval dates` is wired:
//!
//! ```text
//! cargo run --release -p byline-dates --example eval -- [--verbose] [--json] FILE.jsonl...
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use byline_dates::{DatesConfig, DatesStage, eval};

fn main() -> ExitCode {
    let mut verbose = false;
    let mut json = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            "--json" => json = true,
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if files.is_empty() {
        eprintln!("usage: eval [--verbose] [--json] GOLD.jsonl...");
        return ExitCode::from(2);
    }
    let stage = match DatesStage::new(DatesConfig::default()) {
        Ok(stage) => stage,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match eval::evaluate(&files, &stage, verbose) {
        Ok(report) if json => match serde_json::to_string_pretty(&report) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
