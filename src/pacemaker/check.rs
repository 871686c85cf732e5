//! `validate`'s checks of Pacemaker's own device parameters: where the
//! fencer reads a value differently from how it was most likely meant.

use std::time::Duration;

use super::host_check::{effective_host_check, host_argument, HostCheck};
use super::hosts::{host_list_problems, HostMap};
use super::params::{is_special, known_names, lookup, split_per_action, ACTIONS};
use super::selection::StaticList;
use super::time::{
    action_timeout, delay_entries, delay_max, interval, starts_with_ignore_case, whole_seconds,
};
use super::version::PacemakerVersion;
use super::Problem;
use crate::agents::finding::Finding;
use crate::agents::metadata::AgentMetadata;

/// The device as the checks see it: its parameters and its agent.
struct Device<'a> {
    params: &'a [(String, String)],
    metadata: &'a AgentMetadata,
}

impl Device<'_> {
    /// The value of `name` (the last one wins).
    fn get(&self, name: &str) -> Option<&str> {
        lookup(self.params, name)
    }

    /// The nodes the device names in pcmk_host_list and pcmk_host_map.
    fn named_nodes(&self) -> Vec<String> {
        StaticList::of(self.params).names()
    }

    /// Whether the agent can run the fencer's `action`, through its
    /// `pcmk_<action>_action` override if there is one.
    fn can_run(&self, action: &str) -> bool {
        let name = self.get(&format!("pcmk_{action}_action")).unwrap_or(action);
        self.metadata.has_action(name)
    }
}

/// Checks every Pacemaker parameter in `params` (the agent's own are
/// `params::check_params`'s business).
pub fn check(params: &[(String, String)], metadata: &AgentMetadata) -> Vec<Finding> {
    let device = Device { params, metadata };
    let mut findings: Vec<Finding> = params
        .iter()
        .filter(|(name, _)| is_special(name))
        .flat_map(|(name, value)| check_one(name, value, &device))
        .collect();
    findings.extend(check_host_check(&device));
    findings.extend(check_fixed_target(&device));
    findings.extend(check_delays(&device));
    findings.extend(check_device_action(&device));
    findings
}

/// A `pcmk_` name Pacemaker does not know: it goes to the agent, which
/// ignores it.
pub fn unknown_name(name: &str) -> Finding {
    let known = known_names();
    let hint = suggestion(name, known.iter().map(String::as_str));
    Finding::error(
        "unknown-parameter",
        name,
        None,
        format!(
            "{name} is not a Pacemaker parameter, so Pacemaker passes it to the agent, \
             which ignores it{hint}"
        ),
    )
}

fn into_finding(problem: Problem, name: &str, rule: &'static str) -> Finding {
    let message = format!("{name}: {}", problem.message);
    if problem.serious {
        Finding::error(rule, name, None, message)
    } else {
        Finding::warning(rule, name, None, message)
    }
}

fn error(name: &str, rule: &'static str, message: String) -> Finding {
    Finding::error(rule, name, None, message)
}

fn warning(name: &str, rule: &'static str, message: String) -> Finding {
    Finding::warning(rule, name, None, message)
}

fn check_one(name: &str, value: &str, device: &Device<'_>) -> Vec<Finding> {
    match name {
        "pcmk_host_map" => check_host_map(value),
        "pcmk_host_list" => findings_of(host_list_problems(value), name, "host-list"),
        "pcmk_host_check" => check_host_check_value(value).into_iter().collect(),
        "pcmk_host_argument" => check_host_argument(value, device.metadata)
            .into_iter()
            .collect(),
        "pcmk_delay_base" => check_delay_base(value, device),
        "pcmk_delay_max" => check_delay_max(value),
        "pcmk_action_limit" => check_action_limit(value).into_iter().collect(),
        "provides" => (!value.eq_ignore_ascii_case("unfencing"))
            .then(|| {
                warning(
                    name,
                    "provides",
                    format!("provides={value}: Pacemaker knows only provides=unfencing"),
                )
            })
            .into_iter()
            .collect(),
        "stonith-timeout" => vec![warning(
            name,
            "stonith-timeout",
            "stonith-timeout on a device is ignored by Pacemaker 2: \
             use pcmk_reboot_timeout and pcmk_off_timeout (whole seconds)"
                .into(),
        )],
        _ => check_per_action(name, value, device),
    }
}

fn findings_of(problems: Vec<Problem>, name: &str, rule: &'static str) -> Vec<Finding> {
    problems
        .into_iter()
        .map(|p| into_finding(p, name, rule))
        .collect()
}

