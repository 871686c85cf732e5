//! `fencectl fence NODE --via-cluster`: hand the request to the cluster's
//! fencer and show its result and history entry; and the guard that stops
//! a direct power action going unannounced while a cluster runs here.

use std::time::Duration;

use anyhow::Result;

use super::Context;
use crate::cli::{FenceActionArg, FenceArgs};
use crate::exit::{usage, ExitStatus, Reported};
use crate::fencing::audit;
use crate::fencing::cluster::{self, describe_event};
use crate::pacemaker::live::{self, ClusterAction, ClusterFenceRequest, RunningCluster};
use crate::prompt::{Prompter, TerminalPrompter};

pub fn run(args: &FenceArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let printer = ctx.printer;
    let request = request(args)?;
    let log = args.log.clone().unwrap_or_else(audit::default_path);
    audit::check_writable(&log)?;
    printer.info(&format!(
        "asking the cluster's fencer: stonith_admin {}",
        request.args().join(" ")
    ));
    let spinner = printer.spinner();
    if let Some(bar) = &spinner {
        bar.set_message(format!(
            "the cluster is fencing {} ({})",
            request.node,
            request.action.history_name()
        ));
    }
    let fenced = cluster::fence(&request, &log);
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    if let Some(error) = &fenced.audit_error {
        printer.warn(&format!("the audit log was not written: {error}"));
    }
    if let Some(error) = &fenced.history_error {
        printer.warn(&format!("the fencer's history could not be read: {error}"));
    }
    if printer.json_output() {
        printer.json(&crate::views::fence::FenceView::via_cluster(
            fenced.view(&request),
        ))?;
    }
    let what = if request.action == ClusterAction::On {
        "unfence"
    } else {
        "fence"
    };
    match &fenced.result {
        Ok(()) => {
            if !printer.json_output() {
                printer.out(&format!(
                    "{what} {} success (through the cluster)",
                    request.node
                ))?;
                if let Some(entry) = &fenced.entry {
                    printer.out(&format!("history: {}", describe_event(entry)))?;
                }
            }
            Ok(ExitStatus::Success)
        }
        Err(error) => {
            if !printer.json_output() {
                if let Some(entry) = &fenced.entry {
                    printer.out(&format!("history: {}", describe_event(entry)))?;
                }
            }
            printer.info(&format!(
                "{}'s message: {}",
                "stonith_admin",
                error.tool_message()
            ));
            ctx.printer.error(&anyhow::anyhow!(
                "node {} was NOT {}: {error}",
                request.node,
                if what == "unfence" {
                    "unfenced"
                } else {
                    "fenced"
                }
            ));
            Err(Reported(fenced.exit_status()).into())
        }
    }
}

/// The command line as a request to the fencer.
fn request(args: &FenceArgs) -> Result<ClusterFenceRequest> {
    let action = match (args.unfence, args.action) {
        (true, _) | (_, Some(FenceActionArg::On)) => ClusterAction::On,
        (_, Some(FenceActionArg::Off)) => ClusterAction::Off,
        (_, None | Some(FenceActionArg::Reboot)) => ClusterAction::Reboot,
        (_, Some(FenceActionArg::Status)) => {
            return Err(usage(
                "--action status is not a fencing action for --via-cluster: \
                 use `fencectl status NODE` (what the fencer knows) or `fencectl check` (ask the devices)",
            ))
        }
    };
    Ok(ClusterFenceRequest {
        node: args.node.clone(),
        action,
        timeout: args.timeout.unwrap_or(live::DEFAULT_FENCE_TIMEOUT),
        tolerance: args.tolerance.unwrap_or(Duration::ZERO),
        delay: if args.no_delay {
            None
        } else {
            Some(args.delay.unwrap_or(Duration::ZERO))
        },
    })
}

/// Before a direct power action: when a cluster runs here, warn that it
/// will not learn of it, say how to tell it, and ask. Without a terminal
/// and without `--yes`, refuse at once (exit 64).
pub fn guard_direct_action(args: &FenceArgs, ctx: &Context<'_>) -> Result<()> {
    if args.dry_run || args.action == Some(FenceActionArg::Status) {
        return Ok(());
    }
    let Some(cluster) = live::running_cluster() else {
        return Ok(());
    };
    let stack = match cluster {
        RunningCluster::Pacemaker => "a Pacemaker cluster",
        RunningCluster::Cman => "a cman cluster",
    };
    ctx.printer.warn(&format!(
        "{stack} runs on this node and will not learn of a direct power action on {node}: \
         use --via-cluster to fence through it, or tell it afterwards with `{hint}` once \
         {node} is known to be down",
        node = args.node,
        hint = cluster.confirm_hint(&args.node),
    ));
    if args.yes {
        return Ok(());
    }
    if !crate::prompt::interactive() {
        return Err(usage(
            "not fencing around the running cluster without confirmation: \
             give --yes, or --via-cluster",
        ));
    }
    if TerminalPrompter.confirm(
        &format!("Run the agents directly on {} anyway?", args.node),
        false,
    )? {
        Ok(())
    } else {
        Err(crate::exit::ExitWith(
            ExitStatus::Failure,
            format!("not confirmed: nothing was done to {}", args.node),
        )
        .into())
    }
}
