//! Writing Pacemaker CIB and cman cluster.conf fencing configuration from
//! an inventory (a cluster.conf read into an inventory: `inventory::from_cluster_conf`).

pub mod apply;
pub mod cib;
pub mod clusterconf;
pub mod script;
mod xmlw;

pub use xmlw::{escape_attribute, IdSet, XmlOut};
