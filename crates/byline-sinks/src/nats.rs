//! The `nats` sink: publishes each article, as one output-contract JSON object, to a
//! NATS JetStream subject.
//!
//! Delivery: `write` publishes without waiting (many publishes in flight, not one round
//! trip per article) and keeps each publish's ack future; `flush` awaits them all. The
//! runtime acknowledges an article upstream only after a `flush` that followed its `write`
//! returned `Ok`, so an article counts as delivered only once JetStream has stored it. If
//! any ack fails (a server restart, a timeout) `flush` fails, and the runtime publishes
//! everything since the last good flush again; the `Nats-Msg-Id` header (the article id)
//! lets JetStream drop the copies it already stored, within the stream's duplicate window.
//!
//! Nothing connects when the sink is built (`byline validate` needs no server): the first
//! `write` connects, and creates the stream when it does not exist.

use std::time::Duration;

use async_nats::header::NATS_MESSAGE_ID;
use async_nats::jetstream::{self, context::PublishAckFuture, stream};
use async_trait::async_trait;
use byline_core::HumanDuration;
use byline_core::{BuildError, ConfigError, Event, Payload, Registry, Sink, SinkError};
use byline_nats::{Connection, FailureKind};
use serde::Deserialize;
use toml::Spanned;

use crate::jsonl::{self, JsonStyle};

/// How long JetStream requests (stream lookup, a publish ack) may take before they count
/// as failed. Short, so that a server restart turns into a quick retry rather than a
/// long wait.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Publishes every article to a NATS JetStream subject.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatsSinkConfig {
    /// The server: `"nats://127.0.0.1:4222"` (several may be given, separated by commas).
    /// Use `${NATS_URL}` to keep it out of the file.
    #[schemars(with = "String")]
    pub url: Spanned<String>,
    /// The subject each article is published to, such as `"articles.in"`. No wildcards.
    #[schemars(with = "String")]
    pub subject: Spanned<String>,
    /// The JetStream stream that stores `subject`. It is created (with `subject` as its
    /// only subject) when it does not exist; an existing stream is used as it is.
    #[schemars(with = "String")]
    pub stream: Spanned<String>,
    /// When a new stream lets go of messages: `"limits"` (default: only `max_age` and
    /// `max_bytes` remove them, so results can be read again) or `"workqueue"` (a message
    /// is removed once a consumer acknowledges it).
    #[serde(default)]
    pub retention: Retention,
    /// A new stream drops messages older than this (`"24h"`); kept for ever by default.
    #[serde(default)]
    pub max_age: Option<HumanDuration>,
    /// A new stream drops its oldest messages beyond this many bytes; unlimited by default.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// How long a new stream remembers message ids to drop re-sent copies (`"2m"`, the
    /// JetStream default).
    #[serde(default)]
    pub duplicate_window: Option<HumanDuration>,
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

/// A new stream's retention policy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Retention {
    #[default]
    Limits,
    Workqueue,
}

