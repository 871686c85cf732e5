//! The fencing use case, free of the command line and of printing: choose
//! the configuration, plan as the real stack would, apply `--timeout`,
//! execute, reach a verdict, and write the audit record before the device
//! lock is released. `commands/fence.rs` only renders what this returns.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use anyhow::Result;
use serde::Serialize;

use super::audit::{self, AuditDevice, AuditRecord};
use super::execute::{self, Observer, Outcome, Power, RunOptions};
use super::plan::{DeviceStep, FenceAction, Plan, Requested};
use super::plan_cib::{self, Probing};
use super::plan_cman;
use super::source::{self, Config, ConfigChoice};
use crate::agents::lookup::AgentLookup;
use crate::agents::Catalog;
use crate::exit::ExitStatus;

/// What is asked of fencing.
#[derive(Debug, Clone)]
pub struct FenceRequest {
    pub node: String,
    pub config: ConfigChoice,
    /// None: what the configuration says (cluster.conf: each device's
    /// action, else the agent's default; CIB: reboot).
    pub action: Option<FenceAction>,
    pub unfence: bool,
    /// Whether the plan may ask devices (dynamic-list, status host checks).
    pub probing: Probing,
    /// Replaces every device's timeout.
    pub timeout: Option<Duration>,
    pub no_delay: bool,
    /// The audit log (None: the default).
    pub log: Option<PathBuf>,
}

impl FenceRequest {
    /// The audit log this request writes.
    pub fn log_path(&self) -> PathBuf {
        self.log.clone().unwrap_or_else(audit::default_path)
    }
}

/// Decides the plan for a request, as the stack that owns the
/// configuration would.
pub fn plan(request: &FenceRequest, catalog: &Catalog) -> Result<Plan> {
    let (source, config) = source::load(&request.config)?;
    let mut agents = AgentLookup::new(catalog);
    let mut plan = match &config {
        Config::ClusterConf(conf) => plan_cman::plan(
            conf,
            source,
            &request.node,
            request.action,
            request.unfence,
            &mut agents,
        )?,
        Config::Cib(cib) => plan_cib::plan(
            cib,
            source,
            &request.node,
            request.action,
            request.unfence,
            request.probing,
            &mut agents,
        )?,
    };
    if let Some(timeout) = request.timeout {
        for step in plan.stages.iter_mut().flat_map(|s| s.steps.iter_mut()) {
            step.timeout = timeout;
        }
    }
    Ok(plan)
}

/// Whether a plan can do anything at all, before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feasibility {
    /// No method or level is configured for the node.
    NothingConfigured,
    /// Methods or levels exist but none can run (missing agent, unknown
    /// device, unusable metadata): each unrunnable device with its reason.
    NoneRunnable(Vec<Unrunnable>),
    /// At least one method or level can run; these devices cannot.
    Runnable(Vec<Unrunnable>),
}

/// A device of the plan that cannot run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Unrunnable {
    /// The level or method.
    pub stage: String,
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device.
    pub device: String,
    /// Why it cannot run.
    pub reason: String,
}

impl Feasibility {
    /// The exit status a dry run ends with.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Feasibility::Runnable(_) => ExitStatus::Success,
            _ => ExitStatus::NothingConfigured,
        }
    }
}

/// Which stages of the plan could run: a stage runs when every device it
/// requires has an agent to run.
pub fn feasibility(plan: &Plan) -> Feasibility {
    if plan.stages.is_empty() {
        return Feasibility::NothingConfigured;
    }
    let mut unrunnable = Vec::new();
    let mut any_runnable = false;
    for stage in &plan.stages {
        let mut stage_runs = true;
        for step in &stage.steps {
            if let Some(reason) = cannot_run(step) {
                stage_runs &= !step.required;
                unrunnable.push(Unrunnable {
                    stage: stage.label.clone(),
                    position: step.position.clone(),
                    device: step.device.clone(),
                    reason,
                });
            }
        }
        any_runnable |= stage_runs;
    }
    if any_runnable {
        Feasibility::Runnable(unrunnable)
    } else {
        Feasibility::NoneRunnable(unrunnable)
    }
}

fn cannot_run(step: &DeviceStep) -> Option<String> {
    match (&step.problem, &step.agent_path) {
        (Some(problem), _) => Some(problem.clone()),
        (None, None) => Some(format!("agent {} is not installed", step.agent)),
        (None, Some(_)) => None,
    }
}

