//! `fencectl install-agent [--agent-dir /usr/sbin]`: links fence_ovh_api to
//! the fencectl binary so that Pacemaker and cman can run it. The directory
//! is the global --agent-dir (`--dir` is its hidden alias here), so the
//! agent lands where `list-installed` and `fence` look for it.

use anyhow::{Context as _, Result};

use super::Context;
use crate::cli::{Format, InstallAgentArgs};
use crate::exit::{usage, ExitStatus};

pub fn run(args: &InstallAgentArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    ctx.formats("install-agent", &[Format::Table])?;
    let dir = match ctx.global.agent_dirs.as_slice() {
        [dir] => dir,
        dirs => {
            return Err(usage(format!(
                "install-agent links into one directory, and --agent-dir (or FENCECTL_AGENT_PATH) \
                 names {}: give --agent-dir DIR once",
                dirs.len()
            )))
        }
    };
    let exe = std::env::current_exe().context("cannot find the fencectl binary")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    for agent in crate::agents::builtin::AGENTS {
        let link = dir.join(agent.name);
        // A link of any form to this binary (the Debian package's is
        // relative: ../bin/fencectl) is already installed.
        let linked = std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink())
            && link.canonicalize().is_ok_and(|target| target == exe);
        if linked {
            ctx.printer.info(&format!(
                "{} already links to {}",
                link.display(),
                exe.display()
            ));
            continue;
        }
        crate::sys::fs::refuse_existing(&link, args.force)?;
        if std::fs::symlink_metadata(&link).is_ok() {
            fs_err::remove_file(&link)?;
        }
        std::os::unix::fs::symlink(&exe, &link).with_context(|| {
            format!(
                "cannot create {} (run as root for /usr/sbin, or pick --agent-dir)",
                link.display()
            )
        })?;
        if !ctx.printer.quiet {
            ctx.printer.err_line(&format!(
                "linked {} -> {} (undo: rm {})",
                link.display(),
                exe.display(),
                link.display()
            ));
        }
    }
    Ok(ExitStatus::Success)
}
