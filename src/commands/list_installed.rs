//! `fencectl list-installed [FILTER]`

use anyhow::Result;

use super::Context;
use crate::agents::catalog::Listing;
use crate::agents::discovery::{self, Provider};
use crate::cli::{Format, ListInstalledArgs};
use crate::exit::{ExitStatus, Reported};

pub fn run(args: &ListInstalledArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("list-installed", &[Format::Table, Format::Json])?;
    let printer = ctx.printer;
    let found = discovery::discover(&ctx.global.agent_dirs);
    for (dir, why) in &found.unreadable {
        printer.info(&format!(
            "cannot read agent directory {}: {why}",
            dir.display()
        ));
    }
    if found.agents.iter().all(|a| a.provider == Provider::BuiltIn) {
        printer.warn(&discovery::nothing_found_hint(&ctx.global.agent_dirs));
    }
    let filter = args.filter.as_deref().map(str::to_lowercase);

    if args.names_only {
        let names: Vec<&str> = found
            .agents
            .iter()
            .map(|a| a.name.as_str())
            .filter(|name| {
                filter
                    .as_deref()
                    .is_none_or(|f| name.to_lowercase().contains(f))
            })
            .collect();
        no_match(args, names.len())?;
        if printer.json_output() {
            printer.json(&crate::views::list_installed::ListInstalledView::names(
                names,
            ))?;
        } else if !names.is_empty() {
            printer.out(&names.join("\n"))?;
        }
        return Ok(ExitStatus::Success);
    }

    let agents = ctx.agents();
    let bar = printer.progress(found.agents.len() as u64, "reading agent metadata");
    // Agents run in parallel: a signal stops them all (their whole process
    // trees) before fencectl exits, instead of leaving them running.
    let cooperation = crate::sys::signal::cooperate();
    let listings = agents.list_found(&found.agents, args.refresh, &|name: &str| {
        bar.inc(1);
        bar.set_message(name.to_string());
    });
    bar.finish_and_clear();
    if let Some(signal) = crate::sys::signal::received() {
        ctx.printer.error(&anyhow::anyhow!(
            "interrupted ({}): the agents' processes were stopped",
            crate::sys::signal::name(signal)
        ));
        return Err(Reported(ExitStatus::for_signal(signal)).into());
    }
    drop(cooperation);

    let shown: Vec<&Listing> = listings
        .iter()
        .filter(|l| {
            filter.as_deref().is_none_or(|f| {
                l.name.to_lowercase().contains(f) || l.description.to_lowercase().contains(f)
            })
        })
        .collect();
    no_match(args, shown.len())?;
    report_problems(&shown, ctx);
    if printer.json_output() {
        printer.json(&crate::views::list_installed::ListInstalledView::agents(
            shown,
        ))?;
    } else {
        printer.print_table(&crate::report::list_installed::table(&shown, printer))?;
    }
    Ok(ExitStatus::Success)
}

/// A filter that matches no agent is an error (exit 1), said on stderr.
fn no_match(args: &ListInstalledArgs, shown: usize) -> Result<()> {
    match &args.filter {
        Some(filter) if shown == 0 => anyhow::bail!(
            "no installed agent matches '{filter}' (in its name or description): \
             `fencectl list-installed` lists them all"
        ),
        _ => Ok(()),
    }
}

fn report_problems(listings: &[&Listing], ctx: &Context<'_>) {
    let printer = ctx.printer;
    let broken = listings.iter().filter(|l| l.error.is_some()).count();
    if broken > 0 && printer.verbosity == 0 && !printer.json_output() {
        printer.warn(&format!(
            "{broken} agent(s) gave no usable metadata (marked in the list); -v says why"
        ));
    }
    for listing in listings {
        if let Some(error) = &listing.error {
            printer.info(&format!("{}: {error}", listing.name));
        }
        for shadowed in &listing.shadows {
            printer.info(&format!(
                "{}: {} is hidden by {} (earlier in the agent path)",
                listing.name,
                shadowed.display(),
                listing.path.display()
            ));
        }
    }
}
