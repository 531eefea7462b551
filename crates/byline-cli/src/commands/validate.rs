//! `byline validate -c FILE`: checks a pipeline file without running anything.

use std::path::PathBuf;
use std::process::ExitCode;

use byline_core::Registry;
use byline_runtime::{ComponentView, LoadError, Pipeline};
use clap::Args;

use crate::cli::Options;

/// Check a pipeline file without running it.
///
/// Parses the file, interpolates `${VAR}`s, builds every component from its own table and
/// checks the wiring: unknown fields and types (with a "did you mean"), unknown inputs,
/// duplicate ids, cycles, unused components, a missing source or sink, and stages whose
/// required layers are not provided upstream; a source path that can never match and a
/// sink directory that cannot be created are errors, a pattern that matches no file today
/// is a warning. Every error is reported with
/// file:line:column, the component and the field. No source is started. Prints the
/// pipeline in the order articles flow through it. Exits 0 when the file is valid, 1
/// otherwise.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The pipeline file (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,

    /// Print the result as one JSON object: `{"file", "ok", "components"}` or
    /// `{"file", "ok": false, "errors": [{"message", "file", "line", "column",
    /// "component", "field"}]}`.
    #[arg(long)]
    pub json: bool,
}

pub fn execute(
    args: ValidateArgs,
    registry: &Registry,
    options: &Options,
) -> anyhow::Result<ExitCode> {
    let file = args.config.display().to_string();
    match Pipeline::load_for_validation(&args.config, registry) {
        Ok(pipeline) => {
            let components = pipeline.components_in_order();
            let warnings = pipeline.warnings();
            if args.json {
                let warnings: Vec<serde_json::Value> = warnings
                    .iter()
                    .map(|(component, message)| {
                        serde_json::json!({"component": component, "message": message})
                    })
                    .collect();
                let report = serde_json::json!({
                    "file": file, "ok": true, "components": components, "warnings": warnings
                });
                println!("{report}");
            } else if !options.quiet {
                for (component, message) in &warnings {
                    eprintln!("warning: `{component}`: {message}");
                }
                print!("{}", describe(&file, &components));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(LoadError::Config(errors)) => {
            if args.json {
                let report =
                    serde_json::json!({"file": file, "ok": false, "errors": errors.to_json()});
                println!("{report}");
            } else {
                eprintln!("{errors}");
            }
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

/// `FILE: ok`, then one line per component in pipeline order, with what it reads from.
fn describe(file: &str, components: &[ComponentView]) -> String {
    let width = components.iter().map(|c| c.id.len()).max().unwrap_or(0);
    let mut text = format!("{file}: ok\n");
    for component in components {
        let from = if component.inputs.is_empty() {
            String::new()
        } else {
            format!("  ← {}", component.inputs.join(", "))
        };
        let line = format!("  {:<6} {:<width$}{from}", component.kind, component.id);
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_shown_in_pipeline_order_with_their_inputs() {
        let view = |kind, id: &str, inputs: &[&str]| ComponentView {
            kind,
            id: id.to_string(),
            inputs: inputs.iter().map(ToString::to_string).collect(),
        };
        let text = describe(
            "p.toml",
            &[
                view("source", "wire", &[]),
                view("stage", "entities", &["wire"]),
                view("sink", "out", &["entities", "wire.errors"]),
            ],
        );
        assert_eq!(
            text,
            "p.toml: ok\n  source wire\n  stage  entities  ← wire\n  sink   out       ← entities, wire.errors\n"
        );
    }
}
