//! Speaker mentions (who the text says spoke) and their resolution to a canonical name.
//!
//! A mention is found next to its cue: the subject before it ("Khalilzad said", "a
//! spokesperson for Acme Corp told"), or the noun phrase after it ("said the minister",
//! "according to Jones"). It is a named entity, a pronoun or a description. Resolution
//! maps an entity to its canonical `name`, a pronoun to its antecedent, and a role
//! description to the entity an apposition tied it to ("Jane Doe, the minister, …" makes a
//! later "the minister" Jane Doe).

use std::cell::OnceCell;
use std::ops::Range;

use byline_core::{EntityLabel, Speaker};

use crate::marks::is_quotation_mark;
use crate::view::ArticleView;
use crate::words::{
    BE_FORMS, BETWEEN_SUBJECT_AND_CUE, DETERMINERS, LEADING_VERBS, NP_BARRIERS, PEOPLE_NOUNS,
    POST_HEAD, PRONOUNS, ROLE_NOUNS, TIME_WORDS,
};

/// Longest noun phrase (in tokens) taken as a speaker description.
const MAX_NP_TOKENS: usize = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    Entity(usize),
    Pronoun,
    Description,
}

/// A speaker as the text names it: a token range and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    pub tokens: Range<usize>,
    pub kind: MentionKind,
    /// The relative pronoun that stands for this mention in the clause with the cue
    /// ("Jones, *who* said …"): it is the speaker's mention in the text, while `tokens`
    /// (the antecedent) gives the name.
    pub relative: Option<usize>,
}

/// "vehemently", "flatly": a lower-case word in -ly between a subject and its verb.
fn is_adverb(view: &ArticleView<'_>, i: usize) -> bool {
    let w = view.word(i);
    w.len() > 4 && w.ends_with("ly") && !view.is_capitalised(i) && !w.ends_with("ply")
}

fn is_subject_pronoun(view: &ArticleView<'_>, i: usize) -> bool {
    view.is_any(i, PRONOUNS)
}

