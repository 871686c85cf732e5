//! `fencectl ovh-keys create` and `check` against the OVH API mock, and
//! python-ovh (PyPI `ovh` 1.2.0) as the reference client.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use serde_json::json;

use crate::ovh_mock::{OvhMock, AK, AS, CK, SERVER};
use crate::support::{text, Sandbox};

const SERVER_B: &str = "ns567891.ip-123-22-45.eu";

fn create(
    sandbox: &Sandbox,
    mock: &OvhMock,
    output: &Path,
    extra: &[&str],
) -> std::process::Output {
    let secret = sandbox.file("app.secret", format!("{AS}\n").as_bytes());
    sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args([
            "ovh-keys",
            "create",
            "--endpoint",
            "ovh-eu",
            "--application-key",
            AK,
            "--application-secret-file",
        ])
        .arg(&secret)
        .args(["--server", SERVER, "--server", SERVER_B, "--output"])
        .arg(output)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn create_requests_least_privilege_waits_tests_and_writes_a_private_file() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 2 }));
    let output = sandbox.path().join("ovh.conf");
    std::fs::write(&output, "[ovh-ca]\napplication_key=keep\n").unwrap();
    let out = create(
        &sandbox,
        &mock,
        &output,
        &[
            "--allowed-ip",
            "127.0.0.1",
            "--allowed-ip",
            "203.0.113.4",
            "--allowed-ip",
            "198.51.100.0/24",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("/mock/validate/"),
        "the validation URL is shown: {stderr}"
    );
    assert!(stderr.contains("\"Unlimited\""));
    assert!(
        stderr.contains(&format!(
            "{SERVER}: ok: rescue boot 103 (rescue-customer), disk boot 101 (hd)"
        )),
        "{stderr}"
    );

    let request = mock
        .requests()
        .into_iter()
        .find(|r| r["path"] == "/1.0/auth/credential")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    let rules = body["accessRules"].as_array().unwrap();
    assert_eq!(rules.len(), 14, "7 rules per server");
    assert!(rules.contains(
        &json!({ "method": "POST", "path": format!("/dedicated/server/{SERVER}/reboot") })
    ));
    assert!(rules.contains(
        &json!({ "method": "GET", "path": format!("/dedicated/server/{SERVER_B}/task/*") })
    ));
    assert!(!rules
        .iter()
        .any(|r| r["path"] == "/*" || r["path"] == "/dedicated/server/*"));
    assert_eq!(
        body["allowedIPs"],
        json!(["127.0.0.1", "203.0.113.4", "198.51.100.0/24"])
    );
    assert_eq!(body["redirection"], json!(null));

    let mode = std::fs::metadata(&output).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(
        written.contains("[ovh-ca]\napplication_key=keep\n"),
        "other sections are kept: {written}"
    );
    assert!(written.contains("[default]\nendpoint=ovh-eu\n"));
    assert!(
        written.contains(&format!(
            "fencectl_api_url={}\napplication_key={AK}\napplication_secret={AS}\nconsumer_key=CK",
            mock.url()
        )),
        "the API URL in a key python-ovh ignores: {written}"
    );

    let snippets = text(&out.stdout);
    assert!(
        snippets.contains(&format!("ovh_config=\"{}\"", output.display())),
        "{snippets}"
    );
    assert!(snippets.contains("pcmk_reboot_timeout"));
    assert!(
        !snippets.contains(AS),
        "snippets name the file, never the secrets"
    );

    // the new keys check out, and check finds the servers in the rules
    let out = sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args(["ovh-keys", "check", "--config"])
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let report = text(&out.stdout);
    assert!(
        report.contains("credential: validated") && report.contains(SERVER_B),
        "{report}"
    );
    assert!(
        report.contains("allowed IPs: 127.0.0.1, 203.0.113.4, 198.51.100.0/24"),
        "{report}"
    );

    // an existing section is not replaced without --yes
    let before = std::fs::read_to_string(&output).unwrap();
    let out = create(&sandbox, &mock, &output, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("already has a [ovh-eu] section"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), before);
}

#[test]
fn without_a_terminal_missing_flags_fail_at_once() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["ovh-keys", "create"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let stderr = text(&out.stderr);
    for flag in [
        "--endpoint",
        "--application-key",
        "--application-secret-file",
        "--server",
    ] {
        assert!(stderr.contains(flag), "{stderr}");
    }
}

