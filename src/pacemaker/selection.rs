//! Which devices can fence a node, as pacemaker-fenced decides it
//! (fenced_commands.c `can_fence_host_with_device`): by each device's host
//! check, a static list naming the node, or the device's own answer.

use super::hosts::{parse_host_list, HostMap};
use super::params::lookup;

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

    /// Whether the device names `node`.
    pub fn names_node(&self, node: &str) -> bool {
        self.list.iter().any(|n| n == node) || self.map.nodes().any(|n| n == node)
    }
}
