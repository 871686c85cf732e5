//! The design lint: every rule of fencectl's REFERENCE section 9 ("Fencing
//! design rules"), applied to cluster.conf or a CIB without running
//! anything. Rules that need the node's own files (corosync.conf, the SBD
//! configuration) apply when those were read, else they are "not checked".

use std::net::IpAddr;
use std::time::Duration;

use super::budget::NodeBudget;
use super::finding::{Finding, NotChecked, Rule, Severity};
use super::{Local, Subject};
use crate::agents::lookup::AgentLookup;
use crate::fencing::run::{feasibility, Feasibility};
use crate::fencing::source::Config;
use crate::pacemaker::cib::{lookup, Cib, LevelTarget};
use crate::pacemaker::host_check::HostCheck;
use crate::pacemaker::selection::StaticList;
use crate::pacemaker::time;
use crate::pacemaker::version::FencingOption;
use crate::xml::Element;

const fn rule(name: &'static str, severity: Severity, source: &'static str) -> Rule {
    Rule {
        name,
        severity,
        source,
    }
}

const EXPLAINED_FENCING: &str = "Pacemaker Explained, \"Fencing\"";

pub const CANNOT_BE_FENCED: Rule = rule(
    "node-cannot-be-fenced",
    Severity::Error,
    "crm_verify \"unclean but cannot be fenced\"; Pacemaker Explained, \"Fencing\"",
);
pub const FENCING_DISABLED: Rule = rule(
    "fencing-disabled",
    Severity::Error,
    "crm_verify \"unclean but cannot be fenced\"; Pacemaker Explained, \"Fencing\"",
);
pub const ONBOARD_ONLY: Rule = rule(
    "onboard-controller-only",
    Severity::Warning,
    "Pacemaker Explained, \"Fence Devices\"; RHEL 9 HA guide 4.5",
);
pub const NEEDS_HEALTHY_TARGET: Rule = rule(
    "agent-needs-healthy-target",
    Severity::Warning,
    EXPLAINED_FENCING,
);
pub const CLUSTER_NETWORK: Rule = rule(
    "device-on-cluster-network",
    Severity::Info,
    "Pacemaker Explained, \"Fencing\"; Red Hat solution 272913",
);
pub const TWO_NODE_DELAY: Rule = rule(
    "two-node-without-delay",
    Severity::Error,
    "Pacemaker Explained, fencing delays; crmsh adds pcmk_delay_max for 2 nodes",
);
pub const PRIORITY_DELAY: Rule = rule(
    "priority-fencing-delay-too-short",
    Severity::Warning,
    "Pacemaker Explained, cluster options",
);
pub const WAIT_FOR_ALL: Rule = rule(
    "two-node-without-wait-for-all",
    Severity::Warning,
    "votequorum(5)",
);
pub const IPMI_CYCLE: Rule = rule(
    "ipmi-method-cycle",
    Severity::Warning,
    "pcs status warning; fence-agents issue 68",
);
pub const DEVICE_ACTION: Rule = rule(
    "device-action-parameter",
    Severity::Warning,
    "pcs status warning",
);
pub const STATIC_LIST: Rule = rule("static-list-hosts", Severity::Error, EXPLAINED_FENCING);
pub const AGENT_TIMEOUTS: Rule = rule(
    "agent-timeouts-exceed-device-timeout",
    Severity::Error,
    "Pacemaker Explained, \"Fencing Timeouts\"; fence-agents issue 431",
);
pub const SBD_DISK: Rule = rule(
    "sbd-disk-timeouts",
    Severity::Error,
    "sbd(8); SUSE TID 7011346",
);
pub const SBD_DISKLESS: Rule = rule(
    "sbd-diskless",
    Severity::Error,
    "Pacemaker Explained, cluster options; crmsh sbd.py",
);
pub const TOPOLOGY: Rule = rule(
    "fencing-topology",
    Severity::Error,
    "Pacemaker Explained, \"Fencing Topologies\", \"Remapping Reboots\"",
);
pub const DEPENDS_ON_RESOURCE: Rule = rule(
    "device-depends-on-resource",
    Severity::Warning,
    EXPLAINED_FENCING,
);
pub const RESOURCE_LIMITS: Rule = rule(
    "fence-resource-limitations",
    Severity::Error,
    "Pacemaker Explained, \"Fencing\", \"Limitations\"",
);
pub const PLAINTEXT_PASSWORD: Rule = rule(
    "plaintext-password",
    Severity::Info,
    "fence-agents metadata (password_script); Pacemaker cibsecret",
);
pub const DEPRECATED_PARAMETER: Rule = rule(
    "deprecated-parameter",
    Severity::Warning,
    "fence-agents metadata (deprecated, obsoletes)",
);
pub const STARTUP_FENCING: Rule = rule(
    "startup-fencing-disabled",
    Severity::Warning,
    "Pacemaker Explained, cluster options",
);

