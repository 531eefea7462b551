//! "Did you mean …?" for names a user mistyped: component types, fields, top-level keys
//! and input ids.

/// The candidate closest to `typed`, when it is close enough to be a likely typo.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != typed)
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            // Jaro-Winkler favours a shared start; Damerau-Levenshtein also catches a swap
            // in a short word ("nre" for "ner"), which Jaro's match window misses.
            let score = strsim::jaro_winkler(&typed_lower, &candidate_lower)
                .max(strsim::normalized_damerau_levenshtein(&typed_lower, &candidate_lower) + 0.15);
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `message` with "; did you mean `x`?" added when one candidate is close to `typed`.
pub fn with_suggestion<'a>(
    message: String,
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    match closest(typed, candidates) {
        Some(candidate) => format!("{message}; did you mean `{candidate}`?"),
        None => message,
    }
}

/// serde's "unknown field `colr`, expected one of `a`, `b`" (or "expected `a`"), with a
/// suggestion when the unknown field is close to one of those it names.
pub fn for_unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (typed, expected) = rest.split_once('`')?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let suggested = with_suggestion(message.to_string(), typed, names);
    (suggested != message).then_some(suggested)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_typos_are_suggested_and_unrelated_words_are_not() {
        let types = ["file", "stdin", "entities", "dates", "quotes", "exec"];
        assert_eq!(closest("entites", types), Some("entities"));
        assert_eq!(closest("qoutes", types), Some("quotes"));
        assert_eq!(closest("Dates", types), Some("dates"));
        assert_eq!(closest("nre", ["ner", "wire"]), Some("ner"));
        assert_eq!(closest("kafka", types), None);
    }

    #[test]
    fn serde_unknown_field_messages_gain_a_suggestion() {
        let message = "unknown field `max_byte`, expected one of `path`, `max_bytes`, `fsync`";
        assert_eq!(
            for_unknown_field(message).as_deref(),
            Some(
                "unknown field `max_byte`, expected one of `path`, `max_bytes`, `fsync`; did you mean `max_bytes`?"
            )
        );
        assert_eq!(
            for_unknown_field("unknown field `zzz`, expected `path`"),
            None
        );
    }
}
