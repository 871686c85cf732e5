//! Least-privilege OVH API keys for fencing: the access rules a cluster
//! needs per server, and checking a credential against them.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use super::client::{Client, OvhError};
use super::fencing::{Boot, FenceError, ServerFencer};

/// One API access rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    pub method: String,
    pub path: String,
}

impl Rule {
    pub fn new(method: &str, path: impl Into<String>) -> Rule {
        Rule {
            method: method.to_string(),
            path: path.into(),
        }
    }
}

/// The rules fencing `server` needs (REFERENCE: rescue-mode fencing).
/// Never `/*`, never `PUT /dedicated/server/*`.
pub fn server_rules(server: &str) -> Vec<Rule> {
    let base = format!("/dedicated/server/{server}");
    vec![
        Rule::new("GET", base.clone()),
        Rule::new("PUT", base.clone()),
        Rule::new("POST", format!("{base}/reboot")),
        Rule::new("GET", format!("{base}/boot")),
        Rule::new("GET", format!("{base}/boot/*")),
        Rule::new("GET", format!("{base}/task")),
        Rule::new("GET", format!("{base}/task/*")),
    ]
}

/// Every rule for `servers`, plus `GET /dedicated/server` for `list`.
pub fn rules_for(servers: &[String], with_list: bool) -> Vec<Rule> {
    let mut rules: Vec<Rule> = servers.iter().flat_map(|s| server_rules(s)).collect();
    if with_list {
        rules.push(Rule::new("GET", "/dedicated/server"));
    }
    rules
}

/// The body of `POST /auth/credential`.
pub fn credential_request(rules: &[Rule], allowed_ips: &[String]) -> Value {
    json!({
        "accessRules": rules.iter().map(|r| json!({ "method": r.method, "path": r.path })).collect::<Vec<_>>(),
        "redirection": Value::Null,
        "allowedIPs": if allowed_ips.is_empty() { Value::Null } else { json!(allowed_ips) },
    })
}

/// Whether granted `rules` (with `*` wildcards, as OVH matches them) allow
/// `method path`.
pub fn granted(rules: &[Rule], method: &str, path: &str) -> bool {
    rules
        .iter()
        .any(|rule| rule.method == method && matches(&rule.path, path))
}

/// `*` spans any characters. Only the last `*` is ever moved on (what an
/// earlier one spans cannot matter once a later one matched), so a rule of
/// many stars takes pattern × path steps, not one try per way to split.
fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let path: Vec<char> = path.chars().collect();
    let (mut p, mut s) = (0, 0);
    // The last `*` seen and where in the path its span ends for now.
    let mut star: Option<(usize, usize)> = None;
    while s < path.len() {
        if pattern.get(p) == Some(&'*') {
            star = Some((p, s));
            p += 1;
        } else if pattern.get(p) == Some(&path[s]) {
            p += 1;
            s += 1;
        } else if let Some((star_at, spanned)) = star {
            star = Some((star_at, spanned + 1));
            p = star_at + 1;
            s = spanned + 1;
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The servers a credential's rules name (`/dedicated/server/NAME...`).
pub fn servers_in(rules: &[Rule]) -> Vec<String> {
    let mut servers: Vec<String> = rules
        .iter()
        .filter_map(|r| r.path.strip_prefix("/dedicated/server/"))
        .map(|rest| rest.split('/').next().unwrap_or_default().to_string())
        .filter(|s| !s.is_empty() && !s.contains('*'))
        .collect();
    servers.sort();
    servers.dedup();
    servers
}

/// Rules as the API returns them.
pub fn parse_rules(value: &Value) -> Vec<Rule> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(Rule::new(
                r.get("method")?.as_str()?,
                r.get("path")?.as_str()?,
            ))
        })
        .collect()
}

/// Whether `name` has the form of a dedicated server's service name
/// (`ns567890.ip-123-22-44.eu`): the only check possible before keys exist.
pub fn check_server_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with(['.', '-'])
        && !name.ends_with(['.', '-']);
    if valid {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a server's service name (letters, digits, dots and dashes, e.g. ns567890.ip-123-22-44.eu)",
            crate::sys::text::escape_controls(name)
        ))
    }
}

/// Whether `text` is an address or network OVH accepts in allowedIPs.
pub fn check_allowed_ip(text: &str) -> Result<(), String> {
    let (address, prefix) = text
        .split_once('/')
        .map_or((text, None), |(a, p)| (a, Some(p)));
    let shown = crate::sys::text::escape_controls(text);
    let ip: std::net::IpAddr = address
        .parse()
        .map_err(|_| format!("'{shown}' is not an IP address (203.0.113.4 or 203.0.113.0/24)"))?;
    if let Some(prefix) = prefix {
        let max = if ip.is_ipv4() { 32 } else { 128 };
        if prefix.parse::<u8>().map_or(true, |p| p > max) {
            return Err(format!("'{shown}' has a bad prefix length (0 to {max})"));
        }
    }
    Ok(())
}

