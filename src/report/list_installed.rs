//! `fencectl list-installed`: the installed agents as a table.

use crate::agents::catalog::Listing;
use crate::agents::discovery::Provider;
use crate::output::{Cell, Printer, Table};

/// AGENT, DESCRIPTION (naming the agent it is an alias of), and
/// CAPABILITIES where the terminal has room for them.
pub fn table(listings: &[&Listing], printer: &Printer) -> Table {
    let mut table = printer.table(&["AGENT", "DESCRIPTION", "CAPABILITIES"]);
    table.optional(2);
    for listing in listings {
        let mut description = match listing.provider {
            Provider::BuiltIn if listing.installed => format!("{} (built in)", listing.description),
            Provider::BuiltIn => format!(
                "{} (built in, not installed: fencectl install-agent)",
                listing.description
            ),
            Provider::External => listing.description.clone(),
        };
        if let Some(target) = &listing.alias_of {
            description.push_str(&format!(" (alias of {target})"));
        }
        let description = match &listing.error {
            Some(_) => printer.problem_cell("(no metadata: see -v)"),
            None => Cell::new(description),
        };
        table.add_row(vec![
            Cell::new(&listing.name),
            description,
            Cell::new(listing.capabilities.join(",")),
        ]);
    }
    table
}
