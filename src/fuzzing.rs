//! Entry points for the fuzz targets in `fuzz/` and for the test that
//! replays their regression inputs (`tests/cli/fuzz_regressions.rs`). Not
//! an API: each function feeds one input to a parser the way fencectl
//! does, checks the invariants that must hold whatever the input, and
//! panics when one does not (a panic is what the fuzzer reports).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::agents::finding::Severity;
use crate::agents::lookup::{AgentLookup, FixtureAgents};
use crate::agents::metadata::AgentMetadata;
use crate::agents::{check, params};
use crate::cman::conf::ClusterConf;
use crate::generate;
use crate::inventory::{self, DeviceSpec, Index};
use crate::ovh::{client, config::IniFile, keys};
use crate::pacemaker::cib::Cib;
use crate::pacemaker::hosts::{self, HostMap};
use crate::pacemaker::version::PacemakerVersion;
use crate::pacemaker::{host_check, time};
use crate::xml::{self, Element};
use crate::{ovh, timespec};

/// A fuzz target's entry point.
pub type Target = fn(&[u8]);

/// The targets, by the name of their file in `fuzz/fuzz_targets/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("xml", xml),
    ("metadata", metadata),
    ("cluster_conf", cluster_conf),
    ("cib", cib),
    ("pacemaker_params", pacemaker_params),
    ("agent_options", agent_options),
    ("ovh_conf", ovh_conf),
    ("inventory", inventory),
    ("ovh_json", ovh_json),
];

/// Metadata to check parameters against: the built-in agent's.
fn sample_metadata() -> &'static AgentMetadata {
    static METADATA: OnceLock<AgentMetadata> = OnceLock::new();
    METADATA.get_or_init(|| {
        AgentMetadata::parse(ovh::agent::metadata().as_bytes())
            .expect("the built-in agent's metadata parses")
    })
}

/// The XML reader: every element's offsets and line lie inside the
/// document and inside its parent's; errors have a position.
pub fn xml(data: &[u8]) {
    match xml::parse(data) {
        Ok(root) => check_element(&root, data, 0, data.len()),
        Err(err) => assert!(err.line >= 1 && err.column >= 1, "{err:?}"),
    }
}

fn check_element(element: &Element, data: &[u8], from: usize, to: usize) {
    assert!(
        from <= element.start && element.start < element.end && element.end <= to,
        "<{}> at {}..{} outside {from}..{to}",
        element.name,
        element.start,
        element.end
    );
    assert_eq!(data[element.start], b'<', "<{}> start", element.name);
    assert_eq!(data[element.end - 1], b'>', "<{}> end", element.name);
    let newlines = data[..element.start]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    assert_eq!(element.line, newlines + 1, "<{}> line", element.name);
    for child in &element.children {
        check_element(child, data, element.start, element.end);
    }
}

/// Agent metadata: the model, its accessors, and `metadata --check`.
pub fn metadata(data: &[u8]) {
    let findings = check::check_metadata(data);
    let Ok(meta) = AgentMetadata::parse(data) else {
        assert!(
            !findings.is_empty(),
            "metadata that does not parse passes the check"
        );
        return;
    };
    meta.capabilities();
    meta.needs_unfencing();
    meta.shortdesc_for(&meta.name);
    let given: Vec<(String, String)> = meta
        .parameters
        .iter()
        .map(|p| (p.name.clone(), p.default.clone().unwrap_or_default()))
        .collect();
    params::check_params(&meta, &given);
    crate::pacemaker::check::check(&given, &meta);
    host_check::host_argument(&meta.name, &given, Some(&meta), PacemakerVersion::DEFAULT);
    let _ = host_check::effective_host_check(&given, Some(&meta));
    for parameter in &meta.parameters {
        meta.is_secret_parameter(&parameter.name);
        params::find_parameter(&meta, &parameter.name);
    }
}

/// cluster.conf: the model, then `convert cluster-conf-to-cib`, whose CIB
/// must read back with as many devices.
pub fn cluster_conf(data: &[u8]) {
    let Ok(root) = xml::parse(data) else { return };
    let Ok(conf) = ClusterConf::from_element(&root) else {
        return;
    };
    for node in &conf.nodes {
        assert!(conf.node(&node.name).is_some());
        for device in node.methods.iter().flat_map(|m| &m.devices) {
            if let Some(shared) = conf.device(&device.name) {
                let mut given = shared.attrs.clone();
                given.extend(device.attrs.iter().cloned());
                params::check_params(sample_metadata(), &given);
            }
        }
    }
    let none = FixtureAgents::default();
    let inventory = crate::inventory::from_cluster_conf::cluster_conf_to_inventory(
        &conf,
        "cluster.conf",
        &mut AgentLookup::disabled(&none),
    )
    .inventory;
    let header = generate::cib::CibHeader {
        crm_feature_set: "3.0.14".into(),
        validate_with: "pacemaker-3.0".into(),
    };
    let text = generate::cib::full(&inventory, &header, PacemakerVersion::DEFAULT);
    let reread = xml::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("the converted CIB does not parse: {e}\n{text}"));
    let cib = Cib::from_element(&reread)
        .unwrap_or_else(|e| panic!("the converted CIB is not a CIB: {e:#}\n{text}"));
    assert_eq!(cib.devices.len(), inventory.devices.len(), "{text}");
}

