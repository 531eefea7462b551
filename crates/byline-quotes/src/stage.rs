//! The `quotes` stage and its config.
//!
//! ```toml
//! [stages.quotes]
//! type = "quotes"
//! inputs = ["entities"]
//! # scope = "speech"      # or "attribution" (PolNeAR's wider notion)
//! # indirect = true
//! # markless = true
//! # min_words = 3
//! ```

use byline_core::{Article, Flow, Layer, Stage, StageError};
use serde::Deserialize;

use crate::attribution::{Rules, extract};
use crate::view::ArticleView;

/// Which attributions the stage reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// What people said or wrote, as a journalist or the Gender Gap Tracker means a
    /// quote: direct and mixed quotes, and indirect speech with a speech verb. Not
    /// beliefs, wishes and stances ("wants", "believes"), orders, requests and
    /// commitments with an infinitive ("urged residents to leave", "pledged to
    /// continue"), what was not said ("declined to say whether …", "did not say"), nor a
    /// report whose object is only a noun phrase ("reported a 41% jump").
    #[default]
    Speech,
    /// PolNeAR's wider notion, for research on sourcing: all of the above plus beliefs,
    /// stances, evidence verbs ("the study found") and noun-phrase content.
    Attribution,
}

/// Config of the `quotes` stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct QuotesConfig {
    /// `"speech"` (default) or `"attribution"`; see [`Scope`].
    pub scope: Scope,
    /// Also find reported speech ("X said (that) …", "according to X, …") and thoughts
    /// ("X believes …"), as `indirect` or `mixed` quotes. Default `true`.
    pub indirect: bool,
    /// Also find quotations whose quotation marks were lost in conversion: "<clause>,
    /// <speaker> <speech verb>." at the end of a sentence. Default `true`.
    pub markless: bool,
    /// The fewest words a passage in quotation marks needs to be a quote when it does
    /// not end in punctuation; shorter ones are scare quotes or titles. Default 3.
    pub min_words: usize,
    /// Also read "<name or pronoun> <verb> …" sentences whose verb is not a speech or
    /// belief cue as the subject's stance (PolNeAR's broad notion of attribution).
    /// Default `false`.
    pub stances: bool,
}

impl Default for QuotesConfig {
    fn default() -> Self {
        QuotesConfig {
            scope: Scope::Speech,
            indirect: true,
            markless: true,
            min_words: 3,
            stances: false,
        }
    }
}

/// Finds quotes and their speakers; requires the `entities` layer.
#[derive(Debug, Clone)]
pub struct QuotesStage {
    rules: Rules,
}

impl QuotesStage {
    pub fn new(config: QuotesConfig) -> QuotesStage {
        QuotesStage {
            rules: Rules {
                scope: config.scope,
                indirect: config.indirect,
                markless: config.markless,
                min_words: config.min_words.max(1),
                stances: config.stances,
                min_stance_words: 1,
            },
        }
    }
}

impl Default for QuotesStage {
    fn default() -> Self {
        QuotesStage::new(QuotesConfig::default())
    }
}

impl Stage for QuotesStage {
    fn provides(&self) -> Vec<Layer> {
        vec![Layer::QUOTES]
    }

    /// English only: its speech cues, pronouns and attribution patterns are English.
    fn languages(&self) -> Option<&[&str]> {
        Some(&["en"])
    }

