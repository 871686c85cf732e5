//! `fencectl generate cib` and `fencectl generate cluster-conf`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use super::Context;
use crate::agents::finding::Severity;
use crate::agents::lookup::AgentLookup;
use crate::agents::Catalog;
use crate::cli::{
    CibPart, Format, GenerateCibArgs, GenerateClusterConfArgs, GenerateCommand, GenerateScriptArgs,
    OutputArgs,
};
use crate::exit::{usage, ExitStatus};
use crate::generate::cib::{self, CibHeader};
use crate::generate::script::{self, Shell};
use crate::generate::XmlOut;
use crate::generate::{clusterconf, IdSet};
use crate::inventory::{self, DeviceSpec, Inventory};
use crate::pacemaker::version::PacemakerVersion;
use crate::sys::fs;

pub fn run(command: &GenerateCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    let (name, formats): (&str, &[Format]) = match command {
        GenerateCommand::Cib(args) if args.apply => {
            ("generate cib --apply", &[Format::Table, Format::Json])
        }
        // They write XML: --format xml is the same as the default.
        GenerateCommand::Cib(_) => ("generate cib", &[Format::Table, Format::Xml]),
        GenerateCommand::ClusterConf(_) => ("generate cluster-conf", &[Format::Table, Format::Xml]),
        GenerateCommand::Pcs(_) => ("generate pcs", &[Format::Table]),
        GenerateCommand::Crmsh(_) => ("generate crmsh", &[Format::Table]),
    };
    ctx.formats(name, formats)?;
    match command {
        GenerateCommand::Cib(args) => generate_cib(args, ctx),
        GenerateCommand::ClusterConf(args) => generate_cluster_conf(args, ctx),
        GenerateCommand::Pcs(args) => generate_script(args, Shell::Pcs, ctx),
        GenerateCommand::Crmsh(args) => generate_script(args, Shell::Crmsh, ctx),
    }
}

/// The agent lookup for generating: every agent once, or none with
/// --no-metadata (which is said once).
pub fn agent_lookup<'a>(
    catalog: &'a Catalog,
    no_metadata: bool,
    ctx: &Context<'_>,
) -> AgentLookup<'a> {
    if no_metadata {
        ctx.printer
            .warn("--no-metadata: device parameters are not checked against the agents' metadata");
        AgentLookup::disabled(catalog)
    } else {
        AgentLookup::new(catalog)
    }
}

