//! `validate`: a device's parameters against the agent's metadata, and
//! Pacemaker's special pcmk_* parameters. (Being written.)

use super::finding::Finding;
use super::metadata::AgentMetadata;

/// Checks `params` (name, value in the order given) against `metadata`.
pub fn check_params(_metadata: &AgentMetadata, _params: &[(String, String)]) -> Vec<Finding> {
    Vec::new()
}
