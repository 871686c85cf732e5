//! `fencectl generate` and `convert`: every output is checked by the real
//! tools (xmllint with cman's schema built from the installed agents,
//! crm_verify, and cibadmin in a real cluster).

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use crate::support::{text, Sandbox};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

const EXAMPLES: &[&str] = &[
    "pacemaker-dual-layer.toml",
    "proxmox-ovh.toml",
    "fabric-scsi.toml",
];

fn generate(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    sandbox
        .cmd()
        .args(["generate"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = generate(sandbox, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// cman's cluster.rng, built once from the installed agents.
fn cluster_rng() -> &'static Path {
    static RNG: OnceLock<PathBuf> = OnceLock::new();
    RNG.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("fencectl-cluster-rng-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rng = dir.join("cluster.rng");
        let builder =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cman/build-cluster-rng");
        let out = StdCommand::new(&builder)
            .arg(&rng)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", builder.display()));
        assert!(
            out.status.success(),
            "build-cluster-rng: {}",
            text(&out.stderr)
        );
        rng
    })
}

fn assert_cluster_conf_valid(sandbox: &Sandbox, conf: &str, what: &str) {
    let file = sandbox.file("check.cluster.conf", conf.as_bytes());
    let out = StdCommand::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(cluster_rng())
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{what}: xmllint rejects the cluster.conf: {}\n{conf}",
        text(&out.stderr)
    );
}

/// crm_verify needs quorum, a DC and node states to say 0 about a file.
pub(crate) fn assert_crm_verify(sandbox: &Sandbox, cib: &str, what: &str) {
    let mut doc = cib.replacen("<cib ", "<cib have-quorum=\"1\" dc-uuid=\"1\" ", 1);
    let nodes: Vec<(String, String)> = doc
        .match_indices("<node id=\"")
        .map(|(at, _)| {
            let rest = &doc[at + 10..];
            let id = rest[..rest.find('"').unwrap()].to_string();
            let uname_at = rest.find("uname=\"").unwrap() + 7;
            let uname = rest[uname_at..uname_at + rest[uname_at..].find('"').unwrap()].to_string();
            (id, uname)
        })
        .collect();
    let states: String = nodes
        .iter()
        .map(|(id, uname)| format!("<node_state id=\"{id}\" uname=\"{uname}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"))
        .collect();
    doc = doc.replace("<status/>", &format!("<status>{states}</status>"));
    let file = sandbox.file("verify.xml", doc.as_bytes());
    let out = StdCommand::new("crm_verify")
        .arg("--xml-file")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: crm_verify: {}{}\n{doc}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn every_example_generates_both_formats_that_the_real_tools_accept() {
    let sandbox = Sandbox::new();
    for name in EXAMPLES {
        let path = example(name);
        let path = path.to_str().unwrap();
        let conf = stdout_of(&sandbox, &["cluster-conf", path]);
        assert_cluster_conf_valid(&sandbox, &conf, name);
        let cib = stdout_of(&sandbox, &["cib", "--full", path]);
        assert_crm_verify(&sandbox, &cib, name);
        let installed = text(
            &StdCommand::new("cibadmin")
                .arg("--empty")
                .output()
                .unwrap()
                .stdout,
        );
        let feature_set = installed
            .split("crm_feature_set=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            cib.contains(&format!("crm_feature_set=\"{feature_set}\"")),
            "{name}: header must suit the installed Pacemaker"
        );
        // the same input gives the same bytes
        assert_eq!(stdout_of(&sandbox, &["cib", "--full", path]), cib, "{name}");
        assert_eq!(stdout_of(&sandbox, &["cluster-conf", path]), conf, "{name}");
    }
}