/// What a run means: fenced, failed, or for status the power state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Fenced,
    Failed,
    Interrupted,
    PowerOn,
    PowerOff,
    PowerUnknown,
}

impl Verdict {
    /// The word fence_node prints, and the audit record keeps.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Fenced => "success",
            Verdict::Failed => "failed",
            Verdict::Interrupted => "interrupted",
            Verdict::PowerOn => "on",
            Verdict::PowerOff => "off",
            Verdict::PowerUnknown => "unknown",
        }
    }

    /// The exit status it ends with (an interrupt: 128 + the signal).
    pub fn exit_status(self) -> ExitStatus {
        match self {
            Verdict::Fenced | Verdict::PowerOn => ExitStatus::Success,
            Verdict::PowerOff => ExitStatus::StatusOff,
            Verdict::Interrupted => {
                ExitStatus::for_signal(crate::sys::signal::received().unwrap_or(libc::SIGINT))
            }
            Verdict::Failed | Verdict::PowerUnknown => ExitStatus::Failure,
        }
    }
}

/// The verdict of a finished run.
pub fn verdict(plan: &Plan, outcome: &Outcome) -> Verdict {
    if outcome.interrupted {
        return Verdict::Interrupted;
    }
    if !plan.is_status() {
        return if outcome.success {
            Verdict::Fenced
        } else {
            Verdict::Failed
        };
    }
    let powers: Vec<Power> = outcome.steps.iter().filter_map(|s| s.power).collect();
    if powers.contains(&Power::On) {
        Verdict::PowerOn
    } else if !powers.is_empty() && powers.len() == outcome.steps.len() {
        Verdict::PowerOff
    } else {
        Verdict::PowerUnknown
    }
}

/// A finished run.
#[derive(Debug)]
pub struct Fenced {
    pub outcome: Outcome,
    pub verdict: Verdict,
    /// Why the audit record could not be written, if it could not.
    pub audit_error: Option<String>,
}

/// Runs a plan: refuses a power action whose audit log cannot be written,
/// executes, and writes the audit record before the device lock is
/// released. Signals are noticed (not fatal) for the whole run.
pub fn execute(plan: &Plan, request: &FenceRequest, observer: &mut dyn Observer) -> Result<Fenced> {
    let log = request.log_path();
    if !plan.is_status() {
        audit::check_writable(&log)?;
    }
    let _cooperation = crate::sys::signal::cooperate();
    let options = RunOptions {
        no_delay: request.no_delay,
        ask_all: plan.is_status(),
        ..RunOptions::default()
    };
    let mut outcome = execute::execute(plan, &options, observer);
    let verdict = verdict(plan, &outcome);
    let audit_error = audit::append(&log, &audit_record(plan, &outcome, verdict))
        .err()
        .map(|e| format!("{e:#}"));
    outcome.release_lock();
    Ok(Fenced {
        outcome,
        verdict,
        audit_error,
    })
}

/// The audit record of a run: every step with its masked arguments.
pub fn audit_record(plan: &Plan, outcome: &Outcome, verdict: Verdict) -> AuditRecord {
    let steps = plan.stages.iter().flat_map(|s| s.steps.iter());
    let devices: Vec<AuditDevice> = outcome
        .steps
        .iter()
        .map(|result| {
            let step = steps
                .clone()
                .find(|s| s.position == result.position && s.device == result.device);
            AuditDevice {
                position: result.position.clone(),
                device: result.device.clone(),
                agent: result.agent.clone(),
                // What the agent ran: the action sent, else its own default.
                action: result
                    .action
                    .as_ref()
                    .or(step.and_then(|s| s.agent_default_action.as_ref()))
                    .map(ToString::to_string),
                args: step.map(DeviceStep::masked_args).unwrap_or_default(),
                ok: result.ok,
                result: result.result.clone(),
                elapsed_ms: result.elapsed_ms,
            }
        })
        .collect();
    AuditRecord {
        time: audit::rfc3339(SystemTime::now()),
        user: audit::current_user(),
        node: plan.node.clone(),
        action: if plan.unfence {
            "unfence".into()
        } else if plan.action == Requested::Configured {
            audit::steps_actions(&devices).unwrap_or_else(|| plan.action.to_string())
        } else {
            plan.action.to_string()
        },
        source: plan.source.describe(),
        result: verdict.word().into(),
        devices,
    }
}
