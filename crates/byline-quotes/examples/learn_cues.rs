//! Learns the stance-cue list `src/learned_cues.txt` from a PolNeAR-shaped training file.
//!
//! ```text
//! cargo run --release -p byline-quotes --example learn_cues -- polnear_train.jsonl \
//!     > crates/byline-quotes/src/learned_cues.txt
//! ```
//!
//! A word is kept when it is a verb form in -ed or -ing (not an -ly adverb), heads a gold
//! cue at least `MIN_CUES` times, and at least `MIN_SHARE` of its occurrences in the file
//! lie inside a gold cue. Run it on the training split only: the list is part of the model.

use std::collections::{BTreeMap, HashSet};
use std::io::BufRead;

const MIN_CUES: usize = 4;
const MIN_SHARE: f64 = 0.25;
/// "according to" is a phrase the rules read as a whole.
const HANDLED_AS_PHRASES: &[&str] = &["according"];

/// Byte ranges of the words (ASCII letters and inner hyphens) of `text`.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'-') {
            i += 1;
        }
        Some((start, i))
    })
}

/// Byte offset of every char index of `text`, plus one past the end.
fn char_to_byte(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: learn_cues TRAIN.jsonl");
        std::process::exit(2);
    };
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("error: {path}: {e}");
        std::process::exit(1);
    });
    // word → (occurrences inside a cue, all occurrences)
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in std::io::BufReader::new(file).lines() {
        let Ok(line) = line else { continue };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let text = doc["text"].as_str().unwrap_or_default();
        let offsets = char_to_byte(text);
        let byte = |c: &serde_json::Value| {
            c.as_u64()
                .and_then(|c| offsets.get(usize::try_from(c).ok()?).copied())
        };
        let mut cue_word_starts = HashSet::new();
        for quote in doc["quotes"].as_array().into_iter().flatten() {
            for fragment in quote["cue"]["fragments"].as_array().into_iter().flatten() {
                let (Some(s), Some(e)) = (byte(&fragment[0]), byte(&fragment[1])) else {
                    continue;
                };
                let Some(span) = text.get(s..e) else { continue };
                cue_word_starts.extend(words(span).map(|(ws, _)| s + ws));
            }
        }
        for (s, e) in words(text) {
            let entry = counts.entry(text[s..e].to_ascii_lowercase()).or_default();
            entry.1 += 1;
            if cue_word_starts.contains(&s) {
                entry.0 += 1;
            }
        }
    }
    for (word, (cues, all)) in counts {
        let verb_form = (word.ends_with("ed") || word.ends_with("ing")) && !word.ends_with("ly");
        if verb_form
            && cues >= MIN_CUES
            && cues as f64 >= MIN_SHARE * all as f64
            && !HANDLED_AS_PHRASES.contains(&word.as_str())
        {
            println!("{word}");
        }
    }
}
