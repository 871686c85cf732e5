//! The OVH API mock (tests/fixtures/ovh_mock.py) as a test fixture: started
//! on 127.0.0.1 (or inside a cluster's network namespace), stopped on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::fixture;

pub const AK: &str = "TDPKJdwZwAQPwKX2";
pub const AS: &str = "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk";
pub const CK: &str = "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY";
pub const SERVER: &str = "ns567890.ip-123-22-44.eu";
/// The mock's boot ids for SERVER: 101 disk, 102 rescue64-pro, 103
/// rescue-customer, 104 ipxe-shell.
pub const DISK_BOOT: u64 = 101;
pub const RESCUE_BOOT: u64 = 103;

pub struct OvhMock {
    child: Child,
    pub port: u16,
    pub record: PathBuf,
}

impl OvhMock {
    /// Starts the mock with `scenario` (keys of its state to replace).
    pub fn start(dir: &std::path::Path, scenario: serde_json::Value) -> OvhMock {
        Self::start_with(Command::new("python3"), dir, scenario)
    }

    /// Starts it through `launcher` (e.g. `ip netns exec NS python3`).
    pub fn start_with(
        mut launcher: Command,
        dir: &std::path::Path,
        scenario: serde_json::Value,
    ) -> OvhMock {
        let scenario_file = dir.join("ovh-scenario.json");
        std::fs::write(&scenario_file, scenario.to_string()).unwrap();
        let record = dir.join("ovh-requests.jsonl");
        let _ = std::fs::remove_file(&record);
        let port_file = dir.join("ovh-port");
        let _ = std::fs::remove_file(&port_file);
        let child = launcher
            .arg(fixture("ovh_mock.py"))
            .arg("--scenario")
            .arg(&scenario_file)
            .arg("--record")
            .arg(&record)
            .arg("--port-file")
            .arg(&port_file)
            .stdin(Stdio::null())
            .spawn()
            .expect("python3 runs the OVH mock");
        let deadline = Instant::now() + Duration::from_secs(20);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                break text.trim().parse().expect("port");
            }
            assert!(Instant::now() < deadline, "the OVH mock did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        OvhMock {
            child,
            port,
            record,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/1.0", self.port)
    }

    /// Every request the mock got, in order.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.record)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// `METHOD path` of every request, /auth/time left out.
    pub fn calls(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter(|r| r["path"] != "/1.0/auth/time")
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap().trim_start_matches("/1.0")
                )
            })
            .collect()
    }
}

impl Drop for OvhMock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
