//! Calendar names: "Aug. 31", "31 August 2021", "8/31/2021", "2021-08-31", "July 1997",
//! bare months, years ("fiscal 2022", "nineteen ninety-six"), decades, centuries,
//! holidays, seasons and ordinal parts of a year ("the third quarter", "the first half").

use super::{Context, Found};
use crate::anchor::{Direction, day_exists, nth_weekday};
use crate::lexicon::{Holiday, Lex, Unit};
use crate::words::{Numeric, Word};

/// Prepositions and modifiers that make a capitalised month name a month, not a verb or a
/// modal ("May" the month versus "may" the modal).
const MONTH_CUES: &[&str] = &[
    "in",
    "of",
    "since",
    "until",
    "till",
    "by",
    "from",
    "through",
    "to",
    "during",
    "last",
    "next",
    "this",
    "early",
    "late",
    "mid",
    "before",
    "after",
    "between",
    "and",
    "or",
    "until",
    "that",
    "each",
    "every",
    "end",
    "beginning",
    "middle",
    "start",
    "since",
    "for",
    "late",
];

/// A day of the month: "31", "31st", "third".
pub(super) fn day_of_month(word: &Word<'_>) -> Option<u32> {
    let day = match (word.numeric, word.lex) {
        (Some(Numeric::Integer { value, digits }), _) if digits <= 2 => value,
        (Some(Numeric::Ordinal(value)), _) => value,
        (_, Some(Lex::Ordinal(value))) => value,
        _ => return None,
    };
    (1..=31).contains(&day).then_some(day)
}

/// A four-digit year.
pub(super) fn year_of(word: &Word<'_>) -> Option<i32> {
    match word.numeric {
        Some(Numeric::Integer { value, digits: 4 }) if (1000..=2199).contains(&value) => {
            i32::try_from(value).ok()
        }
        _ => None,
    }
}

fn month_at(cx: &Context<'_, '_>, i: usize) -> Option<u32> {
    match cx.lex(i) {
        Some(Lex::Month(m)) => Some(m),
        _ => None,
    }
}

/// A year after a month or day: "1997", ", 1997", "of 1997", "nineteen ninety-seven".
/// Returns (year, last word).
fn trailing_year(cx: &Context<'_, '_>, i: usize) -> Option<(i32, usize)> {
    let at = |k: usize| {
        cx.word(k)
            .and_then(year_of)
            .map(|year| (year, k))
            .or_else(|| spelled_year(cx, k))
    };
    at(i).or_else(|| cx.is_any(i, &[",", "of"]).then(|| at(i + 1)).flatten())
}

/// "nineteen ninety-four", "nineteen eighty": (year, last word).
fn spelled_year(cx: &Context<'_, '_>, j: usize) -> Option<(i32, usize)> {
    let Some(Lex::Numeral(century @ 11..=20)) = cx.lex(j) else {
        return None;
    };
    let Some(Lex::Numeral(tens @ 10..=90)) = cx.lex(j + 1) else {
        return None;
    };
    let mut year = century * 100 + tens;
    let mut last = j + 1;
    if tens >= 20
        && let Some(Lex::Numeral(unit @ 1..=9)) = cx.lex(j + 2)
    {
        year += unit;
        last = j + 2;
    }
    Some((i32::try_from(year).ok()?, last))
}

/// Is the month word at `i` really a month? Full names and abbreviations must be
/// capitalised; "May" and "March" (also a modal and a verb) need a calendar cue around.
fn month_is_plausible(cx: &Context<'_, '_>, i: usize, has_day_or_year: bool) -> bool {
    let Some(word) = cx.word(i) else {
        return false;
    };
    if !word.starts_upper() {
        return false;
    }
    if has_day_or_year {
        return true;
    }
    let ambiguous = word.is_any(&["may", "march"]);
    let cue_before = i > 0 && cx.is_any(i - 1, MONTH_CUES);
    if ambiguous {
        // "the March accession": a capitalised month modifying a common noun.
        let modifies_noun = i > 0
            && cx.is(i - 1, "the")
            && cx
                .word(i + 1)
                .is_some_and(|w| w.text.starts_with(|c: char| c.is_ascii_lowercase()));
        return cue_before || modifies_noun;
    }
    // A sentence-initial capital proves nothing for a bare month.
    let next_is_name = cx
        .word(i + 1)
        .is_some_and(|w| w.starts_upper() && w.lex.is_none());
    !next_is_name || cue_before
}

