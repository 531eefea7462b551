//! Clock times: "3:30 p.m.", "10 a.m. EST", "noon Thursday", "5 p.m. EST, Nov. 9",
//! "4 in the morning", "midnight Friday".

use byline_core::TimexType;

use super::{Context, Found, calendar, relative};
use crate::lexicon::Lex;
use crate::words::Numeric;

const ZONES: &[&str] = &[
    "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "gmt", "utc", "bst", "cet", "cest",
    "et", "pt", "ct",
];

/// "a.m." → false, "p.m." → true.
fn meridiem(text: &str) -> Option<bool> {
    let mut letters = text
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase());
    let first = letters.next()?;
    if letters.next() != Some(b'm') || letters.next().is_some() {
        return None;
    }
    match first {
        b'a' => Some(false),
        b'p' => Some(true),
        _ => None,
    }
}

/// A clock reading at `i`: (hour, minute, last word, explicit).
fn reading(cx: &Context<'_, '_>, i: usize) -> Option<(u32, u32, usize)> {
    let word = cx.word(i)?;
    match word.lex {
        Some(Lex::Noon) => return Some((12, 0, i)),
        Some(Lex::Midnight) => return Some((24, 0, i)),
        _ => {}
    }
    // "3pm", "10:35am" come as one token.
    word.numeric?;
    let lower = word.lower();
    let (digits, glued) = match lower
        .strip_suffix("pm")
        .or_else(|| lower.strip_suffix("am"))
    {
        Some(rest) if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_digit()) => {
            (rest, meridiem(&lower[rest.len()..]))
        }
        _ => (word.text, None),
    };
    let (hour, minute, clock) = match crate::words::numeric(digits) {
        Numeric::Integer { value, digits } if digits <= 2 => (value, 0, false),
        Numeric::Clock { hour, minute } => (hour, minute, true),
        _ => return None,
    };
    let (pm, last) = if let Some(pm) = glued {
        (Some(pm), i)
    } else if let Some(pm) = cx
        .word(i + 1)
        .and_then(|w| meridiem(w.text).filter(|_| w.text.len() <= 4))
    {
        (Some(pm), i + 1)
    } else if cx.is(i + 1, "o'clock") {
        (None, i + 1)
    } else if cx.is(i + 1, "in") && cx.is(i + 2, "the") {
        match cx.lex(i + 3) {
            Some(Lex::PartOfDay {
                part,
                plural: false,
            }) => {
                let pm = !matches!(part, crate::lexicon::PartOfDay::Morning);
                (Some(pm), i + 3)
            }
            _ => return None,
        }
    } else if clock
        && (i > 0
            && cx.is_any(
                i - 1,
                &["at", "by", "until", "till", "from", "around", "about"],
            )
            || cx.is_any(i + 1, ZONES))
    {
        (None, i)
    } else {
        return None;
    };
    if hour > 24 || (pm.is_some() && !(1..=12).contains(&hour)) {
        return None;
    }
    let hour = match pm {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    Some((hour, minute, last))
}

/// "3:30 p.m.", "noon Thursday", "10 p.m. EST Wednesday".
pub(crate) fn time(cx: &Context<'_, '_>, i: usize) -> Option<Found> {
    let (hour, minute, mut last) = reading(cx, i)?;
    let is_noon_word = matches!(cx.lex(i), Some(Lex::Noon | Lex::Midnight));
    if cx.is_any(last + 1, ZONES) {
        last += 1;
    }
    // A day right after the time: "noon Thursday", "5 p.m. EST, Nov. 9", "10 a.m. today".
    let after = if cx.is(last + 1, ",") {
        last + 2
    } else {
        last + 1
    };
    let day_at = |at: usize| {
        [
            calendar::month_date(cx, at),
            relative::weekday_governed(cx, at, i),
            relative::relative_day(cx, at),
            calendar::numeric_date(cx, at),
        ]
        .into_iter()
        .flatten()
        .filter(|f| f.first == at && f.kind == TimexType::Date && f.value.len() == 10)
        .max_by_key(|f| f.last)
    };
    let day = day_at(after);
    let date = match day {
        Some(day) => {
            last = day.last;
            day.value
        }
        // "10:35 a.m. (0735 GMT) Friday", "4 in the morning (4 a.m. Thursday)": the day
        // sits in or right after a parenthesis, outside the span.
        None if let Some(day) = parenthesised_day(cx, after, day_at) => day,
        None => {
            if is_noon_word
                && !(i > 0
                    && cx.is_any(
                        i - 1,
                        &[
                            "at", "by", "until", "till", "before", "after", "around", "about",
                            "from", "since",
                        ],
                    ))
            {
                return None;
            }
            // Otherwise the day the narrative is on: "He was shot Oct. 23. ... It
            // happened at 10 p.m."
            cx.sentence_day.clone().unwrap_or_else(|| {
                cx.reference_at(i)
                    .map_or_else(|| cx.anchor.day(0), crate::anchor::day_value)
            })
        }
    };
    let value = if hour == 24 {
        format!("{date}T24:00")
    } else {
        format!("{date}T{hour:02}:{minute:02}")
    };
    Some(Found::new(i, last, TimexType::Time, value))
}

/// The day named inside the parenthesis opening at `open`, or right after it closes.
fn parenthesised_day(
    cx: &Context<'_, '_>,
    open: usize,
    day_at: impl Fn(usize) -> Option<Found>,
) -> Option<String> {
    if !cx.is(open, "(") {
        return None;
    }
    let close = (open + 1..open + 9).find(|&k| cx.is(k, ")"))?;
    (open + 1..=close + 1)
        .filter(|&k| matches!(cx.lex(k), Some(Lex::Weekday { .. } | Lex::Month(_))))
        .find_map(&day_at)
        .map(|f| f.value)
}

#[cfg(test)]
mod tests {
    use crate::grammar::tests::tag_2021_08_03 as tag;

    #[test]
    fn clock_times() {
        assert_eq!(
            tag("at 3:30 p.m."),
            [("3:30 p.m.", "TIME", "2021-08-03T15:30", None)]
        );
        assert_eq!(
            tag("at 10 a.m. EST"),
            [("10 a.m. EST", "TIME", "2021-08-03T10:00", None)]
        );
        assert_eq!(
            tag("He left at noon Thursday"),
            [("noon Thursday", "TIME", "2021-07-29T12:00", None)]
        );
        assert_eq!(
            tag("They have until 9 a.m. Thursday"),
            [("9 a.m. Thursday", "TIME", "2021-08-05T09:00", None)]
        );
        assert_eq!(
            tag("The blast came at 10:35 a.m. (0835 GMT) Monday."),
            [
                ("10:35 a.m.", "TIME", "2021-08-02T10:35", None),
                ("Monday", "DATE", "2021-08-02", None)
            ]
        );
        assert_eq!(tag("at 9pm"), [("9pm", "TIME", "2021-08-03T21:00", None)]);
        assert!(tag("a score of 3 to 2").is_empty());
    }
}