/// A CIB: the model, then every Pacemaker rule applied to each device.
pub fn cib(data: &[u8]) {
    let Ok(root) = xml::parse(data) else { return };
    let Ok(cib) = Cib::from_element(&root) else {
        return;
    };
    let meta = sample_metadata();
    for device in &cib.devices {
        assert!(cib.device(&device.id).is_some());
        device.disabled();
        crate::pacemaker::check::check(&device.params, meta);
        host_check::host_argument(
            &device.agent,
            &device.params,
            Some(meta),
            PacemakerVersion::DEFAULT,
        );
        let _ = host_check::effective_host_check(&device.params, Some(meta));
        params::check_params(meta, &device.params);
        if let Some(base) = device.param("pcmk_delay_base") {
            for node in &cib.nodes {
                time::delay_base_for(base, &node.uname);
            }
        }
    }
    for node in &cib.nodes {
        assert!(cib.node(&node.uname).is_some());
    }
}

/// pcmk_host_map, pcmk_host_list and the time parsers on the same text;
/// the map the inventory writes reads back as written.
pub fn pacemaker_params(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (value, node) = text.split_once('\0').unwrap_or((text, "node1"));
    let (map, _problems) = HostMap::read(value);
    let _ = HostMap::parse(value);
    for name in map.nodes().take(16) {
        assert!(map.get(name).is_some());
    }
    map.get(node);
    hosts::parse_host_list(value);
    hosts::host_list_problems(value);
    let _ = time::interval(value);
    time::delay_max(value);
    time::delay_base_for(value, node);
    time::action_timeout(value);
    if let Ok(duration) = timespec::parse(value) {
        if duration.subsec_nanos() % 1_000_000 == 0 {
            let written = timespec::format(duration);
            assert_eq!(timespec::parse(&written), Ok(duration), "{written}");
        }
    }
    host_map_round_trip(value);
}

/// Lines `node<TAB>plug` become an inventory device's host_map; the
/// pcmk_host_map written for it must give each plain node its plug.
fn host_map_round_trip(text: &str) {
    let mut spec = DeviceSpec {
        id: "d".into(),
        agent: "fence_dummy".into(),
        params: toml::Table::new(),
        hosts: Vec::new(),
        host_map: toml::Table::new(),
        delay_base: None,
        delay_max: None,
        monitor: None,
        meta: Default::default(),
        action: None,
        unfence: None,
        password_file: None,
        password_env: None,
        secret_files: Default::default(),
        secret_env: Default::default(),
    };
    for line in text.split('\n') {
        if let Some((node, plug)) = line.split_once('\t') {
            spec.host_map
                .insert(node.into(), toml::Value::String(plug.into()));
        }
    }
    let Ok(device) = inventory::resolve_device(&spec, None, &mut Vec::new()) else {
        return;
    };
    let Some(written) = crate::pacemaker::params::lookup(&device.pcmk, "pcmk_host_map") else {
        return;
    };
    let read = HostMap::parse_lenient(written);
    for (node, plug) in &device.host_map {
        let plain = !node.is_empty()
            && !node.contains([';', ':', '=', ' ', '\t', '\\'])
            && !plug.contains('\\');
        let repeated = device
            .host_map
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(node))
            .count()
            > 1;
        if plain && !repeated {
            assert_eq!(read.get(node), Some(plug.as_str()), "{written}");
        }
    }
}

/// The built-in agent's options: stdin lines when the first byte is even,
/// otherwise NUL-separated argv; then the action's setup and deadline.
pub fn agent_options(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let _ = ovh::agent::fuzz_options(rest, &[]);
    } else {
        let args: Vec<String> = String::from_utf8_lossy(rest)
            .split('\0')
            .map(str::to_string)
            .collect();
        let _ = ovh::agent::fuzz_options(&[], &args);
    }
}

