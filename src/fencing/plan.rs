//! The fencing plan: which devices run, in which order, with which
//! arguments, timeouts, retries and delays, decided exactly as cman's
//! libfence (cluster.conf) or pacemaker-fenced (CIB) decides it.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::sys::text;

/// What fencing is asked to do to a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FenceAction {
    Reboot,
    Off,
    On,
    Status,
}

impl FenceAction {
    pub fn as_str(self) -> &'static str {
        match self {
            FenceAction::Reboot => "reboot",
            FenceAction::Off => "off",
            FenceAction::On => "on",
            FenceAction::Status => "status",
        }
    }

    pub fn from_name(name: &str) -> Option<FenceAction> {
        match name {
            "reboot" => Some(FenceAction::Reboot),
            "off" => Some(FenceAction::Off),
            "on" => Some(FenceAction::On),
            "status" | "monitor" => Some(FenceAction::Status),
            _ => None,
        }
    }
}

impl std::fmt::Display for FenceAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What fencing was asked to do: one action, or (cluster.conf without
/// `--action`) whatever each device is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// Each device's configured action, else the agent's default.
    Configured,
    Action(FenceAction),
}

impl Requested {
    pub fn as_str(self) -> &'static str {
        match self {
            Requested::Configured => "configured",
            Requested::Action(action) => action.as_str(),
        }
    }

    /// Whether only the power status is asked (nothing changes).
    pub fn is_status(self) -> bool {
        self == Requested::Action(FenceAction::Status)
    }
}

impl Serialize for Requested {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl schemars::JsonSchema for Requested {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Requested".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "What was asked: reboot, off, on, status, or `configured` (each device's configured action, else the agent's default).",
            "type": "string",
            "enum": ["configured", "reboot", "off", "on", "status"]
        })
    }
}

impl std::fmt::Display for Requested {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action an agent is told to run (`action=` on its stdin, or its own
/// default when none is sent). Configurations may name actions fencectl
/// has no word for (cman's `action=`, `pcmk_reboot_action=cycle`): those
/// are kept as [`AgentAction::Other`] and treated as power actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentAction {
    Reboot,
    Off,
    On,
    Status,
    List,
    ListStatus,
    Monitor,
    Other(String),
}

impl AgentAction {
    pub fn from_name(name: &str) -> AgentAction {
        match name {
            "reboot" => AgentAction::Reboot,
            "off" => AgentAction::Off,
            "on" => AgentAction::On,
            "status" => AgentAction::Status,
            "list" => AgentAction::List,
            "list-status" => AgentAction::ListStatus,
            "monitor" => AgentAction::Monitor,
            other => AgentAction::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AgentAction::Reboot => "reboot",
            AgentAction::Off => "off",
            AgentAction::On => "on",
            AgentAction::Status => "status",
            AgentAction::List => "list",
            AgentAction::ListStatus => "list-status",
            AgentAction::Monitor => "monitor",
            AgentAction::Other(name) => name,
        }
    }

    /// Whether it asks the power status, whose exit 2 means "off".
    pub fn is_status(&self) -> bool {
        *self == AgentAction::Status
    }

    /// Whether it may change a node's power: everything but the read-only
    /// probes (status, list, list-status, monitor).
    pub fn changes_power(&self) -> bool {
        !matches!(
            self,
            AgentAction::Status
                | AgentAction::List
                | AgentAction::ListStatus
                | AgentAction::Monitor
        )
    }
}

impl From<FenceAction> for AgentAction {
    fn from(action: FenceAction) -> AgentAction {
        match action {
            FenceAction::Reboot => AgentAction::Reboot,
            FenceAction::Off => AgentAction::Off,
            FenceAction::On => AgentAction::On,
            FenceAction::Status => AgentAction::Status,
        }
    }
}

impl Serialize for AgentAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl schemars::JsonSchema for AgentAction {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AgentAction".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An action sent to an agent (`action=` on stdin): reboot, off, on, status, list, list-status, monitor, or any other the agent names.",
            "type": "string"
        })
    }
}

impl std::fmt::Display for AgentAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "path")]
pub enum SourceKind {
    ClusterConf(PathBuf),
    CibFile(PathBuf),
    CibLive,
}

impl SourceKind {
    pub fn describe(&self) -> String {
        match self {
            SourceKind::ClusterConf(path) => format!("cluster.conf {}", path.display()),
            SourceKind::CibFile(path) => format!("CIB file {}", path.display()),
            SourceKind::CibLive => "the live CIB (cibadmin --query)".into(),
        }
    }

    pub fn is_cib(&self) -> bool {
        !matches!(self, SourceKind::ClusterConf(_))
    }
}

