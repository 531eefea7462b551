//! An example byline plugin: the `keywords` stage.
//!
//! A plugin crate depends on `byline-core` only. It implements [`byline_core::Stage`] with
//! a typed config and exports `register`, which its users' binaries call (see
//! `src/main.rs` and the README next to this crate's `Cargo.toml`).

pub mod keywords;

pub use keywords::{KeywordsConfig, KeywordsStage};

/// Registers the `keywords` stage type.
pub fn register(registry: &mut byline_core::Registry) {
    registry
        .register_stage(
            "keywords",
            "tags words and phrases from configured keyword lists into meta.keywords",
            |config: KeywordsConfig, context| {
                Ok(Box::new(KeywordsStage::build(config, context)?) as Box<dyn byline_core::Stage>)
            },
        )
        .with_options::<KeywordsConfig>();
}
