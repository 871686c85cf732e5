//! Reading a Pacemaker CIB for fencing: nodes and their attributes, stonith
//! primitives, and the fencing topology.

use anyhow::{bail, Result};

use super::version::{read_option, FencingOption, PacemakerVersion};
use crate::xml::Element;

/// Pacemaker's false booleans (`crm_is_true` is false for these).
fn is_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "no" | "off" | "n" | "0"
    )
}

/// The parts of a CIB that fencing uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cib {
    /// Cluster options (`crm_config` nvpairs), in document order.
    pub options: Vec<(String, String)>,
    pub nodes: Vec<CibNode>,
    pub devices: Vec<StonithDevice>,
    pub levels: Vec<FencingLevel>,
}

/// A `<node>` of `<nodes>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CibNode {
    pub id: String,
    pub uname: String,
    /// Node attributes (`instance_attributes` nvpairs).
    pub attributes: Vec<(String, String)>,
}

/// A `<primitive class="stonith">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StonithDevice {
    pub id: String,
    pub agent: String,
    /// `instance_attributes` nvpairs, in document order.
    pub params: Vec<(String, String)>,
    /// The effective `meta_attributes`: those of `rsc_defaults`, then of
    /// the enclosing group or clone, then the primitive's own (the last
    /// one wins, as in Pacemaker's `rsc->meta`).
    pub meta: Vec<(String, String)>,
    /// Where the effective target-role comes from, when not from the
    /// primitive itself (`group grp-fencing`, `rsc_defaults`).
    pub role_from: Option<String>,
}

impl StonithDevice {
    pub fn param(&self, name: &str) -> Option<&str> {
        lookup(&self.params, name)
    }

    /// Why the device is disabled, if it is: pacemaker-fenced does not
    /// register a device whose effective meta `target-role` is Stopped (any
    /// case; `pe__resource_is_disabled`), own or inherited from a group,
    /// a clone or `rsc_defaults`. Such a device fences nothing.
    pub fn disabled(&self) -> Option<String> {
        let role = lookup(&self.meta, "target-role")?;
        role.eq_ignore_ascii_case("stopped")
            .then(|| match &self.role_from {
                Some(from) => format!("target-role={role}, from {from}"),
                None => format!("target-role={role}"),
            })
    }
}

/// Which nodes a fencing level applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LevelTarget {
    Node(String),
    Pattern(String),
    Attribute { name: String, value: String },
}

/// A `<fencing-level>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FencingLevel {
    pub id: String,
    pub index: u32,
    pub target: LevelTarget,
    pub devices: Vec<String>,
}

pub use super::params::lookup;

impl super::topology::LevelLike for FencingLevel {
    fn target(&self) -> &LevelTarget {
        &self.target
    }
    fn index(&self) -> u32 {
        self.index
    }
    fn label(&self) -> String {
        self.id.clone()
    }
}

