//! The fencing inventory: one TOML file describing a cluster's nodes,
//! fence devices and fencing levels, from which fencectl writes both a
//! Pacemaker CIB and a cman cluster.conf.
//!
//! ```toml
//! [cluster]
//! name = "pcmk"
//!
//! [[node]]
//! name = "pcmk-1"
//! nodeid = 1
//! attributes = { rack = "r1" }
//!
//! [[device]]
//! id = "ipmi-pcmk-1"
//! agent = "fence_ipmilan"
//! params = { ip = "192.0.2.1", username = "admin", lanplus = 1 }
//! password_file = "/etc/fencectl/ipmi.password"
//! hosts = ["pcmk-1"]
//!
//! [[fencing]]
//! target = "pcmk-1"
//! levels = [["ipmi-pcmk-1"], ["pdu-a", "pdu-b"]]
//! ```

mod check;
pub mod from_cluster_conf;
mod load;

pub use check::{check, Checks};
pub use load::{device as resolve_device, load};

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::pacemaker::cib::LevelTarget;
use crate::pacemaker::hosts::HostMap;
use crate::pacemaker::selection::StaticList;
use crate::pacemaker::topology::{self, LevelLike, Selection, Topology};

/// The file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventoryFile {
    pub cluster: ClusterSection,
    #[serde(default, rename = "node")]
    pub nodes: Vec<NodeSpec>,
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceSpec>,
    #[serde(default)]
    pub fencing: Vec<FencingSpec>,
}

/// `[cluster]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSection {
    pub name: String,
    /// `pacemaker` or `cman` (informational: both formats can be generated).
    #[serde(default)]
    pub stack: Option<String>,
    /// cluster.conf's config_version (default 1).
    #[serde(default)]
    pub config_version: Option<u64>,
}

/// `[[node]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub name: String,
    #[serde(default)]
    pub nodeid: Option<u32>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// `[[device]]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    pub id: String,
    pub agent: String,
    /// The agent's parameters (strings, numbers or booleans).
    #[serde(default)]
    pub params: toml::Table,
    /// The nodes this device can fence (pcmk_host_list).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Node to plug (pcmk_host_map; per-node `plug` in cluster.conf).
    #[serde(default)]
    pub host_map: toml::Table,
    #[serde(default)]
    pub delay_base: Option<String>,
    #[serde(default)]
    pub delay_max: Option<String>,
    /// Monitor interval (default 60s; "0" for none).
    #[serde(default)]
    pub monitor: Option<String>,
    #[serde(default)]
    pub meta: BTreeMap<String, String>,
    /// The action cluster.conf runs on this device (e.g. "off" for OVH rescue reboots).
    #[serde(default)]
    pub action: Option<String>,
    /// Unfence with this device (default: when the agent's "on" is automatic).
    #[serde(default)]
    pub unfence: Option<bool>,
    /// The password, read from this file when generating.
    #[serde(default)]
    pub password_file: Option<String>,
    /// The password, read from this environment variable when generating.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Other secret parameters read from files: name = path.
    #[serde(default)]
    pub secret_files: BTreeMap<String, String>,
    /// Other secret parameters read from the environment: name = variable.
    #[serde(default)]
    pub secret_env: BTreeMap<String, String>,
}

/// `[[fencing]]`: the levels for a node, a name pattern or a node attribute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FencingSpec {
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub pattern: Option<String>,
    /// `name=value`
    #[serde(default)]
    pub attribute: Option<String>,
    /// Level 1, 2, ...: each a group of devices that must all succeed.
    pub levels: Vec<Vec<String>>,
}

/// The inventory resolved: secrets read, names normalised, ready to write.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub name: String,
    pub config_version: u64,
    pub nodes: Vec<Node>,
    pub devices: Vec<Device>,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub nodeid: u32,
    pub attributes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Device {
    pub id: String,
    pub agent: String,
    /// Agent parameters in order (new names, secrets included).
    pub params: Vec<(String, String)>,
    /// Pacemaker parameters (pcmk_host_list, pcmk_host_map, delays...).
    pub pcmk: Vec<(String, String)>,
    pub hosts: Vec<String>,
    pub host_map: Vec<(String, String)>,
    pub monitor: Option<String>,
    pub meta: Vec<(String, String)>,
    pub action: Option<String>,
    pub unfence: bool,
    /// The parameter that names the plug (`plug` or `port`).
    pub plug_param: String,
    /// The agent has an automatic "on" (Pacemaker unfences by itself).
    pub automatic_unfence: bool,
    pub metadata_known: bool,
    /// Secret parameters whose values were read from files: (name, path).
    pub secret_files: Vec<(String, String)>,
}

impl Device {
    /// Whether this device names `node` (in hosts or host_map).
    pub fn fences(&self, node: &str) -> bool {
        self.static_list().names().iter().any(|n| n == node)
    }

    /// The device's hosts and host map as the fencer's static list.
    pub fn static_list(&self) -> StaticList {
        StaticList::new(
            self.hosts.clone(),
            HostMap {
                entries: self.host_map.clone(),
            },
        )
    }

    pub fn plug_for(&self, node: &str) -> Option<&str> {
        self.host_map
            .iter()
            .find(|(n, _)| n == node)
            .map(|(_, p)| p.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Level {
    pub target: LevelTarget,
    pub index: u32,
    pub devices: Vec<String>,
}

impl LevelLike for Level {
    fn target(&self) -> &LevelTarget {
        &self.target
    }
    fn index(&self) -> u32 {
        self.index
    }
    fn label(&self) -> String {
        format!("{} {}", topology::describe(&self.target), self.index)
    }
}

/// Lookups over an inventory, built once so that checking and writing
/// stay linear in its size.
pub struct Index<'a> {
    nodes: std::collections::HashSet<&'a str>,
    devices: HashMap<&'a str, &'a Device>,
    fencing: HashMap<String, Vec<&'a Device>>,
    topology: Topology<'a, Level>,
}

impl<'a> Index<'a> {
    pub fn new(inventory: &'a Inventory) -> Index<'a> {
        let mut fencing: HashMap<String, Vec<&Device>> = HashMap::new();
        for device in &inventory.devices {
            let mut named = device.static_list().names();
            named.sort_unstable();
            named.dedup();
            for node in named {
                fencing.entry(node).or_default().push(device);
            }
        }
        Index {
            nodes: inventory.nodes.iter().map(|n| n.name.as_str()).collect(),
            devices: inventory
                .devices
                .iter()
                .map(|d| (d.id.as_str(), d))
                .collect(),
            fencing,
            topology: Topology::new(&inventory.levels),
        }
    }

    pub fn has_node(&self, name: &str) -> bool {
        self.nodes.contains(name)
    }

    pub fn device(&self, id: &str) -> Option<&'a Device> {
        self.devices.get(id).copied()
    }

    /// The devices whose hosts or host map name `node`, in inventory order.
    pub fn devices_fencing(&self, node: &str) -> &[&'a Device] {
        self.fencing.get(node).map_or(&[], Vec::as_slice)
    }

    /// The levels that apply to `node`, by index, as pacemaker-fenced
    /// chooses them (see [`Topology`]).
    pub fn levels_for(&self, node: &Node) -> Vec<&'a Level> {
        self.topology_for(node).levels
    }

    /// The levels that apply to `node`, with the fencer's warnings.
    pub fn topology_for(&self, node: &Node) -> Selection<'a, Level> {
        self.topology.for_node(&node.name, &node.attributes)
    }
}
