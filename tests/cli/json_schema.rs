//! Issue 12, "JSON everywhere, documented": every `--format json` document
//! has a JSON Schema in docs/schema/, generated from the views in
//! src/views/. The committed schemas must match the code (regenerate with
//! `FENCECTL_BLESS=1 cargo test --test cli json_schema`), and each
//! command's real output must be valid against its schema.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::ovh_mock::{OvhMock, AS, CK, SERVER};
use crate::support::{fixture, text, Sandbox, SYSTEM_AGENTS};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema")
}

#[test]
fn committed_schemas_are_current() {
    let (fresh, committed) = crate::assets::generated_and_committed(&["docs/schema"]);
    for command in [
        "list-installed",
        "metadata",
        "validate",
        "fence",
        "history",
        "run",
        "ovh-keys-check",
        "check",
        "status",
        "generate-cib-apply",
    ] {
        let name = format!("docs/schema/{command}.schema.json");
        assert!(
            fresh.contains_key(Path::new(&name)),
            "{command}: {:?}",
            fresh.keys()
        );
    }
    assert!(
        fresh == committed,
        "docs/schema/ is stale: run `FENCECTL_BLESS=1 cargo test --test cli json_schema` and commit it"
    );
}

/// The committed schema `docs/schema/<name>.schema.json`.
fn schema(name: &str) -> Value {
    let path = schema_dir().join(format!("{name}.schema.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap()
}

/// Asserts `document` is valid against the schema `name`, and that the
/// same document with a mistyped `schema_version` is not (so the check
/// is not vacuous).
pub(crate) fn assert_valid(name: &str, document: &Value) {
    let validator = jsonschema::validator_for(&schema(name)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}: the output does not match its schema:\n{}\n{document:#}",
        errors.join("\n")
    );
    assert!(
        document["schema_version"].is_u64(),
        "{name}: no schema_version"
    );
    let mut broken = document.clone();
    broken["schema_version"] = json!("1");
    assert!(
        !validator.is_valid(&broken),
        "{name}: a string schema_version passes"
    );
}

/// Runs fencectl with the audit log and the locks in the sandbox; returns
/// the exit code and the JSON document on stdout.
fn json_of(sandbox: &Sandbox, args: &[&str]) -> (i32, Value) {
    let out = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let document = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: {e}\nstdout:\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), document)
}

#[test]
fn list_installed_and_metadata_of_the_real_agents_match_their_schemas() {
    let sandbox = Sandbox::new();
    let (code, list) = json_of(&sandbox, &["list-installed", "--agent-dir", SYSTEM_AGENTS]);
    assert_eq!(code, 0);
    assert!(list["agents"].as_array().unwrap().len() >= 80);
    assert_valid("list-installed", &list);
    let (code, names) = json_of(
        &sandbox,
        &[
            "list-installed",
            "--names-only",
            "--agent-dir",
            SYSTEM_AGENTS,
        ],
    );
    assert_eq!(code, 0);
    assert!(names["names"]
        .as_array()
        .unwrap()
        .contains(&json!("fence_dummy")));
    assert_valid("list-installed", &names);

    for agent in ["fence_dummy", "fence_ipmilan", "fence_scsi"] {
        let (code, metadata) = json_of(
            &sandbox,
            &["metadata", "-a", agent, "--agent-dir", SYSTEM_AGENTS],
        );
        assert_eq!(code, 0, "{agent}");
        assert!(!metadata["parameters"].as_array().unwrap().is_empty());
        assert_valid("metadata", &metadata);
    }
    let (_, findings) = json_of(
        &sandbox,
        &[
            "metadata",
            "--check",
            "-a",
            "fence_watchdog",
            "--agent-dir",
            SYSTEM_AGENTS,
        ],
    );
    assert!(!findings["findings"].as_array().unwrap().is_empty());
    assert_valid("metadata", &findings);
}

