//! What is being completed: the words of a command line read against
//! clap's model of fencectl (subcommands, options that take values,
//! `--opt=value`, clustered short options, positionals), so that the
//! completion follows the real command line and never a copy of it.

use clap::{Arg, ArgAction, Command};

/// The command line up to the word being completed.
#[derive(Debug)]
pub struct Line<'a> {
    /// The deepest subcommand the words reach.
    pub command: &'a Command,
    /// Values given before the current word, as (argument id, value); a
    /// flag has an empty value.
    pub given: Vec<(String, String)>,
    /// What the current word is.
    pub slot: Slot<'a>,
    /// The word being completed, as typed (empty at a new word).
    pub current: String,
}

/// What the current word can be.
#[derive(Debug)]
pub enum Slot<'a> {
    /// A subcommand of [`Line::command`].
    Subcommand,
    /// An option's name.
    OptionName,
    /// A value of `arg` (an option's or a positional's); `prefix` is what
    /// comes before the value in the same word (`--config=`).
    Value { arg: &'a Arg, prefix: String },
    /// Nothing fencectl can offer.
    Nothing,
}

impl Line<'_> {
    /// The values given for the argument `id`, in order.
    pub fn values_of<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.given
            .iter()
            .filter(move |(given, _)| given == id)
            .map(|(_, value)| value.as_str())
    }

    /// The last value given for `id`.
    pub fn value_of(&self, id: &str) -> Option<&str> {
        self.given
            .iter()
            .rev()
            .find(|(given, _)| given == id)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads `words` (the program's name first) up to `words[index]`, the word
/// being completed. `root` must be built ([`Command::build`]) so that the
/// subcommands carry the global options.
pub fn read<'a>(root: &'a Command, words: &[String], index: usize) -> Line<'a> {
    let current = words.get(index).cloned().unwrap_or_default();
    let before = words.get(1..index.min(words.len())).unwrap_or_default();
    let mut reader = Reader {
        command: root,
        given: Vec::new(),
        positional: 0,
        pending: None,
        options_ended: false,
    };
    for word in before {
        reader.take(word);
    }
    let slot = reader.slot_of(&current);
    Line {
        command: reader.command,
        given: reader.given,
        slot,
        current,
    }
}

struct Reader<'a> {
    command: &'a Command,
    given: Vec<(String, String)>,
    /// How many positional values the current command has had.
    positional: usize,
    /// An option whose value is the next word.
    pending: Option<&'a Arg>,
    /// After `--`: every word is a positional.
    options_ended: bool,
}

impl<'a> Reader<'a> {
    fn take(&mut self, word: &str) {
        if let Some(arg) = self.pending.take() {
            self.give(arg, word);
            return;
        }
        if !self.options_ended && word == "--" {
            self.options_ended = true;
            return;
        }
        if let Some(option) = self.option_word(word) {
            match option {
                OptionWord::Long { name, value } => match long(self.command, name) {
                    Some(arg) if takes_value(arg) => match value {
                        Some(value) => self.give(arg, value),
                        None => self.pending = Some(arg),
                    },
                    Some(arg) => self.give(arg, ""),
                    None => {}
                },
                OptionWord::Shorts(letters) => self.take_shorts(letters),
            }
            return;
        }
        if self.command.has_subcommands() && self.command.get_positionals().next().is_none() {
            if let Some(sub) = subcommand(self.command, word) {
                self.command = sub;
                self.positional = 0;
                self.options_ended = false;
            }
            return;
        }
        if let Some(arg) = self.positional_arg() {
            self.give(arg, word);
        }
        self.positional += 1;
    }

    /// `-vv`, `-afence_x`, `-a` (then the value is the next word).
    fn take_shorts(&mut self, letters: &str) {
        for (at, letter) in letters.char_indices() {
            let Some(arg) = short(self.command, letter) else {
                return;
            };
            if takes_value(arg) {
                let rest = &letters[at + letter.len_utf8()..];
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if rest.is_empty() {
                    self.pending = Some(arg);
                } else {
                    self.give(arg, rest);
                }
                return;
            }
            self.give(arg, "");
        }
    }

    fn give(&mut self, arg: &Arg, value: &str) {
        self.given
            .push((arg.get_id().as_str().to_string(), value.to_string()));
    }

