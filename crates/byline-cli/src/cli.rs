//! The command line's shape: global flags and one subcommand.

use clap::{Parser, Subcommand};

use crate::commands::{annotate, bench, completions, eval, list, run, train, validate};

/// Annotate news articles: named entities, dates and quotes with their speakers.
///
/// byline tags named entities, normalises dates against each article's publication date,
/// and finds quotes with their speakers. It reads JSON Lines or plain-text articles and
/// writes JSON Lines.
///
/// Quick start:
///
///   byline annotate story.txt feed.jsonl      annotate files, print JSON Lines
///
///   byline run -c config/default.toml         run a configured pipeline
#[derive(Debug, Parser)]
#[command(
    name = "byline",
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// More logging on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only errors on stderr, and no run summary.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command may look at.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub quiet: bool,
    /// How many times `-v` was given.
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Run(run::RunArgs),
    Validate(validate::ValidateArgs),
    Annotate(annotate::AnnotateArgs),
    List(list::ListArgs),
    Bench(bench::BenchArgs),
    Eval(eval::EvalArgs),
    Train(train::TrainArgs),
    Completions(completions::CompletionsArgs),
    Man(completions::ManArgs),
}
