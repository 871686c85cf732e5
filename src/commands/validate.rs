//! `fencectl validate -a AGENT [NAME=VALUE...]`. (Being written.)

use anyhow::Result;

use super::Context;
use crate::cli::ValidateArgs;
use crate::exit::ExitStatus;

pub fn run(_args: &ValidateArgs, _ctx: &Context<'_>) -> Result<ExitStatus> {
    anyhow::bail!("validate is not written yet")
}
