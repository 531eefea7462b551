//! File source checkpoints: how far each file has been read *and acknowledged*, kept in
//! `data_dir/checkpoints/<pipeline>/<source id>.json`, so that a restart (even after `kill -9`)
//! resumes where the last run's deliveries ended.
//!
//! A file is known by a fingerprint of its first bytes, not by its name, so that a renamed
//! or rotated file keeps its progress and a new file under an old name starts from zero.
//! The committed offset only moves over a contiguous run of records that were delivered
//! or rejected ([`CommitWindow`]); what was in flight at a crash is read again, which is
//! where at-least-once delivery's duplicates come from.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use byline_core::{AckListener, AckStatus, CommitWindow};
use serde::{Deserialize, Serialize};

/// Bytes at the start of a file that identify it.
pub const FINGERPRINT_BYTES: u64 = 1024;
/// How often committed progress is written out while a run goes on.
const SAVE_INTERVAL: Duration = Duration::from_millis(250);

/// Where a source's checkpoints live: `data_dir/checkpoints/<pipeline>/<source id>.json`,
/// so that two pipelines sharing a data_dir and a source id keep their own progress.
pub fn checkpoint_path(data_dir: &Path, pipeline: &str, source_id: &str) -> PathBuf {
    data_dir
        .join("checkpoints")
        .join(pipeline)
        .join(format!("{source_id}.json"))
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The first bytes of a file (up to [`FINGERPRINT_BYTES`]), to fingerprint it.
pub fn head_of(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(FINGERPRINT_BYTES as usize);
    File::open(path)?
        .take(FINGERPRINT_BYTES)
        .read_to_end(&mut head)?;
    Ok(head)
}

/// One file's committed progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCheckpoint {
    /// The path it was last read under (informative; the fingerprint decides).
    pub path: String,
    /// How many leading bytes the fingerprint covers (fewer than
    /// [`FINGERPRINT_BYTES`] while the file is short).
    pub fingerprint_bytes: u64,
    /// FNV-1a of those bytes, in hex.
    pub fingerprint: String,
    /// Every record that ends at or before this byte is delivered or rejected.
    pub offset: u64,
    /// The number of the last line before `offset`.
    pub line: u64,
}

impl FileCheckpoint {
    /// `true` when `head` (a file's first bytes) starts with the bytes this checkpoint
    /// was taken of.
    fn matches(&self, head: &[u8]) -> bool {
        let Ok(len) = usize::try_from(self.fingerprint_bytes) else {
            return false;
        };
        head.len() >= len && format!("{:016x}", fnv1a(&head[..len])) == self.fingerprint
    }

