//! TempEval-3 scoring of a dates stage against TimeML gold files (JSON Lines, code-point
//! offsets, a `dct` per document): relaxed span F1 (any overlap), strict span F1 (exact
//! offsets), value F1 (a relaxed match that also has the gold value) and type accuracy
//! over relaxed matches.

use std::fmt;
use std::path::{Path, PathBuf};

use byline_core::{Article, Published, Stage, Timex};
pub use byline_eval::Prf;
use byline_eval::{GoldError, GoldLines};
use serde::{Deserialize, Serialize};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Io(#[from] GoldError),
    #[error("{path}:{line}: not a gold document: {source}")]
    Json {
        path: PathBuf,
        line: usize,
        source: serde_json::Error,
    },
    #[error("{path}:{line}: gold span {start}..{end} is outside the text")]
    Span {
        path: PathBuf,
        line: usize,
        start: usize,
        end: usize,
    },
    #[error("{path}:{line}: the stage failed: {message}")]
    Stage {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

#[derive(Debug, Deserialize)]
struct GoldDocument {
    id: String,
    #[serde(default)]
    dct: Option<String>,
    text: String,
    #[serde(default)]
    timexes: Vec<GoldTimex>,
}

#[derive(Debug, Deserialize)]
struct GoldTimex {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

/// Scores over a set of documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    pub documents: usize,
    pub gold: usize,
    pub predicted: usize,
    pub relaxed: Prf,
    pub strict: Prf,
    pub value: Prf,
    /// Relaxed matches with the gold type, 0–100.
    pub type_accuracy: f64,
}

/// One disagreement with the gold, for `--verbose`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    pub document: String,
    pub dct: Option<String>,
    /// `missed`, `spurious`, `value` or `type`.
    pub kind: &'static str,
    /// `text|TYPE|value` of the gold timex.
    pub gold: Option<String>,
    /// `text|TYPE|value` of the stage's timex.
    pub predicted: Option<String>,
    /// The sentence-sized neighbourhood of the expression.
    pub context: String,
}

/// The scores of one gold file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    pub scores: Scores,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// All files together.
    pub combined: Scores,
    /// The documents rules may be written against (four in five, by [`is_held_out`]).
    pub development: Scores,
    /// The documents nobody looks at while writing rules (one in five): the figure that
    /// says how the rules do on text they were not fitted to. `--verbose` never lists
    /// their mismatches.
    pub held_out: Scores,
    pub files: Vec<FileReport>,
    /// Filled only when evaluating verbosely.
    pub mismatches: Vec<Mismatch>,
}

/// Whether a gold document is in the held-out fifth: chosen by a stable hash (FNV-1a) of
/// its id, so the split never changes and needs no list.
pub fn is_held_out(document_id: &str) -> bool {
    let hash = document_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    hash % 5 == 0
}

#[derive(Default)]
struct Counts {
    documents: usize,
    gold: usize,
    predicted: usize,
    relaxed_gold: usize,
    relaxed_predicted: usize,
    strict: usize,
    value_gold: usize,
    value_predicted: usize,
    type_correct: usize,
    matched_pairs: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.documents += other.documents;
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.relaxed_gold += other.relaxed_gold;
        self.relaxed_predicted += other.relaxed_predicted;
        self.strict += other.strict;
        self.value_gold += other.value_gold;
        self.value_predicted += other.value_predicted;
        self.type_correct += other.type_correct;
        self.matched_pairs += other.matched_pairs;
    }

    fn scores(&self) -> Scores {
        Scores {
            documents: self.documents,
            gold: self.gold,
            predicted: self.predicted,
            relaxed: Prf::from_counts(
                self.relaxed_predicted,
                self.predicted,
                self.relaxed_gold,
                self.gold,
            ),
            strict: Prf::from_counts(self.strict, self.predicted, self.strict, self.gold),
            value: Prf::from_counts(
                self.value_predicted,
                self.predicted,
                self.value_gold,
                self.gold,
            ),
            type_accuracy: if self.matched_pairs == 0 {
                0.0
            } else {
                100.0 * self.type_correct as f64 / self.matched_pairs as f64
            },
        }
    }
}

/// A gold timex with byte offsets.
struct GoldSpan {
    start: usize,
    end: usize,
    kind: String,
    value: String,
}

/// Runs `stage` over every document of the `gold` files and scores it the TempEval-3 way.
pub fn evaluate(
    gold: &[PathBuf],
    stage: &dyn Stage,
    verbose: bool,
) -> Result<EvalReport, EvalError> {
    let mut combined = Counts::default();
    let mut split = [Counts::default(), Counts::default()];
    let mut files = Vec::new();
    let mut mismatches = Vec::new();
    for path in gold {
        let counts = evaluate_file(path, stage, verbose.then_some(&mut mismatches), &mut split)?;
        combined.add(&counts);
        files.push(FileReport {
            path: path.clone(),
            scores: counts.scores(),
        });
    }
    let [development, held_out] = split;
    Ok(EvalReport {
        combined: combined.scores(),
        development: development.scores(),
        held_out: held_out.scores(),
        files,
        mismatches,
    })
}

