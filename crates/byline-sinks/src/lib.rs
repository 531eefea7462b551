//! # byline-sinks
//!
//! Where articles go: [`stdout`] and [`file`](mod@file) (JSON Lines, one article a line, in the output
//! contract of `byline_core::output`) and [`nats`] (one article a JetStream message). The
//! runtime writes its dead-letter file through the registered `file` sink type.

pub mod file;
pub mod jsonl;
pub mod nats;
pub mod path_template;
pub mod stdout;

/// Registers this crate's sink types.
pub fn register(registry: &mut byline_core::Registry) {
    stdout::register(registry);
    file::register(registry);
    nats::register(registry);
}
