//! Phase one of reading a pipeline file: the TOML is parsed with its positions kept, each
//! component table's `type` is read and the keys the runtime owns are taken out (`type`,
//! `inputs`, and for stages `concurrency`, `ordered` and `timeout`). What is left of each
//! table goes, positions and all, to the factory registered for its type (phase two, in
//! [`crate::build`]), which deserializes it into its own config struct.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use serde::de::{DeserializeOwned, IntoDeserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostics::Diagnostic;
use crate::interpolate::Interpolated;

/// Where `data_dir` points when the file does not say.
pub const DEFAULT_DATA_DIR: &str = ".byline";

/// The three kinds of component, named as their config sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    Source,
    Stage,
    Sink,
}

impl ComponentKind {
    pub fn section(self) -> &'static str {
        match self {
            ComponentKind::Source => "sources",
            ComponentKind::Stage => "stages",
            ComponentKind::Sink => "sinks",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            ComponentKind::Source => "source",
            ComponentKind::Stage => "stage",
            ComponentKind::Sink => "sink",
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// One entry of a component's `inputs`: `id`, or `id.errors` for its dead-letter route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRef {
    pub component: String,
    pub errors: bool,
    /// Where the entry is, in the interpolated text.
    pub span: Range<usize>,
}

impl InputRef {
    pub fn parse(entry: &str, span: Range<usize>) -> InputRef {
        match entry.strip_suffix(".errors") {
            Some(component) => InputRef {
                component: component.to_string(),
                errors: true,
                span,
            },
            None => InputRef {
                component: entry.to_string(),
                errors: false,
                span,
            },
        }
    }
}

impl fmt::Display for InputRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors {
            write!(f, "{}.errors", self.component)
        } else {
            f.write_str(&self.component)
        }
    }
}

/// What the runtime itself reads from a component table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    pub kind: ComponentKind,
    pub id: String,
    /// The id's key in the file (`out` in `[sinks.out]`), in the interpolated text.
    pub id_span: Range<usize>,
    pub type_name: Option<Spanned<String>>,
    pub inputs: Vec<InputRef>,
    /// Whether `inputs` was given at all (an empty list is not the same as none).
    pub inputs_span: Option<Range<usize>>,
    /// Stages: how many batches may be processed at once.
    pub concurrency: Option<usize>,
    /// Stages: keep each source's order (the default).
    pub ordered: bool,
    /// Stages: the per-article time limit (enforced from issue 6 on).
    pub timeout: Option<Duration>,
    /// Stages: how many threads abandoned by `timeout` (still running, since a thread
    /// cannot be killed) make the stage unhealthy in `/health`.
    pub max_abandoned: u64,
    /// The keys left for the factory, with the spans of key and value, to name the field
    /// a factory's error is about.
    pub fields: Vec<(String, Range<usize>, Range<usize>)>,
}

impl ComponentSpec {
    /// `sinks.out`: how the table is named in the file and in messages.
    pub fn path(&self) -> String {
        format!("{}.{}", self.kind.section(), self.id)
    }

    /// The field a span inside this table is about.
    pub fn field_at(&self, span: &Range<usize>) -> Option<&str> {
        self.fields
            .iter()
            .find(|(_, key, value)| {
                key == span || (value.start <= span.start && span.end <= value.end)
            })
            .map(|(name, _, _)| name.as_str())
    }
}

/// The `[api]` table: where metrics and health are served (issue 6).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// `host:port` to listen on, such as `127.0.0.1:9598`.
    pub address: String,
    /// `/health` reports `degraded` when articles are in flight but none has been
    /// delivered for this long (`"30s"` by default).
    #[serde(default)]
    pub stall_timeout: Option<String>,
}

impl ApiConfig {
    /// `stall_timeout`, read (the value was checked when the file was parsed).
    pub fn stall_timeout(&self) -> Duration {
        self.stall_timeout
            .as_deref()
            .and_then(parse_duration)
            .unwrap_or(DEFAULT_STALL_TIMEOUT)
    }
}