/// Every rule, in REFERENCE order (for documentation and tests).
pub const RULES: &[Rule] = &[
    CANNOT_BE_FENCED,
    FENCING_DISABLED,
    ONBOARD_ONLY,
    NEEDS_HEALTHY_TARGET,
    CLUSTER_NETWORK,
    TWO_NODE_DELAY,
    PRIORITY_DELAY,
    WAIT_FOR_ALL,
    IPMI_CYCLE,
    DEVICE_ACTION,
    STATIC_LIST,
    AGENT_TIMEOUTS,
    SBD_DISK,
    SBD_DISKLESS,
    TOPOLOGY,
    DEPENDS_ON_RESOURCE,
    RESOURCE_LIMITS,
    PLAINTEXT_PASSWORD,
    DEPRECATED_PARAMETER,
    STARTUP_FENCING,
];

/// A fence device as both stacks define it: a stonith primitive or a
/// `<fencedevice>`, with its own parameters.
pub struct DeviceDef<'a> {
    pub id: &'a str,
    pub agent: &'a str,
    pub params: &'a [(String, String)],
    /// `primitive ipmi1` or `fencedevice pdu1 (line 7)`.
    pub element: String,
}

/// The devices the configuration defines.
pub fn devices(config: &Config) -> Vec<DeviceDef<'_>> {
    match config {
        Config::Cib(cib) => cib
            .devices
            .iter()
            .map(|d| DeviceDef {
                id: &d.id,
                agent: &d.agent,
                params: &d.params,
                element: format!("primitive {}", d.id),
            })
            .collect(),
        Config::ClusterConf(conf) => conf
            .devices
            .iter()
            .map(|d| DeviceDef {
                id: &d.name,
                agent: &d.agent,
                params: &d.attrs,
                element: format!("fencedevice {} (line {})", d.name, d.line),
            })
            .collect(),
    }
}

/// On-board management controllers: they lose power with their node.
pub fn is_onboard(agent: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "fence_ipmi",
        "fence_ilo",
        "fence_idrac",
        "fence_drac",
        "fence_imm",
        "fence_irmc",
        "fence_amt",
        "fence_redfish",
        "fence_rsa",
        "fence_rsb",
        "external/ipmi",
        "external/ilo",
        "external/drac",
        "external/riloe",
    ];
    PREFIXES.iter().any(|p| agent.starts_with(p))
}

/// The IPMI family, whose `method=cycle` may report success early.
fn is_ipmi_family(agent: &str) -> bool {
    matches!(
        agent,
        "fence_ipmilan"
            | "fence_ipmilanplus"
            | "fence_ilo3"
            | "fence_ilo4"
            | "fence_ilo5"
            | "fence_imm"
            | "fence_idrac"
            | "external/ipmi"
    )
}

/// Power switches (PDUs): one per power supply.
pub fn is_power_switch(agent: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "fence_apc",
        "fence_eaton",
        "fence_raritan",
        "fence_cdu",
        "fence_wti",
        "fence_emerson",
        "fence_netio",
        "fence_tripplite",
        "fence_eps",
        "fence_pdu",
        "external/rackpdu",
        "apcmaster",
        "apcsmart",
    ];
    PREFIXES.iter().any(|p| agent.starts_with(p))
}

/// Agents that reach the target itself (ssh into it, or the node killing
/// itself): they cannot fence a node that hangs or lost its network.
fn needs_healthy_target(agent: &str) -> bool {
    matches!(agent, "external/ssh" | "ssh" | "fence_ssh" | "suicide")
}

