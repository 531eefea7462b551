//! Lists of names that are public facts (countries, cities, regions, demonyms, well-known
//! organisations, given names, titles), matched case-insensitively over the token stream.
//! A match is only a hint: the tagger learns how much to trust each list in each context
//! ("US" the country against "us" the pronoun is settled by the shape features).

use byline_core::Token;

use crate::binary_format::{ByteReader, ByteWriter, FormatError};
use crate::feature_hash;
use crate::lexicon::HashKeyed;

/// The built-in lists, in list-id order. Their text is compiled in so that training needs
/// nothing outside the repository.
pub const BUILTIN_LISTS: &[(&str, &str)] = &[
    (
        "countries",
        include_str!("../model/gazetteers/countries.txt"),
    ),
    ("regions", include_str!("../model/gazetteers/regions.txt")),
    ("cities", include_str!("../model/gazetteers/cities.txt")),
    ("demonyms", include_str!("../model/gazetteers/demonyms.txt")),
    (
        "organizations",
        include_str!("../model/gazetteers/organizations.txt"),
    ),
    (
        "organization_words",
        include_str!("../model/gazetteers/organization_words.txt"),
    ),
    (
        "person_titles",
        include_str!("../model/gazetteers/person_titles.txt"),
    ),
    (
        "first_names",
        include_str!("../model/gazetteers/first_names.txt"),
    ),
    (
        "misc_names",
        include_str!("../model/gazetteers/misc_names.txt"),
    ),
];

/// Marks a phrase that is only the beginning of longer entries.
const PREFIX_ONLY: u32 = 1 << 31;

/// Lists are bits 0..31 of a phrase's entry; bit 31 is [`PREFIX_ONLY`].
const MAX_LISTS: u8 = 31;

/// Longest phrase, in tokens, that a list entry may have.
pub const MAX_PHRASE_TOKENS: usize = 6;

/// Phrase hash → bit set of the lists that contain the phrase.
#[derive(Default)]
pub struct Gazetteer {
    phrases: HashKeyed<u32>,
    longest: usize,
}

/// One list match over a token range, reported per token by [`Gazetteer::annotate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListHit {
    pub list: u8,
    /// 0 begin, 1 inside, 2 last, 3 unit (the BILOU positions).
    pub position: u8,
}

impl Gazetteer {
    /// The gazetteer of [`BUILTIN_LISTS`], tokenized with the shared tokenizer so that
    /// entries meet the text the way the tagger sees it.
    pub fn builtin() -> Gazetteer {
        let mut gazetteer = Gazetteer::default();
        for (list, (_, source)) in BUILTIN_LISTS.iter().enumerate() {
            for line in source.lines() {
                let entry = line.trim();
                if entry.is_empty() || entry.starts_with('#') {
                    continue;
                }
                gazetteer.add(list, entry);
            }
        }
        gazetteer
    }

    fn add(&mut self, list: usize, entry: &str) {
        let article = byline_core::Article::new("gazetteer", entry);
        let tokens = &article.analysis().tokens;
        if tokens.is_empty() || tokens.len() > MAX_PHRASE_TOKENS || list >= usize::from(MAX_LISTS) {
            return;
        }
        let mut state = feature_hash::PhraseHasher::new();
        for (i, t) in tokens.iter().enumerate() {
            state.push(feature_hash::folded(t.text(entry)));
            let lists = self.phrases.entry(state.finish()).or_default();
            if i + 1 == tokens.len() {
                *lists |= 1 << list;
            } else {
                *lists |= PREFIX_ONLY;
            }
        }
        self.longest = self.longest.max(tokens.len());
    }

    /// Calls `hit(token_index, ListHit)` for every token inside a list phrase. `folded` holds
    /// the folded hash of each token of `tokens`.
    pub fn annotate(&self, tokens: &[Token], folded: &[u64], mut hit: impl FnMut(usize, ListHit)) {
        if self.phrases.is_empty() {
            return;
        }
        for start in 0..tokens.len() {
            let mut state = feature_hash::PhraseHasher::new();
            for len in 1..=self.longest.min(tokens.len() - start) {
                state.push(folded[start + len - 1]);
                let Some(&lists) = self.phrases.get(&state.finish()) else {
                    // No entry starts with these words: no longer one will either.
                    break;
                };
                for list in 0..MAX_LISTS {
                    if lists & (1 << list) == 0 {
                        continue;
                    }
                    for offset in 0..len {
                        let position = match (offset, len) {
                            (_, 1) => 3,
                            (0, _) => 0,
                            (o, l) if o + 1 == l => 2,
                            _ => 1,
                        };
                        hit(start + offset, ListHit { list, position });
                    }
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.phrases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    pub fn write(&self, out: &mut ByteWriter) {
        let mut entries: Vec<_> = self.phrases.iter().collect();
        entries.sort_by_key(|(k, _)| **k);
        out.u32(self.longest as u32);
        out.u64(entries.len() as u64);
        for (key, lists) in entries {
            out.u64(*key);
            out.u32(*lists);
        }
    }

    pub fn read(input: &mut ByteReader<'_>) -> Result<Gazetteer, FormatError> {
        let longest = input.u32()? as usize;
        if longest > MAX_PHRASE_TOKENS {
            return Err(FormatError::Invalid(format!(
                "gazetteer phrase length {longest}"
            )));
        }
        let n = input.len(12)?;
        let mut phrases = HashKeyed::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let key = input.u64()?;
            phrases.insert(key, input.u32()?);
        }
        Ok(Gazetteer { phrases, longest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(gazetteer: &Gazetteer, text: &str) -> Vec<(String, &'static str, u8)> {
        let article = byline_core::Article::new("t", text);
        let tokens = &article.analysis().tokens;
        let folded: Vec<u64> = tokens
            .iter()
            .map(|t| feature_hash::folded(t.text(text)))
            .collect();
        let mut out = Vec::new();
        gazetteer.annotate(tokens, &folded, |i, h| {
            out.push((
                tokens[i].text(text).to_string(),
                BUILTIN_LISTS[h.list as usize].0,
                h.position,
            ));
        });
        out
    }

    #[test]
    fn finds_multi_token_entries_case_insensitively() {
        let g = Gazetteer::builtin();
        let found = hits(&g, "NEW YORK and Saudi Arabia's trade");
        assert!(found.contains(&("NEW".into(), "cities", 0)), "{found:?}");
        assert!(found.contains(&("YORK".into(), "cities", 2)), "{found:?}");
        assert!(
            found.contains(&("Arabia".into(), "countries", 2)),
            "{found:?}"
        );
        assert!(!found.iter().any(|(w, _, _)| w == "trade"));
    }

    #[test]
    fn round_trips() {
        let g = Gazetteer::builtin();
        let mut out = ByteWriter::default();
        g.write(&mut out);
        let read =
            Gazetteer::read(&mut ByteReader::new(&out.bytes)).expect("read the gazetteer back");
        assert_eq!(read.len(), g.len());
        assert_eq!(hits(&read, "in Kabul"), hits(&g, "in Kabul"));
    }
}
