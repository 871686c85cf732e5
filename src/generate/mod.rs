//! Writing Pacemaker CIB and cman cluster.conf fencing configuration from
//! an inventory, and converting a cluster.conf into CIB form.

pub mod cib;
pub mod clusterconf;
pub mod convert;
mod xmlw;

pub use xmlw::{IdSet, XmlOut};
