//! `fencectl generate-assets --dir DIR`: shell completions and man pages,
//! committed under completions/ and man/, and the JSON Schemas under
//! docs/schema/, all checked by tests.

use std::path::Path;

use anyhow::{Context as _, Result};
use clap::ValueEnum;

use super::Context;
use crate::cli::{CompletionShell, Format, GenerateAssetsArgs};
use crate::completion::scripts;
use crate::exit::ExitStatus;

pub fn run(args: &GenerateAssetsArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("generate-assets", &[Format::Table])?;
    write_assets(&args.dir)?;
    ctx.printer.info(&format!(
        "wrote completions/ and man/ under {}",
        args.dir.display()
    ));
    write_json_schemas(&args.dir)?;
    Ok(ExitStatus::Success)
}

/// Writes `docs/schema/` under `dir`: the JSON Schema of every command's
/// `--format json` document ([`crate::views::schemas`]).
pub fn write_json_schemas(dir: &Path) -> Result<()> {
    crate::views::write_schemas(&dir.join("docs").join("schema"))
}

/// Writes `completions/` (bash, zsh, fish) and `man/` (one page per
/// command and per built-in agent: [`crate::man`]) under `dir`.
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
    for page in crate::man::pages()? {
        fs_err::write(man.join(&page.file_name), page.text)?;
    }
    Ok(())
}
