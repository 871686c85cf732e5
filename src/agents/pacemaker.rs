//! Pacemaker's own device parameters (pcmk_host_map, pcmk_host_list,
//! pcmk_host_check, pcmk_delay_*, pcmk_<action>_*...): their grammar as
//! pacemaker-fenced reads it, and the checks no other tool makes.

use std::time::Duration;

use super::finding::Finding;
use super::metadata::AgentMetadata;

/// The host checks Pacemaker knows.
pub const HOST_CHECKS: &[&str] = &["static-list", "dynamic-list", "status", "none"];

/// The actions `pcmk_<action>_action|timeout|retries` may name.
pub const ACTIONS: &[&str] = &["reboot", "off", "on", "status", "list", "monitor"];

/// Pacemaker's fixed special parameter names (besides the per-action ones).
pub const SPECIAL: &[&str] = &[
    "pcmk_host_map",
    "pcmk_host_list",
    "pcmk_host_check",
    "pcmk_host_argument",
    "pcmk_delay_base",
    "pcmk_delay_max",
    "pcmk_action_limit",
];

/// Whether Pacemaker keeps `name` for itself and never sends it to the
/// agent (`pcmk_stonith_param` in lib/fencing/st_client.c).
pub fn is_special(name: &str) -> bool {
    if matches!(name, "provides" | "stonith-timeout") || SPECIAL.contains(&name) {
        return true;
    }
    name.strip_prefix("pcmk_").is_some_and(|rest| {
        ["_action", "_timeout", "_retries"]
            .iter()
            .any(|suffix| rest.ends_with(suffix) && rest.len() > suffix.len())
    })
}

/// pcmk_host_list: names separated by whitespace, `,` or `;`.
pub fn parse_host_list(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// pcmk_host_map: `node:value` or `node=value` entries separated by `;`,
/// spaces or tabs; `\` escapes the next character; `,` is part of a value
/// (`node2:2,3` gives the agent "2,3").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostMap {
    pub entries: Vec<(String, String)>,
}

impl HostMap {
    /// Parses a map, refusing entries Pacemaker would not understand.
    pub fn parse(value: &str) -> Result<HostMap, String> {
        let mut entries = Vec::new();
        for entry in split_entries(value) {
            let Some((name, mapped)) = split_pair(&entry) else {
                return Err(format!(
                    "entry '{}' has no ':' or '=' (write node:plug, entries separated by ';')",
                    unescape(&entry)
                ));
            };
            if name.is_empty() || mapped.is_empty() {
                return Err(format!(
                    "entry '{}' needs both a node and a value (node:plug)",
                    unescape(&entry)
                ));
            }
            entries.push((name, mapped));
        }
        Ok(HostMap { entries })
    }

    /// Parses leniently: malformed entries are skipped, as the fencer skips them.
    pub fn parse_lenient(value: &str) -> HostMap {
        let entries = split_entries(value)
            .iter()
            .filter_map(|e| split_pair(e))
            .collect();
        HostMap { entries }
    }

    /// The value for `node` (the last entry wins).
    pub fn get(&self, node: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| n == node)
            .map(|(_, v)| v.as_str())
    }

    pub fn nodes(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

/// Escaped characters are kept as `\0` + char until the pair is split.
const ESCAPE: char = '\u{0}';

fn split_entries(value: &str) -> Vec<String> {
    let mut entries = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    let entry = entries.last_mut().expect("never empty");
                    entry.push(ESCAPE);
                    entry.push(next);
                }
            }
            ';' | ' ' | '\t' | '\n' => entries.push(String::new()),
            _ => entries.last_mut().expect("never empty").push(c),
        }
    }
    entries.retain(|e| !e.is_empty());
    entries
}

fn split_pair(entry: &str) -> Option<(String, String)> {
    let mut previous = None;
    let at = entry.char_indices().find(|&(_, c)| {
        let separator = (c == ':' || c == '=') && previous != Some(ESCAPE);
        previous = Some(c);
        separator
    })?;
    Some((unescape(&entry[..at.0]), unescape(&entry[at.0 + 1..])))
}

fn unescape(text: &str) -> String {
    text.replace(ESCAPE, "")
}

