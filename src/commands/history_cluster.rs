//! `fencectl history [NODE] --cluster`: the cluster's fencing history and
//! fencectl's audit log in one timeline.

use anyhow::Result;

use super::Context;
use crate::cli::HistoryArgs;
use crate::exit::ExitStatus;
use crate::fencing::{audit, cluster};
use crate::pacemaker::live;

pub fn run(args: &HistoryArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let printer = ctx.printer;
    let events = live::history(args.node.as_deref())?;
    let path = args.log.clone().unwrap_or_else(audit::default_path);
    // The local log is a complement here: its absence or a read error is
    // not fatal.
    let mut records = match audit::read(&path) {
        Ok((records, _)) => records,
        Err(e) => {
            printer.warn(&format!("fencectl's audit log was not read: {e:#}"));
            Vec::new()
        }
    };
    if let Some(node) = &args.node {
        records.retain(|r| &r.node == node);
    }
    let entries = cluster::timeline(&records, &events);
    if printer.json_output() {
        printer.json(&crate::views::history::HistoryView::timeline(&entries))?;
        return Ok(ExitStatus::Success);
    }
    if entries.is_empty() {
        printer.info("no fencing recorded by the cluster or in fencectl's audit log");
        return Ok(ExitStatus::Success);
    }
    printer.print_table(&crate::report::history::timeline(&entries, printer))?;
    Ok(ExitStatus::Success)
}
