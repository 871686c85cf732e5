//! `fencectl fence`: plans and runs against the real fence_dummy and a
//! fixture agent that records what it receives.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{fixture, text, Sandbox};

const RECORDER: &str = "fence_fctest_recorder";

fn fixture_agents() -> PathBuf {
    fixture("agents")
}

/// Agent dirs: the fixtures first, then the real agents.
fn agent_path() -> String {
    format!("{}:/usr/sbin", fixture_agents().display())
}

fn fence(sandbox: &Sandbox) -> assert_cmd::Command {
    assert_cmd::Command::from_std(fence_std(sandbox))
}

fn fence_std(sandbox: &Sandbox) -> std::process::Command {
    let mut cmd = sandbox.std_cmd();
    cmd.env("FENCECTL_AGENT_PATH", agent_path())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .arg("fence");
    cmd
}

/// The records the fixture agent wrote: one Vec of lines per run.
fn records(path: &Path) -> Vec<Vec<String>> {
    let content = std::fs::read_to_string(path).unwrap_or_default();
    content
        .split("--\n")
        .filter(|r| !r.is_empty())
        .map(|r| r.lines().map(str::to_string).collect())
        .collect()
}

fn actions(path: &Path) -> Vec<String> {
    records(path)
        .iter()
        .map(|r| {
            r.iter()
                .rev()
                .find_map(|l| l.strip_prefix("action="))
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// A cluster.conf with one recorder device per method for node1.
fn cluster_conf(sandbox: &Sandbox, methods: &[&[(&str, &str)]]) -> PathBuf {
    let record = sandbox.path().join("record");
    let mut devices = String::new();
    let mut fence = String::new();
    for (m, method) in methods.iter().enumerate() {
        fence.push_str(&format!("<method name=\"{}\">", m + 1));
        for (d, (mode, action)) in method.iter().enumerate() {
            let name = format!("rec{}{}", m + 1, d + 1);
            devices.push_str(&format!(
                "<fencedevice name=\"{name}\" agent=\"{RECORDER}\" ip=\"192.0.2.{}\" username=\"admin\" password=\"TOPSECRET\" mode=\"{mode}\" record_file=\"{}\"/>\n",
                m * 10 + d,
                record.display()
            ));
            let action = if action.is_empty() {
                String::new()
            } else {
                format!(" action=\"{action}\"")
            };
            fence.push_str(&format!(
                "<device name=\"{name}\" port=\"{}\"{action}/>",
                d + 1
            ));
        }
        fence.push_str("</method>");
    }
    sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<fencedevices>\n{devices}</fencedevices>\n\
             <clusternodes>\n<clusternode name=\"node1\" nodeid=\"1\"><fence>{fence}</fence></clusternode>\n\
             <clusternode name=\"node2\" nodeid=\"2\"/>\n</clusternodes>\n</cluster>\n"
        )
        .as_bytes(),
    )
}

#[test]
fn cluster_conf_arguments_follow_libfence() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("ok", "off")]]);
    fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .assert()
        .success()
        .stdout("fence node1 success\n");
    let record = sandbox.path().join("record");
    assert_eq!(
        records(&record),
        [[
            "port=1",
            "action=off",
            "nodename=node1",
            &format!("agent={RECORDER}"),
            "ip=192.0.2.0",
            "username=admin",
            "password=TOPSECRET",
            "mode=ok",
            &format!("record_file={}", record.display()),
        ]
        .map(str::to_string)]
    );
}

#[test]
fn explicit_action_is_sent_last_with_a_warning() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("ok", "off")]]);
    let out = fence(&sandbox)
        .args(["node1", "--action", "reboot", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("--action reboot overrides it"),
        "{}",
        text(&out.stderr)
    );
    let record = &records(&sandbox.path().join("record"))[0];
    assert_eq!(record.last().unwrap(), "action=reboot");
    assert_eq!(record[1], "action=off");
}

