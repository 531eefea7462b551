//! # byline-sinks
//!
//! Where articles go: [`stdout`] and [`file`] (JSON Lines, one article a line, in the output
//! contract of `byline_core::output`), [`nats`] (one article a JetStream message), and the
//! [`dead_letter`] file the runtime writes rejected records to when no `<id>.errors` route
//! is wired.

pub mod dead_letter;
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
