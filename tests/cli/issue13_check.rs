//! `fencectl check` (issue 13): the design lint, one fixture per rule
//! (tests/fixtures/check, written by its generate.py), in CIB and
//! cluster.conf form where the rule applies; the timeout budget; and live
//! probes against fence_dummy and the recording fixture agent, which never
//! send a power action, take no lock and write no audit record.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{fixture, text, Sandbox};

const RECORDER: &str = "fence_fctest_recorder";

fn lint_fixture(name: &str) -> PathBuf {
    fixture("check").join(name)
}

/// `fencectl check` with the fixture agents first, the lock dir and the
/// audit log inside the sandbox.
fn check(sandbox: &Sandbox, agent_dirs: &str) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_AGENT_PATH", agent_dirs)
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .arg("check");
    cmd
}

fn default_agents() -> String {
    format!("{}:/usr/sbin", fixture("agents").display())
}

/// Runs `check --offline --format json` on a fixture; returns (exit code, report).
fn lint(args: &[&str]) -> (i32, Value) {
    let sandbox = Sandbox::new();
    let out = check(&sandbox, &default_agents())
        .args(["--offline", "--format", "json"])
        .args(args)
        .output()
        .expect("run check");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

fn rules(report: &Value) -> Vec<String> {
    let mut rules: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

fn cib_args(name: &str) -> Vec<String> {
    vec![
        "--cib".into(),
        lint_fixture(&format!("{name}.cib.xml"))
            .display()
            .to_string(),
    ]
}

fn conf_args(name: &str) -> Vec<String> {
    vec![
        "--config".into(),
        lint_fixture(&format!("{name}.cluster.conf"))
            .display()
            .to_string(),
    ]
}

fn with(mut args: Vec<String>, flag: &str, file: &str) -> Vec<String> {
    args.push(flag.into());
    args.push(lint_fixture(file).display().to_string());
    args
}

fn run_lint(args: &[String]) -> (i32, Value) {
    lint(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The clean configurations find nothing, with the local files given too.
#[test]
fn issue13_good_configurations_are_clean() {
    let cib = with(
        with(cib_args("good"), "--corosync-conf", "good.corosync.conf"),
        "--sbd-config",
        "good.sbd",
    );
    let (code, report) = run_lint(&cib);
    assert_eq!((code, rules(&report)), (0, vec![]), "{report:#}");
    assert_eq!(report["not_checked"], serde_json::json!([]), "{report:#}");
    let (code, report) = run_lint(&cib_args("two-node-good"));
    assert_eq!((code, rules(&report)), (0, vec![]), "{report:#}");
    let (code, report) = run_lint(&conf_args("good"));
    assert_eq!((code, rules(&report)), (0, vec![]), "{report:#}");
}

/// A lint case: fixture, a local file flag and file, rule, exit code.
type RuleCase = (
    &'static str,
    Option<(&'static str, &'static str)>,
    &'static str,
    i32,
);

/// Each deliberately wrong CIB fires its rule (and only it), with the
/// exit code its severity calls for; every finding carries its element,
/// why, source and fix.
#[test]
fn issue13_each_rule_fires_on_its_cib() {
    // (fixture, extra local file, rule, exit code)
    let cases: &[RuleCase] = &[
        ("node-cannot-be-fenced", None, "node-cannot-be-fenced", 2),
        ("fencing-disabled", None, "fencing-disabled", 1),
        (
            "onboard-controller-only",
            None,
            "onboard-controller-only",
            0,
        ),
        (
            "agent-needs-healthy-target",
            None,
            "agent-needs-healthy-target",
            0,
        ),
        (
            "device-on-cluster-network",
            Some(("--corosync-conf", "device-on-cluster-network.corosync.conf")),
            "device-on-cluster-network",
            0,
        ),
        ("two-node-without-delay", None, "two-node-without-delay", 1),
        (
            "priority-fencing-delay-too-short",
            None,
            "priority-fencing-delay-too-short",
            0,
        ),
        ("ipmi-method-cycle", None, "ipmi-method-cycle", 0),
        (
            "device-action-parameter",
            None,
            "device-action-parameter",
            0,
        ),
        ("static-list-hosts", None, "static-list-hosts", 1),
        (
            "agent-timeouts-exceed-device-timeout",
            None,
            "agent-timeouts-exceed-device-timeout",
            1,
        ),
        (
            "sbd-disk-timeouts",
            Some(("--sbd-config", "sbd-disk-timeouts.sbd")),
            "sbd-disk-timeouts",
            1,
        ),
        (
            "sbd-diskless",
            Some(("--sbd-config", "sbd-diskless.sbd")),
            "sbd-diskless",
            1,
        ),
        (
            "device-depends-on-resource",
            None,
            "device-depends-on-resource",
            0,
        ),
        (
            "fence-resource-limitations",
            None,
            "fence-resource-limitations",
            1,
        ),
        ("plaintext-password", None, "plaintext-password", 0),
        ("deprecated-parameter", None, "deprecated-parameter", 0),
        (
            "startup-fencing-disabled",
            None,
            "startup-fencing-disabled",
            0,
        ),
    ];
    for (name, local, rule, code) in cases {
        let mut args = cib_args(name);
        if let Some((flag, file)) = local {
            args = with(args, flag, file);
        }
        let (got, report) = run_lint(&args);
        assert_eq!(rules(&report), vec![rule.to_string()], "{name}: {report:#}");
        assert_eq!(got, *code, "{name}: {report:#}");
        for finding in report["findings"].as_array().unwrap() {
            for field in ["severity", "element", "why", "source", "fix"] {
                assert!(
                    !finding[field].as_str().unwrap_or_default().is_empty(),
                    "{name}: {field} missing in {finding:#}"
                );
            }
        }
    }
    // The topology fixture: level index 10, a missing device, and dual
    // PDUs split over levels (node3 is then left with its IPMI only).
    let (code, report) = run_lint(&cib_args("fencing-topology"));
    assert_eq!(code, 1);
    let whys: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "fencing-topology")
        .map(|f| f["why"].as_str().unwrap())
        .collect();
    assert_eq!(whys.len(), 3, "{report:#}");
    assert!(whys.iter().any(|w| w.contains("index 10")), "{whys:?}");
    assert!(whys.iter().any(|w| w.contains("'ipmi9'")), "{whys:?}");
    assert!(
        whys.iter()
            .any(|w| w.contains("pdu1, pdu2 are in separate levels")),
        "{whys:?}"
    );
}

/// Warnings fail only with --strict; info never.
#[test]
fn issue13_strict_fails_on_warnings() {
    let mut args = cib_args("ipmi-method-cycle");
    args.push("--strict".into());
    assert_eq!(run_lint(&args).0, 1);
    let mut args = cib_args("plaintext-password");
    args.push("--strict".into());
    assert_eq!(run_lint(&args).0, 0);
}

/// The corosync.conf rule, and the rules that need local files: "not
/// checked" on a CIB file unless the files are given.
#[test]
fn issue13_local_file_rules() {
    let args = with(
        cib_args("good"),
        "--corosync-conf",
        "two-node-without-wait-for-all.corosync.conf",
    );
    let (code, report) = run_lint(&args);
    assert_eq!(
        rules(&report),
        ["two-node-without-wait-for-all"],
        "{report:#}"
    );
    assert_eq!(code, 0);
    let (_, report) = run_lint(&cib_args("good"));
    let skipped: Vec<&str> = report["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "device-on-cluster-network",
        "two-node-without-wait-for-all",
        "sbd-disk-timeouts",
        "sbd-diskless",
    ] {
        assert!(skipped.contains(&rule), "{rule} not in {skipped:?}");
    }
    assert!(report["not_checked"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not the local cluster"));
}

/// The rules that apply to cluster.conf fire on theirs.
#[test]
fn issue13_each_rule_fires_on_its_cluster_conf() {
    let cases: &[(&str, &str, i32)] = &[
        ("node-cannot-be-fenced", "node-cannot-be-fenced", 2),
        ("onboard-controller-only", "onboard-controller-only", 0),
        ("two-node-without-delay", "two-node-without-delay", 1),
        ("ipmi-method-cycle", "ipmi-method-cycle", 0),
        ("fencing-topology", "fencing-topology", 1),
        ("plaintext-password", "plaintext-password", 0),
        ("deprecated-parameter", "deprecated-parameter", 0),
        ("device-on-cluster-network", "device-on-cluster-network", 0),
    ];
    for (name, rule, code) in cases {
        let (got, report) = run_lint(&conf_args(name));
        assert_eq!(rules(&report), vec![rule.to_string()], "{name}: {report:#}");
        assert_eq!(got, *code, "{name}: {report:#}");
    }
}

/// Every rule of REFERENCE section 9 has its fixture here.
#[test]
fn issue13_every_rule_has_a_fixture() {
    for rule in fencectl::check::lint::RULES {
        let found = ["cib.xml", "cluster.conf", "corosync.conf", "sbd"]
            .iter()
            .any(|ext| lint_fixture(&format!("{}.{ext}", rule.name)).exists());
        assert!(found, "no fixture for rule {}", rule.name);
    }
}

/// The budget table: the timeout from pcmk_reboot_timeout, the agent's
/// need from its metadata, the delay that counts against the timeout.
#[test]
fn issue13_timeout_budget() {
    let (_, report) = run_lint(&cib_args("agent-timeouts-exceed-device-timeout"));
    let node1 = report["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["node"] == "node1")
        .unwrap();
    let row = &node1["rows"][0];
    assert_eq!(row["device"], "ipmi1");
    assert_eq!(row["timeout"], 20.0);
    assert_eq!(row["timeout_from"], "pcmk_reboot_timeout");
    // fence_ipmilan: login 5 + shell 3 + (power_timeout 20 + power_wait 2) x 2
    assert_eq!(row["agent_needs"], 52.0, "{row:#}");
    assert_eq!(row["retries"], 2);
    assert_eq!(node1["cluster_timeout"], 60.0);
    let table = Sandbox::new();
    let out = check(&table, &default_agents())
        .args(["--offline"])
        .args(cib_args("agent-timeouts-exceed-device-timeout"))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Timeout budget:"), "{stdout}");
    assert!(stdout.contains("52s (too long)"), "{stdout}");
    assert!(stdout.contains("pcmk_reboot_timeout"), "{stdout}");
}

/// A CIB for the probes: each node's level 1 is one device.
/// A probed device: node, primitive id, agent, parameters.
type ProbedDevice<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

fn probe_cib(sandbox: &Sandbox, devices: &[ProbedDevice<'_>]) -> PathBuf {
    let mut resources = String::new();
    let mut levels = String::new();
    let mut nodes = String::new();
    for (i, (node, id, agent, params)) in devices.iter().enumerate() {
        let pairs: String = params
            .iter()
            .map(|(k, v)| format!(r#"<nvpair id="{id}-{k}" name="{k}" value="{v}"/>"#))
            .collect();
        resources.push_str(&format!(
            r#"<primitive id="{id}" class="stonith" type="{agent}"><instance_attributes id="{id}-ia">{pairs}<nvpair id="{id}-hl" name="pcmk_host_list" value="{node}"/></instance_attributes></primitive>"#
        ));
        levels.push_str(&format!(
            r#"<fencing-level id="fl-{id}" index="1" target="{node}" devices="{id}"/>"#
        ));
        if !nodes.contains(&format!("\"{node}\"")) {
            nodes.push_str(&format!(r#"<node id="{}" uname="{node}"/>"#, i + 1));
        }
    }
    let xml = format!(
        r#"<cib><configuration><crm_config/><nodes>{nodes}</nodes><resources>{resources}</resources><constraints/><fencing-topology>{levels}</fencing-topology></configuration><status/></cib>"#
    );
    sandbox.file("probe.cib.xml", xml.as_bytes())
}

fn actions_recorded(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("action="))
        .map(str::to_string)
        .collect()
}

/// Probes: fence_dummy on, a recorder that lists the node, a failing
/// device, a device whose list lacks the node, a hanging device that is
/// cut at its timeout. Only monitor, list and status are sent; no lock
/// file and no audit record are written; the check fails (exit 1).
#[test]
fn issue13_probes_are_read_only_and_report_each_device() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let state = sandbox.file("dummy.state", b"on");
    let r = record.display().to_string();
    let s = state.display().to_string();
    let cib = probe_cib(
        &sandbox,
        &[
            ("node1", "dummy", "fence_dummy", &[("status_file", &s)]),
            (
                "node2",
                "rec-ok",
                RECORDER,
                &[
                    ("ip", "192.0.2.1"),
                    ("record_file", &r),
                    ("hosts", "node2,node9"),
                    ("password", "TOPSECRET"),
                ],
            ),
            (
                "node3",
                "rec-fail",
                RECORDER,
                &[("ip", "192.0.2.2"), ("record_file", &r), ("mode", "fail")],
            ),
            (
                "node4",
                "rec-nolist",
                RECORDER,
                &[("ip", "192.0.2.3"), ("record_file", &r), ("hosts", "node9")],
            ),
            (
                "node5",
                "rec-hang",
                RECORDER,
                &[
                    ("ip", "192.0.2.4"),
                    ("record_file", &r),
                    ("mode", "hang"),
                    ("pcmk_status_timeout", "2"),
                ],
            ),
        ],
    );
    let started = Instant::now();
    let out = check(&sandbox, &default_agents())
        .args(["--format", "json", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let probe = |node: &str| {
        report["probes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["node"] == node)
            .unwrap_or_else(|| panic!("no probe of {node}: {report:#}"))
            .clone()
    };
    assert_eq!(probe("node1")["state"], "ok", "{report:#}");
    assert_eq!(probe("node1")["power"], "on");
    assert_eq!(probe("node2")["state"], "ok", "{report:#}");
    let node2 = probe("node2");
    let calls: Vec<&str> = node2["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(calls, ["monitor", "list", "status"]);
    assert_eq!(probe("node3")["state"], "fail");
    assert!(probe("node3")["reason"]
        .as_str()
        .unwrap()
        .starts_with("monitor:"));
    assert_eq!(probe("node4")["state"], "fail");
    assert!(
        probe("node4")["reason"]
            .as_str()
            .unwrap()
            .contains("list does not name the node's plug 'node4'"),
        "{report:#}"
    );
    assert_eq!(probe("node5")["state"], "fail");
    assert!(
        probe("node5")["reason"].as_str().unwrap().contains("2s"),
        "{report:#}"
    );
    // Devices are probed concurrently: the hanging device's 2 s monitor
    // does not hold up the others; the whole check stays well within.
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    let mut actions = actions_recorded(&record);
    actions.sort();
    actions.dedup();
    assert_eq!(actions, ["list", "monitor", "status"]);
    assert!(!text(&out.stdout).contains("TOPSECRET"));
    assert!(
        !sandbox.path().join("fence.log").exists(),
        "an audit record was written"
    );
    assert!(
        !sandbox.path().join("locks").exists(),
        "a lock file was taken"
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "on");
    // The table: the matrix with OK and FAIL and the reason.
    let table = check(&sandbox, &default_agents())
        .args(["--cib"])
        .arg(&cib)
        .arg("node1")
        .arg("node3")
        .output()
        .unwrap();
    let stdout = text(&table.stdout);
    assert!(stdout.contains("OK (power on)"), "{stdout}");
    assert!(stdout.contains("FAIL: monitor:"), "{stdout}");
    assert!(!stdout.contains("node2"), "{stdout}");
    // -q: one line per problem.
    let quiet = check(&sandbox, &default_agents())
        .args(["-q", "--cib"])
        .arg(&cib)
        .args(["node1", "node3"])
        .output()
        .unwrap();
    let lines: Vec<String> = text(&quiet.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("node3: level 1 device rec-fail: FAIL"),
        "{lines:?}"
    );
    // All well: nothing printed, exit 0.
    let calm = check(&sandbox, &default_agents())
        .args(["-q", "--cib"])
        .arg(&cib)
        .arg("node1")
        .output()
        .unwrap();
    assert_eq!(calm.status.code(), Some(0), "{}", text(&calm.stderr));
    assert_eq!(text(&calm.stdout), "");
}

/// One session per physical device: primitives with the same agent and
/// address (different plugs) are probed one after another, different
/// addresses at the same time.
#[test]
fn issue13_one_session_per_physical_device() {
    let sandbox = Sandbox::new();
    let real = sandbox.path().join("real_recorder");
    std::fs::copy(fixture("agents").join(RECORDER), &real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = sandbox.path().join("sessions");
    sandbox.agent(
        RECORDER,
        &format!(
            r#"if [ "$1" = "-o" ]; then exec '{real}' "$@"; fi
input=$(cat)
ip=$(printf '%s\n' "$input" | sed -n 's/^ip=//p')
echo "start $ip $(date +%s%N)" >> '{log}'
printf '%s\n' "$input" | '{real}'
rc=$?
echo "end $ip $(date +%s%N)" >> '{log}'
exit $rc"#,
            real = real.display(),
            log = log.display()
        ),
    );
    let slow: &[(&str, &str)] = &[("mode", "slow")];
    let pdu_a1 = [("ip", "192.0.2.10"), ("port", "1"), slow[0]];
    let pdu_a2 = [("ip", "192.0.2.10"), ("port", "2"), slow[0]];
    let pdu_b = [("ip", "192.0.2.20"), ("port", "3"), slow[0]];
    let cib = probe_cib(
        &sandbox,
        &[
            ("node1", "pdu-a-1", RECORDER, &pdu_a1),
            ("node2", "pdu-a-2", RECORDER, &pdu_a2),
            ("node3", "pdu-b", RECORDER, &pdu_b),
        ],
    );
    let agents = format!("{}:/usr/sbin", sandbox.agents_dir().display());
    let started = Instant::now();
    let out = check(&sandbox, &agents)
        .args(["--format", "json", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    // (the fixture lists no plugs here, so the probes fail: only the
    // sessions matter in this test)
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sessions = std::fs::read_to_string(&log).unwrap();
    let mut intervals: Vec<(String, u128, u128)> = Vec::new();
    let mut open: Vec<(String, u128)> = Vec::new();
    for line in sessions.lines() {
        let parts: Vec<&str> = line.split(' ').collect();
        let (ip, t) = (parts[1].to_string(), parts[2].parse::<u128>().unwrap());
        if parts[0] == "start" {
            open.push((ip, t));
        } else {
            let i = open.iter().position(|(o, _)| *o == ip).unwrap();
            let (ip, start) = open.remove(i);
            intervals.push((ip, start, t));
        }
    }
    let a: Vec<_> = intervals.iter().filter(|i| i.0 == "192.0.2.10").collect();
    let b: Vec<_> = intervals.iter().filter(|i| i.0 == "192.0.2.20").collect();
    assert!(a.len() >= 4 && !b.is_empty(), "{sessions}\n{report:#}");
    for x in &a {
        for y in &a {
            if x != y {
                assert!(
                    x.2 <= y.1 || y.2 <= x.1,
                    "two sessions to one PDU at once:\n{sessions}"
                );
            }
        }
    }
    let overlap = a.iter().any(|x| b.iter().any(|y| x.1 < y.2 && y.1 < x.2));
    assert!(
        overlap,
        "different devices were not probed concurrently:\n{sessions}"
    );
    // --jobs 1: one device at a time, the sum.
    let serial_started = Instant::now();
    check(&sandbox, &agents)
        .args(["--format", "json", "--jobs", "1", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    assert!(serial_started.elapsed() > elapsed, "{elapsed:?}");
}

/// `check --cib-live` in the real single-node cluster: the live CIB is
/// read, corosync.conf is read for the local rules, and fence_dummy's
/// status probe for node2 answers "on" without changing anything.
#[test]
fn issue13_check_cib_live_in_the_cluster() {
    let sandbox = Sandbox::new();
    let status_file = sandbox.file("dummy.status", b"on");
    let resources = sandbox.file(
        "stonith.xml",
        format!(
            r#"<primitive id="dummy" class="stonith" type="fence_dummy">
  <instance_attributes id="dummy-instance_attributes">
    <nvpair id="dummy-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="node2"/>
    <nvpair id="dummy-instance_attributes-status_file" name="status_file" value="{}"/>
  </instance_attributes>
</primitive>"#,
            status_file.display()
        )
        .as_bytes(),
    );
    let cluster = crate::cluster::Cluster::start();
    cluster.load_resources(&resources);
    cluster.wait_for_device("dummy");
    let out = cluster
        .command(assert_cmd::cargo::cargo_bin("fencectl"))
        .env_remove("NO_COLOR")
        .env("HOME", sandbox.path().join("home"))
        .env("FENCECTL_CACHE_DIR", sandbox.cache_dir())
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args(["check", "--cib-live", "--format", "json", "node2"])
        .output()
        .expect("run fencectl check");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    assert_eq!(report["source"]["kind"], "cib-live", "{report:#}");
    let probe = &report["probes"][0];
    assert_eq!(probe["device"], "dummy", "{report:#}");
    assert_eq!(probe["state"], "ok", "{report:#}");
    assert_eq!(probe["power"], "on", "{report:#}");
    // corosync.conf was read: its rules are checked, not skipped.
    let skipped = report["not_checked"].to_string();
    assert!(
        !skipped.contains("two-node-without-wait-for-all"),
        "{skipped}"
    );
    // node2 is not a member of this one-node cluster: the lint says so.
    assert!(
        report["findings"]
            .to_string()
            .contains("node2 that is not a cluster node"),
        "{report:#}"
    );
    assert_eq!(std::fs::read_to_string(&status_file).unwrap(), "on");
    assert!(!sandbox.path().join("fence.log").exists());
    let history = cluster.run("stonith_admin", &["--history", "node2"]);
    assert!(
        !text(&history.stdout).contains("successful"),
        "{}",
        text(&history.stdout)
    );
}

/// The dual-layer example's CIB, as `generate cib` writes it.
fn dual_layer_cib(sandbox: &Sandbox) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pacemaker-dual-layer.toml");
    let out = sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .args(["generate", "cib"])
        .arg(example)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    sandbox.file("dual-layer.cib.xml", &out.stdout)
}

fn graph(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .arg("graph")
        .args(args)
        .output()
        .unwrap()
}

/// The SVG of the dual-layer example names every node and device; shared
/// devices are drawn once; the lint's finding (two nodes, no delay) marks
/// both nodes.
#[test]
fn issue13_graph_svg_of_the_dual_layer_example() {
    let sandbox = Sandbox::new();
    let cib = dual_layer_cib(&sandbox);
    let cib = cib.to_str().unwrap();
    let out = graph(&sandbox, &["--cib", cib, "-T", "svg"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Graphviz writes '-' as &#45; in text.
    let svg = text(&out.stdout).replace("&#45;", "-");
    assert!(svg.contains("<svg"), "{svg}");
    for name in [
        "pcmk-1",
        "pcmk-2",
        "pcmk-1-ipmi",
        "pcmk-2-ipmi",
        "pdu-1",
        "pdu-2",
        "198.51.100.11",
    ] {
        assert!(
            svg.contains(&format!(">{name}<")),
            "{name} missing from the SVG"
        );
    }
    let dot = text(&graph(&sandbox, &["--cib", cib]).stdout);
    assert_eq!(dot.matches("\"dev:pdu-1\" [").count(), 1, "{dot}");
    assert_eq!(dot.matches("\"dev:pdu-1\" ->").count(), 2, "{dot}");
    assert!(
        dot.contains("\"node:pcmk-1\" [shape=ellipse, label=\"pcmk-1\", color=\"#c00000\""),
        "{dot}"
    );
}

/// Mermaid: a node nothing can fence is drawn in red with the reason.
#[test]
fn issue13_graph_mermaid_marks_unfenceable_nodes() {
    let sandbox = Sandbox::new();
    let cib = lint_fixture("node-cannot-be-fenced.cib.xml");
    let out = graph(&sandbox, &["--cib", cib.to_str().unwrap(), "-T", "mermaid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mermaid = text(&out.stdout);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert!(
        mermaid.contains("n3([\"node4<br/>cannot be fenced\"])"),
        "{mermaid}"
    );
    assert!(mermaid.contains("class n3 error"), "{mermaid}");
    assert_eq!(mermaid.matches("[\"pdu1<br/>").count(), 1, "{mermaid}");
}

/// Without Graphviz, -T svg fails naming the package; --format json is a
/// usage error (the picture's format is -T).
#[test]
fn issue13_graph_svg_without_graphviz_and_format_json() {
    let sandbox = Sandbox::new();
    let cib = lint_fixture("good.cib.xml");
    let empty = sandbox.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .env("PATH", &empty)
        .args(["graph", "-T", "svg", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("graphviz"),
        "{}",
        text(&out.stderr)
    );
    let out = graph(
        &sandbox,
        &["--format", "json", "--cib", cib.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
}

/// `fence`'s device lock uses the same physical-device key: fencing two
/// nodes through two primitives of one PDU (same agent and address,
/// different plugs) takes one lock file; another address takes another.
#[test]
fn issue13_fence_lock_key_is_the_physical_device() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let r = record.display().to_string();
    let cib = probe_cib(
        &sandbox,
        &[
            (
                "node1",
                "pdu-a-1",
                RECORDER,
                &[("ip", "192.0.2.10"), ("port", "1"), ("record_file", &r)],
            ),
            (
                "node2",
                "pdu-a-2",
                RECORDER,
                &[("ip", "192.0.2.10"), ("port", "2"), ("record_file", &r)],
            ),
            (
                "node3",
                "pdu-b",
                RECORDER,
                &[("ip", "192.0.2.20"), ("port", "3"), ("record_file", &r)],
            ),
        ],
    );
    let locks = sandbox.path().join("locks");
    let lock_files = || std::fs::read_dir(&locks).map_or(0, |d| d.count());
    for (node, expected) in [("node1", 1), ("node2", 1), ("node3", 2)] {
        let out = sandbox
            .cmd()
            .env("FENCECTL_AGENT_PATH", default_agents())
            .env("FENCECTL_LOCK_DIR", &locks)
            .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
            .args(["fence", node, "--action", "off", "--no-delay", "--cib"])
            .arg(&cib)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(lock_files(), expected, "after fencing {node}");
    }
}

/// The examples: the cluster.conf files pass (the admin's original notes
/// keep their deprecated login/passwd, as the notes had them); the
/// dual-layer CIB (Pacemaker's guide) has the two-node delay finding the
/// README explains, and its inline passwords as information.
#[test]
fn issue13_examples_are_checked() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let api = examples.join("proxmox-ovh-api.cluster.conf");
    let (code, report) = lint(&["--config", api.to_str().unwrap()]);
    assert_eq!((code, rules(&report)), (0, vec![]), "{report:#}");
    let notes = examples.join("proxmox-ovh-notes.cluster.conf");
    let (code, report) = lint(&["--config", notes.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        rules(&report),
        ["deprecated-parameter", "plaintext-password"]
    );
    let sandbox = Sandbox::new();
    let cib = dual_layer_cib(&sandbox);
    let (code, report) = lint(&["--cib", cib.to_str().unwrap()]);
    assert_eq!(code, 1);
    // (its IPMI passwords are inline, as in the guide: info only)
    assert_eq!(
        rules(&report),
        ["plaintext-password", "two-node-without-delay"],
        "{report:#}"
    );
}
