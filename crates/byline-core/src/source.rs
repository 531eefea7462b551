//! The `Source` trait: where articles come from (files, stdin, later brokers).
//!
//! A source reads records and hands each one to its [`SourceOutput`], either as an article
//! or, when the record is bad, as a [`DeadLetter`]. The output batches them, gives each an
//! acknowledgement handle and a sequence number, and sends the batches downstream with
//! backpressure. Sources never write dead letters themselves: the runtime routes them to the
//! source's `<id>.errors` route or to `data_dir/dead-letter.jsonl`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;

use crate::ack::{Ack, AckListener, AckStatus};
use crate::article::Article;
use crate::dead_letter::DeadLetter;
use crate::event::{Event, Position};

/// A source failed as a whole (it could not start, its input broke). Bad records are not
/// source errors: they are dead letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    pub message: String,
}

impl SourceError {
    pub fn new(message: impl Into<String>) -> SourceError {
        SourceError {
            message: message.into(),
        }
    }
}

/// Everything downstream has gone away: the source should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the pipeline is no longer accepting records")]
pub struct Closed;

impl From<Closed> for SourceError {
    fn from(_: Closed) -> SourceError {
        SourceError::new("the pipeline closed")
    }
}

/// Reads records and emits them until its input is exhausted (a finite source returns) or
/// the pipeline stops (check [`SourceOutput::is_stopping`] between records, or await
/// [`SourceOutput::stopping`]).
///
/// Blocking sources (plain file reads, CPU-heavy decoding) should run their loop inside
/// `tokio::task::spawn_blocking` and use the `*_blocking` methods of the output.
#[async_trait]
pub trait Source: Send + 'static {
    async fn run(self: Box<Self>, output: SourceOutput) -> Result<(), SourceError>;

    /// How many bytes the source will have read when it is exhausted, if that is known
    /// before it starts (finite files), so that a progress bar can show an ETA. A source
    /// that reports it also reports what it reads through [`ReadProgress::add_bytes`].
    fn input_bytes(&self) -> Option<u64> {
        None
    }

    /// Problems worth telling at `byline validate` that need not stop a run: a pattern
    /// that matches no file today, a file that does not exist yet.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// How far the sources have read: records emitted and input bytes consumed. Shared
/// between the sources and whoever shows progress; counts only grow.
#[derive(Debug, Default)]
pub struct ReadProgress {
    records: AtomicU64,
    bytes: AtomicU64,
}

impl ReadProgress {
    /// Records (articles and dead letters) emitted so far.
    pub fn records(&self) -> u64 {
        self.records.load(Ordering::Relaxed)
    }

    /// Input bytes consumed so far, by the sources that report them.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// `bytes` more of the input are consumed (or skipped, being already committed).
    pub fn add_bytes(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// The runtime's side of a source's output. Implemented by the runtime; a source only sees
/// [`SourceOutput`].
#[async_trait]
pub trait SourceChannel: Send + Sync {
    /// Sends a batch downstream, waiting while the pipeline is full.
    async fn send(&self, batch: Vec<Event>) -> Result<(), Closed>;
    /// The same, from a thread outside the async runtime (`spawn_blocking`).
    fn send_blocking(&self, batch: Vec<Event>) -> Result<(), Closed>;
    /// Sends a last batch without waiting for it, when the output is dropped.
    fn send_detached(&self, batch: Vec<Event>);
    /// `true` once the pipeline has been asked to stop.
    fn is_stopping(&self) -> bool;
    /// Resolves when the pipeline is asked to stop.
    async fn stopping(&self);
}

/// How big a batch grows before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    pub max_events: usize,
    pub max_bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> BatchLimits {
        BatchLimits {
            max_events: 256,
            max_bytes: 1 << 20,
        }
    }
}

/// Where a source emits its records. Records are batched; a partial batch is sent by
/// [`flush`](SourceOutput::flush) and, at the latest, when the output is dropped.
/// What a source reading from a broker reports on `/metrics` beside the runtime's own
/// counts: messages it holds and has not settled with the broker yet, and messages the
/// broker delivered more than once (after a worker died or a redelivery timeout).
#[derive(Debug, Default)]
pub struct BrokerCounts {
    pub pending: AtomicU64,
    pub redelivered: AtomicU64,
}

pub struct SourceOutput {
    id: Arc<str>,
    broker: Arc<BrokerCounts>,
    channel: Arc<dyn SourceChannel>,
    listener: Arc<dyn AckListener>,
    limits: BatchLimits,
    pending: Vec<Event>,
    pending_bytes: usize,
    next_seq: u64,
    tracked: bool,
    progress: Arc<ReadProgress>,
}

impl SourceOutput {
    /// Made by the runtime. `listener` hears the outcome of every record.
    pub fn new(
        id: Arc<str>,
        channel: Arc<dyn SourceChannel>,
        listener: Arc<dyn AckListener>,
        limits: BatchLimits,
    ) -> SourceOutput {
        SourceOutput {
            id,
            channel,
            listener,
            limits,
            pending: Vec::with_capacity(limits.max_events),
            pending_bytes: 0,
            next_seq: 0,
            tracked: true,
            progress: Arc::default(),
            broker: Arc::default(),
        }
    }

