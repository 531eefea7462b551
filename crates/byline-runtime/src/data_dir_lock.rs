//! One process per `data_dir`: two runs over the same checkpoints would read and write
//! every article twice and race on the checkpoint files.
//!
//! The lock is an advisory lock (`flock`) on `data_dir/lock`, which the OS releases when
//! the process ends in any way, so a `kill -9` leaves no stale lock behind. The file holds
//! the owner's pid, only to name it in the message a second process prints.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name under `data_dir`.
pub const LOCK_FILE: &str = "lock";

/// Held for as long as the process uses the data_dir; dropping it releases the lock.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{data_dir} is in use by another byline process{}: one data_dir serves one running pipeline. Stop the other process, or give this pipeline its own `data_dir`",
        .pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
    )]
    Busy { data_dir: PathBuf, pid: Option<u32> },
    #[error("cannot lock {path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl DataDirLock {
    /// Creates `data_dir` if needed and takes its lock, or says who holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock, LockError> {
        let path = data_dir.join(LOCK_FILE);
        let io = |error| LockError::Io {
            path: path.clone(),
            error,
        };
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut owner = String::new();
                let _ = file.read_to_string(&mut owner);
                return Err(LockError::Busy {
                    data_dir: data_dir.to_path_buf(),
                    pid: owner.trim().parse().ok(),
                });
            }
            Err(TryLockError::Error(error)) => return Err(io(error)),
        }
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(DataDirLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_data_dir_is_refused_with_the_owners_pid() {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("state");
        let first = DataDirLock::acquire(&data_dir).expect("the first lock");
        // flock locks belong to the open file, so a second open in this process conflicts
        // just as another process would.
        let second = DataDirLock::acquire(&data_dir).expect_err("the data_dir is taken");
        let message = second.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        assert!(message.contains("state"), "{message}");
        drop(first);
        DataDirLock::acquire(&data_dir).expect("free again once the first is dropped");
    }
}
