//! What cman decides: its cluster.conf (the model, loaded in one place),
//! its schema, which node a name means, and libfence's argument rules.

pub mod args;
pub mod check;
pub mod conf;
pub mod nodename;
pub mod schema;
