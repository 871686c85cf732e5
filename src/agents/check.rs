//! `metadata --check`: the rules of fence-agents' metadata.rng, and what
//! the schema cannot see. (Being written.)

use super::finding::Finding;

/// Checks an agent's metadata output. Returns every finding, in document order.
pub fn check_metadata(bytes: &[u8]) -> Vec<Finding> {
    match crate::xml::parse(bytes) {
        Ok(_) => Vec::new(),
        Err(err) => vec![Finding::error(
            "not-xml",
            "document",
            Some(err.line),
            err.to_string(),
        )],
    }
}
