//! The committed completions/ and man/ must match the CLI. Regenerate with
//! `FENCECTL_BLESS=1 cargo test --test cli assets`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::Sandbox;

/// The files in `subdirs` of `root`, by path relative to `root`.
fn files_under(root: &Path, subdirs: &[&str]) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for sub in subdirs {
        let Ok(entries) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = Path::new(sub).join(entry.file_name());
            files.insert(relative, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// What `generate-assets` writes into `subdirs` (fresh, in a temporary
/// directory) and what the repository has there. With `FENCECTL_BLESS`
/// set, the repository's copies are replaced by the fresh ones first.
pub(crate) fn generated_and_committed(
    subdirs: &[&str],
) -> (BTreeMap<PathBuf, Vec<u8>>, BTreeMap<PathBuf, Vec<u8>>) {
    let sandbox = Sandbox::new();
    let out = sandbox.path().join("assets");
    sandbox
        .cmd()
        .args(["generate-assets", "--dir"])
        .arg(&out)
        .assert()
        .success();
    let fresh = files_under(&out, subdirs);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("FENCECTL_BLESS").is_some() {
        for sub in subdirs {
            let _ = std::fs::remove_dir_all(repo.join(sub));
            std::fs::create_dir_all(repo.join(sub)).unwrap();
        }
        for (path, bytes) in &fresh {
            std::fs::write(repo.join(path), bytes).unwrap();
        }
    }
    (fresh, files_under(repo, subdirs))
}

#[test]
fn completions_and_man_pages_are_current() {
    let (fresh, committed) = generated_and_committed(&["completions", "man"]);
    assert!(fresh.keys().any(|p| p.ends_with("fencectl.1")));
    assert!(fresh.keys().any(|p| p.ends_with("fencectl.bash")));
    assert!(
        fresh == committed,
        "completions/ or man/ are stale: run `FENCECTL_BLESS=1 cargo test --test cli assets` and commit them"
    );
}

#[test]
fn man_page_documents_exit_codes() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/fencectl.1"))
            .unwrap();
    assert!(page.contains("EXIT STATUS"));
    assert!(page.contains("usage error"));
}

#[test]
fn usage_errors_exit_64_and_help_exits_0() {
    let sandbox = Sandbox::new();
    let out = sandbox.cmd().arg("--no-such-flag").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let out = sandbox.cmd().arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    sandbox.cmd().arg("--help").assert().success();
    sandbox.cmd().arg("--version").assert().success();
    let out = sandbox
        .cmd()
        .args(["list-installed", "--agent-timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
}
