//! The language of an article: the one its input gives, or the one detected from its text.
//!
//! Languages are named by BCP 47 primary subtags, which are ISO 639-1 codes where one
//! exists (`en`, `de`, `ar`, `zh`), as news feeds and JSON APIs write them. Detection reads
//! the start of the text and decides in this order:
//!
//! 0. A text where English function words ("the", "and", "said", ...) make up a share no
//!    other language's text has is English. This settles nearly every English article in
//!    a few microseconds; `whatlang`, which scores every language of the script, costs
//!    over 100 µs an article, as much as a third of what the whole default pipeline
//!    spends on one, and would say the same.
//! 1. Otherwise `whatlang` (trigrams within a script) decides. A text in a script other than Latin is in that script's language (Arabic script:
//!    Arabic, Persian or Urdu; Han: Chinese unless kana make it Japanese), even when
//!    `whatlang` is unsure which of the script's languages: every one of them is not
//!    English, which is what the English-only stages need to know.
//! 2. A Latin-script text is in the language `whatlang` finds when it calls the finding
//!    reliable.
//! 3. Anything else (a headline-length text, a list of names, a table of results or
//!    figures, a text without letters) is taken as [`DEFAULT`], English: see there why.
//!    A table needs saying: `whatlang` calls a Yugoslav league table Spanish, reliably,
//!    because its trigrams are those of the team names; what a table of names and numbers
//!    shows is where the names come from, not the language of the copy around them.

use whatlang::{Lang, Script};

/// The language taken when detection cannot tell: English.
///
/// A short or ambiguous Latin-script text is far more likely to be one of the English
/// briefs byline is built for than anything else, and the two possible mistakes are not
/// equal. Taking an English brief as "unknown" would make every English-only stage skip
/// it, so it would come out silently unannotated; taking a short foreign brief as English
/// costs at most a few wrong annotations on a few words, as before detection existed. An
/// input that knows better says so in its `language` field, which is never second-guessed.
pub const DEFAULT: &str = "en";

/// How much of the text detection reads, in bytes (cut back to a char boundary).
///
/// A couple of paragraphs settle the language of a news article as well as the whole of
/// it would, and `whatlang` is linear in what it reads: without a bound, a 2 MiB article
/// would cost a thousand times as much as an ordinary one, for the same answer.
const SAMPLE_BYTES: usize = 2048;

/// ISO 639-3 codes (as `whatlang` names its languages) and their ISO 639-1 codes, for
/// every language `whatlang` detects.
const ISO_639_1: [(&str, &str); 70] = [
    ("afr", "af"),
    ("aka", "ak"),
    ("amh", "am"),
    ("ara", "ar"),
    ("aze", "az"),
    ("bel", "be"),
    ("ben", "bn"),
    ("bul", "bg"),
    ("cat", "ca"),
    ("ces", "cs"),
    ("cmn", "zh"),
    ("cym", "cy"),
    ("dan", "da"),
    ("deu", "de"),
    ("ell", "el"),
    ("eng", "en"),
    ("epo", "eo"),
    ("est", "et"),
    ("fin", "fi"),
    ("fra", "fr"),
    ("guj", "gu"),
    ("heb", "he"),
    ("hin", "hi"),
    ("hrv", "hr"),
    ("hun", "hu"),
    ("hye", "hy"),
    ("ind", "id"),
    ("ita", "it"),
    ("jav", "jv"),
    ("jpn", "ja"),
    ("kan", "kn"),
    ("kat", "ka"),
    ("khm", "km"),
    ("kor", "ko"),
    ("lat", "la"),
    ("lav", "lv"),
    ("lit", "lt"),
    ("mal", "ml"),
    ("mar", "mr"),
    ("mkd", "mk"),
    ("mya", "my"),
    ("nep", "ne"),
    ("nld", "nl"),
    ("nob", "nb"),
    ("ori", "or"),
    ("pan", "pa"),
    ("pes", "fa"),
    ("pol", "pl"),
    ("por", "pt"),
    ("ron", "ro"),
    ("rus", "ru"),
    ("sin", "si"),
    ("slk", "sk"),
    ("slv", "sl"),
    ("sna", "sn"),
    ("spa", "es"),
    ("srp", "sr"),
    ("swe", "sv"),
    ("tam", "ta"),
    ("tel", "te"),
    ("tgl", "tl"),
    ("tha", "th"),
    ("tuk", "tk"),
    ("tur", "tr"),
    ("ukr", "uk"),
    ("urd", "ur"),
    ("uzb", "uz"),
    ("vie", "vi"),
    ("yid", "yi"),
    ("zul", "zu"),
];

