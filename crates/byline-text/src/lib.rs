//! One tokenizer and sentence splitter for news text, shared by every byline stage.
//!
//! All offsets are **byte** offsets into the analysed `&str`, end-exclusive, and always
//! fall on `char` boundaries. Conversion to code points happens only when an article is
//! written out (see `byline-core`'s output module).
//!
//! The tokenizer is built for wire copy: it keeps abbreviations such as "U.S.", "Gen." and
//! "Sept." whole, splits clitics the way CoNLL-2003 does ("Qatar's" → "Qatar" "'s"), keeps
//! numbers, times and hyphenated words together, and gives every other punctuation mark
//! (quotation marks and dashes included) a token of its own so later stages can reason
//! about them.

mod abbreviations;
mod sentences;
mod tokens;

pub use sentences::{MAX_SENTENCE_TOKENS, Sentence};
pub use tokens::{Token, TokenKind, tokenize};

/// Tokens, sentences and paragraphs of one text, computed in a single pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// Byte ranges of paragraphs (text separated by blank lines), in order.
    pub paragraphs: Vec<std::ops::Range<usize>>,
}

impl Analysis {
    /// Index of the sentence that contains token `token_index`.
    pub fn sentence_of_token(&self, token_index: usize) -> Option<usize> {
        let pos = self
            .sentences
            .partition_point(|s| s.tokens.end <= token_index);
        (pos < self.sentences.len() && self.sentences[pos].tokens.contains(&token_index))
            .then_some(pos)
    }

    /// Index of the first token whose end lies after byte `offset`.
    pub fn token_at_or_after(&self, offset: usize) -> usize {
        self.tokens.partition_point(|t| t.end <= offset)
    }
}

/// Tokenizes `text` and splits it into sentences and paragraphs.
pub fn analyze(text: &str) -> Analysis {
    let tokens = tokenize(text);
    let paragraphs = sentences::paragraphs(text);
    let sentences = sentences::split(text, &tokens, &paragraphs);
    Analysis {
        tokens,
        sentences,
        paragraphs,
    }
}
