//! `byline eval entities|dates|quotes --gold FILE`: scores a stage against an annotated corpus.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use byline_core::{BuildContext, RawConfig, Registry, Stage};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::cli::Options;

/// Score a built-in stage against a gold corpus.
///
/// With `-v` (`--verbose`), every disagreement is listed after the scores.
///
/// The stages are built from the registry with their default config, exactly as a pipeline
/// would build them (the quotes stage with the `--scope` it is scored in). With `--fail-under` the command exits 1 when the headline score falls
/// under the given figure, which is how `.ci/run` keeps quality from slipping.
#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    pub target: EvalTarget,
}

#[derive(Debug, Subcommand)]
pub enum EvalTarget {
    /// Exact span + label micro P/R/F1 (CoNLL), overall and per label. Gold: JSONL with
    /// `text` and `entities` [{start, end, label}] in code points.
    Entities(EntitiesArgs),
    /// TempEval-3: relaxed span, strict span and value F1, and type accuracy. Gold: JSONL
    /// with `text`, `dct` and `timexes` [{start, end, type, value}].
    Dates(DatesArgs),
    /// Gender Gap Tracker protocol: quote P/R/F1 at 30% and 80% character coverage and
    /// speaker accuracy, for all attributions and for direct quotes. Gold: PolNeAR-shaped
    /// JSONL. Runs the entities stage first.
    Quotes(QuotesArgs),
}

/// Flags every evaluation takes.
#[derive(Debug, Args)]
pub struct CommonEvalArgs {
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when the headline F1 (0-100) is under this figure.
    #[arg(long, value_name = "F1")]
    pub fail_under: Option<f64>,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// The gold corpus.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    #[command(flatten)]
    pub common: CommonEvalArgs,
}

#[derive(Debug, Args)]
pub struct DatesArgs {
    /// The gold corpus; repeat the flag to score several files together.
    #[arg(long, value_name = "FILE", required = true)]
    pub gold: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonEvalArgs,
}

#[derive(Debug, Args)]
pub struct QuotesArgs {
    /// The gold corpus.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// Exit 1 when speaker accuracy (0-100, all attributions) is under this figure.
    #[arg(long, value_name = "PERCENT")]
    pub fail_under_speaker: Option<f64>,
    /// The quotes stage's `scope`: `attribution` (PolNeAR's notion, which its gold
    /// annotates) or `speech` (what people said or wrote; its precision is the figure
    /// to read, since PolNeAR's gold holds more than speech).
    #[arg(long, value_enum, default_value_t = EvalScope::Attribution)]
    pub scope: EvalScope,
    #[command(flatten)]
    pub common: CommonEvalArgs,
}

/// The `--scope` of `byline eval quotes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalScope {
    Speech,
    Attribution,
}

impl EvalScope {
    fn config(self) -> &'static str {
        match self {
            EvalScope::Speech => "scope = \"speech\"\n",
            EvalScope::Attribution => "scope = \"attribution\"\n",
        }
    }
}

pub fn execute(args: EvalArgs, registry: &Registry, options: &Options) -> anyhow::Result<ExitCode> {
    let verbose = options.verbose > 0;
    match args.target {
        EvalTarget::Entities(args) => {
            let stage = build_stage(registry, "entities")?;
            let report = byline_entities::eval::evaluate(&args.gold, stage.as_ref(), verbose)
                .with_context(|| format!("evaluating entities on {}", args.gold.display()))?;
            print_report(&report, args.common.json)?;
            Ok(gate(&[(
                "entities F1",
                report.overall.f1,
                args.common.fail_under,
            )]))
        }
        EvalTarget::Dates(args) => {
            let stage = build_stage(registry, "dates")?;
            let report = byline_dates::eval::evaluate(&args.gold, stage.as_ref(), verbose)
                .context("evaluating dates")?;
            print_report(&report, args.common.json)?;
            Ok(gate(&[(
                "dates value F1",
                report.combined.value.f1,
                args.common.fail_under,
            )]))
        }
        EvalTarget::Quotes(args) => {
            let entities = build_stage(registry, "entities")?;
            let stage = build_stage_with(registry, "quotes", args.scope.config())?;
            let report = byline_quotes::eval::evaluate(
                &args.gold,
                &[entities.as_ref()],
                stage.as_ref(),
                verbose,
            )
            .with_context(|| format!("evaluating quotes on {}", args.gold.display()))?;
            print_report(&report, args.common.json)?;
            Ok(gate(&[
                // Speaker accuracy is a fraction (0-1); the gates speak in points.
                ("quotes F1@30", report.all.at_30.f1, args.common.fail_under),
                (
                    "quotes speaker accuracy",
                    100.0 * report.all.speaker_accuracy,
                    args.fail_under_speaker,
                ),
            ]))
        }
    }
}

/// Builds a registered stage from an empty table, i.e. with its default config.
fn build_stage(registry: &Registry, type_name: &str) -> anyhow::Result<Box<dyn Stage>> {
    build_stage_with(registry, type_name, "")
}

/// Builds a registered stage from the config table `toml`.
fn build_stage_with(
    registry: &Registry,
    type_name: &str,
    toml: &str,
) -> anyhow::Result<Box<dyn Stage>> {
    let Some(factory) = registry.stage(type_name) else {
        bail!("no stage type {type_name:?} is registered");
    };
    let context = BuildContext {
        id: type_name.to_string(),
        ..BuildContext::default()
    };
    let config = RawConfig::from_toml(toml).map_err(|e| anyhow::anyhow!("{e}"))?;
    factory
        .build(config, &context)
        .map_err(|e| anyhow::anyhow!("building the {type_name} stage: {e}"))
}

fn print_report<R: std::fmt::Display + Serialize>(report: &R, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}

/// Compares each score with its floor; prints a line per failed gate.
fn gate(checks: &[(&str, f64, Option<f64>)]) -> ExitCode {
    let mut failed = false;
    for (what, score, floor) in checks {
        if let Some(floor) = floor
            && score < floor
        {
            eprintln!("quality gate failed: {what} is {score:.2}, under the floor {floor:.2}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builtin;

    #[test]
    fn every_eval_scope_builds_the_quotes_stage() {
        let registry = Registry::builtin();
        for scope in [EvalScope::Speech, EvalScope::Attribution] {
            let built = build_stage_with(&registry, "quotes", scope.config());
            assert!(built.is_ok(), "{scope:?}: {:?}", built.err());
        }
    }
}
