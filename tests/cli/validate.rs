//! `fencectl validate`: device parameters against the real agents'
//! metadata, Pacemaker's own parameters, and the agent's validate-all.

use std::path::Path;

use serde_json::Value;

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

/// `fencectl validate --format json` with the installed agents.
fn validate(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, Value) {
    validate_in(sandbox, Path::new(SYSTEM_AGENTS), args)
}

fn validate_in(sandbox: &Sandbox, agents: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let out = sandbox
        .cmd()
        .args(["validate", "--format", "json", "--agent-dir"])
        .arg(agents)
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {} {}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), report)
}

/// `fencectl validate` as a table: (exit code, stdout, stderr).
fn validate_table(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, String, String) {
    let out = sandbox
        .cmd()
        .args(["validate", "--agent-dir", SYSTEM_AGENTS])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

fn finding<'a>(report: &'a Value, subject: &str, rule: &str) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| f["subject"] == subject && f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} finding for {subject}: {report:#}"))
}

fn message<'a>(report: &'a Value, subject: &str, rule: &str) -> &'a str {
    finding(report, subject, rule)["message"].as_str().unwrap()
}

fn has_finding(report: &Value, subject: &str) -> bool {
    findings(report).iter().any(|f| f["subject"] == subject)
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
    assert!(findings(&report).is_empty(), "{report:#}");
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
            "passwdd=x",
            "lanplus=0",
            "method=soft",
            "ipport=x",
            "power_wait=soon",
            "cipher=3",
            "ipaddr=192.0.2.1",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(message(&report, "ipadr", "unknown-parameter").contains("did you mean 'ip'"));
    // passwd is the closest name, but deprecated: its replacement is suggested.
    assert!(message(&report, "passwdd", "unknown-parameter").contains("did you mean 'password'"));
    assert_eq!(
        finding(&report, "lanplus", "false-boolean")["severity"],
        "warning"
    );
    assert!(message(&report, "method", "select").contains("onoff, cycle"));
    assert_eq!(finding(&report, "ipport", "integer")["severity"], "error");
    assert_eq!(
        finding(&report, "power_wait", "second")["severity"],
        "error"
    );
    assert!(message(&report, "ipaddr", "deprecated-parameter").contains("use ip"));
    assert!(!has_finding(&report, "cipher"), "a string takes anything");
    assert!(report["agent_check"].is_null());

    // fencing.py compares choices without case, and takes '-' for '_'.
    let (code, report) = validate(
        &sandbox,
        &["-a", "fence_ipmilan", "--no-agent", "ip=x", "method=CYCLE"],
    );
    assert_eq!(code, Some(0), "{report:#}");
    let (code, report) = validate(&sandbox, &["-a", "fence_dummy", "status-file=/tmp/x"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["agent_check"]["ok"], true, "{report:#}");
}

#[test]
fn fractional_seconds_are_refused_as_the_agent_refuses_them() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_ipmilan",
            "ip=192.0.2.1",
            "username=admin",
            "power_wait=2.5",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        finding(&report, "power_wait", "second")["severity"],
        "error"
    );
    let check = &report["agent_check"];
    assert_eq!(
        (check["ran"].as_bool(), check["ok"].as_bool()),
        (Some(true), Some(false))
    );
    let stderr = check["stderr"].as_str().unwrap();
    assert!(
        stderr.contains("is not a valid time in seconds"),
        "{stderr}"
    );
}

#[test]
fn required_parameters_and_deprecated_aliases() {
    let sandbox = Sandbox::new();
    // fence_apc requires ip (alias ipaddr), username (alias login) and plug
    // (alias port); action is "required" too, but has a default.
    let (code, report) = validate(&sandbox, &["-a", "fence_apc", "--no-agent"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        finding(&report, "ip", "missing-required")["severity"],
        "error"
    );
    assert_eq!(
        finding(&report, "username", "missing-required")["severity"],
        "error"
    );
    assert!(!has_finding(&report, "action"), "{report:#}");
    // The cluster supplies the plug: only a note that it will be the node name.
    assert_eq!(
        finding(&report, "plug", "per-node-parameter")["severity"],
        "warning"
    );

    let apc = [
        "-a",
        "fence_apc",
        "--no-agent",
        "ipaddr=192.0.2.5",
        "login=apc",
        "password=apc",
    ];
    let (code, report) = validate(&sandbox, &apc);
    assert_eq!(
        code,
        Some(0),
        "a deprecated alias satisfies the requirement: {report:#}"
    );
    assert!(message(&report, "ipaddr", "deprecated-parameter").contains("use ip"));
    assert!(message(&report, "login", "deprecated-parameter").contains("use username"));

    let (_, report) = validate(
        &sandbox,
        &[&apc[..], &["pcmk_host_map=node1:1;node2:2"]].concat(),
    );
    assert!(
        !has_finding(&report, "plug"),
        "the map gives the plugs: {report:#}"
    );

    let (code, report) = validate(&sandbox, &[&apc[..], &["pcmk_host_argument=none"]].concat());
    assert_eq!(code, Some(1));
    assert!(message(&report, "plug", "missing-required").contains("will not supply it"));
}

#[test]
fn duplicates_warn_and_the_last_one_wins() {
    let sandbox = Sandbox::new();
    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_ipmilan",
            "--no-agent",
            "ip=a",
            "ipaddr=b",
            "ip=c",
        ],
    );
    assert_eq!(code, Some(0), "warnings do not fail: {report:#}");
    assert!(message(&report, "ip", "duplicate-parameter").contains("more than once"));
    assert!(message(&report, "ipaddr", "duplicate-parameter").contains("the same parameter"));
}

