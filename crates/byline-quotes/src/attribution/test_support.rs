//! What the rule tests share: an article with entities tagged by surface, and the stage's
//! quotes on it as (text, kind, speaker text, speaker name).

use byline_core::{Article, Entity, EntityLabel, Flow, QuoteKind, Stage};

use crate::stage::{QuotesConfig, QuotesStage, Scope};

/// An article with entities given as (surface, label, canonical name); every
/// occurrence of each surface is tagged.
pub(crate) fn article(text: &str, entities: &[(&str, EntityLabel, &str)]) -> Article {
    let mut a = Article::new("t", text);
    for (surface, label, name) in entities {
        for (start, _) in text.match_indices(surface) {
            let end = start + surface.len();
            if a.entities.iter().any(|e| e.start < end && start < e.end) {
                continue;
            }
            a.entities.push(Entity {
                start,
                end: start + surface.len(),
                text: surface.to_string(),
                label: *label,
                name: name.to_string(),
            });
        }
    }
    a.entities.sort_by_key(|e| e.start);
    a
}

/// (quote text, kind, speaker text, speaker name) of every quote found.
pub(crate) fn quotes(
    text: &str,
    entities: &[(&str, EntityLabel, &str)],
) -> Vec<(String, QuoteKind, String, String)> {
    quotes_in(Scope::Speech, text, entities)
}

/// As `quotes`, in `scope`.
pub(crate) fn quotes_in(
    scope: Scope,
    text: &str,
    entities: &[(&str, EntityLabel, &str)],
) -> Vec<(String, QuoteKind, String, String)> {
    let mut a = article(text, entities);
    let config = QuotesConfig {
        scope,
        ..QuotesConfig::default()
    };
    let result = QuotesStage::new(config).process(&mut a);
    assert_eq!(result, Ok(Flow::Continue));
    a.quotes
        .iter()
        .map(|q| {
            assert_eq!(&text[q.start..q.end], q.text);
            let (st, sn) = q
                .speaker
                .as_ref()
                .map_or((String::new(), String::new()), |s| {
                    (s.text.clone(), s.name.clone())
                });
            (q.text.clone(), q.kind, st, sn)
        })
        .collect()
}

pub(crate) const PER: EntityLabel = EntityLabel::Person;

pub(crate) const ORG: EntityLabel = EntityLabel::Organization;

pub(crate) fn q(
    text: &str,
    kind: QuoteKind,
    speaker: &str,
    name: &str,
) -> (String, QuoteKind, String, String) {
    (text.into(), kind, speaker.into(), name.into())
}

/// The quote whose text starts with `start`, as (text, speaker text, speaker name).
pub(crate) fn quote_starting<'f>(
    found: &'f [(String, QuoteKind, String, String)],
    start: &str,
) -> Option<(&'f str, &'f str, &'f str)> {
    found
        .iter()
        .find(|f| f.0.starts_with(start))
        .map(|f| (f.0.as_str(), f.2.as_str(), f.3.as_str()))
}
