//! The whole byline CLI, with this crate's `keywords` stage added to the built-in types.

use byline_cli::Builtin;
use byline_core::Registry;

fn main() -> std::process::ExitCode {
    let mut registry = Registry::builtin();
    custom_stage_example::register(&mut registry);
    // The binary names itself in --help and --version; the commands are byline's.
    let identity = byline_cli::Identity::new(
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        "byline with the `keywords` example stage",
    );
    byline_cli::run_as(identity, registry)
}