/// A credential requested and waiting for the account owner's validation.
#[derive(Debug, Clone)]
pub struct PendingCredential {
    pub consumer_key: String,
    pub validation_url: String,
}

/// `POST /auth/credential` (with the application key alone).
pub fn request_credential(
    client: &mut Client,
    rules: &[Rule],
    allowed_ips: &[String],
) -> Result<PendingCredential, OvhError> {
    let answer =
        client.post_unsigned("/auth/credential", &credential_request(rules, allowed_ips))?;
    let field = |name: &str| {
        answer
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let consumer_key = field("consumerKey");
    if consumer_key.is_empty() {
        return Err(OvhError {
            status: 200,
            code: None,
            message: "the API returned no consumer key".into(),
            query_id: None,
            method: "POST".into(),
            path: "/auth/credential".into(),
        });
    }
    Ok(PendingCredential {
        consumer_key,
        validation_url: field("validationUrl"),
    })
}

/// What happens while waiting, for the caller to show.
#[derive(Debug)]
pub enum WaitEvent<'a> {
    /// Still pendingValidation; this long is left.
    Pending { left: Duration },
    /// No answer (or a 5xx): asked again after `retry_in`.
    Unreachable {
        error: &'a OvhError,
        retry_in: Duration,
    },
    /// INVALID_SIGNATURE: the API's clock is read again before deciding.
    SignatureRefused { count: u32 },
}

/// How the wait for validation ended.
#[derive(Debug)]
pub enum WaitOutcome {
    /// `GET /auth/currentCredential` answered validated.
    Validated(Value),
    /// INVALID_SIGNATURE three times in a row, each after re-reading
    /// `/auth/time`: the application secret does not match the key.
    WrongSecret,
    /// The credential was refused or expired in the browser.
    Ended(String),
    TimedOut,
    Interrupted,
    /// Anything else (INVALID_KEY, ...): waiting longer cannot help.
    Failed(OvhError),
}

/// INVALID_SIGNATURE answers in a row that mean a wrong application secret.
const WRONG_SECRET_AFTER: u32 = 3;

