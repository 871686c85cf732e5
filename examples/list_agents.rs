//! Lists the installed fence agents with their descriptions.
//!
//! `cargo run --example list_agents [DIR...]` (default: /usr/sbin)

use std::io::Write;
use std::time::Duration;

use fencectl::Agents;

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    let dirs = if dirs.is_empty() {
        vec!["/usr/sbin".to_string()]
    } else {
        dirs
    };
    let agents = Agents::load(dirs, Duration::from_secs(10));
    // Metadata is read in parallel, through fencectl's cache.
    let list = agents.list();
    if list.is_empty() {
        eprintln!("no fence agents found");
        std::process::exit(1);
    }
    let mut out = std::io::stdout().lock();
    for agent in list {
        let line = match &agent.error {
            None => writeln!(out, "{:<24} {}", agent.name, agent.description),
            Some(error) => writeln!(out, "{:<24} (unusable: {error})", agent.name),
        };
        // A reader that stopped reading (`| head`) is not an error.
        if line.is_err() {
            return;
        }
    }
}
