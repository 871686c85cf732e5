//! Talking to the running cluster: Pacemaker's own tools (`stonith_admin`,
//! `cibadmin`, `crmadmin`) with `--output-as xml`, their exit codes
//! translated into fencectl's table in one place ([`ToolError`]).
//!
//! fencectl is not a cluster manager: when a cluster runs, pacemaker-fenced
//! coordinates fencing (topology, delays, concurrency, history) and
//! fencectl hands work to it.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::sys::process::{self, Ending, Invocation};
use crate::xml::Element;

/// Pacemaker's CRM_EX_* codes that fencectl branches on.
const CRM_EX_TIMEOUT: i32 = 124;
const CRM_EX_NOT_CONNECTED: i32 = 102;
const CRM_EX_NOSUCH: i32 = 105;

/// How long a query (not a fencing action) may take.
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a Pacemaker tool failed, as fencectl's exit-code table sees it.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// 102: the daemon the tool talks to is not running here.
    #[error(
        "{tool}: the cluster is not running on this node (not connected to {daemon}); \
         start it with `systemctl start pacemaker` (or `pcs cluster start`)"
    )]
    NotConnected {
        tool: String,
        daemon: &'static str,
        message: String,
    },
    /// 105 from a fencing request: no registered device can fence the target.
    #[error("{tool}: no fence device registered in the cluster can fence {target}")]
    NoDevice {
        tool: String,
        target: String,
        message: String,
    },
    /// 124, or the tool ran past fencectl's own deadline.
    #[error("{tool}: timed out")]
    TimedOut { tool: String, message: String },
    /// Any other failure: the tool's code and message.
    #[error("{tool} failed (exit {code}): {message}")]
    Failed {
        tool: String,
        code: i32,
        message: String,
    },
    /// The tool is not installed or could not be started.
    #[error("cannot run {tool} (install pacemaker-cli-utils): {message}")]
    NotRunnable { tool: String, message: String },
}

impl ToolError {
    /// The row of fencectl's exit-code table this failure belongs to.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            ToolError::NoDevice { .. } => ExitStatus::NothingConfigured,
            _ => ExitStatus::Failure,
        }
    }

    /// The tool's own words (shown at `-v`).
    pub fn tool_message(&self) -> &str {
        match self {
            ToolError::NotConnected { message, .. }
            | ToolError::NoDevice { message, .. }
            | ToolError::TimedOut { message, .. }
            | ToolError::Failed { message, .. }
            | ToolError::NotRunnable { message, .. } => message,
        }
    }
}

/// A tool's successful run: its stdout.
struct ToolOutput {
    stdout: Vec<u8>,
}

/// Runs a Pacemaker tool; a non-zero exit becomes a [`ToolError`].
/// `target` names the node of a fencing request (for 105).
fn tool(
    program: &str,
    args: &[String],
    timeout: Duration,
    target: Option<&str>,
) -> Result<ToolOutput, ToolError> {
    let run = process::run(&Invocation {
        program: Path::new(program),
        args: args.to_vec(),
        stdin: None,
        timeout,
        output_cap: 256 * 1024 * 1024,
        echo: None,
    })
    .map_err(|e| ToolError::NotRunnable {
        tool: program.into(),
        message: format!("{e:#}"),
    })?;
    let message = tool_message(&run.stdout, &run.stderr);
    let code = match run.ending {
        Ending::Exited(0) => return Ok(ToolOutput { stdout: run.stdout }),
        Ending::Exited(code) => code,
        Ending::TimedOut => {
            return Err(ToolError::TimedOut {
                tool: program.into(),
                message: format!("no answer within {}", crate::timespec::format(timeout)),
            })
        }
        _ => {
            return Err(ToolError::Failed {
                tool: program.into(),
                code: -1,
                message: run.failure_reason(timeout),
            })
        }
    };
    let tool = program.to_string();
    Err(match code {
        CRM_EX_NOT_CONNECTED => ToolError::NotConnected {
            daemon: match program {
                "stonith_admin" => "pacemaker-fenced",
                "cibadmin" => "the CIB manager",
                _ => "pacemakerd",
            },
            tool,
            message,
        },
        CRM_EX_NOSUCH if target.is_some() => ToolError::NoDevice {
            tool,
            target: target.unwrap_or_default().into(),
            message,
        },
        CRM_EX_TIMEOUT => ToolError::TimedOut { tool, message },
        code => ToolError::Failed {
            tool,
            code,
            message,
        },
    })
}

