//! The temporal vocabulary: the words that can start or anchor a temporal expression, and
//! the trigger automaton that finds them in raw text before any grammar runs.
//!
//! Only *head* words live here (months, weekdays, units, numerals, ...). Function words
//! that merely grow a span ("the", "last", "ago", "early") are matched by the grammars
//! directly, because on their own they never make a timex.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// A calendar or clock unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Weekend,
    Fortnight,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
}

/// A season, with its TIMEX3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Season {
    Spring,
    Summer,
    Fall,
    Winter,
}

impl Season {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Season::Spring => "SP",
            Season::Summer => "SU",
            Season::Fall => "FA",
            Season::Winter => "WI",
        }
    }
}

/// A part of the day, with its TIMEX3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    pub(crate) fn code(self) -> &'static str {
        match self {
            PartOfDay::Morning => "MO",
            PartOfDay::Afternoon => "AF",
            PartOfDay::Evening => "EV",
            PartOfDay::Night => "NI",
        }
    }
}

/// A vague reference to the past, present or future.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Reference {
    Past,
    Present,
    Future,
}

impl Reference {
    pub(crate) fn value(self) -> &'static str {
        match self {
            Reference::Past => "PAST_REF",
            Reference::Present => "PRESENT_REF",
            Reference::Future => "FUTURE_REF",
        }
    }
}

/// A fixed-date or rule-based holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Holiday {
    /// Month and day.
    Fixed(u32, u32),
    /// US Thanksgiving: the fourth Thursday of November.
    Thanksgiving,
    /// Western Easter Sunday (Gregorian computus).
    Easter,
    /// US Election Day, "Election Day" only: the Tuesday after the first Monday of
    /// November.
    ElectionDay,
}

/// What a head word means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lex {
    /// 1 = January.
    Month(u32),
    /// 1 = Monday, as ISO 8601; `plural` for "Mondays" (a set).
    Weekday {
        day: u32,
        plural: bool,
    },
    Season {
        season: Season,
        plural: bool,
    },
    Unit {
        unit: Unit,
        plural: bool,
    },
    /// A cardinal number word: "three", "twenty", "hundred".
    Numeral(u32),
    /// An ordinal word: "third", "twentieth".
    Ordinal(u32),
    /// "today" (0), "yesterday" (-1), "tomorrow" (1).
    RelativeDay(i32),
    /// "tonight": today's night.
    Tonight,
    PartOfDay {
        part: PartOfDay,
        plural: bool,
    },
    Overnight,
    Noon,
    Midnight,
    Reference(Reference),
    /// "daily" (P1D), "hourly" (PT1H), ...: a set with this period.
    Frequency(&'static str),
    Holiday(Holiday),
    /// "nineties": a decade of the 1900s (the value's first three digits).
    DecadeWord(u32),
    Fiscal,
    /// "term", "date": nouns that are time only after a modifier ("the near term", "a
    /// later date"), never alone.
    VagueHead,
}

