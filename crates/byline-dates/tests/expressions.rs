//! Table tests: one sentence per expression kind, published 2021-08-03 (a Tuesday).

use byline_core::{Article, Published, Stage};
use byline_dates::{DatesConfig, DatesStage};

/// (sentence, expected span, type, value, mod)
const TABLE: &[(&str, &str, &str, &str, Option<&str>)] = &[
    // weekdays and days
    (
        "The envoy arrived in Doha on Tuesday.",
        "Tuesday",
        "DATE",
        "2021-08-03",
        None,
    ),
    (
        "Talks began Tuesday morning.",
        "Tuesday morning",
        "TIME",
        "2021-08-03TMO",
        None,
    ),
    (
        "The minister said Friday that talks had stalled.",
        "Friday",
        "DATE",
        "2021-07-30",
        None,
    ),
    (
        "The council will vote on Friday.",
        "Friday",
        "DATE",
        "2021-08-06",
        None,
    ),
    (
        "He was arrested last Thursday.",
        "last Thursday",
        "DATE",
        "2021-07-29",
        None,
    ),
    (
        "They meet again next Monday.",
        "next Monday",
        "DATE",
        "2021-08-09",
        None,
    ),
    (
        "The rebels attacked yesterday.",
        "yesterday",
        "DATE",
        "2021-08-02",
        None,
    ),
    (
        "The decision is due tomorrow.",
        "tomorrow",
        "DATE",
        "2021-08-04",
        None,
    ),
    (
        "Officials met last night.",
        "last night",
        "TIME",
        "2021-08-02TNI",
        None,
    ),
    (
        "Rain fell this morning.",
        "this morning",
        "TIME",
        "2021-08-03TMO",
        None,
    ),
    (
        "The talks end tonight.",
        "tonight",
        "TIME",
        "2021-08-03TNI",
        None,
    ),
    // calendar dates
    (
        "The deadline is August 31.",
        "August 31",
        "DATE",
        "2021-08-31",
        None,
    ),
    (
        "Troops must leave by Aug. 31.",
        "Aug. 31",
        "DATE",
        "2021-08-31",
        None,
    ),
    (
        "Payment is due Sept. 30.",
        "Sept. 30",
        "DATE",
        "2021-09-30",
        None,
    ),
    (
        "It was signed on 31 August 2021.",
        "31 August 2021",
        "DATE",
        "2021-08-31",
        None,
    ),
    (
        "The file is dated 2021-08-31.",
        "2021-08-31",
        "DATE",
        "2021-08-31",
        None,
    ),
    (
        "The file is dated 8/31/2021.",
        "8/31/2021",
        "DATE",
        "2021-08-31",
        None,
    ),
    (
        "Prices peaked in late August.",
        "late August",
        "DATE",
        "2021-08",
        Some("END"),
    ),
    (
        "The plant opened in July 1997.",
        "July 1997",
        "DATE",
        "1997-07",
        None,
    ),
    (
        "Sales rose in fiscal 2022.",
        "fiscal 2022",
        "DATE",
        "2022",
        None,
    ),
    (
        "Output should recover by mid-2020.",
        "mid-2020",
        "DATE",
        "2020",
        Some("MID"),
    ),
    // weeks, months, quarters, halves, seasons, years, decades, centuries
    (
        "Last week the index fell.",
        "Last week",
        "DATE",
        "2021-W30",
        None,
    ),
    (
        "The bill passed this week.",
        "this week",
        "DATE",
        "2021-W31",
        None,
    ),
    (
        "Sales fell earlier this month.",
        "earlier this month",
        "DATE",
        "2021-08",
        Some("START"),
    ),
    (
        "Profit rose in the third quarter.",
        "the third quarter",
        "DATE",
        "2021-Q3",
        None,
    ),
    (
        "Sales slowed in the first half.",
        "the first half",
        "DATE",
        "2021-H1",
        None,
    ),
    (
        "The park reopens this summer.",
        "this summer",
        "DATE",
        "2021-SU",
        None,
    ),
    (
        "It was built two years ago.",
        "two years ago",
        "DATE",
        "2019",
        None,
    ),
    ("Exports grew last year.", "last year", "DATE", "2020", None),
    (
        "The firm was founded in the 1990s.",
        "the 1990s",
        "DATE",
        "199",
        None,
    ),
    (
        "It dates from the 19th century.",
        "the 19th century",
        "DATE",
        "18",
        None,
    ),
    // durations
    (
        "The strike lasted three days.",
        "three days",
        "DURATION",
        "P3D",
        None,
    ),
    (
        "Prices rose over the past three years.",
        "the past three years",
        "DURATION",
        "P3Y",
        None,
    ),
    (
        "The ban has lasted more than a decade.",
        "more than a decade",
        "DURATION",
        "P10Y",
        Some("MORE_THAN"),
    ),
    (
        "Police held him for 24 hours.",
        "24 hours",
        "DURATION",
        "PT24H",
        None,
    ),
    (
        "Talks went on for several weeks.",
        "several weeks",
        "DURATION",
        "PXW",
        None,
    ),
    // sets
    (
        "The market opens every Monday.",
        "every Monday",
        "SET",
        "XXXX-WXX-1",
        None,
    ),
    (
        "The report is published annually.",
        "annually",
        "SET",
        "P1Y",
        None,
    ),
    // times
    (
        "The vote closes at 3:30 p.m.",
        "3:30 p.m.",
        "TIME",
        "2021-08-03T15:30",
        None,
    ),
    (
        "Polls open at 7 a.m. Friday.",
        "7 a.m. Friday",
        "TIME",
        "2021-07-30T07:00",
        None,
    ),
    // vague references
    (
        "Prices have risen recently.",
        "recently",
        "DATE",
        "PAST_REF",
        None,
    ),
    ("The town is now quiet.", "now", "DATE", "PRESENT_REF", None),
    (
        "Tension has grown in recent weeks.",
        "recent weeks",
        "DURATION",
        "PXW",
        None,
    ),
    (
        "More storms are expected in the coming days.",
        "the coming days",
        "DURATION",
        "PXD",
        None,
    ),
    (
        "Such raids were common in the past.",
        "the past",
        "DATE",
        "PAST_REF",
        None,
    ),
    // deadlines and arrangements look ahead; passives and adjectives are not past tense
    (
        "The board extended the offer until Friday.",
        "Friday",
        "DATE",
        "2021-08-06",
        None,
    ),
    (
        "Smith will succeed him Feb. 1.",
        "Feb. 1",
        "DATE",
        "2022-02-01",
        None,
    ),
    (
        "The dividend would be paid on a still unspecified date in January.",
        "January",
        "DATE",
        "2022-01",
        None,
    ),
    (
        "They have until 9 a.m. Thursday to answer.",
        "9 a.m. Thursday",
        "TIME",
        "2021-08-05T09:00",
        None,
    ),
    // the narrative's reference time
    (
        "He was shot last Oct. 23 at his home.",
        "last Oct. 23",
        "DATE",
        "2020-10-23",
        None,
    ),
    (
        "Talks are planned for the week of Aug. 16.",
        "the week of Aug. 16",
        "DATE",
        "2021-W33",
        None,
    ),
    // financial comparisons
    (
        "Net rose from $2 million in the corresponding period last year.",
        "the corresponding period last year",
        "DATE",
        "2020-Q2",
        None,
    ),
    (
        "Sales fell from the quarter a year ago.",
        "the quarter a year ago",
        "DATE",
        "2020-Q2",
        None,
    ),
    (
        "The firm expects to earn $5 million a year.",
        "a year",
        "SET",
        "P1Y",
        None,
    ),
    // holidays, parts of days, vague stretches
    (
        "The campaign runs until Election Day.",
        "Election Day",
        "DATE",
        "2021-11-02",
        None,
    ),
    (
        "Shares slipped at mid-afternoon yesterday.",
        "mid-afternoon yesterday",
        "TIME",
        "2021-08-02TAF",
        None,
    ),
    (
        "The repairs could take weeks or months.",
        "weeks or months",
        "DURATION",
        "PXW",
        None,
    ),
    (
        "The pilot landed a minute and a half later.",
        "a minute and a half",
        "DURATION",
        "PT1M30S",
        None,
    ),
];

