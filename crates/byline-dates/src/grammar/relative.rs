//! Expressions relative to the publication date: "yesterday", "Tuesday morning",
//! "last week", "this month", "two years ago", "the day before", and the vague references
//! ("recently", "now", "the future").

use byline_core::TimexType;
use chrono::Days;

use super::durations::{quantity, unit_at};
use super::{Context, Found};
use crate::anchor::Direction;
use crate::lexicon::{Lex, PartOfDay, Reference, Unit};

/// A part of the day right after word `i - 1`: "morning", "night".
fn part_of_day_at(cx: &Context<'_, '_>, i: usize) -> Option<PartOfDay> {
    match cx.lex(i) {
        Some(Lex::PartOfDay {
            part,
            plural: false,
        }) => Some(part),
        _ => None,
    }
}

fn with_part(first: usize, last: usize, day: String, part: Option<PartOfDay>) -> Found {
    match part {
        Some(part) => Found::new(
            first,
            last + 1,
            TimexType::Time,
            format!("{day}T{}", part.code()),
        ),
        None => Found::date(first, last, day),
    }
}

/// "today", "yesterday morning", "tonight", "this morning", "last night", "overnight",
/// "the day before", "the next day".
pub(crate) fn relative_day(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let anchor = cx.anchor;
    match cx.lex(i) {
        Some(Lex::RelativeDay(offset)) => {
            let part = part_of_day_at(cx, i + 1);
            return Some(with_part(i, i, anchor.day(i64::from(offset)), part));
        }
        Some(Lex::Tonight) => {
            return Some(Found::new(
                i,
                i,
                TimexType::Time,
                format!("{}TNI", anchor.day(0)),
            ));
        }
        Some(Lex::Overnight)
            if i > 0 && !cx.is_any(i + 1, &["rate", "rates", "lending", "trading", "index"]) =>
        {
            return Some(Found::new(
                i,
                i,
                TimexType::Time,
                format!("{}TNI", anchor.day(-1)),
            ));
        }
        _ => {}
    }
    if cx.is(i, "this")
        && let Some(part) = part_of_day_at(cx, i + 1)
    {
        return Some(Found::new(
            i,
            i + 1,
            TimexType::Time,
            format!("{}T{}", anchor.day(0), part.code()),
        ));
    }
    if cx.is(i, "last")
        && let Some(part @ (PartOfDay::Night | PartOfDay::Evening)) = part_of_day_at(cx, i + 1)
    {
        return Some(Found::new(
            i,
            i + 1,
            TimexType::Time,
            format!("{}T{}", anchor.day(-1), part.code()),
        ));
    }
    // "the day before yesterday", "the day after tomorrow".
    if cx.is(i, "the") && cx.is(i + 1, "day") {
        if cx.is(i + 2, "before") && cx.is(i + 3, "yesterday") {
            return Some(Found::date(i, i + 3, anchor.day(-2)));
        }
        if cx.is(i + 2, "after") && cx.is(i + 3, "tomorrow") {
            return Some(Found::date(i, i + 3, anchor.day(2)));
        }
    }
    // "the next morning", "the previous night": a part of the narrative's neighbouring day.
    if cx.is(i, "the")
        && let Some(step) = match cx.word(i + 1).map(|w| w.lower()) {
            Some("next" | "following") => Some(1i64),
            Some("previous" | "preceding") => Some(-1),
            _ => None,
        }
        && let Some(part) = part_of_day_at(cx, i + 2)
    {
        let day = cx
            .reference_at(i)
            .and_then(|r| r.checked_add_signed(chrono::TimeDelta::days(step)))
            .map_or_else(|| "XXXX-XX-XX".to_string(), crate::anchor::day_value);
        return Some(Found::new(
            i,
            i + 2,
            TimexType::Time,
            format!("{day}T{}", part.code()),
        ));
    }
    // Narrative days count from the last day the article moved to.
    let (offset, last): (i64, usize) = if cx.is(i, "the")
        && cx.is(i + 1, "day")
        && cx.is_any(i + 2, &["before", "earlier"])
    {
        (-1, i + 2)
    } else if cx.is(i, "the") && cx.is(i + 1, "day") && cx.is_any(i + 2, &["after", "later"]) {
        (1, i + 2)
    } else if cx.is(i, "the") && cx.is_any(i + 1, &["previous", "preceding"]) && cx.is(i + 2, "day")
    {
        (-1, i + 2)
    } else if cx.is(i, "the") && cx.is_any(i + 1, &["next", "following"]) && cx.is(i + 2, "day") {
        (1, i + 2)
    } else if (cx.is(i, "that") || (cx.is(i, "the") && cx.is(i + 1, "same")))
        && cx.is(i + 1 + usize::from(cx.is(i, "the")), "day")
    {
        (0, i + 1 + usize::from(cx.is(i, "the")))
    } else {
        return None;
    };
    // "the day before last Tuesday", "the day after Aug. 3": a day next to a named one.
    if offset != 0
        && cx.is_any(last, &["before", "after"])
        && let Some(named) = [
            weekday(cx, last + 1),
            super::calendar::month_date(cx, last + 1),
        ]
        .into_iter()
        .flatten()
        .find(|f| f.first == last + 1 && f.kind == TimexType::Date && f.value.len() == 10)
        && let Ok(day) = chrono::NaiveDate::parse_from_str(&named.value, "%Y-%m-%d")
        && let Some(shifted) = day.checked_add_signed(chrono::TimeDelta::days(offset))
    {
        return Some(Found::date(
            i,
            named.last,
            crate::anchor::day_value(shifted),
        ));
    }
    // "the day before the vote", "the day before police arrived": "before" and "after"
    // with a complement count from an event, which we cannot resolve.
    if offset != 0
        && cx.is_any(last, &["before", "after"])
        && cx.word(last + 1).is_some_and(|w| !w.kind_is_punct())
    {
        return None;
    }
    let value = cx
        .reference_at(i)
        .and_then(|r| {
            if offset >= 0 {
                r.checked_add_days(Days::new(offset.unsigned_abs()))
            } else {
                r.checked_sub_days(Days::new(offset.unsigned_abs()))
            }
        })
        .map_or_else(|| "XXXX-XX-XX".to_string(), crate::anchor::day_value);
    Some(Found::date(i, last, value))
}

