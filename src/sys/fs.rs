//! Files: capped reads, atomic writes, and directories and files that a
//! hostile local user cannot turn against root.
//!
//! - Every file fencectl reads goes through a cap ([`read_capped`]): the
//!   size `stat` gives is not trusted (it is 0 for /dev/zero, pipes and
//!   /proc), so `--config /dev/zero` fails at the cap instead of filling
//!   the memory.
//! - Every file fencectl writes whole goes through [`write_atomic`]: a
//!   temporary file beside the target and a rename, the target of a
//!   symlink replaced rather than the link, the old mode and owner kept.
//! - fencectl's own directories (device locks, the default audit log) are
//!   [`PrivateDir`]s: created 0700, refused when another user could have
//!   made them first (a symlink, another owner, writable by others), and
//!   the files in them are opened with `O_NOFOLLOW` and never truncated.

use std::ffi::{CString, OsStr};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The most fencectl reads of a configuration file: a cluster.conf, a CIB,
/// an inventory, a `--params-file`, an ovh.conf (the XML reader's cap).
pub const CONFIG_CAP: u64 = crate::xml::MAX_XML_BYTES as u64;

/// The most `history` reads of an audit log: 64 MiB is some 100,000
/// fencing runs; a larger log is rotated (logrotate) or read with `--log`.
pub const AUDIT_LOG_CAP: u64 = 64 << 20;

/// The most read of a file holding one value (`@FILE`, a password file, a
/// secret file): agents read their arguments as lines of stdin.
pub const VALUE_CAP: u64 = 1 << 20;

/// A byte count as people read it: "16 MiB", "512 KiB", "100 bytes".
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            n if n >= 1 << 20 && n % (1 << 20) == 0 => write!(f, "{} MiB", n >> 20),
            n if n >= 1 << 10 && n % (1 << 10) == 0 => write!(f, "{} KiB", n >> 10),
            n => write!(f, "{n} bytes"),
        }
    }
}

/// Reads all of `path`, failing when it holds more than `cap` bytes (the
/// error names the file and the cap).
pub fn read_capped(path: impl AsRef<Path>, cap: u64) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    let file = fs_err::File::open(path)?;
    read_capped_from(file, cap, &path.display().to_string())
}

/// [`read_capped`] as text; bytes that are not UTF-8 are an error naming
/// the file.
pub fn read_string_capped(path: impl AsRef<Path>, cap: u64) -> io::Result<String> {
    let path = path.as_ref();
    let bytes = read_capped(path, cap)?;
    utf8(bytes, &path.display().to_string())
}

/// Reads all of `reader` (standard input, a pipe), at most `cap` bytes;
/// `name` says what it is in the error.
pub fn read_capped_from(reader: impl Read, cap: u64, name: &str) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "{name} is larger than {}, the most fencectl reads of it",
                Size(cap)
            ),
        ));
    }
    Ok(bytes)
}

/// [`read_capped_from`] as text.
pub fn read_string_capped_from(reader: impl Read, cap: u64, name: &str) -> io::Result<String> {
    utf8(read_capped_from(reader, cap, name)?, name)
}

fn utf8(bytes: Vec<u8>, name: &str) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{name} is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// The effective user id.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .with_context(|| format!("{} holds a NUL byte", path.display()))
}

