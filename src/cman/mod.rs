//! What cman decides: its cluster.conf schema, which node a name means
//! (and, as the stacks move here, its configuration model and libfence's
//! argument rules).

pub mod nodename;
pub mod schema;
