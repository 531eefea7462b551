//! # byline-dates
//!
//! The `dates` stage: temporal expression tagging and TIMEX3 normalisation anchored on
//! each article's publication date, in the TempEval-3 conventions.
//!
//! Design: a trigger automaton (Aho-Corasick over month and weekday names, units,
//! numerals, reference words and digits) picks the sentences worth reading; small
//! hand-written grammars then start near each trigger, grow the span (determiners and
//! modifiers in, leading prepositions out) and compute the value from the publication
//! date and the tense of the clause. [`eval`] scores the stage against TimeML gold files.

mod anchor;
pub mod eval;
mod grammar;
mod lexicon;
mod stage;
mod tense;
pub mod timex3;
mod words;

pub use stage::{DatesConfig, DatesStage};

/// Registers the `dates` stage type.
pub fn register(registry: &mut byline_core::Registry) {
    registry.register_stage(
        "dates",
        "tags temporal expressions and normalises them to TIMEX3 values anchored on the published date",
        |config: DatesConfig, _context| {
            Ok(Box::new(DatesStage::new(config)?) as Box<dyn byline_core::Stage>)
        },
    )
    .with_options::<DatesConfig>();
}
