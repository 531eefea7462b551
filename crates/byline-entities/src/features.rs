//! Feature extraction: the evidence the tagger weighs for each token, as 64-bit feature
//! hashes. Three kinds of evidence:
//!
//! - the token and its ±2 neighbours within the sentence: word form, folded form, word
//!   shape, prefixes and suffixes, word clusters, gazetteer hits;
//! - what unlabelled text says about the word (its case profile, via the lexicon);
//! - what the rest of the article says: how the same word is capitalised in ordinary
//!   sentences elsewhere, which is what tells "JAPAN" (a name) from "WIN" (a word) in
//!   an ALL-CAPS headline.
//!
//! Per-token attributes are hashed once and combined per template with cheap integer
//! mixing; nothing allocates per token. The template numbers are part of the model format.

use byline_core::{Analysis, Token, TokenKind};

use crate::feature_hash::{self, feature, mix};
use crate::gazetteer::Gazetteer;
use crate::lexicon::{CLUSTER_LEVELS, HashKeyed, Lexicon, WordInfo};

/// What a feature extractor needs besides the text.
#[derive(Clone, Copy)]
pub struct Resources<'r> {
    pub lexicon: &'r Lexicon,
    pub gazetteer: &'r Gazetteer,
}

/// Attributes of one token that its neighbours' features read too, kept for every token of
/// an article; what only the token itself needs ([`TokenHashes`]) is recomputed when its
/// features are made, which keeps this at a quarter of the size.
#[derive(Debug, Clone, Copy, Default)]
struct TokenAttributes {
    folded: u64,
    shape: u64,
    info: WordInfo,
    /// Bits from [`DocCase`]: how this word is written elsewhere in the article.
    doc_case: u8,
    sentence_initial: bool,
    in_caps_line: bool,
    capitalised: bool,
}

/// Ways a word is written in the article, collected over ordinary (not ALL-CAPS)
/// sentences and excluding sentence-initial positions, where capitals say nothing.
struct DocCase;

impl DocCase {
    const TITLE: u8 = 1;
    const LOWER: u8 = 2;
    const UPPER: u8 = 4;
    const INITIAL_ONLY: u8 = 8;
}

/// The features of every token of one text, in one flat buffer reused across texts.
#[derive(Default)]
pub struct FeatureBuffer {
    /// Feature hashes; token `i` owns `features[starts[i]..starts[i + 1]]`.
    pub features: Vec<u64>,
    pub starts: Vec<u32>,
    attributes: Vec<TokenAttributes>,
    gazetteer_hits: Vec<(u32, u32)>,
    folded: Vec<u64>,
    doc_case: HashKeyed<u8>,
}

impl FeatureBuffer {
    /// Features of token `index`.
    #[inline]
    pub fn of(&self, index: usize) -> &[u64] {
        &self.features[self.starts[index] as usize..self.starts[index + 1] as usize]
    }