fn evaluate_file(
    path: &Path,
    stage: &dyn Stage,
    mut mismatches: Option<&mut Vec<Mismatch>>,
    split: &mut [Counts; 2],
) -> Result<Counts, EvalError> {
    let mut counts = Counts::default();
    for line in GoldLines::open(path)? {
        let (line_number, line) = line?;
        let document: GoldDocument =
            serde_json::from_str(&line).map_err(|source| EvalError::Json {
                path: path.to_path_buf(),
                line: line_number,
                source,
            })?;
        let gold = gold_spans(&document).ok_or_else(|| EvalError::Span {
            path: path.to_path_buf(),
            line: line_number,
            start: 0,
            end: document.text.chars().count(),
        })?;
        let mut article = Article::new(document.id.clone(), document.text.clone());
        // TimeML DCTs come as dates or datetimes; the date is the anchor.
        article.published = document
            .dct
            .as_deref()
            .and_then(|d| d.get(..10))
            .and_then(|d| Published::parse(d).ok());
        stage.process(&mut article).map_err(|e| EvalError::Stage {
            path: path.to_path_buf(),
            line: line_number,
            message: e.message,
        })?;
        let held_out = is_held_out(&document.id);
        let mut document_counts = Counts {
            documents: 1,
            ..Counts::default()
        };
        score_document(
            &document,
            &gold,
            &article.timexes,
            &mut document_counts,
            // A held-out document's errors are never shown: nobody fits rules to them.
            if held_out {
                None
            } else {
                mismatches.as_deref_mut()
            },
        );
        counts.add(&document_counts);
        split[usize::from(held_out)].add(&document_counts);
    }
    Ok(counts)
}

/// The gold timexes with byte offsets, or `None` if a span is outside the text.
fn gold_spans(document: &GoldDocument) -> Option<Vec<GoldSpan>> {
    let mut byte_of_char: Vec<usize> = document.text.char_indices().map(|(b, _)| b).collect();
    byte_of_char.push(document.text.len());
    let mut spans: Vec<GoldSpan> = document
        .timexes
        .iter()
        .map(|t| {
            Some(GoldSpan {
                start: *byte_of_char.get(t.start)?,
                end: *byte_of_char.get(t.end)?,
                kind: t.kind.clone(),
                value: t.value.clone(),
            })
        })
        .collect::<Option<_>>()?;
    spans.sort_by_key(|s| (s.start, s.end));
    Some(spans)
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn describe_gold(text: &str, g: &GoldSpan) -> String {
    format!("{}|{}|{}", &text[g.start..g.end], g.kind, g.value)
}

fn describe(t: &Timex) -> String {
    let modifier = t
        .modifier
        .as_deref()
        .map(|m| format!("|{m}"))
        .unwrap_or_default();
    format!("{}|{}|{}{modifier}", t.text, t.kind.as_str(), t.value)
}

fn context(text: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "{}[{}]{}",
        &text[from..start],
        &text[start..end],
        &text[end..to]
    )
    .replace('\n', " ")
}

