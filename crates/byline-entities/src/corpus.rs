//! Gold-standard NER documents in the JSONL shape of `../shared/data/ner`: one document a
//! line, `text` plus `entities` with code-point offsets. Read into byte offsets, which is
//! what the tagger works with.

use std::path::{Path, PathBuf};

use byline_core::EntityLabel;
use byline_core::output::CharOffsets;
use serde::Deserialize;

/// One annotated document, offsets converted to bytes.
#[derive(Debug, Clone)]
pub struct GoldDocument {
    pub id: String,
    pub text: String,
    /// Sorted by start, non-overlapping.
    pub entities: Vec<GoldSpan>,
}

/// One gold entity: byte range and label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub label: EntityLabel,
}

/// Why a gold file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(transparent)]
    Io(#[from] byline_eval::GoldError),
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

#[derive(Deserialize)]
struct DocumentJson {
    #[serde(default)]
    id: Option<String>,
    text: String,
    #[serde(default)]
    entities: Vec<EntityJson>,
}

#[derive(Deserialize)]
struct EntityJson {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    text: Option<String>,
}

/// Reads every document of a gold JSONL file. Blank lines are skipped; a malformed line,
/// an unknown label or a span outside the text is an error naming the line.
pub fn read_gold(path: &Path) -> Result<Vec<GoldDocument>, CorpusError> {
    let mut documents = Vec::new();
    for line in byline_eval::GoldLines::open(path)? {
        let (number, line) = line?;
        let document =
            parse_line(&line, documents.len()).map_err(|message| CorpusError::Invalid {
                path: path.to_path_buf(),
                line: number,
                message,
            })?;
        documents.push(document);
    }
    Ok(documents)
}

/// Parses one JSONL line into a document; `ordinal` names documents without an id.
pub fn parse_line(line: &str, ordinal: usize) -> Result<GoldDocument, String> {
    let json: DocumentJson = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let offsets = CharOffsets::new(&json.text);
    let mut entities = Vec::with_capacity(json.entities.len());
    for entity in &json.entities {
        let label = EntityLabel::parse(&entity.label)
            .ok_or_else(|| format!("unknown entity label {:?}", entity.label))?;
        let (Some(start), Some(end)) =
            (offsets.to_bytes(entity.start), offsets.to_bytes(entity.end))
        else {
            return Err(format!(
                "entity {}..{} is outside the text",
                entity.start, entity.end
            ));
        };
        if start >= end {
            return Err(format!("entity {}..{} is empty", entity.start, entity.end));
        }
        if let Some(claimed) = &entity.text
            && claimed != &json.text[start..end]
        {
            return Err(format!(
                "entity text {claimed:?} does not match the text {:?}",
                &json.text[start..end]
            ));
        }
        entities.push(GoldSpan { start, end, label });
    }
    entities.sort();
    entities.dedup();
    Ok(GoldDocument {
        id: json.id.unwrap_or_else(|| format!("doc{ordinal}")),
        text: json.text,
        entities,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_become_bytes() {
        let line = r#"{"id":"a","text":"Café in Zürich","entities":[{"start":8,"end":14,"label":"LOC","text":"Zürich"}]}"#;
        let doc = parse_line(line, 0).expect("parse line");
        let span = doc.entities[0];
        assert_eq!(&doc.text[span.start..span.end], "Zürich");
        assert_eq!(span.label, EntityLabel::Location);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(parse_line("{", 0).is_err());
        assert!(
            parse_line(
                r#"{"text":"ab","entities":[{"start":0,"end":9,"label":"PER"}]}"#,
                0
            )
            .is_err()
        );
        assert!(
            parse_line(
                r#"{"text":"ab","entities":[{"start":0,"end":1,"label":"XX"}]}"#,
                0
            )
            .is_err()
        );
        assert!(
            parse_line(
                r#"{"text":"ab","entities":[{"start":0,"end":1,"label":"PER","text":"b"}]}"#,
                0
            )
            .is_err()
        );
    }
}
