//! fencectl: fence agents, their metadata and device parameters, cluster
//! fencing configuration, and fencing itself, in one tool, and a library.
//!
//! # Use it from Rust
//!
//! Load the installed agents, configure a device (each parameter is
//! checked against the agent's metadata as it is set), and run an action
//! with a timeout. A failed run is an [`Outcome`], not an error; errors
//! are one [`Error`] enum to match on.
//!
//! ```
//! use std::time::Duration;
//! use fencectl::{AgentAction, AgentResult, Agents, Error, RunOptions};
//!
//! # fn main() -> Result<(), Error> {
//! # let dir = tempfile::tempdir().unwrap();
//! # let status_file = dir.path().join("status");
//! # std::fs::write(&status_file, "on").unwrap();
//! # let status_file = status_file.to_str().unwrap();
//! let agents = Agents::load(["/usr/sbin"], Duration::from_secs(10));
//! let dummy = agents.get("fence_dummy")?;
//!
//! let device = dummy
//!     .device()
//!     .set("type", "file")?
//!     .set("status_file", status_file)?
//!     .build()?;
//!
//! let options = RunOptions { timeout: Duration::from_secs(20), ..RunOptions::default() };
//! let outcome = device.run(AgentAction::Reboot, &options)?;
//! assert_eq!(outcome.result, AgentResult::Success);
//! assert_eq!(outcome.exit_status, Some(0));
//!
//! // A typo is a typed error, with the agent's own name suggested.
//! match dummy.device().set("status_fil", "/tmp/x") {
//!     Err(Error::UnknownParameter { name, message }) => {
//!         assert_eq!(name, "status_fil");
//!         assert!(message.contains("status_file"));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! [`Plan::for_node`] plans the fencing of a node from a cluster.conf or
//! a CIB as the real stack would; [`RunOptions::cancel`] stops a run from
//! another thread. The library installs no signal handler.
//!
//! The binary is a thin shell around [`run`]; the other modules are the
//! command line's internals and are not a stable API.

// The modules below are the command line's internals: public for the
// binary, the fuzz targets and the tests, hidden from the documentation
// (whose lints they are spared), and no stable API.
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod agents;
#[warn(missing_docs)]
mod api;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod check;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod cli;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod cman;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod commands;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod completion;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod exit;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod fencing;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod fuzzing;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod generate;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod inventory;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod man;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod output;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod ovh;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod pacemaker;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod prompt;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod report;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod secrets;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod suggest;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod sys;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod timespec;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod views;
#[doc(hidden)]
#[allow(rustdoc::all)]
pub mod xml;

pub use agents::finding::{Finding, Severity};
pub use agents::lookup::AgentError;
pub use agents::metadata::{ContentType, Parameter};
pub use api::{
    Agent, AgentListing, AgentResult, Agents, ClusterConfig, Device, DeviceBuilder, Error, Outcome,
    OutputLine, Plan, PlanOutcome, Provider, RunOptions, SentParameter, Validation,
    OUTCOME_SCHEMA_VERSION,
};
pub use exit::ExitStatus;
pub use fencing::execute::{Power, StepResult};
pub use fencing::plan::PlanView;
pub use fencing::plan::{AgentAction, FenceAction};
pub use fencing::run::Verdict;
pub use sys::process::CancelToken;

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
                printer.error(err);
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
                printer.error(&err);
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
