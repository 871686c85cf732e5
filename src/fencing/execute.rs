//! Running a plan: each agent with its arguments on stdin, within its
//! timeout, with retries and delays, until a method or level succeeds.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::lock::{lock_device, DeviceLock};
use super::plan::{AgentAction, DeviceStep, Plan};
use crate::sys::process::{self, AgentRun, Echo, Ending, Invocation, Stop, DEFAULT_OUTPUT_CAP};

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Skip pcmk_delay_base / pcmk_delay_max.
    pub no_delay: bool,
    /// Ask every device (status) instead of stopping at the first success.
    pub ask_all: bool,
    /// What interrupts the run: the CLI's signals, or a library caller's token.
    pub stop: Stop,
}

/// What a run reports as it goes; the command prints it.
pub trait Observer {
    fn stage_started(&mut self, _label: &str) {}
    /// `masked_args` is what the agent gets, secrets masked.
    fn step_started(&mut self, _step: &DeviceStep, _attempt: u32) {}
    fn waiting_for_lock(&mut self, _step: &DeviceStep) {}
    fn delaying(&mut self, _step: &DeviceStep, _delay: Duration) {}
    fn step_finished(&mut self, _step: &DeviceStep, _result: &StepResult) {}
    /// A line of agent output streamer (only when `echo` is given).
    fn echo(&self) -> Option<Echo> {
        None
    }
}

/// A power state reported by `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Power {
    On,
    Off,
}

/// The result of one step.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StepResult {
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device.
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The action sent; null when the agent's default ran.
    pub action: Option<AgentAction>,
    /// Whether it did what was asked.
    pub ok: bool,
    /// False for the `on` half of a remapped reboot: its failure is a warning.
    pub required: bool,
    /// The agent's exit code, when it exited.
    pub exit_code: Option<i32>,
    /// `success`, or what went wrong (secrets masked).
    pub result: String,
    /// How many times the agent ran.
    pub attempts: u32,
    /// How long the step took, in milliseconds.
    pub elapsed_ms: u64,
    /// For status: the power state the agent reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<Power>,
    /// How the last attempt ended, when the agent ran.
    #[serde(skip)]
    pub ending: Option<Ending>,
    /// The agent's output lines of the last attempt, secrets masked
    /// (`true`: stderr).
    #[serde(skip)]
    pub output: Vec<(bool, String)>,
}

/// The result of a whole run.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    /// Whether a method or level succeeded.
    pub success: bool,
    /// The method or level that succeeded.
    pub succeeded_with: Option<String>,
    /// Whether a signal stopped the run.
    pub interrupted: bool,
    /// Each device run, in order.
    pub steps: Vec<StepResult>,
    /// The device lock of the last step that ran, still held: the caller
    /// writes the audit record, then releases it ([`Outcome::release_lock`]),
    /// so no other fencectl acts on the device before the action is on
    /// record (an interrupted step included). Each earlier step's lock was
    /// released before the next was taken: a run never holds one device
    /// while it waits for another, so two runs cannot deadlock.
    #[serde(skip)]
    pub lock: Option<DeviceLock>,
}

impl Outcome {
    /// Releases the device lock still held (after the audit record).
    pub fn release_lock(&mut self) {
        self.lock = None;
    }
}

/// Runs the plan's stages in order; the first whose required steps all
/// succeed ends it (with `ask_all`, every stage runs).
pub fn execute(plan: &Plan, options: &RunOptions, observer: &mut dyn Observer) -> Outcome {
    let mut outcome = Outcome {
        success: false,
        succeeded_with: None,
        interrupted: false,
        steps: Vec::new(),
        lock: None,
    };
    for stage in &plan.stages {
        observer.stage_started(&stage.label);
        let mut stage_ok = true;
        for (index, step) in stage.steps.iter().enumerate() {
            let skip_rest = !stage_ok && step.required && !options.ask_all;
            if skip_rest {
                break;
            }
            if options.stop.requested() {
                // Which steps ran, and which never started.
                outcome.interrupted = true;
                outcome
                    .steps
                    .extend(stage.steps[index..].iter().map(not_started));
                return outcome;
            }
            // The previous device is released before this one is taken.
            outcome.lock = None;
            let (result, lock) = run_step(step, options, observer);
            outcome.lock = lock;
            observer.step_finished(step, &result);
            if step.required && !result.ok {
                stage_ok = false;
            }
            outcome.steps.push(result);
        }
        if stage_ok && !outcome.success {
            outcome.success = true;
            outcome.succeeded_with = Some(stage.label.clone());
            if !options.ask_all {
                break;
            }
        }
        // A signal after the last stage that was needed cut nothing short.
        if options.stop.requested() {
            outcome.interrupted = true;
            return outcome;
        }
    }
    outcome
}

/// A step that an interrupt kept from starting.
fn not_started(step: &DeviceStep) -> StepResult {
    let mut result = blank_result(step);
    result.result = "not run: interrupted before it started".into();
    result
}

fn blank_result(step: &DeviceStep) -> StepResult {
    StepResult {
        position: step.position.clone(),
        device: step.device.clone(),
        agent: step.agent.clone(),
        action: step.action.clone(),
        ok: false,
        required: step.required,
        exit_code: None,
        result: String::new(),
        attempts: 0,
        elapsed_ms: 0,
        power: None,
        ending: None,
        output: Vec::new(),
    }
}

