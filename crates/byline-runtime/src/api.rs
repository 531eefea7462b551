//! The `[api]` endpoint: `/metrics` in the Prometheus text format (per-component counts and
//! each stage's processing-time histogram) and `/health`.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::health::{HealthCheck, Status};
use crate::summary::{AckTally, ComponentMetrics, PROCESSING_BUCKETS, unix_millis};

/// What kind of component a set of counters belongs to, as the `kind` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Source,
    Stage,
    Sink,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Stage => "stage",
            Kind::Sink => "sink",
        }
    }
}

/// A counter's name, help text, and how to read it from a component's metrics.
type Counter = (&'static str, &'static str, fn(&ComponentMetrics) -> u64);

/// Every counter of a running pipeline.
#[derive(Default, Clone)]
pub struct MetricsRegistry {
    pub components: Vec<(Kind, Arc<str>, Arc<ComponentMetrics>)>,
    pub acks: Vec<(Arc<str>, Arc<AckTally>)>,
    /// What broker sources report of their messages (see `byline_core::BrokerCounts`).
    pub brokers: Vec<(Arc<str>, Arc<byline_core::BrokerCounts>)>,
}

impl MetricsRegistry {
    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counters: [Counter; 7] = [
            (
                "byline_received_total",
                "Articles that reached the component.",
                |m| ComponentMetrics::get(&m.received),
            ),
            (
                "byline_sent_total",
                "Articles the component sent on (sinks: wrote and flushed).",
                |m| ComponentMetrics::get(&m.sent),
            ),
            (
                "byline_errored_total",
                "Records the component sent to its dead-letter route.",
                |m| ComponentMetrics::get(&m.dead_lettered),
            ),
            (
                "byline_dropped_total",
                "Articles a stage filtered out.",
                |m| ComponentMetrics::get(&m.dropped),
            ),
            (
                "byline_skipped_total",
                "Articles a stage passed on untouched: it does not support their language.",
                |m| ComponentMetrics::get(&m.skipped),
            ),
            (
                "byline_abandoned_threads_total",
                "Threads a stage's timeout gave up on (each keeps running until it finishes).",
                |m| ComponentMetrics::get(&m.abandoned),
            ),
            (
                "byline_failures_total",
                "Failed sink writes and flushes (each retried).",
                |m| ComponentMetrics::get(&m.failed),
            ),
        ];
        for (name, help, read) in counters {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            for (kind, id, metrics) in &self.components {
                let _ = writeln!(
                    out,
                    "{name}{{kind=\"{}\",component=\"{}\"}} {}",
                    kind.label(),
                    escape(id),
                    read(metrics)
                );
            }
        }
        let name = "byline_acknowledged_total";
        let _ = writeln!(
            out,
            "# HELP {name} Records of a source by outcome.\n# TYPE {name} counter"
        );
        for (id, tally) in &self.acks {
            let counts = tally.counts();
            for (status, value) in [
                ("delivered", counts.delivered),
                ("rejected", counts.rejected),
                ("errored", counts.errored),
            ] {
                let _ = writeln!(
                    out,
                    "{name}{{component=\"{}\",status=\"{status}\"}} {value}",
                    escape(id)
                );
            }
        }
        let sinks = || {
            self.components
                .iter()
                .filter(|(kind, _, _)| *kind == Kind::Sink)
        };
        let name = "byline_sink_retrying";
        let _ = writeln!(
            out,
            "# HELP {name} 1 while a sink retries a failed write or flush.\n# TYPE {name} gauge"
        );
        for (_, id, metrics) in sinks() {
            let _ = writeln!(
                out,
                "{name}{{component=\"{}\"}} {}",
                escape(id),
                u8::from(metrics.is_retrying())
            );
        }
        let name = "byline_sink_last_delivery_timestamp_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} When a sink last acknowledged records (Unix time; 0: never).\n# TYPE {name} gauge"
        );
        for (_, id, metrics) in sinks() {
            let millis = ComponentMetrics::get(&metrics.last_delivery_ms);
            let _ = writeln!(
                out,
                "{name}{{component=\"{}\"}} {}.{:03}",
                escape(id),
                millis / 1000,
                millis % 1000
            );
        }
        for (name, help, kind, read) in [
            (
                "byline_source_pending",
                "Messages a broker source holds and has not settled with the broker.",
                "gauge",
                (|c: &byline_core::BrokerCounts| &c.pending)
                    as fn(&byline_core::BrokerCounts) -> &std::sync::atomic::AtomicU64,
            ),
            (
                "byline_source_redelivered_total",
                "Messages the broker delivered to this source more than once.",
                "counter",
                |c: &byline_core::BrokerCounts| &c.redelivered,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (id, counts) in &self.brokers {
                let _ = writeln!(
                    out,
                    "{name}{{component=\"{}\"}} {}",
                    escape(id),
                    ComponentMetrics::get(read(counts))
                );
            }
        }
        let name = "byline_processing_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time a stage spent per article.\n# TYPE {name} histogram"
        );
        for (kind, id, metrics) in &self.components {
            if *kind != Kind::Stage {
                continue;
            }
            let id = escape(id);
            let (buckets, count, sum) = metrics.processing.read();
            for (bound, value) in PROCESSING_BUCKETS.iter().zip(buckets) {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{component=\"{id}\",le=\"{bound}\"}} {value}"
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{{component=\"{id}\",le=\"+Inf\"}} {count}\n{name}_sum{{component=\"{id}\"}} {sum}\n{name}_count{{component=\"{id}\"}} {count}"
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Binds `address` now (so that a taken port is reported at start) and serves until the
/// pipeline has stopped. Returns the address it is bound to, which tells the port when
/// `address` asked for any free one (`127.0.0.1:0`).
pub async fn serve(
    address: &str,
    health: HealthCheck,
) -> std::io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let metrics = health.metrics.clone();
    let listener = TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    tracing::info!(address = %bound, "serving /metrics and /health");
    let app = Router::new()
        .route(
            "/metrics",
            get(move || {
                let body = metrics.render();
                async move {
                    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
                }
            }),
        )
        .route(
            "/health",
            get(move || {
                let report = health.report(unix_millis());
                async move {
                    let status = match report.status {
                        Status::Ok => StatusCode::OK,
                        Status::Degraded | Status::Stopping => StatusCode::SERVICE_UNAVAILABLE,
                    };
                    let body = serde_json::to_string(&report).unwrap_or_default();
                    (
                        status,
                        [(header::CONTENT_TYPE, "application/json")],
                        body + "\n",
                    )
                        .into_response()
                }
            }),
        );
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("the api server stopped: {e}");
        }
    });
    Ok((bound, task))
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::AckListener;

    #[test]
    fn the_text_format_has_counters_acks_and_a_histogram() {
        let stage = Arc::new(ComponentMetrics::default());
        ComponentMetrics::add(&stage.received, 3);
        ComponentMetrics::add(&stage.skipped, 1);
        stage.processing.observe(0.002, 3);
        let tally = Arc::new(AckTally::default());
        tally.finished(0, byline_core::AckStatus::Delivered);
        let broker = Arc::new(byline_core::BrokerCounts::default());
        broker
            .pending
            .store(7, std::sync::atomic::Ordering::Relaxed);
        broker
            .redelivered
            .store(2, std::sync::atomic::Ordering::Relaxed);
        let registry = MetricsRegistry {
            components: vec![(Kind::Stage, "ner".into(), stage)],
            acks: vec![("wire".into(), tally)],
            brokers: vec![("wire".into(), broker)],
        };
        let text = registry.render();
        for expected in [
            "byline_received_total{kind=\"stage\",component=\"ner\"} 3",
            "byline_skipped_total{kind=\"stage\",component=\"ner\"} 1",
            "byline_acknowledged_total{component=\"wire\",status=\"delivered\"} 1",
            "byline_processing_seconds_bucket{component=\"ner\",le=\"0.001\"} 0",
            "byline_processing_seconds_bucket{component=\"ner\",le=\"0.005\"} 3",
            "byline_processing_seconds_count{component=\"ner\"} 3",
            "byline_source_pending{component=\"wire\"} 7",
            "byline_source_redelivered_total{component=\"wire\"} 2",
        ] {
            assert!(text.contains(expected), "{expected} missing from\n{text}");
        }
    }
}
