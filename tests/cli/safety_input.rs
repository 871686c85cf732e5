//! Issue 9: what reaches an agent's stdin, the terminal and generated XML
//! from configurations is checked at the edges: no argument injection, no
//! agent run from a path, no raw control characters, no secret in a parse
//! error, linear-time XML.

use std::path::{Path, PathBuf};

use crate::support::{text, Sandbox};

const AGENT: &str = "fence_fctest_spy";

/// Metadata of the spy agent: a power agent with the usual parameters.
const SPY_METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_fctest_spy" shortdesc="records its stdin">
<longdesc>Writes its stdin to a file.</longdesc>
<vendor-url>https://example.org</vendor-url>
<parameters>
  <parameter name="action" unique="0" required="1"><getopt mixed="-o, --action=[action]"/><content type="string" default="reboot"/><shortdesc lang="en">Fencing action</shortdesc></parameter>
  <parameter name="ip" unique="0" required="0"><getopt mixed="-a, --ip=[ip]"/><content type="string"/><shortdesc lang="en">IP address</shortdesc></parameter>
  <parameter name="password" unique="0" required="0"><getopt mixed="-p, --password=[password]"/><content type="string"/><shortdesc lang="en">Login password</shortdesc></parameter>
  <parameter name="plug" unique="0" required="0"><getopt mixed="-n, --plug=[id]"/><content type="string"/><shortdesc lang="en">Plug</shortdesc></parameter>
  <parameter name="nodename" unique="0" required="0"><getopt mixed="--nodename=[name]"/><content type="string"/><shortdesc lang="en">Node</shortdesc></parameter>
</parameters>
<actions><action name="on"/><action name="off"/><action name="reboot"/><action name="status"/><action name="list"/><action name="monitor"/><action name="metadata"/><action name="validate-all"/></actions>
</resource-agent>
"#;

/// A sandbox with the spy agent: it prints its metadata, and otherwise
/// writes its stdin to `spy.stdin` and runs `extra` (a shell snippet).
fn spy_sandbox(extra: &str) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new();
    let record = sandbox.path().join("spy.stdin");
    let metadata = sandbox.file("spy.xml", SPY_METADATA.as_bytes());
    sandbox.agent(
        AGENT,
        &format!(
            "for a in \"$@\"; do [ \"$a\" = metadata ] && exec cat '{}'; done\ncat > '{}'\n{extra}\nexit 0",
            metadata.display(),
            record.display()
        ),
    );
    (sandbox, record)
}

fn fence(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
        .env("FENCECTL_LOG_FILE", sandbox.path().join("fence.log"))
        .env("FENCECTL_LOCK_DIR", sandbox.path().join("locks"))
        .arg("fence");
    cmd
}

fn cluster_conf(sandbox: &Sandbox, device_attrs: &str, node_device_attrs: &str) -> PathBuf {
    sandbox.file(
        "cluster.conf",
        format!(
            "<?xml version=\"1.0\"?>\n<cluster name=\"c\" config_version=\"1\">\n<fencedevices>\n\
             <fencedevice name=\"ipmi1\" agent=\"{AGENT}\" {device_attrs}/>\n</fencedevices>\n\
             <clusternodes>\n<clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\">\
             <device name=\"ipmi1\" action=\"off\" {node_device_attrs}/></method></fence></clusternode>\n\
             </clusternodes>\n</cluster>\n"
        )
        .as_bytes(),
    )
}

