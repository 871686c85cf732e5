//! `check`: will fencing work? For every node of cluster.conf or a CIB,
//! the plan `fence` would run ([`crate::fencing::plan_cib`],
//! [`crate::fencing::plan_cman`]), a design lint ([`lint`]: REFERENCE
//! section 9), the timeout budget ([`budget`]) and, unless offline,
//! read-only probes of every device ([`probe`]). Nothing here changes a
//! node's power, takes a device lock or writes an audit record.

pub mod budget;
pub mod finding;
pub mod graph;
pub mod lint;
pub mod local;
pub mod probe;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::agents::lookup::AgentLookup;
use crate::agents::Catalog;
use crate::cman::conf::ClusterConf;
use crate::exit::ExitStatus;
use crate::fencing::plan::{FenceAction, Plan, SourceKind};
use crate::fencing::plan_cib::{CibPlanner, Probing};
use crate::fencing::plan_cman;
use crate::fencing::run::{feasibility, Feasibility};
use crate::fencing::source::{self, Config, ConfigChoice};
use crate::pacemaker::cib::LevelTarget;
use crate::pacemaker::version::{FencingOption, PacemakerVersion};
use crate::xml::Element;

pub use finding::{Finding, NotChecked, Severity};

/// What is asked of `check`.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The nodes to check (empty: every node).
    pub nodes: Vec<String>,
    pub config: ConfigChoice,
    /// Lint and budget only: run no agent.
    pub offline: bool,
    /// Physical devices probed at once.
    pub jobs: usize,
    /// Replaces every probe's timeout.
    pub timeout: Option<Duration>,
    /// corosync.conf to read (default: the local one, for the local cluster).
    pub corosync_conf: Option<PathBuf>,
    /// The SBD configuration to read (default: the local one, for the local cluster).
    pub sbd_config: Option<PathBuf>,
}

/// A local file a rule needs: read, or why not.
#[derive(Debug, Clone)]
pub enum Local<T> {
    Read(T),
    NotRead(String),
}

/// The fencing plan of one node (or why there is none).
#[derive(Debug)]
pub struct NodePlan {
    pub node: String,
    pub plan: Result<Plan, String>,
}

/// What the rules look at.
pub struct Subject<'a> {
    pub source: &'a SourceKind,
    pub config: &'a Config,
    /// The CIB document (constraints, rules), when the source is a CIB.
    pub document: Option<&'a Element>,
    /// Every node of the cluster.
    pub nodes: Vec<String>,
    /// The plans of the nodes checked.
    pub plans: Vec<NodePlan>,
    pub corosync: Local<local::Corosync>,
    pub sbd: Local<local::Sbd>,
    pub version: PacemakerVersion,
}

/// Whether a node can be fenced by what is configured.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeVerdict {
    /// The node.
    pub node: String,
    /// Some level or method can run (`fence --dry-run` would exit 0).
    pub fenceable: bool,
    /// Why nothing can fence it, when nothing can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The levels or methods, each with its devices.
    pub stages: Vec<StageView>,
}

/// A level or method with its devices, for the matrix and the picture.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StageView {
    /// `level 1`, `method 1`.
    pub label: String,
    /// The devices, all of which must succeed.
    pub devices: Vec<DeviceView>,
}

/// A device of a stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeviceView {
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device.
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The address it reaches (ip, hostname), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Why it cannot run (missing agent or device).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Everything `check` found.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    /// Where the configuration came from.
    pub source: SourceKind,
    /// Each node: can it be fenced, by which levels or methods.
    pub nodes: Vec<NodeVerdict>,
    /// The read-only probes of each device for each node (none with `--offline`).
    pub probes: Vec<probe::Probe>,
    /// The timeout budget of each node.
    pub budgets: Vec<budget::NodeBudget>,
    /// The design findings.
    pub findings: Vec<Finding>,
    /// Rules that could not be checked, and why.
    pub not_checked: Vec<NotChecked>,
}