/// The subject of the cue at token `cue_at`, read right to left but not before `floor`.
pub(crate) fn subject_before(
    view: &ArticleView<'_>,
    cue_at: usize,
    floor: usize,
) -> Option<Mention> {
    let mut j = cue_at.checked_sub(1)?;
    while j > floor && (view.is_any(j, BETWEEN_SUBJECT_AND_CUE) || is_adverb(view, j)) {
        j -= 1;
    }
    // "She went on to say", "he began by saying": the subject is that of the verb
    // that leads into the cue.
    if j > floor + 1 && view.is_in(j, &["to", "by"]) {
        let lead = if view.is(j - 1, "on") && view.is_in(j - 2, &["went", "goes", "go"]) {
            Some(j - 2)
        } else {
            view.is_in(j - 1, LEADING_VERBS).then_some(j - 1)
        };
        if let Some(lead) = lead.filter(|&l| l > floor) {
            j = lead - 1;
            while j > floor && (view.is_any(j, BETWEEN_SUBJECT_AND_CUE) || is_adverb(view, j)) {
                j -= 1;
            }
        }
    }
    // "Rep. Trey Gowdy (R-S.C.) said": a parenthesis between the subject and its verb.
    if view.word(j) == ")"
        && let Some(open) = (j.saturating_sub(8).max(floor)..j)
            .rev()
            .find(|&t| view.word(t) == "(")
        && open > floor
    {
        j = open - 1;
    }
    // "Jones on Tuesday said", "who in the past has described": a time phrase between
    // the subject and its verb is not the subject.
    if view.is_any(j, TIME_WORDS) {
        let lowest = j.saturating_sub(5).max(floor);
        let mut k = j;
        while k > lowest
            && (view.is_any(k, TIME_WORDS)
                || view.kind(k) == byline_core::TokenKind::Number
                || view.is_in(
                    k,
                    &["on", "in", "last", "this", "earlier", "the", "at", "of"],
                ))
        {
            k -= 1;
        }
        if k < j {
            j = k;
            while j > floor && (view.is_any(j, BETWEEN_SUBJECT_AND_CUE) || is_adverb(view, j)) {
                j -= 1;
            }
        }
    }
    if j < floor || view.is_any(j, BE_FORMS) {
        return None;
    }
    // "Jones, who said …", "voters who say …", "a report that found …": the relative
    // pronoun is the mention, its antecedent the name.
    let comma = j > floor + 1 && view.word(j - 1) == ",";
    let relative = view.is_in(j, &["who", "which"]) || (view.is(j, "that") && !comma);
    if relative && j > floor {
        let antecedent_end = if comma { j - 2 } else { j - 1 };
        let named = view.entity(antecedent_end).filter(|&e| {
            view.entity_tokens(e).end == antecedent_end + 1
                && matches!(
                    view.entities[e].label,
                    EntityLabel::Person | EntityLabel::Organization
                )
        });
        let antecedent = if let Some(e) = named {
            Some(Mention {
                tokens: view.entity_tokens(e).start.max(floor)..antecedent_end + 1,
                kind: MentionKind::Entity(e),
                relative: None,
            })
        } else if comma && view.word(antecedent_end) != "," {
            apposed_subject(view, antecedent_end + 1, floor)
                .or_else(|| noun_phrase_ending_at(view, antecedent_end, floor))
        } else {
            noun_phrase_ending_at(view, antecedent_end, floor)
        };
        return antecedent
            .filter(|m| m.kind != MentionKind::Pronoun)
            .map(|m| Mention {
                relative: Some(j),
                ..m
            });
    }
    if view.word(j) == "," {
        return apposed_subject(view, j, floor);
    }
    let mention = noun_phrase_ending_at(view, j, floor)?;
    // "Jeb Bush in a blog post said": the phrase before the cue is where it was said;
    // the name before it said it.
    let start = mention.tokens.start;
    if mention.kind == MentionKind::Description
        && mention.tokens.clone().all(|t| view.entity(t).is_none())
        && start > floor + 1
        && view.is_in(start - 1, &["in", "on", "during", "via"])
        && let Some(speaker) = noun_phrase_ending_at(view, start - 2, floor)
    {
        return Some(speaker);
    }
    Some(joint_subject(view, mention, floor))
}

/// "The US and UK have accused …": two names joined by "and" speak together, so the
/// mention covers both (a description, whose name is its text).
fn joint_subject(view: &ArticleView<'_>, mention: Mention, floor: usize) -> Mention {
    let start = mention.tokens.start;
    let named = |e: usize| {
        matches!(
            view.entities[e].label,
            EntityLabel::Person | EntityLabel::Organization | EntityLabel::Location
        )
    };
    if !matches!(mention.kind, MentionKind::Entity(e) if named(e))
        || start < floor + 2
        || !view.is(start - 1, "and")
    {
        return mention;
    }
    match view.entity(start - 2).filter(|&e| named(e)) {
        Some(e) if view.entity_tokens(e).start >= floor => Mention {
            tokens: view.entity_tokens(e).start..mention.tokens.end,
            kind: MentionKind::Description,
            relative: mention.relative,
        },
        _ => mention,
    }
}

