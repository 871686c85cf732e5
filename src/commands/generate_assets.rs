//! `fencectl generate-assets --dir DIR`: shell completions and man pages,
//! committed under completions/ and man/ and checked by a test.

use std::path::Path;

use anyhow::{Context as _, Result};
use clap::ValueEnum;

use super::Context;
use crate::cli::{CompletionShell, GenerateAssetsArgs};
use crate::completion::scripts;
use crate::exit::ExitStatus;

pub fn run(args: &GenerateAssetsArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    write_assets(&args.dir)?;
    ctx.printer.info(&format!(
        "wrote completions/ and man/ under {}",
        args.dir.display()
    ));
    Ok(ExitStatus::Success)
}

/// Writes `completions/` (bash, zsh, fish) and `man/` (one page per
/// command) under `dir`.
pub fn write_assets(dir: &Path) -> Result<()> {
    let completions = dir.join("completions");
    fs_err::create_dir_all(&completions)?;
    for &shell in CompletionShell::value_variants() {
        let path = completions.join(scripts::file_name(shell));
        fs_err::write(&path, scripts::script(shell))
            .with_context(|| format!("writing {shell:?} completions"))?;
    }
    let man = dir.join("man");
    fs_err::create_dir_all(&man)?;
    let command = crate::cli::command();
    write_man_page(&command, &man.join("fencectl.1"), "fencectl")?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("fencectl-{}", sub.get_name());
        let page = sub
            .clone()
            .name(&name)
            .version(command.get_version().unwrap_or_default().to_string());
        write_man_page(&page, &man.join(format!("{name}.1")), &name)?;
    }
    Ok(())
}

fn write_man_page(command: &clap::Command, path: &Path, title: &str) -> Result<()> {
    let man = clap_mangen::Man::new(command.clone())
        .title(title.to_uppercase())
        .section("1");
    let mut bytes = Vec::new();
    man.render(&mut bytes)?;
    bytes.extend_from_slice(EXIT_STATUS_SECTION.as_bytes());
    fs_err::write(path, bytes)?;
    Ok(())
}

const EXIT_STATUS_SECTION: &str = ".SH \"EXIT STATUS\"
.TP
0
success
.TP
1
failure (including invalid metadata or parameters)
.TP
2
nothing configured can do it (no fencing method for the node)
.TP
3
status: the node is off
.TP
64
usage error
.TP
129
hung up (SIGHUP: the terminal or SSH session went away)
.TP
130
interrupted (SIGINT, Ctrl-C)
.TP
143
terminated (SIGTERM)
";
