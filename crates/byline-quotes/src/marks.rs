//! Quotation marks: which marks open or close a quotation, and how they pair up.
//!
//! Marks are read from the shared tokens (every quotation mark is its own token; plural
//! possessives such as "bookmakers'" are clitics). Pairing is done paragraph by paragraph
//! and never fails: a mark that pairs with nothing is ignored, so one odd mark cannot cost
//! the rest of the article (textacy's failure on a third of the BBC stories). A quotation
//! left open at the end of a paragraph continues into the next one when that paragraph
//! opens with a mark (the multi-paragraph convention).

use std::ops::Range;

use byline_core::TokenKind;

use crate::view::ArticleView;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Single,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Open,
    Close,
    /// A straight mark whose context does not tell.
    Either,
    /// A plural possessive ("fans'") that may also close a single-quoted passage.
    Possessive,
}

/// One quoted passage within one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuotedPiece {
    /// Token index of the opening mark.
    pub open: usize,
    /// Token index of the closing mark; `None` when the passage runs on to the next
    /// paragraph (or its closing mark is missing).
    pub close: Option<usize>,
    /// Tokens between the marks.
    pub content: Range<usize>,
    /// Pieces of one multi-paragraph quotation share a run number.
    pub run: usize,
}

/// Whether tokens `i` and `i + 1` are the same ASCII stand-in for a double mark, written
/// without a gap: `''` or ``` `` ```.
fn doubled(view: &ArticleView<'_>, i: usize, mark: &str) -> bool {
    view.word(i) == mark && view.word_at(i + 1) == Some(mark) && !view.space_after(i)
}

fn mark_role(view: &ArticleView<'_>, i: usize) -> Option<(Family, Role)> {
    if !matches!(view.kind(i), TokenKind::Punct | TokenKind::Clitic) {
        return None;
    }
    if i > 0 && (doubled(view, i - 1, "'") || doubled(view, i - 1, "`")) {
        // The second half of a doubled mark; the first half speaks for both.
        return None;
    }
    if doubled(view, i, "`") {
        return Some((Family::Double, Role::Open));
    }
    if doubled(view, i, "'") {
        let open_side = view.space_before(i)
            || is_bracket_or_dash(view.word_at(i.wrapping_sub(1)).unwrap_or(""));
        let close_side = view.space_after(i + 1)
            || i + 2 >= view.len()
            || (view.kind(i + 2) == TokenKind::Punct && !is_quotation_mark(view.word(i + 2)));
        let role = match (open_side, close_side) {
            (true, false) => Role::Open,
            (false, true) => Role::Close,
            _ => Role::Either,
        };
        return Some((Family::Double, role));
    }
    let kind = view.kind(i);
    if kind == TokenKind::Clitic {
        return matches!(view.word(i), "'" | "’").then_some((Family::Single, Role::Possessive));
    }
    if kind != TokenKind::Punct {
        return None;
    }
    let open_side = view.space_before(i) || i == 0 || is_bracket_or_dash(view.word(i - 1));
    let close_side = view.space_after(i)
        || i + 1 >= view.len()
        || (view.kind(i + 1) == TokenKind::Punct && !is_quotation_mark(view.word(i + 1)));
    let by_context = match (open_side, close_side) {
        (true, false) => Role::Open,
        (false, true) => Role::Close,
        _ => Role::Either,
    };
    Some(match view.word(i) {
        "“" | "„" | "«" => (Family::Double, Role::Open),
        "”" | "»" => (Family::Double, Role::Close),
        "\"" => (Family::Double, by_context),
        "‘" | "‹" => (Family::Single, Role::Open),
        "›" => (Family::Single, Role::Close),
        "’" | "'" => match by_context {
            // A lone mark between spaces is a typo or a foot sign, not a quotation.
            Role::Either => return None,
            role => (Family::Single, role),
        },
        _ => return None,
    })
}

fn is_bracket_or_dash(word: &str) -> bool {
    matches!(word, "(" | "[" | "—" | "–" | "-" | "--" | ":" | "/")
}

/// Tokens an opening mark takes: 2 for `''` and ``` `` ```, else 1.
fn mark_width(view: &ArticleView<'_>, open: usize) -> usize {
    if doubled(view, open, "'") || doubled(view, open, "`") {
        2
    } else {
        1
    }
}

pub(crate) fn is_quotation_mark(word: &str) -> bool {
    matches!(
        word,
        "\"" | "“" | "”" | "„" | "«" | "»" | "‘" | "’" | "'" | "‹" | "›" | "`"
    )
}

/// Whether the article uses quotation marks at all. Articles whose marks were lost in
/// conversion have none, and then "…, X said." is the speaker's own words.
pub(crate) fn has_quotation_marks(pieces: &[QuotedPiece]) -> bool {
    pieces.iter().any(|p| p.close.is_some())
}

