//! Runs one sink: writes every batch, flushes regularly and at the end, and only then
//! acknowledges what it wrote (delivered for articles, rejected for dead letters).
//!
//! A sink that fails is retried with backoff: everything written since its last good flush
//! is kept, and written again once the sink works, so nothing is lost (the sink itself
//! makes sure a retry does not leave a record twice or half). Meanwhile the sink reads no
//! more input, so backpressure holds the sources, nothing is acknowledged, so no checkpoint
//! moves, and `/health` reports the sink as retrying.
//!
//! Three things end the retrying: a sink that is gone for good (a closed pipe), a
//! permanent error that outlasts a few quick retries (permission denied, a read-only file
//! system), and a stop request, after which a failing or stuck sink gets one drain window
//! (`drain_timeout`, 2 s by default). The first two stop the pipeline. In all three the
//! records the sink held count as errored, and their sources do not commit past them, so
//! the next run reads them again.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use byline_core::{AckStatus, Payload, Sink, SinkError};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::router::Batch;
use crate::shutdown::Shutdown;
use crate::summary::ComponentMetrics;

/// How often a sink is flushed while batches keep coming.
const FLUSH_INTERVAL: Duration = Duration::from_secs(1);
/// Records held unflushed before a flush is forced. They stay in memory until then, to be
/// written again if the sink fails.
const MAX_UNFLUSHED: usize = 4096;
/// The first wait before a retry; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Retries of a permanent error before the pipeline is stopped: a few, in case the
/// operator is fixing it right now (100 + 200 + 400 ms).
const PERMANENT_RETRIES: u32 = 3;

/// What the sink has written since its last good flush.
#[derive(Default)]
struct Held {
    batches: Vec<Batch>,
    records: usize,
}

impl Held {
    fn push(&mut self, batch: Batch) {
        self.records += batch.len();
        self.batches.push(batch);
    }

    fn is_empty(&self) -> bool {
        self.records == 0
    }

    /// The sink flushed: every held record is acknowledged.
    fn acknowledge(&mut self, metrics: &ComponentMetrics) {
        for event in self.batches.drain(..).flatten() {
            let status = match event.payload {
                Payload::Article(_) => {
                    ComponentMetrics::add(&metrics.sent, 1);
                    AckStatus::Delivered
                }
                Payload::DeadLetter(_) => {
                    ComponentMetrics::add(&metrics.dead_lettered, 1);
                    AckStatus::Rejected
                }
            };
            event.ack.resolve(status);
        }
        self.records = 0;
    }

    /// Gives up: dropping the handles unresolved reports the records as errored.
    fn abandon(&mut self) {
        self.batches.clear();
        self.records = 0;
    }
}

/// How a sink's run ended.
pub struct SinkOutcome {
    /// A description of the first failure that lost records, if any.
    pub result: Result<(), String>,
    /// Where its output went ([`Sink::destination`]).
    pub destination: Option<String>,
}

