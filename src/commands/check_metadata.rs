//! `fencectl metadata --check (-a AGENT | --all-agents | --file FILE) [--strict]`:
//! the findings of [`check_metadata`] for one agent, every installed agent,
//! or a file, as a table (stdout) with a summary line (stderr), or as JSON.
//! Exits 1 when there is an error (or, with `--strict`, a warning).

use std::io::Read;
use std::path::Path;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::Context;
use crate::agents::cache::StoredRun;
use crate::agents::check::check_metadata;
use crate::agents::discovery::{self, FoundAgent};
use crate::agents::finding::{fails, Finding, Severity};
use crate::agents::Catalog;
use crate::cli::{Format, MetadataArgs};
use crate::exit::{usage, ExitStatus};

const ONE_SOURCE: &str = "metadata --check needs exactly one of -a AGENT (one agent), \
     --all-agents (every installed agent) or --file FILE (a metadata XML file, - for standard input)";

/// One finding, as `--format json` prints it. The output's `findings` is one
/// flat array ([`crate::views::metadata::MetadataView`]) of `{agent,
/// severity, rule, subject, line, message}` objects, agents in
/// name order and findings in line order; `line` is null when there is no
/// line (an agent that printed no metadata); `agent` is the file's path
/// under `--file`. Agents without findings add nothing. The field names are
/// a contract with scripts.
#[derive(Debug, Serialize)]
struct Row<'a> {
    agent: &'a str,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// Checks what `args` names, prints the findings, and fails on errors.
pub fn run(args: &MetadataArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("metadata --check", &[Format::Table, Format::Json])?;
    let checked: Vec<(String, Vec<Finding>)> = match (&args.agent, args.all_agents, &args.file) {
        (Some(spec), false, None) => {
            let agent = discovery::resolve(spec, &ctx.global.agent_dirs)?;
            let findings = check_agent(&agent, &ctx.catalog(), args.refresh);
            vec![(agent.name.clone(), findings)]
        }
        (None, true, None) => check_all(args, ctx)?,
        (None, false, Some(file)) => {
            let bytes = read_file(file)?;
            vec![(file.display().to_string(), check_metadata(&bytes))]
        }
        _ => return Err(usage(ONE_SOURCE)),
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

/// The file to check; `-` is standard input (`fence_x -o metadata | fencectl
/// metadata --check --file -`). Reads at most one byte more than the XML
/// parser accepts, so that `/dev/zero` or a runaway pipe ends in a finding
/// ("larger than ...") instead of filling the memory.
fn read_file(file: &Path) -> Result<Vec<u8>> {
    let limit = crate::xml::MAX_XML_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if file == Path::new("-") {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("cannot read the metadata to check from standard input")?;
    } else {
        fs_err::File::open(file)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .context(
                "cannot read the metadata file to check \
                 (give the path of an XML file, or - for standard input)",
            )?;
    }
    Ok(bytes)
}

/// An agent's findings; an agent whose metadata run fails has one error.
fn check_agent(agent: &FoundAgent, catalog: &Catalog, refresh: bool) -> Vec<Finding> {
    let no_metadata = |why: String| {
        vec![Finding::error(
            "no-metadata",
            "document",
            None,
            format!(
                "{why}: without metadata no cluster can configure it as a fence device; \
                 fix or reinstall the agent (a helper that only looks like an agent, \
                 such as fence_ack_manual, can be ignored)"
            ),
        )]
    };
    match catalog.metadata_run(agent, refresh) {
        Ok(run) => match &run.failure {
            None => check_metadata(&run.stdout),
            Some(failure) => no_metadata(format!(
                "`{} -o metadata` failed ({})",
                agent.path.display(),
                failure_detail(&run, failure)
            )),
        },
        Err(err) => no_metadata(format!("{err:#}")),
    }
}

/// How a metadata run failed, on one line: the exit code and what the
/// agent said (fence_ack_manual prints its usage on stdout).
fn failure_detail(run: &StoredRun, failure: &str) -> String {
    let said = match one_line(&run.stderr) {
        stderr if stderr.is_empty() => one_line(&String::from_utf8_lossy(&run.stdout)),
        stderr => stderr,
    };
    match run.exit_code {
        Some(code) if !said.is_empty() => format!("exited {code}; it printed: {said}"),
        _ => one_line(failure),
    }
}

/// Text on one line, cut to fit a table cell.
fn one_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(100) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

fn check_all(args: &MetadataArgs, ctx: &Context<'_>) -> Result<Vec<(String, Vec<Finding>)>> {
    let found = discovery::discover(&ctx.global.agent_dirs);
    if found.agents.is_empty() {
        anyhow::bail!(discovery::nothing_found_hint(&ctx.global.agent_dirs));
    }
    let catalog = ctx.catalog();
    // Running every agent is what a cold cache costs: `list` runs them in
    // parallel and stores each run, which the checks below then read.
    let bar = ctx
        .printer
        .progress(found.agents.len() as u64, "reading agent metadata");
    catalog.list(&found.agents, args.refresh, &|name: &str| {
        bar.inc(1);
        bar.set_message(name.to_string());
    });
    bar.finish_and_clear();
    Ok(found
        .agents
        .iter()
        .map(|agent| (agent.name.clone(), check_agent(agent, &catalog, false)))
        .collect())
}

fn report(checked: &[(String, Vec<Finding>)], strict: bool, ctx: &Context<'_>) -> Result<()> {
    let printer = ctx.printer;
    let rows: Vec<Row<'_>> = checked
        .iter()
        .flat_map(|(agent, findings)| findings.iter().map(move |finding| Row { agent, finding }))
        .collect();
    if printer.json_output() {
        let findings = rows
            .iter()
            .map(|row| crate::views::metadata::MetadataFinding {
                agent: row.agent,
                finding: row.finding,
            })
            .collect();
        printer.json(&crate::views::metadata::MetadataView::check(findings))?;
    } else if !rows.is_empty() {
        let findings: Vec<(&str, &Finding)> = rows.iter().map(|r| (r.agent, r.finding)).collect();
        printer.print_table(&crate::report::check_metadata::table(&findings, printer))?;
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
        ctx.printer.err_line(&format!(
            "checked {} {noun}: {} with errors, {} with warnings{}",
            checked.len(),
            with(Severity::Error),
            with(Severity::Warning),
            if strict {
                " (--strict: warnings fail)"
            } else {
                ""
            }
        ));
    }
    Ok(())
}
