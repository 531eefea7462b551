//! The `stdin` source: JSON Lines (default) or one txt article from standard input.

use std::io::{BufReader, Read};

use async_trait::async_trait;
use byline_core::{Position, Registry, Source, SourceError, SourceOutput};
use serde::Deserialize;

use crate::record::{self, DecodeOptions, RecordError};
use crate::{jsonl, txt};

/// Reads articles from standard input until it closes.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StdinConfig {
    /// `"jsonl"` (default): one JSON object a line, each sent on as soon as it is read.
    /// `"txt"`: all of standard input is one article, with optional header lines.
    #[serde(default)]
    pub format: StdinFormat,
    /// The largest article read, in bytes: a JSONL line, or all of the input for `txt`. A
    /// larger one goes to the dead letters as "too large", with its size and its first
    /// 4 KiB, and is never held in memory whole. Default 2 MiB (2097152).
    #[serde(default = "record::default_max_article_bytes")]
    pub max_article_bytes: u64,
    /// How an all-numeric publication date with the year last (`03/08/2021`) is read:
    /// `"dmy"` or `"mdy"` (see the file source).
    #[serde(default)]
    pub date_order: Option<byline_core::DateOrder>,
}

impl Default for StdinConfig {
    fn default() -> StdinConfig {
        StdinConfig {
            format: StdinFormat::default(),
            max_article_bytes: record::DEFAULT_MAX_ARTICLE_BYTES,
            date_order: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StdinFormat {
    #[default]
    Jsonl,
    Txt,
}

pub fn register(registry: &mut Registry) {
    registry
        .register_source(
            "stdin",
            "read articles from standard input (JSON Lines, or the whole input as one txt article)",
            |config: StdinConfig, _| {
                let decode = DecodeOptions {
                    max_article_bytes: config.max_article_bytes,
                    date_order: config.date_order,
                };
                Ok(
                    Box::new(StdinSource::new(config.format).with_decode(decode))
                        as Box<dyn Source>,
                )
            },
        )
        .with_options::<StdinConfig>();
}

pub struct StdinSource {
    format: StdinFormat,
    decode: DecodeOptions,
}

impl StdinSource {
    pub fn new(format: StdinFormat) -> StdinSource {
        StdinSource {
            format,
            decode: DecodeOptions::default(),
        }
    }

    /// Reads with these limits and date order.
    pub fn with_decode(mut self, decode: DecodeOptions) -> StdinSource {
        self.decode = decode;
        self
    }
}

/// Reads all of `reader` as one txt article, holding at most `max_article_bytes + 1` bytes:
/// past the limit the rest is counted, not kept. Returns the bytes kept and the total size.
fn read_bounded(reader: &mut impl Read, max: u64) -> std::io::Result<(Vec<u8>, u64)> {
    let mut content = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut content)?;
    let mut size = content.len() as u64;
    if size > max {
        size += std::io::copy(reader, &mut std::io::sink())?;
    }
    Ok((content, size))
}

#[async_trait]
impl Source for StdinSource {
    async fn run(self: Box<Self>, mut output: SourceOutput) -> Result<(), SourceError> {
        let format = self.format;
        let decode = self.decode;
        // Reading and decoding block, so they run off the async threads. A stop request
        // cannot interrupt a read that waits for input; the runtime stops waiting instead.
        tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
            match format {
                StdinFormat::Jsonl => jsonl::read_with(
                    &mut reader,
                    Some("<stdin>".into()),
                    &mut output,
                    true,
                    decode,
                )?,
                StdinFormat::Txt => {
                    let max = decode.max_article_bytes;
                    let (content, size) = match read_bounded(&mut reader, max) {
                        Ok(read) => read,
                        Err(e) => {
                            return Err(SourceError::new(format!(
                                "cannot read standard input: {e}"
                            )));
                        }
                    };
                    let position = Position::in_file(output.id().clone(), "<stdin>".into(), 1, 0);
                    if size > max {
                        let error = RecordError::too_large(size, max);
                        let head = record::head_of(&content);
                        record::emit_blocking(&mut output, Err(error), position, head)?;
                    } else {
                        let decoded = txt::decode_with(None, &content, &decode);
                        record::emit_blocking(&mut output, decoded, position, &content)?;
                    }
                }
            }
            Ok(())
        })
        .await
        .map_err(|e| SourceError::new(format!("the stdin reader died: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    #[test]
    fn jsonl_is_the_default_and_txt_can_be_chosen() {
        let config: StdinConfig = RawConfig::from_toml("")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert_eq!(config.format, StdinFormat::Jsonl);
        let config: StdinConfig = RawConfig::from_toml("format = \"txt\"")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert_eq!(config.format, StdinFormat::Txt);
        assert_eq!(config.max_article_bytes, 2 * 1024 * 1024);
    }

    #[test]
    fn a_txt_input_over_the_limit_is_counted_not_kept() {
        let input = vec![b'x'; 100_000];
        let (kept, size) = read_bounded(&mut input.as_slice(), 1000).expect("as slice");
        assert_eq!(size, 100_000);
        assert_eq!(kept.len(), 1001);
        let (kept, size) = read_bounded(&mut &b"short"[..], 1000).expect("read bounded");
        assert_eq!((kept.as_slice(), size), (&b"short"[..], 5));
    }
}
