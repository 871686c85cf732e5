//! The plan for a cluster.conf node, as cman's `fence_node` (libfence)
//! runs it: methods in document order, every device of a method, and
//! each agent's stdin built by libfence's `make_args` (`cman::args`). cman has no reboot
//! remapping and no retries.

use anyhow::Result;

use super::plan::{
    check_node_name, check_stdin_args, default_timeout, AgentAction, DeviceStep, FenceAction, Plan,
    Requested, SourceKind, Stage,
};
use super::UnknownNode;
use crate::agents::lookup::{secret_names, AgentLookup};
use crate::cman::args;
use crate::cman::conf::{ClusterConf, ClusterNode, DeviceRef};
use crate::cman::nodename::{self, Match};
use crate::exit::{ExitStatus, ExitWith};

/// Plans fencing (or with `unfence`, unfencing) of `node`.
pub fn plan(
    conf: &ClusterConf,
    source: SourceKind,
    node: &str,
    action: Option<FenceAction>,
    unfence: bool,
    agents: &mut AgentLookup<'_>,
) -> Result<Plan> {
    check_node_name(node)?;
    let (member, found) = find_node(conf, node)?;
    let mut plan = Plan {
        node: node.to_string(),
        action: action.map_or(Requested::Configured, Requested::Action),
        unfence,
        source,
        stages: Vec::new(),
        warnings: Vec::new(),
        notes: vec![
            "cluster.conf: methods in document order; no reboot remapping (cman has none)".into(),
        ],
    };
    match found {
        NodeFound::Exactly => {}
        NodeFound::As { how, others } => {
            plan.notes.push(format!(
                "'{node}' is <clusternode name=\"{}\"> ({how}, as cman's ccs_lookup_nodename finds it); \
                 agents get nodename={}",
                member.name, member.name
            ));
            if !others.is_empty() {
                plan.warnings.push(format!(
                    "'{node}' also matches {}: cman takes the first node in cluster.conf, {}; \
                     give the exact name to be sure",
                    others.join(", "),
                    member.name
                ));
            }
        }
    }
    check_limits(member, &mut plan.warnings);
    if unfence {
        let steps = member
            .unfence
            .iter()
            .enumerate()
            .map(|(i, dref)| {
                let configured = dref.attrs.iter().any(|(k, _)| k == "action" || k == "option")
                    || conf.device(&dref.name).is_some_and(|d| d.attrs.iter().any(|(k, _)| k == "action"));
                // An unfence device without action="on" would run the agent's
                // default (reboot or off): send on, and say so.
                let action = if configured { None } else { Some(FenceAction::On) };
                if !configured {
                    plan.warnings.push(format!(
                        "unfence device {} has no action=\"on\" in cluster.conf; fencectl sends action=on \
                         (fence_node would run the agent's default)",
                        dref.name
                    ));
                }
                step(conf, &plan.source, member, dref, format!("unfence.{}", i + 1), action, agents, &mut plan.warnings)
            })
            .collect::<Result<_>>()?;
        plan.stages.push(Stage {
            label: "unfence".into(),
            steps,
        });
        plan.stages.retain(|s| !s.steps.is_empty());
        return Ok(plan);
    }
    for (m, method) in member.methods.iter().enumerate() {
        let steps = method
            .devices
            .iter()
            .enumerate()
            .map(|(d, dref)| {
                step(
                    conf,
                    &plan.source,
                    member,
                    dref,
                    format!("{}.{}", m + 1, d + 1),
                    action,
                    agents,
                    &mut plan.warnings,
                )
            })
            .collect::<Result<_>>()?;
        let label = if method.name.is_empty() {
            format!("method {}", m + 1)
        } else {
            format!("method {}", method.name)
        };
        plan.stages.push(Stage { label, steps });
    }
    plan.stages.retain(|s| !s.steps.is_empty());
    Ok(plan)
}

/// How the name given was found.
enum NodeFound {
    Exactly,
    /// By a looser rule (`how`), and which other nodes it would also match.
    As {
        how: String,
        others: Vec<String>,
    },
}

/// The `<clusternode>` `node` names, as fence_node finds it
/// (`cman::nodename`); an unknown name is fence_node's "undefined".
fn find_node<'c>(conf: &'c ClusterConf, node: &str) -> Result<(&'c ClusterNode, NodeFound)> {
    let Some((i, how)) = nodename::lookup(&conf.nodes, node) else {
        // fence_node: no node, so no method: "undefined", exit 2.
        let unknown = UnknownNode::new(node, conf.nodes.iter().map(|n| n.name.clone()).collect());
        return Err(ExitWith(ExitStatus::NothingConfigured, unknown.to_string()).into());
    };
    let how = match how {
        Match::Exact => return Ok((&conf.nodes[i], NodeFound::Exactly)),
        Match::ShortName => "its part before the first dot".to_string(),
        Match::ShortNameIgnoringCase { altname: None } => {
            "the short names compared without case".to_string()
        }
        Match::ShortNameIgnoringCase { altname: Some(alt) } => {
            format!("its <altname name=\"{alt}\">")
        }
        Match::Address { altname: None } => "its address".to_string(),
        Match::Address { altname: Some(alt) } => {
            format!("the address of its <altname name=\"{alt}\">")
        }
    };
    let others = nodename::other_candidates(&conf.nodes, node, i)
        .into_iter()
        .map(|o| conf.nodes[o].name.clone())
        .collect();
    Ok((&conf.nodes[i], NodeFound::As { how, others }))
}

