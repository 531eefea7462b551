//! Durations written the way people write them in config files: `"500ms"`, `"5s"`, `"1.5m"`.
//!
//! The one duration syntax of byline: the runtime's keys (`timeout`, `drain_timeout`,
//! `[api] stall_timeout`) and every component's own use it, so a value that works in one
//! place works in all.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

/// A duration parsed from `<number><unit>`, where the number may have a fractional part and
/// the unit is `ms`, `s`, `m` or `h`. A bare number is refused: `timeout = 5` could mean
/// seconds or milliseconds, and guessing wrong is a silent bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {input:?}: {reason} (write it like \"500ms\", \"5s\", \"2m\" or \"1h\")")]
pub struct DurationError {
    pub input: String,
    pub reason: &'static str,
}

impl HumanDuration {
    pub fn parse(input: &str) -> Result<HumanDuration, DurationError> {
        let fail = |reason| DurationError {
            input: input.to_string(),
            reason,
        };
        let trimmed = input.trim();
        let unit_at = trimmed
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| fail("it has no unit"))?;
        let (number, unit) = trimmed.split_at(unit_at);
        let number = number.trim_end();
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(fail("it does not start with a non-negative number"));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| fail("it does not start with a non-negative number"))?;
        let seconds_per_unit = match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(fail("the unit is not one of ms, s, m, h")),
        };
        Duration::try_from_secs_f64(value * seconds_per_unit)
            .map(HumanDuration)
            .map_err(|_| fail("it is too large"))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.0.as_millis();
        if millis.is_multiple_of(1000) && millis > 0 {
            write!(f, "{}s", millis / 1000)
        } else {
            write!(f, "{millis}ms")
        }
    }
}

impl schemars::JsonSchema for HumanDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "a duration such as \"500ms\", \"5s\", \"1.5m\" or \"1h\""
        })
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        HumanDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<Duration> {
        HumanDuration::parse(s).ok().map(|d| d.0)
    }

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse(" 10 s "), Some(Duration::from_secs(10)));
    }

    #[test]
    fn refuses_bare_numbers_odd_units_and_signs() {
        for bad in ["5", "", "s", "5sec", "-1s", "1e3ms", "5 d", "ms5", "1..2s"] {
            assert!(parse(bad).is_none(), "{bad:?} was accepted");
        }
        let err = HumanDuration::parse("5").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("no unit")));
    }

    #[test]
    fn displays_in_the_larger_unit_that_is_exact() {
        assert_eq!(HumanDuration(Duration::from_secs(5)).to_string(), "5s");
        assert_eq!(
            HumanDuration(Duration::from_millis(1500)).to_string(),
            "1500ms"
        );
    }

    proptest::proptest! {
        #[test]
        fn whole_milliseconds_round_trip(ms in 0u64..10_000_000) {
            let text = format!("{ms}ms");
            proptest::prop_assert_eq!(parse(&text), Some(Duration::from_millis(ms)));
            let shown = HumanDuration(Duration::from_millis(ms)).to_string();
            proptest::prop_assert_eq!(parse(&shown), Some(Duration::from_millis(ms)));
        }

        #[test]
        fn never_panics(text in "\\PC{0,12}") {
            let _ = HumanDuration::parse(&text);
        }
    }
}
