//! `fencectl run -a AGENT --action A NAME=VALUE...`: one agent, exactly
//! these parameters on stdin, and its answer explained in the agent API's
//! terms. Built on the library API ([`crate::Device::run`]).

use anyhow::Result;

use super::Context;
use crate::cli::{Format, RunActionArg, RunArgs};
use crate::exit::{usage, ExitStatus, Reported};
use crate::prompt::{self, Prompter};
use crate::{AgentAction, AgentResult, Device, Error, Outcome, RunOptions};

pub fn run(args: &RunArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("run", &[Format::Table, Format::Json])?;
    let printer = ctx.printer;
    let agent = ctx.agents().resolve(&args.agent)?;
    let params = super::validate::collect(
        &args.params,
        args.params_file.as_deref(),
        &args.ask,
        agent.name(),
    )?;
    let device = device(&agent, params, args.no_check, ctx)?;
    let action = action(args.action);
    if action.changes_power() {
        confirm(&action, &device, args.yes)?;
    }
    printer.info(&format!(
        "running {} ({}) with: {}",
        agent.name(),
        agent.path().display(),
        sent_line(&action, &device)
    ));
    let options = RunOptions {
        timeout: args.timeout,
        retries: args.retries,
        audit_log: Some(
            args.log
                .clone()
                .unwrap_or_else(crate::fencing::audit::default_path),
        ),
        ..RunOptions::default()
    };
    // A signal stops the agent; the audit record is still written.
    let cooperation = crate::sys::signal::cooperate();
    let outcome = match device.run(action, &options) {
        Ok(outcome) => outcome,
        Err(Error::Audit { outcome, error }) => {
            printer.warn(&format!("the audit log was not written: {error}"));
            *outcome
        }
        Err(e) => return Err(e.into()),
    };
    drop(cooperation);
    report(&outcome, ctx)
}

fn action(arg: RunActionArg) -> AgentAction {
    match arg {
        RunActionArg::Off => AgentAction::Off,
        RunActionArg::On => AgentAction::On,
        RunActionArg::Reboot => AgentAction::Reboot,
        RunActionArg::Status => AgentAction::Status,
        RunActionArg::List => AgentAction::List,
        RunActionArg::ListStatus => AgentAction::ListStatus,
        RunActionArg::Monitor => AgentAction::Monitor,
    }
}

/// The device, each parameter checked against the metadata (unless
/// `--no-check`): every problem is told at once, and nothing runs.
fn device(
    agent: &crate::Agent,
    params: Vec<(String, String)>,
    no_check: bool,
    ctx: &Context<'_>,
) -> Result<Device> {
    // What cannot be sent on an agent's stdin is refused even with
    // --no-check: that switch skips the metadata, never this.
    if let Some((name, problem)) = crate::sys::text::stdin_args_problem(&params) {
        return Err(usage(format!(
            "the agent was not run: parameter {} {problem}",
            crate::sys::text::escape_controls(name)
        )));
    }
    if no_check {
        return Ok(agent.device().set_all_unchecked(params).build_unchecked());
    }
    let mut problems = Vec::new();
    for (name, value) in &params {
        match agent.device().set(name, value) {
            Ok(_) => {}
            // The agent still reads a deprecated name: worth a warning only.
            Err(e @ Error::DeprecatedParameter { .. }) => ctx.printer.warn(&e.to_string()),
            Err(e) => problems.push(e.to_string()),
        }
    }
    let built = agent.device().set_all_unchecked(params).build();
    match built {
        Ok(device) if problems.is_empty() => {
            for finding in device.validation().warnings() {
                ctx.printer.warn(&finding.message);
            }
            Ok(device)
        }
        Ok(_) => Err(refused(problems)),
        Err(Error::Invalid(validation)) => {
            for finding in validation.errors() {
                if !problems.contains(&finding.message) {
                    problems.push(finding.message.clone());
                }
            }
            Err(refused(problems))
        }
        Err(e) => Err(e.into()),
    }
}

fn refused(problems: Vec<String>) -> anyhow::Error {
    usage(format!(
        "the agent was not run: {} (check with `fencectl validate`; --no-check sends them anyway)",
        problems.join("; ")
    ))
}

/// Off, on and reboot change a node's power: asked first, unless `--yes`.
fn confirm(action: &AgentAction, device: &Device, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !prompt::interactive() {
        return Err(usage(format!(
            "{action} changes a node's power: give --yes to run it without a terminal"
        )));
    }
    let question = format!(
        "Run {} {action} with {}?",
        device.agent().name(),
        sent_line(action, device)
    );
    if prompt::TerminalPrompter.confirm(&question, false)? {
        Ok(())
    } else {
        Err(usage(format!("{action} not confirmed: nothing was run")))
    }
}

/// `action=off ip=... passwd=********`, as the agent gets it.
fn sent_line(action: &AgentAction, device: &Device) -> String {
    let mut line = format!("action={action}");
    for (name, value) in device.masked_parameters() {
        line.push_str(&format!(" {name}={value}"));
    }
    line
}

/// Shows the outcome and chooses the exit status (status off = 3).
fn report(outcome: &Outcome, ctx: &Context<'_>) -> Result<ExitStatus> {
    let printer = ctx.printer;
    for line in &outcome.output {
        printer.debug(&format!("{} {}: {}", outcome.agent, line.stream, line.line));
    }
    let status = match &outcome.result {
        AgentResult::On | AgentResult::Success => ExitStatus::Success,
        AgentResult::Off => ExitStatus::StatusOff,
        AgentResult::Failed { .. } | AgentResult::TimedOut => ExitStatus::Failure,
        AgentResult::Interrupted => {
            ExitStatus::for_signal(crate::sys::signal::received().unwrap_or(libc::SIGINT))
        }
    };
    if printer.json_output() {
        printer.json(outcome)?;
    } else {
        crate::report::run::outcome(outcome, printer)?;
    }
    if let AgentResult::Failed { reason } = &outcome.result {
        ctx.printer.error(&anyhow::anyhow!(
            "{} {} failed: {reason}",
            outcome.agent,
            outcome.action
        ));
    }
    match status {
        ExitStatus::Success | ExitStatus::StatusOff => Ok(status),
        _ => Err(Reported(status).into()),
    }
}
