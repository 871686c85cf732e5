//! fencectl: fence agents, their metadata and device parameters, cluster
//! fencing configuration, and fencing itself, in one tool.
//!
//! The binary is a thin shell around [`run`]; the logic lives in the domain
//! modules ([`agents`]) and the commands ([`commands`]) tie them to the CLI.

pub mod agents;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod fencing;
#[doc(hidden)]
pub mod fuzzing;
pub mod generate;
pub mod inventory;
pub mod output;
pub mod ovh;
pub mod prompt;
pub mod secrets;
pub mod suggest;
pub mod sys;
pub mod timespec;
pub mod xml;

pub use exit::ExitStatus;

/// Runs a parsed command line and returns how the process should exit.
pub fn run(cli: cli::Cli) -> ExitStatus {
    let printer = output::Printer::new(&cli.global);
    match commands::dispatch(&cli, &printer) {
        Ok(status) => status,
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success,
        Err(err) => {
            let status = exit::status_for(&err);
            if err.downcast_ref::<exit::Reported>().is_none() {
                output::print_error(&err);
            }
            status
        }
    }
}

/// A reader that stopped reading (`fencectl ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
