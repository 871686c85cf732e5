//! `generate cib --apply`: what an inventory changes in the running
//! cluster's CIB, as a summary (device by device, parameter by parameter,
//! secrets masked) and as one versioned patchset.
//!
//! The inventory owns the stonith primitives and fencing levels whose ids
//! it produces; other stonith primitives and levels are left alone unless
//! `prune` (which removes only those, never other resources).

use anyhow::{Context, Result};
use serde::Serialize;

use super::cib;
use super::IdSet;
use crate::inventory::Inventory;
use crate::pacemaker::patch::{self, Change, CibVersion};
use crate::pacemaker::version::{FencingOption, PacemakerVersion};
use crate::xml::Element;

/// How one device, level or option changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemChange {
    Added,
    Changed,
    Removed,
    Unchanged,
}

/// One line of the summary.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ItemDiff {
    /// `device`, `level` or `option`.
    pub kind: &'static str,
    /// Its id in the CIB.
    pub id: String,
    /// `added`, `changed`, `removed` or `unchanged`.
    pub change: ItemChange,
    /// Parameter by parameter (`name: old -> new`, `+name=value`,
    /// `-name`), secrets masked.
    pub details: Vec<String>,
}

/// What `--apply` would do.
#[derive(Debug, Clone)]
pub struct ApplyPlan {
    /// The CIB version the patch is made against.
    pub source: CibVersion,
    /// The Pacemaker the cluster runs (its `dc-version`).
    pub version: PacemakerVersion,
    pub items: Vec<ItemDiff>,
    pub changes: Vec<Change>,
}

impl ApplyPlan {
    /// The patchset for `cibadmin --patch`.
    pub fn patchset(&self) -> String {
        patch::patchset(self.source, &self.changes)
    }
}

/// The Pacemaker a CIB's DC runs (`dc-version` is `2.1.5-a3f44794f94`).
pub fn running_version(live: &Element) -> Option<PacemakerVersion> {
    let configuration = live.child("configuration")?;
    let value = configuration
        .child("crm_config")?
        .children
        .iter()
        .flat_map(|set| set.children_named("nvpair"))
        .find(|nv| nv.attr("name") == Some("dc-version"))?
        .attr("value")?;
    value.split('-').next()?.parse().ok()
}

const RESOURCES: &str = "/cib/configuration/resources";
const CONFIGURATION: &str = "/cib/configuration";

/// Compares the inventory's fencing configuration with the live CIB.
pub fn plan(
    inventory: &Inventory,
    live: &Element,
    prune: bool,
    enable_fencing: bool,
) -> Result<ApplyPlan> {
    anyhow::ensure!(live.name == "cib", "cibadmin --query did not print a <cib>");
    let version = running_version(live).unwrap_or_else(PacemakerVersion::installed_or_default);
    let configuration = live
        .child("configuration")
        .context("the running CIB has no <configuration>")?;
    let mut ids = IdSet::default();
    for device in &inventory.devices {
        ids.reserve(&device.id);
    }
    let wanted_resources = parse(&cib::resources(inventory, &mut ids, 0, version))?;
    let wanted_topology = match cib::topology(inventory, &mut ids, 0) {
        Some(xml) => Some(parse(&xml)?),
        None => None,
    };
    let mut changes = Vec::new();
    let mut items = Vec::new();

    let empty = empty_element("resources");
    let resources = configuration.child("resources").unwrap_or(&empty);
    for want in &wanted_resources.children {
        let id = want.attr("id").unwrap_or_default().to_string();
        let old = resources
            .children
            .iter()
            .find(|c| c.name == want.name && c.attr("id") == want.attr("id"));
        let before = changes.len();
        patch::children(
            resources,
            std::slice::from_ref(want),
            RESOURCES,
            &mut changes,
            false,
        );
        let (change, details) = match old {
            None => (ItemChange::Added, nvpair_diff(None, want)),
            Some(_) if changes.len() == before => (ItemChange::Unchanged, Vec::new()),
            Some(old) => (ItemChange::Changed, nvpair_diff(Some(old), want)),
        };
        items.push(ItemDiff {
            kind: "device",
            id,
            change,
            details,
        });
    }
    if prune {
        for old in resources.children_named("primitive") {
            let owned = wanted_resources
                .children
                .iter()
                .any(|w| w.attr("id") == old.attr("id"));
            if old.attr("class") == Some("stonith") && !owned {
                changes.push(Change::Delete {
                    path: format!("{RESOURCES}{}", patch::step(old)),
                });
                items.push(removed("device", old));
            }
        }
    }
    if configuration.child("resources").is_none() && !wanted_resources.children.is_empty() {
        // No <resources> at all: create it whole instead.
        changes.retain(|c| !matches!(c, Change::Create { parent, .. } if parent == RESOURCES));
        changes.push(Change::Create {
            parent: CONFIGURATION.into(),
            position: configuration.children.len(),
            xml: patch::serialise(&wanted_resources, 2),
        });
    }

    topology_changes(
        configuration,
        wanted_topology.as_ref(),
        prune,
        &mut changes,
        &mut items,
    );
    if enable_fencing {
        fencing_option(configuration, version, &mut changes, &mut items);
    }
    Ok(ApplyPlan {
        source: CibVersion::of(live),
        version,
        items,
        changes,
    })
}

