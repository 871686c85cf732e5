//! Fencing a node from the cluster's configuration: reading cluster.conf
//! or the CIB, deciding the plan as the real stack would, running it, and
//! keeping an audit log.

pub mod audit;
pub mod cluster;
pub mod execute;
pub mod lock;
pub mod plan;
pub mod plan_cib;
pub mod plan_cman;
pub mod run;
pub mod source;

use std::fmt;

/// A node the configuration does not know: the error lists those it does.
#[derive(Debug)]
pub struct UnknownNode {
    pub node: String,
    pub known: Vec<String>,
}

impl UnknownNode {
    pub fn new(node: &str, known: Vec<String>) -> UnknownNode {
        UnknownNode {
            node: node.to_string(),
            known,
        }
    }
}

impl fmt::Display for UnknownNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 20;
        let mut list = self
            .known
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.known.len() > SHOWN {
            list.push_str(&format!(", ... ({} in all)", self.known.len()));
        }
        if self.known.is_empty() {
            write!(
                f,
                "unknown node '{}': the configuration names no nodes",
                self.node
            )
        } else {
            let hint = crate::suggest::closest(&self.node, self.known.iter().map(String::as_str))
                .map(|s| format!("; did you mean '{s}'?"))
                .unwrap_or_default();
            write!(
                f,
                "unknown node '{}'{hint} (known nodes: {list})",
                self.node
            )
        }
    }
}

impl std::error::Error for UnknownNode {}
