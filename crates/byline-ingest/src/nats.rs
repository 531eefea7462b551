//! The `nats` source: articles from a NATS JetStream stream, through a durable pull
//! consumer that any number of byline processes share.
//!
//! Each message is one article in the same JSON form the `jsonl` format reads, decoded by
//! the same parser ([`jsonl::decode_line`]). Work is shared by pulling: every worker asks
//! the consumer for batches, and JetStream hands each message to one of them.
//!
//! A message is acknowledged to JetStream only when byline's own end-to-end ack has said
//! what became of it:
//! - *delivered* (every sink wrote it): `+ACK`, with `double_ack`, which waits for the
//!   server to confirm (a plain ack is fire-and-forget and may be lost);
//! - *rejected* (it went to the dead letters: bad JSON, no text, a bad date, a stage
//!   error, or more than `max_deliver` deliveries): `+TERM`, also confirmed, so a poison
//!   message is never redelivered;
//! - *errored* (a sink gave up): `-NAK`, so that another worker takes it at once.
//!
//! What is never acknowledged (a worker killed with `kill -9`, an ack lost while the
//! server restarts) is redelivered after `ack_wait`, to this or another worker: that is
//! where duplicates come from, and why they are idempotent by article id.
//!
//! Nothing connects when the source is built (`byline validate` needs no server). At start
//! the source connects once (see `byline_nats::connection` for why a refused first
//! connection is an error and not a retry loop); once running, it rides out server
//! restarts, pulling again with backoff.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::consumer::{self, PullConsumer, pull};
use async_nats::jetstream::message::Acker;
use async_nats::jetstream::{self, AckKind, stream};
use async_trait::async_trait;
use byline_core::{
    AckListener, AckStatus, BrokerCounts, BuildError, Closed, ConfigError, DeadLetter,
    HumanDuration, Position, Registry, Source, SourceError, SourceOutput,
};
use byline_nats::Connection;
use futures_util::{FutureExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;
use toml::Spanned;

use crate::jsonl;
use crate::record;

/// How long one pull waits for messages before it returns empty-handed.
const PULL_WAIT: Duration = Duration::from_secs(1);
/// How long after PULL_WAIT a pull that has not ended is given up on.
const PULL_GRACE: Duration = Duration::from_secs(1);
/// How long a JetStream request (consumer info, a double ack) may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Backoff between failed pulls while the server is away.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(3);

/// Reads articles from a NATS JetStream stream through a durable pull consumer.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatsSourceConfig {
    /// The server: `"nats://127.0.0.1:4222"` (several may be given, separated by commas).
    /// Use `${NATS_URL}` to keep it out of the file.
    #[schemars(with = "String")]
    pub url: Spanned<String>,
    /// The JetStream stream to read. It is created (storing `subject`) when it does not
    /// exist yet, so workers may start before the publisher.
    #[schemars(with = "String")]
    pub stream: Spanned<String>,
    /// The subject the articles are published to (`"articles.in"`; wildcards such as
    /// `"articles.>"` are allowed). The consumer reads only this subject of the stream.
    #[schemars(with = "String")]
    pub subject: Spanned<String>,
    /// The durable consumer's name. Every worker with the same `consumer` shares one
    /// position in the stream, and each message goes to one of them.
    #[schemars(with = "String")]
    pub consumer: Spanned<String>,
    /// How long JetStream waits for a message's ack before it hands the message to another
    /// worker (`"30s"` by default). Longer than the slowest article takes to go through the
    /// pipeline and be flushed by the sinks (about 1 s), or articles are processed twice.
    /// Only used when the consumer is created: an existing consumer keeps its settings.
    #[serde(default)]
    #[schemars(with = "Option<HumanDuration>")]
    pub ack_wait: Option<Spanned<HumanDuration>>,
    /// How many messages may be delivered and not yet acknowledged, for all workers of the
    /// consumer together (10000 by default). A message is acknowledged when the sinks
    /// flush, about once a second or every 4096 records, so this also bounds the rate:
    /// below about 5000 a worker waits for its acks rather than for its CPU. What a crashed
    /// worker held (up to this many) goes round again after `ack_wait`.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub max_ack_pending: Option<Spanned<u32>>,
    /// How many messages one pull asks for (100 by default).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub batch: Option<Spanned<u32>>,
    /// A message delivered more often than this (5 by default) goes to the dead letters,
    /// with the number of deliveries as its reason, instead of through the stages: an
    /// article that crashes every worker that takes it must not go round for ever.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub max_deliver: Option<Spanned<u32>>,
    /// Stop once the consumer has nothing left: no message waiting and none delivered but
    /// unacknowledged, for any worker. For batch jobs over a stream that has been fed;
    /// by default the source runs until the pipeline is stopped.
    #[serde(default)]
    pub exit_when_drained: bool,
    /// A token the server requires. Write `token = "${NATS_TOKEN}"`, never the secret.
    #[serde(default)]
    pub token: Option<String>,
    /// A user name the server requires, with `password`.
    #[serde(default)]
    pub user: Option<String>,
    /// The password of `user`; write `"${NATS_PASSWORD}"`.
    #[serde(default)]
    pub password: Option<String>,
    /// A `.creds` file (JWT and NKey seed), for servers run with accounts.
    #[serde(default)]
    pub credentials: Option<String>,
    /// Require TLS (or write the url as `tls://...`).
    #[serde(default)]
    pub tls: bool,
    /// A PEM file of CA certificates to trust, for a server whose certificate is not
    /// signed by a public CA. Only with `tls = true`.
    #[serde(default)]
    pub ca_file: Option<String>,
}

