//! Which Pacemaker the configuration is for, and what changes with it:
//! cluster option names (3.0.2 renamed `stonith-*` to `fencing-*` and still
//! reads the old names), the default host argument (3.0.1 prefers `plug`),
//! `nodeid` (no longer passed since 3.0.1) and `\` escapes in
//! pcmk_host_map (dropped in 3.0.2). Facts from Pacemaker's ChangeLog and
//! lib/common/options.c, lib/fencing/st_client.c, st_actions.c.

use std::fmt;
use std::str::FromStr;

/// A Pacemaker release, as `major.minor[.patch]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PacemakerVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl PacemakerVersion {
    /// What fencectl assumes when no Pacemaker is installed: 2.1, the
    /// series of Debian 12 and RHEL 8/9.
    pub const DEFAULT: PacemakerVersion = PacemakerVersion::new(2, 1, 0);

    pub const fn new(major: u16, minor: u16, patch: u16) -> PacemakerVersion {
        PacemakerVersion {
            major,
            minor,
            patch,
        }
    }

    /// Whether cluster options have their `fencing-*` names (3.0.2).
    pub fn has_fencing_option_names(self) -> bool {
        self >= PacemakerVersion::new(3, 0, 2)
    }

    /// Whether the fencer prefers `plug` over `port` as the host argument (3.0.1).
    pub fn prefers_plug(self) -> bool {
        self >= PacemakerVersion::new(3, 0, 1)
    }

    /// Whether the host argument falls back to `port` when the metadata
    /// has neither `port` nor `plug` (2.x only).
    pub fn falls_back_to_port(self) -> bool {
        self.major < 3
    }

    /// Whether the fencer passes `nodeid=` to agents that take it (before 3.0.1).
    pub fn passes_nodeid(self) -> bool {
        self < PacemakerVersion::new(3, 0, 1)
    }

    /// Whether the fencer extends its timeouts by pcmk_delay_base and
    /// priority-fencing-delay (2.1.6, ChangeLog), so that a delay no longer
    /// counts against the device's timeout.
    pub fn delays_extend_timeouts(self) -> bool {
        self >= PacemakerVersion::new(2, 1, 6)
    }

    /// Whether `\` escapes separators in pcmk_host_map (before 3.0.2).
    pub fn host_map_escapes(self) -> bool {
        self < PacemakerVersion::new(3, 0, 2)
    }

    /// The Pacemaker installed here (`pacemakerd --version`, else
    /// `stonith_admin --version`), if any.
    pub fn installed() -> Option<PacemakerVersion> {
        ["pacemakerd", "stonith_admin", "crm_verify"]
            .iter()
            .find_map(|tool| {
                let out = std::process::Command::new(tool)
                    .arg("--version")
                    .stdin(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .output()
                    .ok()?;
                parse_version_banner(&String::from_utf8_lossy(&out.stdout))
            })
    }

    /// The installed Pacemaker, else [`PacemakerVersion::DEFAULT`]; asked
    /// once per process.
    pub fn installed_or_default() -> PacemakerVersion {
        static INSTALLED: std::sync::OnceLock<PacemakerVersion> = std::sync::OnceLock::new();
        *INSTALLED
            .get_or_init(|| PacemakerVersion::installed().unwrap_or(PacemakerVersion::DEFAULT))
    }
}

/// The version in a `Pacemaker 2.1.5` banner line.
fn parse_version_banner(text: &str) -> Option<PacemakerVersion> {
    text.lines()
        .find_map(|line| line.trim().strip_prefix("Pacemaker "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|version| {
            // "2.1.5", "3.0.1-rc1", "2.1.5.abc": the numeric part.
            let numeric: String = version
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            numeric.trim_end_matches('.').parse().ok()
        })
}

impl FromStr for PacemakerVersion {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!("'{text}' is not a Pacemaker version: give MAJOR.MINOR or MAJOR.MINOR.PATCH (2.1, 3.0.2)")
        };
        let parts: Vec<&str> = text.trim().split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(bad());
        }
        let number = |part: &str| part.parse::<u16>().map_err(|_| bad());
        let version = PacemakerVersion::new(
            number(parts[0])?,
            number(parts[1])?,
            parts.get(2).map_or(Ok(0), |p| number(p))?,
        );
        if version.major < 1 {
            return Err(bad());
        }
        Ok(version)
    }
}

impl fmt::Display for PacemakerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The fencing cluster options that Pacemaker 3.0.2 renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FencingOption {
    Enabled,
    Action,
    Reaction,
    Timeout,
    WatchdogTimeout,
    MaxAttempts,
}

