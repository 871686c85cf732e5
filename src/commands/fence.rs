//! `fencectl fence NODE`: plan fencing from the configuration as the real
//! stack would, show it (fence_node -vv style, secrets masked), run it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Result;
use comfy_table::Cell;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{json, Value};

use super::Context;
use crate::cli::{FenceActionArg, FenceArgs};
use crate::exit::{ExitStatus, Reported};
use crate::fencing::agents::AgentDirectory;
use crate::fencing::audit::{self, AuditDevice, AuditRecord};
use crate::fencing::execute::{self, Observer, Outcome, Power, RunOptions, StepResult};
use crate::fencing::plan::{args_line, DeviceStep, FenceAction, Plan};
use crate::fencing::plan_cib::{self, Probing};
use crate::fencing::plan_cman;
use crate::fencing::source::{self, Config, ConfigChoice};
use crate::output::Printer;

pub fn run(args: &FenceArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("fence")?;
    let printer = ctx.printer;
    let plan = make_plan(args, ctx)?;
    printer.info(&format!("configuration: {}", plan.source.describe()));
    for note in &plan.notes {
        printer.info(note);
    }
    for warning in &plan.warnings {
        printer.warn(warning);
    }
    if plan.stages.is_empty() {
        let what = if plan.unfence {
            "no unfence device is configured for"
        } else {
            "no fencing method or level can fence"
        };
        let message = format!("{what} node {} in {}", plan.node, plan.source.describe());
        if printer.json_output() {
            printer
                .json(&json!({ "plan": plan_json(&plan, args.show_secrets), "error": message }))?;
        }
        crate::output::print_error(&anyhow::anyhow!(message));
        return Err(Reported(ExitStatus::NothingConfigured).into());
    }
    if args.dry_run {
        return dry_run(&plan, args, printer);
    }
    if plan.action != "status" {
        audit::check_writable(&args.log.clone().unwrap_or_else(audit::default_path))?;
    }
    // From here a signal (SIGINT, SIGTERM, SIGHUP) is noticed: the agent's
    // processes are stopped, the audit record is written, and only then is
    // the device lock released and the outcome shown.
    let _cooperation = crate::sys::signal::cooperate();
    let options = RunOptions {
        no_delay: args.no_delay,
        ask_all: plan.action == "status",
    };
    let mut reporter = Reporter::new(&plan, printer, args.show_secrets);
    let mut outcome = execute::execute(&plan, options, &mut reporter);
    let status = verdict(&plan, &outcome);
    log(&plan, &outcome, &status, args, printer);
    outcome.release_lock();
    reporter.done();
    report(&plan, &outcome, &status, args, printer)
}

fn make_plan(args: &FenceArgs, ctx: &Context<'_>) -> Result<Plan> {
    let choice = match (&args.config, &args.cib, args.cib_live) {
        (Some(path), _, _) => ConfigChoice::ClusterConf(path.clone()),
        (_, Some(path), _) => ConfigChoice::CibFile(path.clone()),
        (_, _, true) => ConfigChoice::CibLive,
        _ => ConfigChoice::Auto,
    };
    let (source, config) = source::load(&choice)?;
    let catalog = ctx.catalog();
    let mut agents = AgentDirectory::new(&catalog);
    let action = args.action.map(|a| match a {
        FenceActionArg::Reboot => FenceAction::Reboot,
        FenceActionArg::Off => FenceAction::Off,
        FenceActionArg::On => FenceAction::On,
        FenceActionArg::Status => FenceAction::Status,
    });
    let probing = if args.offline {
        Probing::Offline
    } else {
        Probing::Ask
    };
    let mut plan = match &config {
        Config::ClusterConf(conf) => {
            plan_cman::plan(conf, source, &args.node, action, args.unfence, &mut agents)?
        }
        Config::Cib(cib) => plan_cib::plan(
            cib,
            source,
            &args.node,
            action,
            args.unfence,
            probing,
            &mut agents,
        )?,
    };
    if let Some(timeout) = args.timeout {
        for step in plan.stages.iter_mut().flat_map(|s| s.steps.iter_mut()) {
            step.timeout = timeout;
        }
    }
    Ok(plan)
}

