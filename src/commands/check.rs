//! `fencectl check [NODE...]`: will fencing work? Shows (through
//! `report::check`) what [`crate::check::check`] found: the matrix, the
//! timeout budget, the design findings; with `-q` one line per problem.

use anyhow::Result;

use super::Context;
use crate::check::{self, CheckRequest};
use crate::cli::{CheckArgs, Format};
use crate::exit::ExitStatus;
use crate::fencing::source::ConfigChoice;

pub fn run(args: &CheckArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("check", &[Format::Table, Format::Json])?;
    let request = CheckRequest {
        nodes: args.nodes.clone(),
        config: ConfigChoice::from_options(
            args.config.as_deref(),
            args.cib.as_deref(),
            args.cib_live,
        ),
        offline: args.offline,
        jobs: usize::from(args.jobs),
        timeout: args.timeout,
        corosync_conf: args.corosync_conf.clone(),
        sbd_config: args.sbd_config.clone(),
    };
    let report = check::check(&request, &ctx.catalog())?;
    let printer = ctx.printer;
    if printer.json_output() {
        printer.json(&crate::views::check::CheckView::new(&report))?;
    } else if ctx.global.quiet {
        crate::report::check::quiet(&report, printer)?;
    } else {
        printer.info(&format!("configuration: {}", report.source.describe()));
        crate::report::check::full(&report, args.offline, printer)?;
    }
    Ok(report.exit_status(args.strict))
}
