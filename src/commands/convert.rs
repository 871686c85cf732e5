//! `fencectl convert cluster-conf-to-cib FILE`

use anyhow::Result;

use super::generate::{agent_lookup, cib_text, emit};
use super::Context;
use crate::agents::finding::{Finding, Severity};
use crate::cli::{ConvertCommand, Format};
use crate::cman::conf::ClusterConf;
use crate::exit::{ExitStatus, Reported};
use crate::inventory::from_cluster_conf::cluster_conf_to_inventory;
use crate::pacemaker::version::PacemakerVersion;

/// Converts, and writes the draft even when it has errors (a migration
/// needs it): the errors are listed and the exit code is 1. (`generate`
/// writes nothing from an inventory with errors.)
pub fn run(command: &ConvertCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("convert", &[Format::Table])?;
    let ConvertCommand::ClusterConfToCib(args) = command;
    let conf = crate::cman::conf::load(&args.file)?;
    let file = args.file.display().to_string();
    let catalog = ctx.catalog();
    let mut lookup = agent_lookup(&catalog, args.out.no_metadata, ctx);
    let conversion = cluster_conf_to_inventory(&conf, &file, &mut lookup);
    let checks =
        crate::inventory::check(&conversion.inventory, &lookup.found(), &lookup.missing()).findings;
    let findings = conversion.findings.into_iter().chain(
        checks
            .into_iter()
            // the conversion says it in cluster.conf's words
            .filter(|f| f.rule != "unfenced-node")
            .map(|f| in_cluster_conf_words(f, &conf)),
    );
    let mut errors = Vec::new();
    for finding in findings {
        match finding.severity {
            Severity::Warning => ctx.printer.warn(&finding.message),
            Severity::Error => errors.push(finding.message),
        }
    }
    let version = args
        .pacemaker_version
        .unwrap_or_else(PacemakerVersion::installed_or_default);
    let text = cib_text(&conversion.inventory, args.part, args.full, version)?;
    emit(&text, &args.out, ctx)?;
    if errors.is_empty() {
        return Ok(ExitStatus::Success);
    }
    ctx.printer.error(&anyhow::anyhow!(
        "{file} converts with {} error(s) to fix before the CIB can be loaded (the draft was written):\n  {}",
        errors.len(),
        errors.join("\n  ")
    ));
    Err(Reported(ExitStatus::Failure).into())
}

/// An inventory check's words ("device X: ...") as cluster.conf's
/// (`<fencedevice name="X"> (line N): ...`).
fn in_cluster_conf_words(mut finding: Finding, conf: &ClusterConf) -> Finding {
    let Some(id) = finding.subject.strip_prefix("device ") else {
        return finding;
    };
    let id = id.split(' ').next().unwrap_or(id).to_string();
    // a per-node primitive is `<fencedevice name>-<node>`
    let def = conf.devices.iter().find(|d| {
        d.name == id
            || conf
                .nodes
                .iter()
                .any(|n| id == format!("{}-{}", d.name, n.name))
    });
    if let Some(def) = def {
        let rest = finding
            .message
            .strip_prefix(&format!("device {id}: "))
            .unwrap_or(&finding.message)
            .replace(
                "(or generate with --no-metadata)",
                "(or convert with --no-metadata)",
            );
        let which = if def.name == id {
            String::new()
        } else {
            format!(" (primitive {id})")
        };
        finding.message = format!(
            "<fencedevice name=\"{}\"> (line {}){which}: {rest}",
            def.name, def.line
        );
        finding.line = Some(def.line);
    }
    finding
}
