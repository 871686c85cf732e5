//! The test harness: a `fencectl` command with a scrubbed environment and
//! its own cache, and fixture agents written into a temporary directory.

// A harness: not every test module uses every helper.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A private place for one test: cache, home and fixture agents.
pub struct Sandbox {
    root: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = tempfile::tempdir().expect("temp dir");
        for sub in ["cache", "home", "agents"] {
            std::fs::create_dir_all(root.path().join(sub)).expect("sandbox dirs");
        }
        Sandbox { root }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// Where [`Sandbox::agent`] writes fixture agents.
    pub fn agents_dir(&self) -> PathBuf {
        self.path().join("agents")
    }

    /// `fencectl` with none of the caller's colour, home or fencectl settings.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same, as a std Command (for spawning in the background).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("fencectl"));
        for var in [
            "NO_COLOR",
            "XDG_CACHE_HOME",
            "FENCECTL_AGENT_PATH",
            "FENCECTL_OVH_API_URL",
            "FENCECTL_LOG_FILE",
            "FENCECTL_LOCK_DIR",
            "COLUMNS",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", self.path().join("home"));
        cmd.env("FENCECTL_CACHE_DIR", self.cache_dir());
        cmd
    }

    /// Writes an executable fixture agent (a shell script body) called `name`.
    pub fn agent(&self, name: &str, script: &str) -> PathBuf {
        let path = self.agents_dir().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("write agent");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod agent");
        path
    }

    /// Writes a fixture agent that prints `metadata` for `-o metadata`.
    pub fn agent_with_metadata(&self, name: &str, metadata: &str) -> PathBuf {
        let file = self.path().join(format!("{name}.xml"));
        std::fs::write(&file, metadata).expect("write metadata");
        self.agent(name, &format!("cat '{}'", file.display()))
    }

    /// Writes a file in the sandbox.
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, contents).expect("write file");
        path
    }
}

/// A file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The installed fence-agents directory (the tests' real peers).
pub const SYSTEM_AGENTS: &str = "/usr/sbin";

/// Output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
