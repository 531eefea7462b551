//! `byline list [TYPE]`: the component types this binary knows, and each one's options.

use std::fmt::Write as _;
use std::process::ExitCode;

use byline_core::{OptionDoc, Registry};
use byline_runtime::config::{ComponentKind, runtime_options};
use clap::Args;

use crate::cli::Options;

/// List the source, stage and sink types that can be used in a pipeline file.
///
/// With a TYPE, show that type in full: what it does and every option it takes, with its
/// type, default and meaning, including the options every component of its kind has.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// A type to show in full, such as `file`, `quotes` or `exec`.
    pub r#type: Option<String>,

    /// Print JSON instead of text: every type with its kind, description and options.
    #[arg(long)]
    pub json: bool,
}

/// One registered type, as `list` shows it.
#[derive(Debug, serde::Serialize)]
struct TypeDoc {
    kind: &'static str,
    name: &'static str,
    description: &'static str,
    /// The type's own options (`None` when it does not document them).
    options: Option<Vec<OptionDoc>>,
    /// Options every component of its kind has (`inputs`, `timeout`, ...).
    common_options: Vec<OptionDoc>,
}

pub fn execute(args: ListArgs, registry: &Registry, _: &Options) -> anyhow::Result<ExitCode> {
    let types = documented_types(registry);
    let Some(wanted) = &args.r#type else {
        if args.json {
            println!("{}", serde_json::to_string(&types)?);
        } else {
            print!("{}", listing(registry));
        }
        return Ok(ExitCode::SUCCESS);
    };
    let matching: Vec<&TypeDoc> = types.iter().filter(|t| t.name == wanted).collect();
    if matching.is_empty() {
        let names: Vec<&str> = types.iter().map(|t| t.name).collect();
        let hint = byline_runtime::suggest::closest(wanted, names)
            .map(|name| format!("; did you mean `{name}`?"))
            .unwrap_or_default();
        eprintln!("byline: no component type `{wanted}`{hint} (`byline list` shows them all)");
        return Ok(ExitCode::FAILURE);
    }
    if args.json {
        println!("{}", serde_json::to_string(&matching)?);
    } else {
        for (index, doc) in matching.iter().enumerate() {
            if index > 0 {
                println!();
            }
            print!("{}", describe(doc));
        }
    }
    Ok(ExitCode::SUCCESS)
}

type NameAndDescription = (&'static str, &'static str);

fn documented_types(registry: &Registry) -> Vec<TypeDoc> {
    let options = |kind: ComponentKind, name: &str| match kind {
        ComponentKind::Source => registry.source(name).and_then(|f| f.options()),
        ComponentKind::Stage => registry.stage(name).and_then(|f| f.options()),
        ComponentKind::Sink => registry.sink(name).and_then(|f| f.options()),
    };
    let kinds: [(ComponentKind, &'static str, Vec<NameAndDescription>); 3] = [
        (
            ComponentKind::Source,
            "source",
            registry.source_types().collect(),
        ),
        (
            ComponentKind::Stage,
            "stage",
            registry.stage_types().collect(),
        ),
        (ComponentKind::Sink, "sink", registry.sink_types().collect()),
    ];
    kinds
        .into_iter()
        .flat_map(|(kind, label, types)| {
            types.into_iter().map(move |(name, description)| TypeDoc {
                kind: label,
                name,
                description,
                options: options(kind, name),
                common_options: runtime_options(kind),
            })
        })
        .collect()
}

/// One type in full.
fn describe(doc: &TypeDoc) -> String {
    let mut out = format!("{} `{}`: {}\n", doc.kind, doc.name, doc.description);
    match &doc.options {
        Some(options) if options.is_empty() => out.push_str("\nOptions: none of its own.\n"),
        Some(options) => {
            out.push_str("\nOptions:\n");
            option_lines(&mut out, options);
        }
        None => out.push_str("\nOptions: not documented by this type.\n"),
    }
    let _ = writeln!(out, "\nOptions every {} has:", doc.kind);
    option_lines(&mut out, &doc.common_options);
    out
}

fn option_lines(out: &mut String, options: &[OptionDoc]) {
    for option in options {
        let mut facts = vec![option.kind.clone()];
        if option.required {
            facts.push("required".to_string());
        }
        if let Some(default) = &option.default {
            facts.push(format!("default {default}"));
        }
        let _ = writeln!(out, "  {} ({})", option.name, facts.join(", "));
        for line in wrap(&option.doc, 76) {
            let _ = writeln!(out, "      {line}");
        }
    }
}

/// `text` in lines of at most about `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The listing, grouped by kind, names aligned.
pub fn listing(registry: &Registry) -> String {
    let groups: [(&str, Vec<(&str, &str)>); 3] = [
        ("Sources", registry.source_types().collect()),
        ("Stages", registry.stage_types().collect()),
        ("Sinks", registry.sink_types().collect()),
    ];
    let width = groups
        .iter()
        .flat_map(|(_, types)| types.iter().map(|(name, _)| name.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (index, (title, types)) in groups.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{title}:");
        if types.is_empty() {
            let _ = writeln!(out, "  (none registered)");
        }
        for (name, description) in types {
            let _ = writeln!(out, "  {name:width$}  {description}");
        }
    }
    out.push_str("\n`byline list TYPE` shows a type's options.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builtin;

    #[test]
    fn every_group_is_listed_with_descriptions() {
        let text = listing(&Registry::builtin());
        assert!(text.starts_with("Sources:\n"), "{text}");
        assert!(
            text.contains("\nStages:\n") && text.contains("\nSinks:\n"),
            "{text}"
        );
        for name in ["file", "stdin", "stdout"] {
            assert!(
                text.lines()
                    .any(|l| l.trim_start().starts_with(name) && l.len() > name.len() + 4),
                "{name} in {text}"
            );
        }
    }

    #[test]
    fn an_empty_group_says_so() {
        assert!(listing(&Registry::new()).contains("(none registered)"));
    }

    #[test]
    fn every_builtin_type_documents_its_options_from_its_config_struct() {
        let types = documented_types(&Registry::builtin());
        for doc in &types {
            let options = doc
                .options
                .as_ref()
                .unwrap_or_else(|| panic!("{} `{}` documents no options", doc.kind, doc.name));
            for option in options {
                assert!(
                    !option.doc.is_empty(),
                    "{} `{}`: option `{}` has no doc comment",
                    doc.kind,
                    doc.name,
                    option.name
                );
            }
        }
        let sink = types
            .iter()
            .find(|t| t.kind == "sink" && t.name == "file")
            .expect("the file sink");
        let text = describe(sink);
        assert!(text.contains("  path (string, required)"), "{text}");
        assert!(text.contains("  fsync (boolean, default true)"), "{text}");
        assert!(text.contains("Options every sink has:\n  type"), "{text}");
        let stage = types
            .iter()
            .find(|t| t.name == "quotes")
            .expect("the quotes stage");
        let text = describe(stage);
        assert!(text.contains("  timeout (duration)"), "{text}");
        assert!(text.contains("  concurrency (integer)"), "{text}");
    }
}
