//! The `exec` stage: annotates articles in a child process written in any language.
//!
//! The stage keeps a pool of children. Each call to [`Stage::process_batch`] checks one
//! out (starting a new one when all are busy), so there is one child per worker thread
//! that is using the stage at the moment, and returns it afterwards. Within a batch up to
//! `max_in_flight` requests are outstanding at once.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use byline_core::{Article, BuildContext, BuildError, Flow, Layer, Stage, StageError};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::child::{ChildEvent, ChildProcess, ChildSpec, StartError};
use crate::protocol::{self, Answer, AnswerLine};
use byline_core::HumanDuration;

/// How many times an article may be in flight when its child dies before it goes to the
/// dead letters: a child that crashes on one article every time must not loop forever.
const MAX_ATTEMPTS: u32 = 3;
/// How many times in a row a child may fail to (re)start before the batch's remaining
/// articles are failed. The next batch tries again.
const MAX_START_FAILURES: u32 = 5;
/// The longest wait between restarts, however many failures came before.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Config of an `exec` stage.
///
/// ```toml
/// [stages.sentiment]
/// type = "exec"
/// inputs = ["quotes"]
/// command = ["python3", "stages/sentiment.py"]
/// timeout = "10s"            # the pipeline's per-article timeout, which this stage enforces
/// config = { model = "small", threshold = 0.5 }
/// ```
///
/// The child's own settings go in the `config` subtable rather than beside the stage's keys,
/// so that a typo in a key byline reads (`timout`) is reported at its line and column
/// instead of being passed to the child unnoticed.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExecConfig {
    /// The program and its arguments, run without a shell: `["python3", "my_stage.py"]`.
    pub command: Vec<String>,
    /// Environment variables set for the child, on top of byline's own environment.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Working directory of the child (default: byline's).
    #[serde(default)]
    pub cwd: Option<PathBuf>,
    /// How long the child may take to answer the handshake, for children that load a
    /// model first. Default `"30s"`.
    #[serde(default = "default_timeout")]
    pub startup_timeout: HumanDuration,
    /// Requests sent to one child before it has answered them. Default 16.
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight: usize,
    /// Wait before the first restart of a child that died; it doubles with each failure in
    /// a row, up to 30s. Default `"100ms"`.
    #[serde(default = "default_restart_backoff")]
    pub restart_backoff: HumanDuration,
    /// Layers the child adds, checked by the runtime like any stage's: `["entities"]`.
    #[serde(default)]
    pub provides: Vec<String>,
    /// Layers the child reads, which must be provided upstream: `["quotes"]`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Passed to the child in the handshake as `config`, as JSON.
    #[serde(default)]
    pub config: Map<String, Value>,
}

fn default_timeout() -> HumanDuration {
    HumanDuration(Duration::from_secs(30))
}

fn default_max_in_flight() -> usize {
    16
}

fn default_restart_backoff() -> HumanDuration {
    HumanDuration(Duration::from_millis(100))
}

/// How long the child may take over one article when the pipeline sets no `timeout`.
/// The stage enforces the pipeline's per-article `timeout` itself: an article that outruns
/// it goes to the dead letters and the child is killed and restarted. The clock of a
/// request starts when it becomes the oldest unanswered one, so that a child answering in
/// order is not blamed for the requests queued in front of an article.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `exec` stage.
pub struct ExecStage {
    spec: ChildSpec,
    timeout: Duration,
    max_in_flight: usize,
    restart_backoff: Duration,
    provides: Vec<Layer>,
    requires: Vec<Layer>,
    idle: Mutex<Vec<ChildProcess>>,
}

