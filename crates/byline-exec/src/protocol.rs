//! The byline-exec protocol, version 1: the lines byline writes and the answers it accepts.
//!
//! See `PROTOCOL.md` in this crate for the description a plugin author reads. This module is
//! the only place that knows the wire shapes; the stage and the child process deal in
//! [`Answer`]s.

use byline_core::Article;
use byline_core::output::ArticleJson;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The protocol name in both handshake lines.
pub const PROTOCOL: &str = "byline-exec";
/// The protocol version this crate speaks.
pub const VERSION: u64 = 1;

/// What byline writes first.
#[derive(Debug, Serialize)]
struct Handshake<'a> {
    protocol: &'static str,
    version: u64,
    stage: &'a str,
    config: &'a Map<String, Value>,
}

/// What the child must answer to the handshake.
#[derive(Debug, Deserialize)]
struct HandshakeReply {
    protocol: Option<String>,
    version: Option<u64>,
    name: Option<String>,
}

/// Why a child's handshake answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    #[error("its handshake answer is not a JSON object ({reason}): {line}")]
    NotJson { reason: String, line: String },
    #[error("it answered the handshake with protocol {found:?}, expected \"{PROTOCOL}\": {line}")]
    WrongProtocol { found: Option<String>, line: String },
    #[error("it speaks protocol version {found:?}, byline speaks version {VERSION}: {line}")]
    WrongVersion { found: Option<u64>, line: String },
    #[error("its handshake answer has no \"name\": {line}")]
    NoName { line: String },
}

/// The handshake line (with its newline) for stage `stage` with the user's `config` table.
pub fn handshake_line(stage: &str, config: &Map<String, Value>) -> String {
    let handshake = Handshake {
        protocol: PROTOCOL,
        version: VERSION,
        stage,
        config,
    };
    // Serializing a struct of strings and a JSON map cannot fail.
    let mut line = serde_json::to_string(&handshake).unwrap_or_default();
    line.push('\n');
    line
}

/// Checks the child's handshake answer and returns the name it gave.
pub fn check_handshake_reply(line: &str) -> Result<String, HandshakeError> {
    let shown = shorten(line);
    let reply: HandshakeReply =
        serde_json::from_str(line).map_err(|e| HandshakeError::NotJson {
            reason: e.to_string(),
            line: shown.clone(),
        })?;
    if reply.protocol.as_deref() != Some(PROTOCOL) {
        return Err(HandshakeError::WrongProtocol {
            found: reply.protocol,
            line: shown,
        });
    }
    if reply.version != Some(VERSION) {
        return Err(HandshakeError::WrongVersion {
            found: reply.version,
            line: shown,
        });
    }
    reply.name.ok_or(HandshakeError::NoName { line: shown })
}

/// The article as request payload: serialized once, so that a re-sent request after a
/// restart costs no second serialization.
pub fn article_payload(article: &Article) -> String {
    // ArticleJson holds only strings, numbers and JSON maps: serializing it cannot fail.
    serde_json::to_string(&article.to_json()).unwrap_or_default()
}

/// One request line (with its newline).
pub fn request_line(id: u64, article_payload: &str) -> String {
    format!("{{\"id\":{id},\"article\":{article_payload}}}\n")
}

/// A well-formed answer to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The article, possibly changed; not yet checked against the original.
    Article(Box<ArticleJson>),
    /// The child failed on this article; it goes to the dead letters with this message.
    Error(String),
    /// The child filters this article out.
    Drop,
}

/// One line read from the child, after parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerLine {
    /// A line that names a request: either a well-formed answer or the reason it is not.
    ForRequest {
        id: u64,
        answer: Result<Answer, String>,
    },
    /// A line that cannot be tied to any request (not JSON, no numeric `id`): the child
    /// broke the protocol, probably by printing to stdout.
    Unattributable { reason: String },
}

/// The fast path: the shape of every well-formed answer.
#[derive(Deserialize)]
struct WireAnswer {
    id: u64,
    #[serde(default)]
    article: Option<Box<ArticleJson>>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    drop: Option<bool>,
}

