//! `byline run -c FILE`: runs a configured pipeline until its sources are exhausted (or
//! SIGINT/SIGTERM), then prints a summary on stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use byline_core::Registry;
use byline_runtime::{LoadError, Pipeline, RunSummary};
use clap::Args;

use crate::cli::Options;
use crate::progress::{self, ProgressDisplay};

/// Run a pipeline from a config file.
///
/// The pipeline reads its sources to the end (or until Ctrl-C / SIGTERM, which stops the
/// sources and drains what is in flight; a second signal exits at once), writes every
/// article to its sinks, and records bad input in `data_dir/dead-letter.jsonl`. Exits
/// non-zero if a component failed or a record could not be delivered.
///
/// File sources remember how far each file was read and delivered (in
/// `data_dir/checkpoints/`), so running again, even after a crash, resumes where the last
/// run left off; `--from-start` reads everything again. One process at a time uses a
/// data_dir: a second `run` on it exits at once, naming the first one's pid.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline file (TOML), such as config/default.toml.
    #[arg(short, long, value_name = "FILE")]
    pub config: PathBuf,

    /// Forget the sources' checkpoints and read every file from the start again.
    #[arg(long)]
    pub from_start: bool,
}

pub fn execute(args: RunArgs, registry: &Registry, options: &Options) -> anyhow::Result<ExitCode> {
    let mut pipeline = match Pipeline::load(&args.config, registry) {
        Ok(pipeline) => pipeline,
        Err(LoadError::Config(errors)) => {
            eprintln!("{errors}");
            return Ok(ExitCode::FAILURE);
        }
        Err(error) => return Err(error.into()),
    };
    // Before anything reads or writes checkpoints.
    if let Err(error) = pipeline.lock_data_dir() {
        eprintln!("byline: {error}");
        return Ok(ExitCode::FAILURE);
    }
    if args.from_start {
        forget_checkpoints(&pipeline)?;
    }
    let input_bytes = pipeline.input_bytes();
    let checkpoints = pipeline
        .data_dir()
        .join("checkpoints")
        .join(pipeline.name());
    let display = progress::wanted(options.quiet)
        .then(|| ProgressDisplay::start(pipeline.read_progress(), input_bytes));
    let summary = run_pipeline(pipeline)?;
    if let Some(display) = display {
        display.finish();
    }
    let code = report(&summary, options, true);
    match nothing_read(&summary, input_bytes) {
        Some(NothingRead::NoInput) => {
            eprintln!(
                "byline: no input: the sources found no article files to read; check their `paths`"
            );
            Ok(ExitCode::FAILURE)
        }
        Some(NothingRead::AllRead) => {
            if !options.quiet {
                eprintln!(
                    "byline: nothing new: every input file was read by an earlier run of this pipeline (checkpoints in {}); `byline run --from-start` reads them again",
                    checkpoints.display()
                );
            }
            Ok(code)
        }
        None => Ok(code),
    }
}

/// Why a finished run read no record at all.
#[derive(Debug, PartialEq, Eq)]
enum NothingRead {
    /// The sources matched no file (or only empty ones): almost always a wrong path.
    NoInput,
    /// There was input, and an earlier run had read all of it.
    AllRead,
}

/// Says why a finite run read nothing, when it did; `input_bytes` is what the sources
/// reported before the run (`None` for endless sources).
fn nothing_read(summary: &RunSummary, input_bytes: Option<u64>) -> Option<NothingRead> {
    let read_nothing =
        summary.articles_in() == 0 && summary.dead_lettered() == 0 && !summary.interrupted;
    match input_bytes {
        Some(0) if read_nothing => Some(NothingRead::NoInput),
        Some(_) if read_nothing => Some(NothingRead::AllRead),
        _ => None,
    }
}

/// Removes the checkpoint file of every source of `pipeline`.
fn forget_checkpoints(pipeline: &Pipeline) -> anyhow::Result<()> {
    let (sources, _, _) = pipeline.component_ids();
    for id in sources {
        let path =
            byline_ingest::checkpoint::checkpoint_path(pipeline.data_dir(), pipeline.name(), id);
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(source = id, "checkpoints forgotten: reading from the start"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }
    Ok(())
}

/// Runs a pipeline on a fresh multi-threaded tokio runtime and waits for it to finish.
pub fn run_pipeline(pipeline: Pipeline) -> anyhow::Result<RunSummary> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("byline")
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(pipeline.run());
    // A source abandoned in a blocking read (stdin) must not hold up the exit.
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(summary)
}

/// Prints the summary (unless quiet, or `always` is false and all went well) and picks
/// the exit code. Articles skipped for their language are worth a line even then: they
/// come out without annotations, which would otherwise look like a silent failure.
pub fn report(summary: &RunSummary, options: &Options, always: bool) -> ExitCode {
    let noteworthy = summary.dead_lettered() > 0
        || !summary.succeeded()
        || summary.interrupted
        || summary.stages.iter().any(|stage| stage.skipped > 0);
    if !options.quiet && (always || noteworthy) {
        eprintln!("{summary}");
    }
    if summary.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
