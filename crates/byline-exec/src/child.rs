//! One running child process: started, handshaken, fed request lines, read answer lines.
//!
//! Each pipe has its own thread so that nothing the child does can block the worker that
//! drives it: a child that stops reading its stdin only fills a pipe the writer thread waits
//! on, and the worker still notices the per-article timeout and kills it. The stdout thread
//! turns lines into [`ChildEvent`]s; the stderr thread forwards lines to tracing with the
//! stage id and keeps the last few for startup error messages.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::protocol::{self, HandshakeError};
use byline_core::HumanDuration;

/// How many stderr lines a startup error quotes.
const STDERR_TAIL_LINES: usize = 8;
/// How long a child gets to exit after its stdin closes before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(1000);

/// Everything needed to start (and restart) the child of one exec stage.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// The stage id, sent in the handshake and attached to every log line.
    pub stage: String,
    pub command: Vec<String>,
    pub env: BTreeMap<String, String>,
    pub cwd: Option<PathBuf>,
    /// The `config` table, sent in the handshake.
    pub config: Map<String, Value>,
    pub startup_timeout: Duration,
}

impl ChildSpec {
    /// The command as a user would type it, for messages.
    pub fn command_line(&self) -> String {
        self.command.join(" ")
    }
}

/// Why a child could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the command is empty")]
    EmptyCommand,
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error(
        "`{command}` did not answer the handshake within {waited} (does it flush stdout after each line?){stderr}"
    )]
    NoHandshake {
        command: String,
        waited: HumanDuration,
        stderr: StderrTail,
    },
    #[error("`{command}` exited before answering the handshake ({status}){stderr}")]
    ExitedBeforeHandshake {
        command: String,
        status: String,
        stderr: StderrTail,
    },
    #[error("`{command}` refused: {error}{stderr}")]
    BadHandshake {
        command: String,
        error: HandshakeError,
        stderr: StderrTail,
    },
}

/// The last lines a child wrote to stderr, shown after an error message.
#[derive(Debug, Clone, Default)]
pub struct StderrTail(Vec<String>);

impl std::fmt::Display for StderrTail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return Ok(());
        }
        write!(f, "; its stderr ended with:")?;
        for line in &self.0 {
            write!(f, "\n    {line}")?;
        }
        Ok(())
    }
}

/// What the stdout thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEvent {
    Line(String),
    /// stdout reached its end: the child exited or closed it.
    Closed,
}

/// A started child that has answered the handshake.
pub struct ChildProcess {
    child: Child,
    name: String,
    requests: Option<Sender<String>>,
    events: Receiver<ChildEvent>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_thread: Option<thread::JoinHandle<()>>,
    next_id: u64,
}

