//! Output that fits (issue 15): tables sized to their content that wrap
//! only their free text on a terminal and never in a pipe, the dry-run
//! layout and verbosity levels, the agent's real error as the reason,
//! colour rules, and `history`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{fixture, text, Sandbox, SYSTEM_AGENTS};

const RECORDER: &str = "fence_fctest_recorder";

/// The fixture agents first, then the real ones.
fn agent_path() -> String {
    format!("{}:{SYSTEM_AGENTS}", fixture("agents").display())
}

/// `fencectl ARGS` in a pseudo-terminal `columns` wide, stderr dropped:
/// what a person sees on stdout, `\r` removed.
fn in_terminal(sandbox: &Sandbox, columns: u16, env: &[(&str, &str)], args: &[&str]) -> String {
    use expectrl::Eof;
    let bin = assert_cmd::cargo::cargo_bin("fencectl");
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 2>/dev/null")
        .arg(&bin)
        .args(args);
    for var in ["NO_COLOR", "FENCECTL_AGENT_PATH", "FENCECTL_LOG_FILE"] {
        command.env_remove(var);
    }
    command
        .env("HOME", sandbox.path().join("home"))
        .env("FENCECTL_CACHE_DIR", sandbox.cache_dir())
        .env("TERM", "xterm")
        .env("COLUMNS", columns.to_string());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut session = expectrl::session::Session::spawn(command).expect("spawn in a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(120)));
    let all = session.expect(Eof).expect("the command ends");
    text(all.as_bytes()).replace('\r', "")
}

fn width(line: &str) -> usize {
    line.chars().count()
}

fn assert_fits(out: &str, columns: usize) {
    for line in out.lines() {
        assert!(
            width(line) <= columns,
            "wider than {columns}: {line:?}\n{out}"
        );
    }
}

#[test]
fn issue15_list_installed_fits_80_columns_without_cutting_names() {
    let sandbox = Sandbox::new();
    let agents = std::fs::read_dir(SYSTEM_AGENTS)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("fence_"))
        .count();
    let out = in_terminal(&sandbox, 80, &[("NO_COLOR", "1")], &["list-installed"]);
    assert_fits(&out, 80);
    let lines = out.lines().count();
    // One line per agent, a few wrapped descriptions: not 320.
    assert!(
        lines <= agents + agents / 8 + 2,
        "{lines} lines for {agents} agents:\n{out}"
    );
    let tripplite = out
        .lines()
        .find(|l| l.starts_with("fence_tripplite_snmp "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(tripplite.contains("Tripplife over SNMP"), "{out}");
    assert!(
        out.contains("fence_apc_snmp)"),
        "the alias is named whole: {out}"
    );
    assert!(!out.contains('─'), "no rules between rows: {out}");
    // Continuation lines are indented under the description, never a name cut.
    for line in out.lines().skip(1) {
        let first = line.split_whitespace().next().unwrap_or("");
        assert!(
            line.starts_with(' ') || first.starts_with("fence_"),
            "{line:?}\n{out}"
        );
    }
}

#[test]
fn issue15_metadata_fits_80_columns_and_wraps_only_descriptions() {
    let sandbox = Sandbox::new();
    let out = in_terminal(
        &sandbox,
        80,
        &[("NO_COLOR", "1")],
        &["metadata", "-a", "fence_ipmilan"],
    );
    assert_fits(&out, 80);
    assert!(
        out.lines().count() < 150,
        "{} lines:\n{out}",
        out.lines().count()
    );
    for name in ["password_script", "hexadecimal_kg", "privlvl"] {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} whole at the start of its row:\n{out}"
        );
    }
    assert!(
        out.contains("callback|user|operator|administrator"),
        "{out}"
    );
    assert!(!out.contains('─'), "{out}");
}

