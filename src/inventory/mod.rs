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

use crate::fencing::cib::LevelTarget;

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
}

impl Device {
    /// Whether this device can fence `node` (named in hosts or host_map).
    pub fn fences(&self, node: &str) -> bool {
        self.hosts.iter().any(|h| h == node) || self.host_map.iter().any(|(n, _)| n == node)
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

/// Lookups over an inventory, built once so that checking and writing
/// stay linear in its size.
pub struct Index<'a> {
    nodes: std::collections::HashSet<&'a str>,
    devices: HashMap<&'a str, &'a Device>,
    fencing: HashMap<&'a str, Vec<&'a Device>>,
    node_levels: HashMap<&'a str, Vec<&'a Level>>,
    /// Pattern and attribute levels, patterns compiled once.
    other_levels: Vec<(&'a Level, Option<regex::Regex>)>,
}

impl<'a> Index<'a> {
    pub fn new(inventory: &'a Inventory) -> Index<'a> {
        let mut fencing: HashMap<&str, Vec<&Device>> = HashMap::new();
        for device in &inventory.devices {
            let mut named: Vec<&str> = device.hosts.iter().map(String::as_str).collect();
            named.extend(device.host_map.iter().map(|(n, _)| n.as_str()));
            named.sort_unstable();
            named.dedup();
            for node in named {
                fencing.entry(node).or_default().push(device);
            }
        }
        let mut node_levels: HashMap<&str, Vec<&Level>> = HashMap::new();
        let mut other_levels = Vec::new();
        for level in &inventory.levels {
            match &level.target {
                LevelTarget::Node(node) => {
                    node_levels.entry(node.as_str()).or_default().push(level)
                }
                LevelTarget::Pattern(pattern) => {
                    other_levels.push((level, regex::Regex::new(pattern).ok()))
                }
                LevelTarget::Attribute { .. } => other_levels.push((level, None)),
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
            node_levels,
            other_levels,
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

    /// The levels that apply to `node`, by index: as pacemaker-fenced
    /// chooses them, those of the node's own name, else those of the first
    /// pattern or attribute target that matches (never several targets').
    pub fn levels_for(&self, node: &Node) -> Vec<&'a Level> {
        if let Some(own) = self.node_levels.get(node.name.as_str()) {
            let mut levels = own.clone();
            levels.sort_by_key(|l| l.index);
            return levels;
        }
        let matching =
            self.other_levels
                .iter()
                .find(|(level, pattern)| match (&level.target, pattern) {
                    (LevelTarget::Pattern(_), Some(re)) => re.is_match(&node.name),
                    (LevelTarget::Attribute { name, value }, _) => {
                        node.attributes.iter().any(|(k, v)| k == name && v == value)
                    }
                    _ => false,
                });
        let Some((first, _)) = matching else {
            return Vec::new();
        };
        let mut levels: Vec<&Level> = self
            .other_levels
            .iter()
            .map(|(l, _)| *l)
            .filter(|l| l.target == first.target)
            .collect();
        levels.sort_by_key(|l| l.index);
        levels
    }
}
