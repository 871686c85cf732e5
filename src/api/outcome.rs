//! Running one action of a device, and what came of it.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::agents::Device;
use super::Error;
use crate::fencing::audit::{self, AuditDevice, AuditRecord};
use crate::fencing::execute::{self, Observer, Power, StepResult};
use crate::fencing::plan::Requested;
use crate::fencing::plan::{self, AgentAction, DeviceStep, Plan as InnerPlan, SourceKind, Stage};
use crate::sys::process::{CancelToken, Ending, Stop};

/// The version of [`Outcome`]'s JSON form (`fencectl run --format json`).
pub const OUTCOME_SCHEMA_VERSION: u32 = 1;

/// How to run an action.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The time the action gets, retries included; the agent's processes
    /// are killed when it is over.
    pub timeout: Duration,
    /// How many times a failed run is tried again (Pacemaker's
    /// `pcmk_*_retries`), within `timeout`.
    pub retries: u32,
    /// How long to wait before the first run (Pacemaker's `pcmk_delay_base`).
    pub delay: Duration,
    /// Stops the run when cancelled: the agent's processes are killed and
    /// the outcome is [`AgentResult::Interrupted`]. The library installs
    /// no signal handler; a program that wants Ctrl-C to stop a run
    /// cancels the token from its own handler.
    pub cancel: Option<CancelToken>,
    /// Appends an audit record of a power action (off, on, reboot...) to
    /// this file, in `fencectl history`'s format, before the device lock
    /// is released; the action is refused when the file cannot be written.
    pub audit_log: Option<PathBuf>,
}

impl Default for RunOptions {
    /// 60 seconds, no retry, no delay, no cancel token, no audit record.
    fn default() -> RunOptions {
        RunOptions {
            timeout: Duration::from_secs(60),
            retries: 0,
            delay: Duration::ZERO,
            cancel: None,
            audit_log: None,
        }
    }
}

/// What a run came to, in the fence agent API's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum AgentResult {
    /// `status`: the agent exited 0, the node is powered on.
    On,
    /// `status`: the agent exited 2, the node is powered off.
    Off,
    /// Any other action: the agent exited 0, the action is done.
    Success,
    /// The agent failed (any other exit, or killed by a signal).
    Failed {
        /// The agent's reason (its last ERROR or Failed line, else its last
        /// line that is not a warning: `sys::process::agent_error_line`),
        /// secrets masked.
        reason: String,
    },
    /// The agent ran past the timeout and its processes were killed.
    TimedOut,
    /// The run was cancelled (or fencectl got a signal) and the agent killed.
    Interrupted,
}

impl AgentResult {
    /// Whether the action did what was asked (`on`, `off` or `success`).
    pub fn is_ok(&self) -> bool {
        matches!(
            self,
            AgentResult::On | AgentResult::Off | AgentResult::Success
        )
    }
}

/// One parameter as sent (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SentParameter {
    /// Its name.
    pub name: String,
    /// Its value, or `********` for a secret.
    pub value: String,
}

/// One line the agent printed (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct OutputLine {
    /// `stdout` or `stderr`.
    pub stream: &'static str,
    /// The line.
    pub line: String,
}

/// The result of [`Device::run`]: what was sent and what came of it. Its
/// JSON form is `fencectl run --format json`'s document.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[schemars(
    description = "The result of running one agent (`fencectl run --format json`, the library's Outcome): what was sent and what came of it."
)]
pub struct Outcome {
    /// This document's version ([`OUTCOME_SCHEMA_VERSION`]); bumped on
    /// incompatible changes.
    #[schemars(description = "This document's version (1); bumped on incompatible changes.")]
    pub schema_version: u32,
    /// The agent.
    pub agent: String,
    /// The action sent (`action=` on stdin).
    pub action: AgentAction,
    /// The parameters sent on stdin, in order, secrets masked (`action` first).
    pub parameters: Vec<SentParameter>,
    /// What came of it.
    #[serde(flatten)]
    pub result: AgentResult,
    /// The agent's exit code, when it exited.
    pub exit_status: Option<i32>,
    /// The exit code in the agent API's words.
    pub meaning: String,
    /// How many times the agent ran.
    pub attempts: u32,
    /// The whole run, in milliseconds (delay and retries included).
    pub duration_ms: u64,
    /// The agent's output of the last run, secrets masked.
    pub output: Vec<OutputLine>,
}

