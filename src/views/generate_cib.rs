//! `fencectl generate cib --apply --format json`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::generate::apply::{ApplyPlan, ItemDiff};

/// `fencectl generate cib --apply --format json`: what the inventory
/// changes in the running cluster's CIB, before it is applied.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GenerateCibApplyView<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    /// The CIB version the patch is made against (`admin_epoch.epoch.num_updates`).
    pub cib_version: String,
    /// Each device, level and option, and how it changes.
    pub items: &'a [ItemDiff],
    /// How many changes the patch makes (0: nothing to do).
    pub changes: usize,
    /// Always false: the document is printed before the patch is loaded.
    pub applied: bool,
}

impl<'a> GenerateCibApplyView<'a> {
    pub fn new(plan: &'a ApplyPlan) -> Self {
        GenerateCibApplyView {
            schema_version: super::SCHEMA_VERSION,
            cib_version: format!(
                "{}.{}.{}",
                plan.source.admin_epoch, plan.source.epoch, plan.source.num_updates
            ),
            items: &plan.items,
            changes: plan.changes.len(),
            applied: false,
        }
    }
}