/// libfence reads only the first 8 methods of a node and 8 devices of a
/// method: say so when the file has more (fencectl still plans them all).
fn check_limits(member: &ClusterNode, warnings: &mut Vec<String>) {
    if member.methods.len() > args::MAX_METHODS {
        warnings.push(format!(
            "node {} has {} methods; cman's fence_node reads only the first {}",
            member.name,
            member.methods.len(),
            args::MAX_METHODS
        ));
    }
    for (m, method) in member.methods.iter().enumerate() {
        if method.devices.len() > args::MAX_DEVICES {
            warnings.push(format!(
                "node {} method {} has {} devices; cman's fence_node runs only the first {}",
                member.name,
                m + 1,
                method.devices.len(),
                args::MAX_DEVICES
            ));
        }
    }
}

/// One device of a method, with libfence's arguments: the node's
/// `<device>` attributes, `nodename` unless given, then the
/// `<fencedevice>` attributes (so those win: the agent keeps the last).
/// An attribute that would break the agent's stdin refuses the whole plan.
#[allow(clippy::too_many_arguments)]
fn step(
    conf: &ClusterConf,
    source: &SourceKind,
    member: &ClusterNode,
    dref: &DeviceRef,
    position: String,
    action: Option<FenceAction>,
    agents: &mut AgentLookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<DeviceStep> {
    let Some(device) = conf.device(&dref.name) else {
        return Ok(broken(
            position,
            &dref.name,
            "",
            format!(
                "line {}: node {} names device '{}', but no <fencedevice> has that name",
                dref.line, member.name, dref.name
            ),
        ));
    };
    let file = source.describe();
    check_stdin_args(&dref.attrs, |name| {
        format!(
            "{file} line {}: <device name=\"{}\"> of node {} attribute {name}",
            dref.line, dref.name, member.name
        )
    })?;
    check_stdin_args(&device.attrs, |name| {
        format!(
            "{file} line {}: <fencedevice name=\"{}\"> attribute {name}",
            device.line, device.name
        )
    })?;
    let made = args::make_args(&member.name, dref, device);
    warnings.extend(made.warnings);
    let mut args = made.args;
    if let Some(action) = action {
        if let Some((_, configured)) = args.iter().rev().find(|(k, _)| k == "action") {
            if configured != action.as_str() && action != FenceAction::Status {
                warnings.push(format!(
                    "device {} is configured with action={configured}; --action {} overrides it (sent last)",
                    device.name,
                    action.as_str()
                ));
            }
        }
        args.push(("action".into(), action.as_str().into()));
    }
    let sent = args
        .iter()
        .rev()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| AgentAction::from_name(v));
    let info = agents.get(&device.agent);
    let agent_args = info.as_ref().map(|i| i.args.clone()).unwrap_or_default();
    let (agent_path, problem, default_action, power_timeout) = match &info {
        Ok(info) => (
            Some(info.path.clone()),
            None,
            info.default_of("action").map(AgentAction::from_name),
            info.power_timeout(),
        ),
        Err(why) => (
            None,
            Some(format!("agent {}: {why}", device.agent)),
            None,
            None,
        ),
    };
    let effective = sent
        .clone()
        .or(default_action.clone())
        .unwrap_or(AgentAction::Reboot);
    let secret_names = secret_names(&args, info.ok());
    Ok(DeviceStep {
        position,
        device: device.name.clone(),
        agent: device.agent.clone(),
        agent_path,
        agent_args,
        problem,
        action: sent.clone(),
        agent_default_action: if sent.is_none() { default_action } else { None },
        secret_names,
        args,
        timeout: default_timeout(power_timeout, &effective),
        retries: 0,
        delay_base: std::time::Duration::ZERO,
        delay_max: std::time::Duration::ZERO,
        required: true,
        lock_key: super::plan::physical_device_key(
            &device.agent,
            &[dref.attrs.as_slice(), device.attrs.as_slice()].concat(),
            &device.attrs,
        ),
        decided_at_run_time: None,
    })
}

/// A step that cannot run, kept in the plan so the failure is reported.
pub fn broken(position: String, device: &str, agent: &str, problem: String) -> DeviceStep {
    DeviceStep {
        position,
        device: device.to_string(),
        agent: agent.to_string(),
        agent_path: None,
        agent_args: Vec::new(),
        problem: Some(problem),
        action: None,
        agent_default_action: None,
        args: Vec::new(),
        secret_names: Vec::new(),
        timeout: std::time::Duration::ZERO,
        retries: 0,
        delay_base: std::time::Duration::ZERO,
        delay_max: std::time::Duration::ZERO,
        required: true,
        lock_key: String::new(),
        decided_at_run_time: None,
    }
}
