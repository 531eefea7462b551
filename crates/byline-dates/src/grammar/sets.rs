//! Sets (recurring times): "every Monday", "each year", "annually", "twice a week",
//! "Tuesday nights", "every other month".

use byline_core::TimexType;

use super::durations::{format_duration, quantity};
use super::{Context, Found};
use crate::lexicon::{Lex, PartOfDay, Unit};

/// Does the "a" at `i` make a rate of the amount just before it: "$2 million a year",
/// "700 seats a week", "24 hours a day"? A preposition in between makes it a stretch of
/// time instead: "the smallest gain in a year".
pub(crate) fn is_rate(cx: &Context<'_, '_>, i: usize) -> bool {
    (1..=3).take_while(|&k| k <= i).any(|k| {
        let Some(w) = cx.word(i - k) else {
            return false;
        };
        w.numeric.is_some()
            || matches!(w.lex, Some(Lex::Numeral(_)))
            || w.is_any(&["million", "billion", "percent", "%"])
    }) && !cx.is_any(
        i - 1,
        &[
            "in", "for", "within", "after", "over", "about", "than", "from", "to", "by",
        ],
    )
}

/// "on Monday and Tuesday nights": the weekday at `i` shares the plural part of day of
/// the one coordinated with it, and so is a set too.
pub(crate) fn shared_plural_part(cx: &Context<'_, '_>, i: usize) -> Option<PartOfDay> {
    if !cx.is_any(i + 1, &["and", "or"])
        || !matches!(cx.lex(i + 2), Some(Lex::Weekday { plural: false, .. }))
    {
        return None;
    }
    match cx.lex(i + 3) {
        Some(Lex::PartOfDay { part, plural: true }) => Some(part),
        _ => None,
    }
}

fn set(first: usize, last: usize, value: impl Into<String>) -> Found {
    Found::new(first, last, TimexType::Set, value)
}

/// "every Monday", "each July", "every other week", "every three days", "annually",
/// "Mondays", "Tuesday nights", "twice a year", "per week".
pub(crate) fn set_expression(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let word = cx.word(i)?;
    match word.lex {
        Some(Lex::Frequency(period)) => {
            // "daily" and "weekly" as nouns ("a national daily") are publications.
            if cx.word(i + 1).is_none_or(|w| w.kind_is_punct())
                && i > 0
                && cx.is_any(i - 1, &["a", "the"])
            {
                return None;
            }

            return Some(set(i, i, period));
        }
        Some(Lex::Weekday { day, plural: true }) if word.starts_upper() => {
            return Some(set(i, i, format!("XXXX-WXX-{day}")));
        }
        Some(Lex::Weekday { day, plural: false }) if word.starts_upper() => {
            if let Some(Lex::PartOfDay { part, plural: true }) = cx.lex(i + 1) {
                return Some(set(i, i + 1, format!("XXXX-WXX-{day}T{}", part.code())));
            }
            if let Some(part) = shared_plural_part(cx, i) {
                return Some(set(i, i, format!("XXXX-WXX-{day}T{}", part.code())));
            }
            return None;
        }
        _ => {}
    }
    let frequency_word = word.is_any(&["every", "each", "per"]);
    let a_after_times = word.is_any(&["a", "an"])
        && i > 0
        && (cx.is_any(i - 1, &["times", "twice", "once", "thrice"]) || is_rate(cx, i));
    if !frequency_word && !a_after_times {
        return None;
    }
    let mut j = i + 1;
    let mut count = Some(1);
    if cx.is(j, "other") {
        count = Some(2);
        j += 1;
    } else if frequency_word
        && let Some(q) = quantity(cx, j).filter(|q| q.value.is_some_and(|v| v > 1))
    {
        count = q.value;
        j = q.end;
    }
    let value = match cx.lex(j)? {
        Lex::Unit {
            unit: Unit::Weekend,
            ..
        } => "XXXX-WXX-WE".to_string(),
        Lex::Unit {
            unit: Unit::Quarter,
            plural: false,
        } if count == Some(1) => "P1Q".to_string(),
        Lex::Unit { unit, .. } => format_duration(count, unit, false)?,
        Lex::Weekday { day, .. } if frequency_word => format!("XXXX-WXX-{day}"),
        Lex::Month(month) if frequency_word => format!("XXXX-{month:02}"),
        Lex::Season { season, .. } if frequency_word => format!("XXXX-{}", season.code()),
        Lex::PartOfDay { part, .. } if frequency_word => format!("XXXX-XX-XXT{}", part.code()),
        _ => return None,
    };
    Some(set(i, j, value))
}

#[cfg(test)]
mod tests {
    use crate::grammar::tests::tag_2021_08_03 as tag;

    #[test]
    fn sets() {
        assert_eq!(
            tag("every Monday"),
            [("every Monday", "SET", "XXXX-WXX-1", None)]
        );
        assert_eq!(
            tag("It is paid annually."),
            [("annually", "SET", "P1Y", None)]
        );
        assert_eq!(
            tag("It pays about $2 million a year in interest."),
            [("a year", "SET", "P1Y", None)]
        );
        assert_eq!(
            tag("the smallest gain in a year"),
            [("a year", "DURATION", "P1Y", None)]
        );
        assert_eq!(
            tag("They meet twice a year."),
            [("a year", "SET", "P1Y", None)]
        );
        assert_eq!(
            tag("every other week"),
            [("every other week", "SET", "P2W", None)]
        );
        assert_eq!(
            tag("on Tuesday nights"),
            [("Tuesday nights", "SET", "XXXX-WXX-2TNI", None)]
        );
        assert_eq!(
            tag("flights on Monday and Tuesday nights"),
            [
                ("Monday", "SET", "XXXX-WXX-1TNI", None),
                ("Tuesday nights", "SET", "XXXX-WXX-2TNI", None)
            ]
        );
        assert_eq!(
            tag("Prices are updated daily by the agency."),
            [("daily", "SET", "P1D", None)]
        );
    }
}
