//! Fencing through the running cluster (`fence --via-cluster`): the fencer
//! runs the devices, applies topology and delays and records the history;
//! fencectl asks, reports, and keeps its own audit record of who asked.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Result;
use serde::Serialize;

use super::audit::{self, AuditRecord};
use crate::exit::ExitStatus;
use crate::pacemaker::live::{self, ClusterFenceRequest, FenceEvent, ToolError};

/// The source recorded in the audit log for a fence through the cluster.
pub const SOURCE: &str = "the cluster's fencer (stonith_admin)";

/// What came of a fencing request to the cluster.
#[derive(Debug)]
pub struct ClusterFenced {
    /// `Ok` only when the fencer reported success.
    pub result: Result<(), ToolError>,
    /// The fencer's history entry for this request, when it made one.
    pub entry: Option<FenceEvent>,
    /// Why the history could not be read, if it could not.
    pub history_error: Option<String>,
    /// Why the audit log was not written, if it was not.
    pub audit_error: Option<String>,
}

/// The JSON view of a [`ClusterFenced`] (a contract).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ClusterFencedView<'a> {
    /// The node.
    pub node: &'a str,
    /// The action asked of the fencer (`reboot`, `off`, `on`).
    pub action: &'a str,
    /// Always `cluster`.
    pub via: &'static str,
    /// `success`, `failed` or `no-method`.
    pub result: &'static str,
    /// What the fencer said went wrong, when it did.
    pub error: Option<String>,
    /// The entry the fencer made in its history, when it could be read.
    pub history_entry: Option<&'a FenceEvent>,
}

impl ClusterFenced {
    /// The row of the exit-code table.
    pub fn exit_status(&self) -> ExitStatus {
        match &self.result {
            Ok(()) => ExitStatus::Success,
            Err(e) => e.exit_status(),
        }
    }

    /// The result word, as in the audit log.
    pub fn word(&self) -> &'static str {
        match self.exit_status() {
            ExitStatus::Success => "success",
            ExitStatus::NothingConfigured => "no-method",
            _ => "failed",
        }
    }

    pub fn view<'a>(&'a self, request: &'a ClusterFenceRequest) -> ClusterFencedView<'a> {
        ClusterFencedView {
            node: &request.node,
            action: request.action.history_name(),
            via: "cluster",
            result: self.word(),
            error: self.result.as_ref().err().map(ToString::to_string),
            history_entry: self.entry.as_ref(),
        }
    }
}

/// Asks the fencer, then reads the history entry it made and appends an
/// audit record (the fencer only knows `stonith_admin.PID` asked).
pub fn fence(request: &ClusterFenceRequest, log: &Path) -> ClusterFenced {
    let result = live::fence(request);
    let connected = !matches!(result, Err(ToolError::NotConnected { .. }));
    let history = connected.then(|| live::history(Some(&request.node)));
    let (entry, history_error) = match history {
        None => (None, None),
        Some(Ok(events)) => (
            events
                .into_iter()
                .find(|e| e.action == request.action.history_name() && e.status != "pending"),
            None,
        ),
        Some(Err(e)) => (None, Some(format!("{e:#}"))),
    };
    let mut fenced = ClusterFenced {
        result,
        entry,
        history_error,
        audit_error: None,
    };
    let record = AuditRecord {
        time: audit::rfc3339(SystemTime::now()),
        user: audit::current_user(),
        node: request.node.clone(),
        action: match request.action {
            live::ClusterAction::On => "unfence".into(),
            other => other.history_name().into(),
        },
        source: SOURCE.into(),
        result: fenced.word().into(),
        devices: Vec::new(),
    };
    fenced.audit_error = audit::append(log, &record).err().map(|e| format!("{e:#}"));
    fenced
}

/// The fencer's history entry as one line, as `stonith_admin --history` says it.
pub fn describe_event(event: &FenceEvent) -> String {
    let mut parts = Vec::new();
    if let Some(delegate) = &event.delegate {
        parts.push(format!("delegate={delegate}"));
    }
    parts.push(format!("client={}", event.client));
    parts.push(format!("origin={}", event.origin));
    if let Some(completed) = &event.completed {
        parts.push(format!("completed='{completed}'"));
    }
    if let Some(reason) = &event.exit_reason {
        parts.push(format!("exit-reason='{reason}'"));
    }
    format!(
        "{} of {} {}: {}",
        event.action,
        event.target,
        event.status,
        parts.join(", ")
    )
}

/// One entry of the merged timeline (`history --cluster`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct TimelineEntry {
    /// RFC 3339 UTC; empty while a cluster action is pending.
    pub time: String,
    /// `fencectl` (the audit log) or `cluster` (the fencer's history).
    pub source: &'static str,
    /// The node.
    pub node: String,
    /// The action.
    pub action: String,
    /// `success`, `failed`, `pending`, ... as the source says.
    pub result: String,
    /// Who asked and where it ran.
    pub detail: String,
}

/// fencectl's audit records and the fencer's events in one timeline,
/// oldest first (pending actions last).
pub fn timeline(records: &[AuditRecord], events: &[FenceEvent]) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = records
        .iter()
        .map(|r| TimelineEntry {
            time: r.time.clone(),
            source: "fencectl",
            node: r.node.clone(),
            action: r.action.clone(),
            result: r.result.clone(),
            detail: format!("user {}, {}", r.user, r.source),
        })
        .collect();
    entries.extend(events.iter().map(|e| {
        TimelineEntry {
            // Pacemaker prints `2026-12-02 03:36:38Z`.
            time: e
                .completed
                .as_deref()
                .unwrap_or_default()
                .replacen(' ', "T", 1),
            source: "cluster",
            node: e.target.clone(),
            action: e.action.clone(),
            result: e.status.clone(),
            detail: {
                let mut detail = format!("client {}, origin {}", e.client, e.origin);
                if let Some(delegate) = &e.delegate {
                    detail.push_str(&format!(", delegate {delegate}"));
                }
                if let Some(reason) = &e.exit_reason {
                    detail.push_str(&format!(", {reason}"));
                }
                detail
            },
        }
    }));
    entries.sort_by(|a, b| (a.time.is_empty(), &a.time).cmp(&(b.time.is_empty(), &b.time)));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue14_timeline_merges_oldest_first_pending_last() {
        let record = AuditRecord {
            time: "2026-12-02T03:36:37Z".into(),
            user: "root (uid 0)".into(),
            node: "node2".into(),
            action: "off".into(),
            source: SOURCE.into(),
            result: "success".into(),
            devices: Vec::new(),
        };
        let event = |completed: Option<&str>, status: &str| FenceEvent {
            target: "node2".into(),
            action: "off".into(),
            status: status.into(),
            client: "stonith_admin.1".into(),
            origin: "node1".into(),
            delegate: None,
            completed: completed.map(str::to_string),
            exit_reason: None,
        };
        let entries = timeline(
            &[record],
            &[
                event(None, "pending"),
                event(Some("2026-12-02 03:36:38Z"), "failed"),
                event(Some("2026-12-02 03:36:36Z"), "success"),
            ],
        );
        let order: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.source, e.result.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("cluster", "success"),
                ("fencectl", "success"),
                ("cluster", "failed"),
                ("cluster", "pending")
            ]
        );
        assert_eq!(entries[0].time, "2026-12-02T03:36:36Z");
    }
}
