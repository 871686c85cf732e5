//! The timeout budget of fencing each node: per device the timeout
//! Pacemaker gives it (pcmk_<action>_timeout, else the cluster's
//! stonith-timeout / fencing-timeout), the retries that share it, the
//! delays (which count against it before Pacemaker 2.1.6), and what the
//! agent itself may need by its own timeouts; the sum over the levels,
//! against the cluster's timeout. cman gives agents no timeout.

use std::time::Duration;

use serde::Serialize;

use super::Subject;
use crate::agents::lookup::AgentLookup;
use crate::fencing::plan::{AgentAction, DeviceStep};
use crate::fencing::source::Config;
use crate::pacemaker::cib::{lookup, Cib};
use crate::pacemaker::time;
use crate::pacemaker::version::FencingOption;

/// Pacemaker's default stonith-timeout.
pub const DEFAULT_CLUSTER_TIMEOUT: Duration = Duration::from_secs(60);

/// One device of one level of one node.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BudgetRow {
    /// The level or method (`level 1`, `method 1`).
    pub stage: String,
    /// The device.
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The action the device is sent.
    pub action: String,
    /// None: no limit (cman waits for the agent).
    #[schemars(with = "Option<f64>")]
    #[serde(serialize_with = "opt_secs")]
    pub timeout: Option<Duration>,
    /// Where the timeout comes from (`pcmk_reboot_timeout`, `stonith-timeout`).
    pub timeout_from: String,
    /// How many times a failed run is tried again within the timeout.
    pub retries: u32,
    /// The largest delay before the device runs (base or random max).
    #[schemars(with = "f64")]
    #[serde(serialize_with = "secs")]
    pub delay: Duration,
    /// Whether the delay eats into the timeout (Pacemaker before 2.1.6).
    pub delay_counts: bool,
    /// What the agent may need by its own timeouts; None when unknown.
    #[schemars(with = "Option<f64>")]
    #[serde(serialize_with = "opt_secs")]
    pub agent_needs: Option<Duration>,
    /// How the agent's need was worked out (its own timeouts).
    pub needs_detail: String,
}

impl BudgetRow {
    /// The time the device must be given: the agent's need, plus the delay
    /// when the delay counts against the timeout.
    pub fn required_timeout(&self) -> Duration {
        let delay = if self.delay_counts {
            self.delay
        } else {
            Duration::ZERO
        };
        self.agent_needs.unwrap_or_default() + delay
    }

    /// Whether the agent may need longer than Pacemaker gives it.
    pub fn too_short(&self) -> bool {
        match (self.timeout, self.agent_needs) {
            (Some(timeout), Some(_)) => self.required_timeout() > timeout,
            _ => false,
        }
    }
}

/// The budget of one node.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeBudget {
    /// The node.
    pub node: String,
    /// One row per device of each level, in order.
    pub rows: Vec<BudgetRow>,
    /// Every level run to its timeout, one after another.
    #[schemars(with = "Option<f64>")]
    #[serde(serialize_with = "opt_secs")]
    pub total: Option<Duration>,
    /// The cluster's overall fencing timeout (CIB).
    #[schemars(with = "Option<f64>")]
    #[serde(serialize_with = "opt_secs")]
    pub cluster_timeout: Option<Duration>,
}

impl NodeBudget {
    /// Whether all levels fit in the cluster's timeout.
    pub fn fits(&self) -> bool {
        match (self.total, self.cluster_timeout) {
            (Some(total), Some(cluster)) => total <= cluster,
            _ => true,
        }
    }
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn opt_secs<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_f64(d.as_secs_f64()),
        None => s.serialize_none(),
    }
}