/// A part of the day before its day, "mid-afternoon yesterday", "late Tuesday night"
/// aside: "afternoon Friday"; and "mid-afternoon" alone, on the day in focus.
pub(crate) fn part_then_day(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let prefixed = cx.is_any(i, &["mid", "early", "late"]);
    let j = if prefixed { i + 1 } else { i };
    let part = part_of_day_at(cx, j)?;
    let day = match cx.lex(j + 1) {
        Some(Lex::RelativeDay(offset)) => Some(cx.anchor.day(i64::from(offset))),
        // "afternoon Friday night" is no single time.
        Some(Lex::Weekday { plural: false, .. }) => weekday_governed(cx, j + 1, i)
            .filter(|f| f.kind == TimexType::Date)
            .map(|f| f.value),
        _ => None,
    };
    match day {
        Some(day) => Some(Found::new(
            i,
            j + 1,
            TimexType::Time,
            format!("{day}T{}", part.code()),
        )),
        None if cx.is(i, "mid") => {
            let day = cx.sentence_day.clone().unwrap_or_else(|| cx.anchor.day(0));
            Some(Found::new(
                i,
                j,
                TimexType::Time,
                format!("{day}T{}", part.code()),
            ))
        }
        None => None,
    }
}

/// "Tuesday", "last Friday", "next Monday", "Tuesday morning", "Wednesday night".
pub(crate) fn weekday(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    weekday_governed(cx, i, i)
}

