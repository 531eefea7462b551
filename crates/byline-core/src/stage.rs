//! The `Stage` trait: one annotation step applied to each article.

use crate::article::Article;
use crate::layers::Layer;

/// What happens to an article after a stage has seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Pass the article on to the next component.
    Continue,
    /// Filter the article out on purpose. It counts as delivered (its source position is
    /// committed); it is not an error and does not reach the dead letters.
    Drop,
}

/// A stage failed on one article. The article goes to the stage's `<id>.errors` route (or
/// the dead letters) with this message; the pipeline carries on with the next article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StageError {
    pub message: String,
}

impl StageError {
    pub fn new(message: impl Into<String>) -> StageError {
        StageError {
            message: message.into(),
        }
    }
}

/// One step of a pipeline: it reads an article and adds or changes annotation layers.
///
/// `process` is synchronous and may be CPU-heavy: the runtime calls it on a worker pool,
/// never on the async threads, from up to `concurrency` threads at once (hence `Sync`).
/// It must not alter `article.text()` (it cannot) and every offset it writes is a byte
/// offset into that text. A panic inside `process` is caught by the runtime and sends that
/// one article to the dead letters.
pub trait Stage: Send + Sync + 'static {
    /// Layers this stage adds. The runtime checks, before anything starts, that every
    /// layer a stage requires is provided upstream of it.
    fn provides(&self) -> Vec<Layer> {
        Vec::new()
    }

    /// Layers this stage reads. `Layer::TOKENS` is always available.
    fn requires(&self) -> Vec<Layer> {
        Vec::new()
    }

    /// The languages this stage can annotate, as ISO 639-1 codes (`&["en"]`); `None`, the
    /// default, means any language.
    ///
    /// The runtime passes an article in any other language ([`Article::language`]) through
    /// this stage untouched, without calling `process`, and counts it as skipped: a model
    /// trained on English gives confident nonsense on German or Arabic, and no layer is
    /// better than a wrong one.
    fn languages(&self) -> Option<&[&str]> {
        None
    }

    /// Annotates one article.
    fn process(&self, article: &mut Article) -> Result<Flow, StageError>;

    /// Annotates a batch, one result per article in order. The runtime hands stages
    /// batches to save per-article overhead; a stage that talks to something outside
    /// (the exec stage's child process) overrides this to keep several requests in flight.
    /// If a batch panics, the runtime re-runs its articles one by one through `process` to
    /// find the one that did.
    fn process_batch(&self, articles: &mut [Article]) -> Vec<Result<Flow, StageError>> {
        articles.iter_mut().map(|a| self.process(a)).collect()
    }

    /// Whether the stage enforces the pipeline's per-article `timeout` itself (it gets it
    /// as [`BuildContext::timeout`](crate::BuildContext::timeout)). By default the runtime
    /// enforces it, running each article alone on a watched thread; a stage that can fail
    /// one article cleanly on its own (the exec stage kills its child) says `true`, and the
    /// runtime keeps sending it whole batches, so that it keeps its pipelining.
    fn enforces_own_deadlines(&self) -> bool {
        false
    }
}
