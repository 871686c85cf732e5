//! One Printer for the whole tool: data on stdout, diagnostics on stderr,
//! colour and progress bars only where a person is watching.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::Result;
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
    stderr_color: bool,
    stderr_tty: bool,
    /// Where tables wrap their free-text column; None: never (no terminal).
    width: Option<usize>,
}

impl Printer {
    pub fn new(global: &GlobalArgs) -> Printer {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let color = colour_wanted(global.color, stdout_tty) && global.format != Format::Json;
        let stderr_color = colour_wanted(global.color, stderr_tty);
        Printer {
            format: global.format,
            verbosity: if global.quiet { 0 } else { global.verbose },
            quiet: global.quiet,
            color,
            stderr_color,
            stderr_tty,
            width: stdout_tty.then(terminal_width),
        }
    }

    /// The terminal's width when stdout is one; None in a pipe.
    pub fn width(&self) -> Option<usize> {
        self.width
    }

    /// A paragraph as it reads best where it goes: on a terminal wrapped
    /// at spaces to its width, each line after the first indented with
    /// `rest`; in a pipe one line. The first line starts with `first`.
    pub fn prose(&self, text: &str, first: &str, rest: &str) -> String {
        let mut out = String::new();
        match self.width {
            Some(width) => {
                let options = textwrap::Options::new(width)
                    .initial_indent(first)
                    .subsequent_indent(rest)
                    .break_words(false)
                    .word_separator(textwrap::WordSeparator::AsciiSpace)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation);
                for line in textwrap::wrap(text, options) {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            None => {
                out.push_str(first);
                out.push_str(text);
                out.push('\n');
            }
        }
        out
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
                self.paint_err("warning", 33),
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

    fn paint_err(&self, text: &str, code: u8) -> String {
        if self.stderr_color {
            format!("\x1b[1;{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A line on stderr that is part of a command's report (not a
    /// diagnostic): shown even at -q, control characters escaped.
    pub fn err_line(&self, text: &str) {
        crate::eprintln_quiet!("{}", terminal_safe(text, false));
    }

    /// Text on stderr that is part of a command's dialogue, as is (no
    /// newline added); control characters escaped.
    pub fn err_text(&self, text: &str) {
        crate::eprintln_quiet!("{}", terminal_safe(text.trim_end_matches('\n'), false));
    }

    /// A diagnostic line on stderr as is, unless -q (prompts' surroundings,
    /// hints); control characters escaped.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            crate::eprintln_quiet!("{}", terminal_safe(text, false));
        }
    }

    /// An error the one way fencectl prints errors, coloured by the
    /// printer's colour policy.
    pub fn error(&self, err: &anyhow::Error) {
        crate::eprintln_quiet!(
            "fencectl: {}: {}",
            self.paint_err("error", 31),
            terminal_safe(&format!("{err:#}"), false)
        );
    }

    /// A table with the given headers: columns as wide as their content,
    /// and on a terminal only the free-text column (DESCRIPTION, MESSAGE,
    /// DETAIL, ...) wrapped, at word boundaries, to fit the width.
    pub fn table(&self, headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            free_text: headers.iter().rposition(|h| FREE_TEXT_HEADERS.contains(h)),
            optional: Vec::new(),
            width: self.width,
            color: self.color,
        }
    }

    /// A cell coloured as a problem when colour is on.
    pub fn problem_cell(&self, text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            problem: true,
        }
    }

    /// Prints a table on stdout.
    pub fn print_table(&self, table: &Table) -> Result<()> {
        self.out(&table.render())
    }

    /// Whether the progress bar may show: stderr a terminal, not quiet,
    /// not JSON, and not at -vv and above where its redraws would mix
    /// with the detail lines.
    pub fn progress_allowed(&self) -> bool {
        self.stderr_tty && !self.quiet && !self.json_output() && self.verbosity < 2
    }

    /// A spinner on stderr for a run with no known length, when progress
    /// may show ([`Printer::progress_allowed`]); lines go through its
    /// `println` so that they do not tear.
    pub fn spinner(&self) -> Option<ProgressBar> {
        self.progress_allowed().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        })
    }

    /// A progress bar on stderr when a person is watching, hidden otherwise.
    pub fn progress(&self, len: u64, message: &str) -> ProgressBar {
        if !self.progress_allowed() {
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

/// Whether colour is wanted on a stream: `--color always|never`, else
/// only on a terminal and without a non-empty `NO_COLOR` (no-color.org).
pub fn colour_wanted(choice: ColorChoice, tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The terminal's width: `COLUMNS` when set, else the terminal's own.
fn terminal_width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return columns;
    }
    // SAFETY: TIOCGWINSZ fills a winsize struct we own.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if ok && size.ws_col > 0 {
        usize::from(size.ws_col)
    } else {
        80
    }
}

