//! Evaluation against gold quotes, following the Gender Gap Tracker protocol.
//!
//! The gold file is JSON Lines in PolNeAR's shape: `text`, optional `id` and `dct`, and
//! `quotes` with `start`/`end` (code points), `text`, optional `quote_marks`
//! (`full|partial|none`) and `speaker` (`start`/`end`/`text`, or null). An optional
//! `entities` list (the output contract's shape) pre-fills the entities layer, so that
//! fixtures do not depend on a particular NER model.
//!
//! ## Matching
//!
//! Coverage is counted in *content characters*: characters that are neither whitespace
//! nor quotation marks, so that PolNeAR's gold spans (which include the marks) and our
//! quotes (which exclude them) compare fairly. A *predicted quote* is a group of pieces
//! sharing one cue: the two halves of a split quote, or the paragraphs of a
//! multi-paragraph quote, count as one prediction.
//!
//! One relation decides both directions: prediction `p` **covers** gold quote `g` at
//! threshold `t` when the content characters of `g` inside `p` are more than `t` of the
//! content characters of `g`.
//! - recall = gold quotes covered by some prediction / gold quotes;
//! - precision = predictions that cover some gold quote / predictions;
//! - F1 is their harmonic mean. Reported at `t` = 0.3 (the protocol) and 0.8.
//!
//! **Speaker accuracy** is judged on the gold quotes covered at 0.3 that have a gold
//! speaker, against the prediction covering most of each: right when the predicted
//! speaker mention overlaps the gold speaker span, or when the resolved name and the gold
//! speaker text match (equal, or one contained in the other word by word, ignoring case,
//! punctuation and a leading article).
//!
//! The **direct-only** view keeps gold quotes with `quote_marks == "full"` and predictions
//! of kind `direct`.

use std::fmt;
use std::path::{Path, PathBuf};

