//! The annotation layers an article carries: entities, timexes and quotes.
//!
//! Offsets here are **byte** offsets into `Article::text()`, end-exclusive. They become
//! code points only in the output contract (see [`crate::output`]).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A named annotation layer. Stages declare which layers they require and provide, and the
/// runtime checks the wiring before anything starts (spaCy's and CoreNLP's lesson).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Layer(Cow<'static, str>);

impl Layer {
    /// Tokens and sentences. Always available: every article is tokenized once, lazily.
    pub const TOKENS: Layer = Layer(Cow::Borrowed("tokens"));
    pub const ENTITIES: Layer = Layer(Cow::Borrowed("entities"));
    pub const TIMEXES: Layer = Layer(Cow::Borrowed("timexes"));
    pub const QUOTES: Layer = Layer(Cow::Borrowed("quotes"));

    /// A layer of a plugin's own, such as `"keywords"`.
    pub const fn custom(name: &'static str) -> Layer {
        Layer(Cow::Borrowed(name))
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// CoNLL-2003 entity labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityLabel {
    #[serde(rename = "PER")]
    Person,
    #[serde(rename = "ORG")]
    Organization,
    #[serde(rename = "LOC")]
    Location,
    #[serde(rename = "MISC")]
    Misc,
}

impl EntityLabel {
    pub const ALL: [EntityLabel; 4] = [
        EntityLabel::Person,
        EntityLabel::Organization,
        EntityLabel::Location,
        EntityLabel::Misc,
    ];

    /// The CoNLL tag: `PER`, `ORG`, `LOC` or `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityLabel::Person => "PER",
            EntityLabel::Organization => "ORG",
            EntityLabel::Location => "LOC",
            EntityLabel::Misc => "MISC",
        }
    }

    pub fn parse(tag: &str) -> Option<EntityLabel> {
        EntityLabel::ALL.into_iter().find(|l| l.as_str() == tag)
    }
}

impl fmt::Display for EntityLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entity mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: EntityLabel,
    /// The canonical name within the article: "Khalilzad" → "Zalmay Khalilzad".
    pub name: String,
}

/// TIMEX3 types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

impl TimexType {
    pub fn as_str(self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }

    pub fn parse(s: &str) -> Option<TimexType> {
        match s {
            "DATE" => Some(TimexType::Date),
            "TIME" => Some(TimexType::Time),
            "DURATION" => Some(TimexType::Duration),
            "SET" => Some(TimexType::Set),
            _ => None,
        }
    }
}

/// One temporal expression with its TIMEX3 value, anchored on the article's `published` date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: TimexType,
    /// A TIMEX3 value: `2021-08-03`, `2021-W30`, `P3D`, `PAST_REF`, `XXXX-WXX-1`, ...
    pub value: String,
    /// TIMEX3 `mod`: `START`, `MID`, `END`, `APPROX`, `LESS_THAN`, `MORE_THAN`, ...
    pub modifier: Option<String>,
}

/// How a quote is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// The speaker's own words, in quotation marks (or with marks lost in conversion).
    Direct,
    /// Reported speech: "X said (that) ...".
    Indirect,
    /// Reported speech with quoted fragments.
    Mixed,
}

impl QuoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }
}

/// A span of text with no further annotation, such as a quote's cue ("said").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Who said a quote: the mention in the text and the resolved canonical name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaker {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The canonical name; for a pronoun, its antecedent's name; for an unlinked role
    /// description ("a spokesperson"), the description itself.
    pub name: String,
}

/// One quote (or one piece of a quote split by its attribution).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Span of the quoted words, without the quotation marks.
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: QuoteKind,
    /// `None` only when the article does not say who spoke.
    pub speaker: Option<Speaker>,
    pub cue: Option<TextSpan>,
}
