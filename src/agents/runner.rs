//! Running a fence agent: the system layer's process runner
//! ([`crate::sys::process`]) under the name the agent code knows, and the
//! signal check ([`crate::sys::signal::interrupted`]).

pub use crate::sys::process::{
    run, AgentRun, Echo, Ending, Invocation, Leftover, DEFAULT_OUTPUT_CAP,
};
pub use crate::sys::signal::interrupted;
