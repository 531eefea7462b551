//! Every word list the rules ask about, in one place.
//!
//! Closed classes that are asked about per token ([`WordList`]s: determiners, role nouns,
//! verbs of saying that may come before their speaker, …) carry a bit each, so that a
//! token's classes are looked up once per article and a question is a bit test. Short
//! lists asked about at one spot are plain slices. The cue lexicon itself (which verbs
//! report speech or thought) is in `cues`.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::LazyLock;

use crate::cues::{Fnv, ascii_lower};

/// A closed class of words the rules ask about ("determiners", "role nouns"), with its own
/// bit so that each token's classes are looked up once per article, not once per question.
pub(crate) struct WordList {
    pub bit: u16,
    pub words: &'static [&'static str],
}

const ALL_LISTS: [&WordList; 13] = [
    &INVERTING_CUES,
    &PEOPLE_NOUNS,
    &TAIL_OPENERS,
    &SENTENCE_CONNECTIVES,
    &CONTINUING_PARTICIPLES,
    &BETWEEN_SUBJECT_AND_CUE,
    &BE_FORMS,
    &PRONOUNS,
    &NP_BARRIERS,
    &DETERMINERS,
    &ROLE_NOUNS,
    &POST_HEAD,
    &TIME_WORDS,
];

static CLASSES: LazyLock<HashMap<&'static str, u16, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| {
        let mut map: HashMap<&'static str, u16, BuildHasherDefault<Fnv>> = HashMap::default();
        for list in ALL_LISTS {
            for word in list.words {
                *map.entry(*word).or_default() |= list.bit;
            }
        }
        map
    });

/// The word classes (bits of [`WordList`]s) of a token.
pub(crate) fn word_classes(word: &str) -> u16 {
    let mut buf = [0u8; 16];
    ascii_lower(word, &mut buf)
        .and_then(|lower| CLASSES.get(lower).copied())
        .unwrap_or(0)
}

/// Words that may sit between a subject and its cue ("he *also* said", "she *has* said").
pub(crate) const BETWEEN_SUBJECT_AND_CUE: WordList = WordList {
    bit: 1 << 5,
    words: &[
        "also",
        "has",
        "have",
        "had",
        "previously",
        "later",
        "repeatedly",
        "once",
        "recently",
        "reportedly",
        "publicly",
        "privately",
        "then",
        "now",
        "again",
        "already",
        "still",
        "first",
        "often",
        "frequently",
        "will",
        "would",
        "could",
        "may",
        "might",
        "should",
        "must",
        "did",
        "does",
        "do",
        "long",
        "further",
        "simply",
        "flatly",
        "openly",
        "separately",
        "initially",
        "earlier",
        "subsequently",
        "clearly",
        "even",
        "just",
        "only",
        "never",
        "always",
        "apparently",
        "not",
        "n't",
    ],
};

/// Forms of "be": "he was told" is passive, the subject did not speak.
pub(crate) const BE_FORMS: WordList = WordList {
    bit: 1 << 6,
    words: &["was", "were", "is", "are", "be", "been", "being", "am"],
};

/// Subject pronouns that can stand for a speaker.
pub(crate) const PRONOUNS: WordList = WordList {
    bit: 1 << 7,
    words: &["he", "she", "they", "it", "we", "i", "you"],
};

/// Words that end a subject noun phrase when read right to left (they belong to the
/// clause before it).
pub(crate) const NP_BARRIERS: WordList = WordList {
    bit: 1 << 8,
    words: &[
        "that", "which", "who", "whom", "whose", "and", "but", "or", "if", "because", "while",
        "as", "after", "before", "since", "although", "though", "than", "when", "where", "so",
        "what", "how", "why", "whether", "until", "unless", "said", "says", "told", "is", "are",
        "was", "were", "has", "have", "had", "will", "would", "to", "not", "also", "be", "been",
        "by", "yet", "nor", "do", "does", "did", "can", "could", "should", "may", "might", "must",
        "in", "on", "at", "with", "from", "into", "about", "like", "over", "under", "against",
        "through", "during", "without", "within", "upon", "across", "amid", "among",
    ],
};

