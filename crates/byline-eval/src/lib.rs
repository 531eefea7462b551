//! # byline-eval
//!
//! What `byline eval entities|dates|quotes` share, so that the three stages score and read
//! their gold files the same way: [`Prf`] (precision, recall and F1 in points, 0–100) and
//! [`GoldLines`], the lines of a gold JSON Lines file with their numbers.

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Precision, recall and F1, each 0–100.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// From the system's correct and total answers and the gold's found and total items.
    /// The two "correct" counts differ when matching is not one to one (an overlap match,
    /// or a coverage threshold).
    pub fn from_counts(
        system_correct: usize,
        system: usize,
        gold_found: usize,
        gold: usize,
    ) -> Prf {
        let points = |part: usize, whole: usize| {
            if whole == 0 {
                0.0
            } else {
                100.0 * part as f64 / whole as f64
            }
        };
        let precision = points(system_correct, system);
        let recall = points(gold_found, gold);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }

    /// From true positives, false positives and false negatives (one-to-one matching).
    pub fn from_confusion(
        true_positives: usize,
        false_positives: usize,
        false_negatives: usize,
    ) -> Prf {
        Prf::from_counts(
            true_positives,
            true_positives + false_positives,
            true_positives,
            true_positives + false_negatives,
        )
    }
}

/// A gold file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct GoldError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The non-blank lines of a gold JSON Lines file, each with its 1-based line number, so
/// that an error about a document can name its line.
pub struct GoldLines {
    path: PathBuf,
    lines: Lines<BufReader<File>>,
    number: usize,
}

impl GoldLines {
    pub fn open(path: &Path) -> Result<GoldLines, GoldError> {
        let file = File::open(path).map_err(|source| GoldError {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(GoldLines {
            path: path.to_path_buf(),
            lines: BufReader::new(file).lines(),
            number: 0,
        })
    }
}

impl Iterator for GoldLines {
    type Item = Result<(usize, String), GoldError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let line = self.lines.next()?;
            self.number += 1;
            match line {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => return Some(Ok((self.number, line))),
                Err(source) => {
                    return Some(Err(GoldError {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_and_f1_in_points() {
        let prf = Prf::from_confusion(8, 2, 8);
        assert_eq!((prf.precision, prf.recall), (80.0, 50.0));
        assert!((prf.f1 - 61.538).abs() < 0.001, "{}", prf.f1);
        assert_eq!(Prf::from_counts(0, 0, 0, 0), Prf::default());
    }

    #[test]
    fn blank_lines_are_skipped_and_numbers_kept() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("gold.jsonl");
        std::fs::write(&path, "{\"a\":1}\n\n  \n{\"b\":2}\n").expect("write");
        let lines: Vec<(usize, String)> = GoldLines::open(&path)
            .expect("open")
            .collect::<Result<_, _>>()
            .expect("read");
        assert_eq!(lines, [(1, "{\"a\":1}".into()), (4, "{\"b\":2}".into())]);
        let missing = GoldLines::open(&dir.path().join("nope.jsonl")).err();
        assert!(missing.is_some_and(|e| e.to_string().contains("nope.jsonl")));
    }
}
