//! The `txt` input format: one article per file, with optional header lines.
//!
//! The lines at the top of the file, up to the first blank line, are a header block when
//! every one of them is a header line and at least one has a known key. A header line is
//! `key: value` (a key of letters, digits, `_` or `-`) or `date …` (`date 2021-08-03`,
//! `date 3 August 2021`). The known keys fill the article's fields: `title`, `url`,
//! `source`, `language`, `id`, and `date` or `published` (read in any form
//! [`byline_core::published`] knows). Any other key goes under `meta` (lower-cased; a key
//! given twice keeps both values, as an array), never into the body. Keys are
//! case-insensitive, and whitespace around keys and values is ignored.
//!
//! A top block with a line that is no header, or with no known key at all, is body: a first
//! paragraph such as `WASHINGTON: The envoy said…` or "Date night returns" stays text. The
//! body is everything after the header block, without its leading blank lines, and is
//! otherwise never altered. The id is the header's `id`, else the file stem.

use byline_core::{Article, Published};
use serde_json::Value;

use crate::record::{DecodeOptions, RecordError};

/// Decodes a whole txt article with the default options. `stem` is the file stem (`None`
/// for stdin, where the id is derived from the url or the text instead).
pub fn decode(stem: Option<&str>, content: &[u8]) -> Result<Article, RecordError> {
    decode_with(stem, content, &DecodeOptions::default())
}

/// Decodes a whole txt article.
pub fn decode_with(
    stem: Option<&str>,
    content: &[u8],
    options: &DecodeOptions,
) -> Result<Article, RecordError> {
    if content.len() as u64 > options.max_article_bytes {
        return Err(RecordError::too_large(
            content.len() as u64,
            options.max_article_bytes,
        ));
    }
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
    if content.trim().is_empty() {
        return Err(RecordError::in_field(
            "text",
            "empty text (the file has no text)",
        ));
    }
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
                let published =
                    Published::parse_with(header.value, options.date_order).map_err(|e| {
                        RecordError::in_field("published", e.to_string()).at_line(header.line)
                    })?;
                article.published = Some(published);
            }
            HeaderKey::Other(key) => {
                let key = key.to_lowercase();
                match article.meta.get_mut(&key) {
                    None => {
                        article.meta.insert(key, Value::String(value));
                    }
                    Some(Value::Array(values)) => values.push(Value::String(value)),
                    Some(first) => {
                        let first = first.take();
                        article
                            .meta
                            .insert(key, Value::Array(vec![first, Value::String(value)]));
                    }
                }
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
enum HeaderKey<'a> {
    Id,
    Title,
    Published,
    Url,
    Source,
    Language,
    /// Any other key, for `meta`.
    Other(&'a str),
}

impl HeaderKey<'_> {
    /// The known key `key` names, if it is one.
    fn known(key: &str) -> Option<HeaderKey<'static>> {
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
    key: HeaderKey<'a>,
    value: &'a str,
    line: u64,
}

/// The longest key an unknown header may have: a longer "key" is prose with a colon.
const MAX_KEY_LEN: usize = 40;

/// `key: value`, or `date 2021-08-03` / `date 3 August 2021` (a date key, a space and a
/// value that starts with a digit or a month or weekday name, so that a headline such as
/// "Date night returns" is no header).
fn parse_header(line: &str) -> Option<(HeaderKey<'_>, &str)> {
    let line = line.trim();
    if let Some((key, value)) = line.split_once(':') {
        let key = key.trim();
        if let Some(known) = HeaderKey::known(key) {
            return Some((known, value.trim()));
        }
        let is_key = !key.is_empty()
            && key.len() <= MAX_KEY_LEN
            && key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if is_key {
            return Some((HeaderKey::Other(key), value.trim()));
        }
    }
    let (key, value) = line.split_once(char::is_whitespace)?;
    let key = HeaderKey::known(key).filter(|k| *k == HeaderKey::Published)?;
    let value = value.trim();
    let first_word = value
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or_default();
    let looks_like_a_date = value.starts_with(|c: char| c.is_ascii_digit())
        || byline_core::published::is_month_or_weekday(first_word);
    looks_like_a_date.then_some((key, value))
}

