//! Viterbi decoding of one sentence under the BILOU constraints: the best tag sequence
//! given per-token tag scores and tag-to-tag transition scores. Forbidden transitions
//! (Begin → Outside, Outside → Last, a label change inside an entity) can never be chosen,
//! so every decoded sequence spells out well-formed entities.

use crate::tags::{self, TAG_COUNT};

/// Tag-to-tag scores, plus scores for the first and the last tag of a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    pub between: [[f32; TAG_COUNT]; TAG_COUNT],
    pub first: [f32; TAG_COUNT],
    pub last: [f32; TAG_COUNT],
}

impl Default for Transitions {
    fn default() -> Transitions {
        Transitions {
            between: [[0.0; TAG_COUNT]; TAG_COUNT],
            first: [0.0; TAG_COUNT],
            last: [0.0; TAG_COUNT],
        }
    }
}

impl Transitions {
    /// These scores with every forbidden move set to minus infinity.
    pub fn constrained(&self) -> Transitions {
        let mut out = self.clone();
        for from in 0..TAG_COUNT {
            for to in 0..TAG_COUNT {
                if !tags::allowed(from as u8, to as u8) {
                    out.between[from][to] = f32::NEG_INFINITY;
                }
            }
            if !tags::allowed_first(from as u8) {
                out.first[from] = f32::NEG_INFINITY;
            }
            if !tags::allowed_last(from as u8) {
                out.last[from] = f32::NEG_INFINITY;
            }
        }
        out
    }
}

/// Reusable memory for [`viterbi`].
#[derive(Default)]
pub struct Scratch {
    back: Vec<[u8; TAG_COUNT]>,
}

/// Writes the best tag sequence for `emissions` into `out`. `transitions` should come
/// from [`Transitions::constrained`].
pub fn viterbi(
    emissions: &[[f32; TAG_COUNT]],
    transitions: &Transitions,
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) {
    out.clear();
    let Some(first) = emissions.first() else {
        return;
    };
    let mut score = [0.0f32; TAG_COUNT];
    for ((s, e), t) in score.iter_mut().zip(first).zip(&transitions.first) {
        *s = e + t;
    }
    scratch.back.clear();
    scratch.back.push([0; TAG_COUNT]);
    for emission in &emissions[1..] {
        let mut next = [f32::NEG_INFINITY; TAG_COUNT];
        let mut back = [0u8; TAG_COUNT];
        for to in 0..TAG_COUNT {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0u8;
            for (from, previous) in score.iter().enumerate() {
                let s = previous + transitions.between[from][to];
                if s > best {
                    best = s;
                    arg = from as u8;
                }
            }
            next[to] = best + emission[to];
            back[to] = arg;
        }
        score = next;
        scratch.back.push(back);
    }
    let mut best = f32::NEG_INFINITY;
    let mut tag = tags::OUTSIDE;
    for (t, (s, last)) in score.iter().zip(&transitions.last).enumerate() {
        if s + last > best {
            best = s + last;
            tag = t as u8;
        }
    }
    out.resize(emissions.len(), tags::OUTSIDE);
    for i in (0..emissions.len()).rev() {
        out[i] = tag;
        tag = scratch.back[i][tag as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tags::{Position, tag};
    use byline_core::EntityLabel;

    fn decode(emissions: &[[f32; TAG_COUNT]]) -> Vec<u8> {
        let mut out = Vec::new();
        viterbi(
            emissions,
            &Transitions::default().constrained(),
            &mut Scratch::default(),
            &mut out,
        );
        out
    }

    fn prefer(t: u8) -> [f32; TAG_COUNT] {
        let mut e = [0.0; TAG_COUNT];
        e[t as usize] = 1.0;
        e
    }

    #[test]
    fn follows_emissions_when_they_are_consistent() {
        let b = tag(EntityLabel::Person, Position::Begin);
        let l = tag(EntityLabel::Person, Position::Last);
        assert_eq!(decode(&[prefer(0), prefer(b), prefer(l)]), [0, b, l]);
    }

    #[test]
    fn never_produces_a_forbidden_sequence() {
        // Emissions alone would give Begin-PER then Outside, which is forbidden.
        let b = tag(EntityLabel::Person, Position::Begin);
        let out = decode(&[prefer(b), prefer(0)]);
        assert!(
            tags::allowed_first(out[0])
                && tags::allowed(out[0], out[1])
                && tags::allowed_last(out[1]),
            "{out:?}"
        );
    }

    #[test]
    fn empty_and_single_token_sentences() {
        assert!(decode(&[]).is_empty());
        let u = tag(EntityLabel::Location, Position::Unit);
        assert_eq!(decode(&[prefer(u)]), [u]);
        let l = tag(EntityLabel::Location, Position::Last);
        assert_eq!(decode(&[prefer(l)]).len(), 1);
        assert_ne!(decode(&[prefer(l)])[0], l);
    }

    proptest::proptest! {
        #[test]
        fn output_is_always_well_formed(raw in proptest::collection::vec(proptest::collection::vec(-5.0f32..5.0, TAG_COUNT), 0..12)) {
            let emissions: Vec<[f32; TAG_COUNT]> = raw.iter().map(|r| {
                let mut e = [0.0; TAG_COUNT];
                e.copy_from_slice(r);
                e
            }).collect();
            let out = decode(&emissions);
            proptest::prop_assert_eq!(out.len(), emissions.len());
            if let (Some(&first), Some(&last)) = (out.first(), out.last()) {
                proptest::prop_assert!(tags::allowed_first(first) && tags::allowed_last(last));
            }
            for pair in out.windows(2) {
                proptest::prop_assert!(tags::allowed(pair[0], pair[1]));
            }
        }
    }
}
