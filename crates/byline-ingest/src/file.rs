//! The `file` source: reads the files its glob patterns match, in order, resuming each
//! from its checkpoint; with `follow = true` it keeps watching them for appended lines and
//! new files, as a tailer does.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use byline_core::{
    BuildError, Closed, ConfigError, Position, Registry, Source, SourceError, SourceOutput, Spanned,
};
use serde::Deserialize;

use crate::checkpoint::{self, Checkpoints};
use crate::format::InputFormat;
use crate::jsonl::ReadOptions;
use crate::record::{self, DecodeOptions, RecordError};
use crate::{jsonl, txt};

/// How often a followed source looks for new lines and files.
const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// Reads articles from files.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSourceConfig {
    /// Glob patterns of the files to read, such as `examples/articles/*.txt`, relative to the
    /// working directory. Each pattern's matches are read in sorted order, and a file
    /// matched twice is read once. A path without wildcards that does not exist is reported
    /// as a dead letter. A directory (without wildcards) stands for the article files in it
    /// (`*.txt`, `*.jsonl`, `*.ndjson`, `*.json`; not its subdirectories).
    #[schemars(with = "Vec<String>")]
    pub paths: Spanned<Vec<Spanned<String>>>,
    /// `"auto"` (default) picks by extension: `.jsonl`/`.ndjson` are JSON Lines, `.txt` is
    /// one article per file. `"jsonl"` or `"txt"` force one format for every file.
    #[serde(default)]
    pub format: InputFormat,
    /// Keep watching the files after reading them: lines appended later and new files
    /// matching the patterns are read as they come, until the pipeline is stopped. A last
    /// line without its newline waits for it.
    #[serde(default)]
    pub follow: bool,
    /// Remember in `data_dir/checkpoints/<pipeline>/<id>.json` how far each file has been read and
    /// delivered, and resume from there (on by default; `byline run --from-start`
    /// forgets it). Files are known by their first bytes, so a renamed file keeps its
    /// place.
    #[serde(default = "yes")]
    pub checkpoint: bool,
    /// The largest article read, in bytes: a JSONL line, or a txt file. A larger one goes
    /// to the dead letters as "too large", with its size and its first 4 KiB, and is never
    /// read into memory whole. Default 2 MiB (2097152).
    #[serde(default = "record::default_max_article_bytes")]
    pub max_article_bytes: u64,
    /// How an all-numeric publication date with the year last (`03/08/2021`) is read:
    /// `"dmy"` (3 August 2021) or `"mdy"` (March 8, 2021). Without it, such a date is read
    /// only when it cannot be misread (`25/08/2021`); otherwise the article goes to the
    /// dead letters with a hint naming this option.
    #[serde(default)]
    pub date_order: Option<byline_core::DateOrder>,
}

fn yes() -> bool {
    true
}

pub fn register(registry: &mut Registry) {
    registry.register_source(
        "file",
        "read articles from files matched by glob patterns (JSON Lines, or one txt article per file)",
        |config: FileSourceConfig, context| {
            let checkpoints = config
                .checkpoint
                .then(|| checkpoint::checkpoint_path(&context.data_dir, &context.pipeline, &context.id));
            let follow = config.follow;
            let decode = DecodeOptions {
                max_article_bytes: config.max_article_bytes,
                date_order: config.date_order,
            };
            let source = FileSource::from_config(config)?
                .following(follow)
                .with_checkpoints(checkpoints)
                .with_decode(decode);
            Ok(Box::new(source) as Box<dyn Source>)
        },
    )
    .with_options::<FileSourceConfig>();
}

pub struct FileSource {
    patterns: Vec<String>,
    format: InputFormat,
    follow: bool,
    checkpoints: Option<PathBuf>,
    decode: DecodeOptions,
}

/// The extensions of the files a directory path stands for.
const ARTICLE_EXTENSIONS: [&str; 4] = ["txt", "jsonl", "ndjson", "json"];