/// A weekday expression at `i` inside a longer one starting at `governed_from` ("until
/// 9 a.m. Tuesday"): the tense is read around the whole expression.
pub(crate) fn weekday_governed(
    cx: &Context<'_, '_>,
    i: usize,
    governed_from: usize,
) -> Option<Found> {
    let lower = cx.word(i)?.lower();
    // "the previous Friday", "the following Monday": counted from the narrative's day.
    if lower == "the"
        && let Some(step) = match cx.word(i + 1).map(|w| w.lower()) {
            Some("previous" | "preceding") => Some(-1i64),
            Some("following" | "next") => Some(1),
            _ => None,
        }
        && let Some(Lex::Weekday { day, plural: false }) = cx.lex(i + 2)
        && cx.word(i + 2)?.starts_upper()
    {
        let value = cx.reference_at(i).map_or_else(
            || format!("XXXX-WXX-{day}"),
            |reference| {
                let today = i64::from(chrono::Datelike::weekday(&reference).number_from_monday());
                let gap = if step < 0 {
                    -((today - i64::from(day) - 1).rem_euclid(7) + 1)
                } else {
                    (i64::from(day) - today - 1).rem_euclid(7) + 1
                };
                reference
                    .checked_add_signed(chrono::TimeDelta::days(gap))
                    .map_or_else(|| format!("XXXX-WXX-{day}"), crate::anchor::day_value)
            },
        );
        return Some(Found::date(i, i + 2, value));
    }
    let (explicit, strict, j) = match lower {
        "last" | "past" => (Some(Direction::Backward), true, i + 1),
        "next" | "coming" => (Some(Direction::Forward), true, i + 1),
        "this" => match cx.word(i + 1).map(|w| w.lower()) {
            Some("past") => (Some(Direction::Backward), true, i + 2),
            Some("coming") => (Some(Direction::Forward), true, i + 2),
            _ => (Some(Direction::Forward), false, i + 1),
        },
        _ => (None, false, i),
    };
    let Some(Lex::Weekday { day, plural: false }) = cx.lex(j) else {
        return None;
    };
    if !cx.word(j)?.starts_upper() || super::sets::shared_plural_part(cx, j).is_some() {
        return None;
    }
    let part = part_of_day_at(cx, j + 1);
    let direction = explicit.unwrap_or_else(|| match cx.direction(governed_from.min(i), j) {
        Direction::Forward => Direction::Forward,
        _ => Direction::Backward,
    });
    let value = cx.anchor.weekday(day, direction, strict);
    Some(with_part(i, j, value, part))
}

/// "the week of March 6": the ISO week holding the day.
pub(crate) fn week_of(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    if !(cx.is(i, "the") && cx.is(i + 1, "week") && cx.is(i + 2, "of")) {
        return None;
    }
    let day = super::calendar::month_date(cx, i + 3)?;
    let date = chrono::NaiveDate::parse_from_str(&day.value, "%Y-%m-%d").ok();
    let value = match date {
        Some(d) => crate::anchor::week_value(d),
        None if day.value.len() == 10 => "XXXX-WXX".to_string(),
        None => return None,
    };
    Some(Found::date(i, day.last, value))
}

/// Singular units that "this/last/next" turn into calendar periods.
fn calendar_unit(cx: &Context<'_, '_>, i: usize) -> Option<Unit> {
    match cx.lex(i) {
        Some(Lex::Unit {
            unit,
            plural: false,
        }) => Some(unit),
        _ => None,
    }
}

/// The period `offset` units away from the DCT.
fn period(cx: &Context<'_, '_>, unit: Unit, offset: i64) -> Option<String> {
    let a = cx.anchor;
    Some(match unit {
        Unit::Day => a.day(offset),
        Unit::Week => a.week(offset),
        Unit::Weekend => a.weekend(offset),
        Unit::Month => a.month(offset),
        Unit::Quarter => a.quarter(offset),
        Unit::Year => a.year(offset),
        Unit::Decade => a.decade(offset),
        Unit::Century => a.century(offset),
        _ => return None,
    })
}

