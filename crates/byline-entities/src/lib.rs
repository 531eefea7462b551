//! byline-entities: the `entities` stage, which tags named entities in news articles
//! (CoNLL-2003 labels PER, ORG, LOC, MISC) and gives each mention its canonical name within
//! the article.
//!
//! The tagger is an averaged structured perceptron over hashed features with constrained
//! BILOU Viterbi decoding ([`model`], [`features`], [`decode`], [`tags`]); its model file
//! is trained by [`train`] and shipped in `model/entities.bin`. [`eval`] scores any stage
//! against a gold JSONL file.

pub mod binary_format;
pub mod canonical;
pub mod corpus;
pub mod decode;
pub mod eval;
pub mod feature_hash;
pub mod features;
pub mod gazetteer;
pub mod lexicon;
pub mod lexicon_builder;
pub mod model;
pub mod stage;
pub mod tags;
pub mod train;

pub use stage::{EntitiesConfig, EntitiesStage};

/// Registers this crate's component types: the `entities` stage.
pub fn register(registry: &mut byline_core::Registry) {
    stage::register(registry);
}
