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
}

impl SinkError {
    pub fn new(message: impl Into<String>) -> SinkError {
        SinkError {
            message: message.into(),
            closed: false,
        }
    }

    /// The destination is gone for good.
    pub fn closed(message: impl Into<String>) -> SinkError {
        SinkError {
            message: message.into(),
            closed: true,
        }
    }
}

impl From<std::io::Error> for SinkError {
    fn from(e: std::io::Error) -> SinkError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            SinkError::closed(e.to_string())
        } else {
            SinkError::new(e.to_string())
        }
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
}