/// The arguments as shown: masked unless --show-secrets.
fn shown_args(step: &DeviceStep, show_secrets: bool) -> Vec<(String, String)> {
    if show_secrets {
        step.args.clone()
    } else {
        step.masked_args()
    }
}

fn action_label(step: &DeviceStep) -> String {
    match (&step.action, &step.agent_default_action) {
        (Some(action), _) => action.clone(),
        (None, Some(default)) => format!("(agent default: {default})"),
        (None, None) => "(agent default)".into(),
    }
}

fn delay_label(step: &DeviceStep) -> String {
    use crate::timespec::format;
    match (step.delay_base.is_zero(), step.delay_max > step.delay_base) {
        (true, false) => String::new(),
        (false, false) => format(step.delay_base),
        (_, true) => format!("{}..{}", format(step.delay_base), format(step.delay_max)),
    }
}

fn dry_run(plan: &Plan, args: &FenceArgs, printer: &Printer) -> Result<ExitStatus> {
    if printer.json_output() {
        printer.json(&json!({ "plan": plan_json(plan, args.show_secrets), "outcome": null }))?;
        return Ok(ExitStatus::Success);
    }
    let what = match (plan.unfence, plan.action.as_str()) {
        (true, _) => "unfence node".to_string(),
        (false, "configured") => "fence node".to_string(),
        (false, "status") => "ask the power status of node".to_string(),
        (false, action) => format!("fence ({action}) node"),
    };
    let mut out = format!(
        "Plan to {what} {} from {} (dry run: nothing is fenced)\n",
        plan.node,
        plan.source.describe()
    );
    for stage in &plan.stages {
        out.push_str(&format!("\n{} (every device must succeed):\n", stage.label));
        let mut table = printer.table(&[
            "DEV",
            "DEVICE",
            "AGENT",
            "ACTION",
            "TIMEOUT",
            "RETRIES",
            "DELAY",
            "ARGUMENTS",
        ]);
        for step in &stage.steps {
            let mut arguments = args_line(&shown_args(step, args.show_secrets));
            if let Some(problem) = &step.problem {
                arguments = format!("cannot run: {problem}");
            } else if let Some(pending) = &step.decided_at_run_time {
                arguments = format!("decided at run time ({pending}); {arguments}");
            }
            let action = if step.required {
                action_label(step)
            } else {
                format!("{} (after all off)", action_label(step))
            };
            table.add_row(vec![
                Cell::new(&step.position),
                Cell::new(crate::output::cell_text(&step.device)),
                Cell::new(crate::output::cell_text(&step.agent)),
                Cell::new(action),
                Cell::new(crate::timespec::format(step.timeout)),
                Cell::new(step.retries),
                Cell::new(delay_label(step)),
                Cell::new(crate::output::cell_text(&arguments)),
            ]);
        }
        out.extend(table.lines().map(|l| l.trim_end().to_string() + "\n"));
    }
    printer.out(&out)?;
    Ok(ExitStatus::Success)
}

/// The plan as JSON, with each step's arguments (masked unless asked).
fn plan_json(plan: &Plan, show_secrets: bool) -> Value {
    let mut value = serde_json::to_value(plan).unwrap_or(Value::Null);
    if let Some(stages) = value.get_mut("stages").and_then(Value::as_array_mut) {
        for (stage_value, stage) in stages.iter_mut().zip(&plan.stages) {
            let Some(steps) = stage_value.get_mut("steps").and_then(Value::as_array_mut) else {
                continue;
            };
            for (step_value, step) in steps.iter_mut().zip(&stage.steps) {
                let args: Vec<Value> = shown_args(step, show_secrets)
                    .into_iter()
                    .map(|(name, value)| json!({ "name": name, "value": value }))
                    .collect();
                step_value["args"] = Value::Array(args);
            }
        }
    }
    value
}

