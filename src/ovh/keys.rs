//! Least-privilege OVH API keys for fencing: the access rules a cluster
//! needs per server, and checking a credential against them.

use serde::Serialize;
use serde_json::{json, Value};

/// One API access rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}
