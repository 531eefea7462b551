//! Runs one sink: writes every batch, flushes regularly and at the end, and only then
//! acknowledges what it wrote (delivered for articles, rejected for dead letters).
//!
//! A sink that fails is retried with backoff: everything written since its last good flush
//! is kept, and written again once the sink works, so nothing is lost (a retry may write a
//! record twice). Meanwhile the sink reads no more input, so backpressure holds the
//! sources, and nothing is acknowledged, so no checkpoint moves. Only a sink that is gone
//! for good (a closed stdout) or a stop request that outlasts a few retries gives up; its
//! records then count as errored, and their sources do not commit past them.

use std::sync::Arc;
use std::time::Duration;

use byline_core::{AckStatus, Payload, Sink, SinkError};
use tokio::sync::mpsc;

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
/// Retries still made after a stop request, before the sink's records are given up on.
const RETRIES_WHEN_STOPPING: u32 = 3;

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

/// Runs the sink until all its inputs have closed. Returns a description of the first
/// failure that lost records, if any.
pub async fn run(
    id: Arc<str>,
    mut sink: Box<dyn Sink>,
    mut input: mpsc::Receiver<Batch>,
    metrics: Arc<ComponentMetrics>,
    shutdown: Shutdown,
) -> Result<(), String> {
    let mut held = Held::default();
    let mut failure: Option<String> = None;
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
                    continue;
                }
                let written = sink.write(&batch).await;
                held.push(batch);
                let result = match written {
                    Ok(()) if held.records >= MAX_UNFLUSHED => flush(sink, &mut held, &metrics).await,
                    other => other,
                };
                if let Err(error) = result {
                    closed = recover(&id, sink, &mut held, error, &metrics, &shutdown, &mut failure).await;
                }
            }
            _ = ticker.tick(), if !held.is_empty() => {
                if let Err(error) = flush(sink, &mut held, &metrics).await {
                    closed = recover(&id, sink, &mut held, error, &metrics, &shutdown, &mut failure).await;
                }
            }
        }
    }
    if !closed && let Err(error) = flush(sink, &mut held, &metrics).await {
        recover(
            &id,
            sink,
            &mut held,
            error,
            &metrics,
            &shutdown,
            &mut failure,
        )
        .await;
    }
    match failure {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

async fn flush(
    sink: &mut dyn Sink,
    held: &mut Held,
    metrics: &ComponentMetrics,
) -> Result<(), SinkError> {
    sink.flush().await?;
    held.acknowledge(metrics);
    Ok(())
}

/// Retries until the held records are written and flushed. Returns `true` when the sink is
/// closed for good.
async fn recover(
    id: &str,
    sink: &mut dyn Sink,
    held: &mut Held,
    mut error: SinkError,
    metrics: &ComponentMetrics,
    shutdown: &Shutdown,
    failure: &mut Option<String>,
) -> bool {
    let mut delay = FIRST_BACKOFF;
    let mut retries_when_stopping = 0;
    loop {
        ComponentMetrics::add(&metrics.failed, 1);
        if error.closed {
            tracing::error!(
                sink = id,
                "{}; dropping what it has not flushed",
                error.message
            );
            held.abandon();
            failure.get_or_insert(error.message);
            return true;
        }
        if shutdown.is_triggered() {
            retries_when_stopping += 1;
            if retries_when_stopping > RETRIES_WHEN_STOPPING {
                tracing::error!(
                    sink = id,
                    records = held.records,
                    "{}; giving up on stop: these records are not acknowledged, so their sources will read them again",
                    error.message
                );
                held.abandon();
                failure.get_or_insert(error.message);
                return false;
            }
        }
        tracing::warn!(
            sink = id,
            records = held.records,
            "{}; retrying in {delay:?}",
            error.message
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(MAX_BACKOFF);
        match rewrite(sink, held, metrics).await {
            Ok(()) => {
                tracing::info!(sink = id, "the sink works again");
                return false;
            }
            Err(next) => error = next,
        }
    }
}

/// Writes every held record again and flushes.
async fn rewrite(
    sink: &mut dyn Sink,
    held: &mut Held,
    metrics: &ComponentMetrics,
) -> Result<(), SinkError> {
    // A failed sink may still hold part of what it was writing, or the news that it lost
    // it: the first flush clears that, whatever it says.
    let _ = sink.flush().await;
    for batch in &held.batches {
        sink.write(batch).await?;
    }
    flush(sink, held, metrics).await
}
