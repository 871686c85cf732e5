//! `fencectl ovh-keys create` and `fencectl ovh-keys check`.

// OVH errors are large and rare; see src/ovh/mod.rs.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use comfy_table::Cell;
use serde_json::Value;

use super::Context;
use crate::cli::{OvhKeysCheckArgs, OvhKeysCommand, OvhKeysCreateArgs};
use crate::exit::{usage, ExitStatus, Reported};
use crate::ovh::client::{Client, Credentials};
use crate::ovh::config::{self, IniFile};
use crate::ovh::fencing::ServerFencer;
use crate::ovh::keys::{self, Rule};
use crate::prompt::{self, Prompter, TerminalPrompter};

pub fn run(command: &OvhKeysCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.no_xml("ovh-keys")?;
    match command {
        OvhKeysCommand::Create(args) => {
            let interactive = prompt::interactive();
            create(args, ctx, &mut TerminalPrompter, interactive)
        }
        OvhKeysCommand::Check(args) => check(args, ctx),
    }
}

/// The flags a run without a terminal cannot do without.
fn missing_flags(args: &OvhKeysCreateArgs) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if args.endpoint.is_none() {
        missing.push("--endpoint");
    }
    if args.application_key.is_none() {
        missing.push("--application-key");
    }
    if args.application_secret_file.is_none() {
        missing.push("--application-secret-file");
    }
    if args.servers.is_empty() {
        missing.push("--server");
    }
    missing
}

/// The answers, from flags or questions.
struct Answers {
    endpoint: String,
    base: String,
    application_key: String,
    application_secret: String,
    servers: Vec<String>,
    /// Also allow `GET /dedicated/server` (the agent's list action).
    with_list: bool,
    allowed_ips: Vec<String>,
}

fn ask(
    args: &OvhKeysCreateArgs,
    prompter: &mut dyn Prompter,
    interactive: bool,
) -> Result<Answers> {
    let names: Vec<String> = crate::ovh::ENDPOINTS
        .iter()
        .map(|(name, url)| format!("{name}  ({url})"))
        .collect();
    let endpoint = match &args.endpoint {
        Some(endpoint) => endpoint.clone(),
        None => {
            let index = prompter.select(
                "OVH API endpoint (where your servers' account is)",
                &names,
                0,
            )?;
            crate::ovh::ENDPOINTS[index].0.to_string()
        }
    };
    let named = crate::ovh::base_url(&endpoint).map_err(usage)?;
    let base = match &args.api_url {
        Some(url) => crate::ovh::base_url(url).map_err(usage)?,
        None => named.clone(),
    };
    if args.application_key.is_none() || args.application_secret_file.is_none() {
        eprintln!(
            "Create an application at {} (any name and description), then give its key and secret.",
            crate::ovh::create_app_url(&named)
        );
    }
    let application_key = match &args.application_key {
        Some(key) => key.clone(),
        None => prompter.input("Application key", None)?.trim().to_string(),
    };
    let application_secret = match &args.application_secret_file {
        Some(file) => crate::sys::fs::read_string_capped(file, crate::sys::fs::VALUE_CAP)
            .context("cannot read the application secret file")?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
        None => prompter
            .password("Application secret (not shown)")?
            .trim()
            .to_string(),
    };
    if application_key.is_empty() || application_secret.is_empty() {
        return Err(usage("the application key and secret must not be empty"));
    }
    let servers = match args.servers.as_slice() {
        [] => split_list(&prompter.input(
            "Servers the cluster fences (service names, separated by spaces)",
            None,
        )?),
        given => given.to_vec(),
    };
    if servers.is_empty() {
        return Err(usage(
            "give at least one server (its OVH service name, e.g. ns567890.ip-123-22-44.eu)",
        ));
    }
    for server in &servers {
        if server.contains(['/', '*', ' ']) {
            return Err(usage(format!("'{server}' is not a server's service name")));
        }
    }
    let with_list = args.list_rule
        || (interactive
            && prompter.confirm(
                "Also allow listing the account's servers (GET /dedicated/server; only the agent's list action needs it)?",
                false,
            )?);
    let allowed_ips = if !args.allowed_ips.is_empty() || !interactive {
        args.allowed_ips.clone()
    } else {
        split_list(&prompter.input(
            "Allowed IPs: the cluster nodes' public addresses, so that stolen keys are useless elsewhere (empty: any)",
            Some(""),
        )?)
    };
    for ip in &allowed_ips {
        check_ip(ip)?;
    }
    Ok(Answers {
        endpoint,
        base,
        application_key,
        application_secret,
        servers,
        with_list,
        allowed_ips,
    })
}