use byline_core::output::{CharOffsets, EntityJson, QuoteJson};
use byline_core::{Article, Entity, Published, QuoteKind, Stage};
pub use byline_eval::Prf;
use byline_eval::{GoldError, GoldLines};
use serde::{Deserialize, Serialize};

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Io(#[from] GoldError),
    #[error("{path}:{line}: {message}")]
    Gold {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: a stage failed: {message}")]
    Stage {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Precision, recall and F1 (0–100, [`Prf`]) at one coverage threshold, with the counts
/// behind them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub threshold: f64,
    pub gold: usize,
    pub predicted: usize,
    /// Gold quotes covered by some prediction.
    pub gold_found: usize,
    /// Predictions covering some gold quote.
    pub predicted_correct: usize,
    #[serde(flatten)]
    pub prf: Prf,
}

impl Scores {
    fn new(
        threshold: f64,
        gold: usize,
        predicted: usize,
        gold_found: usize,
        predicted_correct: usize,
    ) -> Scores {
        Scores {
            threshold,
            gold,
            predicted,
            gold_found,
            predicted_correct,
            prf: Prf::from_counts(predicted_correct, predicted, gold_found, gold),
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

/// Scores of one view (all attributions, or direct quotes only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewScores {
    pub at_30: Scores,
    pub at_80: Scores,
    /// Right speakers / judged speakers (found gold quotes with a gold speaker).
    pub speaker_accuracy: f64,
    pub speakers_right: usize,
    pub speakers_judged: usize,
}

/// What went wrong for one quote (reported with `verbose`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissKind {
    /// A gold quote no prediction covers at 30%.
    Missed,
    /// A prediction that covers no gold quote at 30%.
    Spurious,
    /// A found quote with the wrong speaker.
    WrongSpeaker,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Miss {
    pub article: String,
    pub kind: MissKind,
    /// The quote's text (gold for missed and wrong-speaker, predicted for spurious).
    pub quote: String,
    pub gold_speaker: Option<String>,
    pub predicted_speaker: Option<String>,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    pub articles: usize,
    /// All attributions: direct, indirect and mixed.
    pub all: ViewScores,
    /// Gold `quote_marks == "full"` against predicted `direct` quotes.
    pub direct: ViewScores,
    /// Gold attributions whose cue is a verb of speech ("said", "told", "according to")
    /// against all predictions: the recall that the speech scope answers for (its
    /// precision is not meaningful here, since other predictions match other gold).
    pub speech_verbs: ViewScores,
    /// Every miss of the all-attributions view, when asked for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Miss>,
}

#[derive(Deserialize)]
struct GoldSpan {
    start: usize,
    end: usize,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct GoldQuote {
    start: usize,
    end: usize,
    #[serde(default)]
    text: String,
    #[serde(default)]
    quote_marks: Option<String>,
    #[serde(default)]
    speaker: Option<GoldSpan>,
    #[serde(default)]
    cue: Option<GoldSpan>,
}

impl GoldQuote {
    /// Whether the gold cue is a verb of speech (any of its words) or "according to".
    fn has_speech_cue(&self) -> bool {
        self.cue.as_ref().is_some_and(|cue| {
            let lower = cue.text.to_lowercase();
            lower.contains("according to")
                || lower
                    .split(|c: char| !c.is_alphanumeric() && c != '\'')
                    .filter_map(crate::cues::cue)
                    .any(|c| c.class == crate::cues::CueClass::Speech)
        })
    }
}

#[derive(Deserialize)]
struct GoldArticle {
    #[serde(default)]
    id: Option<String>,
    text: String,
    #[serde(default)]
    dct: Option<String>,
    #[serde(default)]
    quotes: Vec<GoldQuote>,
    #[serde(default)]
    entities: Option<Vec<EntityJson>>,
}

/// Runs `upstream` (normally the entities stage) and then `stage` on every article of
/// the `gold` file and scores the quotes found. With `verbose`, every miss is listed.
pub fn evaluate(
    gold: &Path,
    upstream: &[&dyn Stage],
    stage: &dyn Stage,
    verbose: bool,
) -> Result<EvalReport, EvalError> {
    let mut tally = Tally::default();
    let mut articles = 0;
    for line in GoldLines::open(gold)? {
        let (line_no, line) = line?;
        let gold_error = |message: String| EvalError::Gold {
            path: gold.to_path_buf(),
            line: line_no,
            message,
        };
        let doc: GoldArticle =
            serde_json::from_str(&line).map_err(|e| gold_error(e.to_string()))?;
        let id = doc.id.clone().unwrap_or_else(|| format!("line {line_no}"));
        let mut article = Article::new(id.clone(), doc.text.clone());
        article.published = doc.dct.as_deref().and_then(|d| Published::parse(d).ok());
        if let Some(entities) = &doc.entities {
            article.entities = entities_in_bytes(&doc.text, entities).map_err(gold_error)?;
        }
        for s in upstream.iter().copied().chain(std::iter::once(stage)) {
            s.process(&mut article).map_err(|e| EvalError::Stage {
                path: gold.to_path_buf(),
                line: line_no,
                message: e.to_string(),
            })?;
        }
        let predicted = article.to_json().quotes;
        tally.add(&id, &doc, &predicted, verbose);
        articles += 1;
    }
    Ok(EvalReport {
        articles,
        all: tally.all.scores(),
        direct: tally.direct.scores(),
        speech_verbs: tally.speech.scores(),
        misses: tally.misses,
    })
}

fn entities_in_bytes(text: &str, entities: &[EntityJson]) -> Result<Vec<Entity>, String> {
    let map = CharOffsets::new(text);
    entities
        .iter()
        .map(|e| {
            let (Some(start), Some(end)) = (map.to_bytes(e.start), map.to_bytes(e.end)) else {
                return Err(format!("entity {:?} is outside the text", e.text));
            };
            if start > end || text[start..end] != e.text {
                return Err(format!("entity {:?} does not match its span", e.text));
            }
            Ok(Entity {
                start,
                end,
                text: e.text.clone(),
                label: e.label,
                name: e.name.clone(),
            })
        })
        .collect()
}

/// Counts for one view, accumulated over articles.
#[derive(Default)]
struct ViewTally {
    gold: usize,
    predicted: usize,
    found: [usize; 2],
    correct: [usize; 2],
    speakers_right: usize,
    speakers_judged: usize,
}

impl ViewTally {
    fn scores(&self) -> ViewScores {
        ViewScores {
            at_30: Scores::new(
                THRESHOLDS[0],
                self.gold,
                self.predicted,
                self.found[0],
                self.correct[0],
            ),
            at_80: Scores::new(
                THRESHOLDS[1],
                self.gold,
                self.predicted,
                self.found[1],
                self.correct[1],
            ),
            speaker_accuracy: if self.speakers_judged == 0 {
                0.0
            } else {
                self.speakers_right as f64 / self.speakers_judged as f64
            },
            speakers_right: self.speakers_right,
            speakers_judged: self.speakers_judged,
        }
    }
}

const THRESHOLDS: [f64; 2] = [0.3, 0.8];

#[derive(Default)]
struct Tally {
    all: ViewTally,
    direct: ViewTally,
    speech: ViewTally,
    misses: Vec<Miss>,
}

/// One prediction: the pieces sharing a cue.
struct Prediction<'q> {
    pieces: Vec<&'q QuoteJson>,
}

impl Prediction<'_> {
    fn first(&self) -> &QuoteJson {
        self.pieces[0]
    }
}

fn group_by_cue(quotes: &[QuoteJson]) -> Vec<Prediction<'_>> {
    let mut groups: Vec<Prediction<'_>> = Vec::new();
    for q in quotes {
        let same = q.cue.as_ref().and_then(|cue| {
            groups.iter_mut().find(|g| {
                g.first()
                    .cue
                    .as_ref()
                    .is_some_and(|c| c.start == cue.start && c.end == cue.end)
            })
        });
        match same {
            Some(group) => group.pieces.push(q),
            None => groups.push(Prediction { pieces: vec![q] }),
        }
    }
    groups
}

fn is_content_char(c: char) -> bool {
    !c.is_whitespace()
        && !matches!(
            c,
            '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '’' | '\'' | '‹' | '›'
        )
}

/// Content characters in code-point ranges, via a prefix count.
struct ContentCount {
    prefix: Vec<u32>,
}

impl ContentCount {
    fn new(text: &str) -> ContentCount {
        let mut prefix = Vec::with_capacity(text.len() + 1);
        let mut n = 0u32;
        prefix.push(0);
        for c in text.chars() {
            n += u32::from(is_content_char(c));
            prefix.push(n);
        }
        ContentCount { prefix }
    }

    fn count(&self, start: usize, end: usize) -> usize {
        let last = self.prefix.len() - 1;
        let (s, e) = (start.min(last), end.min(last));
        if s >= e {
            0
        } else {
            (self.prefix[e] - self.prefix[s]) as usize
        }
    }
}

/// Share of gold quote `(start, end)` covered by prediction `p`, in content characters.
fn coverage(content: &ContentCount, start: usize, end: usize, p: &Prediction<'_>) -> f64 {
    let total = content.count(start, end);
    let inside: usize = p
        .pieces
        .iter()
        .map(|q| content.count(start.max(q.start), end.min(q.end)))
        .sum();
    if total == 0 {
        0.0
    } else {
        inside as f64 / total as f64
    }
}

/// Share of prediction `p`'s own content characters that fall inside gold quote
/// `(start, end)`: the tie-break between predictions that cover a gold quote equally.
fn own_share(content: &ContentCount, start: usize, end: usize, p: &Prediction<'_>) -> f64 {
    let own: usize = p.pieces.iter().map(|q| content.count(q.start, q.end)).sum();
    let inside: usize = p
        .pieces
        .iter()
        .map(|q| content.count(start.max(q.start), end.min(q.end)))
        .sum();
    if own == 0 {
        0.0
    } else {
        inside as f64 / own as f64
    }
}

fn normalized_words(s: &str) -> Vec<String> {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let mut words: Vec<String> = cleaned.split_whitespace().map(str::to_string).collect();
    if words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "the" | "a" | "an"))
    {
        words.remove(0);
    }
    words
}