#[test]
fn option_attribute_is_sent_as_action() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let conf = sandbox.file(
        "cluster.conf",
        format!(
            "<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"r\" agent=\"{RECORDER}\" record_file=\"{}\"/></fencedevices>\
             <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"r\" option=\"off\"/></method></fence></clusternode></clusternodes></cluster>",
            record.display()
        )
        .as_bytes(),
    );
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("option=\"off\" is the retired name of action"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(records(&record)[0][0], "action=off");
}

#[test]
fn fence_dummy_really_powers_off_and_status_reports_it() {
    let sandbox = Sandbox::new();
    let status = sandbox.file("dummy.status", b"on");
    let conf = sandbox.file(
        "cluster.conf",
        format!(
            "<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"d\" agent=\"fence_dummy\" type=\"file\" status_file=\"{}\"/></fencedevices>\
             <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"d\" action=\"off\"/></method></fence></clusternode></clusternodes></cluster>",
            status.display()
        )
        .as_bytes(),
    );
    let out = fence(&sandbox)
        .args(["node1", "--action", "status", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Status of node1: ON"));
    fence(&sandbox)
        .args(["node1", "-v", "--config"])
        .arg(&conf)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&status).unwrap(), "off");
    let out = fence(&sandbox)
        .args(["node1", "--action", "status", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "status off exits 3");
    assert!(text(&out.stdout).contains("Status of node1: OFF"));
    // the audit log has the runs, and history shows them
    let history = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .args(["history", "node1", "--format", "json"])
        .output()
        .unwrap();
    let history: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    let runs = history["records"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[1]["result"], "success");
    assert_eq!(runs[2]["result"], "off");
}

#[test]
fn first_method_that_succeeds_ends_it() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(
        &sandbox,
        &[&[("fail", "off")], &[("ok", "off")], &[("ok", "off")]],
    );
    let out = fence(&sandbox)
        .args(["node1", "-v", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "fence node1 dev 1.1 agent {RECORDER} result: error from agent"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "fence node1 dev 2.1 agent {RECORDER} result: success"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("dev 3.1"));
    assert_eq!(records(&sandbox.path().join("record")).len(), 2);
}

#[test]
fn dual_power_supplies_in_cluster_conf_run_in_document_order() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(
        &sandbox,
        &[&[("ok", "off"), ("ok", "off"), ("ok", "on"), ("ok", "on")]],
    );
    fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .assert()
        .success();
    assert_eq!(
        actions(&sandbox.path().join("record")),
        ["off", "off", "on", "on"]
    );
}

#[test]
fn every_failure_is_reported_as_a_failure() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("fail", "off")]]);
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("fence node1 failed"), "{stderr}");
    assert!(stderr.contains("node1 was NOT fenced"), "{stderr}");
    assert!(stderr.contains("fixture failure for off"), "{stderr}");
    assert!(text(&out.stdout).is_empty());
}

fn child_is_gone(record: &Path) -> bool {
    let pid = std::fs::read_to_string(record.with_extension("child")).unwrap_or_default();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    stat.is_empty() || stat.contains(") Z ")
}

#[test]
fn hanging_agent_is_killed_with_its_children_at_the_timeout() {
    for mode in ["hang", "ignore-term"] {
        let sandbox = Sandbox::new();
        let conf = cluster_conf(&sandbox, &[&[(mode, "off")]]);
        let started = Instant::now();
        let out = fence(&sandbox)
            .args(["node1", "--timeout", "2s", "--config"])
            .arg(&conf)
            .output()
            .unwrap();
        let elapsed = started.elapsed();
        assert_eq!(out.status.code(), Some(1), "{mode}");
        assert!(
            text(&out.stderr).contains("timed out after 2s"),
            "{mode}: {}",
            text(&out.stderr)
        );
        // timeout 2 s + 2 s grace between SIGTERM and SIGKILL, plus start-up
        assert!(elapsed < Duration::from_secs(8), "{mode}: took {elapsed:?}");
        assert!(
            child_is_gone(&sandbox.path().join("record")),
            "{mode}: the agent's child survived"
        );
    }
}

