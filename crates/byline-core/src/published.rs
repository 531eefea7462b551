//! The publication date (document creation time) of an article, and the one parser that
//! reads it from whatever a feed sends.
//!
//! Feeds write dates in many ways, and a date that cannot be read sends the whole article
//! to the dead letters, so this parser accepts every form that is unambiguous:
//!
//! - RFC 3339 dates and datetimes (`2021-08-03`, `2021-08-03T10:15:00Z`, a space for `T`),
//!   kept exactly as given;
//! - RFC 2822, as RSS and e-mail write it (`Tue, 03 Aug 2021 10:00:00 GMT`), parsed by
//!   chrono; a weekday that does not match the date is ignored, since the numbers say more;
//! - a month name with a day and a year (`Aug 3, 2021`, `August 3, 2021`, `3 August 2021`,
//!   `3 Aug 2021`, `Sept. 3rd, 2021`, an optional leading weekday);
//! - year-first numeric dates (`2021/08/03`, `2021.08.03`) and the compact `20210803`;
//! - epoch seconds, or milliseconds (13 digits and more), as a number or a numeric string;
//! - day and month numbers with the year last (`03/08/2021`): read only when the day is
//!   over 12 or the source says its `date_order` ("dmy" or "mdy"), because guessing would
//!   silently move articles by months.
//!
//! The output carries a normalised RFC 3339 form ([`Published::as_str`], which the output
//! contract's `published` requires) and the original ([`Published::raw`]). The calendar
//! date that anchors relative dates is the date in the time zone the value gives, or UTC
//! when it gives none (epoch values).

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat};
use serde::Deserialize;

/// The order of day and month in an all-numeric date whose year comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// `03/08/2021` is 3 August 2021 (most of the world).
    Dmy,
    /// `03/08/2021` is March 8, 2021 (the United States).
    Mdy,
}

/// The publication date of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The value as the input gave it (trimmed).
    raw: String,
    /// RFC 3339: the raw value when it already is RFC 3339, else the normalised form.
    value: String,
    date: NaiveDate,
}

/// Why a `published` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid published date {value:?}: {reason}")]
pub struct PublishedError {
    pub value: String,
    pub reason: String,
}

/// What the parser accepts, for error messages.
const KNOWN_FORMS: &str = "expected RFC 3339 (2021-08-03, 2021-08-03T10:00:00Z), RFC 2822 \
     (Tue, 03 Aug 2021 10:00:00 GMT), \"Aug 3, 2021\", \"3 August 2021\", \"2021/08/03\", \
     or epoch seconds or milliseconds";

/// No date in any accepted form is longer; a longer value is refused before any parsing.
const MAX_LEN: usize = 80;

impl Published {
    /// Reads `value` in any unambiguous form (see the module documentation).
    pub fn parse(value: &str) -> Result<Published, PublishedError> {
        Published::parse_with(value, None)
    }

    /// Reads `value`; `order` settles all-numeric dates such as `03/08/2021`.
    pub fn parse_with(value: &str, order: Option<DateOrder>) -> Result<Published, PublishedError> {
        let raw = value.trim();
        let fail = |reason: String| PublishedError {
            value: value.to_string(),
            reason,
        };
        if raw.is_empty() {
            return Err(fail("empty".to_string()));
        }
        if raw.len() > MAX_LEN {
            return Err(fail(format!(
                "{} bytes is too long for a date; {KNOWN_FORMS}",
                raw.len()
            )));
        }
        let (value, date) = parse_any(raw, order).map_err(fail)?;
        if !(0..=9999).contains(&date.year()) {
            // RFC 3339 has four-digit years, and no news article is dated outside them.
            return Err(fail(format!("the year {} is out of range", date.year())));
        }
        Ok(Published {
            raw: raw.to_string(),
            value,
            date,
        })
    }

    /// Keeps `raw` as the original form of an already parsed value (reading output back,
    /// where `published` is the normalised form and the original travels beside it).
    pub fn with_raw(mut self, raw: impl Into<String>) -> Published {
        self.raw = raw.into();
        self
    }

    /// The calendar date, which anchors relative dates.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The value in RFC 3339 form, as the output contract's `published` carries it: the
    /// input unchanged when it was RFC 3339 already.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The value as the input gave it (trimmed).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The original, when it differs from [`Published::as_str`] (so that it is worth
    /// writing out beside it).
    pub fn original(&self) -> Option<&str> {
        (self.raw != self.value).then_some(self.raw.as_str())
    }
}

