//! Canonical names within one article: every mention gets the name of the fullest mention
//! it refers to. "Khalilzad" → "Zalmay Khalilzad" (a person's surname or given name
//! alone points to the nearest full name with it), "UN" → "United Nations" (an acronym
//! the article spells out, in parentheses or by initials), "JAPAN" in a headline →
//! "Japan" (the body's spelling wins over capitals).
//!
//! Mentions are also trimmed of a leading title ("Gov. Tim Walz" → "Tim Walz"), which
//! is not part of a name.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use byline_core::{EntityLabel, Token, TokenKind};

use crate::gazetteer::BUILTIN_LISTS;
use crate::model::Mention;

/// Words that join an organisation's name without giving it a letter of its acronym.
const ACRONYM_SKIPPED: &[&str] = &[
    "of", "the", "for", "and", "de", "du", "des", "la", "le", "on", "&",
];

fn person_titles() -> &'static HashSet<String> {
    static TITLES: OnceLock<HashSet<String>> = OnceLock::new();
    TITLES.get_or_init(|| {
        BUILTIN_LISTS
            .iter()
            .filter(|(name, _)| *name == "person_titles")
            .flat_map(|(_, source)| source.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(' '))
            .map(|l| l.trim_end_matches('.').to_lowercase())
            .collect()
    })
}

/// Is `word` a title that precedes a name ("Gov.", "President")? Only capitalised words
/// count: "general" in "attorney general" is not a title before a name.
pub fn is_person_title(word: &str) -> bool {
    word.starts_with(char::is_uppercase)
        && person_titles().contains(&word.trim_end_matches('.').to_lowercase())
}

/// Drops leading titles from person mentions ("Gov. Tim Walz" → "Tim Walz"), keeping at
/// least one token.
pub fn trim_titles(text: &str, tokens: &[Token], mentions: &mut [Mention]) {
    for m in mentions
        .iter_mut()
        .filter(|m| m.label == EntityLabel::Person)
    {
        while m.tokens.len() > 1 && is_person_title(tokens[m.tokens.start].text(text)) {
            m.tokens.start += 1;
            m.start = tokens[m.tokens.start].start;
        }
    }
}

/// The words of a mention, lower-cased, punctuation left out.
fn words(text: &str, tokens: &[Token], mention: &Mention) -> Vec<String> {
    tokens[mention.tokens.clone()]
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
        .map(|t| t.text(text).to_lowercase())
        .collect()
}

