//! # byline-exec
//!
//! The built-in `exec` stage: a stage written in any language, run as a child process that
//! speaks the **byline-exec** protocol (version 1) — JSON lines over its stdin and stdout.
//!
//! ```toml
//! [stages.wordcount]
//! type = "exec"
//! inputs = ["wire"]
//! command = ["python3", "examples/exec-python/wordcount.py"]
//! timeout = "5s"            # per article
//! max_in_flight = 16        # requests outstanding per child
//! restart_backoff = "100ms" # first wait before restarting a child that died
//! config = { words_per_minute = 230 }  # sent to the child in the handshake
//! ```
//!
//! In short: byline writes a handshake, the child answers with its name; then byline writes
//! `{"id": n, "article": {…}}` lines and the child answers each with exactly one of
//! `{"id": n, "article": {…}}`, `{"id": n, "error": "…"}` or `{"id": n, "drop": true}`, in
//! any order. The returned article must keep its `text` and `id`, and its spans must be
//! valid (code-point offsets, as in byline's output). The full description, written for
//! plugin authors, is `PROTOCOL.md` next to this crate's `Cargo.toml`.
//!
//! What byline guarantees: a wrong or missing handshake fails the pipeline at start-up with
//! the child's stderr in the message; a malformed answer is an error for its article only;
//! an article with no answer within `timeout` goes to the dead letters and the child is
//! restarted; a child that dies is restarted with backoff and its unanswered requests are
//! re-sent (an article that was in flight during three deaths goes to the dead letters);
//! the child's stderr goes to tracing with the stage id.

mod child;
pub mod protocol;
mod stage;

pub use child::StartError;
pub use stage::{ExecConfig, ExecStage};

/// Registers the `exec` stage type.
pub fn register(registry: &mut byline_core::Registry) {
    registry
        .register_stage(
            "exec",
            "runs a child process in any language over the byline-exec JSON-lines protocol",
            |config: ExecConfig, context| {
                Ok(Box::new(ExecStage::build(config, context)?) as Box<dyn byline_core::Stage>)
            },
        )
        .with_options::<ExecConfig>();
}
