//! `fencectl metadata -a AGENT` against the real Debian agents.

use std::process::Command as StdCommand;

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

#[test]
fn xml_is_the_agents_own_bytes() {
    let sandbox = Sandbox::new();
    for agent in ["fence_ipmilan", "fence_ilo3", "fence_dummy"] {
        let ours = sandbox
            .cmd()
            .args([
                "metadata",
                "-a",
                agent,
                "--format",
                "xml",
                "--agent-dir",
                SYSTEM_AGENTS,
            ])
            .output()
            .unwrap();
        assert!(ours.status.success(), "{}", text(&ours.stderr));
        let theirs = StdCommand::new(format!("{SYSTEM_AGENTS}/{agent}"))
            .args(["-o", "metadata"])
            .output()
            .unwrap();
        assert_eq!(ours.stdout, theirs.stdout, "{agent}");
        // and again from the cache, byte for byte
        let cached = sandbox
            .cmd()
            .args([
                "metadata",
                "-a",
                agent,
                "--format",
                "xml",
                "--agent-dir",
                SYSTEM_AGENTS,
            ])
            .output()
            .unwrap();
        assert_eq!(cached.stdout, theirs.stdout, "{agent} from cache");
    }
}

#[test]
fn people_view_shows_parameters_and_actions() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_ilo3", "--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    assert!(out.status.success());
    let view = text(&out.stdout);
    assert!(
        view.starts_with("fence_ilo3: Fence agent for HP iLO3\n"),
        "{view}"
    );
    assert!(view.contains("Aliases: fence_ilo4"));
    // fence_ilo3 has its own defaults: lanplus 1
    let lanplus = view
        .lines()
        .find(|l| l.trim_start().starts_with("lanplus "))
        .unwrap();
    assert!(
        lanplus.contains("boolean") && lanplus.contains(" 1 "),
        "{lanplus}"
    );
    let method = view
        .lines()
        .find(|l| l.trim_start().starts_with("method "))
        .unwrap();
    assert!(method.contains("onoff|cycle"), "{method}");
    // deprecated names hidden unless --deprecated
    assert!(!view.contains("ipaddr"));
    assert!(view.contains("deprecated parameter names hidden"));
    assert!(view.contains("Actions:"));
    let all = sandbox
        .cmd()
        .args([
            "metadata",
            "-a",
            "fence_ilo3",
            "--deprecated",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert!(text(&all.stdout).contains("ipaddr -> ip"));
}

#[test]
fn unfencing_flags_are_shown() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_scsi", "--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    let view = text(&out.stdout);
    let on = view
        .lines()
        .find(|l| l.trim_start().starts_with("on "))
        .unwrap();
    assert!(
        on.contains("yes (unfencing)") && on.trim_end().ends_with("yes"),
        "{on}"
    );
}

#[test]
fn json_is_the_parsed_model() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "-a",
            "/usr/sbin/fence_ipmilan",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(model["name"], "fence_ipmilan");
    let ip = model["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ip")
        .unwrap();
    assert_eq!(ip["obsoletes"], "ipaddr");
    assert_eq!(ip["type"], "string");
    let ipaddr = model["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ipaddr")
        .unwrap();
    assert_eq!(ipaddr["deprecated"], true);
    assert_eq!(ipaddr["replaced_by"], "ip");
    assert!(model["actions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "reboot"));
}

#[test]
fn failing_and_unknown_agents_are_clear_errors() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "-a",
            "fence_ack_manual",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("fence_ack_manual -o metadata failed: exited 1"));

    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "-a",
            "fence_ipmilam",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did you mean 'fence_ipmilan'"),
        "{}",
        text(&out.stderr)
    );

    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "ipmilan", "--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains("did you mean 'fence_ipmilan'"),
        "{}",
        text(&out.stderr)
    );

    let out = sandbox.cmd().args(["metadata"]).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn broken_output_is_an_error_with_a_position() {
    let sandbox = Sandbox::new();
    sandbox.agent(
        "fence_truncated",
        "printf '<resource-agent name=\"x\" shortdesc=\"y\">\\n<parameters>'",
    );
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_truncated", "--agent-dir"])
        .arg(sandbox.agents_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("never closed"),
        "{stderr}"
    );
}
