//! The picture of who fences whom: each node, its levels or methods in
//! order, the devices of each with agent and address, a device shared by
//! several nodes drawn once. Lint findings are marked: a node nothing can
//! fence in red, nodes and devices with findings in orange. Graphviz DOT
//! (and SVG through `dot`) or Mermaid.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Result};

use super::{CheckReport, Severity};
use crate::agents::runner::{self, Invocation};

/// The picture's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphType {
    Dot,
    Svg,
    Mermaid,
}

/// How bad the findings about an element are.
fn marks(report: &CheckReport) -> BTreeMap<String, Severity> {
    let mut marks = BTreeMap::new();
    for finding in &report.findings {
        // `node X`, `primitive X`, `fencedevice X (line N)`, `node X level/method ...`
        let element = finding.element.as_str();
        let keys: Vec<String> = if let Some(names) = element.strip_prefix("nodes ") {
            names.split(", ").map(|n| format!("node:{n}")).collect()
        } else {
            let mut words = element.split_whitespace();
            match (words.next(), words.next()) {
                (Some("node"), Some(name)) => vec![format!("node:{name}")],
                (Some("primitive" | "fencedevice"), Some(name)) => vec![format!("dev:{name}")],
                _ => continue,
            }
        };
        for key in keys {
            let entry = marks.entry(key).or_insert(finding.severity);
            *entry = (*entry).max(finding.severity);
        }
    }
    marks
}

/// A device as drawn: its id, agent and address.
struct Drawn {
    id: String,
    agent: String,
    address: Option<String>,
}

/// Devices in first-seen order, each once; edges device -> node with the
/// stage label.
fn layout(report: &CheckReport) -> (Vec<Drawn>, Vec<(String, String, String)>) {
    let mut devices: Vec<Drawn> = Vec::new();
    let mut edges = Vec::new();
    for node in &report.nodes {
        for stage in &node.stages {
            for device in &stage.devices {
                if !devices.iter().any(|d| d.id == device.device) {
                    devices.push(Drawn {
                        id: device.device.clone(),
                        agent: device.agent.clone(),
                        address: device.address.clone(),
                    });
                }
                let edge = (
                    device.device.clone(),
                    node.node.clone(),
                    stage.label.clone(),
                );
                if !edges.contains(&edge) {
                    edges.push(edge);
                }
            }
        }
    }
    (devices, edges)
}

/// The picture as text (DOT or Mermaid), or SVG rendered by Graphviz.
pub fn render(report: &CheckReport, kind: GraphType) -> Result<Vec<u8>> {
    match kind {
        GraphType::Dot => Ok(dot(report).into_bytes()),
        GraphType::Mermaid => Ok(mermaid(report).into_bytes()),
        GraphType::Svg => svg(&dot(report)),
    }
}

fn dot_quote(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            '\n' => vec!['\\', 'n'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

fn colour(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Error) => ", color=\"#c00000\", style=filled, fillcolor=\"#ffd6d6\"",
        Some(Severity::Warning) => ", color=\"#d07000\", style=filled, fillcolor=\"#ffe9c7\"",
        _ => "",
    }
}

/// Graphviz DOT.
pub fn dot(report: &CheckReport) -> String {
    let marks = marks(report);
    let (devices, edges) = layout(report);
    let mut out = String::from(
        "digraph fencing {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    for device in &devices {
        let mut label = format!("{}\n{}", device.id, device.agent);
        if let Some(address) = &device.address {
            label.push_str(&format!("\n{address}"));
        }
        out.push_str(&format!(
            "  {} [shape=box, label={}{}];\n",
            dot_quote(&format!("dev:{}", device.id)),
            dot_quote(&label),
            colour(marks.get(&format!("dev:{}", device.id)).copied())
        ));
    }
    for node in &report.nodes {
        let severity = if node.fenceable {
            marks.get(&format!("node:{}", node.node)).copied()
        } else {
            Some(Severity::Error)
        };
        let label = if node.fenceable {
            node.node.clone()
        } else {
            format!("{}\ncannot be fenced", node.node)
        };
        out.push_str(&format!(
            "  {} [shape=ellipse, label={}{}];\n",
            dot_quote(&format!("node:{}", node.node)),
            dot_quote(&label),
            colour(severity)
        ));
    }
    for (device, node, stage) in &edges {
        out.push_str(&format!(
            "  {} -> {} [label={}];\n",
            dot_quote(&format!("dev:{device}")),
            dot_quote(&format!("node:{node}")),
            dot_quote(stage)
        ));
    }
    out.push_str("}\n");
    out
}

fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => "#quot;".to_string(),
            '<' => "#lt;".to_string(),
            '>' => "#gt;".to_string(),
            '|' => "#124;".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Mermaid, for pasting into wikis.
pub fn mermaid(report: &CheckReport) -> String {
    let marks = marks(report);
    let (devices, edges) = layout(report);
    let mut out = String::from("flowchart LR\n");
    let mut classes: Vec<(String, &str)> = Vec::new();
    let class_of = |severity: Option<Severity>| match severity {
        Some(Severity::Error) => Some("error"),
        Some(Severity::Warning) => Some("warning"),
        _ => None,
    };
    for (i, device) in devices.iter().enumerate() {
        let mut label = format!(
            "{}<br/>{}",
            mermaid_text(&device.id),
            mermaid_text(&device.agent)
        );
        if let Some(address) = &device.address {
            label.push_str(&format!("<br/>{}", mermaid_text(address)));
        }
        out.push_str(&format!("  d{i}[\"{label}\"]\n"));
        if let Some(class) = class_of(marks.get(&format!("dev:{}", device.id)).copied()) {
            classes.push((format!("d{i}"), class));
        }
    }
    for (i, node) in report.nodes.iter().enumerate() {
        let label = if node.fenceable {
            mermaid_text(&node.node)
        } else {
            format!("{}<br/>cannot be fenced", mermaid_text(&node.node))
        };
        out.push_str(&format!("  n{i}([\"{label}\"])\n"));
        let severity = if node.fenceable {
            marks.get(&format!("node:{}", node.node)).copied()
        } else {
            Some(Severity::Error)
        };
        if let Some(class) = class_of(severity) {
            classes.push((format!("n{i}"), class));
        }
    }
    for (device, node, stage) in &edges {
        let d = devices
            .iter()
            .position(|x| &x.id == device)
            .unwrap_or_default();
        let n = report
            .nodes
            .iter()
            .position(|x| &x.node == node)
            .unwrap_or_default();
        out.push_str(&format!("  d{d} -->|\"{}\"| n{n}\n", mermaid_text(stage)));
    }
    out.push_str("  classDef error fill:#ffd6d6,stroke:#c00000\n");
    out.push_str("  classDef warning fill:#ffe9c7,stroke:#d07000\n");
    for (id, class) in classes {
        out.push_str(&format!("  class {id} {class}\n"));
    }
    out
}

/// SVG through Graphviz's `dot`.
fn svg(dot: &str) -> Result<Vec<u8>> {
    let timeout = Duration::from_secs(60);
    let run = runner::run(&Invocation {
        program: Path::new("dot"),
        args: vec!["-Tsvg".into()],
        stdin: Some(dot.as_bytes().to_vec()),
        timeout,
        output_cap: 64 * 1024 * 1024,
        echo: None,
    });
    let run = match run {
        Ok(run) => run,
        Err(e) if is_not_found(&e) => bail!(
            "-T svg needs Graphviz's `dot`, which is not installed: install the graphviz \
             package (Debian: apt-get install graphviz), or use -T dot or -T mermaid"
        ),
        Err(e) => return Err(e.context("cannot run Graphviz's dot")),
    };
    if !run.success() {
        bail!(
            "Graphviz's dot failed ({}): {}",
            run.failure_reason(timeout),
            String::from_utf8_lossy(&run.stderr).trim()
        );
    }
    Ok(run.stdout)
}

fn is_not_found(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    })
}
