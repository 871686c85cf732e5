//! `fencectl run`: what the agent answered, and fencectl's reading of it.

use crate::output::Printer;
use crate::{AgentAction, AgentResult, Outcome};

/// The answer of list and list-status on stdout (the point of running
/// them), then one line: the agent, the action, the result and what the
/// agent's exit code means.
pub fn outcome(outcome: &Outcome, printer: &Printer) -> anyhow::Result<()> {
    if matches!(outcome.action, AgentAction::List | AgentAction::ListStatus) {
        for line in outcome.output.iter().filter(|l| l.stream == "stdout") {
            printer.out(&line.line)?;
        }
    }
    let code = outcome
        .exit_status
        .map_or("none".to_string(), |c| c.to_string());
    printer.out(&format!(
        "{} {}: {} (agent exit code {code}: {})",
        outcome.agent,
        outcome.action,
        words(&outcome.result),
        outcome.meaning
    ))
}

fn words(result: &AgentResult) -> &'static str {
    match result {
        AgentResult::On => "ON",
        AgentResult::Off => "OFF",
        AgentResult::Success => "success",
        AgentResult::Failed { .. } => "FAILED",
        AgentResult::TimedOut => "TIMED OUT (its processes were killed)",
        AgentResult::Interrupted => "INTERRUPTED (the agent was killed)",
    }
}