/// The header lines and the byte offset where the body starts.
fn split_headers(content: &str) -> (Vec<Header<'_>>, usize) {
    let mut headers = Vec::new();
    let mut offset = 0;
    let mut lines = content.split_inclusive('\n').enumerate();
    // Blank lines before the first header line are skipped.
    for (index, line) in lines.by_ref() {
        if line.trim().is_empty() {
            offset += line.len();
            continue;
        }
        match parse_header(line) {
            Some((key, value)) => {
                headers.push(Header {
                    key,
                    value,
                    line: index as u64 + 1,
                });
                offset += line.len();
                break;
            }
            None => return (Vec::new(), offset),
        }
    }
    let mut in_block = true;
    for (index, line) in lines {
        let blank = line.trim().is_empty();
        if in_block && !blank {
            match parse_header(line) {
                Some((key, value)) => headers.push(Header {
                    key,
                    value,
                    line: index as u64 + 1,
                }),
                // Not a header block after all: everything from the top is body.
                None => return (Vec::new(), first_non_blank_line(content)),
            }
        } else if blank {
            in_block = false;
        } else {
            break;
        }
        offset += line.len();
    }
    if headers.iter().all(|h| matches!(h.key, HeaderKey::Other(_))) {
        // Only unknown keys: more likely a first paragraph with a colon than a header.
        return (Vec::new(), first_non_blank_line(content));
    }
    (headers, offset)
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
    fn unknown_header_keys_go_to_meta_and_never_into_the_body() {
        let article = decode_str(
            "title: Talks resume\nauthor: Jane Doe\nSection: World\ndate 3 August 2021\ntag: a\ntag: b\n\nThe envoy spoke.\n",
        );
        assert_eq!(article.title.as_deref(), Some("Talks resume"));
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2021-08-03".into())
        );
        assert_eq!(article.meta["author"], "Jane Doe");
        assert_eq!(article.meta["section"], "World");
        assert_eq!(article.meta["tag"], serde_json::json!(["a", "b"]));
        assert_eq!(article.text(), "The envoy spoke.\n");
    }

    #[test]
    fn a_date_header_in_words_or_another_form_is_read() {
        for (header, date) in [
            ("date 3 August 2021", "2021-08-03"),
            ("date Aug 3, 2021", "2021-08-03"),
            ("date Tue, 03 Aug 2021 10:00:00 GMT", "2021-08-03"),
            ("date 2021/08/03", "2021-08-03"),
            ("published: 1627984800", "2021-08-03"),
        ] {
            let article = decode_str(&format!("{header}\n\nBody.\n"));
            assert_eq!(
                article.published_date().map(|d| d.to_string()).as_deref(),
                Some(date),
                "{header}"
            );
            assert_eq!(article.text(), "Body.\n", "{header}");
        }
    }

    #[test]
    fn an_ambiguous_date_header_names_the_date_order_option() {
        let error = decode(Some("s"), b"title: T\ndate 03/08/2021\n\nBody.")
            .err()
            .unwrap_or_else(|| panic!("should be refused"));
        assert_eq!(error.line, Some(2));
        assert!(error.reason.contains("date_order"), "{error:?}");
        let options = DecodeOptions {
            date_order: Some(byline_core::DateOrder::Mdy),
            ..DecodeOptions::default()
        };
        let article = decode_with(Some("s"), b"date 03/08/2021\n\nBody.", &options)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2021-03-08".into())
        );
    }

    #[test]
    fn a_first_paragraph_with_a_colon_stays_body() {
        for text in [
            "WASHINGTON: The envoy said on Tuesday that talks would resume.\n\nMore.",
            "Breaking: talks resume\n\nMore.",
            "Date night returns to the city.\n\nMore.",
            "Note: a prose line first\nand a second line with none\n\nMore.",
        ] {
            let article = decode_str(text);
            assert_eq!(article.text(), text);
            assert!(article.meta.is_empty(), "{text}");
        }
    }

    #[test]
    fn an_empty_file_is_an_empty_text() {
        for content in [&b""[..], b"\n\n  \n", b"\xEF\xBB\xBF"] {
            let error = decode(Some("s"), content)
                .err()
                .unwrap_or_else(|| panic!("should be refused"));
            assert_eq!(error.field.as_deref(), Some("text"));
        }
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
