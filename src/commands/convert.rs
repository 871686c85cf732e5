//! `fencectl convert cluster-conf-to-cib FILE`

use anyhow::{Context as _, Result};

use super::generate::{agent_lookup, cib_text, emit, gate};
use super::Context;
use crate::cli::ConvertCommand;
use crate::exit::ExitStatus;
use crate::fencing::clusterconf::ClusterConf;
use crate::generate::convert::cluster_conf_to_inventory;
use crate::pacemaker::version::PacemakerVersion;

pub fn run(command: &ConvertCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("convert")?;
    let ConvertCommand::ClusterConfToCib(args) = command;
    let bytes = crate::sys::fs::read_capped(&args.file, crate::sys::fs::CONFIG_CAP)
        .context("cannot read the cluster.conf to convert")?;
    let root = crate::xml::parse(&bytes)
        .with_context(|| format!("{} is not well-formed XML", args.file.display()))?;
    let conf = ClusterConf::from_element(&root).with_context(|| args.file.display().to_string())?;
    let catalog = ctx.catalog();
    let mut lookup = agent_lookup(&catalog, args.out.no_metadata, ctx);
    let (inventory, report) = cluster_conf_to_inventory(&conf, &mut |agent| lookup.metadata(agent));
    for line in &report {
        ctx.printer.warn(line);
    }
    gate(&inventory, Vec::new(), &lookup, ctx)?;
    let version = args
        .pacemaker_version
        .unwrap_or_else(PacemakerVersion::installed_or_default);
    emit(
        &cib_text(&inventory, args.part, args.full, version)?,
        &args.out,
        ctx,
    )?;
    Ok(ExitStatus::Success)
}
