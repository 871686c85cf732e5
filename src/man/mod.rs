//! The man pages: fencectl(1), one page per visible subcommand
//! (fencectl-fence(1), fencectl-generate-cib(1), ...), and the built-in
//! agents' section 8 pages (fence_ovh_api(8)), built from the clap tree,
//! the exit code table and the agents' metadata.

mod agent;
mod roff;

use anyhow::{Context as _, Result};

use crate::exit::ExitStatus;
use roff::{escape, Roff};

/// One generated page.
pub struct Page {
    /// Its file name under man/ (`fencectl-fence.1`).
    pub file_name: String,
    pub text: String,
}

/// Pages of the system fencectl works with, named in SEE ALSO (each exists
/// on a Debian 12 cluster node with pacemaker-cli-utils and fence-agents).
pub const SYSTEM_SEE_ALSO: &[&str] = &[
    "stonith_admin(8)",
    "cibadmin(8)",
    "crm_verify(8)",
    "fence_ipmilan(8)",
];

/// The environment variables fencectl reads, with what they do.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "FENCECTL_AGENT_PATH",
        "Agent directories, colon-separated, as --agent-dir (default /usr/sbin).",
    ),
    (
        "FENCECTL_CACHE_DIR",
        "Where agent metadata is cached (default /var/cache/fencectl for root, \
         else $XDG_CACHE_HOME/fencectl or ~/.cache/fencectl).",
    ),
    (
        "FENCECTL_LOG_FILE",
        "The fencing audit log, as --log of fence, run and history.",
    ),
    (
        "FENCECTL_LOCK_DIR",
        "Where the per-device lock files live (default /run/lock/fencectl for root, \
         else $XDG_RUNTIME_DIR/fencectl).",
    ),
    (
        "FENCECTL_OVH_API_URL",
        "The OVH API URL for ovh-keys, as --api-url (a proxy or a mock).",
    ),
    (
        "FENCECTL_RUN",
        "Set by fencectl in the environment of every agent it runs, to find all \
         the processes of one run; not meant to be set by hand.",
    ),
    (
        "NO_COLOR",
        "When set and not empty: no colour (as --color never).",
    ),
    (
        "XDG_CACHE_HOME, XDG_STATE_HOME, XDG_RUNTIME_DIR",
        "Where the cache, the audit log and the locks go for users other than root.",
    ),
];

/// The files fencectl reads and writes.
const FILES: &[(&str, &str)] = &[
    (
        "/usr/sbin",
        "The agent directory: the fence agents (fence_*), where pacemaker-fenced runs \
         them from and install-agent links fence_ovh_api (--agent-dir, FENCECTL_AGENT_PATH).",
    ),
    (
        "/var/cache/fencectl",
        "The agents' metadata cache (root; see FENCECTL_CACHE_DIR).",
    ),
    (
        "/var/log/fencectl/fence.log",
        "The audit log of fencing runs (root; else $XDG_STATE_HOME/fencectl/fence.log).",
    ),
    (
        "/run/lock/fencectl",
        "The lock files that keep two fencectl runs off one device (root; see FENCECTL_LOCK_DIR).",
    ),
    (
        "/etc/ovh.conf, ~/.ovh.conf, ./ovh.conf",
        "python-ovh's configuration with the OVH API keys, read in this order by \
         fence_ovh_api and ovh-keys check; ovh-keys create writes /etc/ovh.conf \
         (root) or ~/.ovh.conf.",
    ),
    (
        "/etc/pve/cluster.conf, /etc/cluster/cluster.conf",
        "The cman configuration fence, check and graph read when no --config, \
         --cib or --cib-live is given (else the running cluster's CIB).",
    ),
];

/// The subcommands whose first example the fencectl(1) page shows.
const ROOT_EXAMPLES_FROM: &[&str] = &["list-installed", "metadata", "validate", "fence", "check"];

/// Every page: fencectl's own and the built-in agents'.
pub fn pages() -> Result<Vec<Page>> {
    let mut root = crate::cli::command();
    root.build();
    let source = format!("fencectl {}", root.get_version().unwrap_or_default());
    let mut pages = Vec::new();
    command_pages(&root, &[], &root, &source, &mut pages)?;
    for builtin in crate::agents::builtin::AGENTS {
        let metadata =
            crate::agents::metadata::AgentMetadata::parse((builtin.metadata)().as_bytes())
                .with_context(|| format!("the metadata of the built-in {}", builtin.name))?;
        pages.push(Page {
            file_name: format!("{}.8", builtin.name),
            text: agent_page(&metadata),
        });
    }
    Ok(pages)
}

/// A fence agent's section 8 page from its metadata (fence-agents' layout).
pub fn agent_page(metadata: &crate::agents::metadata::AgentMetadata) -> String {
    agent::page(metadata, &format!("fencectl {}", env!("CARGO_PKG_VERSION")))
}

