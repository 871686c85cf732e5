//! `fencectl metadata --check`: the rules of metadata.rng (with xmllint as
//! the oracle, agent by agent and fixture by fixture) and the rules the
//! schema cannot see.

use std::path::Path;
use std::process::Command as StdCommand;

use crate::support::{fixture, text, Sandbox, SYSTEM_AGENTS};

const SCHEMA: &str = "/usr/share/cluster/relaxng/metadata.rng";

fn xmllint_accepts(file: &Path) -> bool {
    StdCommand::new("xmllint")
        .args(["--noout", "--relaxng", SCHEMA])
        .arg(file)
        .output()
        .expect("xmllint (libxml2-utils) is installed by the test command")
        .status
        .success()
}

fn check_json(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "--check",
            "--format",
            "json",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .args(args)
        .output()
        .unwrap();
    let rows = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    (out.status.code(), rows)
}

#[test]
fn every_installed_agent_agrees_with_xmllint() {
    let sandbox = Sandbox::new();
    let (code, rows) = check_json(&sandbox, &["--all"]);
    assert_eq!(code, Some(1));
    let mut with_errors: Vec<&str> = rows
        .iter()
        .filter(|r| r["severity"] == "error")
        .map(|r| r["agent"].as_str().unwrap())
        .collect();
    with_errors.dedup();
    assert_eq!(with_errors, ["fence_ack_manual", "fence_watchdog"]);
    let warned = |agent: &str, rule: &str| {
        rows.iter()
            .any(|r| r["agent"] == agent && r["rule"] == rule && r["severity"] == "warning")
    };
    assert!(warned("fence_compute", "boolean-default-style"));
    assert!(warned("fence_evacuate", "boolean-default-style"));
    assert!(warned("fence_rcd_serial", "no-off-action"));
    assert!(warned("fence_kdump", "getopt-form"));

    let dir = sandbox.path().join("metadata");
    std::fs::create_dir_all(&dir).unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(SYSTEM_AGENTS).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("fence_")
            || name.starts_with("fence_fctest_")
            || name == "fence_ovh_api"
        {
            continue;
        }
        let out = StdCommand::new(entry.path())
            .args(["-o", "metadata"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let file = dir.join(format!("{name}.xml"));
        std::fs::write(&file, &out.stdout).unwrap();
        let schema_ok = out.status.success() && xmllint_accepts(&file);
        let ours_ok = !with_errors.contains(&name.as_str());
        assert_eq!(ours_ok, schema_ok, "{name}: fencectl and xmllint disagree");
        compared += 1;
    }
    assert!(compared >= 80, "compared {compared} agents");
}

#[test]
fn one_agent_and_strict() {
    let sandbox = Sandbox::new();
    let (code, rows) = check_json(&sandbox, &["-a", "fence_ipmilan"]);
    assert_eq!((code, rows.len()), (Some(0), 0));
    let (code, rows) = check_json(&sandbox, &["-a", "fence_compute"]);
    assert_eq!(code, Some(0), "warnings alone pass");
    assert!(!rows.is_empty());
    let (code, _) = check_json(&sandbox, &["-a", "fence_compute", "--strict"]);
    assert_eq!(code, Some(1), "--strict makes warnings count");
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "--check",
            "-a",
            "fence_watchdog",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    assert!(
        table.contains("missing-element") && table.contains("vendor-url"),
        "{table}"
    );
    assert!(text(&out.stderr).contains("checked 1 agent: 1 with errors"));
}

#[test]
fn check_needs_exactly_one_source() {
    let sandbox = Sandbox::new();
    for args in [
        &["metadata", "--check"][..],
        &["metadata", "--check", "--all", "-a", "fence_dummy"],
    ] {
        let out = sandbox.cmd().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(64),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = sandbox
        .cmd()
        .args(["metadata", "--check", "--file", "/nonexistent.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/nonexistent.xml"));
}

/// (rule, severity, what to replace in good.xml, with what, line of the finding)
const MUTATIONS: &[(&str, &str, &str, &str, usize)] = &[
    ("root-element", "error", "resource-agent", "agent", 2),
    ("missing-attribute", "error", " shortdesc=\"Fixture metadata that passes every rule\"", "", 2),
    ("unknown-attribute", "error", "<longdesc>", "<longdesc lang=\"en\">", 4),
    ("missing-element", "error", "<vendor-url>https://example.org</vendor-url>", "", 2),
    (
        "element-order",
        "error",
        "<symlink name=\"fence_good2\" shortdesc=\"Another name\"/>\n<longdesc>A fence agent description.</longdesc>",
        "<longdesc>A fence agent description.</longdesc>\n<symlink name=\"fence_good2\" shortdesc=\"Another name\"/>",
        4,
    ),
    ("unknown-element", "error", "<longdesc>", "<version>1</version><longdesc>", 4),
    ("duplicate-element", "error", "<longdesc>A fence", "<longdesc>x</longdesc><longdesc>A fence", 4),
    ("boolean-attribute", "error", "name=\"lanplus\" unique=\"0\"", "name=\"lanplus\" unique=\"no\"", 22),
    ("unexpected-text", "error", "<parameters>", "<parameters>stray text", 6),
    ("content-type", "error", "<content type=\"integer\" default=\"623\"", "<content type=\"port\" default=\"623\"", 37),
    ("duplicate-parameter", "error", "name=\"ipport\"", "name=\"ip\"", 35),
    ("boolean-default-style", "warning", "type=\"boolean\" default=\"0\"", "type=\"boolean\" default=\"False\"", 24),
    ("default-type", "warning", "default=\"623\"", "default=\"port 623\"", 37),
    ("select-default", "warning", "type=\"select\" default=\"onoff\"", "type=\"select\" default=\"soft\"", 29),
    ("getopt-form", "warning", "-u, --ipport=[port]", "-u PORT", 35),
    ("obsoletes-missing", "warning", "obsoletes=\"ipaddr\"", "obsoletes=\"ipadr\"", 12),
    ("obsoletes-not-deprecated", "warning", " deprecated=\"1\"", "", 12),
    ("deprecated-without-replacement", "warning", " obsoletes=\"ipaddr\"", "", 17),
    ("duplicate-action", "warning", "<action name=\"status\" />", "<action name=\"status\" /><action name=\"status\" />", 50),
    ("no-off-action", "warning", "<action name=\"off\" />", "", 46),
    ("reboot-on-fabric", "warning", "<action name=\"on\" automatic=\"0\"/>", "<action name=\"on\" automatic=\"1\"/>", 49),
    ("not-xml", "error", "</resource-agent>", "", 54),
];

#[test]
fn each_rule_fires_on_its_own_fixture_and_agrees_with_xmllint() {
    let sandbox = Sandbox::new();
    let good = std::fs::read_to_string(fixture("metadata/good.xml")).unwrap();
    let (code, rows) = check_json(
        &sandbox,
        &["--file", fixture("metadata/good.xml").to_str().unwrap()],
    );
    assert_eq!(
        (code, rows.len()),
        (Some(0), 0),
        "good.xml is clean: {rows:?}"
    );
    assert!(xmllint_accepts(&fixture("metadata/good.xml")));
    for (rule, severity, from, to, line) in MUTATIONS {
        assert!(good.contains(from), "{rule}: the fixture has no {from:?}");
        let broken = sandbox.file(&format!("{rule}.xml"), good.replace(from, to).as_bytes());
        let (code, rows) = check_json(&sandbox, &["--file", broken.to_str().unwrap()]);
        let hit = rows
            .iter()
            .find(|r| r["rule"] == *rule)
            .unwrap_or_else(|| panic!("{rule} did not fire: {rows:#?}"));
        assert_eq!(hit["severity"], *severity, "{rule}");
        assert_eq!(hit["line"], *line, "{rule}: {hit}");
        let expect_code = if *severity == "error" { 1 } else { 0 };
        assert_eq!(code, Some(expect_code), "{rule}");
        // duplicate parameter names pass the schema but break consumers
        let schema_error = *severity == "error" && *rule != "duplicate-parameter";
        assert_eq!(
            !schema_error,
            xmllint_accepts(&broken),
            "{rule}: the schema verdict must agree with xmllint"
        );
    }
}

#[test]
fn malformed_output_never_panics_and_gives_a_position() {
    let sandbox = Sandbox::new();
    let cases: &[(&str, &[u8], usize)] = &[
        ("truncated", b"<resource-agent name=\"x\" shortdesc=\"y\">\n<longdesc>", 2),
        ("encoding", b"<resource-agent name=\"x\"\n shortdesc=\"caf\xe9\"/>", 2),
        ("entity", b"<resource-agent name=\"x\" shortdesc=\"y\">\n<longdesc>&nbsp;</longdesc></resource-agent>", 2),
        ("tabs", b"\t<resource-agent\tname=\"x\"\tshortdesc=\"y\">\t\n\t</resource-agent>\t\ngarbage", 3),
        ("empty", b"", 1),
    ];
    for (name, bytes, line) in cases {
        let file = sandbox.file(&format!("{name}.xml"), bytes);
        let (code, rows) = check_json(&sandbox, &["--file", file.to_str().unwrap()]);
        assert_eq!(code, Some(1), "{name}");
        assert_eq!(rows[0]["rule"], "not-xml", "{name}: {rows:?}");
        assert_eq!(rows[0]["line"], *line, "{name}: {rows:?}");
    }
    let huge = sandbox.file("huge.xml", &vec![b'x'; 20 * 1024 * 1024]);
    let (code, rows) = check_json(&sandbox, &["--file", huge.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        rows[0]["message"].as_str().unwrap().contains("larger than"),
        "{rows:?}"
    );
}
