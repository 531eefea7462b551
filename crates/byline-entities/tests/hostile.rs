//! Hostile articles through the entities stage: its time and memory grow linearly with
//! the article. Before the fix, an article naming thousands of people who share a
//! surname took time quadratic in their number (every "Khalid" scanned every full name
//! ending in Khalid), and every article held ~40 feature hashes per token at once.

use std::time::{Duration, Instant};

use byline_core::{Article, EntityLabel, Stage};
use byline_entities::EntitiesStage;

const SIZE: usize = 300_000;

fn stage() -> EntitiesStage {
    EntitiesStage::with_embedded_model().expect("load the embedded model")
}

/// Pseudo-random distinct given names (deterministic, no corpus text).
fn given_name(i: usize) -> String {
    const CONSONANTS: &[u8] = b"bcdfghklmnprstvz";
    const VOWELS: &[u8] = b"aeiou";
    let mut name = String::new();
    let mut n = i;
    for k in 0..4 {
        let c = CONSONANTS[n % CONSONANTS.len()] as char;
        n /= CONSONANTS.len();
        let v = VOWELS[(n + k) % VOWELS.len()] as char;
        n /= VOWELS.len();
        name.push(if k == 0 { c.to_ascii_uppercase() } else { c });
        name.push(v);
    }
    name
}

fn tag(text: String) -> (Article, Duration) {
    let mut article = Article::new("hostile", text);
    let started = Instant::now();
    stage()
        .process(&mut article)
        .expect("the stage processes the article");
    (article, started.elapsed())
}

#[test]
fn thousands_of_namesakes_are_resolved_in_linear_time() {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < SIZE {
        text.push_str(&format!(
            "{} Khalid, an official, said on Tuesday that talks would resume. Khalid left.\n\n",
            given_name(i)
        ));
        i += 1;
    }
    let (article, took) = tag(text);
    assert!(took < Duration::from_secs(60), "{took:?}");
    // The surname resolves to the nearest full name before it.
    let people: Vec<&str> = article
        .entities
        .iter()
        .filter(|e| e.label == EntityLabel::Person)
        .map(|e| e.name.as_str())
        .collect();
    assert!(people.len() > 1000, "{} people", people.len());
    let surnames: Vec<&str> = article
        .entities
        .iter()
        .filter(|e| e.label == EntityLabel::Person && e.text == "Khalid")
        .map(|e| e.name.as_str())
        .collect();
    assert!(!surnames.is_empty());
    assert!(
        surnames.iter().all(|name| name.ends_with(" Khalid")),
        "{:?}",
        &surnames[..surnames.len().min(5)]
    );
}

#[test]
fn text_without_sentence_ends_or_in_capitals_is_tagged_in_bounded_time() {
    for unit in [
        "the talks resumed in the city after the vote ",
        "Maria Khalid Lisbon Northwind Bank Oslo Weber ",
        "a",
    ] {
        let text = unit.repeat(SIZE / unit.len());
        let (article, took) = tag(text);
        assert!(took < Duration::from_secs(60), "{unit:?}: {took:?}");
        for e in &article.entities {
            assert_eq!(&article.text()[e.start..e.end], e.text);
        }
    }
}