/// "[Friday,] Aug. 31[, 2021]", "August 2021", "31 August 2021", bare "August".
pub(crate) fn month_date(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut j = i;
    if let Some(Lex::Weekday { plural: false, .. }) = cx.lex(j) {
        j += if cx.is(j + 1, ",") { 2 } else { 1 };
        month_at(cx, j)?;
    }
    // "last April", "next March", "this September".
    if let Some(direction) = match cx.word(i)?.lower() {
        "last" | "past" => Some(Direction::Backward),
        "next" | "coming" => Some(Direction::Forward),
        "this" => Some(Direction::Nearest),
        _ => None,
    } && let Some(month) = month_at(cx, i + 1)
        && month_is_plausible(cx, i + 1, true)
    {
        // "last Oct. 23": the day itself, on the side the adjective points to.
        if let Some(day) = cx.word(i + 2).and_then(day_of_month)
            && day_exists(month, day)
            && cx.word(i + 3).and_then(year_of).is_none()
        {
            let value = match (cx.anchor.dct, direction) {
                (Some(dct), Direction::Backward | Direction::Forward) => {
                    let year = chrono::Datelike::year(&dct);
                    let this_year = chrono::NaiveDate::from_ymd_opt(year, month, day);
                    let year = match (direction, this_year) {
                        (Direction::Backward, Some(d)) if d > dct => year - 1,
                        (Direction::Forward, Some(d)) if d < dct => year + 1,
                        _ => year,
                    };
                    // A step across year 0 or 9999 has no TIMEX3 year: leave it unknown.
                    if crate::anchor::year_ok(year) {
                        format!("{year:04}-{month:02}-{day:02}")
                    } else {
                        format!("XXXX-{month:02}-{day:02}")
                    }
                }
                _ => cx.anchor.month_day(month, day, direction),
            };
            return Some(Found::date(i, i + 2, value));
        }
        let value = match (direction, cx.anchor.dct) {
            (_, None) => format!("XXXX-{month:02}"),
            (Direction::Nearest, Some(_)) => cx.anchor.in_year(0, &format!("{month:02}")),
            (Direction::Backward, Some(dct)) => {
                let offset = -i64::from(month >= chrono::Datelike::month(&dct));
                cx.anchor.in_year(offset, &format!("{month:02}"))
            }
            (Direction::Forward, Some(dct)) => {
                let offset = i64::from(month <= chrono::Datelike::month(&dct));
                cx.anchor.in_year(offset, &format!("{month:02}"))
            }
        };
        return Some(Found::date(i, i + 1, value));
    }
    if let Some(month) = month_at(cx, j) {
        // Month Day [, Year]
        if let Some(day) = cx.word(j + 1).and_then(day_of_month)
            && day_exists(month, day)
            && month_is_plausible(cx, j, true)
        {
            if let Some((year, last)) = trailing_year(cx, j + 2) {
                return Some(Found::date(
                    i,
                    last,
                    format!("{year:04}-{month:02}-{day:02}"),
                ));
            }
            let direction = cx.direction(i, j + 1);
            return Some(Found::date(
                i,
                j + 1,
                cx.anchor.month_day(month, day, direction),
            ));
        }
        // Month [of|,] Year
        if let Some((year, last)) = trailing_year(cx, j + 1)
            && month_is_plausible(cx, j, true)
        {
            return Some(Found::date(i, last, format!("{year:04}-{month:02}")));
        }
        if j != i || !month_is_plausible(cx, j, false) {
            return None;
        }
        // "January this year", "June last year".
        if cx.is(j + 2, "year")
            && let Some(offset) = match cx.word(j + 1).map(|w| w.lower()) {
                Some("this") => Some(0),
                Some("last") => Some(-1),
                Some("next") => Some(1),
                _ => None,
            }
        {
            return Some(Found::date(
                i,
                j + 2,
                cx.anchor.in_year(offset, &format!("{month:02}")),
            ));
        }
        let direction = cx.direction(i, j);
        return Some(Found::date(i, j, cx.anchor.month_of_year(month, direction)));
    }
    // Day Month [Year]: "31 August 2021", "the 4th of July".
    let (day_at, mut k) = if cx.is(i, "the") {
        (i + 1, i + 2)
    } else {
        (i, i + 1)
    };
    let day = cx.word(day_at).and_then(day_of_month)?;
    if cx.is(k, "of") {
        k += 1;
    }
    let month = month_at(cx, k)?;
    if !day_exists(month, day) || !month_is_plausible(cx, k, true) {
        return None;
    }
    if let Some(year) = cx.word(k + 1).and_then(year_of) {
        return Some(Found::date(
            i,
            k + 1,
            format!("{year:04}-{month:02}-{day:02}"),
        ));
    }
    let direction = cx.direction(i, k);
    Some(Found::date(
        i,
        k,
        cx.anchor.month_day(month, day, direction),
    ))
}

