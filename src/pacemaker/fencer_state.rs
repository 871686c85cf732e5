//! What the running cluster's fencer knows (`fencectl status`), without
//! probing any device: the registered devices (`stonith_admin
//! --list-registered`), the targets each device declares in the CIB
//! (`pcmk_host_list` / `pcmk_host_map`; `--list-targets` would run the
//! agent's list action, which is `check`'s job), the levels per target, and
//! the fencer's history: the last event per node and every pending or
//! failed action.

use anyhow::Result;
use serde::Serialize;

use super::cib::{lookup, Cib};
use super::hosts::{parse_host_list, HostMap};
use super::live::{self, FenceEvent};
use super::topology::describe;

/// One configured or registered device.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct DeviceState {
    /// The device's id.
    pub id: String,
    /// The agent, when the CIB has the device.
    pub agent: Option<String>,
    /// Whether pacemaker-fenced has registered it.
    pub registered: bool,
    /// The nodes it declares it can fence; empty when it asks the device
    /// (dynamic-list) or declares nothing.
    pub targets: Vec<String>,
}

/// One fencing level.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct LevelState {
    /// What the level is for, as the CIB names it (a node, a pattern, an
    /// attribute).
    pub target: String,
    /// The level's number (1 runs first).
    pub index: u32,
    /// Its devices, all of which must succeed.
    pub devices: Vec<String>,
}

/// The whole view.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FencerState {
    /// The devices in the CIB or registered with the fencer.
    pub devices: Vec<DeviceState>,
    /// The fencing levels.
    pub levels: Vec<LevelState>,
    /// The newest event per node.
    pub last_events: Vec<FenceEvent>,
    /// Actions still running or that failed.
    pub pending_or_failed: Vec<FenceEvent>,
}

/// Reads the fencer's state, for `node` only when given.
pub fn read(node: Option<&str>) -> Result<FencerState> {
    let registered = live::registered_devices()?;
    let cib = Cib::from_element(&live::query_cib()?)?;
    let events = live::history(node)?;
    Ok(build(&registered, &cib, events, node))
}

fn declared_targets(params: &[(String, String)]) -> Vec<String> {
    let mut targets: Vec<String> = lookup(params, "pcmk_host_list")
        .map(parse_host_list)
        .unwrap_or_default();
    if let Some(map) = lookup(params, "pcmk_host_map") {
        targets.extend(HostMap::parse_lenient(map).nodes().map(str::to_string));
    }
    targets.dedup();
    targets
}

fn build(
    registered: &[String],
    cib: &Cib,
    events: Vec<FenceEvent>,
    node: Option<&str>,
) -> FencerState {
    let mut devices: Vec<DeviceState> = cib
        .devices
        .iter()
        .map(|d| DeviceState {
            id: d.id.clone(),
            agent: Some(d.agent.clone()),
            registered: registered.contains(&d.id),
            targets: declared_targets(&d.params),
        })
        .collect();
    // Registered but not in the CIB (stonith_admin --register).
    for id in registered {
        if !devices.iter().any(|d| &d.id == id) {
            devices.push(DeviceState {
                id: id.clone(),
                agent: None,
                registered: true,
                targets: Vec::new(),
            });
        }
    }
    if let Some(node) = node {
        devices.retain(|d| d.targets.is_empty() || d.targets.iter().any(|t| t == node));
    }
    let levels = cib
        .levels
        .iter()
        .filter(|l| match (node, &l.target) {
            (Some(node), super::cib::LevelTarget::Node(target)) => target == node,
            _ => true,
        })
        .map(|l| LevelState {
            target: describe(&l.target),
            index: l.index,
            devices: l.devices.clone(),
        })
        .collect();
    let mut last_events: Vec<FenceEvent> = Vec::new();
    for event in &events {
        if event.status != "pending" && !last_events.iter().any(|e| e.target == event.target) {
            last_events.push(event.clone());
        }
    }
    let pending_or_failed = events
        .into_iter()
        .filter(|e| e.status != "success")
        .collect();
    FencerState {
        devices,
        levels,
        last_events,
        pending_or_failed,
    }
}
