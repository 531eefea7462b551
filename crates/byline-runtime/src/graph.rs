//! Checks of the wiring between components, run before anything starts: unique ids,
//! known inputs, no cycles, nothing left unconsumed, sinks with inputs, and every layer a
//! stage requires provided upstream of it on every path (spaCy's and CoreNLP's lesson).

use std::collections::{BTreeSet, HashMap, HashSet};

use byline_core::{Layer, Registry};

use crate::config::{ComponentKind, ComponentSpec, Reporter};

/// The layers a built stage declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageLayers {
    pub provides: Vec<Layer>,
    pub requires: Vec<Layer>,
}

/// Reports every wiring problem. `layers` holds the stages that could be built; a stage
/// missing from it (unknown type, bad config) is assumed to provide anything, so that one
/// mistake is not reported again downstream.
pub fn check(
    specs: &[ComponentSpec],
    layers: &HashMap<String, StageLayers>,
    registry: &Registry,
    reporter: &mut Reporter<'_>,
) {
    check_ends(specs, reporter);
    let by_id = unique_ids(specs, reporter);
    check_inputs(specs, &by_id, reporter);
    let in_cycle = check_cycles(specs, &by_id, reporter);
    check_consumed(specs, reporter);
    check_layers(specs, &by_id, &in_cycle, layers, registry, reporter);
}

/// A pipeline with no source reads nothing and one with no sink keeps nothing: both are
/// mistakes (an empty file, a misspelt section), not pipelines.
fn check_ends(specs: &[ComponentSpec], reporter: &mut Reporter<'_>) {
    for (kind, section, example) in [
        (
            ComponentKind::Source,
            "sources",
            "[sources.wire]\ntype = \"file\"",
        ),
        (
            ComponentKind::Sink,
            "sinks",
            "[sinks.out]\ntype = \"stdout\"",
        ),
    ] {
        if !specs.iter().any(|spec| spec.kind == kind) {
            reporter.error(
                format!(
                    "the pipeline has no {kind}: add a [{section}.<id>] table, such as\n{example}"
                ),
                None,
                None,
                None,
            );
        }
    }
}

fn unique_ids<'s>(
    specs: &'s [ComponentSpec],
    reporter: &mut Reporter<'_>,
) -> HashMap<&'s str, &'s ComponentSpec> {
    let mut ordered: Vec<&ComponentSpec> = specs.iter().collect();
    ordered.sort_by_key(|s| s.id_span.start);
    let mut by_id: HashMap<&str, &ComponentSpec> = HashMap::new();
    for spec in ordered {
        if let Some(first) = by_id.get(spec.id.as_str()) {
            reporter.error(
                format!(
                    "duplicate id `{}`: [{}] already uses it; ids are shared by sources, stages and sinks",
                    spec.id,
                    first.path()
                ),
                Some(spec.id_span.clone()),
                Some(spec.path()),
                None,
            );
            continue;
        }
        by_id.insert(&spec.id, spec);
    }
    by_id
}

fn check_inputs(
    specs: &[ComponentSpec],
    by_id: &HashMap<&str, &ComponentSpec>,
    reporter: &mut Reporter<'_>,
) {
    let mut producers: Vec<String> = specs
        .iter()
        .filter(|s| s.kind != ComponentKind::Sink)
        .map(|s| format!("`{}`", s.id))
        .collect();
    producers.sort();
    for spec in specs.iter().filter(|s| s.kind != ComponentKind::Source) {
        if spec.inputs.is_empty() {
            let message = match spec.inputs_span {
                Some(_) => format!("{} `{}` has an empty `inputs` list", spec.kind, spec.id),
                None => format!(
                    "{} `{}` has no `inputs`: add `inputs = [\"<id>\"]` naming a source or stage",
                    spec.kind, spec.id
                ),
            };
            reporter.error(
                message,
                Some(spec.inputs_span.clone().unwrap_or(spec.id_span.clone())),
                Some(spec.path()),
                Some("inputs"),
            );
        }
        let mut seen = HashSet::new();
        for input in &spec.inputs {
            let problem = match by_id.get(input.component.as_str()) {
                _ if !seen.insert(input.to_string()) => {
                    Some(format!("`{input}` is listed twice in `inputs`"))
                }
                None => Some(crate::suggest::with_suggestion(
                    format!(
                        "unknown input `{input}`: no source or stage has the id `{}` (known: {})",
                        input.component,
                        if producers.is_empty() {
                            "none".to_string()
                        } else {
                            producers.join(", ")
                        }
                    ),
                    &input.component,
                    producers.iter().map(|p| p.trim_matches('`')),
                )),
                Some(target) if target.kind == ComponentKind::Sink => Some(format!(
                    "`{}` is a sink, and a sink has no output to take as input",
                    input.component
                )),
                Some(_) if input.errors && spec.kind == ComponentKind::Stage => Some(format!(
                    "`{input}` is a dead-letter route, which only a sink can take as input"
                )),
                Some(_) if input.component == spec.id => Some(format!(
                    "{} `{}` lists itself as an input",
                    spec.kind, spec.id
                )),
                Some(_) => None,
            };
            if let Some(message) = problem {
                reporter.error(
                    message,
                    Some(input.span.clone()),
                    Some(spec.path()),
                    Some("inputs"),
                );
            }
        }
    }
}