/// The normalised value and the anchoring date of a trimmed, non-empty `raw`.
fn parse_any(raw: &str, order: Option<DateOrder>) -> Result<(String, NaiveDate), String> {
    let bytes = raw.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    if raw.bytes().all(|b| b.is_ascii_digit()) || (raw.starts_with('-') && digits(1..raw.len())) {
        return parse_number(raw);
    }
    if digits(0..4) {
        match bytes.get(4) {
            Some(b'-') => return parse_rfc3339(raw),
            Some(b'/' | b'.') => return parse_year_first(raw),
            _ => {}
        }
    }
    if raw.starts_with(|c: char| c.is_ascii_digit())
        && raw
            .bytes()
            .all(|b| b.is_ascii_digit() || b"/-.".contains(&b))
    {
        return parse_year_last(raw, order);
    }
    if let Some(parsed) = parse_rfc2822(raw) {
        return Ok(parsed);
    }
    parse_words(raw).ok_or_else(|| KNOWN_FORMS.to_string())
}

/// `2021-08-03`, `2021-08-03T10:15:00Z`, `2021-08-03 10:15:00`: kept as given.
fn parse_rfc3339(raw: &str) -> Result<(String, NaiveDate), String> {
    let Some((date_part, rest)) = raw.split_at_checked(10) else {
        return Err(format!("not a calendar date; {KNOWN_FORMS}"));
    };
    let date = NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .map_err(|e| format!("not a calendar date ({e})"))?;
    if !rest.is_empty() {
        let time = rest.get(1..).unwrap_or_default();
        let with_t = format!("{date_part}T{time}");
        let ok = rest.starts_with(['T', 't', ' '])
            && (DateTime::parse_from_rfc3339(&with_t).is_ok()
                || chrono::NaiveDateTime::parse_from_str(&with_t, "%Y-%m-%dT%H:%M:%S").is_ok()
                || chrono::NaiveDateTime::parse_from_str(&with_t, "%Y-%m-%dT%H:%M").is_ok());
        if !ok {
            return Err("the time after the date is not RFC 3339".to_string());
        }
    }
    Ok((raw.to_string(), date))
}

/// Epoch seconds or milliseconds, or a compact `YYYYMMDD`.
fn parse_number(raw: &str) -> Result<(String, NaiveDate), String> {
    if raw.len() == 8 && !raw.starts_with('-') {
        // Eight digits as epoch seconds would be 1970–1973; as a date they are ISO 8601's
        // basic form, which is what a feed that writes eight digits means.
        let date = NaiveDate::parse_from_str(raw, "%Y%m%d")
            .map_err(|e| format!("eight digits are read as YYYYMMDD: not a calendar date ({e})"))?;
        return Ok((date.to_string(), date));
    }
    let number: i64 = raw
        .parse()
        .map_err(|_| format!("the number is out of range; {KNOWN_FORMS}"))?;
    // Seconds reach 11 digits only after the year 5138, so anything longer is milliseconds.
    let millis = number.unsigned_abs() >= 100_000_000_000;
    let time = if millis {
        DateTime::from_timestamp_millis(number)
    } else {
        DateTime::from_timestamp(number, 0)
    };
    let time = time.ok_or_else(|| "the epoch time is out of range".to_string())?;
    Ok((
        time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        time.date_naive(),
    ))
}

/// `2021/08/03`, `2021.8.3`.
fn parse_year_first(raw: &str) -> Result<(String, NaiveDate), String> {
    let separator = raw.as_bytes()[4] as char;
    let parts: Vec<&str> = raw.split(separator).collect();
    let [year, month, day] = parts[..] else {
        return Err(format!("expected year{separator}month{separator}day"));
    };
    let date = numeric_date(year, month, day)?;
    Ok((date.to_string(), date))
}