/// The keys of a component table that the runtime reads itself; the factory never sees
/// them.
pub fn runtime_keys(kind: ComponentKind) -> &'static [&'static str] {
    match kind {
        ComponentKind::Stage => &[
            "type",
            "inputs",
            "concurrency",
            "ordered",
            "max_abandoned",
            "timeout",
        ],
        ComponentKind::Source | ComponentKind::Sink => &["type", "inputs"],
    }
}

/// The options every component of `kind` has, which the runtime reads itself (see
/// [`runtime_keys`]), documented for `byline list TYPE`.
pub fn runtime_options(kind: ComponentKind) -> Vec<byline_core::OptionDoc> {
    let option = |name: &str, kind: &str, default: Option<&str>, required: bool, doc: &str| {
        byline_core::OptionDoc {
            name: name.to_string(),
            kind: kind.to_string(),
            default: default.map(str::to_string),
            required,
            doc: doc.to_string(),
        }
    };
    let mut options = vec![option(
        "type",
        "string",
        None,
        true,
        "The component type, as `byline list` names it.",
    )];
    if kind != ComponentKind::Source {
        options.push(option(
            "inputs",
            "array of string",
            None,
            true,
            "The ids it reads from: sources and stages, or `<id>.errors` (a sink only) for a component's dead letters.",
        ));
    }
    if kind == ComponentKind::Stage {
        options.extend([
            option("concurrency", "integer", None, false, "Batches processed at once, each on its own worker thread. Default: the number of cores."),
            option("ordered", "boolean", Some("true"), false, "Keep each source's order in the output; `false` lets a fast article overtake a slow one."),
            option("timeout", "duration", None, false, "An article that takes longer goes to the dead letters as it was before this stage; the others flow on."),
            option("max_abandoned", "integer", Some(&DEFAULT_MAX_ABANDONED.to_string()), false, "Threads abandoned by `timeout` (still running) that make the stage unhealthy in /health."),
        ]);
    }
    options
}

/// The keys a pipeline file may have at its top level.
const TOP_LEVEL_KEYS: [&str; 7] = [
    "name",
    "data_dir",
    "drain_timeout",
    "api",
    "sources",
    "stages",
    "sinks",
];

/// See [`ComponentSpec::max_abandoned`].
pub const DEFAULT_MAX_ABANDONED: u64 = 4;

/// See [`ApiConfig::stall_timeout`].
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// A component table after phase one: the runtime's part. The factory gets the rest of
/// the table from [`RawConfig::from_document`](byline_core::RawConfig::from_document),
/// without [`runtime_keys`].
pub struct ComponentConfig {
    pub spec: ComponentSpec,
}

/// A pipeline file after phase one.
pub struct ParsedConfig {
    /// The `name` key, if the file has one.
    pub name: Option<String>,
    pub data_dir: PathBuf,
    /// How long sources and a failing sink get to finish after a stop request.
    pub drain_timeout: Duration,
    pub api: Option<ApiConfig>,
    pub components: Vec<ComponentConfig>,
}

