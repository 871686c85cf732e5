//! A blocking OVH API client: signed calls, the server's clock, errors
//! that say what to do, retries of 429 and 5xx within a deadline.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use sha1::{Digest, Sha1};

/// Application key, secret and consumer key.
#[derive(Clone, Default)]
pub struct Credentials {
    pub application_key: String,
    pub application_secret: String,
    pub consumer_key: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("application_key", &self.application_key)
            .field("application_secret", &crate::secrets::MASK)
            .field("consumer_key", &crate::secrets::MASK)
            .finish()
    }
}

impl Credentials {
    /// The values to mask wherever something is printed.
    pub fn secrets(&self) -> Vec<String> {
        vec![self.application_secret.clone(), self.consumer_key.clone()]
    }
}

/// An API error, with what to do about it.
#[derive(Debug, Clone)]
pub struct OvhError {
    /// HTTP status, 0 when the request never got an answer.
    pub status: u16,
    /// `errorCode` (old form) or `class` (new form).
    pub code: Option<String>,
    pub message: String,
    /// `X-Ovh-Queryid`, for OVH support.
    pub query_id: Option<String>,
    pub method: String,
    pub path: String,
}

impl OvhError {
    pub fn is(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c == code || c.ends_with(&format!("::{code}")))
    }

    /// The credential itself is refused (expired, revoked, unknown, pending).
    pub fn is_credential_problem(&self) -> bool {
        self.is("INVALID_CREDENTIAL") || self.is("INVALID_SIGNATURE") || self.is("NOT_CREDENTIAL")
    }

    /// Refused because the request came from an address the key's
    /// allowedIPs do not hold.
    pub fn is_ip_refused(&self) -> bool {
        self.status == 403 && self.message.contains("IP address")
    }

    fn advice(&self) -> &'static str {
        if self.is("INVALID_KEY") {
            "the application key is unknown at this endpoint: check the key, and that it was created on this endpoint's createApp page"
        } else if self.is_ip_refused() {
            "this machine's address is not among the keys' allowed IPs: run it from a cluster node, or create keys that allow this address"
        } else if self.status == 403 && self.method == "GET" && self.path == "/dedicated/server" {
            "listing the account's servers needs the list rule: create keys with fencectl ovh-keys create --list-rule (fencing itself does not need it)"
        } else if self.is("INVALID_CREDENTIAL") || self.is("NOT_CREDENTIAL") {
            "consumer key expired, revoked or not validated: run fencectl ovh-keys create"
        } else if self.is("INVALID_SIGNATURE") {
            "the application secret or consumer key is wrong (or the key is not validated yet): check them with fencectl ovh-keys check"
        } else if self.is("NOT_GRANTED_CALL") || self.is("Forbidden") || self.status == 403 {
            "the consumer key's rules do not allow this call: create keys with the fencing rules (fencectl ovh-keys create)"
        } else if self.is("QUERY_TIME_OUT") || self.message.contains("out of time") {
            "the request's timestamp is too far from the API's clock: this machine's clock jumped; check NTP and try again"
        } else if self.status == 404 {
            "not found: check the server's service name (fencectl agent ovh -o list shows the account's servers)"
        } else if self.status == 0 {
            "the API could not be reached: check the network and the endpoint"
        } else {
            ""
        }
    }
}

