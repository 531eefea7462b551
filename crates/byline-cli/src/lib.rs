//! # byline-cli
//!
//! The `byline` command line, also usable as a library so that a plugin author's binary is
//! five lines:
//!
//! ```no_run
//! use byline_cli::Builtin;
//! use byline_core::Registry;
//!
//! fn main() -> std::process::ExitCode {
//!     let mut registry = Registry::builtin();
//!     // my_plugin::register(&mut registry);
//!     byline_cli::run(registry)
//! }
//! ```
//!
//! Each subcommand lives in its own file under `commands/`; adding one is one variant of
//! [`cli::Command`] and one file.

pub mod cli;
pub mod commands;
pub mod logging;
pub mod progress;

use std::process::ExitCode;

use byline_core::Registry;
use clap::Parser;

/// A registry with every component type that ships with byline.
pub trait Builtin {
    fn builtin() -> Self;
}

impl Builtin for Registry {
    fn builtin() -> Registry {
        let mut registry = Registry::new();
        byline_ingest::register(&mut registry);
        byline_sinks::register(&mut registry);
        byline_entities::register(&mut registry);
        byline_dates::register(&mut registry);
        byline_quotes::register(&mut registry);
        byline_exec::register(&mut registry);
        registry
    }
}

/// Parses the process's arguments and runs the chosen command with `registry`.
pub fn run(registry: Registry) -> ExitCode {
    let cli = cli::Cli::parse();
    logging::init(cli.verbose, cli.quiet);
    match commands::execute(
        cli.command,
        &registry,
        &cli::Options {
            quiet: cli.quiet,
            verbose: cli.verbose,
        },
    ) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("byline: {error:#}");
            ExitCode::FAILURE
        }
    }
}
