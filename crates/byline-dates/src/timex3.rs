//! TIMEX3 value syntax (TimeML 1.2.1 / TempEval-3), checked structurally.
//!
//! Accepted forms, with `X` allowed for any unknown digit:
//! - calendar: `YYYY`, `YYY` (decade), `YY` (century), `YYYY-MM`, `YYYY-MM-DD`,
//!   `YYYY-Wnn`, `YYYY-Wnn-D`, `YYYY-Wnn-WE`, `YYYY-Qn`, `YYYY-Hn`, `YYYY-SP|SU|FA|WI`,
//!   each optionally followed by a time `Thh`, `Thh:mm`, `Thh:mm:ss` or a part of day
//!   `TMO|TAF|TEV|TNI|TDT`;
//! - durations: `P` with `nY nM nW nD nQ nWE nDE nCE nML nH nC nE nL` parts, then
//!   optionally `T` with `nH nM nS` parts (`n` digits or `X`);
//! - references: `PAST_REF`, `PRESENT_REF`, `FUTURE_REF`.

/// Is `value` a well-formed TIMEX3 value?
pub fn is_valid_value(value: &str) -> bool {
    matches!(value, "PAST_REF" | "PRESENT_REF" | "FUTURE_REF")
        || value.strip_prefix('P').is_some_and(is_duration_body)
        || is_calendar(value)
}

fn digits_or_x(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || b == b'X')
}

fn in_range(s: &str, low: u32, high: u32) -> bool {
    if s.bytes().all(|b| b == b'X') {
        return true;
    }
    s.bytes().all(|b| b.is_ascii_digit())
        && s.parse::<u32>().is_ok_and(|n| (low..=high).contains(&n))
}

fn is_calendar(value: &str) -> bool {
    let (date, time) = match value.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (value, None),
    };
    let mut parts = date.split('-');
    let Some(year) = parts.next() else {
        return false;
    };
    if !(2..=4).contains(&year.len()) || !digits_or_x(year, year.len()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let date_ok = match rest.as_slice() {
        [] => true,
        [part] if year.len() == 4 => match *part {
            "SP" | "SU" | "FA" | "WI" => true,
            p if p.len() == 2 && p.starts_with('Q') => in_range(&p[1..], 1, 4),
            p if p.len() == 2 && p.starts_with('H') => in_range(&p[1..], 1, 2),
            p if p.starts_with('W') => week(p),
            p => p.len() == 2 && in_range(p, 1, 12),
        },
        [w, d] if year.len() == 4 && w.starts_with('W') => {
            week(w) && (*d == "WE" || (d.len() == 1 && in_range(d, 1, 7)))
        }
        [m, d] if year.len() == 4 => {
            m.len() == 2 && in_range(m, 1, 12) && d.len() == 2 && in_range(d, 1, 31)
        }
        _ => false,
    };
    // A time of day needs a day: `2021-08-03T15:30`, `XXXX-WXX-2TNI`.
    let has_day = rest.len() == 2 && rest[1] != "WE";
    date_ok && time.is_none_or(|t| has_day && is_time(t))
}

fn week(part: &str) -> bool {
    let n = &part[1..];
    (n.len() == 1 || n.len() == 2) && in_range(n, 1, 53)
}

fn is_time(time: &str) -> bool {
    if matches!(time, "MO" | "AF" | "EV" | "NI" | "DT") {
        return true;
    }
    if !time.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return false;
    }
    let fields: Vec<&str> = time.split(':').collect();
    match fields.as_slice() {
        [h] => h.len() == 2 && in_range(h, 0, 24),
        [h, m] => h.len() == 2 && in_range(h, 0, 24) && m.len() == 2 && in_range(m, 0, 59),
        [h, m, s] => {
            h.len() == 2
                && in_range(h, 0, 24)
                && m.len() == 2
                && in_range(m, 0, 59)
                && s.len() == 2
                && in_range(s, 0, 60)
        }
        _ => false,
    }
}

/// `3Y6M`, `T5H30M`, `XY`, `2WE`: at least one `amount unit` part.
fn is_duration_body(body: &str) -> bool {
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    let date_ok = parts_ok(
        date,
        &[
            "WE", "DE", "CE", "ML", "Y", "M", "W", "D", "Q", "H", "C", "E", "L",
        ],
    );
    let time_ok = time.is_none_or(|t| !t.is_empty() && parts_ok(t, &["H", "M", "S"]));
    date_ok && time_ok && !(date.is_empty() && time.is_none())
}

fn parts_ok(mut s: &str, units: &[&str]) -> bool {
    while !s.is_empty() {
        let amount_len = if s.starts_with('X') {
            1
        } else {
            s.bytes().take_while(u8::is_ascii_digit).count()
        };
        if amount_len == 0 {
            return false;
        }
        s = &s[amount_len..];
        let Some(unit) = units.iter().find(|u| s.starts_with(**u)) else {
            return false;
        };
        s = &s[unit.len()..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_valid_value;

    #[test]
    fn accepts_the_guideline_forms() {
        for value in [
            "2021-08-03",
            "2021-W30",
            "2021-W30-2",
            "2021-W30-WE",
            "2021-08",
            "2021-Q3",
            "2021-H1",
            "2021-SU",
            "199",
            "19",
            "2021",
            "XXXX-WXX-1",
            "XXXX-XX-XX",
            "2021-08-03TMO",
            "2021-08-03T15:30",
            "2021-08-03T24:00",
            "P3D",
            "P1W",
            "PT24H",
            "PXY",
            "P2Y6M",
            "PT5H30M",
            "P1DT12H",
            "PXDE",
            "PAST_REF",
            "PRESENT_REF",
            "FUTURE_REF",
            "XXXX-08-31",
            "XXX",
            "XX",
            "199X",
        ] {
            assert!(is_valid_value(value), "{value}");
        }
    }

    #[test]
    fn rejects_malformed_values() {
        for value in [
            "",
            "P",
            "PT",
            "2021-13",
            "2021-08-32",
            "2021-W54",
            "2021-Q5",
            "21-08-03",
            "2021-8-3",
            "2021-08-03T25:00",
            "P3",
            "PD",
            "PAST",
            "2021-08-03TXX",
            "yesterday",
            "2021-",
        ] {
            assert!(!is_valid_value(value), "{value}");
        }
    }
}
