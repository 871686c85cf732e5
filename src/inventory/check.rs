//! What the real tools miss: the checks every generated output passes.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use super::{Device, Index, Inventory};
use crate::agents::finding::Finding;
use crate::agents::metadata::AgentMetadata;
use crate::agents::params::check_params;
use crate::pacemaker::cib::LevelTarget;
use crate::pacemaker::topology::describe;
use crate::sys::text;

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
    let mut findings = check_text(inventory);
    let index = Index::new(inventory);
    for device in &inventory.devices {
        findings.extend(check_device(device, metadata, missing, inventory, &index));
    }
    findings.extend(check_levels(inventory, &index));
    for node in &inventory.nodes {
        let selection = index.topology_for(node);
        if let (Some(chosen), false) = (selection.target, selection.competing.is_empty()) {
            let others: Vec<String> = selection.competing.iter().map(|t| describe(t)).collect();
            findings.push(Finding::warning("ambiguous-levels", format!("node {}", node.name), None, format!(
                "node {}: the levels of {} and of {} all match it; pacemaker-fenced uses one target's levels only, \
                 in no defined order: give node {} [[fencing]] levels of its own",
                node.name, describe(chosen), others.join(", "), node.name
            )));
        }
        let fenced = !index.devices_fencing(&node.name).is_empty()
            || selection.levels.iter().any(|l| !l.devices.is_empty());
        if !fenced {
            findings.push(Finding::warning("unfenced-node", format!("node {}", node.name), None, format!(
                "no device can fence node {}: give a device hosts = [\"{}\"] or a host_map entry, or a [[fencing]] level",
                node.name, node.name
            )));
        }
    }
    Checks { findings }
}

/// Issue 9: every text that is written into XML can be carried by XML 1.0;
/// what reaches an agent's stdin holds no line break or other control
/// character; node names are single hosts to Pacemaker's list readers.
/// Messages name the inventory key, never the value (it may be a secret).
fn check_text(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut xml = |subject: &str, key: &str, value: &str| {
        if let Some(c) = value.chars().find(|&c| !text::is_xml_char(c)) {
            findings.push(Finding::error(
                "control-character",
                subject,
                None,
                format!(
                    "{subject}: {key} holds the control character U+{:04X}, which XML 1.0 cannot carry; remove it",
                    c as u32
                ),
            ));
        }
    };
    xml("cluster", "name", &inventory.name);
    for node in &inventory.nodes {
        let subject = format!("node {}", text::escape_controls(&node.name));
        for (key, value) in &node.attributes {
            xml(&subject, &format!("attributes.{key} (name)"), key);
            xml(&subject, &format!("attributes.{key}"), value);
        }
    }
    for device in &inventory.devices {
        let subject = format!("device {}", text::escape_controls(&device.id));
        for (key, value) in device.meta.iter().chain(&device.pcmk) {
            xml(&subject, key, value);
        }
        if let Some(monitor) = &device.monitor {
            xml(&subject, "monitor", monitor);
        }
    }
    for level in &inventory.levels {
        for device in &level.devices {
            xml("fencing", "levels", device);
        }
        match &level.target {
            LevelTarget::Node(_) => {}
            LevelTarget::Pattern(pattern) => xml("fencing", "pattern", pattern),
            LevelTarget::Attribute { name, value } => {
                xml("fencing", "attribute", name);
                xml("fencing", "attribute", value);
            }
        }
    }
    for node in &inventory.nodes {
        findings.extend(node_name_problem(
            &format!("node {}", text::escape_controls(&node.name)),
            "name",
            &node.name,
            false,
        ));
    }
    for level in &inventory.levels {
        if let LevelTarget::Node(node) = &level.target {
            findings.extend(node_name_problem("fencing", "target", node, false));
        }
    }
    for device in &inventory.devices {
        findings.extend(stdin_problems(device));
    }
    findings
}

/// A node name Pacemaker would read as something else: its host lists
/// split on whitespace, `,` and `;` (`n 1` is two hosts), and a host map
/// name ends at `:` or `=` and keeps backslashes.
fn node_name_problem(subject: &str, key: &str, name: &str, mapped: bool) -> Option<Finding> {
    let shown = text::escape_controls(name);
    let why = if let Some(c) = name.chars().find(|&c| text::is_control(c)) {
        format!("holds {}", text::describe_control(c))
    } else if name.is_empty() {
        "is empty".to_string()
    } else if name.contains(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        "holds whitespace, ',' or ';', where Pacemaker splits a host list: it would be read as several hosts".to_string()
    } else if mapped && name.contains([':', '=', '\\']) {
        "holds ':', '=' or '\\', which pcmk_host_map cannot carry in a node name".to_string()
    } else {
        return None;
    };
    Some(Finding::error(
        "node-name",
        subject,
        None,
        format!("{subject}: {key} '{shown}' {why}; use the node's host name"),
    ))
}

/// What reaches the agent's stdin (parameters, the action, host map plugs)
/// and the node names it names.
fn stdin_problems(device: &Device) -> Vec<Finding> {
    let subject = format!("device {}", text::escape_controls(&device.id));
    let mut findings = Vec::new();
    let refusal = |key: String, problem: text::StdinProblem| {
        Finding::error(
            "stdin",
            subject.clone(),
            None,
            format!("{subject}: {key} {problem}."),
        )
    };
    if let Some(why) = crate::agents::discovery::configured_name_problem(&device.agent) {
        findings.push(Finding::error(
            "agent",
            subject.clone(),
            None,
            format!("{subject}: agent: {why}"),
        ));
    }
    // With metadata, check_params reports these (as value-newline).
    if !device.metadata_known {
        for (key, value) in &device.params {
            let shown = text::escape_controls(key);
            if let Some(problem) = text::stdin_name_problem(key) {
                findings.push(refusal(format!("params: parameter {shown}"), problem));
            } else if let Some(problem) = text::stdin_value_problem(value) {
                findings.push(refusal(format!("params.{shown}"), problem));
            }
        }
    }
    if let Some(problem) = device.action.as_deref().and_then(text::stdin_value_problem) {
        findings.push(refusal("action".into(), problem));
    }
    for (node, plug) in &device.host_map {
        let shown = text::escape_controls(node);
        if let Some(problem) = text::stdin_value_problem(plug) {
            findings.push(refusal(format!("host_map.{shown}"), problem));
        } else if plug.contains('\\') {
            findings.push(Finding::error(
                "host-map",
                subject.clone(),
                None,
                format!(
                    "{subject}: host_map.{shown} holds a backslash, which pacemaker-fenced removes from every plug; \
                     it cannot be written"
                ),
            ));
        }
    }
    let names = device.host_map.iter().map(|(n, _)| (n, true));
    for (name, mapped) in device.hosts.iter().map(|h| (h, false)).chain(names) {
        let key = if mapped { "host_map" } else { "hosts" };
        findings.extend(node_name_problem(&subject, key, name, mapped));
    }
    findings
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

/// An XML ID that is also a valid Pacemaker device name.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}
