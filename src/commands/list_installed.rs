//! `fencectl list-installed [FILTER]`

use anyhow::Result;
use comfy_table::Cell;

use super::Context;
use crate::agents::catalog::Listing;
use crate::agents::discovery::{self, Provider};
use crate::cli::ListInstalledArgs;
use crate::exit::{ExitStatus, Reported};

pub fn run(args: &ListInstalledArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("list-installed")?;
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
        if printer.json_output() {
            printer.json(&names)?;
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
        crate::output::print_error(&anyhow::anyhow!(
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
    report_problems(&shown, ctx);
    if printer.json_output() {
        printer.json(&shown)?;
    } else {
        print_table(&shown, ctx)?;
    }
    Ok(ExitStatus::Success)
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

fn print_table(listings: &[&Listing], ctx: &Context<'_>) -> Result<()> {
    let printer = ctx.printer;
    let mut table = printer.table(&["AGENT", "DESCRIPTION", "ALIAS OF", "CAPABILITIES"]);
    for listing in listings {
        let description = match (&listing.error, listing.provider) {
            (Some(_), _) => printer.problem_cell("(no metadata: see -v)"),
            (None, Provider::BuiltIn) if listing.installed => {
                Cell::new(format!("{} (built in)", listing.description))
            }
            (None, Provider::BuiltIn) => Cell::new(format!(
                "{} (built in, not installed: fencectl install-agent)",
                listing.description
            )),
            (None, Provider::External) => Cell::new(&listing.description),
        };
        table.add_row(vec![
            Cell::new(&listing.name),
            description,
            Cell::new(listing.alias_of.as_deref().unwrap_or("")),
            Cell::new(listing.capabilities.join(",")),
        ]);
    }
    printer.print_table(&table)
}
