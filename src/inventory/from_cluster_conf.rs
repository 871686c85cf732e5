//! A cman cluster.conf read into an inventory (for `convert
//! cluster-conf-to-cib`; writing the CIB stays `generate`'s), keeping what
//! a cluster needs. clufter's ccs2pcs is the reference only where it is
//! right (its `,`-joined host maps, dropped `ssl` and `NODE-` level
//! targets are bugs):
//!
//! - a node's `<device>` attributes other than port/plug (`ssl`, `uuid`,
//!   `remoteid`...) go onto the device when every node that uses it gives
//!   the same ones, else the device becomes one primitive per node;
//! - deprecated parameter names are renamed from fence-agents' table
//!   (`agents::renames`), so the output does not depend on the cache;
//! - an agent given a long `power_timeout`/`login_timeout` gets
//!   `pcmk_off_timeout`/`pcmk_reboot_timeout` above them;
//! - `fence_pcmk` (cman handing fencing to Pacemaker) is dropped;
//! - `<unfence>` devices are marked (provides=unfencing, unless the agent
//!   unfences automatically).
//!
//! Messages speak cluster.conf: elements and attributes, with lines.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::agents::finding::Finding;
use crate::agents::lookup::AgentLookup;
use crate::agents::metadata::AgentMetadata;
use crate::agents::renames;
use crate::cman::conf::{ClusterConf, DeviceRef, FenceDeviceDef};
use crate::inventory::{Device, Inventory, Level, Node};
use crate::pacemaker::cib::LevelTarget;

/// Attributes of a node's `<device>` that name its plug.
const PLUG_NAMES: &[&str] = &["port", "plug"];

/// Attributes of a node's `<device>` that are not agent parameters of the
/// device: the plug, the target and the action are per fencing request.
const PER_REQUEST: &[&str] = &["port", "plug", "nodename", "action", "option"];

/// cman's hand-off to Pacemaker (`fence_pcmk`): nothing to convert.
const PCMK_REDIRECT: &str = "fence_pcmk";

/// fencing.py's defaults (lib/fencing.py.py `all_opt`), in seconds, for
/// an agent whose metadata is not read.
const DEFAULT_LOGIN_TIMEOUT: f64 = 5.0;
const DEFAULT_POWER_TIMEOUT: f64 = 20.0;

/// Pacemaker's default fencing timeout (stonith-timeout / fencing-timeout).
const PACEMAKER_DEFAULT_TIMEOUT: f64 = 60.0;

/// Time added to an agent's own timeouts for it to start and report.
const MARGIN: f64 = 10.0;

/// The inventory and what converting found (errors: the draft needs work).
pub struct Conversion {
    pub inventory: Inventory,
    pub findings: Vec<Finding>,
}

