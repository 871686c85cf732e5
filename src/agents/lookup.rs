//! Looking agents up by the name a configuration gives, once each: where
//! the agent is, how to run it, and its metadata; or, as a typed error,
//! why it cannot be used. Planners, generators and checks all use this one
//! lookup, and tests give it metadata fixtures instead of executables.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use super::metadata::AgentMetadata;
use super::{discovery, Catalog};

/// What a configuration can use of one agent.
#[derive(Debug, Clone)]
pub struct AgentInfo {
    pub path: PathBuf,
    /// Arguments that select the agent (built-in agents: `agent ovh`).
    pub args: Vec<String>,
    pub metadata: Rc<AgentMetadata>,
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

/// Why an agent named by a configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    /// The configuration names no agent at all.
    #[error("the device names no agent")]
    NoName,
    /// No agent directory has it (or the name is not a bare agent name).
    #[error("{0}")]
    NotInstalled(String),
    /// It is there but cannot be run (not executable, a cluster-glue plugin).
    #[error("{0}")]
    NotRunnable(String),
    /// It runs but gives no metadata fencectl can use.
    #[error("{0}")]
    NoUsableMetadata(String),
    /// Metadata lookups are switched off (`--no-metadata`).
    #[error("metadata not read (--no-metadata)")]
    NotLookedUp,
}

/// Where agents come from: the installed agents through the cache, or
/// fixtures in tests.
pub trait AgentSource {
    fn find(&self, name: &str) -> Result<AgentInfo, AgentError>;
}

impl AgentSource for Catalog {
    fn find(&self, name: &str) -> Result<AgentInfo, AgentError> {
        if name.is_empty() {
            return Err(AgentError::NoName);
        }
        self.info(discovery::resolve_configured(name, &self.dirs))
    }
}

impl Catalog {
    /// What can be used of an agent found on disk (by name, or by the
    /// path a user gave), or why it cannot be used.
    pub fn info(
        &self,
        found: anyhow::Result<discovery::FoundAgent>,
    ) -> Result<AgentInfo, AgentError> {
        let agent = found.map_err(|e| {
            let message = format!("{e:#}");
            if message.contains("cannot run") || message.contains("plugin") {
                AgentError::NotRunnable(message)
            } else {
                AgentError::NotInstalled(message)
            }
        })?;
        if let Some(problem) = &agent.problem {
            return Err(AgentError::NotRunnable(format!(
                "cannot run {}: {problem}",
                agent.path.display()
            )));
        }
        let (_, metadata) = self
            .metadata(&agent, false)
            .map_err(|e| AgentError::NoUsableMetadata(format!("{e:#}")))?;
        Ok(AgentInfo {
            args: agent.invocation_args(),
            path: agent.path,
            metadata: Rc::new(metadata),
        })
    }
}

/// Metadata fixtures by agent name, for planners tested without executables.
#[derive(Debug, Default, Clone)]
pub struct FixtureAgents {
    pub agents: HashMap<String, AgentMetadata>,
}

impl FixtureAgents {
    /// Adds an agent from its metadata XML, or says why it does not parse.
    pub fn with(mut self, name: &str, metadata_xml: &str) -> anyhow::Result<FixtureAgents> {
        let metadata = AgentMetadata::parse(metadata_xml.as_bytes())
            .map_err(|e| anyhow::anyhow!("fixture metadata of {name}: {e}"))?;
        self.agents.insert(name.to_string(), metadata);
        Ok(self)
    }
}

impl AgentSource for FixtureAgents {
    fn find(&self, name: &str) -> Result<AgentInfo, AgentError> {
        if name.is_empty() {
            return Err(AgentError::NoName);
        }
        self.agents
            .get(name)
            .map(|metadata| AgentInfo {
                path: PathBuf::from("/usr/sbin").join(name),
                args: Vec::new(),
                metadata: Rc::new(metadata.clone()),
            })
            .ok_or_else(|| AgentError::NotInstalled(format!("no agent called {name}")))
    }
}

/// Looks agents up by name, once each.
pub struct AgentLookup<'a> {
    source: &'a dyn AgentSource,
    enabled: bool,
    known: HashMap<String, Result<AgentInfo, AgentError>>,
}

impl<'a> AgentLookup<'a> {
    pub fn new(source: &'a dyn AgentSource) -> AgentLookup<'a> {
        AgentLookup {
            source,
            enabled: true,
            known: HashMap::new(),
        }
    }

    /// A lookup that reads no metadata (`--no-metadata`): every agent is
    /// [`AgentError::NotLookedUp`].
    pub fn disabled(source: &'a dyn AgentSource) -> AgentLookup<'a> {
        AgentLookup {
            enabled: false,
            ..AgentLookup::new(source)
        }
    }

    /// The agent called `name`, or why it cannot be used.
    pub fn get(&mut self, name: &str) -> Result<&AgentInfo, AgentError> {
        let (source, enabled) = (self.source, self.enabled);
        self.known
            .entry(name.to_string())
            .or_insert_with(|| {
                if enabled {
                    source.find(name)
                } else {
                    Err(AgentError::NotLookedUp)
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The agent's metadata, when it can be had.
    pub fn metadata(&mut self, name: &str) -> Option<Rc<AgentMetadata>> {
        self.get(name).ok().map(|info| Rc::clone(&info.metadata))
    }

    /// The metadata of every agent looked up so far.
    pub fn found(&self) -> HashMap<String, Rc<AgentMetadata>> {
        self.known
            .iter()
            .filter_map(|(name, r)| Some((name.clone(), Rc::clone(&r.as_ref().ok()?.metadata))))
            .collect()
    }

    /// Why each agent looked up so far could not be used (lookups that
    /// were switched off are not failures).
    pub fn missing(&self) -> HashMap<String, String> {
        self.known
            .iter()
            .filter_map(|(name, r)| match r {
                Err(AgentError::NotLookedUp) | Ok(_) => None,
                Err(e) => Some((name.clone(), e.to_string())),
            })
            .collect()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_x" shortdesc="X">
<longdesc>X</longdesc><vendor-url>https://example.org</vendor-url>
<parameters>
<parameter name="password" unique="0" required="0"><getopt mixed="-p"/><content type="string"/><shortdesc lang="en">Password</shortdesc></parameter>
</parameters>
<actions><action name="off"/><action name="metadata"/></actions>
</resource-agent>"#;

    #[test]
    fn fixtures_memoised_and_typed_errors() {
        let fixtures = FixtureAgents::default().with("fence_x", METADATA).unwrap();
        let mut lookup = AgentLookup::new(&fixtures);
        assert!(lookup.get("fence_x").unwrap().is_secret("password"));
        assert_eq!(lookup.get("").err(), Some(AgentError::NoName));
        assert!(matches!(
            lookup.get("fence_y"),
            Err(AgentError::NotInstalled(_))
        ));
        assert_eq!(lookup.found().len(), 1);
        assert_eq!(lookup.missing().len(), 2);
        let mut off = AgentLookup::disabled(&fixtures);
        assert_eq!(off.get("fence_x").err(), Some(AgentError::NotLookedUp));
        assert!(off.missing().is_empty());
    }
}
