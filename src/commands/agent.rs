//! `fencectl agent ovh ...`: a built-in agent, as if run by its own name.

use anyhow::Result;

use super::Context;
use crate::cli::{AgentArgs, BuiltinAgentArg, Format};
use crate::exit::{ExitStatus, Reported};

pub fn run(args: &AgentArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("agent", &[Format::Table])?;
    let code = match args.agent {
        BuiltinAgentArg::Ovh => crate::ovh::agent::main(&args.args),
    };
    // The agent's exit codes are the fence agent API's (0, 1, 2 = off).
    match code {
        0 => Ok(ExitStatus::Success),
        2 => Err(Reported(ExitStatus::NothingConfigured).into()),
        _ => Err(Reported(ExitStatus::Failure).into()),
    }
}
