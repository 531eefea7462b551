//! Every kind of config error, through the whole of `Pipeline::from_toml`: positioned,
//! naming the component and the field, and all reported at once.

use std::path::Path;

use byline_core::{Article, BuildError, Flow, Layer, Registry, Stage, StageError};
use byline_runtime::{ConfigErrors, Pipeline};

struct Provides(Vec<Layer>, Vec<Layer>);

impl Stage for Provides {
    fn provides(&self) -> Vec<Layer> {
        self.0.clone()
    }
    fn requires(&self) -> Vec<Layer> {
        self.1.clone()
    }
    fn process(&self, _: &mut Article) -> Result<Flow, StageError> {
        Ok(Flow::Continue)
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoOptions {}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NeedsModel {
    #[allow(dead_code)]
    model: String,
}

fn registry() -> Registry {
    let mut registry = Registry::new();
    byline_ingest::register(&mut registry);
    byline_sinks::register(&mut registry);
    registry.register_stage("entities", "test entities", |_: NoOptions, _| {
        Ok(Box::new(Provides(vec![Layer::ENTITIES], vec![])) as Box<dyn Stage>)
    });
    registry.register_stage("quotes", "test quotes", |_: NoOptions, _| {
        Ok(Box::new(Provides(vec![Layer::QUOTES], vec![Layer::ENTITIES])) as Box<dyn Stage>)
    });
    registry.register_stage("modelled", "needs a model", |_: NeedsModel, _| {
        Err(BuildError::Invalid(
            "the model file models/x.bin does not exist".into(),
        ))
    });
    registry
}

/// The messages of `errors`, in order.
fn messages(errors: &ConfigErrors) -> Vec<&str> {
    errors
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect()
}

fn errors(text: &str) -> ConfigErrors {
    match Pipeline::from_toml_with_env(text, Path::new("pipeline.toml"), &registry(), &|name| {
        (name == "OUT_DIR").then(|| "out".to_string())
    }) {
        Ok(_) => panic!("expected errors in:\n{text}"),
        Err(errors) => errors,
    }
}

fn is_valid(text: &str) -> bool {
    Pipeline::from_toml_with_env(text, Path::new("pipeline.toml"), &registry(), &|_| None).is_ok()
}

#[test]
fn an_unknown_field_on_line_8_names_the_line_the_component_and_the_field() {
    let text = r#"data_dir = ".byline"

[sources.wire]
type = "file"
paths = ["in/*.jsonl"]

[sinks.out]
colour = "blue"
type = "file"
inputs = ["wire"]
path = "out/articles.jsonl"
"#;
    let errors = errors(text);
    let rendered = errors.to_string();
    assert_eq!(errors.diagnostics.len(), 1, "{rendered}");
    assert!(rendered.contains("pipeline.toml:8:1"), "{rendered}");
    assert!(rendered.contains("colour"), "{rendered}");
    assert!(rendered.contains("[sinks.out]"), "{rendered}");
    let diagnostic = &errors.diagnostics[0];
    assert_eq!(diagnostic.field.as_deref(), Some("colour"));
    assert_eq!(errors.location(diagnostic).map(|l| l.line), Some(8));
    insta::assert_snapshot!(rendered, @r#"
    error: unknown field `colour`, expected one of `path`, `max_bytes`, `fsync`
      --> pipeline.toml:8:1 (in [sinks.out], field `colour`)
      |
    8 | colour = "blue"
      | ^^^^^^

    1 error in pipeline.toml
    "#);
}

#[test]
fn a_cycle_says_cycle_and_prints_the_chain() {
    let rendered = errors(
        r#"
[sources.wire]
type = "stdin"

[stages.a]
type = "entities"
inputs = ["wire", "c"]

[stages.b]
type = "entities"
inputs = ["a"]

[stages.c]
type = "entities"
inputs = ["b"]

[sinks.out]
type = "stdout"
inputs = ["c"]
"#,
    )
    .to_string();
    assert!(rendered.contains("cycle"), "{rendered}");
    assert!(rendered.contains("a -> b -> c -> a"), "{rendered}");
}

#[test]
fn all_errors_are_reported_at_once_in_file_order() {
    let errors = errors(
        r#"
[sources.wire]
type = "fiel"

[stages.q]
type = "quotes"
inputs = ["wire"]

[stages.m]
type = "modelled"
inputs = ["q"]
model = "x"

[sinks.out]
type = "file"
inputs = ["m", "nowhere"]
path = "${OUT_DIR}/%Y.jsonl"
mode = 3

[sinks.lonely]
type = "stdout"
"#,
    );
    let rendered = errors.to_string();
    let messages = messages(&errors);
    assert!(
        messages.iter().any(
            |m| m.contains("unknown source type `fiel`; known source types: file, nats, stdin")
        ),
        "{rendered}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("stage `q` requires the `entities` layer")
                && m.contains("the `entities` stage type provides it")),
        "{rendered}"
    );
    assert!(
        messages.iter().any(|m| m.contains("models/x.bin")),
        "{rendered}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unknown input `nowhere`")),
        "{rendered}"
    );
    assert!(
        messages.iter().any(|m| m.contains("unknown field `mode`")),
        "{rendered}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("sink `lonely` has no `inputs`")),
        "{rendered}"
    );
    let lines: Vec<usize> = errors
        .diagnostics
        .iter()
        .filter_map(|d| errors.location(d).map(|l| l.line))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "{rendered}");
    assert!(rendered.ends_with(&format!(
        "{} errors in pipeline.toml",
        errors.diagnostics.len()
    )));
}

