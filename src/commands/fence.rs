//! `fencectl fence NODE`: plan fencing from the configuration as the real
//! stack would, show it (fence_node -vv style, secrets masked), run it.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use crate::output::Cell;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use super::Context;
use crate::cli::{FenceActionArg, FenceArgs};
use crate::exit::{ExitStatus, Reported};
use crate::fencing::execute::{Observer, StepResult};
use crate::fencing::plan::{args_line, AgentAction, DeviceStep, FenceAction, Plan, Requested};
use crate::fencing::plan_cib::Probing;
use crate::fencing::run::{self as fencing, Feasibility, FenceRequest, Fenced, Verdict};
use crate::fencing::source::ConfigChoice;
use crate::output::Printer;

pub fn run(args: &FenceArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("fence")?;
    if args.via_cluster {
        return super::fence_cluster::run(args, ctx);
    }
    super::fence_cluster::guard_direct_action(args, ctx)?;
    let printer = ctx.printer;
    let request = request(args);
    let plan = fencing::plan(&request, &ctx.catalog())?;
    printer.info(&format!("configuration: {}", plan.source.describe()));
    for note in &plan.notes {
        printer.info(note);
    }
    for warning in &plan.warnings {
        printer.warn(warning);
    }
    let feasibility = fencing::feasibility(&plan);
    if feasibility == Feasibility::NothingConfigured {
        let what = if plan.unfence {
            "no unfence device is configured for"
        } else {
            "no fencing method or level can fence"
        };
        let message = format!("{what} node {} in {}", plan.node, plan.source.describe());
        if printer.json_output() {
            printer.json(&json!({ "plan": plan.view(args.show_secrets), "error": message }))?;
        }
        crate::output::print_error(&anyhow::anyhow!(message));
        return Err(Reported(ExitStatus::NothingConfigured).into());
    }
    if args.dry_run {
        return dry_run(&plan, &feasibility, args, printer);
    }
    let mut reporter = Reporter::new(&plan, printer, args.show_secrets);
    let fenced = fencing::execute(&plan, &request, &mut reporter)?;
    reporter.done();
    if let Some(error) = &fenced.audit_error {
        printer.warn(&format!("the audit log was not written: {error}"));
    }
    report(&plan, &fenced, args, printer)
}

/// The command line as a fencing request.
fn request(args: &FenceArgs) -> FenceRequest {
    let config = match (&args.config, &args.cib, args.cib_live) {
        (Some(path), _, _) => ConfigChoice::ClusterConf(path.clone()),
        (_, Some(path), _) => ConfigChoice::CibFile(path.clone()),
        (_, _, true) => ConfigChoice::CibLive,
        _ => ConfigChoice::Auto,
    };
    FenceRequest {
        node: args.node.clone(),
        config,
        action: args.action.map(|a| match a {
            FenceActionArg::Reboot => FenceAction::Reboot,
            FenceActionArg::Off => FenceAction::Off,
            FenceActionArg::On => FenceAction::On,
            FenceActionArg::Status => FenceAction::Status,
        }),
        unfence: args.unfence,
        probing: if args.offline {
            Probing::Offline
        } else {
            Probing::Ask
        },
        timeout: args.timeout,
        no_delay: args.no_delay,
        log: args.log.clone(),
    }
}

fn action_label(step: &DeviceStep) -> String {
    match (&step.action, &step.agent_default_action) {
        (Some(action), _) => action.to_string(),
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

/// Shows the plan; exits 2 when no method or level could run (missing
/// agent, unknown device, unusable metadata), 0 with a warning per device
/// that cannot run when at least one can.
fn dry_run(
    plan: &Plan,
    feasibility: &Feasibility,
    args: &FenceArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let (unrunnable, status) = match feasibility {
        Feasibility::Runnable(unrunnable) | Feasibility::NoneRunnable(unrunnable) => {
            (unrunnable.as_slice(), feasibility.exit_status())
        }
        Feasibility::NothingConfigured => (&[][..], ExitStatus::NothingConfigured),
    };
    if printer.json_output() {
        printer.json(&json!({
            "plan": plan.view(args.show_secrets),
            "outcome": null,
            "unrunnable": unrunnable,
        }))?;
    } else {
        printer.out(&dry_run_text(plan, args, printer))?;
    }
    for device in unrunnable {
        printer.warn(&format!(
            "{}: dev {} ({}) cannot run: {}",
            device.stage, device.position, device.device, device.reason
        ));
    }
    if status != ExitStatus::Success {
        crate::output::print_error(&anyhow::anyhow!(
            "no {} of the plan for node {} can run: nothing would be {}",
            if plan.source.is_cib() {
                "level"
            } else {
                "method"
            },
            plan.node,
            if plan.unfence { "unfenced" } else { "fenced" }
        ));
        return Err(Reported(status).into());
    }
    Ok(status)
}

fn dry_run_text(plan: &Plan, args: &FenceArgs, printer: &Printer) -> String {
    let what = match (plan.unfence, plan.action) {
        (true, _) => "unfence node".to_string(),
        (false, Requested::Configured) => "fence node".to_string(),
        (false, Requested::Action(FenceAction::Status)) => {
            "ask the power status of node".to_string()
        }
        (false, Requested::Action(action)) => format!("fence ({action}) node"),
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
            let mut arguments = args_line(&step.shown_args(args.show_secrets));
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
        out.extend(table.render().chars());
    }
    out
}

fn report(plan: &Plan, fenced: &Fenced, args: &FenceArgs, printer: &Printer) -> Result<ExitStatus> {
    let (outcome, verdict) = (&fenced.outcome, fenced.verdict);
    if printer.json_output() {
        printer.json(&json!({
            "plan": plan.view(args.show_secrets),
            "outcome": outcome,
            "result": verdict.word(),
        }))?;
    } else if plan.is_status() {
        printer.out(&format!(
            "Status of {}: {}",
            plan.node,
            verdict.word().to_uppercase()
        ))?;
    } else if verdict == Verdict::Fenced {
        let what = if plan.unfence { "unfence" } else { "fence" };
        printer.out(&format!("{what} {} success", plan.node))?;
    }
    let status = verdict.exit_status();
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
    if verdict == Verdict::PowerUnknown {
        crate::output::print_error(&anyhow::anyhow!(
            "no device could tell the power state of {}",
            plan.node
        ));
        return Err(Reported(status).into());
    }
    Ok(status)
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
                        .as_ref()
                        .map_or("usually reboot", AgentAction::as_str)
                ));
            }
            self.line(&format!(
                "agent args: {}",
                args_line(&step.shown_args(self.show_secrets))
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
