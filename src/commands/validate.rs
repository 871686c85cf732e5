//! `fencectl validate -a AGENT [NAME=VALUE...]`: a device's parameters
//! against the agent's metadata and Pacemaker's rules, then the agent's
//! own `validate-all` (arguments on stdin, secrets masked in its output).

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context as _, Result};
use comfy_table::Cell;
use serde::Serialize;

use super::Context;
use crate::agents::discovery::{self, FoundAgent};
use crate::agents::finding::{fails, Finding, Severity};
use crate::agents::metadata::{AgentMetadata, ContentType};
use crate::agents::pacemaker;
use crate::agents::params::{check_params, is_false_boolean};
use crate::agents::runner::{self, Invocation, DEFAULT_OUTPUT_CAP};
use crate::cli::ValidateArgs;
use crate::exit::{usage, ExitStatus};

/// What the agent's own validate-all said.
#[derive(Debug, Serialize)]
struct AgentCheck {
    ran: bool,
    exit_code: Option<i32>,
    ok: bool,
    /// The agent's diagnostics, secrets masked.
    stderr: String,
}

/// `--format json`'s one object.
#[derive(Debug, Serialize)]
struct Report<'a> {
    agent: &'a str,
    valid: bool,
    findings: &'a [Finding],
    agent_check: Option<&'a AgentCheck>,
}

pub fn run(args: &ValidateArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("validate")?;
    let agent = discovery::resolve(&args.agent, &ctx.global.agent_dirs)?;
    let (_, metadata) = ctx.catalog().metadata(&agent, false)?;
    let params = collect(args, &agent.name)?;
    if params.is_empty() {
        ctx.printer
            .warn("no parameters given: checking only what the agent requires");
    }
    let findings = check_params(&metadata, &params);
    let secrets: Vec<String> = params
        .iter()
        .filter(|(name, _)| metadata.is_secret_parameter(name))
        .map(|(_, value)| value.clone())
        .collect();
    let agent_check = if args.no_agent {
        None
    } else {
        Some(validate_all(
            &agent,
            &metadata,
            &params,
            ctx,
            if args.show_secrets { &[] } else { &secrets },
        )?)
    };
    let valid = !fails(&findings, false) && agent_check.as_ref().is_none_or(|c| c.ok || !c.ran);
    let masked: Vec<Finding> = findings
        .into_iter()
        .map(|mut f| {
            if !args.show_secrets {
                f.message = crate::secrets::mask_values(&f.message, &secrets);
            }
            f
        })
        .collect();
    if ctx.printer.json_output() {
        ctx.printer.json(&Report {
            agent: &agent.name,
            valid,
            findings: &masked,
            agent_check: agent_check.as_ref(),
        })?;
    } else {
        print_report(&agent.name, valid, &masked, agent_check.as_ref(), ctx)?;
    }
    Ok(if valid {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// Parameters from --params-file, then the command line, then --ask.
fn collect(args: &ValidateArgs, agent: &str) -> Result<Vec<(String, String)>> {
    let mut params = Vec::new();
    if let Some(file) = &args.params_file {
        let text = if file == Path::new("-") {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading parameters from standard input")?;
            text
        } else {
            fs_err::read_to_string(file).context("cannot read the parameters file")?
        };
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let (name, value) = line.split_once('=').ok_or_else(|| {
                usage(format!(
                    "{} line {}: '{line}' is not NAME=VALUE",
                    file.display(),
                    number + 1
                ))
            })?;
            params.push((name.trim().to_string(), resolve_value(value)?));
        }
    }
    for param in &args.params {
        let (name, value) = param.split_once('=').ok_or_else(|| {
            usage(format!("'{param}' is not NAME=VALUE (for example ip=192.0.2.1; use @FILE to read a value from a file)"))
        })?;
        if name.is_empty() {
            return Err(usage(format!("'{param}' has no parameter name before '='")));
        }
        params.push((name.to_string(), resolve_value(value)?));
    }
    for name in &args.ask {
        params.push((name.clone(), ask(name, agent)?));
    }
    Ok(params)
}

/// `@FILE` reads the value from FILE (without its final newline).
fn resolve_value(value: &str) -> Result<String> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok(value.to_string());
    };
    let text =
        fs_err::read_to_string(path).context("cannot read a parameter value given as @FILE")?;
    Ok(text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text)
        .to_string())
}

