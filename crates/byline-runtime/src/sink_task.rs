//! Runs one sink: writes every batch, flushes regularly and at the end, and only then
//! acknowledges what it wrote (delivered for articles, rejected for dead letters).

use std::sync::Arc;
use std::time::Duration;

use byline_core::{Ack, AckStatus, Event, Payload, Sink, SinkError};
use tokio::sync::mpsc;

use crate::router::Batch;
use crate::summary::ComponentMetrics;

/// How often a sink is flushed while batches keep coming.
const FLUSH_INTERVAL: Duration = Duration::from_secs(1);
/// Acknowledgements held before a flush is forced.
const MAX_UNFLUSHED: usize = 16 * 1024;

/// Runs the sink until all its inputs have closed. Returns a description of the first
/// failure, if any.
pub async fn run(
    id: Arc<str>,
    mut sink: Box<dyn Sink>,
    mut input: mpsc::Receiver<Batch>,
    metrics: Arc<ComponentMetrics>,
) -> Result<(), String> {
    let mut unflushed: Vec<(Ack, AckStatus)> = Vec::new();
    let mut first_failure: Option<String> = None;
    let mut closed = false;
    let mut ticker = tokio::time::interval(FLUSH_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let fail = |error: SinkError, metrics: &ComponentMetrics, first: &mut Option<String>| {
        tracing::error!(sink = %id, "{}", error.message);
        ComponentMetrics::add(&metrics.failed, 1);
        first.get_or_insert(error.message);
    };
    loop {
        tokio::select! {
            batch = input.recv() => {
                let Some(batch) = batch else { break };
                if closed {
                    // Dropped: their acks count as errored.
                    continue;
                }
                match sink.write(&batch).await {
                    Ok(()) => {
                        for Event { payload, ack, .. } in batch {
                            let status = match payload {
                                Payload::Article(_) => {
                                    ComponentMetrics::add(&metrics.sent, 1);
                                    AckStatus::Delivered
                                }
                                Payload::DeadLetter(_) => {
                                    ComponentMetrics::add(&metrics.dead_lettered, 1);
                                    AckStatus::Rejected
                                }
                            };
                            unflushed.push((ack, status));
                        }
                    }
                    Err(error) => {
                        closed = error.closed;
                        fail(error, &metrics, &mut first_failure);
                    }
                }
                if unflushed.len() >= MAX_UNFLUSHED
                    && let Err(error) = flush(&mut *sink, &mut unflushed).await
                {
                    closed |= error.closed;
                    fail(error, &metrics, &mut first_failure);
                }
            }
            _ = ticker.tick(), if !unflushed.is_empty() => {
                if let Err(error) = flush(&mut *sink, &mut unflushed).await {
                    closed |= error.closed;
                    fail(error, &metrics, &mut first_failure);
                }
            }
        }
    }
    if !closed && let Err(error) = flush(&mut *sink, &mut unflushed).await {
        fail(error, &metrics, &mut first_failure);
    }
    match first_failure {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

async fn flush(
    sink: &mut dyn Sink,
    unflushed: &mut Vec<(Ack, AckStatus)>,
) -> Result<(), SinkError> {
    match sink.flush().await {
        Ok(()) => {
            for (ack, status) in unflushed.drain(..) {
                ack.resolve(status);
            }
            Ok(())
        }
        Err(error) => {
            // Dropping the handles unresolved reports them as errored.
            unflushed.clear();
            Err(error)
        }
    }
}
