//! One fencing action per device at a time (Pacemaker's default
//! pcmk_action_limit of 1): fencectl processes that use the same device
//! take turns through a lock file.
//!
//! The lock directory is private (0700, ours, not a symlink): under
//! world-writable /run/lock another user could otherwise create it first
//! and plant symlinks that root's next `fence` would open.

use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::sys::fs::PrivateDir;

/// Held while a device runs; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct DeviceLock {
    _file: File,
}

/// Where lock files live: /run/lock/fencectl for root, else the runtime dir.
pub fn lock_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FENCECTL_LOCK_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    if uid == 0 {
        return PathBuf::from("/run/lock/fencectl");
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("fencectl"),
        None => std::env::temp_dir().join(format!("fencectl-{uid}")),
    }
}

/// Takes the lock for `key`, calling `waiting` once if another process
/// holds it, and giving up at `deadline` or when `stopped` says so.
pub fn lock_device(
    key: &str,
    deadline: Instant,
    stopped: impl Fn() -> bool,
    waiting: impl FnOnce(),
) -> Result<DeviceLock> {
    let dir = PrivateDir::open(&lock_dir(), "lock")?;
    let name = format!("{:016x}.lock", crate::agents::cache::fnv1a(key.as_bytes()));
    let path = dir.path().join(&name);
    let file = dir
        .open_lock_file(&name)
        .context("cannot open the device lock")?;
    let mut waiting = Some(waiting);
    loop {
        // SAFETY: flock(2) on a descriptor we own.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(DeviceLock { _file: file });
        }
        if let Some(waiting) = waiting.take() {
            waiting();
        }
        if stopped() {
            bail!("interrupted while waiting for the device lock");
        }
        if Instant::now() >= deadline {
            bail!(
                "another fencectl kept the device busy until the timeout ({})",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
