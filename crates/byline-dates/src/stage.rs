//! The `dates` stage: finds temporal expressions and normalises them to TIMEX3 values
//! anchored on the article's `published` date.

use byline_core::{Article, BuildError, Flow, Layer, Stage, StageError};
use serde::Deserialize;

use crate::anchor::Anchor;
use crate::grammar;
use crate::lexicon::Triggers;

/// Configuration of the `dates` stage. It has no options yet: every rule is on, and the
/// anchor is always the article's `published` date (absent → relative values stay
/// underspecified, `XXXX-…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatesConfig {}

/// Tags `article.timexes`: byte spans, sorted and non-overlapping, each with its TIMEX3
/// type, value and optional `mod`.
pub struct DatesStage {
    triggers: Triggers,
}

impl DatesStage {
    pub fn new(_config: DatesConfig) -> Result<DatesStage, BuildError> {
        let triggers = Triggers::new()
            .map_err(|e| BuildError::Invalid(format!("dates: trigger automaton: {e}")))?;
        Ok(DatesStage { triggers })
    }
}

impl Stage for DatesStage {
    fn provides(&self) -> Vec<Layer> {
        vec![Layer::TIMEXES]
    }

    /// English only: its trigger words and grammars are English ("Dienstag" is no weekday to it).
    fn languages(&self) -> Option<&[&str]> {
        Some(&["en"])
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        let anchor = Anchor {
            dct: article.published_date(),
        };
        let timexes = grammar::tag(article.text(), article.analysis(), &self.triggers, anchor);
        tracing::trace!(article = %article.id, count = timexes.len(), "dates tagged");
        article.timexes = timexes;
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use byline_core::{BuildContext, Published, RawConfig, Registry};

    use super::*;

    fn build(config: &str) -> Result<Box<dyn Stage>, BuildError> {
        let mut registry = Registry::new();
        crate::register(&mut registry);
        let raw = RawConfig::from_toml(config).expect("parse the TOML");
        let factory = registry
            .stage("dates")
            .unwrap_or_else(|| panic!("dates is not registered"));
        factory.build(raw, &BuildContext::default())
    }

    #[test]
    fn registered_stage_tags_an_article() {
        let stage = build("").expect("build the component");
        assert_eq!(stage.provides(), [Layer::TIMEXES]);
        let mut article = Article::new("a", "The envoy arrived in Doha on Tuesday.");
        article.published = Published::parse("2021-08-03").ok();
        assert_eq!(stage.process(&mut article), Ok(Flow::Continue));
        let timex = &article.timexes[0];
        assert_eq!((timex.start, timex.end), (29, 36));
        assert_eq!(
            (timex.text.as_str(), timex.value.as_str()),
            ("Tuesday", "2021-08-03")
        );
    }

    #[test]
    fn unknown_options_are_refused() {
        assert!(matches!(build("rules = 3\n"), Err(BuildError::Config(_))));
    }
}
