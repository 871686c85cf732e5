//! The agents a plan uses, looked up once each (metadata through the cache).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::agents::discovery;
use crate::agents::metadata::AgentMetadata;
use crate::agents::Catalog;

/// What a plan needs to know of one agent.
#[derive(Debug, Clone)]
pub struct AgentInfo {
    pub path: PathBuf,
    /// Arguments that select the agent (built-in agents: `agent ovh`).
    pub args: Vec<String>,
    pub metadata: AgentMetadata,
}

impl AgentInfo {
    /// The default of parameter `name` in the metadata.
    pub fn default_of(&self, name: &str) -> Option<&str> {
        self.metadata
            .parameter(name)
            .and_then(|p| p.default.as_deref())
    }

    /// The agent's power_timeout default, if it declares one.
    pub fn power_timeout(&self) -> Option<Duration> {
        self.default_of("power_timeout")
            .and_then(|v| crate::timespec::parse(v).ok())
    }

    /// Whether a parameter holds a secret (see [`AgentMetadata::is_secret_parameter`]).
    pub fn is_secret(&self, name: &str) -> bool {
        self.metadata.is_secret_parameter(name)
    }
}

/// Looks agents up by name, once each.
pub struct AgentDirectory<'a> {
    catalog: &'a Catalog,
    known: HashMap<String, Result<AgentInfo, String>>,
}

impl<'a> AgentDirectory<'a> {
    pub fn new(catalog: &'a Catalog) -> AgentDirectory<'a> {
        AgentDirectory {
            catalog,
            known: HashMap::new(),
        }
    }

    /// The agent called `name`, or why it cannot be used.
    pub fn get(&mut self, name: &str) -> Result<&AgentInfo, String> {
        let catalog = self.catalog;
        self.known
            .entry(name.to_string())
            .or_insert_with(|| lookup(catalog, name))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn catalog(&self) -> &Catalog {
        self.catalog
    }
}

fn lookup(catalog: &Catalog, name: &str) -> Result<AgentInfo, String> {
    if name.is_empty() {
        return Err("the device names no agent".into());
    }
    let agent = discovery::resolve_configured(name, &catalog.dirs).map_err(|e| format!("{e:#}"))?;
    let (_, metadata) = catalog
        .metadata(&agent, false)
        .map_err(|e| format!("{e:#}"))?;
    Ok(AgentInfo {
        args: agent.invocation_args(),
        path: agent.path,
        metadata,
    })
}

/// Secret names among `args`, judged with the agent's metadata when known.
pub fn secret_names(args: &[(String, String)], agent: Option<&AgentInfo>) -> Vec<String> {
    let mut names: Vec<String> = args
        .iter()
        .map(|(k, _)| k)
        .filter(|k| match agent {
            Some(info) => info.is_secret(k),
            None => crate::secrets::is_secret_name(k),
        })
        .cloned()
        .collect();
    names.sort();
    names.dedup();
    names
}
