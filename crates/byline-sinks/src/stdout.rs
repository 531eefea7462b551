//! The `stdout` sink: JSON Lines (or pretty JSON) on standard output.

use async_trait::async_trait;
use byline_core::{Event, Registry, Sink, SinkError};
use serde::Deserialize;
use tokio::io::{AsyncWriteExt, Stdout};

use crate::jsonl::{self, JsonStyle};

/// Writes every article to standard output.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StdoutConfig {
    /// `"json"` (default): one compact JSON object a line. `"pretty"`: indented, for reading.
    #[serde(default)]
    pub format: JsonStyle,
}

pub fn register(registry: &mut Registry) {
    registry
        .register_sink(
            "stdout",
            "write articles to standard output as JSON Lines (or pretty JSON)",
            |config: StdoutConfig, _| Ok(Box::new(StdoutSink::new(config)) as Box<dyn Sink>),
        )
        .with_options::<StdoutConfig>();
}

pub struct StdoutSink {
    style: JsonStyle,
    stdout: Stdout,
    buffer: Vec<u8>,
}

impl StdoutSink {
    pub fn new(config: StdoutConfig) -> StdoutSink {
        StdoutSink {
            style: config.format,
            stdout: tokio::io::stdout(),
            buffer: Vec::new(),
        }
    }
}

#[async_trait]
impl Sink for StdoutSink {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError> {
        self.buffer.clear();
        for event in events {
            jsonl::encode(event, self.style, &mut self.buffer)
                .map_err(|e| SinkError::new(format!("cannot encode {}: {e}", event.position)))?;
        }
        // A reader of a pipe sees each batch as soon as it is processed.
        self.stdout.write_all(&self.buffer).await?;
        self.stdout.flush().await?;
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        self.stdout.flush().await?;
        Ok(())
    }

    fn destination(&self) -> Option<String> {
        Some("standard output".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    #[test]
    fn the_format_defaults_to_json_and_accepts_pretty() {
        let config: StdoutConfig = RawConfig::from_toml("")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert_eq!(config.format, JsonStyle::Json);
        let config: StdoutConfig = RawConfig::from_toml("format = \"pretty\"")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert_eq!(config.format, JsonStyle::Pretty);
    }

    #[test]
    fn an_unknown_format_is_refused_with_the_choices() {
        let err = RawConfig::from_toml("format = \"xml\"")
            .and_then(RawConfig::parse::<StdoutConfig>)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("json") && err.contains("pretty"), "{err}");
    }
}
