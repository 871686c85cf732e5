//! The exit codes of the whole tool, in one table (README, man pages).

use std::fmt;

/// How fencectl ends. The numbers are a contract with scripts and clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// The command did what was asked.
    Success = 0,
    /// The command failed (including invalid metadata or parameters).
    Failure = 1,
    /// Nothing configured can do it (fence_node's "no method").
    NothingConfigured = 2,
    /// A status query found the target off.
    StatusOff = 3,
    /// The command line was wrong (sysexits EX_USAGE, as stonith_admin).
    Usage = 64,
    /// Stopped by SIGHUP (the terminal or SSH session went away).
    Hangup = 129,
    /// Stopped by SIGINT (Ctrl-C).
    Interrupted = 130,
    /// Stopped by SIGTERM.
    Terminated = 143,
}

impl ExitStatus {
    /// The rows of the exit code table, for help text and man pages.
    pub const TABLE: &'static [(u8, &'static str)] = &[
        (0, "success"),
        (1, "failure (including invalid metadata or parameters)"),
        (
            2,
            "nothing configured can do it (no fencing method for the node)",
        ),
        (3, "status: the node is off"),
        (64, "usage error"),
        (
            129,
            "hung up (SIGHUP: the terminal or SSH session went away)",
        ),
        (130, "interrupted (SIGINT, Ctrl-C)"),
        (143, "terminated (SIGTERM)"),
    ];

    /// 128 + the signal, for the signals fencectl stops for (SIGINT for
    /// any other).
    pub fn for_signal(signal: i32) -> ExitStatus {
        match signal {
            libc::SIGHUP => ExitStatus::Hangup,
            libc::SIGTERM => ExitStatus::Terminated,
            _ => ExitStatus::Interrupted,
        }
    }
}

/// A mistake in how fencectl was called: reported with exit code 64.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Builds an `anyhow::Error` that exits with the usage code.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// A failure whose message has already been printed: exit with this status
/// and print nothing more.
#[derive(Debug)]
pub struct Reported(pub ExitStatus);

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit {}", self.0 as u8)
    }
}

impl std::error::Error for Reported {}

/// A failure that exits with its own status; its message is printed as
/// any error's (e.g. fence_node's "undefined" node: exit 2).
#[derive(Debug)]
pub struct ExitWith(pub ExitStatus, pub String);

impl fmt::Display for ExitWith {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.1)
    }
}

impl std::error::Error for ExitWith {}

/// Maps an error to the exit status its kind calls for.
pub fn status_for(err: &anyhow::Error) -> ExitStatus {
    if let Some(Reported(status)) = err.downcast_ref::<Reported>() {
        return *status;
    }
    if let Some(ExitWith(status, _)) = err.chain().find_map(|c| c.downcast_ref::<ExitWith>()) {
        return *status;
    }
    if err.chain().any(|cause| cause.is::<UsageError>()) {
        return ExitStatus::Usage;
    }
    ExitStatus::Failure
}
