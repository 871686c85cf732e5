//! One file per subcommand, each with the same entry point:
//! `pub fn run(args, &Context) -> Result<ExitStatus>`.

use anyhow::Result;

use crate::agents::Catalog;
use crate::cli::{Cli, Command, Format, GlobalArgs};
use crate::exit::{usage, ExitStatus};
use crate::output::Printer;

pub mod agent;
pub mod apply_cib;
pub mod check;
pub mod check_metadata;
pub mod complete;
pub mod convert;
pub mod fence;
pub mod fence_cluster;
pub mod generate;
pub mod generate_assets;
pub mod graph;
pub mod history;
pub mod history_cluster;
pub mod install_agent;
pub mod list_installed;
pub mod metadata;
pub mod ovh_keys;
pub mod run;
pub mod schema;
pub mod status;
pub mod validate;

/// What every command gets: the global options and the printer.
pub struct Context<'a> {
    pub global: &'a GlobalArgs,
    pub printer: &'a Printer,
}

impl Context<'_> {
    /// The agent catalog for the global options: the internals behind
    /// [`Context::agents`], for the commands not yet on the library API.
    pub fn catalog(&self) -> Catalog {
        self.agents().catalog().clone()
    }

    /// The installed agents for the global options, as the library API
    /// gives them.
    pub fn agents(&self) -> crate::Agents {
        crate::Agents::with_cache(
            self.global.agent_dirs.clone(),
            self.global.agent_timeout,
            crate::agents::cache::default_dir(),
        )
    }

    /// Refuses a `--format` that `command` cannot write, naming the ones it
    /// can (exit 64). A command that cannot write every format calls it
    /// first, with the ones it can.
    pub fn formats(&self, command: &str, supported: &[Format]) -> Result<()> {
        let asked = self.global.format;
        if supported.contains(&asked) {
            return Ok(());
        }
        let names: Vec<String> = supported.iter().map(|f| format_name(*f)).collect();
        let can = match names.as_slice() {
            [only] => format!("only --format {only}"),
            [rest @ .., last] => format!("--format {} or {last}", rest.join(", ")),
            [] => "no --format".to_string(),
        };
        Err(usage(format!(
            "`{command}` cannot write --format {}: it takes {can}",
            format_name(asked)
        )))
    }
}

/// A format's name on the command line.
fn format_name(format: Format) -> String {
    clap::ValueEnum::to_possible_value(&format)
        .map(|value| value.get_name().to_string())
        .unwrap_or_default()
}

/// Runs the subcommand the command line names.
pub fn dispatch(cli: &Cli, printer: &Printer) -> Result<ExitStatus> {
    let ctx = Context {
        global: &cli.global,
        printer,
    };
    match &cli.command {
        Command::ListInstalled(args) => list_installed::run(args, &ctx),
        Command::Metadata(args) => metadata::run(args, &ctx),
        Command::Validate(args) => validate::run(args, &ctx),
        Command::Generate(command) => generate::run(command, &ctx),
        Command::Convert(command) => convert::run(command, &ctx),
        Command::Fence(args) => fence::run(args, &ctx),
        Command::Run(args) => run::run(args, &ctx),
        Command::History(args) => history::run(args, &ctx),
        Command::Status(args) => status::run(args, &ctx),
        Command::Check(args) => check::run(args, &ctx),
        Command::Graph(args) => graph::run(args, &ctx),
        Command::OvhKeys(command) => ovh_keys::run(command, &ctx),
        Command::Agent(args) => agent::run(args, &ctx),
        Command::InstallAgent(args) => install_agent::run(args, &ctx),
        Command::Schema(command) => schema::run(command, &ctx),
        Command::GenerateAssets(args) => generate_assets::run(args, &ctx),
        Command::Complete(args) => complete::run(args, &ctx),
    }
}
