//! fencectl: fence agents, their metadata and device parameters, cluster
//! fencing configuration, and fencing itself, in one tool.
//!
//! The binary is a thin shell around [`run`]; the logic lives in the domain
//! modules ([`agents`]) and the commands ([`commands`]) tie them to the CLI.

pub mod agents;
pub mod check;
pub mod cli;
pub mod cman;
pub mod commands;
pub mod exit;
pub mod fencing;
pub mod generate;
pub mod inventory;
pub mod output;
pub mod ovh;
pub mod pacemaker;
pub mod prompt;
pub mod secrets;
pub mod suggest;
pub mod sys;
pub mod timespec;
pub mod xml;

pub use exit::ExitStatus;

/// Runs a parsed command line and returns how the process should exit.
///
/// SIGINT, SIGTERM and SIGHUP are handled for every command: a command
/// that runs agents or waits notices them and stops cleanly; fencectl then
/// exits with 128 + the signal whatever the command returned.
pub fn run(cli: cli::Cli) -> ExitStatus {
    sys::signal::install();
    let printer = output::Printer::new(&cli.global);
    let result = commands::dispatch(&cli, &printer);
    if let Some(signal) = sys::signal::received() {
        // After SIGHUP the terminal is gone: an error about output is no
        // news, and the exit code says what happened.
        if let Err(err) = &result {
            if err.downcast_ref::<exit::Reported>().is_none() && !is_output_error(err) {
                output::print_error(err);
            }
        }
        return ExitStatus::for_signal(signal);
    }
    match result {
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

/// An error writing fencectl's own output to a closed pipe (EPIPE) or a
/// terminal that hung up (EIO).
fn is_output_error(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
            io.kind() == std::io::ErrorKind::BrokenPipe || io.raw_os_error() == Some(libc::EIO)
        })
    })
}

/// A reader that stopped reading (`fencectl ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
