//! Shell completion that knows the cluster: the scripts bash, zsh and fish
//! load ([`scripts`]) call `fencectl __complete`, which reads the command
//! line against clap's model ([`line`]) and prints the candidates
//! ([`values`]): agent names, parameter names and values, node names,
//! subcommands and options. Reads only the cache and configuration files.

pub mod line;
pub mod scripts;
pub mod values;

use crate::cli::CompletionShell;
use values::Answer;

/// The text `fencectl __complete` prints: one candidate a line (zsh and
/// fish: `value<TAB>description`), or `:files` / `:dirs` then the prefix
/// kept in front of the file name (`--config=`) for the shell's own file
/// completion.
pub fn render(answer: &Answer, shell: CompletionShell) -> String {
    match answer {
        Answer::Files { prefix } => format!(":files\n{prefix}\n"),
        Answer::Dirs { prefix } => format!(":dirs\n{prefix}\n"),
        Answer::Candidates(candidates) => candidates
            .iter()
            .map(|c| match shell {
                CompletionShell::Bash => format!("{}\n", c.value),
                _ if c.description.is_empty() => format!("{}\n", c.value),
                _ => format!("{}\t{}\n", c.value, c.description),
            })
            .collect(),
    }
}
