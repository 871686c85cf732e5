//! Fence agents: finding them, running them, reading and checking their
//! metadata, and checking a device's parameters against it.

pub mod builtin;
pub mod cache;
pub mod catalog;
pub mod check;
pub mod discovery;
pub mod finding;
pub mod lookup;
pub mod metadata;
pub mod params;
pub mod renames;
pub mod runner;

pub use catalog::Catalog;
pub use discovery::{FoundAgent, Provider};
pub use metadata::AgentMetadata;