/// What the run means: fenced, failed, or for status the power state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Fenced,
    Failed,
    Interrupted,
    PowerOn,
    PowerOff,
    PowerUnknown,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Verdict::Fenced => "success",
            Verdict::Failed => "failed",
            Verdict::Interrupted => "interrupted",
            Verdict::PowerOn => "on",
            Verdict::PowerOff => "off",
            Verdict::PowerUnknown => "unknown",
        }
    }
}

fn verdict(plan: &Plan, outcome: &Outcome) -> Verdict {
    if outcome.interrupted {
        return Verdict::Interrupted;
    }
    if plan.action != "status" {
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

fn report(
    plan: &Plan,
    outcome: &Outcome,
    verdict: &Verdict,
    args: &FenceArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    if printer.json_output() {
        printer.json(&json!({
            "plan": plan_json(plan, args.show_secrets),
            "outcome": outcome,
            "result": verdict.word(),
        }))?;
    } else if plan.action == "status" {
        printer.out(&format!(
            "Status of {}: {}",
            plan.node,
            verdict.word().to_uppercase()
        ))?;
    } else if *verdict == Verdict::Fenced {
        let what = if plan.unfence { "unfence" } else { "fence" };
        printer.out(&format!("{what} {} success", plan.node))?;
    }
    let status = match verdict {
        Verdict::Fenced | Verdict::PowerOn => ExitStatus::Success,
        Verdict::PowerOff => ExitStatus::StatusOff,
        Verdict::Interrupted => {
            ExitStatus::for_signal(crate::sys::signal::received().unwrap_or(libc::SIGINT))
        }
        Verdict::Failed | Verdict::PowerUnknown => ExitStatus::Failure,
    };
    if matches!(verdict, Verdict::Failed | Verdict::Interrupted) {
        let what = if plan.unfence { "unfence" } else { "fence" };
        crate::eprintln_quiet!("{what} {} {}", plan.node, verdict.word());
        let reasons: Vec<String> = outcome
            .steps
            .iter()
            .filter(|s| !s.ok)
            .map(|s| format!("dev {} ({}): {}", s.position, s.device, s.result))
            .collect();
        crate::output::print_error(&anyhow::anyhow!(
            "node {} was NOT {}: {}",
            plan.node,
            if plan.unfence { "unfenced" } else { "fenced" },
            if reasons.is_empty() {
                "nothing ran".to_string()
            } else {
                reasons.join("; ")
            }
        ));
        return Err(Reported(status).into());
    }
    if *verdict == Verdict::PowerUnknown {
        crate::output::print_error(&anyhow::anyhow!(
            "no device could tell the power state of {}",
            plan.node
        ));
        return Err(Reported(status).into());
    }
    Ok(status)
}

fn log(plan: &Plan, outcome: &Outcome, verdict: &Verdict, args: &FenceArgs, printer: &Printer) {
    let steps = plan.stages.iter().flat_map(|s| s.steps.iter());
    let devices = outcome
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
                action: result.action.clone(),
                args: step.map(DeviceStep::masked_args).unwrap_or_default(),
                ok: result.ok,
                result: result.result.clone(),
                elapsed_ms: result.elapsed_ms,
            }
        })
        .collect();
    let record = AuditRecord {
        time: audit::rfc3339(SystemTime::now()),
        user: audit::current_user(),
        node: plan.node.clone(),
        action: if plan.unfence {
            "unfence".into()
        } else {
            plan.action.clone()
        },
        source: plan.source.describe(),
        result: verdict.word().into(),
        devices,
    };
    let path = args.log.clone().unwrap_or_else(audit::default_path);
    if let Err(e) = audit::append(&path, &record) {
        printer.warn(&format!("the audit log was not written: {e:#}"));
    }
}

/// Prints progress the fence_node way, and a spinner on a terminal.
struct Reporter<'a> {
    node: String,
    printer: &'a Printer,
    show_secrets: bool,
    secrets: Vec<String>,
    spinner: Option<ProgressBar>,
    started: Instant,
}

