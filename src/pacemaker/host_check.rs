//! How the fencer decides whether a device can fence a node
//! (`pcmk_host_check`, fenced_commands.c `target_list_type`) and through
//! which parameter it names the node to the agent (`pcmk_host_argument`,
//! st_actions.c `make_args`, st_client.c `stonith__default_host_arg`).

use std::fmt;

use super::params::lookup;
use super::version::PacemakerVersion;
use crate::agents::metadata::AgentMetadata;

/// The host checks Pacemaker knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HostCheck {
    /// The node is named in pcmk_host_list or pcmk_host_map.
    StaticList,
    /// The agent's `list` output names the node (or its alias).
    DynamicList,
    /// The agent's `status` for the node answers.
    Status,
    /// Every node.
    None,
}

impl HostCheck {
    pub const ALL: [HostCheck; 4] = [
        HostCheck::StaticList,
        HostCheck::DynamicList,
        HostCheck::Status,
        HostCheck::None,
    ];

    /// The value as written in pcmk_host_check.
    pub fn as_str(self) -> &'static str {
        match self {
            HostCheck::StaticList => "static-list",
            HostCheck::DynamicList => "dynamic-list",
            HostCheck::Status => "status",
            HostCheck::None => "none",
        }
    }

    /// A pcmk_host_check value; the fencer compares without case.
    pub fn parse(value: &str) -> Option<HostCheck> {
        HostCheck::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(value))
    }

    /// Whether the answer needs the device itself (list or status).
    pub fn asks_device(self) -> bool {
        matches!(self, HostCheck::DynamicList | HostCheck::Status)
    }

    /// The agent action the check runs, if any.
    pub fn action(self) -> Option<&'static str> {
        match self {
            HostCheck::DynamicList => Some("list"),
            HostCheck::Status => Some("status"),
            _ => None,
        }
    }
}

impl fmt::Display for HostCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The host check the fencer uses: pcmk_host_check, else its default
/// (a host list or map gives static-list, else the agent's list action
/// dynamic-list, else its status action status, else none). Without the
/// agent's metadata only an explicit check or a list is known, and
/// dynamic-list is assumed. `Err` holds a pcmk_host_check value the fencer
/// does not know (it then fences nothing with the device).
pub fn effective_host_check(
    params: &[(String, String)],
    metadata: Option<&AgentMetadata>,
) -> Result<HostCheck, String> {
    if let Some(check) = lookup(params, "pcmk_host_check") {
        return HostCheck::parse(check).ok_or_else(|| check.to_string());
    }
    let listed = ["pcmk_host_list", "pcmk_host_map"]
        .iter()
        .any(|name| lookup(params, name).is_some());
    Ok(match metadata {
        _ if listed => HostCheck::StaticList,
        None => HostCheck::DynamicList,
        Some(m) if m.has_action("list") => HostCheck::DynamicList,
        Some(m) if m.has_action("status") => HostCheck::Status,
        Some(_) => HostCheck::None,
    })
}

/// The parameter through which the fencer of `version` names the target:
/// pcmk_host_argument (None for `none`), else its default, which changed:
/// - 2.1: `port` when the agent has it, else `plug`, else `port` (also
///   when the metadata cannot be read);
/// - 3.0.0: `port`, else `plug`, else nothing;
/// - 3.0.1 and later: `plug`, else `port`, else nothing.
///
/// `fence_legacy` never gets one.
pub fn host_argument(
    agent: &str,
    params: &[(String, String)],
    metadata: Option<&AgentMetadata>,
    version: PacemakerVersion,
) -> Option<String> {
    if agent == "fence_legacy" {
        return None;
    }
    match lookup(params, "pcmk_host_argument") {
        Some(arg) if arg.eq_ignore_ascii_case("none") => return None,
        Some(arg) => return Some(arg.to_string()),
        None => {}
    }
    let has = |name: &str| metadata.is_some_and(|m| m.parameter(name).is_some());
    let order: [&str; 2] = if version.prefers_plug() {
        ["plug", "port"]
    } else {
        ["port", "plug"]
    };
    let found = order.into_iter().find(|name| has(name));
    match found {
        Some(name) => Some(name.to_string()),
        None if version.falls_back_to_port() => Some("port".into()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(params: &[&str]) -> AgentMetadata {
        let params: String = params
            .iter()
            .map(|p| format!(r#"<parameter name="{p}"><content type="string"/></parameter>"#))
            .collect();
        let xml = format!(
            r#"<resource-agent name="fence_x"><parameters>{params}</parameters><actions><action name="off"/></actions></resource-agent>"#
        );
        AgentMetadata::parse(xml.as_bytes()).unwrap()
    }

    /// See issue 10: the default host argument by Pacemaker version
    /// (fenced_commands.c / st_actions.c in 2.1.5, 3.0.0; st_client.c
    /// `stonith__default_host_arg` from 3.0.1).
    #[test]
    fn issue10_host_argument_follows_the_fencer_version() {
        let v21 = PacemakerVersion::new(2, 1, 5);
        let v300 = PacemakerVersion::new(3, 0, 0);
        let v301 = PacemakerVersion::new(3, 0, 1);
        let both = agent(&["port", "plug"]);
        let plug = agent(&["plug"]);
        let neither = agent(&["ip"]);
        let arg = |m: Option<&AgentMetadata>, v| host_argument("fence_x", &[], m, v);
        assert_eq!(arg(Some(&both), v21).as_deref(), Some("port"));
        assert_eq!(arg(Some(&both), v300).as_deref(), Some("port"));
        assert_eq!(arg(Some(&both), v301).as_deref(), Some("plug"));
        assert_eq!(arg(Some(&plug), v21).as_deref(), Some("plug"));
        assert_eq!(arg(Some(&neither), v21).as_deref(), Some("port"));
        assert_eq!(arg(Some(&neither), v300), None);
        assert_eq!(arg(Some(&neither), v301), None);
        assert_eq!(arg(None, v21).as_deref(), Some("port"));
        assert_eq!(arg(None, v301), None);
        let none = [("pcmk_host_argument".to_string(), "NONE".to_string())];
        assert_eq!(host_argument("fence_x", &none, Some(&both), v21), None);
        assert_eq!(host_argument("fence_legacy", &[], Some(&both), v21), None);
    }

    #[test]
    fn host_checks_default_as_the_fencer() {
        let listed = [("pcmk_host_map".to_string(), "n1:1".to_string())];
        let lister = agent(&["port"]);
        assert_eq!(
            effective_host_check(&listed, Some(&lister)),
            Ok(HostCheck::StaticList)
        );
        assert_eq!(
            effective_host_check(&[], Some(&lister)),
            Ok(HostCheck::None)
        );
        let bad = [("pcmk_host_check".to_string(), "Static".to_string())];
        assert_eq!(effective_host_check(&bad, None), Err("Static".to_string()));
        assert_eq!(
            HostCheck::parse("DYNAMIC-LIST"),
            Some(HostCheck::DynamicList)
        );
    }
}
