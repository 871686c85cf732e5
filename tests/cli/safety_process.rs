//! Issue 9, items 2, 3 and 10: timeouts hold against an agent whose
//! descendants escape, signals stop the whole process tree and leave an
//! audit record, and masking touches secret values only.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{fixture, text, Sandbox};

const AGENT: &str = "fence_fcsafe";

/// The fixture recorder's metadata under another agent name.
fn metadata(name: &str) -> String {
    let out = std::process::Command::new(fixture("agents/fence_fctest_recorder"))
        .args(["-o", "metadata"])
        .output()
        .expect("run the recorder fixture");
    text(&out.stdout).replace("fence_fctest_recorder", name)
}

/// A fence agent that behaves as its `mode` parameter says:
/// `escape-exit` starts a sleeper in a new session (keeping stdout and
/// stderr) and exits 0; `escape-hang` does the same and then sleeps;
/// `hang-on` does that for action=on only; `fail` exits 1.
/// Files beside `record_file`: `.escaped` (the sleeper's pid), `.child`
/// (a child's pid), `.agent` (the agent's pid, written last), `.actions`.
fn agent(sandbox: &Sandbox, name: &str) -> PathBuf {
    let meta = sandbox.file(&format!("{name}.xml"), metadata(name).as_bytes());
    sandbox.agent(
        name,
        &format!(
            r#"META='{meta}'
if [ "$1" = "-o" ] && [ "$2" = "metadata" ]; then cat "$META"; exit 0; fi
action=reboot; mode=ok; rec=
while IFS= read -r line; do
    case "$line" in
        action=*) action=${{line#action=}} ;;
        mode=*) mode=${{line#mode=}} ;;
        record_file=*) rec=${{line#record_file=}} ;;
    esac
done
case "$action" in metadata) cat "$META"; exit 0 ;; esac
echo "$action" >> "$rec.actions"
escape() {{
    setsid sh -c 'echo $$ > "$0"; exec sleep 300' "$rec.escaped" </dev/null &
    while [ ! -s "$rec.escaped" ]; do sleep 0.05; done
}}
case "$mode" in
    escape-exit) escape ;;
    escape-hang) escape; echo $$ > "$rec.agent"; sleep 300 ;;
    hang-on)
        if [ "$action" = on ]; then
            sleep 300 & echo $! > "$rec.child"
            escape
            echo $$ > "$rec.agent"
            wait
        fi ;;
    fail) echo "login failed" >&2; exit 1 ;;
esac
echo "Success: Powered $action"
exit 0"#,
            meta = meta.display()
        ),
    )
}

/// A metadata-only agent that starts a sleeper in a new session for
/// `-o metadata`, then prints its metadata (`exit`) or sleeps (`hang`).
fn metadata_agent(sandbox: &Sandbox, name: &str, then: &str) -> PathBuf {
    let meta = sandbox.file(&format!("{name}.xml"), metadata(name).as_bytes());
    let pids = sandbox.path().join(name);
    let last = match then {
        "hang" => "sleep 300",
        _ => "cat \"$META\"",
    };
    sandbox.agent(
        name,
        &format!(
            r#"META='{meta}'; PIDS='{pids}'
setsid sh -c 'echo $$ > "$0"; exec sleep 300' "$PIDS.escaped" </dev/null &
while [ ! -s "$PIDS.escaped" ]; do sleep 0.05; done
echo $$ > "$PIDS.agent"
{last}"#,
            meta = meta.display(),
            pids = pids.display()
        ),
    )
}

fn fence(sandbox: &Sandbox) -> std::process::Command {
    let mut cmd = sandbox.std_cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .arg("fence");
    cmd
}

fn cluster_conf(sandbox: &Sandbox, mode: &str, password: &str) -> PathBuf {
    let record = sandbox.path().join("record");
    sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<fencedevices>\n\
             <fencedevice name=\"safe\" agent=\"{AGENT}\" ip=\"192.0.2.1\" username=\"admin\" password=\"{password}\" mode=\"{mode}\" record_file=\"{}\"/>\n\
             </fencedevices>\n<clusternodes>\n\
             <clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"safe\" port=\"1\" action=\"off\"/></method></fence></clusternode>\n\
             <clusternode name=\"node2\" nodeid=\"2\"/>\n</clusternodes>\n</cluster>\n",
            record.display()
        )
        .as_bytes(),
    )
}

