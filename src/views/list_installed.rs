//! `fencectl list-installed --format json`.

use schemars::JsonSchema;
use serde::Serialize;

use crate::agents::catalog::Listing;

/// `fencectl list-installed --format json`: the installed fence agents.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ListInstalledView<'a> {
    /// Every agent (matching the filter), with what its metadata says.
    Agents {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        /// The agents in name order; one whose metadata could not be read is
        /// listed with its `error`.
        agents: Vec<&'a Listing>,
    },
    /// `--names-only`: the names, without running any agent.
    Names {
        /// This document's version (1); bumped on incompatible changes.
        schema_version: u32,
        /// The agents' names in order.
        names: Vec<&'a str>,
    },
}

impl<'a> ListInstalledView<'a> {
    pub fn agents(agents: Vec<&'a Listing>) -> Self {
        ListInstalledView::Agents {
            schema_version: super::SCHEMA_VERSION,
            agents,
        }
    }

    pub fn names(names: Vec<&'a str>) -> Self {
        ListInstalledView::Names {
            schema_version: super::SCHEMA_VERSION,
            names,
        }
    }
}
