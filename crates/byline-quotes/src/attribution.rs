//! The attribution rules: which spans are quotes, of what kind, and who said them.
//!
//! The rules run in a fixed order, each claiming the tokens it uses so that later rules do
//! not read the same words twice:
//!
//! 1. **Quotations in marks** (`direct`), attributed after the closing mark (`…," she
//!    said`, `…," said Jones`), before the opening mark (`Jones said: "…"`), across a split
//!    (`"…," she said, "…"`: both pieces, one speaker), or, failing all that, to the speaker
//!    of the paragraph run of quotes.
//! 2. **Mark-less quotations**: a paragraph opened by a name and a colon (`Jo Roe: …`, a
//!    transcript line or a headline), and `<clause>, <speaker> <speech verb> [short tail].`
//!    at the end of a sentence. They are `direct` when the article has no quotation marks at all (they
//!    were lost in conversion) and `indirect` otherwise, where this is reported speech.
//! 3. **Indirect speech**: `according to X, …` / `…, according to X` first (it names the
//!    source of the whole sentence), then `X said (that) …`, `X told reporters …`,
//!    `X believes …`; the content keeps its `that`, and a coordinated `…, but he said …`
//!    ends it. A quoted fragment inside makes it `mixed`.
//! 4. Long quoted passages no rule claimed (`direct`, speaker from the run of quotes).
//!
//! Short quoted fragments that no rule claims are scare quotes or titles, not quotes.

use std::ops::Range;

use byline_core::{EntityLabel, Quote, QuoteKind, Speaker, TextSpan, TokenKind};

use crate::claims::Claims;
use crate::cues::{Cue, CueClass};
use crate::marks::{QuotedPiece, find_quoted, has_quotation_marks, is_quotation_mark};
use crate::speakers::{
    Mention, MentionKind, Resolver, mention_after, sentence_subject, subject_before,
};
use crate::stage::Scope;
use crate::view::ArticleView;
use crate::words::{
    AUXILIARIES, BE_FORMS, BETWEEN_SUBJECT_AND_CUE, COMPLEMENTIZERS, CONTINUING_PARTICIPLES,
    INVERTING_CUES, NEGATIONS, NO_SPEAKER_WORDS, NOT_SAYING, NP_BARRIERS, PEOPLE_NOUNS,
    PLAIN_SAYING, ROLE_NOUNS, SENTENCE_CONNECTIVES, STANCE_SPEECH_VERBS, SUBORDINATORS,
    TAIL_OPENERS,
};

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

/// The longest content of reported speech, in tokens. Real reported speech ends within
/// its sentence long before this (PolNeAR: 99.9% of attributions under 145 words); the
/// bound keeps a sentence with no end linear.
const MAX_REPORTED_TOKENS: usize = 200;

/// How many tokens a name's apposition may run before its speech verb ("Anne Roe, an
/// adviser to the mayor on housing, said").
const APPOSITION_WINDOW: usize = 30;

