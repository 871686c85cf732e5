//! fencectl's own fencing checks of a whole cluster.conf (beside cman's
//! schema, see [`super::schema`]): what fence_node would trip over when it
//! fences each node with each of its devices.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use super::args::{self, ARGS_MAX, MAX_DEVICES, MAX_METHODS};
use super::conf::{ClusterConf, ClusterNode, DeviceRef, FenceDeviceDef};
use crate::agents::finding::{Finding, Severity};
use crate::agents::metadata::AgentMetadata;
use crate::agents::params::check_params;

/// Rules of the parameter checks that are Pacemaker's, not cman's: a plug
/// or action on the device is how cluster.conf works, and cman-era agents
/// read only the old names (fence-agents before 4.1.0).
const NOT_CMAN: &[&str] = &[
    "fixed-target",
    "device-action",
    "host-check",
    "deprecated-parameter",
];

/// Checks `conf`; `metadata` gives an agent's metadata or why there is none.
pub fn check(
    conf: &ClusterConf,
    metadata: &mut dyn FnMut(&str) -> Result<Rc<AgentMetadata>, String>,
) -> Vec<Finding> {
    let mut findings = duplicates(conf);
    let mut agents: HashMap<String, Result<Rc<AgentMetadata>, String>> = HashMap::new();
    for def in &conf.devices {
        if !def.has_agent() {
            findings.push(Finding::error(
                "no-agent",
                subject(def),
                Some(def.line),
                format!(
                    "line {}: <fencedevice name=\"{}\"> has no agent=: fence_node cannot run it",
                    def.line, def.name
                ),
            ));
            continue;
        }
        let found = agents
            .entry(def.agent.clone())
            .or_insert_with(|| metadata(&def.agent));
        if let Err(why) = found {
            findings.push(Finding::error(
                "unknown-agent",
                subject(def),
                Some(def.line),
                format!("line {}: agent {}: {why}", def.line, def.agent),
            ));
        }
    }
    for node in &conf.nodes {
        findings.extend(limits(node));
        let refs = node
            .methods
            .iter()
            .flat_map(|m| &m.devices)
            .chain(&node.unfence);
        for dref in refs {
            let Some(def) = conf.device(&dref.name) else {
                findings.push(Finding::error(
                    "unknown-device",
                    format!("node {}", node.name),
                    Some(dref.line),
                    format!(
                        "line {}: node {} names <device name=\"{}\">, but no <fencedevice> has that name",
                        dref.line, node.name, dref.name
                    ),
                ));
                continue;
            };
            let meta = agents.get(&def.agent).and_then(|m| m.as_ref().ok());
            findings.extend(combination(node, dref, def, meta.map(Rc::as_ref)));
        }
    }
    dedup(findings)
}

/// Agents the schema does not describe (not installed in the agent
/// directories, or without metadata): cman's schema refuses their
/// `<fencedevice>`, and says it obscurely ("Element cluster failed to
/// validate content").
pub fn agents_in_schema(conf: &ClusterConf, described: &[String]) -> Vec<Finding> {
    let mut reported = BTreeSet::new();
    conf.devices
        .iter()
        .filter(|d| d.has_agent() && !described.contains(&d.agent))
        .filter(|d| !super::schema::SKIPPED_AGENTS.contains(&d.agent.as_str()))
        .filter(|d| reported.insert(d.agent.clone()))
        .map(|d| {
            Finding::error(
                "agent-not-in-schema",
                subject(d),
                Some(d.line),
                format!(
                    "line {}: agent {} is not installed in the agent directories (or has no metadata), \
                     so cman's schema has no group for it: install it (a fencectl built-in agent: fencectl install-agent)",
                    d.line, d.agent
                ),
            )
        })
        .collect()
}

fn subject(def: &FenceDeviceDef) -> String {
    format!("<fencedevice name=\"{}\">", def.name)
}

