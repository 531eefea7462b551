//! `${VAR}` and `${VAR:-default}` in a config file, filled in from the environment before
//! it is parsed, so that secrets stay out of files.
//!
//! `$${` writes a literal `${`. Comment lines are left alone, so that an example in a
//! comment needs no variable. Every substitution is recorded, so that a position in the
//! filled-in text maps back to the file as the user wrote it.

use std::ops::Range;

/// The config text with its variables filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    /// Sorted by position: (range in `text`, range in the original).
    substitutions: Vec<(Range<usize>, Range<usize>)>,
}

impl Interpolated {
    /// The byte offset in the original file of byte `offset` of the filled-in text. An
    /// offset inside a substituted value maps to the start of the `${...}` it came from.
    pub fn original_offset(&self, offset: usize) -> usize {
        let index = self
            .substitutions
            .partition_point(|(new, _)| new.start <= offset);
        let Some((new, old)) = index.checked_sub(1).map(|i| &self.substitutions[i]) else {
            return offset;
        };
        if offset < new.end {
            old.start
        } else {
            old.end + (offset - new.end)
        }
    }

    pub fn original_span(&self, span: Range<usize>) -> Range<usize> {
        let start = self.original_offset(span.start);
        let end = self.original_offset(span.end).max(start);
        start..end
    }
}

/// A variable that could not be filled in: its place in the original text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterpolationError {
    pub span: Range<usize>,
    pub message: String,
}

/// Fills in every `${...}` of `text` with `lookup`; reports every failure at once.
pub fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Interpolated, Vec<InterpolationError>> {
    let mut out = String::with_capacity(text.len());
    let mut substitutions = Vec::new();
    let mut errors = Vec::new();
    let mut rest = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line_start = i + 1;
                i += 1;
            }
            b'#' if text[line_start..i].trim().is_empty() => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'$' if text[i..].starts_with("$${") => {
                out.push_str(&text[rest..i]);
                let start = out.len();
                out.push_str("${");
                substitutions.push((start..out.len(), i..i + 3));
                i += 3;
                rest = i;
            }
            b'$' if text[i..].starts_with("${") => {
                let Some(close) = text[i..].find('}').map(|n| i + n) else {
                    errors.push(InterpolationError {
                        span: i..text[i..].find('\n').map_or(text.len(), |n| i + n),
                        message: "`${` without a closing `}`".to_string(),
                    });
                    break;
                };
                let span = i..close + 1;
                let inner = &text[i + 2..close];
                let (name, default) = match inner.split_once(":-") {
                    Some((name, default)) => (name, Some(default)),
                    None => (inner, None),
                };
                let value = if !is_variable_name(name) {
                    Err(format!(
                        "`${{{inner}}}` is not a variable reference (expected `${{NAME}}` or `${{NAME:-default}}`)"
                    ))
                } else {
                    match (lookup(name), default) {
                        (Some(value), _) => Ok(value),
                        (None, Some(default)) => Ok(default.to_string()),
                        (None, None) => Err(format!(
                            "environment variable `{name}` is not set (write `${{{name}:-default}}` to give a default)"
                        )),
                    }
                };
                match value {
                    Ok(value) if value.contains('\n') => errors.push(InterpolationError {
                        span: span.clone(),
                        message: format!("the value of `{name}` contains a line break"),
                    }),
                    Ok(value) => {
                        out.push_str(&text[rest..i]);
                        let start = out.len();
                        out.push_str(&value);
                        substitutions.push((start..out.len(), span.clone()));
                    }
                    Err(message) => errors.push(InterpolationError {
                        span: span.clone(),
                        message,
                    }),
                }
                i = span.end;
                rest = i;
            }
            _ => i += 1,
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.push_str(&text[rest..]);
    Ok(Interpolated {
        text: out,
        substitutions,
    })
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "NATS_URL" => Some("nats://127.0.0.1:4222".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    fn fill(text: &str) -> Result<String, Vec<InterpolationError>> {
        interpolate(text, &env).map(|i| i.text)
    }

    #[test]
    fn variables_and_defaults_are_filled_in() {
        assert_eq!(
            fill("url = \"${NATS_URL}\"\ndir = \"${DATA:-.byline}\"\ne = \"${EMPTY:-x}\""),
            Ok("url = \"nats://127.0.0.1:4222\"\ndir = \".byline\"\ne = \"\"".into())
        );
    }

    #[test]
    fn escapes_and_comments_are_left_alone() {
        assert_eq!(
            fill("a = \"$${HOME}\"\n  # uses ${UNSET}\nb = \"$5\""),
            Ok("a = \"${HOME}\"\n  # uses ${UNSET}\nb = \"$5\"".into())
        );
    }

    #[test]
    fn every_unset_variable_is_reported_at_its_place() {
        let text = "a = \"${ONE}\"\nb = \"${TWO}\"\n";
        let errors = fill(text).err().unwrap_or_default();
        assert_eq!(errors.len(), 2);
        assert_eq!(&text[errors[0].span.clone()], "${ONE}");
        assert!(errors[1].message.contains("`TWO` is not set"));
    }

    #[test]
    fn malformed_references_are_errors() {
        assert!(fill("a = \"${1X}\"").is_err());
        assert!(fill("a = \"${OPEN").is_err());
    }

    #[test]
    fn positions_map_back_to_the_original_text() {
        let text = "url = \"${NATS_URL}\"\nx = 1\n";
        let filled = interpolate(text, &env).unwrap_or_else(|e| panic!("{e:?}"));
        let x_new = filled.text.find("x = 1").unwrap_or_default();
        assert_eq!(
            filled.original_offset(x_new),
            text.find("x = 1").unwrap_or_default()
        );
        let inside = filled.text.find("127").unwrap_or_default();
        assert_eq!(
            filled.original_offset(inside),
            text.find("${").unwrap_or_default()
        );
        assert_eq!(filled.original_offset(2), 2);
    }

    proptest::proptest! {
        #[test]
        fn text_without_dollars_is_unchanged(text in "[^$]*") {
            let filled = interpolate(&text, &env).map(|i| i.text);
            proptest::prop_assert_eq!(filled, Ok(text));
        }
    }
}
