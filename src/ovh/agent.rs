//! fence_ovh_api: a fence agent for OVH dedicated servers on the REST API.
//! The fence agent protocol (stdin and getopt options, usage, metadata,
//! debug log) is the built-in agents' ([`crate::agents::builtin`]); this
//! module holds the agent's parameters and its actions.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use super::client::{Client, Credentials};
use super::fencing::{self, Power, ServerFencer};
use crate::agents::builtin::{p, Log, Options, Param, Protocol};

/// The agent's name.
pub const NAME: &str = "fence_ovh_api";

const PARAMS: &[Param] = &[
    p("action", Some('o'), Some("action"), "string", Some("reboot"), "Fencing action"),
    Param { required: true, obsoletes: Some("port"), ..p("plug", Some('n'), Some("service"), "string", None, "Service name of the dedicated server (ns567890.ip-123-22-44.eu)") },
    Param { required: true, deprecated_by: Some("plug"), ..p("port", None, Some("service"), "string", None, "Service name of the dedicated server (deprecated: use plug)") },
    p("endpoint", Some('e'), Some("endpoint"), "string", None, "OVH API endpoint (ovh-eu, ovh-ca, ovh-us, soyoustart-eu, soyoustart-ca, kimsufi-eu, kimsufi-ca) or an https URL"),
    p("application_key", Some('k'), Some("key"), "string", None, "OVH application key"),
    p("application_secret", Some('s'), Some("secret"), "string", None, "OVH application secret"),
    p("application_secret_file", None, Some("path"), "string", None, "File holding the OVH application secret"),
    p("consumer_key", Some('c'), Some("key"), "string", None, "OVH consumer key"),
    p("consumer_key_file", None, Some("path"), "string", None, "File holding the OVH consumer key"),
    p("ovh_config", None, Some("path"), "string", None, "python-ovh configuration file with the keys (default: /etc/ovh.conf, ~/.ovh.conf, ./ovh.conf)"),
    p("rescue_kernel", None, Some("kernel"), "string", Some("rescue-customer"), "Rescue system that off boots into"),
    p("power_timeout", None, Some("seconds"), "second", Some("600"), "Time an off or on (a hard reboot) may take"),
    p("power_wait", None, Some("seconds"), "second", Some("0"), "Wait X seconds after a power change"),
    p("poll_interval", None, Some("seconds"), "second", Some("10"), "How often OVH's reboot task is checked"),
    p("delay", None, Some("seconds"), "second", Some("0"), "Wait X seconds before fencing is started"),
    p("retry_on", None, Some("attempts"), "integer", Some("1"), "Count of attempts to retry power on"),
    p("nodename", None, Some("node"), "string", None, "The node being fenced (sent by the cluster)"),
    p("verbose", Some('v'), None, "boolean", None, "Verbose mode"),
    p("debug_file", Some('D'), Some("debugfile"), "string", None, "Write debug information to given file"),
    p("quiet", Some('q'), None, "boolean", None, "Disable logging to stderr"),
    p("version", Some('V'), None, "boolean", None, "Display version information and exit"),
    p("help", Some('h'), None, "boolean", None, "Display help and exit"),
];

const ACTIONS: &[&str] = &[
    "on",
    "off",
    "reboot",
    "status",
    "list",
    "list-status",
    "monitor",
    "metadata",
    "manpage",
    "validate-all",
];

/// The agent as the fence agent API sees it.
pub static PROTOCOL: Protocol = Protocol {
    name: NAME,
    shortdesc: "Fence agent for OVH dedicated servers (REST API, rescue mode)",
    longdesc: "fence_ovh_api fences an OVH dedicated server through the OVH REST API: off sets the rescue boot and hard-reboots the server, so that its own system stops; on sets the disk boot and hard-reboots it. An action succeeds only when OVH's reboot task ends done. It needs an application key, application secret and consumer key (fencectl ovh-keys create makes them, with rights to reboot only the cluster's servers). Built into fencectl.",
    vendor_url: "https://www.ovhcloud.com/",
    params: PARAMS,
    actions: ACTIONS,
};

/// For the fuzz targets (`crate::fuzzing`): reads options as [`main`] does
/// (`stdin` when `args` is empty), then sets the action up and works out
/// its deadline, without reading files or calling the API.
#[doc(hidden)]
pub fn fuzz_options(stdin: &[u8], args: &[String]) -> Result<(), String> {
    let (mut options, _warnings) = PROTOCOL.parse(args, &mut &stdin[..])?;
    for file in ["ovh_config", "application_secret_file", "consumer_key_file"] {
        options.forget(file);
    }
    let action = options.get("action").unwrap_or("reboot").to_string();
    let setup = Setup::from_options(&options, &action)?;
    let _deadline = std::time::Instant::now() + setup.time_allowed(&action);
    Ok(())
}

