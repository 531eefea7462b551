//! The speech scope's filter: which reported content is something said, rather than an
//! order, a commitment, a belief or the object of a report.

use std::ops::Range;

use super::Extraction;
use crate::words::{
    AUXILIARIES, BE_FORMS, COMPLEMENTIZERS, INVERTING_CUES, PLAIN_SAYING, STANCE_SPEECH_VERBS,
};

impl Extraction<'_, '_> {
    /// Speech scope: whether the content of the cue at `cue` is something said. Quoted
    /// words make it so. An infinitive is an order, a request or a commitment ("urged
    /// residents to leave", "told them to go", "pledged to continue"), not speech; and
    /// past the classic verbs of saying, the content must be a clause: a complementizer
    /// ("that", "whether") or a verb, not only a noun phrase ("reported a 41% jump",
    /// "praised the plan").
    pub(super) fn speech_content(&self, cue: usize, content: &Range<usize>) -> bool {
        let view = self.view;
        // Quoted words inside make a mixed quote: "called the cuts “a slow goodbye”".
        if content.clone().any(|t| self.piece_mark[t]) {
            return true;
        }
        // "agrees" is a stance that the speech list keeps for attributions.
        if view.is(content.start, "to") || view.is_in(cue, STANCE_SPEECH_VERBS) {
            return false;
        }
        // After the classic verbs of saying, whatever follows is what was said ("said he
        // plans to run"); an order after them comes with its addressee, and so starts
        // with "to" ("told his aides to …").
        if view.is_any(cue, INVERTING_CUES) || view.is_in(cue, PLAIN_SAYING) {
            return true;
        }
        // Elsewhere an object and an infinitive is an order or a request ("urged
        // residents to leave"), and a noun phrase alone is no speech.
        self.clause_like(content.start..content.end.min(content.start + 12))
    }

    /// Whether `range` reads as a clause: it opens with a complementizer, or holds a
    /// finite verb before any infinitive ("the plan *was* fine", "rates *rose*").
    pub(super) fn clause_like(&self, range: Range<usize>) -> bool {
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
}

#[cfg(test)]
mod tests {
    use crate::attribution::test_support::*;
    use crate::stage::Scope;

    #[test]
    fn speech_scope_keeps_what_was_said_and_drops_the_rest() {
        let text = "Nordbank warned that rates would rise. Its chief economist believes \
                    inflation has peaked. The mayor urged residents to leave the valley. \
                    The council pledged to rebuild the old stone bridge. Acme reported a jump in sales. \
                    Ann Lee declined to say whether the plant would close. Ann Lee did not \
                    say when the plant would close. Officials agreed that the dam was safe.";
        let entities = [
            ("Nordbank", ORG, "Nordbank"),
            ("Acme", ORG, "Acme"),
            ("Ann Lee", PER, "Ann Lee"),
        ];
        let speech = quotes(text, &entities);
        let said: Vec<&str> = speech.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(said, ["that rates would rise"], "{speech:?}");
        // The attribution scope keeps the belief, the order, the commitment, the report
        // and the stance.
        let all = quotes_in(Scope::Attribution, text, &entities);
        for start in [
            "inflation",
            "residents to leave",
            "to rebuild",
            "a jump",
            "that the dam",
        ] {
            assert!(quote_starting(&all, start).is_some(), "{start}: {all:?}");
        }
        // A negated cue keeps its subject ("did not say" is Ann Lee's, not "Ann Lee did
        // not"'s).
        assert_eq!(
            quote_starting(&all, "when the plant").map(|f| f.1),
            Some("Ann Lee"),
            "{all:?}"
        );
    }
}
