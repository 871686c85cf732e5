//! The fencing plan for one node of a cluster configuration, decided as
//! the stack that owns the configuration would decide it.

use std::path::PathBuf;

use serde::Serialize;

use super::{Agents, Error};
use crate::fencing::execute::{self, Observer, StepResult};
use crate::fencing::plan::{FenceAction, Plan as InnerPlan, PlanView};
use crate::fencing::plan_cib::Probing;
use crate::fencing::run::{self, FenceRequest, Verdict};
use crate::fencing::source::ConfigChoice;
use crate::sys::process::{CancelToken, Stop};

/// Where a cluster's fencing configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterConfig {
    /// A cman cluster.conf (planned as libfence would).
    ClusterConf(PathBuf),
    /// A Pacemaker CIB file (planned as pacemaker-fenced would).
    CibFile(PathBuf),
    /// The running cluster's CIB (`cibadmin --query`).
    LiveCib,
}

/// The devices that would fence one node, in order, with their arguments.
#[derive(Debug, Clone)]
pub struct Plan {
    inner: InnerPlan,
}

/// What running a [`Plan`] came to.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlanOutcome {
    /// Fenced, failed, interrupted, or for status the power state.
    pub verdict: Verdict,
    /// The method or level that succeeded.
    pub succeeded_with: Option<String>,
    /// Every device run, in order.
    pub steps: Vec<StepResult>,
}

impl Plan {
    /// Plans `action` on `node` from `config`. Devices whose host list
    /// must be asked (`dynamic-list`) are asked, read-only.
    pub fn for_node(
        agents: &Agents,
        config: &ClusterConfig,
        node: &str,
        action: FenceAction,
    ) -> Result<Plan, Error> {
        let request = FenceRequest {
            node: node.into(),
            config: match config {
                ClusterConfig::ClusterConf(path) => ConfigChoice::ClusterConf(path.clone()),
                ClusterConfig::CibFile(path) => ConfigChoice::CibFile(path.clone()),
                ClusterConfig::LiveCib => ConfigChoice::CibLive,
            },
            action: Some(action),
            unfence: false,
            probing: Probing::Ask,
            timeout: None,
            no_delay: false,
            log: None,
        };
        let inner =
            run::plan(&request, agents.catalog()).map_err(|e| Error::Config(format!("{e:#}")))?;
        Ok(Plan { inner })
    }

    /// The node.
    pub fn node(&self) -> &str {
        &self.inner.node
    }

    /// The plan as `fencectl fence --dry-run --format json` shows it,
    /// secrets masked.
    pub fn view(&self) -> PlanView<'_> {
        self.inner.view(false)
    }

    /// Each stage (method or level) with the devices it runs, in order:
    /// `(label, [device names])`.
    pub fn stages(&self) -> Vec<(String, Vec<String>)> {
        self.inner
            .stages
            .iter()
            .map(|s| {
                (
                    s.label.clone(),
                    s.steps.iter().map(|d| d.device.clone()).collect(),
                )
            })
            .collect()
    }

    /// Why the plan cannot fence at all, if it cannot (nothing configured,
    /// or no stage whose devices all have an agent).
    pub fn problem(&self) -> Option<String> {
        match run::feasibility(&self.inner) {
            run::Feasibility::Runnable(_) => None,
            run::Feasibility::NothingConfigured => Some(format!(
                "nothing is configured to fence {}",
                self.inner.node
            )),
            run::Feasibility::NoneRunnable(devices) => Some(
                devices
                    .iter()
                    .map(|d| format!("{}: {}", d.device, d.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }

    /// Runs the plan: stages in order until one succeeds (status: every
    /// stage), each device within its own timeout, retries and delays,
    /// power actions under the device lock. Writes no audit record.
    pub fn run(&self, cancel: Option<&CancelToken>) -> PlanOutcome {
        let options = execute::RunOptions {
            no_delay: false,
            ask_all: self.inner.is_status(),
            stop: cancel.cloned().map_or(Stop::Signals, Stop::Token),
        };
        let mut outcome = execute::execute(&self.inner, &options, &mut Quiet);
        outcome.release_lock();
        PlanOutcome {
            verdict: run::verdict(&self.inner, &outcome),
            succeeded_with: outcome.succeeded_with.clone(),
            steps: outcome.steps,
        }
    }
}

struct Quiet;

impl Observer for Quiet {}
