//! A real single-node Pacemaker cluster for tests (REFERENCE.md section 4):
//! corosync and pacemakerd on loopback inside a private network namespace,
//! so that nothing else on the machine talks to it.
//!
//! Corosync runs one instance per host, so a host-wide lock serialises every
//! test that starts a cluster (across test binaries and worktrees too).
//! Pacemaker's IPC uses abstract sockets, which belong to the namespace:
//! every command that talks to the cluster runs through [`Cluster::command`].

// A harness: not every test module uses every helper.
#![allow(dead_code)]

use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const LOCK_FILE: &str = "/run/lock/fencectl-cluster-test.lock";
const CIB_DIR: &str = "/var/lib/pacemaker/cib";
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running cluster; stopped and cleaned up when dropped.
pub struct Cluster {
    namespace: String,
    corosync: Option<Child>,
    pacemakerd: Option<Child>,
    /// Agent links placed in /usr/sbin for pacemaker-fenced, removed on drop.
    installed_agents: Vec<PathBuf>,
    _lock: File,
}

impl Cluster {
    /// Starts corosync and pacemakerd and waits until node1 is the DC.
    pub fn start() -> Cluster {
        let lock = take_lock();
        for daemon in ["corosync", "pacemakerd"] {
            assert!(
                !daemon_stays(daemon),
                "a {daemon} is already running on this machine; stop it before running the cluster tests"
            );
        }
        clean_cib();
        let namespace = format!("fencectl-test-{}", std::process::id());
        run_ok(Command::new("ip").args(["netns", "add", &namespace]));
        let mut cluster = Cluster {
            namespace,
            corosync: None,
            pacemakerd: None,
            installed_agents: Vec::new(),
            _lock: lock,
        };
        run_ok(cluster.command("ip").args(["link", "set", "lo", "up"]));
        cluster.corosync = Some(cluster.daemon("corosync", &["-f"]));
        std::thread::sleep(Duration::from_secs(1));
        cluster.pacemakerd = Some(cluster.daemon("/usr/sbin/pacemakerd", &[]));
        cluster.wait_for_dc();
        cluster
    }

    /// A command that runs `program` inside the cluster's namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.namespace])
            .arg(program);
        command
    }

    /// Runs `program args` inside the namespace and returns its output.
    pub fn run(&self, program: &str, args: &[&str]) -> Output {
        self.command(program)
            .args(args)
            .output()
            .expect("run in namespace")
    }

    /// Runs and requires exit 0, returning stdout.
    pub fn run_ok(&self, program: &str, args: &[&str]) -> String {
        let out = self.run(program, args);
        assert!(
            out.status.success(),
            "{program} {args:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The network namespace's name (for `ip netns exec`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Loads stonith primitives into the CIB and enables fencing.
    pub fn load_resources(&self, xml_file: &Path) {
        let file = xml_file.to_str().expect("utf-8 path");
        self.run_ok(
            "cibadmin",
            &["--create", "--scope", "resources", "--xml-file", file],
        );
        self.run_ok(
            "crm_attribute",
            &[
                "--type",
                "crm_config",
                "--name",
                "stonith-enabled",
                "--update",
                "true",
            ],
        );
    }

    /// Waits until pacemaker-fenced has registered `device`.
    pub fn wait_for_device(&self, device: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let out = self.run("stonith_admin", &["--list-registered"]);
            if String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == device)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!(
            "pacemaker-fenced never registered {device}: {}",
            self.log_tail()
        );
    }

    /// Places `target` in /usr/sbin as `name` (pacemaker-fenced only runs
    /// agents from there) until the cluster is dropped.
    pub fn install_agent(&mut self, name: &str, target: &Path) {
        let link = Path::new("/usr/sbin").join(name);
        assert!(
            !link.exists(),
            "{} already exists; refusing to replace it",
            link.display()
        );
        std::os::unix::fs::symlink(target, &link).expect("link agent into /usr/sbin");
        self.installed_agents.push(link);
    }

    /// The last lines of Pacemaker's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string("/var/log/pacemaker/pacemaker.log").unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    fn daemon(&self, program: &str, args: &[&str]) -> Child {
        self.command(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"))
    }

    fn wait_for_dc(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            let out = self.run("crm_mon", &["-1"]);
            if String::from_utf8_lossy(&out.stdout).contains("Current DC: node1") {
                return;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        panic!(
            "the test cluster did not elect node1 as DC in {START_TIMEOUT:?}: {}",
            self.log_tail()
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for link in self.installed_agents.drain(..) {
            let _ = std::fs::remove_file(link);
        }
        if let Some(child) = self.pacemakerd.take() {
            stop(child, Duration::from_secs(60));
            // pacemakerd's children, should any survive it
            let _ = Command::new("pkill")
                .args(["-KILL", "-f", "/usr/lib/pacemaker/"])
                .status();
        }
        if let Some(child) = self.corosync.take() {
            stop(child, Duration::from_secs(30));
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.namespace])
            .status();
        clean_cib();
    }
}

/// SIGTERM, wait up to `grace`, then SIGKILL.
fn stop(mut child: Child, grace: Duration) {
    // SAFETY: kill(2) on our own child's pid.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Whether a process called `daemon` runs and keeps running for 5 s: other
/// tests run fencectl beside this one, and fencectl asks `pacemakerd
/// --version` for the Pacemaker version, a process of that name that
/// exits at once.
fn daemon_stays(daemon: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let running = Command::new("pgrep")
            .args(["-x", daemon])
            .output()
            .expect("pgrep");
        if !running.status.success() {
            return false;
        }
        if Instant::now() >= deadline {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn take_lock() -> File {
    let file = File::create(LOCK_FILE).unwrap_or_else(|e| panic!("cannot create {LOCK_FILE}: {e}"));
    // SAFETY: flock(2) on a descriptor we own; blocks until the lock is ours.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(rc, 0, "flock {LOCK_FILE}");
    file
}

fn clean_cib() {
    if let Ok(entries) = std::fs::read_dir(CIB_DIR) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("cib") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn run_ok(command: &mut Command) {
    let out = command.output().expect("run command");
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The harness itself: a fence_dummy device fences node2 through the real
/// cluster. When this fails, the machine cannot run the cluster tests.
#[test]
fn cluster_harness_fences_through_pacemaker() {
    let sandbox = crate::support::Sandbox::new();
    let status_file = sandbox.file("dummy.status", b"on");
    let resources = sandbox.file(
        "stonith.xml",
        format!(
            r#"<primitive id="dummy" class="stonith" type="fence_dummy">
  <instance_attributes id="dummy-instance_attributes">
    <nvpair id="dummy-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="node2"/>
    <nvpair id="dummy-instance_attributes-type" name="type" value="file"/>
    <nvpair id="dummy-instance_attributes-status_file" name="status_file" value="{}"/>
  </instance_attributes>
</primitive>"#,
            status_file.display()
        )
        .as_bytes(),
    );
    let cluster = Cluster::start();
    cluster.load_resources(&resources);
    cluster.wait_for_device("dummy");
    cluster.run_ok("stonith_admin", &["--fence", "node2", "--timeout", "30"]);
    assert_eq!(std::fs::read_to_string(&status_file).unwrap(), "off");
    let history = cluster.run_ok("stonith_admin", &["--history", "node2"]);
    assert!(history.contains("successful"), "{history}");
}
