//! End-to-end acknowledgements: how a source learns what became of each record it emitted.
//!
//! Every event carries an [`Ack`]. When an article fans out to several components the handle
//! is cloned, and every copy must be resolved: by a sink once it has written the article
//! ([`AckStatus::Delivered`]), by a dead-letter route ([`AckStatus::Rejected`]) or by a stage
//! that filters the article out on purpose (delivered as well). When the last copy is gone
//! the source's [`AckListener`] hears the worst outcome of all copies, exactly once.
//!
//! A copy that is dropped without being resolved counts as [`AckStatus::Errored`]: a lost
//! handle must never look like a delivery (Vector #19711, #24543 and #24215 were acks that
//! lied). A source commits its position only over a contiguous run of delivered or rejected
//! records, which is what [`CommitWindow`] computes.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

/// What became of one record. Ordered from best to worst; copies merge to the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AckStatus {
    /// Every sink the record reached wrote it (or a stage filtered it out on purpose).
    Delivered,
    /// The record went to a dead-letter route, which wrote it.
    Rejected,
    /// Something failed that a retry may fix (a sink could not write, a handle was lost).
    /// The source must not commit past this record.
    Errored,
}

impl AckStatus {
    fn from_u8(value: u8) -> AckStatus {
        match value {
            0 => AckStatus::Delivered,
            1 => AckStatus::Rejected,
            _ => AckStatus::Errored,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            AckStatus::Delivered => 0,
            AckStatus::Rejected => 1,
            AckStatus::Errored => 2,
        }
    }

    /// `true` when a source may commit its position past this record.
    pub fn is_final(self) -> bool {
        self != AckStatus::Errored
    }
}

impl fmt::Display for AckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AckStatus::Delivered => "delivered",
            AckStatus::Rejected => "rejected",
            AckStatus::Errored => "errored",
        })
    }
}

/// Receives the outcome of every record a source emitted. Called from whichever thread
/// dropped the last copy, so it must be cheap and must not block.
pub trait AckListener: Send + Sync {
    /// `seq` is the record's sequence number within its source (0, 1, 2, ...).
    fn finished(&self, seq: u64, status: AckStatus);
}

struct AckShared {
    seq: u64,
    status: AtomicU8,
    listener: Arc<dyn AckListener>,
}

impl Drop for AckShared {
    fn drop(&mut self) {
        let status = AckStatus::from_u8(self.status.load(Ordering::Acquire));
        self.listener.finished(self.seq, status);
    }
}

/// The acknowledgement handle carried by one copy of one record.
pub struct Ack {
    shared: Option<Arc<AckShared>>,
    resolved: bool,
}

impl Ack {
    /// A handle for record `seq` whose outcome `listener` will hear.
    pub fn new(seq: u64, listener: Arc<dyn AckListener>) -> Ack {
        Ack {
            shared: Some(Arc::new(AckShared {
                seq,
                status: AtomicU8::new(AckStatus::Delivered.as_u8()),
                listener,
            })),
            resolved: false,
        }
    }

    /// A handle nobody listens to, for articles made outside a source (tests, tools).
    pub fn untracked() -> Ack {
        Ack {
            shared: None,
            resolved: false,
        }
    }

    /// The record's sequence number within its source, if it is tracked.
    pub fn seq(&self) -> Option<u64> {
        self.shared.as_ref().map(|s| s.seq)
    }

    /// Settles this copy. The source hears the worst status of all copies once the last
    /// one is settled.
    pub fn resolve(mut self, status: AckStatus) {
        self.settle(status);
    }

    fn settle(&mut self, status: AckStatus) {
        if self.resolved {
            return;
        }
        self.resolved = true;
        if let Some(shared) = &self.shared {
            shared.status.fetch_max(status.as_u8(), Ordering::AcqRel);
        }
    }
}

impl Clone for Ack {
    /// A new, unresolved copy for one more branch of a fan-out.
    fn clone(&self) -> Ack {
        Ack {
            shared: self.shared.clone(),
            resolved: false,
        }
    }
}

impl Drop for Ack {
    fn drop(&mut self) {
        self.settle(AckStatus::Errored);
    }
}

impl fmt::Debug for Ack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ack")
            .field("seq", &self.seq())
            .field("resolved", &self.resolved)
            .finish()
    }
}

/// Tracks the outcomes of a source's records and tells how far the source may commit: up to
/// the first record that is still in flight or errored.
#[derive(Debug, Default)]
pub struct CommitWindow {
    /// Every record before this one is finished and final.
    committed: u64,
    /// Finished records above `committed`, with their status.
    finished: BTreeMap<u64, AckStatus>,
}

impl CommitWindow {
    /// A window whose first record is `first_seq`.
    pub fn starting_at(first_seq: u64) -> CommitWindow {
        CommitWindow {
            committed: first_seq,
            finished: BTreeMap::new(),
        }
    }