pub fn register(registry: &mut Registry) {
    registry.register_source(
        "nats",
        "read articles (JSON) from a NATS JetStream stream through a durable pull consumer shared by any number of workers",
        |config: NatsSourceConfig, context| {
            Ok(Box::new(NatsSource::from_config(config, &context.id)?) as Box<dyn Source>)
        },
    )
    .with_options::<NatsSourceConfig>();
}

/// Checks a name at its position in the config file.
fn check_name(
    value: &Spanned<String>,
    what: &str,
    forbidden: &[char],
) -> Result<String, BuildError> {
    byline_nats::check_name(value.get_ref(), what, forbidden).map_err(|message| {
        ConfigError {
            message,
            span: Some(value.span()),
        }
        .into()
    })
}

/// A positive number option, at its position.
fn positive(value: Option<Spanned<u32>>, default: u32, what: &str) -> Result<u32, BuildError> {
    match value {
        None => Ok(default),
        Some(n) if *n.get_ref() == 0 => Err(ConfigError {
            message: format!("`{what}` must be at least 1"),
            span: Some(n.span()),
        }
        .into()),
        Some(n) => Ok(n.into_inner()),
    }
}

#[derive(Debug)]
pub struct NatsSource {
    connection: Connection,
    stream: String,
    subject: String,
    consumer: String,
    ack_wait: Duration,
    max_ack_pending: u32,
    batch: u32,
    max_deliver: u32,
    exit_when_drained: bool,
}

impl NatsSource {
    pub fn from_config(config: NatsSourceConfig, id: &str) -> Result<NatsSource, BuildError> {
        let stream = check_name(&config.stream, "stream", &['.', '*', '>', '/', '\\'])?;
        let subject = check_name(&config.subject, "subject", &[])?;
        let consumer = check_name(&config.consumer, "consumer", &['.', '*', '>', '/', '\\'])?;
        let connection = Connection {
            url: config.url.get_ref().trim().to_string(),
            token: config.token,
            user: config.user,
            password: config.password,
            credentials: config.credentials.map(Into::into),
            tls: config.tls,
            ca_file: config.ca_file.map(Into::into),
            name: format!("byline:{id}"),
        };
        connection.check().map_err(|message| ConfigError {
            message,
            span: Some(config.url.span()),
        })?;
        let ack_wait = config
            .ack_wait
            .as_ref()
            .map_or(Duration::from_secs(30), |d| d.get_ref().0);
        if ack_wait < Duration::from_secs(1) {
            return Err(ConfigError {
                message: "`ack_wait` must be at least 1s: an article needs time to pass through the stages and be flushed by the sinks".into(),
                span: config.ack_wait.as_ref().map(Spanned::span),
            }
            .into());
        }
        Ok(NatsSource {
            connection,
            stream,
            subject,
            consumer,
            ack_wait,
            max_ack_pending: positive(config.max_ack_pending, 10_000, "max_ack_pending")?,
            batch: positive(config.batch, 100, "batch")?,
            max_deliver: positive(config.max_deliver, 5, "max_deliver")?,
            exit_when_drained: config.exit_when_drained,
        })
    }

