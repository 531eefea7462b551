//! The BILOU tag scheme: every token is Outside an entity, or the Begin, Inside, Last token
//! of a multi-token entity, or a Unit (one-token) entity, of one of the four labels.
//! BILOU rather than BIO because naming the last token lets the model learn what ends a
//! name ("Inc", "River"), which measurably helps linear taggers.

use std::ops::Range;

use byline_core::{EntityLabel, Token};

use crate::corpus::GoldSpan;

/// 1 (Outside) + 4 positions × 4 labels.
pub const TAG_COUNT: usize = 17;

/// The Outside tag.
pub const OUTSIDE: u8 = 0;

/// Where a token sits inside its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Begin = 0,
    Inside = 1,
    Last = 2,
    Unit = 3,
}

fn label_index(label: EntityLabel) -> u8 {
    match label {
        EntityLabel::Person => 0,
        EntityLabel::Organization => 1,
        EntityLabel::Location => 2,
        EntityLabel::Misc => 3,
    }
}

/// The tag for `position` in an entity of `label`.
pub fn tag(label: EntityLabel, position: Position) -> u8 {
    1 + 4 * label_index(label) + position as u8
}

/// The label and position of a tag, `None` for Outside (or an out-of-range tag).
pub fn parts(tag: u8) -> Option<(EntityLabel, Position)> {
    if tag == OUTSIDE || tag as usize >= TAG_COUNT {
        return None;
    }
    let label = EntityLabel::ALL[usize::from((tag - 1) / 4)];
    let position = match (tag - 1) % 4 {
        0 => Position::Begin,
        1 => Position::Inside,
        2 => Position::Last,
        _ => Position::Unit,
    };
    Some((label, position))
}

/// A tag that leaves the entity open: the next tag must continue it.
fn is_open(tag: u8) -> bool {
    matches!(parts(tag), Some((_, Position::Begin | Position::Inside)))
}

/// May `next` follow `previous`? Tags outside any sentence count as Outside.
pub fn allowed(previous: u8, next: u8) -> bool {
    match (parts(previous), parts(next)) {
        (Some((pl, Position::Begin | Position::Inside)), Some((nl, np))) => {
            pl == nl && matches!(np, Position::Inside | Position::Last)
        }
        (Some((_, Position::Begin | Position::Inside)), None) => false,
        (_, Some((_, Position::Inside | Position::Last))) => false,
        _ => true,
    }
}

/// May a sentence start with `tag`?
pub fn allowed_first(tag: u8) -> bool {
    allowed(OUTSIDE, tag)
}

/// May a sentence end with `tag`?
pub fn allowed_last(tag: u8) -> bool {
    !is_open(tag)
}

/// Gold tags for `tokens`. A token belongs to a span when it lies inside it. Returns the
/// tags and the number of spans whose edges fall inside a token (so no token sequence
/// reproduces them); those spans are tagged by the tokens they fully cover, if any.
pub fn encode(tokens: &[Token], spans: &[GoldSpan]) -> (Vec<u8>, usize) {
    let mut tags = vec![OUTSIDE; tokens.len()];
    let mut misaligned = 0;
    for span in spans {
        let first = tokens.partition_point(|t| t.end <= span.start);
        let mut covered = first..first;
        while covered.end < tokens.len() && tokens[covered.end].start < span.end {
            covered.end += 1;
        }
        let starts_clean = tokens.get(first).is_some_and(|t| t.start == span.start);
        let ends_clean = covered.end > first && tokens[covered.end - 1].end == span.end;
        if !(starts_clean && ends_clean) {
            misaligned += 1;
            while covered.start < covered.end && tokens[covered.start].start < span.start {
                covered.start += 1;
            }
            while covered.end > covered.start && tokens[covered.end - 1].end > span.end {
                covered.end -= 1;
            }
        }
        if covered.is_empty() || covered.clone().any(|i| tags[i] != OUTSIDE) {
            continue;
        }
        write_span(&mut tags, covered, span.label);
    }
    (tags, misaligned)
}

