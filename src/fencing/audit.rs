//! The audit log: one JSON line per real fencing run (never a dry run),
//! with every secret masked, and `fencectl history` to read it.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One fencing run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    /// UTC, RFC 3339.
    pub time: String,
    pub user: String,
    pub node: String,
    pub action: String,
    pub source: String,
    /// `success`, `failed`, `no-method`, `interrupted`, or for status `on`/`off`/`unknown`.
    pub result: String,
    pub devices: Vec<AuditDevice>,
}

/// One agent run within a fencing run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditDevice {
    pub position: String,
    pub device: String,
    pub agent: String,
    pub action: Option<String>,
    /// The arguments sent, secrets masked.
    pub args: Vec<(String, String)>,
    pub ok: bool,
    pub result: String,
    pub elapsed_ms: u64,
}

/// The default log: /var/log/fencectl/fence.log for root, else
/// `$XDG_STATE_HOME/fencectl/fence.log` (or ~/.local/state/...).
pub fn default_path() -> PathBuf {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return PathBuf::from("/var/log/fencectl/fence.log");
    }
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(std::env::temp_dir);
    state.join("fencectl/fence.log")
}

/// Appends one record as a line; the file is created mode 0600.
pub fn append(path: &Path, record: &AuditRecord) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs_err::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot open the audit log {}", path.display()))?;
    // One write: appends of one line do not interleave with another process's.
    file.write_all(&line)
        .with_context(|| format!("cannot write the audit log {}", path.display()))?;
    Ok(())
}

/// Reads every record; lines that are not records are counted, not fatal.
pub fn read(path: &Path) -> Result<(Vec<AuditRecord>, usize)> {
    let text = match fs_err::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e.into()),
    };
    let mut records = Vec::new();
    let mut bad = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(record) => records.push(record),
            Err(_) => bad += 1,
        }
    }
    Ok((records, bad))
}

/// Who runs fencectl: the invoking user behind sudo, else the login name.
pub fn current_user() -> String {
    let name = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    let who = name("SUDO_USER")
        .or_else(|| name("USER"))
        .or_else(|| name("LOGNAME"));
    match who {
        Some(who) => format!("{who} (uid {uid})"),
        None => format!("uid {uid}"),
    }
}

/// `time` as RFC 3339 UTC with seconds.
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_400_000);
        assert_eq!(rfc3339(t), "2026-11-23T02:13:20Z");
    }
}