#[test]
fn dual_power_supplies_become_off_off_on_on_in_cluster_conf() {
    let sandbox = Sandbox::new();
    let conf = stdout_of(
        &sandbox,
        &[
            "cluster-conf",
            example("pacemaker-dual-layer.toml").to_str().unwrap(),
        ],
    );
    let method2 = conf
        .split("<method name=\"2\">")
        .nth(1)
        .unwrap()
        .split("</method>")
        .next()
        .unwrap();
    let devices: Vec<&str> = method2
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        devices,
        [
            "<device name=\"pdu-1\" plug=\"1\" action=\"off\"/>",
            "<device name=\"pdu-2\" plug=\"1\" action=\"off\"/>",
            "<device name=\"pdu-1\" plug=\"1\" action=\"on\"/>",
            "<device name=\"pdu-2\" plug=\"1\" action=\"on\"/>",
        ]
    );
    let cib = stdout_of(
        &sandbox,
        &[
            "cib",
            "--part",
            "topology",
            example("pacemaker-dual-layer.toml").to_str().unwrap(),
        ],
    );
    assert!(cib.contains("<fencing-level id=\"fl-pcmk-1-2\" index=\"2\" target=\"pcmk-1\" devices=\"pdu-1,pdu-2\"/>"), "{cib}");
}

