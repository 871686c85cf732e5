//! `fencectl __complete SHELL INDEX -- WORDS...`: the candidates for the
//! word the shell completes, for the completion scripts.

use anyhow::Result;

use super::Context;
use crate::cli::CompleteArgs;
use crate::completion::{self, values::Sources};
use crate::exit::ExitStatus;

pub fn run(args: &CompleteArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let mut command = crate::cli::command();
    command.build();
    let line = completion::line::read(&command, &args.words, args.index);
    let sources = Sources {
        agent_dirs: ctx.global.agent_dirs.clone(),
        cache: crate::agents::cache::Cache::open_default(),
    };
    let answer = completion::values::answer(&line, &sources);
    ctx.printer
        .out_bytes(completion::render(&answer, args.shell).as_bytes())?;
    Ok(ExitStatus::Success)
}
