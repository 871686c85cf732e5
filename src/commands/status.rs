//! `fencectl status [NODE]`: what the running cluster's fencer knows.

use anyhow::Result;

use super::Context;
use crate::cli::{Format, StatusArgs};
use crate::exit::ExitStatus;
use crate::pacemaker::fencer_state;

pub fn run(args: &StatusArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("status", &[Format::Table, Format::Json])?;
    let printer = ctx.printer;
    let state = fencer_state::read(args.node.as_deref())?;
    if printer.json_output() {
        printer.json(&crate::views::status::StatusView::new(&state))?;
        return Ok(ExitStatus::Success);
    }
    crate::report::status::show(&state, printer)?;
    Ok(ExitStatus::Success)
}
