//! The candidates for a word: subcommands and options from clap's model,
//! agent names from the agent directories and the cache index, parameter
//! names and values from cached metadata, node names from the
//! configuration `fence` would read. Nothing here runs an agent or
//! cibadmin: a cold cache gives agent names only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Arg, ValueHint};

use super::line::{Line, Slot};
use crate::agents::cache::Cache;
use crate::agents::discovery;
use crate::agents::metadata::ContentType;
use crate::agents::{builtin, AgentMetadata, Catalog};
use crate::fencing::source::{self, ConfigChoice};

/// One value the word can become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub value: String,
    /// One line, or empty.
    pub description: String,
}

/// What the shell should offer.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Candidates(Vec<Candidate>),
    /// The shell's own file names; `prefix` (`--config=`) stays in front.
    Files {
        prefix: String,
    },
    /// The shell's own directory names.
    Dirs {
        prefix: String,
    },
}

/// Where agents and their metadata are.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The agent directories, unless the line names its own (`--agent-dir`).
    pub agent_dirs: Vec<PathBuf>,
    pub cache: Cache,
}

/// The answer for the current word of `line`, its candidates starting
/// with the word.
pub fn answer(line: &Line<'_>, sources: &Sources) -> Answer {
    let candidates = match &line.slot {
        Slot::Subcommand => subcommands(line),
        Slot::OptionName => options(line),
        Slot::Nothing => Vec::new(),
        Slot::Value { arg, prefix } => {
            let typed = line.current.strip_prefix(prefix.as_str()).unwrap_or("");
            match values(line, arg, typed, &sources.for_line(line)) {
                Values::Files => {
                    return Answer::Files {
                        prefix: prefix.clone(),
                    }
                }
                Values::Dirs => {
                    return Answer::Dirs {
                        prefix: prefix.clone(),
                    }
                }
                Values::Of(values) => values
                    .into_iter()
                    .map(|c| Candidate {
                        value: format!("{prefix}{}", c.value),
                        ..c
                    })
                    .collect(),
            }
        }
    };
    Answer::Candidates(
        candidates
            .into_iter()
            .filter(|c| c.value.starts_with(&line.current) && is_word(&c.value))
            .map(|c| Candidate {
                description: one_line(&c.description),
                ..c
            })
            .collect(),
    )
}

impl Sources {
    /// The agent directories the line's `--agent-dir` options name, if any.
    fn for_line(&self, line: &Line<'_>) -> Sources {
        let on_line: Vec<PathBuf> = line
            .values_of("agent_dirs")
            .flat_map(|dirs| dirs.split(':'))
            .filter(|dir| !dir.is_empty())
            .map(expand_home)
            .collect();
        Sources {
            agent_dirs: if on_line.is_empty() {
                self.agent_dirs.clone()
            } else {
                on_line
            },
            cache: self.cache.clone(),
        }
    }
}

enum Values {
    Of(Vec<Candidate>),
    Files,
    Dirs,
}

fn values(line: &Line<'_>, arg: &Arg, typed: &str, sources: &Sources) -> Values {
    let possible: Vec<Candidate> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| candidate(value.get_name(), value.get_help()))
        .collect();
    if !possible.is_empty() {
        return Values::Of(possible);
    }
    match arg.get_id().as_str() {
        "agent" if typed.contains('/') => Values::Files,
        "agent" => Values::Of(agent_names(sources)),
        // `generate cib --agent X ID=VALUE...`: the device's parameters.
        "params" | "args" if line.value_of("agent").is_some() => {
            Values::Of(parameters(line, typed, sources, true))
        }
        // Without --agent, `generate cib` takes an inventory file.
        "args" if line.command.get_name() == "cib" => Values::Files,
        "ask" => Values::Of(parameters(line, typed, sources, false)),
        "node" | "nodes" => Values::Of(node_names(line)),
        _ if arg.get_value_names().is_some_and(|names| names == ["DIR"]) => Values::Dirs,
        _ => match arg.get_value_hint() {
            ValueHint::AnyPath | ValueHint::FilePath | ValueHint::ExecutablePath => Values::Files,
            ValueHint::DirPath => Values::Dirs,
            _ => Values::Of(Vec::new()),
        },
    }
}