fn split_list(text: &str) -> Vec<String> {
    text.split([' ', ',', '\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn check_ip(text: &str) -> Result<()> {
    let (address, prefix) = text
        .split_once('/')
        .map_or((text, None), |(a, p)| (a, Some(p)));
    let ip: std::net::IpAddr = address.parse().map_err(|_| {
        usage(format!(
            "'{text}' is not an IP address (203.0.113.4 or 203.0.113.0/24)"
        ))
    })?;
    if let Some(prefix) = prefix {
        let max = if ip.is_ipv4() { 32 } else { 128 };
        if prefix.parse::<u8>().map_or(true, |p| p > max) {
            return Err(usage(format!(
                "'{text}' has a bad prefix length (0 to {max})"
            )));
        }
    }
    Ok(())
}

fn print_rules(rules: &[Rule], ctx: &Context<'_>) -> Result<()> {
    let mut table = ctx.printer.table(&["METHOD", "PATH"]);
    for rule in rules {
        table.add_row(vec![Cell::new(&rule.method), Cell::new(&rule.path)]);
    }
    eprintln!(
        "The keys will be allowed exactly these calls (nothing else: no reinstall, no billing):"
    );
    eprint!(
        "{}",
        table
            .lines()
            .map(|l| l.trim_end().to_string() + "\n")
            .collect::<String>()
    );
    Ok(())
}

/// The whole walk: answers, rules, credential, validation, self-test, file.
pub fn create(
    args: &OvhKeysCreateArgs,
    ctx: &Context<'_>,
    prompter: &mut dyn Prompter,
    interactive: bool,
) -> Result<ExitStatus> {
    if !interactive {
        let missing = missing_flags(args);
        if !missing.is_empty() {
            return Err(usage(format!(
                "no terminal to ask on: give {} (and optionally --allowed-ip, --output, --yes, --no-wait)",
                missing.join(", ")
            )));
        }
    }
    let answers = ask(args, prompter, interactive)?;
    let rules = keys::rules_for(&answers.servers, answers.with_list);
    print_rules(&rules, ctx)?;
    if interactive && !args.yes && !prompter.confirm("Request keys with these rules?", true)? {
        bail!("cancelled: nothing was requested or written");
    }
    let output = args.output.clone().unwrap_or_else(default_output);
    let section = answers.endpoint.clone();
    let existing = read_existing(&output)?;
    if existing.has_section(&section) && !args.yes {
        let replace = interactive
            && prompter.confirm(
                &format!(
                    "{} already has a [{section}] section: replace its keys?",
                    output.display()
                ),
                false,
            )?;
        if !replace {
            bail!("{} already has a [{section}] section: nothing was requested (give --yes to replace it, or --output another file)", output.display());
        }
    }
    let mut client = Client::new(
        &answers.base,
        Credentials {
            application_key: answers.application_key.clone(),
            application_secret: answers.application_secret.clone(),
            consumer_key: String::new(),
        },
        Duration::from_secs(30),
    )?;
    let answer = client.post_unsigned(
        "/auth/credential",
        &keys::credential_request(&rules, &answers.allowed_ips),
    )?;
    let consumer_key = answer
        .get("consumerKey")
        .and_then(Value::as_str)
        .context("the API returned no consumer key")?
        .to_string();
    let validation = answer
        .get("validationUrl")
        .and_then(Value::as_str)
        .unwrap_or_default();
    eprintln!("\nOpen {validation}\nlog in with the account that owns the servers, and choose the validity \"Unlimited\"\n(fencing must not stop working when the keys expire).");
    let mut client = Client::new(
        &answers.base,
        Credentials {
            application_key: answers.application_key.clone(),
            application_secret: answers.application_secret.clone(),
            consumer_key: consumer_key.clone(),
        },
        Duration::from_secs(30),
    )?;
    let mut failures = Vec::new();
    if args.no_wait {
        eprintln!("--no-wait: the keys are written now and work once validated (check with fencectl ovh-keys check).");
    } else {
        let credential = wait_for_validation(&mut client, args.wait_timeout, ctx)?;
        if let Some(expiration) = credential.get("expiration").and_then(Value::as_str) {
            ctx.printer.warn(&format!("the keys expire at {expiration}: fencing stops working then; create keys with \"Unlimited\" validity"));
        }
        failures = self_test(&mut client, &answers.servers);
    }
    write_config(&output, existing, &section, &answers, &consumer_key)?;
    eprintln!(
        "Wrote the keys to [{section}] in {} (mode 0600).",
        output.display()
    );
    ctx.printer.out(&snippets(&output, &answers.servers))?;
    if !failures.is_empty() {
        crate::output::print_error(&anyhow::anyhow!(
            "the self-test failed:\n  {}",
            failures.join("\n  ")
        ));
        return Err(Reported(ExitStatus::Failure).into());
    }
    Ok(ExitStatus::Success)
}

fn default_output() -> PathBuf {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return PathBuf::from("/etc/ovh.conf");
    }
    std::env::var_os("HOME").map_or_else(
        || PathBuf::from("ovh.conf"),
        |h| PathBuf::from(h).join(".ovh.conf"),
    )
}

fn read_existing(path: &Path) -> Result<IniFile> {
    match crate::sys::fs::read_string_capped(path, crate::sys::fs::CONFIG_CAP) {
        Ok(text) => IniFile::parse(&text)
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| {
                format!(
                    "{} is not an ovh.conf; give --output another file",
                    path.display()
                )
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(IniFile::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Waits until the credential is validated. Pending, and the errors a
/// pending key gets, mean "not yet" until the deadline.
fn wait_for_validation(client: &mut Client, timeout: Duration, ctx: &Context<'_>) -> Result<Value> {
    // A signal stops the wait; nothing is written after one.
    let _cooperation = crate::sys::signal::cooperate();
    let spinner = ctx
        .printer
        .progress(0, "waiting for the validation in the browser");
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {prefix} [{elapsed}]")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let deadline = Instant::now() + timeout;
    let result = loop {
        if crate::sys::signal::interrupted() {
            break Err(anyhow::anyhow!("interrupted while waiting for the validation: nothing was written (the keys stay unvalidated)"));
        }
        match client.get("/auth/currentCredential") {
            Ok(credential) => {
                match credential
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                {
                    "validated" => break Ok(credential),
                    "expired" | "refused" => {
                        break Err(anyhow::anyhow!(
                        "the keys were {}: nothing was written; run fencectl ovh-keys create again",
                        credential["status"].as_str().unwrap_or_default()
                    ))
                    }
                    _ => {}
                }
            }
            Err(e) if e.is_credential_problem() || e.status == 403 => {}
            Err(e) => break Err(e.into()),
        }
        if Instant::now() >= deadline {
            break Err(anyhow::anyhow!(
                "the keys were not validated within {}: nothing was written; run fencectl ovh-keys create again",
                crate::timespec::format(timeout)
            ));
        }
        std::thread::sleep(
            Duration::from_millis(500).min(deadline.saturating_duration_since(Instant::now())),
        );
    };
    spinner.finish_and_clear();
    if let Some(signal) = crate::sys::signal::received() {
        crate::output::print_error(
            &result
                .err()
                .unwrap_or_else(|| anyhow::anyhow!("interrupted")),
        );
        return Err(Reported(ExitStatus::for_signal(signal)).into());
    }
    result
}

/// Reads each server and its boots, rebooting nothing.
fn self_test(client: &mut Client, servers: &[String]) -> Vec<String> {
    let mut failures = Vec::new();
    for server in servers {
        let quiet = |_: &str| {};
        let mut fencer = ServerFencer {
            client,
            server: server.clone(),
            rescue_kernel: "rescue-customer".into(),
            poll: Duration::from_secs(1),
            log: &quiet,
        };
        let result = fencer
            .server_info()
            .and_then(|_| Ok((fencer.rescue_boot()?, fencer.disk_boot()?)));
        match result {
            Ok((rescue, disk)) => eprintln!(
                "{server}: ok: rescue boot {} ({}), disk boot {} ({})",
                rescue.id, rescue.kernel, disk.id, disk.kernel
            ),
            Err(e) => failures.push(format!("{server}: {e}")),
        }
    }
    failures
}

fn write_config(
    path: &Path,
    mut ini: IniFile,
    section: &str,
    answers: &Answers,
    consumer_key: &str,
) -> Result<()> {
    if ini.get("default", "endpoint").is_none() {
        ini.set("default", "endpoint", section);
    }
    ini.set(section, "application_key", &answers.application_key);
    ini.set(section, "application_secret", &answers.application_secret);
    ini.set(section, "consumer_key", consumer_key);
    // It holds the application secret: private whatever it was before.
    let mode = crate::sys::fs::FileMode::Exactly(0o600);
    crate::sys::fs::write_atomic(path, ini.render().as_bytes(), mode)
        .map(drop)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// cluster.conf and CIB configuration that use the keys through the file,
/// written with the XML writer (a path or server name holding `"` or `&`
/// stays well-formed).
fn snippets(config: &Path, servers: &[String]) -> String {
    use crate::generate::XmlOut;
    let config = config.display().to_string();
    let mut out = XmlOut::new(1);
    out.text.push_str(
        "\ncluster.conf (cman, Proxmox VE 3): one device per server, \"off\" = rescue mode\n",
    );
    for (i, server) in servers.iter().enumerate() {
        let name = format!("ovh{}", i + 1);
        out.empty(
            "fencedevice",
            &[
                ("agent", "fence_ovh_api"),
                ("name", &name),
                ("plug", server),
                ("ovh_config", &config),
                ("power_timeout", "900"),
            ],
        );
    }
    out.text.push_str("  and in each node's <fence>: <method name=\"1\"><device name=\"ovhN\" action=\"off\"/></method>\n\nPacemaker CIB (cibadmin --create --scope resources --xml-file FILE); the timeouts cover a hard reboot:\n");
    for (i, server) in servers.iter().enumerate() {
        let id = format!("ovh{}", i + 1);
        out.open(
            "primitive",
            &[("id", &id), ("class", "stonith"), ("type", "fence_ovh_api")],
        );
        out.open(
            "instance_attributes",
            &[("id", &format!("{id}-instance_attributes"))],
        );
        for (name, value) in [
            ("plug", server.as_str()),
            ("ovh_config", &config),
            ("power_timeout", "900"),
            ("pcmk_host_list", "NODE-NAME"),
            ("pcmk_off_timeout", "960"),
            ("pcmk_reboot_timeout", "1860"),
        ] {
            let nvpair_id = format!("{id}-instance_attributes-{name}");
            out.empty(
                "nvpair",
                &[("id", &nvpair_id), ("name", name), ("value", value)],
            );
        }
        out.close("instance_attributes");
        out.close("primitive");
    }
    out.text
        .push_str("(fencectl install-agent links /usr/sbin/fence_ovh_api first.)\n");
    out.text
}

/// What `check` found.
#[derive(serde::Serialize)]
struct CheckReport {
    endpoint: String,
    files: Vec<PathBuf>,
    status: String,
    expiration: Option<String>,
    allowed_ips: Value,
    clock_skew_seconds: i64,
    servers: Vec<ServerCheck>,
    problems: Vec<String>,
}

#[derive(serde::Serialize)]
struct ServerCheck {
    server: String,
    rules: Vec<(String, String, bool)>,
    reachable: Option<String>,
}

fn check(args: &OvhKeysCheckArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let found = config::lookup(args.config.as_deref(), args.endpoint.as_deref())?;
    let endpoint = found.endpoint.clone().context("no endpoint: give --endpoint, or an ovh.conf with [default] endpoint=... (fencectl ovh-keys create writes one)")?;
    let base = match &args.api_url {
        Some(url) => crate::ovh::base_url(url).map_err(usage)?,
        None => crate::ovh::base_url(&endpoint).map_err(usage)?,
    };
    let missing = |what: &str| {
        anyhow::anyhow!(
            "no {what} for [{endpoint}] in {}: run fencectl ovh-keys create",
            describe_files(&found.files)
        )
    };
    let credentials = Credentials {
        application_key: found
            .application_key
            .clone()
            .ok_or_else(|| missing("application_key"))?,
        application_secret: found
            .application_secret
            .clone()
            .ok_or_else(|| missing("application_secret"))?,
        consumer_key: found
            .consumer_key
            .clone()
            .ok_or_else(|| missing("consumer_key"))?,
    };
    let mut client = Client::new(&base, credentials, Duration::from_secs(30))?;
    let skew = client.time_delta()?;
    let credential = client.get("/auth/currentCredential")?;
    let status = credential
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let rules = keys::parse_rules(credential.get("rules").unwrap_or(&Value::Null));
    let servers = if args.servers.is_empty() {
        keys::servers_in(&rules)
    } else {
        args.servers.clone()
    };
    let mut problems = Vec::new();
    if status != "validated" {
        problems.push(format!("the credential is {status}, not validated"));
    }
    let expiration = credential
        .get("expiration")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(expiration) = &expiration {
        ctx.printer.warn(&format!(
            "the keys expire at {expiration}: fencing stops working then"
        ));
    }
    if servers.is_empty() {
        problems.push("the credential's rules name no server: nothing to fence".into());
    }
    let mut checks = Vec::new();
    for server in &servers {
        let needed = keys::server_rules(server);
        let granted: Vec<(String, String, bool)> = needed
            .iter()
            .map(|r| {
                (
                    r.method.clone(),
                    r.path.clone(),
                    keys::granted(&rules, &r.method, &r.path),
                )
            })
            .collect();
        for (method, path, ok) in &granted {
            if !ok {
                problems.push(format!("{server}: {method} {path} is not granted"));
            }
        }
        let reachable = match client.get(&format!("/dedicated/server/{server}")) {
            Ok(_) => None,
            Err(e) => {
                problems.push(format!("{server}: {e}"));
                Some(e.to_string())
            }
        };
        checks.push(ServerCheck {
            server: server.clone(),
            rules: granted,
            reachable,
        });
    }
    let report = CheckReport {
        endpoint,
        files: found.files.clone(),
        status,
        expiration,
        allowed_ips: credential.get("allowedIPs").cloned().unwrap_or(Value::Null),
        clock_skew_seconds: skew,
        servers: checks,
        problems,
    };
    print_check(&report, ctx)?;
    if report.problems.is_empty() {
        Ok(ExitStatus::Success)
    } else {
        crate::output::print_error(&anyhow::anyhow!(
            "the keys cannot fence: {}",
            report.problems.join("; ")
        ));
        Err(Reported(ExitStatus::Failure).into())
    }
}

fn describe_files(files: &[PathBuf]) -> String {
    if files.is_empty() {
        "any ovh.conf (none found)".into()
    } else {
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn print_check(report: &CheckReport, ctx: &Context<'_>) -> Result<()> {
    let printer = ctx.printer;
    if printer.json_output() {
        return printer.json(report);
    }
    let ips = match &report.allowed_ips {
        Value::Array(ips) if !ips.is_empty() => ips
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        _ => "any".into(),
    };
    let mut out = format!(
        "endpoint: {}\nkeys from: {}\ncredential: {}\nexpires: {}\nallowed IPs: {ips}\nclock skew: {} s (the API's clock minus this machine's)\n",
        report.endpoint,
        describe_files(&report.files),
        report.status,
        report.expiration.as_deref().unwrap_or("never (unlimited)"),
        report.clock_skew_seconds
    );
    let mut table = printer.table(&["SERVER", "METHOD", "PATH", "GRANTED"]);
    for server in &report.servers {
        for (method, path, ok) in &server.rules {
            let granted = if *ok {
                Cell::new("yes")
            } else {
                printer.problem_cell("NO")
            };
            table.add_row(vec![
                Cell::new(&server.server),
                Cell::new(method),
                Cell::new(path),
                granted,
            ]);
        }
    }
    out.extend(table.lines().map(|l| l.trim_end().to_string() + "\n"));
    printer.out(&out)
}