#[test]
fn a_key_left_pending_writes_nothing() {
    let sandbox = Sandbox::new();
    for answer in ["status", "error"] {
        let mock = OvhMock::start(sandbox.path(), json!({ "pending_answer": answer }));
        let output = sandbox.path().join(format!("pending-{answer}.conf"));
        let out = create(&sandbox, &mock, &output, &["--wait-timeout", "2s"]);
        assert_eq!(out.status.code(), Some(1), "{answer}");
        assert!(
            text(&out.stderr).contains("not validated within 2s: nothing was written"),
            "{}",
            text(&out.stderr)
        );
        assert!(!output.exists());
    }
}

pub(crate) fn config(sandbox: &Sandbox, secret: &str, consumer: &str) -> PathBuf {
    sandbox.file(
        "keys.conf",
        format!("[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key={AK}\napplication_secret={secret}\nconsumer_key={consumer}\n").as_bytes(),
    )
}

pub(crate) fn check(
    sandbox: &Sandbox,
    mock: &OvhMock,
    config: &Path,
    extra: &[&str],
) -> std::process::Output {
    sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args(["ovh-keys", "check", "--config"])
        .arg(config)
        .args(extra)
        .output()
        .unwrap()
}

fn limited_rules(server: &str) -> serde_json::Value {
    json!([
        { "method": "GET", "path": format!("/dedicated/server/{server}") },
        { "method": "POST", "path": format!("/dedicated/server/{server}/reboot") },
    ])
}