    /// Connects, and finds or creates the stream and the durable consumer.
    async fn bind(&self) -> Result<(jetstream::Context, PullConsumer), SourceError> {
        let client = byline_nats::connect(&self.connection)
            .await
            .map_err(|failure| SourceError::new(failure.message))?;
        let context = jetstream::ContextBuilder::new()
            .timeout(REQUEST_TIMEOUT)
            .build(client);
        let server = self.connection.display_url();
        let stream = context
            .get_or_create_stream(stream::Config {
                name: self.stream.clone(),
                subjects: vec![self.subject.clone()],
                ..Default::default()
            })
            .await
            .map_err(|e| {
                SourceError::new(format!(
                    "cannot find or create the JetStream stream {:?} at {server}: {e}",
                    self.stream
                ))
            })?;
        let consumer: PullConsumer = stream
            .get_or_create_consumer(
                &self.consumer,
                pull::Config {
                    durable_name: Some(self.consumer.clone()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: self.ack_wait,
                    max_ack_pending: i64::from(self.max_ack_pending),
                    // Unlimited: byline counts deliveries itself and dead-letters a message
                    // past `max_deliver`; a server-side limit would leave it stuck unacked.
                    max_deliver: -1,
                    filter_subject: self.subject.clone(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| {
                SourceError::new(format!(
                    "cannot find or create the durable consumer {:?} on stream {:?} at {server}: {e}",
                    self.consumer, self.stream
                ))
            })?;
        let configured = &consumer.cached_info().config;
        if configured.ack_wait != self.ack_wait {
            tracing::warn!(
                consumer = %self.consumer,
                "the consumer exists with ack_wait = {:?}, which it keeps (the config says {:?})",
                configured.ack_wait,
                self.ack_wait
            );
        }
        tracing::info!(
            stream = %self.stream,
            consumer = %self.consumer,
            "reading from {server}, {} messages waiting",
            consumer.cached_info().num_pending
        );
        Ok((context, consumer))
    }
}

/// What the source saw, for its closing line.
#[derive(Debug, Default)]
struct Counters {
    received: AtomicU64,
    redelivered: AtomicU64,
    acked: AtomicU64,
    terminated: AtomicU64,
    nacked: AtomicU64,
    ack_failures: AtomicU64,
}

/// What the settling task hears, in order: a message to settle later, then its outcome.
enum Note {
    // Boxed: an acker (a JetStream context and a reply subject) is large, and most notes
    // are outcomes.
    Track(u64, Box<Acker>),
    Finished(u64, AckStatus),
}

/// Hears byline's outcome of every record and passes it on to the settling task. Called
/// from whichever thread settles the record, so it only sends.
struct Outcomes(mpsc::UnboundedSender<Note>);

impl AckListener for Outcomes {
    fn finished(&self, seq: u64, status: AckStatus) {
        // The settling task is gone only after the source has stopped, when nothing is
        // acknowledged any more anyway; JetStream redelivers.
        let _ = self.0.send(Note::Finished(seq, status));
    }
}

#[async_trait]
impl Source for NatsSource {
    async fn run(self: Box<Self>, mut output: SourceOutput) -> Result<(), SourceError> {
        let (_context, consumer) = tokio::select! {
            bound = self.bind() => bound?,
            () = output.stopping() => return Ok(()),
        };
        let counters = Arc::new(Counters::default());
        let unsettled = output.broker_counts();
        let (notes, heard) = mpsc::unbounded_channel();
        output.listen(Arc::new(Outcomes(notes.clone())));
        let settling = tokio::spawn(settle_all(
            heard,
            counters.clone(),
            unsettled.clone(),
            self.ack_wait,
        ));
        let label: Arc<str> = Arc::from(format!("nats:{}", self.stream));
        let result = self
            .pull(
                &consumer,
                &mut output,
                &notes,
                &counters,
                &unsettled,
                &label,
            )
            .await;
        // Every record's outcome arrives through `notes`: once the output and the last ack
        // handle are gone, the settling task has heard them all and ends.
        drop(notes);
        if output.flush().await.is_err() {
            tracing::debug!(source = %output.id(), "the pipeline closed before the last batch");
        }
        let id = output.id().clone();
        drop(output);
        if settling.await.is_err() {
            tracing::warn!(source = %id, "the acknowledging task died; JetStream will redeliver what it had not acknowledged");
        }
        let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
        tracing::info!(
            source = %id,
            received = count(&counters.received),
            redelivered = count(&counters.redelivered),
            acked = count(&counters.acked),
            terminated = count(&counters.terminated),
            nacked = count(&counters.nacked),
            ack_failures = count(&counters.ack_failures),
            "nats source done: {} messages received ({} of them redeliveries), {} acknowledged, {} terminated as dead letters",
            count(&counters.received),
            count(&counters.redelivered),
            count(&counters.acked),
            count(&counters.terminated),
        );
        result.map_err(SourceError::from)
    }
}

impl NatsSource {
    /// Pulls batches until the pipeline stops (or, with `exit_when_drained`, until the
    /// consumer has nothing left).
    async fn pull(
        &self,
        consumer: &PullConsumer,
        output: &mut SourceOutput,
        notes: &mpsc::UnboundedSender<Note>,
        counters: &Counters,
        unsettled: &BrokerCounts,
        label: &Arc<str>,
    ) -> Result<(), Closed> {
        let mut backoff = FIRST_BACKOFF;
        let mut failing = false;
        loop {
            if output.is_stopping() {
                return Ok(());
            }
            let request = consumer
                .batch()
                .max_messages(self.batch as usize)
                .expires(PULL_WAIT)
                .messages();
            let batch = tokio::select! {
                batch = request => batch,
                () = output.stopping() => return Ok(()),
            };
            let mut messages = match batch {
                Ok(messages) => messages,
                Err(e) => {
                    self.pull_failed(&mut failing, &e.to_string());
                    output.flush().await?;
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        () = output.stopping() => return Ok(()),
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    continue;
                }
            };
            let mut got = 0usize;
            // The server ends a pull after PULL_WAIT. One lost in a server restart is never
            // ended, and the client would wait 5 s more before giving up on it: give up
            // sooner, so that a restarted server is pulled from at once.
            let give_up_at = tokio::time::Instant::now() + PULL_WAIT + PULL_GRACE;
            loop {
                // Send on what has been read before waiting for more, so that a trickle of
                // articles is not held back by a half-full batch.
                let next = match messages.next().now_or_never() {
                    Some(next) => next,
                    None => {
                        output.flush().await?;
                        tokio::select! {
                            // Timed out: the pull is over.
                            next = tokio::time::timeout_at(give_up_at, messages.next()) => next.ok().flatten(),
                            () = output.stopping() => return Ok(()),
                        }
                    }
                };
                let message = match next {
                    None => break,
                    Some(Ok(message)) => message,
                    Some(Err(e)) => {
                        self.pull_failed(&mut failing, &e.to_string());
                        break;
                    }
                };
                got += 1;
                self.emit(message, output, notes, counters, unsettled, label)
                    .await?;
            }
            if got > 0 {
                if failing {
                    tracing::info!(source = %output.id(), "pulling from JetStream again");
                    failing = false;
                }
                backoff = FIRST_BACKOFF;
                continue;
            }
            output.flush().await?;
            if self.exit_when_drained && drained(consumer, unsettled).await {
                tracing::info!(source = %output.id(), consumer = %self.consumer, "the consumer is drained");
                return Ok(());
            }
        }
    }

    /// Logs a failed pull once per outage (a server restart fails every pull until the
    /// client has reconnected).
    fn pull_failed(&self, failing: &mut bool, error: &str) {
        if !*failing {
            tracing::warn!(
                consumer = %self.consumer,
                "cannot pull from JetStream ({error}); retrying with backoff"
            );
            *failing = true;
        } else {
            tracing::debug!(consumer = %self.consumer, "pull failed again: {error}");
        }
    }

    /// Turns one message into an article (or a dead letter) and emits it, after telling
    /// the settling task how to acknowledge it.
    async fn emit(
        &self,
        message: jetstream::Message,
        output: &mut SourceOutput,
        notes: &mpsc::UnboundedSender<Note>,
        counters: &Counters,
        unsettled: &BrokerCounts,
        label: &Arc<str>,
    ) -> Result<(), Closed> {
        let (delivered, sequence) = message
            .info()
            .map(|info| (info.delivered, info.stream_sequence))
            .unwrap_or((1, 0));
        counters.received.fetch_add(1, Ordering::Relaxed);
        if delivered > 1 {
            counters.redelivered.fetch_add(1, Ordering::Relaxed);
            unsettled.redelivered.fetch_add(1, Ordering::Relaxed);
        }
        let (message, acker) = message.split();
        let seq = output.next_seq();
        unsettled.pending.fetch_add(1, Ordering::AcqRel);
        if notes.send(Note::Track(seq, Box::new(acker))).is_err() {
            return Err(Closed);
        }
        // The stream sequence stands where a file source puts the line number.
        let position = Position {
            source: output.id().clone(),
            file: Some(label.clone()),
            line: Some(sequence),
            offset: None,
        };
        let payload = message.payload.as_ref();
        if delivered > i64::from(self.max_deliver) {
            let reason = format!(
                "{position}: delivered {delivered} times, more than max_deliver = {}; no worker finished it",
                self.max_deliver
            );
            tracing::warn!(source = %output.id(), "{reason}");
            let dead_letter = DeadLetter::raw_bytes(output.id().to_string(), payload, None, reason);
            return output.reject(dead_letter, position).await;
        }
        let content = payload.trim_ascii();
        record::emit(output, jsonl::decode_line(content), position, payload).await
    }
}

/// `true` when the consumer has no message waiting and none delivered but unacknowledged
/// (for any worker), and this worker has nothing left to settle.
async fn drained(consumer: &PullConsumer, unsettled: &BrokerCounts) -> bool {
    if unsettled.pending.load(Ordering::Acquire) > 0 {
        return false;
    }
    match consumer.get_info().await {
        Ok(info) => info.num_pending == 0 && info.num_ack_pending == 0,
        Err(e) => {
            tracing::debug!("cannot read the consumer's state: {e}");
            false
        }
    }
}

/// Acknowledges each message to JetStream once byline knows its outcome, many at a time.
/// Ends when every record's outcome has been heard and every ack has finished.
async fn settle_all(
    mut heard: mpsc::UnboundedReceiver<Note>,
    counters: Arc<Counters>,
    unsettled: Arc<BrokerCounts>,
    ack_wait: Duration,
) {
    let mut waiting: HashMap<u64, Box<Acker>> = HashMap::new();
    let mut acks = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            note = heard.recv() => match note {
                None => break,
                Some(Note::Track(seq, acker)) => {
                    waiting.insert(seq, acker);
                }
                Some(Note::Finished(seq, status)) => {
                    if let Some(acker) = waiting.remove(&seq) {
                        let counters = counters.clone();
                        let unsettled = unsettled.clone();
                        acks.spawn(async move {
                            settle(acker, status, &counters, ack_wait).await;
                            unsettled.pending.fetch_sub(1, Ordering::AcqRel);
                        });
                    }
                }
            },
            Some(_) = acks.join_next(), if !acks.is_empty() => {}
        }
    }
    while acks.join_next().await.is_some() {}
    if !waiting.is_empty() {
        tracing::warn!(
            "{} messages ended without an outcome; JetStream will redeliver them after ack_wait",
            waiting.len()
        );
    }
}

/// Sends one message's ack, retrying while the server is away, for at most `ack_wait`:
/// after that JetStream has redelivered the message anyway.
async fn settle(acker: Box<Acker>, status: AckStatus, counters: &Counters, ack_wait: Duration) {
    let started = tokio::time::Instant::now();
    let mut delay = FIRST_BACKOFF;
    loop {
        let result = match status {
            AckStatus::Delivered => acker.double_ack().await,
            AckStatus::Rejected => acker.double_ack_with(AckKind::Term).await,
            AckStatus::Errored => acker.ack_with(AckKind::Nak(None)).await,
        };
        match result {
            Ok(()) => {
                let counter = match status {
                    AckStatus::Delivered => &counters.acked,
                    AckStatus::Rejected => &counters.terminated,
                    AckStatus::Errored => &counters.nacked,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Err(e) if started.elapsed() + delay < ack_wait => {
                tracing::debug!("cannot acknowledge a message yet ({e}); retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_BACKOFF);
            }
            Err(e) => {
                counters.ack_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    "cannot acknowledge a {status} message ({e}); JetStream will redeliver it after ack_wait, which makes a duplicate"
                );
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    fn build(toml: &str) -> Result<NatsSource, BuildError> {
        let config: NatsSourceConfig = RawConfig::from_toml(toml)
            .and_then(RawConfig::parse)
            .map_err(BuildError::from)?;
        NatsSource::from_config(config, "work")
    }

    const MINIMAL: &str = "url = \"nats://127.0.0.1:1\"\nstream = \"ARTICLES\"\nsubject = \"articles.in\"\nconsumer = \"workers\"\n";

    #[test]
    fn a_minimal_config_builds_without_a_server_and_has_defaults() {
        let source = build(MINIMAL).expect("build the component");
        assert_eq!(source.ack_wait, Duration::from_secs(30));
        assert_eq!(
            (source.max_ack_pending, source.batch, source.max_deliver),
            (10_000, 100, 5)
        );
        assert!(!source.exit_when_drained);
        assert_eq!(source.connection.name, "byline:work");
    }

    #[test]
    fn options_are_read() {
        let source = build(&format!(
            "{MINIMAL}ack_wait = \"2s\"\nmax_ack_pending = 50\nbatch = 10\nmax_deliver = 3\nexit_when_drained = true\ntoken = \"t\"\n"
        ))
        .expect("build the component");
        assert_eq!(source.ack_wait, Duration::from_secs(2));
        assert_eq!(
            (source.max_ack_pending, source.batch, source.max_deliver),
            (50, 10, 3)
        );
        assert!(source.exit_when_drained);
        assert_eq!(source.connection.token.as_deref(), Some("t"));
    }

    #[test]
    fn bad_options_are_refused_with_their_reason() {
        let cases = [
            (
                MINIMAL.replace("\"workers\"", "\"my.workers\""),
                "may not contain '.'",
            ),
            (format!("{MINIMAL}ack_wait = \"30\""), "invalid duration"),
            (format!("{MINIMAL}ack_wait = \"10ms\""), "at least 1s"),
            (format!("{MINIMAL}batch = 0"), "at least 1"),
            (
                format!("{MINIMAL}token = \"t\"\nuser = \"u\"\npassword = \"p\""),
                "one way",
            ),
            (format!("{MINIMAL}durable = true"), "unknown field"),
        ];
        for (toml, expected) in cases {
            match build(&toml) {
                Err(BuildError::Config(e)) => {
                    assert!(e.message.contains(expected), "{toml}: {}", e.message)
                }
                Err(other) => panic!("{toml}: {other}"),
                Ok(_) => panic!("{toml}: accepted"),
            }
        }
    }
}
