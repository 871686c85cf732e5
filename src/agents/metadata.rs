//! The model of a fence agent's metadata (`agent -o metadata`), read
//! leniently: what is missing gets a default, so that even metadata that
//! fails `metadata --check` can be shown and used.

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::xml::{self, Element};

/// Everything an agent says about itself.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct AgentMetadata {
    /// The name the agent reports (fence_legacy says fence_pcmk).
    pub name: String,
    /// One line: what the agent drives.
    pub shortdesc: String,
    /// The longer description.
    pub longdesc: String,
    /// The vendor's web site.
    pub vendor_url: Option<String>,
    /// Other names the agent is installed under (`<symlink>`).
    pub symlinks: Vec<Symlink>,
    /// Its parameters, in the metadata's order.
    pub parameters: Vec<Parameter>,
    /// The actions it supports.
    pub actions: Vec<Action>,
}

/// Another name of the same agent, with its own description.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Symlink {
    /// The other name.
    pub name: String,
    /// Its description.
    pub shortdesc: String,
}

/// One parameter an agent takes.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Parameter {
    /// The parameter's name.
    pub name: String,
    /// One line: what it is.
    pub shortdesc: String,
    /// Whether it must be given.
    pub required: bool,
    /// Whether its value must differ between devices.
    pub unique: bool,
    /// A deprecated name still accepted (`ipaddr`); see `replaced_by`.
    pub deprecated: bool,
    /// The deprecated name this parameter replaces (`ip` obsoletes `ipaddr`).
    pub obsoletes: Option<String>,
    /// For a deprecated parameter: the parameter that obsoletes it.
    pub replaced_by: Option<String>,
    /// The command-line form, e.g. `-a, --ip=[ip]`.
    pub getopt: Option<String>,
    /// Its type.
    #[serde(rename = "type")]
    pub content_type: ContentType,
    /// Its default value, when it has one.
    pub default: Option<String>,
    /// The allowed values of a `select` parameter.
    pub options: Vec<String>,
    /// 1-based line of its `<parameter>` in the metadata.
    pub line: usize,
}

/// The content types of metadata.rng.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    Boolean,
    String,
    Second,
    Integer,
    Select,
    /// A type metadata.rng does not know (reported by `metadata --check`).
    Unknown,
}

impl ContentType {
    pub fn from_name(name: &str) -> ContentType {
        match name {
            "boolean" => ContentType::Boolean,
            "string" => ContentType::String,
            "second" => ContentType::Second,
            "integer" => ContentType::Integer,
            "select" => ContentType::Select,
            _ => ContentType::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Boolean => "boolean",
            ContentType::String => "string",
            ContentType::Second => "second",
            ContentType::Integer => "integer",
            ContentType::Select => "select",
            ContentType::Unknown => "unknown",
        }
    }
}

/// One action an agent supports.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Action {
    /// The action (`on`, `off`, `reboot`, `status`, `monitor`, ...).
    pub name: String,
    /// The cluster runs this action when the node joins (unfencing).
    pub automatic: bool,
    /// The action must run on the target node itself.
    pub on_target: bool,
}

impl AgentMetadata {
    /// Parses an agent's metadata output.
    pub fn parse(bytes: &[u8]) -> Result<AgentMetadata> {
        let root = xml::parse(bytes).context("the agent's metadata is not well-formed XML")?;
        Self::from_element(&root)
    }

    /// Builds the model from a parsed document.
    pub fn from_element(root: &Element) -> Result<AgentMetadata> {
        if root.name != "resource-agent" {
            bail!(
                "line {}: the root element is <{}>, not <resource-agent>: this is not fence agent metadata",
                root.line,
                root.name
            );
        }
        let text_of = |name: &str| root.child(name).map(|e| e.text.trim().to_string());
        let mut parameters: Vec<Parameter> = root
            .child("parameters")
            .map(|p| p.children_named("parameter").map(parameter).collect())
            .unwrap_or_default();
        link_replacements(&mut parameters);
        Ok(AgentMetadata {
            name: root.attr("name").unwrap_or_default().to_string(),
            shortdesc: root.attr("shortdesc").unwrap_or_default().to_string(),
            longdesc: text_of("longdesc").unwrap_or_default(),
            vendor_url: text_of("vendor-url").filter(|url| !url.is_empty()),
            symlinks: root
                .children_named("symlink")
                .map(|s| Symlink {
                    name: s.attr("name").unwrap_or_default().to_string(),
                    shortdesc: s.attr("shortdesc").unwrap_or_default().to_string(),
                })
                .collect(),
            parameters,
            actions: root
                .child("actions")
                .map(|a| a.children_named("action").map(action).collect())
                .unwrap_or_default(),
        })
    }