/// "last week", "this month", "next year", "the current quarter", "the quarter",
/// "the weekend", "this fiscal year", "the year".
pub(crate) fn this_last_next(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let first = cx.word(i)?.lower();
    let second = cx.word(i + 1).map_or("", |w| w.lower());
    // (offset, index of the unit, "the" + past/next: a duration)
    let (offset, mut j, span_duration) = match (first, second) {
        ("this" | "current", _) => (Some(0), i + 1, false),
        ("the", "current" | "present") => (Some(0), i + 2, false),
        ("last" | "previous", _) => (Some(-1), i + 1, false),
        ("next" | "coming", _) => (Some(1), i + 1, false),
        ("the", "past" | "last" | "next" | "coming") => (None, i + 2, true),
        ("the", "following" | "previous" | "preceding")
            if cx.is(i + 2, "month") && cx.reference_month.is_some() =>
        {
            let step = if second == "following" { 1 } else { -1 };
            return Some(Found::date(i, i + 2, narrative_month(cx, step)));
        }
        ("that", "month") if cx.reference_month.is_some() => {
            return Some(Found::date(i, i + 1, narrative_month(cx, 0)));
        }
        ("the", "previous" | "preceding") => (Some(-1), i + 2, false),
        ("the", "following") if cx.is(i + 2, "year") && cx.reference_year.is_some() => {
            let value = cx
                .reference_year
                .map_or_else(String::new, |y| format!("{:04}", y + 1));
            return Some(Found::date(i, i + 2, value));
        }
        ("the", "following") => (Some(1), i + 2, false),
        ("the", "full" | "entire" | "whole")
            if cx.is(i + 2, "year") && !cx.word(i + 2).is_some_and(|w| w.hyphen_after) =>
        {
            return Some(Found::date(i, i + 2, cx.anchor.year(0)));
        }
        ("year", "end") => {
            return Some(Found::date(i, i + 1, cx.anchor.year(0)).ending());
        }
        ("year", "'s" | "’s") if cx.is(i + 2, "end") => {
            return Some(Found::date(i, i + 2, cx.anchor.year(0)).ending());
        }
        ("that", "year") => {
            let year = cx.reference_year.or_else(|| cx.anchor.year_number(0));
            let value = year.map_or_else(|| "XXXX".to_string(), |y| format!("{y:04}"));
            return Some(Found::date(i, i + 1, value));
        }
        ("the", "latest" | "most") => {
            let j = if second == "most" && cx.is(i + 2, "recent") {
                i + 3
            } else {
                i + 2
            };
            if cx.is(j, "period") {
                return Some(Found::date(i, j, last_reported_quarter(cx)));
            }
            if matches!(calendar_unit(cx, j), Some(Unit::Quarter)) {
                let value = last_reported_quarter(cx);
                return Some(Found::date(i, j, value));
            }
            return None;
        }
        ("the", _) => (None, i + 1, false),
        _ => return None,
    };
    let fiscal = cx.is(j, "fiscal");
    if fiscal {
        j += 1;
    }
    let unit = calendar_unit(cx, j)?;
    // "the year-ago quarter" belongs to `ago`.
    if cx.word(j).is_some_and(|w| w.hyphen_after) {
        return None;
    }
    if span_duration {
        // "the past decade": the stretch of years up to now; "the last decade" stays the
        // calendar decade before the DCT's.
        if second == "past" && matches!(unit, Unit::Decade | Unit::Century) {
            let years = if unit == Unit::Decade {
                "P10Y"
            } else {
                "P100Y"
            };
            return Some(Found::new(i, j, TimexType::Duration, years));
        }
        // "the past year", "the next month": TimeBank reads them as the calendar period
        // before or after the DCT's.
        let offset = if matches!(second, "next" | "coming") {
            1
        } else {
            -1
        };
        return Some(Found::date(i, j, period(cx, unit, offset)?));
    }
    let Some(offset) = offset else {
        // Bare "the": only a few units mean the period in focus.
        return match unit {
            Unit::Quarter => Some(Found::date(i, j, last_reported_quarter(cx))),
            // "the year ended Sept. 30" is a fiscal twelve months; "for the year" is
            // the year in focus.
            Unit::Year if cx.is_any(j + 1, &["ended", "ending", "ends", "to"]) => {
                Some(Found::new(i, j, TimexType::Duration, "P1Y"))
            }
            Unit::Year if !cx.is_any(j + 1, &["before", "after", "in", "when", "that"]) => {
                Some(Found::date(i, j, cx.anchor.year(0)))
            }
            Unit::Weekend => {
                let direction = cx.direction(i, j);
                let is_weekend = cx
                    .anchor
                    .dct
                    .is_some_and(|d| chrono::Datelike::weekday(&d).number_from_monday() >= 6);
                let offset = if direction == Direction::Forward || is_weekend {
                    0
                } else {
                    -1
                };
                Some(Found::date(i, j, cx.anchor.weekend(offset)))
            }
            _ => None,
        };
    };
    // "last year's" keeps its clitic out of the span.
    let value = if unit == Unit::Quarter && offset == -1 && first != "last" {
        // "the previous quarter" follows the quarter in focus.
        shifted_quarter(cx, -1)
    } else {
        period(cx, unit, offset)?
    };
    Some(Found::date(i, j, value))
}