#[test]
fn line_breaks_in_values_are_refused() {
    let sandbox = Sandbox::new();
    for value in [
        "status_file=/tmp/x\naction=off",
        "status_file=/tmp/x\raction=off",
    ] {
        let (code, report) = validate(&sandbox, &["-a", "fence_dummy", value]);
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
        "pcmk_reboot_timeout=120",
        "pcmk_off_timeout=60s",
        "pcmk_off_retries=3",
        "pcmk_action_limit=-1",
        "pcmk_reboot_action=off",
        "provides=unfencing",
    ];
    let (code, report) = validate(
        &sandbox,
        &[&["-a", "fence_dummy", "--no-agent"], &good[..]].concat(),
    );
    assert_eq!(code, Some(0), "{report:#}");
    assert!(findings(&report).is_empty(), "{report:#}");

    let bad: &[(&str, &str, &str)] = &[
        ("pcmk_host_map=node1:1;node2", "pcmk_host_map", "host-map"),
        ("pcmk_host_map=node1:a:b", "pcmk_host_map", "host-map"),
        ("pcmk_host_map=", "pcmk_host_map", "host-map"),
        ("pcmk_host_list=, ;", "pcmk_host_list", "host-list"),
        ("pcmk_host_list=node1 node:2", "pcmk_host_list", "host-list"),
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
        ("pcmk_delay_base=5 parsecs", "pcmk_delay_base", "time"),
        (
            "pcmk_delay_base=node1=5s;node2=0s",
            "pcmk_delay_base",
            "time",
        ),
        ("pcmk_delay_max=soon", "pcmk_delay_max", "time"),
        ("pcmk_off_timeout=1.5s", "pcmk_off_timeout", "timeout"),
        ("pcmk_reboot_timeout=2min", "pcmk_reboot_timeout", "timeout"),
        ("pcmk_reboot_retries=-1", "pcmk_reboot_retries", "retries"),
        ("pcmk_action_limit=0", "pcmk_action_limit", "action-limit"),
        ("pcmk_reboot_action=rebot", "pcmk_reboot_action", "action"),
        (
            "pcmk_reboto_action=off",
            "pcmk_reboto_action",
            "unknown-parameter",
        ),
        (
            "pcmk_hots_list=node1",
            "pcmk_hots_list",
            "unknown-parameter",
        ),
    ];
    for (param, subject, rule) in bad {
        let (code, report) = validate(&sandbox, &["-a", "fence_dummy", "--no-agent", param]);
        assert_eq!(code, Some(1), "{param}: {report:#}");
        assert_eq!(
            finding(&report, subject, rule)["severity"],
            "error",
            "{param}"
        );
    }
    let (_, report) = validate(
        &sandbox,
        &["-a", "fence_dummy", "--no-agent", "pcmk_hots_list=node1"],
    );
    assert!(message(&report, "pcmk_hots_list", "unknown-parameter").contains("'pcmk_host_list'"));

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
    // pcmk_delay_max=0 means no random delay, not a cap.
    let (code, _) = validate(
        &sandbox,
        &[
            "-a",
            "fence_dummy",
            "--no-agent",
            "pcmk_delay_base=20s",
            "pcmk_delay_max=0",
        ],
    );
    assert_eq!(code, Some(0));

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
fn what_pacemaker_reads_differently_from_how_it_looks() {
    let sandbox = Sandbox::new();
    let (_, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_dummy",
            "--no-agent",
            "pcmk_reboot_timeout=2min",
            "pcmk_host_map=node1:a:b",
        ],
    );
    // Pacemaker 2.1 reads pcmk_*_timeout with atoi.
    assert!(message(&report, "pcmk_reboot_timeout", "timeout").contains("so it is 2s; write 120"));
    assert!(message(&report, "pcmk_host_map", "host-map").contains("a -> 'b'"));

    let (code, report) = validate(
        &sandbox,
        &[
            "-a",
            "fence_apc",
            "--no-agent",
            "ip=192.0.2.5",
            "username=apc",
            "plug=4",
            "action=off",
            "pcmk_host_list=node1 node10",
            "pcmk_host_check=dynamic-list",
            "pcmk_delay_base=node1:5s;node10:0s",
        ],
    );
    assert_eq!(code, Some(0), "all warnings: {report:#}");
    assert!(message(&report, "pcmk_host_list", "host-list")
        .contains("ignored with pcmk_host_check=dynamic-list"));
    assert!(message(&report, "pcmk_delay_base", "delay-base-prefix")
        .contains("fencing node10 would use the delay of 'node1'"));
    assert!(message(&report, "plug", "fixed-target")
        .contains("every node this device fences gets plug=4"));
    assert!(message(&report, "action", "device-action").contains("pcmk_reboot_action=off"));
}

