//! Durations: "three days", "the past three years", "24 hours", "a decade", "two-year",
//! "5 1/2 hours", "several months", "years".

use byline_core::TimexType;

use super::{Context, Found};
use crate::lexicon::{Lex, Reference, Unit};
use crate::words::Numeric;

/// A count in front of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    /// `None` for vague counts: "several", "a few".
    pub value: Option<u64>,
    /// "and a half", "1/2".
    pub half: bool,
    /// Index of the word after the count.
    pub end: usize,
}

const VAGUE: &[&str] = &["several", "few", "many", "numerous", "some"];

/// Spelled-out numbers: "twenty four", "twenty-five", "a hundred", "two thousand".
fn numeral(cx: &Context<'_, '_>, i: usize) -> Option<(u64, usize)> {
    let mut total = 0u64;
    let mut current = 0u64;
    let mut k = i;
    let mut any = false;
    while let Some(Lex::Numeral(v)) = cx.lex(k) {
        let v = u64::from(v);
        match v {
            100 => current = current.max(1) * 100,
            1000 => {
                total += current.max(1) * 1000;
                current = 0;
            }
            12 if cx.is(k, "dozen") => current = current.max(1) * 12,
            1..=9
                if current.is_multiple_of(10)
                    && (current % 100 >= 20 || current.is_multiple_of(100)) =>
            {
                current += v;
            }
            10..=99 if current.is_multiple_of(100) => current += v,
            _ => break,
        }
        any = true;
        k += 1;
        if cx.is(k, "and") && matches!(cx.lex(k + 1), Some(Lex::Numeral(1..=99))) && current >= 100
        {
            k += 1;
        }
    }
    any.then_some((total + current, k))
}

/// The count at word `i`, if there is one.
pub(crate) fn quantity(cx: &Context<'_, '_>, i: usize) -> Option<Quantity> {
    let word = cx.word(i)?;
    let (value, mut end) = if let Some((value, _)) = word.integer() {
        (Some(u64::from(value)), i + 1)
    } else if let Some(Numeric::Grouped) = word.numeric {
        let digits: String = word.text.chars().filter(char::is_ascii_digit).collect();
        (Some(digits.parse().ok()?), i + 1)
    } else if let Some((value, end)) = numeral(cx, i) {
        (Some(value), end)
    } else if word.is_any(&["a", "an"]) {
        if cx.is(i + 1, "couple") && cx.is(i + 2, "of") {
            (Some(2), i + 3)
        } else if cx.is(i + 1, "few") {
            (None, i + 2)
        } else if let Some((value, end)) = numeral(cx, i + 1)
            && !cx.word(end - 1).is_some_and(|w| w.hyphen_after)
        {
            // "a hundred years", but not "a two-year deal".
            (Some(value), end)
        } else {
            (Some(1), i + 1)
        }
    } else if word.is("couple") && cx.is(i + 1, "of") {
        (Some(2), i + 2)
    } else if word.is_any(VAGUE) {
        (None, i + 1)
    } else if word.is("half") && cx.is_any(i + 1, &["a", "an"]) {
        return Some(Quantity {
            value: Some(0),
            half: true,
            end: i + 2,
        });
    } else if word.is_any(&["another"]) {
        (Some(1), i + 1)
    } else {
        return None;
    };
    let mut half = false;
    if cx
        .word(end)
        .is_some_and(|w| w.text == "1/2" || w.text == "½")
    {
        half = true;
        end += 1;
    }
    // "two to three weeks", "12 to 18 months": the range keeps its lower bound.
    if cx.is_any(end, &["to", "or"])
        && let Some(next) = cx.word(end + 1)
        && (next.integer().is_some() || matches!(next.lex, Some(Lex::Numeral(_))))
        && value.is_some()
    {
        let upper = quantity(cx, end + 1)?;
        end = upper.end;
    }
    Some(Quantity { value, half, end })
}

/// A unit word at `i` (with "-long"/"-old" swallowed when hyphenated): (unit, last word).
pub(crate) fn unit_at(cx: &Context<'_, '_>, i: usize) -> Option<(Unit, usize)> {
    let Some(Lex::Unit { unit, .. }) = cx.lex(i) else {
        return None;
    };
    let last = if cx.word(i).is_some_and(|w| w.hyphen_after) && cx.is_any(i + 1, &["long", "old"]) {
        i + 1
    } else {
        i
    };
    Some((unit, last))
}

