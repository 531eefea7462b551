//! The grammars: small hand-written parsers that start at a word near a trigger, grow the
//! span the TempEval-3 way (determiners and modifiers in, leading prepositions out) and
//! compute the TIMEX3 value.
//!
//! The driver walks a sentence's words; wherever a trigger is close ahead it tries every
//! rule (wrapped in the shared modifier prefixes) and keeps the longest match.

mod calendar;
mod clock;
mod durations;
mod relative;
mod sets;

use byline_core::{Analysis, Timex, TimexType};
use chrono::NaiveDate;

use crate::anchor::{Anchor, Direction};
use crate::lexicon::{Lex, Triggers};
use crate::tense;
use crate::words::{Word, sentence_words};

/// One expression a rule recognised: words `first..=last` of the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub first: usize,
    pub last: usize,
    pub kind: TimexType,
    pub value: String,
    pub modifier: Option<&'static str>,
}

impl Found {
    pub(crate) fn new(
        first: usize,
        last: usize,
        kind: TimexType,
        value: impl Into<String>,
    ) -> Found {
        Found {
            first,
            last,
            kind,
            value: value.into(),
            modifier: None,
        }
    }

    pub(crate) fn date(first: usize, last: usize, value: impl Into<String>) -> Found {
        Found::new(first, last, TimexType::Date, value)
    }

    /// The end of the period: "year-end".
    pub(crate) fn ending(mut self) -> Found {
        self.modifier = Some("END");
        self
    }
}

/// What rules can see: the sentence, the anchor and what the article said so far.
pub(crate) struct Context<'a, 't> {
    pub words: &'a [Word<'t>],
    pub anchor: Anchor,
    /// The last day the narrative moved to ("the next day" counts from it); the DCT at first.
    pub reference: Option<NaiveDate>,
    /// The last quarter the article named, as (year, quarter): financial news compares
    /// "a year earlier" against it.
    pub quarter: Option<(i32, u32)>,
    /// The year of the last expression that named one ("that year", "the following
    /// year" count from it).
    pub reference_year: Option<i32>,
    /// The month of the last expression that named one, as (year, month): "the following
    /// month" and "that month" count from it.
    pub reference_month: Option<(i32, u32)>,
    /// The day of the last day-level expression in this sentence ("Friday at 3 p.m.").
    pub sentence_day: Option<String>,
    /// Which words stand inside quotation marks: quoted speech counts from the DCT, not
    /// from the narrative's day.
    pub quoted: &'a [bool],
}

/// What the article has said so far, carried from sentence to sentence.
#[derive(Debug, Clone, Copy)]
struct Narrative {
    day: Option<NaiveDate>,
    year: Option<i32>,
    month: Option<(i32, u32)>,
    quarter: Option<(i32, u32)>,
    /// The paragraph of a quotation opened and not yet closed.
    quote_open: Option<usize>,
}

/// Marks the words inside quotation marks, continuing a quotation opened in an earlier
/// sentence of the same paragraph.
fn quoted_words(words: &[Word<'_>], open: &mut bool) -> Vec<bool> {
    words
        .iter()
        .map(|w| {
            match w.text {
                "“" | "«" | "``" | "„" => *open = true,
                "”" | "»" | "''" => {
                    *open = false;
                    return true;
                }
                "\"" => {
                    *open = !*open;
                    return true;
                }
                _ => {}
            }
            *open
        })
        .collect()
}

impl<'t> Context<'_, 't> {
    pub(crate) fn word(&self, i: usize) -> Option<&Word<'t>> {
        self.words.get(i)
    }

    /// The day "the next day" or "two days later" at word `i` counts from.
    pub(crate) fn reference_at(&self, i: usize) -> Option<NaiveDate> {
        if self.quoted.get(i).copied().unwrap_or(false) {
            self.anchor.dct
        } else {
            self.reference
        }
    }

    pub(crate) fn is(&self, i: usize, lower: &str) -> bool {
        self.words.get(i).is_some_and(|w| w.is(lower))
    }

    pub(crate) fn is_any(&self, i: usize, lowers: &[&str]) -> bool {
        self.words.get(i).is_some_and(|w| w.is_any(lowers))
    }

    pub(crate) fn lex(&self, i: usize) -> Option<Lex> {
        self.words.get(i).and_then(|w| w.lex)
    }

    /// Resolution direction for the words `first..=last` from the tense around them.
    pub(crate) fn direction(&self, first: usize, last: usize) -> Direction {
        tense::direction(self.words, first, last)
    }

    /// Does the sentence talk about fiscal quarters?
    pub(crate) fn mentions_quarter(&self) -> bool {
        self.words.iter().any(|w| {
            matches!(
                w.lex,
                Some(Lex::Unit {
                    unit: crate::lexicon::Unit::Quarter,
                    ..
                })
            )
        })
    }
}

