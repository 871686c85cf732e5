//! cman's cluster.conf RELAX NG schema, built as `ccs_update_schema` built
//! /var/lib/cluster/cluster.rng: cman's fixed parts, then one group per
//! installed fence agent, made from its metadata as fence-agents'
//! `fence2rng.xsl` makes it. No xsltproc: the fixed parts are embedded
//! (origins in `rng/ORIGIN.md`) and the agents' part is written here.

use crate::agents::metadata::AgentMetadata;

const CLUSTER_HEAD: &str = include_str!("rng/cluster.rng.in.head");
const RESOURCE_STUB: &str = include_str!("rng/resource-agents-stub.rng");
const FENCE_HEAD: &str = include_str!("rng/fence.rng.head");
const FENCE_TAIL: &str = include_str!("rng/fence.rng.tail");
const CLUSTER_TAIL: &str = include_str!("rng/cluster.rng.in.tail");

/// Agents `ccs_update_schema` never described: cman's own tools and agents
/// that take no device parameters.
pub const SKIPPED_AGENTS: &[&str] = &[
    "fence_legacy",
    "fence_node",
    "fence_nss_wrapper",
    "fence_pcmk",
    "fence_tool",
    "fence_vmware_helper",
    "fence_ack_manual",
];

/// One agent's part of the schema: its metadata, or why there is none.
pub enum AgentPart<'a> {
    Metadata(&'a AgentMetadata),
    /// The agent could not describe itself; cman wrote a comment instead.
    Problem(&'a str),
}

/// The whole schema. `agents` are (file name, part) in the order given.
pub fn cluster_rng<'a>(agents: impl IntoIterator<Item = (&'a str, AgentPart<'a>)>) -> String {
    let mut out = String::with_capacity(CLUSTER_HEAD.len() + 256 * 1024);
    for piece in [CLUSTER_HEAD, RESOURCE_STUB, FENCE_HEAD] {
        out.push_str(piece);
    }
    for (name, part) in agents {
        match part {
            AgentPart::Metadata(metadata) => push_agent_group(&mut out, metadata),
            AgentPart::Problem(_) => {
                out.push_str(&format!(
                    "<!-- Problem evaluating metadata for {} -->\n",
                    comment_safe(name)
                ));
            }
        }
    }
    out.push_str(FENCE_TAIL);
    out.push_str(CLUSTER_TAIL);
    out
}

const INIT_INDENT: &str = "      ";
const INDENT: &str = "  ";

/// fence2rng.xsl's output for one agent: a group of optional attributes,
/// `option` (deprecated) first, then every parameter with its description.
fn push_agent_group(out: &mut String, metadata: &AgentMetadata) {
    let name = attr(&metadata.name);
    out.push('\n');
    out.push_str(&format!(
        "{INIT_INDENT}<!-- {} -->\n",
        comment_safe(&metadata.name)
    ));
    out.push_str(&format!(
        "{INIT_INDENT}<group rha:name=\"{name}\" rha:description=\"{}\">\n",
        attr(&metadata.shortdesc)
    ));
    let optional_open = format!("{INIT_INDENT}{INDENT}<optional>\n");
    let optional_close = format!("{INIT_INDENT}{INDENT}</optional>\n");
    let attribute_indent = format!("{INIT_INDENT}{INDENT}{INDENT}");
    out.push_str(&optional_open);
    out.push_str(&format!(
        "{attribute_indent}<attribute name=\"option\"/> \
         <!-- deprecated; for compatibility.  use \"action\" -->\n"
    ));
    out.push_str(&optional_close);
    for parameter in &metadata.parameters {
        out.push_str(&optional_open);
        out.push_str(&format!(
            "{attribute_indent}<attribute name=\"{}\" rha:description=\"{}\" />\n",
            attr(&parameter.name),
            attr(&normalize_space(&parameter.shortdesc))
        ));
        out.push_str(&optional_close);
    }
    out.push_str(&format!("{INIT_INDENT}</group>\n\n"));
}

/// XPath's normalize-space: trimmed, runs of whitespace as one space.
fn normalize_space(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// An attribute value. fence2rng.xsl escapes only `"`, so a description
/// with `&` or `<` broke the whole schema; both are escaped here (`>` is
/// legal in an attribute and kept, so the output matches cman's).
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a comment: `--` may not appear there.
fn comment_safe(text: &str) -> String {
    text.replace("--", "- -")
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"<?xml version="1.0" ?>
<resource-agent name="fence_x" shortdesc="Fence &quot;X&quot; &amp; Y">
<longdesc>X</longdesc>
<vendor-url>https://example.org</vendor-url>
<parameters>
<parameter name="ip" unique="0" required="1"><getopt mixed="-a, --ip=[ip]"/><content type="string"/><shortdesc lang="en">IP   address
 or hostname</shortdesc></parameter>
</parameters>
<actions><action name="off"/></actions>
</resource-agent>
"#;

    #[test]
    fn agent_group_as_fence2rng_writes_it() {
        let metadata = AgentMetadata::parse(METADATA.as_bytes()).unwrap();
        let mut out = String::new();
        push_agent_group(&mut out, &metadata);
        assert_eq!(
            out,
            "\n      <!-- fence_x -->\n      \
             <group rha:name=\"fence_x\" rha:description=\"Fence &quot;X&quot; &amp; Y\">\n        \
             <optional>\n          \
             <attribute name=\"option\"/> <!-- deprecated; for compatibility.  use \"action\" -->\n        \
             </optional>\n        \
             <optional>\n          \
             <attribute name=\"ip\" rha:description=\"IP address or hostname\" />\n        \
             </optional>\n      \
             </group>\n\n"
        );
    }

    #[test]
    fn whole_schema_is_well_formed() {
        let metadata = AgentMetadata::parse(METADATA.as_bytes()).unwrap();
        let rng = cluster_rng([
            ("fence_x", AgentPart::Metadata(&metadata)),
            ("fence_broken", AgentPart::Problem("exited 1")),
        ]);
        let root = crate::xml::parse(rng.as_bytes()).unwrap();
        assert_eq!(root.name, "grammar");
        assert!(rng.contains("<!-- Problem evaluating metadata for fence_broken -->"));
    }
}
