//! The installed agents and their metadata, read through the cache: one
//! agent at a time for `metadata` and `validate`, all of them in parallel
//! for `list-installed`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use super::builtin;
use super::cache::{AgentSummary, Cache, StoredRun, Summaries};
use super::discovery::{Fingerprint, FoundAgent, Provider};
use super::metadata::AgentMetadata;
use super::runner::{self, Invocation, DEFAULT_OUTPUT_CAP};

/// Reads agents' metadata, through the cache.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub dirs: Vec<PathBuf>,
    pub timeout: Duration,
    pub cache: Cache,
}

/// One line of `list-installed`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Listing {
    /// The agent's name.
    pub name: String,
    /// Its executable.
    pub path: PathBuf,
    /// `external` (a program) or `built-in` (in fencectl).
    pub provider: Provider,
    /// Its one-line description (metadata `shortdesc`).
    pub description: String,
    /// The agent this one is another name of (from `<symlink>` metadata).
    pub alias_of: Option<String>,
    /// What it can do: `reboot`, `list`, `status`, and `unfencing` for
    /// fabric agents.
    pub capabilities: Vec<String>,
    /// Why the agent's metadata could not be read; the agent is still listed.
    pub error: Option<String>,
    /// Files of the same name hidden by this one.
    pub shadows: Vec<PathBuf>,
    /// An agent directory holds it (false for a built-in agent that is not
    /// linked: Pacemaker cannot see it until `fencectl install-agent`).
    pub installed: bool,
}

impl Catalog {
    /// What `agent -o metadata` printed, from the cache when current.
    pub fn metadata_run(&self, agent: &FoundAgent, refresh: bool) -> Result<StoredRun> {
        if agent.provider == Provider::BuiltIn {
            let builtin = builtin::find(&agent.name).context("unknown built-in agent")?;
            return Ok(StoredRun {
                exit_code: Some(0),
                failure: None,
                stdout: (builtin.metadata)().into_bytes(),
                stderr: String::new(),
                overflowed: false,
            });
        }
        if let Some(problem) = &agent.problem {
            bail!("cannot run {}: {problem}", agent.path.display());
        }
        let fingerprint = agent.fingerprint.context("agent file was not inspected")?;
        if !refresh {
            if let Some(stored) = self.cache.load_run(&agent.path, fingerprint) {
                return Ok(stored);
            }
        }
        let stored = self.run_metadata(&agent.path)?;
        // A run a signal cut short says nothing about the agent.
        if !crate::sys::signal::interrupted() {
            self.cache.store_run(&agent.path, fingerprint, &stored);
        }
        Ok(stored)
    }

    /// The parsed metadata of an agent if it is built in or cached and
    /// current; never runs the agent (shell completion must not).
    pub fn cached_metadata(&self, agent: &FoundAgent) -> Option<AgentMetadata> {
        let stored = match agent.provider {
            Provider::BuiltIn => self.metadata_run(agent, false).ok()?,
            Provider::External => self.cache.load_run(&agent.path, agent.fingerprint?)?,
        };
        stored
            .ok()
            .then(|| AgentMetadata::parse(&stored.stdout).ok())
            .flatten()
    }

    fn run_metadata(&self, path: &Path) -> Result<StoredRun> {
        let run = runner::run(&Invocation {
            program: path,
            args: vec!["-o".into(), "metadata".into()],
            stdin: None,
            timeout: self.timeout,
            output_cap: DEFAULT_OUTPUT_CAP,
            echo: None,
        })?;
        Ok(StoredRun::from_run(&run, self.timeout))
    }

    /// The parsed metadata of an agent; an error says why there is none.
    pub fn metadata(
        &self,
        agent: &FoundAgent,
        refresh: bool,
    ) -> Result<(StoredRun, AgentMetadata)> {
        let stored = self.metadata_run(agent, refresh)?;
        if let Some(failure) = &stored.failure {
            let message = format!(
                "{} -o metadata failed: {failure}{}",
                agent.path.display(),
                stderr_tail(&stored.stderr)
            );
            if stored.is_transient() {
                return Err(TransientFailure(message).into());
            }
            bail!(message);
        }
        let metadata = AgentMetadata::parse(&stored.stdout)
            .with_context(|| format!("{} -o metadata", agent.path.display()))?;
        Ok((stored, metadata))
    }

