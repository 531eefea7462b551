//! Connecting to a NATS server with a component's security options, and saying clearly
//! why a connection was refused.
//!
//! Policy, the same for the source and the sink:
//! - The **first** connection is tried once, for at most [`CONNECT_TIMEOUT`]. If it fails,
//!   the component fails at start with one message naming the server and the cause. A
//!   worker pointed at the wrong address or with the wrong token is a configuration
//!   mistake; retrying it for ever would hide it behind a process that looks alive, and a
//!   supervisor (systemd, Kubernetes) is the right place to restart a worker.
//! - **Once connected**, the client reconnects on its own, for ever, with backoff: a
//!   server restart is an ordinary event in a long-running pipeline, and JetStream keeps
//!   the messages and the consumer's state across it.

use std::path::PathBuf;
use std::time::Duration;

use async_nats::{Client, ConnectErrorKind, ConnectOptions};

/// How long the first connection may take before the component gives up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The longest wait between reconnect attempts. The client's own default grows to 4 s,
/// which a restarted server spends idle; one attempt a second costs nothing.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// Where a component connects and how it proves who it is. Built from the component's own
/// config table (each component declares the fields itself, since serde's `flatten` does
/// not mix with `deny_unknown_fields`).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// `nats://host:4222`, `tls://host:4222`, or several separated by commas.
    pub url: String,
    pub token: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// A `.creds` file (JWT and NKey seed), as `nsc` writes them.
    pub credentials: Option<PathBuf>,
    /// Refuse to talk to the server without TLS.
    pub tls: bool,
    /// A PEM file of the CA certificates to trust for TLS (the system's roots otherwise).
    pub ca_file: Option<PathBuf>,
    /// The client name the server shows in its monitoring (`byline:<component id>`).
    pub name: String,
}

impl Connection {
    /// Checks that the options fit together; the message names the fields at fault.
    pub fn check(&self) -> Result<(), String> {
        if self.url.trim().is_empty() {
            return Err(
                "`url` is empty (expected something like \"nats://127.0.0.1:4222\")".into(),
            );
        }
        let methods = [
            self.token.is_some(),
            self.user.is_some() || self.password.is_some(),
            self.credentials.is_some(),
        ];
        if methods.iter().filter(|m| **m).count() > 1 {
            return Err(
                "use one way to authenticate: `token`, `user` with `password`, or `credentials`"
                    .into(),
            );
        }
        if self.user.is_some() != self.password.is_some() {
            return Err("`user` and `password` go together".into());
        }
        if self.ca_file.is_some() && !self.tls {
            return Err("`ca_file` is only used with `tls = true`".into());
        }
        Ok(())
    }

