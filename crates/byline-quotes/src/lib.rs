//! # byline-quotes
//!
//! The `quotes` stage: finds what people and organisations are reported to have said and
//! who said it, and the Gender Gap Tracker style evaluation of it ([`eval`]).
//!
//! The stage reads the shared token analysis and the `entities` layer, and writes
//! `article.quotes`: direct quotations (in any quotation marks, or with the marks lost in
//! conversion), indirect speech and mixed quotes, each with its cue and its speaker (the
//! mention in the text and the resolved canonical name). See [`QuotesConfig`] for the
//! options and the `attribution` module for the rules.

mod attribution;
mod claims;
mod cues;
pub mod eval;
mod marks;
mod speakers;
mod stage;
mod view;
mod words;

pub use stage::{QuotesConfig, QuotesStage, Scope};

/// Registers the `quotes` stage type.
pub fn register(registry: &mut byline_core::Registry) {
    registry
        .register_stage(
            "quotes",
            "direct, indirect and mixed quotes with their speakers (requires entities)",
            |config: QuotesConfig, _context| {
                Ok(Box::new(QuotesStage::new(config)) as Box<dyn byline_core::Stage>)
            },
        )
        .with_options::<QuotesConfig>();
}
