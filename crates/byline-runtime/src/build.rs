//! Phase two of reading a pipeline file: each component's own table goes to the factory
//! registered for its type, then the wiring is checked. Every problem is collected, so
//! that one `byline validate` shows them all.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use byline_core::{BuildContext, BuildError, RawConfig, Registry};

use crate::config::{self, ComponentKind, ComponentSpec, Reporter};
use crate::diagnostics::{ConfigErrors, Diagnostic};
use crate::graph::{self, StageLayers};
use crate::interpolate::interpolate;
use crate::pipeline::{Pipeline, SinkNode, SourceNode, StageNode};

/// Reads, builds and checks a pipeline from the text of its config file. `path` names the
/// file in messages; `env` looks up `${VAR}`s. With `validate_only`, factories are told
/// to check their config but start nothing.
pub fn build(
    text: &str,
    path: &Path,
    registry: &Registry,
    env: &dyn Fn(&str) -> Option<String>,
    validate_only: bool,
) -> Result<Pipeline, ConfigErrors> {
    let interpolated = interpolate(text, env).map_err(|errors| {
        let diagnostics = errors
            .into_iter()
            .map(|e| Diagnostic::new(e.message).at(Some(e.span)))
            .collect();
        ConfigErrors::new(path, text, diagnostics)
    })?;
    let mut reporter = Reporter::new(&interpolated);
    let Some(parsed) = config::parse(&interpolated, &mut reporter) else {
        return Err(ConfigErrors::new(path, text, reporter.diagnostics));
    };
    let name = pipeline_name(parsed.name.as_deref(), path);
    let mut pipeline = Pipeline::empty(
        name.clone(),
        parsed.data_dir.clone(),
        parsed.drain_timeout,
        parsed.api.clone(),
    );
    let mut specs = Vec::new();
    let mut layers = HashMap::new();
    for component in parsed.components {
        let spec = component.spec;
        let context = BuildContext {
            id: spec.id.clone(),
            data_dir: parsed.data_dir.clone(),
            pipeline: name.clone(),
            timeout: spec.timeout,
            validate_only,
        };
        if let Some(type_name) = &spec.type_name {
            let raw = match RawConfig::from_document(
                &interpolated.text,
                spec.kind.section(),
                &spec.id,
                config::runtime_keys(spec.kind),
            ) {
                Ok(raw) => raw,
                Err(error) => {
                    reporter.error(error.message, error.span, Some(spec.path()), None);
                    specs.push(spec);
                    continue;
                }
            };
            let name = type_name.get_ref().as_str();
            let id: Arc<str> = Arc::from(spec.id.as_str());
            let built = match spec.kind {
                ComponentKind::Source => registry.source(name).map(|f| {
                    f.build(raw, &context)
                        .map(|source| pipeline.sources.push(SourceNode { id, source }))
                }),
                ComponentKind::Stage => registry.stage(name).map(|f| {
                    f.build(raw, &context).map(|stage| {
                        let stage: Arc<dyn byline_core::Stage> = Arc::from(stage);
                        layers.insert(
                            spec.id.clone(),
                            StageLayers {
                                provides: stage.provides(),
                                requires: stage.requires(),
                            },
                        );
                        pipeline.stages.push(StageNode {
                            id,
                            stage,
                            inputs: spec.inputs.clone(),
                            concurrency: spec.concurrency,
                            ordered: spec.ordered,
                            timeout: spec.timeout,
                            max_abandoned: spec.max_abandoned,
                        });
                    })
                }),
                ComponentKind::Sink => registry.sink(name).map(|f| {
                    f.build(raw, &context).map(|sink| {
                        pipeline.sinks.push(SinkNode {
                            id,
                            sink,
                            inputs: spec.inputs.clone(),
                        })
                    })
                }),
            };
            match built {
                None => reporter.error(
                    unknown_type(spec.kind, name, registry),
                    Some(type_name.span()),
                    Some(spec.path()),
                    Some("type"),
                ),
                Some(Err(error)) => {
                    report_build_error(&spec, type_name.span(), error, &mut reporter)
                }
                Some(Ok(())) => {}
            }
        }
        specs.push(spec);
    }
    match dead_letter_writer(&parsed.data_dir, registry, validate_only) {
        Ok(sink) => pipeline.dead_letter_sink = Some(sink),
        Err(message) => reporter.error(message, None, None, Some("data_dir")),
    }
    graph::check(&specs, &layers, registry, &mut reporter);
    if reporter.diagnostics.is_empty() {
        Ok(pipeline)
    } else {
        Err(ConfigErrors::new(path, text, reporter.diagnostics))
    }
}

