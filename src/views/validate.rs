//! `fencectl validate --format json`, for an agent's parameters or a
//! whole cluster.conf.

use schemars::JsonSchema;
use serde::Serialize;

use crate::agents::finding::Finding;

/// `fencectl validate --format json`: whether an agent's parameters (or,
/// with `--config`, a cluster.conf) are valid, and the findings.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ValidateView<'a> {
    /// `validate -a AGENT NAME=VALUE...`.
    Agent {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        /// The agent.
        agent: &'a str,
        /// No error finding, and the agent's own check (when run) passed.
        valid: bool,
        findings: &'a [Finding],
        /// What the agent's own `validate-all` said; null with `--no-agent`.
        agent_check: Option<AgentCheckView<'a>>,
    },
    /// `validate --config FILE`.
    Config {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        /// The cluster.conf checked.
        config: &'a str,
        /// No error finding.
        valid: bool,
        findings: &'a [Finding],
    },
}

/// What the agent's own `validate-all` said.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgentCheckView<'a> {
    /// Whether the agent was run.
    pub ran: bool,
    /// Its exit code, when it ran and exited.
    pub exit_code: Option<i32>,
    /// The agent accepted the parameters (or was not asked and objected to nothing).
    pub ok: bool,
    /// The agent's diagnostics, secrets masked.
    pub stderr: &'a str,
}
