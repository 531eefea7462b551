//! Builds a [`Lexicon`] from unlabelled text: word clusters by spherical k-means over
//! each word's left and right neighbours (a cheap stand-in for Brown clusters: words
//! that occur in the same contexts, such as surnames after "Mr." or cities after "in",
//! land together), at three granularities, plus each word's case profile.
//!
//! Deterministic: no randomness, ties broken by word frequency order.

use std::collections::HashMap;

use byline_core::{Article, TokenKind};

use crate::feature_hash;
use crate::lexicon::{CLUSTER_LEVELS, HashKeyed, Lexicon, WordInfo};

/// How to build the lexicon.
#[derive(Debug, Clone)]
pub struct LexiconOptions {
    /// Words seen fewer times are not clustered.
    pub min_count: u32,
    /// The most frequent words serve as the context vocabulary.
    pub context_words: usize,
    /// Cluster counts, coarse to fine.
    pub cluster_counts: [usize; CLUSTER_LEVELS],
    pub iterations: usize,
}

impl Default for LexiconOptions {
    fn default() -> LexiconOptions {
        LexiconOptions {
            min_count: 3,
            context_words: 1500,
            cluster_counts: [64, 256, 1024],
            iterations: 12,
        }
    }
}

#[derive(Default)]
struct WordStats {
    count: u32,
    capitalised: u32,
    lower: u32,
    contexts: HashMap<u32, f32>,
}

const SENTENCE_EDGE: u64 = 0x5e57_ed6e;

