//! `fencectl validate`: the findings as a table, the agent's own verdict,
//! and the one-line summary.

use crate::agents::finding::{Finding, Severity};
use crate::output::{Cell, Printer};

/// What the agent's own `validate-all` said, as the report shows it.
pub struct AgentVerdict<'a> {
    pub ran: bool,
    pub ok: bool,
    pub exit_code: Option<i32>,
    /// The agent's messages, secrets masked.
    pub messages: &'a str,
    /// Why it did not run, or how it ran.
    pub note: Option<&'a str>,
}

/// `validate -a AGENT`: the findings, the agent's verdict and messages,
/// then the summary, which says when only the agent objected.
pub fn agent(
    agent: &str,
    findings: &[Finding],
    verdict: Option<&AgentVerdict<'_>>,
    valid: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    print_table(findings, "PARAMETER", printer)?;
    let mut out = verdict
        .map(|v| agent_verdict(agent, v, printer))
        .unwrap_or_default();
    let agent_objects = verdict.is_some_and(|v| !v.ok);
    out.push_str(&summary(findings, agent, valid));
    if agent_objects && !has_errors(findings) {
        // fencectl found nothing wrong: say who did.
        out = out.trim_end().to_string();
        out.push_str(&format!(
            ": only the agent's own validate-all {}\n",
            match verdict {
                Some(v) if !v.ran => "could not run",
                _ => "rejected the parameters",
            }
        ));
    }
    printer.out(&out)
}

/// `validate --config FILE`: the findings, then the summary.
pub fn config(
    config: &str,
    findings: &[Finding],
    valid: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    print_table(findings, "WHERE", printer)?;
    printer.out(&summary(findings, config, valid))
}

fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// "WHAT: valid (N error(s), M warning(s))"
fn summary(findings: &[Finding], what: &str, valid: bool) -> String {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    format!(
        "{what}: {} ({errors} error(s), {warnings} warning(s))\n",
        if valid { "valid" } else { "NOT valid" }
    )
}

/// SEVERITY, `subject` (PARAMETER, or WHERE for a cluster.conf), MESSAGE.
fn print_table(findings: &[Finding], subject: &str, printer: &Printer) -> anyhow::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let mut table = printer.table(&["SEVERITY", subject, "MESSAGE"]);
    for finding in findings {
        let severity = match finding.severity {
            Severity::Error => printer.problem_cell("error"),
            Severity::Warning => Cell::new("warning"),
        };
        table.add_row(vec![
            severity,
            Cell::new(&finding.subject),
            Cell::new(&finding.message),
        ]);
    }
    printer.print_table(&table)
}

/// The agent's verdict and its messages, indented.
fn agent_verdict(agent: &str, check: &AgentVerdict<'_>, printer: &Printer) -> String {
    if !check.ran {
        return check
            .note
            .map(|n| printer.prose(n, "", "  "))
            .unwrap_or_default();
    }
    let verdict = match (check.ok, check.exit_code) {
        (true, _) => "accepted".to_string(),
        (false, Some(code)) => format!("rejected (exit {code})"),
        (false, None) => "did not finish".to_string(),
    };
    let how = check.note.map(|n| format!(", {n}")).unwrap_or_default();
    let mut out = printer.prose(&format!("{agent} validate-all: {verdict}{how}"), "", "  ");
    for line in check.messages.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}