    /// The server address(es) for messages: any `user:password@` part is left out, so a
    /// secret never reaches a log.
    pub fn display_url(&self) -> String {
        self.url
            .split(',')
            .map(|url| {
                let url = url.trim();
                match (url.find("://"), url.rfind('@')) {
                    (Some(scheme), Some(at)) if at > scheme => {
                        format!("{}{}", &url[..scheme + 3], &url[at + 1..])
                    }
                    (None, Some(at)) => url[at + 1..].to_string(),
                    _ => url.to_string(),
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Checks a subject, stream or consumer name from a config: not empty, no whitespace and
/// none of `forbidden` (what NATS uses as separators and wildcards where they do not
/// belong). Returns the trimmed name, or the message for the config error.
pub fn check_name(value: &str, what: &str, forbidden: &[char]) -> Result<String, String> {
    let name = value.trim();
    if name.is_empty() {
        return Err(format!("`{what}` is empty"));
    }
    match name
        .chars()
        .find(|c| forbidden.contains(c) || c.is_whitespace())
    {
        Some(c) => Err(format!("`{what}` {name:?} may not contain {c:?}")),
        None => Ok(name.to_string()),
    }
}

/// Why the first connection failed, sorted by what the operator has to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The server refused the credentials (a wrong token, user or password, or creds).
    Refused,
    /// TLS could not be set up (no TLS on the server, an untrusted certificate, a bad CA
    /// file).
    Tls,
    /// The server could not be reached (nothing listening, a wrong host, a firewall).
    Unreachable,
    /// The options themselves are unusable (a malformed url, an unreadable creds file).
    Config,
}

/// The first connection failed: one message for a person, and its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConnectFailure {
    pub kind: FailureKind,
    pub message: String,
}

/// Connects with the component's options (see the module docs for the retry policy).
pub async fn connect(connection: &Connection) -> Result<Client, ConnectFailure> {
    let server = connection.display_url();
    let fail = |kind, message: String| ConnectFailure { kind, message };
    let log_name = connection.name.clone();
    let mut options = ConnectOptions::new()
        .name(&connection.name)
        .connection_timeout(CONNECT_TIMEOUT)
        .max_reconnects(None)
        .reconnect_delay_callback(|attempts| {
            // 0, 2, 4, 8, ... ms, then once a second.
            let exponent = u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX);
            let millis = if attempts <= 1 {
                0
            } else {
                2u64.saturating_pow(exponent)
            };
            Duration::from_millis(millis).min(MAX_RECONNECT_DELAY)
        })
        .event_callback(move |event| {
            let name = log_name.clone();
            async move {
                match event {
                    async_nats::Event::Connected => tracing::info!(client = %name, "NATS: connected"),
                    async_nats::Event::Disconnected => {
                        tracing::warn!(client = %name, "NATS: disconnected; reconnecting with backoff")
                    }
                    // Dropping the client at the end of a run closes it, and every failed
                    // reconnect attempt is a client error: "disconnected" and "connected"
                    // already tell the story.
                    async_nats::Event::Closed | async_nats::Event::ClientError(_) => {
                        tracing::debug!(client = %name, "NATS: {event}")
                    }
                    other => tracing::warn!(client = %name, "NATS: {other}"),
                }
            }
        });
    if let Some(token) = &connection.token {
        options = options.token(token.clone());
    }
    if let (Some(user), Some(password)) = (&connection.user, &connection.password) {
        options = options.user_and_password(user.clone(), password.clone());
    }
    if let Some(path) = &connection.credentials {
        options = options.credentials_file(path).await.map_err(|e| {
            fail(
                FailureKind::Config,
                format!("cannot read the credentials file {}: {e}", path.display()),
            )
        })?;
    }
    if connection.tls {
        options = options.require_tls(true);
        if let Some(ca) = &connection.ca_file {
            options = options.add_root_certificates(ca.clone());
        }
    }
    options.connect(connection.url.as_str()).await.map_err(|e| {
        // The client reports a certificate it does not trust as an I/O error; only its
        // text tells it from a refused TCP connection.
        let text = e.to_string();
        let certificate_trouble = text.contains("certificate") || text.contains("TLS");
        let (kind, hint) = match e.kind() {
            ConnectErrorKind::Io if certificate_trouble => (
                FailureKind::Tls,
                "check `tls`, `ca_file` and that the server has TLS on",
            ),
            ConnectErrorKind::AuthorizationViolation | ConnectErrorKind::Authentication => (
                FailureKind::Refused,
                "the server refused the credentials; check `token`, `user`/`password` or `credentials`",
            ),
            ConnectErrorKind::Tls => (
                FailureKind::Tls,
                "check `tls`, `ca_file` and that the server has TLS on",
            ),
            ConnectErrorKind::ServerParse | ConnectErrorKind::Dns => {
                (FailureKind::Config, "check `url`")
            }
            ConnectErrorKind::TimedOut
            | ConnectErrorKind::Io
            | ConnectErrorKind::MaxReconnects => (
                FailureKind::Unreachable,
                "is nats-server running there? byline does not retry a first connection",
            ),
        };
        let what = match kind {
            FailureKind::Refused => format!("authorization violation at {server}"),
            FailureKind::Tls => format!("TLS failed with {server}"),
            FailureKind::Unreachable => format!(
                "cannot reach the NATS server at {server} within {}s",
                CONNECT_TIMEOUT.as_secs()
            ),
            FailureKind::Config => format!("cannot connect to {server}"),
        };
        let message = match kind {
            // The client's own words add nothing to "authorization violation".
            FailureKind::Refused => format!("{what}: {hint}"),
            _ => format!("{what} ({e}); {hint}"),
        };
        fail(kind, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_the_url_never_reach_a_message() {
        let connection = Connection {
            url: "nats://alice:s3cret@10.0.0.1:4222, tls://h:4443".into(),
            ..Connection::default()
        };
        assert_eq!(
            connection.display_url(),
            "nats://10.0.0.1:4222,tls://h:4443"
        );
    }

    #[test]
    fn one_way_to_authenticate_at_a_time() {
        let base = Connection {
            url: "nats://127.0.0.1:4222".into(),
            ..Connection::default()
        };
        assert!(base.check().is_ok());
        let both = Connection {
            token: Some("t".into()),
            user: Some("u".into()),
            password: Some("p".into()),
            ..base.clone()
        };
        assert!(both.check().is_err_and(|e| e.contains("one way")));
        let half = Connection {
            user: Some("u".into()),
            ..base.clone()
        };
        assert!(half.check().is_err_and(|e| e.contains("go together")));
        let ca_without_tls = Connection {
            ca_file: Some("ca.pem".into()),
            ..base
        };
        assert!(
            ca_without_tls
                .check()
                .is_err_and(|e| e.contains("tls = true"))
        );
    }

    #[tokio::test]
    async fn nothing_listening_is_reported_quickly_and_clearly() {
        // A port that was just free: connecting is refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(1);
        let connection = Connection {
            url: format!("nats://127.0.0.1:{port}"),
            name: "test".into(),
            ..Connection::default()
        };
        let started = std::time::Instant::now();
        let failure = connect(&connection).await.err();
        assert!(started.elapsed() < CONNECT_TIMEOUT + Duration::from_secs(2));
        let failure = failure.unwrap_or_else(|| panic!("connected to nothing"));
        assert_eq!(failure.kind, FailureKind::Unreachable);
        assert!(
            failure.message.contains(&format!("127.0.0.1:{port}")),
            "{}",
            failure.message
        );
    }
}
