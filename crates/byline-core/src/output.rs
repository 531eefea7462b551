//! The output contract: one JSON object per article, offsets in Unicode code points.
//!
//! Inside byline every offset is a byte offset. This module is the only place where they
//! become code points (so that Python's `text[start:end]` works on the output) and back
//! (for the exec protocol and gold files). The JSON Schema of this shape lives in
//! `schema/article.v1.schema.json` at the repository root; bump [`SCHEMA_VERSION`] and
//! add a new schema file for any incompatible change.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::article::Article;
use crate::layers::{Entity, EntityLabel, Quote, QuoteKind, Speaker, TextSpan, Timex, TimexType};
use crate::published::Published;

/// Version of the output contract and of its JSON Schema file.
pub const SCHEMA_VERSION: u32 = 1;

/// Maps byte offsets to code-point offsets and back for one text.
pub struct CharOffsets {
    /// Byte offset of every char, plus `text.len()` at the end. Empty for ASCII text,
    /// where both offsets are the same.
    starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        let starts = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        CharOffsets {
            starts,
            len: text.len(),
        }
    }

    /// The code-point offset of byte offset `byte` (which must be a char boundary).
    pub fn to_chars(&self, byte: usize) -> usize {
        if self.starts.is_empty() {
            return byte.min(self.len);
        }
        self.starts.partition_point(|&b| b < byte)
    }

    /// The byte offset of code-point offset `chars`, or `None` past the end of the text.
    pub fn to_bytes(&self, chars: usize) -> Option<usize> {
        if self.starts.is_empty() {
            return (chars <= self.len).then_some(chars);
        }
        self.starts.get(chars).copied()
    }
}

/// Code-point offsets of just the span boundaries of one article.
///
/// Writing an article out is the hot path of every pipeline, and most texts are short on
/// spans and long on characters: rather than index every character ([`CharOffsets`]), this
/// sorts the boundaries and counts characters once, up to the last boundary.
struct SpanBoundaries {
    /// Sorted, unique byte offsets; empty when the text is ASCII (offsets are equal).
    bytes: Vec<usize>,
    chars: Vec<usize>,
}

impl SpanBoundaries {
    fn of(article: &Article) -> SpanBoundaries {
        let text = article.text();
        if text.is_ascii() {
            return SpanBoundaries {
                bytes: Vec::new(),
                chars: Vec::new(),
            };
        }
        let mut bytes = Vec::new();
        bytes.extend(article.entities.iter().flat_map(|e| [e.start, e.end]));
        bytes.extend(article.timexes.iter().flat_map(|t| [t.start, t.end]));
        for q in &article.quotes {
            bytes.extend([q.start, q.end]);
            bytes.extend(q.speaker.iter().flat_map(|s| [s.start, s.end]));
            bytes.extend(q.cue.iter().flat_map(|c| [c.start, c.end]));
        }
        bytes.sort_unstable();
        bytes.dedup();
        let raw = text.as_bytes();
        let mut chars = Vec::with_capacity(bytes.len());
        let (mut at, mut count) = (0, 0);
        for &offset in &bytes {
            let offset = offset.min(raw.len());
            if offset > at {
                // A UTF-8 continuation byte is 0b10xx_xxxx; every other byte starts a char.
                count += raw[at..offset]
                    .iter()
                    .filter(|&&b| (b as i8) >= -0x40)
                    .count();
                at = offset;
            }
            chars.push(count);
        }
        SpanBoundaries { bytes, chars }
    }

    fn to_chars(&self, byte: usize) -> usize {
        if self.bytes.is_empty() {
            return byte;
        }
        match self.bytes.binary_search(&byte) {
            Ok(i) => self.chars[i],
            // Only boundaries collected in `of` are ever asked for.
            Err(i) => self.chars.get(i.saturating_sub(1)).copied().unwrap_or(0),
        }
    }
}

