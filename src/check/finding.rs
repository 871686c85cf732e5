//! What `check`'s design lint reports: a finding with its severity, the
//! element concerned, why (and the documentation the rule comes from), and
//! the fix; and the rules that could not be checked, with the reason.

use serde::Serialize;

/// How bad a design finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails the check.
    Info,
    /// Fencing may fail when it is needed; fails with `--strict`.
    Warning,
    /// Fencing will fail, or the cluster will not fence: the check fails.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule of REFERENCE section 9: its stable name, severity and source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    pub severity: Severity,
    /// The documentation the rule comes from.
    pub source: &'static str,
}

/// One thing the lint found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// The rule's stable name.
    pub rule: &'static str,
    /// The element concerned (`node node1`, `primitive ipmi1`, `corosync.conf quorum`).
    pub element: String,
    /// What is wrong and why it matters.
    pub why: String,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What to do.
    pub fix: String,
}

impl Finding {
    pub fn new(
        rule: Rule,
        element: impl Into<String>,
        why: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: rule.severity,
            rule: rule.name,
            element: element.into(),
            why: why.into(),
            source: rule.source,
            fix: fix.into(),
        }
    }
}

/// A rule that could not be applied, and why (a file not readable, not
/// the local cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NotChecked {
    /// The rule's stable name.
    pub rule: &'static str,
    /// Why it could not be applied.
    pub reason: String,
}