impl FileSource {
    pub fn from_config(config: FileSourceConfig) -> Result<FileSource, BuildError> {
        let span = config.paths.span();
        let paths = config.paths.into_inner();
        if paths.is_empty() {
            return Err(ConfigError {
                message: "`paths` needs at least one glob pattern".to_string(),
                span: Some(span),
            }
            .into());
        }
        for pattern in &paths {
            if let Err(e) = glob::Pattern::new(pattern.get_ref()) {
                return Err(ConfigError {
                    message: format!("invalid glob pattern {:?}: {e}", pattern.get_ref()),
                    span: Some(pattern.span()),
                }
                .into());
            }
            if let Some(file) = blocked_by_file(pattern.get_ref()) {
                return Err(ConfigError {
                    message: format!(
                        "{:?} can never match: {} is a file, not a directory",
                        pattern.get_ref(),
                        file.display()
                    ),
                    span: Some(pattern.span()),
                }
                .into());
            }
        }
        Ok(FileSource::new(
            paths.into_iter().map(Spanned::into_inner).collect(),
            config.format,
        ))
    }

    /// Reads `patterns` once, from the start, keeping no checkpoints.
    pub fn new(patterns: Vec<String>, format: InputFormat) -> FileSource {
        FileSource {
            patterns,
            format,
            follow: false,
            checkpoints: None,
            decode: DecodeOptions::default(),
        }
    }

    /// Reads with these limits and date order (see [`FileSourceConfig::max_article_bytes`]
    /// and [`FileSourceConfig::date_order`]).
    pub fn with_decode(mut self, decode: DecodeOptions) -> FileSource {
        self.decode = decode;
        self
    }

    /// Keeps watching the files for more (see [`FileSourceConfig::follow`]).
    pub fn following(mut self, follow: bool) -> FileSource {
        self.follow = follow;
        self
    }

    /// Resumes from, and saves progress to, the checkpoint file at `path`.
    pub fn with_checkpoints(mut self, path: Option<PathBuf>) -> FileSource {
        self.checkpoints = path;
        self
    }

    /// The files to read, in order, each once.
    pub fn expand(&self) -> Vec<PathBuf> {
        let mut seen = HashSet::new();
        let mut files = Vec::new();
        for pattern in &self.patterns {
            if !pattern.contains(['*', '?', '[']) {
                let path = Path::new(pattern);
                if path.is_dir() {
                    for file in article_files_in(path) {
                        if seen.insert(file.clone()) {
                            files.push(file);
                        }
                    }
                    continue;
                }
                // A plain path is read even if it is missing, so that the miss is reported.
                if seen.insert(PathBuf::from(pattern)) {
                    files.push(PathBuf::from(pattern));
                }
                continue;
            }
            let entries = match glob::glob(pattern) {
                Ok(entries) => entries,
                Err(e) => {
                    tracing::warn!(pattern, "invalid glob pattern: {e}");
                    continue;
                }
            };
            let mut matched = 0;
            for entry in entries {
                match entry {
                    Ok(path) if path.is_file() => {
                        matched += 1;
                        if seen.insert(path.clone()) {
                            files.push(path);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(pattern, "cannot list {}", e),
                }
            }
            if matched == 0 {
                tracing::warn!(pattern, "the pattern matches no files");
            }
        }
        files
    }

    fn read_all(&self, output: &mut SourceOutput) -> Result<(), Closed> {
        let checkpoints = Checkpoints::load(self.checkpoints.clone());
        output.listen(checkpoints.clone());
        let mut reader = Reader {
            format: self.format,
            decode: self.decode,
            follow: self.follow,
            checkpoints: &checkpoints,
            reached: HashMap::new(),
            reported: HashSet::new(),
        };
        loop {
            for path in self.expand() {
                if output.is_stopping() {
                    return Ok(());
                }
                reader.read_new(&path, output)?;
            }
            if !self.follow {
                return Ok(());
            }
            output.flush_blocking()?;
            let mut waited = Duration::ZERO;
            while waited < POLL_INTERVAL {
                if output.is_stopping() {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(20));
                waited += Duration::from_millis(20);
            }
        }
    }
}

/// A file where `pattern` needs a directory (`feed.jsonl/*.txt` when `feed.jsonl` is a
/// file): then nothing can ever match it.
fn blocked_by_file(pattern: &str) -> Option<PathBuf> {
    let literal = &pattern[..pattern.find(['*', '?', '[']).unwrap_or(pattern.len())];
    Path::new(pattern)
        .ancestors()
        .skip(1)
        .filter(|dir| !dir.as_os_str().is_empty() && dir.as_os_str().len() <= literal.len())
        .find(|dir| dir.is_file())
        .map(Path::to_path_buf)
}

#[async_trait]
impl Source for FileSource {
    async fn run(self: Box<Self>, mut output: SourceOutput) -> Result<(), SourceError> {
        tokio::task::spawn_blocking(move || self.read_all(&mut output))
            .await
            .map_err(|e| SourceError::new(format!("the file reader died: {e}")))?
            .map_err(SourceError::from)
    }

    /// A plain path that does not exist, or a pattern that matches no file, today.
    fn warnings(&self) -> Vec<String> {
        self.patterns
            .iter()
            .filter_map(|pattern| {
                if !pattern.contains(['*', '?', '[']) {
                    return (!Path::new(pattern).exists())
                        .then(|| format!("`{pattern}` does not exist (yet)"));
                }
                let matched = glob::glob(pattern)
                    .ok()?
                    .filter_map(Result::ok)
                    .any(|path| path.is_file());
                (!matched).then(|| format!("the pattern `{pattern}` matches no file today"))
            })
            .collect()
    }

    /// The sizes of the matched files; unknown when following, which has no end.
    fn input_bytes(&self) -> Option<u64> {
        if self.follow {
            return None;
        }
        Some(
            self.expand()
                .iter()
                .filter_map(|path| std::fs::metadata(path).ok())
                .map(|metadata| metadata.len())
                .sum(),
        )
    }
}

/// The article files directly in `dir`, sorted (see [`ARTICLE_EXTENSIONS`]). A directory
/// that cannot be listed is logged and gives nothing.
fn article_files_in(dir: &Path) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), "cannot list the directory: {e}");
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
                && path.is_file()
        })
        .collect();
    files.sort();
    if files.is_empty() {
        tracing::warn!(dir = %dir.display(), "the directory holds no article files");
    }
    files
}