/// The language of `text`, as a BCP 47 primary subtag (`en`, `de`, `ar`, `zh`, ...).
///
/// Reads at most the first 2 KiB, so its cost does not grow with the article; see the
/// module documentation for how it decides and [`DEFAULT`] for what it says when it
/// cannot tell.
pub fn detect(text: &str) -> &'static str {
    let sample = sample(text);
    if is_plainly_english(sample) {
        return "en";
    }
    let Some(info) = whatlang::detect(sample) else {
        return DEFAULT;
    };
    if info.script() == Script::Latin && !(info.is_reliable() && is_prose(sample)) {
        return DEFAULT;
    }
    short_code(info.lang())
}

/// Whether `language` (a BCP 47 tag such as `en`, `en-US` or `EN`, or an ISO 639-3 code
/// such as `eng`) names one of the `supported` languages (ISO 639-1 codes).
pub fn is_one_of(language: &str, supported: &[&str]) -> bool {
    let primary = primary_subtag(language);
    supported
        .iter()
        .any(|code| primary.eq_ignore_ascii_case(code))
}

/// The English name of a language code (`en` → "English"), for messages; `None` for a
/// code detection does not know.
pub fn english_name(code: &str) -> Option<&'static str> {
    let primary = primary_subtag(code);
    lang_of(&primary).map(Lang::eng_name)
}

/// Words frequent in any English prose and rare or absent in every other language's,
/// lowercase. Frequent short words that other languages share are left out: "to" (Polish,
/// Czech), "was" (German, Dutch), "is" and "of" (Dutch), "for" (Danish, Norwegian), "on",
/// "he", "in", "a".
const ENGLISH_MARKERS: [&str; 20] = [
    "also", "and", "been", "but", "from", "had", "have", "its", "said", "that", "the", "their",
    "they", "this", "were", "which", "who", "will", "with", "would",
];

/// How many of a text's words must be [`ENGLISH_MARKERS`] for it to be plainly English,
/// in percent. English news runs at 7% to 21% in the first 2 KiB (median 15%, measured on
/// TimeBank, AQUAINT and PolNeAR articles); a German or French text that quotes English
/// at length stays far below.
const ENGLISH_MARKER_PERCENT: usize = 6;

/// Fewer words than this are too few to judge by their share (whatlang decides).
const ENGLISH_MIN_WORDS: usize = 20;

/// Whether English function words are frequent enough in `sample` to call it English
/// without asking `whatlang`.
///
/// Words are runs of ASCII letters and non-ASCII bytes, so that the check works on bytes
/// without decoding characters (it runs on every article): "Brücke" stays one word, and a
/// word glued to a curly quotation mark merely fails to count as a marker.
fn is_plainly_english(sample: &str) -> bool {
    let (mut words, mut markers) = (0usize, 0usize);
    for word in sample
        .as_bytes()
        .split(|b| b.is_ascii() && !b.is_ascii_alphabetic())
        .filter(|word| !word.is_empty())
    {
        words += 1;
        if is_english_marker(word) {
            markers += 1;
        }
    }
    words >= ENGLISH_MIN_WORDS && markers * 100 >= words * ENGLISH_MARKER_PERCENT
}

fn is_english_marker(word: &[u8]) -> bool {
    let mut lower = [0u8; 5];
    let Some(lower) = lower.get_mut(..word.len()) else {
        return false;
    };
    for (to, from) in lower.iter_mut().zip(word) {
        *to = from.to_ascii_lowercase();
    }
    ENGLISH_MARKERS
        .iter()
        .any(|marker| marker.as_bytes() == lower)
}

/// Letters must make up this share of a text's characters, in percent, for it to be prose
/// rather than a table. Prose runs at 70% to 84% (English news in TimeBank and PolNeAR,
/// German, Arabic and Chinese paragraphs); the results tables and market reports of
/// CoNLL-2003's Reuters documents as low as 41%.
const PROSE_LETTER_PERCENT: usize = 60;

