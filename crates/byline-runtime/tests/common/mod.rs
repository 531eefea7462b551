//! Helpers shared by the runtime's integration tests: files in, files out.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::Path;

use byline_core::Registry;
use byline_runtime::{Pipeline, RunSummary};
use serde_json::Value;

/// A path as a TOML string literal, escaped.
pub fn quoted(path: &Path) -> String {
    Value::String(path.display().to_string()).to_string()
}

/// Builds the pipeline from `config` and runs it until its finite sources are done.
pub async fn run_with(config: &str, registry: &Registry) -> RunSummary {
    let pipeline = Pipeline::from_toml(config, Path::new("test.toml"), registry)
        .unwrap_or_else(|e| panic!("{e}\n{config}"));
    pipeline.run_until(std::future::pending()).await
}

/// Every JSON line of a file; none when the file does not exist.
pub fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

pub fn ids(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("?").to_string())
        .collect()
}

/// One small article per id, as JSON Lines.
pub fn write_jsonl(path: &Path, ids: &[String]) {
    let content: String = ids
        .iter()
        .map(|id| {
            format!(
                "{}\n",
                serde_json::json!({"id": id, "text": format!("Text of {id}.")})
            )
        })
        .collect();
    std::fs::write(path, content).expect("write the file");
}
