//! Pacemaker's own device parameters (pcmk_host_map, pcmk_host_list,
//! pcmk_host_check, pcmk_delay_*, pcmk_<action>_*...): how pacemaker-fenced
//! really reads them, and the checks no other tool makes.
//!
//! The reading functions ([`HostMap::read`], [`parse_host_list`],
//! [`delay_base_for`], [`delay_max`], [`action_timeout`]) reproduce the
//! fencer of Pacemaker 2.1 (daemons/fenced/fenced_commands.c,
//! lib/fencing/st_client.c), quirks included, so that a plan made from them
//! is what the cluster will do. [`check`] says where that differs from what
//! the administrator most likely meant.

use std::time::Duration;

use super::finding::Finding;
use super::metadata::AgentMetadata;

/// The host checks Pacemaker knows.
pub const HOST_CHECKS: &[&str] = &["static-list", "dynamic-list", "status", "none"];

/// The actions the fencer runs, and so may name in `pcmk_<action>_action`,
/// `pcmk_<action>_timeout` and `pcmk_<action>_retries`.
pub const ACTIONS: &[&str] = &["reboot", "off", "on", "status", "list", "monitor"];

/// Pacemaker's fixed special parameter names (besides the per-action ones).
pub const SPECIAL: &[&str] = &[
    "pcmk_host_map",
    "pcmk_host_list",
    "pcmk_host_check",
    "pcmk_host_argument",
    "pcmk_delay_base",
    "pcmk_delay_max",
    "pcmk_action_limit",
];

/// The suffixes of the per-action parameters.
const PER_ACTION: &[&str] = &["_action", "_timeout", "_retries"];

/// Whether Pacemaker keeps `name` for itself and never sends it to the
/// agent. This is `pcmk_stonith_param` (lib/fencing/st_client.c) to the
/// letter: a per-action name is split at the first `_` after `pcmk_`, so
/// `pcmk_list_status_timeout` is *not* special and goes to the agent.
pub fn is_special(name: &str) -> bool {
    matches!(name, "provides" | "stonith-timeout")
        || SPECIAL.contains(&name)
        || split_per_action(name).is_some()
}

/// `pcmk_ACTION_KIND` split into the action and `_action`, `_timeout` or
/// `_retries`, the way `pcmk_stonith_param` splits it.
fn split_per_action(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("pcmk_")?;
    let (action, kind) = rest.split_at(rest.find('_')?);
    PER_ACTION.contains(&kind).then_some((action, kind))
}

/// Every special name, for "did you mean" on unknown pcmk_ names.
pub fn known_names() -> Vec<String> {
    let mut names: Vec<String> = SPECIAL.iter().map(|s| s.to_string()).collect();
    for action in ACTIONS {
        for suffix in PER_ACTION {
            names.push(format!("pcmk_{action}{suffix}"));
        }
    }
    names
}

/// Something Pacemaker reads differently from how it was most likely meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The value loses or garbles something (else it is only suspicious).
    pub serious: bool,
    /// What the fencer does with it, and what to write instead.
    pub message: String,
}

impl Problem {
    fn serious(message: String) -> Problem {
        Problem {
            serious: true,
            message,
        }
    }

    fn doubtful(message: String) -> Problem {
        Problem {
            serious: false,
            message,
        }
    }

    fn into_finding(self, name: &str, rule: &'static str) -> Finding {
        let message = format!("{name}: {}", self.message);
        if self.serious {
            Finding::error(rule, name, None, message)
        } else {
            Finding::warning(rule, name, None, message)
        }
    }
}

// ---------------------------------------------------------------------------
// pcmk_host_map

/// pcmk_host_map as the fencer reads it (`build_port_aliases`): entries
/// `node:value` or `node=value` separated by `;`, spaces or tabs; `\`
/// escapes the next character; `,` belongs to the value (`node2:2,3` gives
/// the agent "2,3"). Node names are compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostMap {
    /// (node, value) in the order written; a later entry for a node wins.
    pub entries: Vec<(String, String)>,
}

impl HostMap {
    /// Reads a map exactly as the fencer does, with what it would lose or
    /// garble on the way.
    pub fn read(map: &str) -> (HostMap, Vec<Problem>) {
        let (raw, lost) = scan(map);
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for entry in raw {
            match &entry.name {
                Some(name) => {
                    problems.extend(entry_problems(&entry, name));
                    entries.push((name.clone(), entry.value));
                }
                None => problems.push(nameless(&entry.text)),
            }
        }
        if let Some(text) = lost {
            problems.push(Problem::serious(format!(
                "the map ends with a lone '\\', and the fencer then drops the last entry '{text}'"
            )));
        }
        let map = HostMap { entries };
        problems.extend(map.duplicates());
        (map, problems)
    }

    /// Parses a map, refusing one the fencer would read differently from
    /// how it is written (the first such problem is the error).
    pub fn parse(map: &str) -> Result<HostMap, String> {
        let (parsed, problems) = HostMap::read(map);
        match problems.into_iter().find(|p| p.serious) {
            Some(problem) => Err(problem.message),
            None => Ok(parsed),
        }
    }

