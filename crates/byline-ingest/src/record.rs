//! One input record on its way to becoming an article: the error when it cannot, and the
//! one place where a record turns into an article event or a dead letter.

use byline_core::{Article, Closed, DateOrder, DeadLetter, Position, SourceOutput};

/// The default `max_article_bytes`: 2 MiB, far above any real news article (a long
/// feature is about 50 KB) and far below what would strain a worker.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 2 * 1024 * 1024;

/// How much of a too-large record its dead letter keeps: enough to recognise it.
pub const TOO_LARGE_HEAD_BYTES: usize = 4096;

/// The source options that decide how a record is read, shared by every source type
/// (each config documents them: `max_article_bytes`, `date_order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The largest article accepted, in bytes (a JSONL line, a txt file).
    pub max_article_bytes: u64,
    /// How to read an all-numeric publication date with the year last (`03/08/2021`).
    pub date_order: Option<DateOrder>,
}

/// serde's default for `max_article_bytes` fields.
pub fn default_max_article_bytes() -> u64 {
    DEFAULT_MAX_ARTICLE_BYTES
}

impl Default for DecodeOptions {
    fn default() -> DecodeOptions {
        DecodeOptions {
            max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES,
            date_order: None,
        }
    }
}

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

    /// An article over `max_article_bytes`; `size` is what was counted of it.
    pub fn too_large(size: u64, max: u64) -> RecordError {
        RecordError::new(format!(
            "article too large: {size} bytes, over max_article_bytes = {max} \
             (the dead letter keeps its first {TOO_LARGE_HEAD_BYTES} bytes)"
        ))
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

/// Sends a decoded record on: the article, or a dead letter with the raw input, kept
/// byte for byte.
pub fn emit_blocking(
    output: &mut SourceOutput,
    decoded: Result<Article, RecordError>,
    position: Position,
    raw: &[u8],
) -> Result<(), Closed> {
    match decoded {
        Ok(article) => {
            // Settle the article's language here, once, on the source's blocking thread:
            // every stage and the output read it, and left to the output it would be
            // worked out on a sink's async thread.
            let _ = article.language();
            output.article_blocking(article, position)
        }
        Err(error) => {
            let (dead_letter, position) = dead_letter(output, error, position, raw);
            output.reject_blocking(dead_letter, position)
        }
    }
}

/// The start of a too-large record, for its dead letter: at most
/// [`TOO_LARGE_HEAD_BYTES`], cut at a character boundary when the bytes are UTF-8 so that
/// the head stays readable text rather than turning into base64 for a split character.
pub fn head_of(bytes: &[u8]) -> &[u8] {
    let head = &bytes[..bytes.len().min(TOO_LARGE_HEAD_BYTES)];
    match std::str::from_utf8(head) {
        Err(e) if e.error_len().is_none() => &head[..e.valid_up_to()],
        _ => head,
    }
}

/// [`emit_blocking`] for a source that runs on the async threads (a broker client).
pub async fn emit(
    output: &mut SourceOutput,
    decoded: Result<Article, RecordError>,
    position: Position,
    raw: &[u8],
) -> Result<(), Closed> {
    match decoded {
        Ok(article) => output.article(article, position).await,
        Err(error) => {
            let (dead_letter, position) = dead_letter(output, error, position, raw);
            output.reject(dead_letter, position).await
        }
    }
}

/// The dead letter for a record that is not an article, with its raw bytes kept
/// losslessly, logged once here.
fn dead_letter(
    output: &SourceOutput,
    error: RecordError,
    mut position: Position,
    raw: &[u8],
) -> (DeadLetter, Position) {
    if error.line.is_some() {
        position.line = error.line;
    }
    let message = error.describe(&position);
    tracing::warn!(source = %output.id(), "{message}");
    let dead_letter = DeadLetter::raw_bytes(
        output.id().to_string(),
        raw,
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
