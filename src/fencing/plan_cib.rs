//! The plan for a node from a Pacemaker CIB, as the installed
//! pacemaker-fenced decides it: the levels that apply to the node
//! ([`crate::pacemaker::topology`]) by ascending index, or else every
//! registered device whose host check says it can fence the node
//! ([`crate::pacemaker::selection`]); arguments built as `make_args` builds
//! them; reboot remapped where Pacemaker remaps it.

use std::time::Duration;

use anyhow::Result;

use super::plan::{
    check_node_name, check_stdin_args, default_timeout, AgentAction, DeviceStep, FenceAction, Plan,
    Requested, SourceKind, Stage,
};
use super::plan_cman::broken;
use super::UnknownNode;
use crate::agents::lookup::{secret_names, AgentInfo, AgentLookup};
use crate::agents::runner::{self, Invocation};
use crate::pacemaker::cib::{lookup, Cib, FencingLevel, LevelTarget, StonithDevice};
use crate::pacemaker::host_check::{self, HostCheck};
use crate::pacemaker::hosts::HostMap;
use crate::pacemaker::params::is_special;
use crate::pacemaker::selection::{self, Named, StaticList};
use crate::pacemaker::time;
use crate::pacemaker::topology::Topology;
use crate::pacemaker::version::PacemakerVersion;

/// How host checks that need a device's answer are handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probing {
    /// Ask the device (`list` or `status`: read-only).
    Ask,
    /// Do not ask; such devices are "decided at run time".
    Offline,
}

/// Plans fencing (or unfencing) of `node` from `cib`.
pub fn plan(
    cib: &Cib,
    source: SourceKind,
    node: &str,
    action: Option<FenceAction>,
    unfence: bool,
    probing: Probing,
    agents: &mut AgentLookup<'_>,
) -> Result<Plan> {
    CibPlanner::new(cib).plan(source, node, action, unfence, probing, agents)
}

/// A CIB with its fencing topology indexed once, for planning many nodes
/// (`check` of a whole cluster) in linear time.
pub struct CibPlanner<'c> {
    cib: &'c Cib,
    topology: Topology<'c, FencingLevel>,
}

