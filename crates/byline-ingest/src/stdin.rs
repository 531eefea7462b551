//! The `stdin` source: JSON Lines (default) or one txt article from standard input.

use std::io::{BufReader, Read};

use async_trait::async_trait;
use byline_core::{Position, Registry, Source, SourceError, SourceOutput};
use serde::Deserialize;

use crate::record;
use crate::{jsonl, txt};

/// Reads articles from standard input until it closes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdinConfig {
    /// `"jsonl"` (default): one JSON object a line, each sent on as soon as it is read.
    /// `"txt"`: all of standard input is one article, with optional header lines.
    #[serde(default)]
    pub format: StdinFormat,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StdinFormat {
    #[default]
    Jsonl,
    Txt,
}

pub fn register(registry: &mut Registry) {
    registry.register_source(
        "stdin",
        "read articles from standard input (JSON Lines, or the whole input as one txt article)",
        |config: StdinConfig, _| Ok(Box::new(StdinSource::new(config.format)) as Box<dyn Source>),
    );
}

pub struct StdinSource {
    format: StdinFormat,
}

impl StdinSource {
    pub fn new(format: StdinFormat) -> StdinSource {
        StdinSource { format }
    }
}

#[async_trait]
impl Source for StdinSource {
    async fn run(self: Box<Self>, mut output: SourceOutput) -> Result<(), SourceError> {
        let format = self.format;
        // Reading and decoding block, so they run off the async threads. A stop request
        // cannot interrupt a read that waits for input; the runtime stops waiting instead.
        tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
            match format {
                StdinFormat::Jsonl => {
                    jsonl::read(&mut reader, Some("<stdin>".into()), &mut output, true)?
                }
                StdinFormat::Txt => {
                    let mut content = Vec::new();
                    if let Err(e) = reader.read_to_end(&mut content) {
                        return Err(SourceError::new(format!("cannot read standard input: {e}")));
                    }
                    let position = Position::in_file(output.id().clone(), "<stdin>".into(), 1, 0);
                    record::emit_blocking(
                        &mut output,
                        txt::decode(None, &content),
                        position,
                        || String::from_utf8_lossy(&content).into_owned(),
                    )?;
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
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.format, StdinFormat::Jsonl);
        let config: StdinConfig = RawConfig::from_toml("format = \"txt\"")
            .and_then(RawConfig::parse)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.format, StdinFormat::Txt);
    }
}
