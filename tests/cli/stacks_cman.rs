//! Issue 10, cman's side: node names as fence_node finds them, convert
//! keeping what a cluster needs, and `validate --config`, each on a
//! cluster.conf written as real ones were (RHEL 5/6 and Proxmox VE 3 era:
//! short node names, `<altname>` rings, old parameter names).

use std::path::{Path, PathBuf};

use crate::support::{fixture, text, Sandbox};

const RECORDER: &str = "fence_fctest_recorder";

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// A RHEL 6 cluster.conf as luci/ccs wrote it: short names, a second ring
/// as `<altname>`, one power switch (the recorder stands in for fence_apc)
/// with a plug per node.
fn rhel6_conf(sandbox: &Sandbox) -> PathBuf {
    let record = sandbox.path().join("record");
    sandbox.file(
        "cluster.conf",
        format!(
            r#"<?xml version="1.0"?>
<cluster config_version="112" name="webcluster">
	<fence_daemon clean_start="0" post_fail_delay="0" post_join_delay="3"/>
	<clusternodes>
		<clusternode name="node01" nodeid="1" votes="1">
			<altname name="node01-hb"/>
			<fence>
				<method name="power">
					<device name="apc1" port="1"/>
				</method>
			</fence>
		</clusternode>
		<clusternode name="node03" nodeid="3" votes="1">
			<altname name="node03-hb"/>
			<fence>
				<method name="power">
					<device name="apc1" port="3"/>
				</method>
			</fence>
		</clusternode>
	</clusternodes>
	<cman expected_votes="1" two_node="1"/>
	<fencedevices>
		<fencedevice agent="{RECORDER}" ip="10.10.0.250" username="apc" password="apc" mode="ok" record_file="{}" name="apc1"/>
	</fencedevices>
	<rm/>
</cluster>
"#,
            record.display()
        )
        .as_bytes(),
    )
}

fn fence(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_AGENT_PATH", fixture("agents"))
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .arg("fence");
    cmd
}

fn sent(sandbox: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sandbox.path().join("record"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn issue10_fence_finds_a_short_node_by_its_fully_qualified_name() {
    let sandbox = Sandbox::new();
    let conf = rhel6_conf(&sandbox);
    let out = fence(&sandbox)
        .args(["node03.example.com", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // fence_node prints the name as given ...
    assert_eq!(text(&out.stdout), "fence node03.example.com success\n");
    // ... and libfence sends the configured one
    let sent = sent(&sandbox);
    assert!(sent.contains(&"nodename=node03".to_string()), "{sent:?}");
    assert!(sent.contains(&"port=3".to_string()), "{sent:?}");
}

#[test]
fn issue10_fence_finds_altnames_and_other_case() {
    for (name, port) in [("NODE01", "port=1"), ("node03-hb", "port=3")] {
        let sandbox = Sandbox::new();
        let conf = rhel6_conf(&sandbox);
        let out = fence(&sandbox)
            .args([name, "--config"])
            .arg(&conf)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let sent = sent(&sandbox);
        assert!(sent.contains(&port.to_string()), "{name}: {sent:?}");
    }
}

#[test]
fn issue10_fence_warns_when_several_nodes_match_and_takes_the_first() {
    let sandbox = Sandbox::new();
    let conf = rhel6_conf(&sandbox);
    // two data centres, one short name: cman takes the first in the file
    let text_conf = std::fs::read_to_string(&conf)
        .unwrap()
        .replace("name=\"node01\"", "name=\"web1.dc1.example.com\"")
        .replace("name=\"node03\"", "name=\"web1.dc2.example.com\"");
    std::fs::write(&conf, text_conf).unwrap();
    let out = fence(&sandbox)
        .args(["WEB1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("'WEB1' also matches web1.dc2.example.com"),
        "{stderr}"
    );
    assert!(sent(&sandbox).contains(&"nodename=web1.dc1.example.com".to_string()));
}

#[test]
fn issue10_fence_an_unknown_node_is_undefined_with_a_hint() {
    let sandbox = Sandbox::new();
    let conf = rhel6_conf(&sandbox);
    let out = fence(&sandbox)
        .args(["node3", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("did you mean 'node03'?"),
        "{}",
        text(&out.stderr)
    );
    assert!(sent(&sandbox).is_empty());
}
