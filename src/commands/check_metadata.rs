//! `fencectl metadata --check (-a AGENT | --all | --file FILE) [--strict]`

use anyhow::{Context as _, Result};
use comfy_table::Cell;
use serde::Serialize;

use super::Context;
use crate::agents::check::check_metadata;
use crate::agents::discovery::{self, FoundAgent};
use crate::agents::finding::{fails, Finding, Severity};
use crate::cli::{Format, MetadataArgs};
use crate::exit::{usage, ExitStatus};

/// The findings for one agent or file, as `--format json` prints them:
/// an array of `{agent, severity, rule, subject, line, message}`.
#[derive(Debug, Serialize)]
struct Row<'a> {
    agent: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

pub fn run(args: &MetadataArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    if ctx.global.format == Format::Xml {
        return Err(usage(
            "metadata --check prints findings: use --format table or --format json",
        ));
    }
    let checked: Vec<(String, Vec<Finding>)> = match (&args.agent, args.all, &args.file) {
        (Some(spec), false, None) => {
            let agent = discovery::resolve(spec, &ctx.global.agent_dirs)?;
            vec![(agent.name.clone(), check_agent(&agent, args, ctx))]
        }
        (None, true, None) => check_all(args, ctx)?,
        (None, false, Some(file)) => {
            let bytes = fs_err::read(file).context("cannot read the metadata file to check")?;
            vec![(file.display().to_string(), check_metadata(&bytes))]
        }
        _ => {
            return Err(usage(
                "metadata --check needs exactly one of -a AGENT, --all (every installed agent) or --file FILE",
            ))
        }
    };
    report(&checked, args.strict, ctx)?;
    let failed = checked
        .iter()
        .any(|(_, findings)| fails(findings, args.strict));
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// An agent's findings; an agent whose metadata run fails has one error.
fn check_agent(agent: &FoundAgent, args: &MetadataArgs, ctx: &Context<'_>) -> Vec<Finding> {
    match ctx.catalog().metadata_run(agent, args.refresh) {
        Ok(run) => match &run.failure {
            None => check_metadata(&run.stdout),
            Some(failure) => vec![Finding::error(
                "no-metadata",
                "document",
                None,
                format!("`{} -o metadata` failed: {failure}", agent.path.display()),
            )],
        },
        Err(err) => vec![Finding::error(
            "no-metadata",
            "document",
            None,
            format!("{err:#}"),
        )],
    }
}

fn check_all(args: &MetadataArgs, ctx: &Context<'_>) -> Result<Vec<(String, Vec<Finding>)>> {
    let found = discovery::discover(&ctx.global.agent_dirs);
    if found.agents.is_empty() {
        anyhow::bail!(discovery::nothing_found_hint(&ctx.global.agent_dirs));
    }
    // Fill the cache in parallel first (a cold cache means running every agent).
    let bar = ctx
        .printer
        .progress(found.agents.len() as u64, "reading agent metadata");
    ctx.catalog()
        .list(&found.agents, args.refresh, &|name: &str| {
            bar.inc(1);
            bar.set_message(name.to_string());
        });
    bar.finish_and_clear();
    let cached = MetadataArgs {
        refresh: false,
        ..args.clone()
    };
    Ok(found
        .agents
        .iter()
        .map(|agent| (agent.name.clone(), check_agent(agent, &cached, ctx)))
        .collect())
}

fn report(checked: &[(String, Vec<Finding>)], strict: bool, ctx: &Context<'_>) -> Result<()> {
    let printer = ctx.printer;
    let rows: Vec<Row<'_>> = checked
        .iter()
        .flat_map(|(agent, findings)| findings.iter().map(move |finding| Row { agent, finding }))
        .collect();
    if printer.json_output() {
        printer.json(&rows)?;
    } else if !rows.is_empty() {
        let mut table = printer.table(&["AGENT", "SEVERITY", "LINE", "SUBJECT", "RULE", "MESSAGE"]);
        for row in &rows {
            let severity = match row.finding.severity {
                Severity::Error => printer.problem_cell("error"),
                Severity::Warning => Cell::new("warning"),
            };
            table.add_row(vec![
                Cell::new(row.agent),
                severity,
                Cell::new(row.finding.line.map(|l| l.to_string()).unwrap_or_default()),
                Cell::new(&row.finding.subject),
                Cell::new(row.finding.rule),
                Cell::new(&row.finding.message),
            ]);
        }
        printer.print_table(&table)?;
    }
    for (agent, findings) in checked {
        if findings.is_empty() {
            printer.info(&format!("{agent}: ok"));
        }
    }
    let with = |severity: Severity| {
        checked
            .iter()
            .filter(|(_, f)| f.iter().any(|f| f.severity == severity))
            .count()
    };
    let noun = if checked.len() == 1 {
        "agent"
    } else {
        "agents"
    };
    if !printer.quiet {
        eprintln!(
            "checked {} {noun}: {} with errors, {} with warnings{}",
            checked.len(),
            with(Severity::Error),
            with(Severity::Warning),
            if strict {
                " (--strict: warnings fail)"
            } else {
                ""
            }
        );
    }
    Ok(())
}
