//! A file sink's `path`: strftime fields filled with the time of writing, and `{field}`
//! placeholders filled from each article, so that output can be split by the article's own
//! date or source.
//!
//! | in the path          | becomes                                   |
//! |----------------------|-------------------------------------------|
//! | `%Y-%m-%d`           | the date the batch is written (UTC)       |
//! | `{published}`        | the article's publication date, `2021-08-03` |
//! | `{published:%Y-%m}`  | the same, with a strftime format of its own |
//! | `{source}`, `{language}`, `{id}` | those fields of the article   |
//!
//! A field that is missing becomes `unknown` (`undated` for `{published}`); a dead letter
//! has no fields. A field's value is input, not trusted: [`sanitize`] makes it one plain
//! path component (no `/`, `\`, `..`, NUL or control characters, at most
//! [`MAX_FIELD_CHARS`] characters), so no value can lead out of the directory the template
//! names.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use byline_core::Article;
use chrono::format::Item;
use chrono::{DateTime, Utc};

/// The longest a field's value may be in a path, in characters.
pub const MAX_FIELD_CHARS: usize = 64;

/// The article fields a path may name.
const FIELDS: [&str; 4] = ["published", "source", "language", "id"];

#[derive(Debug, Clone)]
enum Part {
    /// Text of the template, with strftime fields of the time of writing if it has any.
    Literal {
        text: String,
        items: Option<Vec<Item<'static>>>,
    },
    Field {
        name: &'static str,
        /// For `{published:FORMAT}`.
        format: Option<Vec<Item<'static>>>,
    },
}

/// A path with strftime fields and article placeholders, rendered at write time.
#[derive(Debug, Clone)]
pub struct PathTemplate {
    raw: String,
    parts: Vec<Part>,
}

impl PathTemplate {
    pub fn parse(raw: &str) -> Result<PathTemplate, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = raw;
        while let Some(open) = rest.find(['{', '}']) {
            literal.push_str(&rest[..open]);
            let tail = &rest[open..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err(format!(
                    "a `}}` without its `{{` in path {raw:?} (write `}}}}` for a brace)"
                ));
            }
            let close = tail
                .find('}')
                .ok_or_else(|| format!("a `{{` without its `}}` in path {raw:?}"))?;
            let inner = &tail[1..close];
            if !literal.is_empty() {
                parts.push(literal_part(std::mem::take(&mut literal), raw)?);
            }
            parts.push(field_part(inner, raw)?);
            rest = &tail[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(literal_part(literal, raw)?);
        }
        let template = PathTemplate {
            raw: raw.to_string(),
            parts,
        };
        // Some fields parse but cannot be formatted; find out now rather than mid-run.
        template.render(Utc::now(), None)?;
        Ok(template)
    }

    /// A fixed path, used as is.
    pub fn fixed(path: &Path) -> PathTemplate {
        let raw = path.to_string_lossy().into_owned();
        PathTemplate {
            parts: vec![Part::Literal {
                text: raw.clone(),
                items: None,
            }],
            raw,
        }
    }

    /// Whether the path depends on the article (it has `{field}` placeholders).
    pub fn per_article(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Field { .. }))
    }

    /// The path for `article` (or for a record without fields, such as a dead letter)
    /// written at `now`.
    pub fn render(&self, now: DateTime<Utc>, article: Option<&Article>) -> Result<PathBuf, String> {
        let mut path = String::new();
        for part in &self.parts {
            match part {
                Part::Literal { text, items: None } => path.push_str(text),
                Part::Literal {
                    items: Some(items), ..
                } => write!(path, "{}", now.format_with_items(items.iter()))
                    .map_err(|_| format!("cannot fill in the strftime fields of {:?}", self.raw))?,
                Part::Field { name, format } => {
                    let value = field_value(name, format.as_deref(), article)
                        .map_err(|_| format!("cannot format {{{name}}} in {:?}", self.raw))?;
                    path.push_str(&sanitize(&value));
                }
            }
        }
        Ok(PathBuf::from(path))
    }
}

fn literal_part(text: String, raw: &str) -> Result<Part, String> {
    if !text.contains('%') {
        return Ok(Part::Literal { text, items: None });
    }
    let items = chrono::format::StrftimeItems::new(&text)
        .parse_to_owned()
        .map_err(|e| format!("invalid strftime field in path {raw:?}: {e}"))?;
    Ok(Part::Literal {
        text,
        items: Some(items),
    })
}

fn field_part(inner: &str, raw: &str) -> Result<Part, String> {
    let (name, format) = match inner.split_once(':') {
        Some((name, format)) => (name.trim(), Some(format)),
        None => (inner.trim(), None),
    };
    let Some(name) = FIELDS.iter().copied().find(|f| *f == name) else {
        return Err(format!(
            "unknown field {{{name}}} in path {raw:?}; a path can use {{published}}, {{published:%Y-%m}}, {{source}}, {{language}} and {{id}}"
        ));
    };
    let format = match format {
        Some(_) if name != "published" => {
            return Err(format!(
                "{{{name}:…}} in path {raw:?}: only {{published}} takes a format"
            ));
        }
        Some(format) => Some(
            chrono::format::StrftimeItems::new(format)
                .parse_to_owned()
                .map_err(|e| format!("invalid strftime format in {{{inner}}} of {raw:?}: {e}"))?,
        ),
        None => None,
    };
    Ok(Part::Field { name, format })
}