/// Column headers whose cells are prose: the one column a table wraps.
const FREE_TEXT_HEADERS: &[&str] = &["DESCRIPTION", "EXPLANATION", "MESSAGE", "DETAIL", "REASON"];

/// Below this, a wrapped free-text column costs more lines than the
/// optional columns are worth.
const READABLE_FREE_TEXT: usize = 50;

/// The narrowest a wrapped free-text column gets, however wide the others.
const MIN_FREE_TEXT: usize = 24;

/// One cell of a [`Table`].
#[derive(Debug, Clone)]
pub struct Cell {
    text: String,
    problem: bool,
}

impl Cell {
    pub fn new(content: impl std::fmt::Display) -> Cell {
        Cell {
            text: content.to_string(),
            problem: false,
        }
    }
}

/// Plain aligned columns, two spaces apart, a header, no rules between
/// rows. Made by [`Printer::table`].
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
    free_text: Option<usize>,
    /// Columns left out on a terminal too narrow for them and a readable
    /// free-text column.
    optional: Vec<(usize, Option<&'static str>)>,
    width: Option<usize>,
    color: bool,
}

impl Table {
    pub fn add_row(&mut self, cells: Vec<Cell>) -> &mut Table {
        self.rows.push(cells);
        self
    }

    /// Makes `column` the one that wraps (instead of the last column with a
    /// prose header such as DESCRIPTION or MESSAGE).
    pub fn wrap(&mut self, column: usize) -> &mut Table {
        self.free_text = Some(column);
        self
    }

    /// Marks a column as one a narrow terminal may leave out (the
    /// information is in `--format json`): it goes when the free-text column
    /// would otherwise wrap narrower than [`READABLE_FREE_TEXT`].
    pub fn optional(&mut self, column: usize) -> &mut Table {
        self.optional.push((column, None));
        self
    }

    /// Like [`Table::optional`], but a column left out is not lost: its
    /// value goes at the end of the row's free text, as `Label: value.`
    pub fn foldable(&mut self, column: usize, label: &'static str) -> &mut Table {
        self.optional.push((column, Some(label)));
        self
    }

    /// The table as text, every line ending in a newline.
    pub fn render(&self) -> String {
        let mut table = self.clone();
        while let Some(column) = table.column_to_leave_out() {
            table.remove_column(column);
        }
        table.render_all()
    }

    fn column_to_leave_out(&self) -> Option<(usize, Option<&'static str>)> {
        let widths = self.natural_widths();
        let at = self.wrap_width(&widths)?;
        if at >= READABLE_FREE_TEXT {
            return None;
        }
        self.optional.last().copied()
    }

