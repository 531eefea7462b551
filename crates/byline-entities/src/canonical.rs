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

/// Does person mention `short` name part of `long`: its words are the end of `long`
/// (surname), or its single word is the first word of `long` (given name)?
fn is_part_of_person(short: &[String], long: &[String]) -> bool {
    if short.is_empty() || short.len() >= long.len() {
        return false;
    }
    long.ends_with(short) || (short.len() == 1 && long[0] == short[0])
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

/// The canonical name of every mention, in order. Linear in the number of mentions
/// (apart from people sharing one surname), so a pathological article cannot stall it.
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

    // Full names (two words or more) by their last and first words.
    let mut by_last: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_first: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let w = &word_lists[i];
        if m.label == EntityLabel::Person && w.len() >= 2 {
            by_last.entry(w[w.len() - 1].as_str()).or_default().push(i);
            by_first.entry(w[0].as_str()).or_default().push(i);
        }
    }

    let mut names = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let own = &word_lists[i];
        let target = if m.label == EntityLabel::Person && !own.is_empty() {
            let mut candidates: Vec<usize> = by_last
                .get(own[own.len() - 1].as_str())
                .cloned()
                .unwrap_or_default();
            if own.len() == 1 {
                candidates.extend(by_first.get(own[0].as_str()).into_iter().flatten());
            }
            candidates.retain(|&j| is_part_of_person(own, &word_lists[j]));
            candidates.sort_unstable();
            candidates.dedup();
            // The fullest earlier name, nearest first; else the fullest later one.
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
