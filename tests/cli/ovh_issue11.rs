//! Issue 11: `ovh-keys create` that never loses the admin's typing or
//! waits in silence, and the OVH agent's edge cases, against the mock.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::ovh_mock::{OvhMock, AK, AS, CK, RESCUE_BOOT, SERVER};
use crate::support::{text, Sandbox};

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

fn create(
    sandbox: &Sandbox,
    mock: &OvhMock,
    secret: &str,
    servers: &[&str],
    output: &Path,
) -> std::process::Output {
    let file = sandbox.file("app.secret", format!("{secret}\n").as_bytes());
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_OVH_API_URL", mock.url())
        .args([
            "ovh-keys",
            "create",
            "--endpoint",
            "ovh-eu",
            "--application-key",
            AK,
            "--application-secret-file",
        ])
        .arg(&file)
        .args(["--wait-timeout", "60s", "--output"])
        .arg(output);
    for server in servers {
        cmd.args(["--server", server]);
    }
    cmd.timeout(Duration::from_secs(90)).output().unwrap()
}

#[test]
fn issue11_a_wrong_secret_with_flags_fails_within_seconds_naming_the_secret() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let output = sandbox.path().join("ovh.conf");
    let started = std::time::Instant::now();
    let out = create(&sandbox, &mock, "not-the-secret", &[SERVER], &output);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("app.secret does not match application key"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!output.exists());
    let polls = mock
        .calls()
        .iter()
        .filter(|c| *c == "GET /auth/currentCredential")
        .count();
    assert_eq!(
        polls, 3,
        "three refused signatures, not 15 minutes of polling"
    );
    let times = mock
        .requests()
        .iter()
        .filter(|r| r["path"] == "/1.0/auth/time")
        .count();
    assert_eq!(times, 3, "the clock is read again before each verdict");
}

#[test]
fn issue11_a_misspelled_server_is_caught_before_anything_is_written() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let out = create(&sandbox, &mock, AS, &[SERVER, "ns3.example.test"], &output);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("ns3.example.test") && stderr.contains("404"),
        "{stderr}"
    );
    assert!(
        stderr.contains("DELETE /me/api/credential/"),
        "how to revoke: {stderr}"
    );
    assert!(
        text(&out.stdout).is_empty(),
        "no snippets: {}",
        text(&out.stdout)
    );
    assert!(!output.exists());
}

#[test]
fn issue11_a_bad_server_name_or_address_by_flag_is_a_usage_error_before_any_request() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let output = sandbox.path().join("ovh.conf");
    // `?` would turn the rules into a query string; only `/`, `*` and spaces were refused before
    let out = create(
        &sandbox,
        &mock,
        AS,
        &["ns1.example.eu?bootType=rescue"],
        &output,
    );
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is not a server's service name"));
    assert!(mock.calls().is_empty());
}