/// The page of `command` (reached from the root by `path`) and its
/// subcommands' pages.
fn command_pages(
    command: &clap::Command,
    path: &[&str],
    root: &clap::Command,
    source: &str,
    pages: &mut Vec<Page>,
) -> Result<()> {
    pages.push(Page {
        file_name: format!("{}.1", page_name(path)),
        text: command_page(command, path, root, source)?,
    });
    for sub in visible_subcommands(command) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        command_pages(sub, &sub_path, root, source, pages)?;
    }
    Ok(())
}

/// `fencectl`, `fencectl-generate-cib`.
fn page_name(path: &[&str]) -> String {
    std::iter::once("fencectl")
        .chain(path.iter().copied())
        .collect::<Vec<_>>()
        .join("-")
}

fn visible_subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command.get_subcommands().filter(|sub| !sub.is_hide_set())
}

fn command_page(
    command: &clap::Command,
    path: &[&str],
    root: &clap::Command,
    source: &str,
) -> Result<String> {
    let name = page_name(path);
    let mut roff = Roff::new(&name.to_uppercase(), "1", source);
    roff.section("NAME");
    let about = command
        .get_about()
        .map(|a| a.to_string())
        .unwrap_or_default();
    roff.text(&format!(
        "{} \\- {}",
        escape(&name),
        escape(about.trim_end_matches('.'))
    ));

    roff.section("SYNOPSIS");
    let leaves: Vec<&clap::Command> = match visible_subcommands(command).count() {
        0 => vec![command],
        _ if path.is_empty() => vec![command],
        _ => visible_subcommands(command).collect(),
    };
    for (i, leaf) in leaves.iter().enumerate() {
        if i > 0 {
            roff.text(".br");
        }
        roff.text(&synopsis(leaf));
    }

    roff.section("DESCRIPTION");
    let description = command
        .get_long_about()
        .or(command.get_about())
        .map(|d| d.to_string())
        .unwrap_or_default();
    for paragraph in description.split("\n\n") {
        roff.paragraph(&paragraph.replace('\n', " "));
    }
    if path.is_empty() {
        roff.paragraph(ROOT_DESCRIPTION);
    } else {
        roff.paragraph(
            "The options under GLOBAL OPTIONS are every fencectl command's: they \
             go before or after the command's name.",
        );
    }

    if visible_subcommands(command).count() > 0 {
        roff.section("COMMANDS");
        for sub in visible_subcommands(command) {
            let mut sub_path = path.to_vec();
            sub_path.push(sub.get_name());
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            roff.item(
                &format!("\\fB{}\\fR", escape(sub.get_name())),
                &format!(
                    "{}. See {}(1).",
                    about.trim_end_matches('.'),
                    page_name(&sub_path)
                ),
            );
        }
    }

    let mut options = Vec::new();
    clap_mangen::Man::new(command.clone()).render_options_section(&mut options)?;
    roff.text(&String::from_utf8(options).context("clap_mangen's options section")?);

    roff.section("EXIT STATUS");
    for (code, meaning) in ExitStatus::TABLE {
        roff.item(&format!("\\fB{code}\\fR"), meaning);
    }

    roff.section("ENVIRONMENT");
    for (variable, meaning) in ENVIRONMENT {
        roff.item(&format!("\\fB{}\\fR", escape(variable)), meaning);
    }

    roff.section("FILES");
    for (file, meaning) in FILES {
        roff.item(&format!("\\fI{}\\fR", escape(file)), meaning);
    }

    roff.section("EXAMPLES");
    for (what, lines) in page_examples(path, root) {
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        roff.example(&what, &lines);
    }

    roff.section("SEE ALSO");
    let see_also: Vec<String> = see_also(command, path)
        .iter()
        .map(|page| {
            let (name, section) = page.split_once('(').unwrap_or((page, ")"));
            format!("\\fB{}\\fR({section}", escape(name))
        })
        .collect();
    roff.text(&see_also.join(",\n"));
    Ok(roff.finish())
}

/// What fencectl is, on its own page: where it stands among the tools an
/// admin knows.
const ROOT_DESCRIPTION: &str = "\
fencectl works with the installed fence agents (fence-agents) and the cluster \
stacks that run them: Pacemaker (stonith_admin, cibadmin, crm_verify) and \
cman's cluster.conf. `fencectl fence` does what cman's fence_node did, from a \
cluster.conf or a CIB, and shows what each agent gets; `fencectl generate pcs` \
writes the commands for pcs where that optional tool is installed. Each \
command has its own page, named below.";