/// pcmk_delay_base: one time for every node, or a per-node map of times.
pub fn delay_base_for(value: &str, node: &str) -> Option<Duration> {
    if value.contains(':') || value.contains('=') {
        HostMap::parse_lenient(value)
            .get(node)
            .and_then(|v| crate::timespec::parse(v).ok())
    } else {
        crate::timespec::parse(value).ok()
    }
}

/// Checks every Pacemaker parameter in `params` (agent parameters are
/// `params::check_params`'s business).
pub fn check(params: &[(String, String)], metadata: &AgentMetadata) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (name, v) in params
        .iter()
        .filter(|(k, _)| is_special(k) || k.starts_with("pcmk_"))
    {
        if let Some(finding) = check_one(name, v, metadata, params) {
            findings.push(finding);
        }
    }
    if let (Some(base), Some(max)) = (
        lookup(params, "pcmk_delay_base"),
        lookup(params, "pcmk_delay_max"),
    ) {
        let max = crate::timespec::parse(max).ok();
        let bases: Vec<Duration> = if base.contains(':') || base.contains('=') {
            HostMap::parse_lenient(base)
                .entries
                .iter()
                .filter_map(|(_, v)| crate::timespec::parse(v).ok())
                .collect()
        } else {
            crate::timespec::parse(base).ok().into_iter().collect()
        };
        if let Some(max) = max {
            if bases.iter().any(|b| *b > max) {
                findings.push(error("pcmk_delay_base", "delay-base-over-max", format!(
                    "pcmk_delay_base ({base}) is larger than pcmk_delay_max ({}): the random delay must lie between them",
                    crate::timespec::format(max)
                )));
            }
        }
    }
    findings
}

/// The value of `name` in `params` (the last one wins, as in the agent).
pub fn lookup<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn error(name: &str, rule: &'static str, message: String) -> Finding {
    Finding::error(rule, name, None, message)
}

fn check_one(
    name: &str,
    value: &str,
    metadata: &AgentMetadata,
    params: &[(String, String)],
) -> Option<Finding> {
    let time_ok = |v: &str| crate::timespec::parse(v).is_ok();
    match name {
        "pcmk_host_map" => HostMap::parse(value)
            .err()
            .map(|why| error(name, "host-map", format!("pcmk_host_map: {why}"))),
        "pcmk_host_list" => parse_host_list(value)
            .is_empty()
            .then(|| error(name, "host-list", "pcmk_host_list names no node".into())),
        "pcmk_host_check" => check_host_check(value, metadata, params),
        "pcmk_host_argument" => {
            let known = value.eq_ignore_ascii_case("none") || metadata.parameter(value).is_some();
            (!known).then(|| {
                let hint = suggestion(value, metadata.parameters.iter().map(|p| p.name.as_str()));
                error(name, "host-argument", format!(
                    "pcmk_host_argument={value} is not a parameter of {}{hint} (use a parameter such as plug or port, or none)",
                    metadata.name
                ))
            })
        }
        "pcmk_delay_base" => {
            let ok = if value.contains(':') || value.contains('=') {
                HostMap::parse(value).is_ok_and(|m| m.entries.iter().all(|(_, v)| time_ok(v)))
            } else {
                time_ok(value)
            };
            (!ok).then(|| error(name, "time", format!(
                "pcmk_delay_base={value} is neither a time (5s) nor a per-node map of times (node1:5s;node2:0s)"
            )))
        }
        "pcmk_delay_max" | "stonith-timeout" => (!time_ok(value)).then(|| {
            error(
                name,
                "time",
                format!("{name}={value} is not a time such as 30s or 2min"),
            )
        }),
        "pcmk_action_limit" => {
            let ok = value.trim().parse::<i64>().is_ok_and(|n| n == -1 || n > 0);
            (!ok).then(|| {
                error(
                    name,
                    "action-limit",
                    format!(
                "pcmk_action_limit={value} must be a whole number: -1 (no limit) or 1 and up"
            ),
                )
            })
        }
        "provides" => (value != "unfencing").then(|| {
            Finding::warning(
                "provides",
                name,
                None,
                format!("provides={value}: Pacemaker knows only provides=unfencing"),
            )
        }),
        _ => check_per_action(name, value, metadata),
    }
}