/// Prints the notes and findings; fails when any is an error.
pub fn gate(
    inventory: &Inventory,
    notes: Vec<crate::agents::finding::Finding>,
    lookup: &AgentLookup<'_>,
    ctx: &Context<'_>,
) -> Result<()> {
    let checks = inventory::check(inventory, &lookup.found(), &lookup.missing());
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

fn load(path: &Path, lookup: &mut AgentLookup<'_>, ctx: &Context<'_>) -> Result<Inventory> {
    let (inventory, notes) = inventory::load(path, lookup)?;
    gate(&inventory, notes, lookup, ctx)?;
    Ok(inventory)
}

/// The one-device quick form: `generate cib --agent A --id ID NAME=VALUE...`.
fn single_device(
    args: &GenerateCibArgs,
    lookup: &mut AgentLookup<'_>,
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
        let parsed = crate::pacemaker::hosts::HostMap::parse(map)
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
    let meta = lookup.metadata(agent);
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
    let catalog = ctx.catalog();
    let mut lookup = agent_lookup(&catalog, args.out.no_metadata, ctx);
    let inventory = match (&args.agent, args.args.as_slice()) {
        (Some(_), _) => single_device(args, &mut lookup, ctx)?,
        (None, [path]) => load(Path::new(path), &mut lookup, ctx)?,
        (None, _) => {
            return Err(usage(
                "give one INVENTORY file, or --agent AGENT --id ID NAME=VALUE... to describe one device",
            ))
        }
    };
    if args.apply {
        return super::apply_cib::run(&inventory, args, ctx);
    }
    let version = args
        .pacemaker_version
        .unwrap_or_else(PacemakerVersion::installed_or_default);
    let text = cib_text(&inventory, args.part, args.full, version)?;
    emit(&text, &args.out, ctx)?;
    Ok(ExitStatus::Success)
}

fn generate_script(
    args: &GenerateScriptArgs,
    shell: Shell,
    ctx: &Context<'_>,
) -> Result<ExitStatus> {
    let catalog = ctx.catalog();
    let mut lookup = agent_lookup(&catalog, args.out.no_metadata, ctx);
    let inventory = load(&args.inventory, &mut lookup, ctx)?;
    let version = args
        .pacemaker_version
        .unwrap_or_else(PacemakerVersion::installed_or_default);
    // Which agents take their password from a script (metadata read once).
    let mut with_script: Vec<String> = Vec::new();
    for device in &inventory.devices {
        let has = lookup
            .metadata(&device.agent)
            .is_some_and(|m| m.parameter("password_script").is_some());
        if has && !with_script.contains(&device.agent) {
            with_script.push(device.agent.clone());
        }
    }
    let has_param = |agent: &str, name: &str| {
        name == "password_script" && with_script.iter().any(|a| a == agent)
    };
    let text = script::script(&inventory, shell, version, &has_param)
        .map_err(|refused| anyhow::anyhow!("nothing was written:\n  {}", refused.join("\n  ")))?;
    emit(&text, &args.out, ctx)?;
    Ok(ExitStatus::Success)
}

/// The CIB text for `part`, or the whole document, for Pacemaker `version`.
pub fn cib_text(
    inventory: &Inventory,
    part: CibPart,
    full: bool,
    version: PacemakerVersion,
) -> Result<String> {
    let unwritable = cib::unwritable(inventory, version);
    if !unwritable.is_empty() {
        bail!(
            "the configuration cannot be written for Pacemaker {version}; nothing was written:\n  {}",
            unwritable.join("\n  ")
        );
    }
    if full {
        return Ok(cib::full(inventory, &CibHeader::installed(), version));
    }
    let mut ids = IdSet::default();
    for device in &inventory.devices {
        ids.reserve(&device.id);
    }
    Ok(match part {
        CibPart::Resources => cib::resources(inventory, &mut ids, 0, version),
        CibPart::Topology => cib::topology(inventory, &mut ids, 0).ok_or_else(|| {
            anyhow::anyhow!("there are no fencing levels: nothing to print for --part topology")
        })?,
        CibPart::All => {
            let mut out = XmlOut::new(0);
            out.open("configuration", &[]);
            out.fragment(&cib::resources(inventory, &mut ids, out.depth(), version));
            if let Some(topology) = cib::topology(inventory, &mut ids, out.depth()) {
                out.fragment(&topology);
            }
            out.close("configuration");
            out.text
        }
    })
}

fn generate_cluster_conf(args: &GenerateClusterConfArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let catalog = ctx.catalog();
    let mut lookup = agent_lookup(&catalog, args.out.no_metadata, ctx);
    let inventory = load(&args.inventory, &mut lookup, ctx)?;
    let Some(existing) = &args.update else {
        emit(&clusterconf::full(&inventory), &args.out, ctx)?;
        return Ok(ExitStatus::Success);
    };
    let (original, conf) = crate::cman::conf::load_with_text(existing)?;
    let (updated, version) = clusterconf::update(&original, &conf, &inventory)
        .with_context(|| format!("cannot update {}", existing.display()))?;
    if args.diff {
        let name = existing.display().to_string();
        let diff = similar::TextDiff::from_lines(&original, &updated)
            .unified_diff()
            .header(&name, &name)
            .to_string();
        ctx.printer.out_bytes(diff.as_bytes())?;
        ctx.printer.info("--diff: nothing was written");
        return Ok(ExitStatus::Success);
    }
    let written = match &args.out.output {
        Some(_) => emit(&updated, &args.out, ctx)?,
        None => replace_cluster_conf(existing, &original, &updated, version, ctx)?,
    };
    ctx.printer.info(&format!(
        "fencing sections merged; config_version is now {version}"
    ));
    if !ctx.printer.quiet {
        let shown = args.out.output.as_deref().unwrap_or(existing);
        let target = match &written {
            Some(path) if path != shown => format!(" (the link's target {})", path.display()),
            _ => String::new(),
        };
        ctx.printer.err_line(&format!(
            "updated {}{target}, config_version {version}; propagate it as usual (cman_tool version -r, or Proxmox's pmxcfs)",
            shown.display()
        ));
    }
    Ok(ExitStatus::Success)
}

/// Replaces the cluster.conf at `path` (the target when it is a symlink)
/// after saving `original` beside it; returns the file written.
fn replace_cluster_conf(
    path: &Path,
    original: &str,
    updated: &str,
    version: u64,
    ctx: &Context<'_>,
) -> Result<Option<PathBuf>> {
    let target = fs::resolve_links(path)?;
    // update() sets config_version to the old one plus one.
    let old_version = (version > 1).then(|| (version - 1).to_string());
    let backup = fs::write_backup(&target, old_version.as_deref(), original.as_bytes())?;
    let written = write_file(path, updated, true, ctx)?;
    if !ctx.printer.quiet {
        ctx.printer.err_line(&format!(
            "the previous version is saved as {}",
            backup.display()
        ));
    }
    Ok(Some(written.path))
}

/// Prints `text`, or writes it to -o FILE; returns the file written.
pub fn emit(text: &str, out: &OutputArgs, ctx: &Context<'_>) -> Result<Option<PathBuf>> {
    match &out.output {
        None => ctx.printer.out_bytes(text.as_bytes()).map(|()| None),
        Some(path) => {
            let written = write_file(path, text, out.force, ctx)?;
            ctx.printer.info(&format!(
                "wrote {} (mode {:04o})",
                written.path.display(),
                written.mode
            ));
            Ok(Some(written.path))
        }
    }
}

/// Writes atomically (the target of a symlink, keeping an existing file's
/// mode and owner; a new file is 0600: generated files hold secrets),
/// refusing to replace an existing file unless `force`.
fn write_file(path: &Path, text: &str, force: bool, ctx: &Context<'_>) -> Result<fs::Written> {
    fs::refuse_existing(path, force)?;
    let written = fs::write_atomic(path, text.as_bytes(), fs::FileMode::KeepOr(0o600))
        .with_context(|| format!("cannot write {}", path.display()))?;
    for note in &written.notes {
        ctx.printer.warn(note);
    }
    if written.mode & 0o044 != 0 {
        ctx.printer.warn(&format!(
            "{} is readable by other users (mode {:04o}) and holds the fence devices' passwords: chmod 600 it unless they must read it",
            written.path.display(),
            written.mode
        ));
    }
    Ok(written)
}
