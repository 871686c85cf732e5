//! Questions to the user, behind a seam: dialoguer on a terminal, and
//! nothing at all without one (every answer must then come from a flag).

use std::io::IsTerminal;

use anyhow::{Context, Result};

/// Asks the user things.
pub trait Prompter {
    /// Picks one of `items`; returns its index.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<usize>;
    /// A line of text (`default` on an empty answer, when given).
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String>;
    /// A secret, not echoed.
    fn password(&mut self, prompt: &str) -> Result<String>;
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool>;
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
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact()
            .context("reading the answer")
    }
}
