//! Issue 12: `fencectl run`, one agent with exactly the parameters given,
//! against the real fence_dummy and fixture agents that fail or hang.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::support::{text, Sandbox};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(sandbox: &Sandbox, args: &[&str]) -> Run {
    let out = sandbox
        .cmd()
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

fn status_file(sandbox: &Sandbox, state: &str) -> (PathBuf, String) {
    let file = sandbox.file("dummy.status", state.as_bytes());
    let arg = format!("status_file={}", file.display());
    (file, arg)
}

#[test]
fn issue12_run_fence_dummy_status_off_on_and_their_exit_codes() {
    let sandbox = Sandbox::new();
    let (file, status_arg) = status_file(&sandbox, "on");
    let dummy = |action: &str, extra: &[&str]| {
        let mut args = vec!["run", "-a", "fence_dummy", "--action", action, "type=file"];
        args.push(&status_arg);
        args.extend(extra);
        run(&sandbox, &args)
    };
    let on = dummy("status", &[]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert!(
        on.stdout
            .contains("ON (agent exit code 0: the node is powered on)"),
        "{}",
        on.stdout
    );

    let off = dummy("off", &["--yes"]);
    assert_eq!(off.code, 0, "{}", off.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "off");

    let status = dummy("status", &["--format", "json"]);
    assert_eq!(
        status.code, 3,
        "status off is fencectl's exit 3: {}",
        status.stderr
    );
    let json: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(json["result"], "off");
    assert_eq!(json["exit_status"], 2);
    assert_eq!(json["meaning"], "the node is powered off");
    assert_eq!(json["agent"], "fence_dummy");
    assert_eq!(json["parameters"][0]["value"], "status");

    let on = dummy("on", &["--yes", "-vv"]);
    assert_eq!(on.code, 0, "{}", on.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "on");
    assert!(on.stderr.contains("running fence_dummy"), "{}", on.stderr);
    assert!(
        on.stderr
            .contains("fence_dummy stdout: Success: Powered ON"),
        "{}",
        on.stderr
    );

    // Power actions are on record; status is not.
    let history = run(&sandbox, &["history", "--format", "json"]);
    let records: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let actions: Vec<&str> = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["off", "on"], "{records}");
}