impl Device {
    /// Runs `action` once (retries aside), with the parameters on stdin as
    /// the cluster sends them. A power action (anything but status, list,
    /// list-status and monitor) takes the device's lock, so that two
    /// fencectl processes never drive one device at once.
    ///
    /// A run that fails is an [`Outcome`], not an error: `Err` means the
    /// action is not one the agent has, or nothing could run at all.
    ///
    /// The agent runs in its own process group; at the end every process
    /// it started is killed (SIGTERM, then SIGKILL), and those reparented
    /// to this process are reaped by pid: never another child of the
    /// program. To keep an agent's escaped descendants within reach, the
    /// first run makes the process a child subreaper
    /// (`PR_SET_CHILD_SUBREAPER`). Device locks live in
    /// `FENCECTL_LOCK_DIR`, else /run/lock/fencectl for root, else the
    /// user's runtime directory. The signal handlers are not touched.
    pub fn run(&self, action: AgentAction, options: &RunOptions) -> Result<Outcome, Error> {
        let metadata = self.agent.metadata();
        if !metadata.has_action(action.as_str()) {
            return Err(Error::UnsupportedAction {
                agent: self.agent.name().into(),
                action: action.to_string(),
                available: self.agent.actions().iter().map(|a| a.to_string()).collect(),
            });
        }
        let step = self.step(&action, options);
        let masked = step.masked_args();
        let audit_log = options.audit_log.as_ref().filter(|_| step.changes_power());
        if let Some(log) = audit_log {
            audit::check_writable(log).map_err(|e| Error::Run(format!("{e:#}")))?;
        }
        let plan = InnerPlan {
            node: String::new(),
            action: Requested::Configured,
            unfence: false,
            source: SourceKind::CibLive,
            stages: vec![Stage {
                label: "device".into(),
                steps: vec![step],
            }],
            warnings: Vec::new(),
            notes: Vec::new(),
        };
        let run_options = execute::RunOptions {
            no_delay: false,
            ask_all: false,
            stop: options.cancel.clone().map_or(Stop::Signals, Stop::Token),
        };
        let mut outcome = execute::execute(&plan, &run_options, &mut Silent);
        let interrupted = outcome.interrupted;
        let step = outcome
            .steps
            .pop()
            .ok_or_else(|| Error::Run("the agent did not run".into()))?;
        let result = self.outcome(action, masked, step, interrupted);
        let audit_error =
            audit_log.and_then(|log| audit::append(log, &result.audit_record()).err());
        outcome.release_lock();
        match audit_error {
            // The action ran: its outcome is still told, with the error.
            Some(e) => Err(Error::Audit {
                outcome: Box::new(result),
                error: format!("{e:#}"),
            }),
            None => Ok(result),
        }
    }

    fn step(&self, action: &AgentAction, options: &RunOptions) -> DeviceStep {
        let mut args = vec![("action".to_string(), action.to_string())];
        args.extend(self.params.iter().cloned());
        let secret_names = args
            .iter()
            .filter(|(k, _)| self.agent.is_secret(k))
            .map(|(k, _)| k.clone())
            .collect();
        DeviceStep {
            position: "1".into(),
            device: self.agent.name().into(),
            agent: self.agent.name().into(),
            agent_path: Some(self.agent.path().to_path_buf()),
            agent_args: self.agent.invocation_args().to_vec(),
            problem: None,
            action: Some(action.clone()),
            agent_default_action: None,
            lock_key: format!("{}|{}", self.agent.name(), plan::args_line(&self.params)),
            args,
            secret_names,
            timeout: options.timeout,
            retries: options.retries,
            delay_base: options.delay,
            delay_max: options.delay,
            required: true,
            decided_at_run_time: None,
        }
    }