/// Lines of prose hold at least this many words (with a letter in them) on average: a
/// paragraph a line, or about a dozen words in text wrapped at 72 columns. Tables of
/// results hold two to four ("Nice 1 Guingamp 2", "Ajax 4 3 1 0 13 3 10"), however many
/// letters their names have.
const PROSE_WORDS_PER_LINE: usize = 6;

/// Whether `sample` is running text rather than a table or list of names and figures.
/// Words are counted by spaces, so this is for Latin-script text, where it is asked.
fn is_prose(sample: &str) -> bool {
    let (mut chars, mut letters, mut words, mut lines) = (0usize, 0usize, 0usize, 0usize);
    for line in sample.lines().filter(|line| !line.trim().is_empty()) {
        lines += 1;
        words += line
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphabetic))
            .count();
        for c in line.chars() {
            chars += 1;
            if c.is_alphabetic() {
                letters += 1;
            }
        }
    }
    letters * 100 >= chars * PROSE_LETTER_PERCENT && words >= lines * PROSE_WORDS_PER_LINE
}

/// The start of `text` that detection reads.
fn sample(text: &str) -> &str {
    if text.len() <= SAMPLE_BYTES {
        return text;
    }
    let mut end = SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn short_code(lang: Lang) -> &'static str {
    let long = lang.code();
    ISO_639_1
        .iter()
        .find(|(three, _)| *three == long)
        .map_or(long, |(_, two)| two)
}

fn lang_of(code: &str) -> Option<Lang> {
    ISO_639_1
        .iter()
        .find(|(three, two)| code.eq_ignore_ascii_case(two) || code.eq_ignore_ascii_case(three))
        .and_then(|(three, _)| Lang::from_code(*three))
}