fn check_host_check(
    value: &str,
    metadata: &AgentMetadata,
    params: &[(String, String)],
) -> Option<Finding> {
    let name = "pcmk_host_check";
    if !HOST_CHECKS.contains(&value) {
        let hint = suggestion(value, HOST_CHECKS.iter().copied());
        return Some(error(
            name,
            "host-check",
            format!(
                "pcmk_host_check={value} is not one of {}{hint}",
                HOST_CHECKS.join(", ")
            ),
        ));
    }
    let has_lists =
        lookup(params, "pcmk_host_list").is_some() || lookup(params, "pcmk_host_map").is_some();
    match value {
        "static-list" if !has_lists => Some(error(name, "host-check", 
            "pcmk_host_check=static-list needs pcmk_host_list or pcmk_host_map: without them the device fences no node".into())),
        "dynamic-list" if !metadata.has_action("list") => Some(error(name, "host-check", format!(
            "pcmk_host_check=dynamic-list needs the agent's list action, and {} has none", metadata.name
        ))),
        "status" if !metadata.has_action("status") => Some(error(name, "host-check", format!(
            "pcmk_host_check=status needs the agent's status action, and {} has none", metadata.name
        ))),
        _ => None,
    }
}

/// pcmk_<action>_action, pcmk_<action>_timeout, pcmk_<action>_retries, and
/// unknown pcmk_ names.
fn check_per_action(name: &str, value: &str, metadata: &AgentMetadata) -> Option<Finding> {
    let rest = name.strip_prefix("pcmk_")?;
    let (action, kind) = ["_action", "_timeout", "_retries"]
        .iter()
        .find_map(|suffix| rest.strip_suffix(suffix).map(|a| (a, *suffix)))
        .filter(|(action, _)| ACTIONS.contains(action))?;
    match kind {
        "_timeout" => crate::timespec::parse(value).is_err().then(|| {
            error(
                name,
                "time",
                format!("{name}={value} is not a time such as 60s or 5min"),
            )
        }),
        "_retries" => value.trim().parse::<u32>().is_err().then(|| {
            error(
                name,
                "retries",
                format!("{name}={value} must be a whole number of retries (0 or more)"),
            )
        }),
        _ if value.trim().is_empty() => Some(error(
            name,
            "action",
            format!("{name} is empty: name the agent action to run for {action}"),
        )),
        _ => (!metadata.has_action(value)).then(|| {
            Finding::warning(
                "action",
                name,
                None,
                format!(
                    "{name}={value}: {} has no action called {value}",
                    metadata.name
                ),
            )
        }),
    }
}

/// Every special name, for "did you mean" on unknown pcmk_ names.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = SPECIAL.iter().map(|s| s.to_string()).collect();
    for action in ACTIONS {
        for suffix in ["action", "timeout", "retries"] {
            names.push(format!("pcmk_{action}_{suffix}"));
        }
    }
    names
}

fn suggestion<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    crate::suggest::closest(wanted, candidates)
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_map_grammar() {
        let map = HostMap::parse("node1:1;node2=2,3 node3:a\\:b\tnode4:4").unwrap();
        assert_eq!(map.get("node2"), Some("2,3"));
        assert_eq!(map.get("node3"), Some("a:b"));
        assert_eq!(map.get("node4"), Some("4"));
        assert!(HostMap::parse("node1").is_err());
        assert!(HostMap::parse("node1:").is_err());
        assert!(HostMap::parse(":x").is_err());
        assert_eq!(HostMap::parse("").unwrap().entries.len(), 0);
        assert_eq!(HostMap::parse_lenient("bad;n:1").get("n"), Some("1"));
    }

    #[test]
    fn host_lists_and_special_names() {
        assert_eq!(parse_host_list("a, b;c\td"), ["a", "b", "c", "d"]);
        for name in [
            "pcmk_host_list",
            "pcmk_reboot_action",
            "pcmk_off_timeout",
            "pcmk_status_retries",
            "provides",
        ] {
            assert!(is_special(name), "{name}");
        }
        for name in ["ip", "pcmk_unknown", "port", "pcmk__action"] {
            assert!(!is_special(name), "{name}");
        }
    }

    #[test]
    fn delay_base_per_node() {
        assert_eq!(
            delay_base_for("node1:5s;node2:0s", "node1"),
            Some(Duration::from_secs(5))
        );
        assert_eq!(delay_base_for("10s", "any"), Some(Duration::from_secs(10)));
        assert_eq!(delay_base_for("node1:5s", "node9"), None);
    }
}