impl ChildProcess {
    /// Starts the child and performs the handshake.
    pub fn start(spec: &ChildSpec) -> Result<ChildProcess, StartError> {
        let (program, args) = spec.command.split_first().ok_or(StartError::EmptyCommand)?;
        let mut command = Command::new(program);
        command
            .args(args)
            .envs(&spec.env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(cwd) = &spec.cwd {
            command.current_dir(cwd);
        }
        let mut child = command.spawn().map_err(|source| StartError::Spawn {
            command: spec.command_line(),
            source,
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            // Every pipe was requested above, so this cannot happen; clean up regardless.
            let _ = child.kill();
            let _ = child.wait();
            return Err(StartError::Spawn {
                command: spec.command_line(),
                source: std::io::Error::other("a pipe to the child is missing"),
            });
        };
        let requests = spawn_writer(stdin, &spec.stage, pid);
        let events = spawn_stdout_reader(stdout, &spec.stage, pid);
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_thread = spawn_stderr_forwarder(stderr, &spec.stage, pid, stderr_tail.clone());
        let mut process = ChildProcess {
            child,
            name: String::new(),
            requests: Some(requests),
            events,
            stderr_tail,
            stderr_thread,
            next_id: 1,
        };
        process.name = match process.handshake(spec) {
            Ok(name) => name,
            Err(e) => {
                // A child that failed the handshake is of no use: no grace period.
                process.kill();
                return Err(e);
            }
        };
        tracing::debug!(stage = %spec.stage, pid, name = %process.name, "exec child started");
        Ok(process)
    }

    fn handshake(&mut self, spec: &ChildSpec) -> Result<String, StartError> {
        let command = spec.command_line();
        let sent = self.send_line(protocol::handshake_line(&spec.stage, &spec.config));
        let reply = if sent {
            self.events.recv_timeout(spec.startup_timeout)
        } else {
            Ok(ChildEvent::Closed)
        };
        match reply {
            Ok(ChildEvent::Line(line)) => {
                protocol::check_handshake_reply(&line).map_err(|error| StartError::BadHandshake {
                    command,
                    error,
                    stderr: self.stderr_tail(),
                })
            }
            Ok(ChildEvent::Closed) | Err(RecvTimeoutError::Disconnected) => {
                let status = self.wait_for_exit();
                Err(StartError::ExitedBeforeHandshake {
                    command,
                    status,
                    stderr: self.stderr_tail(),
                })
            }
            Err(RecvTimeoutError::Timeout) => Err(StartError::NoHandshake {
                command,
                waited: HumanDuration(spec.startup_timeout),
                stderr: self.stderr_tail(),
            }),
        }
    }

    /// The name the child gave in its handshake.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one request and returns its id, or `None` when the child no longer reads.
    pub fn send_request(&mut self, article_payload: &str) -> Option<u64> {
        let id = self.next_id;
        self.next_id += 1;
        self.send_line(protocol::request_line(id, article_payload))
            .then_some(id)
    }

    fn send_line(&self, line: String) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|requests| requests.send(line).is_ok())
    }

    /// Waits up to `timeout` for the next line or the end of stdout.
    pub fn next_event(&self, timeout: Duration) -> Option<ChildEvent> {
        match self.events.recv_timeout(timeout) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Disconnected) => Some(ChildEvent::Closed),
            Err(RecvTimeoutError::Timeout) => None,
        }
    }

    /// For a child whose stdout has closed: waits for it to exit (killing it after a grace
    /// period) and describes how it ended.
    pub fn wait_for_exit(&mut self) -> String {
        self.requests = None;
        let deadline = Instant::now() + EXIT_GRACE;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return describe_exit(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(5)),
                Ok(None) => {
                    let _ = self.child.kill();
                    return match self.child.wait() {
                        Ok(_) => "closed its stdout and was killed".to_string(),
                        Err(e) => format!("closed its stdout and could not be reaped: {e}"),
                    };
                }
                Err(e) => return format!("its exit status is unknown: {e}"),
            }
        }
    }

    /// Kills a child that stopped answering.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The last lines of stderr, once the stderr thread has read what the child left.
    pub fn stderr_tail(&mut self) -> StderrTail {
        if let Some(handle) = self.stderr_thread.take() {
            let deadline = Instant::now() + Duration::from_millis(200);
            while !handle.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(5));
            }
            if !handle.is_finished() {
                self.stderr_thread = Some(handle);
            }
        }
        let tail = self
            .stderr_tail
            .lock()
            .map(|lines| lines.iter().cloned().collect())
            .unwrap_or_default();
        StderrTail(tail)
    }
}

impl Drop for ChildProcess {
    /// Closes stdin, which asks the child to exit; kills it if it does not.
    fn drop(&mut self) {
        self.requests = None;
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let deadline = Instant::now() + EXIT_GRACE;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("exit code {code}"),
        None => status.to_string(),
    }
}

