//! Shared helpers for the grammar tests: tag one sentence against a fixed DCT.

use chrono::NaiveDate;

use crate::anchor::Anchor;
use crate::lexicon::Triggers;

/// One tagged expression, comparable with a `(text, type, value, mod)` tuple.
#[derive(Debug)]
pub(crate) struct Row {
    pub text: String,
    pub kind: &'static str,
    pub value: String,
    pub modifier: Option<String>,
}

impl PartialEq<(&str, &str, &str, Option<&str>)> for Row {
    fn eq(&self, other: &(&str, &str, &str, Option<&str>)) -> bool {
        self.text == other.0
            && self.kind == other.1
            && self.value == other.2
            && self.modifier.as_deref() == other.3
    }
}

/// Every timex in `text`, published 2021-08-03 (a Tuesday).
pub(crate) fn tag_2021_08_03(text: &str) -> Vec<Row> {
    tag_with(text, NaiveDate::from_ymd_opt(2021, 8, 3))
}

pub(crate) fn tag_with(text: &str, dct: Option<NaiveDate>) -> Vec<Row> {
    let triggers = Triggers::new().expect("build the triggers");
    let analysis = byline_core::Article::new("t", text).analysis().clone();
    super::tag(text, &analysis, &triggers, Anchor { dct })
        .into_iter()
        .map(|t| Row {
            text: t.text,
            kind: t.kind.as_str(),
            value: t.value,
            modifier: t.modifier,
        })
        .collect()
}

#[test]
fn prefixes_add_modifiers() {
    assert_eq!(
        tag_2021_08_03("in late August"),
        [("late August", "DATE", "2021-08", Some("END"))]
    );
    assert_eq!(
        tag_2021_08_03("earlier this month"),
        [("earlier this month", "DATE", "2021-08", Some("START"))]
    );
    assert_eq!(
        tag_2021_08_03("by mid-2020"),
        [("mid-2020", "DATE", "2020", Some("MID"))]
    );
}

#[test]
fn no_dct_leaves_relative_values_open() {
    let found = tag_with(
        "He left yesterday and returns Tuesday, Aug. 31, 2021.",
        None,
    );
    let values: Vec<&str> = found.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(values, ["XXXX-XX-XX", "2021-08-31"]);
}

#[test]
fn weekday_with_date() {
    assert_eq!(
        tag_2021_08_03("The editorial runs on Monday, Oct. 26: The"),
        [("Monday, Oct. 26", "DATE", "2021-10-26", None)]
    );
}

#[test]
fn quoted_speech_counts_from_the_publication_date() {
    let text = "The talks opened on Aug. 20. The next day they stalled. \
                \u{201c}We will meet again the next day,\u{201d} he said.";
    let values: Vec<String> = tag_2021_08_03(text).into_iter().map(|r| r.value).collect();
    assert_eq!(values, ["2021-08-20", "2021-08-21", "2021-08-04"]);
}

#[test]
fn titles_are_not_timexes() {
    assert!(tag_2021_08_03("She spoke on the show \"This Week\" on ABC.").is_empty());
    assert_eq!(
        tag_2021_08_03("This week the talks resume."),
        [("This week", "DATE", "2021-W31", None)]
    );
}