/// "Jane Doe, the minister, said" / "Jones, 45, said": the subject before an apposition
/// or relative clause closed by the comma at `comma`.
fn apposed_subject(view: &ArticleView<'_>, comma: usize, floor: usize) -> Option<Mention> {
    let lowest = comma.saturating_sub(30).max(floor);
    let mut k = comma.checked_sub(1)?;
    while k > lowest && view.word(k) != "," {
        k -= 1;
    }
    if k <= floor || view.word(k) != "," || k + 1 >= comma {
        return None;
    }
    // "The state's campaign chairman, Phil Lovas, said": the name between the commas
    // is the subject, the description before it its apposition.
    if let Some(e) = view.entity(comma - 1).filter(|&e| {
        matches!(
            view.entities[e].label,
            EntityLabel::Person | EntityLabel::Organization
        ) && view.entity_tokens(e) == (k + 1..comma)
    }) {
        return Some(Mention {
            tokens: k + 1..comma,
            kind: MentionKind::Entity(e),
            relative: None,
        });
    }
    let opener = k + 1;
    let apposition_like = view.is_any(opener, DETERMINERS)
        || view.is_in(
            opener,
            &["who", "which", "whose", "whom", "now", "then", "formerly"],
        )
        || view.kind(opener) == byline_core::TokenKind::Number
        || view.is_any(opener, ROLE_NOUNS);
    if !apposition_like {
        return None;
    }
    let mut last = k - 1;
    // "Sen. Jo Roe (D-Mo.), who …": the party tag belongs to the name.
    if view.word(last) == ")" {
        let lowest = last.saturating_sub(8).max(floor);
        last = (lowest..last)
            .rev()
            .find(|&t| view.word(t) == "(")?
            .checked_sub(1)?;
    }
    let subject = noun_phrase_ending_at(view, last, floor)?;
    match subject.kind {
        MentionKind::Pronoun => None,
        _ => Some(subject),
    }
}

/// The subject that opens the sentence starting at `floor`, when it is a name or a
/// pronoun ("Trump welcomed the result *and said* …").
pub(crate) fn sentence_subject(
    view: &ArticleView<'_>,
    floor: usize,
    before: usize,
) -> Option<Mention> {
    let start = after_dateline(view, floor, before);
    // "Mayor Ann Lee toured the streets and said …": a name at the opening, perhaps
    // behind a title, is the subject even when the noun-phrase rules read on past it.
    let opening_name = (start..(start + 4).min(before))
        .take_while(|&t| view.is_capitalised(t) || view.word(t) == ".")
        .find_map(|t| {
            view.entity(t).filter(|&e| {
                matches!(
                    view.entities[e].label,
                    EntityLabel::Person | EntityLabel::Organization
                ) && view.entity_tokens(e).end <= before
            })
        });
    if let Some(e) = opening_name {
        return Some(Mention {
            tokens: view.entity_tokens(e),
            kind: MentionKind::Entity(e),
            relative: None,
        });
    }
    let mention = mention_after(view, start, before)?;
    matches!(mention.kind, MentionKind::Entity(_) | MentionKind::Pronoun).then_some(mention)
}

/// `ORLANDO, Fla. (Reuters) - President …`: the first token after a wire dateline that
/// opens the sentence at `floor` (or `floor` itself), since the place is no subject.
fn after_dateline(view: &ArticleView<'_>, floor: usize, before: usize) -> usize {
    let shouting = |t: usize| {
        let w = view.word(t);
        w.len() > 1 && w.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
    };
    if floor >= before || !shouting(floor) {
        return floor;
    }
    (floor + 1..(floor + 12).min(before))
        .find(|&t| matches!(view.word(t), "—" | "–" | "-" | "--"))
        .map_or(floor, |dash| dash + 1)
}

