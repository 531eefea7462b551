//! Runs one source: gives it a [`SourceOutput`] wired to its consumers, and stops waiting
//! for it when the pipeline stops and it does not return in time.

use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use byline_core::source::ReadProgress;
use byline_core::{
    BatchLimits, BrokerCounts, Closed, Event, Source, SourceChannel, SourceError, SourceOutput,
};

use crate::router::Router;
use crate::shutdown::Shutdown;
use crate::summary::AckTally;

/// The runtime's end of a source's output.
struct SourceLink {
    /// Taken away when the source is abandoned, so that a source stuck in a blocking read
    /// cannot keep the pipeline from closing.
    router: RwLock<Option<Router>>,
    shutdown: Shutdown,
}

impl SourceLink {
    fn router(&self) -> Option<Router> {
        self.router
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn detach(&self) {
        self.router
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }
}

#[async_trait]
impl SourceChannel for SourceLink {
    async fn send(&self, batch: Vec<Event>) -> Result<(), Closed> {
        self.router().ok_or(Closed)?.route(batch).await
    }

    fn send_blocking(&self, batch: Vec<Event>) -> Result<(), Closed> {
        self.router().ok_or(Closed)?.route_blocking(batch)
    }

    fn send_detached(&self, batch: Vec<Event>) {
        let Some(router) = self.router() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    let _ = router.route(batch).await;
                });
            }
            Err(_) => {
                let _ = router.route_blocking(batch);
            }
        }
    }

    fn is_stopping(&self) -> bool {
        self.shutdown.is_triggered()
    }

    async fn stopping(&self) {
        self.shutdown.wait().await;
    }
}

/// What a source's output shares with the rest of the pipeline.
pub struct SourceShares {
    /// Whether records carry acknowledgements (off only for `byline bench --no-acks`).
    pub acknowledgements: bool,
    /// The pipeline's read progress, for the progress bar.
    pub progress: Arc<ReadProgress>,
    /// The source's broker counts, for `/metrics`.
    pub broker: Arc<BrokerCounts>,
}

/// Runs `source` to the end, or until a stop request plus a grace period.
pub async fn run(
    id: Arc<str>,
    source: Box<dyn Source>,
    router: Router,
    acks: Arc<AckTally>,
    shutdown: Shutdown,
    shares: SourceShares,
) -> Result<(), SourceError> {
    let SourceShares {
        acknowledgements,
        progress,
        broker,
    } = shares;
    let link = Arc::new(SourceLink {
        router: RwLock::new(Some(router)),
        shutdown: shutdown.clone(),
    });
    let mut output = SourceOutput::new(id.clone(), link.clone(), acks, BatchLimits::default())
        .with_progress(progress)
        .with_broker_counts(broker);
    if !acknowledgements {
        output = output.without_acknowledgements();
    }
    let mut running = source.run(output);
    let result = tokio::select! {
        result = &mut running => result,
        () = shutdown.wait() => match tokio::time::timeout(shutdown.drain_timeout(), running).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(source = %id, "the source did not stop within {:?}; no longer waiting for it", shutdown.drain_timeout());
                Ok(())
            }
        },
    };
    link.detach();
    match result {
        Err(e) if e == SourceError::from(Closed) && shutdown.is_triggered() => Ok(()),
        other => other,
    }
}
