//! # byline-ingest
//!
//! Where articles come from: the [`file`] source (globbed paths, JSON Lines or plain-text
//! articles), the [`stdin`] source and the [`nats`] source (a JetStream durable consumer).
//! The input formats are decoded by [`jsonl`] and [`txt`]. A record that cannot become an
//! article never stops a run and never vanishes: it is logged with its `file:line` and
//! reason, and emitted as a dead letter ([`record`]).

pub mod checkpoint;
pub mod file;
pub mod format;
pub mod jsonl;
pub mod nats;
pub mod record;
pub mod stdin;
pub mod txt;

/// Registers this crate's source types.
pub fn register(registry: &mut byline_core::Registry) {
    file::register(registry);
    stdin::register(registry);
    nats::register(registry);
}
