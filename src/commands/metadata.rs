//! `fencectl metadata -a AGENT`: an agent's parameters and actions, for
//! people (table), programs (json) or as the agent printed it (xml).

use crate::output::Cell;
use anyhow::{Context as _, Result};

use super::Context;
use crate::agents::discovery;
use crate::agents::metadata::{AgentMetadata, Parameter};
use crate::cli::{Format, MetadataArgs};
use crate::exit::{usage, ExitStatus};

pub fn run(args: &MetadataArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    if args.check {
        return super::check_metadata::run(args, ctx);
    }
    let spec = args.agent.as_deref().ok_or_else(|| {
        usage("which agent? Give -a AGENT (a name such as fence_ipmilan, or a path)")
    })?;
    let agent = discovery::resolve(spec, &ctx.global.agent_dirs)?;
    let catalog = ctx.catalog();
    let printer = ctx.printer;
    if ctx.global.format == Format::Xml {
        let stored = catalog.metadata_run(&agent, args.refresh)?;
        if let Some(failure) = &stored.failure {
            anyhow::bail!("{} -o metadata failed: {failure}", agent.path.display());
        }
        printer.out_bytes(&stored.stdout)?;
        return Ok(match AgentMetadata::parse(&stored.stdout) {
            Ok(_) => ExitStatus::Success,
            Err(err) => {
                printer.warn(&format!(
                    "the agent's output above is not valid metadata: {err:#}"
                ));
                ExitStatus::Failure
            }
        });
    }
    let (_, metadata) = catalog.metadata(&agent, args.refresh)?;
    if printer.json_output() {
        printer.json(&metadata)?;
    } else {
        let text =
            render(&agent.name, &metadata, args.all, ctx).context("rendering the metadata")?;
        printer.out(&text)?;
    }
    Ok(ExitStatus::Success)
}

/// The people's view: header, description, parameters, actions.
fn render(
    invoked_as: &str,
    metadata: &AgentMetadata,
    show_deprecated: bool,
    ctx: &Context<'_>,
) -> Result<String> {
    let printer = ctx.printer;
    let width = printer.width().unwrap_or(78);
    let mut out = String::new();
    out.push_str(&format!(
        "{invoked_as}: {}\n",
        metadata.shortdesc_for(invoked_as)
    ));
    if metadata.name != invoked_as && !metadata.name.is_empty() {
        out.push_str(&format!("(reports itself as {})\n", metadata.name));
    }
    if !metadata.longdesc.is_empty() {
        out.push('\n');
        for line in textwrap::wrap(
            &metadata
                .longdesc
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            width,
        ) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str(&format!(
        "Vendor URL: {}\n",
        metadata.vendor_url.as_deref().unwrap_or("(none)")
    ));
    let aliases: Vec<&str> = metadata
        .symlinks
        .iter()
        .map(|s| s.name.as_str())
        .filter(|name| *name != invoked_as)
        .collect();
    if !aliases.is_empty() {
        let line = format!("Aliases: {}", aliases.join(", "));
        for part in textwrap::wrap(&line, textwrap::Options::new(width).subsequent_indent("  ")) {
            out.push_str(&part);
            out.push('\n');
        }
    }

    let (shown, hidden): (Vec<&Parameter>, Vec<&Parameter>) = metadata
        .parameters
        .iter()
        .partition(|p| show_deprecated || !p.deprecated);
    out.push_str("\nParameters:\n");
    let mut table = printer.table(&[
        "NAME",
        "TYPE",
        "DEFAULT",
        "REQUIRED",
        "OPTIONS",
        "GETOPT",
        "DESCRIPTION",
    ]);
    // On a narrow terminal these become sentences of the description.
    table
        .foldable(2, "Default")
        .foldable(3, "Required")
        .foldable(4, "One of")
        .foldable(5, "Option");
    for p in shown {
        let name = match (&p.replaced_by, p.deprecated) {
            (Some(new), _) => format!("{} -> {new}", p.name),
            (None, true) => format!("{} (deprecated)", p.name),
            (None, false) => p.name.clone(),
        };
        table.add_row(vec![
            Cell::new(name),
            Cell::new(p.content_type.as_str()),
            Cell::new(p.default.as_deref().unwrap_or("")),
            Cell::new(if p.required { "yes" } else { "" }),
            Cell::new(p.options.join("|")),
            Cell::new(p.getopt.as_deref().unwrap_or("")),
            Cell::new(&p.shortdesc),
        ]);
    }
    out.push_str(&table.render());
    if !hidden.is_empty() {
        out.push_str(&format!(
            "({} deprecated parameter names hidden: --all shows them)\n",
            hidden.len()
        ));
    }

    out.push_str("\nActions:\n");
    let mut actions = printer.table(&["ACTION", "AUTOMATIC", "ON TARGET"]);
    for action in &metadata.actions {
        actions.add_row(vec![
            Cell::new(&action.name),
            Cell::new(if action.automatic {
                "yes (unfencing)"
            } else {
                ""
            }),
            Cell::new(if action.on_target { "yes" } else { "" }),
        ]);
    }
    out.push_str(&actions.render());
    Ok(out)
}
