//! Issue 9: files that cannot be turned against root (lock directory and
//! files, the audit log), reads that stop at a cap, history that survives
//! a corrupt line, and writes that keep what the admin had.

use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{fixture, text, Sandbox};

const RECORDER: &str = "fence_fctest_recorder";

/// A cluster.conf whose node1 is fenced by the recorder agent, which
/// writes `record` when (and only when) it runs.
fn cluster_conf(sandbox: &Sandbox) -> PathBuf {
    let record = sandbox.path().join("record");
    sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<fencedevices>\n\
             <fencedevice name=\"rec\" agent=\"{RECORDER}\" ip=\"192.0.2.1\" mode=\"ok\" record_file=\"{}\"/>\n\
             </fencedevices>\n<clusternodes>\n<clusternode name=\"node1\" nodeid=\"1\"><fence>\
             <method name=\"1\"><device name=\"rec\" port=\"1\" action=\"off\"/></method></fence></clusternode>\n\
             </clusternodes>\n</cluster>\n",
            record.display()
        )
        .as_bytes(),
    )
}

/// `fencectl fence node1` with the recorder, `locks` as the lock directory
/// and `log` as the audit log.
fn fence(sandbox: &Sandbox, locks: &Path, log: &Path) -> std::process::Output {
    let conf = cluster_conf(sandbox);
    sandbox
        .std_cmd()
        .env(
            "FENCECTL_AGENT_PATH",
            format!("{}:/usr/sbin", fixture("agents").display()),
        )
        .env("FENCECTL_LOCK_DIR", locks)
        .args(["fence", "node1", "--no-delay", "--log"])
        .arg(log)
        .arg("--config")
        .arg(&conf)
        .output()
        .unwrap()
}

fn agent_ran(sandbox: &Sandbox) -> bool {
    sandbox.path().join("record").exists()
}

/// The name of node1's device lock file, learnt from one good run.
fn lock_file_name(sandbox: &Sandbox) -> String {
    let locks = sandbox.path().join("learn-locks");
    let out = fence(sandbox, &locks, &sandbox.path().join("learn.log"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(sandbox.path().join("record")).unwrap();
    let mode = std::fs::metadata(&locks).unwrap().mode() & 0o7777;
    assert_eq!(mode, 0o700, "the lock directory is created private");
    let entries: Vec<_> = std::fs::read_dir(&locks).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let entry = entries[0].as_ref().unwrap();
    assert_eq!(entry.metadata().unwrap().mode() & 0o777, 0o600);
    entry.file_name().to_string_lossy().into_owned()
}

/// A file another user wants root to truncate.
fn precious(path: &Path) -> PathBuf {
    std::fs::write(path, "precious data\n").unwrap();
    path.to_path_buf()
}

fn assert_refused(out: &std::process::Output, expected: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} not in:\n{stderr}");
    }
}

