//! The installed agents, one agent's metadata, and devices built from it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{Error, Validation};
use crate::agents::cache::Cache;
use crate::agents::catalog::Listing as AgentListing;
use crate::agents::finding::{Finding, Severity};
use crate::agents::lookup::{AgentInfo, AgentSource};
use crate::agents::metadata::{AgentMetadata, Parameter};
use crate::agents::{discovery, params, Catalog};

/// The fence agents installed in some directories, their metadata read
/// through fencectl's cache (the same cache the CLI keeps).
#[derive(Debug, Clone)]
pub struct Agents {
    catalog: Catalog,
}

impl Agents {
    /// The agents in `dirs` (searched in order, as `--agent-dir`); an
    /// agent gets `timeout` to print its metadata. Nothing runs until an
    /// agent is asked for.
    pub fn load<P: Into<PathBuf>>(dirs: impl IntoIterator<Item = P>, timeout: Duration) -> Agents {
        Agents::with_cache(dirs, timeout, crate::agents::cache::default_dir())
    }

    /// [`Agents::load`] with the metadata cache in `cache_dir` (`None`:
    /// no cache, every agent runs `-o metadata` each time it is asked for).
    pub fn with_cache<P: Into<PathBuf>>(
        dirs: impl IntoIterator<Item = P>,
        timeout: Duration,
        cache_dir: Option<PathBuf>,
    ) -> Agents {
        Agents {
            catalog: Catalog {
                dirs: dirs.into_iter().map(Into::into).collect(),
                timeout,
                cache: Cache::new(cache_dir),
            },
        }
    }

    /// The names of the agents installed (the first of each name wins, as
    /// in `list-installed`) and of fencectl's built-in agents, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = discovery::discover(&self.catalog.dirs)
            .agents
            .into_iter()
            .map(|agent| agent.name)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Every installed agent with its description and capabilities, as
    /// `fencectl list-installed` shows them: metadata read in parallel
    /// (from the cache when current); an agent whose metadata cannot be
    /// read is listed with the reason in [`AgentListing::error`].
    pub fn list(&self) -> Vec<AgentListing> {
        let found = discovery::discover(&self.catalog.dirs);
        self.list_found(&found.agents, false, &|_| {})
    }

    /// [`Agents::list`] of agents already discovered, with progress (the
    /// command line's list-installed).
    #[doc(hidden)]
    pub fn list_found(
        &self,
        found: &[discovery::FoundAgent],
        refresh: bool,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Vec<AgentListing> {
        self.catalog.list(found, refresh, progress)
    }

    /// The agent called `name` with its metadata, or why it cannot be used.
    /// `name` is a bare agent name, looked up only in the directories
    /// (and among fencectl's built-in agents): never a path, so a name
    /// taken from a user or a configuration cannot run another program.
    pub fn get(&self, name: &str) -> Result<Agent, Error> {
        let info = self.catalog.find(name)?;
        Ok(Agent::from_info(name, info))
    }

    /// The agent at `path`, wherever it is (an agent being developed, a
    /// test fixture); a path without `/` is taken in the current directory.
    pub fn at_path(&self, path: impl AsRef<Path>) -> Result<Agent, Error> {
        let path = path.as_ref();
        let spec = path.to_string_lossy();
        let spec = if spec.contains('/') {
            spec.into_owned()
        } else {
            format!("./{spec}")
        };
        let found = discovery::resolve(&spec, &[]);
        let name = found.as_ref().map(|f| f.name.clone()).unwrap_or_default();
        let info = self.catalog.info(found)?;
        Ok(Agent::from_info(&name, info))
    }

    /// [`Agents::at_path`] for a spec with a `/`, else [`Agents::get`]:
    /// how the command line's `-a AGENT` reads.
    #[doc(hidden)]
    pub fn resolve(&self, spec: &str) -> Result<Agent, Error> {
        if spec.contains('/') {
            self.at_path(spec)
        } else {
            self.get(spec)
        }
    }

    #[doc(hidden)]
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
}

/// One installed agent and its metadata.
#[derive(Debug, Clone)]
pub struct Agent {
    name: String,
    path: PathBuf,
    args: Vec<String>,
    metadata: Arc<AgentMetadata>,
}

impl Agent {
    fn from_info(name: &str, info: AgentInfo) -> Agent {
        Agent {
            name: name.to_string(),
            path: info.path,
            args: info.args,
            metadata: Arc::new((*info.metadata).clone()),
        }
    }

    /// Checks a whole set of parameters (name, value, in the order the
    /// agent would get them) against the metadata and Pacemaker's rules,
    /// as `fencectl validate` does: every finding, nothing refused.
    pub fn check(&self, params: &[(String, String)]) -> Validation {
        Validation {
            findings: params::check_params(&self.metadata, params),
        }
    }

    /// The name it was asked for by (`fence_ipmilan`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The program that runs.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its one-line description.
    pub fn description(&self) -> &str {
        self.metadata.shortdesc_for(&self.name)
    }

    /// Its parameters, as its metadata lists them.
    pub fn parameters(&self) -> &[Parameter] {
        &self.metadata.parameters
    }