/// The whole plan for one node.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Plan {
    pub node: String,
    /// What was asked: reboot, off, on, status, or `configured` (cluster.conf
    /// without --action: each device's configured action, else the agent's default).
    pub action: Requested,
    pub unfence: bool,
    pub source: SourceKind,
    /// Methods (cluster.conf) or levels (CIB), tried in order until one succeeds.
    pub stages: Vec<Stage>,
    /// Things the administrator should know (overridden actions, remaps...).
    pub warnings: Vec<String>,
    /// How the plan was decided, for -v.
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether this plan only asks the power status (nothing changes).
    pub fn is_status(&self) -> bool {
        self.action.is_status()
    }

    /// The plan as shown (JSON, dry runs): each step's arguments, secrets
    /// masked unless `show_secrets`.
    pub fn view(&self, show_secrets: bool) -> PlanView<'_> {
        PlanView {
            node: &self.node,
            action: self.action,
            unfence: self.unfence,
            source: &self.source,
            stages: self
                .stages
                .iter()
                .map(|stage| StageView {
                    label: &stage.label,
                    steps: stage
                        .steps
                        .iter()
                        .map(|step| StepView {
                            step,
                            args: step
                                .shown_args(show_secrets)
                                .into_iter()
                                .map(|(name, value)| ArgView { name, value })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            warnings: &self.warnings,
            notes: &self.notes,
        }
    }
}

/// A plan as shown: what the fencing plan holds, with each step's
/// arguments as they may be shown (secrets masked unless asked).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanView<'a> {
    /// The node to fence.
    pub node: &'a str,
    /// What was asked: reboot, off, on, status, or `configured`.
    pub action: Requested,
    /// Whether this is unfencing (the `on` of fabric devices).
    pub unfence: bool,
    /// Where the configuration came from.
    pub source: &'a SourceKind,
    /// Methods (cluster.conf) or levels (CIB), tried in order until one succeeds.
    pub stages: Vec<StageView<'a>>,
    /// What may not go as the configuration says.
    pub warnings: &'a [String],
    /// How the plan was decided (shown with -v).
    pub notes: &'a [String],
}

/// A stage as shown.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StageView<'a> {
    /// `method 1`, `level 2`, `device ipmi1`, `unfence`.
    pub label: &'a str,
    /// The devices run, all of which must succeed.
    pub steps: Vec<StepView<'a>>,
}

/// A step as shown: its fields and the arguments it sends.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StepView<'a> {
    #[serde(flatten)]
    pub step: &'a DeviceStep,
    /// What the agent receives on stdin, in order, secrets masked unless `--show-secrets`.
    pub args: Vec<ArgView>,
}

/// One argument as shown.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ArgView {
    /// The parameter.
    pub name: String,
    /// Its value, or `********` for a secret.
    pub value: String,
}

/// A method or level: all of its required steps must succeed.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Stage {
    /// `method 1`, `level 2`, `device ipmi1`, `unfence`.
    pub label: String,
    pub steps: Vec<DeviceStep>,
}

/// One agent run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DeviceStep {
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device (cluster.conf `fencedevice`, CIB primitive).
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The agent's executable, when it is installed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_path: Option<PathBuf>,
    /// Arguments that select the agent (built-in agents); never secrets.
    #[serde(skip)]
    pub agent_args: Vec<String>,
    /// Why this step cannot run (missing agent or device); it then fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The action sent; None when none is sent and the agent's default runs.
    pub action: Option<AgentAction>,
    /// The agent's own default action, shown when none is sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_default_action: Option<AgentAction>,
    /// What the agent receives on stdin, in order (secrets included: mask
    /// with [`DeviceStep::masked_args`] before showing).
    #[serde(skip)]
    pub args: Vec<(String, String)>,
    /// Names of the arguments that hold secrets.
    #[serde(skip)]
    pub secret_names: Vec<String>,
    /// The time the action gets, in milliseconds.
    #[schemars(with = "u64")]
    #[serde(serialize_with = "as_millis")]
    pub timeout: Duration,
    /// How many times a failed run is tried again within the timeout.
    pub retries: u32,
    /// The fixed delay before the device runs, in milliseconds.
    #[schemars(with = "u64")]
    #[serde(serialize_with = "as_millis")]
    pub delay_base: Duration,
    /// The largest delay before the device runs, in milliseconds: the delay
    /// is random between `delay_base` and this (no random part when equal).
    #[schemars(with = "u64")]
    #[serde(serialize_with = "as_millis")]
    pub delay_max: Duration,
    /// False for the "on" half of a remapped reboot: its failure is a warning.
    pub required: bool,
    /// Identifies the physical device: two runs with the same key are
    /// serialized (Pacemaker's pcmk_action_limit of 1).
    #[serde(skip)]
    pub lock_key: String,
    /// A host check that needs the device's answer and was not asked (--offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at_run_time: Option<String>,
}

fn as_millis<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
}

impl DeviceStep {
    /// The arguments with every secret value replaced by the mask.
    pub fn masked_args(&self) -> Vec<(String, String)> {
        let secret = self.secret_name_set();
        self.args
            .iter()
            .map(|(k, v)| {
                let value = if secret.contains(k.as_str()) {
                    crate::secrets::MASK.to_string()
                } else {
                    v.clone()
                };
                (k.clone(), value)
            })
            .collect()
    }

    /// Whether running this step may change a node's power: everything but
    /// the read-only probes (status, list, monitor). With no action sent,
    /// the agent's default runs, which is a power action.
    pub fn changes_power(&self) -> bool {
        self.action.as_ref().is_none_or(AgentAction::changes_power)
    }

