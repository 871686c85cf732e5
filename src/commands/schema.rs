//! `fencectl schema cluster-rng`: cman's cluster.conf schema with the
//! installed agents' parameters.

use anyhow::{Context as _, Result};

use super::Context;
use crate::agents::discovery::{self, FoundAgent};
use crate::cli::{Format, SchemaArgs, SchemaCommand};
use crate::cman::schema::{self, AgentPart};
use crate::exit::ExitStatus;
use crate::sys::fs;

pub fn run(command: &SchemaCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    match command {
        SchemaCommand::ClusterRng(args) => cluster_rng(args, ctx),
    }
}

fn cluster_rng(args: &SchemaArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("schema cluster-rng", &[Format::Table])?;
    let rng = build_cluster_rng(ctx)?.text;
    match &args.output {
        None => ctx.printer.out(rng.trim_end())?,
        Some(path) => {
            // A schema holds no secret: readable by all, as cman's was.
            fs::refuse_existing(path, args.force)?;
            fs::write_atomic(path, rng.as_bytes(), fs::FileMode::KeepOr(0o644))
                .with_context(|| format!("cannot write {}", path.display()))?;
            ctx.printer.info(&format!("wrote {}", path.display()));
        }
    }
    Ok(ExitStatus::Success)
}

/// cman's schema, and the agents it describes.
pub struct ClusterRng {
    pub text: String,
    /// The agents with a group in the schema (their metadata was read).
    pub agents: Vec<String>,
}

/// The schema for the agents in the agent directories (as the files on
/// disk there: a built-in agent counts once it is installed as a link).
/// `schema cluster-rng` writes it; `validate --config` checks with it.
pub fn build_cluster_rng(ctx: &Context<'_>) -> Result<ClusterRng> {
    let found = discovery::discover(&ctx.global.agent_dirs);
    let agents: Vec<FoundAgent> = found
        .agents
        .into_iter()
        .filter(|agent| agent.path.file_name().is_some_and(|f| *f == *agent.name))
        .filter(|agent| !schema::SKIPPED_AGENTS.contains(&agent.name.as_str()))
        .collect();
    if agents.is_empty() {
        ctx.printer
            .warn(&discovery::nothing_found_hint(&ctx.global.agent_dirs));
    }
    let catalog = ctx.catalog();
    // Fill the cache in parallel first; each agent is then one cache read.
    let bar = ctx
        .printer
        .progress(agents.len() as u64, "reading agent metadata");
    catalog.list(&agents, false, &|_: &str| bar.inc(1));
    bar.finish_and_clear();
    let described: Vec<(&str, Result<_>)> = agents
        .iter()
        .map(|agent| (agent.name.as_str(), catalog.metadata(agent, false)))
        .collect();
    let problems: Vec<(&str, String)> = described
        .iter()
        .filter_map(|(name, result)| result.as_ref().err().map(|e| (*name, format!("{e:#}"))))
        .collect();
    for (name, problem) in &problems {
        ctx.printer.info(&format!(
            "{name}: no metadata, left out of the schema: {problem}"
        ));
    }
    let text = schema::cluster_rng(described.iter().map(|(name, result)| match result {
        Ok((_, metadata)) => (*name, AgentPart::Metadata(metadata)),
        Err(_) => (*name, AgentPart::Problem("no metadata")),
    }));
    let agents = described
        .iter()
        .filter(|(_, result)| result.is_ok())
        .map(|(name, _)| name.to_string())
        .collect();
    Ok(ClusterRng { text, agents })
}
