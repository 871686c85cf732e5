//! `fencectl metadata -a AGENT`: an agent's parameters and actions, for
//! people (table), programs (json) or as the agent printed it (xml).

use anyhow::{Context as _, Result};

use super::Context;
use crate::agents::discovery;
use crate::agents::metadata::AgentMetadata;
use crate::cli::{Format, MetadataArgs};
use crate::exit::{usage, ExitStatus};

pub fn run(args: &MetadataArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    if args.check {
        return super::check_metadata::run(args, ctx);
    }
    let spec = args.agent.as_deref().ok_or_else(|| {
        usage("which agent? Give -a AGENT (a name such as fence_ipmilan, or a path)")
    })?;
    let agent = discovery::resolve(spec, &ctx.global.agent_dirs)?;
    let catalog = ctx.catalog();
    let printer = ctx.printer;
    if ctx.global.format == Format::Xml {
        let stored = catalog.metadata_run(&agent, args.refresh)?;
        if let Some(failure) = &stored.failure {
            anyhow::bail!("{} -o metadata failed: {failure}", agent.path.display());
        }
        printer.out_bytes(&stored.stdout)?;
        return Ok(match AgentMetadata::parse(&stored.stdout) {
            Ok(_) => ExitStatus::Success,
            Err(err) => {
                printer.warn(&format!(
                    "the agent's output above is not valid metadata: {err:#}"
                ));
                ExitStatus::Failure
            }
        });
    }
    let (_, metadata) = catalog.metadata(&agent, args.refresh)?;
    if printer.json_output() {
        printer.json(&crate::views::metadata::MetadataView::metadata(&metadata))?;
    } else {
        let text =
            crate::report::metadata::render(&agent.name, &metadata, args.deprecated, printer)
                .context("rendering the metadata")?;
        printer.out(&text)?;
    }
    Ok(ExitStatus::Success)
}