    /// Shares `counts` with whoever shows them (the runtime's `/metrics`).
    pub fn with_broker_counts(mut self, counts: Arc<BrokerCounts>) -> SourceOutput {
        self.broker = counts;
        self
    }

    /// Where a broker source keeps its [`BrokerCounts`].
    pub fn broker_counts(&self) -> Arc<BrokerCounts> {
        self.broker.clone()
    }

    /// Counts what is emitted in `progress` (the runtime shares one among its sources).
    pub fn with_progress(mut self, progress: Arc<ReadProgress>) -> SourceOutput {
        self.progress = progress;
        self
    }

    /// Where a source that knows its [`input_bytes`](Source::input_bytes) adds the bytes
    /// it consumes.
    pub fn progress(&self) -> &Arc<ReadProgress> {
        &self.progress
    }

    /// Hands out untracked handles: nobody hears the outcomes, and nothing can be
    /// checkpointed. Only for measuring what acknowledgements cost (`byline bench
    /// --no-acks`).
    pub fn without_acknowledgements(mut self) -> SourceOutput {
        self.tracked = false;
        self
    }

    /// The source's id in the pipeline.
    pub fn id(&self) -> &Arc<str> {
        &self.id
    }

    /// The sequence number the next record will get. A source that keeps its own map from
    /// sequence numbers to positions (for checkpoints) reads it before emitting.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Also tells `listener` the outcome of every record emitted from now on, after the
    /// runtime's own accounting has seen it. A source that checkpoints calls this first.
    pub fn listen(&mut self, listener: Arc<dyn AckListener>) {
        self.listener = Arc::new(Tee(self.listener.clone(), listener));
    }

    pub fn is_stopping(&self) -> bool {
        self.channel.is_stopping()
    }

    pub async fn stopping(&self) {
        self.channel.stopping().await;
    }

    /// Emits an article. Waits when the batch is full and the pipeline is busy.
    pub async fn article(&mut self, article: Article, position: Position) -> Result<(), Closed> {
        let event = self.event_for_article(article, position);
        if self.push(event) {
            self.flush().await?;
        }
        Ok(())
    }

