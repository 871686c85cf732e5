//! `fencectl metadata -a AGENT`: an agent's metadata for people.

use anyhow::Result;

use crate::agents::metadata::{AgentMetadata, Parameter};
use crate::output::{Cell, Printer};

/// The people's view: header, description, parameters, actions.
pub fn render(
    invoked_as: &str,
    metadata: &AgentMetadata,
    show_deprecated: bool,
    printer: &Printer,
) -> Result<String> {
    // On a terminal prose wraps to its width; in a pipe nothing wraps.
    let wrap = |text: &str, indent: &str| -> Vec<String> {
        match printer.width() {
            Some(width) => textwrap::wrap(
                text,
                textwrap::Options::new(width).subsequent_indent(indent),
            )
            .into_iter()
            .map(|l| l.into_owned())
            .collect(),
            None => vec![text.to_string()],
        }
    };
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
        for line in wrap(
            &metadata
                .longdesc
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            "",
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
        for part in wrap(&line, "  ") {
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
            "({} deprecated parameter names hidden: --deprecated shows them)\n",
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
