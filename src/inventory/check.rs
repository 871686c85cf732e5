//! What the real tools miss: the checks every generated output passes.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use super::{Device, Index, Inventory};
use crate::agents::finding::Finding;
use crate::agents::metadata::AgentMetadata;
use crate::agents::params::check_params;
use crate::fencing::cib::LevelTarget;

/// The result of checking an inventory.
#[derive(Debug, Default)]
pub struct Checks {
    pub findings: Vec<Finding>,
}

/// Checks the inventory; `metadata` holds the agents that were found (by
/// name), `missing` why others were not (empty when metadata is skipped).
pub fn check(
    inventory: &Inventory,
    metadata: &HashMap<String, Rc<AgentMetadata>>,
    missing: &HashMap<String, String>,
) -> Checks {
    let mut findings = Vec::new();
    let index = Index::new(inventory);
    for device in &inventory.devices {
        findings.extend(check_device(device, metadata, missing, inventory, &index));
    }
    findings.extend(check_levels(inventory, &index));
    for node in &inventory.nodes {
        let fenced = !index.devices_fencing(&node.name).is_empty()
            || index.levels_for(node).iter().any(|l| !l.devices.is_empty());
        if !fenced {
            findings.push(Finding::warning("unfenced-node", format!("node {}", node.name), None, format!(
                "no device can fence node {}: give a device hosts = [\"{}\"] or a host_map entry, or a [[fencing]] level",
                node.name, node.name
            )));
        }
    }
    Checks { findings }
}

fn check_device(
    device: &Device,
    metadata: &HashMap<String, Rc<AgentMetadata>>,
    missing: &HashMap<String, String>,
    inventory: &Inventory,
    index: &Index<'_>,
) -> Vec<Finding> {
    let subject = format!("device {}", device.id);
    let mut findings = Vec::new();
    if !valid_id(&device.id) {
        findings.push(Finding::error("id", subject.clone(), None, format!(
            "'{}' cannot be an id: use letters, digits, '_', '.' and '-', starting with a letter or '_'",
            device.id
        )));
    }
    if let Some(why) = missing.get(&device.agent) {
        findings.push(Finding::error(
            "unknown-agent",
            subject.clone(),
            None,
            format!(
                "agent {}: {why} (or generate with --no-metadata)",
                device.agent
            ),
        ));
    }
    // cluster.conf's <fencedevice> has name= and agent= of its own: a
    // parameter of either name would repeat the attribute, and the file
    // would not load. No agent takes them (with metadata, the unknown
    // parameter is an error below).
    let reserved = device
        .params
        .iter()
        .filter(|(k, _)| k == "name" || k == "agent");
    for (name, _) in reserved.filter(|_| !metadata.contains_key(&device.agent)) {
        findings.push(Finding::error("reserved-parameter", subject.clone(), None, format!(
            "{subject}: a parameter cannot be called {name}: cluster.conf's <fencedevice> uses {name}= itself"
        )));
    }
    if let Some(meta) = metadata.get(&device.agent) {
        let mut all = device.params.clone();
        all.extend(device.pcmk.iter().cloned());
        for mut finding in check_params(meta, &all) {
            // plug/port come per node from the host map; an action only for cman.
            if finding.rule == "per-node-parameter" {
                continue;
            }
            finding.message = format!(
                "{subject}: {}",
                crate::secrets::mask_values(&finding.message, &secret_values(device, meta))
            );
            finding.subject = format!("{subject} {}", finding.subject);
            findings.push(finding);
        }
        if meta.action("on").is_some_and(|a| a.on_target) {
            findings.push(Finding::warning("on-target", subject.clone(), None, format!(
                "{subject}: {} must run \"on\" on the node it fences itself (unfencing only works from that node)",
                device.agent
            )));
        }
    }
    let named_hosts = device
        .hosts
        .iter()
        .chain(device.host_map.iter().map(|(n, _)| n));
    for node in named_hosts.filter(|_| !inventory.nodes.is_empty()) {
        if !index.has_node(node) {
            findings.push(Finding::warning(
                "unknown-host",
                subject.clone(),
                None,
                format!("{subject} names host {node}, which is not a [[node]] of the inventory"),
            ));
        }
    }
    findings
}

fn secret_values(device: &Device, meta: &AgentMetadata) -> Vec<String> {
    device
        .params
        .iter()
        .filter(|(k, _)| meta.is_secret_parameter(k))
        .map(|(_, v)| v.clone())
        .collect()
}

fn check_levels(inventory: &Inventory, index: &Index<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: BTreeSet<(String, u32)> = BTreeSet::new();
    for level in &inventory.levels {
        let target = describe(&level.target);
        let subject = format!("fencing {target} level {}", level.index);
        if !(1..=9).contains(&level.index) {
            findings.push(Finding::error(
                "level-index",
                subject.clone(),
                None,
                format!(
                    "{target} has {} levels: Pacemaker's fencer uses levels 1 to 9 only",
                    level.index
                ),
            ));
        }
        if !seen.insert((target.clone(), level.index)) {
            findings.push(Finding::error(
                "duplicate-level",
                subject.clone(),
                None,
                format!(
                    "{target} has two [[fencing]] entries: give each target one list of levels"
                ),
            ));
        }
        if level.devices.is_empty() {
            findings.push(Finding::error(
                "empty-level",
                subject.clone(),
                None,
                format!("{subject} names no device"),
            ));
        }
        for id in &level.devices {
            if index.device(id).is_none() {
                let hint =
                    crate::suggest::closest(id, inventory.devices.iter().map(|d| d.id.as_str()))
                        .map(|s| format!("; did you mean '{s}'?"))
                        .unwrap_or_default();
                findings.push(Finding::error(
                    "unknown-device",
                    subject.clone(),
                    None,
                    format!("{subject} names device '{id}', which no [[device]] defines{hint}"),
                ));
            }
        }
        if let LevelTarget::Node(node) = &level.target {
            if !index.has_node(node) {
                findings.push(Finding::warning(
                    "unknown-target",
                    subject.clone(),
                    None,
                    format!("{subject}: {node} is not a [[node]] of the inventory"),
                ));
            }
        }
    }
    findings
}

/// How a level target reads in messages.
pub fn describe(target: &LevelTarget) -> String {
    match target {
        LevelTarget::Node(node) => format!("node {node}"),
        LevelTarget::Pattern(pattern) => format!("pattern {pattern}"),
        LevelTarget::Attribute { name, value } => format!("attribute {name}={value}"),
    }
}

/// An XML ID that is also a valid Pacemaker device name.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}