fn check_host_map(value: &str) -> Vec<Finding> {
    let (map, problems) = HostMap::read(value);
    let mut findings = findings_of(problems, "pcmk_host_map", "host-map");
    if map.entries.is_empty() && findings.is_empty() {
        let message = "pcmk_host_map maps no node: the device then fences nothing \
                       (a set pcmk_host_map makes static-list the default check)";
        findings.push(error("pcmk_host_map", "host-map", message.into()));
    }
    findings
}

fn check_host_check_value(value: &str) -> Option<Finding> {
    let names = HostCheck::ALL.map(HostCheck::as_str);
    HostCheck::parse(value).is_none().then(|| {
        let hint = suggestion(value, names);
        error(
            "pcmk_host_check",
            "host-check",
            format!(
                "pcmk_host_check={value} is not one of {}{hint}; \
                 the fencer then fences nothing with this device",
                names.join(", ")
            ),
        )
    })
}

fn check_host_argument(value: &str, metadata: &AgentMetadata) -> Option<Finding> {
    let known = value.eq_ignore_ascii_case("none") || metadata.find_parameter(value).is_some();
    (!known).then(|| {
        let hint = suggestion(value, metadata.parameters.iter().map(|p| p.name.as_str()));
        let message = format!(
            "pcmk_host_argument={value} is not a parameter of {}{hint} \
             (name the parameter that takes the node, such as plug or port, or none)",
            metadata.name
        );
        error("pcmk_host_argument", "host-argument", message)
    })
}

/// The chosen host check against what the device and its agent offer.
fn check_host_check(device: &Device<'_>) -> Vec<Finding> {
    let name = "pcmk_host_check";
    let check = effective_host_check(device.params, Some(device.metadata));
    let listed = device.get("pcmk_host_list").is_some() || device.get("pcmk_host_map").is_some();
    let chosen = device.get(name).is_some();
    let agent = &device.metadata.name;
    let problem = match check {
        Ok(HostCheck::StaticList) if !listed => Some(
            "pcmk_host_check=static-list needs pcmk_host_list or pcmk_host_map: \
             without them the device fences no node"
                .to_string(),
        ),
        Ok(HostCheck::DynamicList) if chosen && !device.can_run("list") => Some(format!(
            "pcmk_host_check=dynamic-list runs the agent's list action, and {agent} has none \
             (use static-list with pcmk_host_list)"
        )),
        Ok(HostCheck::Status) if chosen && !device.can_run("status") => Some(format!(
            "pcmk_host_check=status runs the agent's status action, and {agent} has none"
        )),
        _ => None,
    };
    let mut findings: Vec<Finding> = problem
        .map(|message| error(name, "host-check", message))
        .into_iter()
        .collect();
    let ignored = check.ok().filter(|c| *c != HostCheck::StaticList);
    if let (true, Some(check)) = (device.get("pcmk_host_list").is_some(), ignored) {
        findings.push(warning(
            "pcmk_host_list",
            "host-list",
            format!(
                "pcmk_host_list is ignored with pcmk_host_check={check}: \
             the fencer uses the list only for static-list"
            ),
        ));
    }
    findings
}

/// A device that fences several nodes but sets the target parameter itself
/// sends the same plug for every node.
fn check_fixed_target(device: &Device<'_>) -> Option<Finding> {
    let argument = host_argument(
        &device.metadata.name,
        device.params,
        Some(device.metadata),
        PacemakerVersion::DEFAULT,
    )?;
    let names = target_names(&argument, device.metadata);
    let (name, value) = names
        .iter()
        .find_map(|n| device.get(n).map(|v| (n.as_str(), v)))?;
    let several = device.get("pcmk_host_map").is_some() || device.named_nodes().len() > 1;
    let fixed = !value.eq_ignore_ascii_case("dynamic");
    (several && fixed).then(|| {
        let message = format!(
            "{name} is set, so the fencer does not fill in the node: every node this device \
             fences gets {name}={value} and pcmk_host_map is not used for it; \
             leave {name} out (or set it to dynamic)"
        );
        warning(name, "fixed-target", message)
    })
}

/// The host argument and the names that mean the same to the agent
/// (`port` and its replacement `plug`).
fn target_names(argument: &str, metadata: &AgentMetadata) -> Vec<String> {
    let mut names = vec![argument.to_string()];
    if let Some(p) = metadata.parameter(argument) {
        names.extend(p.replaced_by.iter().chain(p.obsoletes.iter()).cloned());
    }
    names
}

fn check_delay_max(value: &str) -> Vec<Finding> {
    let name = "pcmk_delay_max";
    match interval(value) {
        Err(why) => vec![error(
            name,
            "time",
            format!("pcmk_delay_max: {why}; the fencer then uses no random delay"),
        )],
        Ok(time) => subsecond(name, value, time).into_iter().collect(),
    }
}