/// The noun phrase whose last token is `j`, read right to left.
pub(crate) fn noun_phrase_ending_at(
    view: &ArticleView<'_>,
    j: usize,
    floor: usize,
) -> Option<Mention> {
    if j < floor || j >= view.len() {
        return None;
    }
    if let Some(e) = view.entity(j) {
        let range = view.entity_tokens(e);
        // "a spokesperson for Acme Corp": the entity is not the head of the phrase.
        let owned = range.start >= floor + 2
            && view.is_in(range.start - 1, &["for", "of", "at", "from", "with", "to"])
            && view.is_word(range.start - 2)
            && !view.is_any(range.start - 2, NP_BARRIERS)
            && view.entity(range.start - 2).is_none();
        if owned {
            return noun_phrase_ending_at(view, range.start - 2, floor).map(|head| Mention {
                tokens: head.tokens.start..j + 1,
                kind: MentionKind::Description,
                relative: None,
            });
        }
        if range.end == j + 1 {
            let start = range.start.max(floor);
            return Some(Mention {
                tokens: start..j + 1,
                kind: MentionKind::Entity(e),
                relative: None,
            });
        }
    }
    if is_subject_pronoun(view, j) {
        return Some(Mention {
            tokens: j..j + 1,
            kind: MentionKind::Pronoun,
            relative: None,
        });
    }
    if !view.is_word(j)
        || view.kind(j) == byline_core::TokenKind::Number
        || view.is_any(j, NP_BARRIERS)
        || view.is_any(j, DETERMINERS)
        || view.cue(j).is_some()
    {
        return None;
    }
    let mut start = j;
    while start > floor && j + 1 - start < MAX_NP_TOKENS {
        let k = start - 1;
        if view.entity(k).is_some() {
            start = k;
            continue;
        }
        let word_like = view.is_word(k) || view.kind(k) == byline_core::TokenKind::Clitic;
        if !word_like || view.is_any(k, NP_BARRIERS) || is_subject_pronoun(view, k) {
            break;
        }
        start = k;
        if view.is_any(k, DETERMINERS) {
            break;
        }
    }
    // "a spokesperson for the agency": the phrase is headed by the person before the
    // preposition, not by what they speak for.
    if start >= floor + 2
        && view.is_in(start - 1, &["for", "of", "at", "from", "with"])
        && let Some(head) = noun_phrase_ending_at(view, start - 2, floor)
        && head.kind == MentionKind::Description
        && (view.is_any(start - 2, ROLE_NOUNS) || view.is_any(start - 2, PEOPLE_NOUNS))
    {
        return Some(Mention {
            tokens: head.tokens.start..j + 1,
            kind: MentionKind::Description,
            relative: None,
        });
    }
    Some(Mention {
        tokens: start..j + 1,
        kind: MentionKind::Description,
        relative: None,
    })
}

/// The noun phrase starting at token `i` ("said *the minister*", "according to *Jones*"),
/// not past `limit`.
pub(crate) fn mention_after(view: &ArticleView<'_>, i: usize, limit: usize) -> Option<Mention> {
    if i >= limit {
        return None;
    }
    if is_subject_pronoun(view, i) {
        return Some(Mention {
            tokens: i..i + 1,
            kind: MentionKind::Pronoun,
            relative: None,
        });
    }
    if !view.is_word(i) || view.is_any(i, NP_BARRIERS) && !view.is(i, "that") {
        return None;
    }
    let mut end = i;
    let mut last_entity = None;
    while end < limit && end - i < MAX_NP_TOKENS {
        if let Some(e) = view.entity(end) {
            let range = view.entity_tokens(e);
            last_entity = Some(e);
            end = range.end.min(limit).max(end + 1);
            continue;
        }
        let word_like = view.is_word(end) || view.kind(end) == byline_core::TokenKind::Clitic;
        let stops = !word_like
            || (end > i && (view.is_any(end, NP_BARRIERS) || view.is_any(end, DETERMINERS)))
            || (end > i && view.cue(end).is_some_and(|c| !c.noun_like));
        if stops {
            break;
        }
        last_entity = None;
        end += 1;
    }
    if end == i {
        return None;
    }
    // "said Foreign Minister Jane Doe": the name is the mention, the title dresses it.
    if let Some(e) = last_entity
        && matches!(
            view.entities[e].label,
            EntityLabel::Person | EntityLabel::Organization
        )
    {
        let range = view.entity_tokens(e);
        return Some(Mention {
            tokens: range.start.max(i)..end,
            kind: MentionKind::Entity(e),
            relative: None,
        });
    }
    if end == i + 1 && view.is_any(i, DETERMINERS) {
        return None;
    }
    Some(Mention {
        tokens: i..end,
        kind: if let Some(e) = last_entity.filter(|_| view.entity(i).is_some()) {
            MentionKind::Entity(e)
        } else {
            MentionKind::Description
        },
        relative: None,
    })
}

/// How many earlier entities "the department" looks back through for its organisation.
const ORGANISATION_LOOKBACK: usize = 50;