/// "2021-08-31", "8/31/2021", "8/31".
pub(crate) fn numeric_date(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    match cx.word(i)?.numeric? {
        Numeric::Iso { year, month, day }
            if (1..=12).contains(&month) && day_exists(month, day) =>
        {
            Some(Found::date(i, i, format!("{year:04}-{month:02}-{day:02}")))
        }
        Numeric::Slash { month, day, year } if day_exists(month, day) => {
            let value = match year {
                Some(year) => format!("{year:04}-{month:02}-{day:02}"),
                None => cx.anchor.month_day(month, day, cx.direction(i, i)),
            };
            Some(Found::date(i, i, value))
        }
        _ => None,
    }
}

/// Words after a four-digit number that make it an amount rather than a year.
const AMOUNT_FOLLOWERS: &[&str] = &[
    "%", "percent", "per", "pct", "people", "troops", "members", "points",
];

/// "1997", "the year 2000", "fiscal 2022", "fiscal year 1990", "nineteen ninety-six".
pub(crate) fn year(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut j = i;
    if cx.is(j, "fiscal") {
        j += 1;
        if cx.is(j, "year") {
            j += 1;
        }
    } else if cx.is(j, "the") && cx.is(j + 1, "year") {
        j += 2;
    }
    let word = cx.word(j)?;
    if let Some(year) = year_of(word) {
        let next = cx.word(j + 1);
        let is_amount = next
            .is_some_and(|n| n.is_any(AMOUNT_FOLLOWERS) || matches!(n.lex, Some(Lex::Unit { .. })))
            || (j > 0 && cx.is_any(j - 1, &["$", "#", "no.", "flight", "route", "room"]))
            || word.hyphen_after && next.is_some_and(|n| n.lex.is_some());
        if is_amount || is_model_year(cx, i, j) {
            return None;
        }
        return Some(Found::date(i, j, format!("{year:04}")));
    }
    // Spelled years: "nineteen ninety-six", "the year two thousand".
    if let Some((year, last)) = spelled_year(cx, j) {
        return Some(Found::date(i, last, format!("{year:04}")));
    }
    if j == i + 2
        && let Some(Lex::Numeral(2)) = word.lex
        && cx.is(j + 1, "thousand")
    {
        return Some(Found::date(i, j + 1, "2000"));
    }
    None
}

/// "the 1990s", "the '90s", "the nineties".
pub(crate) fn decade(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let j = if cx.is(i, "the") { i + 1 } else { i };
    let word = cx.word(j)?;
    let value = match (word.numeric, word.lex) {
        (Some(Numeric::Decade { value, digits: 4 }), _) => value,
        (Some(Numeric::Decade { value, digits: 2 }), _) => 190 + value,
        (_, Some(Lex::DecadeWord(value))) if j > i => value,
        _ => return None,
    };
    // "in his 30s", "a woman in her early forties": an age, not a decade.
    let owner = (i.saturating_sub(2)..i)
        .any(|k| cx.is_any(k, &["his", "her", "their", "my", "your", "our"]));
    if owner {
        return None;
    }
    Some(Found::date(i, j, format!("{value:03}")))
}

/// "the 20th century", "the nineteenth century", "this century".
pub(crate) fn century(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let is_century = |k: usize| {
        matches!(
            cx.lex(k),
            Some(Lex::Unit {
                unit: Unit::Century,
                plural: false
            })
        )
    };
    let j = if cx.is(i, "the") { i + 1 } else { i };
    if is_century(j + 1) {
        let word = cx.word(j)?;
        let ordinal = match (word.numeric, word.lex) {
            (Some(Numeric::Ordinal(n)), _) | (_, Some(Lex::Ordinal(n))) => n,
            _ if word.is("twenty") && cx.is(j + 1, "first") => 21,
            _ => {
                let offset = match word.lower() {
                    "this" | "current" => 0,
                    "last" | "previous" => -1,
                    "next" | "coming" => 1,
                    _ => return None,
                };
                return Some(Found::date(i, j + 1, cx.anchor.century(offset)));
            }
        };
        if (1..=99).contains(&ordinal) {
            return Some(Found::date(i, j + 1, format!("{:02}", ordinal - 1)));
        }
    }
    None
}

