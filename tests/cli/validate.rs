//! `fencectl validate`: device parameters against the real agents'
//! metadata, Pacemaker's own parameters, and the agent's validate-all.

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

fn validate(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = sandbox
        .cmd()
        .args(["validate", "--format", "json", "--agent-dir", SYSTEM_AGENTS])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), report)
}

fn finding<'a>(report: &'a serde_json::Value, subject: &str, rule: &str) -> &'a serde_json::Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"] == subject && f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding for {subject}: {report:#}"))
}

#[test]
fn the_pacemaker_guide_device_is_valid() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_ipmilan",
            "ip=192.0.2.1",
            "username=testuser",
            "password=abc123",
            "lanplus=1",
            "pcmk_host_list=pcmk-1",
        ],
    );
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["valid"], true);
    assert_eq!(report["agent_check"]["ran"], true);
    assert_eq!(report["agent_check"]["ok"], true);
    assert!(
        !report.to_string().contains("abc123"),
        "secrets stay masked"
    );
}

#[test]
fn agent_parameters_are_checked_against_the_metadata() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_ipmilan",
            "--no-agent",
            "ipadr=192.0.2.1",
            "lanplus=0",
            "method=soft",
            "ipport=x",
            "power_wait=soon",
            "cipher=3",
            "ipaddr=192.0.2.1",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(finding(&report, "ipadr", "unknown-parameter")["message"]
        .as_str()
        .unwrap()
        .contains("did you mean 'ipaddr'"));
    assert_eq!(
        finding(&report, "lanplus", "false-boolean")["severity"],
        "warning"
    );
    assert!(finding(&report, "method", "select")["message"]
        .as_str()
        .unwrap()
        .contains("onoff, cycle"));
    assert_eq!(finding(&report, "ipport", "integer")["severity"], "error");
    assert_eq!(
        finding(&report, "power_wait", "second")["severity"],
        "error"
    );
    assert!(
        finding(&report, "ipaddr", "deprecated-parameter")["message"]
            .as_str()
            .unwrap()
            .contains("use ip")
    );
    assert!(report["agent_check"].is_null());
}

#[test]
fn required_parameters_and_deprecated_aliases() {
    let sandbox = Sandbox::new();
    // fence_apc requires ip (alias ipaddr) and username (alias login), and plug
    let (code, report) = validate(&sandbox, &["-a", "fence_apc", "--no-agent"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        finding(&report, "ip", "missing-required")["severity"],
        "error"
    );
    assert_eq!(
        finding(&report, "plug", "per-node-parameter")["severity"],
        "warning"
    );
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_apc",
            "--no-agent",
            "ipaddr=192.0.2.5",
            "login=apc",
            "password=apc",
        ],
    );
    assert_eq!(
        code,
        Some(0),
        "a deprecated alias satisfies the requirement: {report:#}"
    );
    assert!(
        finding(&report, "ipaddr", "deprecated-parameter")["message"]
            .as_str()
            .unwrap()
            .contains("use ip")
    );
}

#[test]
fn newlines_in_values_are_refused() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &["-a", "fence_dummy", "status_file=/tmp/x\naction=off"],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        finding(&report, "status_file", "value-newline")["severity"],
        "error"
    );
    assert_eq!(
        report["agent_check"]["ran"], false,
        "never sent to the agent"
    );
}

