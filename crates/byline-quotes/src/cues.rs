//! The cue lexicon: the verbs (and "according to") that report what someone said or thought.
//!
//! Lookups work on single tokens, case-insensitively, without allocating: the stage checks
//! every token of every article, so this is on the hot path.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// What a cue word reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueClass {
    /// Speech proper ("said", "told", "added"). Only these attribute quotes after the
    /// quoted words (`…," she said.`) and mark-less quotes.
    Speech,
    /// Beliefs, thoughts, wishes ("believes", "thinks", "fears"). PolNeAR annotates these
    /// as attributions too, so they count for indirect speech.
    Belief,
}

/// A cue verb form and whether it is ambiguous with a noun ("claims", "calls"), which
/// then needs a clear subject right before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cue {
    pub class: CueClass,
    pub noun_like: bool,
    /// The verb takes a person as object before its content ("told reporters that …").
    pub takes_addressee: bool,
    /// Learned from data rather than listed by hand: a weaker cue, trusted only when its
    /// content follows it directly.
    pub learned: bool,
}

const SPEECH: Cue = Cue {
    class: CueClass::Speech,
    noun_like: false,
    takes_addressee: false,
    learned: false,
};
const SPEECH_NOUNLIKE: Cue = Cue {
    class: CueClass::Speech,
    noun_like: true,
    takes_addressee: false,
    learned: false,
};
const SPEECH_TO: Cue = Cue {
    class: CueClass::Speech,
    noun_like: false,
    takes_addressee: true,
    learned: false,
};
const BELIEF: Cue = Cue {
    class: CueClass::Belief,
    noun_like: false,
    takes_addressee: false,
    learned: false,
};
const LEARNED: Cue = Cue {
    class: CueClass::Belief,
    noun_like: false,
    takes_addressee: false,
    learned: true,
};
const BELIEF_NOUNLIKE: Cue = Cue {
    class: CueClass::Belief,
    noun_like: true,
    takes_addressee: false,
    learned: false,
};

/// Speech verbs.
const SPEECH_WORDS: &[&str] = &[
    "said",
    "says",
    "saying",
    "added",
    "adds",
    "adding",
    "wrote",
    "writes",
    "writing",
    "explained",
    "explains",
    "explaining",
    "noted",
    "noting",
    "argued",
    "argues",
    "arguing",
    "insisted",
    "insists",
    "insisting",
    "stated",
    "declared",
    "declares",
    "announced",
    "announces",
    "replied",
    "replies",
    "responded",
    "responds",
    "tweeted",
    "continued",
    "continues",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "conceded",
    "concedes",
    "recalled",
    "recalls",
    "recalling",
    "suggested",
    "suggests",
    "suggesting",
    "predicted",
    "predicts",
    "promised",
    "pledged",
    "vowed",
    "vows",
    "reiterated",
    "stressed",
    "emphasized",
    "emphasised",
    "cautioned",
    "countered",
    "contended",
    "contends",
    "complained",
    "complains",
    "confirmed",
    "confirms",
    "denied",
    "denies",
    "maintained",
    "maintains",
    "observed",
    "remarked",
    "revealed",
    "testified",
    "shouted",
    "joked",
    "quipped",
    "boasted",
    "bragged",
    "agreed",
    "agrees",
    "concluded",
    "mused",
    "wondered",
    "lamented",
    "proclaimed",
    "commented",
    "explain",
    "argue",
    "insist",
    "suggest",
    "predict",
    "acknowledge",
    "admit",
    "deny",
    "tweets",
    "claimed",
    "claiming",
    "warned",
    "warns",
    "warning",
    "alleged",
    "alleges",
    "charged",
    "asserted",
    "asserts",
    "estimated",
    "estimates",
    "speculated",
    "indicated",
    "indicates",
    "reported",
    "urged",
    "urges",
    "demanded",
    "questioned",
    "blamed",
    "accused",
    "accuses",
    "criticized",
    "criticised",
    "praised",
    "described",
    "describes",
    "called",
    "calling",
    "announcing",
];

/// Speech verbs that are also nouns ("claims", "calls").
const SPEECH_NOUNLIKE_WORDS: &[&str] = &[
    "say", "notes", "claims", "claim", "states", "reports", "warn", "promises", "calls", "call",
];

/// Speech verbs that take the addressee before the content ("told reporters that …").
const SPEECH_TO_WORDS: &[&str] = &[
    "told", "tells", "telling", "tell", "assured", "assures", "reminded", "reminds", "informed",
    "asked", "asks", "asking",
];

