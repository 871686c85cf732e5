//! `fencectl validate -a AGENT [NAME=VALUE...]`: a device's parameters
//! against the agent's metadata and Pacemaker's rules, then the agent's
//! own `validate-all` (arguments on stdin, secrets masked in its output).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::LazyLock;

use anyhow::{Context as _, Result};
use regex::Regex;
use serde::Serialize;

use super::Context;
use crate::agents::discovery;
use crate::agents::finding::{fails, Finding};
use crate::agents::metadata::{AgentMetadata, ContentType};
use crate::agents::params::{as_agent_reads, find_parameter, is_false_boolean};
use crate::agents::runner::{self, Invocation, DEFAULT_OUTPUT_CAP};
use crate::cli::{Format, ValidateArgs};
use crate::exit::{usage, ExitStatus};
use crate::pacemaker::host_check::host_argument;
use crate::pacemaker::hosts::HostMap;
use crate::pacemaker::params::{is_special, lookup};
use crate::pacemaker::selection::StaticList;
use crate::pacemaker::version::PacemakerVersion;
use crate::sys::text;
use crate::views::validate::{AgentCheckView, ValidateView};

/// The node Pacemaker's own validation pretends to fence
/// (`stonith__validate` in lib/fencing/st_client.c).
const PACEMAKER_STAND_IN: &str = "node1";

/// What the agent's own validate-all said.
#[derive(Debug, Serialize)]
struct AgentCheck {
    ran: bool,
    exit_code: Option<i32>,
    /// The agent accepted the parameters (or was not asked and objected to nothing).
    ok: bool,
    /// The agent's diagnostics, secrets masked.
    stderr: String,
    /// Why it did not run, or how it ran, for the table.
    #[serde(skip)]
    note: Option<String>,
}

impl AgentCheck {
    fn verdict(&self) -> crate::report::validate::AgentVerdict<'_> {
        crate::report::validate::AgentVerdict {
            ran: self.ran,
            ok: self.ok,
            exit_code: self.exit_code,
            messages: &self.stderr,
            note: self.note.as_deref(),
        }
    }

    fn not_run(ok: bool, note: String) -> AgentCheck {
        AgentCheck {
            ran: false,
            exit_code: None,
            ok,
            stderr: String::new(),
            note: Some(note),
        }
    }
}

/// What `validate -a AGENT` found (`--format json` prints it as
/// [`ValidateView::Agent`]).
#[derive(Debug, Serialize)]
struct Report<'a> {
    agent: &'a str,
    valid: bool,
    findings: &'a [Finding],
    agent_check: Option<&'a AgentCheck>,
}

