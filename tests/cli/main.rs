//! fencectl's integration tests: one binary, run against the real Debian
//! fence agents and Pacemaker tools, and fixture agents for failures.

mod assets;
mod check;
mod cluster;
mod fence;
mod fuzz_regressions;
mod generate;
mod list_installed;
mod metadata;
mod ovh_agent;
mod ovh_keys;
mod ovh_mock;
mod support;
mod validate;
