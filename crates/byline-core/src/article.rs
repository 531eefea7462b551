//! The article: metadata, an immutable body text, and the annotation layers.

use std::sync::OnceLock;

use byline_text::Analysis;
use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::layers::{Entity, Quote, Timex};

/// The publication date (document creation time) of an article.
///
/// Accepts an RFC 3339 date (`2021-08-03`) or datetime (`2021-08-03T10:15:00Z`, also with a
/// space instead of `T`). The original string is kept for output; the date anchors relative
/// temporal expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    raw: String,
    date: NaiveDate,
}

/// Why a `published` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid published date {value:?}: {reason}")]
pub struct PublishedError {
    pub value: String,
    pub reason: String,
}

impl Published {
    pub fn parse(value: &str) -> Result<Published, PublishedError> {
        let raw = value.trim();
        let fail = |reason: &str| PublishedError {
            value: value.to_string(),
            reason: reason.to_string(),
        };
        if raw.len() < 10 || !raw.is_char_boundary(10) {
            return Err(fail("expected YYYY-MM-DD or an RFC 3339 datetime"));
        }
        let (date_part, rest) = raw.split_at(10);
        let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
            .map_err(|e| fail(&format!("not a calendar date ({e})")))?;
        if !rest.is_empty() {
            let with_t = format!("{date_part}T{}", &rest[1..]);
            let ok = rest.starts_with(['T', 't', ' '])
                && (chrono::DateTime::parse_from_rfc3339(&with_t).is_ok()
                    || chrono::NaiveDateTime::parse_from_str(&with_t, "%Y-%m-%dT%H:%M:%S").is_ok()
                    || chrono::NaiveDateTime::parse_from_str(&with_t, "%Y-%m-%dT%H:%M").is_ok());
            if !ok {
                return Err(fail("the time after the date is not RFC 3339"));
            }
        }
        Ok(Published {
            raw: raw.to_string(),
            date,
        })
    }

    /// The calendar date, which anchors relative dates.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The value as given (trimmed), written back out unchanged.
    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

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
    fn published_accepts_dates_and_datetimes() {
        assert_eq!(
            Published::parse("2021-08-03").map(|p| p.date()),
            Ok(NaiveDate::from_ymd_opt(2021, 8, 3).unwrap_or_default())
        );
        assert!(Published::parse("2021-08-03T10:15:00Z").is_ok());
        assert!(Published::parse("2021-08-03T10:15:00+02:00").is_ok());
        assert!(Published::parse("2021-08-03 10:15:00").is_ok());
    }

    #[test]
    fn published_rejects_impossible_dates() {
        assert!(Published::parse("2021-02-30").is_err());
        assert!(Published::parse("yesterday").is_err());
        assert!(Published::parse("2021-08-03Tnoon").is_err());
        assert!(Published::parse("2021-08-0é").is_err());
    }

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
