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
    /// Start a new file once this one would grow past this many bytes: `out.jsonl`, then
    /// `out.1.jsonl`, `out.2.jsonl`, ... A line is never split; a line longer than the limit
    /// gets a file of its own.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// Sync the file to disk (fsync) before acknowledging what was written, so that a
    /// power cut cannot lose an acknowledged article. On by default; turning it off trades
    /// that for speed (the OS still has the data if only byline crashes).
    #[serde(default = "yes")]
    pub fsync: bool,
}

fn yes() -> bool {
    true
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
    /// The rendered template, before any rotation suffix.
    base: PathBuf,
    /// The rotation index (0: `base` itself).
    index: u32,
    path: PathBuf,
    file: Arc<Mutex<File>>,
    /// Bytes in the file, to rotate by size.
    size: u64,
}

/// Appends JSON Lines to the file its template names at write time.
pub struct FileSink {
    template: PathTemplate,
    style: JsonStyle,
    buffer: Vec<u8>,
    open: Option<OpenFile>,
    max_bytes: Option<u64>,
    fsync: bool,
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
        let mut sink = FileSink::new(template);
        sink.max_bytes = config.max_bytes.filter(|&max| max > 0);
        sink.fsync = config.fsync;
        Ok(sink)
    }

    /// Rotates to a new file after `max_bytes` (see [`FileConfig::max_bytes`]).
    pub fn with_max_bytes(mut self, max_bytes: Option<u64>) -> FileSink {
        self.max_bytes = max_bytes.filter(|&max| max > 0);
        self
    }

    /// Whether a flush syncs the file to disk (see [`FileConfig::fsync`]).
    pub fn with_fsync(mut self, fsync: bool) -> FileSink {
        self.fsync = fsync;
        self
    }

    pub fn new(template: PathTemplate) -> FileSink {
        FileSink {
            template,
            style: JsonStyle::Json,
            buffer: Vec::with_capacity(WRITE_THRESHOLD + (WRITE_THRESHOLD >> 2)),
            open: None,
            max_bytes: None,
            fsync: true,
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
                if let Some(open) = &mut self.open {
                    open.size += bytes.len() as u64;
                }
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

    /// Opens the file for `base` (the first rotation index that still has room).
    async fn switch_to(&mut self, base: PathBuf, first_index: u32) -> Result<(), SinkError> {
        self.drain().await?;
        // What went to the file being left is acknowledged at the next flush, which only
        // syncs the new one.
        self.sync_and_check().await?;
        self.open = None;
        let max_bytes = self.max_bytes;
        let opening = base.clone();
        let (index, path, file, size) = tokio::task::spawn_blocking(move || {
            let mut index = first_index;
            loop {
                let path = rotated(&opening, index);
                let file = open_for_append(&path)?;
                let size = file.metadata()?.len();
                match max_bytes {
                    Some(max) if size >= max => index += 1,
                    _ => return Ok::<_, std::io::Error>((index, path, file, size)),
                }
            }
        })
        .await
        .map_err(|e| SinkError::new(e.to_string()))?
        .map_err(|e| SinkError::new(format!("cannot open {}: {e}", base.display())))?;
        tracing::debug!(path = %path.display(), "file sink opened");
        self.open = Some(OpenFile {
            base,
            index,
            path,
            file: Arc::new(Mutex::new(file)),
            size,
        });
        Ok(())
    }

    /// Syncs the open file to disk, then checks that its path still leads to it: a file
    /// (or directory) removed under a running sink would otherwise swallow every write.
    async fn sync_and_check(&mut self) -> Result<(), SinkError> {
        let Some(open) = &self.open else {
            return Ok(());
        };
        let (file, path, fsync) = (open.file.clone(), open.path.clone(), self.fsync);
        let checked = tokio::task::spawn_blocking(move || {
            let file = file.lock().unwrap_or_else(|e| e.into_inner());
            if fsync {
                file.sync_data()?;
            }
            same_file(&file, &path)
        })
        .await
        .map_err(|e| SinkError::new(e.to_string()))?;
        match checked {
            Ok(true) => Ok(()),
            Ok(false) => {
                let path = open.path.display().to_string();
                self.open = None;
                Err(SinkError::new(format!(
                    "{path} was removed or replaced while open; what was written since the last flush is written again"
                )))
            }
            Err(e) => {
                let path = open.path.display().to_string();
                self.open = None;
                Err(SinkError::new(format!("cannot sync {path}: {e}")))
            }
        }
    }
}

/// `base` for index 0, else `base` with `.index` before its extension (`out.2.jsonl`).
fn rotated(base: &Path, index: u32) -> PathBuf {
    if index == 0 {
        return base.to_path_buf();
    }
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match base.extension() {
        Some(extension) => format!("{stem}.{index}.{}", extension.to_string_lossy()),
        None => format!("{stem}.{index}"),
    };
    base.with_file_name(name)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(named.dev() == open.dev() && named.ino() == open.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> std::io::Result<bool> {
    Ok(path.exists())
}

fn open_for_append(path: &Path) -> std::io::Result<File> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)?;
    cut_partial_line(&file)?;
    Ok(file)
}

/// A crash in the middle of a write can leave a last line without its newline. Nothing
/// in it was acknowledged (acks wait for a flush), so it is cut off rather than glued to
/// the next line.
fn cut_partial_line(file: &File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    const BLOCK: u64 = 64 * 1024;
    let length = file.metadata()?.len();
    let mut end = length;
    let mut reader = file;
    let mut block = Vec::new();
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        block.resize((end - start) as usize, 0);
        reader.seek(SeekFrom::Start(start))?;
        reader.read_exact(&mut block)?;
        if let Some(newline) = block.iter().rposition(|&b| b == b'\n') {
            end = start + newline as u64 + 1;
            break;
        }
        end = start;
    }
    if end < length {
        tracing::warn!(
            bytes = length - end,
            "cutting off a partial last line left by an earlier crash"
        );
        file.set_len(end)?;
    }
    Ok(())
}

