//! `fencectl status`: the fencer's devices, levels and last events.

use anyhow::Result;

use crate::fencing::cluster::describe_event;
use crate::output::{Cell, Printer};
use crate::pacemaker::fencer_state::FencerState;

/// Devices, levels, the last event per node, pending or failed actions.
pub fn show(state: &FencerState, printer: &Printer) -> Result<()> {
    let mut devices = printer.table(&["DEVICE", "AGENT", "REGISTERED", "TARGETS"]);
    devices.wrap(3);
    for device in &state.devices {
        devices.add_row(vec![
            Cell::new(crate::output::cell_text(&device.id)),
            Cell::new(crate::output::cell_text(
                device.agent.as_deref().unwrap_or("-"),
            )),
            if device.registered {
                Cell::new("yes")
            } else {
                printer.problem_cell("no")
            },
            Cell::new(if device.targets.is_empty() {
                "(asks the device)".to_string()
            } else {
                crate::output::cell_text(&device.targets.join(", "))
            }),
        ]);
    }
    printer.out("Devices:")?;
    printer.print_table(&devices)?;
    if !state.levels.is_empty() {
        let mut levels = printer.table(&["TARGET", "LEVEL", "DEVICES"]);
        levels.wrap(2);
        for level in &state.levels {
            levels.add_row(vec![
                Cell::new(crate::output::cell_text(&level.target)),
                Cell::new(level.index),
                Cell::new(crate::output::cell_text(&level.devices.join(","))),
            ]);
        }
        printer.out("\nLevels:")?;
        printer.print_table(&levels)?;
    }
    printer.out("\nLast fencing event per node:")?;
    if state.last_events.is_empty() {
        printer.out("  none")?;
    }
    for event in &state.last_events {
        printer.out(&format!("  {}", describe_event(event)))?;
    }
    if !state.pending_or_failed.is_empty() {
        printer.out("\nPending or failed actions:")?;
        for event in &state.pending_or_failed {
            printer.out(&format!("  {}", describe_event(event)))?;
        }
    }
    Ok(())
}
