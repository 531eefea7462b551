//! The `txt` input format: one article per file, with optional header lines.
//!
//! Header lines at the top of the file, up to the first blank line, fill the metadata:
//! `date 2021-08-03`, `date: …`, `published: …`, `title: …`, `url: …`, `source: …`,
//! `language: …` and `id: …` (keys are case-insensitive, surrounding whitespace is
//! ignored). A block that holds any other line is not a header: it is part of the body.
//! The body is everything after the header block, without its leading blank lines, and is
//! otherwise never altered. The id is the header's `id`, else the file stem.

use byline_core::{Article, Published};

use crate::record::RecordError;

/// Decodes a whole txt article. `stem` is the file stem (`None` for stdin, where the id is
/// derived from the url or the text instead).
pub fn decode(stem: Option<&str>, content: &[u8]) -> Result<Article, RecordError> {
    let content = match std::str::from_utf8(content) {
        Ok(content) => content,
        Err(e) => {
            let line = 1 + content[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return Err(
                RecordError::new(format!("invalid UTF-8 at byte {}", e.valid_up_to()))
                    .at_line(line as u64),
            );
        }
    };
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let (headers, body_start) = split_headers(content);
    let body = &content[body_start..];
    if body.trim().is_empty() {
        return Err(RecordError::in_field(
            "text",
            "empty text (no body after the header lines)",
        ));
    }
    let mut article = Article::new(String::new(), body);
    for header in headers {
        let value = header.value.to_string();
        match header.key {
            HeaderKey::Id => article.id = value,
            HeaderKey::Title => article.title = Some(value),
            HeaderKey::Url => article.url = Some(value),
            HeaderKey::Source => article.source = Some(value),
            HeaderKey::Language => article.language = Some(value),
            HeaderKey::Published => {
                let published = Published::parse(header.value).map_err(|e| {
                    RecordError::in_field("published", e.to_string()).at_line(header.line)
                })?;
                article.published = Some(published);
            }
        }
    }
    if article.id.is_empty() {
        article.id = match stem {
            Some(stem) => stem.to_string(),
            None => Article::derive_id(article.url.as_deref(), article.text()),
        };
    }
    Ok(article)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderKey {
    Id,
    Title,
    Published,
    Url,
    Source,
    Language,
}

impl HeaderKey {
    fn parse(key: &str) -> Option<HeaderKey> {
        Some(match key.to_ascii_lowercase().as_str() {
            "id" => HeaderKey::Id,
            "title" => HeaderKey::Title,
            "date" | "published" => HeaderKey::Published,
            "url" => HeaderKey::Url,
            "source" => HeaderKey::Source,
            "language" => HeaderKey::Language,
            _ => return None,
        })
    }
}

#[derive(Debug)]
struct Header<'a> {
    key: HeaderKey,
    value: &'a str,
    line: u64,
}

/// `key: value`, or `date 2021-08-03` (a date key, a space and a digit: a headline such as
/// "Date night returns" is not a header).
fn parse_header(line: &str) -> Option<(HeaderKey, &str)> {
    let line = line.trim();
    if let Some((key, value)) = line.split_once(':')
        && let Some(key) = HeaderKey::parse(key.trim())
    {
        return Some((key, value.trim()));
    }
    let (key, value) = line.split_once(char::is_whitespace)?;
    let key = HeaderKey::parse(key).filter(|k| *k == HeaderKey::Published)?;
    let value = value.trim();
    value
        .starts_with(|c: char| c.is_ascii_digit())
        .then_some((key, value))
}

/// The header lines and the byte offset where the body starts.
fn split_headers(content: &str) -> (Vec<Header<'_>>, usize) {
    let mut headers = Vec::new();
    let mut offset = 0;
    let mut in_header_block = true;
    let mut seen_header = false;
    for (index, line) in content.split_inclusive('\n').enumerate() {
        let blank = line.trim().is_empty();
        if in_header_block {
            if blank {
                if seen_header {
                    in_header_block = false;
                }
            } else if let Some((key, value)) = parse_header(line) {
                seen_header = true;
                headers.push(Header {
                    key,
                    value,
                    line: index as u64 + 1,
                });
            } else {
                // Not a header block after all: everything from the top is body.
                return (Vec::new(), first_non_blank_line(content));
            }
            offset += line.len();
            continue;
        }
        if !blank {
            return (headers, offset);
        }
        offset += line.len();
    }
    if seen_header {
        (headers, content.len())
    } else {
        (Vec::new(), first_non_blank_line(content))
    }
}

fn first_non_blank_line(content: &str) -> usize {
    let mut offset = 0;
    for line in content.split_inclusive('\n') {
        if !line.trim().is_empty() {
            return offset;
        }
        offset += line.len();
    }
    content.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_str(content: &str) -> Article {
        decode(Some("story"), content.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn a_padded_date_header_and_blank_lines_before_the_body() {
        let article = decode_str(" date 2021-08-03 \n\n\n\nThe envoy spoke.\n\nMore text.\n");
        assert_eq!(article.id, "story");
        assert_eq!(
            article.published.as_ref().map(Published::as_str),
            Some("2021-08-03")
        );
        assert_eq!(article.text(), "The envoy spoke.\n\nMore text.\n");
    }

    #[test]
    fn colon_headers_fill_every_field_case_insensitively() {
        let article = decode_str(
            "Title: Talks resume\nDATE: 2021-08-03T09:00:00Z\nurl: https://x.test/a\nSource:  Wire \nid: w-1\nlanguage: en\n\n  Indented first line.\n",
        );
        assert_eq!(article.id, "w-1");
        assert_eq!(article.title.as_deref(), Some("Talks resume"));
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2021-08-03".into())
        );
        assert_eq!(article.url.as_deref(), Some("https://x.test/a"));
        assert_eq!(article.source.as_deref(), Some("Wire"));
        assert_eq!(article.language.as_deref(), Some("en"));
        assert_eq!(article.text(), "  Indented first line.\n");
    }

    #[test]
    fn a_file_without_headers_is_all_body() {
        let article = decode_str("\n\nDate night returns to the city.\n\nSecond paragraph.");
        assert_eq!(article.published, None);
        assert_eq!(
            article.text(),
            "Date night returns to the city.\n\nSecond paragraph."
        );
    }

    #[test]
    fn a_block_with_a_prose_line_is_not_a_header() {
        let article = decode_str("title: Fine\nThe body starts here.\n\nMore.");
        assert_eq!(article.title, None);
        assert_eq!(
            article.text(),
            "title: Fine\nThe body starts here.\n\nMore."
        );
    }

    #[test]
    fn crlf_files_keep_their_line_ends_in_the_body() {
        let article = decode_str("date: 2021-08-03\r\n\r\nLine one.\r\nLine two.\r\n");
        assert_eq!(article.text(), "Line one.\r\nLine two.\r\n");
        assert!(article.published.is_some());
    }

    #[test]
    fn an_impossible_date_names_the_field_and_the_line() {
        let error = decode(Some("s"), b"title: T\ndate 2021-02-30\n\nBody.")
            .err()
            .unwrap_or_else(|| panic!("should be refused"));
        assert_eq!(error.field.as_deref(), Some("published"));
        assert_eq!(error.line, Some(2));
        assert!(error.reason.contains("2021-02-30"), "{error:?}");
    }

    #[test]
    fn headers_without_a_body_are_an_empty_text() {
        let error = decode(Some("s"), b"date 2021-08-03\n\n  \n")
            .err()
            .unwrap_or_else(|| panic!("should be refused"));
        assert_eq!(error.field.as_deref(), Some("text"));
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let error = decode(Some("s"), b"date 2021-08-03\n\nfine\nbad \xff byte\n")
            .err()
            .unwrap_or_else(|| panic!("should be refused"));
        assert_eq!(error.line, Some(4));
        assert!(error.reason.contains("UTF-8"));
    }

    #[test]
    fn stdin_articles_get_a_derived_id() {
        let article = decode(None, b"Some body.").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.id, Article::derive_id(None, "Some body."));
    }

    proptest::proptest! {
        #[test]
        fn the_body_is_a_suffix_of_the_input(body in "[^\\n]*[a-z][^\\n]*(\\n[^\\n]*){0,4}") {
            let content = format!("date 2021-08-03\n\n{body}");
            let article = decode(Some("s"), content.as_bytes());
            let text = article.map(|a| a.text().to_string()).unwrap_or_default();
            proptest::prop_assert!(body.ends_with(&text));
            let dropped = &body[..body.len() - text.len()];
            proptest::prop_assert!(dropped.trim().is_empty(), "only blank lines are trimmed");
            proptest::prop_assert!(text.lines().next().is_some_and(|l| !l.trim().is_empty()));
        }
    }
}