/// Why a JSON article does not satisfy the output contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    #[error("{field}: span {start}..{end} is outside the text ({len} code points)")]
    OutOfRange {
        field: String,
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("{field}: text {claimed:?} does not match text[{start}:{end}] = {actual:?}")]
    TextMismatch {
        field: String,
        start: usize,
        end: usize,
        claimed: String,
        actual: String,
    },
    #[error("published: {0}")]
    Published(#[from] crate::published::PublishedError),
}

/// A span as written out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: EntityLabel,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimexJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: TimexType,
    pub value: String,
    #[serde(rename = "mod", default, skip_serializing_if = "Option::is_none")]
    pub modifier: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteJson {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: QuoteKind,
    pub speaker: Option<SpeakerJson>,
    pub cue: Option<SpanJson>,
}

/// One article as written to JSON Lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleJson {
    pub id: String,
    pub title: Option<String>,
    /// RFC 3339: the input's value when it was RFC 3339, else its normalised form.
    pub published: Option<String>,
    /// The input's `published` as it was written, when that was not RFC 3339
    /// (`"Tue, 03 Aug 2021 10:00:00 GMT"`, `"1627984800"`): nothing the input said is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_raw: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    /// The article's language ([`Article::language`]): as the input gave it, else detected.
    /// Always written; optional only so that output written before it existed still reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub text: String,
    #[serde(default)]
    pub meta: Map<String, Value>,
    #[serde(default)]
    pub entities: Vec<EntityJson>,
    #[serde(default)]
    pub timexes: Vec<TimexJson>,
    #[serde(default)]
    pub quotes: Vec<QuoteJson>,
}

impl Article {
    /// The article in the output contract's shape, offsets converted to code points.
    pub fn to_json(&self) -> ArticleJson {
        let map = SpanBoundaries::of(self);
        let c = |b: usize| map.to_chars(b);
        ArticleJson {
            id: self.id.clone(),
            title: self.title.clone(),
            published: self.published.as_ref().map(|p| p.as_str().to_string()),
            published_raw: self
                .published
                .as_ref()
                .and_then(Published::original)
                .map(str::to_string),
            url: self.url.clone(),
            source: self.source.clone(),
            language: Some(self.language().to_string()),
            text: self.text().to_string(),
            meta: self.meta.clone(),
            entities: self
                .entities
                .iter()
                .map(|e| EntityJson {
                    start: c(e.start),
                    end: c(e.end),
                    text: e.text.clone(),
                    label: e.label,
                    name: e.name.clone(),
                })
                .collect(),
            timexes: self
                .timexes
                .iter()
                .map(|t| TimexJson {
                    start: c(t.start),
                    end: c(t.end),
                    text: t.text.clone(),
                    kind: t.kind,
                    value: t.value.clone(),
                    modifier: t.modifier.clone(),
                })
                .collect(),
            quotes: self
                .quotes
                .iter()
                .map(|q| QuoteJson {
                    start: c(q.start),
                    end: c(q.end),
                    text: q.text.clone(),
                    kind: q.kind,
                    speaker: q.speaker.as_ref().map(|s| SpeakerJson {
                        start: c(s.start),
                        end: c(s.end),
                        text: s.text.clone(),
                        name: s.name.clone(),
                    }),
                    cue: q.cue.as_ref().map(|s| SpanJson {
                        start: c(s.start),
                        end: c(s.end),
                        text: s.text.clone(),
                    }),
                })
                .collect(),
        }
    }

    /// Serializes the article as one line of JSON (no trailing newline) into `out`.
    pub fn write_json_line(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(out, &self.to_json())
    }
}

