//! `fencectl history --format json`, and with `--cluster`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::fencing::audit::AuditRecord;
use crate::fencing::cluster::TimelineEntry;

/// `fencectl history --format json`: fencectl's audit log of fencing runs;
/// with `--cluster`, one timeline with the fencer's history.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum HistoryView<'a> {
    /// The audit records, oldest first.
    Records {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        records: &'a [AuditRecord],
    },
    /// `--cluster`: the audit log and the cluster's fencing history,
    /// oldest first (pending actions last).
    Timeline {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        entries: &'a [TimelineEntry],
    },
}

impl<'a> HistoryView<'a> {
    pub fn records(records: &'a [AuditRecord]) -> Self {
        HistoryView::Records {
            schema_version: super::SCHEMA_VERSION,
            records,
        }
    }

    pub fn timeline(entries: &'a [TimelineEntry]) -> Self {
        HistoryView::Timeline {
            schema_version: super::SCHEMA_VERSION,
            entries,
        }
    }
}
