//! The shipped model on our own modern news articles (tests/data/modern_news.jsonl,
//! written for this crate): key people and places are found with their canonical names,
//! and overall quality stays above a floor.

use std::path::Path;

use byline_core::{Article, EntityLabel, Stage};
use byline_entities::EntitiesStage;
use byline_entities::corpus::read_gold;
use byline_entities::eval::evaluate;

fn data() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/modern_news.jsonl"
    ))
}

fn stage() -> EntitiesStage {
    EntitiesStage::with_embedded_model().expect("load the embedded model")
}

#[test]
fn key_people_and_places_of_the_doha_article() {
    let documents = read_gold(data()).expect("data");
    let doha = documents
        .iter()
        .find(|d| d.id == "modern-02")
        .unwrap_or_else(|| panic!("modern-02 missing"));
    let mut article = Article::new(doha.id.clone(), doha.text.clone());
    stage()
        .process(&mut article)
        .expect("the stage processes the article");
    let found: Vec<(&str, EntityLabel, &str)> = article
        .entities
        .iter()
        .map(|e| (e.text.as_str(), e.label, e.name.as_str()))
        .collect();
    for expected in [
        ("Zalmay Khalilzad", EntityLabel::Person, "Zalmay Khalilzad"),
        ("Khalilzad", EntityLabel::Person, "Zalmay Khalilzad"),
        ("Ashraf Ghani", EntityLabel::Person, "Ashraf Ghani"),
        ("Ghani", EntityLabel::Person, "Ashraf Ghani"),
        ("Qatar", EntityLabel::Location, "Qatar"),
        ("Doha", EntityLabel::Location, "Doha"),
        ("Kabul", EntityLabel::Location, "Kabul"),
        ("Afghanistan", EntityLabel::Location, "Afghanistan"),
        ("U.S.", EntityLabel::Location, "U.S."),
        (
            "United Nations",
            EntityLabel::Organization,
            "United Nations",
        ),
        ("UN", EntityLabel::Organization, "United Nations"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    // Possessives stay outside the span: "Ghani's" gives "Ghani".
    assert!(
        !found.iter().any(|(t, _, _)| t.ends_with("'s")),
        "{found:?}"
    );
}

#[test]
fn titles_are_not_part_of_names() {
    let mut article = Article::new(
        "t",
        "Gov. Tim Walz met Sen. Amy Klobuchar in St. Paul. Walz and Klobuchar agreed.",
    );
    stage()
        .process(&mut article)
        .expect("the stage processes the article");
    let people: Vec<(&str, &str)> = article
        .entities
        .iter()
        .filter(|e| e.label == EntityLabel::Person)
        .map(|e| (e.text.as_str(), e.name.as_str()))
        .collect();
    assert!(people.contains(&("Tim Walz", "Tim Walz")), "{people:?}");
    assert!(people.contains(&("Walz", "Tim Walz")), "{people:?}");
    assert!(
        people.contains(&("Klobuchar", "Amy Klobuchar")),
        "{people:?}"
    );
}

#[test]
fn modern_news_quality_floor() {
    let report = evaluate(data(), &stage(), false).expect("evaluate");
    assert_eq!(report.documents, 7);
    assert!(
        report.overall.f1 >= 85.0,
        "modern news F1 fell to {:.2}\n{report}",
        report.overall.f1
    );
}
