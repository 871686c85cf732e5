//! `fencectl fence NODE`: plan fencing from the configuration as the real
//! stack would, show it (fence_node -vv style, secrets masked), run it.

use anyhow::Result;

use super::Context;
use crate::cli::{FenceActionArg, FenceArgs, Format};
use crate::exit::{ExitStatus, Reported};
use crate::fencing::plan::{FenceAction, Plan};
use crate::fencing::plan_cib::Probing;
use crate::fencing::run::{self as fencing, Feasibility, FenceRequest, Fenced, Verdict};
use crate::fencing::source::ConfigChoice;
use crate::output::Printer;
use crate::views::fence::FenceView;

pub fn run(args: &FenceArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("fence", &[Format::Table, Format::Json])?;
    if args.via_cluster {
        return super::fence_cluster::run(args, ctx);
    }
    super::fence_cluster::guard_direct_action(args, ctx)?;
    let printer = ctx.printer;
    let request = request(args);
    let plan = fencing::plan(&request, &ctx.catalog())?;
    printer.info(&format!("configuration: {}", plan.source.describe()));
    for note in &plan.notes {
        printer.info(note);
    }
    for warning in &plan.warnings {
        printer.warn(warning);
    }
    let feasibility = fencing::feasibility(&plan);
    if feasibility == Feasibility::NothingConfigured {
        let what = if plan.unfence {
            "no unfence device is configured for"
        } else {
            "no fencing method or level can fence"
        };
        let message = format!("{what} node {} in {}", plan.node, plan.source.describe());
        if printer.json_output() {
            printer.json(&FenceView::nothing_configured(
                plan.view(args.show_secrets),
                message.clone(),
            ))?;
        }
        printer.error(&anyhow::anyhow!(message));
        return Err(Reported(ExitStatus::NothingConfigured).into());
    }
    if args.dry_run {
        return dry_run(&plan, &feasibility, args, printer);
    }
    let mut reporter = crate::report::fence::Progress::new(&plan, printer, args.show_secrets);
    let fenced = fencing::execute(&plan, &request, &mut reporter)?;
    reporter.done();
    if let Some(error) = &fenced.audit_error {
        printer.warn(&format!("the audit log was not written: {error}"));
    }
    report(&plan, &fenced, args, printer)
}

/// The command line as a fencing request.
fn request(args: &FenceArgs) -> FenceRequest {
    let config =
        ConfigChoice::from_options(args.config.as_deref(), args.cib.as_deref(), args.cib_live);
    FenceRequest {
        node: args.node.clone(),
        config,
        action: args.action.map(|a| match a {
            FenceActionArg::Reboot => FenceAction::Reboot,
            FenceActionArg::Off => FenceAction::Off,
            FenceActionArg::On => FenceAction::On,
            FenceActionArg::Status => FenceAction::Status,
        }),
        unfence: args.unfence,
        probing: if args.offline {
            Probing::Offline
        } else {
            Probing::Ask
        },
        timeout: args.timeout,
        no_delay: args.no_delay,
        log: args.log.clone(),
    }
}

/// Shows the plan; exits 2 when no method or level could run (missing
/// agent, unknown device, unusable metadata), 0 with a warning per device
/// that cannot run when at least one can.
fn dry_run(
    plan: &Plan,
    feasibility: &Feasibility,
    args: &FenceArgs,
    printer: &Printer,
) -> Result<ExitStatus> {
    let (unrunnable, status) = match feasibility {
        Feasibility::Runnable(unrunnable) | Feasibility::NoneRunnable(unrunnable) => {
            (unrunnable.as_slice(), feasibility.exit_status())
        }
        Feasibility::NothingConfigured => (&[][..], ExitStatus::NothingConfigured),
    };
    if printer.json_output() {
        printer.json(&FenceView::dry_run(
            plan.view(args.show_secrets),
            unrunnable,
        ))?;
    } else {
        printer.out(&crate::report::fence::dry_run(
            plan,
            args.show_secrets,
            printer,
        ))?;
    }
    for device in unrunnable {
        printer.warn(&format!(
            "{}: dev {} ({}) cannot run: {}",
            device.stage, device.position, device.device, device.reason
        ));
    }
    if status != ExitStatus::Success {
        printer.error(&anyhow::anyhow!(
            "no {} of the plan for node {} can run: nothing would be {}",
            if plan.source.is_cib() {
                "level"
            } else {
                "method"
            },
            plan.node,
            if plan.unfence { "unfenced" } else { "fenced" }
        ));
        return Err(Reported(status).into());
    }
    Ok(status)
}

fn report(plan: &Plan, fenced: &Fenced, args: &FenceArgs, printer: &Printer) -> Result<ExitStatus> {
    let (outcome, verdict) = (&fenced.outcome, fenced.verdict);
    if printer.json_output() {
        printer.json(&FenceView::ran(
            plan.view(args.show_secrets),
            outcome,
            verdict,
        ))?;
    } else {
        crate::report::fence::result(plan, fenced, printer)?;
    }
    let status = verdict.exit_status();
    if matches!(verdict, Verdict::Failed | Verdict::Interrupted) {
        printer.error(&crate::report::fence::failure(plan, fenced));
        return Err(Reported(status).into());
    }
    if verdict == Verdict::PowerUnknown {
        printer.error(&anyhow::anyhow!(
            "no device could tell the power state of {}",
            plan.node
        ));
        return Err(Reported(status).into());
    }
    Ok(status)
}