impl FencingOption {
    pub const ALL: [FencingOption; 6] = [
        FencingOption::Enabled,
        FencingOption::Action,
        FencingOption::Reaction,
        FencingOption::Timeout,
        FencingOption::WatchdogTimeout,
        FencingOption::MaxAttempts,
    ];

    /// The 3.0.2 name.
    pub fn name(self) -> &'static str {
        match self {
            FencingOption::Enabled => "fencing-enabled",
            FencingOption::Action => "fencing-action",
            FencingOption::Reaction => "fencing-reaction",
            FencingOption::Timeout => "fencing-timeout",
            FencingOption::WatchdogTimeout => "fencing-watchdog-timeout",
            FencingOption::MaxAttempts => "fencing-max-attempts",
        }
    }

    /// The name before 3.0.2 (still read, deprecated, by 3.0.2 and later).
    pub fn legacy_name(self) -> &'static str {
        match self {
            FencingOption::Enabled => "stonith-enabled",
            FencingOption::Action => "stonith-action",
            FencingOption::Reaction => "fence-reaction",
            FencingOption::Timeout => "stonith-timeout",
            FencingOption::WatchdogTimeout => "stonith-watchdog-timeout",
            FencingOption::MaxAttempts => "stonith-max-attempts",
        }
    }

    /// The name to write for a cluster running `version`.
    pub fn name_for(self, version: PacemakerVersion) -> &'static str {
        if version.has_fencing_option_names() {
            self.name()
        } else {
            self.legacy_name()
        }
    }

    /// The option either name stands for.
    pub fn from_name(name: &str) -> Option<FencingOption> {
        FencingOption::ALL
            .into_iter()
            .find(|o| o.name() == name || o.legacy_name() == name)
    }
}

/// An option's value as Pacemaker reads it from `(name, value)` pairs
/// (crm_config nvpairs): the new name wins, else the legacy name. The
/// second item says the legacy name was used (3.0.2 warns about it).
pub fn read_option(pairs: &[(String, String)], option: FencingOption) -> Option<(&str, bool)> {
    let find = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    find(option.name())
        .map(|value| (value, false))
        .or_else(|| find(option.legacy_name()).map(|value| (value, true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert_eq!("2.1".parse(), Ok(PacemakerVersion::new(2, 1, 0)));
        assert_eq!("3.0.2".parse(), Ok(PacemakerVersion::new(3, 0, 2)));
        assert!("3".parse::<PacemakerVersion>().is_err());
        assert!("3.x".parse::<PacemakerVersion>().is_err());
        assert!(PacemakerVersion::new(3, 0, 1) < PacemakerVersion::new(3, 0, 2));
        assert_eq!(
            parse_version_banner("Pacemaker 2.1.5\nWritten by Andrew Beekhof"),
            Some(PacemakerVersion::new(2, 1, 5))
        );
        assert_eq!(
            parse_version_banner("Pacemaker 3.0.1-rc1 (Build: abc)"),
            Some(PacemakerVersion::new(3, 0, 1))
        );
    }

    #[test]
    fn what_changes_with_the_version() {
        let v21 = PacemakerVersion::new(2, 1, 5);
        let v300 = PacemakerVersion::new(3, 0, 0);
        let v301 = PacemakerVersion::new(3, 0, 1);
        let v302 = PacemakerVersion::new(3, 0, 2);
        assert_eq!(FencingOption::Enabled.name_for(v21), "stonith-enabled");
        assert_eq!(FencingOption::Enabled.name_for(v301), "stonith-enabled");
        assert_eq!(FencingOption::Enabled.name_for(v302), "fencing-enabled");
        assert_eq!(FencingOption::Reaction.name_for(v302), "fencing-reaction");
        assert!(!v300.prefers_plug() && v301.prefers_plug());
        assert!(v21.falls_back_to_port() && !v300.falls_back_to_port());
        assert!(v300.passes_nodeid() && !v301.passes_nodeid());
        assert!(v301.host_map_escapes() && !v302.host_map_escapes());
    }

    #[test]
    fn new_names_win_and_old_names_still_read() {
        let pairs = vec![
            ("stonith-timeout".to_string(), "90s".to_string()),
            ("fencing-enabled".to_string(), "true".to_string()),
            ("stonith-enabled".to_string(), "false".to_string()),
        ];
        assert_eq!(
            read_option(&pairs, FencingOption::Timeout),
            Some(("90s", true))
        );
        assert_eq!(
            read_option(&pairs, FencingOption::Enabled),
            Some(("true", false))
        );
        assert_eq!(read_option(&pairs, FencingOption::Action), None);
        assert_eq!(
            FencingOption::from_name("stonith-watchdog-timeout"),
            Some(FencingOption::WatchdogTimeout)
        );
    }
}
