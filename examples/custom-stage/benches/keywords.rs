//! Throughput of the `keywords` stage on news-sized articles, ASCII and not.
//!
//! `cargo bench -p custom-stage-example --bench keywords`

use std::time::Instant;

use byline_core::{Article, BuildContext, RawConfig, Stage};
use custom_stage_example::{KeywordsConfig, KeywordsStage};

const LISTS: &str = "lists = { topics = [\"ceasefire\", \"port strike\", \"election\", \"inflation\"], \
                     places = [\"Kabul\", \"Rotterdam\", \"U.S.\", \"New York\", \"New York Times\"] }";

fn corpus(accent: &str) -> Vec<Article> {
    let words = [
        "the",
        "port",
        "strike",
        "talks",
        "minister",
        "said",
        "on",
        "Tuesday",
        "that",
        "negotiators",
        "in",
        "Rotterdam",
        "and",
        "Kabul",
        "would",
        "meet",
        "again",
        "after",
        "the",
        "ceasefire",
        "held",
        "despite",
        "inflation",
        "election",
        accent,
    ];
    (0..2000)
        .map(|i| {
            let text: Vec<&str> = (0..400)
                .map(|k| words[(i * 7 + k * 13 + k / 5) % words.len()])
                .collect();
            Article::new(format!("k{i}"), text.join(" "))
        })
        .collect()
}

fn main() {
    let config: KeywordsConfig = RawConfig::from_toml(LISTS)
        .and_then(RawConfig::parse)
        .expect("parse the config");
    let stage = KeywordsStage::build(config, &BuildContext::default()).expect("build the stage");
    for (name, accent) in [("ASCII", "report"), ("with accents", "Élysée")] {
        let mut articles = corpus(accent);
        let bytes: usize = articles.iter().map(|a| a.text().len()).sum();
        let started = Instant::now();
        let mut tags = 0;
        for article in &mut articles {
            let _ = stage.process(article);
            tags += article.meta["keywords"].as_array().map_or(0, Vec::len);
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "keywords, {name:<12}: {:>8.0} articles/s, {:>6.1} MB/s ({tags} tags)",
            articles.len() as f64 / seconds,
            bytes as f64 / seconds / 1e6
        );
    }
}
