//! The text reports of the commands (tables, plans, results), apart from
//! the commands that decide what to do: a command gathers, a reporter
//! shows it through the [`Printer`](crate::output::Printer). JSON
//! documents are built by the commands themselves.

pub mod check;
pub mod check_metadata;
pub mod fence;
pub mod history;
pub mod list_installed;
pub mod metadata;
pub mod ovh_keys;
pub mod run;
pub mod status;
pub mod validate;
