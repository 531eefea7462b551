//! The `file` sink: JSON Lines appended to a file whose path may hold strftime fields.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use byline_core::{BuildError, ConfigError, Event, Payload, Registry, Sink, SinkError, Spanned};
use chrono::Utc;
use serde::Deserialize;

use crate::jsonl::{self, JsonStyle};
pub use crate::path_template::PathTemplate;

/// Appends every article to a JSON Lines file.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The file to append to, such as `out/articles-%Y-%m-%d.jsonl`. strftime fields
    /// (`%Y-%m-%d`) are the UTC time of writing, so they start a new file every day;
    /// `{published}`, `{published:%Y-%m}`, `{source}`, `{language}` and `{id}` are the
    /// article's own (`unknown`/`undated` when missing, and made safe: a value never leads
    /// out of the directory). Missing parent directories are created. May be a named pipe
    /// or `/dev/stdout`.
    #[schemars(with = "String")]
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
    registry
        .register_sink(
            "file",
            "append articles as JSON Lines to files; the path takes strftime fields and the article's {published}, {source}, ...",
            |config: FileConfig, _| Ok(Box::new(FileSink::from_config(config)?) as Box<dyn Sink>),
        )
        .with_options::<FileConfig>();
}

/// Bytes buffered before they are handed to the OS.
const WRITE_THRESHOLD: usize = 1 << 20;

/// What the sink needs of the file it appends to. A regular file and a stream (a named
/// pipe, a terminal, `/dev/stdout`) differ in what they can do; tests put a double behind
/// it that fails on cue.
trait Output: Write + Send {
    /// Makes what was written durable (fsync). A stream has nothing to sync.
    fn sync(&mut self) -> io::Result<()>;
    /// Cuts the output back to `len` bytes. Returns `false` for a stream, which cannot
    /// take back what its reader may already have.
    fn truncate(&mut self, len: u64) -> io::Result<bool>;
    /// Whether `path` still leads to this output.
    fn is_at(&self, path: &Path) -> io::Result<bool>;
}

/// A file, or a stream (a pipe or a character device), which is written to but never
/// synced, cut or read back.
struct FileOutput {
    file: File,
    stream: bool,
}

impl Write for FileOutput {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Output for FileOutput {
    fn sync(&mut self) -> io::Result<()> {
        if self.stream {
            return Ok(());
        }
        self.file.sync_data()
    }

    fn truncate(&mut self, len: u64) -> io::Result<bool> {
        if self.stream {
            return Ok(false);
        }
        self.file.set_len(len).map(|()| true)
    }