#[test]
fn issue15_pipes_are_never_wrapped() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .env("COLUMNS", "40")
        .args(["list-installed", "tripplite"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // fence_apc_snmp's description names Tripplite too.
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    let row = stdout.lines().nth(2).unwrap();
    assert!(
        row.starts_with("fence_tripplite_snmp")
            && row.contains("(alias of fence_apc_snmp)")
            && row.contains("reboot,list,status"),
        "{stdout}"
    );
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_ipmilan"])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let kg = stdout
        .lines()
        .find(|l| l.starts_with("hexadecimal_kg "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        kg.contains("--hexadecimal-kg=[key]")
            && kg.ends_with("Hexadecimal-encoded Kg key for IPMIv2 authentication"),
        "{kg:?}"
    );
}

#[test]
fn issue15_colour_follows_color_and_no_color() {
    let sandbox = Sandbox::new();
    let args = ["list-installed", "ipmilan"];
    let coloured = in_terminal(&sandbox, 200, &[], &args);
    assert!(coloured.contains("\x1b[1mAGENT"), "{coloured:?}");
    let empty = in_terminal(&sandbox, 200, &[("NO_COLOR", "")], &args);
    assert!(
        empty.contains("\x1b["),
        "an empty NO_COLOR does not count: {empty:?}"
    );
    let plain = in_terminal(&sandbox, 200, &[("NO_COLOR", "1")], &args);
    assert!(!plain.contains("\x1b["), "{plain:?}");
    let never = in_terminal(
        &sandbox,
        200,
        &[],
        &["--color", "never", "list-installed", "ipmilan"],
    );
    assert!(!never.contains("\x1b["), "{never:?}");
    let piped = sandbox
        .cmd()
        .args(["--color", "auto", "list-installed", "ipmilan"])
        .output()
        .unwrap();
    assert!(!text(&piped.stdout).contains('\x1b'));
}

/// A cluster.conf whose node1 has one method of recorder devices, each
/// `(mode, action)`.
fn cluster_conf(sandbox: &Sandbox, devices: &[(&str, &str)]) -> PathBuf {
    let mut defs = String::new();
    let mut refs = String::new();
    for (i, (mode, action)) in devices.iter().enumerate() {
        defs.push_str(&format!(
            "<fencedevice name=\"psu{i}\" agent=\"{RECORDER}\" ip=\"192.0.2.{i}\" username=\"admin\" password=\"TOPSECRET\" mode=\"{mode}\"/>\n"
        ));
        refs.push_str(&format!(
            "<device name=\"psu{i}\" port=\"1\" action=\"{action}\"/>"
        ));
    }
    sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<fencedevices>\n{defs}</fencedevices>\n\
             <clusternodes>\n<clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\">{refs}</method></fence></clusternode>\n\
             <clusternode name=\"node2\" nodeid=\"2\"/>\n</clusternodes>\n</cluster>\n"
        )
        .as_bytes(),
    )
}

fn fencectl(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", agent_path())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .env_remove("SUDO_USER")
        .args(args)
        .output()
        .unwrap()
}

fn fence(sandbox: &Sandbox, conf: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["fence", "node1", "--config", conf.to_str().unwrap()];
    args.extend_from_slice(extra);
    fencectl(sandbox, &args)
}

#[test]
fn issue15_dry_run_arguments_one_per_line_and_its_verbosity_levels() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[("ok", "off"), ("ok", "off")]);
    let stdout = |extra: &[&str]| {
        let out = fence(&sandbox, &conf, &[&["--dry-run"], extra].concat());
        assert!(out.status.success(), "{}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    };
    let (plain, plain_err) = stdout(&[]);
    assert!(
        plain.contains("DEV  DEVICE  AGENT                  ACTION  TIMEOUT  RETRIES  DELAY\n1.1  psu0    fence_fctest_recorder  off     1m       0\n"),
        "{plain}"
    );
    assert!(
        plain.contains("0\n    port=1\n    action=off\n    nodename=node1\n")
            && plain.contains("    username=admin\n    password=********\n    mode=ok\n1.2  psu1"),
        "{plain}"
    );
    assert!(
        !plain.contains("agent /") && plain_err.is_empty(),
        "{plain}{plain_err}"
    );
    let (v, v_err) = stdout(&["-v"]);
    assert!(
        v.contains(&format!(
            "    agent {}/{RECORDER}\n",
            fixture("agents").display()
        )),
        "{v}"
    );
    assert!(
        !v.contains("attempt") && v_err.contains("configuration: cluster.conf"),
        "{v}"
    );
    let (vv, _) = stdout(&["-vv"]);
    assert!(vv.contains("    one attempt within "), "{vv}");
    let (vvv, _) = stdout(&["-vvv"]);
    assert_eq!(
        vvv, vv,
        "nothing runs in a dry run: -vvv adds no agent output"
    );
}

#[test]
fn issue15_a_failed_devices_reason_is_the_agents_real_error() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(&sandbox, &[("warn-fail", "off")]);
    let real = "Unable to obtain correct plug status or plug is not available";
    let out = fence(&sandbox, &conf, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "dev 1.1 (psu0): exited 1: 2026-12-02 10:00:00,000 ERROR: Failed: {real}"
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("Ignoring option"), "{stderr}");
    let log = std::fs::read_to_string(sandbox.path().join("fence.log")).unwrap();
    assert!(
        log.contains(real) && !log.contains("Ignoring option"),
        "{log}"
    );
    // run and the library's Outcome quote the same line.
    let out = fencectl(
        &sandbox,
        &[
            "run",
            "-a",
            RECORDER,
            "--action",
            "status",
            "mode=warn-fail",
            "--format",
            "json",
        ],
    );
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        outcome["reason"].as_str().is_some_and(|r| r.contains(real)),
        "{outcome}"
    );
    // history shows it at -v.
    let out = fencectl(&sandbox, &["history", "-v"]);
    assert!(text(&out.stdout).contains(real), "{}", text(&out.stdout));
    let out = fencectl(&sandbox, &["history"]);
    assert!(!text(&out.stdout).contains(real), "{}", text(&out.stdout));
}

