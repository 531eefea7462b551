//! A read-only view of one article for the quote rules: tokens with their sentence and
//! paragraph, and the entity (if any) each token belongs to.
//!
//! Built once per article in one pass over the shared token and entity layers, so every
//! rule afterwards asks questions by token index and never rescans the text.

use byline_core::{Analysis, Entity, Token, TokenKind};

use crate::cues::{Cue, cue};
use crate::marks::is_quotation_mark;
use crate::words::{WordList, word_classes};

const NO_ENTITY: u32 = u32::MAX;

pub(crate) struct ArticleView<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    pub analysis: &'a Analysis,
    pub entities: &'a [Entity],
    /// Sentence index of every token.
    sentence_of: Vec<u32>,
    /// Entity index of every token, `NO_ENTITY` outside entities.
    entity_of: Vec<u32>,
    /// Word-class bits of every token (see `WordList`).
    classes: Vec<u16>,
    /// The cue-lexicon entry of every token.
    cues: Vec<Option<Cue>>,
    /// The number of quotation-mark tokens before each token (and one past the end), so
    /// that asking whether a clause holds a mark costs the same however long it is.
    marks_before: Vec<u32>,
    /// The first token of the paragraph of each sentence.
    paragraph_start: Vec<u32>,
}

impl<'a> ArticleView<'a> {
    pub fn new(text: &'a str, analysis: &'a Analysis, entities: &'a [Entity]) -> Self {
        let tokens = analysis.tokens.as_slice();
        let mut sentence_of = vec![0u32; tokens.len()];
        for (index, sentence) in analysis.sentences.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            for slot in &mut sentence_of[sentence.tokens.clone()] {
                *slot = index;
            }
        }
        let mut entity_of = vec![NO_ENTITY; tokens.len()];
        for (index, entity) in entities.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(NO_ENTITY);
            let mut t = analysis.token_at_or_after(entity.start);
            while t < tokens.len() && tokens[t].start < entity.end {
                entity_of[t] = index;
                t += 1;
            }
        }
        let mut classes = vec![0u16; tokens.len()];
        let mut cues = vec![None; tokens.len()];
        let mut marks_before = Vec::with_capacity(tokens.len() + 1);
        let mut marks = 0u32;
        for (i, token) in tokens.iter().enumerate() {
            marks_before.push(marks);
            match token.kind {
                TokenKind::Word => {
                    let word = token.text(text);
                    classes[i] = word_classes(word);
                    cues[i] = cue(word);
                }
                // A plural possessive ("fans'") is a clitic that is also a mark.
                TokenKind::Clitic => {
                    let word = token.text(text);
                    classes[i] = word_classes(word);
                    cues[i] = cue(word);
                    marks += u32::from(is_quotation_mark(word));
                }
                // Words and numbers are never quotation marks; skip reading them.
                TokenKind::Number => {}
                _ => marks += u32::from(is_quotation_mark(token.text(text))),
            }
        }
        marks_before.push(marks);
        let mut paragraph_start = Vec::with_capacity(analysis.sentences.len());
        for (s, sentence) in analysis.sentences.iter().enumerate() {
            let start = match s.checked_sub(1) {
                Some(p) if analysis.sentences[p].paragraph == sentence.paragraph => {
                    paragraph_start[p]
                }
                _ => u32::try_from(sentence.tokens.start).unwrap_or(u32::MAX),
            };
            paragraph_start.push(start);
        }
        ArticleView {
            text,
            tokens,
            analysis,
            entities,
            sentence_of,
            entity_of,
            classes,
            cues,
            marks_before,
            paragraph_start,
        }
    }

    /// Whether any token of `range` is a quotation mark.
    pub fn has_quotation_mark(&self, range: std::ops::Range<usize>) -> bool {
        let end = range.end.min(self.len());
        range.start < end && self.marks_before[end] > self.marks_before[range.start]
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn word(&self, i: usize) -> &'a str {
        self.tokens[i].text(self.text)
    }

    pub fn word_at(&self, i: usize) -> Option<&'a str> {
        self.tokens.get(i).map(|t| t.text(self.text))
    }

    /// The token's bytes: comparisons need no char-boundary checks.
    fn bytes(&self, i: usize) -> &'a [u8] {
        let t = &self.tokens[i];
        &self.text.as_bytes()[t.start..t.end]
    }

    /// Whether token `i` is `word`, ignoring ASCII case.
    pub fn is(&self, i: usize, word: &str) -> bool {
        i < self.tokens.len() && self.bytes(i).eq_ignore_ascii_case(word.as_bytes())
    }

    /// Whether token `i` belongs to the word class `list`.
    pub fn is_any(&self, i: usize, list: WordList) -> bool {
        self.classes.get(i).is_some_and(|c| c & list.bit != 0)
    }

    /// Whether token `i` is one of a few `words` (lower case).
    pub fn is_in(&self, i: usize, words: &[&str]) -> bool {
        if i >= self.tokens.len() {
            return false;
        }
        let b = self.bytes(i);
        words
            .iter()
            .any(|w| w.len() == b.len() && b.eq_ignore_ascii_case(w.as_bytes()))
    }

    /// The cue-lexicon entry of token `i`.
    pub fn cue(&self, i: usize) -> Option<Cue> {
        self.cues.get(i).copied().flatten()
    }

    /// Whether token `i` is exactly `punct` (a comma, a colon, ...).
    pub fn is_punct(&self, i: usize, punct: &str) -> bool {
        i < self.tokens.len() && self.bytes(i) == punct.as_bytes()
    }

    pub fn kind(&self, i: usize) -> TokenKind {
        self.tokens[i].kind
    }

    pub fn is_word(&self, i: usize) -> bool {
        i < self.tokens.len() && matches!(self.tokens[i].kind, TokenKind::Word | TokenKind::Number)
    }

    pub fn is_capitalised(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    pub fn sentence(&self, i: usize) -> usize {
        self.sentence_of[i] as usize
    }

    /// Token range of the sentence containing token `i`.
    pub fn sentence_tokens(&self, i: usize) -> std::ops::Range<usize> {
        self.analysis.sentences[self.sentence(i)].tokens.clone()
    }

    pub fn paragraph(&self, i: usize) -> usize {
        self.analysis.sentences[self.sentence(i)].paragraph
    }

    /// The first token of the paragraph containing token `i`.
    pub fn paragraph_start(&self, i: usize) -> usize {
        self.paragraph_start[self.sentence(i)] as usize
    }

    pub fn entity(&self, i: usize) -> Option<usize> {
        let e = *self.entity_of.get(i)?;
        (e != NO_ENTITY).then_some(e as usize)
    }

    /// The token range covered by entity `e`.
    pub fn entity_tokens(&self, e: usize) -> std::ops::Range<usize> {
        let entity = &self.entities[e];
        let first = self.analysis.token_at_or_after(entity.start);
        let mut last = first;
        while last < self.tokens.len() && self.tokens[last].start < entity.end {
            last += 1;
        }
        first..last
    }

    /// Whether tokens `a` and `b` are separated by whitespace (or `a` is the first token).
    pub fn space_before(&self, i: usize) -> bool {
        i == 0 || self.tokens[i - 1].end < self.tokens[i].start
    }

    pub fn space_after(&self, i: usize) -> bool {
        i + 1 >= self.tokens.len() || self.tokens[i].end < self.tokens[i + 1].start
    }

    /// Byte span of tokens `range` (which must not be empty).
    pub fn span(&self, range: std::ops::Range<usize>) -> (usize, usize) {
        (
            self.tokens[range.start].start,
            self.tokens[range.end - 1].end,
        )
    }

    /// Whether token `i` is sentence-final punctuation.
    pub fn is_terminal(&self, i: usize) -> bool {
        self.kind(i) == TokenKind::Punct && matches!(self.word(i), "." | "!" | "?" | "..." | "…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::EntityLabel;

    #[test]
    fn tokens_know_their_sentence_and_entity() {
        let text = "Jane Doe spoke. Then she left.";
        let analysis = byline_core::Article::new("t", text).analysis().clone();
        let entities = vec![Entity {
            start: 0,
            end: 8,
            text: "Jane Doe".into(),
            label: EntityLabel::Person,
            name: "Jane Doe".into(),
        }];
        let view = ArticleView::new(text, &analysis, &entities);
        assert_eq!(view.entity(0), Some(0));
        assert_eq!(view.entity(1), Some(0));
        assert_eq!(view.entity(2), None);
        assert_eq!(view.entity_tokens(0), 0..2);
        assert_eq!(view.sentence(2), 0);
        assert_eq!(view.sentence(5), 1);
        assert!(view.is(5, "SHE"));
        assert!(view.is_terminal(3));
        assert_eq!(view.paragraph_start(5), 0);
    }

    #[test]
    fn paragraph_starts_and_quotation_marks_are_indexed() {
        let text = "One line. “Two,” she said.\n\nThree here.";
        let article = byline_core::Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), &[]);
        let three = (0..view.len())
            .find(|&i| view.word(i) == "Three")
            .unwrap_or_else(|| panic!("no token"));
        assert_eq!(view.word(view.paragraph_start(three)), "Three");
        assert_eq!(view.paragraph_start(4), 0);
        assert!(view.has_quotation_mark(0..view.len()));
        assert!(!view.has_quotation_mark(0..3));
        assert!(!view.has_quotation_mark(three..view.len()));
    }
}
