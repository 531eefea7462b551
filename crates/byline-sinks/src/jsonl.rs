//! The JSON Lines encoding every sink here writes: one article (or dead letter) a line.

use byline_core::{Event, Payload};
use serde::Deserialize;

/// How each record is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JsonStyle {
    /// One compact JSON object a line (JSON Lines).
    #[default]
    Json,
    /// Indented JSON, one object after the other, for people to read.
    Pretty,
}

/// Appends one event, newline-terminated, to `buffer`.
pub fn encode(
    event: &Event,
    style: JsonStyle,
    buffer: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    match &event.payload {
        Payload::Article(article) => write(&article.to_json(), style, buffer)?,
        Payload::DeadLetter(dead) => write(&dead.to_json(&event.position), style, buffer)?,
    }
    buffer.push(b'\n');
    Ok(())
}

fn write<T: serde::Serialize>(
    value: &T,
    style: JsonStyle,
    buffer: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    match style {
        JsonStyle::Json => serde_json::to_writer(buffer, value),
        JsonStyle::Pretty => serde_json::to_writer_pretty(buffer, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Ack, Article, DeadLetter, Position};

    fn article_event() -> Event {
        let mut article = Article::new("a1", "Héllo 👋 world");
        article.title = Some("Greeting".into());
        Event::article(article, Position::of_source("s".into()), Ack::untracked())
    }

    #[test]
    fn an_article_is_one_compact_line_in_the_output_contract() {
        let mut buffer = Vec::new();
        encode(&article_event(), JsonStyle::Json, &mut buffer).expect("article event");
        let line = String::from_utf8(buffer).expect("from utf8");
        assert_eq!(line.matches('\n').count(), 1);
        assert!(line.ends_with('\n'));
        let value: serde_json::Value = serde_json::from_str(&line).expect("parse JSON");
        assert_eq!(value["id"], "a1");
        assert_eq!(value["text"], "Héllo 👋 world");
        assert_eq!(value["title"], "Greeting");
        assert_eq!(value["entities"], serde_json::json!([]));
    }

    #[test]
    fn pretty_output_spans_lines_and_parses_back() {
        let mut buffer = Vec::new();
        encode(&article_event(), JsonStyle::Pretty, &mut buffer).expect("article event");
        let text = String::from_utf8(buffer).expect("from utf8");
        assert!(text.lines().count() > 5);
        let value: serde_json::Value = serde_json::from_str(&text).expect("parse JSON");
        assert_eq!(value["id"], "a1");
    }

    #[test]
    fn a_dead_letter_carries_its_error_and_position() {
        let event = Event::dead_letter(
            DeadLetter::raw("s", "{not json", None, "malformed JSON"),
            Position::in_file("s".into(), "in.jsonl".into(), 2, 10),
            Ack::untracked(),
        );
        let mut buffer = Vec::new();
        encode(&event, JsonStyle::Json, &mut buffer).expect("encode");
        let value: serde_json::Value = serde_json::from_slice(&buffer).expect("parse JSON");
        assert_eq!(value["raw"], "{not json");
        assert_eq!(value["error"]["line"], 2);
    }
}