pub fn register(registry: &mut Registry) {
    registry.register_sink(
        "nats",
        "publish articles to a NATS JetStream subject (waits for JetStream's ack before acknowledging)",
        |config: NatsSinkConfig, context| {
            let sink = NatsSink::from_config(config, &context.id)?;
            Ok(Box::new(sink) as Box<dyn Sink>)
        },
    )
    .with_options::<NatsSinkConfig>();
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

pub struct NatsSink {
    connection: Connection,
    subject: String,
    stream: stream::Config,
    /// Set once connected and the stream is known to exist.
    context: Option<jetstream::Context>,
    client: Option<async_nats::Client>,
    /// Publishes whose ack has not been awaited yet, in order.
    in_flight: Vec<PublishAckFuture>,
    buffer: Vec<u8>,
    published: u64,
    duplicates: u64,
}

impl NatsSink {
    pub fn from_config(config: NatsSinkConfig, id: &str) -> Result<NatsSink, BuildError> {
        // A subject to publish to is concrete; a stream name may not hold what NATS uses
        // as separators.
        let subject = check_name(&config.subject, "subject", &['*', '>'])?;
        let stream_name = check_name(&config.stream, "stream", &['.', '*', '>', '/', '\\'])?;
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
        let mut stream = stream::Config {
            name: stream_name,
            subjects: vec![subject.clone()],
            retention: match config.retention {
                Retention::Limits => stream::RetentionPolicy::Limits,
                Retention::Workqueue => stream::RetentionPolicy::WorkQueue,
            },
            storage: stream::StorageType::File,
            ..Default::default()
        };
        if let Some(age) = config.max_age {
            stream.max_age = age.0;
        }
        if let Some(bytes) = config.max_bytes {
            stream.max_bytes = i64::try_from(bytes).unwrap_or(i64::MAX);
        }
        if let Some(window) = config.duplicate_window {
            stream.duplicate_window = window.0;
        }
        Ok(NatsSink {
            connection,
            subject,
            stream,
            context: None,
            client: None,
            in_flight: Vec::new(),
            buffer: Vec::with_capacity(64 * 1024),
            published: 0,
            duplicates: 0,
        })
    }

    /// Connects (the first time) and makes sure the stream exists.
    async fn context(&mut self) -> Result<jetstream::Context, SinkError> {
        if let Some(context) = &self.context {
            return Ok(context.clone());
        }
        let client = match &self.client {
            Some(client) => client.clone(),
            None => {
                let client = byline_nats::connect(&self.connection)
                    .await
                    .map_err(|failure| match failure.kind {
                        // None of these pass by themselves: stop at once, with one message.
                        FailureKind::Refused
                        | FailureKind::Tls
                        | FailureKind::Config
                        | FailureKind::Unreachable => SinkError::closed(failure.message),
                    })?;
                self.client = Some(client.clone());
                client
            }
        };
        let context = jetstream::ContextBuilder::new()
            .timeout(REQUEST_TIMEOUT)
            .ack_timeout(REQUEST_TIMEOUT)
            .build(client);
        match context.get_or_create_stream(self.stream.clone()).await {
            Ok(mut existing) => {
                let subjects = existing
                    .info()
                    .await
                    .map(|info| info.config.subjects.clone())
                    .unwrap_or_default();
                tracing::info!(
                    stream = %self.stream.name,
                    subject = %self.subject,
                    "publishing to JetStream stream {} (subjects {:?})",
                    self.stream.name,
                    subjects
                );
            }
            Err(e) => {
                let message = format!(
                    "cannot find or create the JetStream stream {:?} at {}: {e}",
                    self.stream.name,
                    self.connection.display_url()
                );
                return Err(
                    if e.kind() == jetstream::context::CreateStreamErrorKind::JetStreamUnavailable {
                        SinkError::permanent(format!(
                            "{message} (start the server with JetStream on: nats-server -js)"
                        ))
                    } else {
                        SinkError::new(message)
                    },
                );
            }
        }
        self.context = Some(context.clone());
        Ok(context)
    }
}

#[async_trait]
impl Sink for NatsSink {
    async fn write(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let context = self.context().await?;
        for event in events {
            self.buffer.clear();
            jsonl::encode(event, JsonStyle::Json, &mut self.buffer)
                .map_err(|e| SinkError::new(format!("cannot encode {}: {e}", event.position)))?;
            if self.buffer.last() == Some(&b'\n') {
                self.buffer.pop();
            }
            // The id JetStream de-duplicates on: re-sends of one article within the
            // duplicate window are stored once.
            let message_id = match &event.payload {
                Payload::Article(article) => article.id.clone(),
                Payload::DeadLetter(_) => format!("dead-letter:{}", event.position),
            };
            let mut headers = async_nats::HeaderMap::new();
            headers.insert(NATS_MESSAGE_ID, message_id.as_str());
            let ack = context
                .publish_with_headers(self.subject.clone(), headers, self.buffer.clone().into())
                .await
                .map_err(|e| SinkError::new(format!("cannot publish to {}: {e}", self.subject)))?;
            self.in_flight.push(ack);
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        let pending = std::mem::take(&mut self.in_flight);
        if pending.is_empty() {
            return Ok(());
        }
        let total = pending.len();
        let acks = futures_util::future::join_all(pending.into_iter().map(|ack| ack.into_future()));
        let mut failed = 0;
        let mut first_error = None;
        for result in acks.await {
            match result {
                Ok(ack) if ack.duplicate => self.duplicates += 1,
                Ok(_) => self.published += 1,
                Err(e) => {
                    failed += 1;
                    first_error.get_or_insert(e.to_string());
                }
            }
        }
        match first_error {
            None => {
                tracing::debug!(
                    subject = %self.subject,
                    published = self.published,
                    duplicates = self.duplicates,
                    "JetStream stored {total} messages"
                );
                Ok(())
            }
            Some(error) => Err(SinkError::new(format!(
                "JetStream did not confirm {failed} of {total} messages on {} ({error}); they will be published again",
                self.subject
            ))),
        }
    }
}

impl Drop for NatsSink {
    fn drop(&mut self) {
        if self.published + self.duplicates > 0 {
            tracing::info!(
                subject = %self.subject,
                "nats sink: {} messages stored, {} re-sends dropped by JetStream as duplicates",
                self.published,
                self.duplicates
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    fn build(toml: &str) -> Result<NatsSink, BuildError> {
        let config: NatsSinkConfig = RawConfig::from_toml(toml)
            .and_then(RawConfig::parse)
            .map_err(BuildError::from)?;
        NatsSink::from_config(config, "out")
    }

    #[test]
    fn a_minimal_config_builds_without_a_server() {
        let sink =
            build("url = \"nats://127.0.0.1:1\"\nsubject = \"articles.out\"\nstream = \"RESULTS\"")
                .expect("build the component");
        assert_eq!(sink.stream.subjects, ["articles.out"]);
        assert_eq!(sink.stream.retention, stream::RetentionPolicy::Limits);
    }

    #[test]
    fn stream_options_reach_the_new_stream() {
        let sink = build(
            "url = \"nats://h:4222\"\nsubject = \"a\"\nstream = \"S\"\nretention = \"workqueue\"\nmax_age = \"24h\"\nmax_bytes = 1000000",
        )
        .expect("build the component");
        assert_eq!(sink.stream.retention, stream::RetentionPolicy::WorkQueue);
        assert_eq!(sink.stream.max_age, Duration::from_secs(86_400));
        assert_eq!(sink.stream.max_bytes, 1_000_000);
    }

    #[test]
    fn bad_names_and_options_are_refused_at_their_position() {
        let cases = [
            (
                "url = \"nats://h\"\nsubject = \"articles.*\"\nstream = \"S\"",
                "may not contain '*'",
            ),
            (
                "url = \"nats://h\"\nsubject = \"a\"\nstream = \"my.stream\"",
                "may not contain '.'",
            ),
            (
                "url = \"nats://h\"\nsubject = \"a\"\nstream = \"S\"\nuser = \"u\"",
                "go together",
            ),
            (
                "url = \"nats://h\"\nsubject = \"a\"\nstream = \"S\"\nmax_age = \"24\"",
                "invalid duration",
            ),
            (
                "url = \"nats://h\"\nsubject = \"a\"\nstream = \"S\"\nretention = \"interest\"",
                "workqueue",
            ),
            (
                "url = \"nats://h\"\nsubject = \"a\"\nstream = \"S\"\nsubjects = []",
                "unknown field",
            ),
        ];
        for (toml, expected) in cases {
            match build(toml) {
                Err(BuildError::Config(e)) => {
                    assert!(e.message.contains(expected), "{toml}: {}", e.message);
                    assert!(e.span.is_some(), "{toml}: no position");
                }
                Err(other) => panic!("{toml}: {other}"),
                Ok(_) => panic!("{toml}: accepted"),
            }
        }
    }
}
