//! One file per subcommand. Each exposes its clap `Args` struct and an `execute` function.

pub mod annotate;
pub mod bench;
pub mod completions;
pub mod eval;
pub mod list;
pub mod run;
pub mod train;
pub mod validate;

use std::process::ExitCode;

use byline_core::Registry;

use crate::cli::{Command, Options};

pub fn execute(
    command: Command,
    registry: &Registry,
    options: &Options,
    identity: &crate::Identity,
) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run(args) => run::execute(args, registry, options),
        Command::Validate(args) => validate::execute(args, registry, options),
        Command::Annotate(args) => annotate::execute(args, registry, options),
        Command::List(args) => list::execute(args, registry, options),
        Command::Bench(args) => bench::execute(args, registry, options),
        Command::Eval(args) => eval::execute(args, registry, options),
        Command::Train(args) => train::execute(args, registry, options),
        Command::Completions(args) => completions::completions(args, identity),
        Command::Man(args) => completions::man(args, identity),
    }
}
