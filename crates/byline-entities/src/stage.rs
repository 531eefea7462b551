//! The `entities` stage: tags every article with CoNLL entities (PER, ORG, LOC, MISC) and
//! their canonical names, using the shared token analysis.
//!
//! ```toml
//! [stages.entities]
//! type = "entities"
//! inputs = ["wire"]
//! # model = "path/to/entities.bin"   # default: the model shipped in the crate
//! ```

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;

use byline_core::{Article, BuildError, Entity, Flow, Layer, Registry, Stage, StageError};
use serde::Deserialize;

use crate::canonical;
use crate::model::{Model, TaggerScratch};

/// Configuration of the `entities` stage.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntitiesConfig {
    /// A model file written by `byline train entities`. When absent, the model shipped
    /// inside byline is used.
    #[serde(default)]
    pub model: Option<PathBuf>,
}

/// Tags entities with a trained [`Model`].
pub struct EntitiesStage {
    model: Arc<Model>,
}

thread_local! {
    static SCRATCH: RefCell<TaggerScratch> = RefCell::new(TaggerScratch::default());
}

impl EntitiesStage {
    pub fn new(model: Arc<Model>) -> EntitiesStage {
        EntitiesStage { model }
    }

    /// The stage with the model shipped in the crate.
    pub fn with_embedded_model() -> Result<EntitiesStage, BuildError> {
        Model::embedded()
            .map(EntitiesStage::new)
            .map_err(|e| BuildError::Invalid(format!("the built-in entity model: {e}")))
    }

    /// Builds the stage from its config.
    pub fn from_config(config: &EntitiesConfig) -> Result<EntitiesStage, BuildError> {
        match &config.model {
            None => EntitiesStage::with_embedded_model(),
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| {
                    BuildError::Invalid(format!(
                        "cannot read the entity model {}: {e}",
                        path.display()
                    ))
                })?;
                Model::from_bytes(&bytes)
                    .map(|m| EntitiesStage::new(Arc::new(m)))
                    .map_err(|e| {
                        BuildError::Invalid(format!("entity model {}: {e}", path.display()))
                    })
            }
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The entities of `article`, sorted and non-overlapping, with canonical names.
    pub fn entities(&self, article: &Article) -> Vec<Entity> {
        let text = article.text();
        let analysis = article.analysis();
        let mut mentions = SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.model.tag(text, analysis, &mut scratch),
            // Only reachable if tagging re-entered itself on this thread.
            Err(_) => self
                .model
                .tag(text, analysis, &mut TaggerScratch::default()),
        });
        canonical::trim_titles(text, &analysis.tokens, &mut mentions);
        let names = canonical::canonical_names(text, &analysis.tokens, &mentions);
        mentions
            .into_iter()
            .zip(names)
            .map(|(m, name)| Entity {
                start: m.start,
                end: m.end,
                text: text[m.start..m.end].to_string(),
                label: m.label,
                name,
            })
            .collect()
    }
}

impl Stage for EntitiesStage {
    fn provides(&self) -> Vec<Layer> {
        vec![Layer::ENTITIES]
    }

    /// English only: its model, word clusters and gazetteers were learned from English news.
    fn languages(&self) -> Option<&[&str]> {
        Some(&["en"])
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        article.entities = self.entities(article);
        Ok(Flow::Continue)
    }
}

/// Registers the `entities` stage type.
pub fn register(registry: &mut Registry) {
    registry.register_stage(
        "entities",
        "tags named entities (PER, ORG, LOC, MISC) and gives each its canonical name in the article",
        |config: EntitiesConfig, _context| {
            EntitiesStage::from_config(&config).map(|s| Box::new(s) as Box<dyn Stage>)
        },
    )
    .with_options::<EntitiesConfig>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{BuildContext, EntityLabel, RawConfig};

    fn stage() -> EntitiesStage {
        EntitiesStage::with_embedded_model().expect("load the embedded model")
    }

    #[test]
    fn config_rejects_unknown_fields() {
        let mut registry = Registry::new();
        register(&mut registry);
        let raw = RawConfig::from_toml("colour = \"red\"\n").expect("parse the TOML");
        let result = registry
            .stage("entities")
            .map(|f| f.build(raw, &BuildContext::default()));
        assert!(matches!(result, Some(Err(BuildError::Config(_)))));
        let raw =
            RawConfig::from_toml("model = \"/nonexistent/model.bin\"\n").expect("parse the TOML");
        let result = registry
            .stage("entities")
            .map(|f| f.build(raw, &BuildContext::default()));
        assert!(matches!(result, Some(Err(BuildError::Invalid(_)))));
    }

    #[test]
    fn registers_and_provides_entities() {
        let mut registry = Registry::new();
        register(&mut registry);
        let raw = RawConfig::from_toml("").expect("parse the TOML");
        let built = registry
            .stage("entities")
            .map(|f| f.build(raw, &BuildContext::default()));
        let Some(Ok(stage)) = built else {
            panic!("the entities stage did not build");
        };
        assert_eq!(stage.provides(), [Layer::ENTITIES]);
    }

    #[test]
    fn tags_a_simple_article_with_names() {
        let mut article = Article::new(
            "a",
            "Gov. Tim Walz of Minnesota met Qatar's foreign minister in Washington on Monday. Walz said the United Nations (UN) should act, and the UN agreed.",
        );
        stage()
            .process(&mut article)
            .expect("the stage processes the article");
        let found: Vec<(&str, EntityLabel, &str)> = article
            .entities
            .iter()
            .map(|e| (e.text.as_str(), e.label, e.name.as_str()))
            .collect();
        assert!(
            found.contains(&("Tim Walz", EntityLabel::Person, "Tim Walz")),
            "{found:?}"
        );
        assert!(
            found.contains(&("Walz", EntityLabel::Person, "Tim Walz")),
            "{found:?}"
        );
        assert!(
            found.contains(&("Qatar", EntityLabel::Location, "Qatar")),
            "{found:?}"
        );
        assert!(
            found.contains(&("Washington", EntityLabel::Location, "Washington")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(t, _, n)| *t == "UN" && *n == "United Nations"),
            "{found:?}"
        );
        for pair in article.entities.windows(2) {
            assert!(pair[0].end <= pair[1].start, "sorted and non-overlapping");
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let huge = "a".repeat(200_000);
        let many = "Paris ".repeat(20_000);
        for text in [
            "",
            "   \n\n ",
            "!!! ... ?? -- ''",
            huge.as_str(),
            many.as_str(),
            "東京で首相が会見した。",
            "Президент Путин встретился с Си Цзиньпином в Москве.",
            "مرحبا بالعالم",
            "🎉🎉 \u{301}",
        ] {
            let mut article = Article::new("odd", text);
            stage()
                .process(&mut article)
                .expect("the stage processes the article");
            for e in &article.entities {
                assert!(
                    e.start < e.end
                        && text.is_char_boundary(e.start)
                        && text.is_char_boundary(e.end)
                );
                assert_eq!(e.text, &text[e.start..e.end]);
            }
        }
    }
}
