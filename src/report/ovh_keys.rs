//! `fencectl ovh-keys`: the rules keys will be granted, and what `check`
//! found.

use std::path::PathBuf;

use anyhow::Result;
use serde_json::Value;

use crate::output::{Cell, Printer};
use crate::ovh::keys::{Audit, Rule};

/// The calls keys are granted, one per row.
pub fn rules(rules: &[Rule], printer: &Printer) -> String {
    let mut table = printer.table(&["METHOD", "PATH"]);
    for rule in rules {
        table.add_row(vec![Cell::new(&rule.method), Cell::new(&rule.path)]);
    }
    table.render()
}

/// The files keys were read from, for people.
pub fn describe_files(files: &[PathBuf]) -> String {
    if files.is_empty() {
        "any ovh.conf (none found)".into()
    } else {
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `ovh-keys check`: the credential, then each server's rules and whether
/// the keys are granted them.
pub fn check(
    endpoint: &str,
    base: &str,
    files: &[PathBuf],
    audit: &Audit,
    printer: &Printer,
) -> Result<()> {
    let ips = match &audit.allowed_ips {
        Value::Array(ips) if !ips.is_empty() => ips
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => "any".into(),
    };
    let mut out = format!(
        "endpoint: {endpoint} (API at {base})\nkeys from: {}\ncredential: {}\nexpires: {}\nallowed IPs: {ips}\nclock skew: {} s (the API's clock minus this machine's)\n",
        describe_files(files),
        audit.status,
        audit.expiration.as_deref().unwrap_or("never (unlimited)"),
        audit.clock_skew_seconds
    );
    let mut table = printer.table(&["SERVER", "METHOD", "PATH", "GRANTED"]);
    for server in &audit.servers {
        for (method, path, ok) in &server.rules {
            let granted = if *ok {
                Cell::new("yes")
            } else {
                printer.problem_cell("NO")
            };
            table.add_row(vec![
                Cell::new(&server.server),
                Cell::new(method),
                Cell::new(path),
                granted,
            ]);
        }
    }
    out.push_str(&table.render());
    printer.out(&out)
}
