//! Calendar arithmetic against the document creation time (the article's `published`
//! date), producing TIMEX3 values. Without a DCT every relative value comes out
//! underspecified (`XXXX-…`) instead of guessed.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Which way an ambiguous calendar name ("Tuesday", "March") resolves from the DCT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// On or before the DCT: past-tense context.
    Backward,
    /// On or after the DCT: future-tense context.
    Forward,
    /// The candidate nearest to the DCT.
    Nearest,
}

/// The document creation time relative values are anchored on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Anchor {
    pub dct: Option<NaiveDate>,
}

pub(crate) fn format_day(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// A day as a TIMEX3 value, or `XXXX-XX-XX` when its year cannot be written (narrative
/// arithmetic can step outside 0..=9999).
pub(crate) fn day_value(date: NaiveDate) -> String {
    if year_ok(date.year()) {
        format_day(date)
    } else {
        "XXXX-XX-XX".to_string()
    }
}

/// An ISO week as a TIMEX3 value, `XXXX-WXX` outside the writable years.
pub(crate) fn week_value(date: NaiveDate) -> String {
    let week = date.iso_week();
    if year_ok(week.year()) {
        format!("{:04}-W{:02}", week.year(), week.week())
    } else {
        "XXXX-WXX".to_string()
    }
}

fn shift_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn shift_months(date: NaiveDate, months: i64) -> Option<NaiveDate> {
    let n = u32::try_from(months.unsigned_abs()).ok()?;
    if months >= 0 {
        date.checked_add_months(Months::new(n))
    } else {
        date.checked_sub_months(Months::new(n))
    }
}

/// Years outside 0..=9999 cannot be written as TIMEX3 values.
pub(crate) fn year_ok(year: i32) -> bool {
    (0..=9999).contains(&year)
}

impl Anchor {
    pub(crate) fn day(&self, offset: i64) -> String {
        self.dct
            .and_then(|d| shift_days(d, offset))
            .filter(|d| year_ok(d.year()))
            .map_or_else(|| "XXXX-XX-XX".to_string(), format_day)
    }

    pub(crate) fn week(&self, offset: i64) -> String {
        match self.dct.and_then(|d| shift_days(d, offset * 7)) {
            Some(d) if year_ok(d.iso_week().year()) => {
                format!("{:04}-W{:02}", d.iso_week().year(), d.iso_week().week())
            }
            _ => "XXXX-WXX".to_string(),
        }
    }

    pub(crate) fn weekend(&self, offset: i64) -> String {
        let week = self.week(offset);
        format!("{week}-WE")
    }

    pub(crate) fn month(&self, offset: i64) -> String {
        match self.dct.and_then(|d| shift_months(d, offset)) {
            Some(d) if year_ok(d.year()) => format!("{:04}-{:02}", d.year(), d.month()),
            _ => "XXXX-XX".to_string(),
        }
    }

    pub(crate) fn quarter_index(&self) -> Option<(i32, u32)> {
        self.dct.map(|d| (d.year(), (d.month() - 1) / 3 + 1))
    }

    pub(crate) fn quarter(&self, offset: i64) -> String {
        match self.dct.and_then(|d| shift_months(d, offset * 3)) {
            Some(d) if year_ok(d.year()) => format!("{:04}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            _ => "XXXX-QX".to_string(),
        }
    }

    pub(crate) fn year_number(&self, offset: i64) -> Option<i32> {
        let year = i64::from(self.dct?.year()) + offset;
        i32::try_from(year).ok().filter(|y| year_ok(*y))
    }

    pub(crate) fn year(&self, offset: i64) -> String {
        self.year_number(offset)
            .map_or_else(|| "XXXX".to_string(), |y| format!("{y:04}"))
    }

    /// A named part of a year relative to the DCT's year: `2021-SU`, `2021-Q3`, `2021-08`.
    pub(crate) fn in_year(&self, offset: i64, part: &str) -> String {
        format!("{}-{part}", self.year(offset))
    }

    pub(crate) fn decade(&self, offset: i64) -> String {
        self.year_number(offset * 10)
            .map_or_else(|| "XXX".to_string(), |y| format!("{:03}", y / 10))
    }

    pub(crate) fn century(&self, offset: i64) -> String {
        self.year_number(offset * 100)
            .map_or_else(|| "XX".to_string(), |y| format!("{:02}", y / 100))
    }

    /// A weekday (1 = Monday) resolved from the DCT in `direction`; `strict` skips the DCT
    /// itself ("last Tuesday" on a Tuesday is a week ago).
    pub(crate) fn weekday_date(
        &self,
        day: u32,
        direction: Direction,
        strict: bool,
    ) -> Option<NaiveDate> {
        let dct = self.dct?;
        let today = i64::from(dct.weekday().number_from_monday());
        let target = i64::from(day);
        let mut back = (today - target).rem_euclid(7);
        let mut ahead = (target - today).rem_euclid(7);
        if strict && back == 0 {
            back = 7;
            ahead = 7;
        }
        let offset = match direction {
            Direction::Backward => -back,
            Direction::Forward => ahead,
            Direction::Nearest => {
                if ahead < back && ahead <= 1 {
                    ahead
                } else {
                    -back
                }
            }
        };
        shift_days(dct, offset)
    }

    pub(crate) fn weekday(&self, day: u32, direction: Direction, strict: bool) -> String {
        self.weekday_date(day, direction, strict)
            .filter(|d| year_ok(d.year()))
            .map_or_else(|| format!("XXXX-WXX-{day}"), format_day)
    }

    /// The year a month (and optionally a day) of an unnamed year falls in: the DCT's
    /// year, unless the date sits just across New Year from the DCT or the tense points
    /// more than three months the other way.
    pub(crate) fn year_for(
        &self,
        month: u32,
        day: Option<u32>,
        direction: Direction,
    ) -> Option<i32> {
        let dct = self.dct?;
        let base = dct.year();
        // The real day, so "Jan. 31" is three months from Oct. 31, not 89 days; February 29
        // falls back to the 28th in common years.
        let candidate = |year: i32| {
            let day = day.unwrap_or(15);
            NaiveDate::from_ymd_opt(year, month, day)
                .or_else(|| NaiveDate::from_ymd_opt(year, month, day.min(28)))
        };
        let distance = |year: i32| candidate(year).map(|c| (c - dct).num_days());
        let same = distance(base)?;
        // The nearest reading first (a date just across New Year belongs to that year),
        // then the tense, which only overrides a reading more than a season the other way.
        let near = 100;
        let slack = if day.is_some() { 90 } else { 40 };
        let mut year = if same > 183 && distance(base - 1).is_some_and(|d| d.abs() < near) {
            base - 1
        } else if same < -183 && distance(base + 1).is_some_and(|d| d.abs() < near) {
            base + 1
        } else {
            base
        };
        let chosen = distance(year)?;
        match direction {
            Direction::Backward if chosen > slack => year -= 1,
            Direction::Forward if chosen < -slack => year += 1,
            _ => {}
        }
        // Future cues are rarer and surer than past ones ("said" governs much of a news
        // sentence): a date ahead is never before the DCT's month.
        if direction == Direction::Forward && (year, month) < (dct.year(), dct.month()) {
            year += 1;
        }
        Some(year).filter(|y| year_ok(*y))
    }

    pub(crate) fn month_of_year(&self, month: u32, direction: Direction) -> String {
        match self.year_for(month, None, direction) {
            Some(year) => format!("{year:04}-{month:02}"),
            None => format!("XXXX-{month:02}"),
        }
    }

    pub(crate) fn month_day(&self, month: u32, day: u32, direction: Direction) -> String {
        match self.year_for(month, Some(day), direction) {
            Some(year) => format!("{year:04}-{month:02}-{day:02}"),
            None => format!("XXXX-{month:02}-{day:02}"),
        }
    }
}

/// Does this month have this day in some year (February 29 counts)?
pub(crate) fn day_exists(month: u32, day: u32) -> bool {
    NaiveDate::from_ymd_opt(2000, month, day).is_some()
}

/// The n-th `weekday` (1 = Monday) of a month.
pub(crate) fn nth_weekday(year: i32, month: u32, weekday: u32, n: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let first_day = first.weekday().number_from_monday();
    let offset = (weekday + 7 - first_day) % 7 + (n - 1) * 7;
    first.checked_add_days(Days::new(u64::from(offset)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dct() -> Anchor {
        Anchor {
            dct: NaiveDate::from_ymd_opt(2021, 8, 3),
        }
    }

    #[test]
    fn weeks_are_iso() {
        assert_eq!(dct().week(0), "2021-W31");
        assert_eq!(dct().week(-1), "2021-W30");
        assert_eq!(dct().weekend(-1), "2021-W30-WE");
    }

    #[test]
    fn weekdays_resolve_by_direction() {
        assert_eq!(dct().weekday(2, Direction::Backward, false), "2021-08-03");
        assert_eq!(dct().weekday(2, Direction::Backward, true), "2021-07-27");
        assert_eq!(dct().weekday(5, Direction::Backward, false), "2021-07-30");
        assert_eq!(dct().weekday(5, Direction::Forward, false), "2021-08-06");
        assert_eq!(dct().weekday(3, Direction::Nearest, false), "2021-08-04");
        assert_eq!(
            Anchor { dct: None }.weekday(5, Direction::Nearest, false),
            "XXXX-WXX-5"
        );
    }

    #[test]
    fn months_pick_a_year_by_direction() {
        assert_eq!(dct().month_of_year(12, Direction::Backward), "2020-12");
        assert_eq!(dct().month_of_year(12, Direction::Nearest), "2021-12");
        assert_eq!(dct().month_of_year(3, Direction::Forward), "2022-03");
        assert_eq!(dct().month_day(8, 31, Direction::Nearest), "2021-08-31");
        assert_eq!(dct().month_day(12, 31, Direction::Backward), "2020-12-31");
        // A past tense reaches back across the ninety-day slack: "the year ended Jan. 31"
        // written on Oct. 31 is the January just gone.
        let october = Anchor {
            dct: NaiveDate::from_ymd_opt(1989, 10, 31),
        };
        assert_eq!(october.month_day(1, 31, Direction::Backward), "1989-01-31");
        let january = Anchor {
            dct: NaiveDate::from_ymd_opt(2021, 1, 5),
        };
        assert_eq!(january.month_day(12, 20, Direction::Nearest), "2020-12-20");
        assert_eq!(january.month_of_year(12, Direction::Backward), "2020-12");
    }

    #[test]
    fn coarse_units() {
        assert_eq!(dct().quarter(0), "2021-Q3");
        assert_eq!(dct().quarter(-1), "2021-Q2");
        assert_eq!(dct().decade(0), "202");
        assert_eq!(dct().century(0), "20");
        assert_eq!(dct().year(-2), "2019");
        assert_eq!(Anchor { dct: None }.year(-2), "XXXX");
    }

    #[test]
    fn thanksgiving() {
        assert_eq!(
            nth_weekday(2021, 11, 4, 4),
            NaiveDate::from_ymd_opt(2021, 11, 25)
        );
    }
}
