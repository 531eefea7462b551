//! What flows between components: an article or a dead letter, with where it came from and
//! its acknowledgement handle.

use std::fmt;
use std::sync::Arc;

use crate::ack::Ack;
use crate::article::Article;
use crate::dead_letter::DeadLetter;

/// Where a record came from: the source id and, for files, the file, the 1-based line and
/// the byte offset of the record's first byte. Error messages, dead letters and (later)
/// checkpoints use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub source: Arc<str>,
    pub file: Option<Arc<str>>,
    pub line: Option<u64>,
    pub offset: Option<u64>,
}

impl Position {
    /// A record of source `source` with no finer position (a broker message, a test).
    pub fn of_source(source: Arc<str>) -> Position {
        Position {
            source,
            file: None,
            line: None,
            offset: None,
        }
    }

    /// A record at `line` (1-based), starting at byte `offset` of `file`.
    pub fn in_file(source: Arc<str>, file: Arc<str>, line: u64, offset: u64) -> Position {
        Position {
            source,
            file: Some(file),
            line: Some(line),
            offset: Some(offset),
        }
    }
}

impl fmt::Display for Position {
    /// `file:line`, or the source id when there is no file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}"),
            (Some(file), None) => write!(f, "{file}"),
            (None, Some(line)) => write!(f, "{}:{line}", self.source),
            (None, None) => write!(f, "{}", self.source),
        }
    }
}

/// The two kinds of record on the wire.
// Articles are nearly every record, so they stay unboxed (no allocation each); the rare
// dead letter is the one boxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Payload {
    Article(Article),
    DeadLetter(Box<DeadLetter>),
}

/// One record in flight.
#[derive(Debug)]
pub struct Event {
    pub payload: Payload,
    pub position: Position,
    pub ack: Ack,
}

impl Event {
    pub fn article(article: Article, position: Position, ack: Ack) -> Event {
        Event {
            payload: Payload::Article(article),
            position,
            ack,
        }
    }

    pub fn dead_letter(dead_letter: DeadLetter, position: Position, ack: Ack) -> Event {
        Event {
            payload: Payload::DeadLetter(Box::new(dead_letter)),
            position,
            ack,
        }
    }

    pub fn is_dead_letter(&self) -> bool {
        matches!(self.payload, Payload::DeadLetter(_))
    }

    /// A copy for one more branch of a fan-out, with its own unresolved ack handle.
    pub fn fan_out_copy(&self) -> Event {
        let payload = match &self.payload {
            Payload::Article(a) => Payload::Article(a.clone()),
            Payload::DeadLetter(d) => Payload::DeadLetter(d.clone()),
        };
        Event {
            payload,
            position: self.position.clone(),
            ack: self.ack.clone(),
        }
    }

    /// Bytes of text carried, to size batches.
    pub fn text_len(&self) -> usize {
        match &self.payload {
            Payload::Article(a) => a.text().len(),
            Payload::DeadLetter(d) => {
                d.raw.as_ref().map_or(0, String::len)
                    + d.raw_base64.as_ref().map_or(0, String::len)
                    + d.article.as_ref().map_or(0, |a| a.text().len())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_as_file_and_line() {
        let p = Position::in_file("wire".into(), "a.jsonl".into(), 3, 120);
        assert_eq!(p.to_string(), "a.jsonl:3");
        assert_eq!(Position::of_source("wire".into()).to_string(), "wire");
    }

    #[test]
    fn fan_out_copies_carry_the_same_article_and_record() {
        let event = Event::article(
            Article::new("a", "Text."),
            Position::of_source("s".into()),
            Ack::untracked(),
        );
        let copy = event.fan_out_copy();
        let Payload::Article(a) = &copy.payload else {
            panic!("expected an article");
        };
        assert_eq!((a.id.as_str(), a.text()), ("a", "Text."));
        assert_eq!(copy.position, event.position);
        assert_eq!(copy.text_len(), 5);
    }
}
