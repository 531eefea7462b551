//! Counters kept while a pipeline runs, and the summary printed when it ends.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use byline_core::{AckListener, AckStatus};

/// Per-component counters, shared with the component's task (and, from issue 6 on, with
/// the metrics endpoint).
#[derive(Debug, Default)]
pub struct ComponentMetrics {
    /// Articles that reached the component.
    pub received: AtomicU64,
    /// Articles it sent on.
    pub sent: AtomicU64,
    /// Records it sent to its dead-letter route.
    pub dead_lettered: AtomicU64,
    /// Articles a stage filtered out on purpose.
    pub dropped: AtomicU64,
    /// Articles a stage passed on untouched because it does not support their language.
    pub skipped: AtomicU64,
    /// Batches a sink failed to write or flush.
    pub failed: AtomicU64,
    /// Seconds a stage spent per article.
    pub processing: Histogram,
    /// A sink is retrying a failed write or flush right now.
    pub retrying: AtomicBool,
    /// A sink's last failure, kept after it recovers.
    pub last_error: Mutex<Option<String>>,
    /// When a sink last acknowledged records, in milliseconds since the Unix epoch (0:
    /// never).
    pub last_delivery_ms: AtomicU64,
    /// Threads a stage's `timeout` gave up on, in all.
    pub abandoned: AtomicU64,
    /// Of those, the ones still running (a thread cannot be killed; one that finishes
    /// late is no longer counted here).
    pub abandoned_running: AtomicU64,
    /// A stage whose running abandoned threads reach this is unhealthy (`max_abandoned`).
    pub abandoned_limit: AtomicU64,
}

/// Now, in milliseconds since the Unix epoch.
pub fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Upper bounds (seconds) of the processing-time histogram's buckets.
pub const PROCESSING_BUCKETS: [f64; 10] =
    [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0];

/// A Prometheus-style histogram: cumulative counts per bucket, a count and a sum.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; PROCESSING_BUCKETS.len()],
    count: AtomicU64,
    /// The sum, in microseconds, so that it fits an atomic integer.
    sum_micros: AtomicU64,
}

impl Histogram {
    /// Records `n` observations of `seconds` each.
    pub fn observe(&self, seconds: f64, n: u64) {
        for (bound, bucket) in PROCESSING_BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(n, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(n, Ordering::Relaxed);
        self.sum_micros
            .fetch_add((seconds * 1e6 * n as f64) as u64, Ordering::Relaxed);
    }

    /// `(cumulative bucket counts, count, sum in seconds)`.
    pub fn read(&self) -> (Vec<u64>, u64, f64) {
        (
            self.buckets
                .iter()
                .map(|b| b.load(Ordering::Relaxed))
                .collect(),
            self.count.load(Ordering::Relaxed),
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        )
    }
}

impl ComponentMetrics {
    pub fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// A sink failed and is about to retry.
    pub fn set_retrying(&self, error: &str) {
        self.retrying.store(true, Ordering::Relaxed);
        *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(error.to_string());
    }

    /// A sink flushed and acknowledged what it held.
    pub fn delivered_now(&self) {
        self.retrying.store(false, Ordering::Relaxed);
        self.last_delivery_ms
            .store(unix_millis(), Ordering::Relaxed);
    }

    pub fn is_retrying(&self) -> bool {
        self.retrying.load(Ordering::Relaxed)
    }

