//! Word-level tokenization with byte offsets.

use crate::abbreviations::is_abbreviation;

/// What a token is made of, decided once so that stages need not re-inspect the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters, possibly with digits, hyphens, apostrophes or abbreviation periods.
    Word,
    /// Starts with a digit: "2021", "3:30", "1,000", "31st", "1990s".
    Number,
    /// A clitic split from the word before it: "'s", "n't", "'re", or a lone possessive "'".
    Clitic,
    /// Punctuation, including quotation marks, dashes and the ellipsis.
    Punct,
    /// Anything else: currency signs, emoji, symbols.
    Symbol,
}

/// One token: a byte range into the analysed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

impl Token {
    /// The token's text, given the text it was cut from.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑')
}

/// Clitics split off CoNLL/PTB style, lower-cased, without their apostrophe.
const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];

/// Tokenizes `text`. Every non-whitespace character belongs to exactly one token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    let mut scanner = Scanner { text, pos: 0 };
    while let Some(c) = scanner.peek() {
        if c.is_whitespace() {
            scanner.bump();
            continue;
        }
        let start = scanner.pos;
        let touches_previous = tokens.last().is_some_and(|t: &Token| t.end == start);
        let kind = if touches_previous && let Some(len) = clitic_len(&text[start..]) {
            scanner.pos += len;
            TokenKind::Clitic
        } else if c.is_alphanumeric() {
            scanner.scan_word();
            if c.is_ascii_digit() {
                TokenKind::Number
            } else {
                TokenKind::Word
            }
        } else if is_apostrophe(c) && touches_previous && previous_ends_in_s(text, &tokens) {
            // The plural possessive ("bookmakers'"): an apostrophe, never a quotation mark.
            scanner.bump();
            if scanner.peek().is_some_and(char::is_alphanumeric) {
                // Not a possessive after all ("'90s" handled below): treat as punctuation.
                TokenKind::Punct
            } else {
                TokenKind::Clitic
            }
        } else if c == '.' && text[start..].starts_with("...") {
            scanner.pos += 3;
            TokenKind::Punct
        } else if is_hyphen(c) && text[start + c.len_utf8()..].starts_with(c) {
            while scanner.peek() == Some(c) {
                scanner.bump();
            }
            TokenKind::Punct
        } else if is_apostrophe(c) && decade_follows(&text[start + c.len_utf8()..]) {
            // "'90s" is one number token.
            scanner.bump();
            scanner.scan_word();
            TokenKind::Number
        } else {
            scanner.bump();
            if c.is_ascii_punctuation() || is_unicode_punct(c) {
                TokenKind::Punct
            } else {
                TokenKind::Symbol
            }
        };
        tokens.push(Token {
            start,
            end: scanner.pos,
            kind,
        });
    }
    tokens
}

fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '‘'
            | '’'
            | '„'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '–'
            | '—'
            | '…'
            | '‐'
            | '‑'
            | '·'
            | '•'
            | '¿'
            | '¡'
            | '′'
            | '″'
            | 'ʼ'
    )
}

fn previous_ends_in_s(text: &str, tokens: &[Token]) -> bool {
    tokens.last().is_some_and(|t| {
        t.kind == TokenKind::Word && matches!(text[..t.end].chars().next_back(), Some('s' | 'S'))
    })
}

fn decade_follows(rest: &str) -> bool {
    let b = rest.as_bytes();
    b.len() >= 3 && b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b's'
}

/// Length in bytes of a clitic ("'s", "’ll", "n't") at the start of `rest`, if one is there
/// and is followed by a non-letter.
fn clitic_len(rest: &str) -> Option<usize> {
    let mut chars = rest.char_indices();
    let (_, first) = chars.next()?;
    let body_start = if is_apostrophe(first) {
        first.len_utf8()
    } else if first == 'n' || first == 'N' {
        let (_, apo) = chars.next()?;
        if !is_apostrophe(apo) {
            return None;
        }
        let after = 1 + apo.len_utf8();
        let t = rest[after..].chars().next()?;
        if t != 't' && t != 'T' {
            return None;
        }
        let end = after + 1;
        return (!rest[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric))
        .then_some(end);
    } else {
        return None;
    };
    // A clitic has at most two letters: look at three (to see that the letters stop), never
    // at the rest of a long word, which made a word with many apostrophes quadratic.
    let mut body_len = 0;
    let mut lower = [0u8; 3];
    for (n, c) in rest[body_start..].chars().take(3).enumerate() {
        if !c.is_alphabetic() {
            break;
        }
        if !c.is_ascii() {
            return None;
        }
        lower[n] = c.to_ascii_lowercase() as u8;
        body_len += 1;
    }
    let body = std::str::from_utf8(&lower[..body_len]).ok()?;
    CLITICS.contains(&body).then_some(body_start + body_len)
}

struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text.get(self.pos + offset..)?.chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    /// Consumes a word or number starting at an alphanumeric character.
    fn scan_word(&mut self) {
        let start = self.pos;
        let mut dotted = false;
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || is_combining(c) {
                // Split "don't" as "do" + "n't": stop before the 'n'.
                if (c == 'n' || c == 'N')
                    && self.pos > start
                    && clitic_len(&self.text[self.pos..]).is_some()
                {
                    return;
                }
                self.bump();
                continue;
            }
            let next = self.peek_at(c.len_utf8());
            let next_alnum = next.is_some_and(char::is_alphanumeric);
            let prev = self.text[..self.pos].chars().next_back();
            let prev_digit = prev.is_some_and(|p| p.is_ascii_digit());
            let next_digit = next.is_some_and(|n| n.is_ascii_digit());
            let joins = match c {
                _ if is_hyphen(c) => next_alnum,
                '.' => {
                    // "U.S", "a.m", "3.5", "example.com" stay whole.
                    let joined = next_alnum && (prev_digit == next_digit);
                    dotted |= joined && !prev_digit;
                    joined
                }
                ',' => prev_digit && next_digit && self.three_digits_follow(),
                ':' | '/' => prev_digit && next_digit,
                '&' => prev.is_some_and(char::is_uppercase) && next.is_some_and(char::is_uppercase),
                _ if is_apostrophe(c) => next_alnum && clitic_len(&self.text[self.pos..]).is_none(),
                _ => false,
            };
            if !joins {
                break;
            }
            self.bump();
        }
        // A final period belongs to abbreviations and initials, never to ordinary words.
        if self.peek() == Some('.') {
            let word = &self.text[start..self.pos];
            let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
            if dotted && !word.contains(|c: char| c.is_ascii_digit())
                || is_abbreviation(word)
                || single_letter
            {
                self.bump();
            }
        }
    }

    fn three_digits_follow(&self) -> bool {
        let b = self.text.as_bytes();
        let i = self.pos + 1;
        b.len() >= i + 3
            && b[i..i + 3].iter().all(u8::is_ascii_digit)
            && !b.get(i + 3).is_some_and(u8::is_ascii_digit)
    }
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x200C | 0x200D)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn abbreviations_stay_whole() {
        assert_eq!(
            words("U.S. Gen. Kenneth McKenzie met Sept. 30 at 3:30 p.m."),
            [
                "U.S.", "Gen.", "Kenneth", "McKenzie", "met", "Sept.", "30", "at", "3:30", "p.m."
            ]
        );
    }

    #[test]
    fn clitics_split_like_conll() {
        assert_eq!(words("Qatar's"), ["Qatar", "'s"]);
        assert_eq!(words("Qatar’s envoy"), ["Qatar", "’s", "envoy"]);
        assert_eq!(words("don't"), ["do", "n't"]);
        assert_eq!(words("they're"), ["they", "'re"]);
        assert_eq!(words("O'Brien"), ["O'Brien"]);
    }

    #[test]
    fn plural_possessive_is_a_clitic_not_a_quote() {
        let text = "the bookmakers' odds";
        let toks = tokenize(text);
        assert_eq!(words(text), ["the", "bookmakers", "'", "odds"]);
        assert_eq!(toks[2].kind, TokenKind::Clitic);
    }

    #[test]
    fn numbers_and_hyphens() {
        assert_eq!(
            words("1,000 troops, 3.5% of 8/31/2021, a well-known 1990s-era plan"),
            [
                "1,000",
                "troops",
                ",",
                "3.5",
                "%",
                "of",
                "8/31/2021",
                ",",
                "a",
                "well-known",
                "1990s-era",
                "plan"
            ]
        );
    }

    #[test]
    fn quotes_and_dashes_are_own_tokens() {
        assert_eq!(
            words("“We will win,” she said -- and soon..."),
            [
                "“", "We", "will", "win", ",", "”", "she", "said", "--", "and", "soon", "..."
            ]
        );
        assert_eq!(words("'90s music"), ["'90s", "music"]);
    }

    #[test]
    fn sentence_final_period_is_split() {
        assert_eq!(words("He left."), ["He", "left", "."]);
        assert_eq!(words("in the U.S."), ["in", "the", "U.S."]);
    }

    #[test]
    fn unicode_and_emoji() {
        let text = "Café 🎉 Zürich — 東京";
        let toks = tokenize(text);
        assert_eq!(words(text), ["Café", "🎉", "Zürich", "—", "東京"]);
        assert_eq!(toks[1].kind, TokenKind::Symbol);
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "", "   ", "'", "n't", "...", "--", "’s", "a.", ".a", "\u{301}", "1,", "x'",
        ] {
            let toks = tokenize(text);
            for t in toks {
                assert!(t.start < t.end && text.is_char_boundary(t.start));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn tokens_cover_every_non_space_char_in_order(text in "\\PC{0,80}") {
            let toks = tokenize(&text);
            let mut last = 0;
            for t in &toks {
                proptest::prop_assert!(t.start >= last && t.end > t.start);
                proptest::prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                proptest::prop_assert!(text[last..t.start].chars().all(char::is_whitespace));
                last = t.end;
            }
            proptest::prop_assert!(text[last..].chars().all(char::is_whitespace));
        }
    }
}
