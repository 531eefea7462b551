//! The `file` sink: JSON Lines appended to a file whose path may hold strftime fields.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use byline_core::{BuildError, ConfigError, Event, Registry, Sink, SinkError};
use chrono::format::Item;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use toml::Spanned;

use crate::jsonl::{self, JsonStyle};

/// Appends every article to a JSON Lines file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The file to append to, such as `out/articles-%Y-%m-%d.jsonl`. strftime fields are
    /// filled in with the current UTC time when a batch is written, so a date in the path
    /// starts a new file every day. Missing parent directories are created.
    pub path: Spanned<String>,
}

pub fn register(registry: &mut Registry) {
    registry.register_sink(
        "file",
        "append articles as JSON Lines to a file; the path takes strftime fields (UTC)",
        |config: FileConfig, _| Ok(Box::new(FileSink::from_config(config)?) as Box<dyn Sink>),
    );
}

/// Bytes buffered before they are handed to the OS.
const WRITE_THRESHOLD: usize = 1 << 20;

/// A path with strftime fields, rendered at write time.
#[derive(Debug, Clone)]
pub struct PathTemplate {
    raw: String,
    items: Option<Vec<Item<'static>>>,
}

impl PathTemplate {
    pub fn parse(raw: &str) -> Result<PathTemplate, String> {
        if !raw.contains('%') {
            return Ok(PathTemplate {
                raw: raw.to_string(),
                items: None,
            });
        }
        let items = chrono::format::StrftimeItems::new(raw)
            .parse_to_owned()
            .map_err(|e| format!("invalid strftime field in path {raw:?}: {e}"))?;
        let template = PathTemplate {
            raw: raw.to_string(),
            items: Some(items),
        };
        // Some fields parse but cannot be formatted; find out now rather than mid-run.
        template.render(Utc::now())?;
        Ok(template)
    }

    /// A fixed path, used as is.
    pub fn fixed(path: &Path) -> PathTemplate {
        PathTemplate {
            raw: path.to_string_lossy().into_owned(),
            items: None,
        }
    }

    pub fn render(&self, now: DateTime<Utc>) -> Result<PathBuf, String> {
        let Some(items) = &self.items else {
            return Ok(PathBuf::from(&self.raw));
        };
        let mut path = String::new();
        write!(path, "{}", now.format_with_items(items.iter()))
            .map_err(|_| format!("cannot fill in the strftime fields of {:?}", self.raw))?;
        Ok(PathBuf::from(path))
    }
}

struct OpenFile {
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

/// Appends JSON Lines to the file its template names at write time.
pub struct FileSink {
    template: PathTemplate,
    style: JsonStyle,
    buffer: Vec<u8>,
    open: Option<OpenFile>,
    /// Set when buffered bytes were lost; the next flush reports it, so that nothing
    /// written before it is acknowledged as delivered.
    lost_since_flush: Option<String>,
}

impl FileSink {
    pub fn from_config(config: FileConfig) -> Result<FileSink, BuildError> {
        let span = config.path.span();
        let template = PathTemplate::parse(config.path.get_ref()).map_err(|message| {
            BuildError::Config(ConfigError {
                message,
                span: Some(span),
            })
        })?;
        Ok(FileSink::new(template))
    }

    pub fn new(template: PathTemplate) -> FileSink {
        FileSink {
            template,
            style: JsonStyle::Json,
            buffer: Vec::with_capacity(WRITE_THRESHOLD + (WRITE_THRESHOLD >> 2)),
            open: None,
            lost_since_flush: None,
        }
    }

    /// Hands the buffered bytes to the OS, off the async threads.
    async fn drain(&mut self) -> Result<(), SinkError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let Some(open) = &self.open else {
            return Err(self.lose("no file is open".to_string()));
        };
        let file = open.file.clone();
        let path = open.path.clone();
        let bytes = std::mem::take(&mut self.buffer);
        let written = tokio::task::spawn_blocking(move || {
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            file.write_all(&bytes).map(|()| bytes)
        })
        .await;
        match written {
            Ok(Ok(mut bytes)) => {
                bytes.clear();
                self.buffer = bytes;
                Ok(())
            }
            Ok(Err(e)) => Err(self.lose(format!("cannot write {}: {e}", path.display()))),
            Err(e) => Err(self.lose(format!("the writer of {} died: {e}", path.display()))),
        }
    }

