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
    "intends",
    "upcoming",
    "tomorrow",
    "aims",
    "hopes",
    "planning",
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

/// Words ending in "-eed" that are not past forms: "succeed", "proceed", "need".
const EED_PAST: &[&str] = &["agreed", "freed", "decreed", "guaranteed", "disagreed"];

/// Prepositions that make the date right after them a deadline or a start still ahead:
/// "until Tuesday", "by February", "effective Feb. 1".
const DEADLINE: &[&str] = &["until", "till", "by", "effective"];

/// Modals after an expression lean forward only when they sit next to it: further off
/// they belong to another clause ("On April 8, police, wondering how he could ...").
const MODALS: &[&str] = &["would", "might", "may", "could"];
const MODAL_REACH: usize = 3;
/// Every modal auxiliary, "will" included: what precedes a bare verb ("will have
/// finished", "will one day lead").
pub(crate) const MODAL_AUXILIARIES: &[&str] = &[
    "would", "might", "may", "could", "can", "will", "shall", "should", "must", "'ll", "’ll",
];

/// The resolution direction for the expression spanning words `first..=last`.
pub(crate) fn direction(words: &[Word<'_>], first: usize, last: usize) -> Direction {
    let left = (first.saturating_sub(WINDOW)..first).rev();
    let right = last + 1..words.len().min(last + 1 + WINDOW);
    let mut best: Option<(usize, Direction)> = None;
    // "until 9 a.m. Tuesday", "by February": a deadline lies ahead.
    // Unless a past perfect looks back from it: "had filed by Wednesday".
    let past_perfect = words[first.saturating_sub(WINDOW)..words.len().min(last + 1 + WINDOW)]
        .iter()
        .any(|w| w.is("had"));
    if first > 0 && words[first - 1].is_any(DEADLINE) && !past_perfect {
        return Direction::Forward;
    }
    // "as soon as Tuesday", "as early as next week": the earliest of what is to come.
    if first > 2
        && words[first - 1].is("as")
        && words[first - 2].is_any(&["soon", "early"])
        && words[first - 3].is("as")
    {
        return Direction::Forward;
    }
    // A possessive ("Wednesday's ruling") names something that already happened.
    if words.get(last + 1).is_some_and(|w| w.is_any(&["'s", "’s"])) {
        return Direction::Backward;
    }
    for (distance, i) in left.enumerate() {
        if let Some(d) =
            cue(words, i).or_else(|| words[i].is_any(MODALS).then_some(Direction::Forward))
        {
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
        // A conjunction after the expression opens another clause with its own tense.
        if best.is_some() && words[i].is_any(&["and", "but", ";"]) {
            break;
        }
        if distance > MODAL_REACH && words[i].is_any(MODALS) {
            continue;
        }
        if let Some(d) =
            cue(words, i).or_else(|| words[i].is_any(MODALS).then_some(Direction::Forward))
        {
            best = Some((distance, d));
            break;
        }
    }
    if let Some((_, d)) = best {
        return d;
    }
    // Nothing near, but the expression opens the sentence: a long fronted phrase ("In
    // January, a week after the anniversary of the decision, a bombing killed ...") takes
    // the tense of the main clause's verb, however far off. Elsewhere a distant verb more
    // often belongs to another clause.
    if first <= 1 {
        let mut after = (last + 1 + WINDOW).min(words.len())..words.len();
        if let Some(d) = after.find_map(|i| cue(words, i)) {
            return d;
        }
    }
    Direction::Nearest
}

/// A past perfect right before word `i` ("had been due to", "had been scheduled"): the
/// arrangement it names was made, and usually ran out, before the article.
fn after_past_perfect(words: &[Word<'_>], i: usize) -> bool {
    let is =
        |at: Option<usize>, word: &str| at.and_then(|at| words.get(at)).is_some_and(|w| w.is(word));
    is(i.checked_sub(1), "had") || (is(i.checked_sub(1), "been") && is(i.checked_sub(2), "had"))
}

/// Words before an infinitive that make it an arrangement: "set to resume", "is to meet".
const ARRANGED: &[&str] = &[
    "set", "is", "are", "due", "going", "poised", "ready", "about",
];

fn cue(words: &[Word<'_>], i: usize) -> Option<Direction> {
    let word = &words[i];
    if word.is("to") && i > 0 && words[i - 1].is_any(ARRANGED) {
        if after_past_perfect(words, i - 1) {
            return Some(Direction::Backward);
        }
        return Some(Direction::Forward);
    }
    // "the record high set on Aug. 6": a participle placed in time, not "set to" or
    // "set for" an arrangement.
    if word.is("set")
        && words.get(i + 1).is_some_and(|w| w.is_any(&["on", "in"]))
        && !(i > 0 && words[i - 1].is_any(&["is", "are", "be", "will"]))
    {
        return Some(Direction::Backward);
    }
    // "plan to", "planned a rally": forward; the noun ("the plan", "its plans") says
    // nothing about time.
    if word.is_any(&["plan", "plans"]) {
        return words
            .get(i + 1)
            .is_some_and(|w| w.is("to"))
            .then_some(Direction::Forward);
    }
    // "protesters planned a rally", but not "the hastily planned trip".
    if word.is("planned") {
        let adjective = i > 0
            && (words[i - 1].lower().ends_with("ly")
                || words[i - 1].is_any(&["the", "a", "an", "its", "his", "her", "their"]));
        return (!adjective).then_some(Direction::Forward);
    }
    // A participle after a present or bare "be" is a passive, not a past tense: "would be
    // paid in January", "is heard in May". The auxiliary before it decides.
    let passive = i > 0 && words[i - 1].is_any(&["be", "being", "is", "are", "am"]);
    // After a determiner or a degree word an "-ed" word is an adjective: "a still
    // unspecified date", "the planned merger".
    let adjective = i > 0
        && words[i - 1].is_any(&[
            "a", "an", "the", "still", "very", "newly", "so", "its", "their", "his", "her", "our",
        ]);
    // A present perfect ("prices have come down from mid-October") looks back; "have to"
    // is an obligation and "will have" a future perfect.
    if word.is_any(&["has", "have", "'ve", "’ve"])
        && words.get(i + 1).is_some_and(|w| {
            !w.is_any(&["to", "a", "an", "the", "no", "not", "n't", "’t"]) && w.lex.is_none()
        })
        && !(i > 0 && words[i - 1].is_any(MODAL_AUXILIARIES))
    {
        return Some(Direction::Backward);
    }
    if word.is_any(FUTURE) {
        if after_past_perfect(words, i) {
            return Some(Direction::Backward);
        }
        return Some(Direction::Forward);
    }
    if word.is_any(PAST) && !passive {
        return Some(Direction::Backward);
    }
    let text = word.text;
    let lower_ed = text.len() > 4 && (text.ends_with("ed") || text.ends_with("ED"));
    let eed = text.ends_with("eed") && !word.is_any(EED_PAST);
    if lower_ed
        && !eed
        && !passive
        && !adjective
        && !word.is_any(ED_NOT_PAST)
        && !word.starts_upper()
    {
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
            direction_of("Smith will succeed him Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("The board extended the deadline until Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of(
                "It would be paid on an unspecified date in January.",
                "January"
            ),
            Direction::Forward
        );
        assert_eq!(
            direction_of("Protesters planned a rally on Saturday.", "Saturday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("The thrift announced the plan Friday.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of("He could come as early as Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("Few had filed reports by Friday.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of("The offer had been due to expire Friday.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of(
                "The bid had been scheduled to expire at midnight Friday.",
                "Friday"
            ),
            Direction::Backward
        );
        assert_eq!(
            direction_of("Prices have come down since October.", "October"),
            Direction::Backward
        );
        assert_eq!(
            direction_of("They will have finished by October.", "October"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("The offer is due to expire Friday.", "Friday"),
            Direction::Forward
        );
        assert_eq!(
            direction_of("Stocks were close to the record set on Friday.", "Friday"),
            Direction::Backward
        );
        assert_eq!(
            direction_of(
                "In January, a week after the tenth anniversary of the founding of the town \
                 council, a storm in the northern hills of the province destroyed a bridge.",
                "January"
            ),
            Direction::Backward
        );
        assert_eq!(
            direction_of("Friday is a holiday.", "Friday"),
            Direction::Nearest
        );
    }
}
