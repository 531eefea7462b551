//! `byline annotate [PATHS…|-]`: the default pipeline over files or stdin, JSON Lines out.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use byline_core::Registry;
use byline_runtime::Pipeline;
use clap::{Args, ValueEnum};

use crate::cli::Options;
use crate::commands::run::{report, run_pipeline};

/// The annotation stages `annotate` chains, in order, when their types are registered.
pub const DEFAULT_STAGES: [&str; 3] = ["entities", "dates", "quotes"];

/// Annotate articles with the default pipeline and print JSON Lines on stdout.
///
/// Reads each file (`.txt`: one article, with optional header lines such as
/// `date 2021-08-03`; `.jsonl`/`.ndjson`: one JSON object a line; a directory: every such
/// file in it) or standard input (`-`, JSON Lines unless --input-format txt), runs every
/// built-in annotation stage (entities, dates, quotes) and prints one JSON object per
/// article, in input order. Bad records are logged and written to
/// DATA_DIR/dead-letter.jsonl; the good ones still come out.
#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Files or directories to annotate; `-` reads standard input.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output layout: one compact JSON object a line, or indented JSON for reading.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,

    /// Input format: by extension (auto), or force JSON Lines or one txt article per file.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,

    /// Read directories recursively (by default only the files directly in them, so that
    /// earlier outputs in subdirectories are not read back).
    #[arg(short, long)]
    pub recursive: bool,

    /// Where dead letters (bad input records) are written.
    #[arg(long, value_name = "DIR", default_value = byline_runtime::DEFAULT_DATA_DIR)]
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Auto,
    Jsonl,
    Txt,
}

pub fn execute(
    args: AnnotateArgs,
    registry: &Registry,
    options: &Options,
) -> anyhow::Result<ExitCode> {
    let reads_stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.paths.is_empty() && std::io::stdin().is_terminal() {
        bail!("no input: give files or directories, or pipe JSON Lines into `byline annotate -`");
    }
    let mut patterns = Vec::new();
    let mut unreadable = Vec::new();
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        match patterns_for(path, args.recursive) {
            Ok(found) => patterns.extend(found),
            Err(e) => {
                // Every readable input is still annotated; the exit code tells.
                eprintln!("byline: cannot read {}: {e}", path.display());
                unreadable.push(path.display().to_string());
            }
        }
    }
    if patterns.is_empty() && !reads_stdin {
        bail!("no input could be read: {}", unreadable.join(", "));
    }
    let config = default_pipeline(&patterns, reads_stdin, &args, registry);
    tracing::debug!("annotate pipeline:\n{config}");
    let pipeline =
        match Pipeline::from_toml_with_env(&config, Path::new("<annotate>"), registry, &|_| None) {
            Ok(pipeline) => pipeline,
            Err(errors) => bail!("the default pipeline is invalid (a bug):\n{errors}"),
        };
    let summary = run_pipeline(pipeline)?;
    let code = report(&summary, options, false);
    if !unreadable.is_empty() {
        eprintln!(
            "byline: {} input{} could not be read: {}",
            unreadable.len(),
            if unreadable.len() == 1 { "" } else { "s" },
            unreadable.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

/// The file-source patterns for one command-line path: the file itself, or a directory's
/// article files (and its subdirectories' with `recursive`).
fn patterns_for(path: &Path, recursive: bool) -> std::io::Result<Vec<String>> {
    let metadata = std::fs::metadata(path)?;
    let literal = glob::Pattern::escape(&path.to_string_lossy());
    if metadata.is_dir() {
        let base = literal.trim_end_matches('/').to_string();
        let depth = if recursive { "**/" } else { "" };
        Ok(["txt", "jsonl", "ndjson"]
            .iter()
            .map(|extension| format!("{base}/{depth}*.{extension}"))
            .collect())
    } else {
        Ok(vec![literal])
    }
}

/// The pipeline file `annotate` runs: files and/or stdin → each default stage that is
/// registered → stdout.
pub fn default_pipeline(
    patterns: &[String],
    reads_stdin: bool,
    args: &AnnotateArgs,
    registry: &Registry,
) -> String {
    let format = match args.input_format {
        InputFormat::Auto => "auto",
        InputFormat::Jsonl => "jsonl",
        InputFormat::Txt => "txt",
    };
    let mut config = format!(
        "data_dir = {}\n",
        toml_string(&args.data_dir.to_string_lossy())
    );
    let mut upstream = Vec::new();
    if !patterns.is_empty() {
        let paths: Vec<String> = patterns.iter().map(|p| toml_string(p)).collect();
        let _ = write!(
            config,
            "\n[sources.files]\ntype = \"file\"\npaths = [{}]\nformat = \"{format}\"\ncheckpoint = false\n",
            paths.join(", ")
        );
        upstream.push("\"files\"".to_string());
    }
    if reads_stdin {
        let stdin_format = if args.input_format == InputFormat::Txt {
            "txt"
        } else {
            "jsonl"
        };
        let _ = write!(
            config,
            "\n[sources.stdin]\ntype = \"stdin\"\nformat = \"{stdin_format}\"\n"
        );
        upstream.push("\"stdin\"".to_string());
    }
    for stage in DEFAULT_STAGES
        .iter()
        .filter(|s| registry.stage(s).is_some())
    {
        let _ = write!(
            config,
            "\n[stages.{stage}]\ntype = \"{stage}\"\ninputs = [{}]\n",
            upstream.join(", ")
        );
        upstream = vec![format!("\"{stage}\"")];
    }
    let format = match args.format {
        OutputFormat::Json => "json",
        OutputFormat::Pretty => "pretty",
    };
    let _ = write!(
        config,
        "\n[sinks.stdout]\ntype = \"stdout\"\ninputs = [{}]\nformat = \"{format}\"\n",
        upstream.join(", ")
    );
    config
}

/// A TOML basic string holding `value` exactly (a `${` must not be read as a variable).
fn toml_string(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted.replace('\u{7f}', "\\u007f").replace("${", "$${")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builtin;

    fn args(format: InputFormat) -> AnnotateArgs {
        AnnotateArgs {
            paths: Vec::new(),
            format: OutputFormat::Json,
            input_format: format,
            recursive: false,
            data_dir: PathBuf::from(".byline"),
        }
    }

    #[test]
    fn the_default_pipeline_is_valid_and_chains_the_registered_stages() {
        let registry = Registry::builtin();
        let config = default_pipeline(
            &["a/b.txt".into()],
            true,
            &args(InputFormat::Auto),
            &registry,
        );
        let pipeline =
            Pipeline::from_toml_with_env(&config, Path::new("<annotate>"), &registry, &|_| None)
                .unwrap_or_else(|e| panic!("{e}\n{config}"));
        let (sources, stages, sinks) = pipeline.component_ids();
        assert_eq!(sources.len(), 2);
        let expected: Vec<&str> = DEFAULT_STAGES
            .iter()
            .copied()
            .filter(|s| registry.stage(s).is_some())
            .collect();
        let mut stages = stages;
        stages.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        assert_eq!(stages, expected_sorted);
        assert_eq!(sinks, ["stdout"]);
    }

    #[test]
    fn odd_paths_are_kept_exactly() {
        let registry = Registry::new();
        let odd = r#"we"ird ${HOME} \path"#.to_string();
        let config = default_pipeline(
            std::slice::from_ref(&odd),
            false,
            &args(InputFormat::Txt),
            &registry,
        );
        assert!(config.contains(r#""we\"ird $${HOME} \\path""#), "{config}");
    }
}
