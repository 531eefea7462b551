//! The `jsonl` input format: one JSON object a line.
//!
//! `text` (or `body`) is required. `id`, `title`, `published` (or `date` / `dct`), `url`,
//! `source` and `language` are optional strings. Every other field is kept under `meta`
//! (an input `meta` object is merged into it). A missing `id` is derived from the url, or
//! from the text, so that re-runs give the same ids. `published` may also be a number
//! (epoch seconds or milliseconds); see [`byline_core::published`] for the forms read.
//!
//! A line over `max_article_bytes` is never held in memory: the reader keeps its first
//! bytes for the dead letter and skips to the next newline, counting.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use byline_core::{Article, Closed, Position, Published, SourceOutput};
use serde_json::{Map, Value};

use crate::record::{self, DecodeOptions, RecordError};

/// Decodes one line (without its line terminator) into an article, with the default
/// options.
pub fn decode_line(line: &[u8]) -> Result<Article, RecordError> {
    decode_line_with(line, &DecodeOptions::default())
}

/// Decodes one line (without its line terminator) into an article.
pub fn decode_line_with(line: &[u8], options: &DecodeOptions) -> Result<Article, RecordError> {
    if line.len() as u64 > options.max_article_bytes {
        return Err(RecordError::too_large(
            line.len() as u64,
            options.max_article_bytes,
        ));
    }
    let line = std::str::from_utf8(line).map_err(|e| {
        RecordError::new(format!(
            "invalid UTF-8 at byte {} of the line",
            e.valid_up_to()
        ))
    })?;
    let mut fields: Fields = serde_json::from_str(line).map_err(|e| match e.classify() {
        // `Fields` takes any object, so a data error means the line is not one.
        serde_json::error::Category::Data => {
            RecordError::new(format!("expected a JSON object ({e})"))
        }
        _ if !line.trim_start().starts_with(['{', '[']) => RecordError::new(format!(
            "malformed JSON: {e}; this line reads like plain text: for articles as text use format = \"txt\" (annotate: --input-format txt)"
        )),
        _ => RecordError::new(format!("malformed JSON: {e}")),
    })?;
    let text = match fields.take_string("text")? {
        Some(text) => text,
        None => fields.take_string("body")?.ok_or_else(|| {
            RecordError::in_field(
                "text",
                "missing text (expected a \"text\" or \"body\" field)",
            )
        })?,
    };
    if text.trim().is_empty() {
        return Err(RecordError::in_field("text", "empty text"));
    }
    let mut published = None;
    for key in ["published", "date", "dct"] {
        let value = match fields.take(key) {
            None | Some(Value::Null) => continue,
            Some(Value::String(value)) => value,
            // Epoch seconds or milliseconds are often written as a bare number.
            Some(Value::Number(number)) => number.to_string(),
            Some(other) => {
                return Err(RecordError::in_field(
                    key,
                    format!("expected a string or a number, found {}", kind_of(&other)),
                ));
            }
        };
        let parsed = Published::parse_with(&value, options.date_order)
            .map_err(|e| RecordError::in_field(key, e.to_string()))?;
        published = Some(parsed);
        break;
    }
    let id = fields.take_string("id")?.filter(|id| !id.is_empty());
    let title = fields.take_string("title")?;
    let url = fields.take_string("url")?;
    let source = fields.take_string("source")?;
    let language = fields.take_string("language")?;
    let meta = fields.into_meta();
    let id = id.unwrap_or_else(|| Article::derive_id(url.as_deref(), &text));
    let mut article = Article::new(id, text);
    article.title = title;
    article.published = published;
    article.url = url;
    article.source = source;
    article.language = language;
    article.meta = meta;
    Ok(article)
}

/// The fields byline reads itself; everything else goes to `meta`.
const KNOWN_FIELDS: [&str; 11] = [
    "text",
    "body",
    "published",
    "date",
    "dct",
    "id",
    "title",
    "url",
    "source",
    "language",
    "meta",
];

/// One JSON object, decoded in a single pass: known fields into slots, the rest straight
/// into the `meta` map (no intermediate map to build and take apart, which was a large
/// part of the cost of a pass-through pipeline).
#[derive(Default)]
struct Fields {
    known: [Option<Value>; KNOWN_FIELDS.len()],
    other: Map<String, Value>,
}

impl Fields {
    /// Takes `key` (one of [`KNOWN_FIELDS`]) as it came.
    fn take(&mut self, key: &str) -> Option<Value> {
        KNOWN_FIELDS
            .iter()
            .position(|k| *k == key)
            .and_then(|index| self.known[index].take())
    }

