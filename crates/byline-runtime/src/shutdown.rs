//! Stopping a pipeline: a flag every component can check, and a future to await.
//! SIGINT/SIGTERM trigger it; a second signal exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// How long, after a stop request, a source may take to return and a sink to finish what
/// it is doing, unless the pipeline file sets `drain_timeout`.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Cloned into every component; triggered once.
#[derive(Clone)]
pub struct Shutdown {
    flag: Arc<AtomicBool>,
    sender: Arc<watch::Sender<bool>>,
    triggered_at: Arc<OnceLock<Instant>>,
    drain_timeout: Duration,
}

impl Default for Shutdown {
    fn default() -> Shutdown {
        Shutdown::new()
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        Shutdown::with_drain_timeout(DEFAULT_DRAIN_TIMEOUT)
    }

    /// A shutdown whose components get `drain_timeout` to finish after a stop request.
    pub fn with_drain_timeout(drain_timeout: Duration) -> Shutdown {
        Shutdown {
            flag: Arc::new(AtomicBool::new(false)),
            sender: Arc::new(watch::channel(false).0),
            triggered_at: Arc::default(),
            drain_timeout,
        }
    }

    /// Asks the sources to stop; what they already emitted drains through to the sinks.
    pub fn trigger(&self) {
        let _ = self.triggered_at.set(Instant::now());
        self.flag.store(true, Ordering::Release);
        self.sender.send_replace(true);
    }

    /// When the stop was requested, if it was.
    pub fn stopped_at(&self) -> Option<Instant> {
        self.triggered_at.get().copied()
    }

    pub fn drain_timeout(&self) -> Duration {
        self.drain_timeout
    }

    /// Resolves once the pipeline is stopping and `drain_timeout` has passed since the
    /// stop request or since `since`, whichever came later: the one bounded window a
    /// component gets for work it started, so that a stop never waits on a stuck disk or
    /// pipe for longer.
    pub async fn drain_expired(&self, since: Instant) {
        self.wait().await;
        let stopped = self.triggered_at.get().copied().unwrap_or(since);
        tokio::time::sleep_until(stopped.max(since) + self.drain_timeout).await;
    }

    pub fn is_triggered(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    pub async fn wait(&self) {
        let mut receiver = self.sender.subscribe();
        // An error means the sender is gone, which cannot happen while `self` holds it.
        let _ = receiver.wait_for(|stopped| *stopped).await;
    }
}

/// Resolves on the first SIGINT or SIGTERM. From then on, another one exits the process
/// at once with status 130: the operator has asked twice.
pub async fn first_signal() {
    wait_for_signal().await;
    tracing::warn!("stopping: draining in-flight articles (press Ctrl-C again to exit at once)");
    tokio::spawn(async {
        wait_for_signal().await;
        tracing::warn!("second signal: exiting without draining");
        std::process::exit(130);
    });
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut terminate) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        }
        Err(e) => {
            tracing::warn!("cannot listen for SIGTERM: {e}");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_wake_when_triggered_even_if_they_came_late() {
        let shutdown = Shutdown::new();
        let waiter = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { shutdown.wait().await }
        });
        assert!(!shutdown.is_triggered());
        shutdown.trigger();
        assert!(shutdown.is_triggered());
        waiter.await.expect("the task");
        shutdown.wait().await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_drain_window_starts_at_the_stop_or_at_the_work_whichever_is_later() {
        let shutdown = Shutdown::with_drain_timeout(Duration::from_secs(2));
        let begun = Instant::now();
        shutdown.trigger();
        shutdown.drain_expired(begun).await;
        assert_eq!(begun.elapsed(), Duration::from_secs(2));
        tokio::time::sleep(Duration::from_secs(5)).await;
        let late = Instant::now();
        shutdown.drain_expired(late).await;
        assert_eq!(late.elapsed(), Duration::from_secs(2));
    }
}