/// The primary subtag of a tag, as an ISO 639-1 code when the tag used a three-letter
/// code that has one: `en-US` → `en`, `de_AT` → `de`, `eng` → `en`, ` AR ` → `ar`.
fn primary_subtag(tag: &str) -> String {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match lang_of(&primary) {
        Some(lang) if primary.len() == 3 => short_code(lang).to_string(),
        _ => primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test articles written for these tests, one short news paragraph each.
    const ENGLISH: &str = "The city council voted on Tuesday to close the old harbour \
        bridge for repairs, after engineers said the steel supports had worn faster than \
        expected. The mayor told reporters that ferries would run every twenty minutes \
        until the work is finished next spring.";
    const GERMAN: &str = "Der Stadtrat hat am Dienstag beschlossen, die alte Hafenbrücke \
        für Reparaturen zu sperren, nachdem Ingenieure festgestellt hatten, dass die \
        Stahlträger schneller verschlissen sind als erwartet. Der Bürgermeister sagte, \
        die Fähren würden bis zum Ende der Arbeiten im nächsten Frühjahr alle zwanzig \
        Minuten fahren.";
    const ARABIC: &str = "صوّت مجلس المدينة يوم الثلاثاء على إغلاق جسر الميناء القديم \
        لإجراء إصلاحات، بعد أن قال المهندسون إن الدعامات الفولاذية تآكلت أسرع من المتوقع. \
        وقال رئيس البلدية إن العبّارات ستعمل كل عشرين دقيقة حتى انتهاء العمل في الربيع المقبل.";
    const CHINESE: &str = "市议会周二投票决定关闭旧港口大桥进行维修，因为工程师表示钢制支架的\
        磨损速度比预期更快。市长对记者说，在明年春天工程完成之前，渡轮将每二十分钟一班。";

    #[test]
    fn news_paragraphs_are_detected() {
        assert_eq!(detect(ENGLISH), "en");
        assert_eq!(detect(GERMAN), "de");
        assert_eq!(detect(ARABIC), "ar");
        assert_eq!(detect(CHINESE), "zh");
    }

    #[test]
    fn english_prose_is_told_by_its_function_words_alone() {
        assert!(is_plainly_english(ENGLISH));
        for text in [GERMAN, ARABIC, CHINESE] {
            assert!(!is_plainly_english(text), "{text}");
        }
        // An English quotation inside German copy does not make it English.
        let quoting = format!(
            "{GERMAN} Der Minister sagte auf Englisch: \"We will do what we said we would do.\" \
             {GERMAN}"
        );
        assert!(!is_plainly_english(&quoting));
        assert_eq!(detect(&quoting), "de");
        // Too few words to judge by share: whatlang decides, and then the default.
        assert!(!is_plainly_english("The talks that were held"));
    }

    #[test]
    fn what_cannot_be_told_is_taken_as_english() {
        for text in [
            "",
            "12:30 - 2021-08-03",
            "Ok.",
            "Angela Merkel, Emmanuel Macron",
        ] {
            assert_eq!(detect(text), DEFAULT, "{text:?}");
        }
    }

    #[test]
    fn a_table_of_names_and_figures_is_not_prose() {
        // Invented results: the names are the only words.
        let table = "Results on Sunday:\nDinamo Vrbas 2 Sloga Ptuj 1\nRudar Kostolac 0 \
            Jedinstvo Ub 0\nStandings: Dinamo Vrbas 6 4 1 1 12 5 13\nSloga Ptuj 6 3 2 1 9 6 \
            11\nRudar Kostolac 6 2 2 2 7 7 8\nJedinstvo Ub 6 1 1 4 4 11 4";
        assert!(!is_prose(table));
        assert_eq!(detect(table), DEFAULT);
        // A table of long names has letters enough, but few words a line.
        let names = "Played on Saturday:\nOlimpija Ljubljana 2 Maribor Branik 1\n\
            Dunajska Streda 0 Trencin Zlatovce 3\nKosice Lokomotiva 1 Presov Tatran 1";
        assert!(!is_prose(names));
        assert_eq!(detect(names), DEFAULT);
        // Prose wrapped at 72 columns is still prose.
        let wrapped: String = GERMAN
            .split_whitespace()
            .collect::<Vec<_>>()
            .chunks(9)
            .map(|line| line.join(" "))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(is_prose(&wrapped));
        assert_eq!(detect(&wrapped), "de");
        // (Asked of Latin-script text only: Chinese has no spaces to count words by.)
        for text in [ENGLISH, GERMAN, ARABIC] {
            assert!(is_prose(text), "{text}");
        }
    }

    #[test]
    fn a_short_text_in_another_script_is_still_not_english() {
        // Too short for whatlang to be sure among the languages of a script, but sure
        // enough that it is not English.
        assert_eq!(detect("قال الوزير"), "ar");
        assert_ne!(detect("部长说"), DEFAULT);
        assert_ne!(detect("Министр сказал"), DEFAULT);
    }

    #[test]
    fn only_the_start_of_a_long_text_is_read() {
        // An English opening of 2 KiB decides, whatever follows it.
        let long = format!("{} {}", ENGLISH.repeat(8), GERMAN.repeat(1000));
        assert_eq!(detect(&long), "en");
        // The cut never splits a character.
        let arabic = ARABIC.repeat(100);
        assert_eq!(detect(&arabic), "ar");
        assert!(sample(&arabic).len() <= SAMPLE_BYTES);
    }

    #[test]
    fn tags_match_by_their_primary_subtag() {
        for tag in ["en", "EN", "en-US", "en_GB", " en ", "eng"] {
            assert!(is_one_of(tag, &["en"]), "{tag:?}");
        }
        for tag in ["de", "ar", "zh-Hans", "deu", "", "english"] {
            assert!(!is_one_of(tag, &["en"]), "{tag:?}");
        }
        assert!(is_one_of("de-AT", &["en", "de"]));
        assert!(is_one_of("cmn", &["zh"]));
    }

    #[test]
    fn codes_have_english_names() {
        assert_eq!(english_name("en"), Some("English"));
        assert_eq!(english_name("de"), Some("German"));
        assert_eq!(english_name("xx"), None);
    }

    #[test]
    fn every_whatlang_language_has_a_short_code() {
        for lang in Lang::all() {
            let code = short_code(*lang);
            assert_eq!(code.len(), 2, "{lang:?} has no ISO 639-1 code in the table");
            assert_eq!(lang_of(code), Some(*lang));
        }
    }
}
