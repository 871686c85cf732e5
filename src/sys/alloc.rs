//! The binary's memory allocator: glibc's malloc for short commands,
//! mimalloc for the commands that read or build large documents.
//!
//! Each allocator wins at one end. `list-installed` or a completion lives
//! for about 3 ms, and there mimalloc's start-up (a fresh page for each
//! size class it serves) is some 130 of the process's 400 page faults, a
//! tenth of its run time. A 10,000-node inventory or CIB is many small
//! allocations, and there glibc's malloc takes twice mimalloc's time
//! (`scripts/bench_generate.py`).
//!
//! The choice is made once, from the command line, before the first
//! allocation, and never changes: every block is freed by the allocator
//! that made it. The binary calls [`choose`] from the C runtime's start-up
//! (an `.init_array` entry in `main.rs`, run before `main`); a process
//! that allocates before that, or never calls it, uses glibc's malloc.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_char, c_int, CStr};
use std::sync::atomic::{AtomicU8, Ordering};

use mimalloc::MiMalloc;

/// The global allocator of the fencectl binary (`#[global_allocator]` in
/// `main.rs`).
pub struct Allocator;

const UNDECIDED: u8 = 0;
const SYSTEM: u8 = 1;
const MIMALLOC: u8 = 2;

static CHOICE: AtomicU8 = AtomicU8::new(UNDECIDED);

/// The subcommands that may read or write documents of any size
/// (inventories, CIBs, cluster.conf files, the audit log). Anything else
/// (listing agents, metadata, one agent run, completion, help) is short.
const LARGE: &[&[u8]] = &[
    b"generate",
    b"convert",
    b"check",
    b"validate",
    b"fence",
    b"status",
    b"graph",
    b"history",
];

/// Whether a command line (without the program name) names a subcommand
/// of [`LARGE`]. A word that is an option's value can match too; that
/// only changes which allocator serves the process. Completion (the
/// hidden `__complete`, whose arguments are the line being typed) is short
/// whatever the line holds.
pub fn wants_mimalloc<'a>(args: impl IntoIterator<Item = &'a [u8]>) -> bool {
    let mut large = false;
    for arg in args {
        if arg == b"__complete" {
            return false;
        }
        large |= LARGE.contains(&arg);
    }
    large
}

/// Chooses the allocator from the C runtime's `argc` and `argv`, unless an
/// allocation has already chosen glibc's.
///
/// # Safety
///
/// `argv` holds `argc` pointers to NUL-terminated strings, as the C
/// runtime passes them to `.init_array` functions (glibc does).
pub unsafe fn choose(argc: c_int, argv: *const *const c_char) {
    if argv.is_null() {
        return;
    }
    let count = usize::try_from(argc).unwrap_or(0);
    // SAFETY: the caller promises `count` valid C strings at `argv`.
    let args = (1..count).map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes());
    let choice = if wants_mimalloc(args) {
        MIMALLOC
    } else {
        SYSTEM
    };
    let _ = CHOICE.compare_exchange(UNDECIDED, choice, Ordering::Relaxed, Ordering::Relaxed);
}

/// The allocator of this process; the first call without a choice fixes
/// glibc's.
fn mimalloc() -> bool {
    match CHOICE.load(Ordering::Relaxed) {
        UNDECIDED => {
            let _ =
                CHOICE.compare_exchange(UNDECIDED, SYSTEM, Ordering::Relaxed, Ordering::Relaxed);
            CHOICE.load(Ordering::Relaxed) == MIMALLOC
        }
        choice => choice == MIMALLOC,
    }
}

// SAFETY: the choice never changes once an allocation has been made, so
// every block is freed and grown by the allocator that made it, and both
// uphold GlobalAlloc's contract.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is passed on unchanged.
        unsafe {
            if mimalloc() {
                MiMalloc.alloc(layout)
            } else {
                System.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for alloc.
        unsafe {
            if mimalloc() {
                MiMalloc.alloc_zeroed(layout)
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for alloc; the block came from the same allocator.
        unsafe {
            if mimalloc() {
                MiMalloc.dealloc(ptr, layout)
            } else {
                System.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for dealloc.
        unsafe {
            if mimalloc() {
                MiMalloc.realloc(ptr, layout, new_size)
            } else {
                System.realloc(ptr, layout, new_size)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<&[u8]> {
        line.split_whitespace().map(str::as_bytes).collect()
    }

    #[test]
    fn commands_of_large_documents_take_mimalloc() {
        for line in [
            "generate cib inventory.toml",
            "-q generate cluster-conf big.toml -o out.conf",
            "--config cluster.conf check --offline",
            "convert cluster-conf-to-cib cluster.conf",
            "fence node2 --dry-run",
            "validate --config cluster.conf",
            "status",
            "history node2",
            "graph -T svg",
        ] {
            assert!(wants_mimalloc(words(line)), "{line}");
        }
        for line in [
            "",
            "list-installed",
            "list-installed ipmi --format json",
            "metadata -a fence_ipmilan",
            "run -a fence_dummy --action monitor",
            "__complete bash -- fencectl metadata -a fence_",
            "__complete bash 4 -- fencectl validate -a fence_ipmilan ''",
            "--version",
            "ovh-keys create",
            // Only whole words count.
            "list-installed generated",
        ] {
            assert!(!wants_mimalloc(words(line)), "{line}");
        }
    }

    #[test]
    fn every_large_command_is_a_subcommand() {
        let tree = crate::cli::command();
        for name in LARGE {
            let name = std::str::from_utf8(name).unwrap();
            assert!(
                tree.find_subcommand(name).is_some(),
                "{name} is not a fencectl subcommand"
            );
        }
    }

    #[test]
    fn choose_reads_argv_as_the_c_runtime_passes_it() {
        // The test harness has allocated already, so the process's own
        // choice is made; `choose` must leave it as it is.
        let before = mimalloc();
        let args = [c"fencectl".as_ptr(), c"generate".as_ptr(), std::ptr::null()];
        // SAFETY: two valid C strings, as argc says.
        unsafe { choose(2, args.as_ptr()) };
        assert_eq!(mimalloc(), before);
        // SAFETY: a null argv is ignored.
        unsafe { choose(0, std::ptr::null()) };
        assert_eq!(mimalloc(), before);
    }
}
