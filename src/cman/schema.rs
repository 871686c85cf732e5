//! cman's cluster.conf RELAX NG schema, built as `ccs_update_schema` built
//! /var/lib/cluster/cluster.rng: cman's fixed parts, then one group per
//! installed fence agent, made from its metadata as fence-agents'
//! `fence2rng.xsl` makes it. No xsltproc: the fixed parts are embedded
//! (origins in `rng/ORIGIN.md`) and the agents' part is written here.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _, Result};

use crate::agents::finding::Finding;
use crate::agents::metadata::AgentMetadata;
use crate::agents::runner::{self, Invocation};

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

/// Checks the cluster.conf at `file` against the schema `rng` with
/// `xmllint --noout --relaxng`, as `ccs_config_validate` did: one finding
/// per error xmllint reports (the schema is written to a temporary file).
pub fn validate(rng: &str, file: &Path) -> Result<Vec<Finding>> {
    let mut schema = tempfile::Builder::new()
        .prefix("fencectl-cluster-")
        .suffix(".rng")
        .tempfile()
        .context("cannot write the schema to a temporary file")?;
    schema
        .write_all(rng.as_bytes())
        .and_then(|()| schema.flush())
        .context("cannot write the schema to a temporary file")?;
    let run = runner::run(&Invocation {
        program: Path::new(XMLLINT),
        args: vec![
            "--noout".into(),
            "--relaxng".into(),
            utf8(schema.path())?.into(),
            utf8(file)?.into(),
        ],
        stdin: None,
        timeout: XMLLINT_TIMEOUT,
        output_cap: runner::DEFAULT_OUTPUT_CAP,
        echo: None,
    });
    let run = match run {
        Ok(run) => run,
        Err(e) if is_not_found(&e) => bail!(
            "xmllint is not installed: the schema check needs it (Debian: apt install libxml2-utils)"
        ),
        Err(e) => return Err(e),
    };
    let stderr = String::from_utf8_lossy(&run.stderr);
    let prefix = format!("{}:", file.display());
    let mut findings: Vec<Finding> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .filter_map(|rest| {
            let (line, message) = rest.split_once(':')?;
            let line: usize = line.trim().parse().ok()?;
            let message = message.trim().replace("Relax-NG validity error : ", "");
            Some(Finding::error(
                "schema",
                "schema",
                Some(line),
                format!("line {line}: {message}"),
            ))
        })
        .collect();
    if !run.success() && findings.is_empty() {
        findings.push(Finding::error(
            "schema",
            "schema",
            None,
            format!(
                "xmllint refused the file: {}",
                run.failure_reason(XMLLINT_TIMEOUT)
            ),
        ));
    }
    Ok(findings)
}

/// xmllint the program (Debian's libxml2-utils).
const XMLLINT: &str = "xmllint";
const XMLLINT_TIMEOUT: Duration = Duration::from_secs(60);

fn utf8(path: &Path) -> Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not a UTF-8 path", path.display()))
}

fn is_not_found(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    })
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
