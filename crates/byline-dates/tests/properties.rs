//! Property tests: any text and any publication date yield well-formed output.

use byline_core::{Article, Stage};
use byline_dates::timex3::is_valid_value;
use byline_dates::{DatesConfig, DatesStage};
use chrono::NaiveDate;
use proptest::prelude::*;

/// Words that trigger the grammars, so random text exercises them and not only the
/// trigger filter.
const VOCABULARY: &[&str] = &[
    "the",
    "last",
    "next",
    "this",
    "past",
    "early",
    "late",
    "mid-",
    "about",
    "more",
    "than",
    "every",
    "a",
    "two",
    "twenty",
    "four",
    "31",
    "2021",
    "1990s",
    "'90s",
    "3:30",
    "p.m.",
    "Aug.",
    "August",
    "May",
    "Tuesday",
    "Fridays",
    "night",
    "morning",
    "week",
    "weeks",
    "year",
    "years",
    "quarter",
    // Found by fuzzing: a sentence starting with "quarters" underflowed.
    "quarters",
    "third",
    "second",
    "half",
    "of",
    "ago",
    "earlier",
    "later",
    "from",
    "now",
    "recent",
    "summer",
    "fall",
    "century",
    "20th",
    "decade",
    "day",
    "before",
    "yesterday",
    "today",
    "noon",
    "fiscal",
    "8/31/2021",
    "2021-08-31",
    "Christmas",
    "Q3",
    "1/2",
    ",",
    ".",
    "-",
    "'s",
    "said",
    "will",
    "0",
    "99999",
    "00",
    "29",
    "Feb.",
];

fn article_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,120}",
        prop::collection::vec(prop::sample::select(VOCABULARY), 0..40).prop_map(|w| w.join(" ")),
    ]
}

fn publication_date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        Just(None),
        (0i32..=9999, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn output_is_well_formed(text in article_text(), dct in publication_date()) {
        let stage = DatesStage::new(DatesConfig::default()).expect("build the dates stage");
        let mut article = Article::new("p", text.clone());
        if let Some(date) = dct {
            article.published = byline_core::Published::parse(&date.format("%Y-%m-%d").to_string()).ok();
        }
        prop_assert!(stage.process(&mut article).is_ok());
        let mut previous_end = 0;
        for timex in &article.timexes {
            prop_assert!(is_valid_value(&timex.value), "bad value {:?} for {:?}", timex.value, timex.text);
            prop_assert!(timex.start >= previous_end && timex.start < timex.end);
            prop_assert!(text.is_char_boundary(timex.start) && text.is_char_boundary(timex.end));
            prop_assert_eq!(&text[timex.start..timex.end], timex.text.as_str());
            previous_end = timex.end;
        }
    }
}
