//! Quotations in marks (`direct`): attributed after the closing mark (`…," she said`,
//! `…," said Jones`), before the opening mark (`Jones said: "…"`), across a split (`"…,"
//! she said, "…"`: both pieces, one speaker), by the subject that introduces them, or to
//! the speaker of the paragraph run of quotes; a quoted tail with an attribution after it
//! makes a mixed quote, and long quoted passages no rule claimed are quotes of their own.

use std::ops::Range;

use byline_core::{EntityLabel, QuoteKind, TokenKind};

use super::{
    Attribution, Candidate, Extraction, Found, is_speech, speaker_like, strong_subject, titled,
};
use crate::cues::CueClass;
use crate::marks::{QuotedPiece, is_quotation_mark};
use crate::speakers::{Mention, MentionKind, mention_after, sentence_subject, subject_before};
use crate::words::{BE_FORMS, INVERTING_CUES, NP_BARRIERS, SENTENCE_CONNECTIVES, TAIL_OPENERS};

/// How many tokens a name's apposition may run before its speech verb ("Anne Roe, an
/// adviser to the mayor on housing, said").
const APPOSITION_WINDOW: usize = 30;

impl Extraction<'_, '_> {
    pub(super) fn is_direct_piece(&self, piece: &QuotedPiece) -> bool {
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
    pub(super) fn title_like(&self, range: Range<usize>, ends_like_speech: bool) -> bool {
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

    pub(super) fn direct_quotes(&mut self, pieces: &[QuotedPiece]) {
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
    pub(super) fn fragment_then_attribution(&mut self, piece: &QuotedPiece) {
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
    pub(super) fn attribution_after(&self, at: usize) -> Option<Found> {
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
    pub(super) fn any_verb_attribution(&self, at: usize, j: usize, limit: usize) -> Option<Found> {
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

    pub(super) fn attribution_at(&self, j: usize, limit: usize) -> Option<Found> {
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
    pub(super) fn apposed_attribution(&self, j: usize, limit: usize) -> Option<Found> {
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
    pub(super) fn attribution_before(&self, open: usize) -> Option<Found> {
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
                    && (!found_cue.noun_like || strong_subject(view, &mention))
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
    pub(super) fn introducing_subject(&self, open: usize) -> Option<Mention> {
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
    pub(super) fn split_continuation(
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

    pub(super) fn leftover_passages(&mut self, pieces: &[QuotedPiece]) {
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
}

#[cfg(test)]
mod tests {
    use byline_core::{EntityLabel, QuoteKind};

    use crate::attribution::test_support::*;

    #[test]
    fn speaker_after_the_quote_with_curly_marks() {
        let text = "Mara Voss spoke first.\n\n“The harbour will reopen in May,” Voss said.";
        let found = quotes(
            text,
            &[("Mara Voss", PER, "Mara Voss"), ("Voss", PER, "Mara Voss")],
        );
        assert_eq!(
            found,
            [q(
                "The harbour will reopen in May",
                QuoteKind::Direct,
                "Voss",
                "Mara Voss"
            )]
        );
    }

    #[test]
    fn inverted_speaker_with_straight_marks() {
        let text = "\"We expect a long winter for the fleet,\" said Ilse Brandt.";
        let found = quotes(text, &[("Ilse Brandt", PER, "Ilse Brandt")]);
        assert_eq!(
            found,
            [q(
                "We expect a long winter for the fleet",
                QuoteKind::Direct,
                "Ilse Brandt",
                "Ilse Brandt"
            )]
        );
    }

    #[test]
    fn speaker_before_the_quote_with_single_marks() {
        let text = "Tomas Greer said: 'The bridge is safe to cross again.'";
        let found = quotes(text, &[("Tomas Greer", PER, "Tomas Greer")]);
        assert_eq!(
            found,
            [q(
                "The bridge is safe to cross again.",
                QuoteKind::Direct,
                "Tomas Greer",
                "Tomas Greer"
            )]
        );
    }

    #[test]
    fn split_quote_gives_two_pieces_one_speaker() {
        let text = "Anna Kovac arrived late. “We will win,” she said, “and soon.”";
        let found = quotes(text, &[("Anna Kovac", PER, "Anna Kovac")]);
        assert_eq!(
            found,
            [
                q("We will win", QuoteKind::Direct, "she", "Anna Kovac"),
                q("and soon.", QuoteKind::Direct, "she", "Anna Kovac"),
            ]
        );
    }

    #[test]
    fn multi_paragraph_quote_keeps_its_speaker() {
        let text = "Leo Marsh told the council: “The budget is tight this year.\n\n\
                    “We will cut the festival and keep the libraries open.”\n\nThe vote is Monday.";
        let found = quotes(text, &[("Leo Marsh", PER, "Leo Marsh")]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found
                .iter()
                .all(|f| f.3 == "Leo Marsh" && f.1 == QuoteKind::Direct)
        );
        assert_eq!(
            found[1].0,
            "We will cut the festival and keep the libraries open."
        );
    }

    #[test]
    fn partial_marks_make_a_mixed_quote() {
        let text = "Ravi Shah said the plan was “a gift to polluters” and would fail.";
        let found = quotes(text, &[("Ravi Shah", PER, "Ravi Shah")]);
        assert_eq!(
            found,
            [q(
                "the plan was “a gift to polluters” and would fail",
                QuoteKind::Mixed,
                "Ravi Shah",
                "Ravi Shah"
            )]
        );
    }

    #[test]
    fn role_description_linked_by_apposition() {
        let text = "Ines Ortega, the health minister, opened the clinic.\n\n\
                    “Every village will have a nurse by June,” the minister said.";
        let found = quotes(text, &[("Ines Ortega", PER, "Ines Ortega")]);
        assert_eq!(
            found,
            [q(
                "Every village will have a nurse by June",
                QuoteKind::Direct,
                "the minister",
                "Ines Ortega"
            )]
        );
    }

    #[test]
    fn unlinked_role_description_keeps_its_text() {
        let text = "“We are reviewing the recall,” a spokesperson for Acme Corp said.";
        let found = quotes(text, &[("Acme Corp", ORG, "Acme Corp")]);
        assert_eq!(
            found,
            [q(
                "We are reviewing the recall",
                QuoteKind::Direct,
                "a spokesperson for Acme Corp",
                "a spokesperson for Acme Corp"
            )]
        );
    }

    #[test]
    fn paragraph_run_of_quotes_keeps_the_last_named_speaker() {
        let text = "Kofi Mensah met Lena Berg on Friday. “Trade is up,” Berg said.\n\n\
                    “Exports to the north doubled in a single year.”";
        let found = quotes(
            text,
            &[
                ("Kofi Mensah", PER, "Kofi Mensah"),
                ("Lena Berg", PER, "Lena Berg"),
                ("Berg", PER, "Lena Berg"),
            ],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[1].3, "Lena Berg");
    }

    #[test]
    fn pronoun_in_a_run_of_quotes_takes_the_last_named_speaker() {
        let text = "“Prices will fall,” Mia Holt said, pointing to Jon Park's report.\n\n\
                    “People will feel it by winter,” she added.";
        let found = quotes(
            text,
            &[("Mia Holt", PER, "Mia Holt"), ("Jon Park", PER, "Jon Park")],
        );
        assert_eq!(found.last().map(|f| f.3.as_str()), Some("Mia Holt"));
    }

    #[test]
    fn scare_quotes_and_titles_are_not_quotes() {
        let text = "The so-called “peace plan” was mocked. His memoir, “The Long Road Home,” sold well. \
                    The bookmakers' odds looked 'silly' to fans.";
        assert_eq!(quotes(text, &[]), []);
    }

    #[test]
    fn apostrophes_never_derail_later_quotes() {
        let text = "The ’90s were Qatar’s decade and the bookmakers' favourite era.\n\n\
                    “It was a golden age for us,” said Sami Nasser.";
        let found = quotes(
            text,
            &[
                ("Sami Nasser", PER, "Sami Nasser"),
                ("Qatar", EntityLabel::Location, "Qatar"),
            ],
        );
        assert_eq!(
            found,
            [q(
                "It was a golden age for us",
                QuoteKind::Direct,
                "Sami Nasser",
                "Sami Nasser"
            )]
        );
    }

    #[test]
    fn long_apposition_after_the_quote_keeps_the_name() {
        let text = "“The bridge will not open before spring,” Anne Roe, an adviser to the \
                    mayor on transport and housing, said on Monday.";
        let found = quotes(text, &[("Anne Roe", PER, "Anne Roe")]);
        assert_eq!(
            found,
            [q(
                "The bridge will not open before spring",
                QuoteKind::Direct,
                "Anne Roe",
                "Anne Roe"
            )]
        );
    }

    #[test]
    fn unattributed_quote_belongs_to_the_name_opening_its_sentence() {
        let text = "Ruth Adler spoke for an hour.\n\nLater, Sven Dahl thanked the volunteers \
                    and ended with a line of his own, “We owe this bridge to all of you.”";
        let found = quotes(
            text,
            &[
                ("Ruth Adler", PER, "Ruth Adler"),
                ("Sven Dahl", PER, "Sven Dahl"),
            ],
        );
        assert_eq!(
            quote_starting(&found, "We owe").map(|f| f.2),
            Some("Sven Dahl"),
            "{found:?}"
        );
    }

    #[test]
    fn speaker_after_the_quote_with_a_verb_outside_the_lexicon() {
        let text = "The ferry was late again.\n\n“Nobody told us a thing,” Ilse Brandt grumbled.";
        let found = quotes(text, &[("Ilse Brandt", PER, "Ilse Brandt")]);
        assert_eq!(
            found,
            [q(
                "Nobody told us a thing",
                QuoteKind::Direct,
                "Ilse Brandt",
                "Ilse Brandt"
            )]
        );
    }

    #[test]
    fn unattributed_quote_takes_the_speaker_named_after_it_not_the_previous_paragraph() {
        let text = "“The dam is safe,” said Omar Reyes.\n\n\
                    Downstream the mood was different. “We have sandbags on every porch \
                    and nobody sleeps at night any more,” Lena Ortiz, who runs the bakery, \
                    wrote in a letter to the council.";
        let found = quotes(
            text,
            &[
                ("Omar Reyes", PER, "Omar Reyes"),
                ("Lena Ortiz", PER, "Lena Ortiz"),
            ],
        );
        let second = found
            .iter()
            .find(|f| f.0.starts_with("We have sandbags"))
            .unwrap_or_else(|| panic!("second quote not found: {found:?}"));
        assert_eq!(second.3, "Lena Ortiz");
    }
}
