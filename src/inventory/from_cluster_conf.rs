//! `convert cluster-conf-to-cib`: a cman configuration as Pacemaker stonith
//! primitives and fencing levels, with a report of what cannot be carried over.

use std::collections::BTreeMap;

use std::rc::Rc;

use crate::agents::metadata::AgentMetadata;
use crate::cman::conf::ClusterConf;
use crate::fencing::cib::LevelTarget;
use crate::inventory::{Device, Inventory, Level, Node};

/// Attributes a node's `<device>` may carry that map onto Pacemaker.
const PLUG_NAMES: &[&str] = &["port", "plug"];

/// Converts `conf`; `metadata` gives an agent's metadata when installed.
/// Returns the inventory and the report lines.
pub fn cluster_conf_to_inventory(
    conf: &ClusterConf,
    metadata: &mut dyn FnMut(&str) -> Option<Rc<AgentMetadata>>,
) -> (Inventory, Vec<String>) {
    let mut report = Vec::new();
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
    let mut devices: Vec<Device> = conf
        .devices
        .iter()
        .map(|d| device(d, metadata(&d.agent).as_deref(), &mut report))
        .collect();
    let mut actions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut levels = Vec::new();
    let mut needs_levels = false;
    for node in &conf.nodes {
        for (m, method) in node.methods.iter().enumerate() {
            let mut ids: Vec<String> = Vec::new();
            for dref in &method.devices {
                let Some(device) = devices.iter_mut().find(|d| d.id == dref.name) else {
                    report.push(format!("node {}: method {} names device '{}', which no <fencedevice> defines: left out", node.name, m + 1, dref.name));
                    continue;
                };
                attach(device, &node.name, &dref.attrs, &mut actions, &mut report);
                if !ids.contains(&dref.name) {
                    ids.push(dref.name.clone());
                }
            }
            let distinct = ids.len();
            if distinct > 1 && method.devices.len() > distinct {
                report.push(format!(
                    "node {}: method {} switches {} devices off then on; in Pacemaker that is one level of them (reboot is remapped to all off, then all on)",
                    node.name, m + 1, distinct
                ));
            }
            needs_levels |= distinct > 1 || node.methods.len() > 1;
            if !ids.is_empty() {
                levels.push(Level {
                    target: LevelTarget::Node(node.name.clone()),
                    index: (m + 1) as u32,
                    devices: ids,
                });
            }
        }
        for dref in &node.unfence {
            if let Some(device) = devices.iter_mut().find(|d| d.id == dref.name) {
                device.unfence = true;
                if !device.fences(&node.name) {
                    attach(
                        device,
                        &node.name,
                        &dref.attrs,
                        &mut BTreeMap::new(),
                        &mut report,
                    );
                }
            }
        }
    }
    for device in &mut devices {
        finish(device, actions.get(&device.id), &mut report);
    }
    if !needs_levels {
        levels.clear();
    }
    (
        Inventory {
            name: conf.name.clone(),
            config_version: 1,
            nodes,
            devices,
            levels,
        },
        report,
    )
}

fn device(
    def: &crate::cman::conf::FenceDeviceDef,
    meta: Option<&AgentMetadata>,
    report: &mut Vec<String>,
) -> Device {
    let mut params = Vec::new();
    for (name, value) in def.attrs.iter().filter(|(k, _)| k != "agent") {
        match meta
            .and_then(|m| m.parameter(name))
            .and_then(|p| p.replaced_by.clone())
        {
            Some(new) => {
                report.push(format!(
                    "device {}: {name} is written as {new} (the new name)",
                    def.name
                ));
                params.push((new, value.clone()));
            }
            None if name == "option" => {
                report.push(format!("device {}: option=\"{value}\" is the retired name of action: carried over as pcmk_reboot_action", def.name));
                params.push(("pcmk_reboot_action".into(), value.clone()));
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
    }
}

/// A node's use of a device: its plug goes into the host map, its action
/// is remembered, anything else is reported.
fn attach(
    device: &mut Device,
    node: &str,
    attrs: &[(String, String)],
    actions: &mut BTreeMap<String, Vec<String>>,
    report: &mut Vec<String>,
) {
    let plug = attrs
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
    for (name, value) in attrs {
        match name.as_str() {
            "port" | "plug" | "nodename" => {}
            "action" | "option" => actions.entry(device.id.clone()).or_default().push(value.clone()),
            _ => report.push(format!(
                "node {node}, device {}: per-node attribute {name}=\"{value}\" cannot be carried over (Pacemaker parameters are per device)",
                device.id
            )),
        }
    }
}

/// Host list and map into Pacemaker parameters; a configured action into
/// pcmk_reboot_action where every use agrees.
fn finish(device: &mut Device, actions: Option<&Vec<String>>, report: &mut Vec<String>) {
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
        let map = crate::generate::host_map_text(&device.host_map);
        device.pcmk.push(("pcmk_host_map".into(), map));
    }
    let Some(actions) = actions else { return };
    let mut distinct: Vec<&String> = actions.iter().collect();
    distinct.sort();
    distinct.dedup();
    match distinct.as_slice() {
        [only] if only.as_str() == "off" && actions.len() == actions.iter().filter(|a| *a == "off").count() && !is_power_cycle(actions) => {
            report.push(format!("device {}: action=\"off\" becomes pcmk_reboot_action=off (a reboot request runs off)", device.id));
            device.pcmk.push(("pcmk_reboot_action".into(), "off".into()));
        }
        [only] if only.as_str() == "reboot" => {}
        _ if is_power_cycle(actions) => {}
        _ => report.push(format!(
            "device {}: configured actions {} differ between uses: not carried over (Pacemaker sends the requested action)",
            device.id,
            actions.join(",")
        )),
    }
}

fn is_power_cycle(actions: &[String]) -> bool {
    actions.iter().any(|a| a == "off") && actions.iter().any(|a| a == "on")
}
