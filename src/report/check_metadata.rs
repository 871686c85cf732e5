//! `fencectl metadata --check`: the findings of the metadata checks.

use crate::agents::finding::{Finding, Severity};
use crate::output::{Cell, Printer, Table};

/// AGENT, SEVERITY, LINE, SUBJECT, RULE, MESSAGE (the free text).
pub fn table(findings: &[(&str, &Finding)], printer: &Printer) -> Table {
    let mut table = printer.table(&["AGENT", "SEVERITY", "LINE", "SUBJECT", "RULE", "MESSAGE"]);
    for (agent, finding) in findings {
        let severity = match finding.severity {
            Severity::Error => printer.problem_cell("error"),
            Severity::Warning => Cell::new("warning"),
        };
        table.add_row(vec![
            Cell::new(agent),
            severity,
            Cell::new(finding.line.map(|l| l.to_string()).unwrap_or_default()),
            Cell::new(&finding.subject),
            Cell::new(finding.rule),
            Cell::new(&finding.message),
        ]);
    }
    table
}