/// Longest tail allowed after a mark-less attribution ("…, Rahmani told the Aspen Security
/// Forum on Tuesday.").
const MAX_TAIL_TOKENS: usize = 9;

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
    /// How many reported-speech contents the token lies in (0, 1 or 2). Content is left
    /// unclaimed for a nested attribution ("X said Y believes B"), but only one level
    /// deep: a cue inside nested content starts nothing, so that a run of cues with no
    /// full stop ("… Smith said … Smith said …") cannot stack one quote per cue over the
    /// same words, and reported speech covers each token at most twice. (Ending the
    /// nested quote at a deeper cue and chaining on was tried; on PolNeAR dev it gave
    /// more spurious quotes and no more right speakers.)
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

    fn is_direct_piece(&self, piece: &QuotedPiece) -> bool {
        let view = self.view;
        let words = self.words_in(piece.content.clone());
        if words == 0 {
            return false;
        }
        let sentence = view.sentence_tokens(piece.open);
        let introduced = piece.open == sentence.start
            || piece.open.checked_sub(1).is_some_and(|p| {
                matches!(view.word(p), ":" | "," | "—" | "–" | "--" | "(")
                    || view.cue(p).is_some_and(|c| c.class == CueClass::Speech)
            });
        let last = piece
            .content
            .end
            .checked_sub(1)
            .filter(|&l| l >= piece.content.start);
        let ends_like_speech = piece.close.is_none()
            || last.is_some_and(|l| matches!(view.word(l), "," | "." | "?" | "!" | "..." | "…"));
        introduced
            && (words >= self.rules.min_words || ends_like_speech)
            && !self.title_like(piece.content.clone(), ends_like_speech)
    }

    /// "The Art of the Deal": mostly capitalised longer words, no closing punctuation.
    fn title_like(&self, range: Range<usize>, ends_like_speech: bool) -> bool {
        let view = self.view;
        // The first word is capitalised in any sentence, so it says nothing.
        let (mut long, mut capitalised) = (0usize, 0usize);
        for i in range.start + 1..range.end {
            if view.kind(i) == TokenKind::Word && view.tokens[i].len() > 3 {
                long += 1;
                capitalised += usize::from(view.is_capitalised(i));
            }
        }
        long > 0 && long <= 12 && capitalised * 4 >= long * 3 && (!ends_like_speech || long <= 4)
    }

    fn direct_quotes(&mut self, pieces: &[QuotedPiece]) {
        let mut attributed_as: Vec<Option<usize>> = vec![None; pieces.len()];
        let mut start = 0;
        while start < pieces.len() {
            let run = pieces[start].run;
            let mut end = start + 1;
            while end < pieces.len() && pieces[end].run == run {
                end += 1;
            }
            let run_pieces = start..end;
            start = end;
            let first = &pieces[run_pieces.start];
            if !self.is_direct_piece(first) && attributed_as[run_pieces.start].is_none() {
                self.fragment_then_attribution(first);
                continue;
            }
            let last = &pieces[run_pieces.end - 1];
            let (attribution, cue, split_next) =
                if let Some(earlier) = attributed_as[run_pieces.start] {
                    let cue = self.candidates[earlier].cue.clone();
                    (Attribution::SameAs(earlier), cue, None)
                } else if let Some(found) = last.close.and_then(|c| self.attribution_after(c + 1)) {
                    self.claim(found.cue.clone());
                    self.claim(found.mention.tokens.clone());
                    let split = self.split_continuation(found.next, pieces, run_pieces.end);
                    let sentence = self.view.sentence(found.cue.start);
                    self.sentence_speaker[sentence] = Some(found.mention.clone());
                    (Attribution::Mention(found.mention), Some(found.cue), split)
                } else if let Some(found) = self.attribution_before(first.open) {
                    self.claim(found.cue.clone());
                    let sentence = self.view.sentence(first.open);
                    self.sentence_speaker[sentence] = Some(found.mention.clone());
                    (Attribution::Mention(found.mention), Some(found.cue), None)
                } else if let Some(subject) = self.introducing_subject(first.open) {
                    (Attribution::Mention(subject), None, None)
                } else {
                    (Attribution::Nearby, None, None)
                };
            let mut head: Option<usize> = None;
            let mut attribution = Some(attribution);
            for piece in &pieces[run_pieces] {
                self.claim(piece.open..piece.close.map_or(piece.content.end, |c| c + 1));
                let content = self.trim_content(piece.content.clone(), false);
                if content.is_empty() {
                    continue;
                }
                let this = match (head, attribution.take()) {
                    (Some(h), _) => Attribution::SameAs(h),
                    (None, Some(a)) => a,
                    (None, None) => Attribution::Nearby,
                };
                self.candidates.push(Candidate {
                    content,
                    kind: QuoteKind::Direct,
                    cue: cue.clone(),
                    attribution: this,
                });
                head.get_or_insert(self.candidates.len() - 1);
            }
            if let (Some(next), Some(h)) = (split_next, head) {
                attributed_as[next] = Some(h);
            }
        }
    }

    /// `Teachers are "very, very keen," Kilfoyle said.`: a sentence with a quoted tail and
    /// an attribution after it is a mixed quote.
    fn fragment_then_attribution(&mut self, piece: &QuotedPiece) {
        let Some(close) = piece.close else {
            return;
        };
        let sentence = self.view.sentence_tokens(piece.open);
        if sentence.start >= piece.open || self.any_used(sentence.start..close + 1) {
            return;
        }
        let Some(found) = self.attribution_after(close + 1) else {
            return;
        };
        let content = self.trim_content(sentence.start..close, false);
        if !self.has_words(content.clone(), 3) {
            return;
        }
        self.claim(sentence.start..close + 1);
        self.claim(found.cue.clone());
        self.claim(found.mention.tokens.clone());
        let s = self.view.sentence(found.cue.start);
        self.sentence_speaker[s] = Some(found.mention.clone());
        self.candidates.push(Candidate {
            content,
            kind: QuoteKind::Mixed,
            cue: Some(found.cue),
            attribution: Attribution::Mention(found.mention),
        });
    }

    /// `…," she said` / `…," said Jones` / `…," according to Jones` right after a closing
    /// mark at `at - 1`.
    fn attribution_after(&self, at: usize) -> Option<Found> {
        let view = self.view;
        let mut j = at;
        // The second half of a doubled closing mark (`''`), then the comma; a few at most,
        // since this runs once per quoted piece and a long run of marks is no attribution.
        while j < view.len()
            && j < at + 4
            && (is_quotation_mark(view.word(j)) || view.word(j) == ",")
        {
            j += 1;
        }
        if j >= view.len() {
            return None;
        }
        if at == 0 || view.paragraph(j) != view.paragraph(at - 1) {
            return None;
        }
        let sentence = view.sentence_tokens(j);
        let found = self
            .attribution_at(j, sentence.end)
            .or_else(|| self.any_verb_attribution(at, j, sentence.end))?;
        // The attribution may stand as its own short sentence (`…." Jones said.`), but a
        // new sentence that goes on is reported speech of its own.
        // (`…?" Trump asked, looking pleased.` goes on only with a participle tail.)
        if sentence.start == j && found.next + 4 < sentence.end && view.word(found.next) != "," {
            return None;
        }
        Some(found)
    }

    /// `…," Oliver barked.` / `…?" asked the host.`: a quotation that breaks off with a
    /// comma, question or exclamation mark, followed by a short clause of a name or a
    /// pronoun and a verb that ends the sentence, is attributed to that speaker even when
    /// the verb is not in the cue lexicon.
    fn any_verb_attribution(&self, at: usize, j: usize, limit: usize) -> Option<Found> {
        let view = self.view;
        let broke_off = at >= 2
            && (matches!(view.word(at - 2), "," | "?" | "!" | "—" | "–")
                || view.word_at(at) == Some(","));
        if !broke_off {
            return None;
        }
        let verb_like = |k: usize| {
            k < limit
                && view.kind(k) == TokenKind::Word
                && !view.is_capitalised(k)
                && !view.is_any(k, NP_BARRIERS)
                && !view.is_any(k, BE_FORMS)
                && view.word(k).len() > 2
        };
        // The clause ends right after the attribution: a terminal, a comma or a tail.
        let ends = |k: usize| {
            k >= limit
                || view.is_terminal(k)
                || matches!(view.word(k), "," | ";" | ":" | "—" | "–")
                || is_quotation_mark(view.word(k))
                || view.is_any(k, TAIL_OPENERS)
        };
        // `<speaker> <verb>`: a name, a pronoun or a description.
        if let Some(mention) = mention_after(view, j, limit).filter(|m| speaker_like(view, m))
            && mention.tokens.start == j
        {
            let verb = mention.tokens.end;
            if verb_like(verb) && view.word(verb).ends_with("ed") && ends(verb + 1) {
                return Some(Found {
                    resumes: None,
                    next: verb + 1,
                    mention,
                    cue: verb..verb + 1,
                });
            }
        }
        // `<verb> <named speaker>`.
        if verb_like(j)
            && view.word(j).ends_with("ed")
            && let Some(mention) = mention_after(view, j + 1, limit)
            && matches!(mention.kind, MentionKind::Entity(_))
            && ends(mention.tokens.end)
        {
            return Some(Found {
                resumes: None,
                next: mention.tokens.end,
                mention,
                cue: j..j + 1,
            });
        }
        None
    }

    fn attribution_at(&self, j: usize, limit: usize) -> Option<Found> {
        let view = self.view;
        if view.is(j, "according") && view.is(j + 1, "to") {
            let mention = mention_after(view, j + 2, limit)?;
            let next = mention.tokens.end;
            return Some(Found {
                resumes: None,
                mention,
                cue: j..j + 2,
                next,
            });
        }
        if view.is_any(j, INVERTING_CUES)
            || is_speech(view, j)
                && view
                    .word_at(j + 1)
                    .is_some_and(|_| view.entity(j + 1).is_some())
        {
            let mention = mention_after(view, j + 1, limit).filter(|m| speaker_like(view, m))?;
            let next = mention.tokens.end;
            return Some(Found {
                resumes: None,
                mention,
                cue: j..j + 1,
                next,
            });
        }
        if let Some(found) = self.apposed_attribution(j, limit) {
            return Some(found);
        }
        let window = (j + 8).min(limit);
        let k = (j..window)
            .take_while(|&k| {
                !is_quotation_mark(view.word(k))
                    && (view.is_word(k)
                        || view.kind(k) == TokenKind::Clitic
                        || view.entity(k).is_some()
                        || view.word(k) == ",")
            })
            .find(|&k| is_speech(view, k))?;
        let mention = subject_before(view, k, j)?;
        if mention.tokens.start != j && !titled(view, &mention, j) {
            return None;
        }
        let mut next = k + 1;
        if view.cue(k).is_some_and(|c| c.takes_addressee)
            && let Some(object) = mention_after(view, next, limit)
        {
            next = object.tokens.end;
        }
        Some(Found {
            resumes: None,
            mention,
            cue: k..k + 1,
            next,
        })
    }

    /// `…," Anne Roe, an adviser to the mayor on housing, said.`: a name, a long
    /// apposition closed by a comma, then a speech verb.
    fn apposed_attribution(&self, j: usize, limit: usize) -> Option<Found> {
        let view = self.view;
        let e = view.entity(j)?;
        if !matches!(
            view.entities[e].label,
            EntityLabel::Person | EntityLabel::Organization
        ) {
            return None;
        }
        let name = view.entity_tokens(e);
        if name.start != j || view.word_at(name.end) != Some(",") {
            return None;
        }
        let window = (name.end + APPOSITION_WINDOW).min(limit);
        let mut k = name.end + 1;
        while k < window {
            let w = view.word(k);
            if is_quotation_mark(w) || view.is_terminal(k) || w == ":" || w == ";" {
                return None;
            }
            if w == "," && k + 1 < limit && is_speech(view, k + 1) {
                let cue = k + 1;
                let mut next = cue + 1;
                if view.cue(cue).is_some_and(|c| c.takes_addressee)
                    && let Some(object) = mention_after(view, next, limit)
                {
                    next = object.tokens.end;
                }
                return Some(Found {
                    resumes: None,
                    mention: Mention {
                        tokens: name,
                        kind: MentionKind::Entity(e),
                        relative: None,
                    },
                    cue: cue..cue + 1,
                    next,
                });
            }
            k += 1;
        }
        None
    }

    /// `Jones said: "…"`, `Jones told reporters, "…"`, `According to Jones, "…"`, or a
    /// sentence ending in a colon before a quotation that opens the next sentence.
    fn attribution_before(&self, open: usize) -> Option<Found> {
        let view = self.view;
        let sentence = view.sentence_tokens(open);
        let (floor, from) = if open == sentence.start {
            let previous = view.sentence(open).checked_sub(1)?;
            let range = view.analysis.sentences[previous].tokens.clone();
            if view.word(range.end - 1) != ":"
                || view.paragraph(range.start) + 1 < view.paragraph(open)
            {
                return None;
            }
            (range.start, range.end - 1)
        } else {
            (sentence.start, open)
        };
        let lowest = from.saturating_sub(12).max(floor);
        for c in (lowest..from).rev() {
            let w = view.word(c);
            if is_quotation_mark(w) || self.used.is(c) {
                return None;
            }
            if view.is(c, "according") && view.is(c + 1, "to") {
                let mention = mention_after(view, c + 2, from)?;
                return Some(Found {
                    resumes: None,
                    next: mention.tokens.end,
                    mention,
                    cue: c..c + 2,
                });
            }
            if let Some(found_cue) = view.cue(c) {
                if let Some(mention) = subject_before(view, c, floor)
                    && (!found_cue.noun_like || strong_subject(&mention))
                {
                    return Some(Found {
                        resumes: None,
                        mention,
                        cue: c..c + 1,
                        next: c + 1,
                    });
                }
                // `Tad Roe, the campaign's chief strategist, said, "…"`: a name with a
                // long apposition before the cue.
                // The name starts at most a window (plus the name's own length) before the
                // cue; looking further back would only cost time in a long sentence.
                let lowest_name = c.saturating_sub(APPOSITION_WINDOW + 16).max(floor);
                if let Some(found) = (lowest_name..c)
                    .filter_map(|t| self.apposed_attribution(t, from))
                    .find(|f| f.cue.start == c)
                {
                    return Some(found);
                }
            }
        }
        None
    }

    /// `McConnell delivered a blunt message: "…"`: a quotation introduced by a colon or a
    /// comma in a sentence opened by a name or a pronoun belongs to that subject, even
    /// when the verb is no cue.
    fn introducing_subject(&self, open: usize) -> Option<Mention> {
        let view = self.view;
        let sentence = view.sentence_tokens(open);
        if open <= sentence.start + 2 || !matches!(view.word(open - 1), ":" | ",") {
            return None;
        }
        let mut p = sentence.start;
        while p < open && p < sentence.start + 3 && view.is_any(p, SENTENCE_CONNECTIVES) {
            p += 1;
        }
        let subject = sentence_subject(view, p, open)?;
        let verb = subject.tokens.end;
        let clause_ok = verb < open
            && view.kind(verb) == TokenKind::Word
            && !view.is_capitalised(verb)
            && !view.is_any(verb, BE_FORMS)
            && !view.has_quotation_mark(verb..open - 1)
            && !self.any_used(verb..open - 1);
        (clause_ok && !view.is_in(subject.tokens.start, &["it", "you"])).then_some(subject)
    }

    /// After `…," she said`, another quotation opening right after the attribution
    /// (`, "…"` or `. "…"`) continues the same quote, unless it has an attribution of its own.
    fn split_continuation(
        &self,
        next: usize,
        pieces: &[QuotedPiece],
        following: usize,
    ) -> Option<usize> {
        let piece = pieces.get(following)?;
        let view = self.view;
        if piece.open < next
            || piece.open - next > 6
            || next >= view.len()
            || view.paragraph(piece.open) != view.paragraph(next)
        {
            return None;
        }
        let gap_ok = (next..piece.open)
            .all(|t| matches!(view.word(t), "," | ":" | "—" | "–" | ".") || view.is_word(t));
        let opens_cleanly =
            piece.open == next || matches!(view.word(piece.open - 1), "," | ":" | "—" | "–" | ".");
        let own_attribution = piece
            .close
            .is_some_and(|c| self.attribution_after(c + 1).is_some());
        (gap_ok && opens_cleanly && !own_attribution).then_some(following)
    }

    /// `Jo Roe: We will rebuild the bridge.`: a paragraph opened by a name and a colon
    /// (a transcript line or a headline) gives the rest of the paragraph to that name.
    fn labelled_lines(&mut self) {
        let view = self.view;
        let sentences = &view.analysis.sentences;
        for s in 0..sentences.len() {
            if s > 0 && sentences[s - 1].paragraph == sentences[s].paragraph {
                continue;
            }
            let range = sentences[s].tokens.clone();
            let Some(colon) =
                (range.start + 1..(range.start + 8).min(range.end)).find(|&t| view.word(t) == ":")
            else {
                continue;
            };
            let entity = view.entity(colon - 1).filter(|&e| {
                matches!(
                    view.entities[e].label,
                    EntityLabel::Person | EntityLabel::Organization
                )
            });
            // "HOLM: Do you think …": a transcript names its speakers in capitals.
            let shouted = colon == range.start + 1 && {
                let w = view.word(range.start);
                w.len() > 2 && w.chars().all(|c| c.is_ascii_uppercase())
            };
            let mention = match entity {
                Some(e) => Mention {
                    tokens: view.entity_tokens(e),
                    kind: MentionKind::Entity(e),
                    relative: None,
                },
                None if shouted => Mention {
                    tokens: range.start..colon,
                    kind: MentionKind::Description,
                    relative: None,
                },
                None => continue,
            };
            let label_ok = (range.start..colon).all(|t| {
                view.entity(t).is_some()
                    || view.kind(t) == TokenKind::Clitic
                    || view.word(t) == "."
                    || view.is_capitalised(t)
            });
            let paragraph_end = sentences[s..]
                .iter()
                .take_while(|sentence| sentence.paragraph == sentences[s].paragraph)
                .last()
                .map_or(range.end, |sentence| sentence.tokens.end);
            let stop = (colon + 1..paragraph_end)
                .find(|&t| self.used.is(t))
                .unwrap_or(paragraph_end);
            let content = self.trim_content(colon + 1..stop, stop == paragraph_end);
            if !label_ok
                || self.any_used(range.start..colon + 1)
                || !self.has_words(content.clone(), 3)
            {
                continue;
            }
            let kind = if content.clone().any(|t| self.piece_mark[t]) {
                QuoteKind::Mixed
            } else if self.marks_present {
                QuoteKind::Indirect
            } else {
                QuoteKind::Direct
            };
            self.claim(range.start..colon + 1);
            self.claim(content.clone());
            self.sentence_speaker[s] = Some(mention.clone());
            self.candidates.push(Candidate {
                content,
                kind,
                cue: Some(colon..colon + 1),
                attribution: Attribution::Mention(mention),
            });
        }
    }

    fn markless_quotes(&mut self) {
        let view = self.view;
        for s in 0..view.analysis.sentences.len() {
            let range = view.analysis.sentences[s].tokens.clone();
            if range.len() < 6 || self.any_used(range.clone()) {
                continue;
            }
            for comma in range.start + 3..range.end {
                if !view.is_punct(comma, ",") {
                    continue;
                }
                let Some(found) = self.trailing_attribution(comma + 1, range.end) else {
                    continue;
                };
                let content = self.trim_content(range.start..comma, false);
                if !self.has_words(content.clone(), 3) {
                    continue;
                }
                let kind = if range.clone().any(|t| self.piece_mark[t]) {
                    QuoteKind::Mixed
                } else if self.marks_present {
                    QuoteKind::Indirect
                } else {
                    QuoteKind::Direct
                };
                self.claim(range.start..found.next);
                self.sentence_speaker[s] = Some(found.mention.clone());
                self.candidates.push(Candidate {
                    content,
                    kind,
                    cue: Some(found.cue.clone()),
                    attribution: Attribution::Mention(found.mention),
                });
                if let Some(resume) = found.resumes {
                    let rest = self.trim_content(resume..range.end, true);
                    if self.has_words(rest.clone(), 2) {
                        self.claim(found.next..range.end);
                        self.candidates.push(Candidate {
                            content: rest,
                            kind,
                            cue: Some(found.cue),
                            attribution: Attribution::SameAs(self.candidates.len() - 1),
                        });
                    }
                }
                break;
            }
        }
    }

    /// `<speaker> <speech verb> [tail].` or `<speech verb> <speaker> [tail].` from `j` to the
    /// end of the sentence at `end`.
    fn trailing_attribution(&self, j: usize, end: usize) -> Option<Found> {
        let view = self.view;
        let end = if end > j && view.is_terminal(end - 1) {
            end - 1
        } else {
            end
        };
        if j >= end {
            return None;
        }
        let (mention, cue_at, mut tail) = if view.is_any(j, INVERTING_CUES) {
            let mention = mention_after(view, j + 1, end).filter(|m| speaker_like(view, m))?;
            let tail = mention.tokens.end;
            (mention, j, tail)
        } else {
            let window = (j + 9).min(end);
            let k = (j..window)
                .take_while(|&k| {
                    view.is_word(k) || view.kind(k) == TokenKind::Clitic || view.entity(k).is_some()
                })
                .find(|&k| is_speech(view, k))?;
            let mention = subject_before(view, k, j)?;
            if mention.tokens.start != j && !titled(view, &mention, j) {
                return None;
            }
            if noun_like(view, k) && !strong_subject(&mention) {
                return None;
            }
            (mention, k, k + 1)
        };
        if view.cue(cue_at).is_some_and(|c| c.takes_addressee)
            && let Some(object) = mention_after(view, tail, end)
        {
            tail = object.tokens.end;
        }
        // What may follow "Jones said": nothing, a time or place ("on Tuesday", "in a
        // statement"), then the end, a participle ("…, adding that …") or, for a
        // parenthetical attribution, the rest of the quote.
        if tail < end && view.word(tail) != "," && !view.is_any(tail, TAIL_OPENERS) {
            return None;
        }
        let mut t = tail;
        while t < end && t - tail <= MAX_TAIL_TOKENS {
            let w = view.word(t);
            if w == "," {
                // "…, the minister said, the talks will resume" goes on with the quote;
                // "…, she said, as violence raged" or ", adding that …" does not.
                let resumes =
                    !view.is_any(t + 1, CONTINUING_PARTICIPLES) && !view.is_any(t + 1, NP_BARRIERS);
                return Some(Found {
                    mention,
                    cue: cue_at..cue_at + 1,
                    next: t,
                    resumes: resumes.then_some(t + 1),
                });
            }
            if view.is(t, "that") || view.cue(t).is_some() || is_quotation_mark(w) {
                return None;
            }
            t += 1;
        }
        (t >= end).then_some(Found {
            mention,
            cue: cue_at..cue_at + 1,
            next: end,
            resumes: None,
        })
    }

    fn indirect_quotes(&mut self) {
        let view = self.view;
        // "…, according to X." names the source of the whole sentence, including any
        // reported speech inside it ("The team decided …, according to an adviser"): it
        // goes first so that the inner cue does not take the sentence's content.
        for s in 0..view.analysis.sentences.len() {
            let range = view.analysis.sentences[s].tokens.clone();
            for i in range.clone() {
                if !self.used.is(i) && view.is(i, "according") && view.is(i + 1, "to") {
                    self.according_to(s, i);
                }
            }
        }
        for s in 0..view.analysis.sentences.len() {
            let range = view.analysis.sentences[s].tokens.clone();
            let mut i = range.start;
            while i < range.end {
                // Claimed, or inside nested reported speech (see `reported`).
                if self.used.is(i) || self.reported[i] >= 2 {
                    i += 1;
                    continue;
                }
                if view.kind(i) != TokenKind::Word {
                    i += 1;
                    continue;
                }
                let next = if view.is(i, "according") && view.is(i + 1, "to") {
                    None
                } else if let Some(found_cue) = view.cue(i) {
                    self.reported_speech(s, i, found_cue)
                } else {
                    None
                };
                i = next.unwrap_or(i + 1).max(i + 1);
            }
        }
    }

    /// "According to X, …" and "…, according to X." Returns the token to continue from.
    fn according_to(&mut self, s: usize, i: usize) -> Option<usize> {
        let view = self.view;
        let range = view.analysis.sentences[s].tokens.clone();
        let mention = mention_after(view, i + 2, range.end)?;
        // "according to a tally by the Associated Press": the source is whoever made
        // the document.
        let mention = match mention_after(view, mention.tokens.end + 1, range.end) {
            Some(maker)
                if mention.kind == MentionKind::Description
                    && view.is_in(mention.tokens.end, &["by", "from"])
                    && matches!(maker.kind, MentionKind::Entity(_)) =>
            {
                maker
            }
            _ => mention,
        };
        let after = mention.tokens.end;
        let opens_sentence = i == range.start
            || (i == range.start + 1 && view.is_in(range.start, &["but", "and", "yet", "so"]));
        let content = if opens_sentence && view.word_at(after) == Some(",") {
            self.trim_content(after + 1..range.end, true)
        } else if i > range.start && view.word(i - 1) == "," {
            self.trim_content(range.start..i - 1, false)
        } else {
            return None;
        };
        if self.any_used(content.clone()) || !self.has_words(content.clone(), 3) {
            return None;
        }
        let kind = self.reported_kind(content.clone(), false);
        self.claim(i..after);
        self.claim(content.clone());
        self.sentence_speaker[s] = Some(mention.clone());
        self.candidates.push(Candidate {
            content: content.clone(),
            kind,
            cue: Some(i..i + 2),
            attribution: Attribution::Mention(mention),
        });
        Some(after.max(content.end))
    }

    /// "X said (that) …", "X told reporters …", "X believes …". Returns the token to
    /// continue from.
    fn reported_speech(&mut self, s: usize, i: usize, found_cue: Cue) -> Option<usize> {
        let view = self.view;
        let range = view.analysis.sentences[s].tokens.clone();
        let speech = self.rules.scope == Scope::Speech;
        // Speech scope: beliefs and stances are no quotes, and nor is what someone did
        // not say ("did not say whether …", "never said").
        if speech
            && (found_cue.class != CueClass::Speech
                || (i > range.start && view.is_in(i - 1, NEGATIONS)))
        {
            return None;
        }
        // "…, telling reporters …" / "Trump held a microphone, telling …": a participle's
        // subject is the clause's subject, not the noun before it.
        let participle = view.word(i).ends_with("ing");
        let subject = if participle {
            self.sentence_speaker[s]
                .clone()
                .or_else(|| sentence_subject(view, range.start, i))
        } else {
            subject_before(view, i, range.start)
        };
        let mut loose_subject = false;
        let mut infinitive = false;
        let mention = match subject {
            Some(m) => m,
            None if participle => return None,
            // "Officials were quick to say …": a cue in an infinitive is said by the
            // subject of the verb that governs it, never by "to".
            // (Only "say": with other cues in infinitives, "party procedures give them
            // reason to believe …", the clause before is seldom the one who speaks.)
            None if i > range.start
                && view.is(i - 1, "to")
                && view.is_in(i, &["say", "says", "said"]) =>
            {
                infinitive = true;
                self.infinitive_subject(s, range.start, i - 1)
                    .filter(|m| !view.is_in(m.tokens.start, NO_SPEAKER_WORDS))?
            }
            None if i > range.start + 2 && view.is_in(i - 1, &["and", "but"]) => {
                sentence_subject(view, range.start, i - 1)?
            }
            // "Sandra Inman, a supporter from Jackson, Miss., said …": a subject too
            // long to parse; the sentence's first name is the best guess.
            None if found_cue.class == CueClass::Speech
                && !found_cue.noun_like
                && i > range.start
                && view.word(i - 1) == ","
                && let Some(subject) = sentence_subject(view, range.start, i) =>
            {
                subject
            }
            None if i > range.start
                && view.word(i - 1) == ","
                && view.is_any(i, CONTINUING_PARTICIPLES) =>
            {
                self.sentence_speaker[s].clone()?
            }
            // "One in five say …", "55 percent of all voters say …", "some say …": a
            // quantity or a group too loose for the noun-phrase rules, before the plainest
            // speech verbs.
            None if i > range.start
                && view.is_in(i, &["say", "says", "said"])
                && !view.is_in(i - 1, &["a", "the", "no", "any", "their", "his", "her"]) =>
            {
                loose_subject = true;
                self.clause_before(range.start, i)?
            }
            None => return None,
        };
        let mention =
            if found_cue.noun_like && !strong_subject(&mention) && !loose_subject && !infinitive {
                // "Most voters in the valley say …": the noun phrase before a bare "say" is
                // only its tail; the whole clause opening is the speaker.
                if view.is(i, "say") && !view.is_in(i - 1, &["a", "the", "no", "any"]) {
                    self.clause_before(range.start, i)?
                } else {
                    return None;
                }
            } else {
                mention
            };
        let mut k = i + 1;
        if found_cue.takes_addressee
            && let Some(object) = mention_after(view, k, range.end)
        {
            k = object.tokens.end;
        }
        let window = (k + 8).min(range.end);
        if let Some(that) = (k..window)
            .take_while(|&t| {
                // Another cue's "that" is not ours ("cheered Jo, who warned that …").
                !is_quotation_mark(view.word(t))
                    && !view.is_terminal(t)
                    && view.word(t) != ":"
                    && (t == k || view.cue(t).is_none())
            })
            .find(|&t| view.is(t, "that"))
        {
            k = that;
        }
        // "The storm passed, the river rose": a learned stance verb followed by a comma
        // ends its own clause.
        // "… had learned of the cuts": nor is a prepositional phrase what was said.
        // ("pushed for …" and "pointed to …" do introduce it).
        if found_cue.learned
            && (view.word_at(k) == Some(",")
                || view.is_in(k, &["of", "at", "in", "with", "from", "on", "by"]))
        {
            return None;
        }
        let mut colon = false;
        if k < range.end && matches!(view.word(k), ":" | ",") {
            colon = view.word(k) == ":";
            k += 1;
        }
        // Content ends at the next claimed token, or where a second attribution of the
        // same subject starts ("… and said he would …"), and never runs on for more than
        // `MAX_REPORTED_TOKENS`: this scan runs once per cue, and in a sentence with no
        // end it would otherwise read to the end of the article each time.
        let limit = range.end.min(k.saturating_add(MAX_REPORTED_TOKENS));
        // "while the community agrees that there is no solution, the Taliban want …": an
        // attribution inside a fronted subordinate clause reports only up to the comma
        // that closes the clause; the main clause after it is someone else's.
        let subordinate = mention.tokens.start > range.start
            && view.is_in(mention.tokens.start - 1, SUBORDINATORS)
            && mention.tokens.start >= range.start + 2
            && view.is_in(mention.tokens.start - 2, &["that", ","]);
        let stop = (k..limit)
            .find(|&t| {
                self.used.is(t)
                    || (subordinate && view.word(t) == ",")
                    // "…, adding that …": the participle reports content of its own,
                    // which is not also this cue's (one record per content span).
                    || (view.word(t) == "," && view.is_any(t + 1, CONTINUING_PARTICIPLES))
                    || (view.is(t, "and") && t + 1 < range.end && is_speech(view, t + 1))
                    || self.coordinated_attribution(t, range.end)
            })
            .unwrap_or(limit);
        let content = self.trim_content(k..stop, stop == range.end);
        let before_participle =
            stop < limit && view.word(stop) == "," && view.is_any(stop + 1, CONTINUING_PARTICIPLES);
        // "it attacked Trump, saying he …": a name alone is what the stance was about.
        let named_object = before_participle
            && !content.is_empty()
            && view.entity(content.start).is_some()
            && content
                .clone()
                .all(|t| view.entity(t) == view.entity(content.start));
        if !(self.reportable(content.clone()) || named_object)
            || (speech && !self.speech_content(i, &content))
        {
            // No quote of its own, but the participle after it still belongs to this
            // subject.
            if before_participle {
                self.sentence_speaker[s] = Some(mention);
            }
            return None;
        }
        let kind = self.reported_kind(content.clone(), colon);
        // The content stays open to the rules: what was said may report a nested
        // attribution of its own ("X said Y believes …"), which gets its own speaker.
        self.claim(i..content.start);
        let depth = self.reported[i].saturating_add(1).min(2);
        for slot in &mut self.reported[content.clone()] {
            *slot = (*slot).max(depth);
        }
        self.sentence_speaker[s] = Some(mention.clone());
        self.candidates.push(Candidate {
            content: content.clone(),
            kind,
            cue: Some(i..i + 1),
            attribution: Attribution::Mention(mention),
        });
        Some(content.start)
    }

    /// Speech scope: whether the content of the cue at `cue` is something said. Quoted
    /// words make it so. An infinitive is an order, a request or a commitment ("urged
    /// residents to leave", "told them to go", "pledged to continue"), not speech; and
    /// past the classic verbs of saying, the content must be a clause: a complementizer
    /// ("that", "whether") or a verb, not only a noun phrase ("reported a 41% jump",
    /// "praised the plan").
    fn speech_content(&self, cue: usize, content: &Range<usize>) -> bool {
        let view = self.view;
        // Quoted words inside make a mixed quote: "called the cuts “a slow goodbye”".
        if content.clone().any(|t| self.piece_mark[t]) {
            return true;
        }
        // "agrees" is a stance that the speech list keeps for attributions.
        if view.is(content.start, "to") || view.is_in(cue, STANCE_SPEECH_VERBS) {
            return false;
        }
        let window = content.start..content.end.min(content.start + 12);
        if window.clone().any(|t| view.is(t, "to")) && !self.clause_like(window.clone()) {
            return false;
        }
        view.is_any(cue, INVERTING_CUES)
            || view.is_in(cue, PLAIN_SAYING)
            || self.clause_like(window)
    }

    /// Whether `range` reads as a clause: it opens with a complementizer, or holds a
    /// finite verb before any infinitive ("the plan *was* fine", "rates *rose*").
    fn clause_like(&self, range: Range<usize>) -> bool {
        let view = self.view;
        if view.is_in(range.start, COMPLEMENTIZERS) {
            return true;
        }
        for t in range.start + 1..range.end {
            if view.is(t, "to") || view.is_terminal(t) {
                return false;
            }
            let w = view.word(t);
            let finite = view.is_any(t, BE_FORMS)
                || view.is_in(t, AUXILIARIES)
                || w.ends_with("n't")
                || (w.len() > 3 && w.ends_with("ed") && !view.is_capitalised(t))
                || view.cue(t).is_some();
            if finite {
                return true;
            }
        }
        false
    }

    /// Whether `content` can be what a cue reported: two words or more, and more than
    /// a time or place ("… Kovac said on Friday.").
    fn reportable(&self, content: Range<usize>) -> bool {
        let words = self.words_in(content.clone());
        let only_circumstance = words <= 4 && self.view.is_any(content.start, TAIL_OPENERS);
        !content.is_empty() && words >= 2 && !only_circumstance
    }

    /// The subject of the verb that governs the infinitive marker `to` ("Officials were
    /// quick *to* say", "tax returns would have more *to* say"): the noun phrase before
    /// the verb group (before its first auxiliary, else before its one verb), or for a
    /// participle ("…, going on *to* say") the sentence's speaker. None when the
    /// governing verb is itself a claimed cue ("wanted to say …", "declined to say …"):
    /// its own attribution holds the same content, and a second quote of it would be a
    /// copy.
    fn infinitive_subject(&self, s: usize, floor: usize, to: usize) -> Option<Mention> {
        let view = self.view;
        if to <= floor || self.used.is(to - 1) {
            return None;
        }
        // "declined to say whether …": nothing was said.
        if view.is_in(to - 1, NOT_SAYING) {
            return None;
        }
        let clause = self.clause_before(floor, to)?;
        let start = clause.tokens.start;
        if start > floor && view.word(start - 1) == "," && view.word(start).ends_with("ing") {
            return self.sentence_speaker[s].clone();
        }
        let lowest = to.saturating_sub(6).max(start);
        let verb = (lowest..to)
            .find(|&t| view.is_any(t, BE_FORMS) || view.is_in(t, AUXILIARIES))
            .unwrap_or(to - 1);
        if verb > start
            && let Some(subject) = subject_before(view, verb, start)
        {
            return Some(subject);
        }
        Some(mention_after(view, start, to).unwrap_or(clause))
    }

    /// "…, but he said …": a coordinated clause with a subject and a cue of its own
    /// starts at `t`, and ends what the earlier cue reported.
    fn coordinated_attribution(&self, t: usize, end: usize) -> bool {
        let view = self.view;
        // The comma may sit inside a closing mark: `… a gun," but he said …`.
        let after_comma = t >= 1
            && (view.word(t - 1) == ","
                || (t >= 2 && is_quotation_mark(view.word(t - 1)) && view.word(t - 2) == ","));
        if !view.is_in(t, &["and", "but"]) || !after_comma {
            return false;
        }
        (t + 2..(t + 6).min(end)).any(|c| {
            view.cue(c).is_some_and(|cue| !cue.noun_like)
                && subject_before(view, c, t + 1)
                    .is_some_and(|m| m.tokens.start == t + 1 && m.kind != MentionKind::Description)
        })
    }

    /// The words from the start of the clause (after the sentence start, a comma or a
    /// connective) up to `cue`, as a description, when they are plain words that contain no
    /// other verb of speech.
    fn clause_before(&self, sentence_start: usize, cue: usize) -> Option<Mention> {
        let view = self.view;
        let mut start = cue;
        while start > sentence_start
            && start + 12 > cue
            && !matches!(view.word(start - 1), "," | ";" | ":" | "—" | "–")
            && !self.used.is(start - 1)
            && (view.is_word(start - 1) || view.kind(start - 1) == TokenKind::Clitic)
        {
            start -= 1;
        }
        while start < cue && view.is_any(start, SENTENCE_CONNECTIVES) {
            start += 1;
        }
        let plain = start < cue
            && (start == sentence_start || view.word(start - 1) == "," || self.used.is(start - 1))
            && (start..cue).all(|t| view.cue(t).is_none() && !view.is_terminal(t));
        plain.then_some(Mention {
            tokens: start..cue,
            kind: MentionKind::Description,
            relative: None,
        })
    }

    /// "Trump endorsed the plan.": a sentence whose subject is a name or a pronoun and
    /// whose verb is not in the cue lexicon, read as the subject's stance (PolNeAR annotates
    /// these as attributions).
    fn stance_quotes(&mut self) {
        let view = self.view;
        for s in 0..view.analysis.sentences.len() {
            let range = view.analysis.sentences[s].tokens.clone();
            let mut p = range.start;
            while p < range.end && view.is_any(p, SENTENCE_CONNECTIVES) {
                p += 1;
            }
            let Some(subject) = sentence_subject(view, p, range.end) else {
                continue;
            };
            if matches!(subject.kind, MentionKind::Pronoun)
                && view.is_in(subject.tokens.start, &["it", "you"])
            {
                continue;
            }
            let mut v = subject.tokens.end;
            while v < range.end && view.is_any(v, BETWEEN_SUBJECT_AND_CUE) {
                v += 1;
            }
            if v >= range.end
                || view.kind(v) != TokenKind::Word
                || view.is_capitalised(v)
                || view.is_any(v, NP_BARRIERS)
                || view.is_any(v, BE_FORMS)
                || self.any_used(range.start..v + 1)
            {
                continue;
            }
            let stop = (v + 1..range.end)
                .find(|&t| self.used.is(t))
                .unwrap_or(range.end);
            let content = self.trim_content(v + 1..stop, stop == range.end);
            if content.is_empty() || self.words_in(content.clone()) < self.rules.min_stance_words {
                continue;
            }
            self.claim(v..content.end);
            self.candidates.push(Candidate {
                content: content.clone(),
                kind: self.reported_kind(content, false),
                cue: Some(v..v + 1),
                attribution: Attribution::Mention(subject),
            });
        }
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

    fn leftover_passages(&mut self, pieces: &[QuotedPiece]) {
        for piece in pieces {
            let content = self.trim_content(piece.content.clone(), false);
            if content.is_empty()
                || self.any_used(piece.open..piece.open + 1)
                || self.reported[piece.open] > 0
            {
                continue;
            }
            let ends_like_speech = piece.close.is_none();
            if self.words_in(content.clone()) < 8
                || self.any_used(content.clone())
                || self.title_like(content.clone(), ends_like_speech)
            {
                continue;
            }
            self.claim(piece.open..piece.close.map_or(content.end, |c| c + 1));
            self.candidates.push(Candidate {
                content,
                kind: QuoteKind::Direct,
                cue: None,
                attribution: Attribution::Nearby,
            });
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
fn strong_subject(mention: &Mention) -> bool {
    matches!(mention.kind, MentionKind::Entity(_) | MentionKind::Pronoun)
}