/// Reports each cycle among stages once, as its chain; returns the stages on cycles.
fn check_cycles(
    specs: &[ComponentSpec],
    by_id: &HashMap<&str, &ComponentSpec>,
    reporter: &mut Reporter<'_>,
) -> HashSet<String> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    fn visit<'s>(
        spec: &'s ComponentSpec,
        by_id: &HashMap<&str, &'s ComponentSpec>,
        marks: &mut HashMap<&'s str, Mark>,
        stack: &mut Vec<&'s str>,
        cycles: &mut Vec<Vec<&'s str>>,
    ) {
        marks.insert(&spec.id, Mark::Visiting);
        stack.push(&spec.id);
        for input in spec.inputs.iter().filter(|i| !i.errors) {
            let Some(upstream) = by_id
                .get(input.component.as_str())
                .filter(|u| u.kind == ComponentKind::Stage)
            else {
                continue;
            };
            match marks.get(upstream.id.as_str()) {
                Some(Mark::Visiting) => {
                    if let Some(from) = stack.iter().position(|id| *id == upstream.id) {
                        cycles.push(stack[from..].to_vec());
                    }
                }
                Some(Mark::Done) => {}
                None => visit(upstream, by_id, marks, stack, cycles),
            }
        }
        stack.pop();
        marks.insert(&spec.id, Mark::Done);
    }

    let mut marks = HashMap::new();
    let mut cycles = Vec::new();
    let mut stages: Vec<&ComponentSpec> = specs
        .iter()
        .filter(|s| s.kind == ComponentKind::Stage)
        .collect();
    stages.sort_by_key(|s| s.id_span.start);
    for stage in &stages {
        if !marks.contains_key(stage.id.as_str()) {
            visit(stage, by_id, &mut marks, &mut Vec::new(), &mut cycles);
        }
    }
    let mut in_cycle = HashSet::new();
    for cycle in cycles {
        // The stack runs from consumer to input; data flows the other way.
        let mut flow: Vec<&str> = cycle.iter().rev().copied().collect();
        // Start the chain at the stage that comes first in the file.
        if let Some(earliest) = (0..flow.len())
            .min_by_key(|i| by_id.get(flow[*i]).map_or(usize::MAX, |s| s.id_span.start))
        {
            flow.rotate_left(earliest);
        }
        let first = flow[0];
        flow.push(first);
        let spec = by_id.get(first).copied();
        reporter.error(
            format!("cycle in the pipeline: {}", flow.join(" -> ")),
            spec.map(|s| s.id_span.clone()),
            spec.map(ComponentSpec::path),
            Some("inputs"),
        );
        in_cycle.extend(cycle.iter().map(|id| id.to_string()));
    }
    in_cycle
}

fn check_consumed(specs: &[ComponentSpec], reporter: &mut Reporter<'_>) {
    let consumed: HashSet<&str> = specs
        .iter()
        .flat_map(|s| {
            s.inputs
                .iter()
                .filter(|i| !i.errors)
                .map(|i| i.component.as_str())
        })
        .collect();
    for spec in specs.iter().filter(|s| s.kind != ComponentKind::Sink) {
        if !consumed.contains(spec.id.as_str()) {
            reporter.error(
                format!(
                    "{} `{}` is not used: no stage or sink lists it in `inputs`, so its articles would go nowhere",
                    spec.kind, spec.id
                ),
                Some(spec.id_span.clone()),
                Some(spec.path()),
                None,
            );
        }
    }
}

