//! Time values as pacemaker-fenced reads them: intervals
//! (`crm_parse_interval_spec`), pcmk_delay_base / pcmk_delay_max in whole
//! seconds, and pcmk_<action>_timeout read with `atoi` by Pacemaker 2.1.

use std::time::Duration;

/// A time as `crm_parse_interval_spec` reads it: an ISO 8601 duration
/// (`PT5S`) or a number with an optional unit (see `crate::timespec`).
pub fn interval(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if let Some(period) = trimmed.strip_prefix('P') {
        return iso_duration(period)
            .ok_or_else(|| format!("'{text}' is not an ISO 8601 duration such as PT30S"));
    }
    crate::timespec::parse(text).map_err(|e| e.to_string())
}

/// The part of an ISO 8601 duration after `P`: `1DT2H30M`, `T45S`, `2W`.
fn iso_duration(period: &str) -> Option<Duration> {
    const DAY: u64 = 86_400;
    let (date, time) = period.split_once('T').unwrap_or((period, ""));
    let date_units = [
        ('Y', 365 * DAY),
        ('M', 30 * DAY),
        ('W', 7 * DAY),
        ('D', DAY),
    ];
    let time_units = [('H', 3600), ('M', 60), ('S', 1)];
    let seconds = iso_fields(date, &date_units)?.checked_add(iso_fields(time, &time_units)?)?;
    (!period.is_empty() && !period.ends_with('T')).then_some(Duration::from_secs(seconds))
}

/// Sums `<number><unit>` fields written in the order of `units`.
fn iso_fields(text: &str, units: &[(char, u64)]) -> Option<u64> {
    let mut total: u64 = 0;
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let number: u64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        let offset = units[next_unit..].iter().position(|(u, _)| *u == unit)?;
        total = total.checked_add(number.checked_mul(units[next_unit + offset].1)?)?;
        next_unit += offset + 1;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// The fencer keeps delays in whole seconds (`/ 1000`).
pub(crate) fn whole_seconds(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_secs())
}

/// pcmk_delay_max as the fencer reads it: whole seconds, 0 when unreadable.
pub fn delay_max(value: &str) -> Duration {
    interval(value).map(whole_seconds).unwrap_or_default()
}

/// pcmk_delay_base for fencing `node`, as `get_action_delay_base` works it
/// out: entries are split on `;`, space and tab; the first `name:time`
/// entry whose name *starts* `node` (without case) applies; otherwise the
/// first entry, if it is a bare time. Whole seconds; None for no delay.
pub fn delay_base_for(value: &str, node: &str) -> Option<Duration> {
    let entries = delay_entries(value);
    let chosen = entries
        .iter()
        .find_map(|entry| {
            let (name, time) = entry.split_once(':')?;
            let usable =
                !name.is_empty() && !time.is_empty() && starts_with_ignore_case(node, name);
            usable.then_some(time)
        })
        .or_else(|| entries.first().copied())?;
    if chosen.contains(':') {
        return None;
    }
    interval(chosen)
        .ok()
        .map(whole_seconds)
        .filter(|d| !d.is_zero())
}

pub(crate) fn delay_entries(value: &str) -> Vec<&str> {
    value
        .split([';', ' ', '\t'])
        .filter(|e| !e.is_empty())
        .collect()
}

/// The fencer's `strncasecmp(node, name, strlen(name)) == 0`.
pub(crate) fn starts_with_ignore_case(node: &str, prefix: &str) -> bool {
    node.len() >= prefix.len()
        && node.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// pcmk_<action>_timeout as the fencer reads it: with `atoi` (Pacemaker
/// 2.1), so only the leading number counts, in seconds: `2min` is 2 seconds
/// and `500ms` is 500 seconds. None when that number is not positive.
pub fn action_timeout(value: &str) -> Option<Duration> {
    u64::try_from(atoi(value))
        .ok()
        .filter(|&n| n > 0)
        .map(Duration::from_secs)
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    digits
        .chars()
        .map_while(|c| c.to_digit(10))
        .fold(0i64, |n, d| {
            n.saturating_mul(10).saturating_add(i64::from(d))
        })
        * sign
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(interval("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(interval("PT1M30S"), Ok(Duration::from_secs(90)));
        assert_eq!(interval("P1DT1H"), Ok(Duration::from_secs(90_000)));
        for bad in ["P", "PT", "P5", "PT5X", "P1S", "soon", "1.5s"] {
            assert!(interval(bad).is_err(), "{bad}");
        }
        assert_eq!(delay_max("1500ms"), Duration::from_secs(1));
        assert_eq!(delay_max("nonsense"), Duration::ZERO);
    }

    #[test]
    fn delay_base_per_node() {
        let five = Some(Duration::from_secs(5));
        assert_eq!(delay_base_for("node1:5s;node2:0s", "node1"), five);
        assert_eq!(delay_base_for("node1:5s;node2:0s", "node2"), None);
        assert_eq!(delay_base_for("10s", "any"), Some(Duration::from_secs(10)));
        assert_eq!(delay_base_for("node1:5s", "node9"), None);
        // The fencer matches a prefix: node10 gets node1's delay.
        assert_eq!(delay_base_for("node1:5s;node10:0s", "node10"), five);
        assert_eq!(delay_base_for("NODE1:5s", "node1"), five);
        // '=' is no separator here.
        assert_eq!(delay_base_for("node1=5s", "node1"), None);
        // A leading bare time covers the nodes no entry names.
        assert_eq!(delay_base_for("5s;node2:1s", "node3"), five);
    }

    #[test]
    fn timeouts_are_read_with_atoi() {
        assert_eq!(action_timeout("60"), Some(Duration::from_secs(60)));
        assert_eq!(action_timeout("60s"), Some(Duration::from_secs(60)));
        assert_eq!(action_timeout("2min"), Some(Duration::from_secs(2)));
        assert_eq!(action_timeout("500ms"), Some(Duration::from_secs(500)));
        assert_eq!(action_timeout("soon"), None);
        assert_eq!(action_timeout("-5"), None);
    }
}