    /// The map as the fencer reads it, whatever its problems.
    pub fn parse_lenient(map: &str) -> HostMap {
        HostMap::read(map).0
    }

    /// The value for `node`: names compare without case, the last entry wins.
    pub fn get(&self, node: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(node))
            .map(|(_, v)| v.as_str())
    }

    /// The mapped nodes, in the order written.
    pub fn nodes(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    fn duplicates(&self) -> Vec<Problem> {
        // Each name's last entry, found in one pass (a long map must not
        // take a pass per entry).
        let last: std::collections::HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (node, _))| (node.to_ascii_lowercase(), i))
            .collect();
        let mut problems = Vec::new();
        for (i, (node, _)) in self.entries.iter().enumerate() {
            let winner = last[&node.to_ascii_lowercase()];
            if winner > i {
                let value = &self.entries[winner].1;
                problems.push(Problem::doubtful(format!(
                    "{node} is mapped more than once (names compare without case): \
                     the last entry wins, giving '{value}'"
                )));
            }
        }
        problems
    }
}

/// One entry as the fencer's scanner sees it.
struct RawEntry {
    /// As written, for messages.
    text: String,
    /// The fencer's node name: the text before the last unescaped `:`/`=`,
    /// backslashes kept (the fencer does not unescape names).
    name: Option<String>,
    /// The value with every backslash removed, as the fencer does.
    value: String,
    /// How many unescaped `:` and `=` the entry has.
    assignments: usize,
}

/// Splits a map as `build_port_aliases` does. Also returns the text of a
/// last entry lost to a trailing lone backslash.
fn scan(map: &str) -> (Vec<RawEntry>, Option<String>) {
    let chars: Vec<char> = map.chars().collect();
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let mut entries = Vec::new();
    let (mut start, mut last, mut assignments) = (0, 0, 0);
    let mut name: Option<String> = None;
    let mut i = 0;
    while i <= chars.len() {
        match chars.get(i) {
            Some('\\') if i + 1 == chars.len() => return (entries, Some(text(start, i))),
            Some('\\') => i += 1,
            Some(':' | '=') => {
                // A later separator replaces the name: "a:b:c" maps b to c.
                if i > last {
                    name = Some(text(last, i));
                }
                last = i + 1;
                assignments += 1;
            }
            None | Some(';' | ' ' | '\t') => {
                if i > start {
                    entries.push(RawEntry {
                        text: text(start, i),
                        name: name.take(),
                        value: text(last, i).replace('\\', ""),
                        assignments,
                    });
                }
                (start, last, assignments) = (i + 1, i + 1, 0);
            }
            Some(_) => {}
        }
        i += 1;
    }
    (entries, None)
}

fn nameless(text: &str) -> Problem {
    let why = if text.contains([':', '=']) {
        "has no node name before its ':' or '='"
    } else {
        "has no ':' or '=' (write node:plug, entries separated by ';')"
    };
    Problem::serious(format!("entry '{text}' {why}; the fencer ignores it"))
}

fn entry_problems(entry: &RawEntry, name: &str) -> Vec<Problem> {
    let text = &entry.text;
    let mut problems = Vec::new();
    if entry.assignments > 1 {
        problems.push(Problem::serious(format!(
            "entry '{text}' has more than one unescaped ':' or '=': the fencer \
             reads it as {name} -> '{}'; \
             escape a ':' that belongs to the value as '\\:'",
            entry.value
        )));
    }
    if name.contains('\\') {
        problems.push(Problem::serious(format!(
            "entry '{text}': the fencer does not unescape node names, so '{name}' \
             keeps its backslash and matches no node"
        )));
    }
    if entry.value.is_empty() {
        problems.push(Problem::serious(format!(
            "entry '{text}' maps {name} to nothing: the agent would get an empty plug"
        )));
    }
    problems
}

// ---------------------------------------------------------------------------
// pcmk_host_list

/// The characters a target name may have (`parse_list_line`'s scanset).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// pcmk_host_list as the fencer reads it (`stonith__parse_targets`): names
/// separated by whitespace, `,` or `;`. A name keeps only its leading
/// letters, digits, `_`, `-` and `.`; `on` and `off` are skipped, and so is
/// every name on a line containing "invalid" or "variable".
pub fn parse_host_list(list: &str) -> Vec<String> {
    list_lines(list)
        .filter(|line| !skipped_line(line))
        .flat_map(list_words)
        .filter_map(|word| {
            let name: String = word.chars().take_while(|&c| is_name_char(c)).collect();
            let kept = !name.is_empty()
                && !name.eq_ignore_ascii_case("on")
                && !name.eq_ignore_ascii_case("off");
            kept.then_some(name)
        })
        .collect()
}

/// Lines end at a newline or at a literal backslash-n (agents' list output
/// comes escaped through the API, and pcmk_host_list shares the parser).
fn list_lines(list: &str) -> impl Iterator<Item = &str> {
    list.split('\n').flat_map(|line| line.split("\\n"))
}

/// The fencer skips list lines that look like an agent's complaint.
fn skipped_line(line: &str) -> bool {
    line.contains("invalid") || line.contains("variable")
}

fn list_words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
}

