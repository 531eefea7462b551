//! The `keywords` stage: tags words and phrases from configured lists.
//!
//! ```toml
//! [stages.kw]
//! type = "keywords"
//! inputs = ["wire"]
//!
//! [stages.kw.lists]
//! topics = ["ceasefire", "port strike", "election"]
//! places = ["Kabul", "Doha"]
//! ```
//!
//! Every match goes into `meta.keywords` as `{"start", "end", "text", "list"}`, with
//! code-point offsets like every other span in byline's output.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, MatchKind};
use byline_core::output::CharOffsets;
use byline_core::{Article, BuildContext, BuildError, Flow, Layer, Stage, StageError};
use serde::Deserialize;
use serde_json::{Value, json};

/// The meta key this stage writes, and the layer it provides.
pub const KEYWORDS: &str = "keywords";

/// Config of a `keywords` stage.
#[derive(Debug, Clone, Deserialize, byline_core::JsonSchema)]
#[schemars(crate = "byline_core::schemars")]
#[serde(deny_unknown_fields)]
pub struct KeywordsConfig {
    /// Named keyword lists. Matching ignores case and needs a word boundary on each side of
    /// a keyword that starts or ends with a letter or digit, so `election` does not match
    /// inside `preelection`; a space inside a keyword matches any one whitespace character,
    /// a line break included.
    pub lists: BTreeMap<String, Vec<String>>,
}

/// One distinct keyword, in its folded form.
#[derive(Debug)]
struct Keyword {
    lists: Vec<String>,
    boundary_before: bool,
    boundary_after: bool,
}

/// The `keywords` stage.
pub struct KeywordsStage {
    /// Every folded keyword; pattern `i` is `keywords[i]`.
    matcher: AhoCorasick,
    keywords: Vec<Keyword>,
}

impl KeywordsStage {
    pub fn build(
        config: KeywordsConfig,
        context: &BuildContext,
    ) -> Result<KeywordsStage, BuildError> {
        let invalid = |message: String| {
            BuildError::Invalid(format!("keywords stage `{}`: {message}", context.id))
        };
        if config.lists.is_empty() {
            return Err(invalid(
                "`lists` has no list; add one, as in `lists = { topics = [\"election\"] }`".into(),
            ));
        }
        let mut lists_by_keyword: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (list, keywords) in &config.lists {
            if keywords.is_empty() {
                return Err(invalid(format!("list `{list}` is empty")));
            }
            for keyword in keywords {
                let folded = fold(&keyword.split_whitespace().collect::<Vec<_>>().join(" "));
                if folded.is_empty() {
                    return Err(invalid(format!("list `{list}` has a blank keyword")));
                }
                let lists = lists_by_keyword.entry(folded).or_default();
                if !lists.contains(list) {
                    lists.push(list.clone());
                }
            }
        }
        // Standard semantics, because only they allow overlapping search: every candidate
        // is needed, since the longest one at a position may fail its boundary check
        // ("New York Timesquare") while a shorter one passes ("New York").
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(lists_by_keyword.keys())
            .map_err(|e| invalid(format!("the keywords cannot be compiled: {e}")))?;
        let keywords = lists_by_keyword
            .into_iter()
            .map(|(folded, lists)| Keyword {
                boundary_before: folded.chars().next().is_some_and(is_word_char),
                boundary_after: folded.chars().next_back().is_some_and(is_word_char),
                lists,
            })
            .collect();
        Ok(KeywordsStage { matcher, keywords })
    }

