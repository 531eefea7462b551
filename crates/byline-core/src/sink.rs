//! The `Sink` trait: where annotated articles (and dead letters) go.

use async_trait::async_trait;

use crate::event::Event;

/// A sink could not write. The runtime does not acknowledge the events it was writing, so
/// their sources do not commit past them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SinkError {
    pub message: String,
    /// Nobody will ever read more (stdout's reader went away): stop writing, without
    /// retrying.
    pub closed: bool,
    /// Retrying will not help (permission denied, a read-only file system, a path through
    /// a file): the runtime tries a few times, then stops the pipeline with this message,
    /// rather than retrying for ever.
    pub permanent: bool,
}

impl SinkError {
    /// A failure that may pass (a full disk, a broker restarting): retried with backoff.
    pub fn new(message: impl Into<String>) -> SinkError {
        SinkError {
            message: message.into(),
            closed: false,
            permanent: false,
        }
    }

    /// The destination is gone for good.
    pub fn closed(message: impl Into<String>) -> SinkError {
        SinkError {
            closed: true,
            ..SinkError::new(message)
        }
    }

    /// The destination cannot be written as configured (see [`SinkError::permanent`]).
    pub fn permanent(message: impl Into<String>) -> SinkError {
        SinkError {
            permanent: true,
            ..SinkError::new(message)
        }
    }

    /// `error` with `context` before it, classified by its kind (see [`From<io::Error>`]).
    pub fn io(context: impl std::fmt::Display, error: &std::io::Error) -> SinkError {
        let message = format!("{context}: {error}");
        match classify(error) {
            IoClass::Closed => SinkError::closed(message),
            IoClass::Permanent => SinkError::permanent(message),
            IoClass::Transient => SinkError::new(message),
        }
    }
}

enum IoClass {
    Closed,
    Permanent,
    Transient,
}

/// Which I/O failures can pass by themselves. A full disk or an interrupted device can;
/// a missing permission or a read-only mount needs an operator.
fn classify(error: &std::io::Error) -> IoClass {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::BrokenPipe => IoClass::Closed,
        ErrorKind::PermissionDenied
        | ErrorKind::ReadOnlyFilesystem
        | ErrorKind::NotADirectory
        | ErrorKind::IsADirectory
        | ErrorKind::InvalidFilename
        | ErrorKind::Unsupported => IoClass::Permanent,
        _ => IoClass::Transient,
    }
}

impl From<std::io::Error> for SinkError {
    fn from(e: std::io::Error) -> SinkError {
        SinkError::io("cannot write", &e)
    }
}

/// Writes events. The runtime calls [`write`](Sink::write) for every batch that reaches the
/// sink (articles, and dead letters when the sink takes an `<id>.errors` route), and
/// [`flush`](Sink::flush) regularly and at shutdown.
///
/// Acknowledgement contract: an event counts as delivered only after a `flush` that
/// followed its `write` returned `Ok`. So `flush` must make everything written so far as
/// durable as the sink promises (the OS for a buffered file, the broker's ack for a
/// broker), and `write` may buffer freely.
#[async_trait]
pub trait Sink: Send + 'static {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError>;

    async fn flush(&mut self) -> Result<(), SinkError>;

    /// Where this run's output went, for the run summary: `out/articles-2021-08.jsonl`,
    /// `stdout`, `subject articles.annotated`. `None` says nothing.
    fn destination(&self) -> Option<String> {
        None
    }

    /// Problems worth telling at `byline validate` that need not stop a run.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_closes_the_sink() {
        let err = SinkError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(err.closed);
        let err = SinkError::from(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert!(!err.closed);
    }

    #[test]
    fn permissions_and_read_only_mounts_are_permanent_and_a_full_disk_is_not() {
        use std::io::{Error, ErrorKind};
        for kind in [
            ErrorKind::PermissionDenied,
            ErrorKind::ReadOnlyFilesystem,
            ErrorKind::NotADirectory,
        ] {
            let err = SinkError::io("cannot open out.jsonl", &Error::from(kind));
            assert!(err.permanent && !err.closed, "{kind:?}");
            assert!(
                err.message.starts_with("cannot open out.jsonl: "),
                "{}",
                err.message
            );
        }
        let full = SinkError::io("cannot write", &Error::from(ErrorKind::StorageFull));
        assert!(!full.permanent && !full.closed);
    }
}
