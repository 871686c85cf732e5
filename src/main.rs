//! The `fencectl` binary: parse the command line, run the library, exit.

use std::process::ExitCode;

// Large inventories and CIBs are many small allocations: mimalloc keeps
// their cost flat where glibc's malloc slows down as the heap grows.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
