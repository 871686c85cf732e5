//! `fencectl check --format json`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::check::CheckReport;

/// `fencectl check --format json`: will fencing work? The nodes and their
/// levels or methods, the probes, the timeout budget and the findings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckView<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    #[serde(flatten)]
    pub report: &'a CheckReport,
}

impl<'a> CheckView<'a> {
    pub fn new(report: &'a CheckReport) -> Self {
        CheckView {
            schema_version: super::SCHEMA_VERSION,
            report,
        }
    }
}
