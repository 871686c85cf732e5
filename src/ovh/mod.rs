//! The OVH API (v1): endpoints, request signing, errors, and the
//! rescue-mode fencing of dedicated servers built on it.

// OvhError carries what an administrator needs (status, code, message,
// query id, call); it travels on network paths where its size is nothing.
#![allow(clippy::result_large_err)]

pub mod agent;
pub mod client;
pub mod config;
pub mod fencing;
pub mod keys;

pub use client::{Client, Credentials, OvhError};

/// The named API endpoints (python-ovh's names).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("ovh-eu", "https://eu.api.ovh.com/1.0"),
    ("ovh-ca", "https://ca.api.ovh.com/1.0"),
    ("ovh-us", "https://api.us.ovhcloud.com/1.0"),
    ("soyoustart-eu", "https://eu.api.soyoustart.com/1.0"),
    ("soyoustart-ca", "https://ca.api.soyoustart.com/1.0"),
    ("kimsufi-eu", "https://eu.api.kimsufi.com/1.0"),
    ("kimsufi-ca", "https://ca.api.kimsufi.com/1.0"),
];

/// The API base URL for an endpoint name or URL. Plain http is refused
/// except to a loopback address (tests and local mocks).
pub fn base_url(endpoint: &str) -> Result<String, String> {
    if let Some((_, url)) = ENDPOINTS.iter().find(|(name, _)| *name == endpoint) {
        return Ok((*url).to_string());
    }
    if let Some(rest) = endpoint.strip_prefix("https://") {
        if rest.is_empty() {
            return Err(format!("endpoint '{endpoint}' has no host"));
        }
        return Ok(endpoint.trim_end_matches('/').to_string());
    }
    if let Some(rest) = endpoint.strip_prefix("http://") {
        if is_loopback_authority(rest.split('/').next().unwrap_or_default()) {
            return Ok(endpoint.trim_end_matches('/').to_string());
        }
        return Err(format!(
            "endpoint '{endpoint}' uses plain http: only https is allowed (plain http only to a loopback address, for tests)"
        ));
    }
    let names: Vec<&str> = ENDPOINTS.iter().map(|(n, _)| *n).collect();
    let hint = crate::suggest::closest(endpoint, names.iter().copied())
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    Err(format!(
        "unknown OVH endpoint '{endpoint}'{hint} (one of {}, or an https:// URL)",
        names.join(", ")
    ))
}

/// Whether a URL's `host[:port]` is a loopback address: `localhost`, an
/// IPv4 address in 127.0.0.0/8 or `[::1]`. Host names are not resolved:
/// `127.example.org` is not loopback.
fn is_loopback_authority(authority: &str) -> bool {
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((host, port)) if port.is_empty() || port.starts_with(':') => host,
            _ => return false,
        },
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Where an application key is created for an endpoint.
pub fn create_app_url(base: &str) -> String {
    let root = base.trim_end_matches("/1.0");
    format!("{root}/createApp/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(base_url("ovh-eu").unwrap(), "https://eu.api.ovh.com/1.0");
        assert_eq!(
            base_url("http://127.0.0.1:8080/1.0/").unwrap(),
            "http://127.0.0.1:8080/1.0"
        );
        assert!(base_url("http://192.0.2.1/1.0").is_err());
        assert!(base_url("http://[::1]:8080/1.0").is_ok());
        assert!(base_url("http://localhost:8080/1.0").is_ok());
        for sneaky in [
            "http://127.evil.example/1.0",
            "http://127.0.0.1.evil.example/1.0",
            "http://127.0.0.1@evil.example/1.0",
            "http://[::1].evil.example/1.0",
        ] {
            assert!(base_url(sneaky).is_err(), "{sneaky}");
        }
        assert!(base_url("ovh-ue")
            .unwrap_err()
            .contains("did you mean 'ovh-eu'"));
        assert_eq!(
            create_app_url("https://eu.api.ovh.com/1.0"),
            "https://eu.api.ovh.com/createApp/"
        );
    }
}