/// The tool's message: the `<error>` lines of its XML result, else its
/// first non-empty stderr line.
fn tool_message(stdout: &[u8], stderr: &[u8]) -> String {
    if let Ok(root) = crate::xml::parse(stdout) {
        let errors: Vec<&str> = root
            .child("status")
            .and_then(|s| s.child("errors"))
            .map(|e| e.children_named("error").map(|e| e.text.trim()).collect())
            .unwrap_or_default();
        if !errors.is_empty() {
            return errors.join("; ");
        }
    }
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    crate::sys::text::escape_controls(line.unwrap_or("no message")).into_owned()
}

fn parse_result(program: &str, output: &ToolOutput) -> Result<Element> {
    crate::xml::parse(&output.stdout)
        .with_context(|| format!("{program} --output-as xml printed malformed XML"))
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A cluster stack that runs on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunningCluster {
    /// pacemakerd answers (`crmadmin --pacemakerd`).
    Pacemaker,
    /// cman's fenced runs (cluster.conf clusters).
    Cman,
}

impl RunningCluster {
    /// How to tell this cluster that a node was fenced outside it.
    pub fn confirm_hint(self, node: &str) -> String {
        match self {
            RunningCluster::Pacemaker => format!("stonith_admin --confirm {node}"),
            RunningCluster::Cman => format!("fence_ack_manual {node}"),
        }
    }
}

/// Which cluster runs here, if any: pacemakerd answering, else a process
/// called `fenced` (cman).
pub fn running_cluster() -> Option<RunningCluster> {
    // pacemakerd listens on the abstract socket "@pacemakerd" (libqb):
    // when this network namespace has none, no Pacemaker runs here, and
    // starting crmadmin (milliseconds on every fence) can be spared.
    if pacemakerd_socket() == Some(false) {
        return cman_fenced_runs().then_some(RunningCluster::Cman);
    }
    let pacemaker = tool(
        "crmadmin",
        &args(&["--pacemakerd", "--output-as", "xml"]),
        Duration::from_secs(10),
        None,
    );
    if pacemaker.is_ok() {
        return Some(RunningCluster::Pacemaker);
    }
    cman_fenced_runs().then_some(RunningCluster::Cman)
}

/// Whether pacemakerd's IPC socket exists in this network namespace, when
/// /proc can say.
fn pacemakerd_socket() -> Option<bool> {
    let unix = std::fs::read_to_string("/proc/self/net/unix").ok()?;
    Some(unix.lines().any(|line| {
        // An abstract name shows as `@name`, and the NULs that pad it
        // (libqb binds the whole sun_path) as more `@`s.
        line.split_whitespace()
            .last()
            .is_some_and(|path| path.trim_end_matches('@') == "@pacemakerd")
    }))
}

fn cman_fenced_runs() -> bool {
    // cman's fenced holds a lock on /var/run/fenced.pid (fence/fenced/main.c
    // LOCKFILE_NAME): without that file no fenced runs, and the scan of
    // every process can be spared.
    if !["/var/run/fenced.pid", "/run/fenced.pid"]
        .iter()
        .any(|path| std::path::Path::new(path).exists())
    {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        std::fs::read_to_string(entry.path().join("comm")).is_ok_and(|comm| comm.trim() == "fenced")
    })
}

/// What the fencer is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterAction {
    Reboot,
    Off,
    /// Sent as `--unfence`.
    On,
}