#[test]
fn issue9_symlinked_lock_dir_is_refused_and_its_target_untouched() {
    let sandbox = Sandbox::new();
    let name = lock_file_name(&sandbox);
    let evil = sandbox.path().join("evil");
    std::fs::create_dir(&evil).unwrap();
    let target = precious(&evil.join(&name));
    let locks = sandbox.path().join("locks");
    symlink(&evil, &locks).unwrap();
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(
        &out,
        &[
            &format!("refusing the lock directory {}", locks.display()),
            "symbolic link",
            &format!("rm -r {}", locks.display()),
        ],
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious data\n");
    assert!(!agent_ran(&sandbox), "the agent ran without a lock");
}

#[test]
fn issue9_lock_dir_writable_by_others_is_refused() {
    let sandbox = Sandbox::new();
    let locks = sandbox.path().join("locks");
    std::fs::create_dir(&locks).unwrap();
    std::fs::set_permissions(&locks, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(&out, &["refusing the lock directory", "mode 0777", "rm -r"]);
    assert!(!agent_ran(&sandbox));
}

#[test]
fn issue9_lock_dir_of_another_user_is_refused() {
    let sandbox = Sandbox::new();
    let locks = sandbox.path().join("locks");
    std::fs::create_dir(&locks).unwrap();
    std::fs::set_permissions(&locks, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&locks, Some(65534), Some(65534)).unwrap();
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(&out, &["refusing the lock directory", "owned by uid 65534"]);
    assert!(!agent_ran(&sandbox));
}

#[test]
fn issue9_planted_lock_file_symlink_is_refused_and_its_target_untouched() {
    let sandbox = Sandbox::new();
    let name = lock_file_name(&sandbox);
    let target = precious(&sandbox.path().join("shadow"));
    let locks = sandbox.path().join("locks");
    std::fs::create_dir(&locks).unwrap();
    std::fs::set_permissions(&locks, std::fs::Permissions::from_mode(0o700)).unwrap();
    symlink(&target, locks.join(&name)).unwrap();
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(&out, &["is a symbolic link", &name]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious data\n");
    assert!(!agent_ran(&sandbox));
    // a FIFO (which would block an open) and another user's file
    std::fs::remove_file(locks.join(&name)).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(locks.join(&name))
        .status()
        .unwrap();
    assert!(status.success());
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(&out, &["is not a regular file", &name]);
    std::fs::remove_file(locks.join(&name)).unwrap();
    std::fs::write(locks.join(&name), "").unwrap();
    std::os::unix::fs::chown(locks.join(&name), Some(65534), None).unwrap();
    let out = fence(&sandbox, &locks, &sandbox.path().join("fence.log"));
    assert_refused(&out, &["is owned by uid 65534", &name]);
    assert!(!agent_ran(&sandbox));
}

#[test]
fn issue9_audit_log_symlink_is_refused_before_any_agent_runs() {
    let sandbox = Sandbox::new();
    let target = precious(&sandbox.path().join("shadow"));
    let log = sandbox.path().join("fence.log");
    symlink(&target, &log).unwrap();
    let out = fence(&sandbox, &sandbox.path().join("locks"), &log);
    assert_refused(
        &out,
        &[
            "cannot write the audit log",
            "is a symbolic link",
            "--log FILE",
        ],
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious data\n");
    assert!(!agent_ran(&sandbox), "fenced unrecorded");
}

#[test]
fn issue9_unwritable_audit_log_refuses_a_real_fence() {
    let sandbox = Sandbox::new();
    let locks = sandbox.path().join("locks");
    let dir = sandbox.path().join("a-directory");
    std::fs::create_dir(&dir).unwrap();
    for log in [Path::new("/proc/nonexistent/x"), &dir] {
        let out = fence(&sandbox, &locks, log);
        assert_refused(
            &out,
            &[
                &format!("cannot write the audit log {}", log.display()),
                "nothing was fenced",
                "--log FILE",
            ],
        );
        assert!(!agent_ran(&sandbox), "fenced unrecorded with --log {log:?}");
    }
    // --dry-run writes no record and needs no log
    let conf = cluster_conf(&sandbox);
    sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", fixture("agents"))
        .env("FENCECTL_LOCK_DIR", &locks)
        .args([
            "fence",
            "node1",
            "--dry-run",
            "--log",
            "/proc/nonexistent/x",
            "--config",
        ])
        .arg(&conf)
        .assert()
        .success();
}

#[test]
fn issue9_audit_log_is_private_and_appended() {
    let sandbox = Sandbox::new();
    let log = sandbox.path().join("logs/fence.log");
    let locks = sandbox.path().join("locks");
    for _ in 0..2 {
        let out = fence(&sandbox, &locks, &log);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert_eq!(std::fs::metadata(&log).unwrap().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(log.parent().unwrap()).unwrap().mode() & 0o777,
        0o700
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

/// Runs fencectl with `args`, which must fail within seconds, naming the
/// file and the cap, and without growing past 2 GiB of address space (a
/// read that grows without bound dies there instead of exiting 1).
fn fails_fast_at_the_cap(sandbox: &Sandbox, args: &[&str], expected: &str) {
    use std::os::unix::process::CommandExt;
    let mut cmd = sandbox.std_cmd();
    cmd.args(args)
        .stdin(std::fs::File::open("/dev/zero").unwrap());
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let stderr = text(&out.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{args:?} took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(
        stderr.contains(expected),
        "{args:?}: {expected:?} not in:\n{stderr}"
    );
}

#[test]
fn issue9_endless_files_fail_fast_at_the_cap() {
    let sandbox = Sandbox::new();
    let inventory = sandbox.file(
        "inv.toml",
        b"[cluster]\nname = \"c\"\n[[node]]\nname = \"n1\"\n",
    );
    let secret = sandbox.file(
        "secret.toml",
        b"[cluster]\nname = \"c\"\n[[node]]\nname = \"n1\"\n[[device]]\nid = \"d\"\nagent = \"fence_dummy\"\nhosts = [\"n1\"]\npassword_file = \"/dev/zero\"\n",
    );
    let zero = "/dev/zero is larger than 16 MiB";
    let cases: &[(&[&str], &str)] = &[
        (
            &["fence", "node1", "--dry-run", "--config", "/dev/zero"],
            zero,
        ),
        (&["fence", "node1", "--dry-run", "--cib", "/dev/zero"], zero),
        (&["generate", "cib", "/dev/zero"], zero),
        (&["convert", "cluster-conf-to-cib", "/dev/zero"], zero),
        (
            &[
                "generate",
                "cluster-conf",
                "--no-metadata",
                inventory.to_str().unwrap(),
                "--update",
                "/dev/zero",
            ],
            zero,
        ),
        (
            &["history", "--log", "/dev/zero"],
            "/dev/zero is larger than 64 MiB",
        ),
        (
            &[
                "validate",
                "--agent",
                "fence_dummy",
                "--params-file",
                "/dev/zero",
            ],
            zero,
        ),
        (
            &["validate", "--agent", "fence_dummy", "password=@/dev/zero"],
            "/dev/zero is larger than 1 MiB",
        ),
        (
            &["generate", "cib", "--no-metadata", secret.to_str().unwrap()],
            "/dev/zero is larger than 1 MiB",
        ),
        (&["ovh-keys", "check", "--config", "/dev/zero"], zero),
        (
            &["validate", "--agent", "fence_dummy", "--params-file", "-"],
            "standard input is larger than 16 MiB",
        ),
    ];
    for (args, expected) in cases {
        fails_fast_at_the_cap(&sandbox, args, expected);
    }
}

#[test]
fn issue9_history_skips_and_counts_corrupt_lines() {
    let sandbox = Sandbox::new();
    let log = sandbox.path().join("fence.log");
    let locks = sandbox.path().join("locks");
    let out = fence(&sandbox, &locks, &log);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let good = std::fs::read(&log).unwrap();
    let mut corrupt = good.clone();
    corrupt.extend_from_slice(b"\xff\xfe not utf-8 \x80\n");
    corrupt.extend_from_slice(&good[..good.len() / 2]);
    corrupt.push(b'\n');
    corrupt.extend_from_slice(&good);
    std::fs::write(&log, &corrupt).unwrap();
    let out = sandbox
        .cmd()
        .args(["history", "--format", "json", "--log"])
        .arg(&log)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 line(s)") && stderr.contains("skipped"),
        "{stderr}"
    );
    let records: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(records["records"].as_array().unwrap().len(), 2, "{records}");
}

// ---- generate cluster-conf --update and -o

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn update(sandbox: &Sandbox, extra: &[&str]) -> std::process::Output {
    sandbox
        .cmd()
        .args(["generate", "cluster-conf", "--no-metadata"])
        .arg(example("proxmox-ovh.toml"))
        .args(extra)
        .output()
        .unwrap()
}

fn original() -> String {
    std::fs::read_to_string(example("proxmox-ovh-notes.cluster.conf")).unwrap()
}

#[test]
fn issue9_update_through_a_symlink_replaces_the_target_and_keeps_mode_and_backup() {
    let sandbox = Sandbox::new();
    // Proxmox: /etc/cluster/cluster.conf -> /etc/pve/cluster.conf
    let pve = sandbox.path().join("pve");
    let etc = sandbox.path().join("cluster");
    std::fs::create_dir_all(&pve).unwrap();
    std::fs::create_dir_all(&etc).unwrap();
    let target = pve.join("cluster.conf");
    std::fs::write(&target, original()).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::chown(&target, Some(0), Some(65534)).unwrap();
    let link = etc.join("cluster.conf");
    symlink(&target, &link).unwrap();
    // an older backup is never overwritten
    std::fs::write(pve.join("cluster.conf.45.bak"), "older backup").unwrap();

    let out = update(&sandbox, &["--update", link.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    let updated = std::fs::read_to_string(&target).unwrap();
    assert!(updated.contains("config_version=\"46\""), "{updated}");
    let meta = std::fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    assert_eq!((meta.uid(), meta.gid()), (0, 65534));
    assert!(
        stderr.contains("readable by other users (mode 0640)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(pve.join("cluster.conf.45.bak")).unwrap(),
        "older backup"
    );
    let backup = pve.join("cluster.conf.45.bak.1");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original());
    assert_eq!(std::fs::metadata(&backup).unwrap().mode() & 0o777, 0o600);
    assert!(stderr.contains(&backup.display().to_string()), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(&pve)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn issue9_update_diff_prints_the_change_and_writes_nothing() {
    let sandbox = Sandbox::new();
    let file = sandbox.file("cluster.conf", original().as_bytes());
    let out = update(&sandbox, &["--update", file.to_str().unwrap(), "--diff"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let diff = text(&out.stdout);
    assert!(diff.starts_with("--- "), "{diff}");
    assert!(diff.contains("\n+++ "), "{diff}");
    assert!(
        diff.contains("\n-<cluster") && diff.contains("\n+<cluster"),
        "{diff}"
    );
    assert!(diff.contains("config_version=\"46\""), "{diff}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original());
    let names: Vec<_> = std::fs::read_dir(sandbox.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cluster.conf"))
        .collect();
    assert_eq!(names, ["cluster.conf"], "--diff wrote files");
}

#[test]
fn issue9_update_to_a_staged_new_file_and_no_silent_overwrite() {
    let sandbox = Sandbox::new();
    let file = sandbox.file("cluster.conf", original().as_bytes());
    // Proxmox VE's way: write cluster.conf.new, then activate it in the GUI
    let staged = sandbox.path().join("cluster.conf.new");
    let args = [
        "--update",
        file.to_str().unwrap(),
        "-o",
        staged.to_str().unwrap(),
    ];
    let out = update(&sandbox, &args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&staged)
        .unwrap()
        .contains("config_version=\"46\""));
    assert_eq!(std::fs::metadata(&staged).unwrap().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original());
    // an existing -o FILE is replaced only with --force
    std::fs::write(&staged, "admin's draft").unwrap();
    let out = update(&sandbox, &args);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("already exists: add --force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&staged).unwrap(), "admin's draft");
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = update(&sandbox, &forced);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read_to_string(&staged)
        .unwrap()
        .contains("config_version=\"46\""));
}