/// The TIMEX3 duration for `value` units (`None` = unspecified).
pub(crate) fn format_duration(value: Option<u64>, unit: Unit, half: bool) -> Option<String> {
    let Some(n) = value else {
        return Some(
            match unit {
                Unit::Second => "PTXS",
                Unit::Minute => "PTXM",
                Unit::Hour => "PTXH",
                Unit::Day => "PXD",
                Unit::Week | Unit::Fortnight => "PXW",
                Unit::Weekend => "PXWE",
                Unit::Month => "PXM",
                Unit::Quarter => "PXQ",
                Unit::Year => "PXY",
                Unit::Decade => "PXDE",
                Unit::Century => "PXCE",
                Unit::Millennium => "PXML",
            }
            .to_string(),
        );
    };
    if n > 100_000 {
        return None;
    }
    let whole = |n: u64, unit: Unit| -> String {
        match unit {
            Unit::Second => format!("PT{n}S"),
            Unit::Minute => format!("PT{n}M"),
            Unit::Hour => format!("PT{n}H"),
            Unit::Day => format!("P{n}D"),
            Unit::Week => format!("P{n}W"),
            Unit::Fortnight => format!("P{}W", 2 * n),
            Unit::Weekend => format!("P{n}WE"),
            Unit::Month => format!("P{n}M"),
            Unit::Quarter => format!("P{n}Q"),
            Unit::Year => format!("P{n}Y"),
            Unit::Decade => format!("P{}Y", 10 * n),
            Unit::Century => format!("P{}Y", 100 * n),
            Unit::Millennium => format!("P{}Y", 1000 * n),
        }
    };
    if !half {
        return (n > 0).then(|| whole(n, unit));
    }
    let with = |big: &str, small: &str| {
        if n == 0 {
            small.to_string()
        } else {
            format!("{big}{small}")
        }
    };
    Some(match unit {
        Unit::Year => with(&format!("P{n}Y"), if n == 0 { "P6M" } else { "6M" }),
        Unit::Month => with(&format!("P{n}M"), if n == 0 { "P15D" } else { "15D" }),
        Unit::Day => with(&format!("P{n}D"), if n == 0 { "PT12H" } else { "T12H" }),
        Unit::Hour => with(&format!("PT{n}H"), if n == 0 { "PT30M" } else { "30M" }),
        Unit::Minute => with(&format!("PT{n}M"), if n == 0 { "PT30S" } else { "30S" }),
        _ => whole(n.max(1), unit),
    })
}

/// Words between "the" and a count: "the past three years", "the first nine months".
const SPAN_WORDS: &[&str] = &[
    "past",
    "last",
    "next",
    "coming",
    "first",
    "previous",
    "following",
    "final",
    "initial",
    "latest",
    "remaining",
    "additional",
    "same",
    "preceding",
    "ensuing",
    "entire",
    "full",
    "whole",
];

/// Words that make a bare "quarters" a span of time.
const QUARTER_MODIFIERS: &[&str] = &[
    "future",
    "recent",
    "coming",
    "past",
    "previous",
    "prior",
    "consecutive",
    "successive",
    "straight",
    "subsequent",
    "later",
    "earlier",
];