type Rule = fn(&Context<'_, '_>, usize) -> Option<Found>;

const RULES: &[Rule] = &[
    calendar::month_date,
    calendar::numeric_date,
    calendar::year,
    calendar::decade,
    calendar::century,
    calendar::holiday,
    calendar::season,
    calendar::ordinal_part,
    relative::relative_day,
    relative::weekday,
    relative::part_then_day,
    relative::this_last_next,
    relative::ago,
    relative::reference,
    relative::comparable_period,
    relative::week_of,
    durations::duration,
    clock::time,
    sets::set_expression,
];

/// Words before a core expression that say how exact it is.
const APPROXIMATORS: &[(&[&str], &str)] = &[
    (&["about"], "APPROX"),
    (&["around"], "APPROX"),
    (&["approximately"], "APPROX"),
    (&["roughly"], "APPROX"),
    (&["some"], "APPROX"),
    (&["nearly"], "LESS_THAN"),
    (&["almost"], "LESS_THAN"),
    (&["more", "than"], "MORE_THAN"),
    (&["over"], "MORE_THAN"),
    (&["less", "than"], "LESS_THAN"),
    (&["fewer", "than"], "LESS_THAN"),
    (&["under"], "LESS_THAN"),
    (&["at", "least"], "EQUAL_OR_MORE"),
    (&["at", "most"], "EQUAL_OR_LESS"),
    (&["up", "to"], "EQUAL_OR_LESS"),
    (&["no", "more", "than"], "EQUAL_OR_LESS"),
    (&["within"], "EQUAL_OR_LESS"),
];

/// Words before a calendar expression that pick a part of it.
const POSITIONS: &[(&[&str], &str)] = &[
    (&["early"], "START"),
    (&["earlier"], "START"),
    (&["the", "beginning", "of"], "START"),
    (&["the", "start", "of"], "START"),
    (&["the", "early", "part", "of"], "START"),
    (&["late"], "END"),
    (&["later"], "END"),
    (&["the", "end", "of"], "END"),
    (&["the", "close", "of"], "END"),
    (&["the", "latter", "part", "of"], "END"),
    (&["mid"], "MID"),
    (&["the", "middle", "of"], "MID"),
    (&["the", "early"], "START"),
    (&["the", "late"], "END"),
    (&["the", "mid"], "MID"),
];

fn phrase_at(cx: &Context<'_, '_>, i: usize, phrase: &[&str]) -> bool {
    phrase.iter().enumerate().all(|(k, w)| cx.is(i + k, w))
}

/// The longest rule match starting exactly at `i`.
fn core_at(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut best: Option<Found> = None;
    for rule in RULES {
        if let Some(found) = rule(cx, i)
            && found.first == i
            && found.last >= i
            && best.as_ref().is_none_or(|b| found.last > b.last)
        {
            best = Some(found);
        }
    }
    best
}