#[test]
fn crash_flood_and_missing_agents_fail_clearly() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("crash", "off")]]);
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("killed by signal 11"),
        "{}",
        text(&out.stderr)
    );

    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("flood", "off")]]);
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("more output"),
        "{}",
        text(&out.stderr)
    );

    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "cluster.conf",
        b"<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"x\" agent=\"fence_nonexistent\"/></fencedevices>\
          <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"x\"/><device name=\"nosuch\"/></method></fence></clusternode></clusternodes></cluster>",
    );
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no agent called 'fence_nonexistent'"),
        "{stderr}"
    );
    let out = fence(&sandbox)
        .args(["node1", "--dry-run", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("no <fencedevice> has that name"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn unknown_node_and_no_method() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("ok", "off")]]);
    let out = fence(&sandbox)
        .args(["node9", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    // fence_node's "undefined" (issue 10)
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown node 'node9'"));
    assert!(
        text(&out.stderr).contains("known nodes: node1, node2"),
        "{}",
        text(&out.stderr)
    );
    let out = fence(&sandbox)
        .args(["node2", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "no method: {}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("no fencing method or level can fence node node2"));
}

#[test]
fn no_password_on_a_command_line_or_in_output() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("hang", "off")]]);
    let child = fence_std(&sandbox)
        .args(["node1", "-vvv", "--timeout", "5s", "--config"])
        .arg(&conf)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let record = sandbox.path().join("record");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !record.with_extension("child").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let sleeper = std::fs::read_to_string(record.with_extension("child")).unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", sleeper.trim())).unwrap();
    let agent_pid = stat
        .rsplit(") ")
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap();
    let cmdline = std::fs::read(format!("/proc/{agent_pid}/cmdline")).unwrap();
    assert!(
        text(&cmdline).contains(RECORDER),
        "found the agent: {}",
        text(&cmdline)
    );
    assert!(!text(&cmdline).contains("TOPSECRET"));
    let out = child.wait_with_output().unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(
        all.contains("agent args: port=1 action=off nodename=node1"),
        "{all}"
    );
    assert!(all.contains("password=********"), "{all}");
    assert!(!all.contains("TOPSECRET"), "{all}");
    let log = std::fs::read_to_string(sandbox.path().join("fence.log")).unwrap();
    assert!(!log.contains("TOPSECRET") && log.contains("********"));
    // agent output echoed at -vvv is masked too
    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "cluster.conf",
        b"<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"d\" agent=\"fence_dummy\" type=\"file\" status_file=\"/dev/null\" passwd=\"TOPSECRET\"/></fencedevices>\
          <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"d\" action=\"status\"/></method></fence></clusternode></clusternodes></cluster>",
    );
    let out = fence(&sandbox)
        .args(["node1", "-vvv", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Ignoring unknown option 'passwd=********'"),
        "{stderr}"
    );
    assert!(!stderr.contains("TOPSECRET"));
    let shown = fence(&sandbox)
        .args(["node1", "-vv", "--dry-run", "--show-secrets", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(text(&shown.stdout).contains("passwd=TOPSECRET"));
}

#[test]
fn ovh_notes_example_dry_run_masks_the_password() {
    let sandbox = Sandbox::new();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/proxmox-ovh-notes.cluster.conf");
    let out = fence(&sandbox)
        .args(["ns567890.ip-123-22-44.eu", "-vv", "--dry-run", "--config"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("fence01") && stdout.contains("fence_ovh"),
        "{stdout}"
    );
    assert!(stdout.contains("    action=off\n    nodename=ns567890.ip-123-22-44.eu\n    agent=fence_ovh\n    plug=ns567890.ip-123-22-44.eu\n    login=ab12345-ovh\n    passwd=********\n    power_wait=5\n"), "{stdout}");
    assert!(!stdout.contains("TOPSECRET"));
    assert!(
        !sandbox.path().join("fence.log").exists(),
        "a dry run is not logged"
    );
}

#[test]
fn json_gives_the_plan_and_the_result() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("ok", "off")]]);
    let out = fence(&sandbox)
        .args(["node1", "--format", "json", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success());
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["result"], "success");
    assert_eq!(value["outcome"]["steps"][0]["ok"], true);
    let args = &value["plan"]["stages"][0]["steps"][0]["args"];
    assert!(args
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "password" && a["value"] == "********"));
    assert!(!text(&out.stdout).contains("TOPSECRET"));
}