impl Cib {
    /// Reads the fencing parts of a parsed CIB (a whole `<cib>` or a bare
    /// `<configuration>`).
    pub fn from_element(root: &Element) -> Result<Cib> {
        let configuration = match root.name.as_str() {
            "cib" => root
                .child("configuration")
                .ok_or_else(|| anyhow::anyhow!("the <cib> has no <configuration> section"))?,
            "configuration" => root,
            other => bail!("the root element is <{other}>, not <cib>: this is not a Pacemaker CIB"),
        };
        let options = configuration
            .child("crm_config")
            .map(|c| nvpairs(c, "cluster_property_set"))
            .unwrap_or_default();
        let nodes = configuration
            .child("nodes")
            .map(|n| n.children_named("node").map(cib_node).collect())
            .unwrap_or_default();
        let mut devices = Vec::new();
        if let Some(resources) = configuration.child("resources") {
            let defaults = configuration
                .child("rsc_defaults")
                .map(|d| inherited(nvpairs(d, "meta_attributes"), "rsc_defaults"))
                .unwrap_or_default();
            collect_stonith(resources, &defaults, &mut devices);
        }
        let levels = configuration
            .child("fencing-topology")
            .map(|t| {
                t.children_named("fencing-level")
                    .map(fencing_level)
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(Cib {
            options,
            nodes,
            devices,
            levels,
        })
    }

    /// A fencing cluster option as the fencer of `version` reads it:
    /// before 3.0.2 only the `stonith-*` name; since, either name, the
    /// 3.0.2 name winning. The flag says the legacy name gave it.
    pub fn option(&self, option: FencingOption, version: PacemakerVersion) -> Option<(&str, bool)> {
        if version.has_fencing_option_names() {
            read_option(&self.options, option)
        } else {
            lookup(&self.options, option.legacy_name()).map(|value| (value, true))
        }
    }

    /// What a fencer of `version` would say about the CIB's fencing
    /// cluster options: legacy names it deprecates (3.0.2 and later), new
    /// names it does not know (before 3.0.2), and fencing switched off.
    pub fn option_warnings(&self, version: PacemakerVersion) -> Vec<String> {
        let mut warnings = Vec::new();
        let has = |name: &str| lookup(&self.options, name).is_some();
        for option in FencingOption::ALL {
            let (legacy, new) = (option.legacy_name(), option.name());
            if version.has_fencing_option_names() && has(legacy) {
                let shadowed = if has(new) {
                    format!(", and {new} is set too, which wins")
                } else {
                    " (still read)".to_string()
                };
                warnings.push(format!(
                    "cluster option {legacy} is deprecated since Pacemaker 3.0.2{shadowed}: \
                     rename it {new}"
                ));
            } else if !version.has_fencing_option_names() && has(new) {
                warnings.push(format!(
                    "cluster option {new} is a Pacemaker 3.0.2 name: Pacemaker {version} ignores \
                     it and reads {legacy}"
                ));
            }
        }
        if let Some((value, legacy)) = self.option(FencingOption::Enabled, version) {
            if is_false(value) {
                let name = if legacy {
                    FencingOption::Enabled.legacy_name()
                } else {
                    FencingOption::Enabled.name()
                };
                warnings.push(format!(
                    "the cluster has fencing switched off ({name}={value}): Pacemaker itself \
                     will not fence a node"
                ));
            }
        }
        warnings
    }

    pub fn node(&self, uname: &str) -> Option<&CibNode> {
        self.nodes.iter().find(|n| n.uname == uname)
    }

    pub fn device(&self, id: &str) -> Option<&StonithDevice> {
        self.devices.iter().find(|d| d.id == id)
    }
}

fn nvpairs(element: &Element, set: &str) -> Vec<(String, String)> {
    element
        .children_named(set)
        .flat_map(|s| s.children_named("nvpair"))
        .filter_map(|nv| {
            Some((
                nv.attr("name")?.to_string(),
                nv.attr("value").unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn cib_node(element: &Element) -> CibNode {
    CibNode {
        id: element.attr("id").unwrap_or_default().to_string(),
        uname: element.attr("uname").unwrap_or_default().to_string(),
        attributes: nvpairs(element, "instance_attributes"),
    }
}

/// Meta attributes inherited from `origin`: (name, value, origin).
type Inherited = Vec<(String, String, String)>;

fn inherited(pairs: Vec<(String, String)>, origin: &str) -> Inherited {
    pairs
        .into_iter()
        .map(|(name, value)| (name, value, origin.to_string()))
        .collect()
}

/// Stonith primitives anywhere under `<resources>` (groups and clones
/// too), with the meta attributes they inherit.
fn collect_stonith(element: &Element, inherit: &Inherited, out: &mut Vec<StonithDevice>) {
    for child in &element.children {
        if child.name == "primitive" && child.attr("class") == Some("stonith") {
            let own = nvpairs(child, "meta_attributes");
            let role_from = match lookup(&own, "target-role") {
                Some(_) => None,
                None => inherit
                    .iter()
                    .rev()
                    .find(|(name, _, _)| name == "target-role")
                    .map(|(_, _, origin)| origin.clone()),
            };
            let mut meta: Vec<(String, String)> = inherit
                .iter()
                .map(|(name, value, _)| (name.clone(), value.clone()))
                .collect();
            meta.extend(own);
            out.push(StonithDevice {
                id: child.attr("id").unwrap_or_default().to_string(),
                agent: child.attr("type").unwrap_or_default().to_string(),
                params: nvpairs(child, "instance_attributes"),
                meta,
                role_from,
            });
        } else if matches!(child.name.as_str(), "group" | "clone" | "master" | "bundle") {
            let origin = format!("{} {}", child.name, child.attr("id").unwrap_or_default());
            let mut inner = inherit.clone();
            inner.extend(inherited(nvpairs(child, "meta_attributes"), &origin));
            collect_stonith(child, &inner, out);
        } else {
            collect_stonith(child, inherit, out);
        }
    }
}

fn fencing_level(element: &Element) -> Result<FencingLevel> {
    let id = element.attr("id").unwrap_or_default().to_string();
    let index = element
        .attr("index")
        .and_then(|i| i.trim().parse().ok())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "line {}: fencing-level {id} has no valid index",
                element.line
            )
        })?;
    let target = if let Some(node) = element.attr("target") {
        LevelTarget::Node(node.to_string())
    } else if let Some(pattern) = element.attr("target-pattern") {
        LevelTarget::Pattern(pattern.to_string())
    } else if let (Some(name), Some(value)) = (
        element.attr("target-attribute"),
        element.attr("target-value"),
    ) {
        LevelTarget::Attribute {
            name: name.to_string(),
            value: value.to_string(),
        }
    } else {
        bail!("line {}: fencing-level {id} names no target (target, target-pattern or target-attribute)", element.line);
    };
    let devices = element
        .attr("devices")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .collect();
    Ok(FencingLevel {
        id,
        index,
        target,
        devices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_devices_levels_and_nodes() {
        let xml = br#"<cib><configuration><crm_config/>
<nodes><node id="1" uname="node1"><instance_attributes id="n1"><nvpair id="n1a" name="rack" value="r1"/></instance_attributes></node></nodes>
<resources><primitive id="ipmi1" class="stonith" type="fence_ipmilan">
<instance_attributes id="i"><nvpair id="i1" name="ip" value="192.0.2.1"/></instance_attributes>
<meta_attributes id="m"><nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes></primitive></resources>
<constraints/>
<fencing-topology><fencing-level id="l1" index="1" target-attribute="rack" target-value="r1" devices="ipmi1,pdu"/></fencing-topology>
</configuration><status/></cib>"#;
        let cib = Cib::from_element(&crate::xml::parse(xml).unwrap()).unwrap();
        assert_eq!(cib.node("node1").unwrap().attributes[0].1, "r1");
        let device = cib.device("ipmi1").unwrap();
        assert_eq!(device.param("ip"), Some("192.0.2.1"));
        assert_eq!(device.disabled().as_deref(), Some("target-role=Stopped"));
        assert_eq!(cib.levels[0].devices, ["ipmi1", "pdu"]);
        assert_eq!(
            cib.levels[0].target,
            LevelTarget::Attribute {
                name: "rack".into(),
                value: "r1".into()
            }
        );
    }

    /// See issue 10: a device is disabled by its own target-role in any
    /// case, or by one inherited from its group or from rsc_defaults.
    #[test]
    fn issue10_disabled_devices_inherit_target_role() {
        let xml = br#"<cib><configuration><crm_config/><nodes/>
<resources>
  <group id="grp-fencing">
    <meta_attributes id="grp-fencing-meta_attributes"><nvpair id="grp-fencing-meta_attributes-target-role" name="target-role" value="stopped"/></meta_attributes>
    <primitive id="in-group" class="stonith" type="fence_ipmilan"/>
    <primitive id="own-wins" class="stonith" type="fence_ipmilan">
      <meta_attributes id="own-wins-meta_attributes"><nvpair id="own-wins-meta_attributes-target-role" name="target-role" value="Started"/></meta_attributes>
    </primitive>
  </group>
  <primitive id="plain" class="stonith" type="fence_ipmilan"/>
</resources>
<rsc_defaults><meta_attributes id="rsc_defaults-options"><nvpair id="rsc_defaults-options-target-role" name="target-role" value="STOPPED"/></meta_attributes></rsc_defaults>
</configuration></cib>"#;
        let cib = Cib::from_element(&crate::xml::parse(xml).unwrap()).unwrap();
        let why = |id: &str| cib.device(id).unwrap().disabled();
        assert_eq!(
            why("in-group").as_deref(),
            Some("target-role=stopped, from group grp-fencing")
        );
        assert_eq!(why("own-wins"), None);
        assert_eq!(
            why("plain").as_deref(),
            Some("target-role=STOPPED, from rsc_defaults")
        );
    }

    /// See issue 10: both names of a fencing cluster option are read (the
    /// 3.0.2 name wins); a 3.0.2 fencer deprecates the old ones.
    #[test]
    fn issue10_cluster_options_by_either_name() {
        let xml = br#"<cib><configuration><crm_config>
<cluster_property_set id="cib-bootstrap-options">
  <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
  <nvpair id="cib-bootstrap-options-stonith-timeout" name="stonith-timeout" value="150s"/>
  <nvpair id="cib-bootstrap-options-fencing-enabled" name="fencing-enabled" value="true"/>
</cluster_property_set></crm_config><nodes/><resources/></configuration></cib>"#;
        let cib = Cib::from_element(&crate::xml::parse(xml).unwrap()).unwrap();
        let (v21, v302) = (
            PacemakerVersion::new(2, 1, 5),
            PacemakerVersion::new(3, 0, 2),
        );
        assert_eq!(
            cib.option(FencingOption::Enabled, v302),
            Some(("true", false))
        );
        assert_eq!(
            cib.option(FencingOption::Enabled, v21),
            Some(("false", true))
        );
        assert_eq!(
            cib.option(FencingOption::Timeout, v302),
            Some(("150s", true))
        );
        let old = cib.option_warnings(v21);
        assert_eq!(old.len(), 2, "{old:?}");
        assert!(old[0].contains("Pacemaker 2.1.5 ignores it"), "{old:?}");
        assert!(
            old[1].contains("switched off (stonith-enabled=false)"),
            "{old:?}"
        );
        let new = cib.option_warnings(v302);
        assert_eq!(new.len(), 2, "{new:?}");
        assert!(new[0].contains("fencing-enabled is set too"), "{new:?}");
        assert!(new.iter().any(|w| w.contains("rename it fencing-timeout")));
    }
}