/// The pages a page points to: fencectl's own pages that exist and the
/// system's.
pub fn see_also(command: &clap::Command, path: &[&str]) -> Vec<String> {
    let mut pages = Vec::new();
    if !path.is_empty() {
        pages.push("fencectl(1)".to_string());
    }
    if path.len() > 1 {
        pages.push(format!("{}(1)", page_name(&path[..path.len() - 1])));
    }
    for sub in visible_subcommands(command) {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        pages.push(format!("{}(1)", page_name(&sub_path)));
    }
    for builtin in crate::agents::builtin::AGENTS {
        pages.push(format!("{}(8)", builtin.name));
    }
    pages.extend(SYSTEM_SEE_ALSO.iter().map(|page| page.to_string()));
    pages
}

/// The SYNOPSIS line of a command: its usage with placeholders in
/// italics (`fencectl fence [OPTIONS] NODE`).
fn synopsis(command: &clap::Command) -> String {
    let usage = command.clone().render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let name = command.get_bin_name().unwrap_or(command.get_name());
    let rest = usage.strip_prefix(name).unwrap_or(usage);
    format!("\\fB{}\\fR{}", escape(name), placeholders(rest))
}

/// clap's `<NAME>` as an italic NAME; `<--a <A>|--b <B>>` groups as `(...)`.
fn placeholders(usage: &str) -> String {
    let mut out = String::new();
    let mut rest = usage;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let inner_end = after.find(['<', '>']);
        out.push_str(&escape(&rest[..start]));
        match inner_end {
            Some(end) if after.as_bytes()[end] == b'>' && !after.starts_with('-') => {
                out.push_str(&format!("\\fI{}\\fR", escape(&after[..end])));
                rest = &after[end + 1..];
            }
            _ => {
                out.push('(');
                rest = after;
                // The group's closing `>` follows a placeholder's: mark it.
                if let Some(close) = group_end(rest) {
                    let (group, tail) = rest.split_at(close);
                    out.push_str(&placeholders(group));
                    out.push(')');
                    rest = &tail[1..];
                }
            }
        }
    }
    out.push_str(&escape(rest));
    out
}

/// Where the group opened just before `text` closes.
fn group_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if depth == 0 => return Some(i),
            '>' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// One example: what it does, and the lines to type.
type Example = (String, Vec<String>);

/// The examples at the end of a command's long help (`# what` lines, each
/// followed by its command lines).
pub fn examples(help: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for line in help
        .lines()
        .skip_while(|line| line.trim() != "Examples:")
        .skip(1)
    {
        // Continuation lines keep their indent beyond the list's own.
        let line = line.strip_prefix("  ").unwrap_or(line).trim_end();
        if let Some(what) = line.strip_prefix("# ") {
            examples.push((what.to_string(), Vec::new()));
        } else if let Some(example) = examples.last_mut().filter(|_| !line.is_empty()) {
            example.1.push(line.to_string());
        }
    }
    examples
}

fn long_help_examples(command: &clap::Command) -> Vec<Example> {
    command
        .get_after_long_help()
        .map(|help| examples(&help.to_string()))
        .unwrap_or_default()
}

/// The EXAMPLES of a page: the command's own; for a subcommand without
/// any, its parent's that run it; for fencectl(1), the first of a few
/// commands.
fn page_examples(path: &[&str], root: &clap::Command) -> Vec<Example> {
    if path.is_empty() {
        return ROOT_EXAMPLES_FROM
            .iter()
            .filter_map(|name| root.find_subcommand(name))
            .filter_map(|sub| long_help_examples(sub).into_iter().next())
            .collect();
    }
    let mut chain = vec![root];
    for name in path {
        let next = chain
            .last()
            .and_then(|c| c.find_subcommand(name))
            .expect("a path through the command tree");
        chain.push(next);
    }
    let invoked = format!("fencectl {}", path.join(" "));
    for command in chain.iter().rev() {
        let found: Vec<Example> = long_help_examples(command)
            .into_iter()
            .filter(|(_, lines)| {
                lines.first().is_some_and(|line| {
                    line == &invoked || line.starts_with(&format!("{invoked} "))
                })
            })
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_italic_and_groups_parenthesized() {
        assert_eq!(placeholders(" [OPTIONS] <NODE>"), " [OPTIONS] \\fINODE\\fR");
        assert_eq!(
            placeholders(" <--agent <AGENT>|--config <FILE>> [NAME=VALUE]..."),
            " (\\-\\-agent \\fIAGENT\\fR|\\-\\-config \\fIFILE\\fR) [NAME=VALUE]..."
        );
    }

    #[test]
    fn examples_pair_what_with_lines() {
        let help = "Examples:\n  # One\n  fencectl a\n  # Two\n  fencectl b\n  xmllint c";
        assert_eq!(
            examples(help),
            vec![
                ("One".to_string(), vec!["fencectl a".to_string()]),
                (
                    "Two".to_string(),
                    vec!["fencectl b".to_string(), "xmllint c".to_string()]
                ),
            ]
        );
    }
}
