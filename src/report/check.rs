//! `fencectl check`: the probe matrix, the timeout budget, the design
//! findings, or at -q one line per problem.

use anyhow::Result;

use crate::check::probe::{Probe, ProbeState};
use crate::check::{self, CheckReport};
use crate::output::{Cell, Printer};
use crate::timespec::format as dur;

/// The whole report: probes, budget, findings.
pub fn full(report: &CheckReport, offline: bool, printer: &Printer) -> Result<()> {
    matrix(report, offline, printer)?;
    budget(report, printer)?;
    findings(report, printer)
}

fn probe_of<'r>(report: &'r CheckReport, node: &str, position: &str) -> Option<&'r Probe> {
    report
        .probes
        .iter()
        .find(|p| p.node == node && p.position == position)
}

fn probe_text(probe: Option<&Probe>, offline: bool) -> (String, bool) {
    match probe {
        None if offline => ("not probed (--offline)".into(), false),
        None => ("not probed".into(), false),
        Some(p) => match p.state {
            ProbeState::Ok => (
                format!(
                    "OK{}",
                    p.power
                        .as_ref()
                        .map(|w| format!(" (power {w})"))
                        .unwrap_or_default()
                ),
                false,
            ),
            ProbeState::Fail => (
                format!("FAIL: {}", p.reason.clone().unwrap_or_default()),
                true,
            ),
            ProbeState::NotProbed => (
                format!("not probed: {}", p.reason.clone().unwrap_or_default()),
                false,
            ),
        },
    }
}

/// The nodes x levels x devices matrix.
fn matrix(report: &CheckReport, offline: bool, printer: &Printer) -> Result<()> {
    let mut table = printer.table(&["NODE", "LEVEL", "DEVICE", "AGENT", "ADDRESS", "PROBE"]);
    // PROBE wraps; on a narrow terminal it takes in the address.
    table.wrap(5).foldable(4, "Address");
    for node in &report.nodes {
        if !node.fenceable && node.stages.is_empty() {
            table.add_row(vec![
                Cell::new(&node.node),
                Cell::new("-"),
                Cell::new("-"),
                Cell::new("-"),
                Cell::new("-"),
                printer.problem_cell(&format!(
                    "CANNOT BE FENCED: {}",
                    node.reason.clone().unwrap_or_default()
                )),
            ]);
            continue;
        }
        for stage in &node.stages {
            for device in &stage.devices {
                let (text, bad) = match &device.problem {
                    Some(problem) => (format!("FAIL: {problem}"), true),
                    None => probe_text(probe_of(report, &node.node, &device.position), offline),
                };
                table.add_row(vec![
                    Cell::new(&node.node),
                    Cell::new(&stage.label),
                    Cell::new(&device.device),
                    Cell::new(&device.agent),
                    Cell::new(device.address.as_deref().unwrap_or("")),
                    if bad {
                        printer.problem_cell(&text)
                    } else {
                        Cell::new(text)
                    },
                ]);
            }
        }
    }
    printer.print_table(&table)
}

/// The timeout budget: for each node a table, one row per device; then
/// each node's total.
fn budget(report: &CheckReport, printer: &Printer) -> Result<()> {
    if report.budgets.iter().all(|b| b.rows.is_empty()) {
        return Ok(());
    }
    printer.out("\nTimeout budget:")?;
    for node in report.budgets.iter().filter(|b| !b.rows.is_empty()) {
        printer.out(&format!("\n{}:", node.node))?;
        let mut table = printer.table(&[
            "LEVEL", "DEVICE", "ACTION", "TIMEOUT", "FROM", "RETRIES", "DELAY", "NEEDS",
        ]);
        // FROM says where the timeout comes from, in words: it wraps, and
        // on a narrow terminal takes in RETRIES and DELAY as sentences.
        table.wrap(4).foldable(5, "Retries").foldable(6, "Delay");
        for row in &node.rows {
            let needs = row.agent_needs.map_or("?".to_string(), dur);
            let needs_cell = if row.too_short() {
                printer.problem_cell(&format!("{needs} (too long)"))
            } else {
                Cell::new(needs)
            };
            let delay = if row.delay.is_zero() {
                String::new()
            } else if row.delay_counts {
                format!("{} (counts)", dur(row.delay))
            } else {
                format!("{} (added)", dur(row.delay))
            };
            table.add_row(vec![
                Cell::new(&row.stage),
                Cell::new(&row.device),
                Cell::new(&row.action),
                Cell::new(row.timeout.map_or("no limit".to_string(), dur)),
                Cell::new(&row.timeout_from),
                Cell::new(row.retries),
                Cell::new(delay),
                needs_cell,
            ]);
        }
        printer.print_table(&table)?;
    }
    // The totals in their own table: a sentence in the budget's TIMEOUT
    // column would widen it past 80 columns.
    let mut totals = printer.table(&["NODE", "ALL LEVELS", "CLUSTER ALLOWS", "VERDICT"]);
    let mut any = false;
    for node in &report.budgets {
        if let (Some(total), Some(cluster)) = (node.total, node.cluster_timeout) {
            any = true;
            totals.add_row(vec![
                Cell::new(&node.node),
                Cell::new(dur(total)),
                Cell::new(dur(cluster)),
                if node.fits() {
                    Cell::new("fits")
                } else {
                    printer.problem_cell("too long: later levels may not run")
                },
            ]);
        }
    }
    if !any {
        return Ok(());
    }
    printer.out("")?;
    printer.print_table(&totals)
}

fn findings(report: &CheckReport, printer: &Printer) -> Result<()> {
    if report.findings.is_empty() {
        printer.out("\nNo design findings.\n")?;
    } else {
        printer.out("\nFindings:\n")?;
        for f in &report.findings {
            let mut text = printer.prose(
                &format!(
                    "{} [{}] {}: {}",
                    f.severity.as_str(),
                    f.rule,
                    f.element,
                    f.why
                ),
                "",
                "  ",
            );
            text.push_str(&printer.prose(&format!("fix: {}", f.fix), "    ", "        "));
            text.push_str(&printer.prose(&format!("source: {}", f.source), "    ", "        "));
            printer.out(&text)?;
        }
    }
    if !report.not_checked.is_empty() {
        printer.out("\nNot checked:\n")?;
        for skipped in &report.not_checked {
            printer.out(&printer.prose(
                &format!("[{}] {}", skipped.rule, skipped.reason),
                "",
                "    ",
            ))?;
        }
    }
    Ok(())
}

/// One line per problem, nothing when all is well (cron).
pub fn quiet(report: &CheckReport, printer: &Printer) -> Result<()> {
    let mut lines = String::new();
    for node in report.nodes.iter().filter(|n| !n.fenceable) {
        lines.push_str(&format!(
            "{}: cannot be fenced: {}\n",
            node.node,
            node.reason.clone().unwrap_or_default()
        ));
    }
    for probe in report.probes.iter().filter(|p| p.state == ProbeState::Fail) {
        lines.push_str(&format!(
            "{}: {} device {}: FAIL: {}\n",
            probe.node,
            probe.stage,
            probe.device,
            probe.reason.clone().unwrap_or_default()
        ));
    }
    for f in report
        .findings
        .iter()
        .filter(|f| f.severity != check::Severity::Info)
    {
        lines.push_str(&format!(
            "{} [{}] {}: {}\n",
            f.severity.as_str(),
            f.rule,
            f.element,
            f.why
        ));
    }
    if lines.is_empty() {
        return Ok(());
    }
    printer.out(lines.trim_end())
}
