//! What unlabelled news text says about a word: its distributional clusters (words used in
//! similar contexts share a cluster, so an unseen name inherits what the tagger learned
//! about its neighbours) and its case profile (how often it is capitalised mid-sentence,
//! which tells a name from a common word in an ALL-CAPS headline).
//!
//! Keyed by the folded word hash ([`crate::feature_hash::folded`]); built by
//! `lexicon_builder` and stored inside the model file.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::binary_format::{ByteReader, ByteWriter, FormatError};

/// Number of cluster granularities (coarse to fine).
pub const CLUSTER_LEVELS: usize = 3;

/// What the lexicon knows about one word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordInfo {
    /// Cluster id per granularity, 0 when the word was too rare to cluster.
    pub clusters: [u16; CLUSTER_LEVELS],
    /// 0 unknown, then 1 (always lower case mid-sentence) to 5 (always capitalised).
    pub case_profile: u8,
}

/// Keys are already well-mixed 64-bit hashes: hashing them again would only cost time.
#[derive(Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = crate::feature_hash::finish(value);
    }
}

pub type HashKeyed<V> = HashMap<u64, V, BuildHasherDefault<PassThroughHasher>>;

/// Word information by folded word hash.
#[derive(Default)]
pub struct Lexicon {
    words: HashKeyed<WordInfo>,
}

impl Lexicon {
    pub fn insert(&mut self, folded_hash: u64, info: WordInfo) {
        self.words.insert(folded_hash, info);
    }

    #[inline]
    pub fn get(&self, folded_hash: u64) -> WordInfo {
        self.words.get(&folded_hash).copied().unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn write(&self, out: &mut ByteWriter) {
        let mut keys: Vec<_> = self.words.iter().collect();
        keys.sort_by_key(|(k, _)| **k);
        out.u64(keys.len() as u64);
        for (key, info) in keys {
            out.u64(*key);
            for c in info.clusters {
                out.u16(c);
            }
            out.u8(info.case_profile);
        }
    }

    pub fn read(input: &mut ByteReader<'_>) -> Result<Lexicon, FormatError> {
        let n = input.len(8 + 2 * CLUSTER_LEVELS + 1)?;
        let mut words = HashKeyed::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let key = input.u64()?;
            let mut clusters = [0; CLUSTER_LEVELS];
            for c in &mut clusters {
                *c = input.u16()?;
            }
            let case_profile = input.u8()?;
            words.insert(
                key,
                WordInfo {
                    clusters,
                    case_profile,
                },
            );
        }
        Ok(Lexicon { words })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature_hash::folded;

    #[test]
    fn round_trips_and_misses_are_default() {
        let mut lexicon = Lexicon::default();
        let info = WordInfo {
            clusters: [3, 40, 500],
            case_profile: 5,
        };
        lexicon.insert(folded("Kabul"), info);
        let mut out = ByteWriter::default();
        lexicon.write(&mut out);
        let read = Lexicon::read(&mut ByteReader::new(&out.bytes)).expect("read the lexicon back");
        assert_eq!(read.get(folded("KABUL")), info);
        assert_eq!(read.get(folded("Herat")), WordInfo::default());
    }
}
