//! `fencectl fence`: the plan of a dry run, the narration of a real run
//! (fence_node's lines), and the result.

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use crate::fencing::execute::{Observer, StepResult};
use crate::fencing::plan::{args_line, AgentAction, DeviceStep, FenceAction, Plan, Requested};
use crate::fencing::run::{Fenced, Verdict};
use crate::output::{cell_text, Cell, Printer};

/// How far under its device line a device's details are indented.
const INDENT: &str = "    ";

/// The plan of a dry run: per method or level, one line per device, and
/// under it the arguments it would get, one per line (secrets masked
/// unless `show_secrets`). `-v` adds each agent's path, `-vv` what a run
/// would note at -vv (the agent's default action when none is sent, the
/// attempts, timeout and delay). Nothing runs, so `-vvv` (the agent's own
/// output) adds nothing.
pub fn dry_run(plan: &Plan, show_secrets: bool, printer: &Printer) -> String {
    let mut out = printer.prose(
        &format!(
            "Plan to {} {} from {} (dry run: nothing is fenced)",
            what(plan),
            plan.node,
            plan.source.describe()
        ),
        "",
        "  ",
    );
    for stage in &plan.stages {
        out.push_str(&format!("\n{} (every device must succeed):\n", stage.label));
        let mut table = printer.table(&[
            "DEV", "DEVICE", "AGENT", "ACTION", "TIMEOUT", "RETRIES", "DELAY",
        ]);
        for step in &stage.steps {
            table.add_row(device_row(step));
        }
        let rendered = table.render();
        let mut lines = rendered.lines();
        if let Some(header) = lines.next() {
            out.push_str(header);
            out.push('\n');
        }
        // Device cells are escaped: one line per row.
        for (line, step) in lines.zip(&stage.steps) {
            out.push_str(line);
            out.push('\n');
            for detail in device_details(step, show_secrets, printer.verbosity) {
                out.push_str(INDENT);
                out.push_str(&cell_text(&detail));
                out.push('\n');
            }
        }
    }
    out
}

fn what(plan: &Plan) -> String {
    match (plan.unfence, plan.action) {
        (true, _) => "unfence node".to_string(),
        (false, Requested::Configured) => "fence node".to_string(),
        (false, Requested::Action(FenceAction::Status)) => {
            "ask the power status of node".to_string()
        }
        (false, Requested::Action(action)) => format!("fence ({action}) node"),
    }
}

fn device_row(step: &DeviceStep) -> Vec<Cell> {
    let action = if step.required {
        action_label(step)
    } else {
        format!("{} (after all off)", action_label(step))
    };
    vec![
        Cell::new(&step.position),
        Cell::new(cell_text(&step.device)),
        Cell::new(cell_text(&step.agent)),
        Cell::new(action),
        Cell::new(crate::timespec::format(step.timeout)),
        Cell::new(step.retries),
        Cell::new(delay_label(step)),
    ]
}

/// The lines under a device: why it cannot run, or its arguments.
fn device_details(step: &DeviceStep, show_secrets: bool, verbosity: u8) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(problem) = &step.problem {
        lines.push(format!("cannot run: {problem}"));
        return lines;
    }
    if verbosity >= 1 {
        if let Some(path) = &step.agent_path {
            lines.push(format!("agent {}", path.display()));
        }
    }
    if verbosity >= 2 {
        if step.action.is_none() {
            lines.push(no_action_note(step));
        }
        lines.push(timing_note(step));
    }
    if let Some(pending) = &step.decided_at_run_time {
        lines.push(format!("decided at run time ({pending})"));
    }
    lines.extend(
        step.shown_args(show_secrets)
            .into_iter()
            .map(|(name, value)| format!("{name}={value}")),
    );
    lines
}

/// How long the device gets, as a run enforces it.
fn timing_note(step: &DeviceStep) -> String {
    let attempts = match step.retries {
        0 => "one attempt".to_string(),
        n => format!("up to {} attempts", n + 1),
    };
    let delay = match delay_label(step) {
        d if d.is_empty() => String::new(),
        d => format!(", after a delay of {d} (--no-delay skips it)"),
    };
    format!(
        "{attempts} within {}{delay}; past it the agent's process tree is killed",
        crate::timespec::format(step.timeout)
    )
}

fn no_action_note(step: &DeviceStep) -> String {
    format!(
        "no action is configured for dev {}: the agent's default ({}) runs",
        step.position,
        step.agent_default_action
            .as_ref()
            .map_or("usually reboot", AgentAction::as_str)
    )
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

/// The result of a real run as text: the power status, `fence NODE
/// success` on stdout, or on stderr the failure with each failed device's
/// reason (the agent's own error line).
pub fn result(plan: &Plan, fenced: &Fenced, printer: &Printer) -> anyhow::Result<()> {
    let verdict = fenced.verdict;
    let what = if plan.unfence { "unfence" } else { "fence" };
    if plan.is_status() {
        printer.out(&format!(
            "Status of {}: {}",
            plan.node,
            verdict.word().to_uppercase()
        ))?;
    } else if verdict == Verdict::Fenced {
        printer.out(&format!("{what} {} success", plan.node))?;
    }
    if matches!(verdict, Verdict::Failed | Verdict::Interrupted) {
        printer.err_line(&format!("{what} {} {}", plan.node, verdict.word()));
    }
    Ok(())
}

/// Why a failed or interrupted run did not fence, for the error message.
pub fn failure(plan: &Plan, fenced: &Fenced) -> anyhow::Error {
    let reasons: Vec<String> = fenced
        .outcome
        .steps
        .iter()
        .filter(|s| !s.ok)
        .map(|s| format!("dev {} ({}): {}", s.position, s.device, s.result))
        .collect();
    anyhow::anyhow!(
        "node {} was NOT {}: {}",
        plan.node,
        if plan.unfence { "unfenced" } else { "fenced" },
        if reasons.is_empty() {
            "nothing ran".to_string()
        } else {
            reasons.join("; ")
        }
    )
}

/// Narrates a real run the fence_node way on stderr: `-v` one line per
/// device with its result, `-vv` also the arguments sent and retries,
/// `-vvv` also the agent's own output; a spinner on a terminal below -vv.
pub struct Progress<'a> {
    node: String,
    printer: &'a Printer,
    show_secrets: bool,
    secrets: Vec<String>,
    spinner: Option<ProgressBar>,
    started: Instant,
}

impl<'a> Progress<'a> {
    pub fn new(plan: &Plan, printer: &'a Printer, show_secrets: bool) -> Progress<'a> {
        let secrets = plan
            .stages
            .iter()
            .flat_map(|s| s.steps.iter())
            .flat_map(DeviceStep::secret_values)
            .collect();
        Progress {
            node: plan.node.clone(),
            printer,
            show_secrets,
            secrets,
            spinner: printer.spinner(),
            started: Instant::now(),
        }
    }

    fn line(&self, text: &str) {
        match &self.spinner {
            Some(bar) => bar.println(crate::output::terminal_safe(text, false).as_ref()),
            None => self.printer.err_line(text),
        }
    }

    /// Clears the spinner.
    pub fn done(&self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Progress<'_> {
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
                self.line(&no_action_note(step));
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
        let printer = self.printer.clone();
        Some(Arc::new(move |is_stderr: bool, line: &str| {
            let stream = if is_stderr { "stderr" } else { "stdout" };
            printer.err_line(&format!(
                "agent {stream}: {}",
                crate::sys::text::escape_controls(&crate::secrets::mask_values(line, &secrets))
            ));
        }))
    }
}