impl<'c> CibPlanner<'c> {
    pub fn new(cib: &'c Cib) -> CibPlanner<'c> {
        CibPlanner {
            cib,
            topology: Topology::new(&cib.levels),
        }
    }

    /// [`plan`], for one node of this CIB.
    pub fn plan(
        &self,
        source: SourceKind,
        node: &str,
        action: Option<FenceAction>,
        unfence: bool,
        probing: Probing,
        agents: &mut AgentLookup<'_>,
    ) -> Result<Plan> {
        plan_with(
            self.cib,
            &self.topology,
            source,
            node,
            action,
            unfence,
            probing,
            agents,
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_with(
    cib: &Cib,
    topology: &Topology<'_, FencingLevel>,
    source: SourceKind,
    node: &str,
    action: Option<FenceAction>,
    unfence: bool,
    probing: Probing,
    agents: &mut AgentLookup<'_>,
) -> Result<Plan> {
    check_node_name(node)?;
    let action = if unfence {
        FenceAction::On
    } else {
        action.unwrap_or(FenceAction::Reboot)
    };
    let mut plan = Plan {
        node: node.to_string(),
        action: Requested::Action(action),
        unfence,
        source,
        stages: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
    };
    plan.warnings
        .extend(cib.option_warnings(PacemakerVersion::installed_or_default()));
    let levels = levels_for(cib, topology, node, &mut plan.warnings);
    if !levels.is_empty() && !unfence {
        plan.notes.push(format!(
            "{} fencing level(s) match {node}; tried by ascending index",
            levels.len()
        ));
        for level in levels {
            let devices: Vec<Result<&StonithDevice, String>> = level
                .devices
                .iter()
                .map(|id| cib.device(id).ok_or_else(|| id.clone()))
                .collect();
            let steps = level_steps(
                cib,
                &plan.source,
                node,
                level.index,
                &devices,
                action,
                agents,
                &mut plan.warnings,
            )?;
            plan.stages.push(Stage {
                label: format!("level {}", level.index),
                steps,
            });
        }
        return Ok(plan);
    }
    let capable = capable_devices(cib, node, probing, agents, &mut plan)?;
    if unfence {
        let unfencing: Vec<_> = capable
            .iter()
            .filter(|(device, _)| needs_unfencing(device, agents))
            .collect();
        let steps: Vec<DeviceStep> = unfencing
            .into_iter()
            .enumerate()
            .map(|(i, (device, pending))| {
                let mut step = device_step(
                    cib,
                    &plan.source,
                    node,
                    device,
                    FenceAction::On,
                    format!("unfence.{}", i + 1),
                    agents,
                )?;
                step.decided_at_run_time = pending.clone();
                Ok(step)
            })
            .collect::<Result<_>>()?;
        if !steps.is_empty() {
            plan.stages.push(Stage {
                label: "unfence".into(),
                steps,
            });
        }
        return Ok(plan);
    }
    plan.notes.push(format!(
        "no fencing level matches {node}: each device that can fence it is tried in turn"
    ));
    for (i, (device, pending)) in capable.iter().enumerate() {
        let mut steps = level_steps(
            cib,
            &plan.source,
            node,
            (i + 1) as u32,
            &[Ok(*device)],
            action,
            agents,
            &mut plan.warnings,
        )?;
        for step in &mut steps {
            step.decided_at_run_time = pending.clone();
        }
        plan.stages.push(Stage {
            label: format!("device {}", device.id),
            steps,
        });
    }
    Ok(plan)
}

/// The levels that apply to `node` (see [`Topology`]), by ascending index.
fn levels_for<'a>(
    cib: &Cib,
    topology: &Topology<'a, FencingLevel>,
    node: &str,
    warnings: &mut Vec<String>,
) -> Vec<&'a FencingLevel> {
    let attributes = cib
        .node(node)
        .map(|n| n.attributes.as_slice())
        .unwrap_or_default();
    let selection = topology.for_node(node, attributes);
    warnings.extend(selection.warnings);
    selection.levels
}

/// The steps of one level: each device's action, with Pacemaker's
/// remapping of reboot (off when the agent cannot reboot; all off, then
/// all on, when the level has several devices).
#[allow(clippy::too_many_arguments)]
fn level_steps(
    cib: &Cib,
    source: &SourceKind,
    node: &str,
    index: u32,
    devices: &[Result<&StonithDevice, String>],
    action: FenceAction,
    agents: &mut AgentLookup<'_>,
    warnings: &mut Vec<String>,
) -> Result<Vec<DeviceStep>> {
    let position = |d: usize| format!("{index}.{}", d + 1);
    let multi_reboot = action == FenceAction::Reboot && devices.len() > 1;
    if multi_reboot {
        warnings.push(format!(
            "level {index} has {} devices: reboot is run as off on all of them, then on on all (success = all off)",
            devices.len()
        ));
    }
    let mut steps = Vec::new();
    let phases: &[FenceAction] = if multi_reboot {
        &[FenceAction::Off, FenceAction::On]
    } else {
        &[action]
    };
    for (p, phase) in phases.iter().enumerate() {
        for (d, device) in devices.iter().enumerate() {
            let step = match device {
                Err(id) => broken(position(d), id, "", format!("level {index} names device '{id}', but the CIB has no stonith primitive with that id")),
                Ok(device) if device.disabled().is_some() => {
                    let why = device.disabled().unwrap_or_default();
                    broken(position(d), &device.id, &device.agent, format!(
                        "device {} is disabled ({why}): pacemaker-fenced does not register it, so level {index} fails",
                        device.id
                    ))
                }
                Ok(device) => {
                    let mut act = *phase;
                    if act == FenceAction::Reboot && !agent_can(device, "reboot", agents) {
                        warnings.push(format!("device {}: its agent has no reboot; off is run instead", device.id));
                        act = FenceAction::Off;
                    }
                    let mut step = device_step(cib, source, node, device, act, position(d), agents)?;
                    step.required = p == 0;
                    step
                }
            };
            steps.push(step);
        }
    }
    Ok(steps)
}

fn agent_can(device: &StonithDevice, action: &str, agents: &mut AgentLookup<'_>) -> bool {
    agents
        .get(&device.agent)
        .map_or(true, |info| info.metadata.has_action(action))
}

fn needs_unfencing(device: &StonithDevice, agents: &mut AgentLookup<'_>) -> bool {
    let provides = lookup(&device.meta, "provides").or_else(|| device.param("provides"));
    provides == Some("unfencing")
        || agents
            .get(&device.agent)
            .is_ok_and(|info| info.metadata.needs_unfencing())
}

/// One device run with pacemaker-fenced's arguments for `action` on `node`;
/// an argument that would break the agent's stdin refuses the whole plan.
fn device_step(
    cib: &Cib,
    source: &SourceKind,
    node: &str,
    device: &StonithDevice,
    action: FenceAction,
    position: String,
    agents: &mut AgentLookup<'_>,
) -> Result<DeviceStep> {
    let info = agents.get(&device.agent).cloned();
    let asked = AgentAction::from(action);
    let args = make_args(cib, node, device, &asked, info.as_ref().ok());
    check_args(source, node, device, &asked, &args)?;
    let sent = lookup(&args, "action").map(AgentAction::from_name);
    let timeout = device
        .param(&format!("pcmk_{action}_timeout"))
        .and_then(time::action_timeout)
        .unwrap_or_else(|| {
            default_timeout(
                info.as_ref().ok().and_then(AgentInfo::power_timeout),
                &asked,
            )
        });
    let retries = device
        .param(&format!("pcmk_{action}_retries"))
        .and_then(|r| r.trim().parse().ok())
        .unwrap_or(2);
    let (delay_base, delay_max) = if matches!(action, FenceAction::Reboot | FenceAction::Off) {
        delays(device, node)
    } else {
        (Duration::ZERO, Duration::ZERO)
    };
    Ok(DeviceStep {
        position,
        device: device.id.clone(),
        agent: device.agent.clone(),
        agent_path: info.as_ref().ok().map(|i| i.path.clone()),
        agent_args: info.as_ref().map(|i| i.args.clone()).unwrap_or_default(),
        problem: info
            .as_ref()
            .err()
            .map(|why| format!("agent {}: {why}", device.agent)),
        action: sent,
        agent_default_action: None,
        secret_names: secret_names(&args, info.as_ref().ok()),
        args,
        timeout,
        retries,
        delay_base,
        delay_max,
        required: true,
        lock_key: super::plan::physical_device_key(&device.agent, &device.params, &device.params),
        decided_at_run_time: None,
    })
}

/// Refuses arguments that would break the agent's stdin, naming the
/// primitive and the nvpair (or host map entry) they come from.
fn check_args(
    source: &SourceKind,
    node: &str,
    device: &StonithDevice,
    action: &AgentAction,
    args: &[(String, String)],
) -> Result<()> {
    let file = source.describe();
    check_stdin_args(args, |name| {
        let from = if device.param(name).is_some() {
            format!("nvpair {name}")
        } else if name == "action" {
            format!("nvpair pcmk_{action}_action")
        } else if device.param("pcmk_host_map").is_some() {
            format!("pcmk_host_map entry for {node} (sent as {name})")
        } else {
            format!("argument {name}")
        };
        format!("{file}: <primitive id=\"{}\"> {from}", device.id)
    })
}

/// What pacemaker-fenced sends an agent (lib/fencing/st_actions.c
/// `make_args`): the action (or its pcmk_<action>_action override),
/// nodename, nodeid when the agent takes one, the host argument unless the
/// device sets it, then every instance attribute that is not Pacemaker's own.
pub fn make_args(
    cib: &Cib,
    node: &str,
    device: &StonithDevice,
    action: &AgentAction,
    agent: Option<&AgentInfo>,
) -> Vec<(String, String)> {
    let mut args = Vec::new();
    let sent = device
        .param(&format!("pcmk_{action}_action"))
        .unwrap_or(action.as_str());
    args.push(("action".to_string(), sent.to_string()));
    args.push(("nodename".to_string(), node.to_string()));
    let version = PacemakerVersion::installed_or_default();
    // Pacemaker 3.0.1 stopped passing nodeid.
    let takes_nodeid =
        version.passes_nodeid() && agent.is_some_and(|a| a.metadata.parameter("nodeid").is_some());
    if let (true, Some(member)) = (takes_nodeid, cib.node(node)) {
        if !member.id.is_empty() {
            args.push(("nodeid".to_string(), member.id.clone()));
        }
    }
    if let Some(param) = host_argument(device, agent) {
        let configured = device.param(&param);
        if configured.is_none_or(|v| v.eq_ignore_ascii_case("dynamic")) {
            let map = device.param("pcmk_host_map").unwrap_or_default();
            let alias = HostMap::read_for(map, version)
                .get(node)
                .unwrap_or(node)
                .to_string();
            args.push((param, alias));
        }
    }
    for (name, value) in &device.params {
        if name != "action"
            && !is_special(name)
            && !name.contains("CRM_meta")
            && name != "crm_feature_set"
        {
            args.push((name.clone(), value.clone()));
        }
    }
    args
}

/// The parameter through which the installed fencer names the target
/// (see [`host_check::host_argument`]): 2.1 sends `port`.
fn host_argument(device: &StonithDevice, agent: Option<&AgentInfo>) -> Option<String> {
    host_check::host_argument(
        &device.agent,
        &device.params,
        agent.map(|info| info.metadata.as_ref()),
        PacemakerVersion::installed_or_default(),
    )
}

/// The base and maximum random delay before `node` is fenced by `device`.
fn delays(device: &StonithDevice, node: &str) -> (Duration, Duration) {
    let base = device
        .param("pcmk_delay_base")
        .and_then(|value| time::delay_base_for(value, node))
        .unwrap_or(Duration::ZERO);
    let max = device
        .param("pcmk_delay_max")
        .map(time::delay_max)
        .unwrap_or(Duration::ZERO);
    // pcmk_delay_max=0 means no random part, not a cap below the base.
    (base, max.max(base))
}

/// Devices that can fence `node`, with a note for those whose answer was
/// not asked (--offline), by each device's pcmk_host_check.
fn capable_devices<'c>(
    cib: &'c Cib,
    node: &str,
    probing: Probing,
    agents: &mut AgentLookup<'_>,
    plan: &mut Plan,
) -> Result<Vec<(&'c StonithDevice, Option<String>)>> {
    let mut capable = Vec::new();
    let mut known_statically = cib.node(node).is_some();
    for device in &cib.devices {
        if let Some(why) = device.disabled() {
            if StaticList::of(&device.params).fences(node).is_some() {
                // The node is known: say why nothing fences it.
                known_statically = true;
                plan.warnings.push(format!(
                    "device {} is disabled ({why}): pacemaker-fenced does not register it, \
                     so it cannot fence {node}",
                    device.id
                ));
            } else {
                plan.notes.push(format!(
                    "device {} is disabled ({why}): not used",
                    device.id
                ));
            }
            continue;
        }
        let check = host_check(device, agents);
        let verdict = match check {
            Ok(HostCheck::StaticList) => {
                let named = StaticList::of(&device.params).fences(node);
                if named == Some(Named::MapValue) {
                    plan.warnings.push(format!(
                        "device {} fences {node} only because {node} is one of its pcmk_host_map \
                         values (pacemaker-fenced takes map values as targets too): \
                         map {node} itself if that is meant",
                        device.id
                    ));
                }
                known_statically |= named.is_some();
                Some(named.is_some())
            }
            Ok(HostCheck::None) => Some(true),
            Ok(check) => match probing {
                Probing::Offline => None,
                Probing::Ask => {
                    plan.notes.push(format!(
                        "asked device {} ({check}) whether it can fence {node}",
                        device.id
                    ));
                    Some(probe(cib, &plan.source, node, device, check, agents)?)
                }
            },
            Err(ref other) => {
                plan.warnings.push(format!(
                    "device {}: pcmk_host_check={other} is not a host check Pacemaker knows",
                    device.id
                ));
                Some(false)
            }
        };
        match (verdict, check) {
            (Some(true), _) => capable.push((device, None)),
            (Some(false), _) => {}
            (None, check) => capable.push((
                device,
                Some(format!(
                    "{}: the device is asked at run time",
                    check.map_or_else(|c| c, |c| c.to_string())
                )),
            )),
        }
    }
    let any_dynamic = cib
        .devices
        .iter()
        .filter(|d| d.disabled().is_none())
        .any(|d| host_check(d, agents) != Ok(HostCheck::StaticList));
    if !known_statically && capable.is_empty() && !any_dynamic {
        return Err(UnknownNode::new(node, known_nodes(cib)).into());
    }
    Ok(capable)
}

/// pcmk_host_check, or Pacemaker's default for the device.
fn host_check(device: &StonithDevice, agents: &mut AgentLookup<'_>) -> Result<HostCheck, String> {
    let metadata = agents
        .get(&device.agent)
        .ok()
        .map(|info| info.metadata.as_ref());
    host_check::effective_host_check(&device.params, metadata)
}

/// Every node the CIB names: nodes, level targets, static host lists.
pub(crate) fn known_nodes(cib: &Cib) -> Vec<String> {
    let mut nodes: Vec<String> = cib.nodes.iter().map(|n| n.uname.clone()).collect();
    for level in &cib.levels {
        if let LevelTarget::Node(target) = &level.target {
            nodes.push(target.clone());
        }
    }
    for device in &cib.devices {
        nodes.extend(StaticList::of(&device.params).names());
    }
    nodes.sort();
    nodes.dedup();
    nodes
}

/// Asks a device `list` (is the node's plug listed?) or `status` (does it
/// answer on or off for the node?).
fn probe(
    cib: &Cib,
    source: &SourceKind,
    node: &str,
    device: &StonithDevice,
    check: HostCheck,
    agents: &mut AgentLookup<'_>,
) -> Result<bool> {
    let Ok(info) = agents.get(&device.agent).cloned() else {
        return Ok(false);
    };
    let action = AgentAction::from_name(check.action().unwrap_or("status"));
    let args = make_args(cib, node, device, &action, Some(&info));
    check_args(source, node, device, &action, &args)?;
    let run = runner::run(&Invocation {
        program: &info.path,
        args: info.args.clone(),
        stdin: Some(super::plan::stdin_lines(&args)),
        timeout: Duration::from_secs(60),
        output_cap: runner::DEFAULT_OUTPUT_CAP,
        echo: None,
    });
    let Ok(run) = run else { return Ok(false) };
    if action.is_status() {
        return Ok(matches!(
            run.ending,
            runner::Ending::Exited(0) | runner::Ending::Exited(2)
        ));
    }
    if !run.success() {
        return Ok(false);
    }
    let map = HostMap::read_for(
        device.param("pcmk_host_map").unwrap_or_default(),
        PacemakerVersion::installed_or_default(),
    );
    Ok(selection::list_output_names(
        &String::from_utf8_lossy(&run.stdout),
        node,
        &map,
    ))
}