#[test]
fn validate_and_run_with_fence_dummy_match_their_schemas() {
    let sandbox = Sandbox::new();
    let status = sandbox.file("dummy.status", b"on");
    let status_arg = format!("status_file={}", status.display());
    let dummy = [
        "-a",
        "fence_dummy",
        "--agent-dir",
        SYSTEM_AGENTS,
        "type=file",
    ];

    let mut args = vec!["validate"];
    args.extend(dummy);
    args.push(&status_arg);
    let (code, valid) = json_of(&sandbox, &args);
    assert_eq!((code, &valid["valid"]), (0, &json!(true)), "{valid:#}");
    assert_valid("validate", &valid);
    let (code, invalid) = json_of(&sandbox, &[&args[..], &["pcmk_delay_max=soon"]].concat());
    assert_eq!(code, 1, "{invalid:#}");
    assert_valid("validate", &invalid);
    let (_, no_agent) = json_of(&sandbox, &[&args[..], &["--no-agent"]].concat());
    assert!(no_agent["agent_check"].is_null());
    assert_valid("validate", &no_agent);

    let conf = fixture("check/good.cluster.conf");
    let (_, config) = json_of(&sandbox, &["validate", "--config", conf.to_str().unwrap()]);
    assert_eq!(config["config"], conf.to_str().unwrap());
    assert_valid("validate", &config);

    let run = |action: &str, extra: &[&str]| {
        let mut args = vec!["run", "--action", action];
        args.extend(dummy);
        args.push(&status_arg);
        args.extend(extra);
        json_of(&sandbox, &args)
    };
    let (code, on) = run("status", &[]);
    assert_eq!((code, &on["result"]), (0, &json!("on")));
    assert_valid("run", &on);
    let (code, off) = run("off", &["--yes"]);
    assert_eq!((code, &off["result"]), (0, &json!("success")));
    assert_valid("run", &off);
    let (code, now_off) = run("status", &[]);
    assert_eq!((code, &now_off["result"]), (3, &json!("off")));
    assert_valid("run", &now_off);
    // a failing agent: the reason is in the document
    crate::run::fixture(
        &sandbox,
        "fence_failing",
        "echo 'Failed: Unable to login' >&2; exit 1",
    );
    let failing = sandbox.agents_dir().join("fence_failing");
    let (code, failed) = json_of(
        &sandbox,
        &[
            "run",
            "-a",
            failing.to_str().unwrap(),
            "--action",
            "off",
            "--yes",
        ],
    );
    assert_eq!(
        (code, &failed["result"]),
        (1, &json!("failed")),
        "{failed:#}"
    );
    assert_valid("run", &failed);
}

/// A cluster.conf: node1 fenced by fence_dummy with `status`'s file.
fn dummy_cluster_conf(sandbox: &Sandbox, status: &Path) -> PathBuf {
    sandbox.file(
        "cluster.conf",
        format!(
            "<cluster name=\"c\" config_version=\"1\"><fencedevices><fencedevice name=\"d\" agent=\"fence_dummy\" type=\"file\" status_file=\"{}\"/></fencedevices>\
             <clusternodes><clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"d\" action=\"off\"/></method></fence></clusternode>\
             <clusternode name=\"node2\" nodeid=\"2\"/></clusternodes></cluster>",
            status.display()
        )
        .as_bytes(),
    )
}