#[test]
fn fabric_agents_get_unfence_sections() {
    let sandbox = Sandbox::new();
    let conf = stdout_of(
        &sandbox,
        &[
            "cluster-conf",
            example("fabric-scsi.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(conf.matches("<unfence>").count(), 3, "{conf}");
    assert!(conf.contains("<device name=\"scsi-shared\" action=\"on\"/>"));
    let cib = stdout_of(
        &sandbox,
        &[
            "cib",
            "--part",
            "topology",
            example("fabric-scsi.toml").to_str().unwrap(),
        ],
    );
    assert!(
        cib.contains("target-attribute=\"rack\" target-value=\"r1\""),
        "{cib}"
    );
    assert!(cib.contains("target-pattern=\"^node3$\""), "{cib}");
}

#[test]
fn the_guides_single_device_example() {
    let sandbox = Sandbox::new();
    let out = stdout_of(
        &sandbox,
        &[
            "cib",
            "--agent",
            "fence_ipmilan",
            "--id",
            "Fencing-pcmk-1",
            "ip=192.0.2.1",
            "username=testuser",
            "password=abc123",
            "lanplus=1",
            "--host-list",
            "pcmk-1",
            "--monitor",
            "10m",
            "--part",
            "resources",
        ],
    );
    assert_eq!(
        out,
        r#"<resources>
  <primitive id="Fencing-pcmk-1" class="stonith" type="fence_ipmilan">
    <instance_attributes id="Fencing-pcmk-1-instance_attributes">
      <nvpair id="Fencing-pcmk-1-instance_attributes-ip" name="ip" value="192.0.2.1"/>
      <nvpair id="Fencing-pcmk-1-instance_attributes-username" name="username" value="testuser"/>
      <nvpair id="Fencing-pcmk-1-instance_attributes-password" name="password" value="abc123"/>
      <nvpair id="Fencing-pcmk-1-instance_attributes-lanplus" name="lanplus" value="1"/>
      <nvpair id="Fencing-pcmk-1-instance_attributes-pcmk_host_list" name="pcmk_host_list" value="pcmk-1"/>
    </instance_attributes>
    <operations>
      <op id="Fencing-pcmk-1-monitor-interval-10m" name="monitor" interval="10m"/>
    </operations>
  </primitive>
</resources>
"#
    );
}

fn inventory(sandbox: &Sandbox, body: &str) -> String {
    let text = format!(
        "[cluster]\nname = \"c\"\n\n[[node]]\nname = \"n1\"\n\n[[node]]\nname = \"n2\"\n\n{body}"
    );
    sandbox
        .file("inventory.toml", text.as_bytes())
        .to_str()
        .unwrap()
        .to_string()
}

const IPMI: &str = "[[device]]\nid = \"ipmi1\"\nagent = \"fence_ipmilan\"\nparams = { ip = \"192.0.2.1\" }\nhosts = [\"n1\", \"n2\"]\n";

#[test]
fn checks_the_real_tools_miss() {
    let sandbox = Sandbox::new();
    let cases: &[(&str, &str)] = &[
        ("[[device]]\nid = \"x\"\nagent = \"fence_nonexistent\"\nhosts = [\"n1\", \"n2\"]\n", "no agent called 'fence_nonexistent'"),
        (&format!("{IPMI}[[fencing]]\ntarget = \"n1\"\nlevels = [[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"],[\"ipmi1\"]]\n"), "levels 1 to 9 only"),
        (&format!("{IPMI}[[fencing]]\ntarget = \"n1\"\nlevels = [[\"ipmi2\"]]\n"), "names device 'ipmi2', which no [[device]] defines; did you mean 'ipmi1'?"),
        (&format!("{IPMI}[[fencing]]\ntarget = \"n1\"\nlevels = [[\"ipmi1\"]]\n[[fencing]]\ntarget = \"n1\"\nlevels = [[\"ipmi1\"]]\n"), "two [[fencing]] entries"),
        ("[[device]]\nid = \"p\"\nagent = \"fence_apc_snmp\"\nparams = { ip = \"x\", pcmk_host_map = \"n1:1;n2\" }\n", "pcmk_host_map: entry 'n2' has no ':'"),
        ("[[device]]\nid = \"p\"\nagent = \"fence_apc_snmp\"\nparams = { ip = \"x\", pcmk_host_check = \"static\" }\nhosts = [\"n1\", \"n2\"]\n", "pcmk_host_check=static is not one of"),
        ("[[device]]\nid = \"1bad\"\nagent = \"fence_ipmilan\"\nparams = { ip = \"x\" }\nhosts = [\"n1\", \"n2\"]\n", "'1bad' cannot be an id"),
        ("[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\nparams = { ip = \"x\", lanplsu = 1 }\nhosts = [\"n1\", \"n2\"]\n", "did you mean 'lanplus'?"),
        ("[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\nparams = { ip = \"x\" }\n[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\n", "device id 'i' is used twice"),
        ("[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\nparms = { ip = \"x\" }\n", "unknown field `parms`"),
        ("[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\npassword_env = \"FENCECTL_TEST_UNSET_VARIABLE\"\n", "FENCECTL_TEST_UNSET_VARIABLE, which is not set"),
    ];
    for (body, expected) in cases {
        let path = inventory(&sandbox, body);
        for format in ["cib", "cluster-conf"] {
            let out = generate(&sandbox, &[format, &path]);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{format} {body}: {}",
                text(&out.stderr)
            );
            assert!(
                text(&out.stderr).contains(expected),
                "{format}: expected {expected:?} in:\n{}",
                text(&out.stderr)
            );
            assert!(out.stdout.is_empty(), "nothing is printed on an error");
        }
    }
}

#[test]
fn warnings_do_not_stop_generation() {
    let sandbox = Sandbox::new();
    let path = inventory(&sandbox, "[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\nparams = { ip = \"x\" }\nhosts = [\"n1\"]\n");
    let out = generate(&sandbox, &["cib", &path]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("no device can fence node n2"),
        "{}",
        text(&out.stderr)
    );
    let out = generate(
        &sandbox,
        &[
            "cib",
            "--no-metadata",
            &inventory(
                &sandbox,
                "[[device]]\nid = \"x\"\nagent = \"fence_madeup\"\nhosts = [\"n1\", \"n2\"]\n",
            ),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--no-metadata"));
}

#[test]
fn deprecated_names_are_written_new_and_secrets_come_from_files_and_env() {
    let sandbox = Sandbox::new();
    let secret = sandbox.file("ipmi.pw", b"s3cret\n");
    let path = inventory(
        &sandbox,
        &format!(
            "[[device]]\nid = \"i\"\nagent = \"fence_ipmilan\"\nparams = {{ ipaddr = \"192.0.2.1\", login = \"admin\", lanplus = false }}\npassword_file = \"{}\"\nhosts = [\"n1\", \"n2\"]\n\n[[device]]\nid = \"j\"\nagent = \"fence_ipmilan\"\nparams = {{ ip = \"192.0.2.2\" }}\npassword_env = \"FENCECTL_TEST_PW\"\nhosts = [\"n1\"]\n",
            secret.display()
        ),
    );
    let out = sandbox
        .cmd()
        .env("FENCECTL_TEST_PW", "fromenv")
        .args(["generate", "cluster-conf", &path])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let conf = text(&out.stdout);
    assert!(conf.contains("<fencedevice name=\"i\" agent=\"fence_ipmilan\" ip=\"192.0.2.1\" username=\"admin\" password=\"s3cret\"/>"), "{conf}");
    assert!(conf.contains("password=\"fromenv\""));
    assert!(!conf.contains("lanplus"), "a false boolean is left out");
    assert!(text(&out.stderr).contains("ipaddr is deprecated: written as ip"));
}

#[test]
fn output_files_are_private_atomic_and_never_silently_replaced() {
    let sandbox = Sandbox::new();
    let target = sandbox.path().join("stonith.xml");
    let path = example("pacemaker-dual-layer.toml");
    let path = path.to_str().unwrap();
    sandbox
        .cmd()
        .args(["generate", "cib", path, "-o"])
        .arg(&target)
        .assert()
        .success()
        .stdout("");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "generated files hold secrets");
    std::fs::write(&target, "mine").unwrap();
    let out = sandbox
        .cmd()
        .args(["generate", "cib", path, "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "mine",
        "nothing the user had is lost"
    );
    sandbox
        .cmd()
        .args(["generate", "cib", path, "--force", "-o"])
        .arg(&target)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&target)
        .unwrap()
        .starts_with("<configuration>"));
}

#[test]
fn update_merges_fencing_and_keeps_everything_else() {
    let sandbox = Sandbox::new();
    let original = std::fs::read_to_string(example("proxmox-ovh-notes.cluster.conf")).unwrap();
    let file = sandbox.file("cluster.conf", original.as_bytes());
    let out = generate(
        &sandbox,
        &[
            "cluster-conf",
            example("proxmox-ovh.toml").to_str().unwrap(),
            "--update",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let updated = std::fs::read_to_string(&file).unwrap();
    assert!(updated.contains("config_version=\"46\""), "{updated}");
    for kept in [
        "<cman keyfile=\"/var/lib/pve-cluster/corosync.authkey\" transport=\"udpu\"/>",
        "  <rm>\n    <pvevm autostart=\"1\" vmid=\"100\"/>\n    <pvevm autostart=\"1\" vmid=\"101\"/>\n  </rm>",
        "<!-- The three-node Proxmox VE 3 cluster",
    ] {
        assert!(updated.contains(kept), "lost {kept:?}:\n{updated}");
    }
    assert!(
        updated.contains("username=\"ab12345-ovh\" password=\"TOPSECRET\""),
        "new names written: {updated}"
    );
    assert!(!updated.contains("login="));
    assert_eq!(
        updated
            .matches("<device name=\"fence01\" action=\"off\"/>")
            .count(),
        1,
        "{updated}"
    );
    assert_cluster_conf_valid(&sandbox, &updated, "updated");
    // a node missing from the inventory is an error, and the file is untouched
    let before = std::fs::read_to_string(&file).unwrap();
    let partial = sandbox.file(
        "partial.toml",
        b"[cluster]\nname = \"x\"\n[[node]]\nname = \"ns567890.ip-123-22-44.eu\"\n",
    );
    let out = generate(
        &sandbox,
        &[
            "cluster-conf",
            partial.to_str().unwrap(),
            "--update",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("ns567891.ip-123-22-45.eu is in the cluster.conf but not in the inventory"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn cluster_conf_converts_to_a_cib_that_crm_verify_accepts() {
    let sandbox = Sandbox::new();
    // the notes' file lacks the email that Debian's fence_ovh requires
    let out = sandbox
        .cmd()
        .args(["convert", "cluster-conf-to-cib", "--full"])
        .arg(example("proxmox-ovh-notes.cluster.conf"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("<fencedevice name=\"fence01\"> (line 8): fence_ovh requires email"),
        "{}",
        text(&out.stderr)
    );
    let with_email = std::fs::read_to_string(example("proxmox-ovh-notes.cluster.conf"))
        .unwrap()
        .replace(
            "power_wait=\"5\"/>",
            "power_wait=\"5\" email=\"admin@example.org\"/>",
        );
    let file = sandbox.file("notes.conf", with_email.as_bytes());
    let out = sandbox
        .cmd()
        .args(["convert", "cluster-conf-to-cib", "--full"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    assert_crm_verify(&sandbox, &cib, "converted");
    assert!(
        cib.contains("name=\"pcmk_reboot_action\" value=\"off\""),
        "{cib}"
    );
    assert!(
        cib.contains("name=\"pcmk_host_list\" value=\"ns567890.ip-123-22-44.eu\""),
        "{cib}"
    );
    assert!(
        cib.contains("name=\"username\" value=\"ab12345-ovh\""),
        "new names: {cib}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("action=\"off\"> becomes pcmk_reboot_action=off"),
        "{stderr}"
    );

    // a dual power supply method becomes one level of both devices
    let conf = stdout_of(
        &sandbox,
        &[
            "cluster-conf",
            example("pacemaker-dual-layer.toml").to_str().unwrap(),
        ],
    );
    let file = sandbox.file("dual.conf", conf.as_bytes());
    let out = sandbox
        .cmd()
        .args(["convert", "cluster-conf-to-cib", "--full"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let cib = text(&out.stdout);
    assert!(
        cib.contains("index=\"2\" target=\"pcmk-1\" devices=\"pdu-1,pdu-2\""),
        "{cib}"
    );
    assert!(
        cib.contains("name=\"pcmk_host_map\" value=\"pcmk-1:1;pcmk-2:2\""),
        "{cib}"
    );
    assert_crm_verify(&sandbox, &cib, "converted dual layer");
    assert!(text(&out.stderr).contains("switches 2 devices off then on"));
}

/// The generated pieces load into a real cluster with the README's
/// cibadmin commands, and pacemaker-fenced registers the devices.
#[test]
fn generated_cib_loads_into_a_real_cluster() {
    let sandbox = Sandbox::new();
    let path = example("pacemaker-dual-layer.toml");
    let path = path.to_str().unwrap();
    let resources = sandbox.file(
        "resources.xml",
        stdout_of(&sandbox, &["cib", "--part", "resources", path]).as_bytes(),
    );
    let topology = sandbox.file(
        "topology.xml",
        stdout_of(&sandbox, &["cib", "--part", "topology", path]).as_bytes(),
    );
    let all = sandbox.file("all.xml", stdout_of(&sandbox, &["cib", path]).as_bytes());
    let cluster = crate::cluster::Cluster::start();
    cluster.run_ok(
        "cibadmin",
        &[
            "--create",
            "--scope",
            "resources",
            "--xml-file",
            resources.to_str().unwrap(),
        ],
    );
    cluster.run_ok(
        "cibadmin",
        &[
            "--create",
            "--scope",
            "configuration",
            "--xml-file",
            topology.to_str().unwrap(),
        ],
    );
    let levels = cluster.run_ok("cibadmin", &["--query", "--scope", "fencing-topology"]);
    assert_eq!(levels.matches("<fencing-level").count(), 4, "{levels}");
    cluster.run_ok(
        "crm_attribute",
        &[
            "--type",
            "crm_config",
            "--name",
            "stonith-enabled",
            "--update",
            "true",
        ],
    );
    cluster.wait_for_device("pdu-1");
    // the whole <configuration> merges in one step too (idempotent on a loaded cluster)
    cluster.run_ok(
        "cibadmin",
        &[
            "--modify",
            "--scope",
            "configuration",
            "--xml-file",
            all.to_str().unwrap(),
        ],
    );
    let verify = cluster.run("crm_verify", &["--live-check"]);
    assert!(
        verify.status.success(),
        "{}{}",
        text(&verify.stdout),
        text(&verify.stderr)
    );
}