impl ExecStage {
    /// Checks the config and starts the first child, so that a broken command or handshake
    /// fails `byline run` and `byline validate` before any article is read.
    pub fn build(config: ExecConfig, context: &BuildContext) -> Result<ExecStage, BuildError> {
        let invalid = |message: String| {
            BuildError::Invalid(format!("exec stage `{}`: {message}", context.id))
        };
        if config
            .command
            .first()
            .is_none_or(|program| program.trim().is_empty())
        {
            return Err(invalid(
                "`command` must name a program, as in [\"python3\", \"my_stage.py\"]".into(),
            ));
        }
        if config.max_in_flight == 0 {
            return Err(invalid("`max_in_flight` must be at least 1".into()));
        }
        if context.timeout.is_some_and(|t| t.is_zero()) || config.startup_timeout.0.is_zero() {
            return Err(invalid(
                "`timeout` and `startup_timeout` must be longer than 0ms".into(),
            ));
        }
        let spec = ChildSpec {
            stage: context.id.clone(),
            command: config.command,
            env: config.env,
            cwd: config.cwd,
            config: config.config,
            startup_timeout: config.startup_timeout.0,
        };
        let idle = if context.validate_only {
            // `byline validate` starts nothing: only check that the program can be found.
            if !program_exists(&spec.command[0], spec.cwd.as_deref()) {
                return Err(invalid(format!(
                    "cannot find the program `{}` (not a file, and not on PATH)",
                    spec.command[0]
                )));
            }
            Vec::new()
        } else {
            let first = ChildProcess::start(&spec).map_err(|e| invalid(e.to_string()))?;
            tracing::info!(stage = %spec.stage, name = first.name(), pid = first.pid(), "exec stage ready");
            vec![first]
        };
        Ok(ExecStage {
            spec,
            timeout: context.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_in_flight: config.max_in_flight,
            restart_backoff: config.restart_backoff.0,
            provides: config.provides.into_iter().map(layer).collect(),
            requires: config.requires.into_iter().map(layer).collect(),
            idle: Mutex::new(idle),
        })
    }

    fn check_out(&self) -> Option<ChildProcess> {
        self.idle.lock().ok().and_then(|mut idle| idle.pop())
    }

    fn check_in(&self, child: ChildProcess) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(child);
        }
    }
}

/// `true` when `program` names a file (relative to `cwd` when it has a slash) or a file on
/// `PATH`, as the OS would look it up to start it.
fn program_exists(program: &str, cwd: Option<&std::path::Path>) -> bool {
    let path = std::path::Path::new(program);
    if program.contains(std::path::MAIN_SEPARATOR) || program.contains('/') {
        let full = match cwd {
            Some(cwd) if path.is_relative() => cwd.join(path),
            _ => path.to_path_buf(),
        };
        return full.is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Layer names come from the config at run time, but [`Layer`] holds `&'static str`: the
/// few names of a pipeline's exec stages are leaked once, when the stage is built.
fn layer(name: String) -> Layer {
    match name.as_str() {
        "tokens" => Layer::TOKENS,
        "entities" => Layer::ENTITIES,
        "timexes" => Layer::TIMEXES,
        "quotes" => Layer::QUOTES,
        _ => Layer::custom(Box::leak(name.into_boxed_str())),
    }
}

impl Stage for ExecStage {
    fn provides(&self) -> Vec<Layer> {
        self.provides.clone()
    }

    fn requires(&self) -> Vec<Layer> {
        self.requires.clone()
    }

    /// Each request has its own deadline, and a late child is killed and restarted: the
    /// runtime need not run articles one at a time to enforce `timeout`.
    fn enforces_own_deadlines(&self) -> bool {
        true
    }

    fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
        self.process_batch(std::slice::from_mut(article))
            .pop()
            .unwrap_or_else(|| Err(StageError::new("the exec stage returned no result")))
    }

    fn process_batch(&self, articles: &mut [Article]) -> Vec<Result<Flow, StageError>> {
        let mut batch = Batch::new(self, articles);
        batch.run(self.check_out());
        batch.into_results()
    }
}

/// One article of a batch on its way through a child.
struct Job {
    index: usize,
    payload: String,
    /// How many children died while this article was in flight.
    attempts: u32,
}

/// The state of one `process_batch` call: what is waiting, what is in flight, what is done.
struct Batch<'a> {
    stage: &'a ExecStage,
    articles: &'a mut [Article],
    results: Vec<Option<Result<Flow, StageError>>>,
    remaining: usize,
    waiting: VecDeque<Job>,
    /// Sent and unanswered, by request id, which is also the order they were sent in.
    in_flight: BTreeMap<u64, Job>,
    /// The oldest in-flight request and when it became the oldest: its timeout runs from
    /// then, because a child that works through its requests in order only starts on one
    /// when it has answered those before it.
    head: Option<(u64, Instant)>,
    /// Start failures and deaths in a row, for the backoff.
    failures_in_a_row: u32,
    /// The last line from the current child that was not an answer, for timeout messages.
    last_stray_line: Option<String>,
}

