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
    /// The raw input (a JSONL line, a txt file), lossily decoded, when no article could be
    /// made from it.
    pub raw: Option<String>,
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
            article: None,
        }
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
        let value = serde_json::to_value(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value["raw"], "{oops");
        assert_eq!(value["error"]["reason"], "malformed JSON");
        assert_eq!(value["error"]["file"], "in.jsonl");
        assert_eq!(value["error"]["line"], 4);
        assert_eq!(value["error"]["offset"], 96);
        assert!(value.get("text").is_none());
    }

    #[test]
    fn an_article_dead_letter_is_the_article_plus_its_error() {
        let position = Position::of_source("wire".into());
        let json = DeadLetter::article("quotes", Article::new("a1", "Body."), "panic: boom")
            .to_json(&position);
        let value = serde_json::to_value(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value["id"], "a1");
        assert_eq!(value["text"], "Body.");
        assert_eq!(value["error"]["component"], "quotes");
        assert!(value.get("raw").is_none());
    }
}
