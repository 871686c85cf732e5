//! What pacemaker-fenced decides (moving here from `agents::pacemaker`,
//! `fencing::cib` and the planners): versions and cluster option names.

pub mod version;
