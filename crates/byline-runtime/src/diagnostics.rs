//! Config errors with their place in the file, rendered the way rustc renders its own:
//! the message, `file:line:column`, the component and field, and the line with a caret.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// Byte range in the file as written (before `${VAR}` interpolation).
    pub span: Option<Range<usize>>,
    /// The component table, as `sinks.out`.
    pub component: Option<String>,
    /// The field the problem is in, such as `colour`.
    pub field: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span: None,
            component: None,
            field: None,
        }
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Diagnostic {
        self.span = span;
        self
    }

    pub fn in_component(mut self, component: impl Into<String>) -> Diagnostic {
        self.component = Some(component.into());
        self
    }

    pub fn in_field(mut self, field: impl Into<String>) -> Diagnostic {
        self.field = Some(field.into());
        self
    }
}

/// A 1-based line and column (in characters) in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn of(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let offset = (0..=offset)
            .rev()
            .find(|o| text.is_char_boundary(*o))
            .unwrap_or(0);
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        Location {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Every problem found in one config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors {
    pub path: PathBuf,
    /// The file as written, for line numbers and snippets.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl ConfigErrors {
    pub fn new(path: &Path, text: &str, mut diagnostics: Vec<Diagnostic>) -> ConfigErrors {
        diagnostics.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
        ConfigErrors {
            path: path.to_path_buf(),
            text: text.to_string(),
            diagnostics,
        }
    }

    /// Every diagnostic as a JSON object (`message`, `file`, `line`, `column`,
    /// `component`, `field`), for `byline validate --json`.
    pub fn to_json(&self) -> Vec<serde_json::Value> {
        self.diagnostics
            .iter()
            .map(|diagnostic| {
                let at = self.location(diagnostic);
                serde_json::json!({
                    "message": diagnostic.message,
                    "file": self.path.display().to_string(),
                    "line": at.map(|at| at.line),
                    "column": at.map(|at| at.column),
                    "component": diagnostic.component,
                    "field": diagnostic.field,
                })
            })
            .collect()
    }

    /// Where a diagnostic points, if it points anywhere.
    pub fn location(&self, diagnostic: &Diagnostic) -> Option<Location> {
        diagnostic
            .span
            .as_ref()
            .map(|span| Location::of(&self.text, span.start))
    }

    fn render(&self, f: &mut fmt::Formatter<'_>, diagnostic: &Diagnostic) -> fmt::Result {
        writeln!(f, "error: {}", diagnostic.message)?;
        let place = match self.location(diagnostic) {
            Some(at) => format!("{}:{}:{}", self.path.display(), at.line, at.column),
            None => self.path.display().to_string(),
        };
        let mut context = Vec::new();
        if let Some(component) = &diagnostic.component {
            context.push(format!("in [{component}]"));
        }
        if let Some(field) = &diagnostic.field {
            context.push(format!("field `{field}`"));
        }
        if context.is_empty() {
            writeln!(f, "  --> {place}")?;
        } else {
            writeln!(f, "  --> {place} ({})", context.join(", "))?;
        }
        let (Some(span), Some(at)) = (&diagnostic.span, self.location(diagnostic)) else {
            return Ok(());
        };
        let line_start = self.text[..span.start.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |n| n + 1);
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |n| line_start + n);
        let line = self.text[line_start..line_end].trim_end_matches('\r');
        let width = at.line.to_string().len();
        let marked = self
            .text
            .get(span.start..span.end.min(line_end))
            .map_or(1, |s| s.chars().count().max(1));
        writeln!(f, "{:width$} |", "")?;
        writeln!(f, "{} | {line}", at.line)?;
        writeln!(
            f,
            "{:width$} | {}{}",
            "",
            " ".repeat(at.column - 1),
            "^".repeat(marked)
        )
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            self.render(f, diagnostic)?;
            writeln!(f)?;
        }
        let count = self.diagnostics.len();
        write!(
            f,
            "{count} error{} in {}",
            if count == 1 { "" } else { "s" },
            self.path.display()
        )
    }
}

impl std::error::Error for ConfigErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Location::of(text, 0), Location { line: 1, column: 1 });
        let at = text.find("= 2").unwrap_or_default();
        assert_eq!(Location::of(text, at), Location { line: 2, column: 4 });
    }

    #[test]
    fn a_rendered_error_has_the_place_the_component_the_field_and_a_caret() {
        let text = "[sinks.out]\ntype = \"file\"\ncolour = \"blue\"\n";
        let start = text.find("colour").unwrap_or_default();
        let errors = ConfigErrors::new(
            Path::new("p.toml"),
            text,
            vec![
                Diagnostic::new("unknown field `colour`")
                    .at(Some(start..start + 6))
                    .in_component("sinks.out")
                    .in_field("colour"),
            ],
        );
        let rendered = errors.to_string();
        assert!(
            rendered.contains("error: unknown field `colour`"),
            "{rendered}"
        );
        assert!(
            rendered.contains("--> p.toml:3:1 (in [sinks.out], field `colour`)"),
            "{rendered}"
        );
        assert!(
            rendered.contains("3 | colour = \"blue\"\n  | ^^^^^^"),
            "{rendered}"
        );
        assert!(rendered.ends_with("1 error in p.toml"), "{rendered}");
    }
}
