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

/// Pacemaker's own copy of the CIB on disk: what the live CIB was when the
/// cluster last wrote it. Read only where nothing may be run (completion).
pub const ON_DISK_CIB: &str = "/var/lib/pacemaker/cib/cib.xml";

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum ConfigChoice {
    ClusterConf(PathBuf),
    CibFile(PathBuf),
    CibLive,
    /// The first of the default cluster.conf files, else the live CIB.
    Auto,
}

impl ConfigChoice {
    /// The choice the `--config FILE`, `--cib FILE` and `--cib-live`
    /// options make, in that order of precedence; none of them is `Auto`.
    pub fn from_options(config: Option<&Path>, cib: Option<&Path>, cib_live: bool) -> ConfigChoice {
        match (config, cib, cib_live) {
            (Some(path), _, _) => ConfigChoice::ClusterConf(path.to_path_buf()),
            (_, Some(path), _) => ConfigChoice::CibFile(path.to_path_buf()),
            (_, _, true) => ConfigChoice::CibLive,
            _ => ConfigChoice::Auto,
        }
    }
}

/// The first of [`DEFAULT_CLUSTER_CONFS`] that exists: what `Auto` reads
/// before it turns to the live CIB.
pub fn default_cluster_conf() -> Option<PathBuf> {
    DEFAULT_CLUSTER_CONFS
        .iter()
        .map(Path::new)
        .find(|path| path.exists())
        .map(Path::to_path_buf)
}

/// Loads the configuration from files only, running nothing: the live CIB
/// is Pacemaker's copy on disk ([`ON_DISK_CIB`]) instead of `cibadmin
/// --query`. For shell completion, which must answer at once.
pub fn load_from_files(choice: &ConfigChoice) -> Result<Config> {
    let on_disk_cib = || read_cib(Path::new(ON_DISK_CIB)).map(|(cib, _)| cib);
    match choice {
        ConfigChoice::ClusterConf(path) => read_cluster_conf(path),
        ConfigChoice::CibFile(path) => read_cib(path).map(|(cib, _)| cib),
        ConfigChoice::CibLive => on_disk_cib(),
        ConfigChoice::Auto => match default_cluster_conf() {
            Some(path) => read_cluster_conf(&path),
            None => on_disk_cib(),
        },
    }
}

/// A loaded configuration.
#[derive(Debug, Clone)]
pub enum Config {
    ClusterConf(ClusterConf),
    Cib(Cib),
}

impl Config {
    /// The names `fence NODE` accepts, sorted: cluster.conf's nodes; the
    /// CIB's nodes, level targets and static host lists.
    pub fn node_names(&self) -> Vec<String> {
        match self {
            Config::ClusterConf(conf) => {
                let mut names: Vec<String> = conf.nodes.iter().map(|n| n.name.clone()).collect();
                names.sort();
                names.dedup();
                names
            }
            Config::Cib(cib) => super::plan_cib::known_nodes(cib),
        }
    }
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
            if let Some(path) = default_cluster_conf() {
                let config = read_cluster_conf(&path)?;
                return Ok((SourceKind::ClusterConf(path), config, None));
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