/// Parses one line of the child's stdout.
pub fn parse_answer(line: &str) -> AnswerLine {
    match serde_json::from_str::<WireAnswer>(line) {
        Ok(wire) => AnswerLine::ForRequest {
            id: wire.id,
            answer: classify(wire),
        },
        Err(shape_error) => {
            // Slow path, only for broken answers: find the id so that the error reaches the
            // right article instead of leaving it to time out.
            let id = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_u64));
            match id {
                Some(id) => AnswerLine::ForRequest {
                    id,
                    answer: Err(format!(
                        "malformed answer ({shape_error}): {}",
                        shorten(line)
                    )),
                },
                None => AnswerLine::Unattributable {
                    reason: format!("not an answer ({shape_error}): {}", shorten(line)),
                },
            }
        }
    }
}

fn classify(wire: WireAnswer) -> Result<Answer, String> {
    match (wire.article, wire.error, wire.drop) {
        (Some(article), None, None | Some(false)) => Ok(Answer::Article(article)),
        (None, Some(message), None | Some(false)) => Ok(Answer::Error(message)),
        (None, None, Some(true)) => Ok(Answer::Drop),
        (None, None, _) => Err(
            "malformed answer: it has none of \"article\", \"error\" or \"drop\": true".to_string(),
        ),
        _ => Err(
            "malformed answer: it has more than one of \"article\", \"error\" and \"drop\""
                .to_string(),
        ),
    }
}

/// Checks an article the child sent back against the one byline sent, then takes its
/// fields. The text must be unchanged and the id too (acknowledgements and dead letters
/// refer to it); every span must lie in the text and quote it exactly.
///
/// The original article is updated in place rather than replaced, so that its token
/// analysis, already computed for the same text, is kept for the stages downstream.
pub fn accept_article(original: &mut Article, returned: ArticleJson) -> Result<(), String> {
    if returned.text != original.text() {
        return Err(format!(
            "the child changed the article's text ({} code points sent, {} returned); text is immutable",
            original.text().chars().count(),
            returned.text.chars().count()
        ));
    }
    if returned.id != original.id {
        return Err(format!(
            "the child changed the article's id from {:?} to {:?}",
            original.id, returned.id
        ));
    }
    let checked = returned
        .into_article()
        .map_err(|e| format!("the returned article breaks the output contract: {e}"))?;
    original.title = checked.title;
    original.published = checked.published;
    original.url = checked.url;
    original.source = checked.source;
    original.language = checked.language;
    original.meta = checked.meta;
    original.entities = checked.entities;
    original.timexes = checked.timexes;
    original.quotes = checked.quotes;
    Ok(())
}

