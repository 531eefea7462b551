//! # byline-runtime
//!
//! Turns a pipeline file into running components:
//!
//! 1. [`interpolate`]: `${VAR}` / `${VAR:-default}` from the environment;
//! 2. [`config`]: the TOML is parsed with positions kept, each table's `type` and the keys
//!    the runtime owns are read, and the rest of each table goes to its factory
//!    ([`build`]), so that an unknown field is reported at its line and column;
//! 3. [`graph`]: ids, inputs, cycles, unconsumed outputs and required layers are checked;
//! 4. [`Pipeline::run`]: every component becomes a tokio task, joined by bounded channels
//!    of batches; stages run on the blocking pool with per-stage `concurrency`, keeping
//!    each source's order; sinks acknowledge what they flushed.
//!
//! Every problem with a file is collected into one [`ConfigErrors`], rendered with
//! `file:line:column`, the component and the field.

pub mod api;
pub mod build;
pub mod config;
pub mod data_dir_lock;
pub mod diagnostics;
pub mod graph;
pub mod health;
pub mod interpolate;
pub mod pipeline;
pub mod router;
pub mod shutdown;
pub mod sink_task;
pub mod source_task;
pub mod stage_task;
pub mod suggest;
pub mod summary;
pub mod watchdog;

pub use config::DEFAULT_DATA_DIR;
pub use data_dir_lock::{DataDirLock, LockError};
pub use diagnostics::{ConfigErrors, Diagnostic, Location};
pub use pipeline::{ComponentView, LoadError, Pipeline};
pub use summary::{AckCounts, RunSummary, SinkReport, SourceReport, StageReport};
