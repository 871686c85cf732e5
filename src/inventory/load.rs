//! Reading an inventory: TOML, secrets from files and the environment,
//! deprecated names replaced by new ones, nodes numbered.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{Device, DeviceSpec, FencingSpec, Inventory, InventoryFile, Level, Node};
use crate::agents::finding::Finding;

use crate::agents::lookup::AgentLookup;
use crate::agents::metadata::AgentMetadata;
use crate::pacemaker::cib::LevelTarget;

/// Reads and resolves `path`. `metadata` looks an agent's metadata up (None
/// when metadata is not used); notes about renamed or dropped parameters
/// come back as warnings.
pub fn load(path: &Path, agents: &mut AgentLookup<'_>) -> Result<(Inventory, Vec<Finding>)> {
    let text = crate::sys::fs::read_string_capped(path, crate::sys::fs::CONFIG_CAP)
        .context("cannot read the inventory")?;
    let file: InventoryFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!(toml_error(&text, &e)))
        .with_context(|| format!("{} is not a valid inventory", path.display()))?;
    let mut notes = Vec::new();
    let nodes = nodes(&file)?;
    let mut devices = Vec::new();
    let mut seen = BTreeSet::new();
    for spec in &file.devices {
        if !seen.insert(spec.id.clone()) {
            bail!(
                "device id '{}' is used twice: every device needs its own id",
                spec.id
            );
        }
        let meta = agents.metadata(&spec.agent);
        devices.push(device(spec, meta.as_deref(), &mut notes)?);
    }
    let mut levels = Vec::new();
    for spec in &file.fencing {
        levels.extend(fencing(spec)?);
    }
    Ok((
        Inventory {
            name: file.cluster.name.clone(),
            config_version: file.cluster.config_version.unwrap_or(1),
            nodes,
            devices,
            levels,
        },
        notes,
    ))
}

/// A TOML error without the toml crate's quoted source line, which may
/// hold a password (`password = "..."`): the line, column and key, and the
/// message with any quoted value taken out.
fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = redact_quoted(error.message());
    let Some(span) = error.span() else {
        return message;
    };
    let at = span.start.min(text.len());
    let (line, column) = crate::xml::line_column(text.as_bytes(), at);
    let line_text = text[..at].rsplit('\n').next().unwrap_or_default();
    let key = line_text
        .split_once('=')
        .map(|(key, _)| key.trim())
        .filter(|key| {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        })
        .map(|key| format!(", key {}", key.trim_matches('"')))
        .unwrap_or_default();
    format!("line {line}, column {column}{key}: {message}")
}

/// `message` with every "quoted" or `quoted` part but field names replaced:
/// serde quotes the offending value (`invalid type: string "S3cret"`).
fn redact_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        if i % 2 == 0 {
            out.push_str("(value not shown)");
        } else {
            out.push_str(part);
        }
    }
    out.trim_end().to_string()
}

