//! Runs one stage: batches go to a blocking worker pool (never the async threads), up to
//! `concurrency` at once, and come back out in the order they came in unless the stage
//! says `ordered = false` (a ticket per batch and a reorder buffer).
//!
//! A panic is caught per batch; the batch's articles are then put back as they were and
//! re-run one by one, so that only the article that panics goes to the dead letters.

use std::collections::{BTreeMap, HashMap};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use byline_core::{
    Ack, AckStatus, Article, DeadLetter, Entity, Event, Flow, Payload, Position, Published, Quote,
    Stage, StageError, Timex, language,
};
use serde_json::{Map, Value};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::router::{Batch, Router};
use crate::summary::ComponentMetrics;
use crate::watchdog::Watchdog;

/// How a stage runs.
pub struct StageSettings {
    pub concurrency: usize,
    pub ordered: bool,
    /// The per-article deadline; with one, articles go through [`Stage::process`] one at
    /// a time on watched threads ([`Watchdog`]) instead of [`Stage::process_batch`].
    pub timeout: Option<std::time::Duration>,
}

pub async fn run(
    id: Arc<str>,
    stage: Arc<dyn Stage>,
    settings: StageSettings,
    mut input: mpsc::Receiver<Batch>,
    router: Router,
    metrics: Arc<ComponentMetrics>,
) {
    let mut workers: JoinSet<(u64, Batch)> = JoinSet::new();
    let mut tickets: HashMap<tokio::task::Id, u64> = HashMap::new();
    let mut ready: BTreeMap<u64, Batch> = BTreeMap::new();
    let (mut next_ticket, mut next_out) = (0u64, 0u64);
    let mut input_open = true;
    let watchdog = settings.timeout.map(|timeout| {
        Arc::new(Watchdog::new(id.clone(), stage.clone(), timeout).counting_in(metrics.clone()))
    });
    loop {
        let in_flight = if settings.ordered {
            (next_ticket - next_out) as usize
        } else {
            workers.len()
        };
        let admit = input_open && in_flight < settings.concurrency;
        if !input_open && workers.is_empty() {
            break;
        }
        tokio::select! {
            joined = workers.join_next_with_id(), if !workers.is_empty() => {
                let (ticket, batch) = match joined {
                    Some(Ok((task, (ticket, batch)))) => {
                        tickets.remove(&task);
                        (ticket, batch)
                    }
                    Some(Err(e)) => {
                        // Panics are caught inside the worker, so this is a bug; the batch's
                        // acks are dropped with it and count as errored.
                        tracing::error!(stage = %id, "a worker was lost: {e}");
                        (tickets.remove(&e.id()).unwrap_or(next_out), Vec::new())
                    }
                    None => continue,
                };
                if settings.ordered {
                    ready.insert(ticket, batch);
                    while let Some(batch) = ready.remove(&next_out) {
                        next_out += 1;
                        let _ = router.route(batch).await;
                    }
                } else {
                    let _ = router.route(batch).await;
                }
            }
            batch = input.recv(), if admit => match batch {
                Some(batch) => {
                    ComponentMetrics::add(&metrics.received, batch.len());
                    let ticket = next_ticket;
                    next_ticket += 1;
                    let (stage, id, metrics) = (stage.clone(), id.clone(), metrics.clone());
                    let watchdog = watchdog.clone();
                    let handle = workers.spawn_blocking(move || {
                        (ticket, process(&*stage, &id, batch, &metrics, watchdog.as_deref()))
                    });
                    tickets.insert(handle.id(), ticket);
                }
                None => input_open = false,
            },
            else => break,
        }
    }
}

/// The article fields a stage may change, kept to undo a batch that panicked half-way.
struct Snapshot {
    id: String,
    title: Option<String>,
    published: Option<Published>,
    url: Option<String>,
    source: Option<String>,
    language: Option<String>,
    meta: Map<String, Value>,
    entities: Vec<Entity>,
    timexes: Vec<Timex>,
    quotes: Vec<Quote>,
}

impl Snapshot {
    fn of(article: &Article) -> Snapshot {
        Snapshot {
            id: article.id.clone(),
            title: article.title.clone(),
            published: article.published.clone(),
            url: article.url.clone(),
            source: article.source.clone(),
            language: article.language.clone(),
            meta: article.meta.clone(),
            entities: article.entities.clone(),
            timexes: article.timexes.clone(),
            quotes: article.quotes.clone(),
        }
    }

