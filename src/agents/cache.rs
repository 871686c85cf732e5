//! The metadata cache: what each agent printed for `-o metadata`, keyed by
//! the agent file's path and fingerprint, so that a second run starts no
//! agent. A missing, corrupt or foreign cache is rebuilt, never fatal.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::discovery::Fingerprint;
use super::runner::Ending;

const ENTRY_FORMAT: &str = "fencectl-metadata-cache";
const INDEX_FORMAT: &str = "fencectl-agent-index";
// 2: runs that timed out, were interrupted or crashed are no longer stored
// (version 1 caches may hold such failures as if they were the agent's answer).
const VERSION: u32 = 2;

/// Where the cache lives: `FENCECTL_CACHE_DIR`, else /var/cache/fencectl
/// for root, else `$XDG_CACHE_HOME/fencectl` or `~/.cache/fencectl`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FENCECTL_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return Some(PathBuf::from("/var/cache/fencectl"));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("fencectl"));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(".cache/fencectl"))
}

/// What one `agent -o metadata` run gave, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRun {
    /// Exit code, or None when it did not exit by itself.
    pub exit_code: Option<i32>,
    /// A reason when it did not exit 0.
    pub failure: Option<String>,
    /// The agent's own stdout bytes, unchanged.
    #[serde(skip)]
    pub stdout: Vec<u8>,
    /// Its stderr, lossily decoded (diagnostics only).
    pub stderr: String,
    /// It printed more than fencectl keeps: a stable property of the agent.
    #[serde(default)]
    pub overflowed: bool,
}

impl StoredRun {
    pub fn ok(&self) -> bool {
        self.exit_code == Some(0) && self.failure.is_none()
    }

    /// Whether this run says nothing stable about the agent: it timed out,
    /// was interrupted, or was killed by a signal (a crash, an OOM kill).
    /// Such a run is never cached; the next use runs the agent again. An
    /// agent that exits with a code (fence_ack_manual always exits 1) gave
    /// its answer, and that answer is cached.
    pub fn is_transient(&self) -> bool {
        self.exit_code.is_none() && self.failure.is_some() && !self.overflowed
    }

