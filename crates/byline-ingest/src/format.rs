//! The input formats, and how `auto` picks one for a file.

use std::path::Path;

use serde::Deserialize;

/// How a file's bytes become articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    /// By extension: `.jsonl` and `.ndjson` are JSON Lines, `.txt` is one article. Any other
    /// file is JSON Lines if its first non-blank byte is `{`, else one article.
    #[default]
    Auto,
    /// One JSON object a line.
    Jsonl,
    /// The whole file is one article, with optional header lines.
    Txt,
}

impl InputFormat {
    /// The format to read `path` with; `first_bytes` is the start of the file, for files
    /// whose extension says nothing.
    pub fn resolve(self, path: &Path, first_bytes: &[u8]) -> InputFormat {
        if self != InputFormat::Auto {
            return self;
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("jsonl" | "ndjson") => InputFormat::Jsonl,
            Some("txt") => InputFormat::Txt,
            _ => {
                let first = first_bytes
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(first_bytes)
                    .iter()
                    .find(|b| !b.is_ascii_whitespace());
                if first == Some(&b'{') {
                    InputFormat::Jsonl
                } else {
                    InputFormat::Txt
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_decides_first() {
        let auto = InputFormat::Auto;
        assert_eq!(auto.resolve(Path::new("a.jsonl"), b"x"), InputFormat::Jsonl);
        assert_eq!(
            auto.resolve(Path::new("a.NDJSON"), b"x"),
            InputFormat::Jsonl
        );
        assert_eq!(auto.resolve(Path::new("a.txt"), b"{}"), InputFormat::Txt);
    }

    #[test]
    fn other_files_are_sniffed() {
        let auto = InputFormat::Auto;
        assert_eq!(
            auto.resolve(Path::new("feed"), b"\xEF\xBB\xBF  {\"text\":1}"),
            InputFormat::Jsonl
        );
        assert_eq!(
            auto.resolve(Path::new("story.md"), b"date 2021"),
            InputFormat::Txt
        );
    }

    #[test]
    fn an_explicit_format_wins() {
        assert_eq!(
            InputFormat::Txt.resolve(Path::new("a.jsonl"), b"{"),
            InputFormat::Txt
        );
    }
}
