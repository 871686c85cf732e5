//! `fencectl history [NODE]`: the audit log of fencing runs.

use anyhow::Result;

use super::Context;
use crate::cli::{Format, HistoryArgs};
use crate::exit::ExitStatus;
use crate::fencing::audit;

pub fn run(args: &HistoryArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("history", &[Format::Table, Format::Json])?;
    let printer = ctx.printer;
    if args.cluster {
        return super::history_cluster::run(args, ctx);
    }
    let path = args.log.clone().unwrap_or_else(audit::default_path);
    if !path.exists() {
        anyhow::bail!(
            "no audit log at {}: nothing was fenced with fencectl here yet \
             (give --log FILE or FENCECTL_LOG_FILE to read another log)",
            path.display()
        );
    }
    let (mut records, bad) = audit::read(&path)?;
    if bad > 0 {
        printer.warn(&format!(
            "{bad} line(s) of {} are not fencectl records; skipped",
            path.display()
        ));
    }
    if let Some(node) = &args.node {
        records.retain(|r| &r.node == node);
        if records.is_empty() {
            anyhow::bail!(
                "node {node} has no entry in the audit log {} (`fencectl history` lists every node's runs)",
                path.display()
            );
        }
    }
    if records.is_empty() {
        anyhow::bail!("no fencing runs recorded in {}", path.display());
    }
    if printer.json_output() {
        printer.json(&crate::views::history::HistoryView::records(&records))?;
        return Ok(ExitStatus::Success);
    }
    printer.print_table(&crate::report::history::table(&records, printer))?;
    Ok(ExitStatus::Success)
}
