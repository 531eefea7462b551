//! The attribution rules: which spans are quotes, of what kind, and who said them.
//!
//! The rules run in a fixed order, each claiming the tokens it uses so that later rules do
//! not read the same words twice. One module per rule family:
//!
//! 1. `marked`: **quotations in marks** (`direct`), attributed after the closing mark
//!    (`…," she said`, `…," said Jones`), before the opening mark (`Jones said: "…"`),
//!    across a split (`"…," she said, "…"`: both pieces, one speaker), or, failing all
//!    that, to the speaker of the paragraph run of quotes.
//! 2. `markless`: **mark-less quotations**: a paragraph opened by a name and a colon (`Jo
//!    Roe: …`, a transcript line or a headline), and `<clause>, <speaker> <speech verb>
//!    [short tail].` at the end of a sentence. They are `direct` when the article has no
//!    quotation marks at all (they were lost in conversion) and `indirect` otherwise,
//!    where this is reported speech.
//! 3. `indirect`: **indirect speech**: `according to X, …` / `…, according to X` first (it
//!    names the source of the whole sentence), then `X said (that) …`, `X told reporters
//!    …`, `X believes …`; the content keeps its `that`, and a coordinated `…, but he said
//!    …` or a continuing `…, adding that …` ends it. A quoted fragment inside makes it
//!    `mixed`. In the speech scope, `speech` filters out what was not said.
//! 4. `stances` (attribution scope, `stances = true`): sentences whose verb is no cue.
//! 5. Long quoted passages no rule claimed (`direct`, speaker from the run of quotes).
//!
//! Short quoted fragments that no rule claims are scare quotes or titles, not quotes.
//!
//! **Linear on any input.** Every rule's scan is bounded by a window, by a claimed token
//! or by an index built once per article (`Claims`, the view's mark and paragraph
//! indexes, the resolver's name indexes); reported speech nests at most three deep and runs at
//! most `MAX_REPORTED_TOKENS`. So time is linear in the article, and quotes, speakers and
//! cues together span at most a small constant times its length (checked by the property
//! tests in `stage`).

mod indirect;
mod marked;
mod markless;
mod speech;
mod stances;
#[cfg(test)]
pub(crate) mod test_support;

use std::ops::Range;

use byline_core::{Quote, QuoteKind, Speaker, TextSpan, TokenKind};

use crate::claims::Claims;
use crate::cues::CueClass;
use crate::marks::{find_quoted, has_quotation_marks, is_quotation_mark};
use crate::speakers::{Mention, MentionKind, Resolver};
use crate::stage::Scope;
use crate::view::ArticleView;
use crate::words::{PEOPLE_NOUNS, ROLE_NOUNS};

/// The switches of the rules (see `QuotesConfig`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub scope: Scope,
    pub indirect: bool,
    pub markless: bool,
    pub min_words: usize,
    pub stances: bool,
    pub min_stance_words: usize,
}

enum Attribution {
    Mention(Mention),
    /// Same speaker as the earlier candidate with this index (split quotes, later
    /// paragraphs of a multi-paragraph quote).
    SameAs(usize),
    /// No attribution of its own: the speaker of the surrounding run of quotes.
    Nearby,
}

struct Candidate {
    content: Range<usize>,
    kind: QuoteKind,
    cue: Option<Range<usize>>,
    attribution: Attribution,
}

/// A speaker found next to a cue, the cue, and the first token after the attribution.
struct Found {
    mention: Mention,
    cue: Range<usize>,
    next: usize,
    /// Where the quote resumes after a parenthetical attribution ("…, she said, …").
    resumes: Option<usize>,
}

struct Extraction<'v, 'a> {
    view: &'v ArticleView<'a>,
    rules: Rules,
    used: Claims,
    /// Token is a quotation mark that opened or closed a piece.
    piece_mark: Vec<bool>,
    /// The latest speaker mention found in each sentence, for "…, adding that …".
    sentence_speaker: Vec<Option<Mention>>,
    candidates: Vec<Candidate>,
    marks_present: bool,
    /// How many reported-speech contents the token lies in (0 to `MAX_REPORTED_DEPTH`).
    /// Content is left unclaimed for a nested attribution ("X said Y believes B"), but
    /// only so deep: a cue inside the deepest content starts nothing, so that a run of
    /// cues with no full stop ("… Smith said … Smith said …") cannot stack one quote per
    /// cue over the same words, and reported speech covers each token at most
    /// `MAX_REPORTED_DEPTH` times. (Ending the nested quote at a deeper cue and chaining
    /// on was tried; on PolNeAR dev it gave more spurious quotes and no more right
    /// speakers.)
    reported: Vec<u8>,
}

/// Finds the quotes of one article.
pub(crate) fn extract(view: &ArticleView<'_>, rules: Rules) -> Vec<Quote> {
    let mut pieces = find_quoted(view);
    pieces.sort_by_key(|p| p.open);
    let mut piece_mark = vec![false; view.len()];
    for p in &pieces {
        piece_mark[p.open] = true;
        if let Some(c) = p.close {
            piece_mark[c] = true;
        }
    }
    let mut x = Extraction {
        view,
        rules,
        used: Claims::new(view.len()),
        piece_mark,
        sentence_speaker: vec![None; view.analysis.sentences.len()],
        candidates: Vec::new(),
        marks_present: has_quotation_marks(&pieces),
        reported: vec![0; view.len()],
    };
    x.direct_quotes(&pieces);
    if rules.markless {
        x.labelled_lines();
        x.markless_quotes();
    }
    if rules.indirect {
        x.indirect_quotes();
    }
    if rules.stances {
        x.stance_quotes();
    }
    x.leftover_passages(&pieces);
    x.resolve()
}

