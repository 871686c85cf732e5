//! `fencectl status --format json`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::pacemaker::fencer_state::FencerState;

/// `fencectl status --format json`: what the running cluster's fencer
/// knows (devices, levels, last and pending or failed events).
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatusView<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    #[serde(flatten)]
    pub state: &'a FencerState,
}

impl<'a> StatusView<'a> {
    pub fn new(state: &'a FencerState) -> Self {
        StatusView {
            schema_version: super::SCHEMA_VERSION,
            state,
        }
    }
}