    /// The arguments as shown: masked unless `show_secrets`.
    pub fn shown_args(&self, show_secrets: bool) -> Vec<(String, String)> {
        if show_secrets {
            self.args.clone()
        } else {
            self.masked_args()
        }
    }

    /// The secret values, for masking them in agent output.
    pub fn secret_values(&self) -> Vec<String> {
        let secret = self.secret_name_set();
        self.args
            .iter()
            .filter(|(k, _)| secret.contains(k.as_str()))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The secret names as a set: a configuration may carry many arguments,
    /// and masking must stay linear in their number.
    fn secret_name_set(&self) -> std::collections::HashSet<&str> {
        self.secret_names.iter().map(String::as_str).collect()
    }

    /// The stdin the agent gets: `name=value` lines. The planners refuse
    /// an argument that would break that format long before; this is the
    /// last guard, so that nothing can add a line of its own (issue 9).
    pub fn stdin(&self) -> Result<Vec<u8>, String> {
        if let Some((name, problem)) = text::stdin_args_problem(&self.args) {
            return Err(format!(
                "device {}: argument {} {problem}; the agent was not run",
                self.device,
                text::escape_controls(name)
            ));
        }
        Ok(stdin_lines(&self.args))
    }
}

/// `name=value` lines, as agents read them; see [`check_stdin_args`].
pub fn stdin_lines(args: &[(String, String)]) -> Vec<u8> {
    args.iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Refuses `args` when a name or value cannot go on an agent's stdin
/// (a line break would inject an argument; see [`crate::sys::text`]).
/// `origin` says where the argument called `name` comes from, such as
/// `cluster.conf line 12: <fencedevice name="ipmi1"> attribute ip`.
pub fn check_stdin_args(
    args: &[(String, String)],
    origin: impl Fn(&str) -> String,
) -> anyhow::Result<()> {
    match text::stdin_args_problem(args) {
        Some((name, problem)) => Err(anyhow::anyhow!("{} {problem}.", origin(name))),
        None => Ok(()),
    }
}

/// Refuses a node name that cannot be sent to an agent (`nodename=`, the
/// plug): `fence $'node1\naction=on'` must not add an action.
pub fn check_node_name(node: &str) -> anyhow::Result<()> {
    match text::stdin_value_problem(node) {
        Some(problem) => Err(anyhow::anyhow!(
            "the node name '{}' {problem}.",
            text::escape_controls(node)
        )),
        None => Ok(()),
    }
}

/// The key of the physical device a step talks to, for the device lock
/// and for `check`'s one session per device: the agent and its address
/// (`ip`/`ipaddr`, `ipport`; the last value wins, as agents read it), so
/// two primitives of one PDU with different plugs share one key. A device
/// with no address (fence_dummy, an API agent) is keyed by all of the
/// device's own parameters, `device_params`, as before.
pub fn physical_device_key(
    agent: &str,
    params: &[(String, String)],
    device_params: &[(String, String)],
) -> String {
    let last = |names: &[&str]| {
        params
            .iter()
            .rev()
            .find(|(k, v)| names.contains(&k.as_str()) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    match last(&["ip", "ipaddr"]) {
        Some(address) => {
            let port = last(&["ipport"]).unwrap_or_default();
            format!("{agent}@{address}:{port}")
        }
        None => format!("{agent}|{}", args_line(device_params)),
    }
}

/// Renders arguments the way fence_node -vv does: one line, spaces between.
pub fn args_line(args: &[(String, String)]) -> String {
    args.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The default time an agent gets: at least 60 s, else its power_timeout
/// default plus a margin, twice that for a reboot (off, then on).
pub fn default_timeout(power_timeout: Option<Duration>, action: &AgentAction) -> Duration {
    const MARGIN: Duration = Duration::from_secs(30);
    let one = power_timeout.unwrap_or(Duration::from_secs(20)) + MARGIN;
    let needed = if *action == AgentAction::Reboot {
        one * 2
    } else {
        one
    };
    needed.max(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::physical_device_key;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// See issue 13: two primitives of one PDU (different plugs) are one
    /// physical device; another address or agent is another device.
    #[test]
    fn issue13_physical_device_key_is_agent_and_address() {
        let a = pairs(&[("ip", "192.0.2.9"), ("plug", "1"), ("username", "a")]);
        let b = pairs(&[("ipaddr", "192.0.2.9"), ("plug", "2"), ("username", "b")]);
        let c = pairs(&[("ip", "192.0.2.9"), ("ipport", "2161"), ("plug", "1")]);
        let key = |agent, p: &[(String, String)]| physical_device_key(agent, p, p);
        assert_eq!(key("fence_apc", &a), key("fence_apc", &b));
        assert_ne!(key("fence_apc", &a), key("fence_apc", &c));
        assert_ne!(key("fence_apc", &a), key("fence_wti", &a));
        let dummy1 = pairs(&[("plug", "1")]);
        let dummy2 = pairs(&[("plug", "2")]);
        assert_ne!(key("fence_dummy", &dummy1), key("fence_dummy", &dummy2));
    }
}