/// The surface text of a mention with line breaks and runs of spaces read as one space.
fn surface(text: &str, mention: &Mention) -> String {
    text[mention.start..mention.end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_shouted(s: &str) -> bool {
    s.chars().any(char::is_alphabetic)
        && !s.chars().any(char::is_lowercase)
        && s.chars().filter(|c| c.is_alphabetic()).count() > 4
}

/// The letters an acronym of `words` would have ("United Nations" → "un").
fn initials(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| !ACRONYM_SKIPPED.contains(&w.as_str()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// An acronym as written, reduced to its lower-case letters ("U.S." → "us").
fn acronym_letters(s: &str) -> Option<String> {
    let letters: String = s.chars().filter(|c| *c != '.').collect();
    (letters.chars().count() >= 2
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit()))
    .then(|| letters.to_lowercase())
}

/// Mentions grouped by a key (a surname suffix, a first name), with the fullest (most
/// words) mention of every prefix and every suffix of each group precomputed, so that
/// "the fullest name before mention i" is two binary searches. Flat arrays, not a map of
/// lists: an article of capitalised words has a key for nearly every word.
struct Fullest {
    /// (key, mention), sorted.
    pairs: Vec<(usize, usize)>,
    /// `before[k]`: the fullest mention of `pairs[group start..=k]`, the latest on a tie
    /// (the nearest to what follows).
    before: Vec<usize>,
    /// `after[k]`: the fullest mention of `pairs[k..group end]`, the earliest on a tie.
    after: Vec<usize>,
}

impl Fullest {
    fn new(mut pairs: Vec<(usize, usize)>, length: impl Fn(usize) -> usize) -> Fullest {
        pairs.sort_unstable();
        pairs.dedup();
        let mut before = Vec::with_capacity(pairs.len());
        for (k, &(key, j)) in pairs.iter().enumerate() {
            let best = match k.checked_sub(1) {
                Some(p) if pairs[p].0 == key => Fullest::pick_earlier(before[p], j, &length),
                _ => j,
            };
            before.push(best);
        }
        let mut after = vec![0; pairs.len()];
        for k in (0..pairs.len()).rev() {
            let (key, j) = pairs[k];
            after[k] = match pairs.get(k + 1) {
                Some(&(next, _)) if next == key => Fullest::pick_later(after[k + 1], j, &length),
                _ => j,
            };
        }
        Fullest {
            pairs,
            before,
            after,
        }
    }

    /// The range of `pairs` with this key.
    fn group(&self, key: usize) -> std::ops::Range<usize> {
        self.pairs.partition_point(|p| p.0 < key)..self.pairs.partition_point(|p| p.0 <= key)
    }

    /// The fullest of the mentions under `key` before mention `i`.
    fn earlier(&self, key: usize, i: usize) -> Option<usize> {
        let group = self.group(key);
        let at = group.start + self.pairs[group.clone()].partition_point(|p| p.1 < i);
        (at > group.start).then(|| self.before[at - 1])
    }

    /// The fullest of the mentions under `key` after mention `i`.
    fn later(&self, key: usize, i: usize) -> Option<usize> {
        let group = self.group(key);
        let at = group.start + self.pairs[group.clone()].partition_point(|p| p.1 <= i);
        (at < group.end).then(|| self.after[at])
    }

    /// Of two earlier mentions, the fuller, or the nearer (later) one on a tie.
    fn pick_earlier(a: usize, b: usize, length: impl Fn(usize) -> usize) -> usize {
        match length(a).cmp(&length(b)) {
            std::cmp::Ordering::Greater => a,
            std::cmp::Ordering::Less => b,
            std::cmp::Ordering::Equal => a.max(b),
        }
    }

    /// Of two later mentions, the fuller, or the nearer (earlier) one on a tie.
    fn pick_later(a: usize, b: usize, length: impl Fn(usize) -> usize) -> usize {
        match length(a).cmp(&length(b)) {
            std::cmp::Ordering::Greater => a,
            std::cmp::Ordering::Less => b,
            std::cmp::Ordering::Equal => a.min(b),
        }
    }
}

/// The canonical name of every mention, in order. O(n log n) in the number of mentions,
/// whatever names they share, so a pathological article cannot stall it.
pub fn canonical_names(text: &str, tokens: &[Token], mentions: &[Mention]) -> Vec<String> {
    let word_lists: Vec<Vec<String>> = mentions.iter().map(|m| words(text, tokens, m)).collect();
    let surfaces: Vec<String> = mentions.iter().map(|m| surface(text, m)).collect();

    // The preferred spelling of each distinct mention: the first one not in capitals.
    let mut spellings: HashMap<(EntityLabel, &[String]), usize> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if !is_shouted(&surfaces[i]) {
            spellings
                .entry((m.label, word_lists[i].as_slice()))
                .or_insert(i);
        }
    }
    let spelling = |i: usize| -> String {
        let j = spellings
            .get(&(mentions[i].label, word_lists[i].as_slice()))
            .copied()
            .unwrap_or(i);
        surfaces[j].clone()
    };

    // Acronyms the article spells out ("United Nations ( UN )"), then initials of the
    // other multi-word names.
    let mut acronyms: HashMap<String, usize> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if m.label == EntityLabel::Person || word_lists[i].len() < 2 {
            continue;
        }
        let open = m.tokens.end;
        let inside = tokens.get(open + 1);
        let close = tokens.get(open + 2);
        if tokens.get(open).is_some_and(|t| t.text(text) == "(")
            && close.is_some_and(|t| t.text(text) == ")")
            && let Some(letters) = inside.and_then(|t| acronym_letters(t.text(text)))
        {
            acronyms.entry(letters).or_insert(i);
        }
    }
    for (i, m) in mentions.iter().enumerate() {
        if m.label != EntityLabel::Person && word_lists[i].len() >= 2 {
            acronyms.entry(initials(&word_lists[i])).or_insert(i);
        }
    }

    // Full names (two words or more) by each of their proper suffixes ("zalmay khalilzad"
    // under "khalilzad") and by their first word: exactly the names a shorter mention can
    // be part of (see `is_part_of_person` in the tests), found without scanning every name
    // that shares a surname, which made articles with many people of one surname
    // quadratic. Suffixes are numbered through a trie of words read from the right, so
    // that a long run of capitalised words costs one step per word, not one per suffix
    // and word.
    let mut trie: HashMap<(usize, &str), usize> = HashMap::new();
    let mut first_names: HashMap<&str, usize> = HashMap::new();
    let mut by_suffix: Vec<(usize, usize)> = Vec::new();
    let mut by_first: Vec<(usize, usize)> = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let w = &word_lists[i];
        if m.label == EntityLabel::Person && w.len() >= 2 {
            let mut node = 0;
            for word in w[1..].iter().rev() {
                let next = trie.len() + 1;
                node = *trie.entry((node, word.as_str())).or_insert(next);
                by_suffix.push((node, i));
            }
            let next = first_names.len();
            by_first.push((*first_names.entry(w[0].as_str()).or_insert(next), i));
        }
    }
    let suffix_node = |words: &[String]| {
        words
            .iter()
            .rev()
            .try_fold(0, |node, word| trie.get(&(node, word.as_str())).copied())
    };
    let length = |j: usize| word_lists[j].len();
    let by_suffix = Fullest::new(by_suffix, length);
    let by_first = Fullest::new(by_first, length);

    let mut names = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let own = &word_lists[i];
        let target = if m.label == EntityLabel::Person && !own.is_empty() {
            let lookups = [
                suffix_node(own).map(|node| (&by_suffix, node)),
                own.first()
                    .filter(|_| own.len() == 1)
                    .and_then(|first| first_names.get(first.as_str()))
                    .map(|&id| (&by_first, id)),
            ];
            // The fullest earlier name, nearest first; else the fullest later one.
            let earlier = lookups
                .iter()
                .flatten()
                .filter_map(|(index, key)| index.earlier(*key, i))
                .reduce(|a, b| Fullest::pick_earlier(a, b, length));
            earlier.or_else(|| {
                lookups
                    .iter()
                    .flatten()
                    .filter_map(|(index, key)| index.later(*key, i))
                    .reduce(|a, b| Fullest::pick_later(a, b, length))
            })
        } else if own.len() == 1 {
            acronym_letters(&surfaces[i])
                .and_then(|letters| acronyms.get(&letters).copied())
                .filter(|&j| j != i && mentions[j].label != EntityLabel::Person)
        } else {
            None
        };
        names.push(spelling(target.unwrap_or(i)));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions at the given substrings, in order.
    fn mentions(text: &str, tokens: &[Token], spans: &[(&str, EntityLabel)]) -> Vec<Mention> {
        let mut from = 0;
        spans
            .iter()
            .map(|(s, label)| {
                let start = from
                    + text[from..]
                        .find(s)
                        .unwrap_or_else(|| panic!("{s} not in text"));
                let end = start + s.len();
                from = end;
                let first = tokens.partition_point(|t| t.end <= start);
                let last = tokens.partition_point(|t| t.start < end);
                Mention {
                    tokens: first..last,
                    start,
                    end,
                    label: *label,
                }
            })
            .collect()
    }

    fn names(text: &str, spans: &[(&str, EntityLabel)]) -> Vec<String> {
        let article = byline_core::Article::new("t", text);
        let tokens = &article.analysis().tokens;
        let ms = mentions(text, tokens, spans);
        canonical_names(text, tokens, &ms)
    }

    use EntityLabel::{Location as Loc, Organization as Org, Person as Per};

    /// Does person mention `short` name part of `long`: its words are the end of `long`
    /// (surname), or its single word is the first word of `long` (given name)?
    fn is_part_of_person(short: &[String], long: &[String]) -> bool {
        if short.is_empty() || short.len() >= long.len() {
            return false;
        }
        long.ends_with(short) || (short.len() == 1 && long[0] == short[0])
    }

    /// The person names the first version computed, by scanning every full name that
    /// shares the mention's last word: right, but quadratic when many names share one.
    fn naive_person_names(word_lists: &[Vec<String>]) -> Vec<Option<usize>> {
        (0..word_lists.len())
            .map(|i| {
                let own = &word_lists[i];
                let candidates: Vec<usize> = (0..word_lists.len())
                    .filter(|&j| word_lists[j].len() >= 2 && is_part_of_person(own, &word_lists[j]))
                    .collect();
                let fullest = |range: &mut dyn Iterator<Item = usize>| {
                    let mut best: Option<usize> = None;
                    for j in range {
                        if best.is_none_or(|b| word_lists[j].len() > word_lists[b].len()) {
                            best = Some(j);
                        }
                    }
                    best
                };
                fullest(&mut candidates.iter().copied().filter(|&j| j < i).rev())
                    .or_else(|| fullest(&mut candidates.iter().copied().filter(|&j| j > i)))
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn person_names_match_the_exhaustive_search(
            people in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec!["Ann", "Bo", "Cy", "Dee"]), 1..4),
                1..40,
            )
        ) {
            let names_text: Vec<String> = people.iter().map(|p| p.join(" ")).collect();
            let text = names_text.join(" , ");
            let spans: Vec<(&str, EntityLabel)> = names_text.iter().map(|n| (n.as_str(), Per)).collect();
            let article = byline_core::Article::new("t", text.as_str());
            let tokens = &article.analysis().tokens;
            let ms = mentions(&text, tokens, &spans);
            let got = canonical_names(&text, tokens, &ms);
            let word_lists: Vec<Vec<String>> = ms.iter().map(|m| words(&text, tokens, m)).collect();
            let expected: Vec<String> = naive_person_names(&word_lists)
                .into_iter()
                .enumerate()
                .map(|(i, target)| names_text[target.unwrap_or(i)].clone())
                .collect();
            proptest::prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn many_people_sharing_a_surname_take_linear_time() {
        // 30,000 mentions of 15,000 different people named Khalid: the exhaustive search
        // took minutes here; the index takes well under a second.
        let mut text = String::new();
        let mut spans = Vec::new();
        for i in 0..15_000 {
            text.push_str(&format!("Person{i} Khalid met Khalid . "));
        }
        let article = byline_core::Article::new("t", text.as_str());
        let tokens = &article.analysis().tokens;
        for i in 0..15_000 {
            spans.push((format!("Person{i} Khalid"), Per));
            spans.push(("Khalid".to_string(), Per));
        }
        let spans: Vec<(&str, EntityLabel)> = spans.iter().map(|(s, l)| (s.as_str(), *l)).collect();
        let ms = mentions(&text, tokens, &spans);
        let started = std::time::Instant::now();
        let names = canonical_names(&text, tokens, &ms);
        assert_eq!(names[3], "Person1 Khalid");
        assert_eq!(names[29_999], "Person14999 Khalid");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn surnames_link_to_full_names() {
        let text = "Zalmay Khalilzad met Ashraf Ghani. Khalilzad said Ghani agreed.";
        assert_eq!(
            names(
                text,
                &[
                    ("Zalmay Khalilzad", Per),
                    ("Ashraf Ghani", Per),
                    ("Khalilzad", Per),
                    ("Ghani", Per)
                ]
            ),
            [
                "Zalmay Khalilzad",
                "Ashraf Ghani",
                "Zalmay Khalilzad",
                "Ashraf Ghani"
            ]
        );
    }

    #[test]
    fn nearest_full_name_wins_for_shared_surnames() {
        let text = "Bill Clinton spoke. Later Hillary Clinton arrived and Clinton left.";
        assert_eq!(
            names(
                text,
                &[
                    ("Bill Clinton", Per),
                    ("Hillary Clinton", Per),
                    ("Clinton", Per)
                ]
            )[2],
            "Hillary Clinton"
        );
    }

    #[test]
    fn labels_must_agree() {
        let text = "Jordan Peele met officials from Jordan.";
        assert_eq!(
            names(text, &[("Jordan Peele", Per), ("Jordan", Loc)])[1],
            "Jordan"
        );
    }

    #[test]
    fn acronyms_defined_or_by_initials() {
        let text = "The United Nations (UN) and the European Union said the UN and the EU agree.";
        assert_eq!(
            names(
                text,
                &[
                    ("United Nations", Org),
                    ("UN", Org),
                    ("European Union", Org),
                    ("UN", Org),
                    ("EU", Org)
                ]
            ),
            [
                "United Nations",
                "United Nations",
                "European Union",
                "United Nations",
                "European Union"
            ]
        );
    }

    #[test]
    fn headline_capitals_take_the_body_spelling() {
        let text = "JAPAN BEAT CHINA\n\nJapan won in Tokyo.";
        assert_eq!(
            names(text, &[("JAPAN", Loc), ("CHINA", Loc), ("Japan", Loc)])[0],
            "Japan"
        );
    }

    #[test]
    fn titles_are_trimmed() {
        let text = "Gov. Tim Walz and President Biden met.";
        let article = byline_core::Article::new("t", text);
        let tokens = &article.analysis().tokens;
        let mut ms = mentions(
            text,
            tokens,
            &[("Gov. Tim Walz", Per), ("President Biden", Per)],
        );
        trim_titles(text, tokens, &mut ms);
        assert_eq!(&text[ms[0].start..ms[0].end], "Tim Walz");
        assert_eq!(&text[ms[1].start..ms[1].end], "Biden");
    }

    #[test]
    fn empty_input() {
        assert!(canonical_names("", &[], &[]).is_empty());
    }
}