/// The writer of `data_dir/dead-letter.jsonl`: the registry's `file` sink type, so that the
/// runtime depends on no component crate and dead letters get the file sink's guarantees
/// (fsync before acknowledging, a failed write cut back).
fn dead_letter_writer(
    data_dir: &Path,
    registry: &Registry,
    validate_only: bool,
) -> Result<Box<dyn byline_core::Sink>, String> {
    let factory = registry
        .sink("file")
        .ok_or("the registry has no `file` sink type to write data_dir/dead-letter.jsonl with")?;
    // The path is a template: a `%` or a brace in the data_dir must stay literal.
    let path = crate::pipeline::dead_letter_path(data_dir)
        .to_string_lossy()
        .replace('%', "%%")
        .replace('{', "{{")
        .replace('}', "}}");
    let context = BuildContext {
        id: crate::pipeline::DEAD_LETTER_WRITER.to_string(),
        data_dir: data_dir.to_path_buf(),
        validate_only,
        ..BuildContext::default()
    };
    // A JSON string's escapes are all TOML basic-string escapes too; TOML also wants DEL
    // escaped.
    let table = format!("path = {}", serde_json::Value::String(path)).replace('\u{7f}', "\\u007f");
    factory
        .build(RawConfig::from_toml_text(table), &context)
        .map_err(|e| {
            format!(
                "cannot write dead letters under {}: {e}",
                data_dir.display()
            )
        })
}

/// The pipeline's name as a file name: the `name` key, else the config file's stem, with
/// anything but letters, digits, `.`, `-` and `_` replaced by `_`.
fn pipeline_name(name: Option<&str>, path: &Path) -> String {
    let raw = name
        .map(str::to_string)
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let safe: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    match safe.trim_matches('.') {
        "" => "pipeline".to_string(),
        _ => safe,
    }
}

fn unknown_type(kind: ComponentKind, name: &str, registry: &Registry) -> String {
    let known: Vec<&str> = match kind {
        ComponentKind::Source => registry.source_types().map(|(n, _)| n).collect(),
        ComponentKind::Stage => registry.stage_types().map(|(n, _)| n).collect(),
        ComponentKind::Sink => registry.sink_types().map(|(n, _)| n).collect(),
    };
    let listed = if known.is_empty() {
        "none are registered".to_string()
    } else {
        format!("known {kind} types: {}", known.join(", "))
    };
    crate::suggest::with_suggestion(
        format!("unknown {kind} type `{name}`; {listed}"),
        name,
        known,
    )
}

fn report_build_error(
    spec: &ComponentSpec,
    type_span: Range<usize>,
    error: BuildError,
    reporter: &mut Reporter<'_>,
) {
    match error {
        BuildError::Config(error) => {
            let missing = error
                .message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string);
            let (span, field) = match (&error.span, missing) {
                (_, Some(missing)) => (spec.id_span.clone(), Some(missing)),
                (Some(span), None) => match spec.field_at(span) {
                    Some(field) => (span.clone(), Some(field.to_string())),
                    None => (spec.id_span.clone(), None),
                },
                (None, None) => (spec.id_span.clone(), None),
            };
            let message =
                crate::suggest::for_unknown_field(&error.message).unwrap_or(error.message);
            reporter.error(message, Some(span), Some(spec.path()), field.as_deref());
        }
        BuildError::Invalid(message) => {
            reporter.error(message, Some(type_span), Some(spec.path()), None);
        }
    }
}
