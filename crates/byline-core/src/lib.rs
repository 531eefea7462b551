//! # byline-core
//!
//! The data model and extension API of byline, and the only crate a plugin depends on:
//!
//! - [`Article`] with its immutable `text`, its metadata and the annotation layers
//!   ([`Entity`], [`Timex`], [`Quote`]), all with byte offsets;
//! - the shared token analysis ([`Article::analysis`], from `byline-text`);
//! - the article's language, given or detected ([`Article::language`], [`language`]);
//! - the [`Stage`], [`Source`] and [`Sink`] traits and the [`Registry`] through which
//!   built-in and third-party components are registered the same way;
//! - what flows between components ([`Event`]: an article or a [`DeadLetter`], its
//!   [`Position`] and its acknowledgement handle [`Ack`]);
//! - the output contract ([`output`]): JSON with code-point offsets.
//!
//! ## Stability
//!
//! byline-core follows semantic versioning with this promise to plugin authors: within a
//! minor version line (0.1.x) nothing public is removed or changed in meaning. A minor
//! version may add layers, fields on non-exhaustive types, provided methods on traits and
//! registry methods; it never changes `Stage::process`'s signature or the output contract's
//! existing fields. Changes to the output contract bump [`output::SCHEMA_VERSION`].

pub mod ack;
pub mod article;
pub mod dead_letter;
pub mod duration;
pub mod event;
pub mod language;
pub mod layers;
pub mod options;
pub mod output;
pub mod published;
pub mod registry;
pub mod sink;
pub mod source;
pub mod stage;

pub use ack::{Ack, AckListener, AckStatus, CommitWindow};
pub use dead_letter::DeadLetter;
pub use duration::{DurationError, HumanDuration};
pub use event::{Event, Payload, Position};
pub use options::OptionDoc;
/// The schema library itself, so that a plugin needs no dependency of its own: derive with
/// `#[derive(byline_core::JsonSchema)]` and `#[schemars(crate = "byline_core::schemars")]`.
pub use schemars;
/// Derive it on a config struct, beside `Deserialize`, so that `byline list TYPE` shows its
/// options with their doc comments (see [`Factory::with_options`](registry::Factory::with_options)).
pub use schemars::JsonSchema;
pub use sink::{Sink, SinkError};
pub use source::{
    BatchLimits, BrokerCounts, Closed, Source, SourceChannel, SourceError, SourceOutput,
};

pub use article::Article;
pub use byline_text::{Analysis, Sentence, Token, TokenKind};
pub use layers::{
    Entity, EntityLabel, Layer, Quote, QuoteKind, Speaker, TextSpan, Timex, TimexType,
};
pub use published::{DateOrder, Published, PublishedError};
pub use registry::{
    BuildContext, BuildError, ConfigError, RawConfig, Registry, SinkFactory, SourceFactory,
    Spanned, StageFactory,
};
pub use stage::{Flow, Stage, StageError};
