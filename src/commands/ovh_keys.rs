//! `fencectl ovh-keys create` and `fencectl ovh-keys check`.

// OVH errors are large and rare; see src/ovh/mod.rs.
#![allow(clippy::result_large_err)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use serde_json::Value;

use super::Context;
use crate::cli::{Format, OvhKeysCheckArgs, OvhKeysCommand, OvhKeysCreateArgs};
use crate::exit::{usage, ExitStatus, Reported};
use crate::ovh::client::{Client, Credentials};
use crate::ovh::config::{self, IniFile};
use crate::ovh::keys::{self, WaitEvent, WaitOutcome};
use crate::prompt::{self, Prompter, TerminalPrompter};

pub fn run(command: &OvhKeysCommand, ctx: &Context<'_>) -> Result<ExitStatus> {
    match command {
        OvhKeysCommand::Create(args) => {
            ctx.formats("ovh-keys create", &[Format::Table])?;
            let interactive = prompt::interactive();
            create(args, ctx, &mut TerminalPrompter, interactive)
        }
        OvhKeysCommand::Check(args) => {
            ctx.formats("ovh-keys check", &[Format::Table, Format::Json])?;
            check(args, ctx)
        }
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
#[derive(Debug, Clone)]
struct Answers {
    /// A named endpoint (python-ovh's name), or None for a URL.
    endpoint: Option<String>,
    /// The API base actually used.
    base: String,
    application_key: String,
    application_secret: String,
    servers: Vec<String>,
    /// Also allow `GET /dedicated/server` (the agent's list action).
    with_list: bool,
    allowed_ips: Vec<String>,
}

impl Answers {
    /// The ovh.conf section the keys go to.
    fn section(&self) -> &str {
        self.endpoint.as_deref().unwrap_or(URL_SECTION)
    }

    /// The base when it is not the named endpoint's (a URL, --api-url).
    fn api_url(&self) -> Option<&str> {
        let named = self
            .endpoint
            .as_deref()
            .and_then(|e| crate::ovh::base_url(e).ok());
        (named.as_deref() != Some(self.base.as_str())).then_some(self.base.as_str())
    }
}

/// The section for keys of an endpoint given as a URL.
const URL_SECTION: &str = "fencectl-url";

/// Asks `prompt` until `check` accepts the answer, saying why each bad
/// one was refused: nothing typed before is lost.
fn ask_until<T>(
    prompter: &mut dyn Prompter,
    prompt: &str,
    default: Option<&str>,
    check: impl Fn(&str) -> std::result::Result<T, String>,
) -> Result<T> {
    loop {
        let answer = prompter.input(prompt, default)?;
        match check(answer.trim()) {
            Ok(value) => return Ok(value),
            Err(reason) => prompter.say(&format!("{reason}: try again")),
        }
    }
}

fn servers_from(text: &str) -> std::result::Result<Vec<String>, String> {
    let servers = split_list(text);
    if servers.is_empty() {
        return Err(
            "give at least one server (its OVH service name, e.g. ns567890.ip-123-22-44.eu)".into(),
        );
    }
    servers
        .iter()
        .try_for_each(|s| keys::check_server_name(s))?;
    Ok(servers)
}

fn ips_from(text: &str) -> std::result::Result<Vec<String>, String> {
    let ips = split_list(text);
    ips.iter().try_for_each(|ip| keys::check_allowed_ip(ip))?;
    Ok(ips)
}

/// endpoint name (None for a URL) and API base, from `--endpoint` and `--api-url`.
fn endpoint_from(
    endpoint: &str,
    api_url: Option<&str>,
) -> std::result::Result<(Option<String>, String), String> {
    let base = crate::ovh::base_url(endpoint)?;
    let named = crate::ovh::ENDPOINTS
        .iter()
        .any(|(name, _)| *name == endpoint)
        .then(|| endpoint.to_string());
    let base = match api_url {
        Some(url) => crate::ovh::base_url(url)?,
        None => base,
    };
    Ok((named, base))
}

fn ask_endpoint(
    prompter: &mut dyn Prompter,
    api_url: Option<&str>,
) -> Result<(Option<String>, String)> {
    let names: Vec<String> = crate::ovh::ENDPOINTS
        .iter()
        .map(|(name, url)| format!("{name}  ({url})"))
        .collect();
    let index = prompter.select(
        "OVH API endpoint (where your servers' account is)",
        &names,
        0,
    )?;
    endpoint_from(crate::ovh::ENDPOINTS[index].0, api_url).map_err(usage)
}

fn ask_key(prompter: &mut dyn Prompter) -> Result<String> {
    ask_until(prompter, "Application key", None, |k| {
        if k.is_empty() || k.contains(char::is_whitespace) {
            Err("the application key is one word, from the createApp page".to_string())
        } else {
            Ok(k.to_string())
        }
    })
}

fn ask_secret(prompter: &mut dyn Prompter) -> Result<String> {
    loop {
        let secret = prompter
            .password("Application secret (not shown)")?
            .trim()
            .to_string();
        if !secret.is_empty() {
            return Ok(secret);
        }
        prompter.say("the application secret must not be empty: try again");
    }
}

fn ask_servers(prompter: &mut dyn Prompter, default: Option<&str>) -> Result<Vec<String>> {
    ask_until(
        prompter,
        "Servers the cluster fences (service names, separated by spaces)",
        default,
        servers_from,
    )
}

fn ask_list(prompter: &mut dyn Prompter, default: bool) -> Result<bool> {
    prompter.confirm(
        "Also allow listing the account's servers (GET /dedicated/server; only the agent's list action needs it)?",
        default,
    )
}

fn ask_ips(prompter: &mut dyn Prompter, default: &str) -> Result<Vec<String>> {
    ask_until(
        prompter,
        "Allowed IPs: the cluster nodes' public addresses, so that stolen keys are useless elsewhere (empty: any)",
        Some(default),
        ips_from,
    )
}

fn ask(
    args: &OvhKeysCreateArgs,
    prompter: &mut dyn Prompter,
    interactive: bool,
) -> Result<Answers> {
    let api_url = args.api_url.as_deref();
    let (endpoint, base) = match &args.endpoint {
        Some(endpoint) => endpoint_from(endpoint, api_url).map_err(usage)?,
        None => ask_endpoint(prompter, api_url)?,
    };
    if args.application_key.is_none() || args.application_secret_file.is_none() {
        let page = endpoint
            .as_deref()
            .and_then(|e| crate::ovh::base_url(e).ok())
            .unwrap_or_else(|| base.clone());
        prompter.say(&format!(
            "Create an application at {} (any name and description), then give its key and secret.",
            crate::ovh::create_app_url(&page)
        ));
    }
    let application_key = match &args.application_key {
        Some(key) => key.clone(),
        None => ask_key(prompter)?,
    };
    let application_secret = match &args.application_secret_file {
        Some(file) => read_secret_file(file)?,
        None => ask_secret(prompter)?,
    };
    if application_key.is_empty() || application_secret.is_empty() {
        return Err(usage("the application key and secret must not be empty"));
    }
    let servers = match args.servers.as_slice() {
        [] => ask_servers(prompter, None)?,
        given => {
            given
                .iter()
                .try_for_each(|s| keys::check_server_name(s))
                .map_err(usage)?;
            given.to_vec()
        }
    };
    let with_list = args.list_rule || (interactive && ask_list(prompter, false)?);
    let allowed_ips = if !args.allowed_ips.is_empty() || !interactive {
        args.allowed_ips
            .iter()
            .try_for_each(|ip| keys::check_allowed_ip(ip))
            .map_err(usage)?;
        args.allowed_ips.clone()
    } else {
        ask_ips(prompter, "")?
    };
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

fn read_secret_file(file: &Path) -> Result<String> {
    Ok(
        crate::sys::fs::read_string_capped(file, crate::sys::fs::VALUE_CAP)
            .with_context(|| format!("cannot read the application secret file {}", file.display()))?
            .trim()
            .to_string(),
    )
}

fn split_list(text: &str) -> Vec<String> {
    text.split([' ', ',', '\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Everything that will be requested, before anything is.
fn summary(answers: &Answers, output: &Path, ctx: &Context<'_>) -> String {
    let rules = keys::rules_for(&answers.servers, answers.with_list);
    let endpoint = match &answers.endpoint {
        Some(name) => format!("{name} (API at {})", answers.base),
        None => format!("the API at {}", answers.base),
    };
    let ips = if answers.allowed_ips.is_empty() {
        "any address (stolen keys would work from anywhere)".to_string()
    } else {
        answers.allowed_ips.join(", ")
    };
    let mut text = format!(
        "\nAbout to request keys:\n  endpoint:     {endpoint}\n  application:  {}\n  servers:      {}\n  allowed IPs:  {ips}\n  validity:     choose \"Unlimited\" in the browser (fencing stops when keys expire)\n  written to:   [{}] in {}\nThe keys will be allowed exactly these calls (nothing else: no reinstall, no billing):\n",
        answers.application_key,
        answers.servers.join(" "),
        answers.section(),
        output.display()
    );
    text.push_str(&crate::report::ovh_keys::rules(&rules, ctx.printer));
    text
}

/// After "no" at the summary: which answer to change, then that question again.
/// Returns false when the admin cancels.
fn change(
    answers: &mut Answers,
    prompter: &mut dyn Prompter,
    api_url: Option<&str>,
) -> Result<bool> {
    let items: Vec<String> = [
        "endpoint",
        "application key",
        "application secret",
        "servers",
        "list rule",
        "allowed IPs",
        "nothing: cancel (nothing is requested or written)",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    match prompter.select("Change which answer?", &items, 3)? {
        0 => (answers.endpoint, answers.base) = ask_endpoint(prompter, api_url)?,
        1 => answers.application_key = ask_key(prompter)?,
        2 => answers.application_secret = ask_secret(prompter)?,
        3 => answers.servers = ask_servers(prompter, Some(&answers.servers.join(" ")))?,
        4 => answers.with_list = ask_list(prompter, answers.with_list)?,
        5 => answers.allowed_ips = ask_ips(prompter, &answers.allowed_ips.join(" "))?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn client_for(answers: &Answers, consumer_key: &str) -> Result<Client> {
    Ok(Client::new(
        &answers.base,
        Credentials {
            application_key: answers.application_key.clone(),
            application_secret: answers.application_secret.clone(),
            consumer_key: consumer_key.to_string(),
        },
        Duration::from_secs(30),
    )?)
}

/// How to revoke a validated credential fencectl will not use.
fn revoke_hint(credential: &Value) -> String {
    let id = credential
        .get("credentialId")
        .map_or_else(|| "ID".to_string(), Value::to_string);
    format!(
        "the unused keys (credential {id}) stay valid until revoked: delete them in OVH's web console (API credentials list), or with DELETE /me/api/credential/{id}"
    )
}

/// The whole walk: answers, summary, credential, validation, server
/// checks, and only then the file.
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
    let mut answers = ask(args, prompter, interactive)?;
    let output = absolute(&args.output.clone().unwrap_or_else(default_output));
    let existing = read_existing(&output)?;
    loop {
        ctx.printer.err_text(&summary(&answers, &output, ctx));
        if !interactive || args.yes || prompter.confirm("Request keys as shown?", false)? {
            break;
        }
        if !change(&mut answers, prompter, args.api_url.as_deref())? {
            bail!("cancelled: nothing was requested or written");
        }
    }
    let section = answers.section().to_string();
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
    let consumer_key = loop {
        let rules = keys::rules_for(&answers.servers, answers.with_list);
        let pending =
            keys::request_credential(&mut client_for(&answers, "")?, &rules, &answers.allowed_ips)?;
        ctx.printer.err_line(&format!("\nOpen {}\nlog in with the account that owns the servers, and choose the validity \"Unlimited\"\n(fencing must not stop working when the keys expire).", pending.validation_url));
        if args.no_wait {
            ctx.printer.err_line("--no-wait: the keys are written now and work once validated (check with fencectl ovh-keys check).");
            break pending.consumer_key;
        }
        let credential = wait(&mut answers, &pending, args, ctx, prompter, interactive)?;
        if let Some(expiration) = credential.get("expiration").and_then(Value::as_str) {
            ctx.printer.warn(&format!("the keys expire at {expiration}: fencing stops working then; create keys with \"Unlimited\" validity"));
        }
        let tests = keys::self_test(
            &mut client_for(&answers, &pending.consumer_key)?,
            &answers.servers,
        );
        match judge(
            &tests,
            &mut answers,
            &credential,
            prompter,
            interactive,
            ctx,
        )? {
            Some(()) => break pending.consumer_key,
            None => continue,
        }
    };
    write_config(&output, existing, &answers, &consumer_key)?;
    ctx.printer.err_line(&format!(
        "Wrote the keys to [{section}] in {} (mode 0600).",
        output.display()
    ));
    ctx.printer.out(&snippets(&output, &answers.servers))?;
    Ok(ExitStatus::Success)
}

/// The self-test's verdict: Some to write the file, None to request keys
/// again for corrected server names; an error (nothing written) otherwise.
fn judge(
    tests: &[keys::ServerTest],
    answers: &mut Answers,
    credential: &Value,
    prompter: &mut dyn Prompter,
    interactive: bool,
    ctx: &Context<'_>,
) -> Result<Option<()>> {
    let mut failures = Vec::new();
    for test in tests {
        match &test.outcome {
            Ok((rescue, disk)) => ctx.printer.err_line(&format!(
                "{}: ok: rescue boot {} ({}), disk boot {} ({})",
                test.server, rescue.id, rescue.kernel, disk.id, disk.kernel
            )),
            Err(e) if test.ip_refused() => ctx.printer.warn(&format!(
                "{}: not tested from here: {e}; run fencectl ovh-keys check on a cluster node",
                test.server
            )),
            Err(e) => failures.push((test, e.to_string())),
        }
    }
    if failures.is_empty() {
        return Ok(Some(()));
    }
    let missing: Vec<&str> = failures
        .iter()
        .filter(|(t, _)| t.missing())
        .map(|(t, _)| t.server.as_str())
        .collect();
    if interactive && missing.len() == failures.len() {
        for server in &missing {
            ctx.printer.err_line(&format!("{server} is not a server of this account: the keys' rules name it, so new keys are needed."));
            let corrected = ask_until(
                prompter,
                &format!("Correct name for {server}"),
                None,
                |name| keys::check_server_name(name).map(|()| name.to_string()),
            )?;
            for s in answers.servers.iter_mut().filter(|s| s == server) {
                *s = corrected.clone();
            }
        }
        ctx.printer.warn(&revoke_hint(credential));
        ctx.printer.err_line(&format!(
            "Requesting new keys for {}.",
            answers.servers.join(" ")
        ));
        return Ok(None);
    }
    let lines: Vec<String> = failures.iter().map(|(_, e)| e.clone()).collect();
    bail!(
        "the keys cannot fence every server, nothing was written:\n  {}\n{}",
        lines.join("\n  "),
        revoke_hint(credential)
    )
}

/// Waits for the validation, saying what happens; a wrong secret is asked
/// again (keeping the pending consumer key) or, with flags, ends the run.
fn wait(
    answers: &mut Answers,
    pending: &keys::PendingCredential,
    args: &OvhKeysCreateArgs,
    ctx: &Context<'_>,
    prompter: &mut dyn Prompter,
    interactive: bool,
) -> Result<Value> {
    loop {
        let mut client = client_for(answers, &pending.consumer_key)?;
        let outcome = {
            // A signal stops the wait; nothing is written after one.
            let _cooperation = crate::sys::signal::cooperate();
            watch(&mut client, &pending.validation_url, args.wait_timeout, ctx)
        };
        let nothing = "nothing was written";
        match outcome {
            WaitOutcome::Validated(credential) => return Ok(credential),
            WaitOutcome::WrongSecret if interactive => {
                ctx.printer.err_line(&format!("The API refuses the signature of every call: the application secret does not match application key {}. Give the secret again (the request stays pending: no need to validate again).", answers.application_key));
                answers.application_secret = ask_secret(prompter)?;
            }
            WaitOutcome::WrongSecret => bail!(
                "the application secret in {} does not match application key {} (the API refused the signature three times, after re-reading its clock): {nothing}",
                args.application_secret_file.as_deref().map_or("--application-secret-file".into(), |f| f.display().to_string()),
                answers.application_key
            ),
            WaitOutcome::Ended(status) => bail!("the keys were {status}: {nothing}; run fencectl ovh-keys create again"),
            WaitOutcome::TimedOut => bail!(
                "the keys were not validated within {}: {nothing}; run fencectl ovh-keys create again",
                crate::timespec::format(args.wait_timeout)
            ),
            WaitOutcome::Failed(e) => return Err(anyhow::Error::new(e).context(format!("waiting for the validation: {nothing}"))),
            WaitOutcome::Interrupted => {
                ctx.printer.error(&anyhow::anyhow!("interrupted while waiting for the validation: {nothing} (the keys stay unvalidated)"));
                let signal = crate::sys::signal::received().unwrap_or(libc::SIGINT);
                return Err(Reported(ExitStatus::for_signal(signal)).into());
            }
        }
    }
}

/// The wait with a countdown and the URL repeated every minute.
fn watch(client: &mut Client, url: &str, timeout: Duration, ctx: &Context<'_>) -> WaitOutcome {
    let spinner = ctx
        .printer
        .progress(0, "waiting for the validation in the browser");
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {prefix} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let mut last_said = Instant::now();
    let mut on_event = |event: WaitEvent<'_>| match event {
        WaitEvent::Pending { left } => {
            spinner.set_message(format!(
                "({} left)",
                crate::timespec::format(Duration::from_secs(left.as_secs()))
            ));
            if last_said.elapsed() >= Duration::from_secs(60) {
                last_said = Instant::now();
                spinner.suspend(|| {
                    ctx.printer.err_line(&format!(
                        "still waiting ({} left): open {url}",
                        crate::timespec::format(Duration::from_secs(left.as_secs()))
                    ))
                });
            }
        }
        WaitEvent::Unreachable { error, retry_in } => spinner.suspend(|| {
            ctx.printer.err_line(&format!(
                "the API did not answer ({error}); asking again in {}",
                crate::timespec::format(retry_in)
            ))
        }),
        WaitEvent::SignatureRefused { count } => spinner.suspend(|| {
            ctx.printer.err_line(&format!(
                "the API refused the signature ({count} of 3): re-reading its clock"
            ))
        }),
    };
    let outcome = keys::wait_for_validation(client, timeout, Duration::from_secs(1), &mut on_event);
    spinner.finish_and_clear();
    outcome
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::current_dir().map_or_else(|_| path.to_path_buf(), |dir| dir.join(path))
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

fn write_config(path: &Path, ini: IniFile, answers: &Answers, consumer_key: &str) -> Result<()> {
    let keys = config::Keys {
        endpoint: answers.endpoint.as_deref(),
        section: answers.section(),
        api_url: answers.api_url(),
        application_key: &answers.application_key,
        application_secret: &answers.application_secret,
        consumer_key,
    };
    config::write_keys(path, ini, &keys)
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

fn check(args: &OvhKeysCheckArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let found = config::lookup(args.config.as_deref(), args.endpoint.as_deref())?;
    let endpoint = found.endpoint.clone().context("no endpoint: give --endpoint, or an ovh.conf with [default] endpoint=... (fencectl ovh-keys create writes one)")?;
    let base = match args.api_url.as_ref().or(found.api_url.as_ref()) {
        Some(url) => crate::ovh::base_url(url).map_err(usage)?,
        None => crate::ovh::base_url(&endpoint).map_err(usage)?,
    };
    let missing = |what: &str| {
        anyhow::anyhow!(
            "no {what} for [{endpoint}] in {}: run fencectl ovh-keys create",
            crate::report::ovh_keys::describe_files(&found.files)
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
    let audit = keys::audit(&mut client, &args.servers)?;
    if let Some(expiration) = &audit.expiration {
        ctx.printer.warn(&format!(
            "the keys expire at {expiration}: fencing stops working then (fix: create keys with \"Unlimited\" validity)"
        ));
    }
    let report = CheckReport {
        endpoint,
        base,
        files: found.files.clone(),
        audit,
    };
    print_check(&report, ctx)?;
    if report.audit.problems.is_empty() {
        return Ok(ExitStatus::Success);
    }
    let lines: Vec<String> = report
        .audit
        .problems
        .iter()
        .map(|p| format!("{}\n    fix: {}", p.problem, p.fix))
        .collect();
    ctx.printer.error(&anyhow::anyhow!(
        "the keys cannot fence:\n  {}",
        lines.join("\n  ")
    ));
    Err(Reported(ExitStatus::Failure).into())
}

/// What `check` found, and where.
#[derive(serde::Serialize)]
struct CheckReport {
    endpoint: String,
    /// The API base actually used.
    base: String,
    files: Vec<PathBuf>,
    #[serde(flatten)]
    audit: keys::Audit,
}

fn print_check(report: &CheckReport, ctx: &Context<'_>) -> Result<()> {
    let printer = ctx.printer;
    if printer.json_output() {
        return printer.json(&crate::views::ovh_keys::OvhKeysCheckView {
            schema_version: crate::views::SCHEMA_VERSION,
            endpoint: &report.endpoint,
            base: &report.base,
            files: &report.files,
            audit: &report.audit,
        });
    }
    crate::report::ovh_keys::check(
        &report.endpoint,
        &report.base,
        &report.files,
        &report.audit,
        printer,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::ScriptedPrompter;

    fn args() -> OvhKeysCreateArgs {
        OvhKeysCreateArgs {
            endpoint: None,
            application_key: None,
            application_secret_file: None,
            servers: Vec::new(),
            list_rule: false,
            allowed_ips: Vec::new(),
            output: None,
            yes: false,
            no_wait: false,
            wait_timeout: Duration::from_secs(60),
            api_url: None,
        }
    }

    #[test]
    fn issue11_bad_values_are_asked_again_and_nothing_typed_is_lost() {
        let mut prompter = ScriptedPrompter::new(&[
            "ovh-ca",
            "AK with space",
            "AK",
            "AS",
            "ns1/x",
            "ns1.example",
            "y",
            "not-an-ip",
            "203.0.113.4",
        ]);
        let answers = ask(&args(), &mut prompter, true).unwrap();
        assert_eq!(answers.endpoint.as_deref(), Some("ovh-ca"));
        assert_eq!(answers.base, "https://ca.api.ovh.com/1.0");
        assert_eq!(answers.application_key, "AK");
        assert_eq!(answers.servers, ["ns1.example"]);
        assert!(answers.with_list);
        assert_eq!(answers.allowed_ips, ["203.0.113.4"]);
        let asked = prompter.asked.join("\n");
        assert_eq!(
            asked.matches("Servers the cluster fences").count(),
            2,
            "{asked}"
        );
        assert_eq!(asked.matches("Allowed IPs").count(), 2, "{asked}");
    }

    #[test]
    fn issue11_no_at_the_summary_changes_one_answer_or_cancels() {
        let mut prompter = ScriptedPrompter::new(&[
            "",
            "AK",
            "AS",
            "ns1.example",
            "n",
            "",
            "allowed",
            "198.51.100.7",
        ]);
        let mut answers = ask(&args(), &mut prompter, true).unwrap();
        assert!(change(&mut answers, &mut prompter, None).unwrap());
        assert_eq!(answers.allowed_ips, ["198.51.100.7"]);
        assert_eq!(answers.servers, ["ns1.example"], "the other answers stay");
        let mut prompter = ScriptedPrompter::new(&["nothing"]);
        assert!(!change(&mut answers, &mut prompter, None).unwrap());
    }

    #[test]
    fn issue11_a_url_endpoint_is_kept_where_python_ovh_does_not_look() {
        let (name, base) = endpoint_from("https://api.example.test/1.0", None).unwrap();
        let answers = Answers {
            endpoint: name,
            base,
            application_key: "AK".into(),
            application_secret: "AS".into(),
            servers: vec!["ns1".into()],
            with_list: false,
            allowed_ips: Vec::new(),
        };
        let dir = std::env::temp_dir().join(format!("fencectl-ovh-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ovh.conf");
        write_config(&path, IniFile::default(), &answers, "CK").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            !text.contains("endpoint=https"),
            "python-ovh refuses a URL in endpoint: {text}"
        );
        assert!(text.contains("fencectl_endpoint=fencectl-url"), "{text}");
        assert!(
            text.contains("[fencectl-url]\n; fencectl reaches the API at fencectl_api_url"),
            "{text}"
        );
        assert!(
            text.contains("fencectl_api_url=https://api.example.test/1.0"),
            "{text}"
        );
    }
}
