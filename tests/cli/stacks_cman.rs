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

// ---- convert cluster-conf-to-cib

/// A RHEL 6 UCS cluster: one fabric interconnect for all blades, the
/// service profile per node as `port=`, `ssl` and `suborg` repeated on
/// every node's `<device>` as luci wrote them; old names on the device.
const UCS_CONF: &str = r#"<?xml version="1.0"?>
<cluster config_version="31" name="ucs-prod">
  <cman expected_votes="1" two_node="1"/>
  <clusternodes>
    <clusternode name="blade1.prod.example.com" nodeid="1">
      <fence>
        <method name="ucs">
          <device name="ucs-fi" port="blade1" ssl="on" suborg="/org-RHEL"/>
        </method>
      </fence>
    </clusternode>
    <clusternode name="blade2.prod.example.com" nodeid="2">
      <fence>
        <method name="ucs">
          <device name="ucs-fi" port="blade2" ssl="on" suborg="/org-RHEL"/>
        </method>
      </fence>
    </clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice agent="fence_cisco_ucs" ipaddr="10.1.1.10" login="fence" passwd="Cisco123" name="ucs-fi"/>
  </fencedevices>
  <rm/>
</cluster>
"#;

fn convert(sandbox: &Sandbox, file: &Path, extra: &[&str]) -> std::process::Output {
    sandbox
        .cmd()
        .env("FENCECTL_AGENT_PATH", "/usr/sbin")
        .args(["convert", "cluster-conf-to-cib"])
        .args(extra)
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn issue10_convert_carries_per_node_device_attributes() {
    let sandbox = Sandbox::new();
    // the same on every node: onto the one device
    let file = sandbox.file("cluster.conf", UCS_CONF.as_bytes());
    let out = convert(&sandbox, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    assert_eq!(cib.matches("<primitive ").count(), 1, "{cib}");
    assert!(cib.contains("name=\"ssl\" value=\"on\""), "{cib}");
    assert!(cib.contains("name=\"suborg\" value=\"/org-RHEL\""), "{cib}");
    assert!(
        cib.contains("name=\"pcmk_host_map\" value=\"blade1.prod.example.com:blade1;blade2.prod.example.com:blade2\""),
        "{cib}"
    );
    assert!(!text(&out.stderr).contains("cannot be carried"));

    // different per node: one primitive per node and device
    let split = UCS_CONF.replacen("suborg=\"/org-RHEL\"", "suborg=\"/org-DB\"", 1);
    let file = sandbox.file("split.conf", split.as_bytes());
    let out = convert(&sandbox, &file, &["--full"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    for (id, suborg, map) in [
        (
            "ucs-fi-blade1.prod.example.com",
            "/org-DB",
            "blade1.prod.example.com:blade1",
        ),
        (
            "ucs-fi-blade2.prod.example.com",
            "/org-RHEL",
            "blade2.prod.example.com:blade2",
        ),
    ] {
        let at = cib
            .find(&format!("<primitive id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {cib}"));
        let primitive = &cib[at..at + cib[at..].find("</primitive>").unwrap()];
        assert!(
            primitive.contains(&format!("name=\"suborg\" value=\"{suborg}\"")),
            "{primitive}"
        );
        assert!(
            primitive.contains("name=\"ssl\" value=\"on\""),
            "{primitive}"
        );
        assert!(
            primitive.contains(&format!("name=\"pcmk_host_map\" value=\"{map}\"")),
            "{primitive}"
        );
    }
    assert!(
        text(&out.stderr).contains("it becomes one primitive per node"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn issue10_convert_renames_old_names_without_metadata() {
    let sandbox = Sandbox::new();
    let file = sandbox.file("cluster.conf", UCS_CONF.as_bytes());
    let with = text(&convert(&sandbox, &file, &[]).stdout);
    let out = convert(&sandbox, &file, &["--no-metadata"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let without = text(&out.stdout);
    for new in [
        "name=\"ip\" value=\"10.1.1.10\"",
        "name=\"username\"",
        "name=\"password\"",
    ] {
        assert!(without.contains(new), "{new}: {without}");
    }
    assert!(!without.contains("name=\"ipaddr\""), "{without}");
    // the output does not depend on the agents' metadata
    assert_eq!(with, without);
}

#[test]
fn issue10_convert_gives_long_power_timeouts_a_pacemaker_timeout() {
    let sandbox = Sandbox::new();
    for extra in [&[][..], &["--no-metadata"][..]] {
        let out = convert(&sandbox, &example("proxmox-ovh-api.cluster.conf"), extra);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let cib = text(&out.stdout);
        // power_timeout=900 (+ login_timeout 5 + margin): not Pacemaker's 60 s
        assert!(
            cib.contains("name=\"pcmk_off_timeout\" value=\"915s\""),
            "{cib}"
        );
        assert!(
            cib.contains("name=\"pcmk_reboot_timeout\" value=\"915s\""),
            "{cib}"
        );
    }
    // the agents' own defaults need nothing
    let file = sandbox.file("cluster.conf", UCS_CONF.as_bytes());
    assert!(!text(&convert(&sandbox, &file, &[]).stdout).contains("pcmk_off_timeout"));
}

#[test]
fn issue10_convert_writes_the_draft_and_lists_errors() {
    let sandbox = Sandbox::new();
    let out = convert(
        &sandbox,
        &example("proxmox-ovh-notes.cluster.conf"),
        &["-o", sandbox.path().join("draft.xml").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("(the draft was written)"), "{stderr}");
    assert!(
        stderr.contains("<fencedevice name=\"fence02\"> (line 10): fence_ovh requires email"),
        "{stderr}"
    );
    let draft = std::fs::read_to_string(sandbox.path().join("draft.xml")).unwrap();
    assert_eq!(
        draft
            .matches("class=\"stonith\" type=\"fence_ovh\"")
            .count(),
        3
    );
}

#[test]
fn issue10_convert_a_fencedevice_without_agent_is_an_error_naming_it() {
    let sandbox = Sandbox::new();
    let conf = UCS_CONF.replace(
        "  </fencedevices>",
        "    <fencedevice name=\"old-apc\" ipaddr=\"10.1.1.20\" login=\"apc\" passwd=\"apc\"/>\n  </fencedevices>",
    );
    let file = sandbox.file("cluster.conf", conf.as_bytes());
    let out = convert(&sandbox, &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{} line 22: <fencedevice name=\"old-apc\"> has no agent=",
            file.display()
        )),
        "{stderr}"
    );
    // the rest is converted all the same
    assert!(text(&out.stdout).contains("type=\"fence_cisco_ucs\""));
}

/// RHEL 6.5's cman + Pacemaker layout: cman hands fencing to Pacemaker
/// through fence_pcmk; the real devices are already Pacemaker's.
#[test]
fn issue10_convert_drops_fence_pcmk_and_marks_unfence_devices() {
    let sandbox = Sandbox::new();
    let conf = r#"<?xml version="1.0"?>
<cluster config_version="9" name="pcmk-rhel65">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes>
    <clusternode name="rhel65-1" nodeid="1">
      <fence>
        <method name="pcmk-redirect">
          <device name="pcmk" port="rhel65-1"/>
        </method>
        <method name="ipmi">
          <device name="ipmi-1"/>
        </method>
      </fence>
      <unfence>
        <device name="ipmi-1" action="on"/>
        <device name="scsi"/>
      </unfence>
    </clusternode>
    <clusternode name="rhel65-2" nodeid="2">
      <fence>
        <method name="pcmk-redirect">
          <device name="pcmk" port="rhel65-2"/>
        </method>
        <method name="scsi">
          <device name="scsi"/>
        </method>
      </fence>
      <unfence>
        <device name="scsi"/>
      </unfence>
    </clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice name="pcmk" agent="fence_pcmk"/>
    <fencedevice name="ipmi-1" agent="fence_ipmilan" ipaddr="10.0.0.101" login="admin" passwd="secret" lanplus="1"/>
    <fencedevice name="scsi" agent="fence_scsi" devices="/dev/disk/by-id/wwn-0x600a0b80005ad5ff"/>
  </fencedevices>
</cluster>
"#;
    let file = sandbox.file("cluster.conf", conf.as_bytes());
    let out = convert(&sandbox, &file, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    assert!(!cib.contains("fence_pcmk"), "{cib}");
    // with the redirect gone each node has one method left: no levels
    assert!(!cib.contains("fencing-level"), "{cib}");
    assert!(
        text(&out.stderr).contains("<fencedevice name=\"pcmk\"> (line 34) is fence_pcmk"),
        "{}",
        text(&out.stderr)
    );
    let primitive = |id: &str| {
        let at = cib
            .find(&format!("<primitive id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {cib}"));
        cib[at..at + cib[at..].find("</primitive>").unwrap()].to_string()
    };
    // fence_ipmilan's "on" is not automatic: Pacemaker must be told
    let ipmi = primitive("ipmi-1");
    let meta = &ipmi[ipmi.find("<meta_attributes").expect("meta_attributes")..];
    assert!(
        meta.contains("name=\"provides\" value=\"unfencing\""),
        "{ipmi}"
    );
    // fence_scsi's is: Pacemaker unfences by itself
    assert!(!primitive("scsi").contains("provides"), "{cib}");
}

#[test]
fn issue10_convert_warnings_speak_cluster_conf() {
    let sandbox = Sandbox::new();
    let conf = UCS_CONF.replace(
        "      <fence>\n        <method name=\"ucs\">\n          <device name=\"ucs-fi\" port=\"blade2\" ssl=\"on\" suborg=\"/org-RHEL\"/>\n        </method>\n      </fence>\n",
        "",
    );
    assert_ne!(conf, UCS_CONF);
    let file = sandbox.file("cluster.conf", conf.as_bytes());
    let out = convert(&sandbox, &file, &[]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("node blade2.prod.example.com has no <fence> method in cluster.conf: add a <method> with a <device name=...>"),
        "{stderr}"
    );
    assert!(!stderr.contains("hosts = ["), "{stderr}");
}

// ---- validate --config

/// An agent directory as a cman node had it: the Debian agents, and
/// fencectl's built-in fence_ovh_api installed as a link.
fn cman_agent_dir(sandbox: &Sandbox) -> PathBuf {
    let dir = sandbox.path().join("sbin");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(crate::support::SYSTEM_AGENTS)
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("fence_")
            && !name.starts_with("fence_fctest_")
            && name != "fence_ovh_api"
        {
            std::os::unix::fs::symlink(entry.path(), dir.join(&name)).unwrap();
        }
    }
    let out = sandbox
        .cmd()
        .args(["install-agent", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

fn validate_config(sandbox: &Sandbox, agents: &Path, file: &Path) -> std::process::Output {
    sandbox
        .cmd()
        .args(["validate", "--agent-dir"])
        .arg(agents)
        .arg("--config")
        .arg(file)
        .output()
        .unwrap()
}

/// Every example passes (the notes' fence_ovh once given the email that
/// Debian's fence_ovh requires), as ccs_config_validate would pass it.
#[test]
fn issue10_validate_config_accepts_the_examples() {
    let sandbox = Sandbox::new();
    let agents = cman_agent_dir(&sandbox);
    let mut confs: Vec<PathBuf> = std::fs::read_dir(example(""))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".cluster.conf"))
        .collect();
    confs.sort();
    assert!(confs.len() >= 2);
    for conf in confs {
        let text_conf = std::fs::read_to_string(&conf).unwrap();
        let file = if text_conf.contains("agent=\"fence_ovh\"") {
            let out = validate_config(&sandbox, &agents, &conf);
            assert_eq!(out.status.code(), Some(1));
            let stdout = text(&out.stdout);
            assert_eq!(stdout.matches("requires email").count(), 3, "{stdout}");
            assert!(
                stdout.contains("NOT valid (3 error(s), 0 warning(s))"),
                "{stdout}"
            );
            sandbox.file(
                "with-email.cluster.conf",
                text_conf
                    .replace(
                        "power_wait=\"5\"/>",
                        "power_wait=\"5\" email=\"admin@example.org\"/>",
                    )
                    .as_bytes(),
            )
        } else {
            conf.clone()
        };
        let out = validate_config(&sandbox, &agents, &file);
        assert!(
            out.status.success(),
            "{}: {}{}",
            conf.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(": valid (0 error(s)"),
            "{}",
            text(&out.stdout)
        );
    }
}

/// A RHEL 5 cluster.conf grown over the years: a typo'd attribute, a
/// device renamed in <fencedevices> but not in a node, a second
/// <fencedevice> of one name, an agent that is gone, and a password
/// that is never shown.
#[test]
fn issue10_validate_config_finds_schema_and_fencing_problems() {
    let sandbox = Sandbox::new();
    let agents = sandbox.path().join("few");
    std::fs::create_dir_all(&agents).unwrap();
    for name in ["fence_apc", "fence_ipmilan"] {
        std::os::unix::fs::symlink(Path::new("/usr/sbin").join(name), agents.join(name)).unwrap();
    }
    let conf = sandbox.file(
        "cluster.conf",
        br#"<?xml version="1.0"?>
<cluster alias="rhel5-db" config_version="57" name="rhel5-db">
	<fence_daemon clean_start="0" post_fail_delay="0" post_join_delay="3"/>
	<clusternodes>
		<clusternode name="db1.example.com" nodeid="1" votes="1">
			<fence>
				<method name="1">
					<device name="apc-a" port="1" switch="1"/>
				</method>
				<method name="2">
					<device name="ilo-db1"/>
				</method>
			</fence>
		</clusternode>
		<clusternode name="db2.example.com" nodeid="2" votes="1">
			<fence>
				<method name="1">
					<device name="apc-b" port="2" swich="1"/>
				</method>
			</fence>
		</clusternode>
	</clusternodes>
	<cman expected_votes="1" two_node="1"/>
	<fencedevices>
		<fencedevice agent="fence_apc" ipaddr="10.0.0.20" login="apc" name="apc-a" passwd="Sup3rS3cret"/>
		<fencedevice agent="fence_apc" ipaddr="10.0.0.21" login="apc" name="apc-a" passwd="Sup3rS3cret"/>
		<fencedevice agent="fence_ilo" hostname="db1-ilo" login="Administrator" name="ilo-db1" passwd="Sup3rS3cret"/>
	</fencedevices>
	<rm/>
</cluster>
"#,
    );
    let out = validate_config(&sandbox, &agents, &conf);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for expected in [
        // cman's schema (xmllint): no agent has "swich"
        "line 18: element device",
        // fencectl's own checks
        "line 18: node db2.example.com names <device name=\"apc-b\">, but no <fencedevice> has that name",
        "line 26: a second <fencedevice name=\"apc-a\">",
        "line 27: agent fence_ilo: no agent called 'fence_ilo'",
        "NOT valid",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    assert!(!stdout.contains("Sup3rS3cret"), "{stdout}");
    assert!(
        !stdout.contains("is a deprecated name"),
        "cman reads old names: {stdout}"
    );

    // JSON: the same findings, with lines
    let out = sandbox
        .cmd()
        .args(["--format", "json", "validate", "--agent-dir"])
        .arg(&agents)
        .arg("--config")
        .arg(&conf)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "unknown-device" && f["line"] == 18));
}

#[test]
fn issue10_validate_config_limits_and_missing_xmllint() {
    let sandbox = Sandbox::new();
    let agents = sandbox.path().join("few");
    std::fs::create_dir_all(&agents).unwrap();
    std::os::unix::fs::symlink("/usr/sbin/fence_ipmilan", agents.join("fence_ipmilan")).unwrap();
    // nine methods: fence_node reads eight
    let methods: String = (1..=9)
        .map(|i| format!("<method name=\"{i}\"><device name=\"ipmi\"/></method>"))
        .collect();
    let conf = sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<clusternodes>\n\
             <clusternode name=\"n1\" nodeid=\"1\"><fence>{methods}</fence></clusternode>\n</clusternodes>\n\
             <fencedevices>\n<fencedevice name=\"ipmi\" agent=\"fence_ipmilan\" ipaddr=\"10.0.0.1\" login=\"u\" passwd=\"p\"/>\n</fencedevices>\n</cluster>\n"
        )
        .as_bytes(),
    );
    let out = validate_config(&sandbox, &agents, &conf);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("node n1 has 9 <method>s; fence_node reads only the first 8"),
        "{}",
        text(&out.stdout)
    );
    let out = sandbox
        .cmd()
        .env("PATH", sandbox.path().join("empty"))
        .args(["validate", "--agent-dir"])
        .arg(&agents)
        .arg("--config")
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("xmllint is not installed")
            && text(&out.stderr).contains("libxml2-utils"),
        "{}",
        text(&out.stderr)
    );
}