#[test]
fn issue11_the_written_file_keeps_comments_and_names_the_config_absolutely() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    std::fs::write(
        sandbox.path().join("rel.conf"),
        "# our keys\n[ovh-ca]\n; old\napplication_key=keep\n",
    )
    .unwrap();
    let file = sandbox.file("app.secret", format!("{AS}\n").as_bytes());
    let out = sandbox
        .cmd()
        .current_dir(sandbox.path())
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
        .arg(&file)
        .args(["--server", SERVER, "--output", "rel.conf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(sandbox.path().join("rel.conf")).unwrap();
    assert!(
        written.starts_with("# our keys\n[ovh-ca]\n; old\napplication_key=keep\n"),
        "{written}"
    );
    let absolute = sandbox.path().join("rel.conf");
    assert!(
        text(&out.stdout).contains(&format!("ovh_config=\"{}\"", absolute.display())),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn issue11_the_mock_enforces_allowed_ips_and_create_says_why_it_cannot_test() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let file = sandbox.file("app.secret", format!("{AS}\n").as_bytes());
    let out = sandbox
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
        .arg(&file)
        .args([
            "--server",
            SERVER,
            "--allowed-ip",
            "203.0.113.4",
            "--output",
        ])
        .arg(&output)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not tested from here"),
        "{}",
        text(&out.stderr)
    );
    // the keys are refused from 127.0.0.1, as OVH refuses them
    let out = sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args(["agent", "ovh", "-o", "status", "-n", SERVER, "--ovh-config"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not among the keys' allowed IPs"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn issue11_list_without_the_list_rule_suggests_list_rule() {
    let sandbox = Sandbox::new();
    let rules = json!([{ "method": "GET", "path": format!("/dedicated/server/{SERVER}") }]);
    let credential = json!({ CK: { "ak": AK, "status": "validated", "rules": rules, "allowedIPs": null, "expiration": null } });
    let mock = OvhMock::start(sandbox.path(), json!({ "credentials": credential }));
    let out = agent(&sandbox, &mock, &["action=list"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("--list-rule"), "{stderr}");
    assert!(
        !stderr.contains("create keys with the fencing rules"),
        "{stderr}"
    );
}

#[test]
fn issue11_an_unknown_application_key_does_not_suggest_ovh_keys_create() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let output = sandbox.path().join("ovh.conf");
    let file = sandbox.file("app.secret", format!("{AS}\n").as_bytes());
    let out = sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args([
            "ovh-keys",
            "create",
            "--endpoint",
            "ovh-eu",
            "--application-key",
            "NoSuchKey",
            "--application-secret-file",
        ])
        .arg(&file)
        .args(["--server", SERVER, "--output"])
        .arg(&output)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("INVALID_KEY") && stderr.contains("createApp"),
        "{stderr}"
    );
    assert!(!stderr.contains("run fencectl ovh-keys create"), "{stderr}");
}

#[test]
fn issue11_a_reboot_already_in_progress_is_waited_for() {
    let sandbox = Sandbox::new();
    let servers = json!({ SERVER: { "reverse": "node1.example.org", "tasks": { "900": { "function": "hardReboot", "boot": RESCUE_BOOT, "status": "doing" } } } });
    let mock = OvhMock::start(sandbox.path(), json!({ "servers": servers }));
    let out = agent(
        &sandbox,
        &mock,
        &["action=off", &format!("plug={SERVER}"), "verbose=1"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("task 900 is already in progress"),
        "{}",
        text(&out.stderr)
    );
    assert!(mock
        .calls()
        .contains(&format!("GET /dedicated/server/{SERVER}/task/900")));
}

#[test]
fn issue11_the_debug_file_is_created_private() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let debug = sandbox.path().join("debug.log");
    let out = agent(
        &sandbox,
        &mock,
        &[
            "action=status",
            &format!("plug={SERVER}"),
            &format!("debug_file={}", debug.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mode = std::fs::metadata(&debug).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

const SERVER_B: &str = "ns567891.ip-123-22-45.eu";

/// `ovh-keys create` in a pseudo-terminal, up to the first question.
fn walk(sandbox: &Sandbox, mock: &OvhMock, output: &Path) -> expectrl::session::Session {
    let mut command = sandbox.std_cmd();
    command
        .env("FENCECTL_OVH_API_URL", mock.url())
        .env("TERM", "xterm")
        .args(["ovh-keys", "create", "--wait-timeout", "60s", "--output"])
        .arg(output);
    let mut session = expectrl::session::Session::spawn(command).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session.expect("OVH API endpoint").unwrap();
    session.send("\r").unwrap(); // the first: ovh-eu
    session.expect("Application key").unwrap();
    session.send(format!("{AK}\r")).unwrap();
    session
}

fn credential_requests(mock: &OvhMock) -> Vec<serde_json::Value> {
    mock.requests()
        .into_iter()
        .filter(|r| r["path"] == "/1.0/auth/credential")
        .map(|r| serde_json::from_str(r["body"].as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn issue11_pty_a_bad_secret_is_asked_again_and_the_pending_key_kept() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 2 }));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send("not-the-secret\r").unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session.expect("Also allow listing").unwrap();
    session.send("n\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("127.0.0.1\r").unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session
        .expect("the application secret does not match")
        .unwrap();
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("rescue boot 103").unwrap();
    session.expect(Eof).unwrap();
    assert_eq!(
        credential_requests(&mock).len(),
        1,
        "the pending consumer key was kept"
    );
    let written = std::fs::read_to_string(&output).unwrap();
    assert!(
        written.contains(&format!("application_secret={AS}\n")),
        "{written}"
    );
}

#[test]
fn issue11_pty_a_typo_is_asked_again_with_the_reason() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send("ns1/reinstall\r").unwrap();
    session.expect("is not a server's service name").unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session.expect("Also allow listing").unwrap();
    session.send("n\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("not-an-ip\r").unwrap();
    session.expect("is not an IP address").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("127.0.0.1\r").unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session.expect(Eof).unwrap();
    let requests = credential_requests(&mock);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["allowedIPs"], json!(["127.0.0.1"]));
    assert!(output.exists(), "key, secret and servers were not lost");
}

#[test]
fn issue11_pty_no_at_the_summary_lets_an_answer_change() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session.expect("Also allow listing").unwrap();
    session.send("n\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("127.0.0.1\r").unwrap();
    session
        .expect("endpoint:     ovh-eu (API at http://127.0.0.1")
        .unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("n\r").unwrap();
    session.expect("Change which answer?").unwrap();
    session.send("\r").unwrap(); // the default: servers
    session.expect("Servers the cluster fences").unwrap();
    // the old answer is the default: erase it, type the new one
    session.send("\x15").unwrap();
    session.send(format!("{SERVER_B}\r")).unwrap();
    session.expect(format!("servers:      {SERVER_B}")).unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session.expect(Eof).unwrap();
    let requests = credential_requests(&mock);
    assert_eq!(requests.len(), 1, "nothing was requested before the yes");
    let paths: Vec<&str> = requests[0]["accessRules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| p.contains(SERVER_B)), "{paths:?}");
}

#[test]
fn issue11_pty_y_then_enter_answers_one_question_only() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session.expect("Also allow listing").unwrap();
    session.send("y\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("127.0.0.1\r").unwrap();
    session.expect("allowed IPs:  127.0.0.1").unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session.expect(Eof).unwrap();
    let requests = credential_requests(&mock);
    assert_eq!(
        requests[0]["allowedIPs"],
        json!(["127.0.0.1"]),
        "the Enter after y did not answer the next question"
    );
    assert!(requests[0]["accessRules"]
        .as_array()
        .unwrap()
        .contains(&json!({ "method": "GET", "path": "/dedicated/server" })));
}

#[test]
fn issue11_check_explains_each_problem_with_its_fix() {
    let sandbox = Sandbox::new();
    let rules = json!([{ "method": "GET", "path": "/dedicated/server/*" }]);
    let credential = json!({ CK: { "ak": AK, "status": "validated", "rules": rules, "allowedIPs": null, "expiration": null } });
    let mock = OvhMock::start(sandbox.path(), json!({ "credentials": credential }));
    let conf = sandbox.file(
        "keys.conf",
        format!("[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key={AK}\napplication_secret={AS}\nconsumer_key={CK}\n").as_bytes(),
    );
    let out = sandbox
        .cmd()
        .env("FENCECTL_OVH_API_URL", mock.url())
        .args(["ovh-keys", "check", "--config"])
        .arg(&conf)
        .args(["--server", SERVER, "--server", "ns3.example.test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("{SERVER}: PUT /dedicated/server/{SERVER}, POST /dedicated/server/{SERVER}/reboot not granted\n    fix: rules cannot be added to existing keys")), "{stderr}");
    assert!(
        stderr.contains("fix: check the service name ns3.example.test"),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains(&format!("(API at {})", mock.url())),
        "the endpoint actually used"
    );
}

#[test]
fn issue11_pty_a_misspelled_server_is_corrected_and_new_keys_requested() {
    use expectrl::Eof;
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({ "validate_after": 1 }));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send("ns3.example.test\r").unwrap();
    session.expect("Also allow listing").unwrap();
    session.send("n\r").unwrap();
    session.expect("Allowed IPs").unwrap();
    session.send("\r").unwrap();
    session.expect("Request keys as shown?").unwrap();
    session.send("y\r").unwrap();
    session
        .expect("ns3.example.test is not a server of this account")
        .unwrap();
    session.expect("Correct name for ns3.example.test").unwrap();
    session.send(format!("{SERVER}\r")).unwrap();
    session.expect("DELETE /me/api/credential/").unwrap();
    session.expect("rescue boot 103").unwrap();
    session.expect(Eof).unwrap();
    let requests = credential_requests(&mock);
    assert_eq!(requests.len(), 2, "new keys for the corrected list");
    assert!(requests[1]["accessRules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["path"].as_str().unwrap().contains(SERVER)));
    assert!(output.exists());
}

#[test]
fn issue11_pty_ctrl_c_writes_nothing() {
    let sandbox = Sandbox::new();
    let mock = OvhMock::start(sandbox.path(), json!({}));
    let output = sandbox.path().join("ovh.conf");
    let mut session = walk(&sandbox, &mock, &output);
    session.expect("Application secret").unwrap();
    session.send(format!("{AS}\r")).unwrap();
    session.expect("Servers the cluster fences").unwrap();
    session.send("\x03").unwrap();
    let status = session.get_process_mut().wait().unwrap();
    assert!(
        matches!(
            status,
            expectrl::WaitStatus::Exited(_, 130) | expectrl::WaitStatus::Signaled(_, _, _)
        ),
        "{status:?}"
    );
    assert!(!output.exists());
    assert!(credential_requests(&mock).is_empty());
}