impl ArticleJson {
    /// Back to an [`Article`], checking that every span lies in the text and that every
    /// span's `text` equals `text[start:end]`.
    pub fn into_article(self) -> Result<Article, ContractError> {
        let map = CharOffsets::new(&self.text);
        let len_chars = map.to_chars(self.text.len());
        let text = self.text.as_str();
        let bytes = |field: &str, start: usize, end: usize, claimed: &str| {
            let range = map
                .to_bytes(start)
                .zip(map.to_bytes(end))
                .filter(|(s, e)| s <= e);
            let Some((s, e)) = range else {
                return Err(ContractError::OutOfRange {
                    field: field.to_string(),
                    start,
                    end,
                    len: len_chars,
                });
            };
            if &text[s..e] != claimed {
                return Err(ContractError::TextMismatch {
                    field: field.to_string(),
                    start,
                    end,
                    claimed: claimed.to_string(),
                    actual: text[s..e].to_string(),
                });
            }
            Ok((s, e))
        };
        let mut entities = Vec::with_capacity(self.entities.len());
        for (i, e) in self.entities.iter().enumerate() {
            let (start, end) = bytes(&format!("entities[{i}]"), e.start, e.end, &e.text)?;
            entities.push(Entity {
                start,
                end,
                text: e.text.clone(),
                label: e.label,
                name: e.name.clone(),
            });
        }
        let mut timexes = Vec::with_capacity(self.timexes.len());
        for (i, t) in self.timexes.iter().enumerate() {
            let (start, end) = bytes(&format!("timexes[{i}]"), t.start, t.end, &t.text)?;
            timexes.push(Timex {
                start,
                end,
                text: t.text.clone(),
                kind: t.kind,
                value: t.value.clone(),
                modifier: t.modifier.clone(),
            });
        }
        let mut quotes = Vec::with_capacity(self.quotes.len());
        for (i, q) in self.quotes.iter().enumerate() {
            let (start, end) = bytes(&format!("quotes[{i}]"), q.start, q.end, &q.text)?;
            let speaker = match &q.speaker {
                Some(s) => {
                    let (ss, se) = bytes(&format!("quotes[{i}].speaker"), s.start, s.end, &s.text)?;
                    Some(Speaker {
                        start: ss,
                        end: se,
                        text: s.text.clone(),
                        name: s.name.clone(),
                    })
                }
                None => None,
            };
            let cue = match &q.cue {
                Some(c) => {
                    let (cs, ce) = bytes(&format!("quotes[{i}].cue"), c.start, c.end, &c.text)?;
                    Some(TextSpan {
                        start: cs,
                        end: ce,
                        text: c.text.clone(),
                    })
                }
                None => None,
            };
            quotes.push(Quote {
                start,
                end,
                text: q.text.clone(),
                kind: q.kind,
                speaker,
                cue,
            });
        }
        let published = self
            .published
            .as_deref()
            .map(Published::parse)
            .transpose()?
            .map(|p| match self.published_raw {
                Some(raw) => p.with_raw(raw),
                None => p,
            });
        let mut article = Article::new(self.id, self.text);
        article.title = self.title;
        article.published = published;
        article.url = self.url;
        article.source = self.source;
        article.language = self.language;
        article.meta = self.meta;
        article.entities = entities;
        article.timexes = timexes;
        article.quotes = quotes;
        Ok(article)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Article {
        let text = "🎉 Zalmay Khalilzad said on Tuesday: “No.”";
        let mut a = Article::new("a1", text);
        a.published = Published::parse("2021-08-03").ok();
        let find = |s: &str| {
            let start = text.find(s).unwrap_or(0);
            (start, start + s.len())
        };
        let (s, e) = find("Zalmay Khalilzad");
        a.entities.push(Entity {
            start: s,
            end: e,
            text: "Zalmay Khalilzad".into(),
            label: EntityLabel::Person,
            name: "Zalmay Khalilzad".into(),
        });
        let (s, e) = find("Tuesday");
        a.timexes.push(Timex {
            start: s,
            end: e,
            text: "Tuesday".into(),
            kind: TimexType::Date,
            value: "2021-08-03".into(),
            modifier: None,
        });
        let (s, e) = find("No.");
        let (ss, se) = find("Zalmay Khalilzad");
        let (cs, ce) = find("said");
        a.quotes.push(Quote {
            start: s,
            end: e,
            text: "No.".into(),
            kind: QuoteKind::Direct,
            speaker: Some(Speaker {
                start: ss,
                end: se,
                text: "Zalmay Khalilzad".into(),
                name: "Zalmay Khalilzad".into(),
            }),
            cue: Some(TextSpan {
                start: cs,
                end: ce,
                text: "said".into(),
            }),
        });
        a
    }

    fn char_slice(text: &str, start: usize, end: usize) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn offsets_are_code_points_after_an_emoji() {
        let json = sample().to_json();
        assert_eq!(json.entities[0].start, 2);
        for e in &json.entities {
            assert_eq!(char_slice(&json.text, e.start, e.end), e.text);
        }
        for q in &json.quotes {
            assert_eq!(char_slice(&json.text, q.start, q.end), q.text);
        }
    }

    #[test]
    fn round_trip_through_json() {
        let article = sample();
        let mut line = Vec::new();
        assert!(article.write_json_line(&mut line).is_ok());
        let parsed: ArticleJson = serde_json::from_slice(&line).expect("parse JSON");
        let back = parsed.into_article().expect("read the article back");
        assert_eq!(back.entities, article.entities);
        assert_eq!(back.timexes, article.timexes);
        assert_eq!(back.quotes, article.quotes);
        assert_eq!(back.text(), article.text());
    }

    #[test]
    fn a_published_date_in_another_form_keeps_its_original_beside_it() {
        let mut article = Article::new("p", "Body.");
        article.published = Published::parse("Tue, 03 Aug 2021 10:00:00 GMT").ok();
        let json = article.to_json();
        assert_eq!(json.published.as_deref(), Some("2021-08-03T10:00:00Z"));
        assert_eq!(
            json.published_raw.as_deref(),
            Some("Tue, 03 Aug 2021 10:00:00 GMT")
        );
        let back = json.into_article().expect("read the article back");
        assert_eq!(back.published, article.published);
        // An RFC 3339 value is written once.
        let value = serde_json::to_value(sample().to_json()).expect("to json");
        assert!(value.get("published_raw").is_none());
    }

    #[test]
    fn mismatched_span_text_is_refused() {
        let mut json = sample().to_json();
        json.entities[0].start += 1;
        let err = json.into_article().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("entities[0]")));
    }

    #[test]
    fn out_of_range_span_is_refused() {
        let mut json = sample().to_json();
        json.timexes[0].end = 10_000;
        assert!(matches!(
            json.into_article(),
            Err(ContractError::OutOfRange { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn written_offsets_are_code_points(text in "\\PC{1,40}", a in 0usize..40, b in 0usize..40) {
            let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let (a, b) = (a % bounds.len(), b % bounds.len());
            let (lo, hi) = (a.min(b), a.max(b));
            let mut article = Article::new("p", text.clone());
            article.timexes.push(Timex {
                start: bounds[lo],
                end: bounds[hi],
                text: text[bounds[lo]..bounds[hi]].to_string(),
                kind: TimexType::Date,
                value: "2021".into(),
                modifier: None,
            });
            let json = article.to_json();
            proptest::prop_assert_eq!(json.timexes[0].start, lo);
            proptest::prop_assert_eq!(json.timexes[0].end, hi);
        }

        #[test]
        fn char_offsets_round_trip(text in "\\PC{0,40}") {
            let map = CharOffsets::new(&text);
            for (ci, (bi, _)) in text.char_indices().enumerate() {
                proptest::prop_assert_eq!(map.to_chars(bi), ci);
                proptest::prop_assert_eq!(map.to_bytes(ci), Some(bi));
            }
            let n = text.chars().count();
            proptest::prop_assert_eq!(map.to_chars(text.len()), n);
            proptest::prop_assert_eq!(map.to_bytes(n + 1), None);
        }
    }
}