/// Polls `GET /auth/currentCredential` every `poll` until validated, or
/// until something shows that waiting longer cannot help. Only
/// pendingValidation (and INVALID_CREDENTIAL / NOT_CREDENTIAL, which some
/// pending keys get) keeps it waiting; no answer is retried with backoff.
pub fn wait_for_validation(
    client: &mut Client,
    timeout: Duration,
    poll: Duration,
    on_event: &mut dyn FnMut(WaitEvent<'_>),
) -> WaitOutcome {
    // The wait says itself when the network fails; the client must not
    // retry silently underneath.
    client.retry_deadline = Duration::ZERO;
    let deadline = Instant::now() + timeout;
    let mut refused_signatures = 0;
    let mut backoff = poll;
    loop {
        if crate::sys::signal::interrupted() {
            return WaitOutcome::Interrupted;
        }
        let mut pause = poll;
        match client.get("/auth/currentCredential") {
            Ok(credential) => {
                refused_signatures = 0;
                backoff = poll;
                match credential
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                {
                    "validated" => return WaitOutcome::Validated(credential),
                    status @ ("expired" | "refused") => {
                        return WaitOutcome::Ended(status.to_string())
                    }
                    _ => on_event(WaitEvent::Pending {
                        left: deadline.saturating_duration_since(Instant::now()),
                    }),
                }
            }
            Err(e) if e.is("INVALID_SIGNATURE") => {
                refused_signatures += 1;
                if refused_signatures >= WRONG_SECRET_AFTER {
                    return WaitOutcome::WrongSecret;
                }
                on_event(WaitEvent::SignatureRefused {
                    count: refused_signatures,
                });
                client.forget_time();
                pause = Duration::from_millis(200);
            }
            Err(e) if e.is("INVALID_CREDENTIAL") || e.is("NOT_CREDENTIAL") => {
                refused_signatures = 0;
                on_event(WaitEvent::Pending {
                    left: deadline.saturating_duration_since(Instant::now()),
                });
            }
            Err(e) if e.status == 0 || e.status >= 500 || e.status == 429 => {
                backoff = (backoff * 2).min(Duration::from_secs(30));
                pause = backoff;
                on_event(WaitEvent::Unreachable {
                    error: &e,
                    retry_in: pause,
                });
            }
            Err(e) => return WaitOutcome::Failed(e),
        }
        if Instant::now() >= deadline {
            return WaitOutcome::TimedOut;
        }
        sleep_unless_interrupted(pause.min(deadline.saturating_duration_since(Instant::now())));
    }
}

fn sleep_unless_interrupted(pause: Duration) {
    let until = Instant::now() + pause;
    while Instant::now() < until && !crate::sys::signal::interrupted() {
        std::thread::sleep(
            Duration::from_millis(50).min(until.saturating_duration_since(Instant::now())),
        );
    }
}

/// One server, read with the new keys (nothing is rebooted).
#[derive(Debug)]
pub struct ServerTest {
    pub server: String,
    pub outcome: Result<(Boot, Boot), FenceError>,
}

impl ServerTest {
    /// The API says no such server in this account.
    pub fn missing(&self) -> bool {
        matches!(&self.outcome, Err(FenceError::Api(e)) if e.status == 404)
    }

    /// This machine may not use the keys (allowedIPs): nothing is proven.
    pub fn ip_refused(&self) -> bool {
        matches!(&self.outcome, Err(FenceError::Api(e)) if e.is_ip_refused())
    }
}

/// Reads each server, its rescue boot and its disk boot with the keys.
pub fn self_test(client: &mut Client, servers: &[String]) -> Vec<ServerTest> {
    servers
        .iter()
        .map(|server| {
            let quiet = |_: &str| {};
            let mut fencer = ServerFencer {
                client,
                server: server.clone(),
                rescue_kernel: "rescue-customer".into(),
                poll: Duration::from_secs(1),
                log: &quiet,
            };
            let outcome = fencer
                .server_info()
                .and_then(|_| Ok((fencer.rescue_boot()?, fencer.disk_boot()?)));
            ServerTest {
                server: server.clone(),
                outcome,
            }
        })
        .collect()
}

/// One thing that stops the keys from fencing, and what to do about it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// What stops fencing.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

/// One server's rules and whether the keys can read it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ServerCheck {
    /// The server's name at OVH.
    pub server: String,
    /// (method, path, granted) for each rule fencing needs.
    pub rules: Vec<(String, String, bool)>,
    /// Why the server could not be read, when it could not.
    pub reachable: Option<String>,
}

/// What `ovh-keys check` found about a set of keys.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Audit {
    /// The credential's status (`validated`, `expired`, ...).
    pub status: String,
    /// When the keys expire, when they do.
    pub expiration: Option<String>,
    /// The IP addresses the keys may be used from (`allowedIPs`); null: any.
    #[schemars(with = "Option<Vec<String>>")]
    pub allowed_ips: Value,
    /// The API's clock minus the local clock, in seconds.
    pub clock_skew_seconds: i64,
    /// Each server fencing needs, and what the keys may do to it.
    pub servers: Vec<ServerCheck>,
    /// What stops the keys from fencing, with the fix.
    pub problems: Vec<Problem>,
}

fn problem(problem: String, fix: impl Into<String>) -> Problem {
    Problem {
        problem,
        fix: fix.into(),
    }
}

