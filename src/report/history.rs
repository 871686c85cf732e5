//! `fencectl history`: the audit log as a table.

use crate::fencing::audit::{self, AuditDevice, AuditRecord};
use crate::fencing::cluster::TimelineEntry;
use crate::output::{Cell, Printer, Table};

/// One row per run: what ran on each device (the action each step really
/// ran, `off, off, on, on` for a remapped reboot), who ran it, and at -v
/// why a failed device failed.
pub fn table(records: &[AuditRecord], printer: &Printer) -> Table {
    let mut headers = vec!["TIME", "NODE", "ACTION", "RESULT", "DEVICES", "USER"];
    let reasons = printer.verbosity >= 1;
    if reasons {
        headers.push("REASON");
    }
    let mut table = printer.table(&headers);
    if !reasons {
        // DEVICES is the widest column: it wraps, at words, to fit.
        table.wrap(4);
    }
    for record in records {
        let result = if record.result == "failed" {
            printer.problem_cell(&record.result)
        } else {
            Cell::new(&record.result)
        };
        // One device per line; each line escaped on its own.
        let devices: Vec<String> = record
            .devices
            .iter()
            .map(|d| crate::output::cell_text(&device_line(d)))
            .collect();
        let mut row = vec![
            Cell::new(&record.time),
            Cell::new(crate::output::cell_text(&record.node)),
            Cell::new(action(record)),
            result,
            Cell::new(devices.join("\n")),
            Cell::new(crate::output::cell_text(&record.user)),
        ];
        if reasons {
            row.push(Cell::new(reason(record)));
        }
        table.add_row(row);
    }
    table
}

/// The run's action; for an older record of a run whose action the
/// configuration decided (`configured`), the actions its steps ran.
fn action(record: &AuditRecord) -> String {
    if record.action != "configured" {
        return record.action.clone();
    }
    audit::steps_actions(&record.devices).unwrap_or_else(|| "as configured (no step ran)".into())
}

/// `1.1 psu1 off ok`: position, device, the action it ran, how it went.
fn device_line(device: &AuditDevice) -> String {
    format!(
        "{} {} {} {}",
        device.position,
        device.device,
        device.action.as_deref().unwrap_or("(agent default)"),
        if device.ok { "ok" } else { "failed" }
    )
}

/// Why the failed devices failed, one per line.
fn reason(record: &AuditRecord) -> String {
    record
        .devices
        .iter()
        .filter(|d| !d.ok)
        .map(|d| crate::output::cell_text(&format!("{}: {}", d.position, d.result)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `history --cluster`: the cluster's fencing history and the audit log,
/// one timeline.
pub fn timeline(entries: &[TimelineEntry], printer: &Printer) -> Table {
    let mut table = printer.table(&["TIME", "SOURCE", "NODE", "ACTION", "RESULT", "DETAIL"]);
    for entry in entries {
        let result = if entry.result == "success" {
            Cell::new(&entry.result)
        } else {
            printer.problem_cell(&entry.result)
        };
        table.add_row(vec![
            Cell::new(if entry.time.is_empty() {
                "(pending)"
            } else {
                &entry.time
            }),
            Cell::new(entry.source),
            Cell::new(crate::output::cell_text(&entry.node)),
            Cell::new(crate::output::cell_text(&entry.action)),
            result,
            Cell::new(crate::output::cell_text(&entry.detail)),
        ]);
    }
    table
}