fn check_layers(
    specs: &[ComponentSpec],
    by_id: &HashMap<&str, &ComponentSpec>,
    in_cycle: &HashSet<String>,
    layers: &HashMap<String, StageLayers>,
    registry: &Registry,
    reporter: &mut Reporter<'_>,
) {
    // `None` means "unknown": a stage that could not be built provides anything.
    let mut outputs: HashMap<String, Option<BTreeSet<Layer>>> = HashMap::new();
    fn output_of(
        id: &str,
        by_id: &HashMap<&str, &ComponentSpec>,
        in_cycle: &HashSet<String>,
        layers: &HashMap<String, StageLayers>,
        outputs: &mut HashMap<String, Option<BTreeSet<Layer>>>,
    ) -> Option<BTreeSet<Layer>> {
        if let Some(known) = outputs.get(id) {
            return known.clone();
        }
        let spec = by_id.get(id)?;
        let output = match spec.kind {
            ComponentKind::Source => Some(BTreeSet::from([Layer::TOKENS])),
            ComponentKind::Sink => None,
            ComponentKind::Stage if in_cycle.contains(id) => None,
            ComponentKind::Stage => {
                let available = available_to(spec, by_id, in_cycle, layers, outputs);
                match (available, layers.get(id)) {
                    (Some(mut available), Some(stage)) => {
                        available.extend(stage.provides.iter().cloned());
                        Some(available)
                    }
                    _ => None,
                }
            }
        };
        outputs.insert(id.to_string(), output.clone());
        output
    }
    fn available_to(
        spec: &ComponentSpec,
        by_id: &HashMap<&str, &ComponentSpec>,
        in_cycle: &HashSet<String>,
        layers: &HashMap<String, StageLayers>,
        outputs: &mut HashMap<String, Option<BTreeSet<Layer>>>,
    ) -> Option<BTreeSet<Layer>> {
        let mut available: Option<BTreeSet<Layer>> = None;
        for input in spec.inputs.iter().filter(|i| !i.errors) {
            let from_input = output_of(&input.component, by_id, in_cycle, layers, outputs)?;
            available = Some(match available {
                None => from_input,
                Some(so_far) => so_far.intersection(&from_input).cloned().collect(),
            });
        }
        available
    }

    for spec in specs.iter().filter(|s| s.kind == ComponentKind::Stage) {
        if in_cycle.contains(&spec.id) {
            continue;
        }
        let Some(stage) = layers.get(&spec.id) else {
            continue;
        };
        let Some(available) = available_to(spec, by_id, in_cycle, layers, &mut outputs) else {
            continue;
        };
        for layer in &stage.requires {
            if *layer == Layer::TOKENS || available.contains(layer) {
                continue;
            }
            let lacking: Vec<String> = spec
                .inputs
                .iter()
                .filter(|i| !i.errors)
                .filter(|i| {
                    output_of(&i.component, by_id, in_cycle, layers, &mut outputs)
                        .is_some_and(|out| !out.contains(layer))
                })
                .map(|i| format!("`{}`", i.component))
                .collect();
            let mut providers: Vec<String> = layers
                .iter()
                .filter(|(id, s)| **id != spec.id && s.provides.contains(layer))
                .map(|(id, _)| format!("stage `{id}`"))
                .collect();
            providers.sort();
            let hint = if !providers.is_empty() {
                format!(
                    "{} provides it: put it upstream of `{}` on every path",
                    providers.join(" and "),
                    spec.id
                )
            } else if registry.stage(layer.name()).is_some() {
                format!(
                    "the `{}` stage type provides it: add a stage with `type = \"{}\"` upstream of `{}`",
                    layer.name(),
                    layer.name(),
                    spec.id
                )
            } else {
                "no stage in this pipeline or registered type is known to provide it".to_string()
            };
            reporter.error(
                format!(
                    "stage `{}` requires the `{layer}` layer, which is not provided upstream on every path (missing through {}); {hint}",
                    spec.id,
                    lacking.join(", ")
                ),
                Some(spec.inputs_span.clone().unwrap_or(spec.id_span.clone())),
                Some(spec.path()),
                Some("inputs"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Reporter, parse};
    use crate::interpolate::interpolate;

    /// Wiring checks on `text`, with stage layers given by type name:
    /// `entities` provides entities, `quotes` requires entities and provides quotes.
    fn check_text(text: &str) -> Vec<String> {
        let interpolated = interpolate(text, &|_| None).unwrap_or_else(|e| panic!("{e:?}"));
        let mut reporter = Reporter::new(&interpolated);
        let parsed = parse(&interpolated, &mut reporter).unwrap_or_else(|| panic!("no parse"));
        let specs: Vec<ComponentSpec> = parsed.components.into_iter().map(|c| c.spec).collect();
        let layers: HashMap<String, StageLayers> = specs
            .iter()
            .filter(|s| s.kind == ComponentKind::Stage)
            .filter_map(|s| {
                let layers = match s.type_name.as_ref()?.get_ref().as_str() {
                    "entities" => StageLayers {
                        provides: vec![Layer::ENTITIES],
                        requires: vec![],
                    },
                    "quotes" => StageLayers {
                        provides: vec![Layer::QUOTES],
                        requires: vec![Layer::ENTITIES],
                    },
                    "pass" => StageLayers::default(),
                    _ => return None,
                };
                Some((s.id.clone(), layers))
            })
            .collect();
        check(&specs, &layers, &Registry::new(), &mut reporter);
        reporter
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    const HEAD: &str = "[sources.wire]\ntype = \"file\"\n";

    #[test]
    fn a_well_wired_pipeline_passes() {
        let errors = check_text(&format!(
            "{HEAD}[stages.ner]\ntype = \"entities\"\ninputs = [\"wire\"]\n[stages.q]\ntype = \"quotes\"\ninputs = [\"ner\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"q\", \"wire.errors\", \"q.errors\"]\n"
        ));
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn a_cycle_is_reported_with_its_chain() {
        let errors = check_text(&format!(
            "{HEAD}[stages.a]\ntype = \"pass\"\ninputs = [\"wire\", \"b\"]\n[stages.b]\ntype = \"pass\"\ninputs = [\"a\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"b\"]\n"
        ));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("cycle"), "{}", errors[0]);
        assert!(
            errors[0].contains("a -> b -> a") || errors[0].contains("b -> a -> b"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn unknown_inputs_list_what_exists() {
        let errors = check_text(&format!(
            "{HEAD}[sinks.out]\ntype = \"stdout\"\ninputs = [\"wrie\", \"wire\"]\n"
        ));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(
            errors[0].contains("unknown input `wrie`") && errors[0].contains("`wire`"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn duplicate_ids_across_sections_are_errors() {
        let errors = check_text(&format!(
            "{HEAD}[sinks.wire]\ntype = \"stdout\"\ninputs = [\"wire\"]\n"
        ));
        assert!(
            errors.iter().any(|e| e.contains("duplicate id `wire`")),
            "{errors:#?}"
        );
    }

    #[test]
    fn sinks_without_inputs_and_unused_sources_are_errors() {
        let errors = check_text(&format!("{HEAD}[sinks.out]\ntype = \"stdout\"\n"));
        assert!(
            errors
                .iter()
                .any(|e| e.contains("sink `out` has no `inputs`")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("source `wire` is not used")),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_missing_required_layer_names_stage_layer_and_provider() {
        let errors = check_text(&format!(
            "{HEAD}[stages.ner]\ntype = \"entities\"\ninputs = [\"wire\"]\n[stages.q]\ntype = \"quotes\"\ninputs = [\"ner\", \"wire\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"q\"]\n"
        ));
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let error = &errors[0];
        assert!(
            error.contains("stage `q` requires the `entities` layer"),
            "{error}"
        );
        assert!(error.contains("missing through `wire`"), "{error}");
        assert!(error.contains("stage `ner` provides it"), "{error}");
    }

    #[test]
    fn errors_routes_are_for_sinks_only_and_sinks_are_no_inputs() {
        let errors = check_text(&format!(
            "{HEAD}[stages.a]\ntype = \"pass\"\ninputs = [\"wire.errors\", \"wire\"]\n[sinks.out]\ntype = \"stdout\"\ninputs = [\"a\"]\n[sinks.more]\ntype = \"stdout\"\ninputs = [\"out\"]\n"
        ));
        assert!(
            errors.iter().any(|e| e.contains("only a sink can take")),
            "{errors:#?}"
        );
        assert!(
            errors.iter().any(|e| e.contains("`out` is a sink")),
            "{errors:#?}"
        );
    }
}
