//! Which devices can fence a node, as pacemaker-fenced decides it
//! (fenced_commands.c `can_fence_host_with_device`): by each device's host
//! check, a static list naming the node, or the device's own answer.

use super::hosts::{parse_host_list, HostMap};
use super::params::lookup;

/// Where a static list names a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// In pcmk_host_list.
    List,
    /// As a key of pcmk_host_map.
    MapKey,
    /// Only as a VALUE of pcmk_host_map (the fencer's quirk).
    MapValue,
}

/// The nodes a static-list device names: pcmk_host_list and pcmk_host_map.
#[derive(Debug, Clone, Default)]
pub struct StaticList {
    list: Vec<String>,
    map: HostMap,
}

impl StaticList {
    /// The static list of a device with parameters `params`.
    pub fn of(params: &[(String, String)]) -> StaticList {
        StaticList {
            list: parse_host_list(lookup(params, "pcmk_host_list").unwrap_or_default()),
            map: HostMap::parse_lenient(lookup(params, "pcmk_host_map").unwrap_or_default()),
        }
    }

    /// A static list from names and a map already read.
    pub fn new(list: Vec<String>, map: HostMap) -> StaticList {
        StaticList { list, map }
    }

    /// Every name the list or the map's keys give, in the order written.
    pub fn names(&self) -> Vec<String> {
        let mut names = self.list.clone();
        names.extend(self.map.nodes().map(str::to_string));
        names
    }

    /// Whether a static-list device fences `node`, and why, as
    /// `can_fence_host_with_device` decides: the node is in the fencer's
    /// target list (pcmk_host_list plus every pcmk_host_map VALUE) or is a
    /// key of pcmk_host_map, all compared without regard to case.
    ///
    /// That a map value counts is a quirk of `build_port_aliases` (it
    /// appends each value to the targets): fencectl follows the fencer, and
    /// the planner says so, since it is rarely meant.
    pub fn fences(&self, node: &str) -> Option<Named> {
        let same = |name: &str| name.eq_ignore_ascii_case(node);
        if self.list.iter().any(|n| same(n)) {
            Some(Named::List)
        } else if self.map.nodes().any(same) {
            Some(Named::MapKey)
        } else if self.map.entries.iter().any(|(_, value)| same(value)) {
            Some(Named::MapValue)
        } else {
            None
        }
    }
}

/// Whether an agent's `list` output names the node, as the fencer's
/// dynamic-list check decides it: the output is read with the host list
/// grammar ([`parse_host_list`]: `plug,alias` lines give both names) and
/// searched, without regard to case, for the node's pcmk_host_map value
/// if it has one, else the node's name.
pub fn list_output_names(output: &str, node: &str, map: &HostMap) -> bool {
    let wanted = map.get(node).unwrap_or(node);
    parse_host_list(output)
        .iter()
        .any(|name| name.eq_ignore_ascii_case(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// See issue 10: pacemaker-fenced compares without regard to case, and
    /// takes host map values as targets too.
    #[test]
    fn issue10_static_lists_compare_without_case() {
        let list = StaticList::of(&params(&[
            ("pcmk_host_list", "RHEL7-1,rhel7-2"),
            ("pcmk_host_map", "Node-A:1;node-b:kvm-guest-3"),
        ]));
        assert_eq!(list.fences("rhel7-1"), Some(Named::List));
        assert_eq!(list.fences("RHEL7-2"), Some(Named::List));
        assert_eq!(list.fences("node-a"), Some(Named::MapKey));
        assert_eq!(list.fences("KVM-GUEST-3"), Some(Named::MapValue));
        assert_eq!(list.fences("rhel7-3"), None);
        assert_eq!(
            list.names(),
            ["RHEL7-1", "rhel7-2", "Node-A", "node-b"],
            "values are not names"
        );
    }

    /// See issue 10: `fence_virsh -o list` prints `domain,uuid`-style lines;
    /// the fencer compares the node's alias (else its name) without case.
    #[test]
    fn issue10_dynamic_lists_compare_the_alias_without_case() {
        let output = "RHEL7-3,c8a3b2d1-0000-4000-8000-000000000003\nrhel7-4.example.com,c8a3b2d1-0000-4000-8000-000000000004\n";
        let none = HostMap::default();
        assert!(list_output_names(output, "rhel7-3", &none));
        assert!(!list_output_names(output, "rhel7-4", &none));
        let map = HostMap::parse_lenient("rhel7-4:RHEL7-4.example.com");
        assert!(list_output_names(output, "rhel7-4", &map));
        // with an alias, the node's own name is not what the fencer looks for
        let map = HostMap::parse_lenient("rhel7-3:vm3");
        assert!(!list_output_names(output, "rhel7-3", &map));
    }
}
