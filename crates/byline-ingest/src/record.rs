//! One input record on its way to becoming an article: the error when it cannot, and the
//! one place where a record turns into an article event or a dead letter.

use byline_core::{Article, Closed, DeadLetter, Position, SourceOutput};

/// Why an input record is not an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The input field at fault (`text`, `published`, `title`, ...), if one is.
    pub field: Option<String>,
    pub reason: String,
    /// The line the problem is on, when it is not the record's first line (a txt header).
    pub line: Option<u64>,
}

impl RecordError {
    pub fn new(reason: impl Into<String>) -> RecordError {
        RecordError {
            field: None,
            reason: reason.into(),
            line: None,
        }
    }

    pub fn in_field(field: &str, reason: impl Into<String>) -> RecordError {
        RecordError {
            field: Some(field.to_string()),
            reason: reason.into(),
            line: None,
        }
    }

    pub fn at_line(mut self, line: u64) -> RecordError {
        self.line = Some(line);
        self
    }

    /// The message logged and written to the dead letter: the position, the field and the
    /// reason, so that a person can go straight to the bad input.
    pub fn describe(&self, position: &Position) -> String {
        match &self.field {
            Some(field) => format!("{position}: field `{field}`: {}", self.reason),
            None => format!("{position}: {}", self.reason),
        }
    }
}

/// Sends a decoded record on: the article, or a dead letter with the raw input.
pub fn emit_blocking(
    output: &mut SourceOutput,
    decoded: Result<Article, RecordError>,
    position: Position,
    raw: impl FnOnce() -> String,
) -> Result<(), Closed> {
    match decoded {
        Ok(article) => output.article_blocking(article, position),
        Err(error) => {
            let (dead_letter, position) = dead_letter(output, error, position, raw);
            output.reject_blocking(dead_letter, position)
        }
    }
}

/// [`emit_blocking`] for a source that runs on the async threads (a broker client).
pub async fn emit(
    output: &mut SourceOutput,
    decoded: Result<Article, RecordError>,
    position: Position,
    raw: impl FnOnce() -> String,
) -> Result<(), Closed> {
    match decoded {
        Ok(article) => output.article(article, position).await,
        Err(error) => {
            let (dead_letter, position) = dead_letter(output, error, position, raw);
            output.reject(dead_letter, position).await
        }
    }
}

/// The dead letter for a record that is not an article, logged once here.
fn dead_letter(
    output: &SourceOutput,
    error: RecordError,
    mut position: Position,
    raw: impl FnOnce() -> String,
) -> (DeadLetter, Position) {
    if error.line.is_some() {
        position.line = error.line;
    }
    let message = error.describe(&position);
    tracing::warn!(source = %output.id(), "{message}");
    let dead_letter = DeadLetter::raw(
        output.id().to_string(),
        raw(),
        error.field.as_deref(),
        message,
    );
    (dead_letter, position)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_names_file_line_and_field() {
        let position = Position::in_file("wire".into(), "in/a.jsonl".into(), 12, 400);
        let error = RecordError::in_field("published", "not a calendar date");
        assert_eq!(
            error.describe(&position),
            "in/a.jsonl:12: field `published`: not a calendar date"
        );
    }
}
