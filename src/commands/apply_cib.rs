//! `fencectl generate cib ... --apply`: show what the inventory changes in
//! the running cluster's CIB, ask, and load it as one versioned patch.

use std::io::Write as _;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};

use super::Context;
use crate::cli::GenerateCibArgs;
use crate::exit::{usage, ExitStatus, ExitWith};
use crate::generate::apply::{self, ItemChange};
use crate::generate::cib;
use crate::inventory::Inventory;
use crate::pacemaker::live;
use crate::prompt::{Prompter, TerminalPrompter};

pub fn run(inventory: &Inventory, args: &GenerateCibArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let printer = ctx.printer;
    let cib_now = match &args.against_cib {
        Some(path) => {
            let bytes = crate::sys::fs::read_capped(path, crate::sys::fs::CONFIG_CAP)
                .with_context(|| format!("cannot read the CIB {}", path.display()))?;
            crate::xml::parse(&bytes)
                .with_context(|| format!("{} is not well-formed XML", path.display()))?
        }
        None => live::query_cib()
            .context("cannot read the running cluster's CIB; nothing was changed")?,
    };
    let plan = apply::plan(inventory, &cib_now, args.prune, args.enable_fencing)?;
    let unwritable = cib::unwritable(inventory, plan.version);
    if !unwritable.is_empty() {
        bail!(
            "the configuration cannot be written for the running Pacemaker {}; nothing was changed:\n  {}",
            plan.version,
            unwritable.join("\n  ")
        );
    }
    if printer.json_output() {
        printer.json(&crate::views::generate_cib::GenerateCibApplyView::new(
            &plan,
        ))?;
    } else {
        printer.out(&summary(&plan))?;
    }
    if plan.changes.is_empty() {
        printer.info("nothing to change: the running CIB already has this configuration");
        return Ok(ExitStatus::Success);
    }
    if args.dry_run {
        printer.debug(&format!("patch:\n{}", plan.patchset()));
        return Ok(ExitStatus::Success);
    }
    confirm(args, plan.changes.len())?;
    let patch = plan.patchset();
    printer.debug(&format!("patch:\n{patch}"));
    patch_cib(&patch, plan.source)?;
    printer.out(&format!(
        "applied {} change(s) to the running CIB (was version {}.{}.{})",
        plan.changes.len(),
        plan.source.admin_epoch,
        plan.source.epoch,
        plan.source.num_updates
    ))?;
    Ok(ExitStatus::Success)
}

fn summary(plan: &apply::ApplyPlan) -> String {
    let mut out = String::new();
    for item in &plan.items {
        let word = match item.change {
            ItemChange::Added => "add",
            ItemChange::Changed => "change",
            ItemChange::Removed => "remove",
            ItemChange::Unchanged => "unchanged",
        };
        out.push_str(&format!("{word:9} {} {}\n", item.kind, item.id));
        if item.change != ItemChange::Unchanged {
            for detail in &item.details {
                out.push_str(&format!("            {detail}\n"));
            }
        }
    }
    if plan.changes.is_empty() {
        out.push_str("nothing to change\n");
    }
    out
}

fn confirm(args: &GenerateCibArgs, count: usize) -> Result<()> {
    if args.yes {
        return Ok(());
    }
    if !crate::prompt::interactive() {
        return Err(usage(
            "not changing the running CIB without confirmation: give --yes (or --dry-run to only show)",
        ));
    }
    if TerminalPrompter.confirm(
        &format!("Apply {count} change(s) to the running CIB?"),
        false,
    )? {
        Ok(())
    } else {
        Err(ExitWith(
            ExitStatus::Failure,
            "not confirmed: nothing was changed".into(),
        )
        .into())
    }
}

/// `cibadmin --patch` with the patchset in a private temporary file.
fn patch_cib(patch: &str, source: crate::pacemaker::patch::CibVersion) -> Result<()> {
    let mut file = tempfile::Builder::new()
        .prefix("fencectl-patch-")
        .suffix(".xml")
        .tempfile()
        .context("cannot write the patch to a temporary file")?;
    file.write_all(patch.as_bytes())?;
    file.flush()?;
    let path = file.path().to_string_lossy().into_owned();
    match live::patch_cib(&path, Duration::from_secs(60)) {
        Ok(()) => Ok(()),
        Err(e) if live::is_stale_patch(&e) => Err(anyhow::anyhow!(
            "the CIB changed since fencectl read it (version {}.{}.{}): someone edited it in between; \
             nothing was applied, run again to see the new differences ({e})",
            source.admin_epoch,
            source.epoch,
            source.num_updates
        )),
        Err(e) => Err(anyhow::Error::new(e).context("cibadmin --patch failed; nothing was applied")),
    }
}