#[test]
fn pacemaker_parameters_are_checked() {
    let sandbox = Sandbox::new();
    let good = [
        "pcmk_host_map=node1:1;node2=2,3 node3:a\\:b",
        "pcmk_host_list=node1,node2;node3",
        "pcmk_host_check=static-list",
        "pcmk_host_argument=none",
        "pcmk_delay_base=node1:5s;node2:0s",
        "pcmk_delay_max=10s",
        "pcmk_reboot_timeout=2min",
        "pcmk_off_retries=3",
        "pcmk_action_limit=-1",
        "pcmk_reboot_action=off",
    ];
    let mut args = vec!["-a", "fence_dummy", "--no-agent"];
    args.extend(good);
    let (code, report) = validate(&sandbox, &args);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{report:#}"
    );

    let bad: &[(&str, &str, &str)] = &[
        ("pcmk_host_map=node1:1;node2", "pcmk_host_map", "host-map"),
        ("pcmk_host_list=, ;", "pcmk_host_list", "host-list"),
        (
            "pcmk_host_check=statc-list",
            "pcmk_host_check",
            "host-check",
        ),
        (
            "pcmk_host_argument=plgu",
            "pcmk_host_argument",
            "host-argument",
        ),
        ("pcmk_delay_base=5 seconds", "pcmk_delay_base", "time"),
        ("pcmk_delay_max=soon", "pcmk_delay_max", "time"),
        ("pcmk_off_timeout=1.5s", "pcmk_off_timeout", "time"),
        ("pcmk_reboot_retries=-1", "pcmk_reboot_retries", "retries"),
        ("pcmk_action_limit=0", "pcmk_action_limit", "action-limit"),
        (
            "pcmk_hots_list=node1",
            "pcmk_hots_list",
            "unknown-parameter",
        ),
    ];
    for (param, subject, rule) in bad {
        let (code, report) = validate(&sandbox, &["-a", "fence_dummy", "--no-agent", param]);
        assert_eq!(code, Some(1), "{param}");
        finding(&report, subject, rule);
    }
    let (_, report) = validate(
        &sandbox,
        &["-a", "fence_dummy", "--no-agent", "pcmk_hots_list=node1"],
    );
    assert!(
        finding(&report, "pcmk_hots_list", "unknown-parameter")["message"]
            .as_str()
            .unwrap()
            .contains("pcmk_host_list")
    );
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_dummy",
            "--no-agent",
            "pcmk_delay_base=20s",
            "pcmk_delay_max=10s",
        ],
    );
    assert_eq!(code, Some(1));
    finding(&report, "pcmk_delay_base", "delay-base-over-max");
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_dummy",
            "--no-agent",
            "pcmk_host_check=static-list",
        ],
    );
    assert_eq!(code, Some(1), "static-list without a list fences nothing");
    finding(&report, "pcmk_host_check", "host-check");
    let (code, _) = validate(
        &sandbox,
        &[
            "-a",
            "fence_ipmilan",
            "--no-agent",
            "pcmk_host_check=dynamic-list",
            "ip=x",
        ],
    );
    assert_eq!(code, Some(1), "fence_ipmilan has no list action");
}

#[test]
fn validate_all_really_runs_and_its_output_is_masked() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &["-a", "fence_ipmilan", "username=admin", "passwdd=TOPSECRET"],
    );
    assert_eq!(code, Some(1));
    let check = &report["agent_check"];
    assert_eq!(check["ran"], true);
    assert_eq!(check["exit_code"], 1);
    let stderr = check["stderr"].as_str().unwrap();
    assert!(
        stderr.contains("You have to enter fence address"),
        "{stderr}"
    );
    assert!(stderr.contains("passwdd=********"), "{stderr}");
    assert!(!report.to_string().contains("TOPSECRET"));
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--show-secrets",
            "--agent-dir",
            SYSTEM_AGENTS,
            "username=admin",
            "passwdd=TOPSECRET",
        ])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("passwdd=TOPSECRET"),
        "{}",
        text(&out.stdout)
    );
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--agent-dir",
            SYSTEM_AGENTS,
            "username=admin",
            "passwdd=TOPSECRET",
        ])
        .output()
        .unwrap();
    assert!(!(text(&out.stdout) + &text(&out.stderr)).contains("TOPSECRET"));
    assert!(text(&out.stdout).contains("fence_ipmilan validate-all: rejected (exit 1)"));
}

#[test]
fn values_from_files_params_files_and_stdin() {
    let sandbox = Sandbox::new();
    let secret = sandbox.file("secret", b"TOPSECRET\n");
    let params = sandbox.file(
        "device.params",
        b"# an IPMI device\nip=192.0.2.1\n\nusername=admin\n",
    );
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--format",
            "json",
            "--agent-dir",
            SYSTEM_AGENTS,
            "--params-file",
        ])
        .arg(&params)
        .arg(format!("password=@{}", secret.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--no-agent",
            "--params-file",
            "-",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .write_stdin("ip=192.0.2.1\nipport=nope\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("ipport=nope is not a whole number"));
    let bad = sandbox.file("bad.params", b"ip 192.0.2.1\n");
    let out = sandbox
        .cmd()
        .args(["validate", "-a", "fence_ipmilan", "--params-file"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains("line 1"),
        "{}",
        text(&out.stderr)
    );
    let out = sandbox
        .cmd()
        .args(["validate", "-a", "fence_ipmilan", "ip"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "password=@/nonexistent/secret",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent/secret"));
}

#[test]
fn ask_without_a_terminal_fails_fast() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--ask",
            "password",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains("password=@FILE"),
        "{}",
        text(&out.stderr)
    );
}