    pub fn last_error(&self) -> Option<String> {
        self.last_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// How a source's records ended: the acknowledgements it heard.
#[derive(Debug, Default)]
pub struct AckTally {
    delivered: AtomicU64,
    rejected: AtomicU64,
    errored: AtomicU64,
    /// When a record last finished, in milliseconds since the Unix epoch (0: never), so
    /// that `/health` can tell a pipeline that stalls from one that is idle.
    last_finished_ms: AtomicU64,
}

impl AckListener for AckTally {
    fn finished(&self, _seq: u64, status: AckStatus) {
        let counter = match status {
            AckStatus::Delivered => &self.delivered,
            AckStatus::Rejected => &self.rejected,
            AckStatus::Errored => &self.errored,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.last_finished_ms
            .store(unix_millis(), Ordering::Relaxed);
    }
}

/// The acknowledgement counts of one source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AckCounts {
    pub delivered: u64,
    pub rejected: u64,
    pub errored: u64,
}

impl AckTally {
    pub fn last_finished_ms(&self) -> u64 {
        self.last_finished_ms.load(Ordering::Relaxed)
    }

    pub fn counts(&self) -> AckCounts {
        AckCounts {
            delivered: self.delivered.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            errored: self.errored.load(Ordering::Relaxed),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    pub id: String,
    /// Articles emitted.
    pub articles: u64,
    /// Records that could not become articles (dead letters).
    pub rejected: u64,
    pub acks: AckCounts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageReport {
    pub id: String,
    pub articles: u64,
    pub dropped: u64,
    /// Articles the stage failed or panicked on (dead letters).
    pub failed: u64,
    /// Threads its `timeout` abandoned, and how many of them were still running at the end.
    pub abandoned: u64,
    pub abandoned_running: u64,
    /// Articles it passed on untouched, being in a language it does not support.
    pub skipped: u64,
    /// The languages it supports (ISO 639-1 codes); `None`: any.
    pub languages: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkReport {
    pub id: String,
    pub articles: u64,
    pub dead_letters: u64,
    pub failed_batches: u64,
    /// Where its output went, when the sink says.
    pub destination: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub elapsed: Duration,
    /// A stop was requested (signal) before the sources were exhausted.
    pub interrupted: bool,
    pub sources: Vec<SourceReport>,
    pub stages: Vec<StageReport>,
    pub sinks: Vec<SinkReport>,
    /// The default dead-letter writer (`data_dir/dead-letter.jsonl`).
    pub dead_letter_file: PathBuf,
    pub dead_letter_writer: SinkReport,
    /// Components that failed as a whole (a source that could not read, a sink that could
    /// not write).
    pub failures: Vec<String>,
}

impl RunSummary {
    pub fn articles_in(&self) -> u64 {
        self.sources.iter().map(|s| s.articles).sum()
    }

    /// Articles written by the configured sinks (an article written by two sinks counts
    /// twice). Unlike [`articles_out`](RunSummary::articles_out), it needs no
    /// acknowledgements.
    pub fn sink_writes(&self) -> u64 {
        self.sinks.iter().map(|s| s.articles).sum()
    }

    /// Articles delivered: written by every sink they reached (an article written by two
    /// sinks counts once).
    pub fn articles_out(&self) -> u64 {
        self.acks().delivered
    }

    /// Records rejected by sources plus articles stages failed on.
    pub fn dead_lettered(&self) -> u64 {
        self.sources.iter().map(|s| s.rejected).sum::<u64>()
            + self.stages.iter().map(|s| s.failed).sum::<u64>()
    }

    pub fn acks(&self) -> AckCounts {
        self.sources
            .iter()
            .fold(AckCounts::default(), |sum, s| AckCounts {
                delivered: sum.delivered + s.acks.delivered,
                rejected: sum.rejected + s.acks.rejected,
                errored: sum.errored + s.acks.errored,
            })
    }

    /// Articles stages skipped for their language, as `(count, "English", stage ids)`: one
    /// entry per count and set of supported languages, so that the usual chain of English
    /// stages, which all skip the same articles, reads as one line.
    pub fn skipped_by_language(&self) -> Vec<(u64, String, Vec<&str>)> {
        let mut groups: Vec<(u64, String, Vec<&str>)> = Vec::new();
        for stage in self.stages.iter().filter(|s| s.skipped > 0) {
            let languages = match &stage.languages {
                Some(codes) => codes
                    .iter()
                    .map(|code| {
                        byline_core::language::english_name(code)
                            .map_or_else(|| code.clone(), str::to_string)
                    })
                    .collect::<Vec<_>>()
                    .join(" or "),
                None => "in a supported language".to_string(),
            };
            match groups
                .iter_mut()
                .find(|(count, names, _)| *count == stage.skipped && *names == languages)
            {
                Some((_, _, ids)) => ids.push(&stage.id),
                None => groups.push((stage.skipped, languages, vec![&stage.id])),
            }
        }
        groups
    }

    /// No component failed and no record was left unacknowledged.
    pub fn succeeded(&self) -> bool {
        self.failures.is_empty() && self.acks().errored == 0
    }
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let rate = if seconds > 0.0 {
            self.articles_in() as f64 / seconds
        } else {
            0.0
        };
        let sinks = self.sinks.len();
        write!(
            f,
            "byline: {} articles in, {} out to {sinks} sink{}",
            self.articles_in(),
            self.articles_out(),
            if sinks == 1 { "" } else { "s" }
        )?;
        let dead = self.dead_lettered();
        if dead > 0 {
            write!(f, ", {dead} dead-lettered")?;
            if self.dead_letter_writer.dead_letters > 0 {
                write!(f, " (see {})", self.dead_letter_file.display())?;
            }
        }
        write!(f, " in {seconds:.2} s ({rate:.0} articles/s)")?;
        if self.interrupted {
            write!(f, ", stopped early")?;
        }
        let acks = self.acks();
        if acks.errored > 0 {
            write!(f, "; {} records NOT delivered (errored)", acks.errored)?;
        }
        for (count, languages, stages) in self.skipped_by_language() {
            write!(
                f,
                "\n  {count} not {languages}: skipped by {}",
                stages.join(", ")
            )?;
        }
        for stage in self.stages.iter().filter(|s| s.abandoned > 0) {
            write!(
                f,
                "\n  stage `{}`: {} threads abandoned by its timeout ({} still running)",
                stage.id, stage.abandoned, stage.abandoned_running
            )?;
        }
        for sink in &self.sinks {
            if let Some(destination) = &sink.destination {
                write!(
                    f,
                    "\n  {}: {} articles to {destination}",
                    sink.id, sink.articles
                )?;
            }
        }
        for failure in &self.failures {
            write!(f, "\n  failed: {failure}")?;
        }
        Ok(())
    }
}

impl AckCounts {
    pub fn finished(&self) -> u64 {
        self.delivered + self.rejected + self.errored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> RunSummary {
        RunSummary {
            elapsed: Duration::from_millis(500),
            interrupted: false,
            sources: vec![SourceReport {
                id: "wire".into(),
                articles: 10,
                rejected: 2,
                acks: AckCounts {
                    delivered: 9,
                    rejected: 3,
                    errored: 0,
                },
            }],
            stages: vec![StageReport {
                id: "ner".into(),
                articles: 10,
                dropped: 0,
                failed: 1,
                abandoned: 0,
                abandoned_running: 0,
                skipped: 0,
                languages: None,
            }],
            sinks: vec![SinkReport {
                id: "out".into(),
                articles: 9,
                dead_letters: 0,
                failed_batches: 0,
                destination: Some("out/a.jsonl".into()),
            }],
            dead_letter_file: PathBuf::from(".byline/dead-letter.jsonl"),
            dead_letter_writer: SinkReport {
                id: "dead-letter".into(),
                articles: 0,
                dead_letters: 3,
                failed_batches: 0,
                destination: None,
            },
            failures: Vec::new(),
        }
    }

    #[test]
    fn the_summary_adds_up_and_reads_in_one_line() {
        let summary = summary();
        assert_eq!(
            (
                summary.articles_in(),
                summary.articles_out(),
                summary.dead_lettered()
            ),
            (10, 9, 3)
        );
        assert!(summary.succeeded());
        assert_eq!(
            summary.to_string(),
            "byline: 10 articles in, 9 out to 1 sink, 3 dead-lettered (see .byline/dead-letter.jsonl) in 0.50 s (20 articles/s)\n  out: 9 articles to out/a.jsonl"
        );
    }

    #[test]
    fn errored_acks_and_failures_are_not_a_success() {
        let mut summary = summary();
        summary.sources[0].acks.errored = 1;
        summary.failures.push("sink `out`: disk full".into());
        assert!(!summary.succeeded());
        let text = summary.to_string();
        assert!(text.contains("1 records NOT delivered"), "{text}");
        assert!(text.contains("failed: sink `out`: disk full"), "{text}");
    }

    #[test]
    fn stages_that_skip_the_same_articles_share_a_line() {
        let mut summary = summary();
        let english = |id: &str, skipped| StageReport {
            id: id.into(),
            articles: 10,
            dropped: 0,
            failed: 0,
            abandoned: 0,
            abandoned_running: 0,
            skipped,
            languages: Some(vec!["en".into()]),
        };
        summary.stages = vec![
            english("entities", 4),
            english("dates", 4),
            english("quotes", 4),
            StageReport {
                languages: Some(vec!["en".into(), "de".into()]),
                ..english("custom", 3)
            },
            StageReport {
                languages: None,
                ..english("exec", 0)
            },
        ];
        let text = summary.to_string();
        assert!(
            text.contains("\n  4 not English: skipped by entities, dates, quotes\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  3 not English or German: skipped by custom\n"),
            "{text}"
        );
        assert!(!text.contains("exec"), "{text}");
    }
}
