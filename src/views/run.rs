//! `fencectl run --format json`: the library's [`crate::Outcome`], whose
//! `schema_version` is [`crate::OUTCOME_SCHEMA_VERSION`].

/// `fencectl run --format json`: what was sent to the agent (secrets
/// masked) and what came of it.
pub type RunView = crate::Outcome;