/// Builds the lexicon from `texts`.
pub fn build(texts: &[String], options: &LexiconOptions) -> Lexicon {
    // Pass 1: frequencies, to choose the words and the context vocabulary.
    let mut sentences: Vec<Vec<(u64, CaseKind)>> = Vec::new();
    let mut counts: HashKeyed<u32> = HashKeyed::default();
    for text in texts {
        let article = Article::new("lexicon", text.as_str());
        let analysis = article.analysis();
        for sentence in &analysis.sentences {
            let tokens = &analysis.tokens[sentence.tokens.clone()];
            let letters: Vec<&str> = tokens
                .iter()
                .map(|t| t.text(text))
                .filter(|s| s.chars().any(char::is_alphabetic))
                .collect();
            let shouted = letters
                .iter()
                .filter(|s| !s.chars().any(char::is_lowercase))
                .count()
                * 10
                >= letters.len() * 7;
            let mut words = Vec::with_capacity(tokens.len());
            for (i, t) in tokens.iter().enumerate() {
                let s = t.text(text);
                let key = feature_hash::folded(s);
                *counts.entry(key).or_default() += 1;
                let case = if shouted || i == 0 || t.kind != TokenKind::Word {
                    CaseKind::Unknown
                } else if s.starts_with(char::is_uppercase) {
                    CaseKind::Capitalised
                } else if s.chars().any(char::is_lowercase) {
                    CaseKind::Lower
                } else {
                    CaseKind::Unknown
                };
                words.push((key, case));
            }
            sentences.push(words);
        }
    }
    let mut by_frequency: Vec<(u64, u32)> = counts.iter().map(|(k, c)| (*k, *c)).collect();
    by_frequency.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let context_ids: HashKeyed<u32> = by_frequency
        .iter()
        .take(options.context_words)
        .enumerate()
        .map(|(i, (k, _))| (*k, i as u32 + 1))
        .collect();
    let dims = 2 * (options.context_words + 1);
    let context_of = |key: u64| -> u32 {
        if key == SENTENCE_EDGE {
            0
        } else {
            context_ids.get(&key).copied().unwrap_or(u32::MAX)
        }
    };

    // Pass 2: neighbours and case of the words worth keeping.
    let mut stats: HashKeyed<WordStats> = HashKeyed::default();
    for sentence in &sentences {
        for (i, &(key, case)) in sentence.iter().enumerate() {
            if counts.get(&key).copied().unwrap_or(0) < options.min_count {
                continue;
            }
            let entry = stats.entry(key).or_default();
            entry.count += 1;
            match case {
                CaseKind::Capitalised => entry.capitalised += 1,
                CaseKind::Lower => entry.lower += 1,
                CaseKind::Unknown => {}
            }
            let left = if i == 0 {
                SENTENCE_EDGE
            } else {
                sentence[i - 1].0
            };
            let right = sentence.get(i + 1).map_or(SENTENCE_EDGE, |w| w.0);
            let l = context_of(left);
            if l != u32::MAX {
                *entry.contexts.entry(l).or_default() += 1.0;
            }
            let r = context_of(right);
            if r != u32::MAX {
                *entry
                    .contexts
                    .entry(r + options.context_words as u32 + 1)
                    .or_default() += 1.0;
            }
        }
    }
    let mut keys: Vec<u64> = stats.keys().copied().collect();
    keys.sort_by(|a, b| counts[b].cmp(&counts[a]).then(a.cmp(b)));
    let vectors: Vec<Vec<(u32, f32)>> = keys
        .iter()
        .map(|k| {
            let mut v: Vec<(u32, f32)> = stats[k]
                .contexts
                .iter()
                .map(|(d, c)| (*d, c.sqrt()))
                .collect();
            v.sort_by_key(|(d, _)| *d);
            let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt().max(1e-6);
            for (_, x) in &mut v {
                *x /= norm;
            }
            v
        })
        .collect();
    tracing::info!(words = keys.len(), dims, "clustering");

    let mut lexicon = Lexicon::default();
    let assignments: Vec<Vec<u16>> = options
        .cluster_counts
        .iter()
        .map(|&k| spherical_kmeans(&vectors, dims, k, options.iterations))
        .collect();
    for (w, key) in keys.iter().enumerate() {
        let s = &stats[key];
        let mut clusters = [0u16; CLUSTER_LEVELS];
        for level in 0..CLUSTER_LEVELS {
            clusters[level] = assignments[level][w] + 1;
        }
        lexicon.insert(
            *key,
            WordInfo {
                clusters,
                case_profile: case_profile(s.capitalised, s.lower),
            },
        );
    }
    lexicon
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseKind {
    Capitalised,
    Lower,
    Unknown,
}

/// 0 for too little evidence, else 1 (always lower case) to 5 (always capitalised).
fn case_profile(capitalised: u32, lower: u32) -> u8 {
    let total = capitalised + lower;
    if total < 2 {
        return 0;
    }
    let share = f64::from(capitalised) / f64::from(total);
    match share {
        s if s < 0.05 => 1,
        s if s < 0.35 => 2,
        s if s < 0.65 => 3,
        s if s < 0.95 => 4,
        _ => 5,
    }
}

/// Spherical k-means over unit-length sparse vectors; returns each vector's cluster.
/// Seeds are spread evenly over the vectors in the order given (by frequency).
fn spherical_kmeans(
    vectors: &[Vec<(u32, f32)>],
    dims: usize,
    k: usize,
    iterations: usize,
) -> Vec<u16> {
    let n = vectors.len();
    let k = k.min(n).clamp(1, usize::from(u16::MAX));
    // Centroids stored dimension-major, so a sparse dot product with all centroids is a
    // run of contiguous multiply-adds.
    let mut centroids = vec![0.0f32; dims * k];
    for c in 0..k {
        for &(d, x) in &vectors[c * n / k] {
            centroids[d as usize * k + c] = x;
        }
    }
    let mut assignment = vec![0u16; n];
    let mut scores = vec![0.0f32; k];
    for iteration in 0..iterations {
        let mut changed = 0;
        for (w, v) in vectors.iter().enumerate() {
            scores.iter_mut().for_each(|s| *s = 0.0);
            for &(d, x) in v {
                let column = &centroids[d as usize * k..(d as usize + 1) * k];
                for (s, c) in scores.iter_mut().zip(column) {
                    *s += x * c;
                }
            }
            let mut best = 0;
            for c in 1..k {
                if scores[c] > scores[best] {
                    best = c;
                }
            }
            if assignment[w] != best as u16 || iteration == 0 {
                changed += 1;
            }
            assignment[w] = best as u16;
        }
        centroids.iter_mut().for_each(|x| *x = 0.0);
        for (w, v) in vectors.iter().enumerate() {
            let c = assignment[w] as usize;
            for &(d, x) in v {
                centroids[d as usize * k + c] += x;
            }
        }
        let mut norms = vec![0.0f32; k];
        for d in 0..dims {
            for c in 0..k {
                norms[c] += centroids[d * k + c] * centroids[d * k + c];
            }
        }
        for d in 0..dims {
            for c in 0..k {
                centroids[d * k + c] /= norms[c].sqrt().max(1e-6);
            }
        }
        tracing::debug!(k, iteration, changed, "k-means");
        if changed == 0 {
            break;
        }
    }
    assignment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_clusters() {
        let mut texts = Vec::new();
        for name in ["Smith", "Jones", "Brown", "Taylor"] {
            for _ in 0..5 {
                texts.push(format!("Mr. {name} said on Monday that prices rose."));
            }
        }
        for city in ["Paris", "Berlin", "Madrid", "Rome"] {
            for _ in 0..5 {
                texts.push(format!("The talks in {city} ended quickly ."));
            }
        }
        let options = LexiconOptions {
            min_count: 3,
            context_words: 50,
            cluster_counts: [2, 4, 8],
            iterations: 10,
        };
        let lexicon = build(&texts, &options);
        let cluster = |w: &str| lexicon.get(feature_hash::folded(w)).clusters[2];
        assert_eq!(cluster("Smith"), cluster("Jones"));
        assert_eq!(cluster("Paris"), cluster("Rome"));
        assert_ne!(cluster("Smith"), cluster("Paris"));
        assert_ne!(cluster("Smith"), 0);
        assert_eq!(lexicon.get(feature_hash::folded("Taylor")).case_profile, 5);
        assert_eq!(lexicon.get(feature_hash::folded("prices")).case_profile, 1);
    }

    #[test]
    fn case_profiles() {
        assert_eq!(case_profile(0, 1), 0);
        assert_eq!(case_profile(0, 50), 1);
        assert_eq!(case_profile(50, 0), 5);
        assert_eq!(case_profile(25, 25), 3);
    }
}