/// Runs the sink until all its inputs have closed.
pub async fn run(
    id: Arc<str>,
    mut sink: Box<dyn Sink>,
    mut input: mpsc::Receiver<Batch>,
    metrics: Arc<ComponentMetrics>,
    shutdown: Shutdown,
) -> SinkOutcome {
    let mut task = SinkTask {
        id,
        held: Held::default(),
        metrics,
        shutdown,
        failure: None,
        given_up: 0,
    };
    let mut closed = false;
    let mut ticker = tokio::time::interval(FLUSH_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sink = &mut *sink;
    loop {
        tokio::select! {
            batch = input.recv() => {
                let Some(batch) = batch else { break };
                if closed {
                    // Dropped: their acks count as errored.
                    task.given_up += batch.len();
                    continue;
                }
                let written = task.bounded(sink.write(&batch)).await;
                task.held.push(batch);
                let result = match written {
                    Ok(()) if task.held.records >= MAX_UNFLUSHED => task.flush(sink).await,
                    Ok(()) => Ok(()),
                    Err(error) => Err(error),
                };
                if let Err(error) = result {
                    closed = task.recover(sink, error).await;
                }
            }
            _ = ticker.tick(), if !task.held.is_empty() => {
                if let Err(error) = task.flush(sink).await {
                    closed = task.recover(sink, error).await;
                }
            }
        }
    }
    if !closed && let Err(error) = task.flush(sink).await {
        task.recover(sink, error).await;
    }
    let result = match task.failure {
        Some(failure) if task.given_up > 0 => Err(format!(
            "{failure}; {} records stay uncommitted and will be read again",
            task.given_up
        )),
        Some(failure) => Err(failure),
        None => Ok(()),
    };
    SinkOutcome {
        result,
        destination: sink.destination(),
    }
}

/// One sink's state between batches.
struct SinkTask {
    id: Arc<str>,
    held: Held,
    metrics: Arc<ComponentMetrics>,
    shutdown: Shutdown,
    failure: Option<String>,
    /// Records given up on (never acknowledged), for the closing message.
    given_up: usize,
}

impl SinkTask {
    /// Runs one sink operation. Once the pipeline is stopping, an operation gets at most
    /// the drain window: a write blocked on a pipe nobody reads, or on a hung disk, must
    /// not keep the process from exiting.
    async fn bounded(
        &self,
        operation: impl Future<Output = Result<(), SinkError>>,
    ) -> Result<(), SinkError> {
        let started = Instant::now();
        tokio::select! {
            result = operation => result,
            () = self.shutdown.drain_expired(started) => Err(SinkError::closed(format!(
                "the sink did not finish within the drain timeout ({:?}) after the stop request",
                self.shutdown.drain_timeout()
            ))),
        }
    }

    async fn flush(&mut self, sink: &mut dyn Sink) -> Result<(), SinkError> {
        self.bounded(sink.flush()).await?;
        self.held.acknowledge(&self.metrics);
        self.metrics.delivered_now();
        Ok(())
    }

    /// Gives up on what the sink holds, and remembers why.
    fn give_up(&mut self, message: String) {
        self.given_up += self.held.records;
        self.held.abandon();
        self.failure.get_or_insert(message);
    }

    /// Retries until the held records are written and flushed. Returns `true` when the sink
    /// is closed for good.
    async fn recover(&mut self, sink: &mut dyn Sink, mut error: SinkError) -> bool {
        let id = self.id.clone();
        let started = Instant::now();
        let mut delay = FIRST_BACKOFF;
        let mut permanent_failures = 0;
        loop {
            ComponentMetrics::add(&self.metrics.failed, 1);
            self.metrics.set_retrying(&error.message);
            if error.permanent {
                permanent_failures += 1;
            }
            if error.closed || permanent_failures > PERMANENT_RETRIES {
                let why = if error.closed {
                    "nobody will read more"
                } else {
                    "this will not pass by itself"
                };
                tracing::error!(
                    sink = %id,
                    records = self.held.records,
                    "{}; {why}, so the pipeline stops: what the sink has not flushed stays uncommitted",
                    error.message
                );
                self.give_up(error.message);
                self.shutdown.trigger();
                return true;
            }
            if self.drain_window_over(started) {
                tracing::error!(
                    sink = %id,
                    records = self.held.records,
                    "{}; giving up on stop: these records are not acknowledged, so their sources will read them again",
                    error.message
                );
                self.give_up(format!(
                    "{} (still failing when the drain timeout ran out)",
                    error.message
                ));
                return true;
            }
            tracing::warn!(
                sink = %id,
                records = self.held.records,
                "{}; retrying in {delay:?}",
                error.message
            );
            // A stop request cuts the wait short, and no wait outlasts the drain window, so
            // the window is spent trying.
            let wait = match self.drain_window_end(started) {
                Some(end) => delay.min(end.saturating_duration_since(Instant::now())),
                None => delay,
            };
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.shutdown.wait(), if !self.shutdown.is_triggered() => {}
            }
            delay = (delay * 2).min(MAX_BACKOFF);
            match self.rewrite(sink).await {
                Ok(()) => {
                    tracing::info!(sink = %id, "the sink works again");
                    return false;
                }
                Err(next) => error = next,
            }
        }
    }

    /// When a stopping pipeline's drain window closes for a recovery that began at
    /// `started`: the window opens at the stop request, or at `started` if later.
    fn drain_window_end(&self, started: Instant) -> Option<Instant> {
        let stop = self.shutdown.stopped_at()?;
        Some(stop.max(started) + self.shutdown.drain_timeout())
    }

    fn drain_window_over(&self, started: Instant) -> bool {
        self.drain_window_end(started)
            .is_some_and(|end| Instant::now() >= end)
    }

    /// Writes every held record again and flushes.
    async fn rewrite(&mut self, sink: &mut dyn Sink) -> Result<(), SinkError> {
        // A failed sink may still hold part of what it was writing, or the news that it
        // lost it: the first flush clears that, whatever it says.
        let _ = self.bounded(sink.flush()).await;
        for batch in &self.held.batches {
            self.bounded(sink.write(batch)).await?;
        }
        self.flush(sink).await
    }
}