#[test]
fn validate_all_really_runs_and_its_output_is_masked() {
    let sandbox = Sandbox::new();
    let args = ["-a", "fence_ipmilan", "username=admin", "passwdd=TOPSECRET"];
    let (code, report) = validate(&sandbox, &args);
    assert_eq!(code, Some(1));
    let check = &report["agent_check"];
    assert_eq!(check["ran"], true);
    assert_eq!(check["exit_code"], 1);
    let stderr = check["stderr"].as_str().unwrap();
    // What fence_ipmilan prints, without timestamps and the "-h" hint.
    assert!(
        stderr.contains("ERROR: Failed: You have to enter fence address"),
        "{stderr}"
    );
    assert!(stderr.contains("passwdd=********"), "{stderr}");
    assert!(
        !stderr.contains("Please use '-h'") && !stderr.contains(",0"),
        "{stderr}"
    );
    assert!(!report.to_string().contains("TOPSECRET"));

    let (_, stdout, _) = validate_table(&sandbox, &[&args[..], &["--show-secrets"]].concat());
    assert!(stdout.contains("passwdd=TOPSECRET"), "{stdout}");

    let (code, stdout, stderr) = validate_table(&sandbox, &args);
    assert_eq!(code, Some(1));
    assert!(!(stdout.clone() + &stderr).contains("TOPSECRET"));
    assert!(
        stdout.contains("fence_ipmilan validate-all: rejected (exit 1)"),
        "{stdout}"
    );
    assert!(stdout.contains("fence_ipmilan: NOT valid"), "{stdout}");
}

#[test]
fn validate_all_gets_a_node_as_in_pacemakers_own_validation() {
    let sandbox = Sandbox::new();
    // fence_apc's validate-all demands a plug: Pacemaker (and fencectl)
    // validate as if fencing a node, through its pcmk_host_map entry.
    let apc = [
        "-a",
        "fence_apc",
        "ip=192.0.2.5",
        "username=apc",
        "password=apc",
    ];
    let (code, stdout, _) = validate_table(
        &sandbox,
        &[&apc[..], &["pcmk_host_map=node1:1;node2:2"]].concat(),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("validate-all: accepted, run as for node node1 with port=1"),
        "{stdout}"
    );
    let (code, report) = validate(&sandbox, &apc);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["agent_check"]["ok"], true);
    // fence_dummy has no plug: nothing is added for it to warn about.
    let (code, report) = validate(&sandbox, &["-a", "fence_dummy", "pcmk_host_list=node1"]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["agent_check"]["stderr"], "", "{report:#}");
}