    /// The parameter `name` means to the agent (`-` and `_` are one).
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.metadata.find_parameter(name)
    }

    /// The names of the actions it implements.
    pub fn actions(&self) -> Vec<&str> {
        self.metadata
            .actions
            .iter()
            .map(|a| a.name.as_str())
            .collect()
    }

    /// Whether its metadata marks parameter `name` as a secret (or the
    /// name says so: `passwd`, `password`...).
    pub fn is_secret(&self, name: &str) -> bool {
        self.metadata.is_secret_parameter(name)
    }

    /// Starts a device of this agent: set its parameters, then
    /// [`DeviceBuilder::build`].
    pub fn device(&self) -> DeviceBuilder {
        DeviceBuilder {
            agent: self.clone(),
            params: Vec::new(),
        }
    }

    /// The metadata model (the command line's internals).
    #[doc(hidden)]
    pub fn metadata(&self) -> &AgentMetadata {
        &self.metadata
    }

    /// Arguments that select the agent (built-in agents: `agent ovh`).
    #[doc(hidden)]
    pub fn invocation_args(&self) -> &[String] {
        &self.args
    }
}

/// A device being configured: each parameter is checked against the
/// agent's metadata as it is set.
#[derive(Debug, Clone)]
pub struct DeviceBuilder {
    agent: Agent,
    params: Vec<(String, String)>,
}

impl DeviceBuilder {
    /// Sets parameter `name` (a later value replaces an earlier one).
    ///
    /// Refused: a name the agent does not have
    /// ([`Error::UnknownParameter`]), a deprecated alias
    /// ([`Error::DeprecatedParameter`]: use the name that replaces it), a
    /// value of the wrong type or with a line break
    /// ([`Error::InvalidValue`]), and `action` (the action is
    /// [`Device::run`]'s argument).
    pub fn set(mut self, name: &str, value: &str) -> Result<DeviceBuilder, Error> {
        if name == "action" {
            return Err(Error::InvalidValue {
                name: name.into(),
                rule: "action",
                message: "action is not a device parameter: pass it to Device::run".into(),
            });
        }
        let pair = [(name.to_string(), value.to_string())];
        let metadata = self.agent.metadata();
        if let Some(p) = params::find_parameter(metadata, name).filter(|p| p.deprecated) {
            return Err(Error::DeprecatedParameter {
                name: name.into(),
                replaced_by: p.replaced_by.clone(),
            });
        }
        let finding = params::check_params(metadata, &pair).into_iter().find(|f| {
            f.severity == Severity::Error && f.rule != "missing-required" && f.subject == name
        });
        if let Some(f) = finding {
            return Err(match f.rule {
                "unknown-parameter" => Error::UnknownParameter {
                    name: name.into(),
                    message: f.message,
                },
                rule => Error::InvalidValue {
                    name: name.into(),
                    rule,
                    message: f.message,
                },
            });
        }
        self.params.retain(|(k, _)| k != name);
        self.params.extend(pair);
        Ok(self)
    }

    /// Checks the device as a whole (required parameters, Pacemaker's
    /// rules): errors refuse it ([`Error::Invalid`]), warnings stay on
    /// [`Device::validation`].
    pub fn build(self) -> Result<Device, Error> {
        let validation = Validation {
            findings: params::check_params(self.agent.metadata(), &self.params),
        };
        if validation.has_errors() {
            return Err(Error::Invalid(validation));
        }
        Ok(Device {
            agent: self.agent,
            params: self.params,
            validation,
        })
    }

    /// The device without any check at all (`fencectl run --no-check`):
    /// the agent gets exactly these parameters.
    pub fn build_unchecked(self) -> Device {
        Device {
            validation: Validation::default(),
            agent: self.agent,
            params: self.params,
        }
    }

    /// Sets parameters without checking them one by one; [`DeviceBuilder::build`]
    /// still checks the whole device.
    #[doc(hidden)]
    pub fn set_all_unchecked(mut self, params: Vec<(String, String)>) -> DeviceBuilder {
        self.params = params;
        self
    }
}

/// A configured device: an agent and the parameters it gets on stdin.
#[derive(Debug, Clone)]
pub struct Device {
    pub(crate) agent: Agent,
    pub(crate) params: Vec<(String, String)>,
    validation: Validation,
}

impl Device {
    /// The agent.
    pub fn agent(&self) -> &Agent {
        &self.agent
    }

    /// The parameters, in the order set, secrets included.
    pub fn parameters(&self) -> &[(String, String)] {
        &self.params
    }

    /// The parameters with every secret value masked (`********`).
    pub fn masked_parameters(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|(k, v)| {
                let value = if self.agent.is_secret(k) {
                    crate::secrets::MASK.to_string()
                } else {
                    v.clone()
                };
                (k.clone(), value)
            })
            .collect()
    }

    /// What the whole-device check found (warnings only: errors refuse
    /// the device).
    pub fn validation(&self) -> &Validation {
        &self.validation
    }
}

impl Validation {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    /// The error messages, joined, for one-line display.
    pub(crate) fn summary(&self) -> String {
        self.errors()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}
