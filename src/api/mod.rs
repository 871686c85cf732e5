//! The library's designed surface, re-exported at the crate root: load
//! the installed agents, configure a device checked against its agent's
//! metadata, run an action with a timeout, retries and a cancel token, and
//! plan the fencing of a node from cluster.conf or a CIB.

mod agents;
mod error;
mod outcome;
mod plan;

use serde::Serialize;

pub use agents::{Agent, Agents, Device, DeviceBuilder};
pub use error::Error;
pub use outcome::{
    AgentResult, Outcome, OutputLine, RunOptions, SentParameter, OUTCOME_SCHEMA_VERSION,
};
pub use plan::{ClusterConfig, Plan, PlanOutcome};

pub use crate::agents::catalog::Listing as AgentListing;
pub use crate::agents::discovery::Provider;
use crate::agents::finding::Finding;

/// What checking a device's parameters found: each finding names its
/// rule (`missing-required`, `deprecated-parameter`, ...), the parameter,
/// and what to do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Validation {
    /// Every finding, errors and warnings, in the order found.
    pub findings: Vec<Finding>,
}
