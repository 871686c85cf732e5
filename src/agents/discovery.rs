//! Finding fence agents on disk: every `fence_*` in the agent directories,
//! first directory first, plus the agents built into fencectl.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::builtin;

/// What identifies an agent file's contents for the cache: if any of these
/// change, its metadata is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Fingerprint {
    pub size: u64,
    pub mtime_ns: i128,
    pub inode: u64,
    pub device: u64,
}

impl Fingerprint {
    pub fn of(meta: &std::fs::Metadata) -> Fingerprint {
        Fingerprint {
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }
}

/// How an agent is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// An executable on disk (fence-agents, or a vendor's).
    External,
    /// Compiled into fencectl (on disk, if at all, as a link to fencectl).
    BuiltIn,
}

/// One agent found, usable or not.
#[derive(Debug, Clone)]
pub struct FoundAgent {
    pub name: String,
    pub path: PathBuf,
    pub provider: Provider,
    /// Why it cannot be run (not executable, dangling link...).
    pub problem: Option<String>,
    pub fingerprint: Option<Fingerprint>,
    /// Files of the same name later in the search path, hidden by this one.
    pub shadows: Vec<PathBuf>,
    /// An agent directory holds it. Only a built-in agent that no directory
    /// links to is not (Pacemaker cannot see it: `fencectl install-agent`).
    pub in_agent_dir: bool,
}

impl FoundAgent {
    /// Arguments that make `path` run this agent: none for an agent on disk,
    /// `agent NAME` for one built into fencectl (run as the fencectl binary).
    /// They never carry secrets: those go on stdin.
    pub fn invocation_args(&self) -> Vec<String> {
        let invoked_as_agent = self
            .path
            .file_name()
            .is_some_and(|name| name == self.name.as_str());
        match (self.provider, builtin::find(&self.name)) {
            // A link named after the agent runs it by itself (multi-call).
            (Provider::BuiltIn, Some(_)) if invoked_as_agent => Vec::new(),
            (Provider::BuiltIn, Some(agent)) => vec!["agent".into(), agent.subcommand.into()],
            _ => Vec::new(),
        }
    }
}

