//! `fencectl metadata --format json`, and with `--check`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::agents::finding::Finding;
use crate::agents::metadata::AgentMetadata;

/// `fencectl metadata -a AGENT --format json`: an agent's metadata; with
/// `--check`, what is wrong with it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum MetadataView<'a> {
    /// The agent's metadata, parsed.
    Metadata {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        #[serde(flatten)]
        metadata: &'a AgentMetadata,
    },
    /// `--check`: the findings, agents in name order and findings in line
    /// order; agents without findings add nothing.
    Check {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        findings: Vec<MetadataFinding<'a>>,
    },
}

/// One finding of `metadata --check`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MetadataFinding<'a> {
    /// The agent's name, or the file's path under `--file`.
    pub agent: &'a str,
    #[serde(flatten)]
    pub finding: &'a Finding,
}

impl<'a> MetadataView<'a> {
    pub fn metadata(metadata: &'a AgentMetadata) -> Self {
        MetadataView::Metadata {
            schema_version: super::SCHEMA_VERSION,
            metadata,
        }
    }

    pub fn check(findings: Vec<MetadataFinding<'a>>) -> Self {
        MetadataView::Check {
            schema_version: super::SCHEMA_VERSION,
            findings,
        }
    }
}