    /// Emits a record that could not become an article.
    pub async fn reject(
        &mut self,
        dead_letter: DeadLetter,
        position: Position,
    ) -> Result<(), Closed> {
        let event = self.event_for_dead_letter(dead_letter, position);
        if self.push(event) {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends the partial batch now (a source that waits for more input calls this first,
    /// so that what it has read so far is not held back).
    pub async fn flush(&mut self) -> Result<(), Closed> {
        if let Some(batch) = self.take_batch() {
            self.channel.send(batch).await?;
        }
        Ok(())
    }

    /// [`article`](SourceOutput::article) for a blocking thread.
    pub fn article_blocking(&mut self, article: Article, position: Position) -> Result<(), Closed> {
        let event = self.event_for_article(article, position);
        if self.push(event) {
            self.flush_blocking()?;
        }
        Ok(())
    }

    /// [`reject`](SourceOutput::reject) for a blocking thread.
    pub fn reject_blocking(
        &mut self,
        dead_letter: DeadLetter,
        position: Position,
    ) -> Result<(), Closed> {
        let event = self.event_for_dead_letter(dead_letter, position);
        if self.push(event) {
            self.flush_blocking()?;
        }
        Ok(())
    }

    /// [`flush`](SourceOutput::flush) for a blocking thread.
    pub fn flush_blocking(&mut self) -> Result<(), Closed> {
        if let Some(batch) = self.take_batch() {
            self.channel.send_blocking(batch)?;
        }
        Ok(())
    }

    fn event_for_article(&mut self, article: Article, position: Position) -> Event {
        let ack = self.next_ack();
        Event::article(article, position, ack)
    }

    fn event_for_dead_letter(&mut self, dead_letter: DeadLetter, position: Position) -> Event {
        let ack = self.next_ack();
        Event::dead_letter(dead_letter, position, ack)
    }

    fn next_ack(&mut self) -> Ack {
        let ack = if self.tracked {
            Ack::new(self.next_seq, self.listener.clone())
        } else {
            Ack::untracked()
        };
        self.next_seq += 1;
        ack
    }

    /// Adds an event; `true` when the batch is full.
    fn push(&mut self, event: Event) -> bool {
        self.progress.records.fetch_add(1, Ordering::Relaxed);
        self.pending_bytes += event.text_len();
        self.pending.push(event);
        self.pending.len() >= self.limits.max_events || self.pending_bytes >= self.limits.max_bytes
    }

    fn take_batch(&mut self) -> Option<Vec<Event>> {
        if self.pending.is_empty() {
            return None;
        }
        self.pending_bytes = 0;
        Some(std::mem::replace(
            &mut self.pending,
            Vec::with_capacity(self.limits.max_events),
        ))
    }
}

impl Drop for SourceOutput {
    /// A source that returns without flushing loses nothing.
    fn drop(&mut self) {
        if let Some(batch) = self.take_batch() {
            self.channel.send_detached(batch);
        }
    }
}

struct Tee(Arc<dyn AckListener>, Arc<dyn AckListener>);

impl AckListener for Tee {
    fn finished(&self, seq: u64, status: AckStatus) {
        self.0.finished(seq, status);
        self.1.finished(seq, status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[derive(Default)]
    struct Collect {
        batches: Mutex<Vec<Vec<Event>>>,
    }

    #[async_trait]
    impl SourceChannel for Collect {
        async fn send(&self, batch: Vec<Event>) -> Result<(), Closed> {
            self.send_blocking(batch)
        }
        fn send_blocking(&self, batch: Vec<Event>) -> Result<(), Closed> {
            self.batches
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(batch);
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

    #[derive(Default)]
    struct Count(AtomicU64);

    impl AckListener for Count {
        fn finished(&self, _: u64, _: AckStatus) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn sizes(channel: &Collect) -> Vec<usize> {
        channel
            .batches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(Vec::len)
            .collect()
    }

    /// An output for source "s" whose batches land in the returned collector.
    fn collecting_output(limits: BatchLimits) -> (SourceOutput, Arc<Collect>) {
        let channel = Arc::new(Collect::default());
        let output = SourceOutput::new(
            "s".into(),
            channel.clone(),
            Arc::new(Count::default()),
            limits,
        );
        (output, channel)
    }

    #[test]
    fn batches_fill_up_and_the_rest_is_sent_on_drop() {
        let (mut output, channel) = collecting_output(BatchLimits {
            max_events: 2,
            max_bytes: 1000,
        });
        for i in 0..5 {
            let position = Position::of_source(output.id().clone());
            output
                .article_blocking(Article::new(i.to_string(), "x"), position)
                .expect("article blocking");
        }
        assert_eq!(sizes(&channel), [2, 2]);
        drop(output);
        assert_eq!(sizes(&channel), [2, 2, 1]);
        let seqs: Vec<Option<u64>> = channel
            .batches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .flatten()
            .map(|e| e.ack.seq())
            .collect();
        assert_eq!(seqs, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn a_byte_budget_closes_a_batch_early() {
        let (mut output, channel) = collecting_output(BatchLimits {
            max_events: 100,
            max_bytes: 10,
        });
        let position = Position::of_source(output.id().clone());
        output
            .article_blocking(Article::new("big", "0123456789ab"), position)
            .expect("article blocking");
        assert_eq!(sizes(&channel), [1]);
    }

    #[test]
    fn an_extra_listener_hears_every_outcome_too() {
        let channel = Arc::new(Collect::default());
        let runtime_count = Arc::new(Count::default());
        let source_count = Arc::new(Count::default());
        let mut output = SourceOutput::new(
            "s".into(),
            channel.clone(),
            runtime_count.clone(),
            BatchLimits::default(),
        );
        output.listen(source_count.clone());
        let position = Position::of_source(output.id().clone());
        output
            .reject_blocking(DeadLetter::raw("s", "?", None, "bad"), position)
            .expect("reject blocking");
        drop(output);
        channel
            .batches
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        assert_eq!(runtime_count.0.load(Ordering::Relaxed), 1);
        assert_eq!(source_count.0.load(Ordering::Relaxed), 1);
    }
}