fn tag(sentence: &str, published: Option<&str>) -> Vec<byline_core::Timex> {
    let stage = DatesStage::new(DatesConfig::default()).expect("build the dates stage");
    let mut article = Article::new("t", sentence);
    article.published = published.and_then(|p| Published::parse(p).ok());
    stage
        .process(&mut article)
        .unwrap_or_else(|e| panic!("{sentence}: {e}"));
    article.timexes
}

#[test]
fn every_expression_kind_resolves_against_the_publication_date() {
    let mut failures = Vec::new();
    for &(sentence, span, kind, value, modifier) in TABLE {
        let found = tag(sentence, Some("2021-08-03"));
        let got: Vec<(&str, &str, &str, Option<&str>)> = found
            .iter()
            .map(|t| {
                (
                    t.text.as_str(),
                    t.kind.as_str(),
                    t.value.as_str(),
                    t.modifier.as_deref(),
                )
            })
            .collect();
        if got != [(span, kind, value, modifier)] {
            failures.push(format!(
                "{sentence}\n  expected {:?}\n  got      {got:?}",
                (span, kind, value, modifier)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn without_a_publication_date_only_absolute_values_resolve() {
    let found = tag(
        "He left on Tuesday, two years ago, and returned Aug. 31, 2021.",
        None,
    );
    let values: Vec<&str> = found.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(values, ["XXXX-WXX-2", "XXXX", "2021-08-31"]);
}

#[test]
fn spans_exclude_leading_prepositions() {
    let found = tag(
        "Troops stayed in Kabul until August 31 and left on Tuesday.",
        Some("2021-08-03"),
    );
    let spans: Vec<&str> = found.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(spans, ["August 31", "Tuesday"]);
}