/// A year inside a name or before a model: "Orion 1980", "his 1987 Chevrolet".
fn is_model_year(cx: &Context<'_, '_>, i: usize, j: usize) -> bool {
    if i != j || i == 0 {
        return false;
    }
    let before = &cx.words[i - 1];
    let named_before = i >= 2
        && before.starts_upper()
        && before.lex.is_none()
        && before.text.chars().any(char::is_lowercase)
        && !cx.words[i - 2].kind_is_punct();
    let possessed_model = before.is_any(&["'s", "’s"])
        && cx
            .word(j + 1)
            .is_some_and(|w| w.starts_upper() && w.lex.is_none());
    named_before || possessed_model
}

/// "Christmas", "Christmas Eve", "Thanksgiving Day", "New Year's Day", "last Thanksgiving".
pub(crate) fn holiday(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let (direction, j) = match cx.word(i)?.lower() {
        "last" => (Some(Direction::Backward), i + 1),
        "next" => (Some(Direction::Forward), i + 1),
        "this" => (None, i + 1),
        _ => (None, i),
    };
    let (holiday, last) = match cx.lex(j) {
        Some(Lex::Holiday(Holiday::Fixed(12, 25))) if cx.is(j + 1, "eve") => {
            (Holiday::Fixed(12, 24), j + 1)
        }
        // "election" alone is an event; "Election Day" the date.
        Some(Lex::Holiday(Holiday::ElectionDay)) => {
            if cx.word(j + 1).is_none_or(|w| w.text != "Day") {
                return None;
            }
            (Holiday::ElectionDay, j + 1)
        }
        // "Easter week": the ISO week of Easter Sunday.
        Some(Lex::Holiday(Holiday::Easter)) if cx.is(j + 1, "week") => {
            let direction = direction.unwrap_or_else(|| cx.direction(i, j + 1));
            let value = cx
                .anchor
                .year_for(4, Some(10), direction)
                .and_then(easter)
                .map_or_else(|| "XXXX-WXX".to_string(), crate::anchor::week_value);
            return Some(Found::date(i, j + 1, value));
        }
        Some(Lex::Holiday(h)) => (
            h,
            if cx.is(j + 1, "day") || (h == Holiday::Easter && cx.is(j + 1, "sunday")) {
                j + 1
            } else {
                j
            },
        ),
        _ if cx.is(j, "new") && cx.is(j + 1, "year") && cx.is_any(j + 2, &["'s", "’s"]) => {
            match cx.word(j + 3) {
                Some(w) if w.is("eve") => (Holiday::Fixed(12, 31), j + 3),
                Some(w) if w.is("day") => (Holiday::Fixed(1, 1), j + 3),
                _ => return None,
            }
        }
        _ => return None,
    };
    if !cx.word(j)?.starts_upper() {
        return None;
    }
    let direction = direction.unwrap_or_else(|| cx.direction(i, last));
    // A typical date of the holiday, to pick its year.
    let (month, day) = match holiday {
        Holiday::Fixed(m, d) => (m, d),
        Holiday::Thanksgiving => (11, 25),
        Holiday::Easter => (4, 10),
        Holiday::ElectionDay => (11, 5),
    };
    let value = match cx.anchor.year_for(month, Some(day), direction) {
        Some(year) => match holiday {
            Holiday::Fixed(m, d) => format!("{year:04}-{m:02}-{d:02}"),
            Holiday::Thanksgiving => nth_weekday(year, 11, 4, 4)
                .map_or_else(|| format!("{year:04}-11"), crate::anchor::format_day),
            Holiday::Easter => {
                easter(year).map_or_else(|| format!("{year:04}"), crate::anchor::format_day)
            }
            Holiday::ElectionDay => nth_weekday(year, 11, 1, 1)
                .and_then(|monday| monday.succ_opt())
                .map_or_else(|| format!("{year:04}-11"), crate::anchor::format_day),
        },
        None => match holiday {
            Holiday::Fixed(m, d) => format!("XXXX-{m:02}-{d:02}"),
            Holiday::Thanksgiving | Holiday::ElectionDay => "XXXX-11".to_string(),
            Holiday::Easter => "XXXX-XX-XX".to_string(),
        },
    };
    Some(Found::date(i, last, value))
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm).
pub(crate) fn easter(year: i32) -> Option<chrono::NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    chrono::NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// "this summer", "last fall", "the winter of 1998", "spring 2020".
pub(crate) fn season(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let lower = cx.word(i)?.lower();
    let (offset, j) = match lower {
        "this" if cx.is(i + 1, "past") => (Some(2), i + 2),
        "this" | "current" => (Some(0), i + 1),
        "last" | "past" | "previous" => (Some(-1), i + 1),
        "next" | "coming" => (Some(1), i + 1),
        "the" => match cx.word(i + 1).map(|w| w.lower()) {
            Some("past" | "last" | "previous") => (Some(-1), i + 2),
            Some("coming" | "next") => (Some(1), i + 2),
            _ => (None, i + 1),
        },
        _ => (None, i),
    };
    let Some(Lex::Season {
        season,
        plural: false,
    }) = cx.lex(j)
    else {
        return None;
    };
    if let Some((year, last)) = trailing_year(cx, j + 1) {
        return Some(Found::date(i, last, format!("{year:04}-{}", season.code())));
    }
    let start_month = match season.code() {
        "SP" => 3,
        "SU" => 6,
        "FA" => 9,
        _ => 12,
    };
    let dct_month = cx.anchor.dct.map_or(1, |d| chrono::Datelike::month(&d));
    let year_offset = match offset {
        Some(-1) => -1,
        Some(1) => i64::from(dct_month >= start_month),
        // "this past spring": the latest one already begun.
        Some(2) => -i64::from(dct_month <= start_month),
        Some(_) => 0,
        None => {
            // A bare season must be introduced: "in the fall", "during summer".
            let introduced = j > i
                || (i > 0
                    && cx.is_any(
                        i - 1,
                        &[
                            "in", "during", "since", "until", "by", "this", "early", "late", "mid",
                        ],
                    ));
            let is_fall = cx.is(j, "fall");
            if !introduced
                || (is_fall
                    && (j == i
                        || cx.is(j + 1, "of")
                        || !(i > 0 && cx.is_any(i - 1, &["in", "during", "since", "by", "until"]))))
            {
                return None;
            }
            match cx.direction(i, j) {
                Direction::Backward if start_month > dct_month => -1,
                Direction::Forward if start_month + 2 < dct_month => 1,
                _ => 0,
            }
        }
    };
    Some(Found::date(
        i,
        j,
        cx.anchor.in_year(year_offset, season.code()),
    ))
}

