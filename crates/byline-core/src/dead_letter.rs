//! Dead letters: records that could not become articles, or articles a stage failed on.
//!
//! They flow on as data (Benthos' lesson): a component's `<id>.errors` route carries them to
//! any sink that takes it as input, and the runtime writes the rest to
//! `data_dir/dead-letter.jsonl`. Nothing is silently dropped.

use serde::Serialize;

use crate::article::Article;
use crate::event::Position;
use crate::output::ArticleJson;

/// Why a record was rejected, and what is left of it.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// The id of the component that rejected it (a source or a stage).
    pub component: String,
    /// What went wrong, for a person to read.
    pub reason: String,
    /// The input field at fault (`text`, `published`, ...), when one is.
    pub field: Option<String>,
    /// The raw input (a JSONL line, a txt file) when no article could be made from it and
    /// it is valid UTF-8.
    pub raw: Option<String>,
    /// The raw input in base64, when it is not valid UTF-8: a dead letter keeps the bytes
    /// exactly, so that they can be looked at or replayed (a lossy decoding would not).
    pub raw_base64: Option<String>,
    /// The article, when the failure happened after it was made (a stage error or panic).
    pub article: Option<Article>,
}

impl DeadLetter {
    /// A raw record that a source could not turn into an article.
    pub fn raw(
        component: impl Into<String>,
        raw: impl Into<String>,
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> DeadLetter {
        DeadLetter {
            component: component.into(),
            reason: reason.into(),
            field: field.map(str::to_string),
            raw: Some(raw.into()),
            raw_base64: None,
            article: None,
        }
    }

    /// A raw record that a source could not turn into an article, kept byte for byte:
    /// as text when it is UTF-8, else in base64.
    pub fn raw_bytes(
        component: impl Into<String>,
        raw: &[u8],
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> DeadLetter {
        let mut dead = DeadLetter::raw(component, String::new(), field, reason);
        match std::str::from_utf8(raw) {
            Ok(text) => dead.raw = Some(text.to_string()),
            Err(_) => {
                use base64::Engine as _;
                dead.raw = None;
                dead.raw_base64 = Some(base64::engine::general_purpose::STANDARD.encode(raw));
            }
        }
        dead
    }

    /// An article that a stage failed on.
    pub fn article(
        component: impl Into<String>,
        article: Article,
        reason: impl Into<String>,
    ) -> DeadLetter {
        DeadLetter {
            component: component.into(),
            reason: reason.into(),
            field: None,
            raw: None,
            raw_base64: None,
            article: Some(article),
        }
    }

    /// The dead letter as written out: the article's own fields when there is an article,
    /// plus `error` (and `raw` for undecodable input).
    pub fn to_json(&self, position: &Position) -> DeadLetterJson {
        DeadLetterJson {
            error: ErrorJson {
                component: self.component.clone(),
                reason: self.reason.clone(),
                field: self.field.clone(),
                source: position.source.to_string(),
                file: position.file.as_deref().map(str::to_string),
                line: position.line,
                offset: position.offset,
            },
            raw: self.raw.clone(),
            raw_base64: self.raw_base64.clone(),
            article: self.article.as_ref().map(Article::to_json),
        }
    }
}

/// The `error` object of a dead letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorJson {
    pub component: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The source the record came from, and where in it.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// One dead letter as written to JSON Lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadLetterJson {
    pub error: ErrorJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub article: Option<ArticleJson>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_dead_letter_keeps_the_line_and_its_position() {
        let position = Position::in_file("wire".into(), "in.jsonl".into(), 4, 96);
        let json = DeadLetter::raw("wire", "{oops", None, "malformed JSON").to_json(&position);
        let value = serde_json::to_value(&json).expect("serialize");
        assert_eq!(value["raw"], "{oops");
        assert_eq!(value["error"]["reason"], "malformed JSON");
        assert_eq!(value["error"]["file"], "in.jsonl");
        assert_eq!(value["error"]["line"], 4);
        assert_eq!(value["error"]["offset"], 96);
        assert!(value.get("text").is_none());
    }

    #[test]
    fn raw_bytes_that_are_not_utf8_are_kept_in_base64() {
        let position = Position::of_source("wire".into());
        let bytes = b"\x89PNG\r\n\x1a\n\xff\x00";
        let json = DeadLetter::raw_bytes("wire", bytes, None, "invalid UTF-8").to_json(&position);
        let value = serde_json::to_value(&json).expect("serialize");
        assert!(value.get("raw").is_none());
        let encoded = value["raw_base64"].as_str().unwrap_or_default();
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap_or_default();
        assert_eq!(decoded, bytes);
        let text = DeadLetter::raw_bytes("wire", "é{".as_bytes(), None, "bad").to_json(&position);
        assert_eq!(text.raw.as_deref(), Some("é{"));
        assert_eq!(text.raw_base64, None);
    }

    #[test]
    fn an_article_dead_letter_is_the_article_plus_its_error() {
        let position = Position::of_source("wire".into());
        let json = DeadLetter::article("quotes", Article::new("a1", "Body."), "panic: boom")
            .to_json(&position);
        let value = serde_json::to_value(&json).expect("serialize");
        assert_eq!(value["id"], "a1");
        assert_eq!(value["text"], "Body.");
        assert_eq!(value["error"]["component"], "quotes");
        assert!(value.get("raw").is_none());
    }
}