fn contains_words(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether a resolved name and a gold speaker text name the same speaker.
fn names_match(name: &str, gold: &str) -> bool {
    let (a, b) = (normalized_words(name), normalized_words(gold));
    contains_words(&a, &b) || contains_words(&b, &a)
}

impl Tally {
    fn add(&mut self, id: &str, doc: &GoldArticle, predicted: &[QuoteJson], verbose: bool) {
        let content = ContentCount::new(&doc.text);
        let groups = group_by_cue(predicted);
        let direct_gold: Vec<&GoldQuote> = doc
            .quotes
            .iter()
            .filter(|g| g.quote_marks.as_deref() == Some("full"))
            .collect();
        let all_gold: Vec<&GoldQuote> = doc.quotes.iter().collect();
        let direct_groups: Vec<&Prediction<'_>> = groups
            .iter()
            .filter(|p| p.first().kind == QuoteKind::Direct)
            .collect();
        let all_groups: Vec<&Prediction<'_>> = groups.iter().collect();
        let speech_gold: Vec<&GoldQuote> =
            doc.quotes.iter().filter(|g| g.has_speech_cue()).collect();
        score_view(&mut self.speech, &content, &speech_gold, &all_groups, false);
        let misses = score_view(&mut self.all, &content, &all_gold, &all_groups, verbose);
        score_view(
            &mut self.direct,
            &content,
            &direct_gold,
            &direct_groups,
            false,
        );
        self.misses.extend(misses.into_iter().map(
            |(kind, quote, gold_speaker, predicted_speaker)| Miss {
                article: id.to_string(),
                kind,
                quote,
                gold_speaker,
                predicted_speaker,
            },
        ));
    }
}

type RawMiss = (MissKind, String, Option<String>, Option<String>);

fn score_view(
    tally: &mut ViewTally,
    content: &ContentCount,
    gold: &[&GoldQuote],
    predicted: &[&Prediction<'_>],
    verbose: bool,
) -> Vec<RawMiss> {
    let mut misses = Vec::new();
    tally.gold += gold.len();
    tally.predicted += predicted.len();
    // cover[g][p]
    let cover: Vec<Vec<f64>> = gold
        .iter()
        .map(|g| {
            predicted
                .iter()
                .map(|p| coverage(content, g.start, g.end, p))
                .collect()
        })
        .collect();
    for (t, threshold) in THRESHOLDS.iter().enumerate() {
        tally.found[t] += cover
            .iter()
            .filter(|row| row.iter().any(|&c| c > *threshold))
            .count();
        tally.correct[t] += (0..predicted.len())
            .filter(|&p| cover.iter().any(|row| row[p] > *threshold))
            .count();
    }
    let speaker_text = |p: &Prediction<'_>| {
        p.first()
            .speaker
            .as_ref()
            .map(|s| format!("{} ({})", s.text, s.name))
    };
    for (g, row) in gold.iter().zip(&cover) {
        // Ties in coverage (nested or overlapping predictions that both span the gold
        // quote) go to the prediction with the larger share of its own characters inside
        // the gold quote: the one that is most nearly this quote and not a wider one that
        // merely contains it. Remaining ties go to the earliest prediction.
        let best = row
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > THRESHOLDS[0])
            .map(|(p, c)| (p, *c, own_share(content, g.start, g.end, predicted[p])))
            .reduce(|best, next| {
                let better = next.1.total_cmp(&best.1).then(next.2.total_cmp(&best.2));
                if better == std::cmp::Ordering::Greater {
                    next
                } else {
                    best
                }
            })
            .map(|(p, _, _)| predicted[p]);
        let Some(best) = best else {
            if verbose {
                misses.push((
                    MissKind::Missed,
                    g.text.clone(),
                    g.speaker.as_ref().map(|s| s.text.clone()),
                    None,
                ));
            }
            continue;
        };
        let Some(gold_speaker) = &g.speaker else {
            continue;
        };
        tally.speakers_judged += 1;
        let right = best.first().speaker.as_ref().is_some_and(|s| {
            (s.start < gold_speaker.end && gold_speaker.start < s.end)
                || names_match(&s.name, &gold_speaker.text)
        });
        if right {
            tally.speakers_right += 1;
        } else if verbose {
            misses.push((
                MissKind::WrongSpeaker,
                g.text.clone(),
                Some(gold_speaker.text.clone()),
                speaker_text(best),
            ));
        }
    }
    if verbose {
        for (p, prediction) in predicted.iter().enumerate() {
            if !cover.iter().any(|row| row[p] > THRESHOLDS[0]) {
                let text: Vec<&str> = prediction.pieces.iter().map(|q| q.text.as_str()).collect();
                misses.push((
                    MissKind::Spurious,
                    text.join(" … "),
                    None,
                    speaker_text(prediction),
                ));
            }
        }
    }
    misses
}

