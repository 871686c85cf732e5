//! Issue 10: Pacemaker's rules, decided as pacemaker-fenced decides them,
//! on CIBs written the way pcs and crmsh write them.

use std::path::{Path, PathBuf};

use crate::support::{fixture, text, Sandbox};

fn fence(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env(
        "FENCECTL_AGENT_PATH",
        format!("{}:/usr/sbin", fixture("agents").display()),
    )
    .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
    .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
    .arg("fence");
    cmd
}

/// A recorder primitive as `pcs stonith create ID fence_fctest_recorder ...`
/// writes it (ids `<id>-instance_attributes-<name>`, a monitor op).
fn pcs_primitive(
    id: &str,
    record: &Path,
    params: &[(&str, &str)],
    meta: &[(&str, &str)],
) -> String {
    let mut pairs = vec![
        ("ip".to_string(), "10.20.0.14".to_string()),
        ("username".to_string(), "ADMIN".to_string()),
        ("password".to_string(), "ADMIN".to_string()),
        ("record_file".to_string(), record.display().to_string()),
    ];
    pairs.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let nvpairs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!("\n          <nvpair id=\"{id}-instance_attributes-{k}\" name=\"{k}\" value=\"{v}\"/>")
        })
        .collect();
    let meta_set = if meta.is_empty() {
        String::new()
    } else {
        let pairs: String = meta
            .iter()
            .map(|(k, v)| {
                format!("\n          <nvpair id=\"{id}-meta_attributes-{k}\" name=\"{k}\" value=\"{v}\"/>")
            })
            .collect();
        format!("\n        <meta_attributes id=\"{id}-meta_attributes\">{pairs}\n        </meta_attributes>")
    };
    format!(
        r#"
      <primitive class="stonith" id="{id}" type="fence_fctest_recorder">
        <instance_attributes id="{id}-instance_attributes">{nvpairs}
        </instance_attributes>{meta_set}
        <operations>
          <op id="{id}-monitor-interval-60s" interval="60s" name="monitor"/>
        </operations>
      </primitive>"#
    )
}

/// A CIB as pcs 0.9 writes it on RHEL 7 for a two-node cluster.
fn pcs_cib(sandbox: &Sandbox, nodes: &[&str], resources: &str, extra: &str) -> PathBuf {
    let nodes: String = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| format!("\n      <node id=\"{}\" uname=\"{n}\"/>", i + 1))
        .collect();
    sandbox.file(
        "cib.xml",
        format!(
            r#"<cib crm_feature_set="3.0.14" validate-with="pacemaker-2.10" epoch="42" num_updates="0" admin_epoch="0" cib-last-written="Tue Mar  5 10:12:44 2019" update-origin="rhel7-3" update-client="cibadmin" update-user="root" have-quorum="1" dc-uuid="1">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-have-watchdog" name="have-watchdog" value="false"/>
        <nvpair id="cib-bootstrap-options-dc-version" name="dc-version" value="1.1.19-8.el7-c3c624ea3d"/>
        <nvpair id="cib-bootstrap-options-cluster-infrastructure" name="cluster-infrastructure" value="corosync"/>
        <nvpair id="cib-bootstrap-options-cluster-name" name="cluster-name" value="rhel7"/>
      </cluster_property_set>
    </crm_config>
    <nodes>{nodes}
    </nodes>
    <resources>{resources}
    </resources>
    <constraints/>{extra}
  </configuration>
  <status/>
</cib>
"#
        )
        .as_bytes(),
    )
}

