//! Where the cluster's configuration comes from: a cluster.conf, a CIB
//! file, or the running cluster's CIB.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::plan::SourceKind;
use crate::agents::runner::{self, Invocation};
use crate::cman::conf::ClusterConf;
use crate::pacemaker::cib::Cib;
use crate::xml::Element;

/// cluster.conf locations tried, in order, when none is given: Proxmox VE
/// 3, then RHCS.
pub const DEFAULT_CLUSTER_CONFS: &[&str] = &["/etc/pve/cluster.conf", "/etc/cluster/cluster.conf"];

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    ClusterConf(PathBuf),
    CibFile(PathBuf),
    CibLive,
    /// The first of the default cluster.conf files, else the live CIB.
    Auto,
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub enum Config {
    ClusterConf(ClusterConf),
    Cib(Cib),
}

/// Loads the configuration; also says which source was chosen.
pub fn load(choice: &ConfigChoice) -> Result<(SourceKind, Config)> {
    let (source, config, _) = load_document(choice)?;
    Ok((source, config))
}

/// [`load`], also keeping a CIB's parsed document for the checks that read
/// more of it than fencing does (constraints, rules: `check`).
pub fn load_document(choice: &ConfigChoice) -> Result<(SourceKind, Config, Option<Element>)> {
    match choice {
        ConfigChoice::ClusterConf(path) => Ok((
            SourceKind::ClusterConf(path.clone()),
            read_cluster_conf(path)?,
            None,
        )),
        ConfigChoice::CibFile(path) => {
            let (cib, root) = read_cib(path)?;
            Ok((SourceKind::CibFile(path.clone()), cib, Some(root)))
        }
        ConfigChoice::CibLive => {
            let (cib, root) = live_cib()?;
            Ok((SourceKind::CibLive, cib, Some(root)))
        }
        ConfigChoice::Auto => {
            for candidate in DEFAULT_CLUSTER_CONFS {
                let path = Path::new(candidate);
                if path.exists() {
                    return Ok((
                        SourceKind::ClusterConf(path.to_path_buf()),
                        read_cluster_conf(path)?,
                        None,
                    ));
                }
            }
            let (cib, root) = live_cib().with_context(|| {
                format!(
                    "no configuration given and none found: no {} and no running cluster; \
                     give --config FILE (cluster.conf) or --cib FILE",
                    DEFAULT_CLUSTER_CONFS.join(" or ")
                )
            })?;
            Ok((SourceKind::CibLive, cib, Some(root)))
        }
    }
}

fn parse_file(path: &Path, what: &str) -> Result<Element> {
    let bytes = crate::sys::fs::read_capped(path, crate::sys::fs::CONFIG_CAP)
        .with_context(|| format!("cannot read the {what}"))?;
    crate::xml::parse(&bytes).with_context(|| format!("{} is not well-formed XML", path.display()))
}

fn read_cluster_conf(path: &Path) -> Result<Config> {
    Ok(Config::ClusterConf(crate::cman::conf::load(path)?))
}

fn read_cib(path: &Path) -> Result<(Config, Element)> {
    let root = parse_file(path, "CIB")?;
    let cib = Cib::from_element(&root).with_context(|| format!("{}", path.display()))?;
    Ok((Config::Cib(cib), root))
}

/// The running cluster's CIB, from `cibadmin --query`.
fn live_cib() -> Result<(Config, Element)> {
    let run = runner::run(&Invocation {
        program: Path::new("cibadmin"),
        args: vec!["--query".into()],
        stdin: None,
        timeout: Duration::from_secs(30),
        output_cap: 256 * 1024 * 1024,
        echo: None,
    })
    .context("cannot run cibadmin (install pacemaker-cli-utils)")?;
    if !run.success() {
        bail!(
            "cibadmin --query failed ({}): is the cluster running on this node?",
            run.failure_reason(Duration::from_secs(30))
        );
    }
    let root = crate::xml::parse(&run.stdout).context("cibadmin --query printed malformed XML")?;
    let cib = Cib::from_element(&root)?;
    Ok((Config::Cib(cib), root))
}
