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

/// `metadata --check --format json` over `dir`'s agents: exit code and rows.
fn check_json_in(
    sandbox: &Sandbox,
    dir: &str,
    args: &[&str],
) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "--check",
            "--format",
            "json",
            "--agent-dir",
            dir,
        ])
        .args(args)
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    let rows = document["findings"].as_array().unwrap().clone();
    (out.status.code(), rows)
}

fn check_json(sandbox: &Sandbox, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    check_json_in(sandbox, SYSTEM_AGENTS, args)
}

/// Agents that cluster tests place in /usr/sbin while they run, and the
/// agents built into fencectl: not part of Debian's fence-agents.
fn transient(name: &str) -> bool {
    name.starts_with("fence_fctest_") || name == "fence_ovh_api"
}

/// Agents whose rows have `severity` (and `rule`, when given), in order.
fn agents_with<'a>(
    rows: &'a [serde_json::Value],
    severity: &str,
    rule: Option<&str>,
) -> Vec<&'a str> {
    let mut agents: Vec<&str> = rows
        .iter()
        .filter(|r| r["severity"] == severity && rule.is_none_or(|rule| r["rule"] == rule))
        .filter_map(|r| r["agent"].as_str())
        .filter(|agent| !transient(agent))
        .collect();
    agents.dedup();
    agents
}

