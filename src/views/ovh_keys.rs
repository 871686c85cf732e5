//! `fencectl ovh-keys check --format json`.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Serialize;

use crate::ovh::keys::Audit;

/// `fencectl ovh-keys check --format json`: whether the OVH API keys can
/// fence, and what to fix.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OvhKeysCheckView<'a> {
    /// This document's version (1); bumped on incompatible changes.
    pub schema_version: u32,
    /// The endpoint asked (`ovh-eu`, `ovh-ca`, ... or a URL).
    pub endpoint: &'a str,
    /// The API base actually used.
    pub base: &'a str,
    /// The ovh.conf files the keys were read from.
    pub files: &'a [PathBuf],
    #[serde(flatten)]
    pub audit: &'a Audit,
}
