//! A built, checked pipeline, and its run: every component a tokio task, every edge a
//! bounded channel of batches, so that backpressure flows from the sinks to the sources.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use byline_core::source::ReadProgress;
use byline_core::{Registry, Sink, Source, Stage};
use tokio::sync::mpsc;

use crate::api::{self, Kind, MetricsRegistry};
use crate::build::build;
use crate::config::{ApiConfig, InputRef};
use crate::data_dir_lock::{DataDirLock, LockError};
use crate::diagnostics::ConfigErrors;
use crate::health::HealthCheck;
use crate::router::{Batch, Router};
use crate::shutdown::{self, Shutdown};
use crate::stage_task::StageSettings;
use crate::summary::{
    AckTally, ComponentMetrics, RunSummary, SinkReport, SourceReport, StageReport,
};
use crate::{sink_task, source_task, stage_task};

/// Batches an edge holds before its producer waits.
const CHANNEL_BATCHES: usize = 4;

/// The id under which the default dead-letter writer reports.
pub const DEAD_LETTER_WRITER: &str = "dead-letter";

/// Stands in for a dead-letter writer that was never built: its records are not written, so
/// they are not acknowledged as rejected and their sources do not commit past them.
struct Unwritable(PathBuf);

#[async_trait::async_trait]
impl Sink for Unwritable {
    async fn write(&mut self, _: &[byline_core::Event]) -> Result<(), byline_core::SinkError> {
        Err(byline_core::SinkError::closed(format!(
            "no writer for {}",
            self.0.display()
        )))
    }

    async fn flush(&mut self) -> Result<(), byline_core::SinkError> {
        Ok(())
    }
}

/// Where records go that no `<id>.errors` route takes: `data_dir/dead-letter.jsonl`.
pub fn dead_letter_path(data_dir: &Path) -> PathBuf {
    data_dir.join("dead-letter.jsonl")
}

pub(crate) struct SourceNode {
    pub id: Arc<str>,
    pub source: Box<dyn Source>,
}

pub(crate) struct StageNode {
    pub id: Arc<str>,
    pub stage: Arc<dyn Stage>,
    pub inputs: Vec<InputRef>,
    pub concurrency: Option<usize>,
    pub ordered: bool,
    pub timeout: Option<Duration>,
    pub max_abandoned: u64,
}

pub(crate) struct SinkNode {
    pub id: Arc<str>,
    pub sink: Box<dyn Sink>,
    pub inputs: Vec<InputRef>,
}

/// One component of a built pipeline, as `byline validate` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComponentView {
    /// `source`, `stage` or `sink`.
    pub kind: &'static str,
    pub id: String,
    /// What it reads from (`wire`, `entities.errors`).
    pub inputs: Vec<String>,
}

/// Why a config file could not become a pipeline.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{0}")]
    Config(#[from] ConfigErrors),
}

/// A pipeline whose components are built and whose wiring is checked, ready to run.
pub struct Pipeline {
    /// Writes `data_dir/dead-letter.jsonl`; built with the pipeline.
    pub(crate) dead_letter_sink: Option<Box<dyn Sink>>,
    name: String,
    data_dir: PathBuf,
    drain_timeout: Duration,
    lock: Option<DataDirLock>,
    api: Option<ApiConfig>,
    acknowledgements: bool,
    progress: Arc<ReadProgress>,
    api_address: Arc<OnceLock<SocketAddr>>,
    pub(crate) sources: Vec<SourceNode>,
    pub(crate) stages: Vec<StageNode>,
    pub(crate) sinks: Vec<SinkNode>,
}

impl Pipeline {
    pub(crate) fn empty(
        name: String,
        data_dir: PathBuf,
        drain_timeout: Duration,
        api: Option<ApiConfig>,
    ) -> Pipeline {
        Pipeline {
            dead_letter_sink: None,
            name,
            data_dir,
            drain_timeout,
            lock: None,
            api,
            acknowledgements: true,
            progress: Arc::default(),
            api_address: Arc::default(),
            sources: Vec::new(),
            stages: Vec::new(),
            sinks: Vec::new(),
        }
    }