/// A core match, with position ("early", "the end of") and approximation ("about",
/// "more than") prefixes.
fn match_at(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut best = core_at(cx, i);
    let longer = |best: &Option<Found>, f: &Found| best.as_ref().is_none_or(|b| f.last > b.last);
    for (phrase, modifier) in POSITIONS {
        if !phrase_at(cx, i, phrase) {
            continue;
        }
        let at = i + phrase.len();
        // "the end of the year": the period in focus, not a stretch of a year.
        if phrase.last() == Some(&"of")
            && cx.is(at, "the")
            && let Some(value) = match cx.word(at + 1).map_or("", |w| w.lower()) {
                "year" => Some(cx.anchor.year(0)),
                "month" => Some(cx.anchor.month(0)),
                "week" => Some(cx.anchor.week(0)),
                "decade" => Some(cx.anchor.decade(0)),
                "century" => Some(cx.anchor.century(0)),
                _ => None,
            }
            && best.as_ref().is_none_or(|b| b.last < at + 1)
        {
            best = Some(Found {
                first: i,
                last: at + 1,
                kind: TimexType::Date,
                value,
                modifier: Some(modifier),
            });
            continue;
        }
        let the_period = |core: &Found| {
            if core.last != at + 1 || !cx.is(at, "the") {
                return None;
            }
            match core.value.as_str() {
                "P1Y" => Some(cx.anchor.year(0)),
                "P1M" => Some(cx.anchor.month(0)),
                "P1W" => Some(cx.anchor.week(0)),
                _ => None,
            }
        };
        if let Some(mut core) = core_at(cx, at)
            && let Some(value) = the_period(&core)
            && longer(&best, &core)
        {
            core.first = i;
            core.kind = TimexType::Date;
            core.value = value;
            core.modifier = Some(modifier);
            best = Some(core);
            continue;
        }
        if let Some(mut core) = core_at(cx, at)
            && matches!(core.kind, TimexType::Date | TimexType::Time)
            && !core.value.ends_with("_REF")
            && longer(&best, &core)
        {
            core.first = i;
            core.modifier = Some(modifier);
            best = Some(core);
        }
    }
    for (phrase, modifier) in APPROXIMATORS {
        if !phrase_at(cx, i, phrase) {
            continue;
        }
        let at = i + phrase.len();
        // Approximations quantify: "about 3 p.m.", "nearly two years". Before anything
        // else they are prepositions: "over the weekend", "around Wednesday's ruling".
        let quantified = cx.word(at).is_some_and(|w| {
            w.numeric.is_some()
                || matches!(w.lex, Some(Lex::Numeral(_) | Lex::Noon | Lex::Midnight))
                || w.is_any(&["a", "an", "half", "several", "few", "couple"])
        });
        if !quantified {
            continue;
        }
        if let Some(mut core) = core_at(cx, at)
            && !core.value.ends_with("_REF")
            && core.kind != TimexType::Set
            && longer(&best, &core)
        {
            core.first = i;
            core.modifier = Some(modifier);
            best = Some(core);
        }
    }
    let mut found = best?;
    // "the quarter a year ago", "the second quarter last year": the same quarter a year back.
    if found.kind == TimexType::Date
        && let Some((year, quarter)) = found.value.split_once("-Q")
        && let Ok(year) = year.parse::<i32>()
    {
        let back = if cx.is(found.last + 1, "a")
            && cx.is(found.last + 2, "year")
            && cx.is_any(found.last + 3, &["ago", "earlier", "before"])
        {
            Some(3)
        } else if cx.is(found.last + 1, "last") && cx.is(found.last + 2, "year") {
            Some(2)
        } else {
            None
        };
        if let Some(extra) = back
            && crate::anchor::year_ok(year - 1)
        {
            found.value = format!("{:04}-Q{quarter}", year - 1);
            found.last += extra;
        }
    }
    if cx.is(found.last + 1, "or") && cx.is(found.last + 2, "so") {
        found.last += 2;
        found.modifier = Some("APPROX");
    }
    Some(found)
}

