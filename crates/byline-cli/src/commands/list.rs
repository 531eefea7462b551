//! `byline list`: the component types this binary knows, with what each does.

use std::fmt::Write as _;
use std::process::ExitCode;

use byline_core::Registry;
use clap::Args;

use crate::cli::Options;

/// List the source, stage and sink types that can be used in a pipeline file.
#[derive(Debug, Args)]
pub struct ListArgs {}

pub fn execute(_: ListArgs, registry: &Registry, _: &Options) -> anyhow::Result<ExitCode> {
    print!("{}", listing(registry));
    Ok(ExitCode::SUCCESS)
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
}
