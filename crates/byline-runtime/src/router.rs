//! Sends a component's output on: articles to every consumer of `id` (fan-out, one copy
//! each), dead letters to every consumer of `id.errors`, or to the dead-letter file when
//! none is wired.

use std::sync::Arc;

use byline_core::{Closed, Event};
use tokio::sync::mpsc;

use crate::summary::ComponentMetrics;

/// What travels on every edge.
pub type Batch = Vec<Event>;

#[derive(Clone)]
pub struct Router {
    component: Arc<str>,
    outputs: Vec<mpsc::Sender<Batch>>,
    errors: Vec<mpsc::Sender<Batch>>,
    metrics: Arc<ComponentMetrics>,
}

impl Router {
    pub fn new(
        component: Arc<str>,
        outputs: Vec<mpsc::Sender<Batch>>,
        errors: Vec<mpsc::Sender<Batch>>,
        metrics: Arc<ComponentMetrics>,
    ) -> Router {
        Router {
            component,
            outputs,
            errors,
            metrics,
        }
    }

    /// Sends a batch on, waiting while consumers are full (backpressure). `Err(Closed)`
    /// when every consumer of the articles has gone.
    pub async fn route(&self, batch: Batch) -> Result<(), Closed> {
        let (articles, dead_letters) = self.split(batch);
        let delivered = fan_out_async(&self.outputs, articles, &self.component).await;
        // A dead-letter consumer that has gone leaves its records unacknowledged (errored),
        // which their source hears; the articles' own route decides `Closed`.
        let _ = fan_out_async(&self.errors, dead_letters, &self.component).await;
        delivered
    }

    /// [`route`](Router::route) for a thread outside the async runtime.
    pub fn route_blocking(&self, batch: Batch) -> Result<(), Closed> {
        let (articles, dead_letters) = self.split(batch);
        let delivered = fan_out_blocking(&self.outputs, articles, &self.component);
        let _ = fan_out_blocking(&self.errors, dead_letters, &self.component);
        delivered
    }

    fn split(&self, batch: Batch) -> (Batch, Batch) {
        let (articles, dead_letters): (Batch, Batch) = if batch.iter().any(Event::is_dead_letter) {
            batch.into_iter().partition(|e| !e.is_dead_letter())
        } else {
            (batch, Vec::new())
        };
        ComponentMetrics::add(&self.metrics.sent, articles.len());
        ComponentMetrics::add(&self.metrics.dead_lettered, dead_letters.len());
        (articles, dead_letters)
    }
}

/// The copies for every consumer but the last, which takes the batch itself.
fn copies(count: usize, batch: Batch) -> Vec<Batch> {
    let mut copies: Vec<Batch> = (1..count)
        .map(|_| batch.iter().map(Event::fan_out_copy).collect())
        .collect();
    copies.push(batch);
    copies
}

async fn fan_out_async(
    consumers: &[mpsc::Sender<Batch>],
    batch: Batch,
    from: &str,
) -> Result<(), Closed> {
    if batch.is_empty() || consumers.is_empty() {
        return Ok(());
    }
    let mut any_open = false;
    for (consumer, copy) in consumers.iter().zip(copies(consumers.len(), batch)) {
        match consumer.send(copy).await {
            Ok(()) => any_open = true,
            // The dropped batch's acks count as errored: nothing is lost silently.
            Err(_) => tracing::debug!(
                component = from,
                "a consumer has gone; its copy is not delivered"
            ),
        }
    }
    if any_open { Ok(()) } else { Err(Closed) }
}

fn fan_out_blocking(
    consumers: &[mpsc::Sender<Batch>],
    batch: Batch,
    from: &str,
) -> Result<(), Closed> {
    if batch.is_empty() || consumers.is_empty() {
        return Ok(());
    }
    let mut any_open = false;
    for (consumer, copy) in consumers.iter().zip(copies(consumers.len(), batch)) {
        match consumer.blocking_send(copy) {
            Ok(()) => any_open = true,
            Err(_) => tracing::debug!(
                component = from,
                "a consumer has gone; its copy is not delivered"
            ),
        }
    }
    if any_open { Ok(()) } else { Err(Closed) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Ack, Article, DeadLetter, Payload, Position};

    fn article(id: &str) -> Event {
        Event::article(
            Article::new(id, "x"),
            Position::of_source("s".into()),
            Ack::untracked(),
        )
    }

    fn ids(batch: &Batch) -> Vec<String> {
        batch
            .iter()
            .map(|e| match &e.payload {
                Payload::Article(a) => a.id.clone(),
                Payload::DeadLetter(d) => format!("dead:{}", d.reason),
            })
            .collect()
    }

    #[tokio::test]
    async fn articles_fan_out_and_dead_letters_take_the_errors_route() {
        let (a_tx, mut a_rx) = mpsc::channel(4);
        let (b_tx, mut b_rx) = mpsc::channel(4);
        let (e_tx, mut e_rx) = mpsc::channel(4);
        let metrics = Arc::new(ComponentMetrics::default());
        let router = Router::new("s".into(), vec![a_tx, b_tx], vec![e_tx], metrics.clone());
        let dead = Event::dead_letter(
            DeadLetter::raw("s", "{", None, "bad"),
            Position::of_source("s".into()),
            Ack::untracked(),
        );
        router
            .route(vec![article("1"), dead, article("2")])
            .await
            .expect("the task");
        let received =
            |rx: &mut mpsc::Receiver<Batch>| rx.try_recv().map(|b| ids(&b)).unwrap_or_default();
        assert_eq!(received(&mut a_rx), ["1", "2"]);
        assert_eq!(received(&mut b_rx), ["1", "2"]);
        assert_eq!(received(&mut e_rx), ["dead:bad"]);
        assert_eq!(metrics.sent.load(std::sync::atomic::Ordering::Relaxed), 2);
    }

    #[tokio::test]
    async fn a_router_whose_consumers_are_gone_says_closed() {
        let (tx, rx) = mpsc::channel(1);
        drop(rx);
        let router = Router::new("s".into(), vec![tx], vec![], Arc::default());
        assert_eq!(router.route(vec![article("1")]).await, Err(Closed));
    }
}