#[test]
fn duplicate_ids_and_missing_fields_and_bad_values() {
    let rendered = errors(
        r#"
[sources.wire]
type = "file"

[sinks.wire]
type = "file"
inputs = ["wire"]
path = "x.jsonl"
"#,
    )
    .to_string();
    assert!(rendered.contains("duplicate id `wire`"), "{rendered}");
    assert!(rendered.contains("missing field `paths`"), "{rendered}");
    assert!(
        rendered.contains("(in [sources.wire], field `paths`)"),
        "{rendered}"
    );

    let rendered = errors(
        "[sources.wire]\ntype = \"file\"\npaths = \"not-a-list\"\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\nformat = \"xml\"\n",
    )
    .to_string();
    assert!(rendered.contains("pipeline.toml:3:9"), "{rendered}");
    assert!(rendered.contains("field `paths`"), "{rendered}");
    assert!(rendered.contains("pipeline.toml:7:10"), "{rendered}");
    assert!(rendered.contains("field `format`"), "{rendered}");
}

#[test]
fn an_unset_variable_is_an_error_at_its_line_and_a_default_is_used() {
    let text = "[sources.wire]\ntype = \"file\"\npaths = [\"${INPUT_GLOB}\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\n";
    let rendered = errors(text).to_string();
    assert!(rendered.contains("`INPUT_GLOB` is not set"), "{rendered}");
    assert!(rendered.contains("pipeline.toml:3:"), "{rendered}");
    assert!(is_valid(
        &text.replace("${INPUT_GLOB}", "${INPUT_GLOB:-in/*.txt}")
    ));
}

#[test]
fn positions_after_an_interpolated_value_point_into_the_file_as_written() {
    let text = "[sources.wire]\ntype = \"file\"\npaths = [\"${OUT_DIR}/a\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"wire\"]\ncolour = 1\n";
    let rendered = errors(text).to_string();
    assert!(rendered.contains("pipeline.toml:7:1"), "{rendered}");
}

#[test]
fn errors_routes_and_a_full_pipeline_are_valid() {
    assert!(is_valid(
        r#"
data_dir = "state"

[sources.wire]
type = "file"
paths = ["in/*.txt", "in/*.jsonl"]

[stages.ner]
type = "entities"
inputs = ["wire"]
concurrency = 2

[stages.q]
type = "quotes"
inputs = ["ner"]
ordered = false

[sinks.out]
type = "file"
inputs = ["q"]
path = "out/articles-%Y-%m-%d.jsonl"

[sinks.rejects]
type = "file"
inputs = ["wire.errors", "q.errors", "ner.errors"]
path = "out/rejects.jsonl"
"#
    ));
}

#[test]
fn an_empty_file_and_a_pipeline_without_a_sink_are_errors() {
    let empty = errors("");
    let messages = messages(&empty);
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("the pipeline has no source")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("the pipeline has no sink")),
        "{messages:?}"
    );
    let no_sink = errors("[sources.wire]\ntype = \"stdin\"\n");
    assert!(
        no_sink
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("the pipeline has no sink")),
        "{no_sink}"
    );
}

#[test]
fn mistyped_types_fields_keys_and_inputs_get_a_suggestion() {
    let text = "data_dri = \"state\"\n[sources.wire]\ntype = \"stdin\"\n[stages.ner]\ntype = \"entites\"\ninputs = [\"wire\"]\n[sinks.out]\ntype = \"file\"\ninputs = [\"nre\"]\npath = \"out.jsonl\"\nmax_byte = 10\n";
    let rendered = errors(text).to_string();
    for expected in [
        "did you mean `data_dir`?",
        "did you mean `entities`?",
        "did you mean `max_bytes`?",
        "did you mean `ner`?",
    ] {
        assert!(
            rendered.contains(expected),
            "{expected} missing from\n{rendered}"
        );
    }
}