/// The month `step` months from the one the narrative is in.
fn narrative_month(cx: &Context<'_, '_>, step: i32) -> String {
    match cx.reference_month {
        Some((year, month)) => {
            let index = year * 12 + month as i32 - 1 + step;
            let year = index.div_euclid(12);
            if crate::anchor::year_ok(year) {
                format!("{year:04}-{:02}", index.rem_euclid(12) + 1)
            } else {
                "XXXX-XX".to_string()
            }
        }
        None => "XXXX-XX".to_string(),
    }
}

/// The quarter financial news talks about when it says "the quarter" or "the latest
/// period": the one the report has named ("the fiscal first quarter ... in the quarter"),
/// or else the last completed one, whose results are being reported.
fn last_reported_quarter(cx: &Context<'_, '_>) -> String {
    match cx.quarter {
        Some(_) => shifted_quarter(cx, 0),
        None => cx.anchor.quarter(-1),
    }
}

fn shifted_quarter(cx: &Context<'_, '_>, by: i32) -> String {
    match cx.quarter {
        Some((year, q)) => {
            let index = year * 4 + (q as i32 - 1) + by;
            let year = index.div_euclid(4);
            if crate::anchor::year_ok(year) {
                format!("{year:04}-Q{}", index.rem_euclid(4) + 1)
            } else {
                "XXXX-QX".to_string()
            }
        }
        None => cx.anchor.quarter(i64::from(by)),
    }
}

/// "two years ago", "a week earlier", "three days later", "six months from now",
/// "the year-earlier quarter", "year-ago".
pub(crate) fn ago(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    // "year-earlier", "the year-ago period": the same period a year before.
    let j = if cx.is(i, "the") { i + 1 } else { i };
    if cx.is(j, "year")
        && cx.word(j).is_some_and(|w| w.hyphen_after)
        && cx.is_any(j + 1, &["earlier", "ago"])
    {
        let mut last = j + 1;
        if cx.is_any(last + 1, &["period", "quarter", "level", "levels"]) {
            last += 1;
        } else if j > i {
            return None;
        }
        let value = if cx.mentions_quarter() || cx.quarter.is_some() {
            shifted_quarter_or_last(cx, -4)
        } else {
            cx.anchor.year(-1)
        };
        return Some(Found::date(i, last, value));
    }
    let amount = quantity(cx, i)?;
    let (unit, _) = unit_at(cx, amount.end)?;
    let mut k = amount.end + 1;
    // "a week or so ago".
    if cx.is(k, "or") && cx.is(k + 1, "so") && cx.is_any(k + 2, &["ago", "earlier", "later"]) {
        k += 2;
    }
    let sign: i64 = if cx.is(k, "ago") || cx.is(k, "earlier") || cx.is(k, "back") && amount.end > i
    {
        -1
    } else if cx.is(k, "later") || cx.is(k, "from") && cx.is(k + 1, "now") || cx.is(k, "hence") {
        1
    } else {
        return None;
    };
    let last = if cx.is(k, "from") { k + 1 } else { k };
    let narrative = cx.is_any(k, &["earlier", "later"]);
    let short = matches!(unit, Unit::Day | Unit::Hour | Unit::Minute | Unit::Second);
    let approximated = i > 0
        && (cx.is_any(i - 1, &["about", "over"])
            || i > 1 && cx.is(i - 1, "than") && cx.is_any(i - 2, &["more", "less", "fewer"]));
    // TimeBank marks "three days later" and "about two years ago" as the stretch of time,
    // without the adverb in the first case.
    if (narrative && short) || approximated {
        let value = super::durations::format_duration(amount.value, unit, amount.half)?;
        let end = if approximated { last } else { k - 1 };
        return Some(Found::new(i, end, TimexType::Duration, value));
    }
    let Some(n) = amount.value else {
        let value = if sign < 0 {
            Reference::Past
        } else {
            Reference::Future
        }
        .value();
        return Some(Found::date(i, last, value));
    };
    let n = i64::try_from(n).ok()? * sign;
    let a = cx.anchor;
    let value = match unit {
        Unit::Day if narrative => match cx
            .reference_at(i)
            .and_then(|r| r.checked_add_signed(chrono::TimeDelta::try_days(n)?))
        {
            Some(day) => crate::anchor::day_value(day),
            None => a.day(n),
        },
        Unit::Day => a.day(n),
        Unit::Week => a.week(n),
        Unit::Fortnight => a.week(2 * n),
        Unit::Month => a.month(n),
        Unit::Quarter => a.quarter(n),
        Unit::Year if (cx.mentions_quarter() || cx.quarter.is_some()) && n.abs() == 1 => {
            shifted_quarter_or_last(cx, 4 * n as i32)
        }
        Unit::Year => a.year(n),
        Unit::Decade => a.year(10 * n),
        Unit::Century => a.century(n),
        Unit::Hour | Unit::Minute | Unit::Second => a.day(0),
        Unit::Weekend | Unit::Millennium => return None,
    };
    let mut found = Found::date(i, last, value);
    if matches!(unit, Unit::Hour | Unit::Minute | Unit::Second) {
        found.kind = TimexType::Time;
    }
    Some(found)
}