    /// Builds the stored form from a finished run.
    pub fn from_run(run: &super::runner::AgentRun, timeout: std::time::Duration) -> StoredRun {
        StoredRun {
            exit_code: match run.ending {
                Ending::Exited(code) => Some(code),
                _ => None,
            },
            failure: (!run.success()).then(|| run.failure_reason(timeout)),
            stdout: run.stdout.clone(),
            stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
            overflowed: run.ending == Ending::TooMuchOutput,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct EntryHeader {
    format: String,
    version: u32,
    path: PathBuf,
    fingerprint: Fingerprint,
    run: StoredRun,
}

/// What `list-installed` needs of one agent, kept in one index file so a
/// warm listing reads a single file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentSummary {
    /// The name in the metadata (fence_legacy reports fence_pcmk).
    pub reported_name: String,
    pub shortdesc: String,
    /// The `<symlink>` names the metadata lists.
    pub symlinks: Vec<String>,
    pub capabilities: Vec<String>,
    /// Why the metadata could not be read, if it could not.
    pub error: Option<String>,
    /// The error came from a run that timed out, was interrupted or
    /// crashed: not the agent's answer, so never stored in the index.
    #[serde(skip)]
    pub transient: bool,
}

/// The index file: written from a sorted map (a stable file), read into a
/// hash map (a warm listing looks every agent up in it).
#[derive(Serialize, Deserialize)]
struct Index<Entries> {
    format: String,
    version: u32,
    entries: Entries,
}

/// The index as read: each agent file's fingerprint and summary, by path.
pub type Summaries = HashMap<PathBuf, (Fingerprint, AgentSummary)>;

#[derive(Clone, Serialize, Deserialize)]
struct IndexEntry {
    fingerprint: Fingerprint,
    summary: AgentSummary,
}

/// The cache directory, or nothing when there is none (then every lookup
/// misses and every store is skipped).
#[derive(Debug, Clone)]
pub struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    pub fn new(dir: Option<PathBuf>) -> Cache {
        Cache { dir }
    }

    pub fn open_default() -> Cache {
        Cache::new(default_dir())
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn entry_path(&self, agent_path: &Path) -> Option<PathBuf> {
        let name = agent_path.file_name()?.to_string_lossy().into_owned();
        let hash = fnv1a(agent_path.as_os_str().as_encoded_bytes());
        Some(
            self.dir
                .as_ref()?
                .join("metadata-v1")
                .join(format!("{name}.{hash:016x}")),
        )
    }

    /// The stored run for this agent file, if its fingerprint still matches.
    pub fn load_run(&self, agent_path: &Path, fingerprint: Fingerprint) -> Option<StoredRun> {
        let bytes = std::fs::read(self.entry_path(agent_path)?).ok()?;
        let newline = bytes.iter().position(|&b| b == b'\n')?;
        let header: EntryHeader = serde_json::from_slice(&bytes[..newline]).ok()?;
        let current = header.format == ENTRY_FORMAT
            && header.version == VERSION
            && header.path == agent_path
            && header.fingerprint == fingerprint;
        current.then(|| StoredRun {
            stdout: bytes[newline + 1..].to_vec(),
            ..header.run
        })
    }

    /// Stores a run; failures to write are ignored (the cache is an
    /// optimisation). A transient failure is not stored.
    pub fn store_run(&self, agent_path: &Path, fingerprint: Fingerprint, run: &StoredRun) {
        if run.is_transient() {
            return;
        }
        let Some(path) = self.entry_path(agent_path) else {
            return;
        };
        let header = EntryHeader {
            format: ENTRY_FORMAT.into(),
            version: VERSION,
            path: agent_path.to_path_buf(),
            fingerprint,
            run: run.clone(),
        };
        let Ok(mut bytes) = serde_json::to_vec(&header) else {
            return;
        };
        bytes.push(b'\n');
        bytes.extend_from_slice(&run.stdout);
        let _ = write_atomically(&path, &bytes);
    }

    /// The summaries in the index, with the fingerprints they were made
    /// for (the caller compares them with the files').
    pub fn load_summaries(&self) -> Summaries {
        let Some(dir) = &self.dir else {
            return Summaries::new();
        };
        let Ok(bytes) = std::fs::read(dir.join("agents-v1.json")) else {
            return Summaries::new();
        };
        match serde_json::from_slice::<Index<HashMap<PathBuf, IndexEntry>>>(&bytes) {
            Ok(index) if index.format == INDEX_FORMAT && index.version == VERSION => index
                .entries
                .into_iter()
                .map(|(path, entry)| (path, (entry.fingerprint, entry.summary)))
                .collect(),
            _ => Summaries::new(),
        }
    }

    /// Replaces the index.
    pub fn store_summaries(&self, summaries: &BTreeMap<PathBuf, (Fingerprint, AgentSummary)>) {
        let Some(dir) = &self.dir else { return };
        let index: Index<BTreeMap<PathBuf, IndexEntry>> = Index {
            format: INDEX_FORMAT.into(),
            version: VERSION,
            entries: summaries
                .iter()
                .map(|(path, (fingerprint, summary))| {
                    (
                        path.clone(),
                        IndexEntry {
                            fingerprint: *fingerprint,
                            summary: summary.clone(),
                        },
                    )
                })
                .collect(),
        };
        if let Ok(bytes) = serde_json::to_vec(&index) {
            let _ = write_atomically(&dir.join("agents-v1.json"), &bytes);
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so that readers never see half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    crate::sys::fs::write_atomic(path, bytes, crate::sys::fs::FileMode::Exactly(0o600)).map(drop)
}

/// FNV-1a: a stable hash for file names (std's hasher is not stable across releases).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint() -> Fingerprint {
        Fingerprint {
            size: 1,
            mtime_ns: 2,
            inode: 3,
            device: 4,
        }
    }

    #[test]
    fn round_trip_and_staleness() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path().to_path_buf()));
        let agent = Path::new("/usr/sbin/fence_x");
        let run = StoredRun {
            exit_code: Some(0),
            failure: None,
            stdout: b"<x>\n\xff".to_vec(),
            stderr: String::new(),
            overflowed: false,
        };
        cache.store_run(agent, fingerprint(), &run);
        assert_eq!(cache.load_run(agent, fingerprint()), Some(run));
        let changed = Fingerprint {
            size: 9,
            ..fingerprint()
        };
        assert_eq!(cache.load_run(agent, changed), None);
    }

    #[test]
    fn transient_failures_are_not_stored_but_exit_codes_are() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path().to_path_buf()));
        let agent = Path::new("/usr/sbin/fence_x");
        let timed_out = StoredRun {
            exit_code: None,
            failure: Some("timed out after 2s".into()),
            stdout: Vec::new(),
            stderr: String::new(),
            overflowed: false,
        };
        cache.store_run(agent, fingerprint(), &timed_out);
        assert_eq!(cache.load_run(agent, fingerprint()), None);
        let usage = StoredRun {
            exit_code: Some(1),
            failure: Some("exited 1".into()),
            ..timed_out
        };
        cache.store_run(agent, fingerprint(), &usage);
        assert_eq!(cache.load_run(agent, fingerprint()), Some(usage));
    }

    #[test]
    fn corrupt_files_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path().to_path_buf()));
        let agent = Path::new("/usr/sbin/fence_x");
        let entry = cache.entry_path(agent).unwrap();
        std::fs::create_dir_all(entry.parent().unwrap()).unwrap();
        std::fs::write(&entry, b"{not json\n").unwrap();
        std::fs::write(dir.path().join("agents-v1.json"), b"\x00\x01").unwrap();
        assert_eq!(cache.load_run(agent, fingerprint()), None);
        assert!(cache.load_summaries().is_empty());
    }
}