    fn outcome(
        &self,
        action: AgentAction,
        masked: Vec<(String, String)>,
        step: StepResult,
        interrupted: bool,
    ) -> Outcome {
        let result = match (&step.ending, step.power) {
            _ if interrupted => AgentResult::Interrupted,
            (Some(Ending::Interrupted), _) => AgentResult::Interrupted,
            (Some(Ending::TimedOut), _) => AgentResult::TimedOut,
            (_, Some(Power::On)) if step.ok => AgentResult::On,
            (_, Some(Power::Off)) if step.ok => AgentResult::Off,
            _ if step.ok => AgentResult::Success,
            _ => AgentResult::Failed {
                reason: step.result.clone(),
            },
        };
        Outcome {
            schema_version: OUTCOME_SCHEMA_VERSION,
            agent: self.agent.name().into(),
            meaning: meaning(&action, step.exit_code),
            action,
            parameters: masked
                .into_iter()
                .map(|(name, value)| SentParameter { name, value })
                .collect(),
            result,
            exit_status: step.exit_code,
            attempts: step.attempts,
            duration_ms: step.elapsed_ms,
            output: step
                .output
                .into_iter()
                .map(|(is_stderr, line)| OutputLine {
                    stream: if is_stderr { "stderr" } else { "stdout" },
                    line,
                })
                .collect(),
        }
    }
}

impl Outcome {
    /// The audit record of this run (`fencectl history` shows it): the
    /// node is the `plug` (else `nodename`) parameter, if any.
    fn audit_record(&self) -> AuditRecord {
        let param = |name: &str| {
            self.parameters
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.value.clone())
        };
        let word = match &self.result {
            AgentResult::On => "on",
            AgentResult::Off => "off",
            AgentResult::Success => "success",
            AgentResult::Failed { .. } | AgentResult::TimedOut => "failed",
            AgentResult::Interrupted => "interrupted",
        };
        AuditRecord {
            time: audit::rfc3339(SystemTime::now()),
            user: audit::current_user(),
            node: param("plug")
                .or_else(|| param("nodename"))
                .unwrap_or_default(),
            action: self.action.to_string(),
            source: format!("fencectl run -a {}", self.agent),
            result: word.into(),
            devices: vec![AuditDevice {
                position: "1".into(),
                device: self.agent.clone(),
                agent: self.agent.clone(),
                action: Some(self.action.to_string()),
                args: self
                    .parameters
                    .iter()
                    .map(|p| (p.name.clone(), p.value.clone()))
                    .collect(),
                ok: self.result.is_ok(),
                result: match &self.result {
                    AgentResult::Failed { reason } => reason.clone(),
                    other => serde_json::to_value(other)
                        .ok()
                        .and_then(|v| v["result"].as_str().map(str::to_string))
                        .unwrap_or_default(),
                },
                elapsed_ms: self.duration_ms,
            }],
        }
    }
}

/// An exit code in the fence agent API's words.
fn meaning(action: &AgentAction, code: Option<i32>) -> String {
    match (action.is_status(), code) {
        (_, None) => "the agent did not exit by itself".into(),
        (true, Some(0)) => "the node is powered on".into(),
        (true, Some(2)) => "the node is powered off".into(),
        (true, Some(1)) => "the agent could not tell (an error)".into(),
        (true, Some(_)) => "not an answer the agent API knows (an error)".into(),
        (false, Some(0)) => format!("{action} done"),
        (false, Some(_)) => format!("{action} failed"),
    }
}

/// Reports nothing while a library run goes on.
struct Silent;

impl Observer for Silent {}
