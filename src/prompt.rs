//! Questions to the user, behind a seam: dialoguer on a terminal, and
//! nothing at all without one (every answer must then come from a flag).

use std::io::IsTerminal;

use anyhow::{Context, Result};

/// Asks the user things. Every answer ends with Enter.
pub trait Prompter {
    /// Picks one of `items`; returns its index.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize>;
    /// A line of text (`default` on an empty answer, when given).
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String>;
    /// A secret, not echoed.
    fn password(&mut self, prompt: &str) -> Result<String>;
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
    /// A line of the dialogue that is no question (why an answer was
    /// refused, what to do next), on stderr with the questions.
    fn say(&mut self, text: &str) {
        crate::eprintln_quiet!("{}", crate::output::terminal_safe(text, false));
    }
}

/// Whether questions can be asked here (dialoguer needs a terminal).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// dialoguer on the terminal.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact()
            .context("reading the answer")
    }

    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String> {
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(default.is_some());
        if let Some(default) = default {
            input = input
                .default(default.to_string())
                .show_default(!default.is_empty());
        }
        input.interact_text().context("reading the answer")
    }

    fn password(&mut self, prompt: &str) -> Result<String> {
        dialoguer::Password::new()
            .with_prompt(prompt)
            .interact()
            .context("reading the answer")
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        // Enter ends every answer: a `y` alone must not answer, or the
        // Enter typed after it answers the next question (issue 11).
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .wait_for_newline(true)
            .interact()
            .context("reading the answer")
    }
}

/// Answers from a script, for tests: each question takes the next answer
/// (select: an item's index or the start of its text; confirm: y or n;
/// empty: the default). Every prompt is kept in `asked`.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    answers: std::collections::VecDeque<String>,
    pub asked: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new(answers: &[&str]) -> ScriptedPrompter {
        ScriptedPrompter {
            answers: answers.iter().map(|a| a.to_string()).collect(),
            asked: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> Result<String> {
        self.asked.push(prompt.to_string());
        self.answers
            .pop_front()
            .with_context(|| format!("the script has no answer for {prompt:?}"))
    }
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize> {
        let answer = self.next(prompt)?;
        if answer.is_empty() {
            return Ok(default);
        }
        answer
            .parse()
            .ok()
            .or_else(|| items.iter().position(|i| i.starts_with(&answer)))
            .with_context(|| format!("no item {answer:?} in {items:?}"))
    }

    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String> {
        let answer = self.next(prompt)?;
        Ok(match default {
            Some(default) if answer.is_empty() => default.to_string(),
            _ => answer,
        })
    }

    fn password(&mut self, prompt: &str) -> Result<String> {
        self.next(prompt)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool> {
        match self.next(prompt)?.as_str() {
            "" => Ok(default),
            "y" | "yes" => Ok(true),
            "n" | "no" => Ok(false),
            other => anyhow::bail!("not a y/n answer: {other:?}"),
        }
    }
}
