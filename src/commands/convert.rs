//! `fencectl convert cluster-conf-to-cib FILE`

use anyhow::Result;

use super::generate::{cib_text, emit, gate, MetadataLookup};
use super::Context;
use crate::cli::ConvertCommand;
use crate::exit::ExitStatus;
use crate::inventory::from_cluster_conf::cluster_conf_to_inventory;

pub fn run(command: &ConvertCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("convert")?;
    let ConvertCommand::ClusterConfToCib(args) = command;
    let conf = crate::cman::conf::load(&args.file)?;
    let mut lookup = MetadataLookup::new(ctx, args.out.no_metadata);
    let (inventory, report) = cluster_conf_to_inventory(&conf, &mut |agent| lookup.get(agent));
    for line in &report {
        ctx.printer.warn(line);
    }
    gate(&inventory, Vec::new(), &lookup, ctx)?;
    emit(&cib_text(&inventory, args.part, args.full)?, &args.out, ctx)?;
    Ok(ExitStatus::Success)
}
