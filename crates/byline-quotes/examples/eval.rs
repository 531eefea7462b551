//! Scores the `quotes` stage on a gold file (PolNeAR shape) until `byline eval quotes` is
//! wired in the CLI.
//!
//! ```text
//! cargo run --release -p byline-quotes --example eval -- GOLD.jsonl [--verbose] [--json]
//!     [--dump OUT.jsonl] [--dev-entities | --no-ner] [--stances]
//! ```
//!
//! Entities come from the `entities` stage (byline-entities, with its shipped model).
//! `--dev-entities` swaps in a crude capitalised-word tagger, [`DevOnlyCapitalisedWords`],
//! which served while the NER stage was being built; it is for development measurements
//! only and never part of the shipped stage. Gold files that list their own `entities`
//! are scored with those (pass `--no-ner`).

use std::io::{BufRead, Write};
use std::path::PathBuf;

use byline_core::{Article, Entity, EntityLabel, Flow, Stage, StageError, TokenKind};
use byline_quotes::QuotesStage;
use byline_quotes::eval::evaluate;

/// DEV-ONLY stand-in for the NER stage: runs of capitalised words become entities (ORG
/// when they contain an organisation word, PER otherwise), and a lone surname takes the
/// name of the last longer mention ending in it.
struct DevOnlyCapitalisedWords;

const SENTENCE_OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "but",
    "and",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "their",
    "its",
    "after",
    "before",
    "when",
    "if",
    "as",
    "for",
    "with",
    "while",
    "there",
    "some",
    "many",
    "according",
    "speaking",
    "last",
    "ultimately",
    "meanwhile",
    "however",
    "yet",
    "still",
    "so",
    "our",
    "my",
    "your",
    "what",
    "who",
    "why",
    "how",
    "now",
    "then",
    "one",
    "two",
    "more",
    "most",
    "even",
    "also",
    "by",
    "from",
    "to",
    "of",
    "no",
    "not",
    "all",
    "both",
    "other",
    "if",
    "is",
    "was",
    "yes",
];

const ORG_WORDS: &[&str] = &[
    "Corp",
    "Inc",
    "Party",
    "News",
    "Times",
    "Department",
    "Ministry",
    "Council",
    "Union",
    "Committee",
    "Association",
    "Bank",
    "Post",
    "Journal",
    "Agency",
    "Administration",
    "Campaign",
    "University",
    "Institute",
    "Foundation",
    "Group",
    "Network",
    "Congress",
    "Senate",
    "House",
    "Court",
    "Republicans",
    "Democrats",
    "CNN",
    "GOP",
    "Fox",
    "Company",
    "Commission",
    "Office",
    "Service",
    "Forum",
    "Taliban",
    "Nations",
];

impl Stage for DevOnlyCapitalisedWords {
    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        let text = article.text().to_string();
        let analysis = article.analysis().clone();
        let mut entities: Vec<Entity> = Vec::new();
        for sentence in &analysis.sentences {
            let mut i = sentence.tokens.start;
            while i < sentence.tokens.end {
                let capital = |t: usize| {
                    let tok = analysis.tokens[t];
                    tok.kind == TokenKind::Word
                        && tok
                            .text(&text)
                            .chars()
                            .next()
                            .is_some_and(char::is_uppercase)
                };
                if !capital(i) {
                    i += 1;
                    continue;
                }
                let mut j = i + 1;
                while j < sentence.tokens.end && capital(j) {
                    j += 1;
                }
                let first_word = analysis.tokens[i].text(&text).to_lowercase();
                let start_tok = if i == sentence.tokens.start
                    && SENTENCE_OPENERS.contains(&first_word.as_str())
                {
                    i + 1
                } else {
                    i
                };
                if start_tok < j {
                    let (s, e) = (analysis.tokens[start_tok].start, analysis.tokens[j - 1].end);
                    let surface = text[s..e].to_string();
                    let label = if surface.split_whitespace().any(|w| ORG_WORDS.contains(&w)) {
                        EntityLabel::Organization
                    } else {
                        EntityLabel::Person
                    };
                    let name = entities
                        .iter()
                        .rev()
                        .find(|earlier| {
                            earlier.text.len() > surface.len()
                                && earlier.text.ends_with(&surface)
                                && earlier.text[..earlier.text.len() - surface.len()].ends_with(' ')
                        })
                        .map_or_else(|| surface.clone(), |earlier| earlier.name.clone());
                    entities.push(Entity {
                        start: s,
                        end: e,
                        text: surface,
                        label,
                        name,
                    });
                }
                i = j;
            }
        }
        article.entities = entities;
        Ok(Flow::Continue)
    }
}

fn main() {
    let mut gold: Option<PathBuf> = None;
    let mut verbose = false;
    let mut json = false;
    let mut dump: Option<PathBuf> = None;
    let mut dev_entities = false;
    let mut no_ner = false;
    let mut stances = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--verbose" | "-v" => verbose = true,
            "--json" => json = true,
            "--dump" => dump = args.next().map(PathBuf::from),
            "--dev-entities" => dev_entities = true,
            "--no-ner" => no_ner = true,
            "--stances" => stances = true,
            _ => gold = Some(PathBuf::from(arg)),
        }
    }
    let Some(gold) = gold else {
        eprintln!("usage: eval GOLD.jsonl [--verbose] [--json] [--dump OUT.jsonl]");
        std::process::exit(2);
    };
    let ner = match byline_entities::EntitiesStage::with_embedded_model() {
        Ok(stage) => stage,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let entities: &dyn Stage = if dev_entities {
        &DevOnlyCapitalisedWords
    } else {
        &ner
    };
    let quotes = QuotesStage::new(byline_quotes::QuotesConfig {
        stances,
        ..byline_quotes::QuotesConfig::default()
    });
    let upstream: Vec<&dyn Stage> = if no_ner { Vec::new() } else { vec![entities] };
    let report = match evaluate(&gold, &upstream, &quotes, verbose) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        print!("{report}");
    }
    if let Some(out) = dump
        && let Err(e) = dump_predictions(&gold, &out, entities, &quotes)
    {
        eprintln!("error: cannot dump predictions: {e}");
        std::process::exit(1);
    }
}

/// Writes each article's output (entities and quotes) as JSON Lines, for error analysis.
fn dump_predictions(
    gold: &PathBuf,
    out: &PathBuf,
    entities: &dyn Stage,
    quotes: &dyn Stage,
) -> Result<(), Box<dyn std::error::Error>> {
    let reader = std::io::BufReader::new(std::fs::File::open(gold)?);
    let mut writer = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut timed = std::time::Duration::ZERO;
    let mut bytes = 0usize;
    for line in reader.lines() {
        let value: serde_json::Value = serde_json::from_str(&line?)?;
        let text = value["text"].as_str().unwrap_or_default().to_string();
        let id = value["id"].as_str().unwrap_or_default().to_string();
        let mut article = Article::new(id, text);
        entities.process(&mut article)?;
        article.analysis();
        let start = std::time::Instant::now();
        quotes.process(&mut article)?;
        timed += start.elapsed();
        bytes += article.text().len();
        serde_json::to_writer(&mut writer, &article.to_json())?;
        writeln!(writer)?;
    }
    eprintln!(
        "quotes stage alone: {:.1} MB/s over {bytes} bytes (tokens and entities computed beforehand)",
        bytes as f64 / 1e6 / timed.as_secs_f64().max(1e-9)
    );
    Ok(())
}
