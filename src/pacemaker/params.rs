//! Pacemaker's own device parameter names (pcmk_host_map, pcmk_host_list,
//! pcmk_host_check, pcmk_delay_*, pcmk_<action>_*...): which names the
//! fencer keeps for itself and never sends to the agent.

/// The actions the fencer runs, and so may name in `pcmk_<action>_action`,
/// `pcmk_<action>_timeout` and `pcmk_<action>_retries`.
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

/// The suffixes of the per-action parameters.
const PER_ACTION: &[&str] = &["_action", "_timeout", "_retries"];

/// Whether Pacemaker keeps `name` for itself and never sends it to the
/// agent. This is `pcmk_stonith_param` (lib/fencing/st_client.c) to the
/// letter: a per-action name is split at the first `_` after `pcmk_`, so
/// `pcmk_list_status_timeout` is *not* special and goes to the agent.
pub fn is_special(name: &str) -> bool {
    matches!(name, "provides" | "stonith-timeout")
        || SPECIAL.contains(&name)
        || split_per_action(name).is_some()
}

/// `pcmk_ACTION_KIND` split into the action and `_action`, `_timeout` or
/// `_retries`, the way `pcmk_stonith_param` splits it.
pub(crate) fn split_per_action(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("pcmk_")?;
    let (action, kind) = rest.split_at(rest.find('_')?);
    PER_ACTION.contains(&kind).then_some((action, kind))
}

/// Every special name, for "did you mean" on unknown pcmk_ names.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = SPECIAL.iter().map(|s| s.to_string()).collect();
    for action in ACTIONS {
        for suffix in PER_ACTION {
            names.push(format!("pcmk_{action}{suffix}"));
        }
    }
    names
}

/// The value of `name` in name/value pairs (nvpairs of one set, or a
/// device's parameters): the last one wins, as in the agent.
pub fn lookup<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_names_follow_pcmk_stonith_param() {
        for name in [
            "pcmk_host_list",
            "pcmk_reboot_action",
            "pcmk_off_timeout",
            "pcmk_status_retries",
            "pcmk_foo_timeout",
            "provides",
            "stonith-timeout",
        ] {
            assert!(is_special(name), "{name}");
        }
        for name in [
            "ip",
            "pcmk_unknown",
            "port",
            "pcmk_hots_list",
            "pcmk_list_status_timeout",
        ] {
            assert!(!is_special(name), "{name}");
        }
    }
}