fn subcommands(line: &Line<'_>) -> Vec<Candidate> {
    line.command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set())
        .flat_map(|sub| {
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            std::iter::once(sub.get_name())
                .chain(sub.get_visible_aliases())
                .map(move |name| Candidate {
                    value: name.to_string(),
                    description: about.clone(),
                })
        })
        .collect()
}

fn options(line: &Line<'_>) -> Vec<Candidate> {
    line.command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set() && !arg.is_positional())
        .flat_map(|arg| {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let longs = arg
                .get_long_and_visible_aliases()
                .unwrap_or_default()
                .into_iter()
                .map(|long| format!("--{long}"));
            let shorts = arg
                .get_short_and_visible_aliases()
                .unwrap_or_default()
                .into_iter()
                .map(|short| format!("-{short}"));
            // Short forms only once the word is `-` and no more: `--` lists
            // the long names alone.
            let shorts: Vec<String> = if line.current == "-" {
                shorts.collect()
            } else {
                Vec::new()
            };
            longs.chain(shorts).map(move |value| Candidate {
                value,
                description: help.clone(),
            })
        })
        .collect()
}

/// Every agent in the directories (a directory listing: no agent file is
/// opened), described from the cache index when it has them, and the
/// built-in agents.
fn agent_names(sources: &Sources) -> Vec<Candidate> {
    let index = sources.cache.load_summaries();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (name, path) in discovery::scan(&sources.agent_dirs).entries {
        if names.contains_key(&name) {
            continue;
        }
        let description = index
            .get(&path)
            .map(|(_, summary)| summary.shortdesc.clone())
            .unwrap_or_default();
        names.insert(name, description);
    }
    for agent in builtin::AGENTS {
        names
            .entry(agent.name.to_string())
            .or_insert_with(|| "built into fencectl".to_string());
    }
    names
        .into_iter()
        .map(|(value, description)| Candidate { value, description })
        .collect()
}

/// The agent's parameters as `name=` (or bare names), or after `name=` the
/// values a select or boolean parameter takes; nothing when the agent's
/// metadata is not cached.
fn parameters(line: &Line<'_>, typed: &str, sources: &Sources, assign: bool) -> Vec<Candidate> {
    let Some(metadata) = line
        .value_of("agent")
        .and_then(|agent| cached_metadata(agent, sources))
    else {
        return Vec::new();
    };
    if let (true, Some((name, _))) = (assign, typed.split_once('=')) {
        let Some(parameter) = metadata.parameters.iter().find(|p| p.name == name) else {
            return Vec::new();
        };
        let values: Vec<String> = match parameter.content_type {
            ContentType::Select => parameter.options.clone(),
            ContentType::Boolean => vec!["on".into(), "off".into()],
            _ => Vec::new(),
        };
        return values
            .into_iter()
            .map(|value| Candidate {
                value: format!("{name}={value}"),
                description: String::new(),
            })
            .collect();
    }
    let given: Vec<&str> = line
        .values_of("params")
        .chain(line.values_of("args"))
        .filter_map(|param| param.split_once('=').map(|(name, _)| name))
        .collect();
    metadata
        .parameters
        .iter()
        .filter(|p| {
            let already_given = assign && given.contains(&p.name.as_str());
            !p.deprecated && !already_given
        })
        .map(|p| Candidate {
            value: if assign {
                format!("{}=", p.name)
            } else {
                p.name.clone()
            },
            description: p.shortdesc.clone(),
        })
        .collect()
}

fn cached_metadata(agent: &str, sources: &Sources) -> Option<AgentMetadata> {
    let found = discovery::resolve(agent, &sources.agent_dirs).ok()?;
    let catalog = Catalog {
        dirs: sources.agent_dirs.clone(),
        timeout: std::time::Duration::ZERO,
        cache: sources.cache.clone(),
    };
    catalog.cached_metadata(&found)
}

