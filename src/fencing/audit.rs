//! The audit log: one JSON line per real fencing run (never a dry run),
//! with every secret masked, and `fencectl history` to read it.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::sys::fs::{PrivateDir, AUDIT_LOG_CAP};

/// One fencing run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct AuditRecord {
    /// UTC, RFC 3339.
    pub time: String,
    /// Who ran it.
    pub user: String,
    /// The node.
    pub node: String,
    /// The action asked; for a run whose action the configuration decided,
    /// the actions its steps ran, in order (`off, off, on, on`).
    pub action: String,
    /// The configuration or command it came from.
    pub source: String,
    /// `success`, `failed`, `no-method`, `interrupted`, or for status `on`/`off`/`unknown`.
    pub result: String,
    /// Each agent run.
    pub devices: Vec<AuditDevice>,
}

/// One agent run within a fencing run.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct AuditDevice {
    /// fence_node's numbering: `<stage>.<device>`.
    pub position: String,
    /// The device.
    pub device: String,
    /// Its agent.
    pub agent: String,
    /// The action sent; null when the agent's default ran.
    pub action: Option<String>,
    /// The arguments sent, secrets masked.
    pub args: Vec<(String, String)>,
    /// Whether it did what was asked.
    pub ok: bool,
    /// `success`, or what went wrong.
    pub result: String,
    /// How long it took, in milliseconds.
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

/// The audit log, open for appending.
///
/// Opened with `O_NOFOLLOW` and `O_APPEND`, never truncated, created mode
/// 0600. The default log's directory is created 0700 and refused when
/// another user could have made it (see [`PrivateDir`]); a directory given
/// with `--log` is the user's choice, only its last component is checked.
#[derive(Debug)]
pub struct AuditLog {
    file: File,
    path: PathBuf,
}

impl AuditLog {
    pub fn open(path: &Path) -> Result<AuditLog> {
        AuditLog::open_with(path, path == default_path())
    }

    /// `private_dir`: the directory is fencectl's own, checked as such.
    fn open_with(path: &Path, private_dir: bool) -> Result<AuditLog> {
        let file = if private_dir {
            let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
                bail!("{} is not a file path", path.display());
            };
            PrivateDir::open(dir, "audit log")?.open_append(name)?
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            crate::sys::fs::open_append(path)?
        };
        Ok(AuditLog {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Appends one record as a line.
    pub fn append(&mut self, record: &AuditRecord) -> Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        // One write: appends of one line do not interleave with another process's.
        self.file
            .write_all(&line)
            .with_context(|| format!("cannot write the audit log {}", self.path.display()))
    }
}

/// Fails when the audit log cannot be opened for appending: a real fence
/// checks it before any agent runs rather than fencing unrecorded.
pub fn check_writable(path: &Path) -> Result<()> {
    AuditLog::open(path).map(drop).with_context(|| {
        format!(
            "cannot write the audit log {}; nothing was fenced: every real fence is recorded, give --log FILE to choose another log",
            path.display()
        )
    })
}

/// Appends one record as a line to the log at `path`.
pub fn append(path: &Path, record: &AuditRecord) -> Result<()> {
    AuditLog::open(path)?.append(record)
}

/// Reads every record (at most [`AUDIT_LOG_CAP`] bytes); lines that are
/// not records (torn writes, invalid UTF-8, other text) are counted and
/// skipped, never fatal.
pub fn read(path: &Path) -> Result<(Vec<AuditRecord>, usize)> {
    let bytes = match crate::sys::fs::read_capped(path, AUDIT_LOG_CAP) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            bail!("{e}: rotate the audit log (logrotate) or read another with --log FILE")
        }
        Err(e) => return Err(e.into()),
    };
    let mut records = Vec::new();
    let mut bad = 0;
    for line in bytes.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice(line) {
            Ok(record) => records.push(record),
            Err(_) => bad += 1,
        }
    }
    Ok((records, bad))
}

/// The actions the steps ran, in order (`off, off, on, on`; `agent
/// default` where none was sent); None when no step ran.
pub fn steps_actions(devices: &[AuditDevice]) -> Option<String> {
    let actions: Vec<&str> = devices
        .iter()
        .map(|d| d.action.as_deref().unwrap_or("agent default"))
        .collect();
    (!actions.is_empty()).then(|| actions.join(", "))
}

/// Who runs fencectl: the user behind sudo (`SUDO_USER`), else the name
/// of the effective uid (its passwd entry), else `uid N`.
pub fn current_user() -> String {
    if let Some(user) = std::env::var("SUDO_USER").ok().filter(|v| !v.is_empty()) {
        return user;
    }
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    user_name(uid).unwrap_or_else(|| format!("uid {uid}"))
}

/// The login name of `uid` from the passwd database.
fn user_name(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: passwd is plain data; getpwuid_r writes into it and into buf,
    // both ours and alive for the call, and sets result to null or to &pwd.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe {
        libc::getpwuid_r(
            uid,
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into buf, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned()).filter(|n| !n.is_empty())
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
    use std::os::unix::fs::MetadataExt;
    use std::time::Duration;

    #[test]
    fn issue9_default_log_dir_planted_by_another_user_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let sandbox = tempfile::tempdir().unwrap();
        let elsewhere = sandbox.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("fence.log"), "precious").unwrap();
        let linked = sandbox.path().join("linked");
        std::os::unix::fs::symlink(&elsewhere, &linked).unwrap();
        let err = AuditLog::open_with(&linked.join("fence.log"), true).unwrap_err();
        assert!(format!("{err:#}").contains("is a symbolic link"), "{err:#}");
        let open = sandbox.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = AuditLog::open_with(&open.join("fence.log"), true).unwrap_err();
        assert!(format!("{err:#}").contains("mode 0777"), "{err:#}");
        let fresh = sandbox.path().join("fresh/fencectl/fence.log");
        let mut log = AuditLog::open_with(&fresh, true).unwrap();
        log.append(&AuditRecord {
            time: "t".into(),
            user: "u".into(),
            node: "n".into(),
            action: "off".into(),
            source: "s".into(),
            result: "success".into(),
            devices: Vec::new(),
        })
        .unwrap();
        let dir_mode = std::fs::metadata(fresh.parent().unwrap()).unwrap().mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        assert_eq!(std::fs::metadata(&fresh).unwrap().mode() & 0o777, 0o600);
        assert_eq!(read(&fresh).unwrap().0.len(), 1);
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("fence.log")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_400_000);
        assert_eq!(rfc3339(t), "2026-11-23T02:13:20Z");
    }
}