#[test]
fn issue12_run_power_actions_need_yes_without_a_terminal_and_action_is_required() {
    let sandbox = Sandbox::new();
    let (file, status_arg) = status_file(&sandbox, "on");
    let refused = run(
        &sandbox,
        &[
            "run",
            "-a",
            "fence_dummy",
            "--action",
            "reboot",
            "type=file",
            &status_arg,
        ],
    );
    assert_eq!(refused.code, 64, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    let no_action = run(
        &sandbox,
        &["run", "-a", "fence_dummy", "type=file", &status_arg],
    );
    assert_eq!(no_action.code, 64, "{}", no_action.stderr);
    assert!(
        no_action.stderr.contains("--action"),
        "{}",
        no_action.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "on");
}

#[test]
fn issue12_run_refuses_a_parameter_typo_unless_no_check() {
    let sandbox = Sandbox::new();
    let (file, _) = status_file(&sandbox, "on");
    let typo = format!("status-fil={}", file.display());
    let refused = run(
        &sandbox,
        &[
            "run",
            "-a",
            "fence_dummy",
            "--action",
            "off",
            "--yes",
            "type=file",
            &typo,
        ],
    );
    assert_eq!(refused.code, 64, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("did you mean 'status_file'"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("the agent was not run"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "on");
    let bad_value = run(
        &sandbox,
        &[
            "run",
            "-a",
            "fence_dummy",
            "--action",
            "status",
            "delay=soon",
        ],
    );
    assert_eq!(bad_value.code, 64, "{}", bad_value.stderr);
    // --no-check sends them as given: the agent itself answers.
    let (_, status_arg) = status_file(&sandbox, "off");
    let unchecked = run(
        &sandbox,
        &[
            "run",
            "-a",
            "fence_dummy",
            "--action",
            "status",
            "--no-check",
            "type=file",
            &status_arg,
            "nonsense=1",
        ],
    );
    assert_eq!(unchecked.code, 3, "{}", unchecked.stderr);
    assert!(
        unchecked.stdout.contains("agent exit code 2"),
        "{}",
        unchecked.stdout
    );
}

const METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_fixture" shortdesc="fixture">
<longdesc>fixture</longdesc><vendor-url>https://example.org</vendor-url>
<parameters>
<parameter name="action" unique="0" required="1"><getopt mixed="-o"/><content type="string" default="reboot"/><shortdesc lang="en">Action</shortdesc></parameter>
<parameter name="passwd" unique="0" required="0"><getopt mixed="-p"/><content type="string"/><shortdesc lang="en">Password</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="list"/><action name="metadata"/></actions>
</resource-agent>"#;

pub(crate) fn fixture(sandbox: &Sandbox, name: &str, body: &str) {
    let metadata = sandbox.file(
        "fixture.xml",
        METADATA.replace("fence_fixture", name).as_bytes(),
    );
    sandbox.agent(
        name,
        &format!(
            "if [ \"$1\" = -o ]; then cat '{}'; exit 0; fi\n{body}",
            metadata.display()
        ),
    );
}

#[test]
fn issue12_run_failing_agent_tells_its_reason_with_the_secret_masked() {
    let sandbox = Sandbox::new();
    fixture(
        &sandbox,
        "fence_failing",
        "while read -r line; do case $line in passwd=*) p=${line#passwd=};; esac; done\n\
         echo \"Failed: Unable to login as admin/$p\" >&2; exit 1",
    );
    let dir = sandbox.agents_dir();
    let agent = dir.join("fence_failing");
    let failed = run(
        &sandbox,
        &[
            "-v",
            "--format",
            "json",
            "run",
            "-a",
            agent.to_str().unwrap(),
            "--action",
            "off",
            "--yes",
            "passwd=TOPSECRET",
        ],
    );
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    let json: serde_json::Value = serde_json::from_str(&failed.stdout).unwrap();
    assert_eq!(json["result"], "failed");
    assert_eq!(json["exit_status"], 1);
    assert!(
        json["reason"].as_str().unwrap().contains("Unable to login"),
        "{json}"
    );
    assert!(
        failed.stderr.contains("passwd=********"),
        "{}",
        failed.stderr
    );
    let everything = format!("{}{}", failed.stdout, failed.stderr);
    assert!(!everything.contains("TOPSECRET"), "{everything}");
    let log = std::fs::read_to_string(sandbox.path().join("fence.log")).unwrap();
    assert!(
        log.contains("failed") && !log.contains("TOPSECRET"),
        "{log}"
    );
}

#[test]
fn issue12_run_hanging_agent_is_killed_at_the_timeout() {
    let sandbox = Sandbox::new();
    fixture(&sandbox, "fence_hanging", "sleep 60");
    let agent = sandbox.agents_dir().join("fence_hanging");
    let started = Instant::now();
    let hung = run(
        &sandbox,
        &[
            "run",
            "-a",
            agent.to_str().unwrap(),
            "--action",
            "status",
            "--timeout",
            "1s",
        ],
    );
    assert_eq!(hung.code, 1, "{}", hung.stderr);
    assert!(hung.stdout.contains("TIMED OUT"), "{}", hung.stdout);
    assert!(started.elapsed() < Duration::from_secs(15));
}

#[test]
fn issue12_run_sigint_kills_the_agent_and_is_audited() {
    let sandbox = Sandbox::new();
    let pid_file = sandbox.path().join("agent.pid");
    fixture(
        &sandbox,
        "fence_sleepy",
        &format!("echo $$ > '{}'; exec sleep 60", pid_file.display()),
    );
    let agent = sandbox.agents_dir().join("fence_sleepy");
    let log = sandbox.path().join("fence.log");
    let child = sandbox
        .std_cmd()
        .env("FENCECTL_LOG_FILE", &log)
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args([
            "run",
            "-a",
            agent.to_str().unwrap(),
            "--action",
            "off",
            "--yes",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let agent_pid = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
        {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the agent never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: signalling the fencectl this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("INTERRUPTED"),
        "{}",
        text(&out.stdout)
    );
    // SAFETY: signal 0 only asks whether the process exists.
    let gone = unsafe { libc::kill(agent_pid, 0) } == -1;
    assert!(gone, "the agent {agent_pid} runs on");
    let record = std::fs::read_to_string(&log).unwrap();
    assert!(record.contains("\"interrupted\""), "{record}");
}

#[test]
fn issue12_run_list_prints_the_agents_answer_and_takes_no_confirmation() {
    let sandbox = Sandbox::new();
    fixture(
        &sandbox,
        "fence_lister",
        "echo 'plug1,node1'; echo 'plug2,node2'",
    );
    let agent = sandbox.agents_dir().join("fence_lister");
    let listed = run(
        &sandbox,
        &["run", "-a", agent.to_str().unwrap(), "--action", "list"],
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.starts_with("plug1,node1\nplug2,node2\n"),
        "{}",
        listed.stdout
    );
    assert!(
        !sandbox.path().join("fence.log").exists(),
        "list is not audited"
    );
}

/// Issue 9 through `run`: a value with a line break is refused even with
/// `--no-check` (which skips the metadata, never the stdin rule), and the
/// message does not suggest `--no-check`.
#[test]
fn issue9_run_refuses_an_injected_line_even_with_no_check() {
    let sandbox = Sandbox::new();
    let (file, status_arg) = status_file(&sandbox, "on");
    for extra in [&[][..], &["--no-check"][..]] {
        let injected = format!("{status_arg}\naction=off");
        let mut args = vec![
            "run",
            "-a",
            "fence_dummy",
            "--action",
            "status",
            "type=file",
        ];
        args.push(&injected);
        args.extend(extra);
        let out = run(&sandbox, &args);
        assert_eq!(out.code, 64, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains("line break"), "{}", out.stderr);
        assert!(!out.stderr.contains("--no-check sends"), "{}", out.stderr);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "on");
    }
}
