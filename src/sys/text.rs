//! Text from configurations and agents: control characters refused where a
//! value reaches an agent, escaped where it reaches a terminal.
//!
//! Fence agents read their stdin one `name=value` per line (fencing.py
//! reads it in text mode, so `\r` ends a line too). A value holding a line
//! break would add an argument of its own choosing (`action=on` after the
//! configured `off`). fencectl refuses every control character in what it
//! sends: C0 (tab included: no fence parameter holds one, and a tab is
//! far more likely a paste accident than a password), DEL, C1 (U+0085 is a
//! line break to Python's `splitlines`) and the Unicode line and paragraph
//! separators U+2028 and U+2029. The refusal names the character, never the
//! value, which may be a password.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` is a character fencectl never sends to an agent nor prints raw.
pub fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// What is wrong with a value or name bound for an agent's stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StdinProblem {
    /// A control character in a value (or a name).
    Control(char),
    /// A name that is empty.
    EmptyName,
    /// A name holding `=`, which would move the split into name and value.
    EqualsInName,
    /// A name holding a space: fencing.py would not recognise it.
    SpaceInName,
}

impl StdinProblem {
    /// True for a character that would start a new stdin line.
    pub fn injects(&self) -> bool {
        matches!(
            self,
            StdinProblem::Control('\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
        )
    }
}

impl fmt::Display for StdinProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StdinProblem::Control(c) if self.injects() => write!(
                f,
                "holds {}; fence agents read one name=value per line, so it would \
                 inject a new argument. Remove it",
                describe_control(*c)
            ),
            StdinProblem::Control(c) => write!(
                f,
                "holds {}; fencectl sends no control characters to an agent. Remove it",
                describe_control(*c)
            ),
            StdinProblem::EmptyName => write!(f, "has an empty name"),
            StdinProblem::EqualsInName => write!(
                f,
                "has '=' in its name; an agent reads name=value, so it would take another \
                 argument. Rename it"
            ),
            StdinProblem::SpaceInName => write!(
                f,
                "has a space in its name; no agent parameter has one. Rename it"
            ),
        }
    }
}

/// The name of control character `c` for messages (never the value itself).
pub fn describe_control(c: char) -> &'static str {
    match c {
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\0' => "a NUL character",
        '\t' => "a tab",
        '\u{1b}' => "an escape character",
        '\u{7f}' => "a DEL character",
        '\u{85}' | '\u{2028}' | '\u{2029}' => "a Unicode line separator",
        _ => "a control character",
    }
}

/// Why `value` cannot be sent on an agent's stdin, if it cannot.
pub fn stdin_value_problem(value: &str) -> Option<StdinProblem> {
    // A line break is reported before any other character: it is the attack.
    let breaking = value.chars().find(|&c| matches!(c, '\n' | '\r'));
    breaking
        .or_else(|| value.chars().find(|&c| is_control(c)))
        .map(StdinProblem::Control)
}

/// Why `name` cannot be a parameter name on an agent's stdin, if it cannot.
pub fn stdin_name_problem(name: &str) -> Option<StdinProblem> {
    if name.is_empty() {
        return Some(StdinProblem::EmptyName);
    }
    if let Some(problem) = stdin_value_problem(name) {
        return Some(problem);
    }
    if name.contains('=') {
        return Some(StdinProblem::EqualsInName);
    }
    if name.chars().any(char::is_whitespace) {
        return Some(StdinProblem::SpaceInName);
    }
    None
}

/// The first argument of `args` that cannot be sent, with its problem.
pub fn stdin_args_problem(args: &[(String, String)]) -> Option<(&str, StdinProblem)> {
    args.iter().find_map(|(name, value)| {
        stdin_name_problem(name)
            .or_else(|| stdin_value_problem(value))
            .map(|p| (name.as_str(), p))
    })
}

/// `text` with every control character escaped (`\n`, `\r`, `\t`, `\x1b`,
/// `\u{85}`), so that a configuration or an agent cannot move the cursor,
/// recolour or clear an administrator's terminal, nor fake a line of output.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_control(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_controls`], but keeps line breaks (and tabs): for
/// multi-line text such as an agent's output echoed line by line.
pub fn escape_controls_keep_lines(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_control(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text
        .split('\n')
        .map(|line| {
            let kept: Vec<Cow<'_, str>> = line.split('\t').map(escape_controls).collect();
            Cow::Owned(kept.join("\t"))
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Whether XML 1.0 can carry `c` at all (as a character or a reference).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_with_line_breaks_or_controls_are_refused() {
        assert_eq!(stdin_value_problem("10.0.0.1"), None);
        assert_eq!(stdin_value_problem("pass word é"), None);
        let injection = stdin_value_problem("10.0.0.1\naction=on").unwrap();
        assert!(injection.injects());
        assert!(injection.to_string().contains("a line break"));
        assert!(stdin_value_problem("a\rb").unwrap().injects());
        assert!(stdin_value_problem("a\u{2028}b").unwrap().injects());
        for bad in [
            "a\0b",
            "a\tb",
            "a\u{1b}[2Jb",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{9b}b",
        ] {
            assert!(stdin_value_problem(bad).is_some(), "{bad:?}");
        }
        // The line break is named even after another control character.
        assert_eq!(
            stdin_value_problem("a\tb\nc"),
            Some(StdinProblem::Control('\n'))
        );
    }

    #[test]
    fn names_are_bare() {
        assert_eq!(stdin_name_problem("ip"), None);
        assert_eq!(stdin_name_problem("status-file"), None);
        assert_eq!(stdin_name_problem(""), Some(StdinProblem::EmptyName));
        assert_eq!(stdin_name_problem("a=b"), Some(StdinProblem::EqualsInName));
        assert_eq!(stdin_name_problem("a b"), Some(StdinProblem::SpaceInName));
        assert!(stdin_name_problem("a\nb").unwrap().injects());
    }

    #[test]
    fn terminal_text_is_escaped() {
        assert_eq!(escape_controls("plain"), "plain");
        assert_eq!(
            escape_controls("a\nb\r\t\u{1b}[31m"),
            "a\\nb\\r\\t\\x1b[31m"
        );
        assert_eq!(escape_controls("\u{9b}\u{2028}"), "\\u{9b}\\u{2028}");
        assert_eq!(
            escape_controls_keep_lines("ok\n\u{1b}[2Jx\tY\n"),
            "ok\n\\x1b[2Jx\tY\n"
        );
    }

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('\n') && is_xml_char('a') && is_xml_char('é'));
        assert!(!is_xml_char('\u{1}') && !is_xml_char('\u{FFFE}') && !is_xml_char('\0'));
    }
}
