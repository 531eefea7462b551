//! The trained tagger: hashed feature weights (one row of tag scores per bucket),
//! transition scores, and the lexicon and gazetteer its features read. One file, one
//! versioned little-endian format:
//!
//! ```text
//! magic "BYLNER\0\0" | format version u32 | description str
//! bucket bits u32 | weight scale f32 | weights [i16; buckets × 16]
//! transitions [f32; 17 × 17] | first [f32; 17] | last [f32; 17]
//! lexicon | gazetteer
//! ```
//!
//! Weights are stored as 16-bit integers times one scale: half the size of `f32`, and
//! summing integers is what makes tagging fast. Each feature's Outside weight is
//! subtracted from its other 16 tag weights, so the Outside column is all zeros and is not
//! stored: adding the same amount to every tag of a token never changes the best path, and
//! a row of 16 × i16 is exactly 32 bytes, one aligned half cache line per feature lookup.

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use byline_core::{Analysis, EntityLabel};

use crate::binary_format::{ByteReader, ByteWriter, FormatError};
use crate::decode::{self, Scratch, Transitions};
use crate::features::{self, FeatureBuffer, Resources};
use crate::gazetteer::Gazetteer;
use crate::lexicon::Lexicon;
use crate::tags::{self, TAG_COUNT};

const MAGIC: &[u8; 8] = b"BYLNER\0\0";

/// Bump whenever features, hashing or this layout change: old models then fail to load
/// with a clear error instead of tagging nonsense.
pub const FORMAT_VERSION: u32 = 1;

/// The model shipped with the crate (trained by `byline train entities`).
static EMBEDDED_MODEL: &[u8] = include_bytes!("../model/entities.bin");

/// Tag scores of one feature bucket for every tag but Outside (whose score is 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(C, align(32))]
struct Row([i16; ROW]);

const ROW: usize = TAG_COUNT - 1;

/// One entity found by the tagger, before canonical naming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Token range in the analysis.
    pub tokens: Range<usize>,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    pub label: EntityLabel,
}

/// A trained entity tagger.
pub struct Model {
    bucket_bits: u32,
    weights: Vec<Row>,
    scale: f32,
    transitions: Transitions,
    decoding_transitions: Transitions,
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    description: String,
}

/// Per-thread working memory for [`Model::tag`], reused across articles.
#[derive(Default)]
pub struct TaggerScratch {
    features: FeatureBuffer,
    /// The features of the token being scored.
    token_features: Vec<u64>,
    /// Tag scores of the sentence being decoded.
    emissions: Vec<[f32; TAG_COUNT]>,
    decode: Scratch,
    sentence_tags: Vec<u8>,
    tags: Vec<u8>,
}

impl Model {
    /// The model compiled into this crate, loaded once per process.
    pub fn embedded() -> Result<Arc<Model>, FormatError> {
        static LOADED: OnceLock<Result<Arc<Model>, FormatError>> = OnceLock::new();
        LOADED
            .get_or_init(|| Model::from_bytes(EMBEDDED_MODEL).map(Arc::new))
            .clone()
    }

    /// Builds a model from trained `f32` weights (`buckets × TAG_COUNT`, bucket-major).
    pub fn from_weights(
        bucket_bits: u32,
        weights: &[f32],
        transitions: Transitions,
        lexicon: Lexicon,
        gazetteer: Gazetteer,
        description: String,
    ) -> Model {
        let relative = |row: &[f32]| -> [f32; ROW] {
            let mut out = [0.0; ROW];
            for (o, w) in out.iter_mut().zip(&row[1..]) {
                *o = w - row[tags::OUTSIDE as usize];
            }
            out
        };
        let max = weights
            .chunks_exact(TAG_COUNT)
            .flat_map(relative)
            .fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let weights = weights
            .chunks_exact(TAG_COUNT)
            .map(|row| {
                let mut out = Row::default();
                for (o, w) in out.0.iter_mut().zip(relative(row)) {
                    *o = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
                }
                out
            })
            .collect();
        Model {
            bucket_bits,
            weights,
            scale,
            decoding_transitions: transitions.constrained(),
            transitions,
            lexicon,
            gazetteer,
            description,
        }
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn resources(&self) -> Resources<'_> {
        Resources {
            lexicon: &self.lexicon,
            gazetteer: &self.gazetteer,
        }
    }

    /// Finds the entities of a text, given its shared analysis.
    pub fn tag(
        &self,
        text: &str,
        analysis: &Analysis,
        scratch: &mut TaggerScratch,
    ) -> Vec<Mention> {
        self.tag_with(self.resources(), text, analysis, scratch)
    }