/// A fixture agent that writes its argument count and stdin to `record`.
fn recording_agent(sandbox: &Sandbox, record: &Path) {
    let metadata = r#"<?xml version="1.0" ?>
<resource-agent name="fence_fctest_stdin" shortdesc="records its stdin">
<longdesc>Records its stdin.</longdesc>
<vendor-url>https://example.org</vendor-url>
<parameters>
 <parameter name="action" unique="0" required="1"><getopt mixed="-o"/><content type="string" default="reboot"/><shortdesc lang="en">Action</shortdesc></parameter>
 <parameter name="ip" unique="0" required="1"><getopt mixed="-a"/><content type="string"/><shortdesc lang="en">IP</shortdesc></parameter>
 <parameter name="password" unique="0" required="0"><getopt mixed="-p"/><content type="string"/><shortdesc lang="en">Password</shortdesc></parameter>
 <parameter name="plug" unique="0" required="1" obsoletes="port"><getopt mixed="-n"/><content type="string"/><shortdesc lang="en">Plug</shortdesc></parameter>
 <parameter name="port" unique="0" required="1" deprecated="1"><getopt mixed="-n"/><content type="string"/><shortdesc lang="en">Plug</shortdesc></parameter>
 <parameter name="ssh" unique="0" required="0"><getopt mixed="-x"/><content type="boolean"/><shortdesc lang="en">SSH</shortdesc></parameter>
 <parameter name="verbose" unique="0" required="0"><getopt mixed="-v"/><content type="boolean"/><shortdesc lang="en">Verbose</shortdesc></parameter>
</parameters>
<actions><action name="off"/><action name="reboot"/><action name="validate-all"/><action name="metadata"/></actions>
</resource-agent>"#;
    let file = sandbox.file("fence_fctest_stdin.xml", metadata.as_bytes());
    sandbox.agent(
        "fence_fctest_stdin",
        &format!(
            "if [ \"$1\" = -o ]; then cat '{}'; exit 0; fi\necho \"argc=$#\" > '{}'\ncat >> '{}'",
            file.display(),
            record.display(),
            record.display()
        ),
    );
}

#[test]
fn the_agent_gets_its_parameters_on_stdin_without_pacemakers_or_false_booleans() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("stdin.txt");
    recording_agent(&sandbox, &record);
    let (code, report) = validate_in(
        &sandbox,
        &sandbox.agents_dir(),
        &[
            "-a",
            "fence_fctest_stdin",
            "ip=192.0.2.9",
            "ssh=0",
            "verbose=1",
            "password=pw",
            "action=off",
            "pcmk_host_map=node1:7",
            "pcmk_delay_max=5s",
        ],
    );
    assert_eq!(code, Some(0), "{report:#}");
    let got = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(
        lines,
        [
            "argc=0",
            "ip=192.0.2.9",
            "verbose=1",
            "password=pw",
            "nodename=node1",
            "port=7",
            "action=validate-all"
        ]
    );
}

#[test]
fn agents_without_validate_all_are_checked_by_fencectl_alone() {
    let sandbox = Sandbox::new();
    let (code, stdout, _) = validate_table(&sandbox, &["-a", "fence_watchdog"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("fence_watchdog has no validate-all action"),
        "{stdout}"
    );
    let (_, report) = validate(&sandbox, &["-a", "fence_watchdog"]);
    assert_eq!(report["agent_check"]["ran"], false);
}

#[test]
fn values_from_files_params_files_and_stdin() {
    let sandbox = Sandbox::new();
    let secret = sandbox.file("secret", b"TOPSECRET\n");
    let params = sandbox.file(
        "device.params",
        b"# an IPMI device\nip=192.0.2.1\n\n  username=admin  \n",
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
    assert!(!text(&out.stdout).contains("TOPSECRET"));

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

    // The command line comes after the file: its value wins, with a warning.
    let out = sandbox
        .cmd()
        .args([
            "validate",
            "-a",
            "fence_ipmilan",
            "--no-agent",
            "--format",
            "json",
            "--agent-dir",
            SYSTEM_AGENTS,
            "--params-file",
        ])
        .arg(&params)
        .arg("ip=192.0.2.2")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    finding(&report, "ip", "duplicate-parameter");

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
    assert!(
        text(&out.stderr).contains("is not NAME=VALUE"),
        "{}",
        text(&out.stderr)
    );

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

#[test]
fn the_json_report_has_a_fixed_shape_and_there_is_no_xml() {
    let sandbox = Sandbox::new();
    let keys = |value: &Value| {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let (_, report) = validate(&sandbox, &["-a", "fence_dummy", "pcmk_delay_max=soon"]);
    assert_eq!(
        keys(&report),
        [
            "agent",
            "agent_check",
            "findings",
            "schema_version",
            "valid"
        ]
    );
    assert_eq!(report["agent"], "fence_dummy");
    assert_eq!(report["valid"], false);
    assert_eq!(
        keys(&findings(&report)[0]),
        ["line", "message", "rule", "severity", "subject"]
    );
    assert_eq!(
        keys(&report["agent_check"]),
        ["exit_code", "ok", "ran", "stderr"]
    );
    let (_, report) = validate(&sandbox, &["-a", "fence_dummy", "--no-agent"]);
    assert!(report["agent_check"].is_null());

    let out = sandbox
        .cmd()
        .args([
            "validate",
            "--format",
            "xml",
            "-a",
            "fence_dummy",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
}
