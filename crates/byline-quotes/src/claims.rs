//! Which tokens the rules have already claimed.
//!
//! Rules ask two questions: "is token `t` claimed?" and "is any token of this range
//! claimed?". The second is asked of whole sentences, once per candidate, so a plain scan
//! made one giant sentence (an article with no full stop) quadratic. A Fenwick tree over
//! the claimed flags answers it in O(log n) whatever the range, and claims only ever set
//! flags, so each token updates the tree at most once.

use std::ops::Range;

pub(crate) struct Claims {
    used: Vec<bool>,
    /// Fenwick tree of the number of claimed tokens (1-based: `tree[i]` covers the
    /// `i & -i` tokens ending at token `i - 1`).
    tree: Vec<u32>,
}

impl Claims {
    pub fn new(len: usize) -> Claims {
        Claims {
            used: vec![false; len],
            tree: vec![0; len + 1],
        }
    }

    /// Whether token `t` is claimed (a token past the end is not).
    pub fn is(&self, t: usize) -> bool {
        self.used.get(t).copied().unwrap_or(false)
    }

    pub fn claim(&mut self, range: Range<usize>) {
        let end = range.end.min(self.used.len());
        for t in range.start..end {
            if self.used[t] {
                continue;
            }
            self.used[t] = true;
            let mut i = t + 1;
            while i < self.tree.len() {
                self.tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }

    /// Whether any token of `range` is claimed.
    pub fn any(&self, range: Range<usize>) -> bool {
        let end = range.end.min(self.used.len());
        range.start < end && self.claimed_before(end) > self.claimed_before(range.start)
    }

    /// The number of claimed tokens before token `end`.
    fn claimed_before(&self, end: usize) -> u32 {
        let mut sum = 0;
        let mut i = end;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_queries_agree_with_a_plain_scan() {
        let mut claims = Claims::new(40);
        let mut plain = [false; 40];
        for (start, end) in [(3, 7), (5, 9), (20, 21), (30, 40), (0, 1)] {
            claims.claim(start..end);
            for slot in &mut plain[start..end] {
                *slot = true;
            }
            for a in 0..=40 {
                for b in a..=40 {
                    assert_eq!(claims.any(a..b), plain[a..b].iter().any(|&u| u), "{a}..{b}");
                }
            }
        }
        assert!(claims.is(5) && !claims.is(10) && !claims.is(99));
    }

    #[test]
    fn ranges_past_the_end_are_clipped() {
        let mut claims = Claims::new(4);
        claims.claim(2..10);
        assert!(claims.any(3..50));
        assert!(!claims.any(0..2));
        assert!(!claims.any(7..9));
    }
}