/// Collects diagnostics, turning spans in the interpolated text into spans in the file.
pub struct Reporter<'i> {
    interpolated: &'i Interpolated,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'i> Reporter<'i> {
    pub fn new(interpolated: &'i Interpolated) -> Reporter<'i> {
        Reporter {
            interpolated,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(
        &mut self,
        message: impl Into<String>,
        span: Option<Range<usize>>,
        component: Option<String>,
        field: Option<&str>,
    ) {
        let mut diagnostic =
            Diagnostic::new(message).at(span.map(|s| self.interpolated.original_span(s)));
        diagnostic.component = component;
        diagnostic.field = field.map(str::to_string);
        self.diagnostics.push(diagnostic);
    }
}

/// Phase one over the interpolated text. Returns `None` only when the TOML itself does not
/// parse; every other problem is reported and parsing goes on, to report them all.
pub fn parse(interpolated: &Interpolated, reporter: &mut Reporter<'_>) -> Option<ParsedConfig> {
    let document = match DeTable::parse(&interpolated.text) {
        Ok(document) => document,
        Err(e) => {
            reporter.error(
                format!("invalid TOML: {}", e.message()),
                e.span(),
                None,
                None,
            );
            return None;
        }
    };
    let mut parsed = ParsedConfig {
        name: None,
        data_dir: PathBuf::from(DEFAULT_DATA_DIR),
        drain_timeout: crate::shutdown::DEFAULT_DRAIN_TIMEOUT,
        api: None,
        components: Vec::new(),
    };
    for (key, value) in document.into_inner() {
        let key_span = key.span();
        match key.get_ref().as_ref() {
            "data_dir" => {
                if let Some(dir) = deserialize::<String>(value, reporter, None, Some("data_dir")) {
                    parsed.data_dir = PathBuf::from(dir);
                }
            }
            "name" => {
                parsed.name = deserialize::<String>(value, reporter, None, Some("name"));
            }
            "drain_timeout" => {
                let span = value.span();
                if let Some(text) = deserialize::<String>(value, reporter, None, Some("drain_timeout")) {
                    match parse_duration(&text) {
                        Some(duration) => parsed.drain_timeout = duration,
                        None => reporter.error(
                            format!("`{text}` is not a duration such as \"500ms\", \"5s\" or \"2m\""),
                            Some(span),
                            None,
                            Some("drain_timeout"),
                        ),
                    }
                }
            }
            "api" => {
                let span = value.span();
                if let Some(api) = deserialize::<ApiConfig>(value, reporter, Some("api".into()), None) {
                    if api.address.parse::<SocketAddr>().is_err() {
                        reporter.error(
                            format!("`{}` is not an address such as 127.0.0.1:9598", api.address),
                            Some(span.clone()),
                            Some("api".into()),
                            Some("address"),
                        );
                    }
                    if let Some(text) = &api.stall_timeout
                        && parse_duration(text).is_none()
                    {
                        reporter.error(
                            format!("`{text}` is not a duration such as \"30s\" or \"2m\""),
                            Some(span),
                            Some("api".into()),
                            Some("stall_timeout"),
                        );
                    }
                    parsed.api = Some(api);
                }
            }
            "sources" => section(ComponentKind::Source, value, reporter, &mut parsed.components),
            "stages" => section(ComponentKind::Stage, value, reporter, &mut parsed.components),
            "sinks" => section(ComponentKind::Sink, value, reporter, &mut parsed.components),
            other => reporter.error(
                crate::suggest::with_suggestion(
                    format!(
                        "unknown top-level key `{other}`, expected `name`, `data_dir`, `drain_timeout`, `api`, `sources`, `stages` or `sinks`"
                    ),
                    other,
                    TOP_LEVEL_KEYS,
                ),
                Some(key_span),
                None,
                Some(other),
            ),
        }
    }
    Some(parsed)
}

fn section(
    kind: ComponentKind,
    value: Spanned<DeValue<'_>>,
    reporter: &mut Reporter<'_>,
    components: &mut Vec<ComponentConfig>,
) {
    let span = value.span();
    let DeValue::Table(table) = value.into_inner() else {
        reporter.error(
            format!(
                "`{}` must be a table of {}s, such as [{}.my_{}]",
                kind.section(),
                kind.noun(),
                kind.section(),
                kind.noun()
            ),
            Some(span),
            None,
            Some(kind.section()),
        );
        return;
    };
    for (id, value) in table {
        let id_span = id.span();
        let id = id.into_inner().into_owned();
        let path = format!("{}.{id}", kind.section());
        let value_span = value.span();
        let DeValue::Table(table) = value.into_inner() else {
            reporter.error(
                format!("[{path}] must be a table with at least a `type`"),
                Some(value_span),
                Some(path),
                None,
            );
            continue;
        };
        if let Some(component) =
            component(kind, id, id_span, Spanned::new(value_span, table), reporter)
        {
            components.push(component);
        }
    }
}

fn component(
    kind: ComponentKind,
    id: String,
    id_span: Range<usize>,
    table: Spanned<DeTable<'_>>,
    reporter: &mut Reporter<'_>,
) -> Option<ComponentConfig> {
    let path = format!("{}.{id}", kind.section());
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        reporter.error(
            format!("`{id}` is not a valid id: use letters, digits, `_` and `-` (a `.` is reserved for `<id>.errors`)"),
            Some(id_span.clone()),
            Some(path.clone()),
            None,
        );
    }
    let mut table = table.into_inner();
    let mut take = |key: &str| table.remove(key);
    let in_component = Some(path.clone());
    let type_name = match take("type") {
        Some(value) => {
            let span = value.span();
            deserialize::<String>(value, reporter, in_component.clone(), Some("type"))
                .map(|name| Spanned::new(span, name))
        }
        None => {
            reporter.error(
                format!("[{path}] has no `type`"),
                Some(id_span.clone()),
                in_component.clone(),
                Some("type"),
            );
            None
        }
    };
    let mut spec = ComponentSpec {
        kind,
        id,
        id_span,
        type_name,
        inputs: Vec::new(),
        inputs_span: None,
        concurrency: None,
        ordered: true,
        timeout: None,
        max_abandoned: DEFAULT_MAX_ABANDONED,
        fields: Vec::new(),
    };
    match (kind, take("inputs")) {
        (ComponentKind::Source, Some(value)) => reporter.error(
            "a source reads from outside the pipeline and takes no `inputs`",
            Some(value.span()),
            in_component.clone(),
            Some("inputs"),
        ),
        (_, Some(value)) => {
            spec.inputs_span = Some(value.span());
            let entries = deserialize::<Vec<Spanned<String>>>(
                value,
                reporter,
                in_component.clone(),
                Some("inputs"),
            );
            spec.inputs = entries
                .unwrap_or_default()
                .into_iter()
                .map(|entry| InputRef::parse(entry.get_ref(), entry.span()))
                .collect();
        }
        (_, None) => {}
    }
    if kind == ComponentKind::Stage {
        if let Some(value) = take("concurrency") {
            let span = value.span();
            match deserialize::<usize>(value, reporter, in_component.clone(), Some("concurrency")) {
                Some(0) => reporter.error(
                    "`concurrency` must be at least 1",
                    Some(span),
                    in_component.clone(),
                    Some("concurrency"),
                ),
                other => spec.concurrency = other,
            }
        }
        if let Some(value) = take("ordered") {
            spec.ordered =
                deserialize::<bool>(value, reporter, in_component.clone(), Some("ordered"))
                    .unwrap_or(true);
        }
        if let Some(value) = take("max_abandoned")
            && let Some(limit) =
                deserialize::<u64>(value, reporter, in_component.clone(), Some("max_abandoned"))
        {
            spec.max_abandoned = limit;
        }
        if let Some(value) = take("timeout") {
            let span = value.span();
            if let Some(text) =
                deserialize::<String>(value, reporter, in_component.clone(), Some("timeout"))
            {
                match parse_duration(&text) {
                    Some(duration) => spec.timeout = Some(duration),
                    None => reporter.error(
                        format!("`{text}` is not a duration such as \"500ms\", \"5s\" or \"2m\""),
                        Some(span),
                        in_component.clone(),
                        Some("timeout"),
                    ),
                }
            }
        }
    }
    spec.fields = table
        .iter()
        .map(|(key, value)| (key.get_ref().to_string(), key.span(), value.span()))
        .collect();
    Some(ComponentConfig { spec })
}

/// Deserializes one value, reporting a failure at the value.
fn deserialize<T: DeserializeOwned>(
    value: Spanned<DeValue<'_>>,
    reporter: &mut Reporter<'_>,
    component: Option<String>,
    field: Option<&str>,
) -> Option<T> {
    let span = value.span();
    match T::deserialize(value.into_deserializer()) {
        Ok(value) => Some(value),
        Err(e) => {
            let message = match field {
                Some(field) => format!("`{field}`: {}", e.message()),
                None => e.message().to_string(),
            };
            reporter.error(message, Some(e.span().unwrap_or(span)), component, field);
            None
        }
    }
}

/// `"500ms"`, `"5s"`, `"1.5m"`, `"1h"`: byline's one duration syntax
/// ([`byline_core::HumanDuration`]).
pub fn parse_duration(text: &str) -> Option<Duration> {
    byline_core::HumanDuration::parse(text).ok().map(|d| d.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpolate::interpolate;

    fn parse_text(text: &str) -> (Vec<ComponentSpec>, PathBuf, Vec<Diagnostic>) {
        let interpolated = interpolate(text, &|_| None).unwrap_or_else(|e| panic!("{e:?}"));
        let mut reporter = Reporter::new(&interpolated);
        let parsed = parse(&interpolated, &mut reporter);
        let (specs, data_dir) = parsed
            .map(|p| {
                (
                    p.components.into_iter().map(|c| c.spec).collect(),
                    p.data_dir,
                )
            })
            .unwrap_or_default();
        (specs, data_dir, reporter.diagnostics)
    }

    #[test]
    fn runtime_keys_are_taken_out_and_the_rest_left_for_the_factory() {
        let (specs, data_dir, diagnostics) = parse_text(
            "data_dir = \"state\"\n[sources.wire]\ntype = \"file\"\npaths = [\"a\"]\n[stages.ner]\ntype = \"entities\"\ninputs = [\"wire\"]\nconcurrency = 2\nordered = false\ntimeout = \"5s\"\nmodel = \"m\"\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"ner\", \"wire.errors\"]\n",
        );
        assert_eq!(diagnostics, []);
        assert_eq!(data_dir, PathBuf::from("state"));
        let ner = specs
            .iter()
            .find(|s| s.id == "ner")
            .unwrap_or_else(|| panic!("no ner"));
        assert_eq!(
            ner.type_name.as_ref().map(|t| t.get_ref().as_str()),
            Some("entities")
        );
        assert_eq!((ner.concurrency, ner.ordered), (Some(2), false));
        assert_eq!(ner.timeout, Some(Duration::from_secs(5)));
        assert_eq!(
            ner.fields.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["model"]
        );
        let out = specs
            .iter()
            .find(|s| s.id == "out")
            .unwrap_or_else(|| panic!("no out"));
        assert_eq!(
            out.inputs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["ner", "wire.errors"]
        );
        assert!(out.inputs[1].errors);
    }

    #[test]
    fn the_data_dir_defaults_to_dot_byline() {
        let (_, data_dir, _) = parse_text("[sources.a]\ntype = \"stdin\"\n");
        assert_eq!(data_dir, PathBuf::from(".byline"));
    }

    #[test]
    fn runtime_key_errors_are_all_reported_with_their_fields() {
        let (_, _, diagnostics) = parse_text(
            "colour = 1\n[sources.a]\ninputs = [\"b\"]\n[stages.s]\ntype = 3\ninputs = \"a\"\nconcurrency = 0\ntimeout = \"soon\"\n",
        );
        let fields: Vec<Option<&str>> = diagnostics.iter().map(|d| d.field.as_deref()).collect();
        for expected in ["colour", "type", "inputs", "concurrency", "timeout"] {
            assert!(
                fields.contains(&Some(expected)),
                "{expected} missing in {diagnostics:#?}"
            );
        }
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("has no `type`"))
        );
    }

    #[test]
    fn broken_toml_is_one_positioned_error() {
        let (_, _, diagnostics) = parse_text("[sources.a\ntype = \"x\"\n");
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("invalid TOML"));
        assert!(diagnostics[0].span.is_some());
    }

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("fast"), None);
    }
}
