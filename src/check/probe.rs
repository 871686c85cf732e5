//! Live probes: for each device of each level or method of a node, the
//! agent's `monitor`, its `list` (is the node's plug in it?) and `status`
//! of the node's plug, never a power action, with the arguments `fence`
//! would send. Different physical devices are probed concurrently; the
//! probes of one physical device (agent and address: `lock_key`) run one
//! after another in one worker. Probes take no lock and write no record.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;

use crate::agents::runner::{self, Invocation};
use crate::fencing::plan::{stdin_lines, AgentAction, DeviceStep};

/// One device of one stage of one node, to probe.
#[derive(Debug, Clone)]
pub struct ProbeTarget {
    pub node: String,
    pub stage: String,
    /// The step of the node's `status` plan: the arguments `fence` sends.
    pub step: DeviceStep,
    /// What the agent's metadata offers.
    pub has_monitor: bool,
    pub has_list: bool,
}

/// The verdict on one device for one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeState {
    Ok,
    Fail,
    NotProbed,
}

/// One agent run of a probe.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProbeCall {
    /// The action run (`monitor`, `list`, `status`).
    pub action: String,
    /// Whether it answered as expected.
    pub ok: bool,
    /// What it answered, or what went wrong.
    pub result: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

/// The probes of one device for one node.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Probe {
    /// The node.
    pub node: String,
    /// The level or method.
    pub stage: String,
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device.
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The verdict: `ok`, `fail` or `not-probed`.
    pub state: ProbeState,
    /// Why it failed or was not probed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The node's power as `status` answered it (`on`, `off`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<String>,
    /// Each agent run, in order.
    pub calls: Vec<ProbeCall>,
}

/// A probe that does not run, and why.
pub fn not_probed(target: &ProbeTarget, reason: impl Into<String>) -> Probe {
    Probe {
        node: target.node.clone(),
        stage: target.stage.clone(),
        position: target.step.position.clone(),
        device: target.step.device.clone(),
        agent: target.step.agent.clone(),
        state: ProbeState::NotProbed,
        reason: Some(reason.into()),
        power: None,
        calls: Vec::new(),
    }
}

/// Probes every target: physical devices concurrently (at most `jobs` at
/// a time), each physical device's probes in turn. Results keep the order
/// of `targets`.
pub fn run(targets: &[ProbeTarget], jobs: usize) -> Vec<Probe> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut results: Vec<Option<Probe>> = vec![None; targets.len()];
    for (i, target) in targets.iter().enumerate() {
        match why_not(&target.step) {
            Some(reason) => results[i] = Some(not_probed(target, reason)),
            None => groups.entry(&target.step.lock_key).or_default().push(i),
        }
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let next = AtomicUsize::new(0);
    let done = Mutex::new(results);
    let workers = jobs.max(1).min(groups.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let g = next.fetch_add(1, Ordering::SeqCst);
                let Some(group) = groups.get(g) else { break };
                for (i, probe) in probe_device(targets, group) {
                    done.lock().unwrap_or_else(PoisonError::into_inner)[i] = Some(probe);
                }
            });
        }
    });
    done.into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}

/// Why a step cannot be probed.
fn why_not(step: &DeviceStep) -> Option<String> {
    if let Some(problem) = &step.problem {
        return Some(problem.clone());
    }
    if step.agent_path.is_none() {
        return Some(format!("agent {} is not installed", step.agent));
    }
    if step.changes_power() {
        // A pcmk_status_action that names a power action: never sent.
        return Some(format!(
            "the device's status action is {}, which may change power: not run",
            step.action
                .as_ref()
                .map_or("the agent's default", AgentAction::as_str)
        ));
    }
    None
}