fn write_span(tags: &mut [u8], range: Range<usize>, label: EntityLabel) {
    if range.len() == 1 {
        tags[range.start] = tag(label, Position::Unit);
        return;
    }
    tags[range.start] = tag(label, Position::Begin);
    for t in &mut tags[range.start + 1..range.end - 1] {
        *t = tag(label, Position::Inside);
    }
    tags[range.end - 1] = tag(label, Position::Last);
}

/// Entity token ranges in a tag sequence. Tolerant of sequences a constrained decoder
/// would never produce: a stray Inside/Last starts an entity, and a label change or an
/// Outside closes the open one.
pub fn spans(tags: &[u8]) -> Vec<(Range<usize>, EntityLabel)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, EntityLabel)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let current = parts(t);
        if let Some((start, label)) = open {
            let continues =
                matches!(current, Some((l, Position::Inside | Position::Last)) if l == label);
            if !continues {
                out.push((start..i, label));
                open = None;
            }
        }
        match current {
            None => {}
            Some((label, position)) => {
                if open.is_none() {
                    open = Some((i, label));
                }
                if matches!(position, Position::Last | Position::Unit)
                    && let Some((start, label)) = open.take()
                {
                    out.push((start..i + 1, label));
                }
            }
        }
    }
    if let Some((start, label)) = open {
        out.push((start..tags.len(), label));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::TokenKind;

    fn toks(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut pos = 0;
        for word in text.split(' ') {
            out.push(Token {
                start: pos,
                end: pos + word.len(),
                kind: TokenKind::Word,
            });
            pos += word.len() + 1;
        }
        out
    }

    #[test]
    fn tags_round_trip() {
        for t in 0..TAG_COUNT as u8 {
            match parts(t) {
                None => assert_eq!(t, OUTSIDE),
                Some((label, position)) => assert_eq!(tag(label, position), t),
            }
        }
    }

    #[test]
    fn encodes_and_decodes_spans() {
        let text = "Gov. Tim Walz visited New York";
        let tokens = toks(text);
        let gold = [
            GoldSpan {
                start: 5,
                end: 13,
                label: EntityLabel::Person,
            },
            GoldSpan {
                start: 22,
                end: 30,
                label: EntityLabel::Location,
            },
        ];
        let (tags, misaligned) = encode(&tokens, &gold);
        assert_eq!(misaligned, 0);
        assert_eq!(
            tags,
            [
                OUTSIDE,
                tag(EntityLabel::Person, Position::Begin),
                tag(EntityLabel::Person, Position::Last),
                OUTSIDE,
                tag(EntityLabel::Location, Position::Begin),
                tag(EntityLabel::Location, Position::Last),
            ]
        );
        assert_eq!(
            spans(&tags),
            [(1..3, EntityLabel::Person), (4..6, EntityLabel::Location)]
        );
    }

    #[test]
    fn misaligned_spans_are_counted() {
        let tokens = toks("Qatar's envoy");
        let gold = [GoldSpan {
            start: 0,
            end: 5,
            label: EntityLabel::Location,
        }];
        let (tags, misaligned) = encode(&tokens, &gold);
        assert_eq!(misaligned, 1);
        assert_eq!(tags, [OUTSIDE, OUTSIDE]);
    }

    #[test]
    fn transitions_follow_bilou() {
        let b_per = tag(EntityLabel::Person, Position::Begin);
        let l_per = tag(EntityLabel::Person, Position::Last);
        let l_org = tag(EntityLabel::Organization, Position::Last);
        assert!(allowed(b_per, l_per));
        assert!(!allowed(b_per, l_org));
        assert!(!allowed(b_per, OUTSIDE));
        assert!(!allowed(OUTSIDE, l_per));
        assert!(allowed_first(b_per) && !allowed_first(l_per));
        assert!(allowed_last(l_per) && !allowed_last(b_per));
    }

    #[test]
    fn invalid_sequences_still_give_spans() {
        let i_loc = tag(EntityLabel::Location, Position::Inside);
        let b_per = tag(EntityLabel::Person, Position::Begin);
        assert_eq!(
            spans(&[i_loc, b_per]),
            [(0..1, EntityLabel::Location), (1..2, EntityLabel::Person)]
        );
    }
}
