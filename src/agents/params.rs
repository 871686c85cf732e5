//! `validate`: a device's parameters against the agent's metadata, the way
//! fencing.py (the library of every fence-agents agent) reads them from
//! stdin, and then Pacemaker's own parameters (see [`crate::pacemaker::check`]).

use super::finding::Finding;
use super::metadata::{AgentMetadata, ContentType, Parameter};
use crate::pacemaker::{self, host_check, params::lookup, version::PacemakerVersion};

/// Names fencing.py accepts without listing them: `nodename` (Pacemaker
/// sends it) and `agent` (cman's libfence sends it).
const ALWAYS_KNOWN: &[&str] = &["nodename", "agent"];

/// Whether fencing.py reads `value` as a false boolean. It still switches
/// the option ON (agents test presence), so a false boolean must be left
/// out, not sent. An empty value is dropped by fencing.py, so it counts too.
pub fn is_false_boolean(value: &str) -> bool {
    matches!(
        as_agent_reads(value).to_ascii_lowercase().as_str(),
        "0" | "false" | "no" | "off" | ""
    )
}

/// Whether fencing.py reads `value` as a true boolean.
pub fn is_true_boolean(value: &str) -> bool {
    matches!(
        as_agent_reads(value).to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// The value as fencing.py reads it from a stdin line: the line is
/// stripped and one pair of surrounding double quotes is removed.
pub fn as_agent_reads(value: &str) -> &str {
    let value = value.trim_end();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// The parameter `name` means to fencing.py, which takes `-` and `_` as the
/// same (`status-file` is `status_file`).
pub fn find_parameter<'a>(metadata: &'a AgentMetadata, name: &str) -> Option<&'a Parameter> {
    metadata.find_parameter(name)
}

/// The name a parameter goes by once aliases are resolved: a deprecated
/// name gives the name that replaces it (`ipaddr` gives `ip`).
fn canonical(metadata: &AgentMetadata, name: &str) -> String {
    match find_parameter(metadata, name) {
        Some(p) => p.replaced_by.clone().unwrap_or_else(|| p.name.clone()),
        None => name.to_string(),
    }
}

/// Checks `params` (name, value in the order given) against `metadata`:
/// each value, what is missing, then Pacemaker's parameters.
pub fn check_params(metadata: &AgentMetadata, params: &[(String, String)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, (name, value)) in params.iter().enumerate() {
        findings.extend(check_line(name, value));
        findings.extend(duplicate(metadata, params, i));
        if pacemaker::params::is_special(name) {
            continue;
        }
        if name.starts_with("pcmk_") {
            findings.push(pacemaker::check::unknown_name(name));
            continue;
        }
        match find_parameter(metadata, name) {
            Some(parameter) => findings.extend(check_value(parameter, value, metadata)),
            None if ALWAYS_KNOWN.contains(&name.as_str()) || name.is_empty() => {}
            None => findings.push(unknown(name, metadata)),
        }
    }
    findings.extend(missing_required(metadata, params));
    findings.extend(pacemaker::check::check(params, metadata));
    findings
}

/// What cannot travel as one `name=value` line.
fn check_line(name: &str, value: &str) -> Option<Finding> {
    if name.is_empty() {
        return Some(Finding::error(
            "empty-name",
            name,
            None,
            "a parameter has no name before its '='",
        ));
    }
    use crate::sys::text;
    if let Some(problem) = text::stdin_name_problem(name) {
        return Some(Finding::error(
            "name-invalid",
            name,
            None,
            format!("parameter {} {problem}", text::escape_controls(name)),
        ));
    }
    text::stdin_value_problem(value).map(|problem| {
        let code = if problem.injects() || value.contains('\0') {
            "value-newline"
        } else {
            "value-control"
        };
        Finding::error(code, name, None, format!("the value of {name} {problem}."))
    })
}

/// A warning on the first of several occurrences of one parameter
/// (aliases included: `ipaddr` and `ip` are one parameter to the agent).
fn duplicate(metadata: &AgentMetadata, params: &[(String, String)], i: usize) -> Option<Finding> {
    let name = &params[i].0;
    let key = canonical(metadata, name);
    let (later, _) = params[i + 1..]
        .iter()
        .rev()
        .find(|(other, _)| canonical(metadata, other) == key)?;
    let message = if later == name {
        format!("{name} is given more than once: the last value wins")
    } else {
        format!(
            "{name} and {later} are the same parameter to the agent: the last one ({later}) wins"
        )
    };
    Some(Finding::warning(
        "duplicate-parameter",
        name.as_str(),
        None,
        message,
    ))
}

fn unknown(name: &str, metadata: &AgentMetadata) -> Finding {
    let names = metadata
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .chain(ALWAYS_KNOWN.iter().copied());
    // Suggest the current name, not a deprecated one (passwdd -> password).
    let hint = crate::suggest::closest(name, names)
        .map(|s| canonical(metadata, s))
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    let agent = &metadata.name;
    let message = format!(
        "{agent} has no parameter {name}{hint} (the agent would ignore it with a warning; \
         `fencectl metadata -a {agent}` lists them)"
    );
    Finding::error("unknown-parameter", name, None, message)
}

/// One value against its parameter's metadata, as fencing.py checks it.
fn check_value(parameter: &Parameter, raw: &str, metadata: &AgentMetadata) -> Vec<Finding> {
    let value = as_agent_reads(raw);
    let mut findings: Vec<Finding> = deprecated(parameter).into_iter().collect();
    let finding = match parameter.content_type {
        ContentType::Integer => check_integer(parameter, value),
        ContentType::Second => check_second(parameter, value),
        ContentType::Boolean => check_boolean(parameter, value),
        ContentType::Select => check_select(parameter, value, metadata),
        _ if parameter.name == "action" => check_action(value, metadata),
        _ if value.is_empty() => Some(Finding::warning(
            "empty-value",
            parameter.name.as_str(),
            None,
            format!(
                "{} is empty: the agent takes it as set, to nothing",
                parameter.name
            ),
        )),
        _ => None,
    };
    findings.extend(finding);
    findings
}

fn deprecated(parameter: &Parameter) -> Option<Finding> {
    let name = parameter.name.as_str();
    parameter.deprecated.then(|| {
        let instead = parameter
            .replaced_by
            .as_deref()
            .map_or_else(String::new, |new| format!(": use {new}"));
        Finding::warning(
            "deprecated-parameter",
            name,
            None,
            format!("{name} is a deprecated name{instead} (agents still accept it)"),
        )
    })
}

/// fencing.py checks integers with Python's `int()`.
fn check_integer(parameter: &Parameter, value: &str) -> Option<Finding> {
    let name = parameter.name.as_str();
    value.trim().parse::<i64>().is_err().then(|| {
        Finding::error(
            "integer",
            name,
            None,
            format!("{name}={value} is not a whole number"),
        )
    })
}

/// Seconds are whole: fencing.py checks them with `int()` too, so `2.5`
/// fails validate-all.
fn check_second(parameter: &Parameter, value: &str) -> Option<Finding> {
    let name = parameter.name.as_str();
    let ok = value.trim().parse::<i64>().is_ok_and(|s| s >= 0);
    (!ok).then(|| {
        Finding::error(
            "second",
            name,
            None,
            format!(
                "{name}={value} is not a whole number of seconds \
                 (agents refuse fractions and units)"
            ),
        )
    })
}

fn check_boolean(parameter: &Parameter, value: &str) -> Option<Finding> {
    let name = parameter.name.as_str();
    let (rule, message) = if value.is_empty() {
        (
            "false-boolean",
            format!("{name} is empty: the agent ignores it"),
        )
    } else if is_false_boolean(value) {
        let message = format!(
            "{name}={value} still switches {name} ON in fencing.py agents: leave {name} out \
             to turn it off (fencectl leaves it out when it runs the agent)"
        );
        ("false-boolean", message)
    } else if !is_true_boolean(value) {
        let message = format!(
            "{name}={value} is not a boolean: the agent ignores it \
             (use 1 to switch it on; leave it out for off)"
        );
        ("boolean", message)
    } else {
        return None;
    };
    Some(match rule {
        "boolean" => Finding::error(rule, name, None, message),
        _ => Finding::warning(rule, name, None, message),
    })
}

/// Choices compare without case in fencing.py.
fn check_select(parameter: &Parameter, value: &str, metadata: &AgentMetadata) -> Option<Finding> {
    let name = parameter.name.as_str();
    let options = &parameter.options;
    let ok = options.is_empty() || options.iter().any(|o| o.eq_ignore_ascii_case(value));
    (!ok).then(|| {
        Finding::error(
            "select",
            name,
            None,
            format!(
                "{name}={value} is not one of {} ({} -> {name})",
                options.join(", "),
                metadata.name
            ),
        )
    })
}

/// `action` must be one the agent has: fencing.py fails on any other.
fn check_action(value: &str, metadata: &AgentMetadata) -> Option<Finding> {
    (!metadata.has_action(value)).then(|| {
        let actions: Vec<&str> = metadata.actions.iter().map(|a| a.name.as_str()).collect();
        Finding::error(
            "action",
            "action",
            None,
            format!(
                "action={value}: {} has no such action (it has {})",
                metadata.name,
                actions.join(", ")
            ),
        )
    })
}

/// Required parameters that are missing. What has a default is not
/// demanded (every agent marks `action` required, with a default), nor is
/// the parameter through which the cluster names the node; a deprecated
/// alias satisfies its replacement.
fn missing_required(metadata: &AgentMetadata, params: &[(String, String)]) -> Vec<Finding> {
    let given: Vec<String> = params.iter().map(|(n, _)| canonical(metadata, n)).collect();
    // The version matters little here: port and plug are one parameter.
    let per_node = host_check::host_argument(
        &metadata.name,
        params,
        Some(metadata),
        PacemakerVersion::DEFAULT,
    )
    .map(|arg| canonical(metadata, &arg));
    metadata
        .parameters
        .iter()
        .filter(|p| p.required && !p.deprecated && p.default.is_none() && p.name != "action")
        .filter(|p| !given.contains(&p.name))
        .filter_map(|p| {
            if per_node.as_deref() == Some(p.name.as_str()) {
                return per_node_note(p, params);
            }
            Some(missing(p, metadata, params))
        })
        .collect()
}

/// The cluster fills in the node's parameter; worth a word only when it
/// will be the bare node name.
fn per_node_note(parameter: &Parameter, params: &[(String, String)]) -> Option<Finding> {
    if lookup(params, "pcmk_host_map").is_some() {
        return None;
    }
    let name = parameter.name.as_str();
    let message = format!(
        "{name} is required by the agent and the cluster supplies it per node: Pacemaker sends \
         the node's name (set pcmk_host_map if the device knows the nodes by other names or \
         numbers), cluster.conf the node's <device {name}=...>"
    );
    Some(Finding::warning("per-node-parameter", name, None, message))
}

fn missing(
    parameter: &Parameter,
    metadata: &AgentMetadata,
    params: &[(String, String)],
) -> Finding {
    let name = parameter.name.as_str();
    let why = if lookup(params, "pcmk_host_argument")
        .is_some_and(|a| a.eq_ignore_ascii_case("none"))
        && matches!(name, "plug" | "port")
    {
        " (pcmk_host_argument=none: the cluster will not supply it)"
    } else {
        ""
    };
    Finding::error(
        "missing-required",
        name,
        None,
        format!(
            "{} requires {name} ({}){why}",
            metadata.name, parameter.shortdesc
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_fencing_py_reads_them() {
        for v in ["0", "false", "No", "off", "\"0\"", ""] {
            assert!(is_false_boolean(v), "{v}");
        }
        for v in ["1", "TRUE", "yes", "on", "\"1\""] {
            assert!(is_true_boolean(v), "{v}");
        }
        assert!(!is_false_boolean("1"));
        assert!(!is_true_boolean("maybe"));
        assert_eq!(as_agent_reads("\"a b\"  "), "a b");
        assert_eq!(as_agent_reads("\"a"), "\"a");
    }
}
