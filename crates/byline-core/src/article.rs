//! The article: metadata, an immutable body text, and the annotation layers.

use std::sync::OnceLock;

use byline_text::Analysis;
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::layers::{Entity, Quote, Timex};
use crate::published::Published;

/// One news article flowing through a pipeline.
///
/// `text` is immutable once the article exists: every offset in every layer points into it,
/// and the shared token analysis is computed from it once, on first use.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    pub title: Option<String>,
    pub published: Option<Published>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
    /// Every input field byline does not know, kept as it came.
    pub meta: Map<String, Value>,
    pub entities: Vec<Entity>,
    pub timexes: Vec<Timex>,
    pub quotes: Vec<Quote>,
    text: String,
    analysis: OnceLock<Analysis>,
}

impl Article {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            title: None,
            published: None,
            url: None,
            source: None,
            language: None,
            meta: Map::new(),
            entities: Vec::new(),
            timexes: Vec::new(),
            quotes: Vec::new(),
            text: text.into(),
            analysis: OnceLock::new(),
        }
    }

    /// The body, never altered by any stage.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Tokens, sentences and paragraphs of the body, computed once and shared by all stages.
    pub fn analysis(&self) -> &Analysis {
        self.analysis
            .get_or_init(|| byline_text::analyze(&self.text))
    }

    /// The publication date, if the article has one.
    pub fn published_date(&self) -> Option<NaiveDate> {
        self.published.as_ref().map(Published::date)
    }

    /// A stable id derived from a url or, failing that, the text: the same input always
    /// gets the same id, so re-runs and deduplication line up.
    pub fn derive_id(url: Option<&str>, text: &str) -> String {
        // FNV-1a 64: tiny, stable across Rust versions and platforms (std's hasher is not).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in url.unwrap_or(text).as_bytes() {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(
            Article::derive_id(None, "abc"),
            Article::derive_id(None, "abc")
        );
        assert_ne!(
            Article::derive_id(None, "abc"),
            Article::derive_id(None, "abd")
        );
        assert_eq!(Article::derive_id(None, ""), "cbf29ce484222325");
    }

    #[test]
    fn analysis_is_lazy_and_shared() {
        let a = Article::new("x", "Hello world. Bye.");
        assert_eq!(a.analysis().sentences.len(), 2);
        assert!(std::ptr::eq(a.analysis(), a.analysis()));
    }
}