    fn remove_column(&mut self, (column, fold): (usize, Option<&'static str>)) {
        self.optional.retain(|(c, _)| *c != column);
        for (c, _) in &mut self.optional {
            if *c > column {
                *c -= 1;
            }
        }
        let free_text = self.free_text;
        self.free_text = free_text.map(|f| if f > column { f - 1 } else { f });
        self.headers.remove(column);
        for row in &mut self.rows {
            if column >= row.len() {
                continue;
            }
            let removed = row.remove(column);
            if let (Some(label), Some(f)) = (fold, self.free_text) {
                if !removed.text.is_empty() && f < row.len() {
                    let text = &mut row[f].text;
                    if !text.is_empty() && !text.ends_with('.') {
                        text.push('.');
                    }
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    match removed.text.as_str() {
                        "yes" => text.push_str(&format!("{label}.")),
                        value => text.push_str(&format!("{label}: {value}.")),
                    }
                }
            }
        }
    }

    fn natural_widths(&self) -> Vec<usize> {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| display_width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                let widest = cell.text.lines().map(display_width).max().unwrap_or(0);
                widths[i] = widths[i].max(widest);
            }
        }
        widths
    }

    fn render_all(&self) -> String {
        let mut widths = self.natural_widths();
        let wrap_at = self.wrap_width(&widths);
        if let (Some(col), Some(at)) = (self.free_text, wrap_at) {
            widths[col] = at;
        }
        let header: Vec<Cell> = self.headers.iter().map(Cell::new).collect();
        let mut out = String::new();
        self.render_row(&header, &widths, None, true, &mut out);
        for row in &self.rows {
            self.render_row(row, &widths, wrap_at, false, &mut out);
        }
        out
    }

    /// The free-text column's width when the table is wider than the
    /// terminal; None when nothing wraps.
    fn wrap_width(&self, widths: &[usize]) -> Option<usize> {
        let (col, width) = (self.free_text?, self.width?);
        let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        if total <= width {
            return None;
        }
        let others = total - widths[col];
        Some(
            width
                .saturating_sub(others)
                .max(MIN_FREE_TEXT)
                .min(widths[col]),
        )
    }

    fn render_row(
        &self,
        row: &[Cell],
        widths: &[usize],
        wrap_at: Option<usize>,
        header: bool,
        out: &mut String,
    ) {
        let cells: Vec<Vec<String>> = (0..widths.len())
            .map(|i| {
                let text = row.get(i).map_or("", |c| c.text.as_str());
                match wrap_at {
                    Some(at) if Some(i) == self.free_text => text
                        .lines()
                        .flat_map(|line| {
                            let options = textwrap::Options::new(at)
                                .break_words(false)
                                .word_separator(textwrap::WordSeparator::AsciiSpace)
                                .word_splitter(textwrap::WordSplitter::NoHyphenation);
                            textwrap::wrap(line, options)
                                .into_iter()
                                .map(|l| l.into_owned())
                                .collect::<Vec<_>>()
                        })
                        .collect(),
                    _ => text.lines().map(str::to_string).collect(),
                }
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for line in 0..height {
            let mut text = String::new();
            for (i, lines) in cells.iter().enumerate() {
                let part = lines.get(line).map_or("", String::as_str);
                let problem = row.get(i).is_some_and(|c| c.problem);
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(&self.paint(part, header, problem));
                if i + 1 < cells.len() {
                    let pad = widths[i].saturating_sub(display_width(part));
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
    }

    fn paint(&self, text: &str, header: bool, problem: bool) -> String {
        match (self.color && !text.is_empty(), header, problem) {
            (true, true, _) => format!("\x1b[1m{text}\x1b[0m"),
            (true, false, true) => format!("\x1b[31m{text}\x1b[0m"),
            _ => text.to_string(),
        }
    }
}

fn display_width(text: &str) -> usize {
    textwrap::core::display_width(text)
}

/// Prints clap's message for a command line it could not parse (before a
/// Printer exists: the Printer's colour policy, `--color` aside): its
/// `error: ` becomes fencectl's `fencectl: error: `; what is no error (the
/// help a command without its subcommand prints) stays as it is.
pub fn print_usage_error(message: &str) {
    let message = match message.strip_prefix("error: ") {
        Some(rest) => {
            let painted = if colour_wanted(ColorChoice::Auto, std::io::stderr().is_terminal()) {
                "\x1b[1;31merror\x1b[0m"
            } else {
                "error"
            };
            format!("fencectl: {painted}: {}", terminal_safe(rest, false))
        }
        None => terminal_safe(message, false).into_owned(),
    };
    crate::eprintln_quiet!("{}", message.trim_end_matches('\n'));
}

/// The most of one table cell shown: a cell of a cluster.conf device with
/// 200,000 attributes would set a column's width for the whole table, and
/// no one reads such a cell anyway (the table library fencectl once used
/// also wrapped it in quadratic time).
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
    use super::{terminal_safe, Cell, Table};

    fn table(width: Option<usize>) -> Table {
        let mut table = Table {
            headers: vec!["NAME".into(), "DEFAULT".into(), "DESCRIPTION".into()],
            rows: Vec::new(),
            free_text: Some(2),
            optional: Vec::new(),
            width,
            color: false,
        };
        table.add_row(vec![
            Cell::new("password_script"),
            Cell::new("/usr/bin/pw"),
            Cell::new("Script to run to retrieve password"),
        ]);
        table
    }

    #[test]
    fn issue15_only_the_free_text_wraps_at_spaces_and_pipes_never_wrap() {
        assert_eq!(
            table(Some(40)).render(),
            "NAME             DEFAULT      DESCRIPTION\n\
             password_script  /usr/bin/pw  Script to run to\n\
             \x20                             retrieve password\n"
        );
        assert_eq!(table(None).render().lines().count(), 2);
        assert_eq!(table(Some(200)).render().lines().count(), 2);
        let mut folded = table(Some(40));
        folded.foldable(1, "Default");
        let text = folded.render();
        assert!(text.starts_with("NAME             DESCRIPTION\n"), "{text}");
        assert!(text.contains("Default: /usr/bin/pw."), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 40), "{text}");
    }

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