fn topology_changes(
    configuration: &Element,
    wanted: Option<&Element>,
    prune: bool,
    changes: &mut Vec<Change>,
    items: &mut Vec<ItemDiff>,
) {
    let path = format!("{CONFIGURATION}/fencing-topology");
    let existing = configuration.child("fencing-topology");
    let wanted_levels = wanted.map_or(&[][..], |t| t.children.as_slice());
    match (existing, wanted) {
        (None, Some(wanted)) => {
            changes.push(Change::Create {
                parent: CONFIGURATION.into(),
                position: configuration.children.len(),
                xml: patch::serialise(wanted, 2),
            });
            for level in wanted_levels {
                items.push(ItemDiff {
                    kind: "level",
                    id: level.attr("id").unwrap_or_default().into(),
                    change: ItemChange::Added,
                    details: vec![level_text(level)],
                });
            }
        }
        (Some(existing), _) => {
            for want in wanted_levels {
                let before = changes.len();
                let old = existing
                    .children
                    .iter()
                    .find(|c| c.attr("id") == want.attr("id"));
                patch::children(existing, std::slice::from_ref(want), &path, changes, false);
                let change = match old {
                    None => ItemChange::Added,
                    Some(_) if changes.len() == before => ItemChange::Unchanged,
                    Some(_) => ItemChange::Changed,
                };
                let mut details = vec![level_text(want)];
                if let (Some(old), ItemChange::Changed) = (old, change) {
                    details.insert(0, format!("was {}", level_text(old)));
                }
                items.push(ItemDiff {
                    kind: "level",
                    id: want.attr("id").unwrap_or_default().into(),
                    change,
                    details,
                });
            }
            if prune {
                for old in existing.children_named("fencing-level") {
                    if !wanted_levels.iter().any(|w| w.attr("id") == old.attr("id")) {
                        changes.push(Change::Delete {
                            path: format!("{path}{}", patch::step(old)),
                        });
                        items.push(removed("level", old));
                    }
                }
            }
        }
        (None, None) => {}
    }
}

/// Sets fencing on under the option name the running Pacemaker reads.
fn fencing_option(
    configuration: &Element,
    version: PacemakerVersion,
    changes: &mut Vec<Change>,
    items: &mut Vec<ItemDiff>,
) {
    let name = FencingOption::Enabled.name_for(version);
    let crm_config = configuration.child("crm_config");
    let sets: Vec<&Element> = crm_config
        .map(|c| c.children_named("cluster_property_set").collect())
        .unwrap_or_default();
    let found = sets.iter().find_map(|set| {
        set.children_named("nvpair")
            .find(|nv| nv.attr("name") == Some(name))
            .map(|nv| (set, nv))
    });
    let mut item = ItemDiff {
        kind: "option",
        id: name.into(),
        change: ItemChange::Unchanged,
        details: Vec::new(),
    };
    match found {
        Some((_, nv))
            if nv
                .attr("value")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")) => {}
        Some((set, nv)) => {
            let path = format!(
                "{CONFIGURATION}/crm_config{}{}",
                patch::step(set),
                patch::step(nv)
            );
            let mut after = nv.clone();
            set_attr(&mut after, "value", "true");
            patch::diff(nv, &after, &path, changes);
            item.change = ItemChange::Changed;
            item.details.push(format!(
                "{name}: {} -> true",
                nv.attr("value").unwrap_or("")
            ));
        }
        None => {
            let set_id = sets
                .first()
                .and_then(|s| s.attr("id"))
                .unwrap_or("cib-bootstrap-options")
                .to_string();
            let nvpair = format!("<nvpair id=\"{set_id}-{name}\" name=\"{name}\" value=\"true\"/>");
            match (crm_config, sets.first()) {
                (Some(_), Some(set)) => changes.push(Change::Create {
                    parent: format!("{CONFIGURATION}/crm_config{}", patch::step(set)),
                    position: set.children.len(),
                    xml: format!("      {nvpair}\n"),
                }),
                (Some(crm), None) => changes.push(Change::Create {
                    parent: format!("{CONFIGURATION}/crm_config"),
                    position: crm.children.len(),
                    xml: format!(
                        "      <cluster_property_set id=\"{set_id}\">{nvpair}</cluster_property_set>\n"
                    ),
                }),
                (None, _) => changes.push(Change::Create {
                    parent: CONFIGURATION.into(),
                    position: 0,
                    xml: format!(
                        "      <crm_config><cluster_property_set id=\"{set_id}\">{nvpair}</cluster_property_set></crm_config>\n"
                    ),
                }),
            }
            item.change = ItemChange::Added;
            item.details.push(format!("{name}=true"));
        }
    }
    items.push(item);
}