/// "the corresponding period last year", "the comparable quarter a year ago", "last
/// year's quarter": the quarter in focus, a year back.
pub(crate) fn comparable_period(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    if cx.is(i, "last") && cx.is(i + 1, "year") && cx.is_any(i + 2, &["'s", "’s"]) {
        return cx
            .is_any(i + 3, &["quarter", "period"])
            .then(|| Found::date(i, i + 3, shifted_quarter_or_last(cx, -4)));
    }
    if !cx.is(i, "the")
        || !cx.is_any(
            i + 1,
            &["corresponding", "comparable", "same", "equivalent"],
        )
        || !cx.is_any(i + 2, &["quarter", "period"])
    {
        return None;
    }
    let last = if cx.is(i + 3, "last") && cx.is(i + 4, "year") {
        i + 4
    } else if cx.is(i + 3, "a")
        && cx.is(i + 4, "year")
        && cx.is_any(i + 5, &["ago", "earlier", "before"])
    {
        i + 5
    } else {
        return None;
    };
    Some(Found::date(i, last, shifted_quarter_or_last(cx, -4)))
}

/// The quarter in focus (or else the last completed one, which is being reported on),
/// shifted by `by` quarters.
fn shifted_quarter_or_last(cx: &Context<'_, '_>, by: i32) -> String {
    match cx.quarter {
        Some(_) => shifted_quarter(cx, by),
        None => cx.anchor.quarter(i64::from(by) - 1),
    }
}

/// "recent weeks", "the coming days": TimeML annotates them as durations of unspecified
/// length (`PXW`, `PXD`), not as references.
fn vague_stretch(cx: &Context<'_, '_>, first: usize, unit_at: usize) -> Option<Found> {
    let Some(Lex::Unit { unit, .. }) = cx.lex(unit_at) else {
        return None;
    };
    let value = super::durations::format_duration(None, unit, false)?;
    Some(Found::new(first, unit_at, TimexType::Duration, value))
}

