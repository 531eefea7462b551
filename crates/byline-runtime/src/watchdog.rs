//! A stage's per-article `timeout`: each article runs on a watched thread, and one that
//! takes too long goes to the dead letters as it was before the stage touched it.
//!
//! Rust cannot stop a thread from the outside, so a stage stuck in a loop keeps its thread
//! (and a core) until the process ends; the watchdog abandons that thread and starts a fresh
//! one, so that the pipeline goes on. A stage that times out often should be fixed, not
//! given a longer timeout: every abandoned thread is logged.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use byline_core::{Article, Flow, Stage, StageError};

use crate::summary::ComponentMetrics;

type Outcome = (Article, Result<Flow, StageError>);

/// A thread that runs one article at a time through the stage.
struct Runner {
    jobs: SyncSender<Article>,
    outcomes: Receiver<Outcome>,
}

impl Runner {
    fn start(
        stage: Arc<dyn Stage>,
        id: &str,
        metrics: Arc<ComponentMetrics>,
    ) -> std::io::Result<Runner> {
        let (jobs, job_receiver) = mpsc::sync_channel::<Article>(1);
        let (outcome_sender, outcomes) = mpsc::sync_channel::<Outcome>(1);
        std::thread::Builder::new()
            .name(format!("byline-{id}"))
            .spawn(move || {
                for mut article in job_receiver {
                    let result = catch_unwind(AssertUnwindSafe(|| stage.process(&mut article)))
                        .unwrap_or_else(|payload| {
                            Err(StageError::new(format!(
                                "panic: {}",
                                crate::stage_task::panic_message(&*payload)
                            )))
                        });
                    if outcome_sender.send((article, result)).is_err() {
                        // The watchdog gave up on this thread, which has now finished.
                        metrics.abandoned_running.fetch_sub(1, Ordering::Relaxed);
                        return;
                    }
                }
            })?;
        Ok(Runner { jobs, outcomes })
    }
}

/// Runs a stage's articles under a per-article deadline.
pub struct Watchdog {
    id: Arc<str>,
    stage: Arc<dyn Stage>,
    timeout: Duration,
    idle: Mutex<Vec<Runner>>,
    abandoned: AtomicU64,
    /// Where abandoned threads are counted for `/health`, `/metrics` and the summary.
    metrics: Arc<ComponentMetrics>,
}

impl Watchdog {
    pub fn new(id: Arc<str>, stage: Arc<dyn Stage>, timeout: Duration) -> Watchdog {
        Watchdog {
            id,
            stage,
            timeout,
            idle: Mutex::new(Vec::new()),
            abandoned: AtomicU64::new(0),
            metrics: Arc::default(),
        }
    }

    /// Counts abandoned threads in `metrics` (the stage's).
    pub fn counting_in(mut self, metrics: Arc<ComponentMetrics>) -> Watchdog {
        self.metrics = metrics;
        self
    }

    /// Threads given up on because their article outran the timeout.
    pub fn abandoned(&self) -> u64 {
        self.abandoned.load(Ordering::Relaxed)
    }

    /// Runs `article` through the stage. On a timeout (or a lost thread) the article comes
    /// back as it was, with the error; a panic comes back as an error too.
    pub fn process(&self, article: Article) -> Outcome {
        let runner = self
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .map_or_else(
                || Runner::start(self.stage.clone(), &self.id, self.metrics.clone()),
                Ok,
            );
        let runner = match runner {
            Ok(runner) => runner,
            Err(e) => {
                return (
                    article,
                    Err(StageError::new(format!(
                        "cannot start a worker thread: {e}"
                    ))),
                );
            }
        };
        let original = article.clone();
        if runner.jobs.send(article).is_err() {
            return (original, Err(StageError::new("the worker thread was lost")));
        }
        match runner.outcomes.recv_timeout(self.timeout) {
            Ok((article, Ok(flow))) => {
                self.idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(runner);
                (article, Ok(flow))
            }
            Ok((_, Err(error))) => {
                // Whatever the stage changed before failing is undone.
                self.idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(runner);
                (original, Err(error))
            }
            Err(RecvTimeoutError::Timeout) => {
                let abandoned = self.abandoned.fetch_add(1, Ordering::Relaxed) + 1;
                self.metrics.abandoned.fetch_add(1, Ordering::Relaxed);
                self.metrics
                    .abandoned_running
                    .fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    stage = %self.id,
                    article = %original.id,
                    abandoned,
                    "the article outran the stage's timeout of {:?}; its thread is abandoned",
                    self.timeout
                );
                (
                    original,
                    Err(StageError::new(format!(
                        "timeout: no result within {:?}",
                        self.timeout
                    ))),
                )
            }
            Err(RecvTimeoutError::Disconnected) => {
                (original, Err(StageError::new("the worker thread was lost")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loops for ever on "loop", panics on "panic", fails on "fail", tags the rest.
    struct Stubborn;

    impl Stage for Stubborn {
        fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
            article.meta.insert("touched".into(), true.into());
            match article.id.as_str() {
                "loop" => loop {
                    std::thread::sleep(Duration::from_millis(50));
                },
                "panic" => panic!("kaboom"),
                "fail" => Err(StageError::new("no")),
                "slow" => {
                    std::thread::sleep(Duration::from_millis(400));
                    Ok(Flow::Continue)
                }
                _ => Ok(Flow::Continue),
            }
        }
    }

    #[test]
    fn a_stuck_article_times_out_untouched_and_the_next_one_gets_a_fresh_thread() {
        let watchdog = Watchdog::new("s".into(), Arc::new(Stubborn), Duration::from_millis(100));
        let (article, result) = watchdog.process(Article::new("loop", "Text."));
        let error = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.starts_with("timeout"), "{error}");
        assert!(!article.meta.contains_key("touched"));
        assert_eq!(watchdog.abandoned(), 1);
        let (article, result) = watchdog.process(Article::new("ok", "Text."));
        assert!(matches!(result, Ok(Flow::Continue)));
        assert!(article.meta.contains_key("touched"));
    }

    #[test]
    fn abandoned_threads_are_counted_while_they_run_and_uncounted_when_they_end() {
        let metrics = Arc::new(ComponentMetrics::default());
        let watchdog = Watchdog::new("s".into(), Arc::new(Stubborn), Duration::from_millis(50))
            .counting_in(metrics.clone());
        let (_, result) = watchdog.process(Article::new("slow", "Text."));
        assert!(result.is_err());
        assert_eq!(ComponentMetrics::get(&metrics.abandoned), 1);
        assert_eq!(ComponentMetrics::get(&metrics.abandoned_running), 1);
        let ended = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            ComponentMetrics::get(&metrics.abandoned_running) == 0
        });
        assert!(
            ended,
            "the slow thread finished and is no longer counted as running"
        );
        assert_eq!(ComponentMetrics::get(&metrics.abandoned), 1);
    }

    #[test]
    fn panics_and_errors_come_back_as_errors_with_the_article_undone() {
        let watchdog = Watchdog::new("s".into(), Arc::new(Stubborn), Duration::from_secs(5));
        for (id, expected) in [("panic", "panic: kaboom"), ("fail", "no")] {
            let (article, result) = watchdog.process(Article::new(id, "Text."));
            assert_eq!(
                result.err().map(|e| e.to_string()).as_deref(),
                Some(expected)
            );
            assert!(!article.meta.contains_key("touched"));
        }
        assert_eq!(watchdog.abandoned(), 0);
    }
}
