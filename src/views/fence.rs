//! `fencectl fence NODE --format json`: the plan, and what running it did
//! (or, with `--dry-run`, what could not run); with `--via-cluster`, what
//! the cluster's fencer did.

use schemars::JsonSchema;
use serde::Serialize;

use crate::fencing::cluster::ClusterFencedView;
use crate::fencing::execute::Outcome;
use crate::fencing::plan::PlanView;
use crate::fencing::run::{Unrunnable, Verdict};

/// `fencectl fence NODE --format json`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum FenceView<'a> {
    Ran(Ran<'a>),
    DryRun(DryRun<'a>),
    NothingConfigured(NothingConfigured<'a>),
    ViaCluster(ViaCluster<'a>),
}

/// The plan was run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Ran<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    /// The plan, secrets masked unless `--show-secrets`.
    pub plan: PlanView<'a>,
    /// Each device run, and which method or level succeeded.
    pub outcome: &'a Outcome,
    /// `success`, `failed`, `interrupted`, or for status `on`, `off`, `unknown`.
    pub result: &'static str,
}

/// `--dry-run`: the plan, nothing run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DryRun<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    /// The plan, secrets masked unless `--show-secrets`.
    pub plan: PlanView<'a>,
    /// Always null: nothing was run.
    pub outcome: (),
    /// The devices of the plan that cannot run, and why.
    pub unrunnable: &'a [Unrunnable],
}

/// No method or level names the node (exit 2); nothing was run.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NothingConfigured<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    /// The plan, secrets masked unless `--show-secrets`.
    pub plan: PlanView<'a>,
    /// What is missing, and where.
    pub error: String,
}

/// `--via-cluster`: the cluster's fencer was asked to fence.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ViaCluster<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    #[serde(flatten)]
    pub fenced: ClusterFencedView<'a>,
}

impl<'a> FenceView<'a> {
    pub fn ran(plan: PlanView<'a>, outcome: &'a Outcome, verdict: Verdict) -> Self {
        FenceView::Ran(Ran {
            schema_version: super::SCHEMA_VERSION,
            plan,
            outcome,
            result: verdict.word(),
        })
    }

    pub fn dry_run(plan: PlanView<'a>, unrunnable: &'a [Unrunnable]) -> Self {
        FenceView::DryRun(DryRun {
            schema_version: super::SCHEMA_VERSION,
            plan,
            outcome: (),
            unrunnable,
        })
    }

    pub fn nothing_configured(plan: PlanView<'a>, error: String) -> Self {
        FenceView::NothingConfigured(NothingConfigured {
            schema_version: super::SCHEMA_VERSION,
            plan,
            error,
        })
    }

    pub fn via_cluster(fenced: ClusterFencedView<'a>) -> Self {
        FenceView::ViaCluster(ViaCluster {
            schema_version: super::SCHEMA_VERSION,
            fenced,
        })
    }
}