/// What ended a child's service within a batch.
enum ChildFate {
    /// The batch is done; the child goes back to the pool.
    Idle(ChildProcess),
    /// stdout closed or stdin broke.
    Died(ChildProcess),
    /// An article timed out; the child was killed.
    Killed,
}

impl<'a> Batch<'a> {
    fn new(stage: &'a ExecStage, articles: &'a mut [Article]) -> Batch<'a> {
        let waiting = articles
            .iter()
            .enumerate()
            .map(|(index, article)| Job {
                index,
                payload: protocol::article_payload(article),
                attempts: 0,
            })
            .collect();
        Batch {
            stage,
            results: articles.iter().map(|_| None).collect(),
            remaining: articles.len(),
            articles,
            waiting,
            in_flight: BTreeMap::new(),
            head: None,
            failures_in_a_row: 0,
            last_stray_line: None,
        }
    }

    fn run(&mut self, mut checked_out: Option<ChildProcess>) {
        let mut start_failures = 0;
        while self.remaining > 0 {
            let child = match checked_out.take() {
                Some(child) => child,
                None => match self.restart() {
                    Ok(child) => {
                        start_failures = 0;
                        child
                    }
                    Err(e) => {
                        start_failures += 1;
                        if start_failures >= MAX_START_FAILURES {
                            self.fail_all(&format!(
                                "the exec child could not be started ({start_failures} tries): {e}"
                            ));
                            return;
                        }
                        continue;
                    }
                },
            };
            match self.serve(child) {
                ChildFate::Idle(child) => {
                    self.stage.check_in(child);
                    return;
                }
                ChildFate::Died(mut child) => {
                    let status = child.wait_for_exit();
                    tracing::warn!(
                        stage = %self.stage.spec.stage,
                        pid = child.pid(),
                        in_flight = self.in_flight.len(),
                        "exec child died ({status}); restarting it and re-sending its unanswered requests"
                    );
                    self.requeue_after_death(&status);
                }
                ChildFate::Killed => {}
            }
        }
        // An empty batch never took the child out of its slot.
        if let Some(child) = checked_out {
            self.stage.check_in(child);
        }
    }

    /// Waits out the backoff, then starts a fresh child.
    fn restart(&mut self) -> Result<ChildProcess, StartError> {
        if self.failures_in_a_row > 0 {
            let exponent = self.failures_in_a_row.saturating_sub(1).min(16);
            let delay = self
                .stage
                .restart_backoff
                .saturating_mul(1 << exponent)
                .min(MAX_BACKOFF.max(self.stage.restart_backoff));
            std::thread::sleep(delay);
        }
        self.last_stray_line = None;
        ChildProcess::start(&self.stage.spec).inspect_err(|e| {
            self.failures_in_a_row += 1;
            tracing::warn!(stage = %self.stage.spec.stage, "exec child could not be started: {e}");
        })
    }

    /// Feeds requests to `child` and reads its answers until the batch is done or the
    /// child is lost.
    fn serve(&mut self, mut child: ChildProcess) -> ChildFate {
        loop {
            if self.remaining == 0 {
                return ChildFate::Idle(child);
            }
            while self.in_flight.len() < self.window() {
                let Some(job) = self.waiting.pop_front() else {
                    break;
                };
                let Some(id) = child.send_request(&job.payload) else {
                    self.waiting.push_front(job);
                    return ChildFate::Died(child);
                };
                self.in_flight.insert(id, job);
            }
            let now = Instant::now();
            let oldest = self.in_flight.keys().next().copied();
            let deadline = match (oldest, self.head) {
                (Some(id), Some((head, since))) if id == head => since + self.stage.timeout,
                (Some(id), _) => {
                    self.head = Some((id, now));
                    now + self.stage.timeout
                }
                (None, _) => now + self.stage.timeout,
            };
            if let Some(id) = oldest
                && deadline <= now
            {
                self.time_out(id, child);
                return ChildFate::Killed;
            }
            match child.next_event(deadline.saturating_duration_since(now)) {
                None => {}
                Some(ChildEvent::Closed) => return ChildFate::Died(child),
                Some(ChildEvent::Line(line)) => self.answer(&line, child.pid()),
            }
        }
    }

    /// How many requests may be in flight. After a child died, the articles that were in
    /// flight go one at a time, so that an article that kills the child every time is
    /// found alone and is the only one charged for it.
    fn window(&self) -> usize {
        let suspect_waiting = self.waiting.front().is_some_and(|j| j.attempts > 0);
        let suspect_in_flight = self.in_flight.values().any(|j| j.attempts > 0);
        if suspect_waiting || suspect_in_flight {
            1
        } else {
            self.stage.max_in_flight
        }
    }

    fn answer(&mut self, line: &str, pid: u32) {
        let stage = &self.stage.spec.stage;
        let (id, answer) = match protocol::parse_answer(line) {
            AnswerLine::ForRequest { id, answer } => (id, answer),
            AnswerLine::Unattributable { reason } => {
                tracing::warn!(stage = %stage, pid, "exec child broke the protocol on stdout: {reason}");
                self.last_stray_line = Some(reason);
                return;
            }
        };
        let Some(job) = self.in_flight.remove(&id) else {
            tracing::warn!(stage = %stage, pid, id, "exec child answered a request that is not in flight; ignored");
            return;
        };
        self.failures_in_a_row = 0;
        let outcome = match answer {
            Ok(Answer::Article(returned)) => {
                protocol::accept_article(&mut self.articles[job.index], *returned)
                    .map(|()| Flow::Continue)
                    .map_err(StageError::new)
            }
            Ok(Answer::Drop) => Ok(Flow::Drop),
            Ok(Answer::Error(message)) => Err(StageError::new(message)),
            Err(malformed) => Err(StageError::new(malformed)),
        };
        self.finish(job.index, outcome);
    }

    /// Fails the article the child has been stuck on and kills the child; the other
    /// requests it held go back to the front of the queue for the next child.
    fn time_out(&mut self, stuck: u64, child: ChildProcess) {
        let pid = child.pid();
        child.kill();
        self.failures_in_a_row += 1;
        let hint = match &self.last_stray_line {
            Some(line) => format!("; the child wrote a line that was not an answer: {line}"),
            None => String::new(),
        };
        if let Some(job) = self.in_flight.remove(&stuck) {
            let message = format!(
                "the exec child gave no answer within {}{hint}",
                HumanDuration(self.stage.timeout)
            );
            self.finish(job.index, Err(StageError::new(message)));
        }
        tracing::warn!(
            stage = %self.stage.spec.stage,
            pid,
            "exec child did not answer in time; killed it, restarting"
        );
        self.requeue_in_flight(|job| job);
    }

    fn requeue_after_death(&mut self, status: &str) {
        self.failures_in_a_row += 1;
        let mut given_up = Vec::new();
        self.requeue_in_flight(|mut job| {
            job.attempts += 1;
            job
        });
        self.waiting.retain(|job| {
            let keep = job.attempts < MAX_ATTEMPTS;
            if !keep {
                given_up.push(job.index);
            }
            keep
        });
        for index in given_up {
            let message = format!(
                "the exec child died {MAX_ATTEMPTS} times while this article was in flight (last: {status})"
            );
            self.finish(index, Err(StageError::new(message)));
        }
    }

    /// Moves every in-flight job back to the front of the queue, oldest first.
    fn requeue_in_flight(&mut self, mut update: impl FnMut(Job) -> Job) {
        let flights = std::mem::take(&mut self.in_flight);
        self.head = None;
        for (_, job) in flights.into_iter().rev() {
            self.waiting.push_front(update(job));
        }
    }

    fn fail_all(&mut self, message: &str) {
        let indexes: Vec<usize> = self
            .waiting
            .drain(..)
            .map(|j| j.index)
            .chain(
                std::mem::take(&mut self.in_flight)
                    .into_values()
                    .map(|j| j.index),
            )
            .collect();
        for index in indexes {
            self.finish(index, Err(StageError::new(message)));
        }
    }

    fn finish(&mut self, index: usize, outcome: Result<Flow, StageError>) {
        if let Some(slot) = self.results.get_mut(index)
            && slot.is_none()
        {
            *slot = Some(outcome);
            self.remaining -= 1;
        }
    }

    fn into_results(self) -> Vec<Result<Flow, StageError>> {
        self.results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(StageError::new("the exec stage lost track of this article"))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::RawConfig;

    fn parse(source: &str) -> Result<ExecConfig, byline_core::ConfigError> {
        RawConfig::from_toml(source)?.parse()
    }

    #[test]
    fn defaults_apply() {
        let config = parse("command = [\"python3\", \"s.py\"]").expect("parse");
        assert_eq!(config.startup_timeout.0, Duration::from_secs(30));
        assert_eq!(config.max_in_flight, 16);
        assert_eq!(config.restart_backoff.0, Duration::from_millis(100));
        assert!(config.config.is_empty() && config.env.is_empty() && config.cwd.is_none());
    }

    #[test]
    fn child_config_and_env_are_read() {
        let source = "command = [\"x\"]\nstartup_timeout = \"500ms\"\nenv = { MODEL = \"small\" }\n\
                      [config]\nthreshold = 0.5\nlabels = [\"a\", \"b\"]\n";
        let config = parse(source).expect("parse");
        assert_eq!(config.startup_timeout.0, Duration::from_millis(500));
        assert_eq!(config.env["MODEL"], "small");
        assert_eq!(
            Value::Object(config.config),
            serde_json::json!({"threshold": 0.5, "labels": ["a", "b"]})
        );
    }

    #[test]
    fn a_typo_is_reported_at_its_key() {
        let source = "command = [\"x\"]\nstartup_timout = \"5s\"\n";
        let err = parse(source)
            .err()
            .unwrap_or_else(|| panic!("accepted a typo"));
        assert!(err.message.contains("startup_timout"), "{}", err.message);
        assert_eq!(err.span.map(|s| &source[s]), Some("startup_timout"));
    }

    #[test]
    fn a_bad_duration_is_reported_at_its_value() {
        let source = "command = [\"x\"]\nstartup_timeout = \"5\"\n";
        let err = parse(source)
            .err()
            .unwrap_or_else(|| panic!("accepted a bare number"));
        assert!(err.message.contains("no unit"), "{}", err.message);
        assert_eq!(err.span.map(|s| &source[s]), Some("\"5\""));
    }

    #[test]
    fn validation_starts_no_child_but_still_finds_a_missing_program() {
        let context = BuildContext {
            id: "py".into(),
            validate_only: true,
            timeout: Some(Duration::from_millis(250)),
            ..BuildContext::default()
        };
        // `sh` would wait for a handshake it never answers, so building succeeds only if
        // nothing was started.
        let config = parse("command = [\"sh\"]").expect("parse");
        let stage = ExecStage::build(config, &context).expect("build the component");
        assert!(stage.check_out().is_none());
        assert_eq!(stage.timeout, Duration::from_millis(250));
        let config = parse("command = [\"no-such-program-byline\"]").expect("parse");
        let err = ExecStage::build(config, &context)
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("cannot find the program")));
    }

    #[test]
    fn empty_command_and_zero_in_flight_are_refused_before_starting() {
        let context = BuildContext {
            id: "py".into(),
            ..BuildContext::default()
        };
        for source in [
            "command = []",
            "command = [\"\"]",
            "command = [\"sh\"]\nmax_in_flight = 0",
        ] {
            let config = parse(source).expect("parse");
            let err = ExecStage::build(config, &context)
                .err()
                .map(|e| e.to_string());
            assert!(
                err.is_some_and(|e| e.starts_with("exec stage `py`:")),
                "{source}"
            );
        }
    }

    #[test]
    fn layer_names_map_to_the_built_in_layers() {
        assert_eq!(layer("entities".into()), Layer::ENTITIES);
        assert_eq!(layer("sentiment".into()).name(), "sentiment");
    }
}
