//! Reading a cman cluster.conf (RHCS 3, Proxmox VE 3) for fencing: nodes,
//! their fence methods and unfence devices, and the fence devices.

use anyhow::{bail, Result};

use crate::xml::Element;

/// The parts of cluster.conf that fencing uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConf {
    pub name: String,
    pub nodes: Vec<ClusterNode>,
    pub devices: Vec<FenceDeviceDef>,
}

/// A `<clusternode>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterNode {
    pub name: String,
    pub nodeid: Option<String>,
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

/// A `<fencedevice>`: the agent and its shared attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FenceDeviceDef {
    pub name: String,
    pub agent: String,
    /// Every attribute but `name` (so `agent=` too), in document order.
    pub attrs: Vec<(String, String)>,
    pub line: usize,
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
            nodes,
            devices,
        })
    }

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
        methods,
        unfence: element
            .child("unfence")
            .map(|u| u.children_named("device").map(device_ref).collect())
            .unwrap_or_default(),
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
