//! `fencectl history [NODE]`: the audit log of fencing runs.

use anyhow::Result;
use crate::output::Cell;

use super::Context;
use crate::cli::HistoryArgs;
use crate::exit::ExitStatus;
use crate::fencing::audit;

pub fn run(args: &HistoryArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("history")?;
    let printer = ctx.printer;
    if args.cluster {
        return super::history_cluster::run(args, ctx);
    }
    let path = args.log.clone().unwrap_or_else(audit::default_path);
    let (mut records, bad) = audit::read(&path)?;
    if bad > 0 {
        printer.warn(&format!(
            "{bad} line(s) of {} are not fencectl records; skipped",
            path.display()
        ));
    }
    if let Some(node) = &args.node {
        records.retain(|r| &r.node == node);
    }
    if printer.json_output() {
        printer.json(&records)?;
        return Ok(ExitStatus::Success);
    }
    if records.is_empty() {
        printer.info(&format!("no fencing runs recorded in {}", path.display()));
        return Ok(ExitStatus::Success);
    }
    let mut table = printer.table(&["TIME", "NODE", "ACTION", "RESULT", "DEVICES", "USER"]);
    for record in &records {
        let devices: Vec<String> = record
            .devices
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}",
                    d.position,
                    d.device,
                    if d.ok { "ok" } else { "failed" }
                )
            })
            .collect();
        let result = if record.result == "failed" {
            printer.problem_cell(&record.result)
        } else {
            Cell::new(&record.result)
        };
        table.add_row(vec![
            Cell::new(&record.time),
            Cell::new(&record.node),
            Cell::new(&record.action),
            result,
            Cell::new(devices.join(", ")),
            Cell::new(&record.user),
        ]);
    }
    printer.print_table(&table)?;
    Ok(ExitStatus::Success)
}