/// Pairs the quotation marks of the article.
pub(crate) fn find_quoted(view: &ArticleView<'_>) -> Vec<QuotedPiece> {
    let mut pieces = Vec::new();
    let sentences = &view.analysis.sentences;
    let mut run = 0usize;
    // The run of a passage left open at the end of the previous paragraph.
    let mut open_run: Option<usize> = None;
    let mut s = 0;
    while s < sentences.len() {
        let paragraph = sentences[s].paragraph;
        let first = sentences[s].tokens.start;
        let mut e = s;
        while e < sentences.len() && sentences[e].paragraph == paragraph {
            e += 1;
        }
        let last = sentences[e - 1].tokens.end;
        let carried = open_run.take();
        pair_paragraph(view, first..last, carried, &mut run, &mut pieces);
        if let Some(piece) = pieces.last()
            && piece.close.is_none()
            && piece.open >= first
        {
            let family = mark_role(view, piece.open).map(|(f, _)| f);
            let next_opens = sentences.get(e).is_some_and(|next| {
                mark_role(view, next.tokens.start).is_some_and(|(f, r)| {
                    Some(f) == family && matches!(r, Role::Open | Role::Either)
                })
            });
            if next_opens {
                open_run = Some(piece.run);
            }
        }
        s = e;
    }
    pieces
}

fn pair_paragraph(
    view: &ArticleView<'_>,
    tokens: Range<usize>,
    carried_run: Option<usize>,
    run: &mut usize,
    pieces: &mut Vec<QuotedPiece>,
) {
    let mut double_open: Option<usize> = None;
    let mut single_open: Option<usize> = None;
    let mut next_run = |carried: Option<usize>, open: usize| match carried {
        Some(r) if open == tokens.start => r,
        _ => {
            *run += 1;
            *run
        }
    };
    let last_single_closer = tokens
        .clone()
        .rev()
        .find(|&i| matches!(mark_role(view, i), Some((Family::Single, Role::Close))));
    for i in tokens.clone() {
        let Some((family, role)) = mark_role(view, i) else {
            continue;
        };
        match family {
            Family::Double => {
                let opens = match role {
                    Role::Open => true,
                    Role::Close | Role::Possessive => false,
                    Role::Either => double_open.is_none(),
                };
                if opens {
                    double_open = Some(i);
                    single_open = None;
                } else if let Some(open) = double_open.take() {
                    let run_id = next_run(carried_run, open);
                    pieces.push(QuotedPiece {
                        open,
                        close: Some(i),
                        content: open + mark_width(view, open)..i,
                        run: run_id,
                    });
                }
            }
            Family::Single if double_open.is_none() => {
                let opens = match role {
                    Role::Open => true,
                    Role::Close => false,
                    Role::Either => single_open.is_none(),
                    // "fans'" closes only when no proper closer follows in the paragraph.
                    Role::Possessive => {
                        if single_open.is_none() || last_single_closer.is_some_and(|c| c > i) {
                            continue;
                        }
                        false
                    }
                };
                if opens {
                    single_open = Some(i);
                } else if let Some(open) = single_open.take() {
                    let run_id = next_run(carried_run, open);
                    pieces.push(QuotedPiece {
                        open,
                        close: Some(i),
                        content: open + 1..i,
                        run: run_id,
                    });
                }
            }
            Family::Single => {}
        }
    }
    // Only a double mark may stay open to the end of a paragraph (the multi-paragraph
    // convention); an unclosed single mark is an apostrophe or a typo.
    if let Some(open) = double_open
        && open + mark_width(view, open) < tokens.end
    {
        let run_id = next_run(carried_run, open);
        pieces.push(QuotedPiece {
            open,
            close: None,
            content: open + mark_width(view, open)..tokens.end,
            run: run_id,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<(String, bool, usize)> {
        let article = byline_core::Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), &[]);
        find_quoted(&view)
            .into_iter()
            .map(|p| {
                let (s, e) = view.span(p.content.clone());
                (text[s..e].to_string(), p.close.is_some(), p.run)
            })
            .collect()
    }

    #[test]
    fn curly_straight_and_single_marks_pair() {
        let q = quoted("“One two,” she said. He said \"three four.\" They said 'five six.'");
        let texts: Vec<&str> = q.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["One two,", "three four.", "five six."]);
    }

    #[test]
    fn apostrophes_are_not_quotation_marks() {
        let q = quoted("The bookmakers' odds on Qatar’s bid in the ’90s were 'fair', he said.");
        let texts: Vec<&str> = q.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["fair"]);
    }

    #[test]
    fn plural_possessive_can_close_a_single_quote() {
        let q = quoted("'We owe it all to the fans' he said.");
        assert_eq!(q[0].0, "We owe it all to the fans");
    }

    #[test]
    fn doubled_apostrophes_and_backticks_are_double_marks() {
        let q = quoted("''Rates will rise,'' he said. ``Not soon,'' she said.");
        let texts: Vec<&str> = q.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["Rates will rise,", "Not soon,"]);
    }

    #[test]
    fn multi_paragraph_quote_is_one_run() {
        let text = "She said: “First part.\n\n“Second part.\n\n“Third part.”\n\nThe end.";
        let q = quoted(text);
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].2, q[1].2);
        assert_eq!(q[1].2, q[2].2);
        assert!(!q[0].1 && !q[1].1 && q[2].1);
    }

    #[test]
    fn one_odd_mark_does_not_spoil_the_article() {
        let text = "A stray ‘ mark here.\n\nLater, “a real quote here,” he said.";
        let q = quoted(text);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].0, "a real quote here,");
    }
}