/// The result of a scan.
#[derive(Debug, Default)]
pub struct Discovery {
    pub agents: Vec<FoundAgent>,
    /// Directories searched that do not exist or cannot be read.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Whether a file name looks like a fence agent.
pub fn is_agent_name(name: &str) -> bool {
    name.strip_prefix("fence_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// The `fence_*` entries of `dirs` in the directories' order, from their
/// listings only (no agent is opened): a name can come more than once, and
/// the first wins. Also the directories that could not be read, and why.
pub fn scan(dirs: &[PathBuf]) -> Scan {
    let mut entries = Vec::new();
    let mut unreadable = Vec::new();
    for dir in dirs {
        let listing = match std::fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(e) => {
                unreadable.push((dir.clone(), e.to_string()));
                continue;
            }
        };
        for entry in listing.flatten() {
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if is_agent_name(&name) {
                entries.push((name, entry.path()));
            }
        }
    }
    Scan {
        entries,
        unreadable,
    }
}

/// What [`scan`] found.
pub struct Scan {
    /// `(name, path)` of each agent entry, in the directories' order.
    pub entries: Vec<(String, PathBuf)>,
    /// The directories that could not be read, and why.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Scans `dirs` in order. A name found twice is taken from the first
/// directory. Built-in agents not linked on disk are added at the end.
pub fn discover(dirs: &[PathBuf]) -> Discovery {
    // /proc/self/exe: already the binary's path with every link resolved.
    let own_exe = std::env::current_exe().ok();
    let mut found: BTreeMap<String, FoundAgent> = BTreeMap::new();
    let Scan {
        entries,
        unreadable,
    } = scan(dirs);
    let mut discovery = Discovery {
        unreadable,
        ..Discovery::default()
    };
    for (name, path) in entries {
        if let Some(first) = found.get_mut(&name) {
            first.shadows.push(path);
            continue;
        }
        found.insert(name.clone(), inspect(name, path, own_exe.as_deref()));
    }
    // A built-in agent no directory links to is provided by the fencectl
    // binary: its fingerprint is the binary's (the cache keeps the agent's
    // summary until fencectl changes).
    let own_fingerprint = || {
        let meta = std::fs::metadata(own_exe.as_ref()?).ok()?;
        Some(Fingerprint::of(&meta))
    };
    for agent in builtin::AGENTS {
        found
            .entry(agent.name.to_string())
            .or_insert_with(|| FoundAgent {
                name: agent.name.to_string(),
                path: own_exe.clone().unwrap_or_default(),
                provider: Provider::BuiltIn,
                problem: None,
                fingerprint: own_fingerprint(),
                shadows: Vec::new(),
                in_agent_dir: false,
            });
    }
    discovery.agents = found.into_values().collect();
    discovery
}

/// Looks at one file: follows links, checks that it can be run.
pub fn inspect(name: String, path: PathBuf, own_exe: Option<&Path>) -> FoundAgent {
    let mut agent = FoundAgent {
        name,
        path,
        provider: Provider::External,
        problem: None,
        fingerprint: None,
        shadows: Vec::new(),
        in_agent_dir: true,
    };
    match std::fs::metadata(&agent.path) {
        Err(e) => {
            let is_link =
                std::fs::symlink_metadata(&agent.path).is_ok_and(|m| m.file_type().is_symlink());
            agent.problem = Some(if is_link {
                format!("dangling symlink ({e})")
            } else {
                format!("cannot read it: {e}")
            });
        }
        Ok(meta) if !meta.is_file() => agent.problem = Some("not a regular file".into()),
        Ok(meta) if meta.permissions().mode() & 0o111 == 0 => {
            agent.problem = Some("not executable (chmod +x it, or reinstall its package)".into());
        }
        Ok(meta) => {
            agent.fingerprint = Some(Fingerprint::of(&meta));
            // Only a built-in agent's name can be a link to fencectl: other
            // agents are not resolved (a warm listing stays cheap).
            if builtin::find(&agent.name).is_some() {
                let target = agent.path.canonicalize().ok();
                if target.is_some() && target.as_deref() == own_exe {
                    agent.provider = Provider::BuiltIn;
                }
            }
        }
    }
    agent
}

/// Finds the agent `spec`: a path if it contains `/`, else a name looked up
/// in `dirs` (then among the built-in agents).
pub fn resolve(spec: &str, dirs: &[PathBuf]) -> anyhow::Result<FoundAgent> {
    let own_exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    if spec.contains('/') {
        let path = PathBuf::from(spec);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(spec)
            .to_string();
        if std::fs::symlink_metadata(&path).is_err() {
            anyhow::bail!("no agent at {spec}: the file does not exist");
        }
        return checked(inspect(name, path, own_exe.as_deref()));
    }
    for dir in dirs {
        let path = dir.join(spec);
        if std::fs::symlink_metadata(&path).is_ok() {
            return checked(inspect(spec.to_string(), path, own_exe.as_deref()));
        }
    }
    if builtin::find(spec).is_some() {
        return Ok(FoundAgent {
            name: spec.to_string(),
            path: own_exe.unwrap_or_default(),
            provider: Provider::BuiltIn,
            problem: None,
            fingerprint: None,
            shadows: Vec::new(),
            in_agent_dir: false,
        });
    }
    Err(not_found(spec, dirs))
}

/// Why an agent name taken from a configuration (cluster.conf, the CIB, an
/// inventory) is not a bare file name, if it is not. Such names are only
/// ever looked up in the agent directories: a `/` would make them a path,
/// resolved against whatever the working directory is (issue 9).
pub fn configured_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the configuration names no agent".into());
    }
    if name.chars().any(crate::sys::text::is_control) {
        return Some(format!(
            "agent name '{}' holds {}: it is not a file name",
            crate::sys::text::escape_controls(name),
            name.chars()
                .find(|&c| crate::sys::text::is_control(c))
                .map_or("a control character", crate::sys::text::describe_control)
        ));
    }
    if name.contains('/') {
        return Some(format!(
            "cluster-glue plugin or path '{name}', which fencectl cannot run: it runs fence agents \
             only by their bare name from the agent directories, never a path (a stonith type with '/', \
             such as external/ipmi, is a cluster-glue plugin that Pacemaker runs through fence_legacy; \
             configure a fence agent such as fence_ipmilan instead)"
        ));
    }
    if name == "." || name == ".." {
        return Some(format!("'{name}' is not an agent name"));
    }
    None
}

/// Finds an agent named by a configuration: a bare name, looked up only in
/// `dirs` and among the built-in agents, never as a path.
pub fn resolve_configured(name: &str, dirs: &[PathBuf]) -> anyhow::Result<FoundAgent> {
    if let Some(problem) = configured_name_problem(name) {
        anyhow::bail!(problem);
    }
    resolve(name, dirs)
}

fn checked(agent: FoundAgent) -> anyhow::Result<FoundAgent> {
    match &agent.problem {
        Some(problem) => anyhow::bail!("cannot use agent {}: {problem}", agent.path.display()),
        None => Ok(agent),
    }
}

fn not_found(spec: &str, dirs: &[PathBuf]) -> anyhow::Error {
    let searched = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let known: Vec<String> = discover(dirs).agents.into_iter().map(|a| a.name).collect();
    let wanted = if is_agent_name(spec) {
        spec.to_string()
    } else {
        format!("fence_{spec}")
    };
    if !spec.starts_with("fence_") && known.contains(&wanted) {
        return anyhow::anyhow!(
            "no agent called '{spec}'; did you mean '{wanted}'? (agent names start with fence_)"
        );
    }
    let suggestion = crate::suggest::closest(spec, known.iter().map(String::as_str))
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    anyhow::anyhow!(
        "no agent called '{spec}' in {searched}{suggestion} \
         (run `fencectl list-installed` to see the agents; install more with \
         `apt-get install fence-agents`, or point --agent-dir at their directory)"
    )
}

/// Where fencectl looked, and how to get agents, for an empty result.
pub fn nothing_found_hint(dirs: &[PathBuf]) -> String {
    let searched = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "no fence agents found in {searched}: install them with `apt-get install fence-agents` \
         (Debian, Ubuntu) or `dnf install fence-agents-all` (RHEL, Fedora), or point \
         --agent-dir / FENCECTL_AGENT_PATH at the directory that holds your fence_* programs"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_names() {
        assert!(is_agent_name("fence_ipmilan"));
        assert!(is_agent_name("fence_ack_manual"));
        assert!(!is_agent_name("fence_"));
        assert!(!is_agent_name("fence_x.dpkg-old"));
        assert!(!is_agent_name("stonith"));
    }

    /// See issue 9: names from configurations never become paths.
    #[test]
    fn issue9_configured_agent_names_are_bare() {
        assert_eq!(configured_name_problem("fence_ipmilan"), None);
        assert_eq!(configured_name_problem("suicide"), None);
        for bad in [
            "",
            ".",
            "..",
            "external/ipmi",
            "../x",
            "./fence_x",
            "/usr/sbin/fence_x",
            "a\nb",
        ] {
            assert!(configured_name_problem(bad).is_some(), "{bad:?}");
        }
        assert!(configured_name_problem("external/ipmi")
            .unwrap()
            .starts_with("cluster-glue plugin"));
        let dir = tempfile::tempdir().unwrap();
        assert!(resolve_configured("external/ipmi", &[dir.path().to_path_buf()]).is_err());
    }
}