/// `open(2)` (or `openat(2)` relative to `dir`) with `O_CLOEXEC` added.
fn open_raw(dir: Option<&File>, path: &Path, flags: i32, mode: u32) -> io::Result<File> {
    let c = c_path(path).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    let flags = flags | libc::O_CLOEXEC;
    // SAFETY: `c` is a NUL-terminated path that outlives the call; `dir`,
    // when given, is an open descriptor we own.
    let fd = unsafe {
        match dir {
            Some(dir) => libc::openat(dir.as_raw_fd(), c.as_ptr(), flags, mode as libc::c_uint),
            None => libc::open(c.as_ptr(), flags, mode as libc::c_uint),
        }
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Flags for a file fencectl appends to (the audit log): never through a
/// symlink, never truncated, created 0600; `O_NONBLOCK` so that a FIFO
/// planted in its place fails instead of blocking.
const APPEND_FLAGS: i32 =
    libc::O_WRONLY | libc::O_APPEND | libc::O_CREAT | libc::O_NOFOLLOW | libc::O_NONBLOCK;

/// Opens `path` to append to it: see [`PrivateDir::open_append`]. For a
/// file whose directory the user chose (`--log FILE`): the last component
/// must not be a symlink and must be a regular file.
pub fn open_append(path: &Path) -> Result<File> {
    let file = open_raw(None, path, APPEND_FLAGS, 0o600).map_err(|e| refused_open(path, e))?;
    check_regular(&file, path, false)?;
    Ok(file)
}

fn refused_open(path: &Path, error: io::Error) -> anyhow::Error {
    if error.raw_os_error() == Some(libc::ELOOP) {
        anyhow::anyhow!(
            "{} is a symbolic link: fencectl does not write through one (another user may have planted it); remove it: rm {}",
            path.display(),
            path.display()
        )
    } else {
        anyhow::Error::new(error).context(format!("cannot open {}", path.display()))
    }
}

/// A regular file (and, when `ours`, owned by this user), else an error.
fn check_regular(file: &File, path: &Path, ours: bool) -> Result<()> {
    let meta = file
        .metadata()
        .with_context(|| format!("cannot stat {}", path.display()))?;
    if !meta.file_type().is_file() {
        bail!(
            "{} is not a regular file; remove it: rm {}",
            path.display(),
            path.display()
        );
    }
    if ours && meta.uid() != euid() {
        bail!(
            "{} is owned by uid {}, not by uid {} (this user): another user may have planted it; remove it: rm {}",
            path.display(),
            meta.uid(),
            euid(),
            path.display()
        );
    }
    Ok(())
}

/// A directory only this user can write in (fencectl's lock directory, its
/// default log directory), open so that the files in it are reached
/// through it and not through a path someone could swap.
#[derive(Debug)]
pub struct PrivateDir {
    dir: File,
    path: PathBuf,
}

impl PrivateDir {
    /// Opens `path`, creating it mode 0700 (and missing parents) when it is
    /// absent. Refuses a symlink, a directory owned by another user, and
    /// one that group or others may write in: under world-writable
    /// /run/lock anyone could have made it first and planted links in it.
    /// `what` names the directory in errors ("lock", "audit log").
    pub fn open(path: &Path, what: &str) -> Result<PrivateDir> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs_err::create_dir_all(parent)
                .with_context(|| format!("cannot create the {what} directory"))?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot create the {what} directory {}", path.display())
                })
            }
        }
        let refuse = |why: String| {
            anyhow::anyhow!(
                "refusing the {what} directory {}: {why}; another user may have made it to turn fencectl's files against root. \
                 Remove it (rm -r {}) and run again: fencectl creates it mode 0700",
                path.display(),
                path.display()
            )
        };
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(refuse("it is a symbolic link".into()));
        }
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW;
        let dir = match open_raw(None, path, flags, 0) {
            Ok(dir) => dir,
            Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
                return Err(refuse("it is not a directory".into()))
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot open the {what} directory {}", path.display())
                })
            }
        };
        let meta = dir
            .metadata()
            .with_context(|| format!("cannot stat {}", path.display()))?;
        if meta.uid() != euid() {
            return Err(refuse(format!(
                "it is owned by uid {}, not by uid {} (this user)",
                meta.uid(),
                euid()
            )));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(refuse(format!(
                "group or others may write in it (mode {:04o})",
                meta.mode() & 0o7777
            )));
        }
        Ok(PrivateDir {
            dir,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens (creating, mode 0600) the lock file `name` for flock: never
    /// through a symlink, never truncated, and only a regular file owned by
    /// this user.
    pub fn open_lock_file(&self, name: &str) -> Result<File> {
        let path = self.path.join(name);
        let flags = libc::O_RDWR | libc::O_CREAT | libc::O_NOFOLLOW | libc::O_NONBLOCK;
        let file = open_raw(Some(&self.dir), Path::new(name), flags, 0o600)
            .map_err(|e| refused_open(&path, e))?;
        check_regular(&file, &path, true)?;
        Ok(file)
    }

    /// Opens (creating, mode 0600) `name` to append to it: never through a
    /// symlink, never truncated, and only a regular file owned by this user.
    pub fn open_append(&self, name: &OsStr) -> Result<File> {
        let path = self.path.join(name);
        let file = open_raw(Some(&self.dir), Path::new(name), APPEND_FLAGS, 0o600)
            .map_err(|e| refused_open(&path, e))?;
        check_regular(&file, &path, true)?;
        Ok(file)
    }
}

/// The mode [`write_atomic`] gives the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// The mode (and owner) of the file replaced; this one for a new file.
    KeepOr(u32),
    /// Always this one (a file that must stay private: ovh.conf, caches).
    Exactly(u32),
}

