//! Sentence and paragraph boundaries over the token stream.

use std::ops::Range;

use crate::abbreviations::is_title;
use crate::tokens::{Token, TokenKind};

/// One sentence: its byte range, its token range and the paragraph it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub tokens: Range<usize>,
    pub paragraph: usize,
}

/// Byte ranges of the paragraphs of `text`: runs of lines separated by blank lines.
/// Leading and trailing whitespace is trimmed from each range.
pub(crate) fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut para_start: Option<usize> = None;
    let mut para_end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some(s) = para_start.take() {
                out.push(s..para_end);
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            if para_start.is_none() {
                para_start = Some(offset + lead);
            }
            para_end = offset + line.trim_end().len();
        }
        offset += line.len();
    }
    if let Some(s) = para_start {
        out.push(s..para_end);
    }
    out
}

/// Words that, capitalised after an abbreviation such as "U.S.", almost always open a new
/// sentence ("... in the U.S. The talks ...").
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "In",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Its",
    "There",
    "On",
    "At",
    "After",
    "When",
    "If",
    "Meanwhile",
    "However",
    "Still",
    "Yet",
    "So",
    "Officials",
    "Some",
    "Many",
];

fn is_terminal(text: &str, tok: &Token) -> bool {
    tok.kind == TokenKind::Punct && matches!(tok.text(text), "." | "!" | "?" | "..." | "…")
}

fn is_closer(text: &str, tok: &Token) -> bool {
    tok.kind == TokenKind::Punct
        && matches!(tok.text(text), "”" | "\"" | "’" | "'" | ")" | "]" | "»")
}

fn starts_upper_or_digit_or_open(text: &str, tok: &Token) -> bool {
    let c = text[tok.start..].chars().next();
    c.is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '“' | '"' | '‘' | '\'' | '(' | '«')
    })
}

/// The most tokens a sentence may have. Real sentences stay far below it (a long one in
/// news has about 60); text without sentence ends (a feed with the punctuation stripped,
/// a dump of names) is cut here, so that whatever a stage does per sentence (decoding,
/// looking for a verb, pairing marks) costs a bounded amount per token.
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// Splits the token stream into sentences. Paragraph breaks and line breaks between
/// complete lines always end a sentence, so headlines and datelines stand alone.
pub(crate) fn split(text: &str, tokens: &[Token], paragraphs: &[Range<usize>]) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    if tokens.is_empty() {
        return sentences;
    }
    let mut para = 0;
    let para_of = |offset: usize, para: &mut usize| {
        while *para + 1 < paragraphs.len() && paragraphs[*para].end <= offset {
            *para += 1;
        }
        *para
    };
    let mut first = 0;
    let mut i = 0;
    while i < tokens.len() {
        let tok = &tokens[i];
        let mut last = i;
        let mut boundary = false;
        if is_terminal(text, tok) {
            while last + 1 < tokens.len()
                && is_closer(text, &tokens[last + 1])
                && tokens[last + 1].start == tokens[last].end
            {
                last += 1;
            }
            boundary = match tokens.get(last + 1) {
                None => true,
                Some(next) => {
                    starts_upper_or_digit_or_open(text, next)
                        || text[tokens[last].end..next.start].contains('\n')
                }
            };
        } else if tok.kind == TokenKind::Word && tok.text(text).ends_with('.') {
            let word = tok.text(text).trim_end_matches('.');
            if !is_title(word)
                && let Some(next) = tokens.get(i + 1)
            {
                boundary = SENTENCE_OPENERS.contains(&next.text(text));
            }
        }
        if let Some(next) = tokens.get(last + 1) {
            let gap = &text[tokens[last].end..next.start];
            if gap.contains('\n') {
                let new_paragraph = gap.matches('\n').count() >= 2
                    || gap
                        .split('\n')
                        .skip(1)
                        .any(|l| l.trim().is_empty() && l.contains('\n'));
                let continues = !is_terminal(text, &tokens[last])
                    && next.kind == TokenKind::Word
                    && text[next.start..]
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase);
                boundary |= new_paragraph || !continues;
            }
        } else {
            boundary = true;
        }
        if !boundary && last + 1 - first >= MAX_SENTENCE_TOKENS {
            boundary = true;
        }
        if boundary {
            let start = tokens[first].start;
            sentences.push(Sentence {
                start,
                end: tokens[last].end,
                tokens: first..last + 1,
                paragraph: para_of(start, &mut para),
            });
            first = last + 1;
        }
        i = last + 1;
    }
    sentences
}

#[cfg(test)]
mod tests {
    use crate::analyze;

    fn sentences(text: &str) -> Vec<&str> {
        analyze(text)
            .sentences
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn a_text_without_sentence_ends_is_cut_into_bounded_sentences() {
        let text = "word ".repeat(10_000);
        let analysis = analyze(&text);
        assert_eq!(analysis.sentences.len(), 25);
        assert!(
            analysis
                .sentences
                .iter()
                .all(|s| s.tokens.len() == super::MAX_SENTENCE_TOKENS)
        );
        // They tile the tokens, in order, with nothing lost.
        for pair in analysis.sentences.windows(2) {
            assert_eq!(pair[0].tokens.end, pair[1].tokens.start);
        }
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(
            sentences("He left. She stayed! Why? Nobody knows."),
            ["He left.", "She stayed!", "Why?", "Nobody knows."]
        );
    }

    #[test]
    fn titles_and_abbreviations_do_not_split() {
        assert_eq!(
            sentences("U.S. Gen. Kenneth McKenzie spoke on Sept. 30 in Washington. He left."),
            [
                "U.S. Gen. Kenneth McKenzie spoke on Sept. 30 in Washington.",
                "He left."
            ]
        );
    }

    #[test]
    fn abbreviation_can_end_a_sentence() {
        assert_eq!(
            sentences("Troops left the U.S. The talks resumed."),
            ["Troops left the U.S.", "The talks resumed."]
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        assert_eq!(
            sentences("“We will win.” She smiled."),
            ["“We will win.”", "She smiled."]
        );
    }

    #[test]
    fn lines_and_paragraphs_break_sentences() {
        let text = "SOCCER - JAPAN WIN\nTOKYO 1996-08-30\n\nJapan won on Friday.";
        let a = analyze(text);
        assert_eq!(
            sentences(text),
            [
                "SOCCER - JAPAN WIN",
                "TOKYO 1996-08-30",
                "Japan won on Friday."
            ]
        );
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(a.sentences[2].paragraph, 1);
    }

    #[test]
    fn wrapped_lines_continue_a_sentence() {
        assert_eq!(
            sentences("The minister said the plan\nwould be ready soon."),
            ["The minister said the plan\nwould be ready soon."]
        );
    }

    #[test]
    fn sentence_lookup_by_token() {
        let a = analyze("One. Two three.");
        assert_eq!(a.sentence_of_token(0), Some(0));
        assert_eq!(a.sentence_of_token(3), Some(1));
        assert_eq!(a.sentence_of_token(99), None);
    }

    proptest::proptest! {
        #[test]
        fn sentences_partition_the_tokens(text in "[A-Za-z .!?\n\"“”'’,]{0,120}") {
            let a = analyze(&text);
            let mut next = 0;
            for s in &a.sentences {
                proptest::prop_assert_eq!(s.tokens.start, next);
                proptest::prop_assert!(s.tokens.end > s.tokens.start);
                next = s.tokens.end;
            }
            proptest::prop_assert_eq!(next, a.tokens.len());
        }
    }
}
