//! A finding of a check: metadata rules and device parameters alike.

use serde::Serialize;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; fails only with `--strict`.
    Warning,
    /// Breaks the schema or a consumer: the check fails.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `error` or `warning`.
    pub severity: Severity,
    /// A short stable name of the rule that fired (`duplicate-parameter`).
    pub rule: &'static str,
    /// The parameter or element concerned (`parameter ip`, `<actions>`).
    pub subject: String,
    /// 1-based line in the XML, where there is one.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl Finding {
    pub fn error(
        rule: &'static str,
        subject: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Error,
            rule,
            subject: subject.into(),
            line,
            message: message.into(),
        }
    }

    pub fn warning(
        rule: &'static str,
        subject: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity: Severity::Warning,
            rule,
            subject: subject.into(),
            line,
            message: message.into(),
        }
    }
}

/// Whether findings fail a check: any error, or any warning when strict.
pub fn fails(findings: &[Finding], strict: bool) -> bool {
    findings
        .iter()
        .any(|f| f.severity == Severity::Error || (strict && f.severity == Severity::Warning))
}