const ENTRIES: &[(&str, Lex)] = &[
    ("january", Lex::Month(1)),
    ("jan.", Lex::Month(1)),
    ("february", Lex::Month(2)),
    ("feb.", Lex::Month(2)),
    ("march", Lex::Month(3)),
    ("mar.", Lex::Month(3)),
    ("april", Lex::Month(4)),
    ("apr.", Lex::Month(4)),
    ("may", Lex::Month(5)),
    ("june", Lex::Month(6)),
    ("jun.", Lex::Month(6)),
    ("july", Lex::Month(7)),
    ("jul.", Lex::Month(7)),
    ("august", Lex::Month(8)),
    ("aug.", Lex::Month(8)),
    ("september", Lex::Month(9)),
    ("sept.", Lex::Month(9)),
    ("sep.", Lex::Month(9)),
    ("october", Lex::Month(10)),
    ("oct.", Lex::Month(10)),
    ("november", Lex::Month(11)),
    ("nov.", Lex::Month(11)),
    ("december", Lex::Month(12)),
    ("dec.", Lex::Month(12)),
    (
        "monday",
        Lex::Weekday {
            day: 1,
            plural: false,
        },
    ),
    (
        "mondays",
        Lex::Weekday {
            day: 1,
            plural: true,
        },
    ),
    (
        "mon.",
        Lex::Weekday {
            day: 1,
            plural: false,
        },
    ),
    (
        "tuesday",
        Lex::Weekday {
            day: 2,
            plural: false,
        },
    ),
    (
        "tuesdays",
        Lex::Weekday {
            day: 2,
            plural: true,
        },
    ),
    (
        "tue.",
        Lex::Weekday {
            day: 2,
            plural: false,
        },
    ),
    (
        "tues.",
        Lex::Weekday {
            day: 2,
            plural: false,
        },
    ),
    (
        "wednesday",
        Lex::Weekday {
            day: 3,
            plural: false,
        },
    ),
    (
        "wednesdays",
        Lex::Weekday {
            day: 3,
            plural: true,
        },
    ),
    (
        "wed.",
        Lex::Weekday {
            day: 3,
            plural: false,
        },
    ),
    (
        "thursday",
        Lex::Weekday {
            day: 4,
            plural: false,
        },
    ),
    (
        "thursdays",
        Lex::Weekday {
            day: 4,
            plural: true,
        },
    ),
    (
        "thu.",
        Lex::Weekday {
            day: 4,
            plural: false,
        },
    ),
    (
        "thur.",
        Lex::Weekday {
            day: 4,
            plural: false,
        },
    ),
    (
        "thurs.",
        Lex::Weekday {
            day: 4,
            plural: false,
        },
    ),
    (
        "friday",
        Lex::Weekday {
            day: 5,
            plural: false,
        },
    ),
    (
        "fridays",
        Lex::Weekday {
            day: 5,
            plural: true,
        },
    ),
    (
        "fri.",
        Lex::Weekday {
            day: 5,
            plural: false,
        },
    ),
    (
        "saturday",
        Lex::Weekday {
            day: 6,
            plural: false,
        },
    ),
    (
        "saturdays",
        Lex::Weekday {
            day: 6,
            plural: true,
        },
    ),
    (
        "sat.",
        Lex::Weekday {
            day: 6,
            plural: false,
        },
    ),
    (
        "sunday",
        Lex::Weekday {
            day: 7,
            plural: false,
        },
    ),
    (
        "sundays",
        Lex::Weekday {
            day: 7,
            plural: true,
        },
    ),
    (
        "sun.",
        Lex::Weekday {
            day: 7,
            plural: false,
        },
    ),
    (
        "spring",
        Lex::Season {
            season: Season::Spring,
            plural: false,
        },
    ),
    (
        "springs",
        Lex::Season {
            season: Season::Spring,
            plural: true,
        },
    ),
    (
        "summer",
        Lex::Season {
            season: Season::Summer,
            plural: false,
        },
    ),
    (
        "summers",
        Lex::Season {
            season: Season::Summer,
            plural: true,
        },
    ),
    (
        "fall",
        Lex::Season {
            season: Season::Fall,
            plural: false,
        },
    ),
    (
        "autumn",
        Lex::Season {
            season: Season::Fall,
            plural: false,
        },
    ),
    (
        "autumns",
        Lex::Season {
            season: Season::Fall,
            plural: true,
        },
    ),
    (
        "winter",
        Lex::Season {
            season: Season::Winter,
            plural: false,
        },
    ),
    (
        "winters",
        Lex::Season {
            season: Season::Winter,
            plural: true,
        },
    ),
    (
        "second",
        Lex::Unit {
            unit: Unit::Second,
            plural: false,
        },
    ),
    (
        "seconds",
        Lex::Unit {
            unit: Unit::Second,
            plural: true,
        },
    ),
    (
        "minute",
        Lex::Unit {
            unit: Unit::Minute,
            plural: false,
        },
    ),
    (
        "minutes",
        Lex::Unit {
            unit: Unit::Minute,
            plural: true,
        },
    ),
    (
        "hour",
        Lex::Unit {
            unit: Unit::Hour,
            plural: false,
        },
    ),
    (
        "hours",
        Lex::Unit {
            unit: Unit::Hour,
            plural: true,
        },
    ),
    (
        "day",
        Lex::Unit {
            unit: Unit::Day,
            plural: false,
        },
    ),
    (
        "days",
        Lex::Unit {
            unit: Unit::Day,
            plural: true,
        },
    ),
    (
        "week",
        Lex::Unit {
            unit: Unit::Week,
            plural: false,
        },
    ),
    (
        "weeks",
        Lex::Unit {
            unit: Unit::Week,
            plural: true,
        },
    ),
    (
        "weekend",
        Lex::Unit {
            unit: Unit::Weekend,
            plural: false,
        },
    ),
    (
        "weekends",
        Lex::Unit {
            unit: Unit::Weekend,
            plural: true,
        },
    ),
    (
        "fortnight",
        Lex::Unit {
            unit: Unit::Fortnight,
            plural: false,
        },
    ),
    (
        "month",
        Lex::Unit {
            unit: Unit::Month,
            plural: false,
        },
    ),
    (
        "months",
        Lex::Unit {
            unit: Unit::Month,
            plural: true,
        },
    ),
    (
        "quarter",
        Lex::Unit {
            unit: Unit::Quarter,
            plural: false,
        },
    ),
    (
        "quarters",
        Lex::Unit {
            unit: Unit::Quarter,
            plural: true,
        },
    ),
    (
        "year",
        Lex::Unit {
            unit: Unit::Year,
            plural: false,
        },
    ),
    (
        "years",
        Lex::Unit {
            unit: Unit::Year,
            plural: true,
        },
    ),
    (
        "decade",
        Lex::Unit {
            unit: Unit::Decade,
            plural: false,
        },
    ),
    (
        "decades",
        Lex::Unit {
            unit: Unit::Decade,
            plural: true,
        },
    ),
    (
        "century",
        Lex::Unit {
            unit: Unit::Century,
            plural: false,
        },
    ),
    (
        "centuries",
        Lex::Unit {
            unit: Unit::Century,
            plural: true,
        },
    ),
    (
        "millennium",
        Lex::Unit {
            unit: Unit::Millennium,
            plural: false,
        },
    ),
    (
        "millennia",
        Lex::Unit {
            unit: Unit::Millennium,
            plural: true,
        },
    ),
    ("one", Lex::Numeral(1)),
    ("two", Lex::Numeral(2)),
    ("three", Lex::Numeral(3)),
    ("four", Lex::Numeral(4)),
    ("five", Lex::Numeral(5)),
    ("six", Lex::Numeral(6)),
    ("seven", Lex::Numeral(7)),
    ("eight", Lex::Numeral(8)),
    ("nine", Lex::Numeral(9)),
    ("ten", Lex::Numeral(10)),
    ("eleven", Lex::Numeral(11)),
    ("twelve", Lex::Numeral(12)),
    ("thirteen", Lex::Numeral(13)),
    ("fourteen", Lex::Numeral(14)),
    ("fifteen", Lex::Numeral(15)),
    ("sixteen", Lex::Numeral(16)),
    ("seventeen", Lex::Numeral(17)),
    ("eighteen", Lex::Numeral(18)),
    ("nineteen", Lex::Numeral(19)),
    ("twenty", Lex::Numeral(20)),
    ("thirty", Lex::Numeral(30)),
    ("forty", Lex::Numeral(40)),
    ("fifty", Lex::Numeral(50)),
    ("sixty", Lex::Numeral(60)),
    ("seventy", Lex::Numeral(70)),
    ("eighty", Lex::Numeral(80)),
    ("ninety", Lex::Numeral(90)),
    ("hundred", Lex::Numeral(100)),
    ("thousand", Lex::Numeral(1000)),
    ("dozen", Lex::Numeral(12)),
    ("first", Lex::Ordinal(1)),
    ("third", Lex::Ordinal(3)),
    ("fourth", Lex::Ordinal(4)),
    ("fifth", Lex::Ordinal(5)),
    ("sixth", Lex::Ordinal(6)),
    ("seventh", Lex::Ordinal(7)),
    ("eighth", Lex::Ordinal(8)),
    ("ninth", Lex::Ordinal(9)),
    ("tenth", Lex::Ordinal(10)),
    ("eleventh", Lex::Ordinal(11)),
    ("twelfth", Lex::Ordinal(12)),
    ("thirteenth", Lex::Ordinal(13)),
    ("fourteenth", Lex::Ordinal(14)),
    ("fifteenth", Lex::Ordinal(15)),
    ("sixteenth", Lex::Ordinal(16)),
    ("seventeenth", Lex::Ordinal(17)),
    ("eighteenth", Lex::Ordinal(18)),
    ("nineteenth", Lex::Ordinal(19)),
    ("twentieth", Lex::Ordinal(20)),
    ("twenty-first", Lex::Ordinal(21)),
    ("thirtieth", Lex::Ordinal(30)),
    ("today", Lex::RelativeDay(0)),
    ("yesterday", Lex::RelativeDay(-1)),
    ("tomorrow", Lex::RelativeDay(1)),
    ("tonight", Lex::Tonight),
    (
        "morning",
        Lex::PartOfDay {
            part: PartOfDay::Morning,
            plural: false,
        },
    ),
    (
        "mornings",
        Lex::PartOfDay {
            part: PartOfDay::Morning,
            plural: true,
        },
    ),
    (
        "afternoon",
        Lex::PartOfDay {
            part: PartOfDay::Afternoon,
            plural: false,
        },
    ),
    (
        "afternoons",
        Lex::PartOfDay {
            part: PartOfDay::Afternoon,
            plural: true,
        },
    ),
    (
        "evening",
        Lex::PartOfDay {
            part: PartOfDay::Evening,
            plural: false,
        },
    ),
    (
        "evenings",
        Lex::PartOfDay {
            part: PartOfDay::Evening,
            plural: true,
        },
    ),
    (
        "night",
        Lex::PartOfDay {
            part: PartOfDay::Night,
            plural: false,
        },
    ),
    (
        "nights",
        Lex::PartOfDay {
            part: PartOfDay::Night,
            plural: true,
        },
    ),
    ("overnight", Lex::Overnight),
    ("noon", Lex::Noon),
    ("midday", Lex::Noon),
    ("midnight", Lex::Midnight),
    ("now", Lex::Reference(Reference::Present)),
    ("currently", Lex::Reference(Reference::Present)),
    ("current", Lex::Reference(Reference::Present)),
    ("presently", Lex::Reference(Reference::Present)),
    ("nowadays", Lex::Reference(Reference::Present)),
    ("recently", Lex::Reference(Reference::Past)),
    ("recent", Lex::Reference(Reference::Past)),
    ("lately", Lex::Reference(Reference::Past)),
    ("formerly", Lex::Reference(Reference::Past)),
    ("earlier", Lex::Reference(Reference::Past)),
    ("past", Lex::Reference(Reference::Past)),
    ("future", Lex::Reference(Reference::Future)),
    ("daily", Lex::Frequency("P1D")),
    ("nightly", Lex::Frequency("P1D")),
    ("weekly", Lex::Frequency("P1W")),
    ("biweekly", Lex::Frequency("P2W")),
    ("monthly", Lex::Frequency("P1M")),
    ("annually", Lex::Frequency("P1Y")),
    ("yearly", Lex::Frequency("P1Y")),
    ("hourly", Lex::Frequency("PT1H")),
    ("christmas", Lex::Holiday(Holiday::Fixed(12, 25))),
    ("halloween", Lex::Holiday(Holiday::Fixed(10, 31))),
    ("thanksgiving", Lex::Holiday(Holiday::Thanksgiving)),
    ("easter", Lex::Holiday(Holiday::Easter)),
    ("election", Lex::Holiday(Holiday::ElectionDay)),
    ("twenties", Lex::DecadeWord(192)),
    ("thirties", Lex::DecadeWord(193)),
    ("forties", Lex::DecadeWord(194)),
    ("fifties", Lex::DecadeWord(195)),
    ("sixties", Lex::DecadeWord(196)),
    ("seventies", Lex::DecadeWord(197)),
    ("eighties", Lex::DecadeWord(198)),
    ("nineties", Lex::DecadeWord(199)),
    ("fiscal", Lex::Fiscal),
    ("term", Lex::VagueHead),
    ("date", Lex::VagueHead),
];

