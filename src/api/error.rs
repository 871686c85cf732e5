//! The library's one error type: callers match on it, nothing is anyhow.

use super::Validation;
use crate::agents::lookup::AgentError;

/// Why a library call failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The agent cannot be used: not installed, not runnable, or without
    /// usable metadata.
    #[error(transparent)]
    Agent(#[from] AgentError),
    /// The agent has no parameter of that name (the message suggests the
    /// closest one it has).
    #[error("{message}")]
    UnknownParameter {
        /// The name given.
        name: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The name is a deprecated alias: set the name that replaces it.
    #[error("parameter {name} is deprecated{}", replaced_by.as_deref().map(|r| format!(": use {r}")).unwrap_or_default())]
    DeprecatedParameter {
        /// The deprecated name given.
        name: String,
        /// The name to use instead, when the metadata says.
        replaced_by: Option<String>,
    },
    /// The value does not fit the parameter (not an integer, not one of a
    /// select's options, a line break, ...).
    #[error("{message}")]
    InvalidValue {
        /// The parameter.
        name: String,
        /// The rule that fired (`integer`, `select`, `boolean`, ...), as
        /// `fencectl validate` names it.
        rule: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
    /// The device as a whole is not valid (a required parameter missing,
    /// parameters that contradict each other): every finding.
    #[error("the device's parameters are not valid: {}", .0.summary())]
    Invalid(Validation),
    /// The agent does not implement the action.
    #[error("{agent} has no action {action} (it has {})", available.join(", "))]
    UnsupportedAction {
        /// The agent.
        agent: String,
        /// The action asked.
        action: String,
        /// The actions its metadata lists.
        available: Vec<String>,
    },
    /// The cluster configuration cannot be read or planned from (missing
    /// file, malformed XML, unknown node).
    #[error("{0}")]
    Config(String),
    /// The agent could not be started at all (not a run that failed: that
    /// is an [`Outcome`](crate::Outcome)).
    #[error("{0}")]
    Run(String),
    /// The action ran (`outcome` says how) but its audit record could not
    /// be written.
    #[error("the audit record was not written: {error}")]
    Audit {
        /// What the run came to.
        outcome: Box<super::Outcome>,
        /// Why the record was not written.
        error: String,
    },
}