fn score_document(
    document: &GoldDocument,
    gold: &[GoldSpan],
    predicted: &[Timex],
    counts: &mut Counts,
    mut mismatches: Option<&mut Vec<Mismatch>>,
) {
    let text = document.text.as_str();
    counts.gold += gold.len();
    counts.predicted += predicted.len();
    let mut note = |kind: &'static str, g: Option<&GoldSpan>, p: Option<&Timex>| {
        if let Some(list) = mismatches.as_deref_mut() {
            let (start, end) = g
                .map(|g| (g.start, g.end))
                .or(p.map(|p| (p.start, p.end)))
                .unwrap_or((0, 0));
            list.push(Mismatch {
                document: document.id.clone(),
                dct: document.dct.clone(),
                kind,
                gold: g.map(|g| describe_gold(text, g)),
                predicted: p.map(describe),
                context: context(text, start, end),
            });
        }
    };
    // One-to-one pairing: each gold timex takes the overlapping prediction that shares
    // the most bytes with it.
    let mut taken = vec![false; predicted.len()];
    for g in gold {
        let best = predicted
            .iter()
            .enumerate()
            .filter(|(k, p)| !taken[*k] && overlaps((g.start, g.end), (p.start, p.end)))
            .max_by_key(|(_, p)| p.end.min(g.end) - p.start.max(g.start));
        let Some((k, p)) = best else {
            note("missed", Some(g), None);
            continue;
        };
        taken[k] = true;
        counts.relaxed_gold += 1;
        counts.relaxed_predicted += 1;
        counts.matched_pairs += 1;
        if (p.start, p.end) == (g.start, g.end) {
            counts.strict += 1;
        }
        if p.value == g.value {
            counts.value_gold += 1;
            counts.value_predicted += 1;
        } else {
            note("value", Some(g), Some(p));
        }
        if p.kind.as_str() == g.kind {
            counts.type_correct += 1;
        } else if p.value == g.value {
            note("type", Some(g), Some(p));
        }
    }
    for (k, p) in predicted.iter().enumerate() {
        if taken[k] {
            continue;
        }
        // A second prediction inside one gold span still overlaps gold: relaxed precision
        // counts it as found, as the TempEval-3 scorer does.
        if gold
            .iter()
            .any(|g| overlaps((g.start, g.end), (p.start, p.end)))
        {
            counts.relaxed_predicted += 1;
        } else {
            note("spurious", None, Some(p));
        }
    }
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |f: &mut fmt::Formatter<'_>, name: &str, s: &Prf| {
            writeln!(
                f,
                "  {name:<8} P {:6.2}  R {:6.2}  F1 {:6.2}",
                s.precision, s.recall, s.f1
            )
        };
        writeln!(
            f,
            "  {} documents, {} gold timexes, {} predicted",
            self.documents, self.gold, self.predicted
        )?;
        row(f, "relaxed", &self.relaxed)?;
        row(f, "strict", &self.strict)?;
        row(f, "value", &self.value)?;
        writeln!(f, "  type accuracy {:6.2}", self.type_accuracy)
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.mismatches {
            writeln!(
                f,
                "{:<8} {} dct={} gold={} predicted={}\n         {}",
                m.kind,
                m.document,
                m.dct.as_deref().unwrap_or("-"),
                m.gold.as_deref().unwrap_or("-"),
                m.predicted.as_deref().unwrap_or("-"),
                m.context
            )?;
        }
        for file in &self.files {
            writeln!(f, "{}", file.path.display())?;
            write!(f, "{}", file.scores)?;
        }
        writeln!(f, "combined")?;
        write!(f, "{}", self.combined)?;
        writeln!(
            f,
            "development ({} documents: rules are written against these)",
            self.development.documents
        )?;
        write!(f, "{}", self.development)?;
        writeln!(
            f,
            "held out ({} documents, one in five by a hash of the id: never looked at)",
            self.held_out.documents
        )?;
        write!(f, "{}", self.held_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prediction(start: usize, end: usize, value: &str) -> Timex {
        Timex {
            start,
            end,
            text: String::new(),
            kind: byline_core::TimexType::Date,
            value: value.to_string(),
            modifier: None,
        }
    }

    #[test]
    fn relaxed_strict_and_value_counts() {
        let document = GoldDocument {
            id: "d".into(),
            dct: None,
            text: "Sales rose last week and fell on Friday morning.".into(),
            timexes: Vec::new(),
        };
        let gold = vec![
            GoldSpan {
                start: 11,
                end: 20,
                kind: "DATE".into(),
                value: "2021-W30".into(),
            },
            GoldSpan {
                start: 33,
                end: 47,
                kind: "TIME".into(),
                value: "2021-07-30TMO".into(),
            },
        ];
        let predicted = vec![
            prediction(11, 20, "2021-W30"),
            prediction(33, 39, "2021-07-30"),
            prediction(0, 5, "PAST_REF"),
        ];
        let mut counts = Counts::default();
        let mut mismatches = Vec::new();
        score_document(
            &document,
            &gold,
            &predicted,
            &mut counts,
            Some(&mut mismatches),
        );
        let scores = counts.scores();
        assert_eq!(
            (counts.relaxed_gold, counts.strict, counts.value_gold),
            (2, 1, 1)
        );
        assert!((scores.relaxed.precision - 200.0 / 3.0).abs() < 1e-9);
        assert!((scores.relaxed.recall - 100.0).abs() < 1e-9);
        assert!((scores.value.recall - 50.0).abs() < 1e-9);
        assert!((scores.type_accuracy - 50.0).abs() < 1e-9);
        let kinds: Vec<&str> = mismatches.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, ["value", "spurious"]);
    }

    #[test]
    fn gold_offsets_are_code_points() {
        let document = GoldDocument {
            id: "d".into(),
            dct: None,
            text: "Café opened Friday.".into(),
            timexes: vec![GoldTimex {
                start: 12,
                end: 18,
                kind: "DATE".into(),
                value: "x".into(),
            }],
        };
        let spans = gold_spans(&document).unwrap_or_default();
        assert_eq!(&document.text[spans[0].start..spans[0].end], "Friday");
    }

    #[test]
    fn about_one_document_in_five_is_held_out_and_always_the_same_ones() {
        let ids: Vec<String> = (0..1000).map(|i| format!("doc-{i}")).collect();
        let held: usize = ids.iter().filter(|id| is_held_out(id)).count();
        assert!((150..250).contains(&held), "{held} of 1000");
        assert_eq!(
            is_held_out("ABC19980108.1830.0711"),
            is_held_out("ABC19980108.1830.0711")
        );
    }
}