/// The probes of one physical device, in turn: per configured device
/// `monitor` and `list` once, then `status` for each node's plug.
fn probe_device(targets: &[ProbeTarget], group: &[usize]) -> Vec<(usize, Probe)> {
    let mut device_checks: BTreeMap<&str, DeviceLevel> = BTreeMap::new();
    let mut out = Vec::new();
    for &i in group {
        let target = &targets[i];
        let step = &target.step;
        let (calls, failure, listed) = device_checks
            .entry(&step.device)
            .or_insert_with(|| device_level(target));
        let mut probe = Probe {
            node: target.node.clone(),
            stage: target.stage.clone(),
            position: step.position.clone(),
            device: step.device.clone(),
            agent: step.agent.clone(),
            state: ProbeState::Ok,
            reason: None,
            power: None,
            calls: calls.clone(),
        };
        if let Some(failure) = failure.clone() {
            probe.state = ProbeState::Fail;
            probe.reason = Some(failure);
            out.push((i, probe));
            continue;
        }
        let plug = plug_of(step, &target.node);
        if let Some(listed) = listed {
            if !list_names(listed, &plug) {
                probe.state = ProbeState::Fail;
                probe.reason = Some(format!("list does not name the node's plug '{plug}'"));
            }
        }
        if crate::sys::signal::interrupted() {
            out.push((i, not_probed(target, "interrupted")));
            continue;
        }
        let (call, run) = call(step, AgentAction::Status);
        match run.as_ref().map(|r| r.ending.clone()) {
            Ok(runner::Ending::Exited(0)) => probe.power = Some("on".into()),
            Ok(runner::Ending::Exited(2)) => probe.power = Some("off".into()),
            _ => {
                probe.state = ProbeState::Fail;
                probe
                    .reason
                    .get_or_insert_with(|| format!("status: {}", call.result));
            }
        }
        probe.calls.push(call);
        out.push((i, probe));
    }
    out
}

/// What the device-level probes gave: the calls, a failure, the list output.
type DeviceLevel = (Vec<ProbeCall>, Option<String>, Option<String>);

/// monitor (when the agent has it) and list (when it has it).
fn device_level(target: &ProbeTarget) -> DeviceLevel {
    let mut calls = Vec::new();
    if target.has_monitor {
        let (call, _) = call(&target.step, AgentAction::Monitor);
        let failed = (!call.ok).then(|| format!("monitor: {}", call.result));
        calls.push(call);
        if failed.is_some() {
            return (calls, failed, None);
        }
    }
    let mut listed = None;
    if target.has_list {
        let (call, run) = call(&target.step, AgentAction::List);
        let failed = (!call.ok).then(|| format!("list: {}", call.result));
        if let (Ok(run), true) = (&run, call.ok) {
            listed = Some(String::from_utf8_lossy(&run.stdout).into_owned());
        }
        calls.push(call);
        if failed.is_some() {
            return (calls, failed, None);
        }
    }
    (calls, None, listed)
}

/// The plug the node is known by to the device: the host argument sent
/// (port or plug, mapped through pcmk_host_map), else the node name.
fn plug_of(step: &DeviceStep, node: &str) -> String {
    step.args
        .iter()
        .rev()
        .find(|(k, _)| k == "port" || k == "plug")
        .map_or(node, |(_, v)| v.as_str())
        .to_string()
}

/// Whether `list` output (`plug,alias` lines) names `plug`.
fn list_names(output: &str, plug: &str) -> bool {
    output.lines().any(|line| {
        line.split(',')
            .take(2)
            .any(|field| field.trim().eq_ignore_ascii_case(plug.trim()))
    })
}

/// Runs the step's agent with `action` instead of the fencing action: the
/// same arguments, with every `action` (and cman's old `option`) removed
/// and the read-only action sent last.
fn call(step: &DeviceStep, action: AgentAction) -> (ProbeCall, anyhow::Result<runner::AgentRun>) {
    debug_assert!(!action.changes_power());
    let mut args: Vec<(String, String)> = step
        .args
        .iter()
        .filter(|(k, _)| k != "action" && k != "option")
        .cloned()
        .collect();
    args.push(("action".into(), action.to_string()));
    let timeout = if step.timeout.is_zero() {
        Duration::from_secs(60)
    } else {
        step.timeout
    };
    let program = step.agent_path.clone().unwrap_or_default();
    let run = runner::run(&Invocation {
        program: &program,
        args: step.agent_args.clone(),
        stdin: Some(stdin_lines(&args)),
        timeout,
        output_cap: runner::DEFAULT_OUTPUT_CAP,
        echo: None,
    });
    let secrets = step.secret_values();
    let mask = move |line: &str| crate::secrets::mask_values(line, &secrets);
    let call = match &run {
        Ok(r) => {
            let ok = r.success() || (action.is_status() && r.ending == runner::Ending::Exited(2));
            ProbeCall {
                action: action.to_string(),
                ok,
                result: if ok {
                    "ok".into()
                } else {
                    r.failure_reason_masked(timeout, &mask)
                },
                elapsed_ms: u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
            }
        }
        Err(e) => ProbeCall {
            action: action.to_string(),
            ok: false,
            result: format!("{e:#}"),
            elapsed_ms: 0,
        },
    };
    (call, run)
}