#[test]
fn two_runs_on_one_device_take_turns() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("slow", "off")]]);
    let first = fence_std(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let second = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success() && second.status.success());
    assert!(
        text(&second.stderr).contains("in use by another fencectl; waiting"),
        "{}",
        text(&second.stderr)
    );
}

// ---- CIB ----

fn cib(sandbox: &Sandbox, resources: &str, topology: &str) -> PathBuf {
    sandbox.file(
        "cib.xml",
        format!(
            r#"<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="node1"><instance_attributes id="node1-attrs"><nvpair id="node1-rack" name="rack" value="r1"/></instance_attributes></node>
      <node id="2" uname="node2"/>
    </nodes>
    <resources>{resources}</resources>
    <constraints/>
    {topology}
  </configuration>
  <status/>
</cib>"#
        )
        .as_bytes(),
    )
}

fn recorder_primitive(id: &str, record: &Path, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("ip", "192.0.2.9".to_string()),
        ("password", "TOPSECRET".to_string()),
        ("record_file", record.display().to_string()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    let nvpairs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(r#"<nvpair id="{id}-instance_attributes-{k}" name="{k}" value="{v}"/>"#)
        })
        .collect();
    format!(
        r#"<primitive id="{id}" class="stonith" type="{RECORDER}"><instance_attributes id="{id}-instance_attributes">{nvpairs}</instance_attributes></primitive>"#
    )
}