static LEXICON: LazyLock<HashMap<&'static str, Lex>> =
    LazyLock::new(|| ENTRIES.iter().copied().collect());

/// Longest word in the lexicon, in bytes: longer words are rejected without hashing.
const LONGEST: usize = 12;

/// The meaning of `word`, case-insensitively.
pub(crate) fn lookup(word: &str) -> Option<Lex> {
    if word.len() > LONGEST || !word.is_ascii() {
        return None;
    }
    let mut buffer = [0u8; LONGEST];
    let lower = &mut buffer[..word.len()];
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    let lower = std::str::from_utf8(lower).ok()?;
    LEXICON.get(lower).copied()
}

/// Finds trigger words and digits in raw text: a sentence without a trigger has no timex,
/// so the grammars never see it.
pub(crate) struct Triggers {
    automaton: AhoCorasick,
}

impl Triggers {
    pub(crate) fn new() -> Result<Triggers, aho_corasick::BuildError> {
        let mut patterns: Vec<&str> = ENTRIES
            .iter()
            .map(|(word, _)| word.trim_end_matches('.'))
            .collect();
        patterns.extend(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns)?;
        Ok(Triggers { automaton })
    }

    /// Byte offsets of the triggers in `text` that start a word (or are digits).
    pub(crate) fn find(&self, text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        self.automaton
            .find_iter(text)
            .filter(|m| {
                let starts_word = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphabetic();
                let first_is_digit = bytes[m.start()].is_ascii_digit();
                let ends_word = bytes.get(m.end()).is_none_or(|b| !b.is_ascii_alphabetic());
                starts_word && (first_is_digit || ends_word)
            })
            .map(|m| m.start())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(lookup("Sept."), Some(Lex::Month(9)));
        assert_eq!(
            lookup("TUESDAY"),
            Some(Lex::Weekday {
                day: 2,
                plural: false
            })
        );
        assert_eq!(lookup("house"), None);
        assert_eq!(lookup("été"), None);
    }

    #[test]
    fn every_entry_fits_the_length_limit() {
        for (word, _) in ENTRIES {
            assert!(word.len() <= LONGEST, "{word}");
            assert_eq!(word.to_ascii_lowercase(), *word);
        }
    }

    #[test]
    fn triggers_need_word_boundaries() {
        let triggers = Triggers::new().expect("build the triggers");
        let text = "Mayor Todd met on Tuesday, 3 days ago.";
        let found: Vec<&str> = triggers
            .find(text)
            .into_iter()
            .map(|at| &text[at..at + 1])
            .collect();
        assert_eq!(found, ["T", "3", "d"]);
    }
}