fn empty_element(name: &str) -> Element {
    Element {
        name: name.into(),
        attrs: Vec::new(),
        children: Vec::new(),
        text: String::new(),
        line: 0,
        start: 0,
        end: 0,
    }
}

fn set_attr(element: &mut Element, name: &str, value: &str) {
    match element.attrs.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value.to_string(),
        None => element.attrs.push((name.into(), value.into())),
    }
}

fn parse(xml: &str) -> Result<Element> {
    crate::xml::parse(xml.as_bytes()).context("fencectl generated malformed XML (a bug)")
}

fn removed(kind: &'static str, old: &Element) -> ItemDiff {
    ItemDiff {
        kind,
        id: old.attr("id").unwrap_or_default().into(),
        change: ItemChange::Removed,
        details: Vec::new(),
    }
}

fn level_text(level: &Element) -> String {
    let target = level
        .attr("target")
        .map(str::to_string)
        .or_else(|| level.attr("target-pattern").map(|p| format!("pattern {p}")))
        .unwrap_or_else(|| {
            format!(
                "{}={}",
                level.attr("target-attribute").unwrap_or(""),
                level.attr("target-value").unwrap_or("")
            )
        });
    format!(
        "{target} level {}: {}",
        level.attr("index").unwrap_or("?"),
        level.attr("devices").unwrap_or("")
    )
}

/// A device's settings as `set/name -> value` (instance and meta
/// attributes, operations).
fn settings(primitive: &Element) -> Vec<(String, String)> {
    let mut out = vec![(
        "agent".to_string(),
        primitive.attr("type").unwrap_or("").to_string(),
    )];
    for set in &primitive.children {
        match set.name.as_str() {
            "instance_attributes" | "meta_attributes" => {
                let prefix = if set.name == "meta_attributes" {
                    "meta "
                } else {
                    ""
                };
                for nv in set.children_named("nvpair") {
                    out.push((
                        format!("{prefix}{}", nv.attr("name").unwrap_or("")),
                        nv.attr("value").unwrap_or("").to_string(),
                    ));
                }
            }
            "operations" => {
                for op in set.children_named("op") {
                    out.push((
                        format!("op {}", op.attr("name").unwrap_or("")),
                        op.attr("interval").unwrap_or("").to_string(),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

fn shown(name: &str, value: &str) -> String {
    if crate::secrets::is_secret_name(name.trim_start_matches("meta ")) {
        crate::secrets::MASK.to_string()
    } else {
        value.to_string()
    }
}

/// Parameter by parameter, secrets masked.
fn nvpair_diff(old: Option<&Element>, new: &Element) -> Vec<String> {
    let new_settings = settings(new);
    let Some(old) = old else {
        return new_settings
            .iter()
            .map(|(k, v)| format!("+{k}={}", shown(k, v)))
            .collect();
    };
    let old_settings = settings(old);
    let mut details = Vec::new();
    for (name, value) in &new_settings {
        match old_settings.iter().find(|(k, _)| k == name) {
            None => details.push(format!("+{name}={}", shown(name, value))),
            Some((_, was)) if was != value => details.push(format!(
                "{name}: {} -> {}",
                shown(name, was),
                shown(name, value)
            )),
            Some(_) => {}
        }
    }
    for (name, _) in &old_settings {
        if !new_settings.iter().any(|(k, _)| k == name) {
            details.push(format!("-{name}"));
        }
    }
    if details.is_empty() {
        details.push("ids or attribute order".into());
    }
    details
}
