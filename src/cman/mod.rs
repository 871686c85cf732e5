//! What cman decides: its cluster.conf schema (and, as the stacks move
//! here, its configuration model and libfence's argument rules).

pub mod schema;