/// See issue 10: pacemaker-fenced compares a level's target with the node
/// name without regard to case; `pcs stonith level add 1 RHEL7-4 ...`
/// applies to node rhel7-4.
#[test]
fn issue10_level_targets_compare_without_case() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = pcs_primitive(
        "kdump",
        &record,
        &[("pcmk_host_list", "rhel7-3 rhel7-4"), ("mode", "fail")],
        &[],
    ) + &pcs_primitive(
        "ipmi-rhel7-4",
        &record,
        &[("pcmk_host_list", "RHEL7-4")],
        &[],
    );
    let topology = r#"
    <fencing-topology>
      <fencing-level devices="kdump" id="fl-RHEL7-4-1" index="1" target="RHEL7-4"/>
      <fencing-level devices="ipmi-rhel7-4" id="fl-RHEL7-4-2" index="2" target="RHEL7-4"/>
    </fencing-topology>"#;
    let cib = pcs_cib(&sandbox, &["rhel7-3", "rhel7-4"], &resources, topology);
    let out = fence(&sandbox)
        .args(["rhel7-4", "--dry-run", "-v", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 fencing level(s) match rhel7-4"),
        "{stderr}\n{stdout}"
    );
    assert!(!stderr.contains("no fencing level matches"), "{stderr}");
    // and the static list: the typed name in another case still finds ipmi
    let out = fence(&sandbox)
        .args(["Rhel7-3", "--dry-run", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("kdump"), "{}", text(&out.stdout));
}

/// A CIB as crmsh writes it on SLES 15 (`crm configure primitive ... meta
/// target-role=Stopped`), nodes with corosync's generated ids.
fn crmsh_cib(sandbox: &Sandbox, resources: &str, extra: &str) -> PathBuf {
    sandbox.file(
        "cib.xml",
        format!(
            r#"<cib crm_feature_set="3.10.2" validate-with="pacemaker-3.7" epoch="17" num_updates="0" admin_epoch="0" cib-last-written="Wed Jun  7 09:41:02 2023" update-origin="v02-b" update-client="crm_attribute" have-quorum="1" dc-uuid="1084783226">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair name="stonith-enabled" value="true" id="cib-bootstrap-options-stonith-enabled"/>
        <nvpair name="stonith-timeout" value="150s" id="cib-bootstrap-options-stonith-timeout"/>
        <nvpair name="cluster-name" value="v02" id="cib-bootstrap-options-cluster-name"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1084783226" uname="v02-b"/>
    </nodes>
    <resources>{resources}
    </resources>
    <constraints/>{extra}
    <rsc_defaults>
      <meta_attributes id="rsc-options">
        <nvpair name="resource-stickiness" value="1" id="rsc-options-resource-stickiness"/>
        <nvpair name="migration-threshold" value="3" id="rsc-options-migration-threshold"/>
      </meta_attributes>
    </rsc_defaults>
  </configuration>
  <status/>
</cib>
"#
        )
        .as_bytes(),
    )
}

/// See issue 10: a device with target-role=Stopped is not registered by
/// pacemaker-fenced. A node only it could fence is not "unknown": nothing
/// can fence it (exit 2), and the reason is said.
#[test]
fn issue10_a_node_only_a_stopped_device_fences_exits_2_with_the_reason() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = pcs_primitive(
        "fence-v02-a",
        &record,
        &[("pcmk_host_list", "v02-a")],
        &[("target-role", "Stopped")],
    ) + &pcs_primitive("fence-v02-b", &record, &[("pcmk_host_list", "v02-b")], &[]);
    let cib = crmsh_cib(&sandbox, &resources, "");
    let out = fence(&sandbox)
        .args(["v02-a", "--dry-run", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("device fence-v02-a is disabled (target-role=Stopped)"),
        "{stderr}"
    );
    assert!(!stderr.contains("unknown node"), "{stderr}");
    assert!(!record.exists());
}

/// See issue 10: target-role=Stopped inherited from a group disables the
/// device too, and a level naming it cannot run (the fencer's level fails
/// on an unregistered device); the next level still can.
#[test]
fn issue10_levels_naming_a_disabled_device_cannot_run() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let group = format!(
        r#"
      <group id="grp-fence">
        <meta_attributes id="grp-fence-meta_attributes">
          <nvpair name="target-role" value="stopped" id="grp-fence-meta_attributes-target-role"/>
        </meta_attributes>{}
      </group>"#,
        pcs_primitive("kdump-v02-b", &record, &[("pcmk_host_list", "v02-b")], &[])
    );
    let resources =
        group + &pcs_primitive("ipmi-v02-b", &record, &[("pcmk_host_list", "v02-b")], &[]);
    let topology = r#"
    <fencing-topology>
      <fencing-level id="fencing" index="1" target="v02-b" devices="kdump-v02-b"/>
      <fencing-level id="fencing-0" index="2" target="v02-b" devices="ipmi-v02-b"/>
    </fencing-topology>"#;
    let cib = crmsh_cib(&sandbox, &resources, topology);
    let out = fence(&sandbox)
        .args(["v02-b", "--dry-run", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(
        all.contains("device kdump-v02-b is disabled (target-role=stopped, from group grp-fence)"),
        "{all}"
    );
    assert!(all.contains("ipmi-v02-b"), "{all}");
    let out = fence(&sandbox)
        .args(["v02-b", "--action", "off", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // only ipmi ran: the disabled device never did
    assert_eq!(
        std::fs::read_to_string(&record)
            .unwrap()
            .matches("--")
            .count(),
        1
    );
}

/// A vCenter cluster as admins describe it: VM names with spaces as plugs.
const VMWARE_INVENTORY: &str = r#"[cluster]
name = "web"
stack = "pacemaker"

[[node]]
name = "web01"
nodeid = 1

[[node]]
name = "web02"
nodeid = 2

[[device]]
id = "vmfence"
agent = "fence_vmware_soap"
params = { ip = "vcenter.example.com", username = "svc-fence@vsphere.local", password = "s3cret", ssl = 1, ssl_insecure = 1 }
host_map = { "web01" = "Web Server 01", "web02" = "web02.example.com" }
"#;

fn generate(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    sandbox.cmd().arg("generate").args(args).output().unwrap()
}

/// See issue 10: `--pacemaker-version` chooses the cluster option names
/// (3.0.2 renamed stonith-enabled fencing-enabled) and how pcmk_host_map
/// is written (3.0.2 dropped the '\' escapes, so a VM name with spaces
/// cannot be carried); the default is the installed Pacemaker (2.1 here).
/// 3.x output is checked against Pacemaker's sources, not by 2.1's
/// crm_verify.
#[test]
fn issue10_generate_writes_the_names_of_the_target_pacemaker() {
    let sandbox = Sandbox::new();
    let inventory = sandbox.file("web.toml", VMWARE_INVENTORY.as_bytes());
    let inv = inventory.to_str().unwrap();
    let out = generate(&sandbox, &["cib", "--full", inv]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    assert!(
        cib.contains(r#"name="stonith-enabled" value="true""#),
        "{cib}"
    );
    assert!(
        cib.contains(r#"value="web01:Web\ Server\ 01;web02:web02.example.com""#),
        "{cib}"
    );
    crate::generate::assert_crm_verify(&sandbox, &cib, "web.toml for 2.1");

    let out = generate(
        &sandbox,
        &["cib", "--full", "--pacemaker-version", "3.0.2", inv],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("device vmfence: host_map: the plug of web01 ('Web Server 01')")
            && stderr.contains("Pacemaker 3.0.2"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let plain = VMWARE_INVENTORY.replace("Web Server 01", "vm-web01:datastore=2");
    let inventory = sandbox.file("web2.toml", plain.as_bytes());
    let inv = inventory.to_str().unwrap();
    for (version, enabled, map) in [
        ("3.0.1", "stonith-enabled", r"web01:vm-web01\:datastore\=2;"),
        ("3.0.2", "fencing-enabled", "web01:vm-web01:datastore=2;"),
    ] {
        let out = generate(
            &sandbox,
            &["cib", "--full", "--pacemaker-version", version, inv],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let cib = text(&out.stdout);
        assert!(
            cib.contains(&format!(
                r#"id="cib-bootstrap-options-{enabled}" name="{enabled}" value="true""#
            )),
            "{version}: {cib}"
        );
        assert!(cib.contains(map), "{version}: {cib}");
    }
    let out = generate(&sandbox, &["cib", "--pacemaker-version", "3", inv]);
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
}

/// See issue 10: `convert cluster-conf-to-cib` takes --pacemaker-version too.
#[test]
fn issue10_convert_writes_the_names_of_the_target_pacemaker() {
    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "cluster.conf",
        br#"<?xml version="1.0"?>
<cluster name="rhel6" config_version="12">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes>
    <clusternode name="node1.example.com" nodeid="1">
      <fence><method name="ipmi"><device name="ipmi-node1"/></method></fence>
    </clusternode>
    <clusternode name="node2.example.com" nodeid="2">
      <fence><method name="ipmi"><device name="ipmi-node2"/></method></fence>
    </clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice agent="fence_ipmilan" name="ipmi-node1" ipaddr="10.0.0.101" login="root" passwd="calvin" lanplus="1"/>
    <fencedevice agent="fence_ipmilan" name="ipmi-node2" ipaddr="10.0.0.102" login="root" passwd="calvin" lanplus="1"/>
  </fencedevices>
  <rm/>
</cluster>
"#,
    );
    for (version, enabled) in [("2.1", "stonith-enabled"), ("3.0.2", "fencing-enabled")] {
        let out = sandbox
            .cmd()
            .args([
                "convert",
                "cluster-conf-to-cib",
                "--full",
                "--pacemaker-version",
                version,
            ])
            .arg(&conf)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        let cib = text(&out.stdout);
        assert!(
            cib.contains(&format!(r#"name="{enabled}""#)),
            "{version}: {cib}"
        );
    }
}

/// See issue 10: the fencer of this machine (Pacemaker 2.1) reads only
/// the stonith-* cluster options; a CIB prepared for Pacemaker 3.0.2
/// with fencing-enabled=false is flagged, and stonith-enabled=false says
/// the cluster itself never fences.
#[test]
fn issue10_fence_reads_the_cluster_options_as_the_installed_fencer() {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("record");
    let resources = pcs_primitive("fence-v02-b", &record, &[("pcmk_host_list", "v02-b")], &[]);
    let cib = crmsh_cib(&sandbox, &resources, "");
    let disabled = std::fs::read_to_string(&cib).unwrap().replace(
        r#"name="stonith-enabled" value="true""#,
        r#"name="stonith-enabled" value="false""#,
    );
    std::fs::write(&cib, disabled).unwrap();
    let out = fence(&sandbox)
        .args(["v02-b", "--dry-run", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("fencing switched off (stonith-enabled=false)"),
        "{}",
        text(&out.stderr)
    );
    let renamed = std::fs::read_to_string(&cib)
        .unwrap()
        .replace("stonith-enabled", "fencing-enabled");
    std::fs::write(&cib, renamed).unwrap();
    let out = fence(&sandbox)
        .args(["v02-b", "--dry-run", "--cib"])
        .arg(&cib)
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("fencing-enabled is a Pacemaker 3.0.2 name: Pacemaker 2.1"),
        "{stderr}"
    );
    assert!(!stderr.contains("switched off"), "{stderr}");
}
