use std::process::ExitCode;

use byline_cli::Builtin;
use byline_core::Registry;

fn main() -> ExitCode {
    byline_cli::run(Registry::builtin())
}