fn ordinal_of(word: &Word<'_>) -> Option<u32> {
    match (word.lex, word.numeric) {
        (Some(Lex::Ordinal(n)), _) | (_, Some(Numeric::Ordinal(n))) => Some(n),
        (
            Some(Lex::Unit {
                unit: Unit::Second,
                plural: false,
            }),
            _,
        ) => Some(2),
        _ => None,
    }
}

/// "the third quarter", "third-quarter", "this year's first half", "the fourth quarter of
/// 2020", "the fiscal second quarter", "Q3", "the second half of 1989".
pub(crate) fn ordinal_part(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let mut j = i;
    let mut year_offset: Option<i64> = None;
    if cx.is(j, "the") {
        j += 1;
    }
    if cx.is_any(j, &["this", "last", "next"])
        && cx.is(j + 1, "year")
        && cx.is_any(j + 2, &["'s", "’s"])
    {
        year_offset = Some(match cx.word(j)?.lower() {
            "last" => -1,
            "next" => 1,
            _ => 0,
        });
        j += 3;
    }
    if cx.is(j, "year") && cx.is_any(j + 1, &["earlier", "ago"]) {
        year_offset = Some(-1);
        j += 2;
    }
    if cx.is(j, "fiscal") {
        j += 1;
    }
    // "the 1988 second quarter", "the 1988 quarter", "the 1989 period".
    let mut named_year = None;
    if j > i
        && let Some(year) = cx.word(j).and_then(year_of)
    {
        if cx.is_any(j + 1, &["quarter", "period"]) {
            let q = cx
                .anchor
                .quarter_index()
                .map_or(4, |(_, q)| if q == 1 { 4 } else { q - 1 });
            return Some(Found::date(i, j + 1, format!("{year:04}-Q{q}")));
        }
        named_year = Some(year);
        j += 1;
    }
    // "Q3", "Q3 2021".
    if let Some(word) = cx.word(j)
        && word.text.len() == 2
        && word.text.starts_with(['Q', 'H'])
        && let Some(n) = word.text[1..]
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=4).contains(n))
        && (word.text.starts_with('Q') || n <= 2)
    {
        let part = format!("{}{n}", &word.text[..1]);
        if let Some(year) = cx.word(j + 1).and_then(year_of) {
            return Some(Found::date(i, j + 1, format!("{year:04}-{part}")));
        }
        return Some(Found::date(i, j, cx.anchor.in_year(0, &part)));
    }
    // "the last half of 1989", "the last quarter of 1990": the final part of a named year.
    let last_of_year = cx.is(j, "last")
        && cx.is_any(j + 1, &["half", "quarter"])
        && cx.is(j + 2, "of")
        && cx.word(j + 3).and_then(year_of).is_some();
    let n = if last_of_year {
        if cx.is(j + 1, "half") { 2 } else { 4 }
    } else {
        ordinal_of(cx.word(j)?)?
    };
    let mut k = j + 1;
    if cx.is(k, "fiscal") {
        k += 1;
    }
    let part = match cx.lex(k) {
        Some(Lex::Unit {
            unit: Unit::Quarter,
            plural: false,
        }) if (1..=4).contains(&n) => format!("Q{n}"),
        _ if cx.is(k, "half") && (1..=2).contains(&n) => format!("H{n}"),
        _ => return None,
    };
    let part_index = n;
    if let Some(year) = named_year {
        return Some(Found::date(i, k, format!("{year:04}-{part}")));
    }
    // "of 1989", "1989", "of this year", "of last year", "of the year".
    if let Some((year, last)) = trailing_year(cx, k + 1) {
        return Some(Found::date(i, last, format!("{year:04}-{part}")));
    }
    let mut last = k;
    if cx.is(k + 1, "of") && cx.is(k + 3, "year") {
        let offset = match cx.word(k + 2).map(|w| w.lower()) {
            Some("this" | "the") => Some(0),
            Some("last") => Some(-1),
            Some("next") => Some(1),
            _ => None,
        };
        if offset.is_some() {
            year_offset = offset;
            last = k + 3;
        }
    }
    let offset = year_offset.unwrap_or_else(|| {
        let Some((_, current_quarter)) = cx.anchor.quarter_index() else {
            return 0;
        };
        let current = if part.starts_with('H') {
            current_quarter.div_ceil(2)
        } else {
            current_quarter
        };
        // Early in a year, a later quarter is last year's, being reported on; later in
        // the year it is still to come unless the clause looks back.
        let direction = cx.direction(i, last);
        let looks_back = if current == 1 {
            direction != Direction::Forward
        } else {
            direction == Direction::Backward
        };
        if part_index > current && looks_back {
            -1
        } else {
            0
        }
    });
    Some(Found::date(i, last, cx.anchor.in_year(offset, &part)))
}