/// "the department" after "US State Department": a bare "the" and a common noun that
/// ends the name of an organisation named earlier stands for it (the latest such).
fn named_organisation(view: &ArticleView<'_>, mention: &Mention, head: usize) -> Option<usize> {
    let tokens = mention.tokens.clone();
    if tokens.len() != 2
        || !view.is(tokens.start, "the")
        || head + 1 != tokens.end
        || view.is_capitalised(head)
    {
        return None;
    }
    let before = view.tokens[tokens.start].start;
    let earlier = view.entities.partition_point(|e| e.end <= before);
    let word = view.word(head);
    (0..earlier).rev().take(ORGANISATION_LOOKBACK).find(|&e| {
        let entity = &view.entities[e];
        entity.label == EntityLabel::Organization
            && entity
                .name
                .rsplit(' ')
                .next()
                .is_some_and(|last| last.eq_ignore_ascii_case(word))
    })
}

/// The head word of a description: "the former ambassador to the US" → "ambassador".
fn description_head(view: &ArticleView<'_>, tokens: Range<usize>) -> usize {
    let mut head = tokens.end - 1;
    for i in tokens.clone() {
        if i > tokens.start && view.is_any(i, POST_HEAD) {
            head = i - 1;
            break;
        }
    }
    head
}

/// One resolved speaker, remembered for pronouns and continuing quotes.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub speaker: Speaker,
    pub label: Option<EntityLabel>,
    pub paragraph: usize,
}

/// No token, in the per-token indexes of the resolver.
const NONE: u32 = u32::MAX;

/// Where the names of an article are, so that looking back for the nearest person or
/// for a sentence's first name costs the same in a giant paragraph as in a short one.
struct NameIndexes {
    /// For each token, the latest token at or before it that belongs to a person's name
    /// (`NONE` if there is none).
    last_person_token: Vec<u32>,
    /// For each sentence, the first token of its first person and of its first
    /// organisation (`NONE` if there is none), for pronoun antecedents.
    first_in_sentence: Vec<[u32; 2]>,
}

impl NameIndexes {
    fn new(view: &ArticleView<'_>) -> NameIndexes {
        let mut last_person_token = Vec::with_capacity(view.len());
        let mut first_in_sentence = vec![[NONE; 2]; view.analysis.sentences.len()];
        let mut last = NONE;
        for t in 0..view.len() {
            let label = view.entity(t).map(|e| view.entities[e].label);
            let index = u32::try_from(t).unwrap_or(NONE);
            if label == Some(EntityLabel::Person) {
                last = index;
            }
            last_person_token.push(last);
            let column = match label {
                Some(EntityLabel::Person) => 0,
                Some(EntityLabel::Organization) => 1,
                _ => continue,
            };
            let first = &mut first_in_sentence[view.sentence(t)][column];
            if *first == NONE {
                *first = index;
            }
        }
        NameIndexes {
            last_person_token,
            first_in_sentence,
        }
    }
}

/// How far after a quote with no attribution of its own its speaker may be named.
const NEARBY_AFTER_TOKENS: usize = 40;

/// Resolves mentions to canonical names, in text order (pronouns look back).
pub(crate) struct Resolver {
    /// (role head word, entity) pairs from appositions and titles, in text order.
    roles: Vec<(usize, usize)>,
    /// Where the names are, built on first use (most articles never ask).
    indexes: OnceCell<NameIndexes>,
    last: Option<Resolved>,
    last_named: Option<Resolved>,
}

impl Resolver {
    pub fn new(view: &ArticleView<'_>) -> Resolver {
        let mut roles = Vec::new();
        for (e, entity) in view.entities.iter().enumerate() {
            if entity.label != EntityLabel::Person {
                continue;
            }
            let range = view.entity_tokens(e);
            if range.is_empty() {
                continue;
            }
            // "Foreign Minister Jane Doe"
            if range.start > 0 && view.is_any(range.start - 1, ROLE_NOUNS) {
                roles.push((range.start - 1, e));
            }
            // "Jane Doe, the minister, …"
            if view.word_at(range.end) == Some(",") {
                let mut k = range.end + 1;
                while k < view.len() && k < range.end + 12 && view.is_word(k) {
                    k += 1;
                }
                if k < view.len() && k > range.end + 1 && matches!(view.word(k), "," | ".") {
                    let head = description_head(view, range.end + 1..k);
                    roles.push((head, e));
                }
            }
            // "the minister, Jane Doe, …"
            if range.start >= 2 && view.word(range.start - 1) == "," {
                let head = range.start - 2;
                if view.is_any(head, ROLE_NOUNS) {
                    roles.push((head, e));
                }
            }
        }
        Resolver {
            roles,
            indexes: OnceCell::new(),
            last: None,
            last_named: None,
        }
    }