/// The nodes of the configuration `fence` would read with the line's
/// `--config`, `--cib` and `--cib-live` (the live CIB read from Pacemaker's
/// copy on disk).
fn node_names(line: &Line<'_>) -> Vec<Candidate> {
    let choice = ConfigChoice::from_options(
        line.value_of("config").map(expand_home).as_deref(),
        line.value_of("cib").map(expand_home).as_deref(),
        line.value_of("cib_live").is_some(),
    );
    let Ok(config) = source::load_from_files(&choice) else {
        return Vec::new();
    };
    config
        .node_names()
        .into_iter()
        .map(|value| Candidate {
            value,
            description: String::new(),
        })
        .collect()
}

/// `~/x` as the shell would have expanded it (a word being typed is not).
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(path),
    }
}

fn candidate(value: &str, help: Option<&clap::builder::StyledStr>) -> Candidate {
    Candidate {
        value: value.to_string(),
        description: help.map(ToString::to_string).unwrap_or_default(),
    }
}

/// Whether a value can be offered as one shell word as it is: no spaces,
/// quotes or control characters from a configuration or an agent.
fn is_word(value: &str) -> bool {
    !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"\\`$;&|<>()".contains(c))
}

/// A description on one line, cut at a sensible length.
fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut line = String::new();
    for word in words {
        if line.chars().count() + word.chars().count() > 70 {
            line.push_str(" ...");
            break;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(words: &[&str], sources: &Sources) -> Answer {
        let mut command = crate::cli::command();
        command.build();
        let mut all = vec!["fencectl".to_string()];
        all.extend(words.iter().map(|w| w.to_string()));
        let line = super::super::line::read(&command, &all, all.len() - 1);
        answer(&line, sources)
    }

    fn values(answer: Answer) -> Vec<String> {
        match answer {
            Answer::Candidates(candidates) => candidates.into_iter().map(|c| c.value).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn sources(dir: &Path) -> Sources {
        Sources {
            agent_dirs: vec![dir.join("agents")],
            cache: Cache::new(None),
        }
    }

    #[test]
    fn node_names_that_are_not_one_shell_word_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("cluster.conf");
        std::fs::write(
            &conf,
            r#"<cluster name="c" config_version="1"><clusternodes>
                 <clusternode name="n1" nodeid="1"/>
                 <clusternode name="bad name" nodeid="2"/>
                 <clusternode name="n$(x)" nodeid="3"/>
               </clusternodes></cluster>"#,
        )
        .unwrap();
        let conf = conf.to_str().unwrap();
        let sources = sources(dir.path());
        assert_eq!(
            values(complete(&["fence", "--config", conf, ""], &sources)),
            ["n1"]
        );
        assert_eq!(
            values(complete(&["history", "--config", conf, ""], &sources)),
            Vec::<String>::new(),
            "history has no --config: the file took NODE's place, nothing is left"
        );
        // A configuration that cannot be read offers nothing.
        assert!(values(complete(&["fence", "--cib", "/nonexistent", ""], &sources)).is_empty());
    }

    #[test]
    fn agent_paths_and_option_values_are_files() {
        let dir = tempfile::tempdir().unwrap();
        let sources = sources(dir.path());
        assert_eq!(
            complete(&["metadata", "-a", "./fence_x"], &sources),
            Answer::Files {
                prefix: String::new()
            }
        );
        assert_eq!(
            complete(&["fence", "--cib=/var/"], &sources),
            Answer::Files {
                prefix: "--cib=".into()
            }
        );
        assert_eq!(
            complete(&["--agent-dir", ""], &sources),
            Answer::Dirs {
                prefix: String::new()
            }
        );
    }

    #[test]
    fn descriptions_fit_one_line() {
        assert_eq!(
            one_line("Fence agent\n  for   IPMI"),
            "Fence agent for IPMI"
        );
        let long = "word ".repeat(30);
        assert!(one_line(&long).ends_with(" ..."));
        assert!(one_line(&long).chars().count() <= 75);
    }
}