#[cfg(test)]
mod tests {
    use crate::grammar::tests::tag_2021_08_03 as tag;
    use crate::grammar::tests::tag_with;
    use chrono::NaiveDate;

    #[test]
    fn last_or_next_month_day_stays_within_four_digit_years() {
        // Found by fuzzing: "last Aug. 30" published on 1 January of year 0 gave the
        // value "-001-08-30", and "next" on the last day of 9999 a five-digit year.
        assert_eq!(
            tag_with("It began last Aug. 30.", NaiveDate::from_ymd_opt(0, 1, 1)),
            [("last Aug. 30", "DATE", "XXXX-08-30", None)]
        );
        assert_eq!(
            tag_with(
                "It ends next Aug. 30.",
                NaiveDate::from_ymd_opt(9999, 12, 31)
            ),
            [("next Aug. 30", "DATE", "XXXX-08-30", None)]
        );
    }

    #[test]
    fn month_forms() {
        assert_eq!(
            tag("It ended Aug. 31, 2020."),
            [("Aug. 31, 2020", "DATE", "2020-08-31", None)]
        );
        assert_eq!(
            tag("due by 31 August 2021"),
            [("31 August 2021", "DATE", "2021-08-31", None)]
        );
        assert_eq!(
            tag("on Friday, Sept. 30"),
            [("Friday, Sept. 30", "DATE", "2021-09-30", None)]
        );
        assert_eq!(
            tag("in July 1997 and"),
            [("July 1997", "DATE", "1997-07", None)]
        );
        assert_eq!(
            tag("prices fell in March."),
            [("March", "DATE", "2021-03", None)]
        );
        assert!(tag("You may go and march on.").is_empty());
        assert_eq!(
            tag("The March accession will follow."),
            [("March", "DATE", "2022-03", None)]
        );
        assert!(tag("They shop at the May Department Stores.").is_empty());
        assert_eq!(
            tag("The summit is on April 24 and 25."),
            [
                ("April 24", "DATE", "2021-04-24", None),
                ("25", "DATE", "2021-04-25", None)
            ]
        );
        assert_eq!(
            tag("Orders rose from the lows of the early summer."),
            [("the early summer", "DATE", "2021-SU", Some("START"))]
        );
    }

