//! Issue 10: `fence --dry-run` tells the truth: exit 2 when no method or
//! level of the plan could run, 0 with a warning per device that cannot
//! run when at least one can.

use crate::support::{text, Sandbox};

fn dry_run(sandbox: &Sandbox, option: &str, file: &std::path::Path) -> std::process::Output {
    sandbox
        .std_cmd()
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .args(["fence", "node1", "--dry-run", option])
        .arg(file)
        .output()
        .unwrap()
}

/// A Proxmox VE 3 style cluster.conf: fence01 uses fence_xvm (package
/// fence-virt, not installed here), `dummy` the real fence_dummy.
fn cluster_conf(methods: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<cluster config_version="45" name="cluster-fm-ha-1">
  <cman keyfile="/var/lib/pve-cluster/corosync.authkey" transport="udpu"/>
  <fencedevices>
    <fencedevice agent="fence_xvm" name="fence01" key_file="/etc/cluster/fence_xvm.key" passwd="TOPSECRET"/>
    <fencedevice agent="fence_dummy" name="dummy" type="file" status_file="/nonexistent/status"/>
  </fencedevices>
  <clusternodes>
    <clusternode name="node1" nodeid="1" votes="1">
      <fence>{methods}</fence>
    </clusternode>
  </clusternodes>
</cluster>
"#
    )
}

#[test]
fn issue10_dry_run_exits_2_when_no_method_can_run() {
    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "cluster.conf",
        cluster_conf(
            r#"<method name="1"><device name="fence01" port="vm1" action="off"/></method>
               <method name="2"><device name="no-such-device"/></method>"#,
        )
        .as_bytes(),
    );
    let out = dry_run(&sandbox, "--config", &conf);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("fence_xvm"), "{stderr}");
    assert!(stderr.contains("no-such-device"), "{stderr}");
    assert!(stderr.contains("nothing would be fenced"), "{stderr}");
    // The plan is still shown.
    assert!(
        text(&out.stdout).contains("method 1"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn issue10_dry_run_exits_0_with_a_warning_when_one_method_can_run() {
    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "cluster.conf",
        cluster_conf(
            r#"<method name="1"><device name="fence01" port="vm1" action="off"/></method>
               <method name="2"><device name="dummy" action="off"/></method>"#,
        )
        .as_bytes(),
    );
    let out = dry_run(&sandbox, "--config", &conf);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning"), "{stderr}");
    assert!(stderr.contains("dev 1.1 (fence01) cannot run"), "{stderr}");
    assert!(!stderr.contains("dummy) cannot run"), "{stderr}");

    let json = sandbox
        .std_cmd()
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .args([
            "--format",
            "json",
            "fence",
            "node1",
            "--dry-run",
            "--config",
        ])
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["unrunnable"][0]["device"], "fence01");
    let args = &value["plan"]["stages"][0]["steps"][0]["args"];
    assert!(
        args.as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "passwd" && a["value"] == "********"),
        "{args}"
    );
}

#[test]
fn issue10_dry_run_of_a_cib_level_with_a_missing_device_exits_2() {
    let sandbox = Sandbox::new();
    let cib = sandbox.file(
        "cib.xml",
        br#"<cib><configuration><crm_config/><nodes><node id="1" uname="node1"/></nodes>
<resources>
  <primitive id="fence-node1" class="stonith" type="fence_no_such_agent">
    <instance_attributes id="fence-node1-instance_attributes">
      <nvpair id="fence-node1-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="node1"/>
    </instance_attributes>
  </primitive>
</resources>
<constraints/>
<fencing-topology>
  <fencing-level id="fl-node1-1" target="node1" index="1" devices="fence-node1"/>
</fencing-topology>
</configuration><status/></cib>
"#,
    );
    let out = dry_run(&sandbox, "--cib", &cib);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no level of the plan"), "{stderr}");
}
