//! The dead-letter file: where rejected records go when no `<id>.errors` route is wired.

use std::path::{Path, PathBuf};

use crate::file::{FileSink, PathTemplate};

/// The file name under `data_dir`.
pub const DEAD_LETTER_FILE: &str = "dead-letter.jsonl";

/// `data_dir/dead-letter.jsonl`.
pub fn dead_letter_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DEAD_LETTER_FILE)
}

/// A sink appending dead letters (with their `error` object) to `data_dir/dead-letter.jsonl`.
pub fn dead_letter_sink(data_dir: &Path) -> FileSink {
    FileSink::new(PathTemplate::fixed(&dead_letter_path(data_dir)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Ack, DeadLetter, Event, Position, Sink};

    #[tokio::test]
    async fn dead_letters_are_appended_under_the_data_dir() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let data_dir = dir.path().join(".byline");
        let mut sink = dead_letter_sink(&data_dir);
        let event = Event::dead_letter(
            DeadLetter::raw("wire", "\u{fffd}bad", Some("text"), "invalid UTF-8"),
            Position::in_file("wire".into(), "in.jsonl".into(), 7, 300),
            Ack::untracked(),
        );
        sink.write(&[event]).await.unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        let written =
            std::fs::read_to_string(dead_letter_path(&data_dir)).unwrap_or_else(|e| panic!("{e}"));
        let value: serde_json::Value =
            serde_json::from_str(written.trim_end()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value["error"]["reason"], "invalid UTF-8");
        assert_eq!(value["error"]["field"], "text");
        assert_eq!(value["error"]["line"], 7);
        assert_eq!(value["raw"], "\u{fffd}bad");
    }
}
