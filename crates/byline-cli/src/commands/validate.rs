//! `byline validate -c FILE`: checks a pipeline file without running anything.

use std::path::PathBuf;
use std::process::ExitCode;

use byline_core::Registry;
use byline_runtime::{LoadError, Pipeline};
use clap::Args;

use crate::cli::Options;

/// Check a pipeline file without running it.
///
/// Parses the file, interpolates `${VAR}`s, builds every component from its own table and
/// checks the wiring: unknown fields and types, unknown inputs, duplicate ids, cycles,
/// unused components and stages whose required layers are not provided upstream. Every
/// error is reported with file:line:column, the component and the field. No source is
/// started. Exits 0 when the file is valid, 1 otherwise.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The pipeline file (TOML).
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,
}

pub fn execute(
    args: ValidateArgs,
    registry: &Registry,
    options: &Options,
) -> anyhow::Result<ExitCode> {
    match Pipeline::load_for_validation(&args.config, registry) {
        Ok(pipeline) => {
            if !options.quiet {
                let (sources, stages, sinks) = pipeline.component_ids();
                println!(
                    "{}: ok ({} → {} → {})",
                    args.config.display(),
                    list_or_none(&sources),
                    list_or_none(&stages),
                    list_or_none(&sinks)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(LoadError::Config(errors)) => {
            eprintln!("{errors}");
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

fn list_or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "no stages".to_string()
    } else {
        ids.join(", ")
    }
}
