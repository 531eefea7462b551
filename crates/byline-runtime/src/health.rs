//! What `/health` says: `ok`, or `degraded` with the components at fault and why, so that
//! an operator (or a supervisor polling it) learns of a full disk or a stalled pipeline
//! while it happens, not when it is stopped.

use std::time::Duration;

use serde::Serialize;

use crate::api::{Kind, MetricsRegistry};
use crate::shutdown::Shutdown;
use crate::summary::ComponentMetrics;

/// Everything `/health` reads.
#[derive(Clone)]
pub struct HealthCheck {
    pub metrics: MetricsRegistry,
    /// In-flight records with no acknowledgement for this long make the pipeline degraded.
    pub stall_timeout: Duration,
    /// When the pipeline started, in milliseconds since the Unix epoch.
    pub started_ms: u64,
    pub shutdown: Shutdown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Degraded,
    Stopping,
}

/// The body of `/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthReport {
    pub status: Status,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// One component at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub component: String,
    pub kind: &'static str,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl HealthCheck {
    pub fn report(&self, now_ms: u64) -> HealthReport {
        let mut problems = Vec::new();
        for (kind, id, metrics) in &self.metrics.components {
            if *kind == Kind::Sink && metrics.is_retrying() {
                problems.push(Problem {
                    component: id.to_string(),
                    kind: "sink",
                    reason: "retrying a failed write; its sources are held back".to_string(),
                    last_error: metrics.last_error(),
                });
            }
        }
        for (kind, id, metrics) in &self.metrics.components {
            let running = ComponentMetrics::get(&metrics.abandoned_running);
            let limit = ComponentMetrics::get(&metrics.abandoned_limit);
            if *kind == Kind::Stage && limit > 0 && running >= limit {
                problems.push(Problem {
                    component: id.to_string(),
                    kind: "stage",
                    reason: format!(
                        "{running} threads abandoned by its timeout are still running (max_abandoned = {limit}); they hold memory and cores until the process restarts"
                    ),
                    last_error: None,
                });
            }
        }
        let stall_ms = self.stall_timeout.as_millis() as u64;
        for (id, acks) in &self.metrics.acks {
            let Some((_, _, emitted)) = self
                .metrics
                .components
                .iter()
                .find(|(kind, source, _)| *kind == Kind::Source && source == id)
            else {
                continue;
            };
            let emitted = ComponentMetrics::get(&emitted.sent)
                + ComponentMetrics::get(&emitted.dead_lettered);
            let pending = emitted.saturating_sub(acks.counts().finished());
            let since = acks.last_finished_ms().max(self.started_ms);
            let quiet_ms = now_ms.saturating_sub(since);
            if pending > 0 && quiet_ms > stall_ms {
                problems.push(Problem {
                    component: id.to_string(),
                    kind: "source",
                    reason: format!(
                        "{pending} records in flight and none delivered for {} s",
                        quiet_ms / 1000
                    ),
                    last_error: None,
                });
            }
        }
        let status = if self.shutdown.is_triggered() {
            Status::Stopping
        } else if problems.is_empty() {
            Status::Ok
        } else {
            Status::Degraded
        };
        HealthReport { status, problems }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use byline_core::{AckListener, AckStatus};

    use super::*;
    use crate::summary::AckTally;

    fn check() -> (
        HealthCheck,
        Arc<ComponentMetrics>,
        Arc<ComponentMetrics>,
        Arc<AckTally>,
    ) {
        let source = Arc::new(ComponentMetrics::default());
        let sink = Arc::new(ComponentMetrics::default());
        let acks = Arc::new(AckTally::default());
        let check = HealthCheck {
            metrics: MetricsRegistry {
                components: vec![
                    (Kind::Source, "wire".into(), source.clone()),
                    (Kind::Sink, "out".into(), sink.clone()),
                ],
                acks: vec![("wire".into(), acks.clone())],
                brokers: Vec::new(),
            },
            stall_timeout: Duration::from_secs(30),
            started_ms: 1_000_000,
            shutdown: Shutdown::new(),
        };
        (check, source, sink, acks)
    }

    #[test]
    fn a_retrying_sink_is_degraded_with_its_error_and_ok_again_once_it_delivers() {
        let (check, _, sink, _) = check();
        assert_eq!(check.report(1_000_000).status, Status::Ok);
        sink.set_retrying("cannot write out.jsonl: No space left on device");
        let report = check.report(1_000_000);
        assert_eq!(report.status, Status::Degraded);
        assert_eq!(report.problems[0].component, "out");
        assert_eq!(
            report.problems[0].last_error.as_deref(),
            Some("cannot write out.jsonl: No space left on device")
        );
        sink.delivered_now();
        assert_eq!(check.report(1_000_000).status, Status::Ok);
    }

    #[test]
    fn in_flight_records_with_no_delivery_past_the_stall_timeout_are_degraded() {
        let (check, source, _, acks) = check();
        ComponentMetrics::add(&source.sent, 3);
        // Within the stall time of the start: fine.
        assert_eq!(check.report(1_020_000).status, Status::Ok);
        let report = check.report(1_031_000);
        assert_eq!(report.status, Status::Degraded);
        assert!(
            report.problems[0].reason.starts_with("3 records in flight"),
            "{:?}",
            report
        );
        // All delivered: idle is not stalled.
        for seq in 0..3 {
            acks.finished(seq, AckStatus::Delivered);
        }
        assert_eq!(check.report(u64::MAX / 2).status, Status::Ok);
    }

    #[test]
    fn a_stage_with_too_many_running_abandoned_threads_is_degraded() {
        let (mut check, _, _, _) = check();
        let stage = Arc::new(ComponentMetrics::default());
        ComponentMetrics::add(&stage.abandoned_limit, 4);
        check
            .metrics
            .components
            .push((Kind::Stage, "quotes".into(), stage.clone()));
        ComponentMetrics::add(&stage.abandoned_running, 3);
        assert_eq!(check.report(1_000_000).status, Status::Ok);
        ComponentMetrics::add(&stage.abandoned_running, 1);
        let report = check.report(1_000_000);
        assert_eq!(report.status, Status::Degraded);
        assert_eq!(report.problems[0].component, "quotes");
        assert!(
            report.problems[0].reason.contains("max_abandoned = 4"),
            "{report:?}"
        );
    }

    #[test]
    fn the_body_is_json_with_the_problems() {
        let (check, _, sink, _) = check();
        sink.set_retrying("disk full");
        let body = serde_json::to_string(&check.report(0)).expect("serializes");
        assert_eq!(
            body,
            r#"{"status":"degraded","problems":[{"component":"out","kind":"sink","reason":"retrying a failed write; its sources are held back","last_error":"disk full"}]}"#
        );
    }
}
