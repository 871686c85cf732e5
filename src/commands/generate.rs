//! `fencectl generate cib` and `fencectl generate cluster-conf`.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use anyhow::{bail, Context as _, Result};

use super::Context;
use crate::agents::discovery;
use crate::agents::finding::Severity;
use crate::agents::metadata::AgentMetadata;
use crate::cli::{CibPart, GenerateCibArgs, GenerateClusterConfArgs, GenerateCommand, OutputArgs};
use crate::exit::{usage, ExitStatus};
use crate::generate::cib::{self, CibHeader};
use crate::generate::{clusterconf, IdSet};
use crate::inventory::{self, DeviceSpec, Inventory};

pub fn run(command: &GenerateCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("generate")?;
    match command {
        GenerateCommand::Cib(args) => generate_cib(args, ctx),
        GenerateCommand::ClusterConf(args) => generate_cluster_conf(args, ctx),
    }
}

/// Agents' metadata, looked up once each (or not at all with --no-metadata).
pub struct MetadataLookup<'a> {
    ctx: &'a Context<'a>,
    enabled: bool,
    pub found: HashMap<String, Rc<AgentMetadata>>,
    pub missing: HashMap<String, String>,
}

impl<'a> MetadataLookup<'a> {
    pub fn new(ctx: &'a Context<'a>, no_metadata: bool) -> MetadataLookup<'a> {
        if no_metadata {
            ctx.printer.warn(
                "--no-metadata: device parameters are not checked against the agents' metadata",
            );
        }
        MetadataLookup {
            ctx,
            enabled: !no_metadata,
            found: HashMap::new(),
            missing: HashMap::new(),
        }
    }

    pub fn get(&mut self, agent: &str) -> Option<Rc<AgentMetadata>> {
        if !self.enabled {
            return None;
        }
        if let Some(meta) = self.found.get(agent) {
            return Some(Rc::clone(meta));
        }
        if self.missing.contains_key(agent) {
            return None;
        }
        let catalog = self.ctx.catalog();
        let found = discovery::resolve_configured(agent, &catalog.dirs)
            .and_then(|a| catalog.metadata(&a, false).map(|(_, m)| m));
        match found {
            Ok(meta) => {
                let meta = Rc::new(meta);
                self.found.insert(agent.to_string(), Rc::clone(&meta));
                Some(meta)
            }
            Err(e) => {
                self.missing.insert(agent.to_string(), format!("{e:#}"));
                None
            }
        }
    }
}

/// Prints the notes and findings; fails when any is an error.
pub fn gate(
    inventory: &Inventory,
    notes: Vec<crate::agents::finding::Finding>,
    lookup: &MetadataLookup<'_>,
    ctx: &Context<'_>,
) -> Result<()> {
    let checks = inventory::check(inventory, &lookup.found, &lookup.missing);
    let mut errors = Vec::new();
    for finding in notes.iter().chain(&checks.findings) {
        match finding.severity {
            Severity::Warning => ctx.printer.warn(&finding.message),
            Severity::Error => errors.push(finding.message.clone()),
        }
    }
    if !errors.is_empty() {
        bail!(
            "the configuration has {} error(s); nothing was written:\n  {}",
            errors.len(),
            errors.join("\n  ")
        );
    }
    Ok(())
}

fn load(path: &Path, lookup: &mut MetadataLookup<'_>, ctx: &Context<'_>) -> Result<Inventory> {
    let (inventory, notes) = inventory::load(path, &mut |agent| lookup.get(agent))?;
    gate(&inventory, notes, lookup, ctx)?;
    Ok(inventory)
}