impl CheckReport {
    /// The exit status: 2 a node nothing can fence; 1 an error finding or
    /// a failed probe (or, strict, a warning); else 0.
    pub fn exit_status(&self, strict: bool) -> ExitStatus {
        if self.nodes.iter().any(|n| !n.fenceable) {
            return ExitStatus::NothingConfigured;
        }
        let failed_probe = self
            .probes
            .iter()
            .any(|p| p.state == probe::ProbeState::Fail);
        let bad = self
            .findings
            .iter()
            .any(|f| f.severity == Severity::Error || (strict && f.severity == Severity::Warning));
        if failed_probe || bad {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

/// Runs the check.
pub fn check(request: &CheckRequest, catalog: &Catalog) -> Result<CheckReport> {
    // Asking the installed Pacemaker its version runs a program: let it
    // run while the configuration is read.
    let version = std::thread::spawn(PacemakerVersion::installed_or_default);
    let (source, config, document) = source::load_document(&request.config)?;
    let local = matches!(request.config, ConfigChoice::CibLive | ConfigChoice::Auto);
    let corosync = read_local(
        request.corosync_conf.clone(),
        local,
        &[local::COROSYNC_CONF],
        local::read_corosync,
        "--corosync-conf",
    );
    let sbd = read_local(
        request.sbd_config.clone(),
        local,
        local::SBD_CONFIGS,
        local::read_sbd,
        "--sbd-config",
    );
    let version = version
        .join()
        .unwrap_or_else(|_| PacemakerVersion::installed_or_default());
    let all_nodes = cluster_nodes(&config);
    let checked = if request.nodes.is_empty() {
        all_nodes.clone()
    } else {
        request.nodes.clone()
    };
    let mut agents = AgentLookup::new(catalog);
    let fence_action = match &config {
        Config::Cib(cib) => cib
            .option(FencingOption::Action, version)
            .and_then(|(v, _)| FenceAction::from_name(v.trim()))
            .filter(|a| matches!(a, FenceAction::Off | FenceAction::Reboot)),
        Config::ClusterConf(_) => None,
    };
    let planner = Planner::new(&config);
    let plans: Vec<NodePlan> = checked
        .iter()
        .map(|node| NodePlan {
            node: node.clone(),
            plan: planner
                .plan(&source, node, fence_action, &mut agents)
                .map_err(|e| format!("{e:#}")),
        })
        .collect();
    let subject = Subject {
        source: &source,
        config: &config,
        document: document.as_ref(),
        nodes: all_nodes,
        plans,
        corosync,
        sbd,
        version,
    };
    let budgets = budget::budgets(&subject, &mut agents);
    let (findings, not_checked) = lint::lint(&subject, &budgets, &mut agents);
    let addresses: HashMap<&str, &str> = lint::devices(&config)
        .into_iter()
        .filter_map(|d| Some((d.id, lint::device_address(d.params)?)))
        .collect();
    let nodes = subject
        .plans
        .iter()
        .map(|p| verdict(&addresses, p))
        .collect();
    let probes = if request.offline {
        Vec::new()
    } else {
        let targets = probe_targets(&subject, &planner, request.timeout, &mut agents)?;
        let _cooperation = crate::sys::signal::cooperate();
        probe::run(&targets, request.jobs)
    };
    Ok(CheckReport {
        source,
        nodes,
        probes,
        budgets,
        findings,
        not_checked,
    })
}

fn read_local<T>(
    given: Option<PathBuf>,
    local: bool,
    defaults: &[&str],
    read: fn(&std::path::Path) -> Result<T>,
    flag: &str,
) -> Local<T> {
    if let Some(path) = given {
        return match read(&path) {
            Ok(value) => Local::Read(value),
            Err(e) => Local::NotRead(format!("{e:#}")),
        };
    }
    if !local {
        return Local::NotRead(format!(
            "not the local cluster: give {flag} FILE to check this rule"
        ));
    }
    for candidate in defaults {
        let path = std::path::Path::new(candidate);
        if path.exists() {
            return match read(path) {
                Ok(value) => Local::Read(value),
                Err(e) => Local::NotRead(format!("{e:#}")),
            };
        }
    }
    Local::NotRead(format!("{} not found here", defaults.join(" or ")))
}

/// The planner of the configuration's stack, prepared once for all nodes.
enum Planner<'c> {
    Cman(&'c ClusterConf),
    Cib(CibPlanner<'c>),
}

impl<'c> Planner<'c> {
    fn new(config: &'c Config) -> Planner<'c> {
        match config {
            Config::ClusterConf(conf) => Planner::Cman(conf),
            Config::Cib(cib) => Planner::Cib(CibPlanner::new(cib)),
        }
    }

    /// The fencing plan `fence --dry-run --offline` would show for `node`.
    fn plan(
        &self,
        source: &SourceKind,
        node: &str,
        action: Option<FenceAction>,
        agents: &mut AgentLookup<'_>,
    ) -> Result<Plan> {
        match self {
            Planner::Cman(conf) => {
                plan_cman::plan(conf, source.clone(), node, action, false, agents)
            }
            Planner::Cib(planner) => planner.plan(
                source.clone(),
                node,
                action,
                false,
                Probing::Offline,
                agents,
            ),
        }
    }
}

/// Every node the configuration names: cluster.conf's nodes; the CIB's
/// `<nodes>`, level targets and static host lists.
pub fn cluster_nodes(config: &Config) -> Vec<String> {
    let mut nodes: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !name.is_empty() && !nodes.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            nodes.push(name.to_string());
        }
    };
    match config {
        Config::ClusterConf(conf) => conf.nodes.iter().for_each(|n| add(&n.name)),
        Config::Cib(cib) => {
            cib.nodes.iter().for_each(|n| add(&n.uname));
            if cib.nodes.is_empty() {
                for level in &cib.levels {
                    if let LevelTarget::Node(target) = &level.target {
                        add(target);
                    }
                }
                for device in &cib.devices {
                    crate::pacemaker::selection::StaticList::of(&device.params)
                        .names()
                        .iter()
                        .for_each(|n| add(n));
                }
            }
        }
    }
    nodes
}

fn verdict(addresses: &HashMap<&str, &str>, node: &NodePlan) -> NodeVerdict {
    let plan = match &node.plan {
        Ok(plan) => plan,
        Err(why) => {
            return NodeVerdict {
                node: node.node.clone(),
                fenceable: false,
                reason: Some(why.clone()),
                stages: Vec::new(),
            }
        }
    };
    let (fenceable, reason) = match feasibility(plan) {
        Feasibility::Runnable(_) => (true, None),
        Feasibility::NothingConfigured => (false, Some("no device or level targets it".into())),
        Feasibility::NoneRunnable(list) => (
            false,
            Some(
                list.iter()
                    .map(|u| format!("{}: {}", u.device, u.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
    };
    let address_of = |device: &str| addresses.get(device).map(|a| a.to_string());
    let stages = plan
        .stages
        .iter()
        .map(|stage| StageView {
            label: stage.label.clone(),
            devices: stage
                .steps
                .iter()
                .filter(|s| s.required)
                .map(|s| DeviceView {
                    position: s.position.clone(),
                    device: s.device.clone(),
                    agent: s.agent.clone(),
                    address: address_of(&s.device),
                    problem: s.problem.clone(),
                })
                .collect(),
        })
        .collect();
    NodeVerdict {
        node: node.node.clone(),
        fenceable,
        reason,
        stages,
    }
}

/// Each device of each stage of each checked node, with the arguments of
/// the node's `status` plan (what `fence --action status` sends).
fn probe_targets(
    subject: &Subject<'_>,
    planner: &Planner<'_>,
    timeout: Option<Duration>,
    agents: &mut AgentLookup<'_>,
) -> Result<Vec<probe::ProbeTarget>> {
    let mut targets = Vec::new();
    for node in &subject.plans {
        if node.plan.is_err() {
            continue;
        }
        let status = planner.plan(
            subject.source,
            &node.node,
            Some(FenceAction::Status),
            agents,
        )?;
        for stage in &status.stages {
            for step in &stage.steps {
                let mut step = step.clone();
                if let Some(timeout) = timeout {
                    step.timeout = timeout;
                }
                let metadata = agents.metadata(&step.agent);
                targets.push(probe::ProbeTarget {
                    node: node.node.clone(),
                    stage: stage.label.clone(),
                    has_monitor: metadata.as_ref().is_some_and(|m| m.has_action("monitor")),
                    has_list: metadata.as_ref().is_some_and(|m| m.has_action("list")),
                    step,
                });
            }
        }
    }
    Ok(targets)
}
