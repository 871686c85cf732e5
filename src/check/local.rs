//! The local node's own files that some design rules need: corosync.conf
//! (two_node, wait_for_all, a quorum device, node addresses) and the SBD
//! configuration (/etc/default/sbd or /etc/sysconfig/sbd).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

/// Where corosync.conf is on a cluster node.
pub const COROSYNC_CONF: &str = "/etc/corosync/corosync.conf";
/// Where the SBD configuration is (Debian/SUSE, then Red Hat).
pub const SBD_CONFIGS: &[&str] = &["/etc/default/sbd", "/etc/sysconfig/sbd"];

/// What corosync.conf says that fencing design depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corosync {
    pub path: PathBuf,
    /// `quorum { key: value }`, the `device` subsection as `device.key`.
    pub quorum: BTreeMap<String, String>,
    /// `nodelist { node { name, ring0_addr } }`.
    pub nodes: Vec<CorosyncNode>,
}

/// A `nodelist` node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorosyncNode {
    pub name: Option<String>,
    /// ring0_addr, ring1_addr, ... in order.
    pub addresses: Vec<String>,
}

impl Corosync {
    /// Whether `quorum.two_node` is 1.
    pub fn two_node(&self) -> bool {
        self.quorum.get("two_node").map(String::as_str) == Some("1")
    }

    /// `quorum.wait_for_all`; votequorum defaults it to two_node's value.
    pub fn wait_for_all(&self) -> bool {
        match self.quorum.get("wait_for_all") {
            Some(value) => value == "1",
            None => self.two_node(),
        }
    }

    /// Whether a quorum device (corosync-qdevice) is configured.
    pub fn has_quorum_device(&self) -> bool {
        self.quorum.keys().any(|k| k.starts_with("device."))
    }

    /// Each node's name (its ring0 address when it has none) and addresses.
    pub fn node_addresses(&self) -> Vec<(String, Vec<String>)> {
        self.nodes
            .iter()
            .map(|n| {
                let name = n
                    .name
                    .clone()
                    .or_else(|| n.addresses.first().cloned())
                    .unwrap_or_default();
                (name, n.addresses.clone())
            })
            .collect()
    }
}

/// Reads corosync.conf's `quorum` and `nodelist` sections.
pub fn read_corosync(path: &Path) -> Result<Corosync> {
    let bytes = crate::sys::fs::read_capped(path, crate::sys::fs::CONFIG_CAP)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse_corosync(&String::from_utf8_lossy(&bytes), path))
}

/// corosync.conf's grammar: `section {`, `}`, `key: value`, `#` comments.
pub fn parse_corosync(text: &str, path: &Path) -> Corosync {
    let mut conf = Corosync {
        path: path.to_path_buf(),
        ..Corosync::default()
    };
    let mut sections: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_suffix('{') {
            let name = name.trim().to_string();
            if sections.len() == 1 && sections[0] == "nodelist" && name == "node" {
                conf.nodes.push(CorosyncNode::default());
            }
            sections.push(name);
            continue;
        }
        if line == "}" {
            sections.pop();
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim().to_string());
        match sections.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["quorum"] => {
                conf.quorum.insert(key.to_string(), value);
            }
            ["quorum", "device", ..] => {
                conf.quorum.insert(format!("device.{key}"), value);
            }
            ["nodelist", "node"] => {
                if let Some(node) = conf.nodes.last_mut() {
                    if key == "name" {
                        node.name = Some(value);
                    } else if key.starts_with("ring") && key.ends_with("_addr") {
                        node.addresses.push(value);
                    }
                }
            }
            _ => {}
        }
    }
    conf
}

/// The SBD configuration: which devices, and the watchdog timeout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sbd {
    pub path: PathBuf,
    /// SBD_DEVICE, split at `;` (empty: diskless, watchdog only).
    pub devices: Vec<String>,
    /// SBD_WATCHDOG_TIMEOUT (sbd's default: 5 s).
    pub watchdog_timeout: Duration,
}

/// Reads /etc/default/sbd-style `KEY=value` lines (quotes stripped).
pub fn read_sbd(path: &Path) -> Result<Sbd> {
    let bytes = crate::sys::fs::read_capped(path, crate::sys::fs::CONFIG_CAP)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(parse_sbd(&String::from_utf8_lossy(&bytes), path))
}

/// The `KEY=value` lines of an SBD configuration.
pub fn parse_sbd(text: &str, path: &Path) -> Sbd {
    let mut sbd = Sbd {
        path: path.to_path_buf(),
        devices: Vec::new(),
        watchdog_timeout: Duration::from_secs(5),
    };
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        match key.trim() {
            "SBD_DEVICE" => {
                sbd.devices = value
                    .split(';')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "SBD_WATCHDOG_TIMEOUT" => {
                if let Ok(seconds) = value.parse::<u64>() {
                    sbd.watchdog_timeout = Duration::from_secs(seconds);
                }
            }
            _ => {}
        }
    }
    sbd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue13_reads_corosync_quorum_and_nodelist() {
        let text = "totem {\n version: 2\n}\nnodelist {\n node {\n  ring0_addr: 10.0.0.1\n  name: node1\n  nodeid: 1\n }\n node {\n  ring0_addr: 10.0.0.2\n }\n}\nquorum {\n provider: corosync_votequorum # votes\n two_node: 1\n wait_for_all: 0\n}\n";
        let conf = parse_corosync(text, Path::new("c"));
        assert!(conf.two_node());
        assert!(!conf.wait_for_all());
        assert!(!conf.has_quorum_device());
        assert_eq!(
            conf.node_addresses(),
            [
                ("node1".to_string(), vec!["10.0.0.1".to_string()]),
                ("10.0.0.2".to_string(), vec!["10.0.0.2".to_string()])
            ]
        );
        let qdevice = parse_corosync(
            "quorum {\n two_node: 1\n device {\n  model: net\n }\n}\n",
            Path::new("c"),
        );
        assert!(qdevice.has_quorum_device() && qdevice.wait_for_all());
    }

    #[test]
    fn issue13_reads_sbd_config() {
        let sbd = parse_sbd(
            "# x\nSBD_DEVICE=\"/dev/a;/dev/b\"\nSBD_WATCHDOG_TIMEOUT=15\n",
            Path::new("s"),
        );
        assert_eq!(sbd.devices, ["/dev/a", "/dev/b"]);
        assert_eq!(sbd.watchdog_timeout, Duration::from_secs(15));
    }
}
