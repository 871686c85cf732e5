//! Configures a device parameter by parameter, as a program would, and
//! tells what is wrong with it, or that it is valid.
//!
//! `cargo run --example validate_device -- fence_dummy type=file status_file=/tmp/s`

use std::process::ExitCode;
use std::time::Duration;

use fencectl::{Agents, Error};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        eprintln!("usage: validate_device AGENT [NAME=VALUE...]");
        return ExitCode::from(64);
    };
    let agents = Agents::load(["/usr/sbin"], Duration::from_secs(10));
    let agent = match agents.get(&name) {
        Ok(agent) => agent,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut device = agent.device();
    for param in args {
        let Some((name, value)) = param.split_once('=') else {
            eprintln!("{param}: not NAME=VALUE");
            return ExitCode::from(64);
        };
        device = match device.set(name, value) {
            Ok(device) => device,
            // Each kind of mistake is its own variant: a program can
            // offer the right fix.
            Err(Error::UnknownParameter { message, .. }) => {
                eprintln!("unknown: {message}");
                return ExitCode::FAILURE;
            }
            Err(Error::DeprecatedParameter { name, replaced_by }) => {
                eprintln!(
                    "{name} is deprecated; use {}",
                    replaced_by.unwrap_or_default()
                );
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
    }
    match device.build() {
        Ok(device) => {
            for warning in device.validation().warnings() {
                println!("warning: {}", warning.message);
            }
            println!("valid: {:?}", device.masked_parameters());
            ExitCode::SUCCESS
        }
        Err(Error::Invalid(validation)) => {
            for error in validation.errors() {
                eprintln!("error: {} ({})", error.message, error.rule);
            }
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