#[test]
fn check_reports_what_fencing_needs() {
    let sandbox = Sandbox::new();
    // the default mock key may do everything: every fencing rule is granted
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let conf = config(&sandbox, AS, CK);
    let out = check(
        &sandbox,
        &mock,
        &conf,
        &["--server", SERVER, "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "validated");
    assert!(report["servers"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r[2] == true));
    drop(mock);

    // rules that miss PUT and the boot and task reads
    let credential = json!({ CK: { "ak": AK, "status": "validated", "rules": limited_rules(SERVER), "allowedIPs": null, "expiration": "2026-12-24T00:00:00+01:00" } });
    let mock = OvhMock::start(sandbox.path(), json!({ "credentials": credential }));
    let out = check(&sandbox, &mock, &conf, &[]);
    assert_eq!(out.status.code(), Some(1));
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(
        all.contains(&format!(
            "PUT /dedicated/server/{SERVER}, GET /dedicated/server/{SERVER}/boot, "
        )),
        "{all}"
    );
    assert!(all.contains("expire at 2026-12-24"), "{all}");
    drop(mock);

    // an expired key, a wrong secret, a server that does not exist
    let credential = json!({ CK: { "ak": AK, "status": "expired", "rules": [], "allowedIPs": null, "expiration": null } });
    let mock = OvhMock::start(sandbox.path(), json!({ "credentials": credential }));
    let out = check(&sandbox, &mock, &conf, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("run fencectl ovh-keys create"),
        "{}",
        text(&out.stderr)
    );
    drop(mock);
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let wrong = config(&sandbox, "not-the-secret", CK);
    let out = check(&sandbox, &mock, &wrong, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("INVALID_SIGNATURE"),
        "{}",
        text(&out.stderr)
    );
    let conf = config(&sandbox, AS, CK);
    let out = check(
        &sandbox,
        &mock,
        &conf,
        &["--server", "ns000000.ip-1-2-3.eu"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("ns000000.ip-1-2-3.eu") && text(&out.stderr).contains("404"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_survives_server_errors_and_clock_skew() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(
        sandbox.path(),
        json!({ "server_get_500": 1, "time_offset": 3600 }),
    );
    let conf = config(&sandbox, AS, CK);
    let out = check(
        &sandbox,
        &mock,
        &conf,
        &["--server", SERVER, "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let skew = report["clock_skew_seconds"].as_i64().unwrap();
    assert!((3599..=3601).contains(&skew), "{skew}");
    let gets = mock
        .calls()
        .iter()
        .filter(|c| c == &&format!("GET /dedicated/server/{SERVER}"))
        .count();
    assert_eq!(gets, 2, "the 500 was retried");
}

/// python-ovh 1.2.0, installed by the test command in target/py-venv.
fn python_ovh() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-venv/bin/python");
    assert!(
        python.exists(),
        "python-ovh is missing: run ./scripts/test.sh (it creates target/py-venv with ovh==1.2.0)"
    );
    python
}

#[test]
fn python_ovh_reads_the_file_and_signs_as_fencectl_does() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let out = create(&sandbox, &mock, &output, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = format!(
        r#"
import json, ovh, ovh.client
ovh.client.ENDPOINTS["ovh-eu"] = "{url}"
client = ovh.Client(config_file="{conf}")
print(json.dumps({{"ak": client._application_key, "as": client._application_secret, "ck": client._consumer_key}}))
client.get("/dedicated/server/{SERVER}")
client.put("/dedicated/server/{SERVER}", bootId=101)
"#,
        url = mock.url(),
        conf = output.display()
    );
    let before = mock.requests().len();
    let py = StdCommand::new(python_ovh())
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(py.status.success(), "python-ovh: {}", text(&py.stderr));
    let keys: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();
    assert_eq!(keys["ak"], AK);
    assert_eq!(keys["as"], AS);
    assert!(keys["ck"].as_str().unwrap().starts_with("CK"));
    let by_python: Vec<serde_json::Value> = mock.requests()[before..]
        .iter()
        .filter(|r| r["path"] != "/1.0/auth/time")
        .cloned()
        .collect();

    // the same calls from fencectl, with the same keys
    let before = mock.requests().len();
    let lines = format!(
        "action=on\nplug={SERVER}\novh_config={}\npoll_interval=0.05\n",
        output.display()
    );
    let agent = sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args(["agent", "ovh"])
        .write_stdin(lines)
        .output()
        .unwrap();
    assert!(agent.status.success(), "{}", text(&agent.stderr));
    let ours: Vec<serde_json::Value> = mock.requests()[before..].to_vec();
    for theirs in &by_python {
        let mine = ours
            .iter()
            .find(|r| r["method"] == theirs["method"] && r["path"] == theirs["path"])
            .unwrap_or_else(|| panic!("fencectl made no {} {}", theirs["method"], theirs["path"]));
        let names = |r: &serde_json::Value| {
            let mut names: Vec<String> = r["headers"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.to_lowercase())
                .collect();
            names.sort();
            names
        };
        assert_eq!(names(mine), names(theirs), "the same X-Ovh-* headers");
        let header = |r: &serde_json::Value, name: &str| {
            r["headers"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str().unwrap().to_string())
        };
        assert_eq!(
            header(mine, "X-Ovh-Application"),
            header(theirs, "X-Ovh-Application")
        );
        assert_eq!(
            header(mine, "X-Ovh-Consumer"),
            header(theirs, "X-Ovh-Consumer")
        );
        let (t1, t2): (i64, i64) = (
            header(mine, "X-Ovh-Timestamp").unwrap().parse().unwrap(),
            header(theirs, "X-Ovh-Timestamp").unwrap().parse().unwrap(),
        );
        assert!(
            (t1 - t2).abs() <= 5,
            "timestamps from the same server clock"
        );
        if theirs["method"] == "PUT" {
            assert_eq!(mine["body"], theirs["body"], "the same body bytes");
        }
        // the mock verified both signatures with the same secret: both calls were accepted
    }
}

/// The real interactive walk, in a pseudo-terminal, from the first prompt
/// to the written file, which python-ovh then reads.
#[test]
fn interactive_create_in_a_terminal() {
    use expectrl::{Eof, Regex};

    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 2 }));
    let output = sandbox.path().join("interactive.conf");
    let mut command = sandbox.std_cmd();
    command
        .env("FENCECTL_OVH_API_URL", mock.url())
        .env("TERM", "xterm")
        .args(["ovh-keys", "create", "--wait-timeout", "30s", "--output"])
        .arg(&output);
    let mut session = expectrl::session::Session::spawn(command).expect("spawn in a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
    session.expect("OVH API endpoint").unwrap();
    session.send("\r").unwrap(); // the first: ovh-eu
    session.expect("Application key").unwrap();
    session.send(format!("{AK}\r")).unwrap();
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session
        .expect("Also allow listing the account's servers")
        .unwrap();
    session.send("n\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("127.0.0.1 203.0.113.4\r").unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session.expect(Regex("rescue boot 103")).unwrap();
    session.expect(Eof).unwrap();
    let request = mock
        .requests()
        .into_iter()
        .find(|r| r["path"] == "/1.0/auth/credential")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    let rules = body["accessRules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        7,
        "one server's rules, no list rule: {rules:?}"
    );
    assert_eq!(body["allowedIPs"], json!(["127.0.0.1", "203.0.113.4"]));
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(
        written.contains(&format!("application_key={AK}")),
        "{written}"
    );
    assert_eq!(
        std::fs::metadata(&output).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let read = StdCommand::new(python_ovh())
        .arg("-c")
        .arg(format!("import ovh; c = ovh.Client(config_file='{}'); print(c._application_key, c._consumer_key[:2])", output.display()))
        .output()
        .unwrap();
    assert_eq!(
        text(&read.stdout).trim(),
        format!("{AK} CK"),
        "{}",
        text(&read.stderr)
    );
}