    fn indexes(&self, view: &ArticleView<'_>) -> &NameIndexes {
        self.indexes.get_or_init(|| NameIndexes::new(view))
    }

    fn speaker_from(view: &ArticleView<'_>, mention: &Mention, name: String) -> Speaker {
        let shown = mention
            .relative
            .map_or(mention.tokens.clone(), |r| r..r + 1);
        let (start, end) = view.span(shown);
        Speaker {
            start,
            end,
            text: view.text[start..end].to_string(),
            name,
        }
    }

    /// Resolves a mention found for a quote in paragraph `paragraph`.
    pub fn resolve(&mut self, view: &ArticleView<'_>, mention: &Mention) -> Speaker {
        let paragraph = view.paragraph(mention.tokens.start);
        let (name, label, named) = match mention.kind {
            MentionKind::Entity(e) => (
                view.entities[e].name.clone(),
                Some(view.entities[e].label),
                true,
            ),
            MentionKind::Pronoun => match self.antecedent(view, mention.tokens.start) {
                Some((name, label)) => (name, label, false),
                None => (view.word(mention.tokens.start).to_string(), None, false),
            },
            MentionKind::Description => {
                let head = description_head(view, mention.tokens.clone());
                let tied = self
                    .roles
                    .iter()
                    .rev()
                    .find(|(h, _)| {
                        *h <= head && view.word(*h).eq_ignore_ascii_case(view.word(head))
                    })
                    .map(|&(_, e)| e);
                let inner_person = mention.tokens.clone().find_map(|t| {
                    view.entity(t)
                        .filter(|&e| view.entities[e].label == EntityLabel::Person)
                });
                match tied {
                    Some(e) => (
                        view.entities[e].name.clone(),
                        Some(EntityLabel::Person),
                        true,
                    ),
                    None if let Some(e) = named_organisation(view, mention, head) => (
                        view.entities[e].name.clone(),
                        Some(EntityLabel::Organization),
                        true,
                    ),
                    None if inner_person.is_some() && !view.is_any(head, ROLE_NOUNS) => {
                        // "Trump's campaign": speaks for the person it belongs to.
                        let (s, e) = view.span(mention.tokens.clone());
                        (
                            view.text[s..e].to_string(),
                            Some(EntityLabel::Organization),
                            false,
                        )
                    }
                    None => {
                        let (s, e) = view.span(mention.tokens.clone());
                        (view.text[s..e].to_string(), None, false)
                    }
                }
            }
        };
        let speaker = Self::speaker_from(view, mention, name);
        let resolved = Resolved {
            speaker: speaker.clone(),
            label,
            paragraph,
        };
        if named {
            self.last_named = Some(resolved.clone());
        }
        self.last = Some(resolved);
        speaker
    }