impl Extraction<'_, '_> {
    fn claim(&mut self, range: Range<usize>) {
        self.used.claim(range);
    }

    fn any_used(&self, range: Range<usize>) -> bool {
        self.used.any(range)
    }

    fn words_in(&self, range: Range<usize>) -> usize {
        range.filter(|&i| self.view.is_word(i)).count()
    }

    /// Whether `range` holds at least `n` words; stops counting at `n`, since the
    /// range may be a whole (giant) sentence asked about once per candidate.
    fn has_words(&self, range: Range<usize>, n: usize) -> bool {
        n == 0 || range.filter(|&i| self.view.is_word(i)).nth(n - 1).is_some()
    }

    /// Drops trailing commas, colons, dashes (and, for `sentence_end`, final punctuation
    /// and closing marks) from a content range.
    fn trim_content(&self, mut range: Range<usize>, sentence_end: bool) -> Range<usize> {
        let view = self.view;
        while range.end > range.start {
            let last = range.end - 1;
            let w = view.word(last);
            let trailing = matches!(w, "," | ";" | ":" | "—" | "–" | "--" | "-")
                || (sentence_end
                    && (view.is_terminal(last) || (is_quotation_mark(w) && self.piece_mark[last])));
            if !trailing {
                break;
            }
            range.end -= 1;
        }
        while range.start < range.end && matches!(view.word(range.start), "," | ":" | "—" | "–")
        {
            range.start += 1;
        }
        range
    }

    fn reported_kind(&self, content: Range<usize>, after_colon: bool) -> QuoteKind {
        if content.clone().any(|t| self.piece_mark[t]) {
            QuoteKind::Mixed
        } else if after_colon && !self.marks_present {
            QuoteKind::Direct
        } else {
            QuoteKind::Indirect
        }
    }

    fn resolve(self) -> Vec<Quote> {
        let view = self.view;
        let mut order: Vec<usize> = (0..self.candidates.len()).collect();
        order.sort_by_key(|&c| self.candidates[c].content.start);
        let mut resolver = Resolver::new(view);
        let mut speakers: Vec<Option<Speaker>> = vec![None; self.candidates.len()];
        let mut quotes = Vec::with_capacity(order.len());
        for c in order {
            let candidate = &self.candidates[c];
            let speaker = match &candidate.attribution {
                Attribution::Mention(m) => Some(resolver.resolve(view, m)),
                Attribution::SameAs(earlier) => speakers[*earlier].clone(),
                Attribution::Nearby => resolver.nearby(view, candidate.content.clone()),
            };
            speakers[c] = speaker.clone();
            let (start, end) = view.span(candidate.content.clone());
            let cue = candidate.cue.clone().map(|r| {
                let (cs, ce) = view.span(r);
                TextSpan {
                    start: cs,
                    end: ce,
                    text: view.text[cs..ce].to_string(),
                }
            });
            quotes.push(Quote {
                start,
                end,
                text: view.text[start..end].to_string(),
                kind: candidate.kind,
                speaker,
                cue,
            });
        }
        quotes
    }
}

/// `"…," CBS co-anchor Dana Roe said`: words before the name dress it as a title.
fn titled(view: &ArticleView<'_>, mention: &Mention, from: usize) -> bool {
    matches!(mention.kind, MentionKind::Entity(_))
        && mention.tokens.start - from <= 5
        && (from..mention.tokens.start).all(|t| {
            view.is_word(t) || view.entity(t).is_some() || view.kind(t) == TokenKind::Clitic
        })
}

/// Whether a noun phrase after an inverted cue ("said *the minister*") can be a speaker:
/// a name, a pronoun, or a description headed by a role or a word for people.
fn speaker_like(view: &ArticleView<'_>, mention: &Mention) -> bool {
    match mention.kind {
        MentionKind::Entity(_) | MentionKind::Pronoun => true,
        MentionKind::Description => mention.tokens.clone().any(|t| {
            view.entity(t).is_some() || view.is_any(t, ROLE_NOUNS) || view.is_any(t, PEOPLE_NOUNS)
        }),
    }
}

fn is_speech(view: &ArticleView<'_>, i: usize) -> bool {
    view.cue(i).is_some_and(|c| c.class == CueClass::Speech)
}

fn noun_like(view: &ArticleView<'_>, i: usize) -> bool {
    view.cue(i).is_some_and(|c| c.noun_like)
}

/// A subject clear enough to read a noun-like cue ("claims", "calls") as a verb.
fn strong_subject(view: &ArticleView<'_>, mention: &Mention) -> bool {
    match mention.kind {
        MentionKind::Entity(_) | MentionKind::Pronoun => true,
        // "The US and UK claim …": names joined by "and".
        MentionKind::Description => {
            let tokens = mention.tokens.clone();
            let (first, last) = match (tokens.clone().next(), tokens.clone().last()) {
                (Some(a), Some(b)) => (view.entity(a), view.entity(b)),
                _ => return false,
            };
            first.is_some()
                && last.is_some()
                && first != last
                && tokens
                    .clone()
                    .any(|t| view.entity(t).is_none() && view.is(t, "and"))
                && tokens
                    .clone()
                    .all(|t| view.entity(t).is_some() || view.is(t, "and"))
        }
    }
}
