//! The whole byline CLI, with this crate's `keywords` stage added to the built-in types.

use byline_cli::Builtin;
use byline_core::Registry;

fn main() -> std::process::ExitCode {
    let mut registry = Registry::builtin();
    custom_stage_example::register(&mut registry);
    byline_cli::run(registry)
}