#[test]
fn every_installed_agent_agrees_with_xmllint() {
    let sandbox = Sandbox::new();
    let (code, rows) = check_json(&sandbox, &["--all"]);
    assert_eq!(code, Some(1));
    let with_errors = agents_with(&rows, "error", None);
    assert_eq!(with_errors, ["fence_ack_manual", "fence_watchdog"]);
    assert_eq!(
        agents_with(&rows, "warning", Some("boolean-default-style")),
        ["fence_compute", "fence_evacuate"]
    );
    assert_eq!(
        agents_with(&rows, "warning", Some("no-off-action")),
        ["fence_rcd_serial"]
    );
    assert_eq!(
        agents_with(&rows, "warning", Some("getopt-form")),
        [
            "fence_aws",
            "fence_heuristics_ping",
            "fence_ibm_powervs",
            "fence_ibm_vpc",
            "fence_kdump",
            "fence_legacy",
            "fence_sbd",
            "fence_scsi"
        ]
    );

    let dir = sandbox.path().join("metadata");
    std::fs::create_dir_all(&dir).unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(SYSTEM_AGENTS).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("fence_") || transient(&name) {
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
fn json_rows_are_a_stable_contract() {
    let sandbox = Sandbox::new();
    let (_, rows) = check_json(&sandbox, &["-a", "fence_watchdog"]);
    let mut keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["agent", "line", "message", "rule", "severity", "subject"]
    );
    assert_eq!(rows[0]["agent"], "fence_watchdog");
    assert_eq!(rows[0]["line"], 2);
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
        .args(["metadata", "--check", "-a", "fence_watchdog"])
        .args(["--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    assert!(table.starts_with("AGENT"), "{table}");
    assert!(
        table.contains("missing-element") && table.contains("vendor-url"),
        "{table}"
    );
    assert!(
        text(&out.stderr).contains("checked 1 agent: 1 with errors, 0 with warnings"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn clean_agents_print_nothing_but_ok_under_verbose() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["metadata", "--check", "-a", "fence_ipmilan", "-v"])
        .args(["--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("fence_ipmilan: ok"), "{stderr}");
    assert!(
        stderr.contains("checked 1 agent: 0 with errors"),
        "{stderr}"
    );
}

/// A failing metadata run is an error without a line; a clean agent
/// beside it adds nothing.
#[test]
fn an_agent_without_metadata_is_an_error() {
    let sandbox = Sandbox::new();
    sandbox.agent(
        "fence_broken",
        "echo 'usage: fence_broken <node>' >&2; exit 1",
    );
    let good = std::fs::read_to_string(fixture("metadata/good.xml")).unwrap();
    sandbox.agent_with_metadata("fence_good", &good);
    let dir = sandbox.agents_dir();
    let (code, rows) = check_json_in(&sandbox, dir.to_str().unwrap(), &["--all"]);
    assert_eq!(code, Some(1));
    let ours: Vec<_> = rows
        .iter()
        .filter(|r| !transient(r["agent"].as_str().unwrap()))
        .collect();
    assert_eq!(ours.len(), 1, "{ours:#?}");
    assert_eq!(ours[0]["agent"], "fence_broken");
    assert_eq!(ours[0]["rule"], "no-metadata");
    assert_eq!(ours[0]["line"], serde_json::Value::Null);
    assert!(
        ours[0]["message"].as_str().unwrap().contains("exited 1"),
        "{ours:?}"
    );
}

#[test]
fn check_needs_exactly_one_source() {
    let sandbox = Sandbox::new();
    let good = fixture("metadata/good.xml");
    let good = good.to_str().unwrap();
    for args in [
        &["metadata", "--check"][..],
        &["metadata", "--check", "--all", "-a", "fence_dummy"],
        &["metadata", "--check", "--file", good, "-a", "fence_dummy"],
        &["metadata", "--check", "--file", good, "--all"],
        &["metadata", "--check", "--file", good, "--format", "xml"],
    ] {
        let out = sandbox.cmd().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(
            stderr.contains("-a")
                || stderr.contains("--format")
                || stderr.contains("cannot be used"),
            "{args:?}: {stderr}"
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

#[test]
fn file_dash_reads_standard_input() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["metadata", "--check", "--format", "json", "--file", "-"])
        .write_stdin(std::fs::read(fixture("metadata/no-off-action.xml")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = document["findings"].as_array().unwrap();
    assert_eq!(rows[0]["rule"], "no-off-action");
    assert_eq!(rows[0]["agent"], "-");
}

#[test]
fn good_fixture_is_clean() {
    let sandbox = Sandbox::new();
    let good = fixture("metadata/good.xml");
    let (code, rows) = check_json(&sandbox, &["--file", good.to_str().unwrap()]);
    assert_eq!((code, rows.len()), (Some(0), 0), "good.xml: {rows:?}");
    assert!(xmllint_accepts(&good));
}

/// Checks `tests/fixtures/metadata/<rule>.xml` (good.xml broken one way,
/// as its first-line comment says): the rule fires with this severity on
/// this line, the exit code follows the severity, and the schema verdict
/// is xmllint's.
fn fixture_fires(rule: &str, severity: &str, line: u64) {
    let sandbox = Sandbox::new();
    let file = fixture(&format!("metadata/{rule}.xml"));
    let (code, rows) = check_json(&sandbox, &["--file", file.to_str().unwrap()]);
    let hit = rows
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("{rule} did not fire: {rows:#?}"));
    assert_eq!(hit["severity"], severity, "{rule}");
    assert_eq!(hit["line"], line, "{rule}: {hit}");
    assert_eq!(
        code,
        Some(if severity == "error" { 1 } else { 0 }),
        "{rule}"
    );
    // Duplicate parameter names pass the schema but break consumers.
    let schema_error = severity == "error" && rule != "duplicate-parameter";
    assert_eq!(
        !schema_error,
        xmllint_accepts(&file),
        "{rule}: the schema verdict must agree with xmllint"
    );
}

macro_rules! fixture_tests {
    ($($test:ident: $rule:literal, $severity:literal, $line:literal;)*) => {
        mod fixtures {
            $(
                #[test]
                fn $test() {
                    super::fixture_fires($rule, $severity, $line);
                }
            )*
        }
    };
}

fixture_tests! {
    root_element: "root-element", "error", 2;
    missing_attribute: "missing-attribute", "error", 2;
    unknown_attribute: "unknown-attribute", "error", 4;
    missing_element: "missing-element", "error", 2;
    element_order: "element-order", "error", 4;
    unknown_element: "unknown-element", "error", 4;
    duplicate_element: "duplicate-element", "error", 4;
    boolean_attribute: "boolean-attribute", "error", 22;
    unexpected_text: "unexpected-text", "error", 6;
    content_type: "content-type", "error", 37;
    namespace: "namespace", "error", 4;
    not_xml: "not-xml", "error", 53;
    duplicate_parameter: "duplicate-parameter", "error", 35;
    boolean_default_style: "boolean-default-style", "warning", 24;
    default_type: "default-type", "warning", 37;
    select_default: "select-default", "warning", 29;
    getopt_form: "getopt-form", "warning", 36;
    obsoletes_missing: "obsoletes-missing", "warning", 12;
    obsoletes_not_deprecated: "obsoletes-not-deprecated", "warning", 12;
    deprecated_without_replacement: "deprecated-without-replacement", "warning", 17;
    duplicate_action: "duplicate-action", "warning", 51;
    no_off_action: "no-off-action", "warning", 46;
    reboot_on_fabric: "reboot-on-fabric", "warning", 49;
}

#[test]
fn every_fixture_has_a_test() {
    let dir = fixture("metadata");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "good.xml")
        .collect();
    names.sort();
    let source = include_str!("check.rs");
    for name in names {
        let rule = name.trim_end_matches(".xml");
        assert!(
            source.contains(&format!("\"{rule}\", \"")),
            "tests/fixtures/metadata/{name} has no fixture_tests! entry"
        );
    }
}

#[test]
fn malformed_output_never_panics_and_gives_a_position() {
    let sandbox = Sandbox::new();
    let deep = format!("<resource-agent>\n{}", "<a>".repeat(100_000));
    let cases: &[(&str, &[u8], usize)] = &[
        ("truncated", b"<resource-agent name=\"x\" shortdesc=\"y\">\n<longdesc>", 2),
        ("encoding", b"<resource-agent name=\"x\"\n shortdesc=\"caf\xe9\"/>", 2),
        ("entity", b"<resource-agent name=\"x\" shortdesc=\"y\">\n<longdesc>&nbsp;</longdesc></resource-agent>", 2),
        ("tabs", b"\t<resource-agent\tname=\"x\"\tshortdesc=\"y\">\t\n\t</resource-agent>\t\ngarbage", 3),
        ("doctype", b"<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>", 2),
        ("deep", deep.as_bytes(), 2),
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