    fn option_word<'w>(&self, word: &'w str) -> Option<OptionWord<'w>> {
        if self.options_ended || word.len() < 2 || !word.starts_with('-') {
            return None;
        }
        // A positional that takes words starting with '-' as they are
        // (`fencectl agent ovh -o status`).
        if self
            .positional_arg()
            .is_some_and(Arg::is_allow_hyphen_values_set)
        {
            return None;
        }
        Some(match word.strip_prefix("--") {
            Some(rest) => match rest.split_once('=') {
                Some((name, value)) => OptionWord::Long {
                    name,
                    value: Some(value),
                },
                None => OptionWord::Long {
                    name: rest,
                    value: None,
                },
            },
            None => OptionWord::Shorts(&word[1..]),
        })
    }

    /// The positional argument the next positional word fills: the one at
    /// its place, or the last one when that takes many values.
    fn positional_arg(&self) -> Option<&'a Arg> {
        let positionals: Vec<&Arg> = self.command.get_positionals().collect();
        positionals.get(self.positional).copied().or_else(|| {
            positionals
                .last()
                .copied()
                .filter(|arg| takes_many(arg) || arg.is_trailing_var_arg_set())
        })
    }

    fn slot_of(&self, current: &str) -> Slot<'a> {
        if let Some(arg) = self.pending {
            return Slot::Value {
                arg,
                prefix: String::new(),
            };
        }
        match self.option_word(current) {
            Some(OptionWord::Long {
                name,
                value: Some(_),
            }) => long(self.command, name)
                .filter(|arg| takes_value(arg))
                .map_or(Slot::Nothing, |arg| Slot::Value {
                    arg,
                    prefix: format!("--{name}="),
                }),
            Some(OptionWord::Shorts(letters)) if letters.chars().count() > 1 => {
                // `-afence_du`: the value of -a, written against it.
                let mut chars = letters.chars();
                let first = chars.next().and_then(|letter| short(self.command, letter));
                match first.filter(|arg| takes_value(arg)) {
                    Some(arg) => Slot::Value {
                        arg,
                        prefix: format!("-{}", &letters[..1]),
                    },
                    None => Slot::OptionName,
                }
            }
            Some(_) => Slot::OptionName,
            None if current == "-" && !self.options_ended => Slot::OptionName,
            None if self.command.has_subcommands()
                && self.command.get_positionals().next().is_none() =>
            {
                Slot::Subcommand
            }
            None => self
                .positional_arg()
                .map_or(Slot::Nothing, |arg| Slot::Value {
                    arg,
                    prefix: String::new(),
                }),
        }
    }
}

enum OptionWord<'w> {
    Long {
        name: &'w str,
        value: Option<&'w str>,
    },
    Shorts(&'w str),
}

fn long<'a>(command: &'a Command, name: &str) -> Option<&'a Arg> {
    command.get_arguments().find(|arg| {
        arg.get_long() == Some(name)
            || arg
                .get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

fn short(command: &Command, letter: char) -> Option<&Arg> {
    command.get_arguments().find(|arg| {
        arg.get_short() == Some(letter)
            || arg
                .get_all_short_aliases()
                .is_some_and(|aliases| aliases.contains(&letter))
    })
}

fn subcommand<'a>(command: &'a Command, word: &str) -> Option<&'a Command> {
    command
        .get_subcommands()
        .find(|sub| sub.get_name() == word || sub.get_all_aliases().any(|alias| alias == word))
}

/// Whether an option is followed by a value (`--config FILE`), not a flag.
pub fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn takes_many(arg: &Arg) -> bool {
    matches!(arg.get_action(), ArgAction::Append)
        || arg.get_num_args().is_some_and(|n| n.max_values() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        words.insert(0, "fencectl".into());
        words
    }

    fn read_line(command: &Command, line: &str) -> (String, Vec<(String, String)>, String) {
        let words = words(line);
        let line = read(command, &words, words.len() - 1);
        let slot = match &line.slot {
            Slot::Subcommand => "subcommand".to_string(),
            Slot::OptionName => "option".to_string(),
            Slot::Value { arg, prefix } => format!("{}{prefix}", arg.get_id()),
            Slot::Nothing => "nothing".to_string(),
        };
        (line.command.get_name().to_string(), line.given, slot)
    }

    fn built() -> Command {
        let mut command = crate::cli::command();
        command.build();
        command
    }

    #[test]
    fn finds_the_slot_of_the_current_word() {
        let command = built();
        let cases = [
            ("", "fencectl", "subcommand"),
            ("meta", "fencectl", "subcommand"),
            ("metadata -a fence_du", "metadata", "agent"),
            ("metadata --agent=fence_du", "metadata", "agent--agent="),
            ("metadata -afence_du", "metadata", "agent-a"),
            ("metadata --", "metadata", "option"),
            ("validate -a fence_x ", "validate", "params"),
            ("validate -a fence_x ip=1 port=", "validate", "params"),
            ("-v --format json fence ", "fence", "node"),
            ("fence --config f.conf n", "fence", "node"),
            ("fence --config ", "fence", "config"),
            ("fence node1 ", "fence", "nothing"),
            ("generate ", "generate", "subcommand"),
            ("generate cib --part ", "cib", "part"),
            ("--format ", "fencectl", "format"),
            ("list ", "list-installed", "filter"),
            ("check n1 n2 ", "check", "nodes"),
            ("agent ovh -o ", "agent", "args"),
        ];
        for (line, command_name, slot) in cases {
            let (name, _, found) = read_line(&command, line);
            assert_eq!(
                (name.as_str(), found.as_str()),
                (command_name, slot),
                "{line:?}"
            );
        }
    }

    #[test]
    fn keeps_the_values_given() {
        let command = built();
        let (_, given, _) = read_line(
            &command,
            "--agent-dir=/opt/a fence --cib c.xml -vv --cib-live ",
        );
        let ids: Vec<(&str, &str)> = given
            .iter()
            .map(|(id, value)| (id.as_str(), value.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("agent_dirs", "/opt/a"),
                ("cib", "c.xml"),
                ("verbose", ""),
                ("verbose", ""),
                ("cib_live", "")
            ]
        );
    }
}