fn subsecond(name: &str, value: &str, time: Duration) -> Option<Finding> {
    (time.subsec_nanos() != 0).then(|| {
        warning(
            name,
            "time",
            format!(
                "{name}={value}: the fencer counts delays in whole seconds, so this is {}s",
                time.as_secs()
            ),
        )
    })
}

fn check_delay_base(value: &str, device: &Device<'_>) -> Vec<Finding> {
    let name = "pcmk_delay_base";
    if !value.contains(':') {
        return match interval(value) {
            Ok(time) => subsecond(name, value, time).into_iter().collect(),
            Err(why) => {
                let hint = if value.contains('=') {
                    " (a per-node map is written node1:5s;node2:0s, with ':' only)"
                } else {
                    ""
                };
                vec![error(
                    name,
                    "time",
                    format!("pcmk_delay_base: {why}{hint}; the fencer then uses no delay"),
                )]
            }
        };
    }
    let mut findings: Vec<Finding> = delay_entries(value)
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| delay_entry_problem(i, entry))
        .map(|p| into_finding(p, name, "time"))
        .collect();
    findings.extend(prefix_collisions(value, device));
    findings
}

fn delay_entry_problem(index: usize, entry: &str) -> Option<Problem> {
    let Some((node, time)) = entry.split_once(':') else {
        return Some(match (index, interval(entry)) {
            (0, Ok(_)) => Problem::doubtful(format!(
                "'{entry}' (no node) is the delay for nodes no entry names; \
                 this is undocumented, better give every node its entry"
            )),
            _ if entry.contains('=') => Problem::serious(format!(
                "entry '{entry}': per-node delays are written node:time, with ':' only; \
                 the fencer ignores this entry"
            )),
            _ => Problem::serious(format!(
                "entry '{entry}' is not node:time; the fencer ignores it"
            )),
        });
    };
    if node.is_empty() || time.is_empty() {
        return Some(Problem::serious(format!(
            "entry '{entry}' needs both a node and a time (node1:5s); the fencer ignores it"
        )));
    }
    let problem = match interval(time) {
        Err(_) if time.contains(':') => Problem::serious(format!(
            "entry '{entry}' has more than one ':'; the fencer then uses no delay for {node}"
        )),
        Err(why) => Problem::serious(format!(
            "entry '{entry}': {why}; the fencer then uses no delay for {node}"
        )),
        Ok(duration) if duration.subsec_nanos() != 0 => Problem::doubtful(format!(
            "entry '{entry}': the fencer counts delays in whole seconds, so this is {}s",
            duration.as_secs()
        )),
        Ok(_) => return None,
    };
    Some(problem)
}

/// The fencer picks the first entry whose name *starts* the node's name, so
/// `node1:5s;node10:0s` gives node10 five seconds.
fn prefix_collisions(value: &str, device: &Device<'_>) -> Vec<Finding> {
    let entries: Vec<&str> = delay_entries(value)
        .into_iter()
        .filter_map(|e| e.split_once(':').map(|(n, _)| n))
        .filter(|n| !n.is_empty())
        .collect();
    let mut nodes: Vec<String> = entries.iter().map(|n| n.to_string()).collect();
    nodes.extend(device.named_nodes());
    nodes.sort_by_key(|n| n.to_ascii_lowercase());
    nodes.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    nodes
        .iter()
        .filter_map(|node| {
            let first = entries.iter().find(|e| starts_with_ignore_case(node, e))?;
            if first.eq_ignore_ascii_case(node) {
                return None;
            }
            let message = format!(
                "fencing {node} would use the delay of '{first}': the fencer compares only \
                 the first {} characters of the node name; put {node}'s entry before {first}'s",
                first.len()
            );
            Some(warning("pcmk_delay_base", "delay-base-prefix", message))
        })
        .collect()
}

/// pcmk_delay_base against pcmk_delay_max, in the fencer's whole seconds.
fn check_delays(device: &Device<'_>) -> Option<Finding> {
    let base = device.get("pcmk_delay_base")?;
    let max = delay_max(device.get("pcmk_delay_max")?);
    if max.is_zero() {
        // No random delay: the fencer then uses the base alone.
        return None;
    }
    let bases: Vec<Duration> = if base.contains(':') {
        delay_entries(base)
            .iter()
            .filter_map(|e| e.split_once(':'))
            .filter_map(|(_, time)| interval(time).ok().map(whole_seconds))
            .collect()
    } else {
        interval(base).ok().map(whole_seconds).into_iter().collect()
    };
    bases.iter().any(|b| *b > max).then(|| {
        let message = format!(
            "pcmk_delay_base ({base}) is larger than pcmk_delay_max ({}): the fencer cuts \
             the delay down to pcmk_delay_max, so the base delay is lost",
            crate::timespec::format(max)
        );
        error("pcmk_delay_base", "delay-base-over-max", message)
    })
}

