//! What pacemaker-fenced decides (moving here from `agents::pacemaker`,
//! `fencing::cib` and the planners): which levels apply to a node,
//! versions and cluster option names.

pub mod topology;
pub mod version;