fn ask(name: &str, agent: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(usage(format!(
            "--ask {name} needs a terminal to ask on; without one give {name}=@FILE or put it in --params-file"
        )));
    }
    dialoguer::Password::new()
        .with_prompt(format!("{name} for {agent}"))
        .allow_empty_password(true)
        .interact()
        .with_context(|| format!("reading {name}"))
}

/// Runs `agent` with action=validate-all and the device's parameters on
/// stdin (Pacemaker's own parameters and false booleans left out).
fn validate_all(
    agent: &FoundAgent,
    metadata: &AgentMetadata,
    params: &[(String, String)],
    ctx: &Context<'_>,
    secrets: &[String],
) -> Result<AgentCheck> {
    if !metadata.has_action("validate-all") {
        ctx.printer.info(&format!(
            "{} has no validate-all action: only fencectl's checks apply",
            agent.name
        ));
        return Ok(AgentCheck {
            ran: false,
            exit_code: None,
            ok: true,
            stderr: String::new(),
        });
    }
    if params
        .iter()
        .any(|(_, v)| v.contains('\n') || v.contains('\0'))
    {
        return Ok(AgentCheck {
            ran: false,
            exit_code: None,
            ok: false,
            stderr: "not run: a value contains a newline".into(),
        });
    }
    let mut stdin = String::new();
    for (name, value) in params {
        let boolean = metadata
            .parameter(name)
            .is_some_and(|p| p.content_type == ContentType::Boolean);
        if pacemaker::is_special(name) || name == "action" || (boolean && is_false_boolean(value)) {
            continue;
        }
        stdin.push_str(&format!("{name}={value}\n"));
    }
    stdin.push_str("action=validate-all\n");
    let run = runner::run(&Invocation {
        program: &agent.path,
        args: agent.invocation_args(),
        stdin: Some(stdin.into_bytes()),
        timeout: ctx.global.agent_timeout,
        output_cap: DEFAULT_OUTPUT_CAP,
        echo: None,
    })?;
    let diagnostics = meaningful_lines(&String::from_utf8_lossy(&run.stderr));
    let stderr = crate::secrets::mask_values(&diagnostics, secrets);
    let exit_code = match run.ending {
        runner::Ending::Exited(code) => Some(code),
        _ => None,
    };
    let stderr = if run.success() || exit_code.is_some() {
        stderr
    } else {
        run.failure_reason(ctx.global.agent_timeout)
    };
    Ok(AgentCheck {
        ran: true,
        exit_code,
        ok: run.success(),
        stderr,
    })
}

/// The agent's stderr without Python's deprecation noise and blank lines.
fn meaningful_lines(stderr: &str) -> String {
    let mut lines = Vec::new();
    let mut skip_next = false;
    for line in stderr.lines() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        if line.contains("DeprecationWarning") {
            skip_next = true;
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end());
        }
    }
    lines.join("\n")
}

fn print_report(
    agent: &str,
    valid: bool,
    findings: &[Finding],
    check: Option<&AgentCheck>,
    ctx: &Context<'_>,
) -> Result<()> {
    let printer = ctx.printer;
    if !findings.is_empty() {
        let mut table = printer.table(&["SEVERITY", "PARAMETER", "MESSAGE"]);
        for finding in findings {
            let severity = match finding.severity {
                Severity::Error => printer.problem_cell("error"),
                Severity::Warning => Cell::new("warning"),
            };
            table.add_row(vec![
                severity,
                Cell::new(&finding.subject),
                Cell::new(&finding.message),
            ]);
        }
        printer.print_table(&table)?;
    }
    let mut out = String::new();
    if let Some(check) = check.filter(|c| c.ran) {
        let verdict = if check.ok {
            "accepted".to_string()
        } else {
            format!(
                "rejected (exit {})",
                check.exit_code.map_or("-".into(), |c| c.to_string())
            )
        };
        out.push_str(&format!("{agent} validate-all: {verdict}\n"));
        for line in check.stderr.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    out.push_str(&format!(
        "{agent}: {} ({errors} error(s), {warnings} warning(s))\n",
        if valid { "valid" } else { "NOT valid" }
    ));
    printer.out(&out)
}