impl ClusterAction {
    fn flag(self) -> &'static str {
        match self {
            ClusterAction::Reboot => "--reboot",
            ClusterAction::Off => "--fence",
            ClusterAction::On => "--unfence",
        }
    }

    /// The action's name in the fencer's history.
    pub fn history_name(self) -> &'static str {
        match self {
            ClusterAction::Reboot => "reboot",
            ClusterAction::Off => "off",
            ClusterAction::On => "on",
        }
    }
}

/// A fencing request to pacemaker-fenced.
#[derive(Debug, Clone)]
pub struct ClusterFenceRequest {
    pub node: String,
    pub action: ClusterAction,
    /// The whole operation's timeout (`stonith_admin --timeout`).
    pub timeout: Duration,
    /// Do nothing if the same action succeeded this recently.
    pub tolerance: Duration,
    /// An extra delay; `None` disables pcmk_delay_base/max (`--delay -1`).
    pub delay: Option<Duration>,
}

/// The default timeout of a fencing request (stonith_admin's own).
pub const DEFAULT_FENCE_TIMEOUT: Duration = Duration::from_secs(120);

fn whole_seconds(d: Duration) -> String {
    // stonith_admin takes whole seconds; round up so nothing is shortened.
    d.as_secs()
        .saturating_add(u64::from(d.subsec_nanos() > 0))
        .to_string()
}

impl ClusterFenceRequest {
    /// The `stonith_admin` arguments.
    pub fn args(&self) -> Vec<String> {
        vec![
            self.action.flag().into(),
            self.node.clone(),
            "--timeout".into(),
            whole_seconds(self.timeout),
            "--tolerance".into(),
            whole_seconds(self.tolerance),
            "--delay".into(),
            self.delay.map_or("-1".into(), whole_seconds),
            "--output-as".into(),
            "xml".into(),
        ]
    }
}

/// Asks pacemaker-fenced to fence; `Ok` only when it reports success.
pub fn fence(request: &ClusterFenceRequest) -> Result<(), ToolError> {
    // A fencing request retries the connection for many seconds; a query
    // says at once whether the fencer is there.
    tool(
        "stonith_admin",
        &args(&["--list-registered", "--output-as", "xml"]),
        QUERY_TIMEOUT,
        None,
    )?;
    // The fencer ends the operation at its timeout; delays come on top.
    let deadline =
        request.timeout + request.delay.unwrap_or(Duration::ZERO) + Duration::from_secs(30);
    tool(
        "stonith_admin",
        &request.args(),
        deadline,
        Some(&request.node),
    )
    .map(drop)
}

/// One entry of the fencer's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct FenceEvent {
    /// The node fenced.
    pub target: String,
    /// The action (`reboot`, `off`, `on`).
    pub action: String,
    /// `success`, `failed` or `pending`.
    pub status: String,
    /// Who asked (e.g. `stonith_admin.1234`, `pacemaker-controld.99`).
    pub client: String,
    /// The node the request came from.
    pub origin: String,
    /// The node that ran the device, when one did.
    pub delegate: Option<String>,
    /// `YYYY-MM-DD HH:MM:SSZ` as Pacemaker prints it; none while pending.
    pub completed: Option<String>,
    /// Why it failed, as the fencer says.
    pub exit_reason: Option<String>,
}

/// The fencer's history for `node` (every node when `None`), newest first,
/// with failed and pending actions (`--verbose`).
pub fn history(node: Option<&str>) -> Result<Vec<FenceEvent>, anyhow::Error> {
    let output = tool(
        "stonith_admin",
        &args(&[
            "--history",
            node.unwrap_or("*"),
            "--verbose",
            "--output-as",
            "xml",
        ]),
        QUERY_TIMEOUT,
        None,
    )?;
    let root = parse_result("stonith_admin", &output)?;
    Ok(events(&root))
}

