//! Tense of the clause around an expression, from the nearest verb-like cue: it decides
//! whether a bare "Tuesday" or "March" lies before or after the publication date.

use crate::anchor::Direction;
use crate::words::Word;

/// How far (in words) to look for a tense cue on either side.
const WINDOW: usize = 12;

const FUTURE: &[&str] = &[
    "will",
    "'ll",
    "’ll",
    "shall",
    "wo",
    "expected",
    "expects",
    "expect",
    "scheduled",
    "slated",
    "plans",
    "plan",
    "planned",
    "planning",
    "intends",
    "upcoming",
    "tomorrow",
    "aims",
    "hopes",
    "would",
    "might",
    "may",
    "could",
    "soon",
];

const PAST: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "said",
    "told",
    "went",
    "came",
    "made",
    "took",
    "gave",
    "began",
    "fell",
    "rose",
    "won",
    "lost",
    "met",
    "sold",
    "bought",
    "left",
    "found",
    "held",
    "saw",
    "became",
    "got",
    "knew",
    "thought",
    "ran",
    "brought",
    "paid",
    "spent",
    "wrote",
    "spoke",
    "led",
    "sent",
    "struck",
    "broke",
    "shot",
    "fought",
    "flew",
    "grew",
    "drew",
    "chose",
    "stood",
    "fled",
    "ago",
    "last",
    "yesterday",
    "earlier",
    "since",
    "former",
    "previous",
    "been",
    "quit",
    "hit",
    "cut",
    "put",
    "kept",
    "felt",
    "heard",
    "meant",
    "ended",
];

/// "-ed" words that look ahead rather than back.
const ED_NOT_PAST: &[&str] = &[
    "expected",
    "scheduled",
    "planned",
    "proposed",
    "slated",
    "needed",
    "red",
    "bed",
    "fed",
    "shed",
    "hundred",
    "related",
    "based",
    "united",
    "limited",
    "interested",
    "concerned",
];

/// The resolution direction for the expression spanning words `first..=last`.
pub(crate) fn direction(words: &[Word<'_>], first: usize, last: usize) -> Direction {
    let left = (first.saturating_sub(WINDOW)..first).rev();
    let right = last + 1..words.len().min(last + 1 + WINDOW);
    let mut best: Option<(usize, Direction)> = None;
    // A possessive ("Wednesday's ruling") names something that already happened.
    if words.get(last + 1).is_some_and(|w| w.is_any(&["'s", "’s"])) {
        return Direction::Backward;
    }
    for (distance, i) in left.enumerate() {
        if let Some(d) = cue(words, i) {
            best = Some((distance, d));
            break;
        }
    }
    // The verb before an expression governs it more often than one after it.
    for (distance, i) in right.enumerate() {
        let distance = distance + 2;
        if best.is_some_and(|(b, _)| b <= distance) {
            break;
        }
        if let Some(d) = cue(words, i) {
            best = Some((distance, d));
            break;
        }
    }
    best.map_or(Direction::Nearest, |(_, d)| d)
}

/// Words before an infinitive that make it an arrangement: "set to resume", "is to meet".
const ARRANGED: &[&str] = &[
    "set", "is", "are", "due", "going", "poised", "ready", "about",
];

fn cue(words: &[Word<'_>], i: usize) -> Option<Direction> {
    let word = &words[i];
    if word.is("to") && i > 0 && words[i - 1].is_any(ARRANGED) {
        return Some(Direction::Forward);
    }
    if word.is_any(FUTURE) {
        return Some(Direction::Forward);
    }
    if word.is_any(PAST) {
        return Some(Direction::Backward);
    }
    let text = word.text;
    let lower_ed = text.len() > 4 && (text.ends_with("ed") || text.ends_with("ED"));
    if lower_ed && !word.is_any(ED_NOT_PAST) && !word.starts_upper() {
        return Some(Direction::Backward);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::sentence_words;

    fn direction_of(text: &str, target: &str) -> Direction {
        let article = byline_core::Article::new("t", text);
        let words = sentence_words(text, &article.analysis().tokens);
        let at = words
            .iter()
            .position(|w| w.text == target)
            .unwrap_or_else(|| panic!("{target} not in {text}"));
        direction(&words, at, at)
    }

    #[test]
    fn past_and_future_cues() {
        assert_eq!(
            direction_of("The minister said Friday that talks failed.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of("Talks will resume Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("Police arrested him Friday.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of("The vote is expected on Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("Friday is a holiday.", "Friday"),
            Direction::Nearest
        );
    }
}
