//! The fuzz targets' committed inputs (fuzz/regressions/TARGET: every
//! finding of the campaigns; fuzz/seeds: the seed corpora) fed to the same
//! entry points the targets use, in the normal test run: none may panic,
//! and none may take over a second in a release build (the fuzzer's
//! `-timeout=1`), or five in a debug build, which is several times slower.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fencectl::fuzzing::{Target, TARGETS};

use crate::support::{text, Sandbox};

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
fn replay(name: &str, target: Target, dir: &Path) -> usize {
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

// ---------------------------------------------------------------------------
// The findings, through the real binary.

/// The built-in agent given a time too long for a Duration (`1e300`
/// seconds) or for the deadline arithmetic (`1e19`: power_timeout twice
/// overflows) panicked; it refuses such times now, before any API call.
#[test]
fn issue9_fuzz_agent_refuses_times_over_a_year() {
    let sandbox = Sandbox::new();
    for (name, value) in [
        ("power_timeout", "1e300"),
        ("power_timeout", "1e19"),
        ("delay", "1e19"),
        ("poll_interval", "3.2e7"),
    ] {
        let stdin = format!(
            "action=status\nplug=ns1.ip-1-2-3.eu\nendpoint=http://127.0.0.1:9\n\
             application_key=k\napplication_secret=s\nconsumer_key=c\n{name}={value}\n"
        );
        let out = sandbox
            .cmd()
            .args(["agent", "ovh"])
            .write_stdin(stdin)
            .timeout(Duration::from_secs(30))
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}={value}: {stderr}");
        assert!(
            stderr.contains(&format!("{name}={value} is more than a year")),
            "{name}={value}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A cluster.conf that starts with a UTF-8 byte order mark: the XML
/// reader's element offsets were 3 bytes short, so `--update` refused it
/// ("config_version attribute") or would have edited the wrong bytes.
#[test]
fn issue9_fuzz_update_keeps_a_cluster_conf_with_a_byte_order_mark() {
    let sandbox = Sandbox::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut original = b"\xEF\xBB\xBF".to_vec();
    original.extend(std::fs::read(examples.join("proxmox-ovh-api.cluster.conf")).unwrap());
    let conf = sandbox.file("cluster.conf", &original);
    let out_path = sandbox.path().join("out.conf");
    let out = sandbox
        .cmd()
        .args(["generate", "cluster-conf"])
        .arg(examples.join("proxmox-ovh-api.toml"))
        .arg("--update")
        .arg(&conf)
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let updated = std::fs::read(&out_path).unwrap();
    assert!(
        updated.starts_with(b"\xEF\xBB\xBF<?xml"),
        "{}",
        text(&updated)
    );
    let updated = text(&updated);
    assert!(
        updated.contains("<cluster config_version=\"47\""),
        "{updated}"
    );
    fencectl::xml::parse(updated.as_bytes()).expect("the update is well-formed");
    // Only the fencing sections changed: the comment at the top is intact.
    let comment_end = text(&original).find("-->").unwrap();
    assert_eq!(updated[..comment_end], text(&original)[..comment_end]);
}

/// A long pcmk_host_map (20,000 entries, 170 KB: the pacemaker_params
/// target took a minute on it): reading it, as `fence` and `check` do,
/// compared every entry with every later one for duplicates.
#[test]
fn issue9_fuzz_a_long_host_map_reads_in_linear_time() {
    let map: Vec<String> = (0..20_000).map(|i| format!("node{i}:plug{i}")).collect();
    let mut map = map.join(";");
    map.push_str(";NODE7:again");
    let started = Instant::now();
    fencectl::fuzzing::pacemaker_params(map.as_bytes());
    let took = started.elapsed();
    assert!(took < limit(), "took {took:?}");
    let (read, problems) = fencectl::pacemaker::hosts::HostMap::read(&map);
    assert_eq!(read.get("node7"), Some("again"));
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A tag with 40,000 attributes (400 KB; the xml target took 9 s on half as many):
/// quick-xml's check for repeated attributes compared each attribute with
/// every earlier one. Repeated attributes are still refused.
#[test]
fn issue9_fuzz_a_tag_with_many_attributes_parses_in_linear_time() {
    let attrs: Vec<String> = (0..40_000).map(|i| format!("a{i}=\"{i}\"")).collect();
    let doc = format!("<a {}/>", attrs.join(" "));
    let started = Instant::now();
    let root = fencectl::xml::parse(doc.as_bytes()).expect("parses");
    let took = started.elapsed();
    assert!(took < limit(), "took {took:?}");
    assert_eq!(root.attr("a39999"), Some("39999"));
    let repeated = format!("<a {} a7=\"again\"/>", attrs.join(" "));
    let err = fencectl::xml::parse(repeated.as_bytes()).unwrap_err();
    assert!(err.message.contains("a7 is given twice"), "{err}");
    assert!(fencectl::xml::parse(b"<a x='1' x='2'/>").is_err());
}

/// An inventory device with a parameter called `name` (or `agent`): with
/// --no-metadata, `generate cluster-conf` wrote `<fencedevice name="d1"
/// agent=... name="x"/>`, which no XML reader (nor cman) loads.
#[test]
fn issue9_fuzz_generate_refuses_a_parameter_called_name() {
    let sandbox = Sandbox::new();
    let inventory = sandbox.file(
        "cluster.toml",
        b"[cluster]\nname = \"c\"\n[[node]]\nname = \"n1\"\n[[device]]\nid = \"d1\"\n\
          agent = \"fence_ipmilan\"\nparams = { ip = \"10.0.0.1\", name = \"x\", agent = \"y\" }\n\
          hosts = [\"n1\"]\n",
    );
    for kind in ["cluster-conf", "cib"] {
        let out = sandbox
            .cmd()
            .args(["generate", kind, "--no-metadata"])
            .arg(&inventory)
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{kind}: {stderr}");
        assert!(out.stdout.is_empty(), "{kind}: {}", text(&out.stdout));
        for name in ["name", "agent"] {
            assert!(
                stderr.contains(&format!("device d1: a parameter cannot be called {name}")),
                "{kind}: {stderr}"
            );
        }
    }
}
