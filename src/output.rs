//! One Printer for the whole tool: data on stdout, diagnostics on stderr,
//! colour and progress bars only where a person is watching.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::Result;
use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{ColorChoice, Format, GlobalArgs};

/// Decides how things are shown.
#[derive(Debug, Clone)]
pub struct Printer {
    pub format: Format,
    pub verbosity: u8,
    pub quiet: bool,
    color: bool,
    stdout_tty: bool,
    stderr_tty: bool,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Printer {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_tty && !no_color && global.format != Format::Json,
        };
        Printer {
            format: global.format,
            verbosity: if global.quiet { 0 } else { global.verbose },
            quiet: global.quiet,
            color,
            stdout_tty,
            stderr_tty,
        }
    }

    /// Whether JSON was asked for.
    pub fn json_output(&self) -> bool {
        self.format == Format::Json
    }

    /// Writes text to stdout (a closed pipe ends the program quietly upstream).
    /// Control characters from configurations or agents are escaped; only
    /// the colours fencectl's own tables add pass, when colour is on.
    pub fn out(&self, text: &str) -> Result<()> {
        let text = terminal_safe(text, self.color);
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            stdout.write_all(b"\n")?;
        }
        stdout.flush()?;
        Ok(())
    }

    /// Writes raw bytes to stdout unchanged.
    pub fn out_bytes(&self, bytes: &[u8]) -> Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
        Ok(())
    }

    /// Writes a value as pretty JSON on stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let mut text = serde_json::to_string_pretty(value)?;
        text.push('\n');
        self.out(&text)
    }

    /// A warning on stderr (not with -q); control characters escaped.
    pub fn warn(&self, message: &str) {
        if !self.quiet {
            crate::eprintln_quiet!(
                "fencectl: {}: {}",
                self.paint_err("warning", Color::Yellow),
                terminal_safe(message, false)
            );
        }
    }

    /// A note on stderr at -v and above; control characters escaped.
    pub fn info(&self, message: &str) {
        if self.verbosity >= 1 {
            crate::eprintln_quiet!("fencectl: {}", terminal_safe(message, false));
        }
    }

    /// Detail on stderr at -vv and above; control characters escaped.
    pub fn debug(&self, message: &str) {
        if self.verbosity >= 2 {
            crate::eprintln_quiet!("fencectl: {}", terminal_safe(message, false));
        }
    }

    fn paint_err(&self, text: &str, color: Color) -> String {
        if self.stderr_tty && self.color_allowed_on_stderr() {
            let code = match color {
                Color::Red => 31,
                Color::Yellow => 33,
                _ => 1,
            };
            format!("\x1b[1;{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn color_allowed_on_stderr(&self) -> bool {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    /// A table with the given headers, styled for where stdout goes: boxed
    /// and fitted to the width on a terminal, plain aligned columns otherwise.
    pub fn table(&self, headers: &[&str]) -> Table {
        let mut table = Table::new();
        if self.stdout_tty {
            table.load_preset(presets::UTF8_HORIZONTAL_ONLY);
            table.set_content_arrangement(ContentArrangement::Dynamic);
        } else {
            table.load_preset(presets::NOTHING);
            table.force_no_tty();
        }
        if self.color {
            table.enforce_styling();
        }
        table.set_header(headers.iter().map(|h| self.header_cell(h)));
        table
    }

    fn header_cell(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }

    /// A cell coloured as a problem when colour is on.
    pub fn problem_cell(&self, text: &str) -> Cell {
        let cell = Cell::new(text);
        if self.color {
            cell.fg(Color::Red)
        } else {
            cell
        }
    }

    /// Prints a table on stdout, trimming the trailing spaces plain tables have.
    pub fn print_table(&self, table: &Table) -> Result<()> {
        let text: String = table
            .lines()
            .map(|line| line.trim_end().to_string() + "\n")
            .collect();
        self.out(&text)
    }

    /// A progress bar on stderr when a person is watching, hidden otherwise.
    pub fn progress(&self, len: u64, message: &str) -> ProgressBar {
        if !self.stderr_tty || self.quiet || self.json_output() || self.verbosity >= 2 {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    }
}

/// Prints an error the one way fencectl prints errors.
pub fn print_error(err: &anyhow::Error) {
    let painted = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        "\x1b[1;31merror\x1b[0m"
    } else {
        "error"
    };
    crate::eprintln_quiet!(
        "fencectl: {painted}: {}",
        terminal_safe(&format!("{err:#}"), false)
    );
}

/// The most of one table cell shown: comfy-table wraps a cell wider than
/// 65,535 columns in quadratic time (minutes for a cluster.conf device with
/// 200,000 attributes), and no one reads such a cell anyway.
pub const MAX_CELL_CHARS: usize = 4096;

/// Text for a table cell from a configuration or an agent: control
/// characters escaped, and cut at [`MAX_CELL_CHARS`] with a note of how
/// much was left out.
pub fn cell_text(text: &str) -> String {
    let safe = crate::sys::text::escape_controls(text);
    match safe.char_indices().nth(MAX_CELL_CHARS) {
        None => safe.into_owned(),
        Some((cut, _)) => format!(
            "{}... ({} more characters)",
            &safe[..cut],
            safe[cut..].chars().count()
        ),
    }
}

/// `text` as it may reach a terminal: every control character but line
/// breaks and tabs escaped (`\x1b`), so that a configuration or an agent
/// cannot move the cursor, clear the screen or retitle the window. With
/// `colour`, the SGR sequences (`ESC [ digits ; m`) of fencectl's own
/// coloured tables pass: they only change colours.
pub fn terminal_safe(text: &str, colour: bool) -> std::borrow::Cow<'_, str> {
    use crate::sys::text::escape_controls_keep_lines;
    if !colour || !text.contains('\x1b') {
        return escape_controls_keep_lines(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&escape_controls_keep_lines(&rest[..at]));
        let after = &rest[at + 1..];
        let sgr_len = after.strip_prefix('[').and_then(|p| {
            let digits = p.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            (p[digits..].starts_with('m')).then_some(digits + 2)
        });
        match sgr_len {
            Some(len) => {
                out.push_str(&rest[at..at + 1 + len]);
                rest = &after[len..];
            }
            None => {
                out.push_str("\\x1b");
                rest = after;
            }
        }
    }
    out.push_str(&escape_controls_keep_lines(rest));
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn only_fencectls_own_colours_reach_a_terminal() {
        assert_eq!(terminal_safe("a\x1b[2Jb\n", false), "a\\x1b[2Jb\n");
        assert_eq!(
            terminal_safe("\x1b[1;31merror\x1b[0m \x1b]0;title\x07", true),
            "\x1b[1;31merror\x1b[0m \\x1b]0;title\\x07"
        );
        assert_eq!(terminal_safe("\x1b[2J", true), "\\x1b[2J");
    }
}