    fn requires(&self) -> Vec<Layer> {
        vec![Layer::TOKENS, Layer::ENTITIES]
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        let quotes = {
            let view = ArticleView::new(article.text(), article.analysis(), &article.entities);
            extract(&view, self.rules)
        };
        tracing::trace!(id = %article.id, quotes = quotes.len(), "quotes found");
        article.quotes = quotes;
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::test_support::{ORG, PER, article, quotes};
    use byline_core::{BuildContext, RawConfig, Registry};

    #[test]
    fn plain_narrative_is_not_a_quote() {
        let text = "The storm passed, the river rose and the town slept.\n\n\
                    After the vote, the council went home early.";
        assert_eq!(quotes(text, &[]), []);
    }

    #[test]
    fn scope_is_read_from_config() {
        let config: QuotesConfig =
            serde_json::from_str(r#"{"scope": "attribution"}"#).expect("parse JSON");
        assert_eq!(config.scope, Scope::Attribution);
        assert_eq!(QuotesConfig::default().scope, Scope::Speech);
        assert!(serde_json::from_str::<QuotesConfig>(r#"{"scope": "beliefs"}"#).is_err());
    }

    #[test]
    fn registers_and_builds_from_config() {
        let mut registry = Registry::new();
        crate::register(&mut registry);
        let factory = registry
            .stage("quotes")
            .unwrap_or_else(|| panic!("not registered"));
        let raw =
            RawConfig::from_toml("indirect = false\nmin_words = 4\n").expect("parse the TOML");
        let stage = factory
            .build(raw, &BuildContext::default())
            .expect("build the component");
        assert_eq!(stage.requires(), [Layer::TOKENS, Layer::ENTITIES]);
        assert_eq!(stage.provides(), [Layer::QUOTES]);
        let raw = RawConfig::from_toml("colour = 1\n").expect("parse the TOML");
        assert!(factory.build(raw, &BuildContext::default()).is_err());
    }

    /// Every quote's, speaker's and cue's span length in chars, summed, and the number
    /// of quotes, for `text` with "Smith", "Jones" and "Acme Corp" tagged.
    fn output_size(text: &str, config: QuotesConfig) -> (usize, usize) {
        let mut a = article(
            text,
            &[
                ("Smith", PER, "Ann Smith"),
                ("Jones", PER, "Bo Jones"),
                ("Acme Corp", ORG, "Acme Corp"),
            ],
        );
        let result = QuotesStage::new(config).process(&mut a);
        assert_eq!(result, Ok(Flow::Continue));
        let chars = |s: &str| s.chars().count();
        let spans: usize = a
            .quotes
            .iter()
            .map(|q| {
                chars(&q.text)
                    + q.speaker.as_ref().map_or(0, |s| chars(&s.text))
                    + q.cue.as_ref().map_or(0, |c| chars(&c.text))
            })
            .sum();
        (spans, a.quotes.len())
    }

    /// The bound the stage keeps on any input: quotes, speakers and cues together span
    /// at most `OUTPUT_BOUND` times the article's characters, and there are fewer quotes
    /// than characters. Reported speech covers a word at most three times (its nesting
    /// depth), the rules that claim their words once, a stance once more, and speakers
    /// and cues are short.
    const OUTPUT_BOUND: usize = 5;

    fn assert_bounded(text: &str, config: QuotesConfig) {
        let (spans, quotes) = output_size(text, config);
        let input = text.chars().count();
        assert!(
            spans <= OUTPUT_BOUND * input + 64,
            "{spans} chars of spans for {input} chars of input: {:?}",
            &text[..text.len().min(200)]
        );
        assert!(quotes <= input, "{quotes} quotes for {input} chars");
    }

    /// Pieces of hostile text: names, pronouns, cues (also inside infinitives and
    /// relative clauses), connectives, every kind of quotation mark, and very few
    /// sentence or paragraph ends, so that sentences and paragraphs run on.
    fn adversarial_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        use proptest::prelude::*;
        prop_oneof![
            8 => proptest::sample::select(vec![
                "word", "the", "plan", "Smith", "Jones", "Acme Corp", "he", "she", "they",
                "officials", "a spokesperson for", "that", "who", "which", "while", "and",
                "but", "to", "on", "Tuesday", "in a statement", "the minister",
            ]),
            6 => proptest::sample::select(vec![
                "said", "says", "told reporters", "believes", "warned", "added",
                "according to", "adding that", "went on to say", "declined to say",
                "said that", "Smith said", "said Smith",
            ]),
            4 => proptest::sample::select(vec![
                "\"", "“", "”", "'", "‘", "’", "«", "»", "``", "''",
            ]),
            3 => proptest::sample::select(vec![",", ":", "—", "(", ")", ";", "-"]),
            1 => proptest::sample::select(vec![".", "?", "\n", "\n\n"]),
        ]
    }

    fn join(pieces: &[&str], spaces: &[bool]) -> String {
        let mut text = String::new();
        for (i, piece) in pieces.iter().enumerate() {
            text.push_str(piece);
            if spaces.get(i % spaces.len().max(1)).copied().unwrap_or(true) {
                text.push(' ');
            }
        }
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Random hostile text: the output stays within the bound.
        #[test]
        fn output_is_linear_in_random_hostile_text(
            pieces in proptest::collection::vec(adversarial_piece(), 1..600),
            spaces in proptest::collection::vec(proptest::bool::weighted(0.8), 1..8),
            stances in proptest::bool::ANY,
            attribution in proptest::bool::ANY,
        ) {
            let text = join(&pieces, &spaces);
            let scope = if attribution { Scope::Attribution } else { Scope::Speech };
            let config = QuotesConfig { scope, stances, ..QuotesConfig::default() };
            assert_bounded(&text, config);
        }

        /// A short unit repeated hundreds of times with no full stop ("word Smith said
        /// Tuesday word Smith said Tuesday …"): the shape that once gave one quote per
        /// cue, each to the end of the article.
        #[test]
        fn output_is_linear_in_repeated_cues(
            unit in proptest::collection::vec(adversarial_piece(), 1..10),
            spaces in proptest::collection::vec(proptest::bool::weighted(0.8), 1..4),
            repeats in 50usize..400,
        ) {
            let pieces: Vec<&str> = unit.iter().copied().cycle().take(unit.len() * repeats).collect();
            assert_bounded(&join(&pieces, &spaces), QuotesConfig::default());
        }
    }

    #[test]
    fn known_hostile_shapes_stay_linear() {
        let shapes = [
            "word Smith said Tuesday ",
            "Smith said that Jones believes that ",
            "the plan, Smith said, ",
            "“the plan is fine,” Smith said “and ",
            "\"a b\" ",
            "‘ ’ « » \" ",
            "Smith, who said officials warned ",
            "according to Smith, the plan, according to Jones, ",
            "she went on to say they believe ",
            "Smith: ",
        ];
        for shape in shapes {
            // About 100 KB of one paragraph with no sentence end: with one quote per cue
            // to the end of the paragraph this would be gigabytes (and minutes).
            let text = shape.repeat(100_000 / shape.len());
            assert_bounded(&text, QuotesConfig::default());
            assert_bounded(
                &text,
                QuotesConfig {
                    scope: Scope::Attribution,
                    stances: true,
                    ..QuotesConfig::default()
                },
            );
        }
    }

    #[test]
    fn a_markless_quote_never_runs_past_its_paragraph() {
        let text = "We will rebuild the harbour and the bridge\n\nby spring, Smith said.";
        let mut a = article(text, &[("Smith", PER, "Ann Smith")]);
        let result = QuotesStage::default().process(&mut a);
        assert_eq!(result, Ok(Flow::Continue));
        let paragraph_break = text.find("\n\n").unwrap_or(0);
        for q in &a.quotes {
            assert!(
                q.end <= paragraph_break || q.start > paragraph_break,
                "{q:?} crosses the paragraph break"
            );
        }
    }
}