    fn restore(&self, article: &mut Article) {
        article.id.clone_from(&self.id);
        article.title.clone_from(&self.title);
        article.published.clone_from(&self.published);
        article.url.clone_from(&self.url);
        article.source.clone_from(&self.source);
        article.language.clone_from(&self.language);
        article.meta.clone_from(&self.meta);
        article.entities.clone_from(&self.entities);
        article.timexes.clone_from(&self.timexes);
        article.quotes.clone_from(&self.quotes);
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// Runs one batch through the stage on a worker thread. Failed articles become dead
/// letters in place; filtered ones are acknowledged and left out; articles in a language
/// the stage does not support ([`Stage::languages`]) pass on untouched, in their place,
/// and are counted as skipped. With a `watchdog`, each article runs under the stage's
/// timeout.
pub fn process(
    stage: &dyn Stage,
    id: &str,
    batch: Batch,
    metrics: &ComponentMetrics,
    watchdog: Option<&Watchdog>,
) -> Batch {
    let supported = stage.languages();
    let mut articles = Vec::with_capacity(batch.len());
    let mut tags: Vec<(Position, Ack)> = Vec::with_capacity(batch.len());
    // Per article of the batch, in order: `None` for one the stage processes, the event
    // itself for one it skips, so that skipped articles keep their place in the output.
    let mut order: Vec<Option<Event>> = Vec::with_capacity(batch.len());
    let mut passing_through = Vec::new();
    for event in batch {
        match event.payload {
            Payload::Article(article) => {
                // Only a stage that names its languages makes the article's language known
                // here; otherwise detection waits for whoever needs it next (the output).
                if supported.is_some_and(|langs| !language::is_one_of(article.language(), langs)) {
                    order.push(Some(Event::article(article, event.position, event.ack)));
                    continue;
                }
                articles.push(article);
                tags.push((event.position, event.ack));
                order.push(None);
            }
            Payload::DeadLetter(_) => passing_through.push(event),
        }
    }
    let skipped = order.len() - articles.len();
    if skipped > 0 {
        ComponentMetrics::add(&metrics.skipped, skipped);
    }
    let started = std::time::Instant::now();
    let results = match watchdog {
        // A batch of skipped articles alone never reaches the stage.
        _ if articles.is_empty() => Vec::new(),
        Some(watchdog) => {
            let (processed, results) = articles
                .into_iter()
                .map(|article| watchdog.process(article))
                .unzip();
            articles = processed;
            results
        }
        None => process_batch_isolated(stage, id, &mut articles),
    };
    if !articles.is_empty() {
        let per_article = started.elapsed().as_secs_f64() / articles.len() as f64;
        metrics
            .processing
            .observe(per_article, articles.len() as u64);
    }
    let mut out = Vec::with_capacity(order.len() + passing_through.len());
    let mut processed = articles.into_iter().zip(tags).zip(results);
    for slot in order {
        if let Some(skipped) = slot {
            out.push(skipped);
            continue;
        }
        let Some(((article, (position, ack)), result)) = processed.next() else {
            break;
        };
        match result {
            Ok(Flow::Continue) => out.push(Event::article(article, position, ack)),
            Ok(Flow::Drop) => {
                ComponentMetrics::add(&metrics.dropped, 1);
                ack.resolve(AckStatus::Delivered);
            }
            Err(error) => {
                let reason = format!("stage `{id}` failed on article `{}`: {error}", article.id);
                tracing::warn!(stage = id, position = %position, "{reason}");
                out.push(Event::dead_letter(
                    DeadLetter::article(id, article, reason),
                    position,
                    ack,
                ));
            }
        }
    }
    out.extend(passing_through);
    out
}

/// Runs a batch through `process_batch`; if it panics (or miscounts), every article is put
/// back as it was and run alone, so that only the one that panics fails.
fn process_batch_isolated(
    stage: &dyn Stage,
    id: &str,
    articles: &mut [Article],
) -> Vec<Result<Flow, StageError>> {
    let snapshots: Vec<Snapshot> = articles.iter().map(Snapshot::of).collect();
    match catch_unwind(AssertUnwindSafe(|| stage.process_batch(articles))) {
        Ok(results) if results.len() == articles.len() => results,
        outcome => {
            match outcome {
                Ok(results) => tracing::error!(
                    stage = id,
                    "process_batch returned {} results for {} articles; running them one by one",
                    results.len(),
                    articles.len()
                ),
                Err(payload) => tracing::warn!(
                    stage = id,
                    "panic in a batch of {} ({}); running its articles one by one",
                    articles.len(),
                    panic_message(&*payload)
                ),
            }
            articles
                .iter_mut()
                .zip(&snapshots)
                .map(|(article, snapshot)| {
                    snapshot.restore(article);
                    match catch_unwind(AssertUnwindSafe(|| stage.process(article))) {
                        Ok(result) => result,
                        Err(payload) => {
                            snapshot.restore(article);
                            Err(StageError::new(format!(
                                "panic: {}",
                                panic_message(&*payload)
                            )))
                        }
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{EntityLabel, Layer};

    /// Adds an entity, fails on "fail", panics on "panic", drops "drop".
    struct Picky;

    impl Stage for Picky {
        fn provides(&self) -> Vec<Layer> {
            vec![Layer::ENTITIES]
        }
        fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
            let first = article.text().chars().next().map_or(0, char::len_utf8);
            article.entities.push(Entity {
                start: 0,
                end: first,
                text: article.text()[..first].to_string(),
                label: EntityLabel::Misc,
                name: "x".into(),
            });
            match article.id.as_str() {
                "fail" => Err(StageError::new("no good")),
                "panic" => panic!("boom"),
                "drop" => Ok(Flow::Drop),
                _ => Ok(Flow::Continue),
            }
        }
    }

    fn batch(ids: &[&str]) -> Batch {
        ids.iter()
            .map(|id| {
                Event::article(
                    Article::new(*id, "Text."),
                    Position::of_source("s".into()),
                    Ack::untracked(),
                )
            })
            .collect()
    }

    fn describe(batch: &Batch) -> Vec<String> {
        batch
            .iter()
            .map(|e| match &e.payload {
                Payload::Article(a) => format!("{} entities={}", a.id, a.entities.len()),
                Payload::DeadLetter(d) => format!(
                    "dead {} entities={}: {}",
                    d.article.as_ref().map_or("?", |a| a.id.as_str()),
                    d.article.as_ref().map_or(0, |a| a.entities.len()),
                    d.reason
                ),
            })
            .collect()
    }

    #[test]
    fn a_panic_is_isolated_to_its_article_and_the_others_are_not_processed_twice() {
        let metrics = ComponentMetrics::default();
        let out = process(
            &Picky,
            "ner",
            batch(&["a", "panic", "fail", "drop", "b"]),
            &metrics,
            None,
        );
        assert_eq!(
            describe(&out),
            [
                "a entities=1",
                "dead panic entities=0: stage `ner` failed on article `panic`: panic: boom",
                "dead fail entities=1: stage `ner` failed on article `fail`: no good",
                "b entities=1",
            ]
        );
        assert_eq!(
            metrics.dropped.load(std::sync::atomic::Ordering::Relaxed),
            1
        );
    }

    #[test]
    fn a_clean_batch_goes_through_in_order() {
        let out = process(
            &Picky,
            "ner",
            batch(&["a", "b", "c"]),
            &ComponentMetrics::default(),
            None,
        );
        assert_eq!(
            describe(&out),
            ["a entities=1", "b entities=1", "c entities=1"]
        );
    }

    /// Picky, but English only, and counting the articles it is given.
    struct EnglishOnly(std::sync::atomic::AtomicUsize);

    impl Stage for EnglishOnly {
        fn languages(&self) -> Option<&[&str]> {
            Some(&["en"])
        }
        fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Picky.process(article)
        }
    }

    /// Articles written for this test: English, German (given and detected) and Chinese.
    fn mixed_batch() -> Batch {
        let english = "The council voted on Tuesday to close the old bridge for repairs, \
            the mayor told reporters after a long meeting at the town hall.";
        let german = "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für \
            Reparaturen zu sperren, sagte der Bürgermeister nach einer langen Sitzung.";
        let chinese = "市议会周二投票决定关闭旧桥进行维修，市长在市政厅长时间会议后对记者说。";
        let mut given = Article::new("given-de", english);
        given.language = Some("de-CH".into());
        [
            Article::new("en", english),
            Article::new("de", german),
            given,
            Article::new("drop", english),
            Article::new("zh", chinese),
            Article::new("fail", english),
        ]
        .into_iter()
        .map(|article| Event::article(article, Position::of_source("s".into()), Ack::untracked()))
        .collect()
    }

    #[test]
    fn articles_in_other_languages_pass_through_untouched_in_their_place() {
        let expected = [
            "en entities=1",
            "de entities=0",
            "given-de entities=0",
            "zh entities=0",
            "dead fail entities=1: stage `ner` failed on article `fail`: no good",
        ];
        let stage = EnglishOnly(Default::default());
        let metrics = ComponentMetrics::default();
        let out = process(&stage, "ner", mixed_batch(), &metrics, None);
        assert_eq!(describe(&out), expected);
        assert_eq!(stage.0.load(std::sync::atomic::Ordering::Relaxed), 3);
        assert_eq!(ComponentMetrics::get(&metrics.skipped), 3);
        assert_eq!(ComponentMetrics::get(&metrics.dropped), 1);
        // The language a skipped article was taken to be in goes on with it.
        let languages: Vec<&str> = out
            .iter()
            .filter_map(|e| match &e.payload {
                Payload::Article(a) => Some(a.language()),
                Payload::DeadLetter(_) => None,
            })
            .collect();
        assert_eq!(languages, ["en", "de", "de-CH", "zh"]);

        // The same under a timeout, where articles go one at a time through the watchdog.
        let stage = Arc::new(EnglishOnly(Default::default()));
        let metrics = Arc::new(ComponentMetrics::default());
        let watchdog = Watchdog::new(
            "ner".into(),
            stage.clone(),
            std::time::Duration::from_secs(30),
        );
        let out = process(&*stage, "ner", mixed_batch(), &metrics, Some(&watchdog));
        // (The watchdog dead-letters a failed article as it was before the stage.)
        assert_eq!(describe(&out)[..4], expected[..4]);
        assert_eq!(out.len(), expected.len());
        assert_eq!(stage.0.load(std::sync::atomic::Ordering::Relaxed), 3);
        assert_eq!(ComponentMetrics::get(&metrics.skipped), 3);
    }

    #[test]
    fn a_stage_for_any_language_sees_every_article() {
        let metrics = ComponentMetrics::default();
        let out = process(&Picky, "ner", mixed_batch(), &metrics, None);
        assert_eq!(
            describe(&out)[..4],
            [
                "en entities=1",
                "de entities=1",
                "given-de entities=1",
                "zh entities=1"
            ]
        );
        assert_eq!(ComponentMetrics::get(&metrics.skipped), 0);
    }

    /// Sleeps longer on earlier articles, so that later batches finish first.
    struct Slow;
    impl Stage for Slow {
        fn process(&self, article: &mut Article) -> Result<Flow, StageError> {
            let n: u64 = article.id.parse().unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(
                20u64.saturating_sub(n * 4),
            ));
            Ok(Flow::Continue)
        }
    }

    async fn run_slow(ordered: bool) -> Vec<String> {
        let (in_tx, in_rx) = mpsc::channel(16);
        let (out_tx, mut out_rx) = mpsc::channel(16);
        let router = Router::new("slow".into(), vec![out_tx], vec![], Arc::default());
        let task = tokio::spawn(run(
            "slow".into(),
            Arc::new(Slow),
            StageSettings {
                concurrency: 4,
                ordered,
                timeout: None,
            },
            in_rx,
            router,
            Arc::default(),
        ));
        for id in ["0", "1", "2", "3", "4"] {
            in_tx.send(batch(&[id])).await.expect("the task");
        }
        drop(in_tx);
        task.await.expect("the task");
        let mut ids = Vec::new();
        while let Some(batch) = out_rx.recv().await {
            ids.extend(describe(&batch));
        }
        ids
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn order_is_kept_across_concurrent_batches_unless_turned_off() {
        let ordered = run_slow(true).await;
        assert_eq!(
            ordered,
            [
                "0 entities=0",
                "1 entities=0",
                "2 entities=0",
                "3 entities=0",
                "4 entities=0"
            ]
        );
        let mut unordered = run_slow(false).await;
        assert_eq!(unordered.len(), 5);
        unordered.sort();
        assert_eq!(unordered, ordered);
    }
}
