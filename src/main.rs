//! The `fencectl` binary: parse the command line, run the library, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    let status = match fencectl::cli::parse() {
        Ok(cli) => fencectl::run(cli),
        Err(status) => status,
    };
    ExitCode::from(status as u8)
}
