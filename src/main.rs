//! The `fencectl` binary: parse the command line, run the library, exit.

use std::ffi::{c_char, c_int};
use std::process::ExitCode;

// glibc's malloc for short commands, mimalloc for large documents: chosen
// from the command line before the first allocation (`sys::alloc`).
#[global_allocator]
static ALLOCATOR: fencectl::sys::alloc::Allocator = fencectl::sys::alloc::Allocator;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[used]
#[unsafe(link_section = ".init_array")]
static CHOOSE_ALLOCATOR: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = {
    extern "C" fn choose(argc: c_int, argv: *const *const c_char, _env: *const *const c_char) {
        // SAFETY: glibc passes .init_array functions main's argc and argv.
        unsafe { fencectl::sys::alloc::choose(argc, argv) }
    }
    choose
};

fn main() -> ExitCode {
    // Multi-call: installed as a link called fence_ovh_api, it is that agent.
    if let Some(code) = fencectl::agents::builtin::run_if_invoked_as_agent() {
        return ExitCode::from(code);
    }
    let status = match fencectl::cli::parse() {
        Ok(cli) => fencectl::run(cli),
        Err(status) => status,
    };
    ExitCode::from(status as u8)
}
