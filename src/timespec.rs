//! Durations as Pacemaker writes them (`crm_get_msec`): an integer with an
//! optional unit, seconds when none is given.

use std::fmt;
use std::time::Duration;

/// Why a duration did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDuration(pub String);

impl fmt::Display for BadDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not a duration: use a whole number with an optional unit \
             (ms, s, m, h; seconds when none), e.g. 30s or 500ms",
            self.0
        )
    }
}

impl std::error::Error for BadDuration {}

/// Parses `10`, `10s`, `10sec`, `500ms`, `2m`, `2min`, `1h`, `1hr`, `250us`.
pub fn parse(text: &str) -> Result<Duration, BadDuration> {
    let bad = || BadDuration(text.to_string());
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    if digits_end == 0 {
        return Err(bad());
    }
    let number: u64 = trimmed[..digits_end].parse().map_err(|_| bad())?;
    let unit = trimmed[digits_end..].trim().to_ascii_lowercase();
    let millis_per_unit: u64 = match unit.as_str() {
        "" | "s" | "sec" => 1000,
        "ms" | "msec" => 1,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        "us" | "usec" => return Ok(Duration::from_micros(number)),
        _ => return Err(bad()),
    };
    number
        .checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or_else(bad)
}

/// Formats a duration the short way people write it: `10s`, `1500ms`, `2m`.
pub fn format(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis % 60_000 == 0 && millis >= 60_000 {
        format!("{}m", millis / 60_000)
    } else if millis % 1000 == 0 {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2min").unwrap(), Duration::from_secs(120));
        assert_eq!(parse("1H").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse(" 3 s ").unwrap(), Duration::from_secs(3));
    }

    #[test]
    fn rejects() {
        for text in ["", "s", "1.5s", "-1", "10 parsecs", "99999999999999999999h"] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(format(Duration::from_secs(10)), "10s");
        assert_eq!(format(Duration::from_secs(120)), "2m");
        assert_eq!(format(Duration::from_millis(1500)), "1500ms");
    }
}
