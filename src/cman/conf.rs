//! A cman cluster.conf (RHCS 3, Proxmox VE 3) as fencing sees it: nodes
//! (with their `<altname>`s), their fence methods and unfence devices, and
//! the fence devices. Every element keeps its byte span in the file, so
//! that `generate cluster-conf --update` can replace exactly those bytes.
//!
//! [`load`] is the one way a cluster.conf is read from disk (capped read,
//! parse, model); its errors name the file and the line.

use std::path::Path;

use anyhow::{bail, Context as _, Result};

use crate::xml::Element;

/// Where an element is in the file: from its `<` to just after its end tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Span {
    fn of(element: &Element) -> Span {
        Span {
            start: element.start,
            end: element.end,
            line: element.line,
        }
    }
}

/// The parts of cluster.conf that fencing uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConf {
    pub name: String,
    /// `<cluster config_version=...>` as written.
    pub config_version: Option<String>,
    pub nodes: Vec<ClusterNode>,
    pub devices: Vec<FenceDeviceDef>,
    /// The `<cluster>` element.
    pub span: Span,
    /// `<fencedevices>`, when present.
    pub fencedevices: Option<Span>,
}

/// A `<clusternode>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterNode {
    pub name: String,
    pub nodeid: Option<String>,
    /// `<altname name=...>`s in document order (cman's other names).
    pub altnames: Vec<String>,
    pub span: Span,
    /// The `<fence>` and `<unfence>` elements, in document order.
    pub fencing_spans: Vec<Span>,
    /// `<fence><method>`s in document order.
    pub methods: Vec<Method>,
    /// `<unfence><device>`s in document order.
    pub unfence: Vec<DeviceRef>,
}

/// A `<method>`: every device in it must succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub name: String,
    pub devices: Vec<DeviceRef>,
}

/// A node's `<device name=...>` reference, with its per-node attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRef {
    pub name: String,
    /// Every attribute but `name`, in document order.
    pub attrs: Vec<(String, String)>,
    pub line: usize,
}

impl DeviceRef {
    /// The value of attribute `name` on this `<device>`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A `<fencedevice>`: the agent and its shared attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FenceDeviceDef {
    pub name: String,
    pub agent: String,
    /// Every attribute but `name` (so `agent=` too), in document order.
    pub attrs: Vec<(String, String)>,
    pub line: usize,
}

impl FenceDeviceDef {
    /// Whether the `<fencedevice>` has an `agent=` at all (cman needs one).
    pub fn has_agent(&self) -> bool {
        self.attrs
            .iter()
            .any(|(k, v)| k == "agent" && !v.is_empty())
    }
}

/// Reads, parses and models the cluster.conf at `path`.
pub fn load(path: &Path) -> Result<ClusterConf> {
    Ok(load_with_text(path)?.1)
}

/// The same, with the file's text, for editing it through the model's
/// spans (`generate cluster-conf --update`).
pub fn load_with_text(path: &Path) -> Result<(String, ClusterConf)> {
    let bytes = crate::sys::fs::read_capped(path, crate::sys::fs::CONFIG_CAP)
        .with_context(|| format!("cannot read the cluster.conf {}", path.display()))?;
    // parsed first: its error says where the text stops being UTF-8
    let conf = parse(&bytes, path)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    Ok((text, conf))
}

/// Parses and models a cluster.conf read from `path`.
fn parse(bytes: &[u8], path: &Path) -> Result<ClusterConf> {
    let root = crate::xml::parse(bytes)
        .with_context(|| format!("{} is not well-formed XML", path.display()))?;
    ClusterConf::from_element(&root).with_context(|| path.display().to_string())
}