    fn lose(&mut self, message: String) -> SinkError {
        self.buffer.clear();
        self.lost_since_flush = Some(message.clone());
        SinkError::new(message)
    }

    async fn switch_to(&mut self, path: PathBuf) -> Result<(), SinkError> {
        self.drain().await?;
        self.open = None;
        let opening = path.clone();
        let file = tokio::task::spawn_blocking(move || open_for_append(&opening))
            .await
            .map_err(|e| SinkError::new(e.to_string()))?
            .map_err(|e| SinkError::new(format!("cannot open {}: {e}", path.display())))?;
        tracing::debug!(path = %path.display(), "file sink opened");
        self.open = Some(OpenFile {
            path,
            file: Arc::new(Mutex::new(file)),
        });
        Ok(())
    }
}

fn open_for_append(path: &Path) -> std::io::Result<File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    OpenOptions::new().create(true).append(true).open(path)
}

#[async_trait]
impl Sink for FileSink {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let path = self.template.render(Utc::now()).map_err(SinkError::new)?;
        if self.open.as_ref().is_none_or(|open| open.path != path) {
            self.switch_to(path).await?;
        }
        for event in events {
            jsonl::encode(event, self.style, &mut self.buffer)
                .map_err(|e| SinkError::new(format!("cannot encode {}: {e}", event.position)))?;
        }
        if self.buffer.len() >= WRITE_THRESHOLD {
            self.drain().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        self.drain().await?;
        if let Some(message) = self.lost_since_flush.take() {
            return Err(SinkError::new(format!(
                "records written since the last flush were lost: {message}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Ack, Article, Position, RawConfig};

    fn events(ids: &[&str]) -> Vec<Event> {
        ids.iter()
            .map(|id| {
                Event::article(
                    Article::new(*id, format!("Text of {id}.")),
                    Position::of_source("s".into()),
                    Ack::untracked(),
                )
            })
            .collect()
    }

    fn read_ids(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .lines()
            .map(|line| {
                let value: serde_json::Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                value["id"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    }

    #[test]
    fn strftime_fields_are_filled_in_utc() {
        let template =
            PathTemplate::parse("out/articles-%Y-%m-%d.jsonl").unwrap_or_else(|e| panic!("{e}"));
        let now = DateTime::parse_from_rfc3339("2021-08-03T23:30:00-02:00")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_timezone(&Utc);
        assert_eq!(
            template.render(now),
            Ok(PathBuf::from("out/articles-2021-08-04.jsonl"))
        );
    }

    #[test]
    fn a_bad_strftime_field_is_a_config_error_at_the_path() {
        let source = "path = \"out/%Q.jsonl\"";
        let config: FileConfig = RawConfig::from_toml(source)
            .and_then(RawConfig::parse)
            .unwrap_or_else(|e| panic!("{e}"));
        let Err(BuildError::Config(err)) = FileSink::from_config(config) else {
            panic!("expected a config error");
        };
        assert!(err.message.contains("strftime"), "{}", err.message);
        assert_eq!(&source[err.span.unwrap_or_default()], "\"out/%Q.jsonl\"");
    }

    #[tokio::test]
    async fn writes_land_after_flush_in_created_directories_and_append() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("nested/deeper/out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a", "b"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_ids(&path), ["a", "b"]);
        let mut again = FileSink::new(PathTemplate::fixed(&path));
        again
            .write(&events(&["c"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        again.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_ids(&path), ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn nothing_reaches_the_file_before_a_flush_for_small_batches() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "");
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_ids(&path), ["a"]);
    }

    #[tokio::test]
    async fn an_unwritable_path_fails_the_write() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap_or_else(|e| panic!("{e}"));
        let mut sink = FileSink::new(PathTemplate::fixed(&blocker.join("out.jsonl")));
        let err = sink.write(&events(&["a"])).await.err();
        assert!(
            err.is_some_and(|e| e.message.contains("cannot open")),
            "a file cannot be a directory"
        );
    }
}
