//! Durations in NATS component configs (`ack_wait = "30s"`, `max_age = "24h"`).
//!
//! The same notation as the rest of byline's config (`"500ms"`, `"5s"`, `"2m"`, `"1h"`). A
//! bare number is refused, since `ack_wait = 30` could mean seconds or nanoseconds (the
//! unit JetStream itself uses), and guessing wrong is a silent bug.

use std::time::Duration;

use serde::Deserialize;

/// A duration read from `<number><unit>` with the unit `ms`, `s`, `m` or `h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigDuration(pub Duration);

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {input:?}: {reason} (write it like \"500ms\", \"30s\", \"2m\" or \"1h\")"
)]
pub struct DurationError {
    pub input: String,
    pub reason: &'static str,
}

impl ConfigDuration {
    pub fn parse(input: &str) -> Result<ConfigDuration, DurationError> {
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
            .map(ConfigDuration)
            .map_err(|_| fail("it is too large"))
    }
}

impl<'de> Deserialize<'de> for ConfigDuration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ConfigDuration::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read_and_bare_numbers_refused() {
        let parse = |s: &str| ConfigDuration::parse(s).ok().map(|d| d.0);
        assert_eq!(parse("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse("24h"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse("30"), None);
        assert_eq!(parse("-1s"), None);
        assert_eq!(parse("3 days"), None);
    }
}
