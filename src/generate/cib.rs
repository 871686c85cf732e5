//! Pacemaker CIB stonith XML: primitives and the fencing topology, as
//! `cibadmin --create` takes them, or a whole CIB for `crm_verify`.

use std::path::Path;
use std::time::Duration;

use super::xmlw::{IdSet, XmlOut};
use crate::agents::runner::{self, Invocation};
use crate::inventory::{Device, Inventory};
use crate::pacemaker::cib::LevelTarget;
use crate::pacemaker::hosts::{host_map_text, write_host_map};
use crate::pacemaker::version::{FencingOption, PacemakerVersion};

/// The `<cib>` header attributes the installed Pacemaker writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CibHeader {
    pub crm_feature_set: String,
    pub validate_with: String,
}

impl CibHeader {
    /// What `cibadmin --empty` prints on this machine (a CIB must not claim
    /// a newer feature set than the Pacemaker that loads it), or Pacemaker
    /// 2.0's when cibadmin is not installed.
    pub fn installed() -> CibHeader {
        let fallback = CibHeader {
            crm_feature_set: "3.0.14".into(),
            validate_with: "pacemaker-3.0".into(),
        };
        let run = runner::run(&Invocation {
            program: Path::new("cibadmin"),
            args: vec!["--empty".into()],
            stdin: None,
            timeout: Duration::from_secs(10),
            output_cap: 64 * 1024,
            echo: None,
        });
        let Ok(run) = run
            .map_err(drop)
            .and_then(|r| if r.success() { Ok(r) } else { Err(()) })
        else {
            return fallback;
        };
        let Ok(root) = crate::xml::parse(&run.stdout) else {
            return fallback;
        };
        match (root.attr("crm_feature_set"), root.attr("validate-with")) {
            (Some(features), Some(schema)) => CibHeader {
                crm_feature_set: features.to_string(),
                validate_with: schema.to_string(),
            },
            _ => fallback,
        }
    }
}

/// What cannot be written for Pacemaker `version` (today: a host map
/// plug that needs the escapes 3.0.2 dropped), as one error per device.
pub fn unwritable(inventory: &Inventory, version: PacemakerVersion) -> Vec<String> {
    inventory
        .devices
        .iter()
        .filter(|d| !d.host_map.is_empty())
        .filter_map(|d| {
            write_host_map(&d.host_map, version)
                .err()
                .map(|why| format!("device {}: host_map: {why}", d.id))
        })
        .collect()
}

/// `<resources>` with one stonith primitive per device, for Pacemaker
/// `version` (see [`unwritable`] first).
pub fn resources(
    inventory: &Inventory,
    ids: &mut IdSet,
    depth: usize,
    version: PacemakerVersion,
) -> String {
    let mut out = XmlOut::new(depth);
    out.open("resources", &[]);
    for device in &inventory.devices {
        primitive(&mut out, device, ids, version);
    }
    out.close("resources");
    out.text
}

/// One stonith primitive (pcs-style ids); pcmk_host_map is written as the
/// fencer of `version` reads it.
pub fn primitive(out: &mut XmlOut, device: &Device, ids: &mut IdSet, version: PacemakerVersion) {
    out.open(
        "primitive",
        &[
            ("id", &device.id),
            ("class", "stonith"),
            ("type", &device.agent),
        ],
    );
    let mut instance: Vec<(String, String)> = device.params.clone();
    instance.extend(device.pcmk.iter().map(|(name, value)| {
        let value = match name.as_str() {
            "pcmk_host_map" if !device.host_map.is_empty() => {
                write_host_map(&device.host_map, version)
                    .unwrap_or_else(|_| host_map_text(&device.host_map))
            }
            _ => value.clone(),
        };
        (name.clone(), value)
    }));
    nvpair_set(out, "instance_attributes", &device.id, &instance, ids);
    let mut meta = device.meta.clone();
    if device.unfence && !device.automatic_unfence && !meta.iter().any(|(k, _)| k == "provides") {
        meta.push(("provides".into(), "unfencing".into()));
    }
    nvpair_set(out, "meta_attributes", &device.id, &meta, ids);
    if let Some(interval) = &device.monitor {
        out.open("operations", &[]);
        let id = ids.make(&format!("{}-monitor-interval-{interval}", device.id));
        out.empty(
            "op",
            &[("id", &id), ("name", "monitor"), ("interval", interval)],
        );
        out.close("operations");
    }
    out.close("primitive");
}