impl ClusterConf {
    /// Reads the fencing parts of a parsed cluster.conf.
    pub fn from_element(root: &Element) -> Result<ClusterConf> {
        if root.name != "cluster" {
            bail!(
                "the root element is <{}>, not <cluster>: this is not a cluster.conf",
                root.name
            );
        }
        let devices = root
            .child("fencedevices")
            .map(|d| d.children_named("fencedevice").map(fence_device).collect())
            .unwrap_or_default();
        let nodes = root
            .child("clusternodes")
            .map(|n| n.children_named("clusternode").map(cluster_node).collect())
            .unwrap_or_default();
        Ok(ClusterConf {
            name: root.attr("name").unwrap_or_default().to_string(),
            config_version: root.attr("config_version").map(str::to_string),
            nodes,
            devices,
            span: Span::of(root),
            fencedevices: root.child("fencedevices").map(Span::of),
        })
    }

    /// The node called exactly `name`.
    pub fn node(&self, name: &str) -> Option<&ClusterNode> {
        self.nodes.iter().find(|n| n.name == name)
    }

    pub fn device(&self, name: &str) -> Option<&FenceDeviceDef> {
        self.devices.iter().find(|d| d.name == name)
    }
}

fn attrs_without_name(element: &Element) -> Vec<(String, String)> {
    element
        .attrs
        .iter()
        .filter(|(k, _)| k != "name")
        .cloned()
        .collect()
}

fn fence_device(element: &Element) -> FenceDeviceDef {
    FenceDeviceDef {
        name: element.attr("name").unwrap_or_default().to_string(),
        agent: element.attr("agent").unwrap_or_default().to_string(),
        attrs: attrs_without_name(element),
        line: element.line,
    }
}

fn device_ref(element: &Element) -> DeviceRef {
    DeviceRef {
        name: element.attr("name").unwrap_or_default().to_string(),
        attrs: attrs_without_name(element),
        line: element.line,
    }
}

fn cluster_node(element: &Element) -> ClusterNode {
    let methods = element
        .child("fence")
        .map(|fence| {
            fence
                .children_named("method")
                .map(|m| Method {
                    name: m.attr("name").unwrap_or_default().to_string(),
                    devices: m.children_named("device").map(device_ref).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    ClusterNode {
        name: element.attr("name").unwrap_or_default().to_string(),
        nodeid: element.attr("nodeid").map(str::to_string),
        altnames: element
            .children_named("altname")
            .filter_map(|a| a.attr("name"))
            .map(str::to_string)
            .collect(),
        span: Span::of(element),
        fencing_spans: element
            .children
            .iter()
            .filter(|c| c.name == "fence" || c.name == "unfence")
            .map(Span::of)
            .collect(),
        methods,
        unfence: element
            .child("unfence")
            .map(|u| u.children_named("device").map(device_ref).collect())
            .unwrap_or_default(),
    }
}

impl crate::cman::nodename::NamedNode for ClusterNode {
    fn name(&self) -> &str {
        &self.name
    }
    fn altnames(&self) -> &[String] {
        &self.altnames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ovh_notes_layout() {
        let xml = br#"<?xml version="1.0"?>
<cluster config_version="45" name="c">
  <fencedevices>
    <fencedevice agent="fence_ovh" plug="ns1" login="u" name="fence01" passwd="p"/>
  </fencedevices>
  <clusternodes>
    <clusternode name="ns1" nodeid="1" votes="1">
      <fence><method name="1"><device action="off" name="fence01"/></method></fence>
      <unfence><device name="fence01" action="on"/></unfence>
    </clusternode>
  </clusternodes>
</cluster>"#;
        let conf = ClusterConf::from_element(&crate::xml::parse(xml).unwrap()).unwrap();
        let node = conf.node("ns1").unwrap();
        assert_eq!(
            node.methods[0].devices[0].attrs,
            [("action".to_string(), "off".to_string())]
        );
        assert_eq!(node.unfence.len(), 1);
        let device = conf.device("fence01").unwrap();
        assert_eq!(device.agent, "fence_ovh");
        assert_eq!(
            device.attrs[0],
            ("agent".to_string(), "fence_ovh".to_string())
        );
    }
}