/// Vague references: "now", "currently", "recently", "recent weeks", "the past",
/// "the future", "the coming days", "these days", "soon".
pub(crate) fn reference(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let word = cx.word(i)?;
    let plural_unit = |k: usize| matches!(cx.lex(k), Some(Lex::Unit { plural: true, .. }));
    if word.is("the") {
        let next = cx.word(i + 1)?;
        if next.is("past")
            && !plural_unit(i + 2)
            && cx.lex(i + 2).is_none()
            && cx.word(i + 2).is_none_or(|w| w.numeric.is_none())
        {
            return Some(Found::date(i, i + 1, Reference::Past.value()));
        }
        if next.is("future") {
            return Some(Found::date(i, i + 1, Reference::Future.value()));
        }
        if next.is_any(&["near", "distant", "foreseeable", "immediate"]) && cx.is(i + 2, "future") {
            return Some(Found::date(i, i + 2, Reference::Future.value()));
        }
        // "in the near term", "over the long term": the future, unlike a "short-term loan"
        // or "the term of the contract".
        if next.is_any(&["near", "short", "long", "longer", "medium"])
            && cx.is(i + 2, "term")
            && !cx.word(i + 1).is_some_and(|w| w.hyphen_after)
            && i > 0
            && cx.is_any(
                i - 1,
                &[
                    "in", "over", "for", "of", "during", "through", "beyond", "into",
                ],
            )
        {
            return Some(Found::date(i, i + 2, Reference::Future.value()));
        }
        if next.is_any(&["coming", "next"])
            && cx.is_any(i + 2, &["few", "several"])
            && plural_unit(i + 3)
        {
            return None;
        }
        if next.is("coming") && plural_unit(i + 2) {
            return vague_stretch(cx, i, i + 2);
        }
        if next.is("present") && !cx.is(i + 2, "day") {
            return Some(Found::date(i, i + 1, Reference::Present.value()));
        }
        if next.is("moment") && i > 0 && cx.is(i - 1, "at") {
            return Some(Found::date(i, i + 1, Reference::Present.value()));
        }
        return None;
    }
    // "at a later date": some time to come.
    if word.is("a") && cx.is_any(i + 1, &["later", "future"]) && cx.is(i + 2, "date") {
        return Some(Found::date(i, i + 2, Reference::Future.value()));
    }
    // "the then current price": current as of a past time.
    if word.is("then") && cx.is(i + 1, "current") && cx.lex(i + 2).is_none() {
        return Some(Found::date(i, i + 1, Reference::Past.value()));
    }
    if word.is("these") && cx.is(i + 1, "days") {
        return Some(Found::date(i, i + 1, Reference::Present.value()));
    }
    if word.is("coming") && plural_unit(i + 1) {
        return vague_stretch(cx, i, i + 1);
    }
    if word.is("present") && i > 0 && cx.is(i - 1, "at") {
        return Some(Found::date(i, i, Reference::Present.value()));
    }
    let Some(Lex::Reference(reference)) = word.lex else {
        return None;
    };
    if word.is("recent") && plural_unit(i + 1) {
        return vague_stretch(cx, i, i + 1);
    }
    if word.is("past") {
        return None;
    }
    if word.is("earlier") {
        return None;
    }
    // Alone, "recent" and "future" are adjectives of things ("recent gains").
    if word.is_any(&["recent", "future"]) {
        return None;
    }
    if word.is("current") && cx.lex(i + 1).is_some() {
        return None;
    }
    Some(Found::date(i, i, reference.value()))
}

#[cfg(test)]
mod tests {
    use crate::grammar::tests::tag_2021_08_03 as tag;

    #[test]
    fn days_and_weekdays() {
        assert_eq!(
            tag("He left yesterday."),
            [("yesterday", "DATE", "2021-08-02", None)]
        );
        assert_eq!(
            tag("She said Tuesday"),
            [("Tuesday", "DATE", "2021-08-03", None)]
        );
        assert_eq!(
            tag("He said Friday"),
            [("Friday", "DATE", "2021-07-30", None)]
        );
        assert_eq!(
            tag("They will vote Friday"),
            [("Friday", "DATE", "2021-08-06", None)]
        );
        assert_eq!(
            tag("last Tuesday"),
            [("last Tuesday", "DATE", "2021-07-27", None)]
        );
        assert_eq!(
            tag("Tuesday morning"),
            [("Tuesday morning", "TIME", "2021-08-03TMO", None)]
        );
        assert_eq!(
            tag("last night"),
            [("last night", "TIME", "2021-08-02TNI", None)]
        );
    }