/// ovh.conf: what is read is what is written back and read again.
pub fn ovh_conf(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ini) = IniFile::parse(text) else {
        return;
    };
    let mut merged = IniFile::default();
    merged.merge(ini.clone());
    for (section, entries) in &ini.sections {
        assert!(ini.has_section(section));
        for (key, _) in entries {
            assert_eq!(merged.get(section, key), ini.get(section, key));
        }
    }
    let written = merged.render();
    let reread = IniFile::parse(&written)
        .unwrap_or_else(|e| panic!("ovh.conf as written does not read back: {e}\n{written}"));
    // A key starting with '[' whose value ends with ']' is written as a
    // section header (as python-ovh would read it too): no API key's name.
    let odd_key = |(key, _): &(String, String)| key.starts_with('[');
    if merged.sections.iter().any(|(_, e)| e.iter().any(odd_key)) {
        return;
    }
    for (section, entries) in &merged.sections {
        for (key, value) in entries {
            assert_eq!(
                reread.get(section, key),
                Some(value.as_str()),
                "[{section}] {key}\n{written}"
            );
        }
    }
}

/// An inventory: TOML, resolution, checks and both generators, whose
/// output must read back. Secret files are left out (the fuzzer must not
/// read /dev/zero or the machine's files).
pub fn inventory(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut value) = text.parse::<toml::Table>() else {
        return;
    };
    if let Some(toml::Value::Array(devices)) = value.get_mut("device") {
        for device in devices.iter_mut().filter_map(toml::Value::as_table_mut) {
            device.remove("password_file");
            device.remove("secret_files");
        }
    }
    let Ok(text) = toml::to_string(&value) else {
        return;
    };
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if std::io::Write::write_all(&mut file, text.as_bytes()).is_err() {
        return;
    }
    // As `generate --no-metadata` does: load, check, and generate only
    // when the check finds no error.
    let none = FixtureAgents::default();
    let Ok((inventory, notes)) = inventory::load(file.path(), &mut AgentLookup::disabled(&none))
    else {
        return;
    };
    let meta = Rc::new(sample_metadata().clone());
    let index = Index::new(&inventory);
    for node in &inventory.nodes {
        index.levels_for(node);
        index.devices_fencing(&node.name);
    }
    let known: HashMap<String, Rc<AgentMetadata>> = inventory
        .devices
        .iter()
        .map(|d| (d.agent.clone(), Rc::clone(&meta)))
        .collect();
    inventory::check(&inventory, &known, &HashMap::new());
    let checks = inventory::check(&inventory, &HashMap::new(), &HashMap::new());
    if notes
        .iter()
        .chain(&checks.findings)
        .any(|f| f.severity == Severity::Error)
    {
        return;
    }
    let header = generate::cib::CibHeader {
        crm_feature_set: "3.0.14".into(),
        validate_with: "pacemaker-3.0".into(),
    };
    let cib_text = generate::cib::full(&inventory, &header, PacemakerVersion::DEFAULT);
    let root = xml::parse(cib_text.as_bytes())
        .unwrap_or_else(|e| panic!("the generated CIB does not parse: {e}\n{cib_text}"));
    let cib = Cib::from_element(&root)
        .unwrap_or_else(|e| panic!("the generated CIB is not a CIB: {e:#}\n{cib_text}"));
    assert_eq!(cib.devices.len(), inventory.devices.len(), "{cib_text}");
    let conf_text = generate::clusterconf::full(&inventory);
    let root = xml::parse(conf_text.as_bytes())
        .unwrap_or_else(|e| panic!("the generated cluster.conf does not parse: {e}\n{conf_text}"));
    let conf = ClusterConf::from_element(&root)
        .unwrap_or_else(|e| panic!("the generated cluster.conf is not one: {e:#}\n{conf_text}"));
    assert_eq!(conf.nodes.len(), inventory.nodes.len(), "{conf_text}");
}

/// An OVH API answer: the first two bytes are the HTTP status, the rest
/// the body; then what the agent and `ovh-keys` read from it.
pub fn ovh_json(data: &[u8]) {
    let [high, low, body @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*high, *low]) % 600;
    let text = String::from_utf8_lossy(body).into_owned();
    match client::answer(status, text, None, "GET", "/dedicated/server") {
        Ok(value) => {
            let rules = keys::parse_rules(&value);
            keys::servers_in(&rules);
            keys::granted(&rules, "POST", "/dedicated/server/ns1/reboot");
            for key in ["taskId", "bootId", "status", "kernel", "comment", "reverse"] {
                value.get(key);
            }
        }
        Err(err) => {
            err.to_string();
            err.is_credential_problem();
        }
    }
}