#[test]
fn fence_its_dry_run_and_history_match_their_schemas() {
    let sandbox = Sandbox::new();
    let status = sandbox.file("dummy.status", b"on");
    let conf = dummy_cluster_conf(&sandbox, &status);
    let conf = conf.to_str().unwrap();
    let fence = |extra: &[&str]| {
        let mut args = vec!["fence", "--agent-dir", SYSTEM_AGENTS, "--config", conf];
        args.extend(extra);
        json_of(&sandbox, &args)
    };

    let (code, dry_run) = fence(&["node1", "--dry-run"]);
    assert_eq!(code, 0, "{dry_run:#}");
    assert!(dry_run["outcome"].is_null() && dry_run["unrunnable"].is_array());
    assert_valid("fence", &dry_run);
    let (code, fenced) = fence(&["node1"]);
    assert_eq!(
        (code, &fenced["result"]),
        (0, &json!("success")),
        "{fenced:#}"
    );
    assert_eq!(std::fs::read_to_string(&status).unwrap(), "off");
    assert_valid("fence", &fenced);
    let (code, off) = fence(&["node1", "--action", "status"]);
    assert_eq!((code, &off["result"]), (3, &json!("off")), "{off:#}");
    assert_valid("fence", &off);
    let (code, nothing) = fence(&["node2"]);
    assert_eq!(code, 2, "{nothing:#}");
    assert!(nothing["error"].is_string(), "{nothing:#}");
    assert_valid("fence", &nothing);

    let (code, history) = json_of(&sandbox, &["history"]);
    assert_eq!(code, 0);
    assert_eq!(
        history["records"].as_array().unwrap().len(),
        2,
        "{history:#}"
    );
    assert_valid("history", &history);
    // A node with no entry is an error (exit 1, said on stderr), not an
    // empty document.
    let out = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .args(["--format", "json", "history", "node9"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("node9 has no entry"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_offline_and_with_probes_matches_its_schema() {
    let sandbox = Sandbox::new();
    for name in ["good.cib.xml", "node-cannot-be-fenced.cib.xml"] {
        let cib = fixture("check").join(name);
        let (_, report) = json_of(
            &sandbox,
            &["check", "--offline", "--cib", cib.to_str().unwrap()],
        );
        assert!(report["nodes"].is_array(), "{name}: {report:#}");
        assert_valid("check", &report);
    }
    let conf = fixture("check/fencing-topology.cluster.conf");
    let (_, report) = json_of(
        &sandbox,
        &["check", "--offline", "--config", conf.to_str().unwrap()],
    );
    assert_valid("check", &report);

    // live probes of fence_dummy
    let status = sandbox.file("dummy.status", b"on");
    let conf = dummy_cluster_conf(&sandbox, &status);
    let (code, report) = json_of(
        &sandbox,
        &[
            "check",
            "node1",
            "--agent-dir",
            SYSTEM_AGENTS,
            "--config",
            conf.to_str().unwrap(),
        ],
    );
    assert!(
        !report["probes"].as_array().unwrap().is_empty(),
        "exit {code}: {report:#}"
    );
    assert_valid("check", &report);
}

#[test]
fn ovh_keys_check_against_the_mock_matches_its_schema() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let conf = crate::ovh_keys::config(&sandbox, AS, CK);
    let out = crate::ovh_keys::check(
        &sandbox,
        &mock,
        &conf,
        &["--server", SERVER, "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "validated");
    assert_valid("ovh-keys-check", &report);
}

#[test]
fn generate_cib_apply_dry_run_matches_its_schema() {
    let sandbox = Sandbox::new();
    let empty = std::process::Command::new("cibadmin")
        .arg("--empty")
        .output()
        .unwrap();
    let base = sandbox.file("base.xml", &empty.stdout);
    let inventory =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pacemaker-dual-layer.toml");
    let (code, plan) = json_of(
        &sandbox,
        &[
            "generate",
            "cib",
            inventory.to_str().unwrap(),
            "--apply",
            "--dry-run",
            "--against-cib",
            base.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{plan:#}");
    assert!(plan["changes"].as_u64().unwrap() > 0);
    assert_valid("generate-cib-apply", &plan);
}

/// The schemas say what is required: a document missing a field, or with a
/// field of the wrong type, is rejected.
#[test]
fn schemas_reject_broken_documents() {
    let sandbox = Sandbox::new();
    let (_, metadata) = json_of(
        &sandbox,
        &[
            "metadata",
            "-a",
            "fence_dummy",
            "--agent-dir",
            SYSTEM_AGENTS,
        ],
    );
    let validator = jsonschema::validator_for(&schema("metadata")).unwrap();
    assert!(validator.is_valid(&metadata));
    let mut no_parameters = metadata.clone();
    no_parameters.as_object_mut().unwrap().remove("parameters");
    assert!(!validator.is_valid(&no_parameters));
    let mut bad_required = metadata.clone();
    bad_required["parameters"][0]["required"] = json!("yes");
    assert!(!validator.is_valid(&bad_required));

    let run = jsonschema::validator_for(&schema("run")).unwrap();
    assert!(!run.is_valid(&json!({ "schema_version": 1, "agent": "fence_dummy" })));
    let fence = jsonschema::validator_for(&schema("fence")).unwrap();
    assert!(!fence.is_valid(&json!({ "schema_version": 1, "result": "success" })));
    let list = jsonschema::validator_for(&schema("list-installed")).unwrap();
    assert!(!list.is_valid(&json!([{ "name": "fence_dummy" }])));
}
