//! `byline train entities`: an averaged structured perceptron over hashed features, decoded
//! with constrained BILOU Viterbi (Collins 2002). Deterministic for a given seed: the only
//! randomness is the document order of each epoch, drawn from a seeded xorshift.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use byline_core::Article;
use serde::Serialize;

use crate::binary_format::{ByteReader, FormatError};
use crate::corpus::{CorpusError, GoldDocument, GoldSpan, read_gold};
use crate::decode::{self, Scratch, Transitions};
use crate::eval::{EvalReport, Scorer};
use crate::features::{self, FeatureBuffer, Resources};
use crate::gazetteer::Gazetteer;
use crate::lexicon::Lexicon;
use crate::model::{Model, TaggerScratch};
use crate::tags::{self, TAG_COUNT};

/// What to train on and how.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Gold JSONL to learn from (the shape of `../shared/data/ner`).
    pub train: PathBuf,
    /// Gold JSONL to report F1 on after every epoch.
    pub dev: Option<PathBuf>,
    /// Where to write the model file.
    pub out: PathBuf,
    /// Word clusters and case profiles from unlabelled text (`examples/lexicon.rs`); the
    /// crate's own `model/lexicon.bin` when `None`.
    pub lexicon: Option<PathBuf>,
    pub epochs: usize,
    pub seed: u64,
    /// The weight table has `2^bucket_bits` rows of 17 tag scores.
    pub bucket_bits: u32,
}

impl TrainOptions {
    /// The settings the shipped model was trained with.
    pub fn new(train: PathBuf, dev: Option<PathBuf>, out: PathBuf) -> TrainOptions {
        TrainOptions {
            train,
            dev,
            out,
            lexicon: None,
            epochs: 15,
            seed: 7,
            bucket_bits: 19,
        }
    }
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error("cannot read the lexicon {path}: {message}")]
    Lexicon { path: PathBuf, message: String },
    #[error("cannot write the model to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the training file has no entities")]
    Empty,
    #[error("bucket bits must be between 10 and 24, not {0}")]
    BucketBits(u32),
}

/// One epoch's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    /// Sentences whose predicted tags differed from the gold tags (before the update).
    pub sentence_errors: usize,
    pub dev: Option<EvalReport>,
    pub seconds: f64,
}

/// What training did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub epochs: Vec<EpochReport>,
    pub train_documents: usize,
    pub train_tokens: usize,
    /// Gold spans whose edges fall inside a token, so no tagging can reproduce them.
    pub misaligned_spans: usize,
    pub model_bytes: usize,
    pub seconds: f64,
}

/// One training document, featurised once.
struct Prepared {
    buckets: Vec<u32>,
    starts: Vec<u32>,
    sentences: Vec<Range<usize>>,
    gold: Vec<u8>,
}

/// Perceptron weights with the running sums needed to average them cheaply.
struct Weights {
    current: Vec<f32>,
    /// Sum over updates of (update step × change); the average is current − this / steps.
    stepped: Vec<f32>,
    transitions: Transitions,
    transitions_stepped: Transitions,
    step: f32,
}

impl Weights {
    fn new(buckets: usize) -> Weights {
        Weights {
            current: vec![0.0; buckets * TAG_COUNT],
            stepped: vec![0.0; buckets * TAG_COUNT],
            transitions: Transitions::default(),
            transitions_stepped: Transitions::default(),
            step: 1.0,
        }
    }

    fn bump(&mut self, bucket: u32, tag: u8, delta: f32) {
        let i = bucket as usize * TAG_COUNT + tag as usize;
        self.current[i] += delta;
        self.stepped[i] += self.step * delta;
    }

    fn bump_transition(&mut self, from: Option<u8>, to: Option<u8>, delta: f32) {
        let step = self.step;
        match (from, to) {
            (Some(a), Some(b)) => {
                self.transitions.between[a as usize][b as usize] += delta;
                self.transitions_stepped.between[a as usize][b as usize] += step * delta;
            }
            (None, Some(b)) => {
                self.transitions.first[b as usize] += delta;
                self.transitions_stepped.first[b as usize] += step * delta;
            }
            (Some(a), None) => {
                self.transitions.last[a as usize] += delta;
                self.transitions_stepped.last[a as usize] += step * delta;
            }
            (None, None) => {}
        }
    }

    fn averaged(&self) -> (Vec<f32>, Transitions) {
        let s = self.step;
        let weights = self
            .current
            .iter()
            .zip(&self.stepped)
            .map(|(w, u)| w - u / s)
            .collect();
        let mut t = self.transitions.clone();
        for a in 0..TAG_COUNT {
            for b in 0..TAG_COUNT {
                t.between[a][b] -= self.transitions_stepped.between[a][b] / s;
            }
            t.first[a] -= self.transitions_stepped.first[a] / s;
            t.last[a] -= self.transitions_stepped.last[a] / s;
        }
        (weights, t)
    }
}

