//! Abbreviations that keep their trailing period, and which of them may end a sentence.

/// Lower-cased, without the final period. Titles come first: they never end a sentence
/// because a name always follows them.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "pvt",
    "adm", "cmdr", "cdr", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "gov",
    "amb", "atty", "messrs", "mme", "mlle", "fr", "sr", "jr", "st", "mt", "ft",
];

const OTHERS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "inc", "corp", "co", "ltd",
    "plc", "bros", "assn", "dept", "univ", "no", "nos", "vs", "v", "etc", "approx", "est", "fig",
    "vol", "ave", "blvd", "rd", "hwy", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla",
    "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont",
    "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "al",
    "e.g", "i.e", "cf", "op", "ed", "eds", "min", "max", "mln", "bln", "pct",
];

/// Is `word` (without its final period) an abbreviation that takes a period?
pub(crate) fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() || word.len() > 8 {
        return false;
    }
    let lower = word.to_ascii_lowercase();
    TITLES.contains(&lower.as_str()) || OTHERS.contains(&lower.as_str())
}

/// Is `word` (without its final period) a title such as "Gen" or "Mr", which is always
/// followed by a name and so never ends a sentence?
pub(crate) fn is_title(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    TITLES.contains(&lower.as_str())
}
