//! `fencectl install-agent [--dir /usr/sbin]`: links fence_ovh_api to the
//! fencectl binary so that Pacemaker and cman can run it.

use anyhow::{Context as _, Result};

use super::Context;
use crate::cli::InstallAgentArgs;
use crate::exit::ExitStatus;

pub fn run(args: &InstallAgentArgs, ctx: &Context<'_>) -> Result<ExitStatus> {
    let exe = std::env::current_exe().context("cannot find the fencectl binary")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    for agent in crate::agents::builtin::AGENTS {
        let link = args.dir.join(agent.name);
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
                "cannot create {} (run as root for /usr/sbin, or pick --dir)",
                link.display()
            )
        })?;
        if !ctx.printer.quiet {
            eprintln!(
                "linked {} -> {} (undo: rm {})",
                link.display(),
                exe.display(),
                link.display()
            );
        }
    }
    Ok(ExitStatus::Success)
}
