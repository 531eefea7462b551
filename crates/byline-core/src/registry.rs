//! The `Registry`: component types by name, each with a factory that parses its own config.
//!
//! Config is read in two phases. The runtime reads each component table's `type`, strips the
//! keys it owns itself (`type`, `inputs`, ...) and hands the rest, still carrying its
//! positions in the file, to the factory registered under that type as a [`RawConfig`]. The
//! factory deserializes it into its own `#[serde(deny_unknown_fields)]` struct, so an
//! unknown or mistyped field is reported at its line and column in the file.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

/// A config value with its byte range in the pipeline file, for a config struct field whose
/// errors (found after parsing) should point at it: `path: Spanned<String>`, then
/// `ConfigError { span: Some(path.span()), .. }`. byline's one re-export of its TOML
/// library, so that a plugin depends on no TOML crate of its own.
pub use toml::Spanned;

use crate::sink::Sink;
use crate::source::Source;
use crate::stage::Stage;

/// A config error inside one component's table. `span` is a byte range into the config file
/// that the runtime turns into `file:line:column`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    pub fn new(message: impl Into<String>) -> ConfigError {
        ConfigError {
            message: message.into(),
            span: None,
        }
    }
}

/// Kept private (no `From`), so that no TOML type is part of the plugin API.
fn toml_error(e: toml::de::Error) -> ConfigError {
    ConfigError {
        message: e.message().to_string(),
        span: e.span(),
    }
}

/// One component's own config table, with its positions in the config file, or options
/// given as values by a program (without positions).
pub struct RawConfig<'a> {
    table: Table<'a>,
}

enum Table<'a> {
    Toml(Spanned<DeTable<'a>>),
    /// A table's TOML text, owned, parsed when the factory reads it.
    Owned(String),
}

impl<'a> RawConfig<'a> {
    /// Parses a standalone TOML table, as plugin tests do.
    pub fn from_toml(source: &'a str) -> Result<RawConfig<'a>, ConfigError> {
        Ok(RawConfig {
            table: Table::Toml(DeTable::parse(source).map_err(toml_error)?),
        })
    }

    /// A table a program writes itself, as TOML text (the runtime does, for the
    /// dead-letter file it writes through the `file` sink type). Spans point into `text`.
    pub fn from_toml_text(text: String) -> RawConfig<'static> {
        RawConfig {
            table: Table::Owned(text),
        }
    }

    /// The table `[section.id]` of a whole pipeline file, without the keys in `skip` (those
    /// the runtime reads itself, such as `type` and `inputs`). Spans stay byte offsets into
    /// `document`, so errors point into the file.
    pub fn from_document(
        document: &'a str,
        section: &str,
        id: &str,
        skip: &[&str],
    ) -> Result<RawConfig<'a>, ConfigError> {
        let missing = || ConfigError::new(format!("there is no [{section}.{id}] table"));
        let root = DeTable::parse(document).map_err(toml_error)?;
        let (_, sections) = root
            .into_inner()
            .into_iter()
            .find(|(key, _)| key.get_ref() == section)
            .ok_or_else(missing)?;
        let DeValue::Table(components) = sections.into_inner() else {
            return Err(missing());
        };
        let (_, component) = components
            .into_iter()
            .find(|(key, _)| key.get_ref() == id)
            .ok_or_else(missing)?;
        let span = component.span();
        let DeValue::Table(table) = component.into_inner() else {
            return Err(missing());
        };
        let table: DeTable<'a> = table
            .into_iter()
            .filter(|(key, _)| !skip.contains(&key.get_ref().as_ref()))
            .collect();
        Ok(RawConfig {
            table: Table::Toml(Spanned::new(span, table)),
        })
    }

    /// Deserializes the table into the factory's own config type.
    pub fn parse<T: DeserializeOwned>(self) -> Result<T, ConfigError> {
        use serde::de::IntoDeserializer;
        match self.table {
            Table::Toml(table) => T::deserialize(table.into_deserializer()).map_err(toml_error),
            Table::Owned(text) => {
                let table = DeTable::parse(&text).map_err(toml_error)?;
                T::deserialize(table.into_deserializer()).map_err(toml_error)
            }
        }
    }
}

/// What a factory knows about the component it builds.
#[derive(Debug, Clone, Default)]
pub struct BuildContext {
    /// The component's id in the pipeline (`entities` in `[stages.entities]`).
    pub id: String,
    /// The pipeline's `data_dir`, for components that keep state.
    pub data_dir: PathBuf,
    /// The pipeline's name: its `name` key, or its file's stem (`default` for
    /// `config/default.toml`). State kept in `data_dir` is keyed by it, so that two
    /// pipelines sharing a data_dir do not share progress. Safe as a file name.
    pub pipeline: String,
    /// The stage's per-article `timeout`, which the runtime owns and enforces. A stage that
    /// talks to something slow (a child process, a server) may use it for its own waits.
    pub timeout: Option<std::time::Duration>,
    /// The pipeline is only being checked (`byline validate`): build the component and
    /// check its config, but start nothing (no child process, no connection, no file).
    pub validate_only: bool,
}

