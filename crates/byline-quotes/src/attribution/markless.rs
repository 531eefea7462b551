//! Quotations whose marks were lost: a paragraph opened by a name and a colon (`Jo Roe:
//! …`), and `<clause>, <speaker> <speech verb> [short tail].` at the end of a sentence.
//! They are `direct` when the article has no quotation marks at all and `indirect`
//! otherwise, where this is reported speech. With the marks lost, the sentences after a
//! mark-less quote go on with it to the end of its paragraph, never past it.

use std::ops::Range;

use byline_core::{EntityLabel, QuoteKind, TokenKind};

use super::{
    Attribution, Candidate, Extraction, Found, is_speech, noun_like, speaker_like, strong_subject,
    titled,
};
use crate::marks::is_quotation_mark;
use crate::speakers::{Mention, MentionKind, mention_after, subject_before};
use crate::words::{
    AUXILIARIES, BE_FORMS, CONTINUING_PARTICIPLES, INVERTING_CUES, NP_BARRIERS, PLAIN_SAYING,
    TAIL_OPENERS,
};

/// Longest tail allowed after a mark-less attribution ("…, Rahmani told the Aspen Security
/// Forum on Tuesday.").
const MAX_TAIL_TOKENS: usize = 9;

impl Extraction<'_, '_> {
    /// `Jo Roe: We will rebuild the bridge.`: a paragraph opened by a name and a colon
    /// (a transcript line or a headline) gives the rest of the paragraph to that name.
    pub(super) fn labelled_lines(&mut self) {
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

    pub(super) fn markless_quotes(&mut self) {
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
                let head = self.candidates.len() - 1;
                if kind == QuoteKind::Direct {
                    self.markless_continuation(s, head, found.cue.clone());
                }
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

    /// `We believe there is no military solution, Khalilzad said. Ultimately, there must
    /// be a settlement.`: with the marks lost, the sentences after a mark-less quote in
    /// its paragraph go on with it (one quotation, one speaker, as the closing mark would
    /// have shown), up to a sentence with a verb of saying of its own. Another cue in
    /// them ("We promised growth") is still the speaker's words, not a new quote.
    fn markless_continuation(&mut self, s: usize, head: usize, cue: Range<usize>) {
        let view = self.view;
        let sentences = &view.analysis.sentences;
        let paragraph = sentences[s].paragraph;
        for next in sentences[s + 1..]
            .iter()
            .take_while(|sentence| sentence.paragraph == paragraph)
        {
            let range = next.tokens.clone();
            // A verb of saying proper ("Ortega said …") attributes a sentence of its own;
            // other speech and stance verbs ("We promised growth …") are still the
            // speaker's words.
            let own_attribution = range.clone().any(|t| {
                view.is_any(t, INVERTING_CUES)
                    || view.is_in(t, PLAIN_SAYING)
                    || (view.is(t, "according") && view.is(t + 1, "to"))
            });
            if own_attribution || self.any_used(range.clone()) {
                break;
            }
            let content = self.trim_content(range.clone(), true);
            if !self.has_words(content.clone(), 2) {
                break;
            }
            self.claim(range);
            self.candidates.push(Candidate {
                content,
                kind: QuoteKind::Direct,
                cue: Some(cue.clone()),
                attribution: Attribution::SameAs(head),
            });
        }
    }

    /// `<speaker> <speech verb> [tail].` or `<speech verb> <speaker> [tail].` from `j` to the
    /// end of the sentence at `end`.
    pub(super) fn trailing_attribution(&self, j: usize, end: usize) -> Option<Found> {
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
            if noun_like(view, k) && !strong_subject(view, &mention) {
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
                // "…, the minister said, the talks will resume" goes on with the quote, and
                // so does the verb of a split clause ("Acts of protest, he said, are acts
                // of patriotism"); "…, she said, as violence raged" or ", adding that …"
                // does not.
                let verb = view.is_any(t + 1, BE_FORMS) || view.is_in(t + 1, AUXILIARIES);
                let resumes = !view.is_any(t + 1, CONTINUING_PARTICIPLES)
                    && (verb || !view.is_any(t + 1, NP_BARRIERS));
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
}

#[cfg(test)]
mod tests {
    use byline_core::QuoteKind;

    use crate::attribution::test_support::*;

    #[test]
    fn markless_quote_in_an_article_without_marks_is_direct() {
        // The next paragraph is narrative again: the quote does not run into it.
        let text = "Envoy Pia Lund arrived in the capital.\n\n\
                    We believe there is room for a deal, Lund said.\n\nTalks resume Friday.";
        let found = quotes(
            text,
            &[("Pia Lund", PER, "Pia Lund"), ("Lund", PER, "Pia Lund")],
        );
        assert_eq!(
            found,
            [q(
                "We believe there is room for a deal",
                QuoteKind::Direct,
                "Lund",
                "Pia Lund"
            )]
        );
    }

    #[test]
    fn a_markless_quote_goes_on_to_the_end_of_its_paragraph() {
        let text = "Envoy Pia Lund arrived in the capital.\n\n\
                    We believe there is room for a deal, Lund said. We promised growth to \
                    the valley and we will deliver it.\n\n\
                    The talks stalled, Omar Haddad said. Ines Ortega said the army was ready.";
        let found = quotes(
            text,
            &[
                ("Pia Lund", PER, "Pia Lund"),
                ("Lund", PER, "Pia Lund"),
                ("Omar Haddad", PER, "Omar Haddad"),
                ("Ines Ortega", PER, "Ines Ortega"),
            ],
        );
        assert_eq!(
            found,
            [
                q(
                    "We believe there is room for a deal",
                    QuoteKind::Direct,
                    "Lund",
                    "Pia Lund"
                ),
                // A stance verb inside it does not start a quote of its own.
                q(
                    "We promised growth to the valley and we will deliver it",
                    QuoteKind::Direct,
                    "Lund",
                    "Pia Lund"
                ),
                q(
                    "The talks stalled",
                    QuoteKind::Direct,
                    "Omar Haddad",
                    "Omar Haddad"
                ),
                // An attribution of its own ends the run.
                q(
                    "the army was ready",
                    QuoteKind::Indirect,
                    "Ines Ortega",
                    "Ines Ortega"
                ),
            ]
        );
    }

    #[test]
    fn an_attribution_inside_the_clause_splits_it_in_two_pieces() {
        let text = "Omar Haddad spoke on Monday.\n\nThe new bridge, Haddad said, is the best \
                    thing to happen to the valley in years.";
        let found = quotes(
            text,
            &[
                ("Omar Haddad", PER, "Omar Haddad"),
                ("Haddad", PER, "Omar Haddad"),
            ],
        );
        assert_eq!(
            found,
            [
                q("The new bridge", QuoteKind::Direct, "Haddad", "Omar Haddad"),
                q(
                    "is the best thing to happen to the valley in years",
                    QuoteKind::Direct,
                    "Haddad",
                    "Omar Haddad"
                ),
            ]
        );
    }

    #[test]
    fn markless_quote_with_addressee_and_participle_tail() {
        let text = "Omar Haddad spoke on Monday.\n\nThe decision was rushed and it shows, \
                    he told parliament this week, adding that he had warned the cabinet.";
        let found = quotes(text, &[("Omar Haddad", PER, "Omar Haddad")]);
        assert_eq!(
            found[0],
            q(
                "The decision was rushed and it shows",
                QuoteKind::Direct,
                "he",
                "Omar Haddad"
            )
        );
        assert_eq!(
            found[1],
            q(
                "that he had warned the cabinet",
                QuoteKind::Indirect,
                "he",
                "Omar Haddad"
            )
        );
    }

    #[test]
    fn paragraph_opened_by_a_name_and_a_colon_is_that_speaker_s_line() {
        let text = "The panel met on Friday.\n\nNora Quist: The tunnel is safe and it will \
                    stay open all winter.\n\nThe meeting ended at noon.";
        let found = quotes(text, &[("Nora Quist", PER, "Nora Quist")]);
        assert_eq!(
            found,
            [q(
                "The tunnel is safe and it will stay open all winter",
                QuoteKind::Direct,
                "Nora Quist",
                "Nora Quist"
            )]
        );
    }

    #[test]
    fn transcript_speaker_in_capitals_gets_the_line() {
        let text = "The interview went on.\n\nHOLM: Do you think the harbour can reopen by \
                    May?\n\nThe answer came quickly.";
        let found = quotes(text, &[]);
        assert_eq!(
            found,
            [q(
                "Do you think the harbour can reopen by May",
                QuoteKind::Direct,
                "HOLM",
                "HOLM"
            )]
        );
    }
}