    fn is_at(&self, path: &Path) -> io::Result<bool> {
        same_file(&self.file, path)
    }
}

/// An output just opened: how many bytes it holds, and whether it is a stream.
struct Opened {
    output: Box<dyn Output>,
    size: u64,
    stream: bool,
}

/// Opens the output at a path; a test swaps in one that fails on cue.
type Opener = Arc<dyn Fn(&Path) -> io::Result<Opened> + Send + Sync>;

type SharedOutput = Arc<Mutex<Box<dyn Output>>>;

/// One file the sink has open, kept in [`FileSink::files`] under its base path (the
/// rendered template, before any rotation suffix).
struct OpenFile {
    /// The rotation index (0: the base path itself).
    index: u32,
    path: PathBuf,
    output: SharedOutput,
    /// Records encoded for this file and not yet handed to the OS.
    buffer: Vec<u8>,
    /// Bytes in the file that are whole records, to rotate by size.
    size: u64,
    /// The file's length at the last good flush. A failed write or sync cuts the file back
    /// to it: the runtime writes every record since that flush again, so keeping any of
    /// them would glue a half line to the next record or write a record twice.
    flushed: u64,
    stream: bool,
    /// Written to since the last flush. A file that was not is closed at the flush, so that
    /// a date in the path does not keep yesterday's file open.
    touched: bool,
}

/// Files open at once. A template with `{source}` may name many; past this, every open
/// file is synced and closed before another is opened.
const MAX_OPEN_FILES: usize = 64;

/// Appends JSON Lines to the files its template names at write time.
pub struct FileSink {
    template: PathTemplate,
    style: JsonStyle,
    files: BTreeMap<PathBuf, OpenFile>,
    opener: Opener,
    max_bytes: Option<u64>,
    fsync: bool,
    /// Set when buffered bytes were lost; the next flush reports it, so that nothing
    /// written before it is acknowledged as delivered.
    lost_since_flush: Option<SinkError>,
    /// Whether the "a stream is not synced" notice was given, which is said once.
    told_stream: bool,
    /// Every file this sink has written to, for the run summary.
    written_to: BTreeSet<PathBuf>,
}

impl FileSink {
    pub fn from_config(config: FileConfig) -> Result<FileSink, BuildError> {
        let span = config.path.span();
        let template = PathTemplate::parse(config.path.get_ref())
            .and_then(|template| {
                check_directory(config.path.get_ref())?;
                Ok(template)
            })
            .map_err(|message| {
                BuildError::Config(ConfigError {
                    message,
                    span: Some(span.clone()),
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
            files: BTreeMap::new(),
            opener: Arc::new(open_output),
            max_bytes: None,
            fsync: true,
            lost_since_flush: None,
            told_stream: false,
            written_to: BTreeSet::new(),
        }
    }

    #[cfg(test)]
    fn with_opener(mut self, opener: Opener) -> FileSink {
        self.opener = opener;
        self
    }

    /// Appends one event to the buffer of the file its path names.
    async fn append(&mut self, base: &Path, event: &Event) -> Result<(), SinkError> {
        if !self.files.contains_key(base) {
            if self.files.len() >= MAX_OPEN_FILES {
                self.retire_all().await?;
            }
            self.open(base, 0).await?;
        }
        let max_bytes = self.max_bytes;
        let Some(file) = self.files.get_mut(base) else {
            return Err(SinkError::new(format!("{} is not open", base.display())));
        };
        let before = file.buffer.len();
        jsonl::encode(event, self.style, &mut file.buffer)
            .map_err(|e| SinkError::new(format!("cannot encode {}: {e}", event.position)))?;
        file.touched = true;
        if let Some(max) = max_bytes
            && !file.stream
            && file.size + file.buffer.len() as u64 > max
            && file.size + before as u64 > 0
        {
            // The line goes to the next file, whole.
            let line = file.buffer.split_off(before);
            let next = file.index + 1;
            self.drain(base).await?;
            self.sync(base).await?;
            // What went to the file being left is acknowledged at the next flush.
            self.open(base, next).await?;
            if let Some(file) = self.files.get_mut(base) {
                file.buffer = line;
                file.touched = true;
            }
        }
        if self
            .files
            .get(base)
            .is_some_and(|file| file.buffer.len() >= WRITE_THRESHOLD)
        {
            self.drain(base).await?;
        }
        Ok(())
    }

    /// Hands the buffered bytes of one file to the OS, off the async threads.
    async fn drain(&mut self, base: &Path) -> Result<(), SinkError> {
        let Some(file) = self.files.get_mut(base) else {
            return Ok(());
        };
        if file.buffer.is_empty() {
            return Ok(());
        }
        let (output, path, flushed) = (file.output.clone(), file.path.clone(), file.flushed);
        let bytes = std::mem::take(&mut file.buffer);
        let written = tokio::task::spawn_blocking(move || {
            let mut output = output.lock().unwrap_or_else(|e| e.into_inner());
            match output.write_all(&bytes) {
                Ok(()) => Ok(bytes),
                // A short write may have left part of a record: cut it off now, before
                // anything else can be appended after it.
                Err(error) => Err((error, output.truncate(flushed))),
            }
        })
        .await;
        match written {
            Ok(Ok(mut bytes)) => {
                if let Some(file) = self.files.get_mut(base) {
                    file.size += bytes.len() as u64;
                    bytes.clear();
                    file.buffer = bytes;
                }
                if !self.written_to.contains(&path) {
                    self.written_to.insert(path);
                }
                Ok(())
            }
            Ok(Err((error, cut))) => {
                let error = SinkError::io(format_args!("cannot write {}", path.display()), &error);
                Err(self.fail(base, cut, error).await)
            }
            Err(e) => {
                let error = SinkError::new(format!("the writer of {} died: {e}", path.display()));
                Err(self.fail(base, Ok(false), error).await)
            }
        }
    }

    /// After a failed write or sync of `failed` (already cut back as `cut` says), every
    /// open file must hold only whole records that the runtime will not write again: those
    /// before its last good flush. The runtime writes all the others again.
    async fn fail(&mut self, failed: &Path, cut: io::Result<bool>, error: SinkError) -> SinkError {
        let others: Vec<(PathBuf, SharedOutput, u64)> = self
            .files
            .iter()
            .filter(|(base, file)| base.as_path() != failed && file.size > file.flushed)
            .map(|(base, file)| (base.clone(), file.output.clone(), file.flushed))
            .collect();
        let mut cuts = tokio::task::spawn_blocking(move || {
            others
                .into_iter()
                .map(|(base, output, flushed)| {
                    let mut output = output.lock().unwrap_or_else(|e| e.into_inner());
                    (base, output.truncate(flushed))
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        cuts.push((failed.to_path_buf(), cut));
        for (base, cut) in cuts {
            let Some(file) = self.files.get_mut(&base) else {
                continue;
            };
            match cut {
                Ok(true) => {
                    if file.size > file.flushed {
                        tracing::info!(
                            path = %file.path.display(),
                            bytes = file.size - file.flushed,
                            "cut the file back to its last flushed record; those records are written again"
                        );
                    }
                    file.size = file.flushed;
                }
                // A stream cannot take bytes back; reopening starts it afresh.
                Ok(false) => {
                    self.files.remove(&base);
                }
                Err(e) => {
                    // The next open cuts a partial last line, as after a crash.
                    tracing::warn!(path = %file.path.display(), "cannot cut back after a failed write: {e}; reopening");
                    self.files.remove(&base);
                }
            }
        }
        for file in self.files.values_mut() {
            file.buffer.clear();
        }
        self.lost_since_flush = Some(error.clone());
        error
    }

    /// Opens the file for `base`, at the first rotation index from `first_index` that still
    /// has room, replacing the one open for it.
    async fn open(&mut self, base: &Path, first_index: u32) -> Result<(), SinkError> {
        self.files.remove(base);
        let max_bytes = self.max_bytes;
        let opening = base.to_path_buf();
        let opener = self.opener.clone();
        let (index, path, opened) = tokio::task::spawn_blocking(move || {
            let mut index = first_index;
            loop {
                let path = rotated(&opening, index);
                let opened = opener(&path).map_err(|e| (path.clone(), e))?;
                match max_bytes {
                    Some(max) if opened.size >= max && !opened.stream => index += 1,
                    _ => return Ok::<_, (PathBuf, io::Error)>((index, path, opened)),
                }
            }
        })
        .await
        .map_err(|e| SinkError::new(e.to_string()))?
        .map_err(|(path, e)| SinkError::io(format_args!("cannot open {}", path.display()), &e))?;
        if opened.stream && !self.told_stream {
            self.told_stream = true;
            tracing::info!(
                path = %path.display(),
                "the sink path is a pipe or a character device: written as is, without fsync"
            );
        }
        tracing::debug!(path = %path.display(), "file sink opened");
        self.files.insert(
            base.to_path_buf(),
            OpenFile {
                index,
                path,
                output: Arc::new(Mutex::new(opened.output)),
                buffer: Vec::new(),
                size: opened.size,
                flushed: opened.size,
                stream: opened.stream,
                touched: false,
            },
        );
        Ok(())
    }

    /// Syncs one file to disk, then checks that its path still leads to it: a file (or
    /// directory) removed under a running sink would otherwise swallow every write.
    async fn sync(&mut self, base: &Path) -> Result<(), SinkError> {
        let Some(file) = self.files.get(base) else {
            return Ok(());
        };
        let (output, path, fsync, flushed) = (
            file.output.clone(),
            file.path.clone(),
            self.fsync,
            file.flushed,
        );
        let checked = tokio::task::spawn_blocking(move || {
            let mut output = output.lock().unwrap_or_else(|e| e.into_inner());
            if fsync && let Err(error) = output.sync() {
                return Err((error, output.truncate(flushed)));
            }
            output.is_at(&path).map_err(|error| (error, Ok(false)))
        })
        .await
        .map_err(|e| SinkError::new(e.to_string()))?;
        let shown = file.path.display().to_string();
        match checked {
            Ok(true) => Ok(()),
            Ok(false) => {
                let error = SinkError::new(format!(
                    "{shown} was removed or replaced while open; what was written since the last flush is written again"
                ));
                Err(self.fail(base, Ok(false), error).await)
            }
            Err((error, cut)) => {
                let error = SinkError::io(format_args!("cannot sync {shown}"), &error);
                Err(self.fail(base, cut, error).await)
            }
        }
    }

    /// Hands every file's buffer to the OS and syncs every file.
    async fn drain_and_sync_all(&mut self) -> Result<(), SinkError> {
        let bases: Vec<PathBuf> = self.files.keys().cloned().collect();
        for base in &bases {
            self.drain(base).await?;
        }
        for base in &bases {
            self.sync(base).await?;
        }
        Ok(())
    }

    /// Syncs and closes every open file, to make room: their records are durable, and are
    /// acknowledged at the next flush.
    async fn retire_all(&mut self) -> Result<(), SinkError> {
        self.drain_and_sync_all().await?;
        self.files.clear();
        Ok(())
    }
}

/// Checks, before anything runs, that the directory the path's fixed part names exists or
/// can be made: its nearest existing ancestor must be a directory that is not read-only.
/// (Directories that fields such as `{source}` name are made, and checked, when written.)
fn check_directory(raw: &str) -> Result<(), String> {
    let templated = raw.contains(['%', '{']);
    if !templated && Path::new(raw).exists() {
        // A file to append to, a pipe or a device.
        return Ok(());
    }
    let fixed = &raw[..raw.find(['%', '{']).unwrap_or(raw.len())];
    let dir = match fixed.strip_suffix('/') {
        Some(dir) if !dir.is_empty() => Path::new(dir),
        Some(_) => Path::new("/"),
        None => Path::new(fixed).parent().unwrap_or(Path::new("")),
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Some(existing) = dir.ancestors().find(|ancestor| ancestor.exists()) else {
        return Ok(());
    };
    let metadata =
        std::fs::metadata(existing).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if !metadata.is_dir() {
        return Err(format!(
            "cannot create {}: {} is a file, not a directory",
            dir.display(),
            existing.display()
        ));
    }
    if metadata.permissions().readonly() {
        return Err(format!(
            "cannot write under {}: {} is read-only",
            dir.display(),
            existing.display()
        ));
    }
    Ok(())
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
fn same_file(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match std::fs::metadata(path) {
        Ok(named) => Ok(named.dev() == open.dev() && named.ino() == open.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> io::Result<bool> {
    Ok(path.exists())
}

#[cfg(unix)]
fn is_stream(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let kind = metadata.file_type();
    kind.is_fifo() || kind.is_char_device() || kind.is_socket()
}

#[cfg(not(unix))]
fn is_stream(_: &std::fs::Metadata) -> bool {
    false
}

fn open_output(path: &Path) -> io::Result<Opened> {
    if let Ok(metadata) = std::fs::metadata(path)
        && is_stream(&metadata)
    {
        // Write-only: a read end of our own would keep a pipe open after its reader left,
        // and the next write would block for ever instead of failing. Opening a named pipe
        // waits for a reader, which is backpressure like any other.
        let file = OpenOptions::new().write(true).open(path)?;
        return Ok(Opened {
            output: Box::new(FileOutput { file, stream: true }),
            size: 0,
            stream: true,
        });
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_directories(parent)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)?;
    cut_partial_line(&file)?;
    let size = file.metadata()?.len();
    Ok(Opened {
        output: Box::new(FileOutput {
            file,
            stream: false,
        }),
        size,
        stream: false,
    })
}

/// `create_dir_all`, with one failure told apart: a directory that cannot be made although
/// its parent exists (`/proc/nope`) will never be made, so it is a permanent error, while a
/// parent that is missing may come back (an unmounted volume).
fn create_directories(dir: &Path) -> io::Result<()> {
    match std::fs::create_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound && dir.parent().is_some_and(Path::is_dir) => {
            Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("this file system does not let {} be created", dir.display()),
            ))
        }
        other => other,
    }
}

/// A crash in the middle of a write can leave a last line without its newline. Nothing
/// in it was acknowledged (acks wait for a flush), so it is cut off rather than glued to
/// the next line.
fn cut_partial_line(file: &File) -> io::Result<()> {
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
        let now = Utc::now();
        let shared = if self.template.per_article() {
            None
        } else {
            Some(self.template.render(now, None).map_err(SinkError::new)?)
        };
        for event in events {
            let own;
            let base = match &shared {
                Some(base) => base,
                None => {
                    let article = match &event.payload {
                        Payload::Article(article) => Some(article),
                        Payload::DeadLetter(_) => None,
                    };
                    own = self.template.render(now, article).map_err(SinkError::new)?;
                    &own
                }
            };
            self.append(base, event).await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        let bases: Vec<PathBuf> = self.files.keys().cloned().collect();
        for base in &bases {
            if let Err(error) = self.drain(base).await {
                // Reported here, not again by the next flush.
                self.lost_since_flush = None;
                return Err(error);
            }
        }
        if let Some(lost) = self.lost_since_flush.take() {
            return Err(SinkError {
                message: format!("records written since the last flush were lost: {lost}"),
                ..lost
            });
        }
        for base in &bases {
            if let Err(error) = self.sync(base).await {
                self.lost_since_flush = None;
                return Err(error);
            }
        }
        // Everything is durable: these are the lengths to cut back to from now on. Files
        // nobody wrote to since the last flush are closed.
        self.files.retain(|_, file| {
            file.flushed = file.size;
            std::mem::take(&mut file.touched)
        });
        Ok(())
    }

    fn destination(&self) -> Option<String> {
        const SHOWN: usize = 3;
        let mut paths: Vec<String> = self
            .written_to
            .iter()
            .take(SHOWN)
            .map(|path| path.display().to_string())
            .collect();
        if self.written_to.len() > SHOWN {
            paths.push(format!("{} more files", self.written_to.len() - SHOWN));
        }
        (!paths.is_empty()).then(|| paths.join(", "))
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
        let template = PathTemplate::parse("out/articles-%Y-%m-%d.jsonl").expect("parse");
        let now = chrono::DateTime::parse_from_rfc3339("2021-08-03T23:30:00-02:00")
            .expect("parse the time")
            .with_timezone(&Utc);
        assert_eq!(
            template.render(now, None),
            Ok(PathBuf::from("out/articles-2021-08-04.jsonl"))
        );
    }

    #[test]
    fn a_bad_strftime_field_is_a_config_error_at_the_path() {
        let source = "path = \"out/%Q.jsonl\"";
        let config: FileConfig = RawConfig::from_toml(source)
            .and_then(RawConfig::parse)
            .expect("parse the config");
        let Err(BuildError::Config(err)) = FileSink::from_config(config) else {
            panic!("expected a config error");
        };
        assert!(err.message.contains("strftime"), "{}", err.message);
        assert_eq!(&source[err.span.unwrap_or_default()], "\"out/%Q.jsonl\"");
    }

    #[tokio::test]
    async fn writes_land_after_flush_in_created_directories_and_append() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("nested/deeper/out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a", "b"])).await.expect("the task");
        sink.flush().await.expect("the task");
        assert_eq!(read_ids(&path), ["a", "b"]);
        let mut again = FileSink::new(PathTemplate::fixed(&path));
        again.write(&events(&["c"])).await.expect("the task");
        again.flush().await.expect("the task");
        assert_eq!(read_ids(&path), ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn nothing_reaches_the_file_before_a_flush_for_small_batches() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a"])).await.expect("the task");
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "");
        sink.flush().await.expect("the task");
        assert_eq!(read_ids(&path), ["a"]);
    }

    #[tokio::test]
    async fn an_unwritable_path_fails_the_write() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").expect("write the file");
        let mut sink = FileSink::new(PathTemplate::fixed(&blocker.join("out.jsonl")));
        let err = sink.write(&events(&["a"])).await.err();
        assert!(
            err.is_some_and(|e| e.message.contains("cannot open")),
            "a file cannot be a directory"
        );
    }

    #[tokio::test]
    async fn size_rotation_starts_numbered_files_without_splitting_a_line() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path)).with_max_bytes(Some(250));
        let ids: Vec<String> = (0..10).map(|i| format!("article-{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        sink.write(&events(&refs)).await.expect("the task");
        sink.flush().await.expect("the task");
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
        again.write(&events(&["late"])).await.expect("the task");
        again.flush().await.expect("the task");
        assert!(!rotated(&path, index + 1).exists());
    }

    #[tokio::test]
    async fn a_file_removed_under_the_sink_fails_the_flush_and_is_recreated_on_the_next_write() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("sub/out.jsonl");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["a"])).await.expect("the task");
        sink.flush().await.expect("the task");
        std::fs::remove_dir_all(dir.path().join("sub")).expect("join the thread");
        sink.write(&events(&["b"])).await.expect("the task");
        let err = sink
            .flush()
            .await
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("removed"), "{err}");
        sink.write(&events(&["b"])).await.expect("the task");
        sink.flush().await.expect("the task");
        assert_eq!(read_ids(&path), ["b"]);
    }

