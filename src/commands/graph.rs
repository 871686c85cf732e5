//! `fencectl graph`: the picture of who fences whom, from the same offline
//! check as `fencectl check --offline` ([`crate::check::graph`]).

use anyhow::{Context as _, Result};

use super::Context;
use crate::check::graph::{self, GraphType};
use crate::check::{self, CheckRequest};
use crate::cli::{Format, GraphArgs, GraphTypeArg};
use crate::exit::ExitStatus;
use crate::fencing::source::ConfigChoice;

pub fn run(args: &GraphArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("graph", &[Format::Table])
        .context("`graph` draws a picture: choose its format with -T dot|svg|mermaid")?;
    let request = CheckRequest {
        nodes: Vec::new(),
        config: ConfigChoice::from_options(
            args.config.as_deref(),
            args.cib.as_deref(),
            args.cib_live,
        ),
        offline: true,
        jobs: 1,
        timeout: None,
        corosync_conf: None,
        sbd_config: None,
    };
    let report = check::check(&request, &ctx.catalog())?;
    let kind = match args.graph_type {
        GraphTypeArg::Dot => GraphType::Dot,
        GraphTypeArg::Svg => GraphType::Svg,
        GraphTypeArg::Mermaid => GraphType::Mermaid,
    };
    ctx.printer.out_bytes(&graph::render(&report, kind)?)?;
    Ok(ExitStatus::Success)
}