    fn fingerprint(&mut self, head: &[u8]) {
        self.fingerprint_bytes = head.len() as u64;
        self.fingerprint = format!("{:016x}", fnv1a(head));
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CheckpointFile {
    version: u32,
    files: Vec<FileCheckpoint>,
}

/// A record whose acknowledgement moves a file's committed offset.
struct PendingRecord {
    seq: u64,
    file: usize,
    end: u64,
    line: u64,
}

#[derive(Default)]
struct State {
    window: CommitWindow,
    files: Vec<FileCheckpoint>,
    /// In sequence order, since a source emits in order.
    pending: VecDeque<PendingRecord>,
    dirty: bool,
}

/// A source's checkpoints: it hears every acknowledgement (as an [`AckListener`]) and
/// writes the committed offsets out regularly, and a last time when the last record of
/// the run is settled (when it is dropped).
pub struct Checkpoints {
    /// `None`: progress is tracked in memory only (`checkpoint = false`).
    path: Option<PathBuf>,
    state: Mutex<State>,
}

impl Checkpoints {
    /// Loads the checkpoints at `path` (none yet is fine; an unreadable file is logged and
    /// ignored, which re-reads: at-least-once). `None` keeps them in memory only.
    pub fn load(path: Option<PathBuf>) -> Arc<Checkpoints> {
        let files = path
            .as_deref()
            .map(|path| match std::fs::read(path) {
                Ok(bytes) => match serde_json::from_slice::<CheckpointFile>(&bytes) {
                    Ok(file) => file.files,
                    Err(e) => {
                        tracing::warn!(path = %path.display(), "ignoring unreadable checkpoints: {e}");
                        Vec::new()
                    }
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => {
                    tracing::warn!(path = %path.display(), "cannot read checkpoints: {e}");
                    Vec::new()
                }
            })
            .unwrap_or_default();
        let checkpoints = Arc::new(Checkpoints {
            path,
            state: Mutex::new(State {
                files,
                ..State::default()
            }),
        });
        if checkpoints.path.is_some() {
            let weak = Arc::downgrade(&checkpoints);
            let spawned = std::thread::Builder::new()
                .name("byline-checkpoints".into())
                .spawn(move || save_regularly(&weak));
            if let Err(e) = spawned {
                tracing::warn!("cannot start the checkpoint writer: {e}; saving at the end only");
            }
        }
        checkpoints
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The file whose first bytes are `head`, now at `path`: its index and committed
    /// `(offset, line)`. A file seen before keeps its progress (even renamed); a short file
    /// that has grown gets a longer fingerprint.
    pub fn file(&self, path: &Path, head: &[u8]) -> (usize, u64, u64) {
        let mut state = self.state();
        let name = path.display().to_string();
        let found = state
            .files
            .iter()
            .position(|f| f.path == name && f.matches(head))
            .or_else(|| state.files.iter().position(|f| f.matches(head)));
        let index = match found {
            Some(index) => index,
            None => {
                let mut entry = FileCheckpoint {
                    path: name.clone(),
                    fingerprint_bytes: 0,
                    fingerprint: String::new(),
                    offset: 0,
                    line: 0,
                };
                entry.fingerprint(head);
                state.files.push(entry);
                state.files.len() - 1
            }
        };
        let state = &mut *state;
        let entry = &mut state.files[index];
        if entry.path != name || entry.fingerprint_bytes < head.len() as u64 {
            entry.path = name;
            entry.fingerprint(head);
            state.dirty = true;
        }
        (index, entry.offset, entry.line)
    }

    /// Record `seq` ends at byte `end` (line `line`) of file `file`: once it and every
    /// record before it are settled, the file's committed offset moves there.
    pub fn record(&self, seq: u64, file: usize, end: u64, line: u64) {
        self.state().pending.push_back(PendingRecord {
            seq,
            file,
            end,
            line,
        });
    }

    /// The committed progress, for tests and reports.
    pub fn files(&self) -> Vec<FileCheckpoint> {
        self.state().files.clone()
    }

    /// Writes the committed progress out if it changed: to a temporary file, synced, then
    /// renamed over the old one, so that a crash leaves either the old or the new.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let json = {
            let mut state = self.state();
            if !state.dirty {
                return Ok(());
            }
            state.dirty = false;
            serde_json::to_vec_pretty(&CheckpointFile {
                version: 1,
                files: state.files.clone(),
            })?
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension("json.tmp");
        let mut file = File::create(&temporary)?;
        file.write_all(&json)?;
        file.sync_data()?;
        std::fs::rename(&temporary, path)?;
        Ok(())
    }
}

impl AckListener for Checkpoints {
    fn finished(&self, seq: u64, status: AckStatus) {
        let mut state = self.state();
        let Some(committed) = state.window.finish(seq, status) else {
            return;
        };
        while state.pending.front().is_some_and(|r| r.seq < committed) {
            let Some(record) = state.pending.pop_front() else {
                break;
            };
            if let Some(file) = state.files.get_mut(record.file)
                && record.end > file.offset
            {
                file.offset = record.end;
                file.line = record.line;
            }
            state.dirty = true;
        }
    }
}

impl Drop for Checkpoints {
    /// The last record of the run is settled: write the final progress.
    fn drop(&mut self) {
        if let Err(e) = self.save() {
            tracing::error!("cannot save the checkpoints: {e}");
        }
    }
}

fn save_regularly(checkpoints: &Weak<Checkpoints>) {
    loop {
        std::thread::sleep(SAVE_INTERVAL);
        let Some(checkpoints) = checkpoints.upgrade() else {
            return;
        };
        if let Err(e) = checkpoints.save() {
            tracing::warn!("cannot save the checkpoints: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_moves_only_over_settled_records_and_survives_a_reload() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = checkpoint_path(dir.path(), "test", "wire");
        let checkpoints = Checkpoints::load(Some(path.clone()));
        let head = b"{\"id\":\"a\"}\n{\"id\":\"b\"}\n";
        let (file, offset, _) = checkpoints.file(Path::new("in.jsonl"), head);
        assert_eq!(offset, 0);
        for (seq, end) in [(0, 11), (1, 22), (2, 33)] {
            checkpoints.record(seq, file, end, seq + 1);
        }
        checkpoints.finished(1, AckStatus::Delivered);
        assert_eq!(
            checkpoints.files()[0].offset,
            0,
            "record 0 is still in flight"
        );
        checkpoints.finished(0, AckStatus::Rejected);
        checkpoints.finished(2, AckStatus::Errored);
        assert_eq!(checkpoints.files()[0].offset, 22);
        drop(checkpoints);
        let reloaded = Checkpoints::load(Some(path));
        // Renamed, and longer: still the same file.
        let mut longer = head.to_vec();
        longer.extend_from_slice(b"{\"id\":\"c\"}\n");
        assert_eq!(
            reloaded.file(Path::new("renamed.jsonl"), &longer),
            (0, 22, 2)
        );
        assert_eq!(reloaded.file(Path::new("in.jsonl"), b"other"), (1, 0, 0));
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
