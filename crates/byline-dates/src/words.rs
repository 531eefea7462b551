//! The word stream the grammars read: the shared tokens of one sentence, with hyphenated
//! compounds split into their parts ("third-quarter", "mid-1990s", "two-year") and every
//! word classified once.

use byline_core::{Token, TokenKind};

use crate::lexicon::{self, Lex};

/// The shape of a token that starts with a digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Numeric {
    /// Plain digits, with how many there were ("07" has two).
    Integer { value: u32, digits: usize },
    /// Digits with thousands separators: an amount, never a year.
    Grouped,
    /// "31st", "3rd".
    Ordinal(u32),
    /// "1990s" (199) or "'90s" (99, century unknown).
    Decade { value: u32, digits: usize },
    /// "3:30", "15:45:10".
    Clock { hour: u32, minute: u32 },
    /// "8/31/2021", "8/31/21", "8/31".
    Slash {
        month: u32,
        day: u32,
        year: Option<u32>,
    },
    /// "2021-08-31".
    Iso { year: u32, month: u32, day: u32 },
    /// "3.5", "1/2" and anything else numeric.
    Other,
}

/// A word's lower-case form, kept inline: rules compare words often and must not allocate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Folded {
    bytes: [u8; 15],
    len: u8,
}

impl Folded {
    fn new(text: &str) -> Folded {
        let mut bytes = [0u8; 15];
        if text.len() > bytes.len() || !text.is_ascii() {
            return Folded { bytes, len: 0 };
        }
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        bytes.make_ascii_lowercase();
        Folded {
            bytes,
            len: text.len() as u8,
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(self.bytes()).unwrap_or("")
    }
}

/// One word of a sentence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'t> {
    pub text: &'t str,
    folded: Folded,
    pub start: usize,
    pub end: usize,
    pub lex: Option<Lex>,
    pub numeric: Option<Numeric>,
    /// The next word follows after a hyphen inside the same token.
    pub hyphen_after: bool,
}