impl fmt::Display for Scores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:5.1}  R {:5.1}  F1 {:5.1}",
            self.precision, self.recall, self.f1
        )
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for miss in &self.misses {
            let quote: String = miss.quote.chars().take(160).collect();
            writeln!(
                f,
                "[{}] {:?} {:?} gold speaker: {} predicted: {}",
                miss.article,
                miss.kind,
                quote,
                miss.gold_speaker.as_deref().unwrap_or("-"),
                miss.predicted_speaker.as_deref().unwrap_or("-"),
            )?;
        }
        writeln!(f, "quotes: {} articles", self.articles)?;
        for (label, view) in [
            ("all attributions", &self.all),
            ("direct only", &self.direct),
        ] {
            writeln!(
                f,
                "{label:<17} gold {:5}  predicted {:5}",
                view.at_30.gold, view.at_30.predicted
            )?;
            writeln!(f, "  >30% coverage   {}", view.at_30)?;
            writeln!(f, "  >80% coverage   {}", view.at_80)?;
            writeln!(
                f,
                "  speaker accuracy {:5.1}%  ({} of {} found quotes with a gold speaker)",
                100.0 * view.speaker_accuracy,
                view.speakers_right,
                view.speakers_judged
            )?;
        }
        let speech = &self.speech_verbs;
        writeln!(f, "speech-verb gold  gold {:5}", speech.at_30.gold)?;
        writeln!(
            f,
            "  recall          >30% {:5.1}  >80% {:5.1}  speaker accuracy {:5.1}%",
            speech.at_30.recall,
            speech.at_80.recall,
            100.0 * speech.speaker_accuracy
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::output::SpeakerJson;

    fn quote(start: usize, end: usize, cue: Option<(usize, usize)>) -> QuoteJson {
        QuoteJson {
            start,
            end,
            text: String::new(),
            kind: QuoteKind::Direct,
            speaker: Some(SpeakerJson {
                start: 0,
                end: 3,
                text: "Ann".into(),
                name: "Ann Lee".into(),
            }),
            cue: cue.map(|(s, e)| byline_core::output::SpanJson {
                start: s,
                end: e,
                text: String::new(),
            }),
        }
    }

    #[test]
    fn quotation_marks_and_spaces_do_not_count_as_covered_text() {
        let text = "“ab cd” x";
        let content = ContentCount::new(text);
        assert_eq!(content.count(0, 7), 4);
        let q = quote(1, 6, None);
        let p = Prediction { pieces: vec![&q] };
        assert!((coverage(&content, 0, 7, &p) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn split_pieces_with_one_cue_are_one_prediction() {
        let quotes = [
            quote(0, 4, Some((5, 9))),
            quote(12, 20, Some((5, 9))),
            quote(30, 40, None),
        ];
        let groups = group_by_cue(&quotes);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].pieces.len(), 2);
    }

    #[test]
    fn equal_coverage_goes_to_the_prediction_most_inside_the_gold_quote() {
        let text = "Ann said Bo claimed the roads were shut all week.";
        let content = ContentCount::new(text);
        let outer = quote(9, 48, Some((4, 8)));
        let inner = quote(19, 48, Some((12, 19)));
        let (outer, inner) = (
            Prediction {
                pieces: vec![&outer],
            },
            Prediction {
                pieces: vec![&inner],
            },
        );
        let gold = (20, 48);
        assert_eq!(coverage(&content, gold.0, gold.1, &outer), 1.0);
        assert_eq!(coverage(&content, gold.0, gold.1, &inner), 1.0);
        assert!(
            own_share(&content, gold.0, gold.1, &inner)
                > own_share(&content, gold.0, gold.1, &outer)
        );
    }

    #[test]
    fn names_match_by_whole_words() {
        assert!(names_match("Barack Obama", "Obama"));
        assert!(names_match("the minister", "The Minister"));
        assert!(!names_match("Barack Obama", "Michelle"));
        assert!(!names_match("", "Obama"));
    }

    #[test]
    fn speech_cues_are_told_from_belief_cues() {
        let gold = |cue: &str| GoldQuote {
            start: 0,
            end: 1,
            text: String::new(),
            quote_marks: None,
            speaker: None,
            cue: Some(GoldSpan {
                start: 0,
                end: 1,
                text: cue.to_string(),
            }),
        };
        assert!(gold("said").has_speech_cue());
        assert!(gold("told reporters").has_speech_cue());
        assert!(gold("According to").has_speech_cue());
        assert!(!gold("believes").has_speech_cue());
        assert!(!gold("").has_speech_cue());
    }

    #[test]
    fn scores_are_harmonic() {
        let s = Scores::new(0.3, 10, 5, 4, 4);
        assert!((s.precision - 80.0).abs() < 1e-9);
        assert!((s.recall - 40.0).abs() < 1e-9);
        assert!((s.f1 - 2.0 * 80.0 * 40.0 / 120.0).abs() < 1e-9);
    }
}