#[test]
fn issue15_history_shows_each_steps_action_and_the_user() {
    let sandbox = Sandbox::new();
    let conf = cluster_conf(
        &sandbox,
        &[("ok", "off"), ("ok", "off"), ("ok", "on"), ("ok", "on")],
    );
    let out = fence(&sandbox, &conf, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = fencectl(&sandbox, &["history", "node1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("configured"), "{stdout}");
    assert!(!stdout.contains("\\n"), "one device per line: {stdout}");
    assert!(stdout.contains("off, off, on, on"), "{stdout}");
    for device in [
        "1.1 psu0 off ok",
        "1.2 psu1 off ok",
        "1.3 psu2 on ok",
        "1.4 psu3 on ok",
    ] {
        assert!(stdout.contains(device), "{device}: {stdout}");
    }
    let me = Command::new("id").arg("-un").output().unwrap();
    let me = text(&me.stdout).trim().to_string();
    assert!(stdout.contains(&format!("  {me}")), "{me}: {stdout}");
    let document: serde_json::Value =
        serde_json::from_slice(&fencectl(&sandbox, &["history", "--format", "json"]).stdout)
            .unwrap();
    let records = &document["records"];
    assert_eq!(records[0]["user"], me.as_str());
    assert_eq!(records[0]["devices"][2]["action"], "on");

    let out = fencectl(&sandbox, &["history", "node9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("fencectl: error: node node9 has no entry"),
        "{}",
        text(&out.stderr)
    );
    let out = fencectl(
        &sandbox,
        &[
            "history",
            "--log",
            sandbox.path().join("none.log").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no audit log at"),
        "{}",
        text(&out.stderr)
    );
    // A log with no run is the same error in a table and in JSON.
    let empty = sandbox.path().join("empty.log");
    std::fs::write(&empty, "").unwrap();
    for format in ["table", "json"] {
        let out = fencectl(
            &sandbox,
            &[
                "history",
                "--format",
                format,
                "--log",
                empty.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(out.stdout.is_empty(), "{format}: {}", text(&out.stdout));
        assert!(
            text(&out.stderr).contains("no fencing runs recorded"),
            "{format}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn issue15_list_installed_filter_that_matches_nothing_exits_1() {
    let sandbox = Sandbox::new();
    for extra in [&[][..], &["--names-only"][..]] {
        let out = sandbox
            .cmd()
            .args([&["list-installed", "no-such-agent-xyz"][..], extra].concat())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        assert!(
            text(&out.stderr).contains("no installed agent matches 'no-such-agent-xyz'"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn issue15_validate_names_no_made_up_node_and_says_when_only_the_agent_objects() {
    let sandbox = Sandbox::new();
    let out = fencectl(
        &sandbox,
        &[
            "validate",
            "-a",
            "fence_ipmilan",
            "ip=192.0.2.1",
            "username=a",
            "password=b",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains("node1"), "{stdout}");
    assert!(stdout.contains("stand-in"), "{stdout}");
    let out = fencectl(&sandbox, &["validate", "-a", RECORDER, "mode=warn-fail"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "{RECORDER}: NOT valid (0 error(s), 0 warning(s)): only the agent's own validate-all rejected the parameters"
        )),
        "{stdout}"
    );
}