    /// Reads and checks the config file at `path`, interpolating `${VAR}`s from the
    /// environment. Builds every component but starts none.
    pub fn load(path: &Path, registry: &Registry) -> Result<Pipeline, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Ok(Pipeline::from_toml(&text, path, registry)?)
    }

    /// [`load`](Pipeline::load) from text; `path` names the file in messages.
    pub fn from_toml(
        text: &str,
        path: &Path,
        registry: &Registry,
    ) -> Result<Pipeline, ConfigErrors> {
        build(
            text,
            path,
            registry,
            &|name| std::env::var(name).ok(),
            false,
        )
    }

    /// [`load`](Pipeline::load) for `byline validate`: every component is built from its
    /// table and checked, but none starts anything (an exec stage spawns no child).
    pub fn load_for_validation(path: &Path, registry: &Registry) -> Result<Pipeline, LoadError> {
        let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        Ok(build(
            &text,
            path,
            registry,
            &|name| std::env::var(name).ok(),
            true,
        )?)
    }

    /// [`from_toml`](Pipeline::from_toml) with `${VAR}`s looked up by `env`.
    pub fn from_toml_with_env(
        text: &str,
        path: &Path,
        registry: &Registry,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Pipeline, ConfigErrors> {
        build(text, path, registry, env, false)
    }

    /// Runs without acknowledgements: sources hear nothing and commit nothing. Only for
    /// measuring what acknowledgements cost (`byline bench --no-acks`).
    pub fn without_acknowledgements(mut self) -> Pipeline {
        self.acknowledgements = false;
        self
    }

    /// How far the sources have read, updated while the pipeline runs (for a progress bar).
    pub fn read_progress(&self) -> Arc<ReadProgress> {
        self.progress.clone()
    }

    /// How many bytes the sources will read in all, when every source knows it in advance
    /// (finite files); `None` otherwise.
    pub fn input_bytes(&self) -> Option<u64> {
        if self.sources.is_empty() {
            return None;
        }
        self.sources.iter().map(|s| s.source.input_bytes()).sum()
    }

    /// Set to the address `[api]` is served on once it is bound: the way to learn the port
    /// when the config asks for any free one (`address = "127.0.0.1:0"`).
    pub fn api_address(&self) -> Arc<OnceLock<SocketAddr>> {
        self.api_address.clone()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The pipeline's name, which keys its state in the data_dir (see
    /// [`BuildContext::pipeline`](byline_core::BuildContext::pipeline)).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Takes the data_dir's lock for as long as this pipeline lives (see
    /// [`DataDirLock`]): `byline run` does this before anything else, so that a second
    /// process on the same checkpoints stops at once, naming the first.
    pub fn lock_data_dir(&mut self) -> Result<&Path, LockError> {
        if self.lock.is_none() {
            self.lock = Some(DataDirLock::acquire(&self.data_dir)?);
        }
        Ok(self
            .lock
            .as_ref()
            .map_or(&self.data_dir, |lock| lock.path()))
    }

    /// What the sources and sinks would like an operator to know before a run (see
    /// [`Source::warnings`]), as `(component id, warning)`.
    pub fn warnings(&self) -> Vec<(String, String)> {
        let sources = self.sources.iter().flat_map(|s| {
            s.source
                .warnings()
                .into_iter()
                .map(|w| (s.id.to_string(), w))
        });
        let sinks = self
            .sinks
            .iter()
            .flat_map(|s| s.sink.warnings().into_iter().map(|w| (s.id.to_string(), w)));
        sources.chain(sinks).collect()
    }

    /// Every component in the order articles flow through them: sources, then each stage
    /// once all its inputs are placed, then sinks (the pipeline has no cycles).
    pub fn components_in_order(&self) -> Vec<ComponentView> {
        let mut placed: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut order: Vec<ComponentView> = Vec::new();
        for source in &self.sources {
            placed.insert(&source.id);
            order.push(ComponentView {
                kind: "source",
                id: source.id.to_string(),
                inputs: Vec::new(),
            });
        }
        let inputs_of = |inputs: &[InputRef]| -> Vec<String> {
            inputs.iter().map(ToString::to_string).collect()
        };
        let mut waiting: Vec<&StageNode> = self.stages.iter().collect();
        while !waiting.is_empty() {
            let before = waiting.len();
            let (ready, rest): (Vec<&StageNode>, Vec<&StageNode>) =
                waiting.into_iter().partition(|stage| {
                    stage
                        .inputs
                        .iter()
                        .all(|i| placed.contains(i.component.as_str()))
                });
            for stage in &ready {
                placed.insert(&stage.id);
                order.push(ComponentView {
                    kind: "stage",
                    id: stage.id.to_string(),
                    inputs: inputs_of(&stage.inputs),
                });
            }
            waiting = rest;
            if waiting.len() == before {
                // Only reachable through a cycle, which building refuses; list them anyway.
                for stage in waiting.drain(..) {
                    order.push(ComponentView {
                        kind: "stage",
                        id: stage.id.to_string(),
                        inputs: inputs_of(&stage.inputs),
                    });
                }
            }
        }
        for sink in &self.sinks {
            order.push(ComponentView {
                kind: "sink",
                id: sink.id.to_string(),
                inputs: inputs_of(&sink.inputs),
            });
        }
        order
    }

    /// `(sources, stages, sinks)` ids, for `byline validate`.
    pub fn component_ids(&self) -> (Vec<&str>, Vec<&str>, Vec<&str>) {
        (
            self.sources.iter().map(|s| &*s.id).collect(),
            self.stages.iter().map(|s| &*s.id).collect(),
            self.sinks.iter().map(|s| &*s.id).collect(),
        )
    }

    /// Runs until every source is exhausted and everything is flushed, or until SIGINT or
    /// SIGTERM, after which the sources stop and what is in flight drains to the sinks. A
    /// second signal exits the process at once.
    pub async fn run(self) -> RunSummary {
        self.run_until(shutdown::first_signal()).await
    }

    /// Runs until the sources are exhausted, or until `stop` resolves (then drains).
    pub async fn run_until(self, stop: impl Future<Output = ()> + Send + 'static) -> RunSummary {
        let started = Instant::now();
        let started_ms = crate::summary::unix_millis();
        let shutdown = Shutdown::with_drain_timeout(self.drain_timeout);
        // The summary lists stages in the order articles flow through them, so that "skipped
        // by entities, dates, quotes" reads as the pipeline does.
        let flow_order: HashMap<String, usize> = self
            .components_in_order()
            .into_iter()
            .enumerate()
            .map(|(rank, component)| (component.id, rank))
            .collect();
        // Held until the run ends (dropped with `self`'s other parts below).
        let _lock = self.lock;
        let stop_watch = tokio::spawn({
            let shutdown = shutdown.clone();
            async move {
                stop.await;
                shutdown.trigger();
            }
        });

        // One input channel per consumer; producers hold clones of its sender.
        let mut senders: HashMap<Arc<str>, mpsc::Sender<Batch>> = HashMap::new();
        let mut receivers: HashMap<Arc<str>, mpsc::Receiver<Batch>> = HashMap::new();
        for id in self
            .stages
            .iter()
            .map(|s| &s.id)
            .chain(self.sinks.iter().map(|s| &s.id))
        {
            let (sender, receiver) = mpsc::channel(CHANNEL_BATCHES);
            senders.insert(id.clone(), sender);
            receivers.insert(id.clone(), receiver);
        }
        let (dead_letter_sender, dead_letter_receiver) = mpsc::channel(CHANNEL_BATCHES);
        let consumers: Vec<(Arc<str>, Vec<InputRef>)> = self
            .stages
            .iter()
            .map(|s| (s.id.clone(), s.inputs.clone()))
            .chain(self.sinks.iter().map(|s| (s.id.clone(), s.inputs.clone())))
            .collect();
        let router_for = |id: &str, metrics: Arc<ComponentMetrics>| {
            let wired = |errors: bool| -> Vec<mpsc::Sender<Batch>> {
                consumers
                    .iter()
                    .filter(|(_, inputs)| {
                        inputs
                            .iter()
                            .any(|i| i.component == id && i.errors == errors)
                    })
                    .filter_map(|(consumer, _)| senders.get(consumer).cloned())
                    .collect()
            };
            let mut errors = wired(true);
            if errors.is_empty() {
                errors.push(dead_letter_sender.clone());
            }
            Router::new(Arc::from(id), wired(false), errors, metrics)
        };

        let mut source_tasks = Vec::new();
        let mut source_reports = Vec::new();
        let mut brokers = Vec::new();
        for node in self.sources {
            let metrics = Arc::new(ComponentMetrics::default());
            let acks = Arc::new(AckTally::default());
            let broker = Arc::new(byline_core::BrokerCounts::default());
            brokers.push((node.id.clone(), broker.clone()));
            let router = router_for(&node.id, metrics.clone());
            source_reports.push((node.id.clone(), metrics, acks.clone()));
            source_tasks.push(tokio::spawn(source_task::run(
                node.id,
                node.source,
                router,
                acks,
                shutdown.clone(),
                source_task::SourceShares {
                    acknowledgements: self.acknowledgements,
                    progress: self.progress.clone(),
                    broker,
                },
            )));
        }
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mut stage_tasks = Vec::new();
        let mut stage_reports = Vec::new();
        let mut stage_languages: HashMap<Arc<str>, Vec<String>> = HashMap::new();
        for node in self.stages {
            if let Some(languages) = node.stage.languages() {
                let languages = languages.iter().map(|code| code.to_string()).collect();
                stage_languages.insert(node.id.clone(), languages);
            }
            let metrics = Arc::new(ComponentMetrics::default());
            let router = router_for(&node.id, metrics.clone());
            let Some(input) = receivers.remove(&node.id) else {
                continue;
            };
            metrics
                .abandoned_limit
                .store(node.max_abandoned, std::sync::atomic::Ordering::Relaxed);
            let settings = StageSettings {
                concurrency: node.concurrency.unwrap_or(cores),
                ordered: node.ordered,
                // A stage that keeps its own deadlines got `timeout` when it was built; a
                // watchdog too would race its timer and cost it its batching.
                timeout: node
                    .timeout
                    .filter(|_| !node.stage.enforces_own_deadlines()),
            };
            stage_reports.push((node.id.clone(), metrics.clone()));
            stage_tasks.push(tokio::spawn(stage_task::run(
                node.id, node.stage, settings, input, router, metrics,
            )));
        }
        let mut sink_tasks = Vec::new();
        let mut sink_reports = Vec::new();
        for node in self.sinks {
            let metrics = Arc::new(ComponentMetrics::default());
            let Some(input) = receivers.remove(&node.id) else {
                continue;
            };
            sink_reports.push((node.id.clone(), metrics.clone()));
            sink_tasks.push(tokio::spawn(sink_task::run(
                node.id,
                node.sink,
                input,
                metrics,
                shutdown.clone(),
            )));
        }
        let dead_letter_file = dead_letter_path(&self.data_dir);
        let dead_letter_metrics = Arc::new(ComponentMetrics::default());
        let dead_letter_sink = match self.dead_letter_sink {
            Some(sink) => sink,
            // Built with every pipeline; only a pipeline assembled by hand could lack it.
            None => Box::new(Unwritable(dead_letter_file.clone())),
        };
        let dead_letter_task = tokio::spawn(sink_task::run(
            Arc::from(DEAD_LETTER_WRITER),
            dead_letter_sink,
            dead_letter_receiver,
            dead_letter_metrics.clone(),
            shutdown.clone(),
        ));
        // Only the routers hold senders now, so each channel closes when its producers end.
        drop(senders);
        drop(dead_letter_sender);

        let mut failures = Vec::new();
        let mut api_task = None;
        if let Some(api) = &self.api {
            let metrics = MetricsRegistry {
                components: source_reports
                    .iter()
                    .map(|(id, m, _)| (Kind::Source, id.clone(), m.clone()))
                    .chain(
                        stage_reports
                            .iter()
                            .map(|(id, m)| (Kind::Stage, id.clone(), m.clone())),
                    )
                    .chain(
                        sink_reports
                            .iter()
                            .map(|(id, m)| (Kind::Sink, id.clone(), m.clone())),
                    )
                    .chain(std::iter::once((
                        Kind::Sink,
                        Arc::from(DEAD_LETTER_WRITER),
                        dead_letter_metrics.clone(),
                    )))
                    .collect(),
                acks: source_reports
                    .iter()
                    .map(|(id, _, acks)| (id.clone(), acks.clone()))
                    .collect(),
                brokers: brokers.clone(),
            };
            let health = HealthCheck {
                metrics,
                stall_timeout: api.stall_timeout(),
                started_ms,
                shutdown: shutdown.clone(),
            };
            match api::serve(&api.address, health).await {
                Ok((bound, task)) => {
                    let _ = self.api_address.set(bound);
                    api_task = Some(task);
                }
                Err(e) => {
                    tracing::error!("cannot serve [api] on {}: {e}", api.address);
                    failures.push(format!("[api] cannot listen on {}: {e}", api.address));
                }
            }
        }
        for (task, (id, _, _)) in source_tasks.into_iter().zip(&source_reports) {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => failures.push(format!("source `{id}`: {e}")),
                Err(e) => failures.push(format!("source `{id}` crashed: {e}")),
            }
        }
        for (task, (id, _)) in stage_tasks.into_iter().zip(&stage_reports) {
            if let Err(e) = task.await {
                failures.push(format!("stage `{id}` crashed: {e}"));
            }
        }
        let mut destinations: HashMap<Arc<str>, String> = HashMap::new();
        for (task, (id, _)) in sink_tasks.into_iter().zip(&sink_reports) {
            match task.await {
                Ok(outcome) => {
                    if let Err(e) = outcome.result {
                        failures.push(format!("sink `{id}`: {e}"));
                    }
                    if let Some(destination) = outcome.destination {
                        destinations.insert(id.clone(), destination);
                    }
                }
                Err(e) => failures.push(format!("sink `{id}` crashed: {e}")),
            }
        }
        match dead_letter_task.await {
            Ok(outcome) => {
                if let Err(e) = outcome.result {
                    failures.push(format!(
                        "dead-letter file {}: {e}",
                        dead_letter_file.display()
                    ));
                }
            }
            Err(e) => failures.push(format!("the dead-letter writer crashed: {e}")),
        }
        stop_watch.abort();
        if let Some(task) = api_task {
            task.abort();
        }

        let load = ComponentMetrics::get;
        let sink_report = |id: &Arc<str>, m: &ComponentMetrics| SinkReport {
            id: id.to_string(),
            articles: load(&m.sent),
            dead_letters: load(&m.dead_lettered),
            failed_batches: load(&m.failed),
            destination: destinations.get(id).cloned(),
        };
        let mut stages: Vec<StageReport> = stage_reports
            .iter()
            .map(|(id, m)| StageReport {
                id: id.to_string(),
                articles: load(&m.received),
                dropped: load(&m.dropped),
                failed: load(&m.dead_lettered),
                abandoned: load(&m.abandoned),
                abandoned_running: load(&m.abandoned_running),
                skipped: load(&m.skipped),
                languages: stage_languages.get(id).cloned(),
            })
            .collect();
        stages.sort_by_key(|stage| flow_order.get(&stage.id).copied());
        RunSummary {
            elapsed: started.elapsed(),
            interrupted: shutdown.is_triggered(),
            sources: source_reports
                .iter()
                .map(|(id, m, acks)| SourceReport {
                    id: id.to_string(),
                    articles: load(&m.sent),
                    rejected: load(&m.dead_lettered),
                    acks: acks.counts(),
                })
                .collect(),
            stages,
            sinks: sink_reports
                .iter()
                .map(|(id, m)| sink_report(id, m))
                .collect(),
            dead_letter_writer: sink_report(&Arc::from(DEAD_LETTER_WRITER), &dead_letter_metrics),
            dead_letter_file,
            failures,
        }
    }
}
