//! Hostile texts: whatever an article holds, the analysis is linear in its length. Each
//! text here is about 1 MB; a quadratic step would take minutes on any of them (a debug
//! build does all of them in a few seconds), and the bounds checked are what keeps the
//! stages after the analysis linear too (no sentence longer than `MAX_SENTENCE_TOKENS`).

use std::time::{Duration, Instant};

use byline_text::analyze;

const SIZE: usize = 1 << 20;

fn repeat_to(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
}

fn hostile_texts() -> Vec<(&'static str, String)> {
    vec![
        ("one giant token", "a".repeat(SIZE)),
        ("a giant token with apostrophes", repeat_to("ab'", SIZE)),
        ("n't everywhere", repeat_to("don'tn'", SIZE)),
        (
            "no punctuation",
            repeat_to("the talks resumed in the city ", SIZE),
        ),
        (
            "capitalised words",
            repeat_to("Maria Khalid Lisbon Northwind Bank ", SIZE),
        ),
        (
            "nested quotation marks",
            repeat_to("“He said ‘", SIZE / 2) + &repeat_to("’ ”", SIZE / 2),
        ),
        ("abbreviations", repeat_to("U.S. Gen. Sept. p.m. ", SIZE)),
        (
            "only whitespace and newlines",
            repeat_to(" \n\n \r\n", SIZE),
        ),
        ("dots", ".".repeat(SIZE)),
    ]
}

#[test]
fn hostile_texts_are_analysed_in_bounded_time_and_space() {
    for (name, text) in hostile_texts() {
        let started = Instant::now();
        let analysis = analyze(&text);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(30), "{name}: {took:?}");
        assert!(analysis.tokens.len() <= text.len(), "{name}");
        let longest = analysis.sentences.iter().map(|s| s.tokens.len()).max();
        assert!(
            longest.unwrap_or(0) <= byline_text::MAX_SENTENCE_TOKENS,
            "{name}: a sentence of {longest:?} tokens"
        );
        // Sentences still tile the tokens.
        let covered: usize = analysis.sentences.iter().map(|s| s.tokens.len()).sum();
        assert_eq!(covered, analysis.tokens.len(), "{name}");
    }
}