    /// Records an outcome. Returns the new commit point (every record below it is
    /// delivered or rejected) when it moved.
    pub fn finish(&mut self, seq: u64, status: AckStatus) -> Option<u64> {
        if seq < self.committed {
            return None;
        }
        // Records mostly finish in order: the next one, with nothing waiting behind it,
        // moves the window without touching the map.
        if seq == self.committed && self.finished.is_empty() {
            if !status.is_final() {
                self.finished.insert(seq, status);
                return None;
            }
            self.committed += 1;
            return Some(self.committed);
        }
        self.finished.insert(seq, status);
        let before = self.committed;
        while let Some(status) = self.finished.get(&self.committed) {
            if !status.is_final() {
                break;
            }
            self.finished.remove(&self.committed);
            self.committed += 1;
        }
        (self.committed != before).then_some(self.committed)
    }

    /// Every record below this sequence number is delivered or rejected.
    pub fn committed(&self) -> u64 {
        self.committed
    }

    /// The first errored record that blocks the window, if one does.
    pub fn blocked_by(&self) -> Option<u64> {
        self.finished
            .get(&self.committed)
            .filter(|s| !s.is_final())
            .map(|_| self.committed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(u64, AckStatus)>>);

    impl AckListener for Recorder {
        fn finished(&self, seq: u64, status: AckStatus) {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((seq, status));
        }
    }

    impl Recorder {
        fn take(&self) -> Vec<(u64, AckStatus)> {
            std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
        }
    }

    #[test]
    fn the_listener_hears_once_when_the_last_copy_resolves() {
        let recorder = Arc::new(Recorder::default());
        let ack = Ack::new(7, recorder.clone());
        let copy = ack.clone();
        ack.resolve(AckStatus::Delivered);
        assert_eq!(recorder.take(), []);
        copy.resolve(AckStatus::Delivered);
        assert_eq!(recorder.take(), [(7, AckStatus::Delivered)]);
    }

    #[test]
    fn copies_merge_to_the_worst_outcome() {
        let recorder = Arc::new(Recorder::default());
        let ack = Ack::new(1, recorder.clone());
        let copy = ack.clone();
        copy.resolve(AckStatus::Rejected);
        ack.resolve(AckStatus::Delivered);
        assert_eq!(recorder.take(), [(1, AckStatus::Rejected)]);
    }

    #[test]
    fn a_lost_handle_never_counts_as_delivered() {
        let recorder = Arc::new(Recorder::default());
        let ack = Ack::new(3, recorder.clone());
        let copy = ack.clone();
        ack.resolve(AckStatus::Delivered);
        drop(copy);
        assert_eq!(recorder.take(), [(3, AckStatus::Errored)]);
    }

    #[test]
    fn the_window_commits_only_contiguous_final_records() {
        let mut window = CommitWindow::starting_at(0);
        assert_eq!(window.finish(1, AckStatus::Delivered), None);
        assert_eq!(window.finish(0, AckStatus::Rejected), Some(2));
        assert_eq!(window.finish(2, AckStatus::Errored), None);
        assert_eq!(window.blocked_by(), Some(2));
        assert_eq!(window.finish(3, AckStatus::Delivered), None);
        assert_eq!(window.committed(), 2);
    }

    #[test]
    fn in_order_records_commit_one_by_one_and_an_errored_one_still_blocks() {
        let mut window = CommitWindow::starting_at(5);
        assert_eq!(window.finish(5, AckStatus::Delivered), Some(6));
        assert_eq!(window.finish(6, AckStatus::Rejected), Some(7));
        assert_eq!(window.finish(7, AckStatus::Errored), None);
        assert_eq!(window.blocked_by(), Some(7));
        assert_eq!(window.finish(8, AckStatus::Delivered), None);
        assert_eq!(window.committed(), 7);
    }

    proptest::proptest! {
        #[test]
        fn the_commit_point_never_passes_an_unfinished_or_errored_record(
            outcomes in proptest::collection::vec((0u8..3, proptest::bool::ANY), 1..60),
            order in proptest::collection::vec(proptest::num::usize::ANY, 1..60),
        ) {
            let statuses: Vec<Option<AckStatus>> = outcomes
                .iter()
                .map(|(s, done)| done.then(|| AckStatus::from_u8(*s)))
                .collect();
            let mut seqs: Vec<u64> = (0..statuses.len() as u64).collect();
            for (i, j) in order.iter().enumerate() {
                let len = seqs.len();
                seqs.swap(i % len, j % len);
            }
            let mut window = CommitWindow::starting_at(0);
            for seq in seqs {
                if let Some(status) = statuses[seq as usize] {
                    window.finish(seq, status);
                }
            }
            let expected = statuses
                .iter()
                .take_while(|s| s.is_some_and(AckStatus::is_final))
                .count() as u64;
            proptest::prop_assert_eq!(window.committed(), expected);
        }
    }
}
