//! Issue 14: Pacemaker as the engine. fencectl hands fencing to the running
//! cluster's fencer and shows its state; live tests in the cluster harness.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::cluster::Cluster;
use crate::support::{text, Sandbox};

/// Devices for node2 (works), node3 (fails: bad status file); nothing for node4.
fn resources(sandbox: &Sandbox) -> (PathBuf, PathBuf) {
    let ok = sandbox.file("ok.status", b"on");
    let bad = sandbox.file("bad.status", b"bogus");
    let device = |id: &str, host: &str, file: &Path| {
        format!(
            r#"<primitive id="{id}" class="stonith" type="fence_dummy">
  <instance_attributes id="{id}-instance_attributes">
    <nvpair id="{id}-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="{host}"/>
    <nvpair id="{id}-instance_attributes-status_file" name="status_file" value="{}"/>
  </instance_attributes>
</primitive>"#,
            file.display()
        )
    };
    let xml = format!(
        "<resources>\n{}\n{}\n</resources>\n",
        device("dummy", "node2", &ok),
        device("broken", "node3", &bad)
    );
    (sandbox.file("stonith.xml", xml.as_bytes()), ok)
}

/// fencectl inside the cluster's namespace, with the sandbox's environment.
fn fencectl(cluster: &Cluster, sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut command: Command = cluster.command(assert_cmd::cargo::cargo_bin("fencectl"));
    for var in [
        "NO_COLOR",
        "FENCECTL_LOG_FILE",
        "FENCECTL_LOCK_DIR",
        "COLUMNS",
    ] {
        command.env_remove(var);
    }
    command
        .env("HOME", sandbox.path().join("home"))
        .env("FENCECTL_CACHE_DIR", sandbox.cache_dir())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run fencectl in the namespace")
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn explain(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

#[test]
fn issue14_fence_via_cluster_status_and_history() {
    let sandbox = Sandbox::new();
    let (stonith, ok_status) = resources(&sandbox);
    let cluster = Cluster::start();
    cluster.load_resources(&stonith);
    cluster.wait_for_device("dummy");
    cluster.wait_for_device("broken");

    // A direct power action while the cluster runs: refused at once without
    // a terminal and without --yes, nothing fenced.
    let cib = sandbox.file(
        "cib-copy.xml",
        cluster.run_ok("cibadmin", &["--query"]).as_bytes(),
    );
    let out = fencectl(
        &cluster,
        &sandbox,
        &["fence", "node2", "--cib", cib.to_str().unwrap()],
    );
    assert_eq!(code(&out), 64, "{}", explain(&out));
    assert!(
        text(&out.stderr).contains("stonith_admin --confirm node2"),
        "{}",
        explain(&out)
    );
    assert_eq!(std::fs::read_to_string(&ok_status).unwrap(), "on");

    // Through the cluster: success, and the fencer's history entry.
    let out = fencectl(
        &cluster,
        &sandbox,
        &[
            "fence",
            "node2",
            "--via-cluster",
            "--action",
            "off",
            "--timeout",
            "30s",
        ],
    );
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("fence node2 success"), "{stdout}");
    assert!(stdout.contains("history: off of node2 success"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&ok_status).unwrap(), "off");

    // A failing device: exit 1, and the failure in the history.
    let out = fencectl(
        &cluster,
        &sandbox,
        &["fence", "node3", "--via-cluster", "--timeout", "30s"],
    );
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(
        text(&out.stdout).contains("history: reboot of node3 failed"),
        "{}",
        explain(&out)
    );
    assert!(
        text(&out.stderr).contains("node node3 was NOT fenced"),
        "{}",
        explain(&out)
    );

    // Nothing can fence node4: exit 2 (stonith_admin says 105).
    let out = fencectl(
        &cluster,
        &sandbox,
        &[
            "--format",
            "json",
            "fence",
            "node4",
            "--via-cluster",
            "--timeout",
            "30s",
        ],
    );
    assert_eq!(code(&out), 2, "{}", explain(&out));
    assert!(
        text(&out.stderr).contains("no fence device registered in the cluster can fence node4"),
        "{}",
        explain(&out)
    );
    let fenced: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fenced["via"], "cluster", "{fenced:#}");
    crate::json_schema::assert_valid("fence", &fenced);

    // status is not an action through the cluster.
    let out = fencectl(
        &cluster,
        &sandbox,
        &["fence", "node2", "--via-cluster", "--action", "status"],
    );
    assert_eq!(code(&out), 64, "{}", explain(&out));

    // history --cluster: the fencer's events and fencectl's records in one
    // timeline.
    let out = fencectl(
        &cluster,
        &sandbox,
        &["--format", "json", "history", "--cluster"],
    );
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let timeline: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::json_schema::assert_valid("history", &timeline);
    let entries = timeline["entries"].as_array().unwrap();
    let has = |source: &str, node: &str, action: &str, result: &str| {
        entries.iter().any(|e| {
            e["source"] == source
                && e["node"] == node
                && e["action"] == action
                && e["result"] == result
        })
    };
    assert!(has("cluster", "node2", "off", "success"), "{timeline:#}");
    assert!(has("fencectl", "node2", "off", "success"), "{timeline:#}");
    assert!(has("cluster", "node3", "reboot", "failed"), "{timeline:#}");
    let times: Vec<&str> = entries
        .iter()
        .map(|e| e["time"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "oldest first");
    let out = fencectl(&cluster, &sandbox, &["history", "node3", "--cluster"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(!text(&out.stdout).contains("node2"), "{}", explain(&out));

    // status: what stonith_admin shows, field by field.
    let out = fencectl(&cluster, &sandbox, &["--format", "json", "status"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::json_schema::assert_valid("status", &status);
    let registered = cluster.run_ok("stonith_admin", &["--list-registered"]);
    let mut expected: Vec<&str> = registered
        .lines()
        .filter(|l| !l.contains("found"))
        .collect();
    expected.sort();
    let mut shown: Vec<&str> = status["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["registered"] == true)
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    shown.sort();
    assert_eq!(shown, expected, "{status:#}");
    let dummy = status["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "dummy")
        .unwrap();
    assert_eq!(dummy["targets"], serde_json::json!(["node2"]));
    assert_eq!(dummy["agent"], "fence_dummy");
    let history = cluster.run_ok(
        "stonith_admin",
        &["--history", "*", "--verbose", "--output-as", "xml"],
    );
    for event in status["last_events"].as_array().unwrap() {
        let completed = event["completed"].as_str().unwrap();
        let line = history
            .lines()
            .find(|l| l.contains(&format!("target=\"{}\"", event["target"].as_str().unwrap())))
            .unwrap();
        assert!(
            line.contains(&format!("completed=\"{completed}\"")),
            "{line} vs {event}"
        );
        assert!(
            line.contains(&format!("status=\"{}\"", event["status"].as_str().unwrap())),
            "{line}"
        );
        assert!(
            line.contains(&format!("action=\"{}\"", event["action"].as_str().unwrap())),
            "{line}"
        );
    }
    assert_eq!(
        status["last_events"].as_array().unwrap().len(),
        3,
        "{status:#}"
    );
    assert!(status["pending_or_failed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["target"] == "node3"));
    let out = fencectl(&cluster, &sandbox, &["status", "node2"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let table = text(&out.stdout);
    assert!(
        table.contains("dummy") && !table.contains("broken"),
        "{table}"
    );

    // fencectl's own audit log recorded who asked.
    let log = std::fs::read_to_string(sandbox.path().join("fence.log")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(log.contains("\"no-method\""), "{log}");
}

/// With no cluster running, --via-cluster fails (exit 1) and says how to
/// start it; a direct action is not held up.
#[test]
fn issue14_via_cluster_without_a_cluster_says_how_to_start_it() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .args(["fence", "node2", "--via-cluster"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(
        text(&out.stderr).contains("systemctl start pacemaker"),
        "{}",
        explain(&out)
    );
}

/// `status` and `history --cluster` with no cluster: exit 1 and how to start it.
#[test]
fn issue14_status_and_cluster_history_without_a_cluster() {
    let sandbox = Sandbox::new();
    for args in [&["status"][..], &["history", "--cluster"][..]] {
        let out = sandbox.cmd().args(args).output().unwrap();
        assert_eq!(code(&out), 1, "{args:?}: {}", explain(&out));
        assert!(
            text(&out.stderr).contains("cluster is not running on this node"),
            "{}",
            explain(&out)
        );
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn apply(cluster: &Cluster, sandbox: &Sandbox, inventory: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "cib", inventory.to_str().unwrap(), "--apply"];
    args.extend_from_slice(extra);
    fencectl(cluster, sandbox, &args)
}

/// `generate cib --apply` of the dual-layer example against the live CIB.
#[test]
fn issue14_generate_cib_apply_dual_layer() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let inventory = example("pacemaker-dual-layer.toml");
    let cluster = Cluster::start();

    // Without a terminal and without --yes: exit 64, nothing changed.
    let before = cluster.run_ok("cibadmin", &["--query", "--scope", "resources"]);
    let out = apply(&cluster, &sandbox, &inventory, &[]);
    assert_eq!(code(&out), 64, "{}", explain(&out));
    assert!(
        text(&out.stdout).contains("add       device pdu-1"),
        "{}",
        explain(&out)
    );
    assert_eq!(
        cluster.run_ok("cibadmin", &["--query", "--scope", "resources"]),
        before
    );

    let out = apply(
        &cluster,
        &sandbox,
        &inventory,
        &["--yes", "--enable-fencing"],
    );
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(
        !text(&out.stdout).contains("abc123"),
        "secrets masked: {}",
        explain(&out)
    );
    for device in ["pcmk-1-ipmi", "pcmk-2-ipmi", "pdu-1", "pdu-2"] {
        cluster.wait_for_device(device);
    }
    let topology = cluster.run_ok("cibadmin", &["--query", "--scope", "fencing-topology"]);
    for (target, index, devices) in [
        ("pcmk-1", 1, "pcmk-1-ipmi"),
        ("pcmk-1", 2, "pdu-1,pdu-2"),
        ("pcmk-2", 1, "pcmk-2-ipmi"),
        ("pcmk-2", 2, "pdu-1,pdu-2"),
    ] {
        assert!(
            topology
                .lines()
                .any(|l| l.contains(&format!("index=\"{index}\""))
                    && l.contains(&format!("target=\"{target}\""))
                    && l.contains(&format!("devices=\"{devices}\""))),
            "{target} {index}: {topology}"
        );
    }
    let enabled = cluster.run_ok(
        "crm_attribute",
        &[
            "--type",
            "crm_config",
            "--name",
            "stonith-enabled",
            "--query",
        ],
    );
    assert!(enabled.contains("value=true"), "{enabled}");

    // Again: nothing to change.
    let out = apply(&cluster, &sandbox, &inventory, &["--yes"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(
        text(&out.stdout).contains("nothing to change"),
        "{}",
        explain(&out)
    );

    // One parameter changed: only that nvpair changes.
    let changed = sandbox.file(
        "changed.toml",
        std::fs::read_to_string(&inventory)
            .unwrap()
            .replace("198.51.100.12", "198.51.100.99")
            .as_bytes(),
    );
    let before = cluster.run_ok("cibadmin", &["--query", "--scope", "configuration"]);
    let out = apply(&cluster, &sandbox, &changed, &["--yes"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(
        text(&out.stdout).contains("ip: 198.51.100.12 -> 198.51.100.99"),
        "{}",
        explain(&out)
    );
    let after = cluster.run_ok("cibadmin", &["--query", "--scope", "configuration"]);
    let differing: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        before.lines().count(),
        after.lines().count(),
        "{before}\n---\n{after}"
    );
    assert_eq!(differing.len(), 1, "{differing:#?}");
    assert!(
        differing[0].1.contains("pdu-2-instance_attributes-ip"),
        "{differing:?}"
    );

    // A concurrent edit between the diff and the apply is refused.
    let mut command = cluster.command(assert_cmd::cargo::cargo_bin("fencectl"));
    command
        .env("HOME", sandbox.path().join("home"))
        .env("FENCECTL_CACHE_DIR", sandbox.cache_dir())
        .env("TERM", "xterm")
        .args(["generate", "cib", "--apply"])
        .arg(&inventory);
    let mut session = expectrl::session::Session::spawn(command).expect("spawn in a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    session
        .expect("Apply 1 change(s) to the running CIB?")
        .unwrap();
    cluster.run_ok(
        "crm_attribute",
        &[
            "--type",
            "crm_config",
            "--name",
            "fencectl-test-edit",
            "--update",
            "1",
        ],
    );
    session.send("y\r").unwrap();
    session
        .expect("the CIB changed since fencectl read it")
        .unwrap();
    // cibadmin's code for a patch made against another version: 103
    session.expect("exit 103").unwrap();
    session.expect(Eof).unwrap();
    let now = cluster.run_ok("cibadmin", &["--query", "--scope", "configuration"]);
    assert!(
        now.contains("198.51.100.99"),
        "the concurrent edit's CIB was not overwritten"
    );
    assert!(now.contains("fencectl-test-edit"));

    // --prune removes only the stonith primitives the inventory does not produce.
    let one = sandbox.file(
        "one.toml",
        b"[cluster]\nname = \"c\"\nstack = \"pacemaker\"\n\n[[node]]\nname = \"pcmk-1\"\nnodeid = 1\n\n[[device]]\nid = \"pdu-1\"\nagent = \"fence_apc_snmp\"\nparams = { ip = \"198.51.100.11\" }\nhost_map = { \"pcmk-1\" = \"1\", \"pcmk-2\" = \"2\" }\n",
    );
    cluster.run_ok(
        "cibadmin",
        &[
            "--create",
            "--scope",
            "resources",
            "--xml-text",
            r#"<primitive id="not-fencing" class="ocf" provider="heartbeat" type="Dummy"/>"#,
        ],
    );
    let out = apply(&cluster, &sandbox, &one, &["--yes", "--prune"]);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let resources = cluster.run_ok("cibadmin", &["--query", "--scope", "resources"]);
    assert!(resources.contains("id=\"pdu-1\""), "{resources}");
    assert!(resources.contains("id=\"not-fencing\""), "{resources}");
    for gone in ["pdu-2", "pcmk-1-ipmi", "pcmk-2-ipmi"] {
        assert!(
            !resources.contains(&format!("id=\"{gone}\"")),
            "{gone}: {resources}"
        );
    }
    let topology = cluster.run("cibadmin", &["--query", "--scope", "fencing-topology"]);
    assert!(
        !text(&topology.stdout).contains("fencing-level"),
        "{}",
        text(&topology.stdout)
    );
}

/// `--apply` with no cluster running: a clear error, nothing changed.
#[test]
fn issue14_apply_without_a_cluster_changes_nothing() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["generate", "cib", "--apply", "--yes"])
        .arg(example("pacemaker-dual-layer.toml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", explain(&out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert!(
        stderr.contains("cluster is not running on this node"),
        "{stderr}"
    );
}

/// An inventory whose password comes from a file, two levels per node.
fn script_inventory(sandbox: &Sandbox) -> PathBuf {
    let secret = sandbox.file("ipmi.password", b"s3cr'et $x\n");
    sandbox.file(
        "script.toml",
        format!(
            r#"[cluster]
name = "c"
stack = "pacemaker"

[[node]]
name = "pcmk-1"
nodeid = 1

[[device]]
id = "pcmk-1-ipmi"
agent = "fence_ipmilan"
params = {{ ip = "192.0.2.1", username = "it's me" }}
password_file = "{}"
hosts = ["pcmk-1"]

[[device]]
id = "pdu-1"
agent = "fence_apc_snmp"
params = {{ ip = "198.51.100.11" }}
host_map = {{ "pcmk-1" = "1" }}

[[fencing]]
target = "pcmk-1"
levels = [["pcmk-1-ipmi"], ["pdu-1"]]
"#,
            secret.display()
        )
        .as_bytes(),
    )
}

/// Runs a generated script with stub `pcs` and `crm` that record their argv.
fn run_with_stubs(sandbox: &Sandbox, script: &[u8]) -> Vec<Vec<String>> {
    let bin = sandbox.path().join("stub-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let record = sandbox.path().join("argv.log");
    for tool in ["pcs", "crm"] {
        let stub = bin.join(tool);
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\n{{ printf '%s\\n' {tool}; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; printf -- '--end--\\n'; }} >> '{}'\n",
                record.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    let script_file = sandbox.file("generated.sh", script);
    let out = Command::new("sh")
        .arg(&script_file)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", explain(&out));
    let log = std::fs::read_to_string(&record).unwrap();
    log.split("--end--\n")
        .filter(|c| !c.is_empty())
        .map(|c| c.lines().map(str::to_string).collect())
        .collect()
}

#[test]
fn issue14_generate_pcs_script_runs_with_no_secret_on_argv() {
    let sandbox = Sandbox::new();
    let inventory = script_inventory(&sandbox);
    let out = sandbox
        .cmd()
        .args(["generate", "pcs"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(!text(&out.stdout).contains("s3cr"), "{}", text(&out.stdout));
    let calls = run_with_stubs(&sandbox, &out.stdout);
    let secret_file = sandbox.path().join("ipmi.password");
    let password_script = format!("password_script=cat '{}'", secret_file.display());
    assert_eq!(calls.len(), 4, "{calls:#?}");
    assert_eq!(
        calls[0][..5],
        ["pcs", "stonith", "create", "pcmk-1-ipmi", "fence_ipmilan"]
    );
    for arg in [
        "ip=192.0.2.1",
        "username=it's me",
        password_script.as_str(),
        "pcmk_host_list=pcmk-1",
    ] {
        assert!(calls[0].iter().any(|a| a == arg), "{arg}: {:?}", calls[0]);
    }
    assert!(
        calls[1].iter().any(|a| a == "pcmk_host_map=pcmk-1:1"),
        "{:?}",
        calls[1]
    );
    assert_eq!(
        calls[2],
        [
            "pcs",
            "stonith",
            "level",
            "add",
            "1",
            "pcmk-1",
            "pcmk-1-ipmi"
        ]
    );
    assert_eq!(
        calls[3],
        ["pcs", "stonith", "level", "add", "2", "pcmk-1", "pdu-1"]
    );
    assert!(
        calls.iter().flatten().all(|a| !a.contains("s3cr")),
        "{calls:#?}"
    );
    // The agent reads the password through password_script as given.
    let script = password_script.strip_prefix("password_script=").unwrap();
    let read = Command::new("sh").args(["-c", script]).output().unwrap();
    assert_eq!(text(&read.stdout), "s3cr'et $x\n");
}

#[test]
fn issue14_generate_crmsh_script_runs_with_no_secret_on_argv() {
    let sandbox = Sandbox::new();
    let inventory = script_inventory(&sandbox);
    let out = sandbox
        .cmd()
        .args(["generate", "crmsh"])
        .arg(&inventory)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let calls = run_with_stubs(&sandbox, &out.stdout);
    assert_eq!(calls.len(), 3, "{calls:#?}");
    assert_eq!(
        calls[0][..6],
        [
            "crm",
            "configure",
            "primitive",
            "pcmk-1-ipmi",
            "stonith:fence_ipmilan",
            "params"
        ]
    );
    assert!(
        calls[0]
            .iter()
            .any(|a| a.starts_with("password_script=cat ")),
        "{:?}",
        calls[0]
    );
    assert!(
        calls[0].ends_with(&["op".to_string(), "monitor".into(), "interval=60s".into()]),
        "{:?}",
        calls[0]
    );
    assert_eq!(
        calls[2],
        [
            "crm",
            "configure",
            "fencing_topology",
            "pcmk-1:",
            "pcmk-1-ipmi",
            "pdu-1"
        ]
    );
    assert!(
        calls.iter().flatten().all(|a| !a.contains("s3cr")),
        "{calls:#?}"
    );
}

/// An inline password would be on argv: the device is refused, nothing written.
#[test]
fn issue14_generate_pcs_refuses_an_inline_secret() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["generate", "pcs"])
        .arg(example("pacemaker-dual-layer.toml"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", explain(&out));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("device pcmk-1-ipmi: the secret parameter password"),
        "{stderr}"
    );
    assert!(!stderr.contains("abc123"), "{stderr}");
}

/// The patchset `--apply` makes is one crm_diff applies: against a CIB
/// file (`--against-cib`), the patched CIB then has nothing to change.
#[test]
fn issue14_apply_patch_is_one_crm_diff_applies() {
    let sandbox = Sandbox::new();
    let empty = Command::new("cibadmin").arg("--empty").output().unwrap();
    let base = sandbox.file("base.xml", &empty.stdout);
    let inventory = example("pacemaker-dual-layer.toml");
    let dry_run = |cib: &Path| {
        sandbox
            .cmd()
            .args([
                "-vv",
                "generate",
                "cib",
                "--apply",
                "--dry-run",
                "--against-cib",
            ])
            .arg(cib)
            .arg(&inventory)
            .output()
            .unwrap()
    };
    let out = dry_run(&base);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let stderr = text(&out.stderr);
    let start = stderr
        .find("<diff format=\"2\">")
        .expect("the patch at -vv");
    let end = stderr.find("</diff>").unwrap() + "</diff>".len();
    let patch = sandbox.file("patch.xml", &stderr.as_bytes()[start..end]);
    let patched = Command::new("crm_diff")
        .arg("--original")
        .arg(&base)
        .arg("--patch")
        .arg(&patch)
        .output()
        .unwrap();
    assert!(patched.status.success(), "{}", explain(&patched));
    let patched_text = text(&patched.stdout);
    for id in ["pcmk-1-ipmi", "pdu-2", "fl-pcmk-2-2"] {
        assert!(
            patched_text.contains(&format!("id=\"{id}\"")),
            "{id}: {patched_text}"
        );
    }
    let after = sandbox.file("after.xml", &patched.stdout);
    let out = dry_run(&after);
    assert_eq!(code(&out), 0, "{}", explain(&out));
    assert!(
        text(&out.stdout).contains("nothing to change"),
        "{}",
        explain(&out)
    );
}

/// The one-device quick form takes --apply too.
#[test]
fn issue14_apply_quick_form_one_device() {
    let sandbox = Sandbox::new();
    let empty = Command::new("cibadmin").arg("--empty").output().unwrap();
    let base = sandbox.file("base.xml", &empty.stdout);
    let out = sandbox
        .cmd()
        .args([
            "generate",
            "cib",
            "--agent",
            "fence_dummy",
            "--id",
            "d1",
            "--host-list",
            "node2",
            "--apply",
            "--dry-run",
            "--against-cib",
        ])
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", explain(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("add       device d1"), "{stdout}");
    assert!(stdout.contains("+pcmk_host_list=node2"), "{stdout}");
}