/// What the fencer would drop or cut from a pcmk_host_list.
pub fn host_list_problems(list: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for line in list_lines(list) {
        if skipped_line(line) && list_words(line).next().is_some() {
            problems.push(Problem::serious(format!(
                "the fencer ignores every name on a line containing \"invalid\" or \"variable\" ('{}')",
                line.trim()
            )));
            continue;
        }
        problems.extend(list_words(line).filter_map(word_problem));
    }
    if parse_host_list(list).is_empty() && problems.is_empty() {
        problems.push(Problem::serious(
            "names no node: the device then fences nothing \
             (a set pcmk_host_list makes static-list the default check)"
                .into(),
        ));
    }
    problems
}

fn word_problem(word: &str) -> Option<Problem> {
    let kept: String = word.chars().take_while(|&c| is_name_char(c)).collect();
    if kept.eq_ignore_ascii_case("on") || kept.eq_ignore_ascii_case("off") {
        return Some(Problem::serious(format!(
            "'{word}': the fencer skips names \"on\" and \"off\" (it takes them for a plug status)"
        )));
    }
    (kept.len() < word.len()).then(|| {
        let fate = if kept.is_empty() {
            "skips it".to_string()
        } else {
            format!("keeps only '{kept}'")
        };
        Problem::serious(format!(
            "'{word}': a node name may only have letters, digits, '_', '-' and '.'; the fencer {fate}"
        ))
    })
}

// ---------------------------------------------------------------------------
// Times

/// A time as `crm_parse_interval_spec` reads it: an ISO 8601 duration
/// (`PT5S`) or a number with an optional unit (see `crate::timespec`).
pub fn interval(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if let Some(period) = trimmed.strip_prefix('P') {
        return iso_duration(period)
            .ok_or_else(|| format!("'{text}' is not an ISO 8601 duration such as PT30S"));
    }
    crate::timespec::parse(text).map_err(|e| e.to_string())
}

/// The part of an ISO 8601 duration after `P`: `1DT2H30M`, `T45S`, `2W`.
fn iso_duration(period: &str) -> Option<Duration> {
    const DAY: u64 = 86_400;
    let (date, time) = period.split_once('T').unwrap_or((period, ""));
    let date_units = [
        ('Y', 365 * DAY),
        ('M', 30 * DAY),
        ('W', 7 * DAY),
        ('D', DAY),
    ];
    let time_units = [('H', 3600), ('M', 60), ('S', 1)];
    let seconds = iso_fields(date, &date_units)?.checked_add(iso_fields(time, &time_units)?)?;
    (!period.is_empty() && !period.ends_with('T')).then_some(Duration::from_secs(seconds))
}

