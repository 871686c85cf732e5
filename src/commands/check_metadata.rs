//! `fencectl metadata --check (-a AGENT | --all | --file FILE)`. (Being written.)

use anyhow::Result;

use super::Context;
use crate::cli::MetadataArgs;
use crate::exit::ExitStatus;

pub fn run(_args: &MetadataArgs, _ctx: &Context<'_>) -> Result<ExitStatus> {
    anyhow::bail!("metadata --check is not written yet")
}