/// A CIB with one level of `devices` (each `(id, mode)`) for node1.
fn cib(sandbox: &Sandbox, devices: &[(&str, &str)]) -> PathBuf {
    let record = sandbox.path().join("record");
    let primitives: String = devices
        .iter()
        .map(|(id, mode)| {
            let pairs = [
                ("ip", "192.0.2.9"),
                ("password", "TOPSECRET"),
                ("mode", mode),
                ("pcmk_host_list", "node1"),
                ("record_file", &record.display().to_string()),
            ];
            let nvpairs: String = pairs
                .iter()
                .map(|(k, v)| format!(r#"<nvpair id="{id}-{k}" name="{k}" value="{v}"/>"#))
                .collect();
            format!(
                r#"<primitive id="{id}" class="stonith" type="{AGENT}"><instance_attributes id="{id}-ia">{nvpairs}</instance_attributes></primitive>"#
            )
        })
        .collect();
    let ids: Vec<&str> = devices.iter().map(|(id, _)| *id).collect();
    sandbox.file(
        "cib.xml",
        format!(
            r#"<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources>{primitives}</resources>
    <constraints/>
    <fencing-topology><fencing-level id="l1" index="1" target="node1" devices="{}"/></fencing-topology>
  </configuration>
  <status/>
</cib>"#,
            ids.join(",")
        )
        .as_bytes(),
    )
}

/// The pid written in `path`, once it is there.
fn pid_in(path: &Path, within: Duration) -> i32 {
    let deadline = Instant::now() + within;
    loop {
        let written = std::fs::read_to_string(path).unwrap_or_default();
        if let Ok(pid) = written.trim().parse() {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} was never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a process is dead (gone, or a zombie nobody reaped yet).
fn dead(pid: i32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.is_empty() || stat.contains(") Z ")
}

/// Kills the pids in these files when the test ends, pass or fail, so a
/// failing test leaves no sleeper behind.
struct Sweeper(Vec<PathBuf>);

impl Drop for Sweeper {
    fn drop(&mut self) {
        for file in &self.0 {
            if let Ok(pid) = std::fs::read_to_string(file)
                .unwrap_or_default()
                .trim()
                .parse()
            {
                // SAFETY: kill(2) on a test sleeper's pid.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

/// Waits for `child` at most `limit` (then kills it and fails).
fn finish(mut child: Child, limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return (child.wait_with_output().expect("output"), started.elapsed());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "fencectl still ran after {limit:?}; stderr: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(mut cmd: std::process::Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn fencectl")
}

fn audit_records(sandbox: &Sandbox) -> Vec<serde_json::Value> {
    std::fs::read_to_string(sandbox.path().join("fence.log"))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("audit line is JSON"))
        .collect()
}

#[test]
fn issue9_fence_timeout_holds_against_a_descendant_in_a_new_session() {
    for config in ["cluster.conf", "cib"] {
        let sandbox = Sandbox::new();
        agent(&sandbox, AGENT);
        let record = sandbox.path().join("record");
        let _sweep = Sweeper(vec![record.with_extension("escaped")]);
        let mut cmd = fence(&sandbox);
        cmd.args(["node1", "--timeout", "3s"]);
        match config {
            "cib" => cmd
                .arg("--cib")
                .arg(cib(&sandbox, &[("safe", "escape-hang")])),
            _ => cmd
                .arg("--config")
                .arg(cluster_conf(&sandbox, "escape-hang", "TOPSECRET")),
        };
        let (out, took) = finish(spawn(cmd), Duration::from_secs(30));
        assert!(took < Duration::from_secs(10), "{config}: took {took:?}");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{config}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert!(stderr.contains("timed out after 3s"), "{config}: {stderr}");
        let escaped = pid_in(&record.with_extension("escaped"), Duration::ZERO);
        assert!(
            dead(escaped),
            "{config}: the escaped sleeper {escaped} runs on"
        );
        let records = audit_records(&sandbox);
        let result = records[0]["devices"][0]["result"].as_str().unwrap();
        assert!(
            result.contains(&format!("pid {escaped}: sleep")),
            "{config}: {result}"
        );
    }
}

#[test]
fn issue9_an_agent_that_exits_leaving_a_daemon_succeeds_and_the_daemon_is_killed() {
    let sandbox = Sandbox::new();
    agent(&sandbox, AGENT);
    let record = sandbox.path().join("record");
    let _sweep = Sweeper(vec![record.with_extension("escaped")]);
    let mut cmd = fence(&sandbox);
    cmd.args(["node1", "-v", "--timeout", "60s", "--config"])
        .arg(cluster_conf(&sandbox, "escape-exit", "TOPSECRET"));
    let (out, took) = finish(spawn(cmd), Duration::from_secs(30));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "fence node1 success\n");
    let escaped = pid_in(&record.with_extension("escaped"), Duration::ZERO);
    assert!(dead(escaped), "the daemon {escaped} runs on");
    let expected = format!("exited 0; killed 1 leftover process (pid {escaped}: sleep)");
    assert!(
        text(&out.stderr).contains(&expected),
        "{}",
        text(&out.stderr)
    );
    let records = audit_records(&sandbox);
    assert_eq!(records[0]["result"], "success");
    assert_eq!(records[0]["devices"][0]["result"], expected.as_str());
}

#[test]
fn issue9_list_installed_timeout_holds_against_a_daemonising_metadata_run() {
    let sandbox = Sandbox::new();
    metadata_agent(&sandbox, "fence_fcsafe_exits", "exit");
    metadata_agent(&sandbox, "fence_fcsafe_hangs", "hang");
    let pids = |name: &str| sandbox.path().join(name).with_extension("escaped");
    let _sweep = Sweeper(vec![pids("fence_fcsafe_exits"), pids("fence_fcsafe_hangs")]);
    let mut cmd = sandbox.std_cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir()).args([
        "list-installed",
        "--agent-timeout",
        "2s",
        "--format",
        "json",
    ]);
    let (out, took) = finish(spawn(cmd), Duration::from_secs(30));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list["agents"].as_array().unwrap();
    let entry = |name: &str| list.iter().find(|l| l["name"] == name).unwrap().clone();
    assert!(entry("fence_fcsafe_exits")["error"].is_null(), "{list:?}");
    assert!(entry("fence_fcsafe_hangs")["error"].is_string(), "{list:?}");
    for name in ["fence_fcsafe_exits", "fence_fcsafe_hangs"] {
        let pid = pid_in(&pids(name), Duration::ZERO);
        assert!(dead(pid), "{name}'s sleeper {pid} runs on");
    }
}

#[test]
fn issue9_a_signal_stops_the_agent_tree_and_is_audited_before_exit() {
    for (signal, code) in [
        (libc::SIGHUP, 129),
        (libc::SIGTERM, 143),
        (libc::SIGINT, 130),
    ] {
        let sandbox = Sandbox::new();
        agent(&sandbox, AGENT);
        let record = sandbox.path().join("record");
        let files = ["escaped", "child", "agent"].map(|ext| record.with_extension(ext));
        let _sweep = Sweeper(files.to_vec());
        // A reboot over two devices: off, off, then on (which hangs), on.
        let mut cmd = fence(&sandbox);
        cmd.args(["node1", "--cib"])
            .arg(cib(&sandbox, &[("psu1", "hang-on"), ("psu2", "hang-on")]));
        let child = spawn(cmd);
        let agent_pid = pid_in(&files[2], Duration::from_secs(20));
        // SAFETY: signalling the fencectl we started.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let (out, took) = finish(child, Duration::from_secs(20));
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "signal {signal}: {stderr}");
        assert!(
            took < Duration::from_secs(10),
            "signal {signal}: took {took:?}"
        );
        for pid in [
            agent_pid,
            pid_in(&files[0], Duration::ZERO),
            pid_in(&files[1], Duration::ZERO),
        ] {
            assert!(dead(pid), "signal {signal}: pid {pid} runs on");
        }
        let records = audit_records(&sandbox);
        assert_eq!(records.len(), 1, "signal {signal}");
        let record = &records[0];
        assert_eq!(record["result"], "interrupted", "signal {signal}: {record}");
        let steps: Vec<(String, bool, String)> = record["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["action"].as_str().unwrap_or_default().to_string(),
                    d["ok"].as_bool().unwrap(),
                    d["result"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(steps.len(), 4, "signal {signal}: {steps:?}");
        assert_eq!(
            (&steps[0].0[..], steps[0].1, &steps[1].0[..], steps[1].1),
            ("off", true, "off", true),
            "signal {signal}: {steps:?}"
        );
        assert_eq!(steps[2].0, "on");
        assert!(
            !steps[2].1 && steps[2].2.starts_with("interrupted"),
            "signal {signal}: {steps:?}"
        );
        assert_eq!(
            (&steps[3].0[..], steps[3].1, &steps[3].2[..]),
            ("on", false, "not run: interrupted before it started"),
            "signal {signal}: {steps:?}"
        );
    }
}

#[test]
fn issue9_sigterm_during_list_installed_stops_every_agent() {
    let sandbox = Sandbox::new();
    let names = ["fence_fcsafe_a", "fence_fcsafe_b"];
    let mut files = Vec::new();
    for name in names {
        metadata_agent(&sandbox, name, "hang");
        let base = sandbox.path().join(name);
        files.push(base.with_extension("escaped"));
        files.push(base.with_extension("agent"));
    }
    let _sweep = Sweeper(files.clone());
    let mut cmd = sandbox.std_cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir()).args([
        "list-installed",
        "--agent-timeout",
        "60s",
    ]);
    let child = spawn(cmd);
    // Both agents are running (list-installed runs at least two at once).
    let pids: Vec<i32> = files
        .iter()
        .map(|f| pid_in(f, Duration::from_secs(20)))
        .collect();
    // SAFETY: signalling the fencectl we started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let (out, took) = finish(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(143), "{}", text(&out.stderr));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    for pid in pids {
        assert!(dead(pid), "pid {pid} runs on");
    }
    // The interrupted runs were not cached as the agents' metadata.
    let mut cmd = sandbox.std_cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
        .args(["list-installed", "--names-only"]);
    let (out, _) = finish(spawn(cmd), Duration::from_secs(20));
    assert!(out.status.success());
}

#[test]
fn issue9_a_short_password_masks_values_not_fencectls_words() {
    let sandbox = Sandbox::new();
    agent(&sandbox, "fence_wti");
    // validate: fencectl's finding names the agent, which holds the password.
    let out = sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
        .args([
            "validate",
            "--agent",
            "fence_wti",
            "password=wti",
            "ip=192.0.2.1",
            "action=bogus",
            "--no-agent",
        ])
        .output()
        .unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(all.contains("fence_wti has no such action"), "{all}");
    assert!(!all.contains("fence_********"), "{all}");
    // fence: the exit code is fencectl's word, even when the password is "1";
    // the agent's own output is still masked.
    let sandbox = Sandbox::new();
    agent(&sandbox, AGENT);
    let mut cmd = fence(&sandbox);
    cmd.args(["node1", "--config"])
        .arg(cluster_conf(&sandbox, "fail", "1"));
    let (out, _) = finish(spawn(cmd), Duration::from_secs(30));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("exited 1: login failed"), "{stderr}");
    assert!(!stderr.contains("exited ********"), "{stderr}");
}

/// A pseudo-terminal: the master side, and the slave as stdin, stdout and
/// stderr for a child that makes it its controlling terminal.
fn pty() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain libc calls on descriptors we own; ptsname_r writes at
    // most `buf.len()` bytes.
    unsafe {
        let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        assert!(master >= 0, "posix_openpt");
        assert_eq!(libc::grantpt(master), 0);
        assert_eq!(libc::unlockpt(master), 0);
        let mut buf = [0 as libc::c_char; 128];
        assert_eq!(libc::ptsname_r(master, buf.as_mut_ptr(), buf.len()), 0);
        let slave = libc::open(
            buf.as_ptr(),
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        );
        assert!(slave >= 0, "open the pty slave");
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    }
}

#[test]
fn issue9_a_terminal_that_hangs_up_gets_an_audit_record_and_exit_129() {
    use std::os::unix::process::CommandExt;
    let sandbox = Sandbox::new();
    agent(&sandbox, AGENT);
    let record = sandbox.path().join("record");
    let files = ["escaped", "child", "agent"].map(|ext| record.with_extension(ext));
    let _sweep = Sweeper(files.to_vec());
    let (master, slave) = pty();
    let mut cmd = fence(&sandbox);
    cmd.args(["node1", "--cib"])
        .arg(cib(&sandbox, &[("psu1", "escape-hang")]))
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    // SAFETY: setsid and ioctl are async-signal-safe; the child makes the
    // pty its controlling terminal, as a login shell's would be.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("spawn fencectl on a pty");
    drop(cmd);
    let agent_pid = pid_in(&files[2], Duration::from_secs(20));
    // The SSH session drops: the terminal hangs up (SIGHUP), and every
    // later write to it fails.
    drop(master);
    let (out, took) = finish(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(129), "{:?}", out.status);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    for pid in [agent_pid, pid_in(&files[0], Duration::ZERO)] {
        assert!(dead(pid), "pid {pid} runs on");
    }
    let records = audit_records(&sandbox);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["result"], "interrupted", "{}", records[0]);
}