/// Can a rule start at this word? Prefix and determiner words, and every trigger.
fn may_start(word: &Word<'_>) -> bool {
    word.lex.is_some()
        || word.numeric.is_some()
        || matches!(
            word.lower(),
            "the"
                | "this"
                | "that"
                | "then"
                | "last"
                | "next"
                | "past"
                | "coming"
                | "previous"
                | "a"
                | "an"
                | "early"
                | "late"
                | "mid"
                | "earlier"
                | "later"
                | "about"
                | "around"
                | "approximately"
                | "roughly"
                | "some"
                | "nearly"
                | "almost"
                | "more"
                | "over"
                | "less"
                | "fewer"
                | "under"
                | "at"
                | "up"
                | "no"
                | "within"
                | "every"
                | "each"
                | "per"
                | "several"
                | "few"
                | "many"
                | "these"
                | "those"
                | "following"
                | "same"
                | "couple"
                | "half"
                | "year"
                | "new"
                | "latest"
                | "most"
                | "final"
                | "initial"
                | "other"
                | "another"
                | "right"
                | "just"
                | "q1"
                | "q2"
                | "q3"
                | "q4"
                | "h1"
                | "h2"
        )
}

/// Tags every temporal expression of one article.
pub(crate) fn tag(
    text: &str,
    analysis: &Analysis,
    triggers: &Triggers,
    anchor: Anchor,
) -> Vec<Timex> {
    let positions = triggers.find(text);
    if positions.is_empty() {
        return Vec::new();
    }
    let mut timexes = Vec::new();
    let mut narrative = Narrative {
        day: anchor.dct,
        year: None,
        month: None,
        quarter: None,
        quote_open: None,
    };
    let mut next_trigger = positions.iter().copied().peekable();
    for sentence in &analysis.sentences {
        let Some(first_token) = analysis.tokens.get(sentence.tokens.start) else {
            continue;
        };
        let sentence_end = analysis
            .tokens
            .get(sentence.tokens.end.saturating_sub(1))
            .map_or(first_token.end, |t| t.end);
        while next_trigger.next_if(|&p| p < first_token.start).is_some() {}
        if next_trigger.peek().is_none_or(|&p| p >= sentence_end) {
            continue;
        }
        let tokens = &analysis.tokens[sentence.tokens.clone()];
        let words = sentence_words(text, tokens);
        let mut open = narrative.quote_open == Some(sentence.paragraph);
        let quoted = quoted_words(&words, &mut open);
        narrative.quote_open = open.then_some(sentence.paragraph);
        let found = tag_sentence(&words, &quoted, anchor, &mut narrative);
        for f in found {
            let (start, end) = (words[f.first].start, words[f.last].end);
            timexes.push(Timex {
                start,
                end,
                text: text[start..end].to_string(),
                kind: f.kind,
                value: f.value,
                modifier: f.modifier.map(str::to_string),
            });
        }
    }
    timexes
}

