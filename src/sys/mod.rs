//! The system layer: running processes, signals, files and locks. The
//! domain modules call these instead of touching the OS themselves.

pub mod alloc;
pub mod fs;
pub mod process;
pub mod signal;
pub mod text;