/// Determiners and possessives that open a noun phrase (read right to left, they end it).
pub(crate) const DETERMINERS: WordList = WordList {
    bit: 1 << 9,
    words: &[
        "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these",
        "those", "some", "many", "most", "several", "both", "all", "other", "another", "each",
        "every", "one", "two", "three", "few", "no", "any",
    ],
};

/// Cues that may come before their speaker ("…, said Jones").
pub(crate) const INVERTING_CUES: WordList = WordList {
    bit: 1 << 0,
    words: &[
        "said",
        "says",
        "added",
        "adds",
        "asked",
        "asks",
        "wrote",
        "writes",
        "explained",
        "continued",
        "recalled",
        "noted",
        "argued",
        "insisted",
        "replied",
        "responded",
        "warned",
        "told",
        "tweeted",
        "declared",
        "cautioned",
        "quipped",
        "joked",
        "countered",
        "recalls",
        "notes",
        "explains",
        "argues",
        "insists",
        "warns",
        "observed",
        "concluded",
        "stated",
    ],
};

/// Plural and generic words for people that can head a speaker description.
pub(crate) const PEOPLE_NOUNS: WordList = WordList {
    bit: 1 << 1,
    words: &[
        "officials",
        "experts",
        "analysts",
        "residents",
        "critics",
        "supporters",
        "people",
        "voters",
        "sources",
        "witnesses",
        "economists",
        "lawmakers",
        "leaders",
        "members",
        "observers",
        "activists",
        "investors",
        "traders",
        "doctors",
        "scientists",
        "researchers",
        "man",
        "woman",
        "person",
        "resident",
        "voter",
        "source",
        "witness",
        "group",
        "company",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "statement",
        "report",
        "police",
    ],
};

/// Words that may open what follows a mark-less attribution: times, places, the medium.
pub(crate) const TAIL_OPENERS: WordList = WordList {
    bit: 1 << 2,
    words: &[
        "in",
        "on",
        "at",
        "to",
        "during",
        "after",
        "before",
        "from",
        "with",
        "this",
        "last",
        "earlier",
        "later",
        "recently",
        "again",
        "yesterday",
        "today",
        "tonight",
        "late",
        "early",
        "of",
        "via",
        "through",
        "when",
        "while",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "afterwards",
        "afterward",
        "previously",
        "once",
        "then",
        "now",
        "last",
        "next",
        "shortly",
        "publicly",
        "privately",
        "ahead",
        "outside",
    ],
};

/// Words that may open a sentence before its subject.
pub(crate) const SENTENCE_CONNECTIVES: WordList = WordList {
    bit: 1 << 3,
    words: &[
        "but",
        "and",
        "so",
        "yet",
        "still",
        "now",
        "instead",
        "meanwhile",
        "also",
        "then",
    ],
};

/// Participles that continue an attribution ("…, he said, *adding* that …").
pub(crate) const CONTINUING_PARTICIPLES: WordList = WordList {
    bit: 1 << 4,
    words: &[
        "adding",
        "saying",
        "noting",
        "citing",
        "explaining",
        "warning",
        "arguing",
        "insisting",
        "referring",
        "according",
        "calling",
        "claiming",
        "suggesting",
        "stressing",
        "asking",
        "telling",
        "writing",
    ],
};