/// The agent's metadata XML.
pub fn metadata() -> String {
    PROTOCOL.metadata()
}

/// Runs the agent with `args` (argv after the program name); returns the exit code.
pub fn main(args: &[String]) -> i32 {
    let (options, warnings) = match PROTOCOL.parse(args, &mut std::io::stdin().lock()) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("Failed: {e} (see {NAME} --help)");
            return 1;
        }
    };
    let quiet = options.flag("quiet");
    for warning in &warnings {
        if !quiet {
            eprintln!("WARNING: {warning}");
        }
    }
    run(&options)
}

fn run(options: &Options) -> i32 {
    let action = options.get("action").unwrap_or("reboot").to_string();
    let action = if action == "meta-data" {
        "metadata".to_string()
    } else {
        action
    };
    if options.flag("help") {
        print!("{}", PROTOCOL.usage());
        return 0;
    }
    if options.flag("version") {
        println!("{} (fencectl)", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    match action.as_str() {
        "metadata" => {
            print!("{}", PROTOCOL.metadata());
            return 0;
        }
        "manpage" => {
            print!("{}", PROTOCOL.manpage());
            return 0;
        }
        _ if !ACTIONS.contains(&action.as_str()) => {
            eprintln!(
                "Failed: unknown action '{action}' (one of {})",
                ACTIONS.join(", ")
            );
            return 1;
        }
        _ => {}
    }
    let setup = match Setup::from_options(options, &action) {
        Ok(setup) => setup,
        Err(e) => {
            eprintln!("Failed: {e}");
            return 1;
        }
    };
    let log = Log {
        verbose: options.flag("verbose"),
        quiet: options.flag("quiet"),
        // Created 0600, never through a symlink: it holds what the API said.
        file: options
            .get("debug_file")
            .and_then(crate::agents::builtin::open_debug_file),
        secrets: setup.credentials.secrets(),
    };
    if action == "validate-all" {
        log.debug("parameters are valid");
        return 0;
    }
    setup.act(&action, &log)
}

/// Everything an action needs, checked before any API call.
struct Setup {
    base: String,
    credentials: Credentials,
    plug: Option<String>,
    rescue_kernel: String,
    power_timeout: Duration,
    power_wait: Duration,
    poll: Duration,
    delay: Duration,
    attempts: u32,
}

fn read_secret(options: &Options, name: &str) -> Result<Option<String>, String> {
    if let Some(value) = options.get(name) {
        return Ok(Some(value.to_string()));
    }
    match options.get(&format!("{name}_file")) {
        Some(path) => crate::sys::fs::read_string_capped(path, crate::sys::fs::VALUE_CAP)
            .map(|text| Some(text.trim_end_matches(['\n', '\r']).to_string()))
            .map_err(|e| format!("cannot read {name}_file {path}: {e}")),
        None => Ok(None),
    }
}

impl Setup {
    fn from_options(options: &Options, action: &str) -> Result<Setup, String> {
        let found = super::config::lookup(
            options.get("ovh_config").map(Path::new),
            options.get("endpoint"),
        )
        .map_err(|e| format!("{e:#}"))?;
        let endpoint = std::env::var("FENCECTL_OVH_API_URL")
            .ok()
            .filter(|v| !v.is_empty())
            .or(found.api_url.clone())
            .or(found.endpoint.clone())
            .ok_or("no endpoint: give endpoint=ovh-eu (or another), or an ovh.conf with [default] endpoint=...")?;
        let base = super::base_url(&endpoint)?;
        let key = |name: &str, from_config: &Option<String>| -> Result<String, String> {
            read_secret(options, name)?.or_else(|| from_config.clone()).ok_or_else(|| {
                format!("no {name}: give {name}= (or {name}_file=), or ovh_config= naming an ovh.conf that has it")
            })
        };
        let credentials = Credentials {
            application_key: options.get("application_key").map(str::to_string).or(found.application_key.clone()).ok_or(
                "no application_key: give application_key=, or ovh_config= naming an ovh.conf that has it",
            )?,
            application_secret: key("application_secret", &found.application_secret)?,
            consumer_key: key("consumer_key", &found.consumer_key)?,
        };
        let plug = options.get("plug").map(str::to_string);
        if plug.is_none() && !matches!(action, "list" | "list-status" | "monitor") {
            return Err("no plug: give plug=SERVICE_NAME (the dedicated server, e.g. ns567890.ip-123-22-44.eu)".into());
        }
        let attempts = options
            .get("retry_on")
            .unwrap_or("1")
            .parse::<u32>()
            .map_err(|_| {
                format!(
                    "retry_on={} is not a whole number",
                    options.get("retry_on").unwrap_or_default()
                )
            })?;
        Ok(Setup {
            base,
            credentials,
            plug,
            rescue_kernel: options
                .get("rescue_kernel")
                .unwrap_or("rescue-customer")
                .to_string(),
            power_timeout: options.seconds("power_timeout")?,
            power_wait: options.seconds("power_wait")?,
            poll: options
                .seconds("poll_interval")?
                .max(Duration::from_millis(50)),
            delay: options.seconds("delay")?,
            attempts: attempts.max(1),
        })
    }

    /// The whole action's time: one power_timeout per power change (a
    /// reboot is two), one for the other actions. The delay comes on top.
    fn time_allowed(&self, action: &str) -> Duration {
        let phases = if action == "reboot" { 2 } else { 1 };
        self.delay + self.power_timeout * phases
    }

    fn client(&self, action: &str, log: &Log) -> Result<Client, String> {
        let mut client = Client::new(
            &self.base,
            self.credentials.clone(),
            Duration::from_secs(30),
        )
        .map_err(|e| e.to_string())?;
        client.retry_deadline =
            Duration::from_secs(60).min(self.power_timeout.max(Duration::from_secs(5)));
        client.deadline = Some(Instant::now() + self.time_allowed(action));
        if log.verbose || log.file.is_some() {
            let secrets = log.secrets.clone();
            let verbose = log.verbose && !log.quiet;
            let file = log.file.as_ref().and_then(|f| f.try_clone().ok());
            client.log = Some(Box::new(move |line: &str| {
                let masked = crate::secrets::mask_values(line, &secrets);
                if verbose {
                    eprintln!("{masked}");
                }
                if let Some(mut file) = file.as_ref() {
                    let _ = writeln!(file, "{masked}");
                }
            }));
        }
        Ok(client)
    }

    fn act(&self, action: &str, log: &Log) -> i32 {
        let started = Instant::now();
        let mut client = match self.client(action, log) {
            Ok(client) => client,
            Err(e) => {
                log.error(&e);
                return 1;
            }
        };
        let result = match action {
            "list" | "list-status" => self.list(&mut client, action == "list-status"),
            "monitor" => self.monitor(&mut client),
            _ => self.fence(&mut client, action, log),
        };
        match result {
            Ok(code) => code,
            Err(e) if started.elapsed() >= self.time_allowed(action) => {
                log.error(&format!(
                    "{action} did not finish within power_timeout ({} s): {e}",
                    self.power_timeout.as_secs_f64()
                ));
                1
            }
            Err(e) => {
                log.error(&e);
                1
            }
        }
    }

    fn fencer<'a>(&self, client: &'a mut Client, log: &'a dyn Fn(&str)) -> ServerFencer<'a> {
        ServerFencer {
            client,
            server: self.plug.clone().unwrap_or_default(),
            rescue_kernel: self.rescue_kernel.clone(),
            poll: self.poll,
            log,
        }
    }

    fn fence(&self, client: &mut Client, action: &str, log: &Log) -> Result<i32, String> {
        let say = |line: &str| log.debug(line);
        if action == "status" {
            let power = self
                .fencer(client, &say)
                .status()
                .map_err(|e| e.to_string())?;
            println!("Status: {}", if power == Power::Off { "OFF" } else { "ON" });
            return Ok(if power == Power::Off { 2 } else { 0 });
        }
        if matches!(action, "off" | "reboot") && !self.delay.is_zero() {
            say(&format!(
                "Delay {} second(s) before logging in to the fence device",
                self.delay.as_secs_f64()
            ));
            std::thread::sleep(self.delay);
        }
        let started = Instant::now();
        let mut attempt = 0;
        let targets: &[Power] = match action {
            "off" => &[Power::Off],
            "on" => &[Power::On],
            _ => &[Power::Off, Power::On],
        };
        for (i, target) in targets.iter().enumerate() {
            let deadline = started + self.power_timeout * (i as u32 + 1);
            loop {
                attempt += 1;
                match self.fencer(client, &say).power(*target, deadline) {
                    Ok(()) => break,
                    Err(e) if i == 1 => {
                        // reboot: the node is fenced once off succeeded
                        eprintln!("WARNING: the server was fenced (rescue mode) but could not be booted from disk again: {e}");
                        break;
                    }
                    Err(e) if attempt >= self.attempts => return Err(e.to_string()),
                    Err(e) => say(&format!("attempt {attempt} failed: {e}; retrying")),
                }
            }
            if !self.power_wait.is_zero() {
                std::thread::sleep(self.power_wait);
            }
        }
        println!(
            "{}",
            match action {
                "off" => "Success: Powered OFF",
                "on" => "Success: Powered ON",
                _ => "Success: Rebooted",
            }
        );
        Ok(0)
    }

    fn list(&self, client: &mut Client, with_status: bool) -> Result<i32, String> {
        for (name, reverse) in fencing::list(client).map_err(|e| e.to_string())? {
            if with_status {
                let say = |_: &str| {};
                let mut fencer = ServerFencer {
                    client,
                    server: name.clone(),
                    rescue_kernel: self.rescue_kernel.clone(),
                    poll: self.poll,
                    log: &say,
                };
                let status = match fencer.status() {
                    Ok(Power::Off) => "OFF",
                    Ok(Power::On) => "ON",
                    Err(_) => "UNKNOWN",
                };
                println!("{name},{reverse},{status}");
            } else {
                println!("{name},{reverse}");
            }
        }
        Ok(0)
    }

    fn monitor(&self, client: &mut Client) -> Result<i32, String> {
        let credential = client
            .get("/auth/currentCredential")
            .map_err(|e| e.to_string())?;
        let status = credential
            .get("status")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("unknown");
        if status != "validated" {
            return Err(format!(
                "the consumer key is {status}, not validated (run fencectl ovh-keys check)"
            ));
        }
        if let Some(plug) = &self.plug {
            client
                .get(&format!("/dedicated/server/{plug}"))
                .map_err(|e| e.to_string())?;
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_stdin_and_argv_agree() {
        let mut warnings = Vec::new();
        let stdin =
            "# comment\naction=off\nport=ns1\napplication_key=AK\nbogus=TOPSECRET\nverbose\n";
        let a = PROTOCOL.from_stdin(&mut stdin.as_bytes(), &mut warnings);
        assert_eq!(
            a.get("plug"),
            Some("ns1"),
            "port is the deprecated name of plug"
        );
        assert!(a.flag("verbose"));
        assert_eq!(warnings, ["Parse error: Ignoring unknown option 'bogus'"]);
        let args: Vec<String> = ["-o", "off", "--plug=ns1", "--application-key", "AK", "-v"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let b = PROTOCOL.from_argv(&args, &mut warnings).unwrap();
        for name in ["action", "plug", "application_key", "verbose"] {
            assert_eq!(a.get(name), b.get(name), "{name}");
        }
        assert!(PROTOCOL
            .from_argv(&["--nope".to_string()], &mut warnings)
            .is_err());
        assert!(PROTOCOL
            .from_argv(&["-o".to_string()], &mut warnings)
            .is_err());
    }

    /// Pacemaker sends `port=<node>` (the metadata has `port`) next to the
    /// device's own `plug=<server>`, in either order: plug must win.
    #[test]
    fn plug_wins_over_the_port_pacemaker_adds() {
        for stdin in [
            "plug=ns1.example\nport=node2\n",
            "port=node2\nplug=ns1.example\n",
        ] {
            let options = PROTOCOL.from_stdin(&mut stdin.as_bytes(), &mut Vec::new());
            assert_eq!(options.get("plug"), Some("ns1.example"), "{stdin:?}");
        }
        let options = PROTOCOL.from_stdin(&mut "port=ns2.example\n".as_bytes(), &mut Vec::new());
        assert_eq!(options.get("plug"), Some("ns2.example"));
    }

    #[test]
    fn metadata_parses_and_names_every_action() {
        let meta = crate::agents::metadata::AgentMetadata::parse(metadata().as_bytes()).unwrap();
        assert_eq!(meta.name, NAME);
        assert!(meta.has_action("reboot") && meta.has_action("validate-all"));
        assert_eq!(
            meta.parameter("port").unwrap().replaced_by.as_deref(),
            Some("plug")
        );
        assert!(crate::agents::check::check_metadata(metadata().as_bytes()).is_empty());
    }
}
