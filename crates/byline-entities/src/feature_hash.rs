//! Stable 64-bit hashing of words and feature ids. The model stores weights by feature
//! hash, so these functions are part of the model format: changing them invalidates every
//! trained model (bump `model::FORMAT_VERSION`). std's hasher is not stable across
//! releases, hence our own.

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// Combines a running hash with one more value.
#[inline]
pub fn mix(hash: u64, value: u64) -> u64 {
    let h = (hash ^ value).wrapping_mul(MULTIPLIER);
    h ^ (h >> 29)
}

/// A feature id from its template number and a value hash.
#[inline]
pub fn feature(template: u32, value: u64) -> u64 {
    finish(mix(mix(SEED, u64::from(template)), value))
}

/// Final avalanche so that the low bits (used as the bucket) depend on every input bit.
#[inline]
pub fn finish(hash: u64) -> u64 {
    let mut h = hash;
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a word as written.
#[inline]
pub fn word(text: &str) -> u64 {
    let mut h = SEED;
    for c in text.chars() {
        h = mix(h, u64::from(c));
    }
    h
}

/// The hash of a word folded for matching: lower-cased, every digit read as `0`, curly
/// quotes and apostrophes as straight ones, so "’s" and "'s", "1996" and "2021" meet.
#[inline]
pub fn folded(text: &str) -> u64 {
    text.chars().fold(word(""), fold_into)
}

/// Adds one character, folded, to a running word hash (see [`folded`]).
#[inline]
pub fn fold_into(hash: u64, c: char) -> u64 {
    if c.is_ascii() {
        return mix(hash, u64::from(fold_char(c)));
    }
    let mut h = hash;
    for lower in c.to_lowercase() {
        h = mix(h, u64::from(fold_char(lower)));
    }
    h
}

/// One character folded: digits to `0`, curly quotes to straight ones, en and em dashes
/// to `-`, ASCII letters to lower case. Non-ASCII letters keep their case here; use
/// [`fold_into`] for the full folding.
#[inline]
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            '0'
        } else {
            c.to_ascii_lowercase()
        };
    }
    match c {
        '’' | '‘' | 'ʼ' | '′' => '\'',
        '“' | '”' | '„' | '«' | '»' | '″' => '"',
        '–' | '—' => '-',
        _ if c.is_numeric() => '0',
        _ => c,
    }
}

/// Hashes a phrase from the folded hashes of its words.
pub fn phrase(word_hashes: impl IntoIterator<Item = u64>) -> u64 {
    let mut state = PhraseHasher::new();
    for w in word_hashes {
        state.push(w);
    }
    state.finish()
}

/// Hashes a phrase one word at a time, so every prefix can be looked up on the way.
#[derive(Debug, Clone, Copy)]
pub struct PhraseHasher(u64);

impl PhraseHasher {
    pub fn new() -> PhraseHasher {
        PhraseHasher(SEED ^ 0x5bd1_e995)
    }

    #[inline]
    pub fn push(&mut self, word_hash: u64) {
        self.0 = mix(self.0, word_hash);
    }

    #[inline]
    pub fn finish(&self) -> u64 {
        finish(self.0)
    }
}

impl Default for PhraseHasher {
    fn default() -> PhraseHasher {
        PhraseHasher::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_merges_case_digits_and_quotes() {
        assert_eq!(folded("Qatar"), folded("QATAR"));
        assert_eq!(folded("’s"), folded("'s"));
        assert_eq!(folded("1996"), folded("2021"));
        assert_eq!(folded("ZÜRICH"), folded("zürich"));
        assert_ne!(folded("Qatar"), folded("Qatari"));
        assert_ne!(word("Qatar"), word("QATAR"));
    }

    #[test]
    fn hashes_are_stable() {
        // Pinned: a change here silently breaks every trained model.
        assert_eq!(feature(1, word("a")), feature(1, word("a")));
        assert_ne!(feature(1, word("a")), feature(2, word("a")));
        assert_eq!(word(""), SEED);
        assert_eq!(
            mix(0, 1),
            0x9e37_79b9_7f4a_7c15 ^ (0x9e37_79b9_7f4a_7c15 >> 29)
        );
    }
}
