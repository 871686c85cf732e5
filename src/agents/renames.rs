//! fence-agents' renamed parameters (lib/fencing.py.py: the `all_opt` key
//! is the old name, its `longopt` the new one; metadata lists the old name
//! `deprecated="1"` and the new one `obsoletes="old"`). Built in, so that
//! converting a configuration never depends on which agents or cache a
//! machine has.

/// (old name, new name) for every agent (fencing.py's common options).
pub const COMMON: &[(&str, &str)] = &[
    ("ipaddr", "ip"),
    ("login", "username"),
    ("passwd", "password"),
    ("passwd_script", "password_script"),
    ("port", "plug"),
    ("cmd_prompt", "command_prompt"),
    ("secure", "ssh"),
    ("sudo", "use_sudo"),
    ("debug", "debug_file"),
];

/// (agent, old name, new name) renames that only some agents have.
/// fence_pve's `node_name` -> `nodename` is left out on purpose: `nodename`
/// is also what clusters send for the target node.
pub const AGENT_SPECIFIC: &[(&str, &str, &str)] = &[
    ("fence_eps", "hidden_page", "page"),
    ("fence_ilo", "ribcl", "ribcl_version"),
    ("fence_ilo2", "ribcl", "ribcl_version"),
];

/// The current name of parameter `name` for `agent`, when it was renamed.
/// Besides the tables, every dashed name (`auth-url`, `user-domain`) became
/// its underscored form.
pub fn new_name(agent: &str, name: &str) -> Option<String> {
    let underscored = name.replace('-', "_");
    COMMON
        .iter()
        .find(|(old, _)| *old == underscored)
        .map(|(_, new)| *new)
        .or_else(|| {
            AGENT_SPECIFIC
                .iter()
                .find(|(a, old, _)| *a == agent && *old == underscored)
                .map(|(_, _, new)| *new)
        })
        .map(str::to_string)
        .or_else(|| (underscored != name).then_some(underscored))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames() {
        let new = |agent, name| new_name(agent, name);
        assert_eq!(new("fence_ipmilan", "ipaddr").as_deref(), Some("ip"));
        assert_eq!(new("fence_ovh", "passwd").as_deref(), Some("password"));
        assert_eq!(
            new("fence_x", "passwd-script").as_deref(),
            Some("password_script")
        );
        assert_eq!(new("fence_eps", "hidden_page").as_deref(), Some("page"));
        assert_eq!(
            new("fence_openstack", "auth-url").as_deref(),
            Some("auth_url")
        );
        assert_eq!(new_name("fence_x", "hidden_page"), None);
        assert_eq!(new_name("fence_pve", "node_name"), None);
        assert_eq!(new_name("fence_x", "ip"), None);
    }
}