/// Why a component could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// The config table is wrong; the span points into the file.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The config parsed, but the component cannot start with it (a missing model file, an
    /// empty keyword list, ...).
    #[error("{0}")]
    Invalid(String),
}

type Builder<T> =
    Box<dyn Fn(RawConfig<'_>, &BuildContext) -> Result<Box<T>, BuildError> + Send + Sync>;

/// A registered component type: its one-line description and how to build one from its
/// config table.
pub struct Factory<T: ?Sized> {
    pub description: &'static str,
    build: Builder<T>,
    options: Option<fn() -> Vec<crate::OptionDoc>>,
}

impl<T: ?Sized> Factory<T> {
    /// Wraps `build`, which takes the component's config already deserialized into `C`.
    fn new<C, F>(description: &'static str, build: F) -> Factory<T>
    where
        C: DeserializeOwned + 'static,
        F: Fn(C, &BuildContext) -> Result<Box<T>, BuildError> + Send + Sync + 'static,
    {
        Factory {
            description,
            build: Box::new(move |raw, context| {
                let config: C = raw.parse()?;
                build(config, context)
            }),
            options: None,
        }
    }

    /// Documents the type's options from `C`, its config struct (`#[derive(JsonSchema)]`
    /// beside `Deserialize`): `registry.register_stage(...).with_options::<MyConfig>()`.
    pub fn with_options<C: schemars::JsonSchema>(&mut self) -> &mut Self {
        self.options = Some(crate::options::options_of::<C>);
        self
    }

    /// The type's options, when it documented them.
    pub fn options(&self) -> Option<Vec<crate::OptionDoc>> {
        self.options.map(|options| options())
    }

    pub fn build(
        &self,
        config: RawConfig<'_>,
        context: &BuildContext,
    ) -> Result<Box<T>, BuildError> {
        (self.build)(config, context)
    }
}

/// A registered stage type.
pub type StageFactory = Factory<dyn Stage>;
/// A registered source type.
pub type SourceFactory = Factory<dyn Source>;
/// A registered sink type.
pub type SinkFactory = Factory<dyn Sink>;

/// Component types by name. Built-ins and plugins register the same way:
///
/// ```ignore
/// let mut registry = Registry::builtin(); // from byline-cli's `Builtin` trait
/// my_plugin::register(&mut registry);
/// ```
#[derive(Default)]
pub struct Registry {
    stages: BTreeMap<&'static str, StageFactory>,
    sources: BTreeMap<&'static str, SourceFactory>,
    sinks: BTreeMap<&'static str, SinkFactory>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers a stage type. `build` receives the stage's own config, already
    /// deserialized into `C` (use `#[serde(deny_unknown_fields)]` on it). Registering a type
    /// name twice replaces the earlier factory, so a plugin may override a built-in.
    pub fn register_stage<C, F>(
        &mut self,
        type_name: &'static str,
        description: &'static str,
        build: F,
    ) -> &mut Factory<dyn Stage>
    where
        C: DeserializeOwned + 'static,
        F: Fn(C, &BuildContext) -> Result<Box<dyn Stage>, BuildError> + Send + Sync + 'static,
    {
        self.stages
            .insert(type_name, Factory::new(description, build));
        self.stages
            .get_mut(type_name)
            .expect("the factory was just inserted")
    }

    pub fn stage(&self, type_name: &str) -> Option<&StageFactory> {
        self.stages.get(type_name)
    }

    /// Stage type names with their one-line descriptions, sorted by name.
    pub fn stage_types(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.stages.iter().map(|(name, f)| (*name, f.description))
    }

    /// Registers a source type, the same way as [`register_stage`](Registry::register_stage).
    pub fn register_source<C, F>(
        &mut self,
        type_name: &'static str,
        description: &'static str,
        build: F,
    ) -> &mut Factory<dyn Source>
    where
        C: DeserializeOwned + 'static,
        F: Fn(C, &BuildContext) -> Result<Box<dyn Source>, BuildError> + Send + Sync + 'static,
    {
        self.sources
            .insert(type_name, Factory::new(description, build));
        self.sources
            .get_mut(type_name)
            .expect("the factory was just inserted")
    }

    pub fn source(&self, type_name: &str) -> Option<&SourceFactory> {
        self.sources.get(type_name)
    }

    /// Source type names with their one-line descriptions, sorted by name.
    pub fn source_types(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.sources.iter().map(|(name, f)| (*name, f.description))
    }

    /// Registers a sink type, the same way as [`register_stage`](Registry::register_stage).
    pub fn register_sink<C, F>(
        &mut self,
        type_name: &'static str,
        description: &'static str,
        build: F,
    ) -> &mut Factory<dyn Sink>
    where
        C: DeserializeOwned + 'static,
        F: Fn(C, &BuildContext) -> Result<Box<dyn Sink>, BuildError> + Send + Sync + 'static,
    {
        self.sinks
            .insert(type_name, Factory::new(description, build));
        self.sinks
            .get_mut(type_name)
            .expect("the factory was just inserted")
    }

    pub fn sink(&self, type_name: &str) -> Option<&SinkFactory> {
        self.sinks.get(type_name)
    }

    /// Sink type names with their one-line descriptions, sorted by name.
    pub fn sink_types(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.sinks.iter().map(|(name, f)| (*name, f.description))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Article, Flow, StageError};

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct UpperConfig {
        #[allow(dead_code)]
        field: String,
    }

    struct Noop;
    impl Stage for Noop {
        fn process(&self, _: &mut Article) -> Result<Flow, StageError> {
            Ok(Flow::Continue)
        }
    }

    fn registry() -> Registry {
        let mut r = Registry::new();
        r.register_stage("noop", "does nothing", |_: UpperConfig, _| {
            Ok(Box::new(Noop) as Box<dyn Stage>)
        });
        r
    }

    #[test]
    fn unknown_field_error_points_at_the_key() {
        let source = "field = \"x\"\ncolour = \"blue\"\n";
        let raw = RawConfig::from_toml(source).expect("parse the TOML");
        let err = registry()
            .stage("noop")
            .map(|f| f.build(raw, &BuildContext::default()));
        let Some(Err(BuildError::Config(err))) = err else {
            panic!("expected a config error");
        };
        assert!(err.message.contains("colour"), "{}", err.message);
        let span = err.span.unwrap_or_default();
        assert_eq!(&source[span], "colour");
    }

    #[test]
    fn lists_types_with_descriptions() {
        assert_eq!(
            registry().stage_types().collect::<Vec<_>>(),
            [("noop", "does nothing")]
        );
    }

    struct Nothing;

    #[async_trait::async_trait]
    impl crate::Source for Nothing {
        async fn run(self: Box<Self>, _: crate::SourceOutput) -> Result<(), crate::SourceError> {
            Ok(())
        }
    }

    #[async_trait::async_trait]
    impl crate::Sink for Nothing {
        async fn write(&mut self, _: &[crate::Event]) -> Result<(), crate::SinkError> {
            Ok(())
        }
        async fn flush(&mut self) -> Result<(), crate::SinkError> {
            Ok(())
        }
    }

    #[test]
    fn sources_and_sinks_register_and_parse_their_config_the_same_way() {
        let mut r = Registry::new();
        r.register_source("void", "reads nothing", |_: UpperConfig, _| {
            Ok(Box::new(Nothing) as Box<dyn Source>)
        });
        r.register_sink("void", "writes nothing", |_: UpperConfig, _| {
            Ok(Box::new(Nothing) as Box<dyn Sink>)
        });
        assert_eq!(
            r.source_types().collect::<Vec<_>>(),
            [("void", "reads nothing")]
        );
        assert_eq!(
            r.sink_types().collect::<Vec<_>>(),
            [("void", "writes nothing")]
        );
        let source = "colour = 1\n";
        let raw = RawConfig::from_toml(source).expect("parse the TOML");
        let built = r
            .sink("void")
            .map(|f| f.build(raw, &BuildContext::default()));
        let Some(Err(BuildError::Config(err))) = built else {
            panic!("expected a config error");
        };
        assert_eq!(&source[err.span.unwrap_or_default()], "colour");
        let raw = RawConfig::from_toml("field = \"x\"").expect("parse the TOML");
        let built = r
            .source("void")
            .map(|f| f.build(raw, &BuildContext::default()));
        assert!(matches!(built, Some(Ok(_))));
    }

    #[test]
    fn a_component_table_is_taken_from_the_whole_file_without_the_runtime_keys() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Options {
            path: Spanned<String>,
        }
        let document = "data_dir = \"x\"\n[sinks.out]\ntype = \"file\"\ninputs = [\"a\"]\npath = \"o.jsonl\"\n";
        let raw = RawConfig::from_document(document, "sinks", "out", &["type", "inputs"])
            .expect("the table is there");
        let options: Options = raw.parse().expect("only `path` is left");
        assert_eq!(&document[options.path.span()], "\"o.jsonl\"");
        let missing = RawConfig::from_document(document, "sinks", "nope", &[]).err();
        assert!(missing.is_some_and(|e| e.message.contains("[sinks.nope]")));
    }
}