    /// The parameter `name` means to fencing.py, which takes `-` and `_`
    /// as the same (`status-file` is `status_file`).
    pub fn find_parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameter(name)
            .or_else(|| self.parameter(&name.replace('-', "_")))
            .or_else(|| self.parameter(&name.replace('_', "-")))
    }

    /// The parameter called `name`, deprecated names included.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The action called `name`.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    pub fn has_action(&self, name: &str) -> bool {
        self.action(name).is_some()
    }

    /// Whether the cluster must unfence a node with this agent when it joins.
    pub fn needs_unfencing(&self) -> bool {
        self.action("on").is_some_and(|a| a.automatic)
    }

    /// The short names of what the agent can do, for compact listings.
    pub fn capabilities(&self) -> Vec<&'static str> {
        let mut caps = Vec::new();
        for (action, label) in [("reboot", "reboot"), ("list", "list"), ("status", "status")] {
            if self.has_action(action) {
                caps.push(label);
            }
        }
        if self.needs_unfencing() {
            caps.push("unfencing");
        }
        caps
    }

    /// Whether parameter `name` holds a secret: by its name (passwd,
    /// application_secret, consumer_key...) or by a description that says
    /// password or passphrase. A file or script holding one is not a secret.
    pub fn is_secret_parameter(&self, name: &str) -> bool {
        if crate::secrets::is_secret_name(name) {
            return true;
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("_script") || lower.ends_with("_file") {
            return false;
        }
        self.parameter(name).is_some_and(|p| {
            let desc = p.shortdesc.to_ascii_lowercase();
            desc.contains("password") || desc.contains("passphrase")
        })
    }

    /// The description this agent has under `invoked_as`: a `<symlink>`
    /// entry's own shortdesc when the name is one of its aliases.
    pub fn shortdesc_for(&self, invoked_as: &str) -> &str {
        self.symlinks
            .iter()
            .find(|s| s.name == invoked_as && !s.shortdesc.is_empty())
            .map_or(self.shortdesc.as_str(), |s| s.shortdesc.as_str())
    }
}

fn flag(element: &Element, name: &str) -> bool {
    matches!(element.attr(name), Some("1") | Some("true") | Some("yes"))
}

fn parameter(element: &Element) -> Parameter {
    let content = element.child("content");
    Parameter {
        name: element.attr("name").unwrap_or_default().to_string(),
        shortdesc: element
            .children_named("shortdesc")
            .find(|s| s.attr("lang").is_none_or(|lang| lang == "en"))
            .map(|s| s.text.trim().to_string())
            .unwrap_or_default(),
        required: flag(element, "required"),
        unique: flag(element, "unique"),
        deprecated: flag(element, "deprecated"),
        obsoletes: element.attr("obsoletes").map(str::to_string),
        replaced_by: None,
        getopt: element
            .child("getopt")
            .and_then(|g| g.attr("mixed"))
            .map(str::to_string),
        content_type: content
            .and_then(|c| c.attr("type"))
            .map_or(ContentType::String, ContentType::from_name),
        default: content.and_then(|c| c.attr("default")).map(str::to_string),
        options: content
            .map(|c| {
                c.children_named("option")
                    .filter_map(|o| o.attr("value"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        line: element.line,
    }
}

fn link_replacements(parameters: &mut [Parameter]) {
    let pairs: Vec<(String, String)> = parameters
        .iter()
        .filter_map(|p| p.obsoletes.clone().map(|old| (old, p.name.clone())))
        .collect();
    for (old, new) in pairs {
        if let Some(p) = parameters.iter_mut().find(|p| p.name == old) {
            p.replaced_by = Some(new);
        }
    }
}

fn action(element: &Element) -> Action {
    Action {
        name: element.attr("name").unwrap_or_default().to_string(),
        automatic: flag(element, "automatic"),
        on_target: flag(element, "on_target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_x" shortdesc="Fence X">
<symlink name="fence_y" shortdesc="Fence Y"/>
<longdesc>Long.</longdesc>
<vendor-url>http://x</vendor-url>
<parameters>
 <parameter name="ip" unique="0" required="1" obsoletes="ipaddr">
  <getopt mixed="-a, --ip=[ip]"/><content type="string"/><shortdesc lang="en">IP</shortdesc>
 </parameter>
 <parameter name="ipaddr" unique="0" required="1" deprecated="1">
  <getopt mixed="-a, --ip=[ip]"/><content type="string"/><shortdesc lang="en">IP</shortdesc>
 </parameter>
 <parameter name="method" unique="0" required="0">
  <getopt mixed="-m"/><content type="select" default="onoff"><option value="onoff"/><option value="cycle"/></content>
  <shortdesc lang="en">Method</shortdesc>
 </parameter>
</parameters>
<actions><action name="on" automatic="1"/><action name="off"/><action name="status"/></actions>
</resource-agent>"#;

    #[test]
    fn parses_model() {
        let meta = AgentMetadata::parse(SAMPLE.as_bytes()).unwrap();
        assert_eq!(meta.name, "fence_x");
        assert_eq!(meta.shortdesc_for("fence_y"), "Fence Y");
        assert_eq!(
            meta.parameter("ipaddr").unwrap().replaced_by.as_deref(),
            Some("ip")
        );
        assert_eq!(
            meta.parameter("method").unwrap().options,
            ["onoff", "cycle"]
        );
        assert!(meta.needs_unfencing());
        assert_eq!(meta.capabilities(), ["status", "unfencing"]);
    }

    #[test]
    fn rejects_other_documents() {
        assert!(AgentMetadata::parse(b"<html/>").is_err());
        assert!(AgentMetadata::parse(b"usage: fence_ack_manual").is_err());
    }
}