/// Sums `<number><unit>` fields written in the order of `units`.
fn iso_fields(text: &str, units: &[(char, u64)]) -> Option<u64> {
    let mut total: u64 = 0;
    let mut rest = text;
    let mut next_unit = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let number: u64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        let offset = units[next_unit..].iter().position(|(u, _)| *u == unit)?;
        total = total.checked_add(number.checked_mul(units[next_unit + offset].1)?)?;
        next_unit += offset + 1;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// The fencer keeps delays in whole seconds (`/ 1000`).
fn whole_seconds(duration: Duration) -> Duration {
    Duration::from_secs(duration.as_secs())
}

/// pcmk_delay_max as the fencer reads it: whole seconds, 0 when unreadable.
pub fn delay_max(value: &str) -> Duration {
    interval(value).map(whole_seconds).unwrap_or_default()
}

/// pcmk_delay_base for fencing `node`, as `get_action_delay_base` works it
/// out: entries are split on `;`, space and tab; the first `name:time`
/// entry whose name *starts* `node` (without case) applies; otherwise the
/// first entry, if it is a bare time. Whole seconds; None for no delay.
pub fn delay_base_for(value: &str, node: &str) -> Option<Duration> {
    let entries = delay_entries(value);
    let chosen = entries
        .iter()
        .find_map(|entry| {
            let (name, time) = entry.split_once(':')?;
            let usable =
                !name.is_empty() && !time.is_empty() && starts_with_ignore_case(node, name);
            usable.then_some(time)
        })
        .or_else(|| entries.first().copied())?;
    if chosen.contains(':') {
        return None;
    }
    interval(chosen)
        .ok()
        .map(whole_seconds)
        .filter(|d| !d.is_zero())
}

fn delay_entries(value: &str) -> Vec<&str> {
    value
        .split([';', ' ', '\t'])
        .filter(|e| !e.is_empty())
        .collect()
}

/// The fencer's `strncasecmp(node, name, strlen(name)) == 0`.
fn starts_with_ignore_case(node: &str, prefix: &str) -> bool {
    node.len() >= prefix.len()
        && node.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// pcmk_<action>_timeout as the fencer reads it: with `atoi` (Pacemaker
/// 2.1), so only the leading number counts, in seconds: `2min` is 2 seconds
/// and `500ms` is 500 seconds. None when that number is not positive.
pub fn action_timeout(value: &str) -> Option<Duration> {
    u64::try_from(atoi(value))
        .ok()
        .filter(|&n| n > 0)
        .map(Duration::from_secs)
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
fn atoi(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    digits
        .chars()
        .map_while(|c| c.to_digit(10))
        .fold(0i64, |n, d| {
            n.saturating_mul(10).saturating_add(i64::from(d))
        })
        * sign
}

// ---------------------------------------------------------------------------
// Checks

/// The device as the checks see it: its parameters and its agent.
struct Device<'a> {
    params: &'a [(String, String)],
    metadata: &'a AgentMetadata,
}

impl Device<'_> {
    /// The value of `name` (the last one wins).
    fn get(&self, name: &str) -> Option<&str> {
        lookup(self.params, name)
    }

    /// The nodes the device names in pcmk_host_list and pcmk_host_map.
    fn named_nodes(&self) -> Vec<String> {
        let mut nodes = parse_host_list(self.get("pcmk_host_list").unwrap_or_default());
        let map = HostMap::parse_lenient(self.get("pcmk_host_map").unwrap_or_default());
        nodes.extend(map.nodes().map(str::to_string));
        nodes
    }

    /// Whether the agent can run the fencer's `action`, through its
    /// `pcmk_<action>_action` override if there is one.
    fn can_run(&self, action: &str) -> bool {
        let name = self.get(&format!("pcmk_{action}_action")).unwrap_or(action);
        self.metadata.has_action(name)
    }
}

/// The value of `name` in `params` (the last one wins, as in the agent).
pub fn lookup<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The parameter through which the fencer names the target
/// (`pcmk_host_argument`, else `port` when the agent has it, else `plug`,
/// else `port`); None for `none`.
pub fn host_argument(params: &[(String, String)], metadata: &AgentMetadata) -> Option<String> {
    match lookup(params, "pcmk_host_argument") {
        Some(arg) if arg.eq_ignore_ascii_case("none") => None,
        Some(arg) => Some(arg.to_string()),
        None if metadata.parameter("port").is_none() && metadata.parameter("plug").is_some() => {
            Some("plug".into())
        }
        None => Some("port".into()),
    }
}

/// The host check the fencer uses: pcmk_host_check, else its default.
pub fn effective_host_check(params: &[(String, String)], metadata: &AgentMetadata) -> String {
    if let Some(check) = lookup(params, "pcmk_host_check") {
        return check.to_ascii_lowercase();
    }
    let listed = ["pcmk_host_list", "pcmk_host_map"]
        .iter()
        .any(|name| lookup(params, name).is_some());
    if listed {
        "static-list"
    } else if metadata.has_action("list") {
        "dynamic-list"
    } else if metadata.has_action("status") {
        "status"
    } else {
        "none"
    }
    .into()
}

/// Checks every Pacemaker parameter in `params` (the agent's own are
/// `params::check_params`'s business).
pub fn check(params: &[(String, String)], metadata: &AgentMetadata) -> Vec<Finding> {
    let device = Device { params, metadata };
    let mut findings: Vec<Finding> = params
        .iter()
        .filter(|(name, _)| is_special(name))
        .flat_map(|(name, value)| check_one(name, value, &device))
        .collect();
    findings.extend(check_host_check(&device));
    findings.extend(check_fixed_target(&device));
    findings.extend(check_delays(&device));
    findings.extend(check_device_action(&device));
    findings
}

/// A `pcmk_` name Pacemaker does not know: it goes to the agent, which
/// ignores it.
pub fn unknown_name(name: &str) -> Finding {
    let known = known_names();
    let hint = suggestion(name, known.iter().map(String::as_str));
    Finding::error(
        "unknown-parameter",
        name,
        None,
        format!(
            "{name} is not a Pacemaker parameter, so Pacemaker passes it to the agent, \
             which ignores it{hint}"
        ),
    )
}

fn error(name: &str, rule: &'static str, message: String) -> Finding {
    Finding::error(rule, name, None, message)
}

fn warning(name: &str, rule: &'static str, message: String) -> Finding {
    Finding::warning(rule, name, None, message)
}

fn check_one(name: &str, value: &str, device: &Device<'_>) -> Vec<Finding> {
    match name {
        "pcmk_host_map" => check_host_map(value),
        "pcmk_host_list" => findings_of(host_list_problems(value), name, "host-list"),
        "pcmk_host_check" => check_host_check_value(value).into_iter().collect(),
        "pcmk_host_argument" => check_host_argument(value, device.metadata)
            .into_iter()
            .collect(),
        "pcmk_delay_base" => check_delay_base(value, device),
        "pcmk_delay_max" => check_delay_max(value),
        "pcmk_action_limit" => check_action_limit(value).into_iter().collect(),
        "provides" => (!value.eq_ignore_ascii_case("unfencing"))
            .then(|| {
                warning(
                    name,
                    "provides",
                    format!("provides={value}: Pacemaker knows only provides=unfencing"),
                )
            })
            .into_iter()
            .collect(),
        "stonith-timeout" => vec![warning(
            name,
            "stonith-timeout",
            "stonith-timeout on a device is ignored by Pacemaker 2: \
             use pcmk_reboot_timeout and pcmk_off_timeout (whole seconds)"
                .into(),
        )],
        _ => check_per_action(name, value, device),
    }
}

fn findings_of(problems: Vec<Problem>, name: &str, rule: &'static str) -> Vec<Finding> {
    problems
        .into_iter()
        .map(|p| p.into_finding(name, rule))
        .collect()
}

fn check_host_map(value: &str) -> Vec<Finding> {
    let (map, problems) = HostMap::read(value);
    let mut findings = findings_of(problems, "pcmk_host_map", "host-map");
    if map.entries.is_empty() && findings.is_empty() {
        let message = "pcmk_host_map maps no node: the device then fences nothing \
                       (a set pcmk_host_map makes static-list the default check)";
        findings.push(error("pcmk_host_map", "host-map", message.into()));
    }
    findings
}

fn check_host_check_value(value: &str) -> Option<Finding> {
    let known = HOST_CHECKS.iter().any(|c| c.eq_ignore_ascii_case(value));
    (!known).then(|| {
        let hint = suggestion(value, HOST_CHECKS.iter().copied());
        error(
            "pcmk_host_check",
            "host-check",
            format!(
                "pcmk_host_check={value} is not one of {}{hint}; \
                 the fencer then fences nothing with this device",
                HOST_CHECKS.join(", ")
            ),
        )
    })
}

fn check_host_argument(value: &str, metadata: &AgentMetadata) -> Option<Finding> {
    let known = value.eq_ignore_ascii_case("none")
        || super::params::find_parameter(metadata, value).is_some();
    (!known).then(|| {
        let hint = suggestion(value, metadata.parameters.iter().map(|p| p.name.as_str()));
        let message = format!(
            "pcmk_host_argument={value} is not a parameter of {}{hint} \
             (name the parameter that takes the node, such as plug or port, or none)",
            metadata.name
        );
        error("pcmk_host_argument", "host-argument", message)
    })
}

/// The chosen host check against what the device and its agent offer.
fn check_host_check(device: &Device<'_>) -> Vec<Finding> {
    let name = "pcmk_host_check";
    let check = effective_host_check(device.params, device.metadata);
    let listed = device.get("pcmk_host_list").is_some() || device.get("pcmk_host_map").is_some();
    let chosen = device.get(name).is_some();
    let agent = &device.metadata.name;
    let problem = match check.as_str() {
        "static-list" if !listed => Some(
            "pcmk_host_check=static-list needs pcmk_host_list or pcmk_host_map: \
             without them the device fences no node"
                .to_string(),
        ),
        "dynamic-list" if chosen && !device.can_run("list") => Some(format!(
            "pcmk_host_check=dynamic-list runs the agent's list action, and {agent} has none \
             (use static-list with pcmk_host_list)"
        )),
        "status" if chosen && !device.can_run("status") => Some(format!(
            "pcmk_host_check=status runs the agent's status action, and {agent} has none"
        )),
        _ => None,
    };
    let mut findings: Vec<Finding> = problem
        .map(|message| error(name, "host-check", message))
        .into_iter()
        .collect();
    if device.get("pcmk_host_list").is_some()
        && check != "static-list"
        && HOST_CHECKS.contains(&check.as_str())
    {
        findings.push(warning(
            "pcmk_host_list",
            "host-list",
            format!(
                "pcmk_host_list is ignored with pcmk_host_check={check}: \
             the fencer uses the list only for static-list"
            ),
        ));
    }
    findings
}

/// A device that fences several nodes but sets the target parameter itself
/// sends the same plug for every node.
fn check_fixed_target(device: &Device<'_>) -> Option<Finding> {
    let argument = host_argument(device.params, device.metadata)?;
    let names = target_names(&argument, device.metadata);
    let (name, value) = names
        .iter()
        .find_map(|n| device.get(n).map(|v| (n.as_str(), v)))?;
    let several = device.get("pcmk_host_map").is_some() || device.named_nodes().len() > 1;
    let fixed = !value.eq_ignore_ascii_case("dynamic");
    (several && fixed).then(|| {
        let message = format!(
            "{name} is set, so the fencer does not fill in the node: every node this device \
             fences gets {name}={value} and pcmk_host_map is not used for it; \
             leave {name} out (or set it to dynamic)"
        );
        warning(name, "fixed-target", message)
    })
}

/// The host argument and the names that mean the same to the agent
/// (`port` and its replacement `plug`).
fn target_names(argument: &str, metadata: &AgentMetadata) -> Vec<String> {
    let mut names = vec![argument.to_string()];
    if let Some(p) = metadata.parameter(argument) {
        names.extend(p.replaced_by.iter().chain(p.obsoletes.iter()).cloned());
    }
    names
}

fn check_delay_max(value: &str) -> Vec<Finding> {
    let name = "pcmk_delay_max";
    match interval(value) {
        Err(why) => vec![error(
            name,
            "time",
            format!("pcmk_delay_max: {why}; the fencer then uses no random delay"),
        )],
        Ok(time) => subsecond(name, value, time).into_iter().collect(),
    }
}

fn subsecond(name: &str, value: &str, time: Duration) -> Option<Finding> {
    (time.subsec_nanos() != 0).then(|| {
        warning(
            name,
            "time",
            format!(
                "{name}={value}: the fencer counts delays in whole seconds, so this is {}s",
                time.as_secs()
            ),
        )
    })
}

fn check_delay_base(value: &str, device: &Device<'_>) -> Vec<Finding> {
    let name = "pcmk_delay_base";
    if !value.contains(':') {
        return match interval(value) {
            Ok(time) => subsecond(name, value, time).into_iter().collect(),
            Err(why) => {
                let hint = if value.contains('=') {
                    " (a per-node map is written node1:5s;node2:0s, with ':' only)"
                } else {
                    ""
                };
                vec![error(
                    name,
                    "time",
                    format!("pcmk_delay_base: {why}{hint}; the fencer then uses no delay"),
                )]
            }
        };
    }
    let mut findings: Vec<Finding> = delay_entries(value)
        .iter()
        .enumerate()
        .filter_map(|(i, entry)| delay_entry_problem(i, entry))
        .map(|p| p.into_finding(name, "time"))
        .collect();
    findings.extend(prefix_collisions(value, device));
    findings
}

fn delay_entry_problem(index: usize, entry: &str) -> Option<Problem> {
    let Some((node, time)) = entry.split_once(':') else {
        return Some(match (index, interval(entry)) {
            (0, Ok(_)) => Problem::doubtful(format!(
                "'{entry}' (no node) is the delay for nodes no entry names; \
                 this is undocumented, better give every node its entry"
            )),
            _ if entry.contains('=') => Problem::serious(format!(
                "entry '{entry}': per-node delays are written node:time, with ':' only; \
                 the fencer ignores this entry"
            )),
            _ => Problem::serious(format!(
                "entry '{entry}' is not node:time; the fencer ignores it"
            )),
        });
    };
    if node.is_empty() || time.is_empty() {
        return Some(Problem::serious(format!(
            "entry '{entry}' needs both a node and a time (node1:5s); the fencer ignores it"
        )));
    }
    let problem = match interval(time) {
        Err(_) if time.contains(':') => Problem::serious(format!(
            "entry '{entry}' has more than one ':'; the fencer then uses no delay for {node}"
        )),
        Err(why) => Problem::serious(format!(
            "entry '{entry}': {why}; the fencer then uses no delay for {node}"
        )),
        Ok(duration) if duration.subsec_nanos() != 0 => Problem::doubtful(format!(
            "entry '{entry}': the fencer counts delays in whole seconds, so this is {}s",
            duration.as_secs()
        )),
        Ok(_) => return None,
    };
    Some(problem)
}

/// The fencer picks the first entry whose name *starts* the node's name, so
/// `node1:5s;node10:0s` gives node10 five seconds.
fn prefix_collisions(value: &str, device: &Device<'_>) -> Vec<Finding> {
    let entries: Vec<&str> = delay_entries(value)
        .into_iter()
        .filter_map(|e| e.split_once(':').map(|(n, _)| n))
        .filter(|n| !n.is_empty())
        .collect();
    let mut nodes: Vec<String> = entries.iter().map(|n| n.to_string()).collect();
    nodes.extend(device.named_nodes());
    nodes.sort_by_key(|n| n.to_ascii_lowercase());
    nodes.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    nodes
        .iter()
        .filter_map(|node| {
            let first = entries.iter().find(|e| starts_with_ignore_case(node, e))?;
            if first.eq_ignore_ascii_case(node) {
                return None;
            }
            let message = format!(
                "fencing {node} would use the delay of '{first}': the fencer compares only \
                 the first {} characters of the node name; put {node}'s entry before {first}'s",
                first.len()
            );
            Some(warning("pcmk_delay_base", "delay-base-prefix", message))
        })
        .collect()
}

/// pcmk_delay_base against pcmk_delay_max, in the fencer's whole seconds.
fn check_delays(device: &Device<'_>) -> Option<Finding> {
    let base = device.get("pcmk_delay_base")?;
    let max = delay_max(device.get("pcmk_delay_max")?);
    if max.is_zero() {
        // No random delay: the fencer then uses the base alone.
        return None;
    }
    let bases: Vec<Duration> = if base.contains(':') {
        delay_entries(base)
            .iter()
            .filter_map(|e| e.split_once(':'))
            .filter_map(|(_, time)| interval(time).ok().map(whole_seconds))
            .collect()
    } else {
        interval(base).ok().map(whole_seconds).into_iter().collect()
    };
    bases.iter().any(|b| *b > max).then(|| {
        let message = format!(
            "pcmk_delay_base ({base}) is larger than pcmk_delay_max ({}): the fencer cuts \
             the delay down to pcmk_delay_max, so the base delay is lost",
            crate::timespec::format(max)
        );
        error("pcmk_delay_base", "delay-base-over-max", message)
    })
}

fn check_action_limit(value: &str) -> Option<Finding> {
    let name = "pcmk_action_limit";
    match value.trim().parse::<i64>() {
        Ok(n) if n == -1 || n > 0 => None,
        Ok(n) if n < -1 => Some(warning(
            name,
            "action-limit",
            format!(
                "pcmk_action_limit={n}: any negative number means no limit, -1 says it plainly"
            ),
        )),
        _ => Some(error(
            name,
            "action-limit",
            format!(
                "pcmk_action_limit={value} must be a whole number, -1 (no limit) or 1 and up; \
                 the fencer reads anything else as 1"
            ),
        )),
    }
}

/// `action=` on a Pacemaker device: the fencer never passes it on.
fn check_device_action(device: &Device<'_>) -> Option<Finding> {
    let action = device.get("action")?;
    let pacemaker = device.params.iter().any(|(n, _)| n.starts_with("pcmk_"));
    if !pacemaker {
        return None;
    }
    let effect = match action {
        "reboot" => "ignores it (the stonith-action cluster property decides)".to_string(),
        "off" => "turns it into pcmk_reboot_action=off".to_string(),
        _ => format!("turns it into pcmk_off_action={action} and pcmk_reboot_action={action}"),
    };
    let message = format!(
        "Pacemaker never sends a device's action= to the agent: the fencer {effect}; \
         set that instead"
    );
    Some(warning("action", "device-action", message))
}

/// pcmk_<action>_action, pcmk_<action>_timeout and pcmk_<action>_retries.
fn check_per_action(name: &str, value: &str, device: &Device<'_>) -> Vec<Finding> {
    let Some((action, kind)) = split_per_action(name) else {
        return Vec::new();
    };
    if !ACTIONS.contains(&action) {
        let wanted: Vec<String> = ACTIONS.iter().map(|a| format!("pcmk_{a}{kind}")).collect();
        let hint = suggestion(name, wanted.iter().map(String::as_str));
        return vec![error(
            name,
            "unknown-parameter",
            format!(
                "the fencer never runs an action called '{action}', so {name} has no effect{hint}"
            ),
        )];
    }
    let finding = match kind {
        "_timeout" => check_action_timeout(name, value),
        "_retries" => value.trim().parse::<u32>().is_err().then(|| {
            error(
                name,
                "retries",
                format!("{name}={value} must be a whole number of retries (0 or more)"),
            )
        }),
        _ => check_action_override(name, value, action, device.metadata),
    };
    finding.into_iter().collect()
}

/// pcmk_<action>_timeout: Pacemaker 2.1 reads it with atoi, so anything but
/// a number of seconds is misread.
fn check_action_timeout(name: &str, value: &str) -> Option<Finding> {
    let trimmed = value.trim();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let unit = trimmed[digits..].trim().to_ascii_lowercase();
    let plain = digits > 0 && matches!(unit.as_str(), "" | "s" | "sec");
    let read_as = action_timeout(value).map_or(0, |d| d.as_secs());
    if plain && read_as > 0 {
        return None;
    }
    let meant = interval(value)
        .ok()
        .filter(|d| d.as_secs() > 0)
        .map(|d| format!("; write {}", d.as_secs()))
        .unwrap_or_default();
    let message = format!(
        "{name}={value}: the fencer reads this timeout with atoi, as whole seconds, \
         so it is {read_as}s{meant}"
    );
    Some(error(name, "timeout", message))
}

fn check_action_override(
    name: &str,
    value: &str,
    action: &str,
    metadata: &AgentMetadata,
) -> Option<Finding> {
    if value.trim().is_empty() {
        return Some(error(
            name,
            "action",
            format!("{name} is empty: name the agent action to run for {action}"),
        ));
    }
    (!metadata.has_action(value)).then(|| {
        let actions = metadata.actions.iter().map(|a| a.name.as_str());
        let hint = suggestion(value, actions);
        let message = format!(
            "{name}={value}: {} has no action called {value}, so every {action} would fail{hint}",
            metadata.name
        );
        error(name, "action", message)
    })
}

fn suggestion<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    crate::suggest::closest(wanted, candidates)
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serious(map: &str) -> Vec<String> {
        HostMap::read(map)
            .1
            .into_iter()
            .filter(|p| p.serious)
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn host_map_grammar() {
        let map = HostMap::parse("node1:1;node2=2,3 node3:a\\:b\tnode4:4").unwrap();
        assert_eq!(map.get("node1"), Some("1"));
        assert_eq!(
            map.get("node2"),
            Some("2,3"),
            "a comma belongs to the value"
        );
        assert_eq!(map.get("node3"), Some("a:b"), "an escaped ':' is kept");
        assert_eq!(map.get("node4"), Some("4"));
        assert_eq!(map.get("NODE4"), Some("4"), "names compare without case");
        assert_eq!(
            map.nodes().collect::<Vec<_>>(),
            ["node1", "node2", "node3", "node4"]
        );
        assert_eq!(HostMap::parse("").unwrap().entries.len(), 0);
        assert_eq!(HostMap::parse(";; n:1 ;").unwrap().get("n"), Some("1"));
    }

    #[test]
    fn host_map_reads_like_the_fencer() {
        // Entries without a separator, or without a name, are skipped.
        assert_eq!(
            HostMap::parse_lenient("bad;n:1").entries,
            [("n".to_string(), "1".to_string())]
        );
        assert!(HostMap::parse_lenient(":x").entries.is_empty());
        // A second separator moves the name: "a:b:c" maps b, not a.
        let map = HostMap::parse_lenient("a:b:c");
        assert_eq!(map.get("a"), None);
        assert_eq!(map.get("b"), Some("c"));
        // Every backslash leaves the value, none leaves the name.
        assert_eq!(HostMap::parse_lenient("n:a\\\\b").get("n"), Some("ab"));
        assert_eq!(
            HostMap::parse_lenient("n\\:x:1").nodes().next(),
            Some("n\\:x")
        );
        // A trailing lone backslash loses the last entry.
        assert_eq!(HostMap::parse_lenient("a:1;b:2\\").entries.len(), 1);
        // The last entry for a node wins.
        assert_eq!(HostMap::parse_lenient("n:1;N:2").get("n"), Some("2"));
    }

    #[test]
    fn host_map_problems() {
        for map in [
            "node1",
            "node1:",
            ":x",
            "a:b:c",
            "n\\:x:1",
            "a:1;b:2\\",
            "n1:1;n2",
        ] {
            assert!(!serious(map).is_empty(), "{map}");
            assert!(HostMap::parse(map).is_err(), "{map}");
        }
        assert!(HostMap::parse("node2:a\\:b").is_ok());
        let (_, problems) = HostMap::read("n:1;n:2");
        assert!(problems.iter().all(|p| !p.serious) && problems.len() == 1);
        assert!(serious("node1").iter().any(|m| m.contains("no ':' or '='")));
        assert!(serious("a:b:c").iter().any(|m| m.contains("b -> 'c'")));
    }

    #[test]
    fn host_lists() {
        assert_eq!(parse_host_list("a, b;c\td"), ["a", "b", "c", "d"]);
        assert_eq!(
            parse_host_list("node1.example.com node-2 n_3"),
            ["node1.example.com", "node-2", "n_3"]
        );
        assert_eq!(
            parse_host_list("a:1 b"),
            ["a", "b"],
            "a name stops at a foreign character"
        );
        assert_eq!(parse_host_list("a on OFF b"), ["a", "b"]);
        assert_eq!(parse_host_list("invalid-node b\nc"), ["c"]);
        assert!(host_list_problems("a,b").is_empty());
        assert!(!host_list_problems(", ;").is_empty());
        assert!(!host_list_problems("a:1").is_empty());
        assert!(!host_list_problems("variable1").is_empty());
    }

    #[test]
    fn special_names_follow_pcmk_stonith_param() {
        for name in [
            "pcmk_host_list",
            "pcmk_reboot_action",
            "pcmk_off_timeout",
            "pcmk_status_retries",
            "pcmk_foo_timeout",
            "provides",
            "stonith-timeout",
        ] {
            assert!(is_special(name), "{name}");
        }
        for name in [
            "ip",
            "pcmk_unknown",
            "port",
            "pcmk_hots_list",
            "pcmk_list_status_timeout",
        ] {
            assert!(!is_special(name), "{name}");
        }
    }

    #[test]
    fn intervals() {
        assert_eq!(interval("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(interval("PT1M30S"), Ok(Duration::from_secs(90)));
        assert_eq!(interval("P1DT1H"), Ok(Duration::from_secs(90_000)));
        for bad in ["P", "PT", "P5", "PT5X", "P1S", "soon", "1.5s"] {
            assert!(interval(bad).is_err(), "{bad}");
        }
        assert_eq!(delay_max("1500ms"), Duration::from_secs(1));
        assert_eq!(delay_max("nonsense"), Duration::ZERO);
    }

    #[test]
    fn delay_base_per_node() {
        let five = Some(Duration::from_secs(5));
        assert_eq!(delay_base_for("node1:5s;node2:0s", "node1"), five);
        assert_eq!(delay_base_for("node1:5s;node2:0s", "node2"), None);
        assert_eq!(delay_base_for("10s", "any"), Some(Duration::from_secs(10)));
        assert_eq!(delay_base_for("node1:5s", "node9"), None);
        // The fencer matches a prefix: node10 gets node1's delay.
        assert_eq!(delay_base_for("node1:5s;node10:0s", "node10"), five);
        assert_eq!(delay_base_for("NODE1:5s", "node1"), five);
        // '=' is no separator here.
        assert_eq!(delay_base_for("node1=5s", "node1"), None);
        // A leading bare time covers the nodes no entry names.
        assert_eq!(delay_base_for("5s;node2:1s", "node3"), five);
    }

    #[test]
    fn timeouts_are_read_with_atoi() {
        assert_eq!(action_timeout("60"), Some(Duration::from_secs(60)));
        assert_eq!(action_timeout("60s"), Some(Duration::from_secs(60)));
        assert_eq!(action_timeout("2min"), Some(Duration::from_secs(2)));
        assert_eq!(action_timeout("500ms"), Some(Duration::from_secs(500)));
        assert_eq!(action_timeout("soon"), None);
        assert_eq!(action_timeout("-5"), None);
        assert!(check_action_timeout("pcmk_off_timeout", "90s").is_none());
        let finding = check_action_timeout("pcmk_off_timeout", "2min").unwrap();
        assert!(
            finding.message.contains("2s; write 120"),
            "{}",
            finding.message
        );
    }
}