/// Audits the keys: credential status and expiry, the rules fencing
/// `servers` needs (default: the servers the rules name), and a read of
/// each server.
pub fn audit(client: &mut Client, servers: &[String]) -> Result<Audit, OvhError> {
    let skew = client.time_delta()?;
    let credential = client.get("/auth/currentCredential")?;
    let status = credential
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let rules = parse_rules(credential.get("rules").unwrap_or(&Value::Null));
    let servers = if servers.is_empty() {
        servers_in(&rules)
    } else {
        servers.to_vec()
    };
    let mut problems = Vec::new();
    match status.as_str() {
        "validated" => {}
        "pendingValidation" => problems.push(problem(
            "the credential is pendingValidation: nobody validated it in the browser".into(),
            "open the validation URL fencectl ovh-keys create showed, or create keys again",
        )),
        other => problems.push(problem(
            format!("the credential is {other}, not validated"),
            "create new keys (fencectl ovh-keys create) and choose the validity \"Unlimited\"",
        )),
    }
    if servers.is_empty() {
        problems.push(problem(
            "the credential's rules name no server: nothing to fence".into(),
            "create keys for the cluster's servers: fencectl ovh-keys create --server SERVICE",
        ));
    }
    let mut checks = Vec::new();
    for server in &servers {
        let granted: Vec<(String, String, bool)> = server_rules(server)
            .into_iter()
            .map(|r| {
                let ok = granted(&rules, &r.method, &r.path);
                (r.method, r.path, ok)
            })
            .collect();
        let missing: Vec<String> = granted
            .iter()
            .filter(|(_, _, ok)| !ok)
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        if !missing.is_empty() {
            problems.push(problem(
                format!("{server}: {} not granted", missing.join(", ")),
                format!("rules cannot be added to existing keys: create keys with every fencing rule (fencectl ovh-keys create --server {server})"),
            ));
        }
        let reachable = match client.get(&format!("/dedicated/server/{server}")) {
            Ok(_) => None,
            Err(e) => {
                let fix = if e.status == 404 {
                    format!("check the service name {server} in OVH's web console (dedicated servers), then create keys for the right name")
                } else if e.is_ip_refused() {
                    "run the check from a cluster node, or create keys whose allowed IPs hold this machine's address".to_string()
                } else {
                    "see the API's answer above".to_string()
                };
                problems.push(problem(format!("{server}: {e}"), fix));
                Some(e.to_string())
            }
        };
        checks.push(ServerCheck {
            server: server.clone(),
            rules: granted,
            reachable,
        });
    }
    Ok(Audit {
        status,
        expiration: credential
            .get("expiration")
            .and_then(Value::as_str)
            .map(str::to_string),
        allowed_ips: credential.get("allowedIPs").cloned().unwrap_or(Value::Null),
        clock_skew_seconds: skew,
        servers: checks,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn least_privilege_rules() {
        let rules = rules_for(&["ns1".to_string()], false);
        assert_eq!(rules.len(), 7);
        assert!(!rules
            .iter()
            .any(|r| r.path == "/*" || r.path == "/dedicated/server/*"));
        assert!(granted(&rules, "GET", "/dedicated/server/ns1/task/123"));
        assert!(granted(&rules, "POST", "/dedicated/server/ns1/reboot"));
        assert!(!granted(&rules, "POST", "/dedicated/server/ns1/reinstall"));
        assert!(!granted(&rules, "GET", "/dedicated/server/ns2"));
        assert!(granted(&[Rule::new("GET", "/*")], "GET", "/me/bill"));
        assert_eq!(servers_in(&rules), ["ns1"]);
        assert!(granted(&[Rule::new("GET", "/a*b*c")], "GET", "/aXbYbZc"));
        assert!(granted(&[Rule::new("GET", "*")], "GET", ""));
        assert!(!granted(&[Rule::new("GET", "/a*b")], "GET", "/aXbY"));
        assert!(granted(&[Rule::new("GET", "/é*/x")], "GET", "/éé/y/x"));
    }

    /// Found by the ovh_json fuzz target: a rule of many stars took one try
    /// per way of splitting the path among them.
    #[test]
    fn issue9_a_rule_of_many_stars_matches_quickly() {
        let rule = Rule::new("POST", format!("/{}x", "*".repeat(100)));
        let started = std::time::Instant::now();
        assert!(!granted(&[rule], "POST", "/dedicated/server/ns1/reboot"));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn issue11_server_names_and_addresses_are_checked_before_any_request() {
        assert!(check_server_name("ns567890.ip-123-22-44.eu").is_ok());
        for bad in ["", "ns1/boot", "ns*", "ns 1", "-ns1", "ns1\u{1b}[2J"] {
            assert!(check_server_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_allowed_ip("203.0.113.4").is_ok());
        assert!(check_allowed_ip("2001:db8::/32").is_ok());
        assert!(check_allowed_ip("not-an-ip")
            .unwrap_err()
            .contains("not an IP address"));
        assert!(check_allowed_ip("203.0.113.0/33")
            .unwrap_err()
            .contains("prefix"));
    }

    #[test]
    fn issue11_an_api_that_does_not_answer_is_retried_with_backoff_and_said() {
        let mut client = Client::new(
            "http://127.0.0.1:9/1.0",
            super::super::Credentials::default(),
            Duration::from_secs(2),
        )
        .unwrap();
        let mut pauses = Vec::new();
        let outcome = wait_for_validation(
            &mut client,
            Duration::from_secs(2),
            Duration::from_millis(100),
            &mut |event| match event {
                WaitEvent::Unreachable { retry_in, .. } => pauses.push(retry_in),
                other => panic!("{other:?}"),
            },
        );
        assert!(matches!(outcome, WaitOutcome::TimedOut), "{outcome:?}");
        assert!(pauses.len() >= 2, "{pauses:?}");
        assert!(
            pauses.windows(2).all(|w| w[1] > w[0]),
            "backoff grows: {pauses:?}"
        );
    }
}