fn check_action_limit(value: &str) -> Option<Finding> {
    let name = "pcmk_action_limit";
    match value.trim().parse::<i64>() {
        Ok(n) if n == -1 || n > 0 => None,
        Ok(n) if n < -1 => Some(warning(
            name,
            "action-limit",
            format!(
                "pcmk_action_limit={n}: any negative number means no limit, -1 says it plainly"
            ),
        )),
        _ => Some(error(
            name,
            "action-limit",
            format!(
                "pcmk_action_limit={value} must be a whole number, -1 (no limit) or 1 and up; \
                 the fencer reads anything else as 1"
            ),
        )),
    }
}

/// `action=` on a Pacemaker device: the fencer never passes it on.
fn check_device_action(device: &Device<'_>) -> Option<Finding> {
    let action = device.get("action")?;
    let pacemaker = device.params.iter().any(|(n, _)| n.starts_with("pcmk_"));
    if !pacemaker {
        return None;
    }
    let effect = match action {
        "reboot" => "ignores it (the stonith-action cluster property decides)".to_string(),
        "off" => "turns it into pcmk_reboot_action=off".to_string(),
        _ => format!("turns it into pcmk_off_action={action} and pcmk_reboot_action={action}"),
    };
    let message = format!(
        "Pacemaker never sends a device's action= to the agent: the fencer {effect}; \
         set that instead"
    );
    Some(warning("action", "device-action", message))
}

/// pcmk_<action>_action, pcmk_<action>_timeout and pcmk_<action>_retries.
fn check_per_action(name: &str, value: &str, device: &Device<'_>) -> Vec<Finding> {
    let Some((action, kind)) = split_per_action(name) else {
        return Vec::new();
    };
    if !ACTIONS.contains(&action) {
        let wanted: Vec<String> = ACTIONS.iter().map(|a| format!("pcmk_{a}{kind}")).collect();
        let hint = suggestion(name, wanted.iter().map(String::as_str));
        return vec![error(
            name,
            "unknown-parameter",
            format!(
                "the fencer never runs an action called '{action}', so {name} has no effect{hint}"
            ),
        )];
    }
    let finding = match kind {
        "_timeout" => check_action_timeout(name, value),
        "_retries" => value.trim().parse::<u32>().is_err().then(|| {
            error(
                name,
                "retries",
                format!("{name}={value} must be a whole number of retries (0 or more)"),
            )
        }),
        _ => check_action_override(name, value, action, device.metadata),
    };
    finding.into_iter().collect()
}

/// pcmk_<action>_timeout: Pacemaker 2.1 reads it with atoi, so anything but
/// a number of seconds is misread.
fn check_action_timeout(name: &str, value: &str) -> Option<Finding> {
    let trimmed = value.trim();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let unit = trimmed[digits..].trim().to_ascii_lowercase();
    let plain = digits > 0 && matches!(unit.as_str(), "" | "s" | "sec");
    let read_as = action_timeout(value).map_or(0, |d| d.as_secs());
    if plain && read_as > 0 {
        return None;
    }
    let meant = interval(value)
        .ok()
        .filter(|d| d.as_secs() > 0)
        .map(|d| format!("; write {}", d.as_secs()))
        .unwrap_or_default();
    let message = format!(
        "{name}={value}: the fencer reads this timeout with atoi, as whole seconds, \
         so it is {read_as}s{meant}"
    );
    Some(error(name, "timeout", message))
}

fn check_action_override(
    name: &str,
    value: &str,
    action: &str,
    metadata: &AgentMetadata,
) -> Option<Finding> {
    if value.trim().is_empty() {
        return Some(error(
            name,
            "action",
            format!("{name} is empty: name the agent action to run for {action}"),
        ));
    }
    (!metadata.has_action(value)).then(|| {
        let actions = metadata.actions.iter().map(|a| a.name.as_str());
        let hint = suggestion(value, actions);
        let message = format!(
            "{name}={value}: {} has no action called {value}, so every {action} would fail{hint}",
            metadata.name
        );
        error(name, "action", message)
    })
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
    fn timeouts_read_with_atoi_are_flagged() {
        assert!(check_action_timeout("pcmk_off_timeout", "90s").is_none());
        let finding = check_action_timeout("pcmk_off_timeout", "2min").unwrap();
        assert!(
            finding.message.contains("2s; write 120"),
            "{}",
            finding.message
        );
    }
}