/// `03/08/2021`, `25-12-2021`, `12.25.2021`: the year last, the order of day and month
/// from the source's `date_order`, or from a number over 12.
fn parse_year_last(raw: &str, order: Option<DateOrder>) -> Result<(String, NaiveDate), String> {
    let separator = raw.chars().find(|c| !c.is_ascii_digit()).unwrap_or('/');
    let parts: Vec<&str> = raw.split(separator).collect();
    let [first, second, year] = parts[..] else {
        return Err(format!(
            "expected day{separator}month{separator}year; {KNOWN_FORMS}"
        ));
    };
    if year.len() != 4 {
        return Err(format!("the year must have four digits; {KNOWN_FORMS}"));
    }
    let small = |s: &str| s.parse::<u32>().is_ok_and(|n| n <= 12);
    let order = match order {
        Some(order) => order,
        None if small(first) && small(second) && first != second => {
            return Err(format!(
                "ambiguous day and month in {raw:?}: set `date_order = \"dmy\"` or \
                 `date_order = \"mdy\"` on the source"
            ));
        }
        None if small(first) => DateOrder::Mdy,
        None => DateOrder::Dmy,
    };
    let date = match order {
        DateOrder::Dmy => numeric_date(year, second, first)?,
        DateOrder::Mdy => numeric_date(year, first, second)?,
    };
    Ok((date.to_string(), date))
}

fn numeric_date(year: &str, month: &str, day: &str) -> Result<NaiveDate, String> {
    let number = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (number(year, 4), number(month, 2), number(day, 2)) else {
        return Err(format!(
            "expected a four-digit year, a month and a day; {KNOWN_FORMS}"
        ));
    };
    i32::try_from(y)
        .ok()
        .filter(|_| year.len() == 4)
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| format!("not a calendar date (year {year}, month {month}, day {day})"))
}

/// RFC 2822, normalised to RFC 3339 in the offset it gives.
fn parse_rfc2822(raw: &str) -> Option<(String, NaiveDate)> {
    let time = DateTime::parse_from_rfc2822(raw).ok().or_else(|| {
        // A feed's weekday is sometimes wrong; the numbers are what it means.
        let (weekday, rest) = raw.split_once(',')?;
        weekday_number(weekday.trim())?;
        DateTime::parse_from_rfc2822(rest.trim()).ok()
    })?;
    Some((
        time.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        time.date_naive(),
    ))
}

/// `Aug 3, 2021`, `August 3 2021`, `3 August 2021`, `Tuesday, 3rd Aug. 2021`.
fn parse_words(raw: &str) -> Option<(String, NaiveDate)> {
    let mut words: Vec<&str> = raw
        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    if words.first().is_some_and(|w| weekday_number(w).is_some()) {
        words.remove(0);
    }
    words.retain(|w| !w.eq_ignore_ascii_case("of"));
    let (month, day, year) = match words[..] {
        [a, b, year] => match month_number(a) {
            Some(month) => (month, b, year),
            None => (month_number(b)?, a, year),
        },
        _ => return None,
    };
    let day = day
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse::<u32>()
        .ok()
        .filter(|_| {
            // Only English ordinal suffixes may follow the number.
            let suffix = day.trim_start_matches(|c: char| c.is_ascii_digit());
            ["", "st", "nd", "rd", "th"].contains(&suffix.to_ascii_lowercase().as_str())
        })?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year.parse().ok()?, month, day)?;
    Some((date.to_string(), date))
}

/// Whether `word` names a month or a weekday (`Aug`, `Sept`, `Tuesday`): what a date
/// written in words starts with, for readers that must tell a date from prose.
pub fn is_month_or_weekday(word: &str) -> bool {
    month_number(word).is_some() || weekday_number(word).is_some()
}

fn month_number(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if word.eq_ignore_ascii_case("sept") {
        return Some(9);
    }
    position_of_name(&MONTHS, word).map(|i| i + 1)
}

fn weekday_number(word: &str) -> Option<u32> {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    position_of_name(&DAYS, word)
}