/// Beliefs, thoughts and stances; the stances are verbs that, in PolNeAR's training
/// split, mostly head an attribution.
const BELIEF_WORDS: &[&str] = &[
    "believes",
    "believed",
    "thinks",
    "thought",
    "feels",
    "felt",
    "fears",
    "feared",
    "hopes",
    "hoped",
    "knows",
    "knew",
    "expects",
    "expected",
    "worries",
    "worried",
    "suspects",
    "suspected",
    "doubts",
    "doubted",
    "assumes",
    "assumed",
    "wants",
    "wanted",
    "wishes",
    "wished",
    "believe",
    "think",
    "feel",
    "know",
    "expect",
    "suspect",
    "hope",
    "fear",
    "want",
    "shows",
    "showed",
    "found",
    "finds",
    "contend",
    "realized",
    "realised",
    "understands",
    "figured",
    "recognized",
    "recognised",
    "supports",
    "supported",
    "opposes",
    "opposed",
    "declined",
    "endorsed",
    "seemed",
    "appeared",
    "expressed",
    "pointed",
    "referring",
    "offered",
    "appears",
    "sought",
    "seems",
    "refused",
    "proposed",
    "cited",
    "defended",
    "citing",
    "posted",
    "rejected",
    "attacked",
    "mentioned",
    "hoping",
    "blasted",
    "dismissed",
    "denounced",
    "pointing",
    "echoed",
    "promising",
    "mocked",
    "criticizing",
    "referred",
    "repeated",
    "questioning",
    "seeks",
    "accusing",
    "declaring",
    "railed",
    "denouncing",
    "stating",
    "tweeting",
    "slammed",
    "challenged",
    "acknowledging",
    "describing",
    "voiced",
    "expecting",
    "thanked",
    "highlighted",
    "refusing",
    "decried",
    "touted",
    "threatened",
    "projected",
    "deemed",
    "emailed",
    "pleaded",
    "answered",
    "signaled",
    "portrayed",
    "disclosed",
    "announce",
    "preferred",
    "quoted",
    "touting",
    "refuses",
    "cites",
    "referenced",
    "repeating",
    "recommended",
    "condemned",
    "indicate",
    "reveals",
    "vowing",
    "thanking",
    "pledging",
    "bemoaned",
    "reveal",
    "slamming",
    "implied",
    "assailed",
    "dismissing",
    "declare",
    "remarking",
    "retweeted",
    "invoked",
    "endorses",
    "concludes",
    "emphasizing",
    "praising",
    "considers",
    "blasting",
    "championed",
    "referencing",
    "interjected",
    "believing",
    "applauded",
    "likened",
    "alleging",
    "asserting",
    "refers",
    "sparred",
    "threaten",
    "alluding",
    "fearing",
    "prefers",
    "rebuffed",
    "recounted",
    "credited",
    "dismisses",
    "blames",
];

/// Beliefs and stances that are also nouns ("hopes", "fears").
const BELIEF_NOUNLIKE_WORDS: &[&str] = &[
    "doubt", "worry", "wish", "show", "support", "oppose", "sees", "prefer", "reads", "praises",
    "slams", "wonder", "hints", "blasts", "recall", "vow", "forecast", "boasts", "pledges",
];

/// Verb forms learned from PolNeAR's training split by `examples/learn_cues.rs`: words in
/// -ed or -ing that head a gold cue often enough, and in a large enough share of their
/// occurrences, to be worth reading as stance cues. The hand-written lists above win.
const LEARNED_CUES: &str = include_str!("learned_cues.txt");

/// FNV-1a: the lexicon's keys are short words, for which SipHash's setup costs more than
/// the lookup itself (the key set is fixed, so hash flooding is not a concern).
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// The whole lexicon, built once: a hash lookup per token instead of hundreds of string
/// comparisons.
static LEXICON: LazyLock<HashMap<&'static str, Cue, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| {
        let mut map = HashMap::default();
        for (words, cue) in [
            (SPEECH_WORDS, SPEECH),
            (SPEECH_NOUNLIKE_WORDS, SPEECH_NOUNLIKE),
            (SPEECH_TO_WORDS, SPEECH_TO),
            (BELIEF_WORDS, BELIEF),
            (BELIEF_NOUNLIKE_WORDS, BELIEF_NOUNLIKE),
        ] {
            for word in words {
                map.entry(*word).or_insert(cue);
            }
        }
        for word in LEARNED_CUES
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            map.entry(word).or_insert(LEARNED);
        }
        map
    });

/// Looks a token up in the cue lexicon. `word` is the token text as it appears.
pub(crate) fn cue(word: &str) -> Option<Cue> {
    // Every cue is 3 to 16 ASCII letters (or a hyphen); many tokens are ruled out here.
    if word.len() < 3 || word.len() > 16 || !word.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let mut buf = [0u8; 16];
    let lower = ascii_lower(word, &mut buf)?;
    LEXICON.get(lower).copied()
}

/// Lower-cases an ASCII word into `buf`; `None` when it is too long or not ASCII (no cue
/// is either).
pub(crate) fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 16]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (slot, b) in buf.iter_mut().zip(bytes) {
        *slot = b.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_verbs_are_found_in_any_case() {
        assert_eq!(cue("said").map(|c| c.class), Some(CueClass::Speech));
        assert_eq!(cue("sAID").map(|c| c.class), Some(CueClass::Speech));
        assert_eq!(cue("told").map(|c| c.takes_addressee), Some(true));
        assert_eq!(cue("Said").map(|c| c.class), Some(CueClass::Speech));
    }

    #[test]
    fn beliefs_are_cues_for_indirect_speech() {
        assert_eq!(cue("believes").map(|c| c.class), Some(CueClass::Belief));
        assert_eq!(cue("fears").map(|c| c.class), Some(CueClass::Belief));
    }

    #[test]
    fn ordinary_words_and_long_or_foreign_words_are_not_cues() {
        assert_eq!(cue("table"), None);
        assert_eq!(cue("extraordinarilylongword"), None);
        assert_eq!(cue("dijo\u{301}"), None);
    }

    #[test]
    fn noun_like_forms_are_marked() {
        assert!(cue("claims").is_some_and(|c| c.noun_like));
        assert!(cue("claimed").is_some_and(|c| !c.noun_like));
    }
}