fn nodes(file: &InventoryFile) -> Result<Vec<Node>> {
    let mut names = BTreeSet::new();
    let mut used: BTreeSet<u32> = file.nodes.iter().filter_map(|n| n.nodeid).collect();
    let mut next = 1;
    let mut nodes = Vec::new();
    for spec in &file.nodes {
        if !names.insert(spec.name.clone()) {
            bail!("node '{}' is listed twice", spec.name);
        }
        if spec.nodeid == Some(0) {
            bail!("node '{}': nodeid must be 1 or more", spec.name);
        }
        let nodeid = spec.nodeid.unwrap_or_else(|| {
            while used.contains(&next) {
                next += 1;
            }
            used.insert(next);
            next
        });
        nodes.push(Node {
            name: spec.name.clone(),
            nodeid,
            attributes: spec
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
    }
    let mut ids = BTreeSet::new();
    for node in &nodes {
        if !ids.insert(node.nodeid) {
            bail!("nodeid {} is used by two nodes", node.nodeid);
        }
    }
    Ok(nodes)
}

/// A TOML value as the agent will read it; None for a false boolean (agents
/// read any value as "on", so false means "leave it out").
fn value_text(device: &str, name: &str, value: &toml::Value) -> Result<Option<String>> {
    Ok(Some(match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(true) => "1".into(),
        toml::Value::Boolean(false) => return Ok(None),
        other => bail!(
            "device {device}: parameter {name} must be a string, number or boolean, not {}",
            other.type_str()
        ),
    }))
}

/// Resolves one `[[device]]` (also used for `generate cib --agent`).
pub fn device(
    spec: &DeviceSpec,
    meta: Option<&AgentMetadata>,
    notes: &mut Vec<Finding>,
) -> Result<Device> {
    let subject = format!("device {}", spec.id);
    let mut params: Vec<(String, String)> = Vec::new();
    let mut pcmk: Vec<(String, String)> = Vec::new();
    for (name, value) in &spec.params {
        let Some(text) = value_text(&spec.id, name, value)? else {
            continue;
        };
        if crate::pacemaker::params::is_special(name) || name.starts_with("pcmk_") {
            pcmk.push((name.clone(), text));
            continue;
        }
        let new_name = meta
            .and_then(|m| m.parameter(name))
            .and_then(|p| p.replaced_by.clone());
        match new_name {
            Some(new) => {
                notes.push(Finding::warning(
                    "renamed",
                    subject.clone(),
                    None,
                    format!("{name} is deprecated: written as {new}"),
                ));
                params.push((new, text));
            }
            None => params.push((name.clone(), text)),
        }
    }
    for (name, text) in secrets(spec, meta)? {
        params.retain(|(k, _)| k != &name);
        params.push((name, text));
    }
    let host_map: Vec<(String, String)> = spec
        .host_map
        .iter()
        .map(|(node, plug)| {
            Ok((
                node.clone(),
                value_text(&spec.id, node, plug)?.unwrap_or_default(),
            ))
        })
        .collect::<Result<_>>()?;
    if !spec.hosts.is_empty() {
        pcmk.push(("pcmk_host_list".into(), spec.hosts.join(",")));
    }
    if !host_map.is_empty() {
        pcmk.push((
            "pcmk_host_map".into(),
            crate::pacemaker::hosts::host_map_text(&host_map),
        ));
    }
    if let Some(base) = &spec.delay_base {
        pcmk.push(("pcmk_delay_base".into(), base.clone()));
    }
    if let Some(max) = &spec.delay_max {
        pcmk.push(("pcmk_delay_max".into(), max.clone()));
    }
    let has = |name: &str| meta.is_some_and(|m| m.parameter(name).is_some());
    let automatic_unfence = meta.is_some_and(AgentMetadata::needs_unfencing);
    Ok(Device {
        id: spec.id.clone(),
        agent: spec.agent.clone(),
        params,
        pcmk,
        hosts: spec.hosts.clone(),
        host_map,
        monitor: match spec.monitor.as_deref() {
            Some("0") | Some("") => None,
            Some(interval) => Some(interval.to_string()),
            None => Some("60s".into()),
        },
        meta: spec
            .meta
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        action: spec.action.clone(),
        unfence: spec.unfence.unwrap_or(automatic_unfence),
        plug_param: if has("plug") || !has("port") {
            "plug".into()
        } else {
            "port".into()
        },
        automatic_unfence,
        metadata_known: meta.is_some(),
        secret_files: secret_file_params(spec, meta),
    })
}

/// Secret parameters read from files and the environment.
fn secrets(spec: &DeviceSpec, meta: Option<&AgentMetadata>) -> Result<Vec<(String, String)>> {
    let password_name = password_name(meta);
    let mut files: HashMap<String, String> = spec
        .secret_files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut envs: HashMap<String, String> = spec
        .secret_env
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(file) = &spec.password_file {
        files.insert(password_name.into(), file.clone());
    }
    if let Some(var) = &spec.password_env {
        envs.insert(password_name.into(), var.clone());
    }
    let mut out = Vec::new();
    let mut names: Vec<&String> = files.keys().chain(envs.keys()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let value = if let Some(file) = files.get(name) {
            let text = crate::sys::fs::read_string_capped(file, crate::sys::fs::VALUE_CAP)
                .with_context(|| format!("device {}: cannot read the {name} file", spec.id))?;
            text.strip_suffix('\n').unwrap_or(&text).to_string()
        } else {
            let var = &envs[name];
            std::env::var(var).with_context(|| {
                format!(
                    "device {}: {name} comes from the environment variable {var}, which is not set",
                    spec.id
                )
            })?
        };
        out.push((name.clone(), value));
    }
    Ok(out)
}

/// The agent's name for its password parameter.
fn password_name(meta: Option<&AgentMetadata>) -> &'static str {
    match meta {
        Some(m) if m.parameter("password").is_some() => "password",
        Some(m) if m.parameter("passwd").is_some() => "passwd",
        _ => "password",
    }
}

/// The secret parameters whose values come from files: (name, path).
fn secret_file_params(spec: &DeviceSpec, meta: Option<&AgentMetadata>) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = spec
        .secret_files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(file) = &spec.password_file {
        files.push((password_name(meta).into(), file.clone()));
    }
    files
}

fn fencing(spec: &FencingSpec) -> Result<Vec<Level>> {
    let target = match (&spec.target, &spec.pattern, &spec.attribute) {
        (Some(node), None, None) => LevelTarget::Node(node.clone()),
        (None, Some(pattern), None) => {
            regex::Regex::new(pattern).with_context(|| {
                format!("fencing pattern '{pattern}' is not a valid regular expression")
            })?;
            LevelTarget::Pattern(pattern.clone())
        }
        (None, None, Some(attribute)) => {
            let (name, value) = attribute.split_once('=').with_context(|| {
                format!("fencing attribute '{attribute}' must be written name=value")
            })?;
            LevelTarget::Attribute {
                name: name.trim().into(),
                value: value.trim().into(),
            }
        }
        _ => bail!("each [[fencing]] entry needs exactly one of target, pattern or attribute"),
    };
    Ok(spec
        .levels
        .iter()
        .enumerate()
        .map(|(i, devices)| Level {
            target: target.clone(),
            index: (i + 1) as u32,
            devices: devices.clone(),
        })
        .collect())
}