    /// Takes `key` (one of [`KNOWN_FIELDS`]); `null` counts as absent, and any type but a
    /// string is an error.
    fn take_string(&mut self, key: &str) -> Result<Option<String>, RecordError> {
        match self.take(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(RecordError::in_field(
                key,
                format!("expected a string, found {}", kind_of(&other)),
            )),
        }
    }

    /// What is left, with an input `meta` object merged in (its entries lose to none of
    /// the top-level ones).
    fn into_meta(mut self) -> Map<String, Value> {
        let mut meta = std::mem::take(&mut self.other);
        for (key, value) in KNOWN_FIELDS.iter().zip(std::mem::take(&mut self.known)) {
            if let Some(value) = value {
                meta.insert(key.to_string(), value);
            }
        }
        match meta.remove("meta") {
            Some(Value::Object(mut nested)) => {
                nested.extend(meta);
                nested
            }
            Some(other) => {
                meta.insert("meta".to_string(), other);
                meta
            }
            None => meta,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> serde::de::Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<FieldKey>()? {
            let value: Value = map.next_value()?;
            match key {
                FieldKey::Known(index) => fields.known[index] = Some(value),
                FieldKey::Other(name) => {
                    fields.other.insert(name, value);
                }
            }
        }
        Ok(fields)
    }
}

/// A key, matched against [`KNOWN_FIELDS`] without allocating for the known ones.
enum FieldKey {
    Known(usize),
    Other(String),
}

impl<'de> serde::Deserialize<'de> for FieldKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FieldKey, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = FieldKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<FieldKey, E> {
                Ok(match KNOWN_FIELDS.iter().position(|k| *k == key) {
                    Some(index) => FieldKey::Known(index),
                    None => FieldKey::Other(key.to_string()),
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads JSON Lines from `reader` until it is exhausted or the pipeline stops, emitting an
/// article or a dead letter for every non-blank line. With `flush_when_idle`, records read
/// so far are sent on before waiting for more input (stdin, a pipe).
pub fn read(
    reader: &mut BufReader<impl Read>,
    file: Option<Arc<str>>,
    output: &mut SourceOutput,
    flush_when_idle: bool,
) -> Result<(), Closed> {
    read_with(
        reader,
        file,
        output,
        flush_when_idle,
        DecodeOptions::default(),
    )
}

/// [`read`] with the source's decode options.
pub fn read_with(
    reader: &mut BufReader<impl Read>,
    file: Option<Arc<str>>,
    output: &mut SourceOutput,
    flush_when_idle: bool,
    decode: DecodeOptions,
) -> Result<(), Closed> {
    let options = ReadOptions {
        flush_when_idle,
        decode,
        ..ReadOptions::default()
    };
    read_from(reader, file, output, options, &mut |_, _, _| {}).map(|_| ())
}

/// Where and how [`read_from`] reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Send what was read before waiting for more input.
    pub flush_when_idle: bool,
    /// The byte offset the reader is at, and the number of the line before it.
    pub start_offset: u64,
    pub start_line: u64,
    /// Leave a last line without its newline unread: a writer may be half-way through it
    /// (a followed file).
    pub complete_lines_only: bool,
    /// The size limit and the date order.
    pub decode: DecodeOptions,
}

/// One line as [`read_line_bounded`] read it.
struct LineRead {
    /// Bytes consumed from the reader, newline included.
    consumed: u64,
    /// Whether the line ended with a newline (else the input ended).
    complete: bool,
    /// Whether the line went past the limit: then only its first bytes are in the buffer.
    too_large: bool,
}

/// Reads one line into `line`, keeping at most `max + 2` bytes of it (room for the limit
/// and a CRLF). Past that the rest of the line is consumed and counted, never stored, so
/// that a 1 GB line costs no more memory than a short one.
fn read_line_bounded(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: u64,
) -> std::io::Result<LineRead> {
    let keep = usize::try_from(max.saturating_add(2)).unwrap_or(usize::MAX);
    let mut read = LineRead {
        consumed: 0,
        complete: false,
        too_large: false,
    };
    loop {
        let buffer = match reader.fill_buf() {
            Ok(buffer) => buffer,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            return Ok(read);
        }
        let (chunk_len, found) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        let room = keep.saturating_sub(line.len());
        if chunk_len > room {
            read.too_large = true;
        }
        line.extend_from_slice(&buffer[..chunk_len.min(room)]);
        reader.consume(chunk_len);
        read.consumed += chunk_len as u64;
        if found {
            read.complete = true;
            return Ok(read);
        }
    }
}

/// [`read`] from a position, telling `on_record(seq, end_offset, line)` where each record
/// ends before it is emitted (for checkpoints). Returns the offset and line number reached.
pub fn read_from(
    reader: &mut BufReader<impl Read>,
    file: Option<Arc<str>>,
    output: &mut SourceOutput,
    options: ReadOptions,
    on_record: &mut dyn FnMut(u64, u64, u64),
) -> Result<(u64, u64), Closed> {
    let mut line = Vec::with_capacity(16 * 1024);
    let mut number: u64 = options.start_line;
    let mut offset: u64 = options.start_offset;
    loop {
        if output.is_stopping() {
            return Ok((offset, number));
        }
        if options.flush_when_idle && reader.buffer().is_empty() {
            // The next read may wait for input: send on what has been read so far.
            output.flush_blocking()?;
        }
        line.clear();
        let max = options.decode.max_article_bytes;
        let read = match read_line_bounded(reader, &mut line, max) {
            Ok(read) if read.consumed == 0 => break,
            Ok(read) => read,
            Err(e) => {
                let position = position_of(output, &file, number + 1, offset);
                let error = RecordError::new(format!("cannot read further: {e}"));
                record::emit_blocking(output, Err(error), position, b"")?;
                return Ok((offset, number));
            }
        };
        if options.complete_lines_only && !read.complete {
            break;
        }
        number += 1;
        let start = offset;
        offset += read.consumed;
        let position = position_of(output, &file, number, start);
        if read.too_large {
            // The size without the newline, as a text's size is counted.
            let size = read.consumed - u64::from(read.complete);
            on_record(output.next_seq(), offset, number);
            record::emit_blocking(
                output,
                Err(RecordError::too_large(size, max)),
                position,
                record::head_of(&line),
            )?;
            continue;
        }
        let mut content = line.as_slice();
        if start == 0 {
            content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
        }
        content = content.strip_suffix(b"\n").unwrap_or(content);
        content = content.strip_suffix(b"\r").unwrap_or(content);
        if content.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        on_record(output.next_seq(), offset, number);
        // A line within two bytes of the limit is held whole, so its raw is all of it.
        let decoded = decode_line_with(content, &options.decode);
        record::emit_blocking(output, decoded, position, content)?;
    }
    Ok((offset, number))
}

fn position_of(output: &SourceOutput, file: &Option<Arc<str>>, line: u64, offset: u64) -> Position {
    Position {
        source: output.id().clone(),
        file: file.clone(),
        line: Some(line),
        offset: Some(offset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(line: &str) -> Result<Article, RecordError> {
        decode_line(line.as_bytes())
    }

    #[test]
    fn known_fields_are_read_and_the_rest_goes_to_meta() {
        let article = decode(
            r#"{"id":"a1","title":"T","published":"2021-08-03","url":"https://x.test/a","source":"Wire","language":"en","text":"Body.","section":"world","meta":{"desk":"foreign"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.id, "a1");
        assert_eq!(article.title.as_deref(), Some("T"));
        assert_eq!(
            article.published.as_ref().map(Published::as_str),
            Some("2021-08-03")
        );
        assert_eq!(article.url.as_deref(), Some("https://x.test/a"));
        assert_eq!(article.source.as_deref(), Some("Wire"));
        assert_eq!(article.language.as_deref(), Some("en"));
        assert_eq!(article.text(), "Body.");
        assert_eq!(article.meta["section"], "world");
        assert_eq!(article.meta["desk"], "foreign");
        assert_eq!(article.meta.len(), 2);
    }

    #[test]
    fn body_and_date_and_dct_are_accepted_aliases() {
        let article =
            decode(r#"{"body":"B.","date":"2020-01-02"}"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.text(), "B.");
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2020-01-02".into())
        );
        let article = decode(r#"{"text":"B.","dct":"2020-01-03T10:00:00Z"}"#)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2020-01-03".into())
        );
    }

    #[test]
    fn a_missing_id_is_derived_from_the_url_or_the_text() {
        let by_url =
            decode(r#"{"text":"B.","url":"https://x.test/1"}"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            by_url.id,
            Article::derive_id(Some("https://x.test/1"), "B.")
        );
        let by_text = decode(r#"{"text":"B."}"#).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(by_text.id, Article::derive_id(None, "B."));
    }

    #[test]
    fn the_text_is_kept_exactly() {
        let article = decode(r#"{"text":"  Two  spaces\n\nand a \u00e9 👋 "}"#)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.text(), "  Two  spaces\n\nand a é 👋 ");
    }

    #[test]
    fn each_bad_record_names_its_reason_and_field() {
        let cases: [(&[u8], Option<&str>, &str); 11] = [
            (b"{\"text\": \"unterminated", None, "malformed JSON"),
            (b"The council met on Tuesday.", None, "--input-format txt"),
            (b"\xff{\"text\":\"x\"}", None, "invalid UTF-8"),
            (b"[1,2]", None, "expected a JSON object"),
            (b"{\"title\":\"no body\"}", Some("text"), "missing text"),
            (b"{\"text\":\"  \\n \"}", Some("text"), "empty text"),
            (
                b"{\"text\":\"x\",\"published\":\"2021-02-30\"}",
                Some("published"),
                "not a calendar date",
            ),
            (
                b"{\"text\":\"x\",\"title\":7}",
                Some("title"),
                "expected a string, found a number",
            ),
            (b"{\"text\":[\"x\"]}", Some("text"), "found an array"),
            (
                b"{\"text\":\"x\",\"date\":\"03/08/2021\"}",
                Some("date"),
                "date_order",
            ),
            (
                b"{\"text\":\"x\",\"dct\":true}",
                Some("dct"),
                "expected a string or a number",
            ),
        ];
        for (line, field, reason) in cases {
            let error = decode_line(line)
                .err()
                .unwrap_or_else(|| panic!("{} should be refused", String::from_utf8_lossy(line)));
            assert_eq!(error.field.as_deref(), field, "{error:?}");
            assert!(
                error.reason.contains(reason),
                "{error:?} should say {reason}"
            );
        }
    }

    #[test]
    fn published_is_read_in_the_forms_feeds_use() {
        let cases = [
            (r#""Aug 3, 2021""#, "2021-08-03", Some("Aug 3, 2021")),
            (
                r#""Tue, 03 Aug 2021 10:00:00 GMT""#,
                "2021-08-03T10:00:00Z",
                Some("Tue, 03 Aug 2021 10:00:00 GMT"),
            ),
            ("1627984800", "2021-08-03T10:00:00Z", Some("1627984800")),
            (
                "1627984800000",
                "2021-08-03T10:00:00Z",
                Some("1627984800000"),
            ),
            (
                r#""1627984800""#,
                "2021-08-03T10:00:00Z",
                Some("1627984800"),
            ),
            (r#""2021/08/03""#, "2021-08-03", Some("2021/08/03")),
            (r#""3 August 2021""#, "2021-08-03", Some("3 August 2021")),
            (r#""2021-08-03""#, "2021-08-03", None),
        ];
        for (value, normalised, original) in cases {
            let line = format!(r#"{{"text":"Body.","published":{value}}}"#);
            let article = decode(&line).unwrap_or_else(|e| panic!("{value}: {e:?}"));
            let published = article.published.unwrap_or_else(|| panic!("{value}"));
            assert_eq!(published.as_str(), normalised, "{value}");
            assert_eq!(published.original(), original, "{value}");
        }
    }

    #[test]
    fn the_date_order_option_reads_numeric_dates() {
        let line = br#"{"text":"Body.","date":"03/08/2021"}"#;
        let dmy = DecodeOptions {
            date_order: Some(byline_core::DateOrder::Dmy),
            ..DecodeOptions::default()
        };
        let article = decode_line_with(line, &dmy).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            article.published_date().map(|d| d.to_string()),
            Some("2021-08-03".into())
        );
        let error = decode_line(line)
            .err()
            .map(|e| e.reason)
            .unwrap_or_default();
        assert!(error.contains("date_order = \"dmy\""), "{error}");
    }

    #[test]
    fn a_line_is_kept_only_up_to_the_limit_and_skipped_to_its_newline() {
        let input = format!("short\n{}\nnext\r\nlast", "x".repeat(10_000));
        // A small buffer, so that the long line arrives in many pieces.
        let mut reader = BufReader::with_capacity(64, input.as_bytes());
        let mut line = Vec::new();
        let mut reads = Vec::new();
        loop {
            line.clear();
            let read = read_line_bounded(&mut reader, &mut line, 100).expect("read line bounded");
            if read.consumed == 0 {
                break;
            }
            assert!(line.len() <= 102, "held {} bytes", line.len());
            reads.push((read.consumed, read.complete, read.too_large, line.len()));
        }
        assert_eq!(
            reads,
            [
                (6, true, false, 6),
                (10_001, true, true, 102),
                (6, true, false, 6),
                (4, false, false, 4),
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_round_trips_through_a_json_line(text in "\\PC*[a-z]\\PC*") {
            let line = serde_json::json!({"text": text}).to_string();
            let article = decode(&line);
            proptest::prop_assert_eq!(article.map(|a| a.text().to_string()).ok(), Some(text));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = decode_line(&bytes);
        }
    }
}