/// Runs one step (lock, delay, attempts) and returns its result with the
/// device lock, which the caller holds on to.
fn run_step(
    step: &DeviceStep,
    options: &RunOptions,
    observer: &mut dyn Observer,
) -> (StepResult, Option<DeviceLock>) {
    let started = Instant::now();
    let result = blank_result(step);
    let finish = |mut result: StepResult, why: String| {
        result.result = why;
        result.elapsed_ms = millis(started.elapsed());
        result
    };
    let (Some(program), None) = (&step.agent_path, &step.problem) else {
        let why = step
            .problem
            .clone()
            .unwrap_or_else(|| format!("agent {} is not installed", step.agent));
        return (finish(result, why), None);
    };
    let stdin = match step.stdin() {
        Ok(stdin) => stdin,
        Err(why) => return (finish(result, why), None),
    };
    let deadline = started + step.timeout;
    // Power actions take the device's lock; read-only probes take none.
    let lock = if step.changes_power() {
        match lock_device(
            &step.lock_key,
            deadline,
            || options.stop.requested(),
            || observer.waiting_for_lock(step),
        ) {
            Ok(lock) => Some(lock),
            Err(e) => return (finish(result, format!("{e:#}")), None),
        }
    } else {
        None
    };
    let (result, why) = attempts(step, program, &stdin, options, observer, result, deadline);
    (finish(result, why), lock)
}

/// The delay, then the agent runs until one succeeds or the retries, the
/// time or an interrupt run out; returns the result and its description.
fn attempts(
    step: &DeviceStep,
    program: &std::path::Path,
    stdin: &[u8],
    options: &RunOptions,
    observer: &mut dyn Observer,
    mut result: StepResult,
    deadline: Instant,
) -> (StepResult, String) {
    if !options.no_delay {
        let delay = random_delay(step.delay_base, step.delay_max);
        if !delay.is_zero() {
            observer.delaying(step, delay);
            sleep_interruptibly(delay, &options.stop);
        }
    }
    let secrets = step.secret_values();
    let is_status = step.action.as_ref().is_some_and(AgentAction::is_status);
    let mut last = String::from("not run");
    for attempt in 1..=step.retries + 1 {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if options.stop.requested() {
            if attempt == 1 {
                last = "interrupted before the agent ran".into();
            }
            break;
        }
        if remaining.is_zero() {
            break;
        }
        result.attempts = attempt;
        observer.step_started(step, attempt);
        let run = process::run_until(
            &Invocation {
                program,
                args: step.agent_args.clone(),
                stdin: Some(stdin.to_vec()),
                timeout: remaining,
                output_cap: DEFAULT_OUTPUT_CAP,
                echo: observer.echo(),
            },
            &options.stop,
        );
        let run = match run {
            Ok(run) => run,
            Err(e) => {
                last = format!("{e:#}");
                break;
            }
        };
        result.exit_code = match run.ending {
            Ending::Exited(code) => Some(code),
            _ => None,
        };
        result.ending = Some(run.ending.clone());
        result.output = output_lines(&run, &secrets);
        let power = match (&run.ending, is_status) {
            (Ending::Exited(0), _) => Some(Power::On),
            (Ending::Exited(2), true) => Some(Power::Off),
            _ => None,
        };
        if let Some(power) = power {
            result.ok = true;
            result.power = is_status.then_some(power);
            let why = match run.leftovers() {
                None => "success".to_string(),
                Some(killed) => format!("{}; {killed}", exit_words(&run)),
            };
            return (result, why);
        }
        // Only the agent's own words are masked: fencectl's (agent and
        // device names) are never secrets, and masking them would show
        // where a short password occurs.
        let mask = |line: &str| crate::secrets::mask_values(line, &secrets);
        last = run.failure_reason_masked(step.timeout, &mask);
        if let Some(killed) = run.leftovers() {
            last = format!("{last}; {killed}");
        }
        if matches!(run.ending, Ending::TimedOut | Ending::Interrupted) {
            break;
        }
    }
    (result, last)
}

/// The lines the agent printed (stdout, then stderr), secrets masked.
fn output_lines(run: &AgentRun, secrets: &[String]) -> Vec<(bool, String)> {
    let lines = |bytes: &[u8], is_stderr: bool| {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|line| (is_stderr, crate::secrets::mask_values(line, secrets)))
            .collect::<Vec<_>>()
    };
    let mut all = lines(&run.stdout, false);
    all.extend(lines(&run.stderr, true));
    all
}

/// `exited N` for a run that exited.
fn exit_words(run: &AgentRun) -> String {
    match run.ending {
        Ending::Exited(code) => format!("exited {code}"),
        _ => run.failure_reason(Duration::ZERO),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// base plus a random part that keeps the sum at most `max`.
fn random_delay(base: Duration, max: Duration) -> Duration {
    if max <= base {
        return base;
    }
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    let span = (max - base).as_millis().max(1) as u64;
    base + Duration::from_millis(hasher.finish() % span)
}

fn sleep_interruptibly(duration: Duration, stop: &Stop) {
    let until = Instant::now() + duration;
    while Instant::now() < until && !stop.requested() {
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
}
