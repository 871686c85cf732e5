//! `fencectl status [NODE]`: what the running cluster's fencer knows.

use anyhow::Result;

use super::Context;
use crate::cli::StatusArgs;
use crate::exit::ExitStatus;
use crate::pacemaker::fencer_state;

pub fn run(args: &StatusArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("status")?;
    let printer = ctx.printer;
    let state = fencer_state::read(args.node.as_deref())?;
    if printer.json_output() {
        printer.json(&state)?;
        return Ok(ExitStatus::Success);
    }
    crate::report::status::show(&state, printer)?;
    Ok(ExitStatus::Success)
}