/// A line cut short for error messages and logs (articles can be long).
pub fn shorten(line: &str) -> String {
    const MAX_CHARS: usize = 200;
    let line = line.trim_end();
    match line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Entity, EntityLabel};

    fn article() -> Article {
        let mut a = Article::new("a1", "Él dijo: Kabul is calm.");
        a.meta.insert("desk".into(), Value::from("world"));
        a
    }

    fn answer_for(line: &str) -> Result<Answer, String> {
        match parse_answer(line) {
            AnswerLine::ForRequest { answer, .. } => answer,
            AnswerLine::Unattributable { reason } => Err(format!("unattributable: {reason}")),
        }
    }

    #[test]
    fn handshake_carries_stage_and_config() {
        let mut config = Map::new();
        config.insert("model".into(), Value::from("small"));
        let line = handshake_line("sentiment", &config);
        assert!(line.ends_with('\n'));
        let value: Value = serde_json::from_str(&line).expect("parse JSON");
        assert_eq!(
            value,
            serde_json::json!({"protocol": "byline-exec", "version": 1, "stage": "sentiment",
                               "config": {"model": "small"}})
        );
    }

    #[test]
    fn handshake_reply_is_checked_field_by_field() {
        let ok = r#"{"protocol": "byline-exec", "version": 1, "name": "wc"}"#;
        assert_eq!(check_handshake_reply(ok), Ok("wc".to_string()));
        let cases = [
            ("hello", "not a JSON object"),
            (
                r#"{"protocol": "other", "version": 1, "name": "x"}"#,
                "expected \"byline-exec\"",
            ),
            (
                r#"{"protocol": "byline-exec", "version": 2, "name": "x"}"#,
                "version Some(2)",
            ),
            (
                r#"{"protocol": "byline-exec", "name": "x"}"#,
                "version None",
            ),
            (
                r#"{"protocol": "byline-exec", "version": 1}"#,
                "no \"name\"",
            ),
        ];
        for (line, expected) in cases {
            let err = check_handshake_reply(line).err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|e| e.contains(expected)),
                "{line}: {err:?}"
            );
        }
    }

    #[test]
    fn request_line_wraps_the_payload() {
        let a = article();
        let line = request_line(7, &article_payload(&a));
        let value: Value = serde_json::from_str(&line).expect("parse JSON");
        assert_eq!(value["id"], 7);
        assert_eq!(value["article"]["text"], a.text());
        assert_eq!(value["article"]["meta"]["desk"], "world");
    }

    #[test]
    fn answers_of_each_kind() {
        assert_eq!(
            answer_for(r#"{"id": 3, "error": "model failed"}"#),
            Ok(Answer::Error("model failed".into()))
        );
        assert_eq!(answer_for(r#"{"id": 3, "drop": true}"#), Ok(Answer::Drop));
        let echoed = request_line(3, &article_payload(&article()));
        assert!(matches!(answer_for(&echoed), Ok(Answer::Article(_))));
    }

    #[test]
    fn malformed_answers_with_an_id_are_errors_for_that_request() {
        let cases = [
            (r#"{"id": 4}"#, "none of"),
            (r#"{"id": 4, "drop": false}"#, "none of"),
            (r#"{"id": 4, "drop": true, "error": "x"}"#, "more than one"),
            (
                r#"{"id": 4, "article": {"id": "a1"}}"#,
                "missing field `text`",
            ),
            (r#"{"id": 4, "error": 17}"#, "malformed answer"),
        ];
        for (line, expected) in cases {
            match parse_answer(line) {
                AnswerLine::ForRequest { id, answer } => {
                    assert_eq!(id, 4, "{line}");
                    let err = answer.err().unwrap_or_default();
                    assert!(err.contains(expected), "{line}: {err}");
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn lines_without_an_id_are_unattributable() {
        for line in [
            "",
            "debug: loading model",
            "[1, 2]",
            r#"{"id": "x", "drop": true}"#,
            r#"{"id": -1, "drop": true}"#,
        ] {
            assert!(
                matches!(parse_answer(line), AnswerLine::Unattributable { .. }),
                "{line}"
            );
        }
    }

    #[test]
    fn accepted_article_takes_new_layers_and_meta() {
        let mut original = article();
        let mut returned = original.to_json();
        returned.meta.insert("word_count".into(), Value::from(5));
        returned.entities.push(byline_core::output::EntityJson {
            start: 9,
            end: 14,
            text: "Kabul".into(),
            label: EntityLabel::Location,
            name: "Kabul".into(),
        });
        assert_eq!(accept_article(&mut original, returned), Ok(()));
        assert_eq!(original.meta["word_count"], 5);
        assert_eq!(original.meta["desk"], "world");
        // Offsets come back as bytes: "Él" is one code point but two bytes.
        let expected = Entity {
            start: 10,
            end: 15,
            text: "Kabul".into(),
            label: EntityLabel::Location,
            name: "Kabul".into(),
        };
        assert_eq!(original.entities, [expected]);
    }

    #[test]
    fn changed_text_or_id_or_bad_offsets_are_refused() {
        let mut original = article();
        let mut changed_text = original.to_json();
        changed_text.text.push('!');
        let err = accept_article(&mut original, changed_text)
            .err()
            .unwrap_or_default();
        assert!(err.contains("changed the article's text"), "{err}");

        let mut changed_id = original.to_json();
        changed_id.id = "b2".into();
        let err = accept_article(&mut original, changed_id)
            .err()
            .unwrap_or_default();
        assert!(err.contains("changed the article's id"), "{err}");

        let mut bad_span = original.to_json();
        bad_span.entities.push(byline_core::output::EntityJson {
            start: 10,
            end: 15,
            text: "Kabul".into(),
            label: EntityLabel::Location,
            name: "Kabul".into(),
        });
        let err = accept_article(&mut original, bad_span)
            .err()
            .unwrap_or_default();
        assert!(err.contains("entities[0]"), "{err}");
        assert!(
            original.entities.is_empty(),
            "a refused answer must not change the article"
        );
    }

    #[test]
    fn shorten_cuts_on_a_char_boundary() {
        let long = "é".repeat(300);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 201);
        assert!(short.ends_with('…'));
        assert_eq!(shorten("short\n"), "short");
    }
}