/// The device's address (`ip`, else `ipaddr`), as agents read it.
pub fn device_address(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .rev()
        .find(|(k, v)| (k == "ip" || k == "ipaddr") && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// Runs every rule.
pub fn lint(
    subject: &Subject<'_>,
    budgets: &[NodeBudget],
    agents: &mut AgentLookup<'_>,
) -> (Vec<Finding>, Vec<NotChecked>) {
    let mut lint = Lint::default();
    fencing_enabled(subject, &mut lint);
    node_fencing(subject, &mut lint);
    device_rules(subject, agents, &mut lint);
    cluster_network(subject, &mut lint);
    delays(subject, &mut lint);
    wait_for_all(subject, &mut lint);
    agent_timeouts(budgets, &mut lint);
    sbd(subject, &mut lint);
    topology(subject, &mut lint);
    if let Some(document) = subject.document {
        resource_rules(document, subject, &mut lint);
    }
    if let Config::Cib(cib) = subject.config {
        if let Some(value) = lookup(&cib.options, "startup-fencing") {
            if is_false(value) {
                lint.push(Finding::new(
                    STARTUP_FENCING,
                    "cluster option startup-fencing",
                    format!(
                        "startup-fencing={value}: nodes the cluster has never seen are assumed \
                         down without being fenced, which risks data corruption"
                    ),
                    "remove startup-fencing (its default, true, is the only safe value)",
                ));
            }
        }
    }
    lint.findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    (lint.findings, lint.not_checked)
}

#[derive(Default)]
struct Lint {
    findings: Vec<Finding>,
    not_checked: Vec<NotChecked>,
}

impl Lint {
    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    fn skip(&mut self, rule: Rule, reason: impl Into<String>) {
        self.not_checked.push(NotChecked {
            rule: rule.name,
            reason: reason.into(),
        });
    }
}

/// Pacemaker's false booleans.
fn is_false(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "false" | "no" | "off" | "n" | "0"
    )
}

fn option_duration(cib: &Cib, subject: &Subject<'_>, option: FencingOption) -> Option<Duration> {
    cib.option(option, subject.version)
        .and_then(|(value, _)| time::interval(value).ok())
}

fn fencing_enabled(subject: &Subject<'_>, lint: &mut Lint) {
    let Config::Cib(cib) = subject.config else {
        return;
    };
    if let Some((value, legacy)) = cib.option(FencingOption::Enabled, subject.version) {
        if is_false(value) {
            let name = if legacy {
                FencingOption::Enabled.legacy_name()
            } else {
                FencingOption::Enabled.name()
            };
            lint.push(Finding::new(
                FENCING_DISABLED,
                format!("cluster option {name}"),
                format!(
                    "{name}={value}: the cluster never fences; a node that stops answering \
                     stays unclean and its resources are not recovered (or are, unsafely)"
                ),
                format!("set {name}=true"),
            ));
        }
    }
}

/// Every node can be fenced by something that can run; not only by an
/// on-board controller.
fn node_fencing(subject: &Subject<'_>, lint: &mut Lint) {
    for node in &subject.plans {
        let plan = match &node.plan {
            Ok(plan) => plan,
            Err(why) => {
                lint.push(Finding::new(
                    CANNOT_BE_FENCED,
                    format!("node {}", node.node),
                    why.clone(),
                    "configure a fence device or level that targets this node",
                ));
                continue;
            }
        };
        match feasibility(plan) {
            Feasibility::NothingConfigured => lint.push(Finding::new(
                CANNOT_BE_FENCED,
                format!("node {}", node.node),
                "no enabled device and no level can target this node",
                "add a fence device whose host list, host map or list output names it",
            )),
            Feasibility::NoneRunnable(devices) => lint.push(Finding::new(
                CANNOT_BE_FENCED,
                format!("node {}", node.node),
                format!(
                    "no configured device can run: {}",
                    devices
                        .iter()
                        .map(|d| format!("{} ({})", d.device, d.reason))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                "install the agent or fix the device so that one level or method can run",
            )),
            Feasibility::Runnable(_) => {
                let runnable: Vec<_> = plan
                    .stages
                    .iter()
                    .filter(|s| {
                        s.steps
                            .iter()
                            .all(|st| st.problem.is_none() || !st.required)
                    })
                    .collect();
                let only_onboard = runnable
                    .iter()
                    .all(|s| s.steps.iter().all(|st| is_onboard(&st.agent)));
                if !runnable.is_empty() && only_onboard {
                    lint.push(Finding::new(
                        ONBOARD_ONLY,
                        format!("node {}", node.node),
                        format!(
                            "every way to fence it is an on-board management controller ({}): \
                             it loses power with the node, so fencing fails exactly when the \
                             node lost power",
                            runnable
                                .iter()
                                .flat_map(|s| s.steps.iter().map(|st| st.device.as_str()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        "add a second level (or method) with a power switch (PDU) or SBD",
                    ));
                }
            }
        }
    }
}

/// Per-device rules: agents that need a healthy target, method=cycle,
/// action=, static lists, plaintext passwords, deprecated names.
fn device_rules(subject: &Subject<'_>, agents: &mut AgentLookup<'_>, lint: &mut Lint) {
    let is_cib = matches!(subject.config, Config::Cib(_));
    for device in devices(subject.config) {
        let param = |name: &str| lookup(device.params, name);
        if needs_healthy_target(device.agent) {
            lint.push(Finding::new(
                NEEDS_HEALTHY_TARGET,
                &device.element,
                format!(
                    "agent {} reaches the target node itself: it cannot fence a node that \
                     hangs or lost its network, the case fencing exists for",
                    device.agent
                ),
                "use a device independent of the node: a power switch, a management \
                 controller, SBD",
            ));
        }
        if is_ipmi_family(device.agent)
            && param("method").is_some_and(|m| m.trim().eq_ignore_ascii_case("cycle"))
        {
            lint.push(Finding::new(
                IPMI_CYCLE,
                &device.element,
                "method=cycle: the controller may report success before the node is off",
                "remove method (the default, onoff, waits until the node is off)",
            ));
        }
        if is_cib {
            if let Some(action) = param("action") {
                lint.push(Finding::new(
                    DEVICE_ACTION,
                    &device.element,
                    format!(
                        "action={action} on a fence device: Pacemaker ignores it for fencing \
                         and it confuses what the device does"
                    ),
                    format!("remove action; use pcmk_reboot_action={action} or pcmk_off_action"),
                ));
            }
            static_list(subject, &device, lint);
        }
        let Ok(info) = agents.get(device.agent) else {
            continue;
        };
        let metadata = info.metadata.clone();
        let password = ["password", "passwd"]
            .into_iter()
            .find(|name| param(name).is_some_and(|v| !v.is_empty()));
        if let (Some(name), Some(_)) = (password, metadata.parameter("password_script")) {
            lint.push(Finding::new(
                PLAINTEXT_PASSWORD,
                &device.element,
                format!(
                    "{name} is stored in plain text in the configuration, which every reader \
                     of it (and of its backups) sees"
                ),
                if is_cib {
                    "use password_script, or store it with cibsecret"
                } else {
                    "use password_script (a script that prints the password)"
                },
            ));
        }
        for (name, _) in device.params {
            let Some(parameter) = metadata.parameter(name) else {
                continue;
            };
            if parameter.deprecated {
                let instead = parameter
                    .replaced_by
                    .clone()
                    .unwrap_or_else(|| "the current name".into());
                lint.push(Finding::new(
                    DEPRECATED_PARAMETER,
                    &device.element,
                    format!(
                        "parameter {name} is deprecated in {}'s metadata (obsoleted by \
                         {instead})",
                        device.agent
                    ),
                    format!("rename {name} to {instead}"),
                ));
            }
        }
    }
}

/// pcmk_host_check=static-list needs names, and those must be cluster nodes.
fn static_list(subject: &Subject<'_>, device: &DeviceDef<'_>, lint: &mut Lint) {
    let Config::Cib(cib) = subject.config else {
        return;
    };
    let check = lookup(device.params, "pcmk_host_check").and_then(HostCheck::parse);
    let names = StaticList::of(device.params).names();
    if check == Some(HostCheck::StaticList) && names.is_empty() {
        lint.push(Finding::new(
            STATIC_LIST,
            &device.element,
            "pcmk_host_check=static-list with no pcmk_host_list and no pcmk_host_map: the \
             device fences no node",
            "set pcmk_host_list (or pcmk_host_map) to the nodes it can fence",
        ));
    }
    if cib.nodes.is_empty() {
        return;
    }
    let unknown: Vec<_> = names
        .iter()
        .filter(|name| {
            !subject
                .nodes
                .iter()
                .any(|node| node.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect();
    if !unknown.is_empty() {
        lint.push(Finding::new(
            STATIC_LIST,
            &device.element,
            format!(
                "pcmk_host_list/pcmk_host_map name{} {} that {} not a cluster node: \
                 pacemaker-fenced matches cluster node names, so the node meant is not fenced \
                 by this device",
                if unknown.len() > 1 { "s" } else { "" },
                unknown.join(", "),
                if unknown.len() > 1 { "are" } else { "is" },
            ),
            format!(
                "use the node names of <nodes> ({}); map them to plugs with pcmk_host_map",
                subject.nodes.join(", ")
            ),
        ));
    }
}

/// The addresses of the cluster nodes: corosync.conf's nodelist, else the
/// cluster.conf node names and altnames that are addresses.
fn node_addresses(subject: &Subject<'_>) -> Option<Vec<IpAddr>> {
    let texts: Vec<String> = match (&subject.corosync, subject.config) {
        (Local::Read(corosync), _) => corosync
            .node_addresses()
            .into_iter()
            .flat_map(|(_, a)| a)
            .collect(),
        (_, Config::ClusterConf(conf)) => conf
            .nodes
            .iter()
            .flat_map(|n| std::iter::once(n.name.clone()).chain(n.altnames.iter().cloned()))
            .collect(),
        _ => return None,
    };
    let addresses: Vec<IpAddr> = texts.iter().filter_map(|t| t.parse().ok()).collect();
    (!addresses.is_empty()).then_some(addresses)
}

fn same_network(a: IpAddr, b: IpAddr) -> bool {
    match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a.octets()[..3] == b.octets()[..3],
        (IpAddr::V6(a), IpAddr::V6(b)) => a.segments()[..4] == b.segments()[..4],
        _ => false,
    }
}

fn cluster_network(subject: &Subject<'_>, lint: &mut Lint) {
    let Some(nodes) = node_addresses(subject) else {
        lint.skip(
            CLUSTER_NETWORK,
            match &subject.corosync {
                Local::NotRead(why) => format!("no node addresses: {why}"),
                Local::Read(_) => "corosync.conf's nodelist has no addresses".into(),
            },
        );
        return;
    };
    for device in devices(subject.config) {
        let Some(address) = device_address(device.params) else {
            continue;
        };
        let Ok(ip) = address.parse::<IpAddr>() else {
            continue;
        };
        if let Some(node) = nodes.iter().find(|n| same_network(**n, ip)) {
            lint.push(Finding::new(
                CLUSTER_NETWORK,
                &device.element,
                format!(
                    "device address {ip} is on the cluster network (node address {node}): a \
                     failure of that network stops both the cluster and its fencing (in a \
                     two-node cluster this is what Red Hat prefers, to avoid fence loops)"
                ),
                "put fence devices on a separate management network where the cluster has \
                 more than two nodes",
            ));
        }
    }
}

/// The delays before fencing a node: (largest base, largest random max,
/// agent's own `delay`), over its plan.
fn node_delays(subject: &Subject<'_>, node: &str) -> (Duration, Duration) {
    let Some(Ok(plan)) = subject
        .plans
        .iter()
        .find(|p| p.node == node)
        .map(|p| p.plan.as_ref())
    else {
        return (Duration::ZERO, Duration::ZERO);
    };
    let steps = plan.stages.iter().flat_map(|s| s.steps.iter());
    let mut base = Duration::ZERO;
    let mut max = Duration::ZERO;
    for step in steps {
        let agent_delay = lookup(&step.args, "delay")
            .and_then(|d| crate::timespec::parse(d).ok())
            .unwrap_or_default();
        base = base.max(step.delay_base).max(agent_delay);
        if step.delay_max > step.delay_base {
            max = max.max(step.delay_max);
        }
    }
    (base, max)
}

fn delays(subject: &Subject<'_>, lint: &mut Lint) {
    let priority = match subject.config {
        Config::Cib(cib) => lookup(&cib.options, "priority-fencing-delay")
            .and_then(|v| time::interval(v).ok())
            .unwrap_or_default(),
        Config::ClusterConf(_) => Duration::ZERO,
    };
    let delays: Vec<_> = subject
        .nodes
        .iter()
        .map(|n| (n, node_delays(subject, n)))
        .collect();
    let qdevice = matches!(&subject.corosync, Local::Read(c) if c.has_quorum_device());
    if subject.nodes.len() == 2 && !qdevice && priority.is_zero() {
        let random = delays.iter().any(|(_, (_, max))| !max.is_zero());
        let differ = delays[0].1 .0 != delays[1].1 .0;
        if !random && !differ {
            let qdevice_note = match &subject.corosync {
                Local::Read(_) => "corosync.conf has no quorum device".to_string(),
                Local::NotRead(_) => "no quorum device seen (corosync.conf not read)".to_string(),
            };
            lint.push(Finding::new(
                TWO_NODE_DELAY,
                format!("nodes {}", subject.nodes.join(", ")),
                format!(
                    "a two-node cluster and {qdevice_note}, and both nodes are fenced after the \
                     same delay: when the link between them fails, each fences the other at \
                     the same moment and both go down"
                ),
                match subject.config {
                    Config::Cib(_) => {
                        "set pcmk_delay_base on one node's device (a per-node map such as \
                         node1:5s;node2:0s), or pcmk_delay_max, or priority-fencing-delay"
                    }
                    Config::ClusterConf(_) => {
                        "set delay=15 on the device that fences one of the two nodes"
                    }
                },
            ));
        }
    }
    if !priority.is_zero() {
        let largest = delays
            .iter()
            .map(|(_, (base, max))| (*base).max(*max))
            .max()
            .unwrap_or_default();
        if priority < largest * 2 {
            lint.push(Finding::new(
                PRIORITY_DELAY,
                "cluster option priority-fencing-delay",
                format!(
                    "priority-fencing-delay={} is less than twice the largest device delay \
                     ({}): the node with the more important resources may lose the race",
                    crate::timespec::format(priority),
                    crate::timespec::format(largest)
                ),
                format!(
                    "set priority-fencing-delay to at least {}",
                    crate::timespec::format(largest * 2)
                ),
            ));
        }
    }
}

fn wait_for_all(subject: &Subject<'_>, lint: &mut Lint) {
    match &subject.corosync {
        Local::NotRead(why) => lint.skip(WAIT_FOR_ALL, why.clone()),
        Local::Read(corosync) => {
            if corosync.two_node() && !corosync.wait_for_all() {
                lint.push(Finding::new(
                    WAIT_FOR_ALL,
                    format!("{} quorum", corosync.path.display()),
                    "two_node: 1 with wait_for_all: 0: a node that boots alone is quorate \
                     at once and fences its peer (a fence loop after a network split)",
                    "remove wait_for_all: 0 (two_node turns it on)",
                ));
            }
        }
    }
}

fn agent_timeouts(budgets: &[NodeBudget], lint: &mut Lint) {
    for budget in budgets {
        for row in budget.rows.iter().filter(|r| r.too_short()) {
            let (Some(needs), Some(timeout)) = (row.agent_needs, row.timeout) else {
                continue;
            };
            lint.push(Finding::new(
                AGENT_TIMEOUTS,
                format!("node {} {} device {}", budget.node, row.stage, row.device),
                format!(
                    "the agent may need {} for {} ({}), but the device gets {}{}: it fails \
                     whenever the device is slow, and retries share the same timeout",
                    crate::timespec::format(needs),
                    row.action,
                    row.needs_detail,
                    crate::timespec::format(timeout),
                    if row.delay_counts && !row.delay.is_zero() {
                        format!(
                            ", of which the delay takes {}",
                            crate::timespec::format(row.delay)
                        )
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "set pcmk_{}_timeout to at least {} (or lower the agent's timeouts)",
                    row.action,
                    crate::timespec::format(row.required_timeout())
                ),
            ));
        }
    }
}

fn sbd(subject: &Subject<'_>, lint: &mut Lint) {
    let Config::Cib(cib) = subject.config else {
        return;
    };
    let sbd = match &subject.sbd {
        Local::Read(sbd) => sbd,
        Local::NotRead(why) => {
            lint.skip(SBD_DISK, why.clone());
            lint.skip(SBD_DISKLESS, why.clone());
            return;
        }
    };
    let stonith_timeout =
        option_duration(cib, subject, FencingOption::Timeout).unwrap_or(Duration::from_secs(60));
    let watchdog = sbd.watchdog_timeout;
    let file = sbd.path.display().to_string();
    if !sbd.devices.is_empty() {
        // msgwait lives in the disk header (sbd -d DEV dump); it must be at
        // least twice the watchdog timeout, so stonith-timeout needs at
        // least 1.2 x that.
        let msgwait = watchdog * 2;
        let needed = msgwait.mul_f64(1.2);
        if stonith_timeout < needed {
            lint.push(Finding::new(
                SBD_DISK,
                format!("{file} and the stonith-timeout cluster option"),
                format!(
                    "disk SBD with SBD_WATCHDOG_TIMEOUT={}s: msgwait is at least {} (2x the \
                     watchdog), and stonith-timeout={} is below 1.2x msgwait: fencing is \
                     reported failed before the victim's watchdog fired",
                    watchdog.as_secs(),
                    crate::timespec::format(msgwait),
                    crate::timespec::format(stonith_timeout)
                ),
                format!(
                    "set stonith-timeout to at least {} (1.2x the msgwait of `sbd -d DEV dump`)",
                    crate::timespec::format(needed)
                ),
            ));
        }
        return;
    }
    let watchdog_option = option_duration(cib, subject, FencingOption::WatchdogTimeout);
    let name = FencingOption::WatchdogTimeout.name_for(subject.version);
    match watchdog_option {
        Some(value) if !value.is_zero() && value <= watchdog => lint.push(Finding::new(
            SBD_DISKLESS,
            format!("cluster option {name}"),
            format!(
                "diskless SBD: {name}={} is not above SBD_WATCHDOG_TIMEOUT={}s ({file}): the \
                 cluster takes the node for fenced before its watchdog reset it",
                crate::timespec::format(value),
                watchdog.as_secs()
            ),
            format!("set {name}={}s (twice SBD_WATCHDOG_TIMEOUT)", watchdog.as_secs() * 2),
        )),
        Some(value) if !value.is_zero() => {}
        _ => lint.push(Finding::new(
            SBD_DISKLESS,
            format!("cluster option {name}"),
            format!("diskless SBD ({file} sets no SBD_DEVICE) but {name} is not set: watchdog fencing is off"),
            format!("set {name}={}s (twice SBD_WATCHDOG_TIMEOUT)", watchdog.as_secs() * 2),
        )),
    }
    let qdevice = matches!(&subject.corosync, Local::Read(c) if c.has_quorum_device());
    if subject.nodes.len() < 3 && !qdevice {
        lint.push(Finding::new(
            SBD_DISKLESS,
            format!("nodes {}", subject.nodes.join(", ")),
            format!(
                "diskless SBD with {} node(s) and no quorum device: a node that loses quorum \
                 cannot tell, so watchdog self-fencing is not safe",
                subject.nodes.len()
            ),
            "add a third node or a quorum device (corosync-qdevice), or use disk SBD",
        ));
    }
}

/// Level index 1..9, devices that exist; dual power supplies in one level.
fn topology(subject: &Subject<'_>, lint: &mut Lint) {
    match subject.config {
        Config::Cib(cib) => cib_topology(cib, lint),
        Config::ClusterConf(conf) => {
            for node in &conf.nodes {
                for (m, method) in node.methods.iter().enumerate() {
                    let switches: Vec<_> = method
                        .devices
                        .iter()
                        .filter(|d| {
                            conf.device(&d.name)
                                .is_some_and(|f| is_power_switch(&f.agent))
                        })
                        .collect();
                    if switches.len() < 2 {
                        continue;
                    }
                    let actions: Vec<String> = switches
                        .iter()
                        .map(|d| {
                            let own = conf
                                .device(&d.name)
                                .and_then(|f| lookup(&f.attrs, "action"));
                            own.or(d.attr("action"))
                                .or(d.attr("option"))
                                .unwrap_or("(agent default: reboot)")
                                .to_string()
                        })
                        .collect();
                    let off_then_on = {
                        let first_on = actions.iter().position(|a| a == "on");
                        actions.iter().all(|a| a == "off" || a == "on")
                            && first_on.is_some_and(|i| actions[..i].iter().all(|a| a == "off"))
                            && actions.iter().filter(|a| *a == "off").count() >= 2
                    };
                    if !off_then_on {
                        lint.push(Finding::new(
                            TOPOLOGY,
                            format!("node {} method {}", node.name, m + 1),
                            format!(
                                "{} power switches in one method with actions {}: cman has no \
                                 reboot remapping, so each switch reboots its own supply in \
                                 turn and the node never loses power",
                                switches.len(),
                                actions.join(", ")
                            ),
                            "list each switch with action=\"off\", then each with action=\"on\"",
                        ));
                    }
                }
            }
        }
    }
}

fn cib_topology(cib: &Cib, lint: &mut Lint) {
    for level in &cib.levels {
        let element = format!("fencing-level {}", level.id);
        if !(1..=9).contains(&level.index) {
            lint.push(Finding::new(
                TOPOLOGY,
                &element,
                format!(
                    "index {}: pacemaker-fenced uses levels 1 to 9 only, so this level never runs",
                    level.index
                ),
                "renumber the levels 1..9",
            ));
        }
        for id in level.devices.iter().filter(|id| cib.device(id).is_none()) {
            lint.push(Finding::new(
                TOPOLOGY,
                &element,
                format!(
                    "names device '{id}', which is no stonith primitive: the level always fails"
                ),
                format!("create primitive {id} or remove it from the level"),
            ));
        }
    }
    // Dual power supplies split over levels: each level cuts one supply.
    let mut by_target: Vec<(&LevelTarget, Vec<&str>)> = Vec::new();
    for level in &cib.levels {
        let [id] = level.devices.as_slice() else {
            continue;
        };
        let Some(device) = cib.device(id).filter(|d| is_power_switch(&d.agent)) else {
            continue;
        };
        match by_target.iter_mut().find(|(t, _)| *t == &level.target) {
            Some((_, ids)) => ids.push(&device.id),
            None => by_target.push((&level.target, vec![&device.id])),
        }
    }
    for (target, ids) in by_target.into_iter().filter(|(_, ids)| ids.len() > 1) {
        lint.push(Finding::new(
            TOPOLOGY,
            format!("levels of {}", crate::pacemaker::topology::describe(target)),
            format!(
                "power switches {} are in separate levels: if they feed the two supplies of \
                 one node, each level cuts one supply only and the node stays on, yet the \
                 level reports success",
                ids.join(", ")
            ),
            format!(
                "put both in one level (devices=\"{}\"): Pacemaker then turns all off before \
                 any on",
                ids.join(",")
            ),
        ));
    }
}

/// From the CIB document: fence resources with rules or several
/// instance attribute sets, and fence devices that depend on a resource.
fn resource_rules(document: &Element, subject: &Subject<'_>, lint: &mut Lint) {
    let Config::Cib(cib) = subject.config else {
        return;
    };
    let Some(configuration) = (if document.name == "configuration" {
        Some(document)
    } else {
        document.child("configuration")
    }) else {
        return;
    };
    let mut primitives = Vec::new();
    if let Some(resources) = configuration.child("resources") {
        stonith_primitives(resources, &mut primitives);
    }
    for primitive in primitives {
        let id = primitive.attr("id").unwrap_or_default();
        let sets = primitive.children_named("instance_attributes").count();
        let rules = primitive
            .children
            .iter()
            .filter(|c| c.name == "instance_attributes" || c.name == "meta_attributes")
            .any(|set| set.child("rule").is_some());
        if sets > 1 || rules {
            lint.push(Finding::new(
                RESOURCE_LIMITS,
                format!("primitive {id} (line {})", primitive.line),
                if rules {
                    "an attribute set with a rule: pacemaker-fenced does not evaluate rules for \
                     fence devices, so the parameters are not what the rule says"
                        .to_string()
                } else {
                    format!(
                        "{sets} instance_attributes sets: pacemaker-fenced reads one set for a \
                         fence device"
                    )
                },
                "use one instance_attributes set without rules",
            ));
        }
    }
    let Some(constraints) = configuration.child("constraints") else {
        return;
    };
    let is_device = |id: Option<&str>| id.is_some_and(|id| cib.device(id).is_some());
    let concurrent = lookup(&cib.options, "concurrent-fencing").is_some_and(|v| !is_false(v));
    for constraint in &constraints.children {
        let (device, other) = match constraint.name.as_str() {
            "rsc_order" => (constraint.attr("then"), constraint.attr("first")),
            "rsc_colocation" => (constraint.attr("rsc"), constraint.attr("with-rsc")),
            _ => continue,
        };
        if !is_device(device) || is_device(other) {
            continue;
        }
        let (device, other) = (device.unwrap_or_default(), other.unwrap_or_default());
        lint.push(Finding::new(
            DEPENDS_ON_RESOURCE,
            format!(
                "{} {} (line {})",
                constraint.name,
                constraint.attr("id").unwrap_or_default(),
                constraint.line
            ),
            format!(
                "fence device {device} depends on resource {other}{}: fencing a node that \
                 runs {other} stops the device with it",
                if concurrent {
                    String::new()
                } else {
                    " and concurrent-fencing is not true, so one fencing waits for another"
                        .to_string()
                }
            ),
            format!(
                "set concurrent-fencing=true, and keep {device} from targeting nodes that can \
                 run {other}"
            ),
        ));
    }
}

fn stonith_primitives<'a>(element: &'a Element, out: &mut Vec<&'a Element>) {
    for child in &element.children {
        if child.name == "primitive" && child.attr("class") == Some("stonith") {
            out.push(child);
        } else {
            stonith_primitives(child, out);
        }
    }
}