/// Converts `conf` (read from `file`); `metadata` gives an installed
/// agent's metadata.
pub fn cluster_conf_to_inventory(
    conf: &ClusterConf,
    file: &str,
    agents: &mut AgentLookup<'_>,
) -> Conversion {
    let mut out = Findings(Vec::new());
    let nodes: Vec<Node> = conf
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| Node {
            name: n.name.clone(),
            nodeid: n
                .nodeid
                .as_deref()
                .and_then(|id| id.parse().ok())
                .unwrap_or(i as u32 + 1),
            attributes: Vec::new(),
        })
        .collect();
    let mut bases: Vec<(Device, Option<Rc<AgentMetadata>>)> = Vec::new();
    let mut dropped: Vec<&str> = Vec::new();
    for def in &conf.devices {
        if !def.has_agent() {
            out.error(
                "no-agent",
                def,
                format!(
                    "{file} line {}: <fencedevice name=\"{}\"> has no agent=: neither cman nor Pacemaker can run it; give it agent=\"fence_...\"",
                    def.line, def.name
                ),
            );
            dropped.push(&def.name);
        } else if def.agent == PCMK_REDIRECT {
            out.warn(
                "fence-pcmk",
                def,
                format!(
                    "<fencedevice name=\"{}\"> (line {}) is fence_pcmk, cman handing fencing to Pacemaker: dropped, the converted devices fence directly",
                    def.name, def.line
                ),
            );
            dropped.push(&def.name);
        } else {
            let meta = agents.metadata(&def.agent);
            bases.push((device(def, meta.as_deref(), &mut out), meta));
        }
    }
    let shared = shared_attributes(conf, &bases, &mut out);
    let mut devices: Vec<Device> = Vec::new();
    let mut actions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut levels = Vec::new();
    let mut needs_levels = false;
    for node in &conf.nodes {
        let mut node_levels = Vec::new();
        for (m, method) in node.methods.iter().enumerate() {
            let mut ids: Vec<String> = Vec::new();
            for dref in &method.devices {
                if dropped.contains(&dref.name.as_str()) {
                    continue;
                }
                let Some(id) = use_device(dref, &node.name, &bases, &shared, &mut devices) else {
                    out.0.push(Finding::warning("unknown-device", format!("node {}", node.name), Some(dref.line), format!(
                        "line {}: node {} method {} names <device name=\"{}\">, but no <fencedevice> has that name: left out",
                        dref.line, node.name, m + 1, dref.name
                    )));
                    continue;
                };
                let Some(device) = devices.iter_mut().find(|d| d.id == id) else {
                    continue;
                };
                attach(device, &node.name, dref, &mut actions);
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            let distinct = ids.len();
            if distinct > 1 && method.devices.len() > distinct {
                out.0.push(Finding::warning("power-cycle", format!("node {}", node.name), None, format!(
                    "node {}: method {} switches {} devices off then on; in Pacemaker that is one level of them (reboot is remapped to all off, then all on)",
                    node.name, m + 1, distinct
                )));
            }
            // numbered as converted: a dropped fence_pcmk method leaves no gap
            if !ids.is_empty() {
                node_levels.push(Level {
                    target: LevelTarget::Node(node.name.clone()),
                    index: node_levels.len() as u32 + 1,
                    devices: ids,
                });
            }
            needs_levels |= distinct > 1;
        }
        needs_levels |= node_levels.len() > 1;
        levels.append(&mut node_levels);
        for dref in &node.unfence {
            if dropped.contains(&dref.name.as_str()) {
                continue;
            }
            if let Some(id) = use_device(dref, &node.name, &bases, &shared, &mut devices) {
                let Some(device) = devices.iter_mut().find(|d| d.id == id) else {
                    continue;
                };
                device.unfence = true;
                if !device.fences(&node.name) {
                    attach(device, &node.name, dref, &mut BTreeMap::new());
                }
            }
        }
    }
    // Devices no node uses are kept, as cluster.conf has them.
    for (base, _) in &bases {
        if !used(&devices, &base.id, &conf.nodes) {
            devices.push(base.clone());
        }
    }
    for device in &mut devices {
        finish(device, actions.get(&device.id), &mut out);
        let meta = bases
            .iter()
            .find(|(b, _)| b.agent == device.agent)
            .and_then(|(_, m)| m.clone());
        timeouts(device, meta.as_deref(), &mut out);
    }
    for node in &conf.nodes {
        let fenced = devices.iter().any(|d| d.fences(&node.name));
        if !fenced && !node.methods.is_empty() {
            out.0.push(Finding::warning("unfenced-node", format!("node {}", node.name), None, format!(
                "node {}: no <device> of its <fence> methods names a usable <fencedevice>; it cannot be fenced once converted",
                node.name
            )));
        } else if !fenced {
            out.0.push(Finding::warning("unfenced-node", format!("node {}", node.name), None, format!(
                "node {} has no <fence> method in cluster.conf: add a <method> with a <device name=...> (and port= for its plug) to fence it",
                node.name
            )));
        }
    }
    if !needs_levels {
        levels.clear();
    }
    Conversion {
        inventory: Inventory {
            name: conf.name.clone(),
            config_version: 1,
            nodes,
            devices,
            levels,
        },
        findings: out.0,
    }
}

type Attributes = Vec<(String, String)>;

type Bases = [(Device, Option<Rc<AgentMetadata>>)];