impl fmt::Display for OvhError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OVH API {} {}: ", self.method, self.path)?;
        if self.status > 0 {
            write!(f, "HTTP {} ", self.status)?;
        }
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        write!(f, "{}", self.message)?;
        let advice = self.advice();
        if !advice.is_empty() {
            write!(f, " ({advice})")?;
        }
        if let Some(id) = &self.query_id {
            write!(f, " [query id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for OvhError {}

/// Sees a one-line description of each request (never a secret).
pub type RequestLog = Box<dyn Fn(&str)>;

/// A client for one endpoint and one set of keys.
pub struct Client {
    base: String,
    credentials: Credentials,
    http: reqwest::blocking::Client,
    /// Server time minus local time, from /auth/time, asked once.
    delta: Option<i64>,
    /// How long 429 and 5xx answers are retried.
    pub retry_deadline: Duration,
    /// How long one request may wait for its answer.
    request_timeout: Duration,
    /// When everything must be over (a fence action's power_timeout): no
    /// request is sent after it, and none waits past it.
    pub deadline: Option<Instant>,
    /// Called with a one-line description of each request (no secrets).
    pub log: Option<RequestLog>,
}

impl Client {
    /// A client for `base` (from [`super::base_url`]).
    pub fn new(
        base: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Client, OvhError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("fencectl/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OvhError {
                status: 0,
                code: None,
                message: format!("cannot set up HTTPS: {e}"),
                query_id: None,
                method: String::new(),
                path: String::new(),
            })?;
        Ok(Client {
            base: base.trim_end_matches('/').to_string(),
            credentials,
            http,
            delta: None,
            retry_deadline: Duration::from_secs(30),
            request_timeout: timeout,
            deadline: None,
            log: None,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Forgets the API's clock: the next signed call reads `/auth/time` again.
    pub fn forget_time(&mut self) {
        self.delta = None;
    }

    /// Server time minus local time, in seconds (asked once).
    pub fn time_delta(&mut self) -> Result<i64, OvhError> {
        if let Some(delta) = self.delta {
            return Ok(delta);
        }
        let value = self.call("GET", "/auth/time", None, false)?;
        let server = value.as_i64().ok_or_else(|| {
            self.error_for("GET", "/auth/time", 0, "the API's time is not a number")
        })?;
        let delta = server - unix_now();
        self.delta = Some(delta);
        Ok(delta)
    }

    pub fn get(&mut self, path: &str) -> Result<Value, OvhError> {
        self.call("GET", path, None, true)
    }

    pub fn put(&mut self, path: &str, body: &Value) -> Result<Value, OvhError> {
        self.call("PUT", path, Some(body), true)
    }

    pub fn post(&mut self, path: &str, body: &Value) -> Result<Value, OvhError> {
        self.call("POST", path, Some(body), true)
    }

    /// POST without a consumer key (only `/auth/credential` takes that).
    pub fn post_unsigned(&mut self, path: &str, body: &Value) -> Result<Value, OvhError> {
        self.call("POST", path, Some(body), false)
    }

    /// One call, retried on 429 and 5xx (and on no answer) until the deadline.
    /// A POST is retried only on 429 (refused before it was processed): a
    /// 5xx or lost answer may hide a reboot that did start, and a second
    /// one must not be requested blindly.
    pub fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        signed: bool,
    ) -> Result<Value, OvhError> {
        let retry_until = Instant::now() + self.retry_deadline;
        let deadline = self.deadline.map_or(retry_until, |d| d.min(retry_until));
        let mut pause = Duration::from_millis(250);
        loop {
            match self.call_once(method, path, body, signed) {
                Err(e) if retryable(method, &e) && Instant::now() + pause < deadline => {
                    if let Some(log) = &self.log {
                        log(&format!(
                            "{method} {path}: {e}; retrying in {}",
                            crate::timespec::format(pause)
                        ));
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }

    fn call_once(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        signed: bool,
    ) -> Result<Value, OvhError> {
        let timeout = self.time_left(method, path)?;
        let url = format!("{}{path}", self.base);
        // python-ovh sends compact JSON; the signature covers these exact bytes.
        let body_text = body
            .map(|b| serde_json::to_string(b).unwrap_or_default())
            .unwrap_or_default();
        let method_value =
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = self
            .http
            .request(method_value, &url)
            .timeout(timeout)
            .header("X-Ovh-Application", &self.credentials.application_key);
        if body.is_some() {
            request = request
                .header("Content-Type", "application/json")
                .body(body_text.clone());
        }
        if signed {
            let timestamp = (unix_now() + self.time_delta()?).to_string();
            let signature = signature(&self.credentials, method, &url, &body_text, &timestamp);
            request = request
                .header("X-Ovh-Consumer", &self.credentials.consumer_key)
                .header("X-Ovh-Timestamp", &timestamp)
                .header("X-Ovh-Signature", signature);
        }
        if let Some(log) = &self.log {
            log(&format!("{method} {url}"));
        }
        let response = request
            .send()
            .map_err(|e| self.error_for(method, path, 0, &describe(&e)))?;
        let status = response.status().as_u16();
        let query_id = response
            .headers()
            .get("X-Ovh-Queryid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().unwrap_or_default();
        answer(status, text, query_id, method, path)
    }

    /// How long the next request may take: the request timeout, cut
    /// short by the overall deadline; an error once that has passed.
    fn time_left(&self, method: &str, path: &str) -> Result<Duration, OvhError> {
        let Some(deadline) = self.deadline else {
            return Ok(self.request_timeout);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.error_for(
                method,
                path,
                0,
                "not sent: the time allowed for the whole action has run out",
            ));
        }
        Ok(left.min(self.request_timeout))
    }

    fn error_for(&self, method: &str, path: &str, status: u16, message: &str) -> OvhError {
        OvhError {
            status,
            code: None,
            message: message.to_string(),
            query_id: None,
            method: method.into(),
            path: path.into(),
        }
    }
}

/// Whether an answer is worth asking again (see [`Client::call`]).
fn retryable(method: &str, error: &OvhError) -> bool {
    error.status == 429 || (method != "POST" && (error.status >= 500 || error.status == 0))
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "no answer in time (request timeout)".into()
    } else if error.is_connect() {
        format!(
            "cannot connect: {}",
            std::error::Error::source(error).map_or_else(|| error.to_string(), |s| s.to_string())
        )
    } else {
        error.to_string()
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Decodes an answer: its JSON (or its text) on a 2xx status, the error
/// it describes otherwise.
pub(crate) fn answer(
    status: u16,
    text: String,
    query_id: Option<String>,
    method: &str,
    path: &str,
) -> Result<Value, OvhError> {
    if (200..300).contains(&status) {
        return Ok(if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        });
    }
    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let code = parsed
        .get("errorCode")
        .or_else(|| parsed.get("class"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let message = parsed
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| text.trim().chars().take(200).collect());
    Err(OvhError {
        status,
        code,
        message,
        query_id,
        method: method.to_string(),
        path: path.to_string(),
    })
}

/// `$1$` + SHA-1 of secret+consumer+method+url+body+timestamp, joined by `+`.
pub fn signature(
    credentials: &Credentials,
    method: &str,
    url: &str,
    body: &str,
    timestamp: &str,
) -> String {
    let mut hasher = Sha1::new();
    let parts = [
        credentials.application_secret.as_str(),
        credentials.consumer_key.as_str(),
        method,
        url,
        body,
        timestamp,
    ];
    hasher.update(parts.join("+").as_bytes());
    format!("$1${}", hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// python-ovh's own test vectors.
    #[test]
    fn signatures_match_python_ovh() {
        let credentials = Credentials {
            application_key: "TDPKJdwZwAQPwKX2".into(),
            application_secret: "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk".into(),
            consumer_key: "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY".into(),
        };
        let url = "https://eu.api.ovh.com/1.0/auth";
        assert_eq!(
            signature(&credentials, "GET", url, "", "1457018875"),
            "$1$e9556054b6309771395efa467c22e627407461ad"
        );
        assert_eq!(
            signature(
                &credentials,
                "POST",
                url,
                r#"{"a":"b","c":"d"}"#,
                "1457018875"
            ),
            "$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1"
        );
        assert!(!format!("{credentials:?}").contains("9ufkBm"));
    }
}