fn cib(sandbox: &Sandbox, agent: &str, nvpairs: &[(&str, &str)]) -> PathBuf {
    let pairs: String = nvpairs
        .iter()
        .map(|(k, v)| format!(r#"<nvpair id="dev-{k}" name="{k}" value="{v}"/>"#))
        .collect();
    sandbox.file(
        "cib.xml",
        format!(
            r#"<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="node1"/></nodes>
    <resources><primitive id="dev" class="stonith" type="{agent}"><instance_attributes id="dev-ia">{pairs}</instance_attributes></primitive></resources>
    <constraints/>
  </configuration>
  <status/>
</cib>"#
        )
        .as_bytes(),
    )
}

fn stderr_of(out: &std::process::Output) -> String {
    text(&out.stderr)
}

// ---- item 1: no argument injection ----

/// See issue 9: `ip="10.0.0.1&#10;action=on"` sent `action=on` as the last
/// stdin line of an `off` method, and fencectl printed success.
#[test]
fn issue9_cluster_conf_line_break_is_refused_before_any_agent_runs() {
    let (sandbox, record) = spy_sandbox("");
    let conf = cluster_conf(&sandbox, r#"ip="10.0.0.1&#10;action=on""#, "");
    let out = fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(r#"<fencedevice name="ipmi1"> attribute ip holds a line break"#),
        "{stderr}"
    );
    assert!(stderr.contains("cluster.conf line 4: "), "{stderr}");
    assert!(!text(&out.stdout).contains("success"));
    assert!(!record.exists(), "the agent ran");
    // The per-node <device> attributes are checked as well.
    let conf = cluster_conf(&sandbox, "", r#"plug="1&#13;action=on""#);
    let out = fence(&sandbox)
        .args(["node1", "--dry-run", "--config"])
        .arg(&conf)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            r#"<device name="ipmi1"> of node node1 attribute plug holds a carriage return"#
        ),
        "{stderr}"
    );
}

/// A literal line break inside an attribute is a space to every XML
/// parser (cman's libxml2 too), not a new stdin line.
#[test]
fn issue9_literal_line_break_in_an_attribute_is_a_space() {
    let (sandbox, record) = spy_sandbox("");
    let conf = cluster_conf(&sandbox, "ip=\"10.0.0.1\naction=on\"", "");
    fence(&sandbox)
        .args(["node1", "--config"])
        .arg(&conf)
        .assert()
        .success();
    let stdin = std::fs::read_to_string(&record).unwrap();
    assert!(stdin.contains("ip=10.0.0.1 action=on\n"), "{stdin}");
    assert!(!stdin.lines().any(|l| l == "action=on"), "{stdin}");
}

/// See issue 9: `fence $'node1\naction=on'` against a device with
/// pcmk_host_check=none sent the node name, and its second line, to the agent.
#[test]
fn issue9_node_name_with_a_line_break_is_refused() {
    let (sandbox, record) = spy_sandbox("");
    let file = cib(&sandbox, AGENT, &[("pcmk_host_check", "none")]);
    let out = fence(&sandbox)
        .args(["node1\naction=on", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(r"the node name 'node1\naction=on' holds a line break"),
        "{stderr}"
    );
    assert!(!record.exists(), "the agent ran");
}

#[test]
fn issue9_cib_nvpair_with_a_carriage_return_is_refused() {
    let (sandbox, record) = spy_sandbox("");
    let file = cib(
        &sandbox,
        AGENT,
        &[
            ("pcmk_host_list", "node1"),
            ("ip", "10.0.0.1&#13;action=on"),
        ],
    );
    let out = fence(&sandbox)
        .args(["node1", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(r#"<primitive id="dev"> nvpair ip holds a carriage return"#),
        "{stderr}"
    );
    assert!(!record.exists(), "the agent ran");
    // A dynamic-list device is asked before the plan is made: also refused.
    let file = cib(&sandbox, AGENT, &[("ip", "10.0.0.1&#10;action=on")]);
    let out = fence(&sandbox)
        .args(["node1", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("nvpair ip holds a line break"));
    assert!(!record.exists(), "the agent ran for its list");
}

fn validate(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.env("FENCECTL_AGENT_PATH", sandbox.agents_dir())
        .args(["validate", "-a", AGENT]);
    cmd
}

#[test]
fn issue9_validate_refuses_a_value_with_a_line_break() {
    let (sandbox, record) = spy_sandbox("");
    for (param, said) in [
        ("ip=a\nb", "the value of ip holds a line break"),
        (
            "ip=a\u{1b}[2Jb",
            "the value of ip holds an escape character",
        ),
        ("i p=1", "parameter i p has a space in its name"),
    ] {
        let out = validate(&sandbox).arg(param).output().unwrap();
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{param:?}: {stdout}");
        assert!(stdout.contains(said), "{param:?}: {stdout}");
        assert!(
            stdout.contains("validate-all not run"),
            "{param:?}: {stdout}"
        );
        assert!(!stdout.contains('\u{1b}'), "raw escape printed: {stdout:?}");
        assert!(!record.exists(), "the agent ran for {param:?}");
    }
}

#[test]
fn issue9_params_file_with_a_carriage_return_is_refused() {
    let (sandbox, record) = spy_sandbox("");
    let file = sandbox.file("params", b"# device\nip=10.0.0.1\raction=on\n");
    let out = validate(&sandbox)
        .arg("--params-file")
        .arg(&file)
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("the value of ip holds a carriage return"),
        "{stdout}"
    );
    assert!(!record.exists(), "the agent ran");
}

// ---- item 4: agents only from agent directories ----

/// An executable under the working directory, at `rel`, that leaves a marker.
fn planted(dir: &Path, rel: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let marker = dir.join("PLANTED_RAN");
    std::fs::write(
        &path,
        format!("#!/bin/sh\ncat > '{}'\nexit 0\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    marker
}

/// See issue 9: a cluster-glue type such as `external/ipmi` ran
/// `./external/ipmi` from the working directory with the fencing arguments.
#[test]
fn issue9_cluster_glue_plugin_is_never_run_from_the_working_directory() {
    let (sandbox, _) = spy_sandbox("");
    let marker = planted(sandbox.path(), "external/ipmi");
    let file = cib(
        &sandbox,
        "external/ipmi",
        &[("pcmk_host_list", "node1"), ("ipaddr", "10.0.0.1")],
    );
    let out = fence(&sandbox)
        .current_dir(sandbox.path())
        .args(["node1", "--action", "off", "--dry-run", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("cannot run: agent external/ipmi: cluster-glue plugin"),
        "{stdout}{}",
        stderr_of(&out)
    );
    assert!(!marker.exists(), "the planted plugin ran");
    let out = fence(&sandbox)
        .current_dir(sandbox.path())
        .args(["node1", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!marker.exists(), "the planted plugin ran");
    // Without pcmk_host_list the device would be asked (dynamic-list).
    let file = cib(&sandbox, "external/ipmi", &[("ipaddr", "10.0.0.1")]);
    let out = fence(&sandbox)
        .current_dir(sandbox.path())
        .args(["node1", "--action", "off", "--cib"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!marker.exists(), "the planted plugin ran");
}

#[test]
fn issue9_cluster_conf_agent_paths_are_refused() {
    for agent in ["../x", "./fence_x", "sub/fence_x"] {
        let sandbox = Sandbox::new();
        let work = sandbox.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        let marker = planted(&work, agent);
        let conf = sandbox.file(
            "cluster.conf",
            format!(
                "<cluster name=\"c\" config_version=\"1\"><fencedevices>\
                 <fencedevice name=\"d\" agent=\"{agent}\"/></fencedevices><clusternodes>\
                 <clusternode name=\"node1\" nodeid=\"1\"><fence><method name=\"1\"><device name=\"d\"/>\
                 </method></fence></clusternode></clusternodes></cluster>"
            )
            .as_bytes(),
        );
        let out = fence(&sandbox)
            .current_dir(&work)
            .args(["node1", "--dry-run", "--config"])
            .arg(&conf)
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(stdout.contains("cannot run: agent "), "{agent}: {stdout}");
        assert!(stdout.contains("never a path"), "{agent}: {stdout}");
        let out = fence(&sandbox)
            .current_dir(&work)
            .args(["node1", "--config"])
            .arg(&conf)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(!marker.exists(), "{agent} ran");
    }
}

// ---- terminal output ----

/// An agent's (or a configuration's) escape sequences are shown escaped,
/// never sent raw to the administrator's terminal.
#[test]
fn issue9_agent_escape_sequences_are_escaped_on_the_terminal() {
    let (sandbox, _) = spy_sandbox(r"printf '\033[2J\033]0;pwned\007 cleared\n' >&2; exit 1");
    let conf = cluster_conf(&sandbox, r#"ip="10.0.0.1""#, "");
    for verbosity in ["-v", "-vvv"] {
        let out = fence(&sandbox)
            .args(["node1", verbosity, "--config"])
            .arg(&conf)
            .output()
            .unwrap();
        let all = format!("{}{}", text(&out.stdout), stderr_of(&out));
        assert!(!out.status.success());
        assert!(!all.contains('\u{1b}'), "raw escape printed: {all:?}");
        assert!(!all.contains('\u{7}'), "raw bell printed: {all:?}");
        if verbosity == "-vvv" {
            assert!(all.contains(r"\x1b[2J\x1b]0;pwned\x07 cleared"), "{all}");
        }
    }
}

// ---- item 9: generated XML ----

fn generate(sandbox: &Sandbox, inventory: &str, format: &str) -> std::process::Output {
    let file = sandbox.file("inventory.toml", inventory.as_bytes());
    let mut cmd = sandbox.cmd();
    cmd.args(["generate", format]);
    if format == "cib" {
        cmd.arg("--full");
    }
    cmd.arg(&file).output().unwrap()
}

const INVENTORY_HEAD: &str = "[cluster]\nname = \"c\"\n\n[[node]]\nname = \"node1\"\n";

/// See issue 9: U+0001 was written raw (not XML) and generate exited 0.
#[test]
fn issue9_generate_refuses_what_xml_cannot_carry_naming_the_key() {
    let sandbox = Sandbox::new();
    let inventory = format!(
        "{INVENTORY_HEAD}attributes = {{ rack = \"r\\u0001\" }}\n\n[[device]]\nid = \"pdu\"\n\
         agent = \"fence_apc_snmp\"\nparams = {{ ip = \"192.0.2.1\" }}\nhosts = [\"node1\"]\n"
    );
    for format in ["cib", "cluster-conf"] {
        let out = generate(&sandbox, &inventory, format);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("node node1: attributes.rack holds the control character U+0001"),
            "{format}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{format}");
    }
}

#[test]
fn issue9_generate_refuses_a_line_break_bound_for_an_agent() {
    let sandbox = Sandbox::new();
    let inventory = format!(
        "{INVENTORY_HEAD}\n[[device]]\nid = \"pdu\"\nagent = \"fence_apc_snmp\"\n\
         params = {{ ip = \"192.0.2.1\\naction=on\" }}\nhost_map = {{ node1 = \"1\\r2\" }}\n"
    );
    for format in ["cib", "cluster-conf"] {
        let out = generate(&sandbox, &inventory, format);
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains("the value of ip holds a line break"),
            "{stderr}"
        );
        assert!(
            stderr.contains("device pdu: host_map.node1 holds a carriage return"),
            "{stderr}"
        );
    }
}

/// See issue 9: Pacemaker splits pcmk_host_list on whitespace, `,` and
/// `;`, so a node "n 1" would have been two hosts.
#[test]
fn issue9_node_names_pacemaker_would_split_are_refused() {
    let sandbox = Sandbox::new();
    let inventory = "[cluster]\nname = \"c\"\n\n[[node]]\nname = \"n 1\"\n\n[[device]]\n\
                     id = \"pdu\"\nagent = \"fence_apc_snmp\"\nparams = { ip = \"192.0.2.1\" }\n\
                     hosts = [\"n 1\", \"a,b\"]\n";
    let out = generate(&sandbox, inventory, "cib");
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("node n 1: name 'n 1' holds whitespace, ',' or ';'"),
        "{stderr}"
    );
    assert!(stderr.contains("device pdu: hosts 'a,b' holds"), "{stderr}");
}

/// A plug holding a space is escaped in pcmk_host_map as the fencer reads
/// it; fencectl's own reader gets the same plug back, crm_verify accepts
/// the file, and a multi-line description survives as `&#10;`.
#[test]
fn issue9_host_map_with_a_space_round_trips_through_generate() {
    let sandbox = Sandbox::new();
    let inventory = "[cluster]\nname = \"c\"\n\n[[node]]\nname = \"node1\"\nnodeid = 1\n\
                     attributes = { note = \"line 1\\nline 2\" }\n\n[[node]]\nname = \"node2\"\nnodeid = 2\n\n\
                     [[device]]\nid = \"pdu\"\nagent = \"fence_apc_snmp\"\nparams = { ip = \"192.0.2.1\" }\n\
                     host_map = { node1 = \"outlet 1\", node2 = \"a;b\" }\n";
    let out = generate(&sandbox, inventory, "cib");
    let cib = text(&out.stdout);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        cib.contains(r#"value="node1:outlet\ 1;node2:a\;b""#),
        "{cib}"
    );
    assert!(cib.contains("line 1&#10;line 2"), "{cib}");
    crate::generate::assert_crm_verify(&sandbox, &cib, "host map with a space");
    let file = sandbox.file("generated.xml", cib.as_bytes());
    for (node, plug) in [("node1", "=outlet 1 "), ("node2", "=a;b ")] {
        let out = fence(&sandbox)
            .env("FENCECTL_AGENT_PATH", "/usr/sbin")
            .args([
                node,
                "--dry-run",
                "--action",
                "off",
                "--format",
                "json",
                "--cib",
            ])
            .arg(&file)
            .output()
            .unwrap();
        let plan: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", stderr_of(&out)));
        let args = &plan["plan"]["stages"][0]["steps"][0]["args"];
        let sent = args
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "port" || a["name"] == "plug")
            .unwrap_or_else(|| panic!("{args}"));
        assert_eq!(
            format!("={} ", sent["value"].as_str().unwrap()),
            plug,
            "{node}"
        );
    }
}

// ---- item 10: parse errors never echo a secret ----

#[test]
fn issue9_params_file_parse_error_does_not_echo_the_line() {
    let (sandbox, _) = spy_sandbox("");
    let file = sandbox.file("params", b"ip=192.0.2.1\npassword S3cretValue!\n");
    let out = validate(&sandbox)
        .arg("--params-file")
        .arg(&file)
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), stderr_of(&out));
    assert!(!out.status.success());
    assert!(all.contains("line 2 is not NAME=VALUE"), "{all}");
    assert!(!all.contains("S3cretValue"), "{all}");
}

#[test]
fn issue9_ovh_conf_parse_error_does_not_echo_the_line() {
    let sandbox = Sandbox::new();
    let conf = sandbox.file(
        "ovh.conf",
        b"[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=AK\napplication_secret S3cretValue!\n",
    );
    let out = sandbox
        .cmd()
        .args(["agent", "ovh"])
        .write_stdin(format!(
            "action=status\nplug=ns1.example\novh_config={}\n",
            conf.display()
        ))
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), stderr_of(&out));
    assert!(!out.status.success());
    assert!(all.contains("line 5"), "{all}");
    assert!(all.contains("application_secret = VALUE"), "{all}");
    assert!(!all.contains("S3cretValue"), "{all}");
}

#[test]
fn issue9_toml_errors_do_not_quote_the_source_line() {
    let sandbox = Sandbox::new();
    for (body, key) in [
        ("params = { password = \"S3cretValue!\n", ""),
        ("params = { password = S3cretValue! }\n", ""),
        ("nodeid = \"S3cretValue!\"\n", "key nodeid"),
    ] {
        let inventory = format!(
            "[cluster]\nname = \"c\"\n\n[[node]]\nname = \"node1\"\n\n[[device]]\nid = \"d\"\nagent = \"fence_apc_snmp\"\n{body}"
        )
        .replace("[[device]]\nid = \"d\"\nagent = \"fence_apc_snmp\"\nnodeid", "nodeid");
        let out = generate(&sandbox, &inventory, "cib");
        let all = format!("{}{}", text(&out.stdout), stderr_of(&out));
        assert!(!out.status.success(), "{body}");
        assert!(all.contains("is not a valid inventory"), "{all}");
        assert!(all.contains("line "), "{all}");
        assert!(all.contains(key), "{body}: {all}");
        assert!(!all.contains("S3cretValue"), "{body}: {all}");
    }
}

// ---- item 7: linear-time reading ----

/// See issue 9: one element with 200,000 attributes took 27 s to read
/// (quadratic duplicate check), and minutes more to plan and show
/// (quadratic masking, comfy-table wrapping a huge cell). The timeout is
/// generous: it only catches the quadratic cases, which take minutes.
#[test]
fn issue9_a_device_with_200000_attributes_is_planned_in_linear_time() {
    let (sandbox, record) = spy_sandbox("");
    let attrs: String = (0..200_000)
        .map(|i| format!(" passwd{i}=\"{i}\""))
        .collect();
    let conf = cluster_conf(&sandbox, &attrs, "");
    let out = fence(&sandbox)
        .args(["node1", "--dry-run", "--config"])
        .arg(&conf)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", stderr_of(&out));
    // Each argument on its own line under the device (issue 15).
    assert!(stdout.contains("\n    passwd199999=********\n"), "{stdout}");
    assert!(!record.exists());
}