/// What [`write_atomic`] did.
#[derive(Debug, Clone)]
pub struct Written {
    /// The file written: the symlink's target when the path given was one.
    pub path: PathBuf,
    /// Its permission bits now.
    pub mode: u32,
    /// Whether a file was there before.
    pub replaced: bool,
    /// What could not be kept (Proxmox's pmxcfs refuses chmod and chown).
    pub notes: Vec<String>,
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so that readers never see half a file. When `path` is a
/// symlink (Proxmox: /etc/cluster/cluster.conf -> /etc/pve/cluster.conf)
/// its target is replaced and the link kept. The file replaced keeps its
/// owner, and its mode as `mode` says, where the filesystem allows (else
/// a note says so).
/// Refuses to replace what is at `path` (a file, a link, even a dangling
/// one) unless `force`: nothing the user had is overwritten by surprise.
pub fn refuse_existing(path: &Path, force: bool) -> Result<()> {
    if !force && std::fs::symlink_metadata(path).is_ok() {
        anyhow::bail!(
            "{} already exists: add --force to replace it",
            path.display()
        );
    }
    Ok(())
}

pub fn write_atomic(path: &Path, bytes: &[u8], mode: FileMode) -> Result<Written> {
    let target = resolve_links(path)?;
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let old = match std::fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => bail!("{} is a directory", target.display()),
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot stat {}", target.display())),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Created O_EXCL and mode 0600: nobody else can read or swap it.
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(bytes)
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    let mut notes = Vec::new();
    let file = temp.as_file();
    if let Some(old) = &old {
        // chown first: it may clear set-id bits that chmod then restores.
        let mine = file.metadata()?;
        if (old.uid(), old.gid()) != (mine.uid(), mine.gid()) {
            // SAFETY: fchown on a descriptor we own.
            if unsafe { libc::fchown(file.as_raw_fd(), old.uid(), old.gid()) } != 0 {
                notes.push(format!(
                    "could not keep the owner {}:{} of {} ({})",
                    old.uid(),
                    old.gid(),
                    target.display(),
                    io::Error::last_os_error()
                ));
            }
        }
    }
    let wanted = match (mode, &old) {
        (FileMode::KeepOr(_), Some(old)) => old.mode() & 0o7777,
        (FileMode::KeepOr(mode) | FileMode::Exactly(mode), _) => mode,
    };
    if file.metadata()?.mode() & 0o7777 != wanted {
        // SAFETY: fchmod on a descriptor we own.
        if unsafe { libc::fchmod(file.as_raw_fd(), wanted as libc::mode_t) } != 0 {
            notes.push(format!(
                "could not set mode {wanted:04o} on {} ({}); the filesystem decides it",
                target.display(),
                io::Error::last_os_error()
            ));
        }
    }
    file.sync_all()
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    let mode = file.metadata()?.mode() & 0o7777;
    temp.persist(&target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    // The rename is durable once the directory is; best effort.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(Written {
        path: target,
        mode,
        replaced: old.is_some(),
        notes,
    })
}

