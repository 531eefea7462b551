//! `byline train entities`: trains the entity tagger from CoNLL-shaped JSONL.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use byline_core::Registry;
use clap::{Args, Subcommand};

use crate::cli::Options;

/// Train a model. Training is deterministic for a given seed.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    pub target: TrainTarget,
}

#[derive(Debug, Subcommand)]
pub enum TrainTarget {
    /// The entity tagger: an averaged perceptron over hashed features. Prints dev F1 after
    /// each epoch (with -v). Write the result to crates/byline-entities/model/entities.bin
    /// and rebuild to ship it.
    Entities(EntitiesTrainArgs),
}

#[derive(Debug, Args)]
pub struct EntitiesTrainArgs {
    /// Training corpus (JSONL with `text` and `entities`).
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Development corpus, scored after every epoch.
    #[arg(long, value_name = "FILE")]
    pub dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Word-cluster lexicon to train with (defaults to the one the crate ships).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Passes over the training data (defaults to the shipped model's setting).
    #[arg(long)]
    pub epochs: Option<usize>,
    /// Seed for the shuffling order.
    #[arg(long)]
    pub seed: Option<u64>,
}

pub fn execute(
    args: TrainArgs,
    _registry: &Registry,
    options: &Options,
) -> anyhow::Result<ExitCode> {
    match args.target {
        TrainTarget::Entities(args) => {
            let mut opts =
                byline_entities::train::TrainOptions::new(args.train, args.dev, args.out);
            opts.lexicon = args.lexicon;
            if let Some(epochs) = args.epochs {
                opts.epochs = epochs;
            }
            if let Some(seed) = args.seed {
                opts.seed = seed;
            }
            let report = byline_entities::train::train(&opts).context("training entities")?;
            if !options.quiet {
                for epoch in &report.epochs {
                    match &epoch.dev {
                        Some(dev) => println!(
                            "epoch {:>2}: {} sentence errors, dev F1 {:.2} ({:.1} s)",
                            epoch.epoch, epoch.sentence_errors, dev.overall.f1, epoch.seconds
                        ),
                        None => println!(
                            "epoch {:>2}: {} sentence errors ({:.1} s)",
                            epoch.epoch, epoch.sentence_errors, epoch.seconds
                        ),
                    }
                }
                println!(
                    "wrote {} ({} bytes) from {} documents, {} tokens in {:.1} s",
                    opts.out.display(),
                    report.model_bytes,
                    report.train_documents,
                    report.train_tokens,
                    report.seconds
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