/// The device a node's `<device>` stands for (the one shared device, or
/// that node's own primitive), created on first use; None for a name no
/// `<fencedevice>` has.
fn use_device(
    dref: &DeviceRef,
    node: &str,
    bases: &Bases,
    shared: &BTreeMap<String, Vec<(String, String)>>,
    devices: &mut Vec<Device>,
) -> Option<String> {
    let (base, meta) = bases.iter().find(|(d, _)| d.id == dref.name)?;
    let id = match shared.get(&base.id) {
        Some(_) => base.id.clone(),
        None => split_id(&base.id, node),
    };
    if !devices.iter().any(|d| d.id == id) {
        let mut device = base.clone();
        device.id = id.clone();
        let extra = shared
            .get(&base.id)
            .cloned()
            .unwrap_or_else(|| per_node_attributes(dref));
        carry(&mut device, &extra, meta.as_deref());
        devices.push(device);
    }
    Some(id)
}

/// The id of `device`'s primitive for `node` when it is split per node.
fn split_id(device: &str, node: &str) -> String {
    format!("{device}-{node}")
}

/// Whether `devices` has `id` or one of its per-node primitives.
fn used(devices: &[Device], id: &str, nodes: &[crate::cman::conf::ClusterNode]) -> bool {
    devices
        .iter()
        .any(|d| d.id == id || nodes.iter().any(|n| d.id == split_id(id, &n.name)))
}

struct Findings(Vec<Finding>);

impl Findings {
    fn warn(&mut self, rule: &'static str, def: &FenceDeviceDef, message: String) {
        self.0.push(Finding::warning(
            rule,
            format!("<fencedevice name=\"{}\">", def.name),
            Some(def.line),
            message,
        ));
    }
    fn error(&mut self, rule: &'static str, def: &FenceDeviceDef, message: String) {
        self.0.push(Finding::error(
            rule,
            format!("<fencedevice name=\"{}\">", def.name),
            Some(def.line),
            message,
        ));
    }
}

/// A node's `<device>` attributes that are agent parameters.
fn per_node_attributes(dref: &DeviceRef) -> Vec<(String, String)> {
    dref.attrs
        .iter()
        .filter(|(k, _)| !PER_REQUEST.contains(&k.as_str()))
        .cloned()
        .collect()
}