    #[test]
    fn narrative_weekdays_and_weeks() {
        assert_eq!(
            tag("On Aug. 5 the index fell 3% from the previous Friday."),
            [
                ("Aug. 5", "DATE", "2021-08-05", None),
                ("the previous Friday", "DATE", "2021-07-30", None)
            ]
        );
        assert_eq!(
            tag("Talks are set for the week of Aug. 16."),
            [("the week of Aug. 16", "DATE", "2021-W33", None)]
        );
        assert_eq!(
            tag("He was shot last Oct. 23 at home."),
            [("last Oct. 23", "DATE", "2020-10-23", None)]
        );
    }

    #[test]
    fn parts_of_day_before_the_day() {
        assert_eq!(
            tag("Shares rose at mid-afternoon yesterday."),
            [("mid-afternoon yesterday", "TIME", "2021-08-02TAF", None)]
        );
        assert_eq!(
            tag("By mid afternoon, the police had left."),
            [("mid afternoon", "TIME", "2021-08-03TAF", None)]
        );
    }

    #[test]
    fn event_anchored_days_are_left_alone() {
        assert!(tag("He was seen the day before police issued a warrant.").is_empty());
        assert_eq!(
            tag("He went there the day before last Tuesday's hearing."),
            [("the day before last Tuesday", "DATE", "2021-07-26", None)]
        );
        assert_eq!(
            tag("He had arrived the day before."),
            [("the day before", "DATE", "2021-08-02", None)]
        );
        assert_eq!(
            tag("He left on Aug. 1 and returned the next morning."),
            [
                ("Aug. 1", "DATE", "2021-08-01", None),
                ("the next morning", "TIME", "2021-08-02TMO", None)
            ]
        );
    }

    #[test]
    fn narrative_months() {
        assert_eq!(
            tag("In March 2019 the firm was sold. The following month, its chief quit."),
            [
                ("March 2019", "DATE", "2019-03", None),
                ("The following month", "DATE", "2019-04", None)
            ]
        );
    }

    #[test]
    fn periods_and_offsets() {
        assert_eq!(tag("Last week"), [("Last week", "DATE", "2021-W30", None)]);
        assert_eq!(tag("this week"), [("this week", "DATE", "2021-W31", None)]);
        assert_eq!(tag("next month"), [("next month", "DATE", "2021-09", None)]);
        assert_eq!(
            tag("two years ago"),
            [("two years ago", "DATE", "2019", None)]
        );
        assert_eq!(
            tag("10 days ago"),
            [("10 days ago", "DATE", "2021-07-24", None)]
        );
        assert_eq!(
            tag("the past year"),
            [("the past year", "DATE", "2020", None)]
        );
        assert_eq!(
            tag("over the past decade"),
            [("the past decade", "DURATION", "P10Y", None)]
        );
    }

    #[test]
    fn references() {
        assert_eq!(
            tag("Profits will suffer in the near term."),
            [("the near term", "DATE", "FUTURE_REF", None)]
        );
        assert_eq!(tag("She won a second term."), []);
        assert_eq!(tag("a short-term loan"), []);
        assert_eq!(
            tag("The talks will resume at a later date."),
            [("a later date", "DATE", "FUTURE_REF", None)]
        );
        assert_eq!(tag("No date was set."), []);
        assert_eq!(
            tag("shares at half the then current price"),
            [("then current", "DATE", "PAST_REF", None)]
        );
        assert_eq!(tag("recently"), [("recently", "DATE", "PAST_REF", None)]);
        assert_eq!(tag("now"), [("now", "DATE", "PRESENT_REF", None)]);
        assert_eq!(
            tag("in recent weeks"),
            [("recent weeks", "DURATION", "PXW", None)]
        );
        assert_eq!(tag("in the past"), [("the past", "DATE", "PAST_REF", None)]);
        assert_eq!(
            tag("in the coming days"),
            [("the coming days", "DURATION", "PXD", None)]
        );
    }
}
