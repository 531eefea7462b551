//! The article: metadata, an immutable body text, and the annotation layers.

use std::sync::OnceLock;

use byline_text::Analysis;
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::language;
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
    /// The language as the input gave it (a BCP 47 tag: `en`, `de-AT`), or as a stage set
    /// it. Stages and the output go by [`Article::language`], which detects the language
    /// when this is not given.
    pub language: Option<String>,
    /// Every input field byline does not know, kept as it came.
    pub meta: Map<String, Value>,
    pub entities: Vec<Entity>,
    pub timexes: Vec<Timex>,
    pub quotes: Vec<Quote>,
    text: String,
    analysis: OnceLock<Analysis>,
    /// The language detected from `text`, once, on first use.
    detected_language: OnceLock<&'static str>,
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
            detected_language: OnceLock::new(),
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

    /// The article's language, as a BCP 47 tag: the `language` field when the input gave
    /// one, else the language detected from the text ([`language::detect`]), computed on
    /// first use and kept (the text never changes, so neither does the answer).
    ///
    /// A blank or `und` (undetermined) `language` counts as not given.
    pub fn language(&self) -> &str {
        match self.language.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() && !given.eq_ignore_ascii_case("und") => given,
            _ => self
                .detected_language
                .get_or_init(|| language::detect(&self.text)),
        }
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

    #[test]
    fn a_given_language_wins_over_detection() {
        let text = "The council voted on Tuesday to close the old bridge for repairs, the \
            mayor told reporters after a long meeting at the town hall.";
        let mut a = Article::new("x", text);
        assert_eq!(a.language(), "en");
        // Even when the text says otherwise: the input knows its own articles.
        a.language = Some(" ar ".into());
        assert_eq!(a.language(), "ar");
        for not_given in ["", "  ", "und"] {
            a.language = Some(not_given.into());
            assert_eq!(a.language(), "en", "{not_given:?}");
        }
    }
}