    #[tokio::test]
    async fn a_partial_line_left_by_a_crash_is_cut_off_before_appending() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "{\"id\":\"whole\",\"text\":\"x\"}\n{\"id\":\"half")
            .expect("write the file");
        let mut sink = FileSink::new(PathTemplate::fixed(&path));
        sink.write(&events(&["next"])).await.expect("the task");
        sink.flush().await.expect("the task");
        assert_eq!(read_ids(&path), ["whole", "next"]);
    }

    #[tokio::test]
    async fn articles_go_to_the_files_their_fields_name_and_a_hostile_value_stays_inside() {
        let dir = tempfile::tempdir().expect("temp dir");
        let template = dir.path().join("out/{source}/{published:%Y-%m}.jsonl");
        let mut sink = FileSink::new(
            PathTemplate::parse(&template.to_string_lossy()).expect("a valid template"),
        );
        let article = |id: &str, source: Option<&str>, published: Option<&str>| {
            let mut article = Article::new(id, "Text.");
            article.source = source.map(str::to_string);
            article.published =
                published.map(|p| byline_core::Published::parse(p).expect("a date"));
            Event::article(article, Position::of_source("s".into()), Ack::untracked())
        };
        let events = vec![
            article("a", Some("wire"), Some("2021-08-03")),
            article("b", Some("gazette"), Some("2021-09-01")),
            article("c", Some("wire"), Some("2021-08-30")),
            article("evil", Some("../../etc/x"), None),
        ];
        sink.write(&events).await.expect("write");
        sink.flush().await.expect("flush");
        let out = dir.path().join("out");
        assert_eq!(read_ids(&out.join("wire/2021-08.jsonl")), ["a", "c"]);
        assert_eq!(read_ids(&out.join("gazette/2021-09.jsonl")), ["b"]);
        let hostile: Vec<PathBuf> = std::fs::read_dir(&out)
            .expect("out/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !p.ends_with("wire") && !p.ends_with("gazette"))
            .collect();
        assert_eq!(hostile.len(), 1, "{hostile:?}");
        assert_eq!(read_ids(&hostile[0].join("undated.jsonl")), ["evil"]);
        assert!(!dir.path().join("etc").exists());
        let written = sink.destination().unwrap_or_default();
        assert!(written.contains("2021-08.jsonl"), "{written}");
    }

    /// An in-memory file that fails on cue: each step applies to one `write` call.
    #[derive(Clone, Default)]
    struct FailingFile {
        bytes: Arc<Mutex<Vec<u8>>>,
        steps: Arc<Mutex<std::collections::VecDeque<Step>>>,
    }

    #[derive(Clone, Copy)]
    enum Step {
        /// Takes only this many bytes of the write.
        Short(usize),
        Fail(io::ErrorKind),
    }

    impl Write for FailingFile {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let step = self.steps.lock().map(|mut s| s.pop_front()).ok().flatten();
            let mut bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
            match step {
                Some(Step::Fail(kind)) => Err(io::Error::from(kind)),
                Some(Step::Short(n)) => {
                    let n = n.min(buf.len());
                    bytes.extend_from_slice(&buf[..n]);
                    Ok(n)
                }
                None => {
                    bytes.extend_from_slice(buf);
                    Ok(buf.len())
                }
            }
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Output for FailingFile {
        fn sync(&mut self) -> io::Result<()> {
            Ok(())
        }

        fn truncate(&mut self, len: u64) -> io::Result<bool> {
            let mut bytes = self.bytes.lock().unwrap_or_else(|e| e.into_inner());
            bytes.truncate(len as usize);
            Ok(true)
        }

        fn is_at(&self, _: &Path) -> io::Result<bool> {
            Ok(true)
        }
    }

    impl FailingFile {
        fn fail_next(&self, steps: &[Step]) {
            if let Ok(mut queue) = self.steps.lock() {
                queue.extend(steps.iter().copied());
            }
        }

        fn sink(&self) -> FileSink {
            let file = self.clone();
            FileSink::new(PathTemplate::fixed(Path::new("out.jsonl"))).with_opener(Arc::new(
                move |_| {
                    let size = file.bytes.lock().map(|b| b.len() as u64).unwrap_or(0);
                    Ok(Opened {
                        output: Box::new(file.clone()),
                        size,
                        stream: false,
                    })
                },
            ))
        }

        /// Every line's id; panics on a line that is not a whole JSON object.
        fn ids(&self) -> Vec<String> {
            let bytes = self.bytes.lock().map(|b| b.clone()).unwrap_or_default();
            let text = String::from_utf8(bytes).expect("the file is UTF-8");
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "a partial last line: {text}"
            );
            text.lines()
                .map(|line| {
                    let value: serde_json::Value = serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("a corrupt line ({e}): {line}"));
                    value["id"].as_str().unwrap_or_default().to_string()
                })
                .collect()
        }
    }

    /// What the runtime does after a failure (`sink_task::rewrite`): a flush that reports
    /// the loss, then every record since the last good flush again, then a flush.
    async fn retry(sink: &mut FileSink, batches: &[Vec<Event>]) -> Result<(), SinkError> {
        let _ = sink.flush().await;
        for batch in batches {
            sink.write(batch).await?;
        }
        sink.flush().await
    }

    #[tokio::test]
    async fn a_short_write_then_a_full_disk_leaves_no_partial_record_and_the_retry_loses_none() {
        let file = FailingFile::default();
        let mut sink = file.sink();
        let flushed = events(&["a", "b"]);
        sink.write(&flushed).await.expect("first write");
        sink.flush().await.expect("first flush");
        // The disk fills in the middle of the next record: part of it lands, then ENOSPC.
        file.fail_next(&[Step::Short(17), Step::Fail(io::ErrorKind::StorageFull)]);
        let pending = vec![events(&["c", "d"]), events(&["e"])];
        for batch in &pending {
            sink.write(batch).await.expect("buffered");
        }
        let error = sink.flush().await.expect_err("the disk is full");
        assert!(error.message.contains("cannot write"), "{}", error.message);
        assert!(!error.permanent && !error.closed, "a full disk can pass");
        assert_eq!(file.ids(), ["a", "b"], "cut back to the last flush");
        // Still full at the first retry, then space comes back.
        file.fail_next(&[Step::Fail(io::ErrorKind::StorageFull)]);
        retry(&mut sink, &pending).await.expect_err("still full");
        assert_eq!(file.ids(), ["a", "b"]);
        retry(&mut sink, &pending).await.expect("space came back");
        assert_eq!(file.ids(), ["a", "b", "c", "d", "e"]);
    }

    #[tokio::test]
    async fn a_failure_in_a_large_drain_cuts_back_whole_records_written_since_the_flush() {
        let file = FailingFile::default();
        let mut sink = file.sink();
        // Big enough that `write` itself hands bytes to the file before any flush.
        let long = "x".repeat(WRITE_THRESHOLD / 4);
        let batch = |prefix: &str| -> Vec<Event> {
            (0..5)
                .map(|i| {
                    Event::article(
                        Article::new(format!("{prefix}{i}"), long.clone()),
                        Position::of_source("s".into()),
                        Ack::untracked(),
                    )
                })
                .collect()
        };
        let (first, second) = (batch("a"), batch("b"));
        sink.write(&first).await.expect("drained whole");
        assert!(
            file.ids().len() >= 4,
            "most of the first batch reached the file unflushed"
        );
        file.fail_next(&[Step::Short(1000), Step::Fail(io::ErrorKind::StorageFull)]);
        sink.write(&second).await.expect_err("the disk is full");
        assert!(file.ids().is_empty(), "nothing unflushed stays behind");
        let batches = [first, second];
        retry(&mut sink, &batches).await.expect("recovered");
        let ids = file.ids();
        assert_eq!(ids.len(), 10, "{ids:?}");
        let unique: std::collections::BTreeSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), 10, "no record twice: {ids:?}");
    }

    #[tokio::test]
    async fn a_permission_error_is_permanent() {
        let file = FailingFile::default();
        let mut sink = file.sink();
        file.fail_next(&[Step::Fail(io::ErrorKind::PermissionDenied)]);
        sink.write(&events(&["a"])).await.expect("buffered");
        let error = sink.flush().await.expect_err("denied");
        assert!(error.permanent, "{error:?}");
    }

    /// A temporary directory holding a named pipe, `pipe`.
    #[cfg(unix)]
    fn named_pipe() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let pipe = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        (dir, pipe)
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_named_pipe_is_written_without_fsync_and_its_reader_sees_every_line() {
        let (_dir, pipe) = named_pipe();
        let reader = std::thread::spawn({
            let pipe = pipe.clone();
            move || std::fs::read_to_string(pipe).expect("read the pipe")
        });
        let mut sink = FileSink::new(PathTemplate::fixed(&pipe));
        sink.write(&events(&["a", "b"])).await.expect("write");
        sink.flush().await.expect("a pipe needs no fsync");
        sink.write(&events(&["c"])).await.expect("write");
        sink.flush().await.expect("flush");
        drop(sink);
        let text = reader.join().expect("reader thread");
        let ids: Vec<String> = text
            .lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).expect("whole line");
                value["id"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        assert_eq!(ids, ["a", "b", "c"]);
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_pipe_whose_reader_left_fails_the_write_instead_of_blocking() {
        let (_dir, pipe) = named_pipe();
        // A reader that reads one line and leaves.
        let reader = std::thread::spawn({
            let pipe = pipe.clone();
            move || {
                use std::io::BufRead;
                let file = File::open(pipe).expect("open the pipe");
                let mut line = String::new();
                std::io::BufReader::new(file)
                    .read_line(&mut line)
                    .expect("read a line");
                line
            }
        });
        let mut sink = FileSink::new(PathTemplate::fixed(&pipe));
        sink.write(&events(&["a"])).await.expect("write");
        sink.flush().await.expect("flush");
        assert!(reader.join().expect("reader").contains("\"a\""));
        let failed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            // The pipe's buffer takes the first writes; sooner or later one meets EPIPE.
            for _ in 0..1000 {
                if let Err(error) = async {
                    sink.write(&events(&["b"; 64])).await?;
                    sink.flush().await
                }
                .await
                {
                    return Some(error);
                }
            }
            None
        })
        .await
        .expect("a write to a pipe without a reader must not block");
        let error = failed.expect("a write fails");
        assert!(error.closed, "{error:?}");
    }
}