    pub fn token_count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

mod template {
    pub const BIAS: u32 = 0;
    pub const WORD: u32 = 1;
    pub const FOLDED: u32 = 2; // + offset index 0..5
    pub const SHAPE: u32 = 7; // + offset index 0..5
    pub const LONG_SHAPE: u32 = 12;
    pub const PREFIX: u32 = 13; // + length - 1
    pub const SUFFIX: u32 = 17; // + length - 1
    pub const CLUSTER: u32 = 21; // + level * 3 + offset index 0..3
    pub const CASE_PROFILE: u32 = 30; // + offset index 0..3
    pub const DOC_CASE: u32 = 33;
    pub const DOC_CASE_CAPS_LINE: u32 = 34;
    pub const BIGRAM_LEFT: u32 = 35;
    pub const BIGRAM_RIGHT: u32 = 36;
    pub const SHAPE_TRIGRAM: u32 = 37;
    pub const SENTENCE_INITIAL: u32 = 38;
    pub const GAZETTEER: u32 = 39; // + offset index 0..3
    pub const GAZETTEER_SHAPE: u32 = 42;
    pub const CLUSTER_SHAPE: u32 = 43;
    pub const CAPS_LINE_WORD: u32 = 44;
    pub const PREVIOUS_CAPITALISED_RUN: u32 = 45;
    pub const NEXT_CAPITALISED_RUN: u32 = 46;
}

/// The feature for a word seen `slot` places from the tagged token, placed so that the
/// five slots of one word fill neighbouring weight rows (its low three bits are the slot).
/// Tagging walks the text left to right, so the rows a word needs as a left context, as
/// itself and as a right context arrive in one or two cache lines instead of five.
#[inline]
fn grouped(word_feature: u64, slot: usize) -> u64 {
    (word_feature & !7) | slot as u64
}

/// Stand-ins for the neighbours of the first and last tokens of a sentence.
const BEFORE_SENTENCE: u64 = 0x0b0b_0b0b_0b0b_0b0b;
const AFTER_SENTENCE: u64 = 0x0e0e_0e0e_0e0e_0e0e;

/// The hashes of one token's own text.
struct TokenHashes {
    word: u64,
    folded: u64,
    shape: u64,
    long_shape: u64,
    prefixes: [u64; 4],
    suffixes: [u64; 4],
    capitalised: bool,
}

fn token_attributes(text: &str, token: &Token, lexicon: &Lexicon) -> TokenAttributes {
    let hashes = token_hashes(text, token);
    TokenAttributes {
        folded: hashes.folded,
        shape: hashes.shape,
        info: lexicon.get(hashes.folded),
        doc_case: 0,
        sentence_initial: false,
        in_caps_line: false,
        capitalised: hashes.capitalised,
    }
}

fn token_hashes(text: &str, token: &Token) -> TokenHashes {
    let s = token.text(text);
    let mut word = feature_hash::word("");
    let mut folded = feature_hash::folded("");
    let mut shape = 0x5a5a_u64;
    let mut long_shape = 0xa5a5_u64;
    let mut prefixes = [0u64; 4];
    let mut last_class = '\0';
    let mut run = 0;
    let (mut upper, mut lower, mut chars) = (0u32, 0u32, 0usize);
    for c in s.chars() {
        word = mix(word, u64::from(c));
        folded = feature_hash::fold_into(folded, c);
        if chars < 4 {
            prefixes[chars] = folded;
        }
        chars += 1;
        let class = if c.is_uppercase() {
            upper += 1;
            'X'
        } else if c.is_lowercase() {
            lower += 1;
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            feature_hash::fold_char(c)
        };
        if class == last_class {
            run += 1;
        } else {
            run = 1;
            shape = mix(shape, u64::from(class));
        }
        if run <= 3 {
            long_shape = mix(long_shape, u64::from(class));
        }
        last_class = class;
    }
    for p in prefixes.iter_mut().skip(chars.min(4)) {
        *p = 0;
    }
    let mut suffixes = [0u64; 4];
    let mut suffix = 0x3c3c_u64;
    for (i, c) in s.chars().rev().take(4).enumerate() {
        suffix = feature_hash::fold_into(suffix, c);
        suffixes[i] = suffix;
    }
    TokenHashes {
        word,
        folded,
        shape,
        long_shape,
        prefixes,
        suffixes,
        capitalised: upper > 0
            && token.kind == TokenKind::Word
            && (lower == 0 || s.starts_with(|c: char| c.is_uppercase())),
    }
}

/// Is the sentence set in capitals (a headline, a dateline, a shouted line)?
fn is_caps_line(text: &str, tokens: &[Token]) -> bool {
    let (mut words, mut caps) = (0, 0);
    for t in tokens {
        let s = t.text(text);
        if !s.chars().any(char::is_alphabetic) {
            continue;
        }
        words += 1;
        if !s.chars().any(char::is_lowercase) {
            caps += 1;
        }
    }
    words > 0 && caps * 10 >= words * 7
}

/// Computes what the features of every token of `analysis` are made of (per-token
/// attributes, how words are written across the article, gazetteer hits), without the
/// features themselves: [`sentence_features`] makes those one token at a time, so that
/// tagging never holds the features of a whole article (about 40 hashes a token, which
/// was most of the entities stage's memory on a long article).
pub fn prepare(
    text: &str,
    analysis: &Analysis,
    resources: Resources<'_>,
    buffer: &mut FeatureBuffer,
) {
    let tokens = &analysis.tokens;
    buffer.attributes.clear();
    buffer.attributes.extend(
        tokens
            .iter()
            .map(|t| token_attributes(text, t, resources.lexicon)),
    );
    buffer.doc_case.clear();
    for sentence in &analysis.sentences {
        let range = sentence.tokens.clone();
        let caps = is_caps_line(text, &tokens[range.clone()]);
        let first_word = range.clone().find(|&i| tokens[i].kind == TokenKind::Word);
        for i in range {
            let attrs = &mut buffer.attributes[i];
            attrs.in_caps_line = caps;
            attrs.sentence_initial = Some(i) == first_word;
            if caps || tokens[i].kind != TokenKind::Word {
                continue;
            }
            let s = tokens[i].text(text);
            let bit = if attrs.sentence_initial {
                DocCase::INITIAL_ONLY
            } else if !s.chars().any(char::is_lowercase) {
                DocCase::UPPER
            } else if s.starts_with(char::is_uppercase) {
                DocCase::TITLE
            } else {
                DocCase::LOWER
            };
            *buffer.doc_case.entry(attrs.folded).or_default() |= bit;
        }
    }
    for attrs in &mut buffer.attributes {
        attrs.doc_case = buffer.doc_case.get(&attrs.folded).copied().unwrap_or(0);
    }
    buffer.folded.clear();
    buffer
        .folded
        .extend(buffer.attributes.iter().map(|a| a.folded));
    buffer.gazetteer_hits.clear();
    for sentence in &analysis.sentences {
        let range = sentence.tokens.clone();
        let offset = range.start;
        let hits = &mut buffer.gazetteer_hits;
        resources
            .gazetteer
            .annotate(&tokens[range.clone()], &buffer.folded[range], |i, hit| {
                hits.push((
                    (offset + i) as u32,
                    u32::from(hit.list) * 4 + u32::from(hit.position),
                ));
            });
    }
    buffer.gazetteer_hits.sort_unstable();

    buffer.features.clear();
    buffer.starts.clear();
}

/// Fills `buffer` with the features of every token of `analysis`, all at once (the
/// trainer reads them many times over).
pub fn extract(
    text: &str,
    analysis: &Analysis,
    resources: Resources<'_>,
    buffer: &mut FeatureBuffer,
) {
    prepare(text, analysis, resources, buffer);
    let mut features = std::mem::take(&mut buffer.features);
    let mut starts = std::mem::take(&mut buffer.starts);
    starts.push(0);
    for sentence in &analysis.sentences {
        let range = sentence.tokens.clone();
        sentence_features(
            text,
            &analysis.tokens,
            buffer,
            range,
            &mut features,
            |_, features| {
                starts.push(features.len() as u32);
            },
        );
    }
    // Tokens outside every sentence (there are none today) still get a bias feature so
    // that `starts` always covers every token.
    while starts.len() <= analysis.tokens.len() {
        features.push(feature(template::BIAS, 0));
        starts.push(features.len() as u32);
    }
    buffer.features = features;
    buffer.starts = starts;
}

/// Appends to `out` the features of each token of the sentence `range`, in order, calling
/// `done(token, out)` after each token's features (the caller may read and clear `out`).
/// [`prepare`] must have been called for the same analysis.
pub fn sentence_features(
    text: &str,
    tokens: &[Token],
    buffer: &FeatureBuffer,
    range: std::ops::Range<usize>,
    out: &mut Vec<u64>,
    mut done: impl FnMut(usize, &mut Vec<u64>),
) {
    // Hits are sorted by token: start at the first one that can touch this sentence.
    let mut gazetteer_cursor = buffer
        .gazetteer_hits
        .partition_point(|&(at, _)| (at as usize) + 1 < range.start);
    for i in range.clone() {
        let get = |offset: isize| -> Option<&TokenAttributes> {
            let j = i as isize + offset;
            (j >= range.start as isize && j < range.end as isize)
                .then(|| &buffer.attributes[j as usize])
        };
        let me = &buffer.attributes[i];
        let own = token_hashes(text, &tokens[i]);
        out.push(feature(template::BIAS, 0));
        out.push(feature(template::WORD, own.word));
        for (k, offset) in (-2..=2).enumerate() {
            let value = match get(offset) {
                Some(a) => (a.folded, a.shape),
                None if offset < 0 => (BEFORE_SENTENCE, BEFORE_SENTENCE),
                None => (AFTER_SENTENCE, AFTER_SENTENCE),
            };
            out.push(grouped(feature(template::FOLDED, value.0), k));
            out.push(feature(template::SHAPE + k as u32, value.1));
        }
        out.push(feature(template::LONG_SHAPE, own.long_shape));
        for n in 0..4 {
            if own.prefixes[n] != 0 {
                out.push(feature(template::PREFIX + n as u32, own.prefixes[n]));
            }
            if own.suffixes[n] != 0 && own.prefixes[n] != 0 {
                out.push(feature(template::SUFFIX + n as u32, own.suffixes[n]));
            }
        }
        for (k, offset) in (-1..=1).enumerate() {
            let info = get(offset).map(|a| a.info).unwrap_or_default();
            for level in 0..CLUSTER_LEVELS {
                if offset != 0 && level == 0 {
                    continue;
                }
                out.push(feature(
                    template::CLUSTER + (level * 3 + k) as u32,
                    u64::from(info.clusters[level]),
                ));
            }
            let shape = get(offset).map_or(0, |a| a.shape);
            out.push(feature(
                template::CASE_PROFILE + k as u32,
                mix(u64::from(info.case_profile), shape),
            ));
        }
        out.push(feature(
            template::DOC_CASE,
            mix(u64::from(me.doc_case), me.shape),
        ));
        out.push(feature(
            template::DOC_CASE_CAPS_LINE,
            mix(
                mix(u64::from(me.doc_case), u64::from(me.in_caps_line)),
                u64::from(me.info.case_profile),
            ),
        ));
        let left = get(-1).map_or(BEFORE_SENTENCE, |a| a.folded);
        let right = get(1).map_or(AFTER_SENTENCE, |a| a.folded);
        out.push(feature(template::BIGRAM_LEFT, mix(left, me.folded)));
        out.push(feature(template::BIGRAM_RIGHT, mix(me.folded, right)));
        let left_shape = get(-1).map_or(BEFORE_SENTENCE, |a| a.shape);
        let right_shape = get(1).map_or(AFTER_SENTENCE, |a| a.shape);
        out.push(feature(
            template::SHAPE_TRIGRAM,
            mix(mix(left_shape, me.shape), right_shape),
        ));
        out.push(feature(
            template::SENTENCE_INITIAL,
            mix(
                mix(u64::from(me.sentence_initial), u64::from(me.in_caps_line)),
                me.shape,
            ),
        ));
        out.push(feature(
            template::CLUSTER_SHAPE,
            mix(u64::from(me.info.clusters[CLUSTER_LEVELS - 1]), me.shape),
        ));
        if me.in_caps_line {
            out.push(feature(template::CAPS_LINE_WORD, me.folded));
        }
        let run_left = (1..=2)
            .take_while(|&o| get(-o).is_some_and(|a| a.capitalised))
            .count();
        let run_right = (1..=2)
            .take_while(|&o| get(o).is_some_and(|a| a.capitalised))
            .count();
        out.push(feature(
            template::PREVIOUS_CAPITALISED_RUN,
            mix(run_left as u64, u64::from(me.capitalised)),
        ));
        out.push(feature(
            template::NEXT_CAPITALISED_RUN,
            mix(run_right as u64, u64::from(me.capitalised)),
        ));
        // Gazetteer hits of this token and its neighbours.
        while gazetteer_cursor < buffer.gazetteer_hits.len()
            && (buffer.gazetteer_hits[gazetteer_cursor].0 as usize) + 1 < i
        {
            gazetteer_cursor += 1;
        }
        let mut g = gazetteer_cursor;
        while g < buffer.gazetteer_hits.len() && (buffer.gazetteer_hits[g].0 as usize) <= i + 1 {
            let (at, hit) = buffer.gazetteer_hits[g];
            let offset = at as isize - i as isize;
            if range.contains(&(at as usize)) {
                out.push(feature(
                    template::GAZETTEER + (offset + 1) as u32,
                    u64::from(hit),
                ));
                if offset == 0 {
                    out.push(feature(
                        template::GAZETTEER_SHAPE,
                        mix(u64::from(hit), me.shape),
                    ));
                }
            }
            g += 1;
        }
        done(i, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features_of(text: &str) -> (FeatureBuffer, Vec<String>) {
        let lexicon = Lexicon::default();
        let gazetteer = Gazetteer::builtin();
        let article = byline_core::Article::new("t", text);
        let mut buffer = FeatureBuffer::default();
        extract(
            text,
            article.analysis(),
            Resources {
                lexicon: &lexicon,
                gazetteer: &gazetteer,
            },
            &mut buffer,
        );
        let words = article
            .analysis()
            .tokens
            .iter()
            .map(|t| t.text(text).to_string())
            .collect();
        (buffer, words)
    }

    #[test]
    fn every_token_gets_features() {
        let (buffer, words) =
            features_of("Gov. Tim Walz visited Qatar's capital.\nSecond line here.");
        assert_eq!(buffer.token_count(), words.len());
        for (i, word) in words.iter().enumerate() {
            assert!(buffer.of(i).len() > 20, "{word}: {}", buffer.of(i).len());
        }
    }

    #[test]
    fn same_word_in_same_context_has_same_features() {
        let (buffer, words) = features_of("Walz met Walz met Walz");
        assert_eq!(words[2], "Walz");
        assert_eq!(buffer.of(2), buffer.of(2));
        assert_ne!(buffer.of(0), buffer.of(2), "sentence position must differ");
        // The middle "met" tokens see the same ±2 window except the sentence edges.
        assert_ne!(buffer.of(1), buffer.of(3));
    }

    #[test]
    fn headline_case_depends_on_the_body() {
        let (a, _) = features_of("JAPAN WIN\n\nJapan played well and will win again.");
        let (b, _) = features_of("JAPAN WIN\n\nThey played well and will go again.");
        assert_ne!(
            a.of(0),
            b.of(0),
            "body capitalisation of Japan must show in the headline"
        );
    }

    #[test]
    fn gazetteer_hits_become_features() {
        let (with_city, _) = features_of("in Kabul today");
        let (without, _) = features_of("in Kaboo today");
        assert!(with_city.of(1).len() > without.of(1).len());
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let huge = "x".repeat(100_000);
        for text in [
            "",
            "   ",
            "...!!!",
            "東京で会議",
            "Москва и Киев",
            huge.as_str(),
            "\u{301}\u{301}",
        ] {
            let (buffer, words) = features_of(text);
            assert_eq!(buffer.token_count(), words.len());
        }
    }
}
