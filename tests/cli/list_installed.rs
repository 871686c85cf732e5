//! `fencectl list-installed` against the real Debian agents and fixture
//! agents that fail in every way an agent can.

use std::collections::BTreeSet;
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

const GOOD_METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_good" shortdesc="Fixture agent that works">
<longdesc>Works.</longdesc>
<vendor-url>https://example.org</vendor-url>
<parameters>
<parameter name="plug" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/><content type="string"/><shortdesc lang="en">Plug</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="metadata"/></actions>
</resource-agent>
"#;

fn json_list(sandbox: &Sandbox, dirs: &str) -> Vec<serde_json::Value> {
    let out = sandbox
        .cmd()
        .args(["list-installed", "--format", "json", "--agent-dir", dirs])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["schema_version"], 1);
    document["agents"].as_array().unwrap().clone()
}

fn by_name<'a>(list: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    list.iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("{name} not listed"))
}

/// Agents that cluster tests place in /usr/sbin while they run.
fn is_test_agent(name: &str) -> bool {
    name.starts_with("fence_fctest_") || name == "fence_ovh_api"
}

#[test]
fn names_match_stonith_admin() {
    let sandbox = Sandbox::new();
    let ours = sandbox
        .cmd()
        .args([
            "list-installed",
            "--names-only",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert!(ours.status.success());
    // Cluster tests link test agents into /usr/sbin while they run.
    let ours: BTreeSet<String> = text(&ours.stdout)
        .lines()
        .filter(|name| !is_test_agent(name))
        .map(str::to_string)
        .collect();
    let theirs = StdCommand::new("stonith_admin")
        .arg("--list-installed")
        .output()
        .unwrap();
    let theirs: BTreeSet<String> = text(&theirs.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("fence_") && !is_test_agent(l))
        .map(str::to_string)
        .collect();
    assert!(theirs.len() >= 80, "stonith_admin listed {theirs:?}");
    assert_eq!(ours, theirs);
}

#[test]
fn real_agents_with_descriptions_aliases_and_capabilities() {
    let sandbox = Sandbox::new();
    let list = json_list(&sandbox, SYSTEM_AGENTS);
    assert!(list.len() >= 80);
    let ipmilan = by_name(&list, "fence_ipmilan");
    assert_eq!(ipmilan["description"], "Fence agent for IPMI");
    assert!(ipmilan["alias_of"].is_null());
    let ilo3 = by_name(&list, "fence_ilo3");
    assert_eq!(ilo3["description"], "Fence agent for HP iLO3");
    assert_eq!(ilo3["alias_of"], "fence_ipmilan");
    assert_eq!(by_name(&list, "fence_idrac")["alias_of"], "fence_ipmilan");
    assert!(ipmilan["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "reboot"));
    // fabric agents unfence and have no reboot
    let scsi = by_name(&list, "fence_scsi");
    let caps: Vec<&str> = scsi["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        caps.contains(&"unfencing") && !caps.contains(&"reboot"),
        "{caps:?}"
    );
    // fence_ack_manual prints usage: listed, marked, not dropped
    let ack = by_name(&list, "fence_ack_manual");
    assert!(ack["error"].as_str().unwrap().contains("exited 1"), "{ack}");
    // fence_legacy reports another name but keeps its own
    assert!(by_name(&list, "fence_legacy")["error"].is_null());
}

/// fence_good, which adds a line to the returned file each time it runs.
fn counting_good_agent(sandbox: &Sandbox) -> std::path::PathBuf {
    let marker = sandbox.path().join("runs");
    sandbox.agent(
        "fence_good",
        &format!(
            "echo run >> '{}'\ncat <<'XML'\n{GOOD_METADATA}XML",
            marker.display()
        ),
    );
    marker
}

#[test]
fn second_run_uses_the_cache_and_starts_no_agent() {
    let sandbox = Sandbox::new();
    let marker = counting_good_agent(&sandbox);
    let dir = sandbox.agents_dir();
    let dir = dir.to_str().unwrap();
    json_list(&sandbox, dir);
    json_list(&sandbox, dir);
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 1);
    // --refresh runs it again
    sandbox
        .cmd()
        .args(["list-installed", "--refresh", "--agent-dir", dir])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 2);
    // a changed agent file is run again
    let agent = sandbox.agents_dir().join("fence_good");
    let mut body = std::fs::read_to_string(&agent).unwrap();
    body.push_str("\n# changed\n");
    std::fs::write(&agent, body).unwrap();
    json_list(&sandbox, dir);
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 3);
}

#[test]
fn corrupt_or_foreign_cache_is_rebuilt() {
    let sandbox = Sandbox::new();
    sandbox.agent_with_metadata("fence_good", GOOD_METADATA);
    let dir = sandbox.agents_dir();
    let dir = dir.to_str().unwrap();
    json_list(&sandbox, dir);
    for file in walk(&sandbox.cache_dir()) {
        std::fs::write(&file, b"\xff\x00 not a cache {").unwrap();
    }
    std::fs::write(
        sandbox.cache_dir().join("agents-v1.json"),
        br#"{"format":"someone-else","version":9}"#,
    )
    .unwrap();
    let list = json_list(&sandbox, dir);
    assert_eq!(
        by_name(&list, "fence_good")["description"],
        "Fixture agent that works"
    );
    sandbox
        .cmd()
        .args(["metadata", "-a", "fence_good", "--agent-dir", dir])
        .assert()
        .success();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn every_kind_of_broken_agent_is_listed_with_its_reason() {
    let sandbox = Sandbox::new();
    sandbox.agent_with_metadata("fence_good", GOOD_METADATA);
    let pid_file = sandbox.path().join("child.pid");
    sandbox.agent(
        "fence_hangs",
        &format!("sleep 300 &\necho $! > '{}'\nsleep 300", pid_file.display()),
    );
    sandbox.agent("fence_garbage", "echo 'this is not xml at all'");
    sandbox.agent("fence_truncated", "printf '<?xml version=\"1.0\"?>\\n<resource-agent name=\"fence_truncated\" shortdesc=\"x\">\\n<longdesc>'");
    sandbox.agent(
        "fence_badutf8",
        "printf '<resource-agent name=\"x\" shortdesc=\"caf\\351\"/>'",
    );
    sandbox.agent("fence_huge", "head -c 100000000 /dev/zero | tr '\\0' 'x'");
    sandbox.agent(
        "fence_fails",
        "echo 'usage: fence_fails <nodename>' >&2; exit 1",
    );
    let not_exec = sandbox.agent("fence_noexec", "exit 0");
    std::fs::set_permissions(
        &not_exec,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/fence_gone",
        sandbox.agents_dir().join("fence_dangling"),
    )
    .unwrap();

    let started = Instant::now();
    let out = sandbox
        .cmd()
        .args([
            "list-installed",
            "--format",
            "json",
            "--agent-timeout",
            "1s",
            "--agent-dir",
        ])
        .arg(sandbox.agents_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list: Vec<serde_json::Value> = list["agents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["provider"] == "external")
        .cloned()
        .collect();
    assert_eq!(list.len(), 9, "nothing is dropped: {list:#?}");
    assert!(by_name(&list, "fence_good")["error"].is_null());
    let reason = |name: &str| {
        by_name(&list, name)["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        reason("fence_hangs").contains("timed out after 1s"),
        "{}",
        reason("fence_hangs")
    );
    assert!(
        reason("fence_garbage").contains("line 1"),
        "{}",
        reason("fence_garbage")
    );
    assert!(
        reason("fence_truncated").contains("never closed"),
        "{}",
        reason("fence_truncated")
    );
    assert!(
        reason("fence_badutf8").contains("UTF-8"),
        "{}",
        reason("fence_badutf8")
    );
    assert!(
        reason("fence_huge").contains("more output"),
        "{}",
        reason("fence_huge")
    );
    assert!(
        reason("fence_fails").contains("exited 1: usage: fence_fails"),
        "{}",
        reason("fence_fails")
    );
    assert!(
        reason("fence_noexec").contains("not executable"),
        "{}",
        reason("fence_noexec")
    );
    assert!(
        reason("fence_dangling").contains("dangling symlink"),
        "{}",
        reason("fence_dangling")
    );

    // the hanging agent's child was killed with it
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let alive = std::path::Path::new("/proc").join(pid.trim()).exists()
        && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "the agent's child {pid} outlived the timeout");

    // the table marks them; -v says why
    let out = sandbox
        .cmd()
        .args([
            "list-installed",
            "-v",
            "--agent-timeout",
            "1s",
            "--agent-dir",
        ])
        .arg(sandbox.agents_dir())
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("(no metadata: see -v)"));
    assert!(
        text(&out.stderr).contains("fence_noexec: not executable"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn filter_matches_name_or_description() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["list-installed", "dell", "--agent-dir", SYSTEM_AGENTS])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("fence_idrac"),
        "matched by description: {stdout}"
    );
    assert!(stdout.contains("fence_drac5"));
    assert!(!stdout.contains("fence_apc"));
    let names = sandbox
        .cmd()
        .args([
            "list-installed",
            "--names-only",
            "ilo",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert!(text(&names.stdout).lines().all(|l| l.contains("ilo")));
}

#[test]
fn names_only_never_runs_an_agent() {
    let sandbox = Sandbox::new();
    let marker = sandbox.path().join("ran");
    sandbox.agent("fence_spy", &format!("touch '{}'", marker.display()));
    sandbox
        .cmd()
        .args(["list-installed", "--names-only", "--agent-dir"])
        .arg(sandbox.agents_dir())
        .assert()
        .success()
        .stdout("fence_ovh_api\nfence_spy\n");
    assert!(!marker.exists());
}

#[test]
fn first_directory_wins_and_env_path_works() {
    let sandbox = Sandbox::new();
    sandbox.agent_with_metadata("fence_good", GOOD_METADATA);
    let other = sandbox.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("fence_good"), "#!/bin/sh\nexit 1\n").unwrap();
    let path = format!("{}:{}", sandbox.agents_dir().display(), other.display());
    let out = sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", &path)
        .args(["list-installed", "--format", "json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list: Vec<serde_json::Value> = list["agents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["provider"] == "external")
        .cloned()
        .collect();
    assert_eq!(list.len(), 1);
    assert!(list[0]["error"].is_null());
    assert_eq!(
        list[0]["shadows"][0],
        other.join("fence_good").to_str().unwrap()
    );
}

#[test]
fn no_agents_says_where_it_looked_and_what_to_install() {
    let sandbox = Sandbox::new();
    let empty = sandbox.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = sandbox
        .cmd()
        .args(["list-installed", "--agent-dir"])
        .arg(&empty)
        .output()
        .unwrap();
    // the built-in agents are still listed; the missing ones are explained
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("fence_ovh_api"));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(empty.to_str().unwrap()), "{stderr}");
    assert!(stderr.contains("apt-get install fence-agents"), "{stderr}");
}

#[test]
fn xml_format_is_a_usage_error_here() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .cmd()
        .args(["list-installed", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
}

/// Issue 9, item 6: a metadata run that timed out is not the agent's
/// answer. It is not cached, and the next listing (without --refresh) runs
/// the agent again; an agent that exits with a code is cached.
#[test]
fn issue9_timeouts_are_not_cached_but_exit_codes_are() {
    let sandbox = Sandbox::new();
    let metadata = sandbox.file("good.xml", GOOD_METADATA.as_bytes());
    let runs = sandbox.path().join("runs");
    let usage_runs = sandbox.path().join("usage-runs");
    // Slow the first time only (a loaded machine), then fine.
    sandbox.agent(
        "fence_slowstart",
        &format!(
            "echo x >> '{runs}'\n\
             if [ \"$(wc -l < '{runs}')\" -eq 1 ]; then sleep 30; fi\n\
             sed 's/fence_good/fence_slowstart/' '{metadata}'",
            runs = runs.display(),
            metadata = metadata.display()
        ),
    );
    // fence_ack_manual's way: usage text and exit 1, every time.
    sandbox.agent(
        "fence_usage",
        &format!(
            "echo x >> '{}'\necho 'usage: fence_usage' >&2\nexit 1",
            usage_runs.display()
        ),
    );
    let list = |timeout: &str| {
        let out = sandbox
            .cmd()
            .args(["list-installed", "--format", "json", "--agent-timeout"])
            .arg(timeout)
            .arg("--agent-dir")
            .arg(sandbox.agents_dir())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        list["agents"].as_array().unwrap().clone()
    };
    let count = |path: &std::path::Path| std::fs::read_to_string(path).unwrap().lines().count();

    let first = list("1s");
    let slow = by_name(&first, "fence_slowstart");
    let error = slow["error"].as_str().unwrap();
    assert!(error.contains("timed out after 1s"), "{error}");
    assert!(error.contains("not cached"), "{error}");

    let second = list("10s");
    let slow = by_name(&second, "fence_slowstart");
    assert_eq!(slow["error"], serde_json::Value::Null, "{slow}");
    assert_eq!(slow["description"], "Fixture agent that works");
    assert_eq!(count(&runs), 2);

    // The exit-1 agent ran once: its answer was cached the first time.
    assert!(by_name(&second, "fence_usage")["error"].is_string());
    assert_eq!(count(&usage_runs), 1);

    // `metadata -a` after a timeout runs the agent again too.
    std::fs::remove_file(&runs).unwrap();
    std::fs::remove_dir_all(sandbox.cache_dir()).unwrap();
    let out = sandbox
        .cmd()
        .args([
            "metadata",
            "-a",
            "fence_slowstart",
            "--refresh",
            "--agent-timeout",
            "1s",
            "--agent-dir",
        ])
        .arg(sandbox.agents_dir())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("timed out after 1s"),
        "{}",
        text(&out.stderr)
    );
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_slowstart", "--agent-dir"])
        .arg(sandbox.agents_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(count(&runs), 2);
}

/// Issue 15: the built-in agent counts as installed only where an agent
/// directory holds it (Pacemaker sees only those); elsewhere the listing
/// says how to install it.
#[test]
fn issue15_builtin_agent_installed_only_where_a_directory_links_it() {
    let sandbox = Sandbox::new();
    sandbox.agent_with_metadata("fence_good", GOOD_METADATA);
    let dir = sandbox.agents_dir();
    let list = json_list(&sandbox, dir.to_str().unwrap());
    let ovh = by_name(&list, "fence_ovh_api");
    assert_eq!(ovh["installed"], false, "{ovh}");
    assert_eq!(by_name(&list, "fence_good")["installed"], true);
    let table = sandbox
        .cmd()
        .args(["list-installed", "ovh_api", "--agent-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let table = text(&table.stdout);
    assert!(
        table.contains("(built in, not installed: fencectl install-agent)"),
        "{table}"
    );

    sandbox
        .cmd()
        .args(["install-agent", "-q", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let list = json_list(&sandbox, dir.to_str().unwrap());
    let ovh = by_name(&list, "fence_ovh_api");
    assert_eq!(ovh["installed"], true, "{ovh}");
    assert_eq!(ovh["provider"], "built-in", "{ovh}");
    assert_eq!(ovh["path"], dir.join("fence_ovh_api").to_str().unwrap());
    let table = sandbox
        .cmd()
        .args(["list-installed", "ovh_api", "--agent-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let table = text(&table.stdout);
    assert!(table.contains("(built in)"), "{table}");
    assert!(!table.contains("not installed"), "{table}");
}

/// Issue 15 (speed): a warm listing reads the index and writes nothing:
/// the index file is not replaced, and no agent runs.
#[test]
fn issue15_warm_listing_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let sandbox = Sandbox::new();
    let marker = counting_good_agent(&sandbox);
    let dir = sandbox.agents_dir();
    let dir = dir.to_str().unwrap();
    json_list(&sandbox, dir);
    let index = sandbox.cache_dir().join("agents-v1.json");
    let before = std::fs::metadata(&index).unwrap();
    let files_before = walk(&sandbox.cache_dir());
    std::thread::sleep(Duration::from_millis(20));
    let list = json_list(&sandbox, dir);
    assert_eq!(
        by_name(&list, "fence_good")["description"],
        "Fixture agent that works"
    );
    let after = std::fs::metadata(&index).unwrap();
    assert_eq!(
        (before.ino(), before.mtime_nsec(), before.mtime()),
        (after.ino(), after.mtime_nsec(), after.mtime()),
        "a warm listing replaced the index"
    );
    assert_eq!(files_before, walk(&sandbox.cache_dir()));
    assert_eq!(std::fs::read_to_string(&marker).unwrap().lines().count(), 1);
}

/// Issue 15: the Debian package's link is relative (../bin/fencectl, as
/// Debian policy wants); `install-agent` takes any link that resolves to
/// this binary as installed instead of refusing to overwrite it.
#[test]
fn issue15_install_agent_accepts_a_relative_link_to_fencectl() {
    let sandbox = Sandbox::new();
    let bin = sandbox.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_fencectl"), bin.join("fencectl")).unwrap();
    let dir = sandbox.agents_dir();
    std::os::unix::fs::symlink("../bin/fencectl", dir.join("fence_ovh_api")).unwrap();
    let out = sandbox
        .cmd()
        .args(["install-agent", "-v", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("already links"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_link(dir.join("fence_ovh_api")).unwrap(),
        std::path::Path::new("../bin/fencectl")
    );
    let list = json_list(&sandbox, dir.to_str().unwrap());
    assert_eq!(by_name(&list, "fence_ovh_api")["installed"], true);
}