/// Where `word` (any case; the whole name or its first three letters) stands in `names`.
fn position_of_name(names: &[&str], word: &str) -> Option<u32> {
    let word = word.to_ascii_lowercase();
    names
        .iter()
        .position(|name| *name == word || (word.len() == 3 && name.starts_with(&word)))
        .map(|i| i as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn every_form_feeds_use_is_read() {
        let cases: [(&str, &str, NaiveDate); 20] = [
            ("2021-08-03", "2021-08-03", date(2021, 8, 3)),
            (
                "2021-08-03T10:15:00Z",
                "2021-08-03T10:15:00Z",
                date(2021, 8, 3),
            ),
            (
                "2021-08-03T23:30:00-05:00",
                "2021-08-03T23:30:00-05:00",
                date(2021, 8, 3),
            ),
            (
                "2021-08-03 10:15:00",
                "2021-08-03 10:15:00",
                date(2021, 8, 3),
            ),
            (
                "Tue, 03 Aug 2021 10:00:00 GMT",
                "2021-08-03T10:00:00Z",
                date(2021, 8, 3),
            ),
            (
                "Tue, 03 Aug 2021 23:00:00 -0400",
                "2021-08-03T23:00:00-04:00",
                date(2021, 8, 3),
            ),
            // The weekday is wrong (3 August 2021 was a Tuesday); the numbers win.
            (
                "Mon, 03 Aug 2021 10:00:00 +0000",
                "2021-08-03T10:00:00Z",
                date(2021, 8, 3),
            ),
            ("Aug 3, 2021", "2021-08-03", date(2021, 8, 3)),
            ("August 3, 2021", "2021-08-03", date(2021, 8, 3)),
            ("3 August 2021", "2021-08-03", date(2021, 8, 3)),
            ("3 Aug 2021", "2021-08-03", date(2021, 8, 3)),
            ("Tuesday, Sept. 3rd, 2021", "2021-09-03", date(2021, 9, 3)),
            ("2021/08/03", "2021-08-03", date(2021, 8, 3)),
            ("2021.8.3", "2021-08-03", date(2021, 8, 3)),
            ("20210803", "2021-08-03", date(2021, 8, 3)),
            ("1627984800", "2021-08-03T10:00:00Z", date(2021, 8, 3)),
            ("1627984800000", "2021-08-03T10:00:00Z", date(2021, 8, 3)),
            (
                "1627984800123",
                "2021-08-03T10:00:00.123Z",
                date(2021, 8, 3),
            ),
            ("25/12/2021", "2021-12-25", date(2021, 12, 25)),
            ("12/25/2021", "2021-12-25", date(2021, 12, 25)),
        ];
        for (input, value, anchor) in cases {
            let parsed = Published::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.as_str(), value, "{input}");
            assert_eq!(parsed.date(), anchor, "{input}");
            assert_eq!(parsed.raw(), input);
        }
    }

    #[test]
    fn an_rfc3339_value_is_its_own_original() {
        let parsed = Published::parse(" 2021-08-03 ").expect("parse");
        assert_eq!(parsed.original(), None);
        let parsed = Published::parse("Aug 3, 2021").expect("parse");
        assert_eq!(parsed.original(), Some("Aug 3, 2021"));
    }

    #[test]
    fn the_anchor_is_the_date_where_the_value_was_written() {
        // 23:30 in New York is already the next day in UTC; the article's own day counts.
        let late = Published::parse("Tue, 03 Aug 2021 23:30:00 EDT").expect("parse");
        assert_eq!(late.date(), date(2021, 8, 3));
        // An epoch value has no zone: UTC.
        let epoch = Published::parse("1628033400").expect("parse");
        assert_eq!(epoch.date(), date(2021, 8, 3));
        assert_eq!(epoch.as_str(), "2021-08-03T23:30:00Z");
    }

    #[test]
    fn an_ambiguous_numeric_date_needs_the_date_order() {
        let error = Published::parse("03/08/2021").err().map(|e| e.to_string());
        assert!(
            error.as_deref().is_some_and(|e| e.contains("date_order")),
            "{error:?}"
        );
        let dmy = Published::parse_with("03/08/2021", Some(DateOrder::Dmy)).map(|p| p.date());
        assert_eq!(dmy, Ok(date(2021, 8, 3)));
        let mdy = Published::parse_with("03-08-2021", Some(DateOrder::Mdy)).map(|p| p.date());
        assert_eq!(mdy, Ok(date(2021, 3, 8)));
        // The same day and month either way is no ambiguity.
        assert!(Published::parse("05.05.2021").is_ok());
        // A stated order is kept even when the numbers would fit the other one.
        assert!(Published::parse_with("12/25/2021", Some(DateOrder::Dmy)).is_err());
    }

    #[test]
    fn what_cannot_be_read_is_refused_with_a_reason() {
        let cases: [(&str, &str); 13] = [
            ("", "empty"),
            ("   ", "empty"),
            ("2021-02-30", "not a calendar date"),
            ("yesterday", "expected RFC 3339"),
            ("2021-08-03Tnoon", "not RFC 3339"),
            ("2021-08-0é", "not a calendar date"),
            ("Feb 30, 2021", "expected RFC 3339"),
            ("3 Foo 2021", "expected RFC 3339"),
            ("20211399", "YYYYMMDD"),
            ("03/08/21", "four digits"),
            ("2021/13/01", "not a calendar date"),
            ("99999999999999999999", "out of range"),
            ("9999999999999999", "out of range"),
        ];
        for (input, reason) in cases {
            let error = Published::parse(input)
                .err()
                .unwrap_or_else(|| panic!("{input:?} should be refused"));
            assert!(error.reason.contains(reason), "{input:?}: {error}");
        }
        let long = "1".repeat(500);
        assert!(Published::parse(&long).is_err());
    }

    fn any_date() -> impl proptest::strategy::Strategy<Value = NaiveDate> {
        use proptest::strategy::Strategy;
        (1000i32..=9999, 1u32..=12, 1u32..=31)
            .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2000))]

        #[test]
        fn arbitrary_strings_never_panic(value in "\\PC{0,100}", order in proptest::option::of(proptest::prop_oneof![
            proptest::strategy::Just(DateOrder::Dmy), proptest::strategy::Just(DateOrder::Mdy)
        ])) {
            let _ = Published::parse_with(&value, order);
        }

        #[test]
        fn date_like_strings_never_panic(value in "[0-9a-zA-Z ,./:+-]{0,40}") {
            let _ = Published::parse(&value);
        }

        #[test]
        fn every_written_form_reads_back_as_its_date(d in any_date()) {
            let forms = [
                d.format("%Y-%m-%d").to_string(),
                d.format("%Y-%m-%dT08:30:00Z").to_string(),
                d.format("%a, %d %b %Y 08:30:00 +0000").to_string(),
                d.format("%b %-d, %Y").to_string(),
                d.format("%B %-d, %Y").to_string(),
                d.format("%-d %B %Y").to_string(),
                d.format("%-d %b %Y").to_string(),
                d.format("%Y/%m/%d").to_string(),
                d.format("%Y%m%d").to_string(),
            ];
            for form in forms {
                let parsed = Published::parse(&form);
                proptest::prop_assert_eq!(parsed.map(|p| p.date()), Ok(d), "{}", form);
            }
            let dmy = Published::parse_with(&d.format("%d/%m/%Y").to_string(), Some(DateOrder::Dmy));
            proptest::prop_assert_eq!(dmy.map(|p| p.date()), Ok(d));
            let mdy = Published::parse_with(&d.format("%m/%d/%Y").to_string(), Some(DateOrder::Mdy));
            proptest::prop_assert_eq!(mdy.map(|p| p.date()), Ok(d));
        }

        #[test]
        fn epoch_values_round_trip(seconds in -2_000_000_000i64..50_000_000_000) {
            let time = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
            // Eight-digit values are dates, not seconds (see `parse_number`).
            proptest::prop_assume!(seconds.to_string().len() != 8);
            let parsed = Published::parse(&seconds.to_string());
            proptest::prop_assert_eq!(parsed.map(|p| p.date()), Ok(time.date_naive()));
            let millis = Published::parse(&(seconds * 1000).to_string());
            if (seconds * 1000).unsigned_abs() >= 100_000_000_000 {
                proptest::prop_assert_eq!(millis.map(|p| p.date()), Ok(time.date_naive()));
            }
        }

        #[test]
        fn the_normalised_form_reads_back_to_itself(value in proptest::prop_oneof![
            "[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}",
            "[0-9]{1,2} (Jan|Feb|Mar|Aug|Sept|December) [0-9]{4}",
            "[0-9]{9,13}",
            "(Mon|Tue|Wed), [0-9]{2} (Jan|Aug) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9] (GMT|EST|\\+0530)",
        ]) {
            if let Ok(parsed) = Published::parse(&value) {
                let again = Published::parse(parsed.as_str());
                proptest::prop_assert_eq!(again.as_ref().map(Published::as_str), Ok(parsed.as_str()));
                proptest::prop_assert_eq!(again.map(|p| p.date()), Ok(parsed.date()));
            }
        }
    }
}