/// The one-device quick form: `generate cib --agent A --id ID NAME=VALUE...`.
fn single_device(
    args: &GenerateCibArgs,
    lookup: &mut MetadataLookup<'_>,
    ctx: &Context<'_>,
) -> Result<Inventory> {
    let (Some(agent), Some(id)) = (&args.agent, &args.id) else {
        return Err(usage(
            "give an INVENTORY file, or --agent AGENT --id ID NAME=VALUE... for one device",
        ));
    };
    let mut params = toml::Table::new();
    for param in &args.args {
        let (name, value) = param.split_once('=').ok_or_else(|| {
            usage(format!(
                "'{param}' is not NAME=VALUE (for example ip=192.0.2.1)"
            ))
        })?;
        params.insert(name.to_string(), toml::Value::String(value.to_string()));
    }
    let mut host_map = toml::Table::new();
    if let Some(map) = &args.host_map {
        let parsed = crate::agents::pacemaker::HostMap::parse(map)
            .map_err(|e| usage(format!("--host-map: {e}")))?;
        for (node, plug) in parsed.entries {
            host_map.insert(node, toml::Value::String(plug));
        }
    }
    let spec = DeviceSpec {
        id: id.clone(),
        agent: agent.clone(),
        params,
        hosts: args.host_list.clone(),
        host_map,
        delay_base: None,
        delay_max: None,
        monitor: args.monitor.clone(),
        meta: Default::default(),
        action: None,
        unfence: None,
        password_file: None,
        password_env: None,
        secret_files: Default::default(),
        secret_env: Default::default(),
    };
    let meta = lookup.get(agent);
    let mut notes = Vec::new();
    let device = inventory::resolve_device(&spec, meta.as_deref(), &mut notes)?;
    let inventory = Inventory {
        name: String::new(),
        config_version: 1,
        nodes: Vec::new(),
        devices: vec![device],
        levels: Vec::new(),
    };
    gate(&inventory, notes, lookup, ctx)?;
    Ok(inventory)
}

fn generate_cib(args: &GenerateCibArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let mut lookup = MetadataLookup::new(ctx, args.out.no_metadata);
    let inventory = match (&args.agent, args.args.as_slice()) {
        (Some(_), _) => single_device(args, &mut lookup, ctx)?,
        (None, [path]) => load(Path::new(path), &mut lookup, ctx)?,
        (None, _) => {
            return Err(usage(
                "give one INVENTORY file, or --agent AGENT --id ID NAME=VALUE... to describe one device",
            ))
        }
    };
    let text = cib_text(&inventory, args.part, args.full)?;
    emit(&text, &args.out, ctx)?;
    Ok(ExitStatus::Success)
}

/// The CIB text for `part`, or the whole document.
pub fn cib_text(inventory: &Inventory, part: CibPart, full: bool) -> Result<String> {
    if full {
        return Ok(cib::full(inventory, &CibHeader::installed()));
    }
    let mut ids = IdSet::default();
    for device in &inventory.devices {
        ids.reserve(&device.id);
    }
    Ok(match part {
        CibPart::Resources => cib::resources(inventory, &mut ids, 0),
        CibPart::Topology => cib::topology(inventory, &mut ids, 0).ok_or_else(|| {
            anyhow::anyhow!("there are no fencing levels: nothing to print for --part topology")
        })?,
        CibPart::All => {
            let mut text = String::from("<configuration>\n");
            text.push_str(&cib::resources(inventory, &mut ids, 1));
            if let Some(topology) = cib::topology(inventory, &mut ids, 1) {
                text.push_str(&topology);
            }
            text.push_str("</configuration>\n");
            text
        }
    })
}

fn generate_cluster_conf(args: &GenerateClusterConfArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let mut lookup = MetadataLookup::new(ctx, args.out.no_metadata);
    let inventory = load(&args.inventory, &mut lookup, ctx)?;
    let Some(existing) = &args.update else {
        emit(&clusterconf::full(&inventory), &args.out, ctx)?;
        return Ok(ExitStatus::Success);
    };
    let original =
        fs_err::read_to_string(existing).context("cannot read the cluster.conf to update")?;
    let (updated, version) = clusterconf::update(&original, &inventory)
        .with_context(|| format!("cannot update {}", existing.display()))?;
    match &args.out.output {
        Some(_) => emit(&updated, &args.out, ctx)?,
        None => write_file(existing, &updated, true)?,
    }
    ctx.printer.info(&format!(
        "fencing sections merged; config_version is now {version}"
    ));
    if !ctx.printer.quiet {
        eprintln!(
            "updated {} (config_version {version}); propagate it as usual (cman_tool version -r, or Proxmox's pmxcfs)",
            args.out.output.as_deref().unwrap_or(existing).display()
        );
    }
    Ok(ExitStatus::Success)
}

/// Prints `text`, or writes it to -o FILE.
pub fn emit(text: &str, out: &OutputArgs, ctx: &Context<'_>) -> Result<()> {
    match &out.output {
        None => ctx.printer.out_bytes(text.as_bytes()),
        Some(path) => {
            write_file(path, text, out.force)?;
            ctx.printer
                .info(&format!("wrote {} (mode 0600)", path.display()));
            Ok(())
        }
    }
}

/// Writes atomically, mode 0600 (generated files hold secrets), refusing
/// to replace an existing file unless `force`.
fn write_file(path: &Path, text: &str, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} already exists: add --force to replace it",
            path.display()
        );
    }
    // NamedTempFile is created 0600 and renamed over the target.
    crate::agents::cache::write_atomically(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
