//! `byline eval entities`: exact span + label micro precision, recall and F1 (CoNLL
//! scoring) of a stage against a gold JSONL file, overall and per label.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use byline_core::{Article, EntityLabel, Stage};
pub use byline_eval::Prf;
use serde::Serialize;

use crate::corpus::{CorpusError, GoldDocument, GoldSpan, read_gold};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("the stage failed on document {id}: {message}")]
    Stage { id: String, message: String },
}

/// Precision, recall and F1 (0–100, [`Prf`]) with the counts behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    #[serde(flatten)]
    pub prf: Prf,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Scores {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Scores {
        Scores {
            prf: Prf::from_confusion(tp, fp, fn_),
            true_positives: tp,
            false_positives: fp,
            false_negatives: fn_,
        }
    }
}

/// `scores.f1` and the rest read the shared [`Prf`].
impl std::ops::Deref for Scores {
    type Target = Prf;

    fn deref(&self) -> &Prf {
        &self.prf
    }
}

/// One disagreement with the gold standard, kept when evaluating verbosely.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub document: String,
    /// "missed" (gold only) or "spurious" (predicted only).
    pub kind: &'static str,
    pub label: EntityLabel,
    pub text: String,
}

/// The result of an evaluation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    pub documents: usize,
    pub overall: Scores,
    /// By CoNLL label (`PER`, `ORG`, `LOC`, `MISC`).
    pub labels: BTreeMap<&'static str, Scores>,
    /// Empty unless the evaluation was verbose.
    pub disagreements: Vec<Disagreement>,
}

/// Accumulates matches document by document.
#[derive(Default)]
pub struct Scorer {
    counts: BTreeMap<&'static str, [usize; 3]>,
    documents: usize,
    verbose: bool,
    disagreements: Vec<Disagreement>,
}

impl Scorer {
    pub fn new(verbose: bool) -> Scorer {
        Scorer {
            verbose,
            ..Scorer::default()
        }
    }

    /// Adds one document: its gold spans and the predicted spans (byte offsets).
    pub fn add(&mut self, document: &GoldDocument, predicted: &[GoldSpan]) {
        self.documents += 1;
        for label in EntityLabel::ALL {
            self.counts.entry(label.as_str()).or_default();
        }
        let mut gold: Vec<GoldSpan> = document.entities.clone();
        let mut system: Vec<GoldSpan> = predicted.to_vec();
        gold.sort();
        system.sort();
        gold.dedup();
        system.dedup();
        for span in &system {
            let hit = gold.binary_search(span).is_ok();
            let c = self.counts.entry(span.label.as_str()).or_default();
            if hit {
                c[0] += 1;
            } else {
                c[1] += 1;
                self.note(document, "spurious", span);
            }
        }
        for span in &gold {
            if system.binary_search(span).is_err() {
                self.counts.entry(span.label.as_str()).or_default()[2] += 1;
                self.note(document, "missed", span);
            }
        }
    }

    fn note(&mut self, document: &GoldDocument, kind: &'static str, span: &GoldSpan) {
        if self.verbose {
            self.disagreements.push(Disagreement {
                document: document.id.clone(),
                kind,
                label: span.label,
                text: document
                    .text
                    .get(span.start..span.end)
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }

    pub fn report(self) -> EvalReport {
        let mut total = [0usize; 3];
        let mut labels = BTreeMap::new();
        for (label, c) in &self.counts {
            for k in 0..3 {
                total[k] += c[k];
            }
            labels.insert(*label, Scores::from_counts(c[0], c[1], c[2]));
        }
        EvalReport {
            documents: self.documents,
            overall: Scores::from_counts(total[0], total[1], total[2]),
            labels,
            disagreements: self.disagreements,
        }
    }
}

/// Runs `stage` over every document of the gold file at `gold` and scores its entities.
/// With `verbose`, the report also lists every missed and spurious entity.
pub fn evaluate(gold: &Path, stage: &dyn Stage, verbose: bool) -> Result<EvalReport, EvalError> {
    let documents = read_gold(gold)?;
    evaluate_documents(&documents, stage, verbose)
}

/// [`evaluate`] on documents already read.
pub fn evaluate_documents(
    documents: &[GoldDocument],
    stage: &dyn Stage,
    verbose: bool,
) -> Result<EvalReport, EvalError> {
    let mut scorer = Scorer::new(verbose);
    for document in documents {
        let mut article = Article::new(document.id.clone(), document.text.clone());
        stage.process(&mut article).map_err(|e| EvalError::Stage {
            id: document.id.clone(),
            message: e.message,
        })?;
        let predicted: Vec<GoldSpan> = article
            .entities
            .iter()
            .map(|e| GoldSpan {
                start: e.start,
                end: e.end,
                label: e.label,
            })
            .collect();
        scorer.add(document, &predicted);
    }
    Ok(scorer.report())
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "entities: {} documents, exact span + label",
            self.documents
        )?;
        writeln!(
            f,
            "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "label", "precision", "recall", "F1", "tp", "fp", "fn"
        )?;
        let rows = self
            .labels
            .iter()
            .map(|(l, s)| (*l, s))
            .chain([("overall", &self.overall)]);
        for (label, s) in rows {
            writeln!(
                f,
                "{:<8} {:>9.2} {:>9.2} {:>9.2} {:>7} {:>7} {:>7}",
                label,
                s.precision,
                s.recall,
                s.f1,
                s.true_positives,
                s.false_positives,
                s.false_negatives
            )?;
        }
        for d in &self.disagreements {
            writeln!(f, "{}\t{}\t{}\t{}", d.document, d.kind, d.label, d.text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, spans: &[(usize, usize, EntityLabel)]) -> GoldDocument {
        GoldDocument {
            id: "d".into(),
            text: text.into(),
            entities: spans
                .iter()
                .map(|&(start, end, label)| GoldSpan { start, end, label })
                .collect(),
        }
    }

    #[test]
    fn exact_span_and_label_count() {
        let gold = doc(
            "Tim Walz in Kabul and Qatar",
            &[
                (0, 8, EntityLabel::Person),
                (12, 17, EntityLabel::Location),
                (22, 27, EntityLabel::Location),
            ],
        );
        let predicted = [
            GoldSpan {
                start: 0,
                end: 8,
                label: EntityLabel::Person,
            },
            GoldSpan {
                start: 12,
                end: 17,
                label: EntityLabel::Organization,
            },
            GoldSpan {
                start: 22,
                end: 27,
                label: EntityLabel::Location,
            },
        ];
        let mut scorer = Scorer::new(true);
        scorer.add(&gold, &predicted);
        let report = scorer.report();
        assert_eq!(report.overall.true_positives, 2);
        assert_eq!(report.overall.false_positives, 1);
        assert_eq!(report.overall.false_negatives, 1);
        assert!((report.overall.f1 - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.labels["ORG"].false_positives, 1);
        assert_eq!(report.labels["LOC"].recall, 50.0);
        assert_eq!(report.disagreements.len(), 2);
        let table = report.to_string();
        assert!(
            table.contains("overall") && table.contains("MISC"),
            "{table}"
        );
    }

    #[test]
    fn nothing_to_find_scores_zero_without_dividing_by_zero() {
        let mut scorer = Scorer::new(false);
        scorer.add(&doc("nothing here", &[]), &[]);
        let report = scorer.report();
        assert_eq!(report.overall.f1, 0.0);
        assert!(serde_json::to_string(&report).is_ok_and(|s| s.contains("\"overall\"")));
    }
}