/// A small deterministic generator for shuffling (xorshift64*).
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// The lexicon file shipped with the crate (word clusters from unlabelled news text).
static SHIPPED_LEXICON: &[u8] = include_bytes!("../model/lexicon.bin");

/// Reads a lexicon file written by `lexicon_builder`.
pub fn read_lexicon(bytes: &[u8]) -> Result<Lexicon, FormatError> {
    if bytes.is_empty() {
        return Ok(Lexicon::default());
    }
    let mut input = ByteReader::new(bytes);
    let lexicon = Lexicon::read(&mut input)?;
    if !input.is_at_end() {
        return Err(FormatError::Invalid(
            "trailing bytes after the lexicon".into(),
        ));
    }
    Ok(lexicon)
}

fn load_lexicon(path: Option<&Path>) -> Result<Lexicon, TrainError> {
    let fail = |path: &Path, message: String| TrainError::Lexicon {
        path: path.to_path_buf(),
        message,
    };
    match path {
        None => read_lexicon(SHIPPED_LEXICON)
            .map_err(|e| fail(Path::new("model/lexicon.bin"), e.to_string())),
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| fail(p, e.to_string()))?;
            read_lexicon(&bytes).map_err(|e| fail(p, e.to_string()))
        }
    }
}

fn prepare(
    document: &GoldDocument,
    resources: Resources<'_>,
    mask: u32,
    buffer: &mut FeatureBuffer,
) -> (Prepared, usize) {
    let article = Article::new(document.id.clone(), document.text.clone());
    let analysis = article.analysis();
    features::extract(&document.text, analysis, resources, buffer);
    let (gold, misaligned) = tags::encode(&analysis.tokens, &document.entities);
    let prepared = Prepared {
        buckets: buffer.features.iter().map(|&f| f as u32 & mask).collect(),
        starts: buffer.starts.clone(),
        sentences: analysis
            .sentences
            .iter()
            .map(|s| s.tokens.clone())
            .collect(),
        gold,
    };
    (prepared, misaligned)
}

