//! fencectl's integration tests: one binary, run against the real Debian
//! fence agents and Pacemaker tools, and fixture agents for failures.

mod assets;
mod check;
mod cluster;
mod completion;
mod dry_run;
mod engine;
mod fence;
mod fuzz_regressions;
mod generate;
mod help;
mod issue13_check;
mod json_schema;
mod library;
mod list_installed;
mod man_pages;
mod metadata;
mod output;
mod ovh_agent;
mod ovh_issue11;
mod ovh_keys;
mod ovh_mock;
mod run;
mod safety_files;
mod safety_input;
mod safety_process;
mod schema;
mod stacks_cman;
mod stacks_pacemaker;
mod support;
mod validate;