fn events(root: &Element) -> Vec<FenceEvent> {
    let attr = |e: &Element, name: &str| e.attr(name).map(str::to_string);
    root.children_named("list")
        .flat_map(|l| l.children_named("fence_event"))
        .map(|e| FenceEvent {
            target: attr(e, "target").unwrap_or_default(),
            action: attr(e, "action").unwrap_or_default(),
            status: attr(e, "status").unwrap_or_default(),
            client: attr(e, "client").unwrap_or_default(),
            origin: attr(e, "origin").unwrap_or_default(),
            delegate: attr(e, "delegate"),
            completed: attr(e, "completed"),
            exit_reason: attr(e, "exit-reason"),
        })
        .collect()
}

/// The devices pacemaker-fenced has registered (`--list-registered`).
pub fn registered_devices() -> Result<Vec<String>> {
    let output = tool(
        "stonith_admin",
        &args(&["--list-registered", "--output-as", "xml"]),
        QUERY_TIMEOUT,
        None,
    )?;
    let root = parse_result("stonith_admin", &output)?;
    Ok(root
        .children_named("list")
        .flat_map(|l| l.children_named("item"))
        .map(|i| i.text.trim().to_string())
        .collect())
}

/// The running cluster's CIB (`cibadmin --query`), parsed.
pub fn query_cib() -> Result<Element> {
    let output = tool("cibadmin", &args(&["--query"]), QUERY_TIMEOUT, None)?;
    crate::xml::parse(&output.stdout).context("cibadmin --query printed malformed XML")
}

/// Applies a patchset file to the running CIB (`cibadmin --patch`).
pub fn patch_cib(file: &str, timeout: Duration) -> Result<(), ToolError> {
    tool(
        "cibadmin",
        &args(&["--patch", "--xml-file", file]),
        timeout,
        None,
    )
    .map(drop)
}

/// Whether `cibadmin --patch` refused a patch made against another CIB
/// version: CRM_EX_OLD (103), as seen in the harness.
pub fn is_stale_patch(error: &ToolError) -> bool {
    matches!(error, ToolError::Failed { code: 103, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue14_request_args_round_up_and_disable_delays() {
        let request = ClusterFenceRequest {
            node: "node2".into(),
            action: ClusterAction::On,
            timeout: Duration::from_millis(30_500),
            tolerance: Duration::ZERO,
            delay: None,
        };
        assert_eq!(
            request.args(),
            [
                "--unfence",
                "node2",
                "--timeout",
                "31",
                "--tolerance",
                "0",
                "--delay",
                "-1",
                "--output-as",
                "xml"
            ]
        );
    }

    #[test]
    fn issue14_history_events_are_read_from_xml() {
        let xml = br#"<pacemaker-result api-version="2.25" request="stonith_admin --history * --verbose --output-as xml">
  <list name="fencing history" count="2">
    <fence_event action="off" target="node3" client="stonith_admin.5223" origin="node1" status="failed" delegate="node1" completed="2026-12-02 03:36:38Z"/>
    <fence_event action="reboot" target="node2" client="stonith_admin.5216" origin="node1" status="success" delegate="node1" completed="2026-12-02 03:36:36Z"/>
  </list>
  <status code="0" message="OK"/>
</pacemaker-result>"#;
        let events = events(&crate::xml::parse(xml).unwrap());
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].target, "node3");
        assert_eq!(events[0].status, "failed");
        assert_eq!(events[1].delegate.as_deref(), Some("node1"));
    }

    #[test]
    fn issue14_tool_message_prefers_xml_errors() {
        let xml = br#"<pacemaker-result><status code="105" message="No such object"><errors><error>stonith_admin: Couldn't fence node4: No such device</error></errors></status></pacemaker-result>"#;
        assert_eq!(
            tool_message(xml, b""),
            "stonith_admin: Couldn't fence node4: No such device"
        );
        assert_eq!(
            tool_message(b"", b"\nCould not connect to fencer\n"),
            "Could not connect to fencer"
        );
    }
}