/// The budget of every planned node.
pub fn budgets(subject: &Subject<'_>, agents: &mut AgentLookup<'_>) -> Vec<NodeBudget> {
    let cluster_timeout = match subject.config {
        Config::Cib(cib) => Some(
            cib.option(FencingOption::Timeout, subject.version)
                .and_then(|(v, _)| time::interval(v).ok())
                .unwrap_or(DEFAULT_CLUSTER_TIMEOUT),
        ),
        Config::ClusterConf(_) => None,
    };
    let timeout_name = FencingOption::Timeout.name_for(subject.version);
    subject
        .plans
        .iter()
        .filter_map(|p| Some((p.node.as_str(), p.plan.as_ref().ok()?)))
        .map(|(node, plan)| {
            let rows: Vec<BudgetRow> = plan
                .stages
                .iter()
                .flat_map(|stage| stage.steps.iter().map(move |step| (stage, step)))
                .filter(|(_, step)| step.problem.is_none())
                .map(|(stage, step)| {
                    row(
                        subject,
                        &stage.label,
                        step,
                        cluster_timeout,
                        timeout_name,
                        agents,
                    )
                })
                .collect();
            let total = cluster_timeout.map(|_| {
                rows.iter()
                    .map(|r| {
                        r.timeout.unwrap_or_default()
                            + if r.delay_counts {
                                Duration::ZERO
                            } else {
                                r.delay
                            }
                    })
                    .sum()
            });
            NodeBudget {
                node: node.to_string(),
                rows,
                total,
                cluster_timeout,
            }
        })
        .collect()
}

fn row(
    subject: &Subject<'_>,
    stage: &str,
    step: &DeviceStep,
    cluster_timeout: Option<Duration>,
    timeout_name: &str,
    agents: &mut AgentLookup<'_>,
) -> BudgetRow {
    let info = agents.get(&step.agent).ok().cloned();
    let action = step
        .action
        .clone()
        .or(step.agent_default_action.clone())
        .or_else(|| {
            info.as_ref()
                .and_then(|i| i.default_of("action"))
                .map(AgentAction::from_name)
        })
        .unwrap_or(AgentAction::Reboot);
    let (timeout, timeout_from) = match subject.config {
        Config::Cib(cib) => cib_timeout(cib, step, &action, cluster_timeout, timeout_name),
        Config::ClusterConf(_) => (None, "none: cman waits for the agent".to_string()),
    };
    // The agent's own time: its argument, else its metadata default, else
    // fencing.py's default.
    let value = |name: &str, fallback: u64| -> Duration {
        lookup(&step.args, name)
            .or_else(|| info.as_ref().and_then(|i| i.default_of(name)))
            .and_then(|v| crate::timespec::parse(v).ok())
            .unwrap_or(Duration::from_secs(fallback))
    };
    let attempts = lookup(&step.args, "retry_on")
        .or_else(|| info.as_ref().and_then(|i| i.default_of("retry_on")))
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    let (login, shell, power, wait, own_delay) = (
        value("login_timeout", 5),
        value("shell_timeout", 3),
        value("power_timeout", 20),
        value("power_wait", 0),
        value("delay", 0),
    );
    let phases = if action == AgentAction::Reboot { 2 } else { 1 };
    let agent_needs = info
        .as_ref()
        .map(|_| own_delay + login * attempts + shell + (power + wait) * phases);
    let needs_detail = format!(
        "delay {} + login_timeout {} x{attempts} + shell_timeout {} + (power_timeout {} + power_wait {}) x{phases}",
        fmt(own_delay),
        fmt(login),
        fmt(shell),
        fmt(power),
        fmt(wait)
    );
    BudgetRow {
        stage: stage.to_string(),
        device: step.device.clone(),
        agent: step.agent.clone(),
        action: action.to_string(),
        timeout,
        timeout_from,
        retries: step.retries,
        delay: step.delay_base.max(step.delay_max),
        delay_counts: !subject.version.delays_extend_timeouts(),
        agent_needs,
        needs_detail,
    }
}

fn cib_timeout(
    cib: &Cib,
    step: &DeviceStep,
    action: &AgentAction,
    cluster_timeout: Option<Duration>,
    timeout_name: &str,
) -> (Option<Duration>, String) {
    let name = format!("pcmk_{action}_timeout");
    match cib
        .device(&step.device)
        .and_then(|d| d.param(&name))
        .and_then(time::action_timeout)
    {
        Some(timeout) => (Some(timeout), name),
        None => (cluster_timeout, timeout_name.to_string()),
    }
}

fn fmt(d: Duration) -> String {
    crate::timespec::format(d)
}