/// "three days", "the past three years", "a decade", "two-year", "several months", "years".
pub(crate) fn duration(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut j = i;
    let mut determined = false;
    if cx.is_any(j, &["the", "this", "those", "these"]) {
        j += 1;
        determined = true;
        while cx.is_any(j, SPAN_WORDS) {
            j += 1;
        }
    } else if cx.is_any(j, &["past", "last", "next", "first"]) && quantity(cx, j + 1).is_some() {
        j += 1;
        determined = true;
    }
    let amount = quantity(cx, j);
    let (value, half, mut unit_index) = match amount {
        Some(q) => (q.value, q.half, q.end),
        None => (None, false, j),
    };
    // "two more weeks", "eight trading days".
    if amount.is_some()
        && cx.is_any(
            unit_index,
            &[
                "more",
                "additional",
                "further",
                "trading",
                "business",
                "working",
                "consecutive",
                "straight",
                "full",
            ],
        )
        && matches!(cx.lex(unit_index + 1), Some(Lex::Unit { .. }))
    {
        unit_index += 1;
    }
    let (unit, last) = unit_at(cx, unit_index)?;
    let plural = matches!(cx.lex(unit_index), Some(Lex::Unit { plural: true, .. }));
    // "a 6-year-old boy" is an age; "three-quarters of" a fraction; "a second term" an
    // ordinal.
    if last > unit_index && cx.is(last, "old") {
        return None;
    }
    // "52 years old" is an age; "a quarter of the market" a fraction.
    if cx.is(last + 1, "old") || (unit == Unit::Quarter && !plural && cx.is(last + 1, "of")) {
        return None;
    }
    // `checked_sub`: the unit may be the sentence's first word ("Quarters were ...").
    if unit == Unit::Quarter
        && plural
        && unit_index
            .checked_sub(1)
            .and_then(|k| cx.word(k))
            .is_some_and(|w| w.hyphen_after)
    {
        return None;
    }
    if unit == Unit::Second
        && cx.word(unit_index + 1).is_some_and(|w| {
            matches!(w.lex, None | Some(Lex::VagueHead)) && w.text.starts_with(char::is_alphabetic)
        })
        && !plural
    {
        return None;
    }
    if amount.is_none() && (!plural || determined && j == i + 1) {
        // "the years" aside, a bare unit is rarely a timex: "the day", "day".
        if !(determined && plural && cx.is(i, "the") && cx.is(i + 1, "years")) {
            return None;
        }
    }
    // Bare "quarters" are rooms ("living quarters", "inspect such quarters"); as time
    // they come with a count or a time word ("recent quarters", "fourth quarters").
    if amount.is_none()
        && unit == Unit::Quarter
        && !determined
        && !(unit_index > 0
            && (cx.is_any(unit_index - 1, QUARTER_MODIFIERS)
                || matches!(cx.lex(unit_index - 1), Some(Lex::Ordinal(_)))))
    {
        return None;
    }
    if amount.is_none() && cx.word(unit_index).is_some_and(|w| w.starts_upper()) && unit_index > 0 {
        return None;
    }
    // "a day" after "times"/"per" is a frequency (see sets); "1990 years" is not a thing.
    if let Some(q) = amount
        && q.value == Some(1)
        && !plural
        && i > 0
        && cx.is_any(i - 1, &["times", "twice", "once", "thrice", "per"])
    {
        return None;
    }
    // "$2 million a year" is a rate (see sets).
    if amount.is_some_and(|q| q.value == Some(1))
        && cx.is_any(i, &["a", "an"])
        && super::sets::is_rate(cx, i)
    {
        return None;
    }
    // "the 1988 quarter" names a year, not 1,988 quarters.
    if value.is_some_and(|n| n >= 1000) && !plural {
        return None;
    }
    // "a minute and a half", "two hours and a half".
    let (half, last) = if !half
        && value.is_some()
        && cx.is(last + 1, "and")
        && cx.is_any(last + 2, &["a", "an"])
        && cx.is(last + 3, "half")
    {
        (true, last + 3)
    } else {
        (half, last)
    };
    // "weeks or months", "days or even weeks": a vague stretch of the smaller unit.
    let last = if value.is_none()
        && plural
        && cx.is(last + 1, "or")
        && matches!(cx.lex(last + 2), Some(Lex::Unit { plural: true, .. }))
    {
        last + 2
    } else {
        last
    };
    // "Islam will one day be ...": after a modal, "one day" is some day to come, not a
    // stretch of 24 hours.
    if unit == Unit::Day
        && !plural
        && cx.is(i, "one")
        && last == i + 1
        && i > 0
        && cx.is_any(i - 1, crate::tense::MODAL_AUXILIARIES)
    {
        return Some(Found::date(i, last, Reference::Future.value()));
    }
    let value = format_duration(value, unit, half)?;
    Some(Found::new(i, last, TimexType::Duration, value))
}

#[cfg(test)]
mod tests {
    use crate::grammar::tests::tag_2021_08_03 as tag;

    #[test]
    fn a_sentence_may_start_with_plural_quarters() {
        // Found by fuzzing: the check for "three-quarters" looked at the word before the
        // unit, which underflowed (a panic with overflow checks) when there was none.
        assert_eq!(tag("Quarters were inspected."), []);
        assert_eq!(tag("quarters"), []);
    }

    #[test]
    fn durations() {
        assert_eq!(tag("Inspectors searched the living quarters."), []);
        assert_eq!(
            tag("She will one day lead the party."),
            [("one day", "DATE", "FUTURE_REF", None)]
        );
        assert_eq!(
            tag("The strike lasted one day."),
            [("one day", "DURATION", "P1D", None)]
        );
        assert_eq!(
            tag("It will cut tax payments in future quarters."),
            [("quarters", "DURATION", "PXQ", None)]
        );
        assert_eq!(
            tag("Margins have narrowed for several quarters."),
            [("several quarters", "DURATION", "PXQ", None)]
        );
        assert_eq!(
            tag("for three days"),
            [("three days", "DURATION", "P3D", None)]
        );
        assert_eq!(
            tag("over the past three years"),
            [("the past three years", "DURATION", "P3Y", None)]
        );
        assert_eq!(
            tag("within 24 hours"),
            [(
                "within 24 hours",
                "DURATION",
                "PT24H",
                Some("EQUAL_OR_LESS")
            )]
        );
        assert_eq!(
            tag("more than a decade"),
            [("more than a decade", "DURATION", "P10Y", Some("MORE_THAN"))]
        );
        assert_eq!(
            tag("a two-year deal"),
            [("two-year", "DURATION", "P2Y", None)]
        );
        assert_eq!(
            tag("for 5 1/2 hours"),
            [("5 1/2 hours", "DURATION", "PT5H30M", None)]
        );
        assert_eq!(
            tag("for several months"),
            [("several months", "DURATION", "PXM", None)]
        );
        assert_eq!(
            tag("a minute and a half later"),
            [("a minute and a half", "DURATION", "PT1M30S", None)]
        );
        assert_eq!(
            tag("it could take weeks or months"),
            [("weeks or months", "DURATION", "PXW", None)]
        );
        assert_eq!(
            tag("twenty four hours"),
            [("twenty four hours", "DURATION", "PT24H", None)]
        );
    }
}
