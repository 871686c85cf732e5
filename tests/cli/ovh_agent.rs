//! fence_ovh_api against the stateful OVH API mock: every action, and the
//! ways OVH fails.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::ovh_mock::{OvhMock, AK, AS, CK, DISK_BOOT, RESCUE_BOOT, SERVER};
use crate::support::{text, Sandbox};

/// Runs `fencectl agent ovh` with name=value lines on stdin.
fn agent(sandbox: &Sandbox, mock: &OvhMock, lines: &[&str]) -> std::process::Output {
    let mut stdin = format!(
        "endpoint={}\napplication_key={AK}\napplication_secret={AS}\nconsumer_key={CK}\npoll_interval=0.05\n",
        mock.url()
    );
    for line in lines {
        stdin.push_str(line);
        stdin.push('\n');
    }
    sandbox
        .cmd()
        .args(["agent", "ovh"])
        .write_stdin(stdin)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn plug() -> String {
    format!("plug={SERVER}")
}

#[test]
fn metadata_passes_the_schema_and_our_check() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["agent", "ovh", "-o", "metadata"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = sandbox.file("ovh.xml", &out.stdout);
    let lint = std::process::Command::new("xmllint")
        .args([
            "--noout",
            "--relaxng",
            "/usr/share/cluster/relaxng/metadata.rng",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(lint.status.success(), "{}", text(&lint.stderr));
    let check = sandbox
        .cmd()
        .args(["metadata", "--check", "-a", "fence_ovh_api"])
        .output()
        .unwrap();
    assert!(
        check.status.success() && check.stdout.is_empty(),
        "{}",
        text(&check.stdout)
    );
    let listed = sandbox
        .cmd()
        .args(["list-installed", "fence_ovh_api", "--format", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(list["agents"][0]["provider"], "built-in");
}

#[test]
fn off_status_on_reboot_against_a_stateful_api() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let out = agent(&sandbox, &mock, &["action=status", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Status: ON\n");

    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Success: Powered OFF\n");
    let calls = mock.calls();
    let put = calls
        .iter()
        .position(|c| c == &format!("PUT /dedicated/server/{SERVER}"))
        .unwrap();
    let post = calls
        .iter()
        .position(|c| c == &format!("POST /dedicated/server/{SERVER}/reboot"))
        .unwrap();
    assert!(put < post, "{calls:?}");
    let put_body = &mock
        .requests()
        .iter()
        .rfind(|r| r["method"] == "PUT")
        .unwrap()["body"]
        .clone();
    assert_eq!(
        put_body,
        &json!(format!("{{\"bootId\":{RESCUE_BOOT}}}")),
        "the rescue-customer boot, by kernel"
    );
    assert!(
        calls.iter().filter(|c| c.contains("/task/")).count() >= 2,
        "the task was followed to done: {calls:?}"
    );

    let out = agent(&sandbox, &mock, &["action=status", &plug()]);
    assert_eq!(out.status.code(), Some(2), "status OFF exits 2");
    assert_eq!(text(&out.stdout), "Status: OFF\n");

    let out = agent(&sandbox, &mock, &["action=on", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Success: Powered ON\n");
    let put_body = mock
        .requests()
        .iter()
        .rfind(|r| r["method"] == "PUT")
        .unwrap()["body"]
        .clone();
    assert_eq!(put_body, json!(format!("{{\"bootId\":{DISK_BOOT}}}")));
    assert_eq!(
        agent(&sandbox, &mock, &["action=status", &plug()])
            .status
            .code(),
        Some(0)
    );

    let out = agent(&sandbox, &mock, &["action=reboot", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Success: Rebooted\n");
    let reboots = mock
        .calls()
        .iter()
        .filter(|c| c.ends_with("/reboot"))
        .count();
    assert_eq!(reboots, 4, "off, on, then reboot = off + on");
}

#[test]
fn list_monitor_validate_and_getopt_options() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let out = agent(&sandbox, &mock, &["action=list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ns567890.ip-123-22-44.eu,node1.example.org\nns567891.ip-123-22-45.eu,node2.example.org\n"
    );
    let out = agent(&sandbox, &mock, &["action=list-status"]);
    assert!(text(&out.stdout).contains("ns567890.ip-123-22-44.eu,node1.example.org,ON"));
    assert_eq!(
        agent(&sandbox, &mock, &["action=monitor"]).status.code(),
        Some(0)
    );

    let before = mock.requests().len();
    let out = agent(&sandbox, &mock, &["action=validate-all", &plug()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        mock.requests().len(),
        before,
        "validate-all makes no API call"
    );
    let out = agent(
        &sandbox,
        &mock,
        &["action=validate-all", "endpoint=ovh-xx", &plug()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unknown OVH endpoint 'ovh-xx'"));
    let out = agent(&sandbox, &mock, &["action=off"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no plug"),
        "{}",
        text(&out.stderr)
    );

    // getopt form, with a secret from a file and the deprecated port name
    let secret = sandbox.file("as", format!("{AS}\n").as_bytes());
    let out = sandbox
        .cmd()
        .args([
            "agent",
            "ovh",
            "-o",
            "status",
            "--port",
            SERVER,
            "--endpoint",
        ])
        .arg(mock.url())
        .args(["-k", AK, "--consumer-key", CK, "--application-secret-file"])
        .arg(&secret)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Status: ON\n");
    let out = sandbox
        .cmd()
        .args(["agent", "ovh", "--frobnicate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unknown option --frobnicate"));
}

#[test]
fn a_link_named_fence_ovh_api_is_the_agent() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let dir = sandbox.path().join("sbin");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sandbox
        .cmd()
        .args(["install-agent", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("undo: rm"));
    let link = dir.join("fence_ovh_api");
    let stdin = format!("action=status\nplug={SERVER}\nendpoint={}\napplication_key={AK}\napplication_secret={AS}\nconsumer_key={CK}\n", mock.url());
    let out = assert_cmd::Command::new(&link)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Status: ON\n");
    let out = sandbox
        .cmd()
        .args(["install-agent", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "installing twice is fine");
    let listed = sandbox
        .cmd()
        .args(["list-installed", "--format", "json", "--agent-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        list["agents"][0]["provider"], "built-in",
        "a link to fencectl is built in, not an alias"
    );
}

#[test]
fn failures_are_failures() {
    let sandbox = Sandbox::new();
    // a reboot task that ends in ovhError
    let mock = OvhMock::start(
        sandbox.path(),
        json!({ "task_steps": ["todo", "doing", "ovhError"], "task_comment": "Hardware failure on the server" }),
    );
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("ended 'ovhError': Hardware failure on the server"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "no success line");
    drop(mock);

    // a server that is not in the account
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let out = agent(
        &sandbox,
        &mock,
        &["action=off", "plug=ns000000.ip-1-2-3.eu"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("HTTP 404"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("query id EU.ext-mock."),
        "{}",
        text(&out.stderr)
    );
    drop(mock);

    // an expired consumer key
    let mock = OvhMock::start(
        sandbox.path(),
        json!({ "credentials": { CK: { "ak": AK, "status": "expired", "rules": [], "allowedIPs": null, "expiration": null } } }),
    );
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "consumer key expired, revoked or not validated: run fencectl ovh-keys create"
        ),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        agent(&sandbox, &mock, &["action=monitor"]).status.code(),
        Some(1)
    );
    drop(mock);

    // a wrong secret
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let out = agent(
        &sandbox,
        &mock,
        &["action=status", &plug(), "application_secret=wrong"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("INVALID_SIGNATURE"),
        "{}",
        text(&out.stderr)
    );
    drop(mock);

    // a server whose only "rescue" boot is the iPXE shell
    let boots = json!({ "201": { "bootType": "harddisk", "kernel": "hd", "description": "disk" }, "202": { "bootType": "rescue", "kernel": "ipxe-shell", "description": "iPXE" } });
    let mock = OvhMock::start(
        sandbox.path(),
        json!({ "servers": { SERVER: { "reverse": "n1", "boots": boots } } }),
    );
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("has no rescue boot to fence with (rescue boots: ipxe-shell)"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !mock.calls().iter().any(|c| c.ends_with("/reboot")),
        "nothing rebooted"
    );
}

/// Pacemaker adds `port=<node>` (the agent's metadata has `port`) next to
/// the device's `plug=<server>`, in no fixed order: the server is fenced.
#[test]
fn the_devices_plug_wins_over_the_port_pacemaker_adds() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    for lines in [
        ["action=status", "port=node2", "nodename=node2", &plug()],
        ["action=status", &plug(), "port=node2", "nodename=node2"],
    ] {
        let out = agent(&sandbox, &mock, &lines);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{lines:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(text(&out.stdout), "Status: ON\n");
    }
    assert!(
        !mock.calls().iter().any(|c| c.contains("node2")),
        "{:?}",
        mock.calls()
    );
}

/// The API refuses timestamps far from its clock: the agent signs with the
/// API's time (GET /auth/time), so an hour of skew does not matter.
#[test]
fn an_hour_of_clock_skew_is_corrected() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "time_offset": 3600 }));
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Success: Powered OFF\n");
    let stamps: Vec<i64> = mock
        .requests()
        .iter()
        .filter_map(|r| {
            let headers = r["headers"].as_object()?;
            let (_, stamp) = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("X-Ovh-Timestamp"))?;
            stamp.as_str()?.parse().ok()
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(!stamps.is_empty());
    assert!(
        stamps.iter().all(|s| (s - now - 3600).abs() < 60),
        "signed with the API's clock: {stamps:?} (local {now})"
    );
}

#[test]
fn transient_errors_are_retried() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(
        sandbox.path(),
        json!({ "task_poll_500": 2, "task_poll_404": 2 }),
    );
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Success: Powered OFF\n");
}

#[test]
fn a_failed_reboot_request_sets_the_disk_boot_back() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "reboot_fails": true }));
    let out = agent(&sandbox, &mock, &["action=off", &plug()]);
    assert_eq!(out.status.code(), Some(1));
    let puts: Vec<serde_json::Value> = mock
        .requests()
        .into_iter()
        .filter(|r| r["method"] == "PUT")
        .map(|r| r["body"].clone())
        .collect();
    assert_eq!(
        puts,
        [
            json!(format!("{{\"bootId\":{RESCUE_BOOT}}}")),
            json!(format!("{{\"bootId\":{DISK_BOOT}}}"))
        ]
    );
}

#[test]
fn a_task_that_never_ends_times_out() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "task_steps": ["todo", "doing"] }));
    let started = Instant::now();
    let out = agent(&sandbox, &mock, &["action=off", &plug(), "power_timeout=2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        text(&out.stderr).contains("did not finish within power_timeout"),
        "{}",
        text(&out.stderr)
    );
}

/// An API that stops answering: the action still ends within power_timeout,
/// and says so.
#[test]
fn an_api_that_hangs_cannot_hold_the_agent_past_power_timeout() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "hang_seconds": 60 }));
    for action in ["off", "status"] {
        let started = Instant::now();
        let out = agent(
            &sandbox,
            &mock,
            &[&format!("action={action}"), &plug(), "power_timeout=3"],
        );
        assert_eq!(out.status.code(), Some(1), "{action}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{action}: {:?}",
            started.elapsed()
        );
        assert!(
            text(&out.stderr).contains(&format!(
                "{action} did not finish within power_timeout (3 s)"
            )),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn secrets_never_reach_output_or_the_debug_file() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let debug = sandbox.path().join("debug.log");
    let out = agent(
        &sandbox,
        &mock,
        &[
            "action=off",
            &plug(),
            "verbose=1",
            &format!("debug_file={}", debug.display()),
            "application_secrte=TOPSECRET",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let all = text(&out.stdout) + &text(&out.stderr) + &std::fs::read_to_string(&debug).unwrap();
    assert!(
        all.contains("Ignoring unknown option 'application_secrte'"),
        "{all}"
    );
    assert!(all.contains("task"), "verbose output is there: {all}");
    for secret in [AS, CK, "TOPSECRET"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

/// The OVH notes' Proxmox cluster with fence_ovh_api, fenced by fencectl
/// from its cluster.conf, arguments shown with the secrets masked.
#[test]
fn fencectl_fences_the_proxmox_cluster_through_the_api() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/proxmox-ovh-api.cluster.conf"),
    )
    .unwrap();
    let keys = sandbox.file(
        "ovh.conf",
        format!("[default]\nendpoint={}\n\n[{}]\napplication_key={AK}\napplication_secret={AS}\nconsumer_key={CK}\n", mock.url(), mock.url()).as_bytes(),
    );
    let conf = example
        .replace("/etc/fencectl/ovh.conf", keys.to_str().unwrap())
        .replace(
            "power_timeout=\"900\"",
            "power_timeout=\"30\" poll_interval=\"0.05\"",
        );
    let file = sandbox.file("cluster.conf", conf.as_bytes());
    let out = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args(["fence", SERVER, "-vv", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "agent args: action=off nodename={SERVER} agent=fence_ovh_api plug={SERVER}"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "fence {SERVER} dev 1.1 agent fence_ovh_api result: success"
        )),
        "{stderr}"
    );
    assert_eq!(text(&out.stdout), format!("fence {SERVER} success\n"));
    assert!(mock.calls().iter().any(|c| c.ends_with("/reboot")));

    // with the keys inline in cluster.conf, they are masked
    let inline = example.replace(
        "ovh_config=\"/etc/fencectl/ovh.conf\"",
        &format!("endpoint=\"{}\" application_key=\"{AK}\" application_secret=\"{AS}\" consumer_key=\"{CK}\"", mock.url()),
    );
    let file = sandbox.file("inline.conf", inline.as_bytes());
    let out = sandbox
        .cmd()
        .args(["fence", SERVER, "-vv", "--dry-run", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("    application_secret=********\n    consumer_key=********\n"),
        "{stdout}"
    );
    assert!(!stdout.contains(AS) && !stdout.contains(CK));
}

/// In a real cluster, pacemaker-fenced runs fence_ovh_api (a link to
/// fencectl in /usr/sbin) for `stonith_admin --fence node2`, and the API
/// sees the rescue boot set and the hard reboot. The device is configured
/// as `ovh-keys create` and examples/ advise: its own `plug`, the node in
/// `pcmk_host_list` (so Pacemaker also sends `port=node2`), long timeouts.
#[test]
fn pacemaker_fences_through_fence_ovh_api() {
    let sandbox = Sandbox::new();
    let mut cluster = crate::cluster::Cluster::start();
    let mock = OvhMock::start_with(cluster.command("python3"), sandbox.path(), json!({}));
    cluster.install_agent("fence_ovh_api", &assert_cmd::cargo::cargo_bin("fencectl"));
    let params = [
        ("endpoint", mock.url()),
        ("application_key", AK.to_string()),
        ("application_secret", AS.to_string()),
        ("consumer_key", CK.to_string()),
        ("poll_interval", "0.05".into()),
        ("plug", SERVER.to_string()),
        ("pcmk_host_list", "node2".into()),
        ("pcmk_off_timeout", "120s".into()),
        ("pcmk_reboot_timeout", "240s".into()),
    ];
    let nvpairs: String = params
        .iter()
        .map(|(k, v)| {
            format!(r#"<nvpair id="ovh-instance_attributes-{k}" name="{k}" value="{v}"/>"#)
        })
        .collect();
    let resources = sandbox.file(
        "ovh.xml",
        format!(r#"<primitive id="ovh" class="stonith" type="fence_ovh_api"><instance_attributes id="ovh-instance_attributes">{nvpairs}</instance_attributes></primitive>"#).as_bytes(),
    );
    cluster.load_resources(&resources);
    cluster.wait_for_device("ovh");
    let out = cluster.run("stonith_admin", &["--fence", "node2", "--timeout", "60"]);
    assert!(
        out.status.success(),
        "{}{}\n{}",
        text(&out.stdout),
        text(&out.stderr),
        cluster.log_tail()
    );
    let calls = mock.calls();
    let put = calls
        .iter()
        .position(|c| c == &format!("PUT /dedicated/server/{SERVER}"))
        .unwrap_or_else(|| panic!("{calls:?}"));
    let post = calls
        .iter()
        .position(|c| c == &format!("POST /dedicated/server/{SERVER}/reboot"))
        .unwrap_or_else(|| panic!("{calls:?}"));
    assert!(put < post);
    let body = mock
        .requests()
        .iter()
        .find(|r| r["method"] == "PUT")
        .unwrap()["body"]
        .clone();
    assert_eq!(body, json!(format!("{{\"bootId\":{RESCUE_BOOT}}}")));
    let history = cluster.run_ok("stonith_admin", &["--history", "node2"]);
    assert!(history.contains("successful"), "{history}");
}

fn example(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// The value of nvpair `name` in each primitive of a CIB fragment, in order.
fn nvpair_values(cib: &str, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    cib.match_indices(&marker)
        .map(|(at, _)| {
            let rest = &cib[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

fn seconds(value: &str) -> u64 {
    value.trim_end_matches('s').parse().unwrap()
}

/// examples/proxmox-ovh-api.*: the cluster.conf passes cman's schema built
/// with fence_ovh_api among the agents; the CIB form is what `generate cib`
/// makes of the inventory, crm_verify accepts it, and Pacemaker waits
/// longer than the agent may take (one power change for off, two for reboot).
#[test]
fn the_ovh_examples_are_valid_and_pacemaker_outwaits_the_agent() {
    let sandbox = Sandbox::new();
    let agents = sandbox.path().join("sbin");
    std::fs::create_dir_all(&agents).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("fencectl"),
        agents.join("fence_ovh_api"),
    )
    .unwrap();
    let rng = sandbox.path().join("cluster.rng");
    let builder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cman/build-cluster-rng");
    let built = std::process::Command::new(&builder)
        .arg(&rng)
        .arg("/usr/sbin")
        .arg(&agents)
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", text(&built.stderr));
    let inventory = example("proxmox-ovh-api.toml");
    let generated = sandbox
        .cmd()
        .args(["generate", "cluster-conf"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let generated = sandbox.file("generated.cluster.conf", &generated.stdout);
    for conf in [example("proxmox-ovh-api.cluster.conf"), generated] {
        let lint = std::process::Command::new("xmllint")
            .args(["--noout", "--relaxng"])
            .arg(&rng)
            .arg(&conf)
            .output()
            .unwrap();
        assert!(
            lint.status.success(),
            "{}: {}",
            conf.display(),
            text(&lint.stderr)
        );
    }

    let resources = sandbox
        .cmd()
        .args(["generate", "cib", "--part", "resources"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert!(resources.status.success(), "{}", text(&resources.stderr));
    let committed = std::fs::read_to_string(example("proxmox-ovh-api.cib.xml")).unwrap();
    let body = &committed[committed.find("-->").unwrap() + 4..];
    assert_eq!(
        body,
        text(&resources.stdout),
        "examples/proxmox-ovh-api.cib.xml is stale: regenerate it from proxmox-ovh-api.toml"
    );
    let power = nvpair_values(body, "power_timeout");
    let off = nvpair_values(body, "pcmk_off_timeout");
    let reboot = nvpair_values(body, "pcmk_reboot_timeout");
    assert_eq!((power.len(), off.len(), reboot.len()), (3, 3, 3), "{body}");
    for ((power, off), reboot) in power.iter().zip(&off).zip(&reboot) {
        assert!(
            seconds(off) > seconds(power),
            "off {off} <= power_timeout {power}"
        );
        assert!(
            seconds(reboot) > 2 * seconds(power),
            "reboot {reboot} <= 2 x power_timeout {power}"
        );
    }
    let full = sandbox
        .cmd()
        .args(["generate", "cib", "--full"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert!(full.status.success(), "{}", text(&full.stderr));
    crate::generate::assert_crm_verify(&sandbox, &text(&full.stdout), "proxmox-ovh-api.toml");
}
