//! Indirect speech: `according to X, …` / `…, according to X`, then `X said (that) …`,
//! `X told reporters …`, `X believes …`. The content keeps its `that`; a coordinated
//! `…, but he said …`, a continuing participle (`…, adding that …`) or the comma that closes
//! a fronted `while` clause ends it; nested reported speech goes at most three deep.

use std::ops::Range;

use byline_core::TokenKind;

use super::{Attribution, Candidate, Extraction, is_speech, strong_subject};
use crate::cues::{Cue, CueClass};
use crate::marks::is_quotation_mark;
use crate::speakers::{Mention, MentionKind, mention_after, sentence_subject, subject_before};
use crate::stage::Scope;
use crate::words::{
    AUXILIARIES, BE_FORMS, CONTINUING_PARTICIPLES, NEGATIONS, NO_SPEAKER_WORDS, NOT_SAYING,
    PEOPLE_NOUNS, ROLE_NOUNS, SENTENCE_CONNECTIVES, SUBORDINATORS, TAIL_OPENERS,
};

/// How deep reported speech nests ("X said Y told Z that B" is three deep). Each level
/// may cover the same words once more; on PolNeAR's training split a third level still
/// gives right speakers (89.4% against 89.0% with two), a fourth adds nothing.
pub(super) const MAX_REPORTED_DEPTH: u8 = 3;

/// The longest content of reported speech, in tokens. Real reported speech ends within
/// its sentence long before this (PolNeAR: 99.9% of attributions under 145 words); the
/// bound keeps a sentence with no end linear.
const MAX_REPORTED_TOKENS: usize = 200;