    /// Describes every agent, running those not cached in parallel.
    /// `progress` is told each agent's name as its run finishes.
    pub fn list(
        &self,
        agents: &[FoundAgent],
        refresh: bool,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Vec<Listing> {
        let mut cached = if refresh {
            Summaries::new()
        } else {
            self.cache.load_summaries()
        };
        let mut summaries: Vec<Option<AgentSummary>> = agents
            .iter()
            .map(|agent| cached_summary(&mut cached, agent))
            .collect();
        // Built-in agents answer from fencectl itself (no process, no
        // thread); their summaries are kept under their names, for as long
        // as the fencectl binary is the same file.
        let mut described_builtin = false;
        for (agent, summary) in agents.iter().zip(summaries.iter_mut()) {
            if agent.provider != Provider::BuiltIn {
                continue;
            }
            *summary = match cached.remove(&builtin_key(agent)) {
                Some((fingerprint, kept)) if Some(fingerprint) == agent.fingerprint => Some(kept),
                _ => {
                    described_builtin |= agent.fingerprint.is_some();
                    let summary = self.summarize(agent, refresh);
                    progress(&agent.name);
                    Some(summary)
                }
            };
        }
        let todo: Vec<usize> = (0..agents.len())
            .filter(|&i| summaries[i].is_none() && agents[i].problem.is_none())
            .collect();
        let fresh = self.summarize_in_parallel(agents, &todo, refresh, progress);
        for (i, summary) in fresh {
            summaries[i] = Some(summary);
        }
        // A warm listing (every agent current in the index) writes nothing.
        if (!todo.is_empty() || described_builtin || refresh) && !crate::sys::signal::interrupted()
        {
            self.cache.store_summaries(&index_of(agents, &summaries));
        }
        let listings = agents
            .iter()
            .zip(&summaries)
            .map(|(agent, summary)| listing(agent, summary.as_ref()))
            .collect();
        with_aliases(listings, agents, &summaries)
    }

    fn summarize_in_parallel(
        &self,
        agents: &[FoundAgent],
        todo: &[usize],
        refresh: bool,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Vec<(usize, AgentSummary)> {
        if todo.is_empty() {
            return Vec::new();
        }
        let next = AtomicUsize::new(0);
        let done = Mutex::new(Vec::with_capacity(todo.len()));
        // Agents are mostly Python start-up (CPU) with some waiting: a
        // little more than one per core keeps the cores busy.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = (cores + cores / 2 + 1).min(todo.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| loop {
                    let slot = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = todo.get(slot) else { break };
                    if crate::sys::signal::interrupted() {
                        break;
                    }
                    let summary = self.summarize(&agents[i], refresh);
                    progress(&agents[i].name);
                    done.lock().expect("no worker panics").push((i, summary));
                });
            }
        });
        done.into_inner().expect("no worker panics")
    }

    fn summarize(&self, agent: &FoundAgent, refresh: bool) -> AgentSummary {
        match self.metadata(agent, refresh) {
            Ok((_, metadata)) => AgentSummary {
                reported_name: metadata.name.clone(),
                shortdesc: metadata.shortdesc_for(&agent.name).to_string(),
                symlinks: metadata.symlinks.iter().map(|s| s.name.clone()).collect(),
                capabilities: metadata
                    .capabilities()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                error: None,
                transient: false,
            },
            Err(err) => AgentSummary {
                reported_name: String::new(),
                shortdesc: String::new(),
                symlinks: Vec::new(),
                capabilities: Vec::new(),
                transient: err.is::<TransientFailure>(),
                error: Some(format!("{err:#}")),
            },
        }
    }
}

/// A metadata run that says nothing stable about the agent (a timeout, an
/// interrupt, a crash): it is not cached, and the next use runs it again.
#[derive(Debug)]
pub struct TransientFailure(pub String);

impl std::fmt::Display for TransientFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (not cached: retried on the next use)", self.0)
    }
}

impl std::error::Error for TransientFailure {}

fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() <= 1 {
        return String::new();
    }
    format!(
        "\n  agent stderr: {}",
        lines[lines.len().saturating_sub(3)..].join("\n  ")
    )
}

/// The index's summary of an agent file, taken out of the index, when its
/// fingerprint is still the file's.
fn cached_summary(cached: &mut Summaries, agent: &FoundAgent) -> Option<AgentSummary> {
    if agent.provider != Provider::External {
        return None;
    }
    let (fingerprint, summary) = cached.remove(&agent.path)?;
    (Some(fingerprint) == agent.fingerprint).then_some(summary)
}

/// Where the index keeps a built-in agent's summary: under its name and
/// the file that runs it (two fencectl binaries sharing a cache keep one
/// entry each), which no agent file's path can be (those are dir/name).
fn builtin_key(agent: &FoundAgent) -> PathBuf {
    PathBuf::from(format!("built-in:{}:{}", agent.name, agent.path.display()))
}

fn index_of(
    agents: &[FoundAgent],
    summaries: &[Option<AgentSummary>],
) -> BTreeMap<PathBuf, (Fingerprint, AgentSummary)> {
    agents
        .iter()
        .zip(summaries)
        // A timeout or crash is retried on the next listing, not remembered.
        .filter(|(_, summary)| !summary.as_ref().is_some_and(|s| s.transient))
        .filter_map(|(agent, summary)| {
            let key = match agent.provider {
                Provider::External => agent.path.clone(),
                Provider::BuiltIn => builtin_key(agent),
            };
            Some((key, (agent.fingerprint?, summary.clone()?)))
        })
        .collect()
}

fn listing(agent: &FoundAgent, summary: Option<&AgentSummary>) -> Listing {
    let error = agent
        .problem
        .clone()
        .or_else(|| summary.and_then(|s| s.error.clone()));
    Listing {
        name: agent.name.clone(),
        path: agent.path.clone(),
        provider: agent.provider,
        description: summary.map(|s| s.shortdesc.clone()).unwrap_or_default(),
        alias_of: None,
        capabilities: summary.map(|s| s.capabilities.clone()).unwrap_or_default(),
        error,
        shadows: agent.shadows.clone(),
        installed: agent.in_agent_dir,
    }
}

/// Marks each agent that another agent lists as its `<symlink>`. The agent
/// that names others but not itself is the original (fence_ipmilan lists
/// fence_ilo3; Debian's copy fence_ilo3 lists itself among the others).
fn with_aliases(
    mut listings: Vec<Listing>,
    agents: &[FoundAgent],
    summaries: &[Option<AgentSummary>],
) -> Vec<Listing> {
    let mut original_of: HashMap<&str, &str> = HashMap::new();
    for (agent, summary) in agents.iter().zip(summaries) {
        let Some(summary) = summary else { continue };
        if summary.symlinks.iter().any(|s| s == &agent.name) {
            continue;
        }
        for alias in &summary.symlinks {
            original_of
                .entry(alias.as_str())
                .or_insert(agent.name.as_str());
        }
    }
    for listing in &mut listings {
        if listing.provider == Provider::BuiltIn {
            continue;
        }
        if let Some(original) = original_of.get(listing.name.as_str()) {
            listing.alias_of = Some((*original).to_string());
        }
    }
    listings
}
