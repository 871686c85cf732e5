//! cman cluster.conf fencing: fencedevices, each node's methods (cman has
//! no reboot remapping: several power devices become off, off, on, on) and
//! unfence sections; a whole file, or merged into an existing one.

use anyhow::{bail, Context, Result};

use super::xmlw::XmlOut;
use crate::cman::conf::{ClusterConf, ClusterNode, Span};
use crate::inventory::{Device, Index, Inventory, Node};

/// A whole cluster.conf.
pub fn full(inventory: &Inventory) -> String {
    let version = inventory.config_version.to_string();
    let mut out = XmlOut::new(0);
    out.declaration();
    out.open(
        "cluster",
        &[("name", &inventory.name), ("config_version", &version)],
    );
    if inventory.nodes.len() == 2 {
        // cman needs this to keep quorum when one of two nodes is gone.
        out.empty("cman", &[("two_node", "1"), ("expected_votes", "1")]);
    }
    out.open("clusternodes", &[]);
    let index = Index::new(inventory);
    for node in &inventory.nodes {
        let nodeid = node.nodeid.to_string();
        out.open(
            "clusternode",
            &[("name", &node.name), ("nodeid", &nodeid), ("votes", "1")],
        );
        out.fragment(&fence_sections(&index, node, out.depth()));
        out.close("clusternode");
    }
    out.close("clusternodes");
    out.fragment(&fencedevices(inventory, out.depth()));
    out.close("cluster");
    out.text
}

/// `<fencedevices>`: the agent and its shared parameters.
pub fn fencedevices(inventory: &Inventory, depth: usize) -> String {
    let mut out = XmlOut::new(depth);
    out.open("fencedevices", &[]);
    for device in &inventory.devices {
        let mut attrs: Vec<(&str, &str)> = vec![("name", &device.id), ("agent", &device.agent)];
        attrs.extend(device.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        out.empty("fencedevice", &attrs);
    }
    out.close("fencedevices");
    out.text
}

/// The devices of each method for `node`: its levels by index, else each
/// device that can fence it, one method each.
fn methods<'a>(index: &Index<'a>, node: &Node) -> Vec<Vec<&'a Device>> {
    let levels = index.levels_for(node);
    if levels.is_empty() {
        return index
            .devices_fencing(&node.name)
            .iter()
            .map(|d| vec![*d])
            .collect();
    }
    levels
        .iter()
        .map(|l| l.devices.iter().filter_map(|id| index.device(id)).collect())
        .collect()
}

/// `<fence>` and `<unfence>` for one node, at `depth`.
pub fn fence_sections(index: &Index<'_>, node: &Node, depth: usize) -> String {
    let mut out = XmlOut::new(depth);
    let methods = methods(index, node);
    if !methods.is_empty() {
        out.open("fence", &[]);
        for (i, devices) in methods.iter().enumerate() {
            let name = (i + 1).to_string();
            out.open("method", &[("name", &name)]);
            let power_cycle = devices.len() > 1
                && devices
                    .iter()
                    .all(|d| d.action.as_deref().is_none_or(|a| a == "reboot"));
            if power_cycle {
                // cman does not remap reboot: every supply off, then every one on.
                for action in ["off", "on"] {
                    for device in devices {
                        device_ref(&mut out, device, node, Some(action));
                    }
                }
            } else {
                for device in devices {
                    device_ref(&mut out, device, node, device.action.as_deref());
                }
            }
            out.close("method");
        }
        out.close("fence");
    }
    let unfence: Vec<&Device> = index
        .devices_fencing(&node.name)
        .iter()
        .copied()
        .filter(|d| d.unfence)
        .collect();
    if !unfence.is_empty() {
        out.open("unfence", &[]);
        for device in unfence {
            device_ref(&mut out, device, node, Some("on"));
        }
        out.close("unfence");
    }
    out.text
}

fn device_ref(out: &mut XmlOut, device: &Device, node: &Node, action: Option<&str>) {
    let mut attrs: Vec<(&str, &str)> = vec![("name", &device.id)];
    if let Some(plug) = device.plug_for(&node.name) {
        attrs.push((&device.plug_param, plug));
    }
    if let Some(action) = action {
        attrs.push(("action", action));
    }
    out.empty("device", &attrs);
}