fn tag_sentence(
    words: &[Word<'_>],
    quoted: &[bool],
    anchor: Anchor,
    narrative: &mut Narrative,
) -> Vec<Found> {
    // Distance to the next trigger word, so rules run only where one is close.
    let mut trigger_ahead = vec![usize::MAX; words.len() + 1];
    for i in (0..words.len()).rev() {
        let w = &words[i];
        // "period" heads financial references ("the latest period") without being a unit.
        trigger_ahead[i] = if w.lex.is_some() || w.numeric.is_some() || w.is("period") {
            0
        } else {
            trigger_ahead[i + 1].saturating_add(1)
        };
    }
    let mut out = Vec::new();
    let mut cx = Context {
        words,
        anchor,
        reference: narrative.day,
        quarter: narrative.quarter,
        reference_year: narrative.year,
        reference_month: narrative.month,
        sentence_day: None,
        quoted,
    };
    let mut i = 0;
    while i < words.len() {
        if trigger_ahead[i] > 5 || !may_start(&words[i]) {
            i += 1;
            continue;
        }
        let Some(found) = match_at(&cx, i) else {
            i += 1;
            continue;
        };
        if is_title(words, &found) {
            i = found.last + 1;
            continue;
        }
        remember(&mut cx, &found);
        i = found.last + 1;
        let second = second_day(&cx, &found);
        out.push(found);
        // "April 24 and 25": the bare day shares the month and year.
        if let Some(second) = second {
            i = second.last + 1;
            out.push(second);
        }
    }
    narrative.day = cx.reference;
    narrative.quarter = cx.quarter;
    narrative.year = cx.reference_year;
    narrative.month = cx.reference_month;
    out
}

/// The second day of "April 24 and 25" or "Oct. 3 or 4", after a full date.
fn second_day(cx: &Context<'_, '_>, found: &Found) -> Option<Found> {
    if found.kind != TimexType::Date || found.value.len() != 10 {
        return None;
    }
    let last = cx.word(found.last)?;
    if !matches!(
        last.numeric,
        Some(crate::words::Numeric::Integer { digits: 1..=2, .. })
    ) {
        return None;
    }
    let at = found.last + 2;
    if !cx.is_any(found.last + 1, &["and", "or", "to", "through"]) {
        return None;
    }
    let (day, digits) = cx.word(at)?.integer()?;
    // "April 24 and 25 percent", "May 3 and 4 June" are something else.
    if digits > 2
        || cx
            .word(at + 1)
            .is_some_and(|w| w.lex.is_some() || w.is_any(&["%", "percent"]))
    {
        return None;
    }
    let prefix = found.value.get(..8)?;
    let date = NaiveDate::parse_from_str(&format!("{prefix}{day:02}"), "%Y-%m-%d").ok()?;
    Some(Found::date(at, at, crate::anchor::format_day(date)))
}

/// A capitalised unit inside the span marks a title, not a time: the programmes
/// "This Week" and "60 Minutes" ("Day" names holidays: "Thanksgiving Day").
fn is_title(words: &[Word<'_>], found: &Found) -> bool {
    (found.first + 1..=found.last).any(|k| {
        matches!(words[k].lex, Some(Lex::Unit { unit, .. }) if unit != crate::lexicon::Unit::Day)
            && words[k].starts_upper()
    }) && !words[found.first..=found.last]
        .iter()
        .all(|w| !w.text.chars().any(char::is_lowercase))
}

/// Moves the narrative reference and the quarter in focus to what was just said.
fn remember(cx: &mut Context<'_, '_>, found: &Found) {
    let value = found.value.as_str();
    if found.kind == TimexType::Date
        && value.len() == 10
        && let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d")
    {
        // Quoted speech does not move the narrative.
        if !cx.quoted.get(found.first).copied().unwrap_or(false) {
            cx.reference = Some(day);
        }
        cx.sentence_day = Some(value.to_string());
    }
    if found.kind == TimexType::Date
        && value.len() >= 4
        && let Ok(year) = value[..4].parse::<i32>()
    {
        cx.reference_year = Some(year);
        cx.reference_month = value
            .get(4..7)
            .and_then(|m| m.strip_prefix('-'))
            .and_then(|m| m.parse::<u32>().ok())
            .filter(|m| (1..=12).contains(m))
            .map(|m| (year, m));
    }
    // Only a quarter named outright sets the focus, not "a year earlier"; and the first
    // one named stays in focus, as financial news leads with the quarter it reports on
    // and names others only for comparison ("after a flat second quarter").
    let words = &cx.words[found.first..=found.last];
    let derived = words
        .iter()
        .any(|w| w.is_any(&["ago", "earlier", "a", "previous", "year", "period", "last"]));
    // A quarter of another year ("the third quarter of 1984") is history, not the report.
    let recent = |year: i32, q: u32| {
        cx.anchor.quarter_index().is_none_or(|(y, dq)| {
            let back = (y * 4 + dq as i32) - (year * 4 + q as i32);
            (0..=4).contains(&back)
        })
    };
    if !derived
        && cx.quarter.is_none()
        && let Some((year, q)) = value.split_once("-Q")
        && let (Ok(year), Ok(q)) = (year.parse::<i32>(), q.parse::<u32>())
        && recent(year, q)
    {
        cx.quarter = Some((year, q));
    }
}

#[cfg(test)]
mod tests;