/// Two `<clusternode>`s or `<fencedevice>`s of one name (cman takes the
/// first), or two nodes with one nodeid.
fn duplicates(conf: &ClusterConf) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen = BTreeSet::new();
    for node in &conf.nodes {
        if !seen.insert(node.name.as_str()) {
            findings.push(Finding::error(
                "duplicate-name",
                format!("node {}", node.name),
                Some(node.span.line),
                format!(
                    "line {}: a second <clusternode name=\"{}\">",
                    node.span.line, node.name
                ),
            ));
        }
    }
    let mut ids = BTreeSet::new();
    for node in &conf.nodes {
        if let Some(id) = &node.nodeid {
            if !ids.insert(id.as_str()) {
                findings.push(Finding::error(
                    "duplicate-nodeid",
                    format!("node {}", node.name),
                    Some(node.span.line),
                    format!(
                        "line {}: node {} has nodeid=\"{id}\", which another node has",
                        node.span.line, node.name
                    ),
                ));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for def in &conf.devices {
        if !seen.insert(def.name.as_str()) {
            findings.push(Finding::error(
                "duplicate-name",
                subject(def),
                Some(def.line),
                format!(
                    "line {}: a second <fencedevice name=\"{}\"> (fence_node uses the first)",
                    def.line, def.name
                ),
            ));
        }
    }
    findings
}

/// libfence's 8 methods x 8 devices.
fn limits(node: &ClusterNode) -> Vec<Finding> {
    let mut findings = Vec::new();
    if node.methods.len() > MAX_METHODS {
        findings.push(Finding::error(
            "too-many-methods",
            format!("node {}", node.name),
            Some(node.span.line),
            format!(
                "line {}: node {} has {} <method>s; fence_node reads only the first {MAX_METHODS}",
                node.span.line,
                node.name,
                node.methods.len()
            ),
        ));
    }
    for (m, method) in node.methods.iter().enumerate() {
        if method.devices.len() > MAX_DEVICES {
            findings.push(Finding::error(
                "too-many-devices",
                format!("node {}", node.name),
                method.devices.first().map(|d| d.line),
                format!(
                    "node {} method {} has {} <device>s; fence_node runs only the first {MAX_DEVICES}",
                    node.name,
                    m + 1,
                    method.devices.len()
                ),
            ));
        }
    }
    findings
}

/// One node's `<device>` with its `<fencedevice>`: the arguments libfence
/// sends, checked against the agent's metadata and libfence's buffer.
fn combination(
    node: &ClusterNode,
    dref: &DeviceRef,
    def: &FenceDeviceDef,
    meta: Option<&AgentMetadata>,
) -> Vec<Finding> {
    let made = args::make_args(&node.name, dref, def);
    let mut findings = Vec::new();
    let where_ = format!(
        "line {}: node {}, <device name=\"{}\">",
        dref.line, node.name, dref.name
    );
    let size = args::args_len(&made.args);
    if size > ARGS_MAX {
        findings.push(Finding::error(
            "args-too-long",
            format!("node {}", node.name),
            Some(dref.line),
            format!("{where_}: its arguments are {size} bytes; libfence's buffer holds {ARGS_MAX}"),
        ));
    }
    for warning in made.warnings {
        findings.push(Finding::warning(
            "retired-option",
            subject(def),
            Some(dref.line),
            warning,
        ));
    }
    let Some(meta) = meta else { return findings };
    // the whole combination, without what libfence adds itself
    let params: Vec<(String, String)> = made
        .args
        .into_iter()
        .filter(|(k, _)| k != "agent" && k != "nodename")
        .collect();
    for mut finding in check_params(meta, &params) {
        if NOT_CMAN.contains(&finding.rule) {
            continue;
        }
        if finding.rule == "per-node-parameter" {
            // nothing sends the plug in cman: the agent fails
            finding.severity = Severity::Error;
            finding.message = format!(
                "{} requires {}: add port= to the node's <device name=\"{}\"> (or to the <fencedevice>)",
                def.agent, finding.subject, dref.name
            );
        }
        let masked = crate::secrets::mask_values(&finding.message, &secrets(meta, &params));
        finding.message = format!("{where_} ({}): {masked}", def.agent);
        finding.line = Some(dref.line);
        finding.subject = format!("{} {}", subject(def), finding.subject);
        findings.push(finding);
    }
    findings
}

fn secrets(meta: &AgentMetadata, params: &[(String, String)]) -> Vec<String> {
    params
        .iter()
        .filter(|(name, v)| meta.is_secret_parameter(name) && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect()
}

/// The same finding for every node that uses a device once.
fn dedup(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    findings
        .into_iter()
        .filter(|f| {
            // the message without its "line N: node X" prefix
            let key = (f.rule, f.subject.clone(), tail(&f.message).to_string());
            seen.insert(key)
        })
        .collect()
}

fn tail(message: &str) -> &str {
    message.split_once("): ").map_or(message, |(_, t)| t)
}