fn nvpair_set(
    out: &mut XmlOut,
    set: &str,
    owner: &str,
    pairs: &[(String, String)],
    ids: &mut IdSet,
) {
    if pairs.is_empty() {
        return;
    }
    let set_id = ids.make(&format!("{owner}-{set}"));
    out.open(set, &[("id", &set_id)]);
    for (name, value) in pairs {
        let id = ids.make(&format!("{set_id}-{name}"));
        out.empty("nvpair", &[("id", &id), ("name", name), ("value", value)]);
    }
    out.close(set);
}

/// `<fencing-topology>`, or None when the inventory has no levels.
pub fn topology(inventory: &Inventory, ids: &mut IdSet, depth: usize) -> Option<String> {
    if inventory.levels.is_empty() {
        return None;
    }
    let mut out = XmlOut::new(depth);
    out.open("fencing-topology", &[]);
    for level in &inventory.levels {
        let index = level.index.to_string();
        let devices = level.devices.join(",");
        let (name, mut attrs): (String, Vec<(&str, &str)>) = match &level.target {
            LevelTarget::Node(node) => (node.clone(), vec![("target", node.as_str())]),
            LevelTarget::Pattern(pattern) => (
                format!("pattern-{pattern}"),
                vec![("target-pattern", pattern.as_str())],
            ),
            LevelTarget::Attribute { name, value } => (
                format!("attr-{name}-{value}"),
                vec![
                    ("target-attribute", name.as_str()),
                    ("target-value", value.as_str()),
                ],
            ),
        };
        let id = ids.make(&format!("fl-{name}-{index}"));
        let mut all = vec![("id", id.as_str()), ("index", index.as_str())];
        all.append(&mut attrs);
        all.push(("devices", devices.as_str()));
        out.empty("fencing-level", &all);
    }
    out.close("fencing-topology");
    Some(out.text)
}

/// A whole CIB: header, fencing enabled (under the option name that
/// `version` reads: `stonith-enabled` before 3.0.2, `fencing-enabled`
/// since), nodes, resources, topology.
pub fn full(inventory: &Inventory, header: &CibHeader, version: PacemakerVersion) -> String {
    let mut ids = IdSet::default();
    for device in &inventory.devices {
        ids.reserve(&device.id);
    }
    let mut out = XmlOut::new(0);
    out.open(
        "cib",
        &[
            ("crm_feature_set", &header.crm_feature_set),
            ("validate-with", &header.validate_with),
            ("epoch", "1"),
            ("num_updates", "0"),
            ("admin_epoch", "0"),
        ],
    );
    out.open("configuration", &[]);
    out.open("crm_config", &[]);
    out.open("cluster_property_set", &[("id", "cib-bootstrap-options")]);
    let enabled = FencingOption::Enabled.name_for(version);
    out.empty(
        "nvpair",
        &[
            ("id", &format!("cib-bootstrap-options-{enabled}")),
            ("name", enabled),
            ("value", "true"),
        ],
    );
    out.close("cluster_property_set");
    out.close("crm_config");
    out.open("nodes", &[]);
    for node in &inventory.nodes {
        let nodeid = node.nodeid.to_string();
        if node.attributes.is_empty() {
            out.empty("node", &[("id", &nodeid), ("uname", &node.name)]);
        } else {
            out.open("node", &[("id", &nodeid), ("uname", &node.name)]);
            nvpair_set(
                &mut out,
                "instance_attributes",
                &format!("nodes-{nodeid}"),
                &node.attributes,
                &mut ids,
            );
            out.close("node");
        }
    }
    out.close("nodes");
    let mut text = out.text;
    text.push_str(&resources(inventory, &mut ids, 2, version));
    text.push_str("    <constraints/>\n");
    if let Some(topology) = topology(inventory, &mut ids, 2) {
        text.push_str(&topology);
    }
    text.push_str("  </configuration>\n  <status/>\n</cib>\n");
    text
}