impl<'a> Reporter<'a> {
    fn new(plan: &Plan, printer: &'a Printer, show_secrets: bool) -> Reporter<'a> {
        let secrets = plan
            .stages
            .iter()
            .flat_map(|s| s.steps.iter())
            .flat_map(DeviceStep::secret_values)
            .collect();
        let spinner = (std::io::stderr().is_terminal()
            && !printer.quiet
            && !printer.json_output()
            && printer.verbosity < 3)
            .then(|| {
                let bar = ProgressBar::new_spinner();
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.enable_steady_tick(Duration::from_millis(100));
                bar
            });
        Reporter {
            node: plan.node.clone(),
            printer,
            show_secrets,
            secrets,
            spinner,
            started: Instant::now(),
        }
    }

    fn line(&self, text: &str) {
        let text = crate::output::terminal_safe(text, false);
        match &self.spinner {
            Some(bar) => bar.println(text.as_ref()),
            None => crate::eprintln_quiet!("{text}"),
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Reporter<'_> {
    fn step_started(&mut self, step: &DeviceStep, attempt: u32) {
        if crate::sys::signal::interrupted() {
            return;
        }
        if let Some(bar) = &self.spinner {
            bar.set_message(format!(
                "fencing {}: dev {} {} ({})",
                self.node, step.position, step.device, step.agent
            ));
        }
        if self.printer.verbosity >= 2 {
            if attempt > 1 {
                self.line(&format!(
                    "retry {attempt} of dev {} ({} elapsed)",
                    step.position,
                    crate::timespec::format(Duration::from_millis(
                        self.started.elapsed().as_millis() as u64
                    ))
                ));
            }
            if step.action.is_none() {
                self.line(&format!(
                    "no action is configured for dev {}: the agent's default ({}) runs",
                    step.position,
                    step.agent_default_action
                        .as_deref()
                        .unwrap_or("usually reboot")
                ));
            }
            self.line(&format!(
                "agent args: {}",
                args_line(&shown_args(step, self.show_secrets))
            ));
        }
    }

    fn waiting_for_lock(&mut self, step: &DeviceStep) {
        self.printer.warn(&format!(
            "device {} is in use by another fencectl; waiting for it (one action per device at a time)",
            step.device
        ));
    }

    fn delaying(&mut self, step: &DeviceStep, delay: Duration) {
        self.printer.info(&format!(
            "delaying dev {} by {} (pcmk_delay_base/max; --no-delay skips)",
            step.position,
            crate::timespec::format(delay)
        ));
    }

    fn step_finished(&mut self, step: &DeviceStep, result: &StepResult) {
        // After a signal nothing is shown before the audit record is written.
        if crate::sys::signal::interrupted() {
            return;
        }
        if self.printer.verbosity >= 1 {
            let outcome = if result.ok && result.result == "success" {
                "success".to_string()
            } else if result.ok {
                format!("success ({})", result.result)
            } else {
                format!("error from agent: {}", result.result)
            };
            self.line(&format!(
                "fence {} dev {} agent {} result: {outcome}",
                self.node, step.position, step.agent
            ));
        }
        if !result.ok && !step.required {
            self.printer.warn(&format!(
                "dev {} could not power the node back on: {}",
                step.position, result.result
            ));
        }
    }

    fn echo(&self) -> Option<crate::agents::runner::Echo> {
        if self.printer.verbosity < 3 {
            return None;
        }
        let secrets = if self.show_secrets {
            Vec::new()
        } else {
            self.secrets.clone()
        };
        Some(Arc::new(move |is_stderr: bool, line: &str| {
            let stream = if is_stderr { "stderr" } else { "stdout" };
            crate::eprintln_quiet!(
                "agent {stream}: {}",
                crate::sys::text::escape_controls(&crate::secrets::mask_values(line, &secrets))
            );
        }))
    }
}
