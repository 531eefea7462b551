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
//!     let identity = byline_cli::Identity::new(
//!         env!("CARGO_PKG_NAME"),
//!         env!("CARGO_PKG_VERSION"),
//!         "byline with my stages",
//!     );
//!     byline_cli::run_as(identity, registry)
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
use clap::{CommandFactory, FromArgMatches};

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

/// The name, version and one-line description a binary shows in `--help`, `--version`,
/// completions and the man page: byline's own, or a plugin binary's.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: &'static str,
    pub version: &'static str,
    pub about: &'static str,
}

impl Identity {
    pub fn new(name: &'static str, version: &'static str, about: &'static str) -> Identity {
        Identity {
            name,
            version,
            about,
        }
    }

    /// The `byline` binary itself; its description comes from [`cli::Cli`]'s doc comment.
    pub fn byline() -> Identity {
        Identity::new("byline", env!("CARGO_PKG_VERSION"), "")
    }

    /// `command` under this identity.
    pub fn apply(&self, command: clap::Command) -> clap::Command {
        let command = command
            .name(self.name)
            .bin_name(self.name)
            .version(self.version);
        if self.about.is_empty() {
            command
        } else {
            command.about(self.about).long_about(None)
        }
    }
}

/// Parses the process's arguments and runs the chosen command with `registry`, as `byline`.
pub fn run(registry: Registry) -> ExitCode {
    run_as(Identity::byline(), registry)
}

/// [`run`] for a binary of one's own: `--help` and `--version` show `identity`.
pub fn run_as(identity: Identity, registry: Registry) -> ExitCode {
    let matches = identity.apply(cli::Cli::command()).get_matches();
    let cli = match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    logging::init(cli.verbose, cli.quiet);
    match commands::execute(
        cli.command,
        &registry,
        &cli::Options {
            quiet: cli.quiet,
            verbose: cli.verbose,
        },
        &identity,
    ) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{}: {error:#}", identity.name);
            ExitCode::FAILURE
        }
    }
}
