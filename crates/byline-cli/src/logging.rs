//! Logs go to stderr through `tracing`, so that stdout carries only articles.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// `RUST_LOG` wins when set; otherwise `-v` shows info, `-vv` debug, `-vvv` trace, and
/// `-q` only errors. The default shows warnings, which include every dead-lettered record.
pub fn init(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    // The NATS client logs its own view of connection trouble (an "authorization
    // violation" at error level, each reconnect attempt); byline's NATS components report
    // the same events once, with the server and what to check, so the client's own lines
    // are shown only below `-vv` or when RUST_LOG asks for them.
    let client = if verbose >= 2 { "" } else { ",async_nats=off" };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level}{client}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