    /// [`Model::tag`] with features read through other resources (used while training,
    /// before the model owns its lexicon).
    pub(crate) fn tag_with(
        &self,
        resources: Resources<'_>,
        text: &str,
        analysis: &Analysis,
        scratch: &mut TaggerScratch,
    ) -> Vec<Mention> {
        // One sentence at a time, and each token's features only while it is scored: the
        // memory held is the per-token attributes plus one sentence's emissions, not the
        // ~40 feature hashes of every token of the article.
        features::prepare(text, analysis, resources, &mut scratch.features);
        let mask = (1usize << self.bucket_bits) - 1;
        scratch.tags.clear();
        scratch.tags.resize(analysis.tokens.len(), tags::OUTSIDE);
        for sentence in &analysis.sentences {
            let range = sentence.tokens.clone();
            scratch.emissions.clear();
            let emissions = &mut scratch.emissions;
            features::sentence_features(
                text,
                &analysis.tokens,
                &scratch.features,
                range.clone(),
                &mut scratch.token_features,
                |_, token_features| {
                    let mut sums = [0i32; ROW];
                    for &f in token_features.iter() {
                        let row = &self.weights[f as usize & mask];
                        for (s, w) in sums.iter_mut().zip(&row.0) {
                            *s += i32::from(*w);
                        }
                    }
                    token_features.clear();
                    let mut emission = [0.0f32; TAG_COUNT];
                    for (e, s) in emission[1..].iter_mut().zip(sums) {
                        *e = s as f32 * self.scale;
                    }
                    emissions.push(emission);
                },
            );
            decode::viterbi(
                &scratch.emissions,
                &self.decoding_transitions,
                &mut scratch.decode,
                &mut scratch.sentence_tags,
            );
            scratch.tags[range].copy_from_slice(&scratch.sentence_tags);
        }
        tags::spans(&scratch.tags)
            .into_iter()
            .map(|(tokens, label)| Mention {
                start: analysis.tokens[tokens.start].start,
                end: analysis.tokens[tokens.end - 1].end,
                tokens,
                label,
            })
            .collect()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = ByteWriter::default();
        out.bytes.extend_from_slice(MAGIC);
        out.u32(FORMAT_VERSION);
        out.str(&self.description);
        out.u32(self.bucket_bits);
        out.f32(self.scale);
        let flat: Vec<i16> = self.weights.iter().flat_map(|r| r.0).collect();
        out.i16_slice(&flat);
        for row in &self.transitions.between {
            for v in row {
                out.f32(*v);
            }
        }
        for v in self.transitions.first.iter().chain(&self.transitions.last) {
            out.f32(*v);
        }
        self.lexicon.write(&mut out);
        self.gazetteer.write(&mut out);
        out.bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, FormatError> {
        let mut input = ByteReader::new(bytes);
        if input.take(MAGIC.len()).map_err(|_| FormatError::BadMagic)? != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = input.u32()?;
        if version != FORMAT_VERSION {
            return Err(FormatError::Version {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let description = input.str()?.to_string();
        let bucket_bits = input.u32()?;
        if !(1..=28).contains(&bucket_bits) {
            return Err(FormatError::Invalid(format!("bucket bits {bucket_bits}")));
        }
        let scale = input.f32()?;
        let flat = input.i16_vec()?;
        if flat.len() != (1usize << bucket_bits) * ROW {
            return Err(FormatError::Invalid(format!(
                "{} weights for {bucket_bits} bucket bits",
                flat.len()
            )));
        }
        let weights = flat
            .chunks_exact(ROW)
            .map(|c| {
                let mut row = Row::default();
                row.0.copy_from_slice(c);
                row
            })
            .collect();
        let mut transitions = Transitions::default();
        for row in &mut transitions.between {
            for v in row.iter_mut() {
                *v = input.f32()?;
            }
        }
        for v in transitions
            .first
            .iter_mut()
            .chain(transitions.last.iter_mut())
        {
            *v = input.f32()?;
        }
        let lexicon = Lexicon::read(&mut input)?;
        let gazetteer = Gazetteer::read(&mut input)?;
        if !input.is_at_end() {
            return Err(FormatError::Invalid("trailing bytes".into()));
        }
        Ok(Model {
            bucket_bits,
            weights,
            scale,
            decoding_transitions: transitions.constrained(),
            transitions,
            lexicon,
            gazetteer,
            description,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature_hash;
    use crate::tags::{Position, tag};

    /// A tiny hand-made model that tags the word "Kabul" as a location.
    fn toy_model() -> Model {
        let bits = 10;
        let mut weights = vec![0.0f32; (1 << bits) * TAG_COUNT];
        let word_feature = feature_hash::feature(1, feature_hash::word("Kabul"));
        let row = (word_feature as usize & ((1 << bits) - 1)) * TAG_COUNT;
        weights[row + tag(EntityLabel::Location, Position::Unit) as usize] = 5.0;
        Model::from_weights(
            bits,
            &weights,
            Transitions::default(),
            Lexicon::default(),
            Gazetteer::default(),
            "toy".into(),
        )
    }

    #[test]
    fn tags_with_hand_made_weights() {
        let model = toy_model();
        let text = "Talks in Kabul resumed.";
        let article = byline_core::Article::new("t", text);
        let mentions = model.tag(text, article.analysis(), &mut TaggerScratch::default());
        assert_eq!(mentions.len(), 1);
        assert_eq!(&text[mentions[0].start..mentions[0].end], "Kabul");
        assert_eq!(mentions[0].label, EntityLabel::Location);
    }

    #[test]
    fn round_trips_through_bytes() {
        let model = toy_model();
        let bytes = model.to_bytes();
        let read = Model::from_bytes(&bytes).expect("from bytes");
        assert_eq!(read.description(), "toy");
        assert_eq!(read.weights, model.weights);
        assert_eq!(read.to_bytes(), bytes);
    }

    #[test]
    fn rejects_bad_files() {
        assert_eq!(Model::from_bytes(b"").err(), Some(FormatError::BadMagic));
        assert_eq!(
            Model::from_bytes(b"NOTAMODEL").err(),
            Some(FormatError::BadMagic)
        );
        let mut bytes = toy_model().to_bytes();
        bytes[8] = 99;
        assert!(matches!(
            Model::from_bytes(&bytes),
            Err(FormatError::Version { found: 99, .. })
        ));
        let bytes = toy_model().to_bytes();
        assert!(Model::from_bytes(&bytes[..bytes.len() - 3]).is_err());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let model = toy_model();
        let huge = "Kabul".repeat(50_000);
        for text in ["", " \n ", "?!...", "東京で会議", "Москва", huge.as_str()] {
            let article = byline_core::Article::new("t", text);
            let mentions = model.tag(text, article.analysis(), &mut TaggerScratch::default());
            for m in mentions {
                assert!(m.start < m.end && m.end <= text.len());
            }
        }
    }
}