#[async_trait]
impl Sink for FileSink {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let base = self.template.render(Utc::now()).map_err(SinkError::new)?;
        if self.open.as_ref().is_none_or(|open| open.base != base) {
            self.switch_to(base, 0).await?;
        }
        for event in events {
            let before = self.buffer.len();
            jsonl::encode(event, self.style, &mut self.buffer)
                .map_err(|e| SinkError::new(format!("cannot encode {}: {e}", event.position)))?;
            if let (Some(max), Some(open)) = (self.max_bytes, &self.open) {
                let size = open.size + self.buffer.len() as u64;
                let had_content = open.size + before as u64 > 0;
                if size > max && had_content {
                    // The line goes to the next file, whole.
                    let line = self.buffer.split_off(before);
                    let (base, next) = (open.base.clone(), open.index + 1);
                    self.switch_to(base, next).await?;
                    self.buffer = line;
                }
            }
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
        self.sync_and_check().await
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

    #[tokio::test]
    async fn size_rotation_starts_numbered_files_without_splitting_a_line() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path)).with_max_bytes(Some(250));
        let ids: Vec<String> = (0..10).map(|i| format!("article-{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        sink.write(&events(&refs))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        let mut all = Vec::new();
        let mut index = 0;
        while rotated(&path, index).exists() {
            let file = rotated(&path, index);
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            assert!(size <= 250, "{} has {size} bytes", file.display());
            all.extend(read_ids(&file));
            index += 1;
        }
        assert!(index > 2, "only {index} files");
        assert_eq!(all, ids);
        assert_eq!(rotated(&path, 2), dir.path().join("out.2.jsonl"));
        // A new sink appends to the last file that has room.
        let mut again = FileSink::new(PathTemplate::fixed(&path)).with_max_bytes(Some(250));
        again
            .write(&events(&["late"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        again.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!rotated(&path, index + 1).exists());
    }

    #[tokio::test]
    async fn a_file_removed_under_the_sink_fails_the_flush_and_is_recreated_on_the_next_write() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_dir_all(dir.path().join("sub")).unwrap_or_else(|e| panic!("{e}"));
        sink.write(&events(&["b"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let err = sink
            .flush()
            .await
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("removed"), "{err}");
        sink.write(&events(&["b"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_ids(&path), ["b"]);
    }

    #[tokio::test]
    async fn a_partial_line_left_by_a_crash_is_cut_off_before_appending() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"id\":\"whole\",\"text\":\"x\"}\n{\"id\":\"half")
            .unwrap_or_else(|e| panic!("{e}"));
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["next"]))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sink.flush().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_ids(&path), ["whole", "next"]);
    }
}