/// For each device every node uses with the same per-node attributes:
/// those attributes (carried onto the one device). A device missing here is
/// split: one primitive per node, as clufter does.
fn shared_attributes(
    conf: &ClusterConf,
    bases: &[(Device, Option<Rc<AgentMetadata>>)],
    out: &mut Findings,
) -> BTreeMap<String, Vec<(String, String)>> {
    // device name -> (node, its per-node attributes) for each distinct use
    let mut uses: BTreeMap<&str, Vec<(&str, Attributes)>> = BTreeMap::new();
    for node in &conf.nodes {
        let refs = node
            .methods
            .iter()
            .flat_map(|m| &m.devices)
            .chain(&node.unfence);
        for dref in refs {
            let mut attrs = per_node_attributes(dref);
            attrs.sort();
            let entry = uses.entry(dref.name.as_str()).or_default();
            if !entry.iter().any(|(n, a)| *n == node.name && *a == attrs) {
                entry.push((node.name.as_str(), attrs));
            }
        }
    }
    let mut shared = BTreeMap::new();
    for (base, _) in bases {
        let Some(list) = uses.get(base.id.as_str()) else {
            shared.insert(base.id.clone(), Vec::new());
            continue;
        };
        let first = &list[0].1;
        if list.iter().all(|(_, a)| a == first) {
            shared.insert(base.id.clone(), first.clone());
        } else {
            let names: Vec<&str> = list.iter().map(|(n, _)| *n).collect();
            out.0.push(Finding::warning(
                "per-node-device",
                format!("<fencedevice name=\"{}\">", base.id),
                None,
                format!(
                    "<fencedevice name=\"{}\">: its nodes' <device> elements give different attributes ({}); it becomes one primitive per node: {}",
                    base.id,
                    list.iter()
                        .flat_map(|(_, a)| a.iter().map(|(k, _)| k.as_str()))
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", "),
                    names
                        .iter()
                        .map(|n| split_id(&base.id, n))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    shared
}

/// A parameter's current name: the metadata's `replaced_by`, else
/// fence-agents' renames table, unless the installed agent knows only the
/// old name (a local agent that never took the new one).
fn current_name(agent: &str, name: &str, meta: Option<&AgentMetadata>) -> Option<String> {
    if let Some(new) = meta
        .and_then(|m| m.parameter(name))
        .and_then(|p| p.replaced_by.clone())
    {
        return Some(new);
    }
    let new = renames::new_name(agent, name)?;
    match meta {
        Some(m) if m.parameter(&new).is_none() && m.parameter(name).is_some() => None,
        _ => Some(new),
    }
}

fn device(def: &FenceDeviceDef, meta: Option<&AgentMetadata>, out: &mut Findings) -> Device {
    let mut params: Vec<(String, String)> = Vec::new();
    for (name, value) in def.attrs.iter().filter(|(k, _)| k != "agent") {
        if name == "option" {
            out.warn("retired-option", def, format!("<fencedevice name=\"{}\">: option=\"{value}\" is the retired name of action: carried over as pcmk_reboot_action", def.name));
            params.push(("pcmk_reboot_action".into(), value.clone()));
            continue;
        }
        match current_name(&def.agent, name, meta) {
            Some(new) => {
                out.warn(
                    "renamed",
                    def,
                    format!(
                        "<fencedevice name=\"{}\">: {name} is written as {new} (the new name)",
                        def.name
                    ),
                );
                params.push((new, value.clone()));
            }
            None => params.push((name.clone(), value.clone())),
        }
    }
    let has = |name: &str| meta.is_some_and(|m| m.parameter(name).is_some());
    let (pcmk, params): (Vec<_>, Vec<_>) = params
        .into_iter()
        .partition(|(k, _)| k.starts_with("pcmk_"));
    Device {
        id: def.name.clone(),
        agent: def.agent.clone(),
        params,
        pcmk,
        hosts: Vec::new(),
        host_map: Vec::new(),
        monitor: Some("60s".into()),
        meta: Vec::new(),
        action: None,
        unfence: false,
        plug_param: if has("plug") || !has("port") {
            "plug".into()
        } else {
            "port".into()
        },
        automatic_unfence: meta.is_some_and(AgentMetadata::needs_unfencing),
        metadata_known: meta.is_some(),
        secret_files: Vec::new(),
    }
}

/// Per-node `<device>` attributes onto the device, renamed as the device's
/// own. libfence sends the `<fencedevice>`'s after the node's, so the
/// agent keeps the device's value: a name the device has stays its.
fn carry(device: &mut Device, extra: &[(String, String)], meta: Option<&AgentMetadata>) {
    for (name, value) in extra {
        let name = current_name(&device.agent, name, meta).unwrap_or_else(|| name.clone());
        if device.params.iter().any(|(k, _)| *k == name) {
            continue;
        }
        if name.starts_with("pcmk_") {
            device.pcmk.push((name, value.clone()));
        } else {
            device.params.push((name, value.clone()));
        }
    }
}

/// A node's use of a device: its plug goes into the host map, its action
/// is remembered.
fn attach(
    device: &mut Device,
    node: &str,
    dref: &DeviceRef,
    actions: &mut BTreeMap<String, Vec<String>>,
) {
    let plug = dref
        .attrs
        .iter()
        .find(|(k, _)| PLUG_NAMES.contains(&k.as_str()))
        .map(|(_, v)| v.clone());
    match plug {
        Some(plug) if !device.host_map.iter().any(|(n, _)| n == node) => {
            device.host_map.push((node.to_string(), plug))
        }
        Some(_) => {}
        None if !device.hosts.iter().any(|h| h == node) => device.hosts.push(node.to_string()),
        None => {}
    }
    for (name, value) in &dref.attrs {
        if name == "action" || name == "option" {
            actions
                .entry(device.id.clone())
                .or_default()
                .push(value.clone());
        }
    }
}

/// Host list and map into Pacemaker parameters; a configured action into
/// pcmk_reboot_action where every use agrees.
fn finish(device: &mut Device, actions: Option<&Vec<String>>, out: &mut Findings) {
    if !device.hosts.is_empty() && !device.host_map.is_empty() {
        // one parameter can say it all: hosts without a plug map to themselves
        let hosts = std::mem::take(&mut device.hosts);
        device
            .host_map
            .extend(hosts.into_iter().map(|h| (h.clone(), h)));
    }
    if !device.hosts.is_empty() {
        device
            .pcmk
            .push(("pcmk_host_list".into(), device.hosts.join(",")));
    }
    if !device.host_map.is_empty() {
        let map = crate::pacemaker::hosts::host_map_text(&device.host_map);
        device.pcmk.push(("pcmk_host_map".into(), map));
    }
    let Some(actions) = actions else { return };
    let subject = format!("device {}", device.id);
    let mut distinct: Vec<&String> = actions.iter().collect();
    distinct.sort();
    distinct.dedup();
    match distinct.as_slice() {
        [only] if only.as_str() == "off" && !is_power_cycle(actions) => {
            out.0.push(Finding::warning("action-off", subject, None, format!("<device name=\"{}\" action=\"off\"> becomes pcmk_reboot_action=off (a reboot request runs off)", device.id)));
            device.pcmk.push(("pcmk_reboot_action".into(), "off".into()));
        }
        [only] if only.as_str() == "reboot" => {}
        _ if is_power_cycle(actions) => {}
        _ => out.0.push(Finding::warning("mixed-actions", subject, None, format!(
            "<device name=\"{}\">: its uses give different actions ({}): not carried over (Pacemaker sends the requested action)",
            device.id,
            actions.join(",")
        ))),
    }
}

fn is_power_cycle(actions: &[String]) -> bool {
    actions.iter().any(|a| a == "off") && actions.iter().any(|a| a == "on")
}

/// Seconds in a fencing.py time value ("900", "2.5").
fn seconds(value: &str) -> Option<f64> {
    value.trim().parse::<f64>().ok().filter(|s| *s >= 0.0)
}

/// A long power_timeout or login_timeout: the agent may run longer than
/// Pacemaker's 60 s default, which would kill it mid-way; give the device
/// pcmk_off_timeout / pcmk_reboot_timeout above what the agent may take
/// (login, then the power change and its wait; a real reboot twice).
fn timeouts(device: &mut Device, meta: Option<&AgentMetadata>, out: &mut Findings) {
    let value = |name: &str, default: f64| {
        device
            .params
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| seconds(v))
            .or_else(|| {
                meta.and_then(|m| m.parameter(name))
                    .and_then(|p| p.default.as_deref())
                    .and_then(seconds)
            })
            .unwrap_or(default)
    };
    let login = value("login_timeout", DEFAULT_LOGIN_TIMEOUT);
    let power = value("power_timeout", DEFAULT_POWER_TIMEOUT) + value("power_wait", 0.0);
    let off = (login + power + MARGIN).ceil();
    if off <= PACEMAKER_DEFAULT_TIMEOUT {
        return;
    }
    let reboot_runs_off = device
        .pcmk
        .iter()
        .any(|(k, v)| k == "pcmk_reboot_action" && v == "off");
    let reboot = if reboot_runs_off {
        off
    } else {
        (login + 2.0 * power + MARGIN).ceil()
    };
    let mut added = Vec::new();
    for (name, secs) in [("pcmk_off_timeout", off), ("pcmk_reboot_timeout", reboot)] {
        if !device.pcmk.iter().any(|(k, _)| k == name) {
            // Plain seconds: Pacemaker before 2.1.8 reads them with atoi.
            let value = format!("{secs:.0}s");
            added.push(format!("{name}={value}"));
            device.pcmk.push((name.into(), value));
        }
    }
    if !added.is_empty() {
        out.0.push(Finding::warning(
            "timeout",
            format!("device {}", device.id),
            None,
            format!(
                "device {}: login_timeout {login}s + power_timeout {power}s is more than Pacemaker's {PACEMAKER_DEFAULT_TIMEOUT}s default: {}",
                device.id,
                added.join(", ")
            ),
        ));
    }
}
