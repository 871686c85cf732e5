//! `validate`: a device's parameters against the agent's metadata, the way
//! fencing.py and Pacemaker will read them.

use super::finding::Finding;
use super::metadata::{AgentMetadata, ContentType, Parameter};
use super::pacemaker;

/// Names every fencing.py agent accepts without listing them.
const ALWAYS_KNOWN: &[&str] = &["nodename", "agent"];

/// Parameters the cluster supplies per node, so a device need not set them.
const PER_NODE: &[&str] = &["port", "plug", "nodename", "action"];

/// Values fencing.py still reads as "set" for a boolean (so `0` is on).
pub fn is_false_boolean(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off" | ""
    )
}

/// Checks `params` (name, value in the order given) against `metadata`.
pub fn check_params(metadata: &AgentMetadata, params: &[(String, String)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, (name, value)) in params.iter().enumerate() {
        if value.contains('\n') || value.contains('\0') {
            findings.push(Finding::error(
                "value-newline",
                name.as_str(),
                None,
                format!("the value of {name} contains a newline or NUL: agents read one name=value per line, so it cannot be sent"),
            ));
        }
        if params[i + 1..].iter().any(|(later, _)| later == name) {
            findings.push(Finding::warning(
                "duplicate-parameter",
                name.as_str(),
                None,
                format!("{name} is given more than once: the agent keeps the last value"),
            ));
        }
        if pacemaker::is_special(name) {
            continue;
        }
        match metadata.parameter(name) {
            Some(parameter) => findings.extend(check_value(parameter, value, metadata)),
            None if ALWAYS_KNOWN.contains(&name.as_str()) => {}
            None => findings.push(unknown(name, metadata)),
        }
    }
    findings.extend(missing_required(metadata, params));
    findings.extend(pacemaker::check(params, metadata));
    findings
}

fn unknown(name: &str, metadata: &AgentMetadata) -> Finding {
    if name.starts_with("pcmk_") {
        let known = pacemaker::known_names();
        let hint = crate::suggest::closest(name, known.iter().map(String::as_str))
            .map(|s| format!("; did you mean '{s}'?"))
            .unwrap_or_default();
        return Finding::error(
            "unknown-parameter",
            name,
            None,
            format!("{name} is not a Pacemaker parameter{hint}"),
        );
    }
    let names = metadata
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .chain(ALWAYS_KNOWN.iter().copied());
    let hint = crate::suggest::closest(name, names)
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    Finding::error("unknown-parameter", name, None, format!(
        "{} has no parameter {name}{hint} (the agent would ignore it with a warning; `fencectl metadata -a {}` lists them)",
        metadata.name, metadata.name
    ))
}

fn check_value(parameter: &Parameter, value: &str, metadata: &AgentMetadata) -> Vec<Finding> {
    let name = parameter.name.as_str();
    let mut findings = Vec::new();
    if parameter.deprecated {
        let instead = parameter
            .replaced_by
            .as_deref()
            .map_or_else(String::new, |new| format!(": use {new}"));
        findings.push(Finding::warning(
            "deprecated-parameter",
            name,
            None,
            format!("{name} is a deprecated name{instead} (agents still accept it)"),
        ));
    }
    let bad = |rule: &'static str, message: String| Finding::error(rule, name, None, message);
    match parameter.content_type {
        ContentType::Integer if value.trim().parse::<i64>().is_err() => {
            findings.push(bad(
                "integer",
                format!("{name}={value} is not a whole number"),
            ));
        }
        ContentType::Second
            if value
                .trim()
                .parse::<f64>()
                .map_or(true, |s| s < 0.0 || !s.is_finite()) =>
        {
            findings.push(bad(
                "second",
                format!("{name}={value} is not a number of seconds (e.g. 5 or 2.5)"),
            ));
        }
        ContentType::Boolean if is_false_boolean(value) => {
            findings.push(Finding::warning("false-boolean", name, None, format!(
                "{name}={value} still switches {name} ON in fencing.py agents: leave {name} out to turn it off"
            )));
        }
        ContentType::Boolean
            if !matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            ) =>
        {
            findings.push(bad(
                "boolean",
                format!(
                    "{name}={value} is not a boolean (use 1 to switch it on; leave it out for off)"
                ),
            ));
        }
        ContentType::Select
            if !parameter.options.is_empty() && !parameter.options.iter().any(|o| o == value) =>
        {
            findings.push(bad(
                "select",
                format!(
                    "{name}={value} is not one of {} ({} -> {name})",
                    parameter.options.join(", "),
                    metadata.name
                ),
            ));
        }
        _ => {}
    }
    findings
}

/// Required parameters that are missing. What has a default, and what the
/// cluster supplies per node (plug/port, nodename, action), is not demanded;
/// a deprecated alias satisfies its replacement.
fn missing_required(metadata: &AgentMetadata, params: &[(String, String)]) -> Vec<Finding> {
    let given = |name: &str| params.iter().any(|(k, _)| k == name);
    metadata
        .parameters
        .iter()
        .filter(|p| p.required && !p.deprecated && p.default.is_none() && !given(&p.name))
        .filter_map(|p| {
            let alias = metadata.parameters.iter().find(|old| old.replaced_by.as_deref() == Some(p.name.as_str()) && given(&old.name));
            if alias.is_some() {
                return None;
            }
            if PER_NODE.contains(&p.name.as_str()) {
                return Some(Finding::warning("per-node-parameter", p.name.as_str(), None, format!(
                    "{} is required by the agent; a cluster supplies it for each node (Pacemaker from pcmk_host_map \
                     or the node name, cluster.conf from the node's <device>), so set it only for a device that fences one node",
                    p.name
                )));
            }
            Some(Finding::error("missing-required", p.name.as_str(), None, format!(
                "{} requires {} ({})",
                metadata.name, p.name, p.shortdesc
            )))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn false_booleans() {
        for v in ["0", "false", "No", "off"] {
            assert!(is_false_boolean(v));
        }
        assert!(!is_false_boolean("1"));
    }
}