    /// The speaker of a quote with no attribution of its own (`content`): the last speaker
    /// if they spoke in this paragraph, otherwise the nearest person named before it in the
    /// paragraph, then the first person or organisation named just after it in the
    /// paragraph (`…," the agency's spokesman, Jo Roe, told …`), and only then the last
    /// speaker of the previous paragraph or of the article. A speaker carried over from an
    /// earlier paragraph is wrong more often than not when the paragraph names someone.
    pub fn nearby(&mut self, view: &ArticleView<'_>, content: Range<usize>) -> Option<Speaker> {
        let at = content.start;
        let paragraph = view.paragraph(at);
        // "Trump returned the favour, telling Reuters, "…"": a name opening the quote's
        // own sentence is its speaker more often than the run's last speaker.
        let sentence = view.sentence_tokens(at);
        // Only the narrative since the previous quotation: names inside an earlier quote
        // of the same sentence were spoken, not speaking.
        let opening = at.saturating_sub(1);
        let narrative_start = (sentence.start..opening)
            .rev()
            .find(|&t| is_quotation_mark(view.word(t)))
            .map_or(sentence.start, |t| t + 1);
        if let Some(mention) = (narrative_start..at).find_map(|t| {
            if view.is_in(t, &["he", "she", "they"]) {
                return Some(Mention {
                    tokens: t..t + 1,
                    kind: MentionKind::Pronoun,
                    relative: None,
                });
            }
            view.entity(t)
                .filter(|&e| {
                    matches!(
                        view.entities[e].label,
                        EntityLabel::Person | EntityLabel::Organization
                    )
                })
                .map(|e| Mention {
                    tokens: view.entity_tokens(e),
                    kind: MentionKind::Entity(e),
                    relative: None,
                })
        }) {
            return Some(self.resolve(view, &mention));
        }
        // "…?" He tweeted: a pronoun right after the quotation, even with a cue no rule
        // knows.
        if let Some(t) = (content.end..(content.end + 3).min(view.len()))
            .take_while(|&t| view.paragraph(t) == paragraph)
            .find(|&t| view.is_in(t, &["he", "she", "they"]))
        {
            let mention = Mention {
                tokens: t..t + 1,
                kind: MentionKind::Pronoun,
                relative: None,
            };
            return Some(self.resolve(view, &mention));
        }
        if let Some(last) = &self.last
            && last.paragraph == paragraph
        {
            return Some(last.speaker.clone());
        }
        let first_of_paragraph = view.paragraph_start(at);
        let before = at
            .checked_sub(1)
            .and_then(|t| self.indexes(view).last_person_token.get(t))
            .map(|&t| t as usize)
            .filter(|&t| t != NONE as usize && t >= first_of_paragraph)
            .and_then(|t| view.entity(t));
        let after = || {
            (content.end..(content.end + NEARBY_AFTER_TOKENS).min(view.len()))
                .take_while(|&t| view.paragraph(t) == paragraph)
                .find_map(|t| {
                    view.entity(t).filter(|&e| {
                        matches!(
                            view.entities[e].label,
                            EntityLabel::Person | EntityLabel::Organization
                        )
                    })
                })
        };
        if let Some(e) = before.or_else(after) {
            let mention = Mention {
                tokens: view.entity_tokens(e),
                kind: MentionKind::Entity(e),
                relative: None,
            };
            return Some(self.resolve(view, &mention));
        }
        self.last.as_ref().map(|l| l.speaker.clone())
    }

