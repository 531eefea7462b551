//! # byline-nats
//!
//! What the `nats` source (byline-ingest) and the `nats` sink (byline-sinks) share, so that
//! both connect, authenticate and report a refused connection the same way:
//! [`connection`] turns the security options of a component's config into a connected
//! client.
//!
//! Nothing here connects when a pipeline is built: components call [`connection::connect`]
//! when they start running, so `byline validate` needs no server.

pub mod connection;

pub use connection::{ConnectFailure, Connection, FailureKind, check_name, connect};