impl Extraction<'_, '_> {
    pub(super) fn indirect_quotes(&mut self) {
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
                if self.used.is(i) || self.reported[i] >= MAX_REPORTED_DEPTH {
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
    pub(super) fn according_to(&mut self, s: usize, i: usize) -> Option<usize> {
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
    pub(super) fn reported_speech(&mut self, s: usize, i: usize, found_cue: Cue) -> Option<usize> {
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
            // "Some senators vented … and said that …": the sentence's subject, a name or a
            // pronoun, or else a description of people opening the sentence.
            None if i > range.start + 2 && view.is_in(i - 1, &["and", "but"]) => {
                let mut opening = range.start;
                while opening < i && opening < range.start + 3 {
                    if !view.is_any(opening, SENTENCE_CONNECTIVES) {
                        break;
                    }
                    opening += 1;
                }
                sentence_subject(view, range.start, i - 1).or_else(|| {
                    let m = mention_after(view, opening, i - 1)
                        .filter(|m| m.kind == MentionKind::Description)?;
                    // The phrase ends at its last word for people ("Some residents
                    // grumbled" reads on into the verb).
                    let head =
                        m.tokens.clone().rev().find(|&t| {
                            view.is_any(t, PEOPLE_NOUNS) || view.is_any(t, ROLE_NOUNS)
                        })?;
                    Some(Mention {
                        tokens: m.tokens.start..head + 1,
                        ..m
                    })
                })?
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
        let mention = if found_cue.noun_like
            && !strong_subject(view, &mention)
            && !loose_subject
            && !infinitive
        {
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
        let depth = self.reported[i].saturating_add(1).min(MAX_REPORTED_DEPTH);
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

    /// Whether `content` can be what a cue reported: two words or more, and more than
    /// a time or place ("… Kovac said on Friday.").
    pub(super) fn reportable(&self, content: Range<usize>) -> bool {
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
    pub(super) fn infinitive_subject(&self, s: usize, floor: usize, to: usize) -> Option<Mention> {
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
    pub(super) fn coordinated_attribution(&self, t: usize, end: usize) -> bool {
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
    pub(super) fn clause_before(&self, sentence_start: usize, cue: usize) -> Option<Mention> {
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
}

#[cfg(test)]
mod tests {
    use byline_core::{EntityLabel, QuoteKind};

    use crate::attribution::test_support::*;
    use crate::stage::Scope;

    #[test]
    fn according_to_before_and_after() {
        let text = "According to Dana Reyes, the mill will close next spring. \
                    The union will fight the closure, according to Acme Workers Union.";
        let found = quotes(
            text,
            &[
                ("Dana Reyes", PER, "Dana Reyes"),
                ("Acme Workers Union", ORG, "Acme Workers Union"),
            ],
        );
        assert_eq!(
            found,
            [
                q(
                    "the mill will close next spring",
                    QuoteKind::Indirect,
                    "Dana Reyes",
                    "Dana Reyes"
                ),
                q(
                    "The union will fight the closure",
                    QuoteKind::Indirect,
                    "Acme Workers Union",
                    "Acme Workers Union"
                ),
            ]
        );
    }

    #[test]
    fn indirect_speech_with_that_and_addressee() {
        let text = "Governor Ruth Adler said on Tuesday that the roads would reopen. \
                    Adler told reporters the repairs were finished.";
        let found = quotes(
            text,
            &[
                ("Ruth Adler", PER, "Ruth Adler"),
                ("Adler", PER, "Ruth Adler"),
            ],
        );
        assert_eq!(
            found,
            [
                q(
                    "that the roads would reopen",
                    QuoteKind::Indirect,
                    "Ruth Adler",
                    "Ruth Adler"
                ),
                q(
                    "the repairs were finished",
                    QuoteKind::Indirect,
                    "Adler",
                    "Ruth Adler"
                ),
            ]
        );
    }

    #[test]
    fn warnings_and_beliefs_are_indirect_quotes() {
        let text = "Nordbank warned that rates would rise. Its chief economist believes inflation has peaked.";
        let found = quotes_in(Scope::Attribution, text, &[("Nordbank", ORG, "Nordbank")]);
        assert_eq!(
            found[0],
            q(
                "that rates would rise",
                QuoteKind::Indirect,
                "Nordbank",
                "Nordbank"
            )
        );
        assert_eq!(found[1].0, "inflation has peaked");
        assert_eq!(found[1].2, "Its chief economist");
    }

    #[test]
    fn relative_pronoun_is_the_mention_and_its_antecedent_the_name() {
        let text = "The vote went to Nadia Petrov, who said the tax would be scrapped.";
        let found = quotes(text, &[("Nadia Petrov", PER, "Nadia Petrov")]);
        assert_eq!(
            found,
            [q(
                "the tax would be scrapped",
                QuoteKind::Indirect,
                "who",
                "Nadia Petrov"
            )]
        );
    }

    #[test]
    fn time_phrase_between_subject_and_cue_is_skipped() {
        let text = "The crowd cheered Carl Bremer, who on Tuesday warned that the dam was unsafe.";
        let found = quotes(text, &[("Carl Bremer", PER, "Carl Bremer")]);
        let warning = found.iter().find(|f| f.0 == "that the dam was unsafe");
        assert_eq!(
            warning.map(|f| f.3.as_str()),
            Some("Carl Bremer"),
            "{found:?}"
        );
    }

    #[test]
    fn nested_attribution_gets_its_own_speaker() {
        let text = "Mayor Jo Lind said Eriksen believes the budget is too small.";
        let found = quotes_in(
            Scope::Attribution,
            text,
            &[("Jo Lind", PER, "Jo Lind"), ("Eriksen", PER, "Eriksen")],
        );
        assert_eq!(
            found,
            [
                q(
                    "Eriksen believes the budget is too small",
                    QuoteKind::Indirect,
                    "Jo Lind",
                    "Jo Lind"
                ),
                q(
                    "the budget is too small",
                    QuoteKind::Indirect,
                    "Eriksen",
                    "Eriksen"
                ),
            ]
        );
    }

    #[test]
    fn coordinated_attribution_ends_the_earlier_content() {
        let text = "Ivo Brandt agreed that the ferry was late, but he said the crew had done \
                    its best.";
        let found = quotes_in(
            Scope::Attribution,
            text,
            &[("Ivo Brandt", PER, "Ivo Brandt")],
        );
        assert_eq!(
            quote_starting(&found, "that the ferry"),
            Some(("that the ferry was late", "Ivo Brandt", "Ivo Brandt")),
            "{found:?}"
        );
        assert_eq!(
            quote_starting(&found, "the crew"),
            Some(("the crew had done its best", "he", "Ivo Brandt")),
            "{found:?}"
        );
    }

    #[test]
    fn according_to_a_document_by_an_organisation_credits_the_organisation() {
        let text = "The vote was close, according to a count by the Harbour Gazette.";
        let found = quotes(text, &[("the Harbour Gazette", ORG, "Harbour Gazette")]);
        assert_eq!(
            found,
            [q(
                "The vote was close",
                QuoteKind::Indirect,
                "the Harbour Gazette",
                "Harbour Gazette"
            )]
        );
    }

    #[test]
    fn wire_dateline_is_not_the_subject() {
        let text = "BRIGHTPORT (Wire) - Mayor Ann Lee toured the flooded streets and said \
                    the town would need help from the state.";
        let found = quotes(
            text,
            &[
                ("BRIGHTPORT", ORG, "Brightport"),
                ("Ann Lee", PER, "Ann Lee"),
            ],
        );
        assert_eq!(
            quote_starting(&found, "the town").map(|f| f.2),
            Some("Ann Lee"),
            "{found:?}"
        );
    }

    #[test]
    fn where_something_was_said_is_not_who_said_it() {
        let text = "Tomas Vik in a long blog post said the league should expand.";
        let found = quotes(text, &[("Tomas Vik", PER, "Tomas Vik")]);
        assert_eq!(
            quote_starting(&found, "the league").map(|f| f.2),
            Some("Tomas Vik"),
            "{found:?}"
        );
    }

    #[test]
    fn speaker_who_goes_on_to_say_is_the_subject() {
        let text = "Ella Moss praised the plan. She went on to say the costs were too high.";
        let found = quotes(text, &[("Ella Moss", PER, "Ella Moss")]);
        assert_eq!(
            quote_starting(&found, "the costs").map(|f| (f.1, f.2)),
            Some(("She", "Ella Moss")),
            "{found:?}"
        );
    }

    #[test]
    fn a_cue_chain_gives_one_record_per_content_span() {
        let text = "Mara Voss said the harbour would reopen in May, adding that the fees \
                    would stay the same.";
        let found = quotes(text, &[("Mara Voss", PER, "Mara Voss")]);
        assert_eq!(
            found,
            [
                q(
                    "the harbour would reopen in May",
                    QuoteKind::Indirect,
                    "Mara Voss",
                    "Mara Voss"
                ),
                q(
                    "that the fees would stay the same",
                    QuoteKind::Indirect,
                    "Mara Voss",
                    "Mara Voss"
                ),
            ]
        );
    }

    #[test]
    fn coordinated_names_are_joint_speakers() {
        let text = "The US and UK have claimed that the vote was hacked.";
        let found = quotes(
            text,
            &[
                ("US", EntityLabel::Location, "United States"),
                ("UK", EntityLabel::Location, "United Kingdom"),
            ],
        );
        assert_eq!(
            quote_starting(&found, "that the vote").map(|f| (f.1, f.2)),
            Some(("US and UK", "US and UK")),
            "{found:?}"
        );
    }

    #[test]
    fn a_description_keeps_its_phrase_and_names_the_organisation_it_echoes() {
        let text = "A spokesperson for the agency said the dam was safe. The US State \
                    Department said the envoy would travel. The department said talks would \
                    resume.";
        let found = quotes(
            text,
            &[(
                "US State Department",
                EntityLabel::Organization,
                "US State Department",
            )],
        );
        assert_eq!(
            quote_starting(&found, "the dam").map(|f| (f.1, f.2)),
            Some((
                "A spokesperson for the agency",
                "A spokesperson for the agency"
            )),
            "{found:?}"
        );
        assert_eq!(
            quote_starting(&found, "talks would").map(|f| (f.1, f.2)),
            Some(("The department", "US State Department")),
            "{found:?}"
        );
    }

    #[test]
    fn a_party_tag_between_the_name_and_the_cue_is_skipped() {
        let text = "Rep. Ana Ruiz (D-Ore.) said the budget was a sham.";
        let found = quotes(text, &[("Ana Ruiz", PER, "Ana Ruiz")]);
        assert_eq!(
            quote_starting(&found, "the budget").map(|f| f.2),
            Some("Ana Ruiz"),
            "{found:?}"
        );
    }

    #[test]
    fn a_name_between_commas_after_its_description_is_the_subject() {
        let text = "The union's chief negotiator, Ida Berg, said the strike would go on.";
        let found = quotes(text, &[("Ida Berg", PER, "Ida Berg")]);
        assert_eq!(
            quote_starting(&found, "the strike").map(|f| f.1),
            Some("Ida Berg"),
            "{found:?}"
        );
    }

    #[test]
    fn a_second_verb_after_and_keeps_a_described_subject() {
        let text = "Some residents grumbled about the noise and said that the depot should move.";
        let found = quotes(text, &[]);
        assert_eq!(
            quote_starting(&found, "that the depot").map(|f| f.1),
            Some("Some residents"),
            "{found:?}"
        );
    }

    #[test]
    fn to_is_never_a_speaker() {
        let text = "Officials were quick to say the dam was safe. Jo Roe has yet to say \
                    whether she will run again. The levy would have more to say about the \
                    harbour fees. Ann Lee declined to say whether the plant would close.";
        let entities = [("Jo Roe", PER, "Jo Roe"), ("Ann Lee", PER, "Ann Lee")];
        for scope in [Scope::Speech, Scope::Attribution] {
            for f in quotes_in(scope, text, &entities) {
                assert!(
                    !f.2.eq_ignore_ascii_case("to") && !f.2.ends_with(" to"),
                    "{f:?}"
                );
            }
        }
        let found = quotes_in(Scope::Attribution, text, &entities);
        assert_eq!(
            quote_starting(&found, "the dam").map(|f| f.1),
            Some("Officials"),
            "{found:?}"
        );
        assert_eq!(
            quote_starting(&found, "whether she").map(|f| f.2),
            Some("Jo Roe"),
            "{found:?}"
        );
        assert_eq!(
            quote_starting(&found, "about the harbour").map(|f| f.1),
            Some("The levy"),
            "{found:?}"
        );
        // The governing cue's quote holds the infinitive's content: no second copy.
        let plant = found
            .iter()
            .filter(|f| f.0.ends_with("the plant would close"));
        assert_eq!(plant.count(), 1, "{found:?}");
    }

    #[test]
    fn a_participle_infinitive_cue_keeps_the_sentence_speaker() {
        let text = "“The roads are shut,” Ben Ode said, going on to say the schools would \
                    stay closed.";
        let found = quotes(text, &[("Ben Ode", PER, "Ben Ode")]);
        assert_eq!(
            quote_starting(&found, "the schools").map(|f| f.2),
            Some("Ben Ode"),
            "{found:?}"
        );
    }

    #[test]
    fn learned_stance_cue_needs_its_content_right_after_it() {
        let found = quotes_in(
            Scope::Attribution,
            "Vera Holm lambasted the new parking rules.",
            &[("Vera Holm", PER, "Vera Holm")],
        );
        assert_eq!(
            found,
            [q(
                "the new parking rules",
                QuoteKind::Indirect,
                "Vera Holm",
                "Vera Holm"
            )]
        );
        let found = quotes_in(
            Scope::Attribution,
            "Vera Holm learned of the plan from a neighbour.",
            &[("Vera Holm", PER, "Vera Holm")],
        );
        assert_eq!(found, []);
    }

    #[test]
    fn quantities_and_loose_groups_can_say_things() {
        let text = "One in five voters in the valley say the new bridge came too late.";
        let found = quotes(text, &[]);
        assert_eq!(
            found,
            [q(
                "the new bridge came too late",
                QuoteKind::Indirect,
                "One in five voters in the valley",
                "One in five voters in the valley"
            )]
        );
    }
}