    /// The antecedent of the pronoun at token `at`: within a run of quotes the last named
    /// speaker, otherwise the most recent compatible subject.
    fn antecedent(
        &self,
        view: &ArticleView<'_>,
        at: usize,
    ) -> Option<(String, Option<EntityLabel>)> {
        let wanted = if view.is_in(at, &["he", "she"]) {
            EntityLabel::Person
        } else if view.is_in(at, &["it", "they"]) {
            EntityLabel::Organization
        } else {
            return None;
        };
        let paragraph = view.paragraph(at);
        if let Some(last) = &self.last_named
            && last.paragraph + 1 >= paragraph
            && last.label == Some(wanted)
        {
            return Some((last.speaker.name.clone(), last.label));
        }
        // Most recent subject: the first matching entity of this sentence (before the
        // pronoun), then of each earlier sentence.
        let sentence = view.sentence(at);
        let column = usize::from(wanted == EntityLabel::Organization);
        for s in (sentence.saturating_sub(6)..=sentence).rev() {
            let first = self.indexes(view).first_in_sentence[s][column];
            if first == NONE || (s == sentence && first as usize >= at) {
                continue;
            }
            if let Some(e) = view.entity(first as usize) {
                return Some((view.entities[e].name.clone(), Some(wanted)));
            }
        }
        self.last_named
            .as_ref()
            .filter(|l| l.label == Some(wanted))
            .map(|l| (l.speaker.name.clone(), l.label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use byline_core::{Article, Entity};

    fn entity(text: &str, surface: &str, label: EntityLabel, name: &str) -> Entity {
        let start = text
            .find(surface)
            .unwrap_or_else(|| panic!("{surface} not in text"));
        Entity {
            start,
            end: start + surface.len(),
            text: surface.to_string(),
            label,
            name: name.to_string(),
        }
    }

    fn subject_text(
        text: &str,
        entities: &[Entity],
        cue_word: &str,
    ) -> Option<(String, MentionKind)> {
        let article = Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), entities);
        let at = (0..view.len()).find(|&i| view.word(i) == cue_word)?;
        let m = subject_before(&view, at, 0)?;
        let (s, e) = view.span(m.tokens.clone());
        Some((text[s..e].to_string(), m.kind))
    }

    #[test]
    fn subject_skips_adverbs_and_refuses_passives() {
        let text = "The minister also said so.";
        assert_eq!(
            subject_text(text, &[], "said").map(|s| s.0),
            Some("The minister".to_string())
        );
        assert_eq!(subject_text("He was told to go.", &[], "told"), None);
    }

    #[test]
    fn subject_through_apposition_is_the_name() {
        let text = "Jane Doe, the minister, said it.";
        let e = [entity(text, "Jane Doe", EntityLabel::Person, "Jane Doe")];
        assert_eq!(
            subject_text(text, &e, "said"),
            Some(("Jane Doe".to_string(), MentionKind::Entity(0)))
        );
    }

    #[test]
    fn description_with_organisation_is_kept_whole() {
        let text = "A spokesperson for Acme Corp said no.";
        let e = [entity(
            text,
            "Acme Corp",
            EntityLabel::Organization,
            "Acme Corp",
        )];
        assert_eq!(
            subject_text(text, &e, "said"),
            Some((
                "A spokesperson for Acme Corp".to_string(),
                MentionKind::Description
            ))
        );
    }

    #[test]
    fn role_description_links_through_an_earlier_apposition() {
        let text = "Jane Doe, the minister, arrived. Later the minister said no.";
        let e = [entity(text, "Jane Doe", EntityLabel::Person, "Jane Doe")];
        let article = Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), &e);
        let at = (0..view.len())
            .rev()
            .find(|&i| view.word(i) == "said")
            .unwrap_or(0);
        let mention = subject_before(&view, at, 0).unwrap_or_else(|| panic!("no subject"));
        let mut resolver = Resolver::new(&view);
        let speaker = resolver.resolve(&view, &mention);
        assert_eq!(speaker.text, "the minister");
        assert_eq!(speaker.name, "Jane Doe");
    }

    #[test]
    fn pronoun_resolves_to_the_most_recent_person_subject() {
        let text = "Ann Lee met Bob Roe. Tom Kay arrived. He said no.";
        let e = [
            entity(text, "Ann Lee", EntityLabel::Person, "Ann Lee"),
            entity(text, "Bob Roe", EntityLabel::Person, "Bob Roe"),
            entity(text, "Tom Kay", EntityLabel::Person, "Tom Kay"),
        ];
        let article = Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), &e);
        let at = (0..view.len())
            .find(|&i| view.word(i) == "said")
            .unwrap_or(0);
        let mention = subject_before(&view, at, 0).unwrap_or_else(|| panic!("no subject"));
        let speaker = Resolver::new(&view).resolve(&view, &mention);
        assert_eq!(speaker.text, "He");
        assert_eq!(speaker.name, "Tom Kay");
    }

    #[test]
    fn mention_after_cue_prefers_the_name_over_its_title() {
        let text = "said Foreign Minister Jane Doe on Monday";
        let e = [entity(text, "Jane Doe", EntityLabel::Person, "Jane Doe")];
        let article = Article::new("t", text);
        let view = ArticleView::new(text, article.analysis(), &e);
        let m = mention_after(&view, 1, view.len()).unwrap_or_else(|| panic!("no mention"));
        assert_eq!(m.kind, MentionKind::Entity(0));
        let (s, end) = view.span(m.tokens);
        assert_eq!(&text[s..end], "Jane Doe");
    }
}