#[test]
fn cib_arguments_are_pacemaker_fenceds() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive(
        "rec",
        &record,
        &[
            ("pcmk_host_map", "node1:plug1;node2:plug2"),
            ("pcmk_off_timeout", "90s"),
            ("pcmk_off_retries", "0"),
        ],
    );
    let file = cib(&sandbox, &resources, "");
    let out = fence(&sandbox)
        .args(["node1", "--action", "off", "-vv", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut got = records(&record)[0].clone();
    got.sort();
    let mut want: Vec<String> = [
        "action=off".to_string(),
        "nodename=node1".into(),
        "port=plug1".into(),
        "ip=192.0.2.9".into(),
        "password=TOPSECRET".into(),
        format!("record_file={}", record.display()),
    ]
    .to_vec();
    want.sort();
    assert_eq!(got, want);
    let dry = fence(&sandbox)
        .args(["node1", "--action", "off", "--dry-run", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = text(&dry.stdout);
    assert!(
        stdout.contains("1m30s") || stdout.contains("90s"),
        "{stdout}"
    );
}

#[test]
fn levels_run_by_index_and_a_failed_level_falls_through() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive(
        "bad",
        &record,
        &[("mode", "fail"), ("pcmk_host_list", "node1")],
    ) + &recorder_primitive("good", &record, &[("pcmk_host_list", "node1")]);
    let topology = r#"<fencing-topology>
      <fencing-level id="l2" index="2" target-attribute="rack" target-value="r1" devices="good"/>
      <fencing-level id="l1" index="1" target-attribute="rack" target-value="r1" devices="bad"/>
      <fencing-level id="p1" index="1" target-pattern="^node[0-9]$" devices="good"/>
    </fencing-topology>"#;
    let file = cib(&sandbox, &resources, topology);
    let out = fence(&sandbox)
        .args(["node1", "-v", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let first = stderr.find("dev 1.1").unwrap();
    let second = stderr.find("dev 2.1").unwrap();
    assert!(first < second, "{stderr}");
    // retries: pcmk_off_retries defaults to 2, so the failing device ran 3 times
    assert_eq!(records(&record).len(), 4, "{stderr}");
    // like the fencer, one target's levels only: never the pattern's too
    assert!(stderr.contains("2 fencing targets match node1"), "{stderr}");

    // the node's own name wins over patterns and attributes
    let exact = r#"<fencing-topology>
      <fencing-level id="l1" index="1" target-attribute="rack" target-value="r1" devices="bad"/>
      <fencing-level id="n1" index="1" target="node1" devices="good"/>
    </fencing-topology>"#;
    let file = cib(&sandbox, &resources, exact);
    let out = fence(&sandbox)
        .args(["node1", "--action", "off", "--dry-run", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    let plan = text(&out.stdout);
    assert!(plan.contains("good") && !plan.contains("bad"), "{plan}");
}

#[test]
fn multi_device_reboot_is_all_off_then_all_on() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive("psu1", &record, &[("pcmk_host_list", "node1")])
        + &recorder_primitive("psu2", &record, &[("pcmk_host_list", "node1")]);
    let topology = r#"<fencing-topology><fencing-level id="l1" index="1" target="node1" devices="psu1,psu2"/></fencing-topology>"#;
    let file = cib(&sandbox, &resources, topology);
    let out = fence(&sandbox)
        .args(["node1", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(actions(&record), ["off", "off", "on", "on"]);
}

#[test]
fn cib_static_lists_choose_devices_and_unknown_nodes_are_errors() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive("a", &record, &[("pcmk_host_list", "node2")]);
    let file = cib(&sandbox, &resources, "");
    let out = fence(&sandbox)
        .args(["node1", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = fence(&sandbox)
        .args(["node7", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("known nodes: node1, node2"),
        "{}",
        text(&out.stderr)
    );
    fence(&sandbox)
        .args(["node2", "--cib"])
        .arg(&file)
        .assert()
        .success();
}

/// pacemaker-fenced, asked by `stonith_admin --fence`, sends the agent the
/// same arguments that fencectl shows and sends for the same CIB and node.
#[test]
fn pacemaker_fenced_sends_what_fencectl_shows() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = sandbox.file(
        "stonith.xml",
        recorder_primitive(
            "rec",
            &record,
            &[("pcmk_host_list", "node2"), ("username", "admin")],
        )
        .as_bytes(),
    );
    let mut cluster = crate::cluster::Cluster::start();
    cluster.install_agent(RECORDER, &fixture_agents().join(RECORDER));
    cluster.load_resources(&resources);
    cluster.wait_for_device("rec");
    cluster.run_ok("stonith_admin", &["--fence", "node2", "--timeout", "30"]);
    let by_pacemaker = records(&record)
        .into_iter()
        .rfind(|r| r.iter().any(|l| l == "nodename=node2"))
        .unwrap_or_else(|| {
            panic!(
                "pacemaker-fenced never ran the agent for node2: {:?}",
                records(&record)
            )
        });

    let out = cluster
        .command(assert_cmd::cargo::cargo_bin("fencectl"))
        .env("FENCECTL_CACHE_DIR", sandbox.cache_dir())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args([
            "fence",
            "node2",
            "--cib-live",
            "--action",
            "off",
            "-vv",
            "--show-secrets",
            // a cluster runs here: confirm fencing around it (issue 14)
            "--yes",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let shown = stderr
        .lines()
        .find_map(|l| l.strip_prefix("agent args: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    let mut shown: Vec<String> = shown.split(' ').map(str::to_string).collect();
    let mut sent = records(&record).pop().unwrap();
    let mut expected = by_pacemaker.clone();
    for list in [&mut shown, &mut sent, &mut expected] {
        list.sort();
    }
    assert_eq!(shown, expected, "fencectl -vv vs pacemaker-fenced");
    assert_eq!(sent, expected, "what fencectl sent vs pacemaker-fenced");
}

#[test]
fn unfencing_runs_the_unfence_devices_with_on() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let conf = sandbox.file(
        "cluster.conf",
        format!(
            "<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"scsi\" agent=\"{RECORDER}\" record_file=\"{}\"/></fencedevices>\
             <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"scsi\"/></method></fence>\
             <unfence><device name=\"scsi\" action=\"on\"/></unfence></clusternode></clusternodes></cluster>",
            record.display()
        )
        .as_bytes(),
    );
    fence(&sandbox)
        .args(["node1", "-U", "--config"])
        .arg(&conf)
        .assert()
        .success()
        .stdout("unfence node1 success\n");
    assert_eq!(actions(&record), ["on"]);
    assert_eq!(
        records(&record)[0]
            .iter()
            .filter(|l| l.starts_with("action="))
            .count(),
        1,
        "sent as configured"
    );

    let record = sandbox.path().join("record-cib");
    let primitive = recorder_primitive("fabric", &record, &[("pcmk_host_list", "node1")]).replace(
        "</primitive>",
        r#"<meta_attributes id="fabric-meta_attributes"><nvpair id="fabric-meta_attributes-provides" name="provides" value="unfencing"/></meta_attributes></primitive>"#,
    );
    let file = cib(
        &sandbox,
        &(primitive + &recorder_primitive("power", &record, &[("pcmk_host_list", "node1")])),
        "",
    );
    fence(&sandbox)
        .args(["node1", "--unfence", "--cib"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        actions(&record),
        ["on"],
        "only the device that provides unfencing"
    );
}

#[test]
fn dynamic_lists_are_asked_or_decided_at_run_time() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive("dyn", &record, &[("hosts", "node1,node3")]);
    let file = cib(&sandbox, &resources, "");
    let out = fence(&sandbox)
        .args(["node3", "--dry-run", "--offline", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("decided at run time (dynamic-list"),
        "{}",
        text(&out.stdout)
    );
    assert!(records(&record).is_empty(), "--offline asks no device");
    let out = fence(&sandbox)
        .args(["node3", "--dry-run", "-v", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("asked device dyn (dynamic-list)"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        actions(&record),
        ["list"],
        "a dry run asks only read-only questions"
    );
    let out = fence(&sandbox)
        .args(["node2", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "node2 is not in the device's list: {}",
        text(&out.stderr)
    );
}

#[test]
fn delays_are_planned_and_no_delay_skips_them() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = recorder_primitive(
        "slowpoke",
        &record,
        &[
            ("pcmk_host_list", "node1 node2"),
            ("pcmk_delay_base", "node1:20s;node2:0s"),
            ("pcmk_delay_max", "30s"),
        ],
    );
    let file = cib(&sandbox, &resources, "");
    let out = fence(&sandbox)
        .args(["node1", "--dry-run", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("20s..30s"),
        "{}",
        text(&out.stdout)
    );
    let started = Instant::now();
    fence(&sandbox)
        .args(["node1", "--no-delay", "--cib"])
        .arg(&file)
        .assert()
        .success();
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn interrupt_kills_the_agent_and_exits_130() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[&[("hang", "off")]]);
    let child = fence_std(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let record = sandbox.path().join("record");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !record.with_extension("child").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("was NOT fenced"),
        "{}",
        text(&out.stderr)
    );
    assert!(child_is_gone(&record));
    let log = std::fs::read_to_string(sandbox.path().join("fence.log")).unwrap();
    assert!(log.contains("\"result\":\"interrupted\""), "{log}");
}

#[test]
fn without_a_configuration_it_says_where_it_looked() {
    let sandbox = Sandbox::new();
    let out = fence(&sandbox).args(["node1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("/etc/pve/cluster.conf") && stderr.contains("--config"),
        "{stderr}"
    );
}