    #[test]
    fn numbers_years_and_parts() {
        assert_eq!(
            tag("filed 8/31/2021"),
            [("8/31/2021", "DATE", "2021-08-31", None)]
        );
        assert_eq!(
            tag("filed 2021-08-31"),
            [("2021-08-31", "DATE", "2021-08-31", None)]
        );
        assert_eq!(
            tag("profit in fiscal 2022 rose"),
            [("fiscal 2022", "DATE", "2022", None)]
        );
        assert_eq!(tag("in the 1990s"), [("the 1990s", "DATE", "199", None)]);
        assert_eq!(
            tag("the 20th century"),
            [("the 20th century", "DATE", "19", None)]
        );
        assert_eq!(
            tag("the third quarter"),
            [("the third quarter", "DATE", "2021-Q3", None)]
        );
        assert_eq!(
            tag("its fourth-quarter profit"),
            [("fourth-quarter", "DATE", "2021-Q4", None)]
        );
        assert_eq!(
            tag("the first half of 2020"),
            [("the first half of 2020", "DATE", "2020-H1", None)]
        );
        assert_eq!(
            tag("this summer"),
            [("this summer", "DATE", "2021-SU", None)]
        );
        assert_eq!(
            tag("on Christmas Day"),
            [("Christmas Day", "DATE", "2021-12-25", None)]
        );
        assert!(tag("1,000 people and 2000 people").is_empty());
        assert!(tag("They set up a venture called Orion 1980 in Ohio.").is_empty());
        assert!(tag("He was in his 30s then.").is_empty());
        assert_eq!(
            tag("prices we saw in the winter of nineteen ninety-four"),
            [(
                "the winter of nineteen ninety-four",
                "DATE",
                "1994-WI",
                None
            )]
        );
        assert_eq!(
            tag("It happened in January nineteen ninety-seven."),
            [("January nineteen ninety-seven", "DATE", "1997-01", None)]
        );
        assert_eq!(
            tag("earnings for the last half of 1989"),
            [("the last half of 1989", "DATE", "1989-H2", None)]
        );
        assert!(tag("Police found Kopp's 1987 Chevrolet Cavalier.").is_empty());
        assert_eq!(
            tag("In 1988 Congress passed the bill."),
            [("1988", "DATE", "1988", None)]
        );
    }

    #[test]
    fn rule_based_holidays() {
        assert_eq!(
            tag("The campaign runs until Election Day."),
            [("Election Day", "DATE", "2021-11-02", None)]
        );
        assert!(tag("He won the election easily.").is_empty());
        assert_eq!(
            tag("They will meet at Easter."),
            [("Easter", "DATE", "2022-04-17", None)]
        );
        assert_eq!(
            tag("Crowds protested during Easter week."),
            [("Easter week", "DATE", "2021-W13", None)]
        );
    }

    #[test]
    fn easter_computus() {
        use chrono::NaiveDate;
        assert_eq!(super::easter(2000), NaiveDate::from_ymd_opt(2000, 4, 23));
        assert_eq!(super::easter(2021), NaiveDate::from_ymd_opt(2021, 4, 4));
        assert_eq!(super::easter(2024), NaiveDate::from_ymd_opt(2024, 3, 31));
    }
}