fn field_value(
    name: &str,
    format: Option<&[Item<'static>]>,
    article: Option<&Article>,
) -> Result<String, std::fmt::Error> {
    let text = |value: Option<&String>| value.cloned().unwrap_or_else(|| "unknown".into());
    Ok(match name {
        "published" => match article.and_then(|a| a.published.as_ref()) {
            Some(published) => {
                let date = published.date();
                let mut out = String::new();
                match format {
                    Some(items) => write!(out, "{}", date.format_with_items(items.iter()))?,
                    None => write!(out, "{}", date.format("%Y-%m-%d"))?,
                }
                out
            }
            None => "undated".into(),
        },
        "source" => text(article.and_then(|a| a.source.as_ref())),
        "language" => text(article.and_then(|a| a.language.as_ref())),
        _ => text(article.map(|a| &a.id)),
    })
}

/// `value` as one safe path component: separators, NUL and other control characters become
/// `_`, so do `..` runs, and it is cut to [`MAX_FIELD_CHARS`] characters; an empty or dot
/// value becomes `_`.
pub fn sanitize(value: &str) -> String {
    let mut safe: String = value
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(MAX_FIELD_CHARS)
        .collect();
    while safe.contains("..") {
        safe = safe.replace("..", "_");
    }
    let safe = safe.trim();
    if safe.is_empty() || safe == "." {
        "_".to_string()
    } else {
        safe.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::Published;

    fn article(source: Option<&str>, published: Option<&str>) -> Article {
        let mut article = Article::new("a1", "Text.");
        article.source = source.map(str::to_string);
        article.published = published.map(|p| Published::parse(p).expect("a date"));
        article
    }

    fn at(date: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(date)
            .expect("a time")
            .with_timezone(&Utc)
    }

    #[test]
    fn strftime_fields_are_the_time_of_writing_and_braces_the_article() {
        let template = PathTemplate::parse("out/{source}/{published:%Y-%m}-%d.jsonl")
            .expect("a valid template");
        assert!(template.per_article());
        let path = template.render(
            at("2026-12-07T10:00:00Z"),
            Some(&article(Some("wire"), Some("2021-08-03"))),
        );
        assert_eq!(path, Ok(PathBuf::from("out/wire/2021-08-07.jsonl")));
        let undated = template.render(at("2026-12-07T10:00:00Z"), Some(&article(None, None)));
        assert_eq!(undated, Ok(PathBuf::from("out/unknown/undated-07.jsonl")));
        let plain = PathTemplate::parse("out/{{x}}.jsonl").expect("escaped braces");
        assert!(!plain.per_article());
        assert_eq!(
            plain.render(Utc::now(), None),
            Ok(PathBuf::from("out/{x}.jsonl"))
        );
    }

    #[test]
    fn unknown_fields_formats_and_unbalanced_braces_are_refused() {
        for (bad, expected) in [
            ("out/{author}.jsonl", "unknown field {author}"),
            ("out/{source:%Y}.jsonl", "only {published} takes a format"),
            ("out/{source.jsonl", "without its `}`"),
            ("out/source}.jsonl", "without its `{`"),
        ] {
            let error = PathTemplate::parse(bad).expect_err(bad);
            assert!(error.contains(expected), "{bad}: {error}");
        }
    }

    #[test]
    fn a_hostile_source_stays_inside_the_sink_directory() {
        let template = PathTemplate::parse("out/{source}.jsonl").expect("valid");
        for hostile in [
            "../../etc/x",
            "..",
            ".",
            "/etc/passwd",
            "a\0b",
            "x\\..\\y",
            "",
        ] {
            let path = template
                .render(Utc::now(), Some(&article(Some(hostile), None)))
                .expect("renders");
            let components: Vec<_> = path.components().collect();
            assert_eq!(components.len(), 2, "{hostile:?} gave {}", path.display());
            assert!(
                path.starts_with("out"),
                "{hostile:?} gave {}",
                path.display()
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_value_is_one_plain_path_component(value in "\\PC{0,80}|[./\\\\\\x00-\\x1f]{0,20}") {
            let safe = sanitize(&value);
            proptest::prop_assert!(!safe.is_empty() && safe.chars().count() <= MAX_FIELD_CHARS);
            proptest::prop_assert!(!safe.contains(['/', '\\']) && !safe.contains(".."));
            proptest::prop_assert!(!safe.chars().any(char::is_control));
            let path = Path::new("out").join(&safe);
            proptest::prop_assert_eq!(path.components().count(), 2);
            proptest::prop_assert!(path.parent() == Some(Path::new("out")));
        }
    }
}