impl Word<'_> {
    /// Case-insensitive comparison with a lower-case word.
    pub(crate) fn is(&self, lower: &str) -> bool {
        self.folded.bytes() == lower.as_bytes()
    }

    /// The lower-case form ("" for long or non-ASCII words, which no rule names).
    pub(crate) fn lower(&self) -> &str {
        self.folded.as_str()
    }

    pub(crate) fn is_any(&self, lowers: &[&str]) -> bool {
        lowers.iter().any(|w| self.is(w))
    }

    /// Punctuation, which no word or number starts with.
    pub(crate) fn kind_is_punct(&self) -> bool {
        !self.text.starts_with(char::is_alphanumeric)
    }

    pub(crate) fn starts_upper(&self) -> bool {
        self.text.starts_with(|c: char| c.is_ascii_uppercase())
    }

    /// An integer without separators: a day, a count, a year.
    pub(crate) fn integer(&self) -> Option<(u32, usize)> {
        match self.numeric {
            Some(Numeric::Integer { value, digits }) => Some((value, digits)),
            _ => None,
        }
    }
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// The words of `tokens` (one sentence's tokens) in `text`.
pub(crate) fn sentence_words<'t>(text: &'t str, tokens: &[Token]) -> Vec<Word<'t>> {
    let mut words = Vec::with_capacity(tokens.len() + 4);
    for token in tokens {
        let token_text = &text[token.start..token.end];
        let splittable = matches!(token.kind, TokenKind::Word | TokenKind::Number)
            && token_text.contains(is_hyphen)
            && !is_iso_date(token_text);
        if !splittable {
            words.push(word(token_text, token.start, token.kind, false));
            continue;
        }
        let mut offset = token.start;
        let mut parts = token_text.split(is_hyphen).peekable();
        while let Some(part) = parts.next() {
            let more = parts.peek().is_some();
            if !part.is_empty() {
                let kind = if part.starts_with(|c: char| c.is_ascii_digit()) {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                };
                words.push(word(part, offset, kind, more));
            }
            // Every hyphen this tokenizer joins on is three bytes or one.
            offset += part.len();
            if more {
                offset += text[offset..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    words
}

fn word(text: &str, start: usize, kind: TokenKind, hyphen_after: bool) -> Word<'_> {
    let (lex, numeric) = match kind {
        TokenKind::Word => (lexicon::lookup(text), None),
        TokenKind::Number => (None, Some(numeric(text))),
        _ => (None, None),
    };
    Word {
        text,
        folded: Folded::new(text),
        start,
        end: start + text.len(),
        lex,
        numeric,
        hyphen_after,
    }
}

fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn parse_digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Classifies a token that starts with a digit (or "'90s").
pub(crate) fn numeric(text: &str) -> Numeric {
    if let Some(value) = parse_digits(text) {
        return Numeric::Integer {
            value,
            digits: text.len(),
        };
    }
    if is_iso_date(text) {
        let field = |r: std::ops::Range<usize>| parse_digits(&text[r]).unwrap_or(0);
        return Numeric::Iso {
            year: field(0..4),
            month: field(5..7),
            day: field(8..10),
        };
    }
    let lower = text.to_ascii_lowercase();
    if let Some(body) = lower.strip_suffix('s') {
        let body = body.trim_start_matches(['\'', '’']).trim_end_matches('\'');
        if let Some(value) = parse_digits(body)
            && value % 10 == 0
            && (body.len() == 2 || body.len() == 4)
        {
            return Numeric::Decade {
                value: value / 10,
                digits: body.len(),
            };
        }
    }
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(value) = lower.strip_suffix(suffix).and_then(parse_digits) {
            return Numeric::Ordinal(value);
        }
    }
    if let Some((hour, minute)) = text.split_once(':') {
        let minute = minute.split(':').next().unwrap_or(minute);
        if let (Some(hour), Some(minute)) = (parse_digits(hour), parse_digits(minute))
            && hour <= 24
            && minute < 60
            && text.split(':').nth(1).is_some_and(|m| m.len() == 2)
        {
            return Numeric::Clock { hour, minute };
        }
    }
    let parts: Vec<&str> = text.split('/').collect();
    if (2..=3).contains(&parts.len())
        && let (Some(month), Some(day)) = (parse_digits(parts[0]), parse_digits(parts[1]))
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
    {
        let year = match parts.get(2) {
            None => None,
            Some(y) if y.len() == 4 => parse_digits(y),
            Some(y) if y.len() == 2 => {
                parse_digits(y).map(|y| if y < 50 { 2000 + y } else { 1900 + y })
            }
            Some(_) => return Numeric::Other,
        };
        if parts.len() == 3 && year.is_none() {
            return Numeric::Other;
        }
        // "1/2" is a fraction far more often than January 2nd.
        if parts.len() == 2 && parts[1].len() == 1 && parts[0].len() == 1 {
            return Numeric::Other;
        }
        return Numeric::Slash { month, day, year };
    }
    if text.contains(',') && text.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Numeric::Grouped;
    }
    Numeric::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, bool)> {
        sentence_words(text, &byline_text_analysis(text))
            .iter()
            .map(|w| (w.text.to_string(), w.hyphen_after))
            .collect()
    }

    fn byline_text_analysis(text: &str) -> Vec<Token> {
        byline_core::Article::new("t", text)
            .analysis()
            .tokens
            .clone()
    }

    #[test]
    fn hyphenated_compounds_split_with_offsets() {
        let text = "third-quarter mid‑1990s 2021-08-31";
        let ws = sentence_words(text, &byline_text_analysis(text));
        let shown: Vec<&str> = ws.iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(shown, ["third", "quarter", "mid", "1990s", "2021-08-31"]);
        assert!(ws[0].hyphen_after && !ws[1].hyphen_after && ws[2].hyphen_after);
        assert_eq!(words("two-year")[0], ("two".to_string(), true));
    }

    #[test]
    fn numeric_shapes() {
        assert_eq!(
            numeric("2021"),
            Numeric::Integer {
                value: 2021,
                digits: 4
            }
        );
        assert_eq!(
            numeric("1990s"),
            Numeric::Decade {
                value: 199,
                digits: 4
            }
        );
        assert_eq!(
            numeric("'90s"),
            Numeric::Decade {
                value: 9,
                digits: 2
            }
        );
        assert_eq!(numeric("31st"), Numeric::Ordinal(31));
        assert_eq!(
            numeric("3:30"),
            Numeric::Clock {
                hour: 3,
                minute: 30
            }
        );
        assert_eq!(
            numeric("8/31/2021"),
            Numeric::Slash {
                month: 8,
                day: 31,
                year: Some(2021)
            }
        );
        assert_eq!(
            numeric("2021-08-31"),
            Numeric::Iso {
                year: 2021,
                month: 8,
                day: 31
            }
        );
        assert_eq!(numeric("1,000"), Numeric::Grouped);
        assert_eq!(numeric("1/2"), Numeric::Other);
        assert_eq!(numeric("3.5"), Numeric::Other);
    }
}
