//! Link-time settings for the fencectl binary.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os == "linux" && target_env == "gnu" {
        // Compact relative relocations (DT_RELR): the dynamic loader applies
        // fencectl's ~22,000 relocations from a 7 KiB table instead of a
        // 540 KiB one (some 8% of a warm `list-installed`). GNU ld 2.38+ and
        // lld write them, with a dependency on glibc 2.36+ (Debian 12 has
        // 2.36); older GNU ld ignores the option with a warning.
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    hot_code_together();
    println!("cargo:rerun-if-changed=build.rs");
}

/// The functions of the short, frequent commands (linker/hot-symbols.txt,
/// written by scripts/hot-symbols.py) go next to each other, so that a
/// warm `list-installed` maps its code in 6 page faults instead of 60.
/// Only lld reads a symbol ordering file: the option is given when a test
/// link with it succeeds, with this build's linker and flags; names the
/// binary lacks are skipped without a warning.
fn hot_code_together() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let list = manifest.join("linker/hot-symbols.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    if !list.is_file() || std::env::var_os("FENCECTL_NO_SYMBOL_ORDER").is_some() {
        return;
    }
    println!("cargo:rerun-if-env-changed=FENCECTL_NO_SYMBOL_ORDER");
    let args = [
        format!("-Wl,--symbol-ordering-file={}", list.display()),
        "-Wl,--no-warn-symbol-ordering".to_string(),
    ];
    if links_with(&args) {
        for arg in args {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// Whether rustc links a trivial binary for this target with `link_args`
/// added, using the linker and RUSTFLAGS of this build.
fn links_with(link_args: &[String]) -> bool {
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return false;
    };
    let source = out_dir.join("link_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let mut probe = Command::new(rustc);
    probe
        .arg("--crate-type=bin")
        .arg("--crate-name=link_probe")
        .arg("-o")
        .arg(out_dir.join("link_probe"))
        .arg(&source);
    if let Ok(target) = std::env::var("TARGET") {
        probe.arg("--target").arg(target);
    }
    if let Some(linker) = std::env::var_os("RUSTC_LINKER") {
        let mut arg = std::ffi::OsString::from("linker=");
        arg.push(linker);
        probe.arg("-C").arg(arg);
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    probe.args(flags.split('\x1f').filter(|flag| !flag.is_empty()));
    for arg in link_args {
        probe.arg("-C").arg(format!("link-arg={arg}"));
    }
    probe
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}
