//! `fencectl schema cluster-rng`: cman's cluster.conf schema, built by
//! fencectl without xsltproc, compared with the upstream way of building it
//! (fence-agents' fence2rng.xsl over every agent) and used on the examples.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

/// A stable agent directory: links to the Debian agents (cluster tests add
/// and remove their own agents in /usr/sbin while they run).
fn agent_dir(sandbox: &Sandbox) -> PathBuf {
    let dir = sandbox.path().join("sbin");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(SYSTEM_AGENTS).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("fence_")
            && !name.starts_with("fence_fctest_")
            && name != "fence_ovh_api"
        {
            std::os::unix::fs::symlink(entry.path(), dir.join(&name)).unwrap();
        }
    }
    dir
}

fn upstream_rng(sandbox: &Sandbox, agents: &Path) -> PathBuf {
    let out = sandbox.path().join("upstream.rng");
    let builder =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cman/build-cluster-rng");
    let built = StdCommand::new(&builder)
        .arg(&out)
        .arg(agents)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "build-cluster-rng: {}",
        text(&built.stderr)
    );
    out
}

fn fencectl_rng(sandbox: &Sandbox, agents: &Path) -> PathBuf {
    let out = sandbox.path().join("fencectl.rng");
    let run = sandbox
        .cmd()
        .args(["schema", "cluster-rng", "-o"])
        .arg(&out)
        .arg("--agent-dir")
        .arg(agents)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    out
}

fn xmllint(rng: &Path, conf: &Path) -> std::process::Output {
    StdCommand::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(rng)
        .arg(conf)
        .output()
        .unwrap()
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// Issue 10: the schema fencectl writes is the one ccs_update_schema
/// wrote, byte for byte, for the 80-odd real agents; and both accept the
/// cluster.conf examples and refuse an attribute no agent has.
#[test]
fn issue10_cluster_rng_matches_the_upstream_build_and_checks_examples() {
    let sandbox = Sandbox::new();
    let agents = agent_dir(&sandbox);
    let upstream = upstream_rng(&sandbox, &agents);
    let ours = fencectl_rng(&sandbox, &agents);
    let (upstream_text, ours_text) = (
        std::fs::read_to_string(&upstream).unwrap(),
        std::fs::read_to_string(&ours).unwrap(),
    );
    assert!(ours_text.contains("rha:name=\"fence_ipmilan\""));
    assert!(ours_text.matches("<group rha:name=").count() > 70);
    if upstream_text != ours_text {
        let first = upstream_text
            .lines()
            .zip(ours_text.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b);
        panic!("the schemas differ, first at line {first:?}");
    }

    let mut confs: Vec<PathBuf> = std::fs::read_dir(example(""))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".cluster.conf"))
        .filter(|p| !p.to_string_lossy().contains("ovh-api"))
        .collect();
    confs.sort();
    assert!(!confs.is_empty());
    for conf in &confs {
        for rng in [&upstream, &ours] {
            let lint = xmllint(rng, conf);
            assert!(
                lint.status.success(),
                "{}: {}",
                conf.display(),
                text(&lint.stderr)
            );
        }
    }

    let bad = sandbox.file(
        "bad.cluster.conf",
        br#"<?xml version="1.0"?>
<cluster name="c" config_version="1">
  <fencedevices>
    <fencedevice name="ipmi1" agent="fence_ipmilan" ip="10.0.0.1" no_such_attribute="1"/>
  </fencedevices>
  <clusternodes>
    <clusternode name="n1" nodeid="1"/>
  </clusternodes>
</cluster>
"#,
    );
    for rng in [&upstream, &ours] {
        assert!(!xmllint(rng, &bad).status.success());
    }
}

/// The built-in agent counts once it is installed as a link, as cman saw it.
#[test]
fn issue10_cluster_rng_describes_an_installed_builtin_agent() {
    let sandbox = Sandbox::new();
    let agents = sandbox.agents_dir();
    let out = sandbox
        .cmd()
        .args(["schema", "cluster-rng", "--agent-dir"])
        .arg(&agents)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("rha:name=\"fence_ovh_api\""));
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("fencectl"),
        agents.join("fence_ovh_api"),
    )
    .unwrap();
    let out = sandbox
        .cmd()
        .args(["schema", "cluster-rng", "--agent-dir"])
        .arg(&agents)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rng = text(&out.stdout);
    assert!(rng.contains("rha:name=\"fence_ovh_api\""), "{rng}");
    assert!(rng.contains("<attribute name=\"application_key\""));
    let conf = sandbox.file("schema.rng", rng.as_bytes());
    let lint = xmllint(&conf, &example("proxmox-ovh-api.cluster.conf"));
    assert!(lint.status.success(), "{}", text(&lint.stderr));
}

#[test]
fn cluster_rng_output_is_never_overwritten_without_force() {
    let sandbox = Sandbox::new();
    let existing = sandbox.file("cluster.rng", b"mine");
    let out = sandbox
        .cmd()
        .args(["schema", "cluster-rng", "--agent-dir"])
        .arg(sandbox.agents_dir())
        .arg("-o")
        .arg(&existing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"mine");
}