/// Trains a model on `opts.train`, reports dev F1 after every epoch (also logged), and
/// writes the final averaged model to `opts.out`.
pub fn train(opts: &TrainOptions) -> Result<TrainReport, TrainError> {
    let started = Instant::now();
    if !(10..=24).contains(&opts.bucket_bits) {
        return Err(TrainError::BucketBits(opts.bucket_bits));
    }
    let lexicon = load_lexicon(opts.lexicon.as_deref())?;
    let gazetteer = Gazetteer::builtin();
    let resources = Resources {
        lexicon: &lexicon,
        gazetteer: &gazetteer,
    };
    let train_docs = read_gold(&opts.train)?;
    if train_docs.iter().all(|d| d.entities.is_empty()) {
        return Err(TrainError::Empty);
    }
    let dev_docs = opts.dev.as_deref().map(read_gold).transpose()?;
    let mask = (1u32 << opts.bucket_bits) - 1;
    let mut buffer = FeatureBuffer::default();
    let mut misaligned_spans = 0;
    let mut prepared = Vec::with_capacity(train_docs.len());
    for document in &train_docs {
        let (p, misaligned) = prepare(document, resources, mask, &mut buffer);
        misaligned_spans += misaligned;
        prepared.push(p);
    }
    let train_tokens = prepared.iter().map(|p| p.gold.len()).sum();
    tracing::info!(
        documents = train_docs.len(),
        tokens = train_tokens,
        misaligned_spans,
        lexicon_words = lexicon.len(),
        "training data featurised"
    );

    let mut weights = Weights::new(1 << opts.bucket_bits);
    let mut shuffler = Shuffler(opts.seed.max(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut order: Vec<usize> = (0..prepared.len()).collect();
    let mut epochs = Vec::new();
    let mut emissions: Vec<[f32; TAG_COUNT]> = Vec::new();
    let mut predicted = Vec::new();
    let mut scratch = Scratch::default();
    for epoch in 1..=opts.epochs {
        let epoch_started = Instant::now();
        shuffler.shuffle(&mut order);
        let mut sentence_errors = 0;
        for &d in &order {
            let doc = &prepared[d];
            for sentence in &doc.sentences {
                let constrained = weights.transitions.constrained();
                emissions.clear();
                for i in sentence.clone() {
                    let mut e = [0.0f32; TAG_COUNT];
                    for &b in &doc.buckets[doc.starts[i] as usize..doc.starts[i + 1] as usize] {
                        let row =
                            &weights.current[b as usize * TAG_COUNT..(b as usize + 1) * TAG_COUNT];
                        for (x, w) in e.iter_mut().zip(row) {
                            *x += w;
                        }
                    }
                    emissions.push(e);
                }
                decode::viterbi(&emissions, &constrained, &mut scratch, &mut predicted);
                let gold = &doc.gold[sentence.clone()];
                if predicted != gold {
                    sentence_errors += 1;
                    update(&mut weights, doc, sentence.start, gold, &predicted);
                }
                weights.step += 1.0;
            }
        }
        let dev = dev_docs.as_ref().map(|docs| {
            let (w, t) = weights.averaged();
            let model = Model::from_weights(
                opts.bucket_bits,
                &w,
                t,
                Lexicon::default(),
                Gazetteer::default(),
                String::new(),
            );
            score_with(&model, resources, docs)
        });
        let report = EpochReport {
            epoch,
            sentence_errors,
            dev,
            seconds: epoch_started.elapsed().as_secs_f64(),
        };
        match &report.dev {
            Some(dev) => tracing::info!(
                epoch,
                sentence_errors,
                dev_f1 = format!("{:.2}", dev.overall.f1),
                per = format!("{:.2}", dev.labels["PER"].f1),
                org = format!("{:.2}", dev.labels["ORG"].f1),
                loc = format!("{:.2}", dev.labels["LOC"].f1),
                misc = format!("{:.2}", dev.labels["MISC"].f1),
                "epoch done"
            ),
            None => tracing::info!(epoch, sentence_errors, "epoch done"),
        }
        epochs.push(report);
    }
    let (w, t) = weights.averaged();
    let description = format!(
        "averaged perceptron, BILOU, {} epochs, seed {}, {} bucket bits, trained on {}",
        opts.epochs,
        opts.seed,
        opts.bucket_bits,
        opts.train
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
    );
    let model = Model::from_weights(opts.bucket_bits, &w, t, lexicon, gazetteer, description);
    let bytes = model.to_bytes();
    std::fs::write(&opts.out, &bytes).map_err(|source| TrainError::Write {
        path: opts.out.clone(),
        source,
    })?;
    Ok(TrainReport {
        epochs,
        train_documents: train_docs.len(),
        train_tokens,
        misaligned_spans,
        model_bytes: bytes.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn update(weights: &mut Weights, doc: &Prepared, offset: usize, gold: &[u8], predicted: &[u8]) {
    for (k, (&g, &p)) in gold.iter().zip(predicted).enumerate() {
        if g != p {
            let i = offset + k;
            for &b in &doc.buckets[doc.starts[i] as usize..doc.starts[i + 1] as usize] {
                weights.bump(b, g, 1.0);
                weights.bump(b, p, -1.0);
            }
        }
    }
    let pairs = |tags: &[u8]| -> Vec<(Option<u8>, Option<u8>)> {
        let n = tags.len();
        (0..=n)
            .map(|i| (i.checked_sub(1).map(|j| tags[j]), tags.get(i).copied()))
            .collect()
    };
    let (gp, pp) = (pairs(gold), pairs(predicted));
    for (g, p) in gp.into_iter().zip(pp) {
        if g != p {
            weights.bump_transition(g.0, g.1, 1.0);
            weights.bump_transition(p.0, p.1, -1.0);
        }
    }
}

/// Scores `model`'s weights on gold documents, reading features with `resources` (the
/// model under training does not own its lexicon yet).
fn score_with(model: &Model, resources: Resources<'_>, documents: &[GoldDocument]) -> EvalReport {
    let mut scorer = Scorer::new(false);
    let mut scratch = TaggerScratch::default();
    for document in documents {
        let article = Article::new(document.id.clone(), document.text.clone());
        let mentions = model.tag_with(resources, &document.text, article.analysis(), &mut scratch);
        let predicted: Vec<GoldSpan> = mentions
            .iter()
            .map(|m| GoldSpan {
                start: m.start,
                end: m.end,
                label: m.label,
            })
            .collect();
        scorer.add(document, &predicted);
    }
    scorer.report()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, lines.join("\n")).expect("join the thread");
        path
    }

    #[test]
    fn shuffling_is_deterministic() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        Shuffler(42).shuffle(&mut a);
        Shuffler(42).shuffle(&mut b);
        assert_eq!(a, b);
        assert_ne!(a, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn learns_a_tiny_corpus_deterministically() {
        let dir =
            std::env::temp_dir().join(format!("byline-entities-train-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create directories");
        let doc = r#"{"text":"Anna Berg visited Oslo .\nThe talks in Oslo ended .","entities":[{"start":0,"end":9,"label":"PER"},{"start":18,"end":22,"label":"LOC"},{"start":38,"end":42,"label":"LOC"}]}"#;
        let train_path = write(&dir, "train.jsonl", &[doc, doc]);
        let mut opts = TrainOptions::new(train_path.clone(), Some(train_path), dir.join("a.bin"));
        opts.epochs = 3;
        opts.bucket_bits = 12;
        let report = train(&opts).expect("train");
        assert_eq!(report.epochs.len(), 3);
        let last = report.epochs[2].dev.as_ref().map(|d| d.overall.f1);
        assert_eq!(last, Some(100.0));
        opts.out = dir.join("b.bin");
        train(&opts).expect("train");
        let a = std::fs::read(dir.join("a.bin")).unwrap_or_default();
        let b = std::fs::read(dir.join("b.bin")).unwrap_or_default();
        assert!(!a.is_empty());
        assert_eq!(a, b, "same seed, same model");
        std::fs::remove_dir_all(&dir).ok();
    }
}