/// Runs `fencectl validate`.
pub fn run(args: &ValidateArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("validate", &[Format::Table, Format::Json])?;
    if let Some(file) = &args.config {
        return validate_config(file, ctx);
    }
    let agent = args.agent.as_deref().ok_or_else(|| {
        usage("name the agent with -a AGENT (or check a whole cluster.conf with --config FILE)")
    })?;
    let agent = ctx.agents().resolve(agent)?;
    let metadata = agent.metadata();
    let params = collect(
        &args.params,
        args.params_file.as_deref(),
        &args.ask,
        agent.name(),
    )?;
    if params.is_empty() {
        ctx.printer
            .warn("no parameters given: checking only what the agent requires");
    }
    let secrets = if args.show_secrets {
        Vec::new()
    } else {
        secret_values(metadata, &params)
    };
    let findings: Vec<Finding> = agent
        .check(&params)
        .findings
        .into_iter()
        .map(|mut f| {
            if !args.show_secrets {
                f.message = mask_quoted_secrets(&f.message, metadata, &params);
            }
            f
        })
        .collect();
    let agent_check = if args.no_agent {
        None
    } else {
        Some(validate_all(&agent, &params, ctx, &secrets)?)
    };
    let valid = !fails(&findings, false) && agent_check.as_ref().is_none_or(|c| c.ok);
    let report = Report {
        agent: agent.name(),
        valid,
        findings: &findings,
        agent_check: agent_check.as_ref(),
    };
    if ctx.printer.json_output() {
        ctx.printer.json(&ValidateView::Agent {
            schema_version: crate::views::SCHEMA_VERSION,
            agent: report.agent,
            valid: report.valid,
            findings: report.findings,
            agent_check: report.agent_check.map(|check| AgentCheckView {
                ran: check.ran,
                exit_code: check.exit_code,
                ok: check.ok,
                stderr: &check.stderr,
            }),
        })?;
    } else {
        let verdict = agent_check.as_ref().map(AgentCheck::verdict);
        crate::report::validate::agent(
            report.agent,
            report.findings,
            verdict.as_ref(),
            report.valid,
            ctx.printer,
        )?;
    }
    Ok(if valid {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// What `validate --config` found (`--format json` prints it as
/// [`ValidateView::Config`]).
#[derive(Debug, Serialize)]
struct ConfigReport<'a> {
    config: String,
    valid: bool,
    findings: &'a [Finding],
}

/// `validate --config FILE`: cman's schema (xmllint), then fencectl's own
/// fencing checks of every node's devices (`cman::check`).
fn validate_config(file: &Path, ctx: &Context<'_>) -> Result<ExitStatus> {
    let conf = crate::cman::conf::load(file)?;
    let rng = super::schema::build_cluster_rng(ctx)?;
    let mut findings = crate::cman::check::agents_in_schema(&conf, &rng.agents);
    findings.extend(crate::cman::schema::validate(&rng.text, file)?);
    let catalog = ctx.catalog();
    findings.extend(crate::cman::check::check(&conf, &mut |agent| {
        discovery::resolve_configured(agent, &catalog.dirs)
            .and_then(|a| {
                catalog
                    .metadata(&a, false)
                    .map(|(_, m)| std::rc::Rc::new(m))
            })
            .map_err(|e| format!("{e:#}"))
    }));
    // xmllint repeats itself; an agent that is not there at all is said once
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert((f.rule, f.message.clone())));
    let unknown: Vec<String> = findings
        .iter()
        .filter(|f| f.rule == "unknown-agent")
        .map(|f| f.subject.clone())
        .collect();
    findings.retain(|f| f.rule != "agent-not-in-schema" || !unknown.contains(&f.subject));
    let valid = !fails(&findings, false);
    let report = ConfigReport {
        config: file.display().to_string(),
        valid,
        findings: &findings,
    };
    if ctx.printer.json_output() {
        ctx.printer.json(&ValidateView::Config {
            schema_version: crate::views::SCHEMA_VERSION,
            config: &report.config,
            valid: report.valid,
            findings: report.findings,
        })?;
    } else {
        crate::report::validate::config(&report.config, &findings, valid, ctx.printer)?;
    }
    Ok(if valid {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The values to mask: those of secret parameters (by name, or by a
/// description saying password), also as the agent reads them (unquoted).
/// fencectl's own words quote a parameter as `name=value`: the value of a
/// secret parameter is masked there and nothing else is. Masking every
/// occurrence of the value would turn `fence_wti` into `fence_********`
/// for the password `wti` (and so show the password).
fn mask_quoted_secrets(
    text: &str,
    metadata: &AgentMetadata,
    params: &[(String, String)],
) -> String {
    let mut text = text.to_string();
    for (name, value) in params {
        if metadata.is_secret_parameter(name) && !value.is_empty() {
            let masked = format!("{name}={}", crate::secrets::MASK);
            for value in [value.as_str(), as_agent_reads(value)] {
                text = text.replace(&format!("{name}={value}"), &masked);
            }
        }
    }
    text
}

fn secret_values(metadata: &AgentMetadata, params: &[(String, String)]) -> Vec<String> {
    params
        .iter()
        .filter(|(name, _)| metadata.is_secret_parameter(name))
        .flat_map(|(_, value)| [value.clone(), as_agent_reads(value).to_string()])
        .collect()
}

// ---------------------------------------------------------------------------
// Where the parameters come from

/// Parameters from --params-file, then the command line, then --ask.
/// The parameters given as `validate` and `run` take them: `--params-file`
/// lines, then NAME=VALUE arguments (`@FILE` values), then `--ask` answers.
pub(crate) fn collect(
    given: &[String],
    params_file: Option<&Path>,
    asked: &[String],
    agent: &str,
) -> Result<Vec<(String, String)>> {
    let mut params = Vec::new();
    if let Some(file) = params_file {
        params.extend(read_params_file(file)?);
    }
    for param in given {
        let (name, value) = param.split_once('=').ok_or_else(|| {
            usage(format!(
                "'{param}' is not NAME=VALUE \
                 (for example ip=192.0.2.1; use @FILE to read a value from a file)"
            ))
        })?;
        if name.is_empty() {
            return Err(usage(format!(
                "'{}' has no parameter name before '='",
                text::escape_controls(param)
            )));
        }
        params.push((name.to_string(), resolve_value(value)?));
    }
    for name in asked {
        params.push((name.clone(), ask(name, agent)?));
    }
    Ok(params)
}

/// NAME=VALUE lines, as agents read stdin: lines are stripped, `#` comments
/// and blank lines skipped. `-` is standard input.
fn read_params_file(file: &Path) -> Result<Vec<(String, String)>> {
    let text = if file == Path::new("-") {
        crate::sys::fs::read_string_capped_from(
            std::io::stdin(),
            crate::sys::fs::CONFIG_CAP,
            "standard input",
        )
        .context("reading parameters from standard input")?
    } else {
        crate::sys::fs::read_string_capped(file, crate::sys::fs::CONFIG_CAP)
            .context("cannot read the parameters file")?
    };
    let mut params = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The line is never shown: without its '=' it may be a password.
        let (name, value) = line.split_once('=').ok_or_else(|| {
            usage(format!(
                "{} line {} is not NAME=VALUE: it has no '=' (the line is not shown: it may hold a secret)",
                file.display(),
                number + 1
            ))
        })?;
        params.push((name.to_string(), resolve_value(value)?));
    }
    Ok(params)
}

/// `@FILE` reads the value from FILE, without one final newline.
fn resolve_value(value: &str) -> Result<String> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok(value.to_string());
    };
    let text = crate::sys::fs::read_string_capped(path, crate::sys::fs::VALUE_CAP)
        .context("cannot read a parameter value given as @FILE")?;
    let text = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    Ok(text.to_string())
}

/// Asks for a value without echo; refuses at once without a terminal
/// (dialoguer would fail later, less clearly).
fn ask(name: &str, agent: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(usage(format!(
            "--ask {name} needs a terminal to ask on; \
             without one give {name}=@FILE or put it in --params-file"
        )));
    }
    dialoguer::Password::new()
        .with_prompt(format!("{name} for {agent}"))
        .allow_empty_password(true)
        .interact()
        .with_context(|| format!("reading {name}"))
}

// ---------------------------------------------------------------------------
// The agent's validate-all

/// Runs `agent` with action=validate-all and the device's parameters on
/// stdin, as Pacemaker's own validation does.
fn validate_all(
    agent: &crate::Agent,
    params: &[(String, String)],
    ctx: &Context<'_>,
    secrets: &[String],
) -> Result<AgentCheck> {
    let metadata = agent.metadata();
    if let Some(skipped) = not_runnable(agent.name(), metadata, params) {
        return Ok(skipped);
    }
    let target = stand_in_target(params, metadata);
    let run = runner::run(&Invocation {
        program: agent.path(),
        args: agent.invocation_args().to_vec(),
        stdin: Some(agent_input(params, metadata, target.as_ref()).into_bytes()),
        timeout: ctx.global.agent_timeout,
        output_cap: DEFAULT_OUTPUT_CAP,
        echo: None,
    })?;
    let exit_code = match run.ending {
        runner::Ending::Exited(code) => Some(code),
        _ => None,
    };
    // The agent's output is masked; fencectl's words around it are not.
    let mask = |text: &str| crate::secrets::mask_values(text, secrets);
    let stderr = match exit_code {
        Some(_) => mask(&agent_messages(&String::from_utf8_lossy(&run.stderr))),
        None => run.failure_reason_masked(ctx.global.agent_timeout, &mask),
    };
    Ok(AgentCheck {
        ran: true,
        exit_code,
        ok: run.success(),
        stderr,
        note: target.map(|t| {
            // A stand-in fencectl made up is no node of the user's: not named.
            let note = if t.made_up {
                format!("run with a stand-in {} value, as Pacemaker validates a device that names no node", t.param)
            } else {
                format!("run as for node {} with {}={}", t.node, t.param, t.value)
            };
            if secrets.is_empty() {
                note
            } else {
                mask_quoted_secrets(&note, metadata, params)
            }
        }),
    })
}

/// Why validate-all cannot run, if it cannot.
fn not_runnable(
    agent: &str,
    metadata: &AgentMetadata,
    params: &[(String, String)],
) -> Option<AgentCheck> {
    if !metadata.has_action("validate-all") {
        return Some(AgentCheck::not_run(
            true,
            format!("{agent} has no validate-all action: only fencectl's checks were made"),
        ));
    }
    // The findings say which parameter; the agent never gets a line it
    // did not ask for (issue 9).
    if let Some((name, problem)) = text::stdin_args_problem(params) {
        return Some(AgentCheck::not_run(
            false,
            format!(
                "{agent} validate-all not run: parameter {} {problem}",
                text::escape_controls(name)
            ),
        ));
    }
    None
}

/// The node parameter Pacemaker adds when it validates a device.
struct Target {
    node: String,
    param: String,
    value: String,
    /// The names the agent takes for `param` (`port` and `plug`).
    aliases: Vec<String>,
    /// The device names no node: `node` is Pacemaker's stand-in.
    made_up: bool,
}

/// Pacemaker validates a device as if fencing a stand-in node, so that an
/// agent needing a plug gets one: the host argument set to the node (or its
/// pcmk_host_map entry), unless the device sets that parameter itself. We
/// take the first node the device names, else Pacemaker's own stand-in, and
/// leave out a host argument the agent does not know (fence_dummy would
/// warn about `port`).
fn stand_in_target(params: &[(String, String)], metadata: &AgentMetadata) -> Option<Target> {
    // As the installed Pacemaker's validate would (2.1 sends port).
    let param = host_argument(
        &metadata.name,
        params,
        Some(metadata),
        PacemakerVersion::installed_or_default(),
    )?;
    let known = find_parameter(metadata, &param)?;
    let aliases: Vec<String> = [
        Some(&param),
        Some(&known.name),
        known.replaced_by.as_ref(),
        known.obsoletes.as_ref(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let set_by_device = params
        .iter()
        .any(|(name, value)| aliases.contains(name) && !value.eq_ignore_ascii_case("dynamic"));
    if set_by_device {
        return None;
    }
    let map = HostMap::parse_lenient(lookup(params, "pcmk_host_map").unwrap_or_default());
    let listed = StaticList::of(params).names();
    let named = map
        .nodes()
        .next()
        .map(str::to_string)
        .or_else(|| listed.into_iter().next());
    let made_up = named.is_none();
    let node = named.unwrap_or_else(|| PACEMAKER_STAND_IN.to_string());
    let value = map.get(&node).unwrap_or(&node).to_string();
    Some(Target {
        node,
        param,
        value,
        aliases,
        made_up,
    })
}

/// The agent's stdin: the device's parameters minus Pacemaker's own, the
/// device's `action` and false booleans (fencing.py would take `=0` as on),
/// then the stand-in node and `action=validate-all`.
fn agent_input(
    params: &[(String, String)],
    metadata: &AgentMetadata,
    target: Option<&Target>,
) -> String {
    let mut input = String::new();
    for (name, value) in params {
        let boolean =
            find_parameter(metadata, name).is_some_and(|p| p.content_type == ContentType::Boolean);
        // The device said "dynamic": the stand-in node takes its place.
        let replaced = target.is_some_and(|t| t.aliases.contains(name));
        if is_special(name) || name == "action" || replaced || (boolean && is_false_boolean(value))
        {
            continue;
        }
        input.push_str(&format!("{name}={value}\n"));
    }
    if let Some(target) = target {
        input.push_str(&format!(
            "nodename={}\n{}={}\n",
            target.node, target.param, target.value
        ));
    }
    input.push_str("action=validate-all\n");
    input
}

/// fencing.py's timestamp in front of each message.
static TIMESTAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ").expect("a valid regex"));

/// Python's default log format, used before fencing.py sets its own.
static ROOT_LOGGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL):root:").expect("a valid regex")
});

/// The agent's messages: without timestamps, Python's deprecation noise,
/// the "-h" hint (meaningless on stdin) and the copies fencing.py prints
/// when it logs through two handlers.
fn agent_messages(stderr: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut skip_next = false;
    for line in stderr.lines() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if line.contains("DeprecationWarning") {
            // The next line is the offending source line.
            skip_next = true;
            continue;
        }
        let line = TIMESTAMP.replace(line.trim_end(), "");
        let line = ROOT_LOGGER.replace(&line, "$1: ").into_owned();
        if !line.trim().is_empty()
            && !line.contains("Please use '-h' for usage")
            && !lines.contains(&line)
        {
            lines.push(line);
        }
    }
    lines.join("\n")
}
