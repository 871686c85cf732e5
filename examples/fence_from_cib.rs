//! Plans the fencing of a node from a Pacemaker CIB as pacemaker-fenced
//! would, then runs it; Ctrl-C cancels the run through a token (the
//! library itself installs no signal handler).
//!
//! `cargo run --example fence_from_cib -- CIB.xml NODE [off|reboot|on|status]`

use std::process::ExitCode;
use std::time::Duration;

use fencectl::{Agents, CancelToken, ClusterConfig, FenceAction, Plan, Verdict};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(cib), Some(node)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fence_from_cib CIB NODE [off|reboot|on|status]");
        return ExitCode::from(64);
    };
    let action = match args.get(2).map(String::as_str) {
        None | Some("status") => FenceAction::Status,
        Some("off") => FenceAction::Off,
        Some("on") => FenceAction::On,
        Some("reboot") => FenceAction::Reboot,
        Some(other) => {
            eprintln!("unknown action {other}");
            return ExitCode::from(64);
        }
    };
    let agents = Agents::load(["/usr/sbin"], Duration::from_secs(10));
    let config = ClusterConfig::CibFile(cib.into());
    let plan = match Plan::for_node(&agents, &config, node, action) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(problem) = plan.problem() {
        eprintln!("cannot fence {node}: {problem}");
        return ExitCode::from(2);
    }
    for (stage, devices) in plan.stages() {
        println!("{stage}: {}", devices.join(", "));
    }
    // A real program would cancel this token from its own Ctrl-C handler
    // or shutdown path.
    let cancel = CancelToken::new();
    let outcome = plan.run(Some(&cancel));
    for step in &outcome.steps {
        println!("  {} ({}): {}", step.device, step.agent, step.result);
    }
    println!("{node}: {}", outcome.verdict.word());
    match outcome.verdict {
        Verdict::Fenced | Verdict::PowerOn => ExitCode::SUCCESS,
        Verdict::PowerOff => ExitCode::from(3),
        _ => ExitCode::FAILURE,
    }
}