/// One run's reading state: how far each file has been read (ahead of what is committed).
struct Reader<'a> {
    format: InputFormat,
    decode: DecodeOptions,
    follow: bool,
    checkpoints: &'a Checkpoints,
    /// File index (in the checkpoints) → (offset, line) read so far in this run.
    reached: HashMap<usize, (u64, u64)>,
    /// Unreadable paths already reported, so that following does not repeat them.
    reported: HashSet<PathBuf>,
}

impl Reader<'_> {
    /// Reads what `path` has beyond what was read (or committed) before.
    fn read_new(&mut self, path: &Path, output: &mut SourceOutput) -> Result<(), Closed> {
        let label: Arc<str> = Arc::from(path.display().to_string());
        let head = match checkpoint::head_of(path) {
            Ok(head) => head,
            Err(e) => return self.unreadable(path, &label, output, e),
        };
        if head.is_empty() {
            // An empty JSON Lines file holds no records; an empty txt file is an article
            // without text, which must not vanish. A followed file may still be written.
            if !self.follow && self.format.resolve(path, &head) == InputFormat::Txt {
                let position = Position::in_file(output.id().clone(), label, 1, 0);
                let error = RecordError::in_field("text", "empty text (the file is empty)");
                return record::emit_blocking(output, Err(error), position, b"");
            }
            return Ok(());
        }
        let (index, committed, committed_line) = self.checkpoints.file(path, &head);
        let progress = output.progress().clone();
        let (mut offset, mut line) = *self.reached.entry(index).or_insert_with(|| {
            // What an earlier run committed counts as read, so that progress starts there.
            progress.add_bytes(committed);
            (committed, committed_line)
        });
        let length = match std::fs::metadata(path) {
            Ok(metadata) => metadata.len(),
            Err(e) => return self.unreadable(path, &label, output, e),
        };
        if length == offset {
            return Ok(());
        }
        if length < offset {
            tracing::warn!(file = %label, "the file is shorter than the part already read; reading it again from the start");
            (offset, line) = (0, 0);
        }
        if offset > 0
            && !matches!(
                self.format.resolve(path, &head),
                InputFormat::Jsonl | InputFormat::Auto
            )
        {
            // A txt file is one article, read when first seen.
            return Ok(());
        }
        tracing::debug!(source = %output.id(), file = %label, offset, "reading");
        let mut file = match File::open(path) {
            Ok(file) => file,
            Err(e) => return self.unreadable(path, &label, output, e),
        };
        if let Err(e) = file.seek(SeekFrom::Start(offset)) {
            return self.unreadable(path, &label, output, e);
        }
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let checkpoints = self.checkpoints;
        let mut read_to = offset;
        let reached = match self.format.resolve(path, &head) {
            InputFormat::Jsonl | InputFormat::Auto => {
                let options = ReadOptions {
                    flush_when_idle: false,
                    start_offset: offset,
                    start_line: line,
                    complete_lines_only: self.follow,
                    decode: self.decode,
                };
                jsonl::read_from(
                    &mut reader,
                    Some(label),
                    output,
                    options,
                    &mut |seq, end, line| {
                        checkpoints.record(seq, index, end, line);
                        progress.add_bytes(end.saturating_sub(read_to));
                        read_to = read_to.max(end);
                    },
                )?
            }
            InputFormat::Txt => {
                let max = self.decode.max_article_bytes;
                // A file over the limit is read only as far as its dead letter needs, and
                // any other file at most one byte past the limit (it may be growing).
                let too_large = length > max;
                let limit = if too_large {
                    record::TOO_LARGE_HEAD_BYTES as u64
                } else {
                    max.saturating_add(1)
                };
                let mut content = Vec::new();
                if let Err(e) = (&mut reader).take(limit).read_to_end(&mut content) {
                    return self.unreadable(path, &label, output, e);
                }
                let too_large = too_large || content.len() as u64 > max;
                let stem = path.file_stem().map(|s| s.to_string_lossy());
                let position = Position::in_file(output.id().clone(), label, 1, 0);
                let end = if too_large {
                    length.max(content.len() as u64)
                } else {
                    content.len() as u64
                };
                checkpoints.record(output.next_seq(), index, end, 1);
                progress.add_bytes(end);
                if too_large {
                    let error = RecordError::too_large(end, max);
                    let head = record::head_of(&content);
                    record::emit_blocking(output, Err(error), position, head)?;
                } else {
                    let decoded = txt::decode_with(stem.as_deref(), &content, &self.decode);
                    record::emit_blocking(output, decoded, position, &content)?;
                }
                (end, 1)
            }
        };
        self.reached.insert(index, reached);
        Ok(())
    }

    /// A file that cannot be read is a dead letter (once), not the end of the run.
    fn unreadable(
        &mut self,
        path: &Path,
        label: &Arc<str>,
        output: &mut SourceOutput,
        e: std::io::Error,
    ) -> Result<(), Closed> {
        if !self.reported.insert(path.to_path_buf()) {
            return Ok(());
        }
        let position = Position {
            source: output.id().clone(),
            file: Some(label.clone()),
            line: None,
            offset: None,
        };
        let error = RecordError::new(format!("cannot read the file: {e}"));
        record::emit_blocking(output, Err(error), position, b"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{
        AckListener, AckStatus, BatchLimits, Event, Payload, RawConfig, SourceChannel,
    };
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect(Mutex<Vec<Event>>);

    #[async_trait]
    impl SourceChannel for Collect {
        async fn send(&self, batch: Vec<Event>) -> Result<(), Closed> {
            self.send_blocking(batch)
        }
        fn send_blocking(&self, batch: Vec<Event>) -> Result<(), Closed> {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(batch);
            Ok(())
        }
        fn send_detached(&self, batch: Vec<Event>) {
            let _ = self.send_blocking(batch);
        }
        fn is_stopping(&self) -> bool {
            false
        }
        async fn stopping(&self) {}
    }

    struct Ignore;
    impl AckListener for Ignore {
        fn finished(&self, _: u64, _: AckStatus) {}
    }

    /// Runs a file source over `patterns` and returns what it emitted.
    fn read(patterns: Vec<String>, format: InputFormat) -> Vec<Event> {
        run(FileSource::new(patterns, format))
    }

    /// Runs `source` once and returns what it emitted.
    fn run(source: FileSource) -> Vec<Event> {
        let channel = Arc::new(Collect::default());
        let mut output = SourceOutput::new(
            "wire".into(),
            channel.clone(),
            Arc::new(Ignore),
            BatchLimits::default(),
        );
        source.read_all(&mut output).expect("read all");
        drop(output);
        std::mem::take(&mut *channel.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn summary(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| match &e.payload {
                Payload::Article(a) => format!("article {} @{}", a.id, e.position),
                Payload::DeadLetter(d) => format!(
                    "dead {} @{} [{}]",
                    d.field.as_deref().unwrap_or("-"),
                    e.position,
                    d.reason
                ),
            })
            .collect()
    }

    fn write(dir: &Path, name: &str, content: &[u8]) -> String {
        let path = dir.join(name);
        std::fs::write(&path, content).expect("write the file");
        path.display().to_string()
    }

    #[test]
    fn progress_reaches_the_input_size_and_a_resumed_run_starts_at_its_checkpoint() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let jsonl = write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"j1\",\"text\":\"One.\"}\nnot json\n{\"id\":\"j2\",\"text\":\"Two.\"}\n",
        );
        let txt = write(dir.path(), "b.txt", b"Body of b.\n");
        let checkpoints = dir.path().join("checkpoints.json");
        let run = || {
            let source = FileSource::new(vec![jsonl.clone(), txt.clone()], InputFormat::Auto)
                .with_checkpoints(Some(checkpoints.clone()));
            let expected = source.input_bytes();
            let channel = Arc::new(Collect::default());
            let mut output = SourceOutput::new(
                "wire".into(),
                channel.clone(),
                Arc::new(Ignore),
                BatchLimits::default(),
            );
            source.read_all(&mut output).expect("read all");
            let progress = output.progress().clone();
            drop(output);
            let events = std::mem::take(&mut *channel.0.lock().unwrap_or_else(|e| e.into_inner()));
            // Every handle resolves as delivered, so the checkpoint moves to the end.
            for event in events {
                event.ack.resolve(AckStatus::Delivered);
            }
            (expected, progress.bytes(), progress.records())
        };
        assert_eq!(run(), (Some(72), 72, 4));
        // Everything is committed: the second run reads nothing, yet shows it all as done.
        assert_eq!(run(), (Some(72), 72, 0));
        assert_eq!(
            FileSource::new(vec![jsonl.clone()], InputFormat::Auto)
                .following(true)
                .input_bytes(),
            None
        );
    }

    #[test]
    fn globs_read_txt_and_jsonl_in_order_with_positions() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let txt = write(dir.path(), "b.txt", b"date 2021-08-03\n\nBody of b.\n");
        let jsonl = write(
            dir.path(),
            "a.jsonl",
            b"{\"id\":\"j1\",\"text\":\"One.\"}\n\n{\"id\":\"j2\",\"text\":\"Two.\"}\n",
        );
        let pattern = dir.path().join("*").display().to_string();
        let events = read(vec![pattern, txt.clone()], InputFormat::Auto);
        assert_eq!(
            summary(&events),
            [
                format!("article j1 @{jsonl}:1"),
                format!("article j2 @{jsonl}:3"),
                format!("article b @{txt}:1"),
            ]
        );
        let second_line_start = "{\"id\":\"j1\",\"text\":\"One.\"}\n\n".len() as u64;
        assert_eq!(events[1].position.offset, Some(second_line_start));
    }

    #[test]
    fn bad_records_become_dead_letters_and_good_ones_flow() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let jsonl = write(
            dir.path(),
            "feed.jsonl",
            b"{\"id\":\"ok1\",\"text\":\"Fine.\"}\n{broken\n{\"id\":\"bad\",\"text\":\"\\u00e9\",\"published\":\"2021-13-01\"}\n\xfe\xff\n{\"title\":\"x\"}\n{\"id\":\"ok2\",\"text\":\"Fine too.\"}\n",
        );
        let events = read(vec![jsonl.clone()], InputFormat::Auto);
        let lines = summary(&events);
        assert_eq!(lines.len(), 6, "{lines:#?}");
        assert_eq!(lines[0], format!("article ok1 @{jsonl}:1"));
        assert!(lines[1].starts_with(&format!("dead - @{jsonl}:2 [{jsonl}:2: malformed JSON")));
        assert!(lines[2].starts_with(&format!(
            "dead published @{jsonl}:3 [{jsonl}:3: field `published`"
        )));
        assert!(lines[3].contains("invalid UTF-8"), "{}", lines[3]);
        assert!(
            lines[4].starts_with(&format!("dead text @{jsonl}:5")),
            "{}",
            lines[4]
        );
        assert_eq!(lines[5], format!("article ok2 @{jsonl}:6"));
        let Payload::DeadLetter(dead) = &events[1].payload else {
            panic!("expected a dead letter");
        };
        assert_eq!(dead.raw.as_deref(), Some("{broken"));
        assert_eq!(dead.component, "wire");
        let Payload::DeadLetter(dead) = &events[3].payload else {
            panic!("expected a dead letter");
        };
        // The bytes are kept exactly (base64 of 0xfe 0xff), not as replacement characters.
        assert_eq!(dead.raw, None);
        assert_eq!(dead.raw_base64.as_deref(), Some("/v8="));
    }

    /// Runs a file source with `decode` options over `patterns`.
    fn read_with(patterns: Vec<String>, decode: DecodeOptions) -> Vec<Event> {
        run(FileSource::new(patterns, InputFormat::Auto).with_decode(decode))
    }

    #[test]
    fn a_binary_txt_file_is_kept_byte_for_byte() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let bytes = b"\x89PNG\r\n\x1a\n\x00\xff binary";
        let txt = write(dir.path(), "image.txt", bytes);
        let events = read(vec![txt], InputFormat::Auto);
        let Payload::DeadLetter(dead) = &events[0].payload else {
            panic!("expected a dead letter");
        };
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(dead.raw_base64.as_deref().unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(decoded, bytes);
    }

    #[test]
    fn an_empty_txt_file_is_a_dead_letter_and_an_empty_jsonl_file_is_nothing() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let txt = write(dir.path(), "empty.txt", b"");
        let jsonl = write(dir.path(), "empty.jsonl", b"");
        let lines = summary(&read(vec![txt.clone(), jsonl], InputFormat::Auto));
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with(&format!("dead text @{txt}:1")) && lines[0].contains("empty"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn articles_over_the_limit_are_dead_letters_with_their_size() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let big_text = "word ".repeat(2_000);
        let big_line = serde_json::json!({"id": "big", "text": big_text}).to_string();
        let jsonl = write(
            dir.path(),
            "feed.jsonl",
            format!("{{\"id\":\"a\",\"text\":\"Fine.\"}}\n{big_line}\n{{\"id\":\"b\",\"text\":\"Fine.\"}}\n")
                .as_bytes(),
        );
        let txt = write(dir.path(), "big.txt", big_text.as_bytes());
        let decode = DecodeOptions {
            max_article_bytes: 1000,
            ..DecodeOptions::default()
        };
        let events = read_with(vec![jsonl.clone(), txt.clone()], decode);
        let lines = summary(&events);
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert_eq!(lines[0], format!("article a @{jsonl}:1"));
        let size = big_line.len();
        assert!(
            lines[1].contains(&format!(
                "too large: {size} bytes, over max_article_bytes = 1000"
            )),
            "{}",
            lines[1]
        );
        assert_eq!(lines[2], format!("article b @{jsonl}:3"));
        assert!(lines[3].contains("too large: 10000 bytes"), "{}", lines[3]);
        // Each dead letter keeps the start of its record, never all of it.
        for (event, whole, kept) in [(&events[1], &big_line, 1002), (&events[3], &big_text, 4096)] {
            let Payload::DeadLetter(dead) = &event.payload else {
                panic!("expected a dead letter");
            };
            let raw = dead.raw.as_deref().unwrap_or_default();
            assert_eq!(raw.len(), kept);
            assert!(whole.starts_with(raw));
        }
        // The third record's offset shows that the long line was skipped, not lost track of.
        let third = format!("{{\"id\":\"a\",\"text\":\"Fine.\"}}\n{big_line}\n").len();
        assert_eq!(events[2].position.offset, Some(third as u64));
    }

    #[test]
    fn a_directory_path_reads_the_article_files_in_it_but_not_below() {
        let dir = tempfile::tempdir().expect("a temp dir");
        write(dir.path(), "a.txt", b"Body of a.\n");
        write(dir.path(), "b.jsonl", b"{\"id\":\"b1\",\"text\":\"B.\"}\n");
        write(dir.path(), "c.json", b"{\"id\":\"c1\",\"text\":\"C.\"}\n");
        write(dir.path(), "notes.md", b"not an article file\n");
        let nested = dir.path().join("older");
        std::fs::create_dir(&nested).expect("create a directory");
        write(&nested, "d.txt", b"Below.\n");
        let events = read(vec![dir.path().display().to_string()], InputFormat::Auto);
        let ids: Vec<String> = events
            .iter()
            .map(|e| match &e.payload {
                Payload::Article(a) => a.id.clone(),
                Payload::DeadLetter(d) => format!("dead: {}", d.reason),
            })
            .collect();
        assert_eq!(ids, ["a", "b1", "c1"]);
    }

    #[test]
    fn the_date_order_and_limit_options_are_read_from_the_config() {
        let config: FileSourceConfig =
            RawConfig::from_toml("paths = [\"a\"]\ndate_order = \"dmy\"\nmax_article_bytes = 500")
                .and_then(RawConfig::parse)
                .expect("parse the config");
        assert_eq!(config.date_order, Some(byline_core::DateOrder::Dmy));
        assert_eq!(config.max_article_bytes, 500);
        let config: FileSourceConfig = RawConfig::from_toml("paths = [\"a\"]")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert_eq!(config.max_article_bytes, 2 * 1024 * 1024);
        let err = RawConfig::from_toml("paths = [\"a\"]\ndate_order = \"ymd\"")
            .and_then(RawConfig::parse::<FileSourceConfig>)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("dmy"), "{err}");
    }

    #[test]
    fn a_missing_file_is_a_dead_letter_not_a_crash() {
        let events = read(vec!["/nonexistent/byline/a.txt".into()], InputFormat::Auto);
        let lines = summary(&events);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].contains("cannot read the file"), "{}", lines[0]);
    }

    #[test]
    fn a_txt_with_an_impossible_date_points_at_its_header_line() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let txt = write(
            dir.path(),
            "x.txt",
            b"title: T\ndate: 2021-02-30\n\nBody.\n",
        );
        let lines = summary(&read(vec![txt.clone()], InputFormat::Auto));
        assert!(
            lines[0].starts_with(&format!("dead published @{txt}:2")),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn empty_and_invalid_patterns_are_config_errors_at_their_place() {
        let source = "paths = [\"ok/*.txt\", \"bad/[.txt\"]";
        let config: FileSourceConfig = RawConfig::from_toml(source)
            .and_then(RawConfig::parse)
            .expect("parse the config");
        let Err(BuildError::Config(err)) = FileSource::from_config(config) else {
            panic!("expected a config error");
        };
        assert_eq!(&source[err.span.unwrap_or_default()], "\"bad/[.txt\"");
        let config: FileSourceConfig = RawConfig::from_toml("paths = []")
            .and_then(RawConfig::parse)
            .expect("parse the config");
        assert!(FileSource::from_config(config).is_err());
    }

    #[test]
    fn an_unknown_format_is_a_config_error() {
        let err = RawConfig::from_toml("paths = [\"a\"]\nformat = \"csv\"")
            .and_then(RawConfig::parse::<FileSourceConfig>)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("jsonl"), "{err}");
    }
}
