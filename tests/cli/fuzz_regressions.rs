//! The fuzz targets' committed inputs (fuzz/regressions/TARGET: every
//! finding of the campaigns; fuzz/seeds: the seed corpora) fed to the same
//! entry points the targets use, in the normal test run: none may panic,
//! and none may take over a second in a release build (the fuzzer's
//! `-timeout=1`), or five in a debug build, which is several times slower.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fencectl::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The input files of `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn limit() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(5)
    } else {
        Duration::from_secs(1)
    }
}

/// Runs every file of `dir` through `target`; returns how many ran.
fn replay(name: &str, target: fn(&[u8]), dir: &Path) -> usize {
    let files = inputs(dir);
    for file in &files {
        let data = std::fs::read(file).expect("a readable input");
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| target(&data)));
        let took = started.elapsed();
        assert!(
            outcome.is_ok(),
            "fuzz target {name} panics on {}",
            file.display()
        );
        assert!(
            took < limit(),
            "fuzz target {name} took {took:?} on {}",
            file.display()
        );
    }
    files.len()
}

#[test]
fn issue9_fuzz_regression_inputs_pass() {
    let mut ran = 0;
    for (name, target) in TARGETS {
        ran += replay(name, *target, &fuzz_dir().join("regressions").join(name));
    }
    // Every finding so far left an input behind.
    assert!(ran > 0, "no regression inputs under fuzz/regressions");
}

#[test]
fn issue9_fuzz_seed_corpora_pass() {
    for (name, target) in TARGETS {
        let ran = replay(name, *target, &fuzz_dir().join("seeds").join(name));
        assert!(ran > 0 || *name == "xml", "no seeds for fuzz target {name}");
    }
}

/// Every target in fuzz/fuzz_targets has its entry in `fuzzing::TARGETS`
/// (so its regression inputs run here), and the other way round.
#[test]
fn issue9_fuzz_targets_are_all_replayed() {
    let mut files: Vec<String> = inputs(&fuzz_dir().join("fuzz_targets"))
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    files.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    names.sort();
    assert_eq!(files, names);
}