    /// The matches in `text`: byte ranges with their lists, in text order. Where matches
    /// overlap, the leftmost wins, then the longest.
    pub fn find<'t>(&self, text: &'t str) -> Vec<(usize, usize, &'t str, &[String])> {
        let folded = fold(text);
        let mut candidates: Vec<(usize, usize, usize)> = self
            .matcher
            .find_overlapping_iter(&folded)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .filter(|&(start, end, keyword)| {
                let keyword = &self.keywords[keyword];
                let before = text[..start].chars().next_back();
                let after = text[end..].chars().next();
                let glued_before = keyword.boundary_before && before.is_some_and(is_word_char);
                let glued_after = keyword.boundary_after && after.is_some_and(is_word_char);
                !glued_before && !glued_after
            })
            .collect();
        candidates.sort_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut taken_until = 0;
        let mut found = Vec::new();
        for (start, end, keyword) in candidates {
            if start >= taken_until {
                taken_until = end;
                found.push((
                    start,
                    end,
                    &text[start..end],
                    self.keywords[keyword].lists.as_slice(),
                ));
            }
        }
        found
    }
}

/// `text` in the form keywords are compared in: lowercase, whitespace as plain spaces,
/// and byte for byte as long as `text`, so that offsets found in it hold in `text`. A
/// character whose lowercase form has another length (the Kelvin sign, "İ") is kept as it is.
fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text
            .bytes()
            .map(|b| {
                if b.is_ascii_whitespace() {
                    ' '
                } else {
                    char::from(b.to_ascii_lowercase())
                }
            })
            .collect();
    }
    text.chars()
        .map(|c| {
            if c.is_ascii_whitespace() {
                return ' ';
            }
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) if l.len_utf8() == c.len_utf8() => l,
                _ => c,
            }
        })
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Stage for KeywordsStage {
    fn provides(&self) -> Vec<Layer> {
        vec![Layer::custom(KEYWORDS)]
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        let offsets = CharOffsets::new(article.text());
        let tags: Vec<Value> = self
            .find(article.text())
            .into_iter()
            .flat_map(|(start, end, text, lists)| {
                let (start, end) = (offsets.to_chars(start), offsets.to_chars(end));
                lists.iter().map(
                    move |list| json!({"start": start, "end": end, "text": text, "list": list}),
                )
            })
            .collect();
        article
            .meta
            .insert(KEYWORDS.to_string(), Value::Array(tags));
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    fn stage(source: &str) -> KeywordsStage {
        let config = RawConfig::from_toml(source)
            .and_then(RawConfig::parse)
            .expect("parse the config");
        KeywordsStage::build(config, &BuildContext::default()).expect("build the stage")
    }

    fn tags(stage: &KeywordsStage, text: &str) -> Vec<Value> {
        let mut article = Article::new("t", text);
        assert_eq!(stage.process(&mut article), Ok(Flow::Continue));
        match article.meta.remove(KEYWORDS) {
            Some(Value::Array(tags)) => tags,
            other => panic!("meta.keywords is {other:?}"),
        }
    }

    /// (text, list) of each tag, in order.
    fn found(stage: &KeywordsStage, text: &str) -> Vec<(String, String)> {
        tags(stage, text)
            .iter()
            .map(|t| {
                (
                    t["text"].as_str().unwrap_or_default().into(),
                    t["list"].as_str().unwrap_or_default().into(),
                )
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    const TOPICS: &str = "lists = { topics = [\"ceasefire\", \"election\", \"port strike\"], places = [\"Kabul\", \"U.S.\"] }";

    #[test]
    fn matches_ignore_case_and_respect_word_boundaries() {
        let s = stage(TOPICS);
        let text = "CEASEFIRE talks: the Election, not the preelection or elections, in kabul.";
        assert_eq!(
            found(&s, text),
            pairs(&[
                ("CEASEFIRE", "topics"),
                ("Election", "topics"),
                ("kabul", "places")
            ])
        );
    }

    #[test]
    fn offsets_are_code_points() {
        let s = stage(TOPICS);
        let text = "🎉 Ésta: Kabul";
        let tag = &tags(&s, text)[0];
        assert_eq!(
            tag,
            &json!({"start": 8, "end": 13, "text": "Kabul", "list": "places"})
        );
        let by_chars: String = text.chars().skip(8).take(5).collect();
        assert_eq!(by_chars, "Kabul");
    }

    #[test]
    fn phrases_match_across_line_breaks_and_dotted_keywords_before_spaces() {
        let s = stage(TOPICS);
        assert_eq!(
            found(&s, "The port\nstrike hit U.S. ports."),
            pairs(&[("port\nstrike", "topics"), ("U.S.", "places")])
        );
    }

    #[test]
    fn the_longest_keyword_wins_and_falls_back_when_its_boundary_fails() {
        let s = stage("lists = { papers = [\"New York Times\"], cities = [\"New York\"] }");
        assert_eq!(
            found(&s, "The New York Times said"),
            pairs(&[("New York Times", "papers")])
        );
        assert_eq!(
            found(&s, "New York Timesquare"),
            pairs(&[("New York", "cities")])
        );
    }

    #[test]
    fn a_keyword_in_two_lists_is_tagged_once_per_list() {
        let s = stage("lists = { a = [\"Doha\"], b = [\"doha\"] }");
        assert_eq!(
            found(&s, "Talks in Doha."),
            pairs(&[("Doha", "a"), ("Doha", "b")])
        );
    }

    #[test]
    fn no_match_writes_an_empty_list() {
        assert!(tags(&stage(TOPICS), "Nothing to see.").is_empty());
    }

    #[test]
    fn config_errors_are_precise() {
        let source = "lists = { a = [\"x\"] }\ncase_sensitive = true\n";
        let err = RawConfig::from_toml(source)
            .and_then(RawConfig::parse::<KeywordsConfig>)
            .err()
            .unwrap_or_else(|| panic!("an unknown field was accepted"));
        assert_eq!(err.span.map(|s| &source[s]), Some("case_sensitive"));

        let context = BuildContext {
            id: "kw".into(),
            ..BuildContext::default()
        };
        for (source, expected) in [
            ("lists = {}", "has no list"),
            ("lists = { a = [] }", "list `a` is empty"),
            ("lists = { a = [\"  \"] }", "blank keyword"),
        ] {
            let config: KeywordsConfig = RawConfig::from_toml(source)
                .and_then(RawConfig::parse)
                .expect("parse the config");
            let err = KeywordsStage::build(config, &context)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.starts_with("keywords stage `kw`:") && e.contains(expected)),
                "{source}: {err:?}"
            );
        }
    }

    proptest::proptest! {
        /// Whatever the text, each tag quotes the text at its code-point offsets, names a
        /// keyword of its list, and sits on word boundaries.
        #[test]
        fn tags_quote_the_text_at_their_offsets(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("Kabul".to_string()),
                    proptest::strategy::Just("ELECTION".to_string()),
                    proptest::strategy::Just("port\nstrike".to_string()),
                    "\\PC{0,6}",
                ],
                0..8,
            )
        ) {
            let s = stage(TOPICS);
            let text = parts.concat();
            let chars: Vec<char> = text.chars().collect();
            for tag in tags(&s, &text) {
                let start = tag["start"].as_u64().unwrap_or(u64::MAX) as usize;
                let end = tag["end"].as_u64().unwrap_or(u64::MAX) as usize;
                proptest::prop_assert!(start < end && end <= chars.len());
                let quoted: String = chars[start..end].iter().collect();
                proptest::prop_assert_eq!(tag["text"].as_str(), Some(quoted.as_str()));
                let list = tag["list"].as_str().unwrap_or_default();
                let expected_list = match fold(&quoted).as_str() {
                    "kabul" | "u.s." => "places",
                    "ceasefire" | "election" | "port strike" => "topics",
                    other => panic!("{other:?} is not a keyword"),
                };
                proptest::prop_assert_eq!(list, expected_list);
                let before = start.checked_sub(1).map(|i| chars[i]);
                let after = chars.get(end).copied();
                proptest::prop_assert!(!(before.is_some_and(is_word_char) && is_word_char(chars[start])));
                proptest::prop_assert!(!(after.is_some_and(is_word_char) && is_word_char(chars[end - 1])));
            }
        }
    }
}