/// Words that describe a role and so can stand for a person named elsewhere.
pub(crate) const ROLE_NOUNS: WordList = WordList {
    bit: 1 << 10,
    words: &[
        "minister",
        "president",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "envoy",
        "ambassador",
        "secretary",
        "senator",
        "governor",
        "mayor",
        "official",
        "chief",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "leader",
        "candidate",
        "commander",
        "general",
        "representative",
        "congressman",
        "congresswoman",
        "lawmaker",
        "executive",
        "ceo",
        "analyst",
        "professor",
        "lawyer",
        "attorney",
        "judge",
        "nominee",
        "adviser",
        "advisor",
        "aide",
        "head",
        "founder",
        "economist",
        "strategist",
        "manager",
        "coach",
        "officer",
        "negotiator",
        "prosecutor",
        "diplomat",
        "author",
        "researcher",
        "premier",
        "chancellor",
        "speaker",
        "sen.",
        "rep.",
        "gov.",
        "gen.",
        "pres.",
        "king",
        "queen",
        "pope",
        "businessman",
        "businesswoman",
        "billionaire",
        "frontrunner",
        "front-runner",
        "pollster",
        "activist",
        "campaigner",
    ],
};

/// Words that head a time phrase ("on *Tuesday*", "last *year*", "in the *past*").
pub(crate) const TIME_WORDS: WordList = WordList {
    bit: 1 << 12,
    words: &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tonight",
        "week",
        "weekend",
        "month",
        "year",
        "past",
        "morning",
        "afternoon",
        "evening",
        "night",
        "time",
        "weeks",
        "months",
        "years",
    ],
};

/// Prepositions after which a description's head noun has already been seen
/// ("a spokesperson *for* Acme Corp" → "spokesperson").
pub(crate) const POST_HEAD: WordList = WordList {
    bit: 1 << 11,
    words: &["of", "for", "to", "at", "in", "with", "from", "on"],
};

/// Auxiliaries and modals that open a verb group ("would have more to say").
pub(crate) const AUXILIARIES: &[&str] = &[
    "has", "have", "had", "will", "would", "can", "could", "may", "might", "should", "must", "do",
    "does", "did",
];

/// Verbs that lead into a cue ("began by saying", "continued to insist").
pub(crate) const LEADING_VERBS: &[&str] = &[
    "began",
    "begins",
    "continued",
    "continues",
    "proceeded",
    "started",
    "starts",
    "went",
    "goes",
];

/// Conjunctions that open a fronted subordinate clause whose attribution ends at the
/// clause's comma ("while the community agrees that …, the Taliban want …").
pub(crate) const SUBORDINATORS: &[&str] = &["while", "although", "though", "whereas"];

/// Verbs after which an infinitive cue reports nothing said ("declined to say whether").
pub(crate) const NOT_SAYING: &[&str] = &[
    "declined",
    "declines",
    "declining",
    "refused",
    "refuses",
    "refusing",
    "failed",
    "fails",
];

/// Words that negate the cue right after them ("did *not* say").
pub(crate) const NEGATIONS: &[&str] = &["not", "n't", "never"];

/// Words that open a reported clause ("said *that* …", "asked *whether* …").
pub(crate) const COMPLEMENTIZERS: &[&str] = &[
    "that", "whether", "if", "how", "what", "why", "when", "where", "who",
];

/// Speech-list verbs that report a stance, not speech, in the speech scope.
pub(crate) const STANCE_SPEECH_VERBS: &[&str] = &["agree", "agrees", "agreed"];

/// The plainest verbs of saying: whatever follows them is what was said.
pub(crate) const PLAIN_SAYING: &[&str] = &["say", "tell", "tells", "write"];

/// Relative pronouns and adverbs that resolve to an antecedent or a place, never a
/// speaker of their own ("*there* is more to say").
pub(crate) const NO_SPEAKER_WORDS: &[&str] = &["there", "here"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_compare_case_insensitively() {
        assert_ne!(word_classes("He") & PRONOUNS.bit, 0);
        assert_eq!(word_classes("Hey") & PRONOUNS.bit, 0);
        assert_ne!(word_classes("The") & DETERMINERS.bit, 0);
        assert_eq!(word_classes("Hey"), 0);
    }

    #[test]
    fn every_word_list_has_its_own_bit() {
        let mut seen = 0u16;
        for list in ALL_LISTS {
            assert_eq!(seen & list.bit, 0);
            seen |= list.bit;
            assert!(list.words.iter().all(|w| *w == w.to_ascii_lowercase()));
        }
    }
}