/// Follows `path` while it is a symlink. A link in a sticky world-writable
/// directory (/tmp) that neither this user nor the directory's owner made
/// is refused, as the kernel's fs.protected_symlinks does.
pub fn resolve_links(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => meta,
            _ => return Ok(current),
        };
        let parent = match current.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(dir) = std::fs::metadata(&parent) {
            let shared = dir.mode() & 0o1002 == 0o1002;
            if shared && meta.uid() != euid() && meta.uid() != dir.uid() {
                bail!(
                    "refusing to write through the symbolic link {}: it belongs to uid {} in the world-writable directory {}",
                    current.display(),
                    meta.uid(),
                    parent.display()
                );
            }
        }
        let target = fs_err::read_link(&current)?;
        current = parent.join(target);
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// Saves `bytes` (a file's previous version) beside `path` as a new file,
/// mode 0600, named `<name>.<tag>.bak` (`<name>.bak` without a tag), or
/// with `.1`, `.2`... added when that name is taken: an older backup is
/// never overwritten. Returns the backup's path.
pub fn write_backup(path: &Path, tag: Option<&str>, bytes: &[u8]) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = match tag {
        Some(tag) => format!("{name}.{tag}.bak"),
        None => format!("{name}.bak"),
    };
    for n in 0..1000 {
        let candidate = if n == 0 {
            path.with_file_name(&base)
        } else {
            path.with_file_name(format!("{base}.{n}"))
        };
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&candidate);
        match opened {
            Ok(mut file) => {
                file.write_all(bytes)
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("cannot write the backup {}", candidate.display()))?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot create the backup {}", candidate.display()))
            }
        }
    }
    bail!("no free backup name beside {}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(Size(16 << 20).to_string(), "16 MiB");
        assert_eq!(Size(512 << 10).to_string(), "512 KiB");
        assert_eq!(Size(100).to_string(), "100 bytes");
    }

    #[test]
    fn issue9_reads_stop_at_the_cap() {
        let zero = read_capped(Path::new("/dev/zero"), 1000).unwrap_err();
        assert_eq!(zero.kind(), io::ErrorKind::FileTooLarge);
        assert!(zero
            .to_string()
            .contains("/dev/zero is larger than 1000 bytes"));
        let exact = read_capped_from(&b"abcd"[..], 4, "input").unwrap();
        assert_eq!(exact, b"abcd");
        assert!(read_capped_from(&b"abcde"[..], 4, "input").is_err());
        let bad = read_string_capped_from(&b"ok\xff"[..], 10, "input").unwrap_err();
        assert!(bad
            .to_string()
            .contains("not UTF-8 text (invalid byte at offset 2)"));
    }

    #[test]
    fn issue9_atomic_write_follows_links_and_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.conf");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.conf");
        std::os::unix::fs::symlink("real.conf", &link).unwrap();
        let written = write_atomic(&link, b"new", FileMode::KeepOr(0o600)).unwrap();
        assert_eq!(written.path, dir.path().join("real.conf"));
        assert_eq!(written.mode, 0o640);
        assert!(written.replaced);
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let fresh = write_atomic(&dir.path().join("fresh"), b"x", FileMode::KeepOr(0o600)).unwrap();
        assert_eq!(fresh.mode, 0o600);
        assert!(!fresh.replaced);
        let private = write_atomic(&link, b"newer", FileMode::Exactly(0o600)).unwrap();
        assert_eq!(private.mode, 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn issue9_a_planted_link_in_a_shared_directory_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("out.xml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        // Planted by another user (the tests run as root, who can chown).
        std::os::unix::fs::lchown(&link, Some(65534), Some(65534)).unwrap();
        let err = write_atomic(&link, b"new", FileMode::KeepOr(0o600)).unwrap_err();
        assert!(err.to_string().contains("belongs to uid 65534"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn issue9_backups_never_overwrite_an_older_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cluster.conf");
        let first = write_backup(&file, Some("45"), b"one").unwrap();
        let second = write_backup(&file, Some("45"), b"two").unwrap();
        assert_eq!(first, dir.path().join("cluster.conf.45.bak"));
        assert_eq!(second, dir.path().join("cluster.conf.45.bak.1"));
        assert_eq!(std::fs::read(&first).unwrap(), b"one");
    }
}