fn spawn_writer(mut stdin: ChildStdin, stage: &str, pid: u32) -> Sender<String> {
    let (sender, receiver) = mpsc::channel::<String>();
    let stage = stage.to_string();
    let spawned = thread::Builder::new()
        .name(format!("exec-{stage}-stdin"))
        .spawn(move || {
            for line in receiver {
                if let Err(e) = stdin
                    .write_all(line.as_bytes())
                    .and_then(|()| stdin.flush())
                {
                    tracing::debug!(stage = %stage, pid, "exec child stopped reading: {e}");
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        // Without a writer the sender's receiver is dropped, so every send fails and the
        // stage treats the child as dead: the error surfaces, nothing hangs.
        tracing::error!("cannot start a thread for an exec child: {e}");
    }
    sender
}

fn spawn_stdout_reader(
    stdout: impl Read + Send + 'static,
    stage: &str,
    pid: u32,
) -> Receiver<ChildEvent> {
    let (sender, receiver) = mpsc::channel();
    let stage = stage.to_string();
    let spawned = thread::Builder::new()
        .name(format!("exec-{stage}-stdout"))
        .spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut buffer = Vec::new();
            loop {
                buffer.clear();
                match reader.read_until(b'\n', &mut buffer) {
                    Ok(0) => break,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buffer).trim_end().to_string();
                        if sender.send(ChildEvent::Line(line)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(stage = %stage, pid, "reading the exec child's stdout failed: {e}");
                        break;
                    }
                }
            }
            let _ = sender.send(ChildEvent::Closed);
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a thread for an exec child: {e}");
    }
    receiver
}

fn spawn_stderr_forwarder(
    stderr: impl Read + Send + 'static,
    stage: &str,
    pid: u32,
    tail: Arc<Mutex<VecDeque<String>>>,
) -> Option<thread::JoinHandle<()>> {
    let stage = stage.to_string();
    let spawned = thread::Builder::new()
        .name(format!("exec-{stage}-stderr"))
        .spawn(move || {
            let reader = BufReader::new(stderr);
            for line in reader.split(b'\n') {
                let Ok(line) = line else { break };
                let line = String::from_utf8_lossy(&line).trim_end().to_string();
                tracing::warn!(stage = %stage, pid, "exec child: {line}");
                if let Ok(mut tail) = tail.lock() {
                    if tail.len() == STDERR_TAIL_LINES {
                        tail.pop_front();
                    }
                    tail.push_back(protocol::shorten(&line));
                }
            }
        });
    match spawned {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::error!("cannot start a thread for an exec child: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(script: &str) -> ChildSpec {
        ChildSpec {
            stage: "t".into(),
            command: vec!["sh".into(), "-c".into(), script.into()],
            env: BTreeMap::new(),
            cwd: None,
            config: Map::new(),
            startup_timeout: Duration::from_secs(5),
        }
    }

    const HELLO: &str = r#"read line; echo '{"protocol":"byline-exec","version":1,"name":"sh"}'"#;

    #[test]
    fn starts_a_child_that_answers_the_handshake() {
        let child =
            ChildProcess::start(&spec(&format!("{HELLO}; cat > /dev/null"))).expect("start");
        assert_eq!(child.name(), "sh");
    }

    #[test]
    fn requests_get_increasing_ids_and_lines_come_back() {
        let script = format!("{HELLO}; while read line; do echo \"$line\"; done");
        let mut child = ChildProcess::start(&spec(&script)).expect("spec");
        assert_eq!(child.send_request("{}"), Some(1));
        assert_eq!(child.send_request("{}"), Some(2));
        let first = child.next_event(Duration::from_secs(5));
        assert_eq!(
            first,
            Some(ChildEvent::Line(r#"{"id":1,"article":{}}"#.into()))
        );
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let mut s = spec("");
        s.command = vec!["/nonexistent/byline-exec-child".into()];
        let err = ChildProcess::start(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("cannot start `/nonexistent/byline-exec-child`"),
            "{err}"
        );
    }

    #[test]
    fn an_early_exit_quotes_stderr() {
        let err = ChildProcess::start(&spec(
            "echo 'ImportError: no module named spacy' >&2; exit 3",
        ))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            err.contains("exited before answering the handshake (exit code 3)"),
            "{err}"
        );
        assert!(err.contains("ImportError: no module named spacy"), "{err}");
    }

    #[test]
    fn silence_is_a_handshake_timeout() {
        let mut s = spec("sleep 10");
        s.startup_timeout = Duration::from_millis(200);
        let err = ChildProcess::start(&s)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("did not answer the handshake within 200ms"),
            "{err}"
        );
    }
}