/// Merges the inventory's fencing into an existing cluster.conf (`conf`,
/// the model of `original` from `cman::conf::load_with_text`): replaces
/// `<fencedevices>` and each node's `<fence>` and `<unfence>` through the
/// model's spans, keeps every other byte, and increments config_version.
pub fn update(original: &str, conf: &ClusterConf, inventory: &Inventory) -> Result<(String, u64)> {
    for member in &conf.nodes {
        let name = &member.name;
        if !inventory.nodes.iter().any(|n| n.name == *name) {
            bail!("node {name} is in the cluster.conf but not in the inventory: add it as a [[node]] so that its fencing is not lost");
        }
    }
    for node in &inventory.nodes {
        if conf.node(&node.name).is_none() {
            bail!("node {} is in the inventory but not in the cluster.conf: add the <clusternode> first (membership is not fencectl's to change)", node.name);
        }
    }
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let index = Index::new(inventory);
    for member in &conf.nodes {
        let node = inventory
            .nodes
            .iter()
            .find(|n| n.name == member.name)
            .expect("checked above");
        edits.extend(node_edits(original, member, &index, node));
    }
    edits.push(fencedevices_edit(original, conf, inventory));
    let (version_edit, version) = version_edit(original, conf)?;
    edits.push(version_edit);
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut text = original.to_string();
    for (start, end, replacement) in edits {
        text.replace_range(start..end, &replacement);
    }
    Ok((text, version))
}

/// The start of the line `offset` is on, and that line's indentation.
fn indentation(text: &str, offset: usize) -> (usize, String) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..offset]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    (line_start, indent)
}

/// Replaces the element at `span` (with its line, when it is alone on
/// it) by `replacement` lines.
fn replace_element(text: &str, span: Span, replacement: &str) -> (usize, usize, String) {
    let (line_start, _) = indentation(text, span.start);
    let whole_line = text[line_start..span.start].trim().is_empty();
    let start = if whole_line { line_start } else { span.start };
    let mut end = span.end;
    if whole_line && text[end..].starts_with('\n') {
        end += 1;
    }
    (start, end, replacement.to_string())
}

fn node_edits(
    text: &str,
    member: &ClusterNode,
    index: &Index<'_>,
    node: &Node,
) -> Vec<(usize, usize, String)> {
    let span = member.span;
    let (_, indent) = indentation(text, span.start);
    let depth = indent.len() / 2 + 1;
    let sections = fence_sections(index, node, depth);
    let self_closing = text[span.start..span.end].ends_with("/>");
    if self_closing {
        let open_tag = &text[span.start..span.end - 2];
        let replacement = format!(
            "{indent}{}>\n{sections}{indent}</clusternode>\n",
            open_tag.trim_end()
        );
        return vec![replace_element(text, span, &replacement)];
    }
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    match member.fencing_spans.split_first() {
        Some((first, extra)) => {
            edits.push(replace_element(text, *first, &sections));
            for extra in extra {
                edits.push(replace_element(text, *extra, ""));
            }
        }
        None => {
            // before </clusternode>, on its own line
            let close = text[..span.end].rfind("</").unwrap_or(span.end);
            let (line_start, _) = indentation(text, close);
            let at = if text[line_start..close].trim().is_empty() {
                line_start
            } else {
                close
            };
            edits.push((at, at, sections));
        }
    }
    edits
}

fn fencedevices_edit(
    text: &str,
    conf: &ClusterConf,
    inventory: &Inventory,
) -> (usize, usize, String) {
    match conf.fencedevices {
        Some(existing) => {
            let (_, indent) = indentation(text, existing.start);
            replace_element(text, existing, &fencedevices(inventory, indent.len() / 2))
        }
        None => {
            let root = conf.span;
            let close = text[..root.end].rfind("</cluster").unwrap_or(root.end);
            (close, close, fencedevices(inventory, 1))
        }
    }
}

/// Replaces (or adds) config_version in the `<cluster>` start tag.
fn version_edit(text: &str, conf: &ClusterConf) -> Result<((usize, usize, String), u64)> {
    let root = conf.span;
    let tag_end = root.start + text[root.start..].find('>').unwrap_or(0);
    let tag = &text[root.start..tag_end];
    match &conf.config_version {
        Some(current) => {
            let version: u64 = current
                .trim()
                .parse()
                .with_context(|| format!("config_version=\"{current}\" is not a number"))?;
            let needle = "config_version=";
            let at =
                root.start + tag.find(needle).context("config_version attribute")? + needle.len();
            let quote = &text[at..at + 1];
            let value_end = at + 1 + text[at + 1..].find(quote).unwrap_or(0);
            Ok(((at + 1, value_end, (version + 1).to_string()), version + 1))
        }
        None => {
            let at = root.start + "<cluster".len();
            Ok(((at, at, " config_version=\"1\"".into()), 1))
        }
    }
}
