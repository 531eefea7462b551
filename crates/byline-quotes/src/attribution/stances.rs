//! Attribution-only rules: sentences whose verb is no cue, read as the subject's stance
//! (PolNeAR's broad notion of attribution; on with `stances = true`).

use byline_core::TokenKind;

use super::{Attribution, Candidate, Extraction};
use crate::speakers::{MentionKind, sentence_subject};
use crate::words::{BE_FORMS, BETWEEN_SUBJECT_AND_CUE, NP_BARRIERS, SENTENCE_CONNECTIVES};

impl Extraction<'_, '_> {
    /// "Trump endorsed the plan.": a sentence whose subject is a name or a pronoun and
    /// whose verb is not in the cue lexicon, read as the subject's stance (PolNeAR annotates
    /// these as attributions).
    pub(super) fn stance_quotes(&mut self) {
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
}
