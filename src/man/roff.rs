//! Just enough roff (man(7)) for fencectl's pages.

/// A man page being written.
pub struct Roff {
    text: String,
}

impl Roff {
    /// A page with its `.TH` line: `title(section)`, from `source`.
    pub fn new(title: &str, section: &str, source: &str) -> Roff {
        Roff {
            // No hyphenation: names such as crm_verify(8) stay whole.
            text: format!(
                ".TH {} {section} \"\" \"{}\"\n.nh\n",
                escape(title),
                escape(source)
            ),
        }
    }

    /// `.SH NAME`.
    pub fn section(&mut self, name: &str) {
        self.text.push_str(&format!(".SH \"{name}\"\n"));
    }

    /// Lines already in roff.
    pub fn text(&mut self, roff: &str) {
        self.text.push_str(roff);
        if !roff.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// A paragraph of plain text.
    pub fn paragraph(&mut self, plain: &str) {
        self.text.push_str(".PP\n");
        self.text(&escape(plain));
    }

    /// A tagged paragraph: `tag` in roff, the body plain text.
    pub fn item(&mut self, tag: &str, body: &str) {
        self.text.push_str(".TP\n");
        self.text(tag);
        if !body.is_empty() {
            self.text(&escape(body));
        }
    }

    /// A command line shown as it is typed, indented.
    pub fn example(&mut self, description: &str, lines: &[&str]) {
        self.paragraph(description);
        self.text.push_str(".RS 4\n.nf\n");
        for line in lines {
            self.text(&format!("\\fB{}\\fR", escape(line)));
        }
        self.text.push_str(".fi\n.RE\n");
    }

    /// The page's text.
    pub fn finish(self) -> String {
        self.text
    }
}

/// Plain text as roff: backslashes and hyphens escaped, and a line that
/// would start with a control character (`.` or `'`) kept as text.
pub fn escape(plain: &str) -> String {
    let mut out = String::with_capacity(plain.len());
    for (i, line) in plain.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with('.') || line.starts_with('\'') {
            out.push_str("\\&");
        }
        for c in line.chars() {
            match c {
                '\\' => out.push_str("\\e"),
                '-' => out.push_str("\\-"),
                _ => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_hyphens_backslashes_and_control_lines() {
        assert_eq!(escape("--agent-dir"), "\\-\\-agent\\-dir");
        assert_eq!(escape("a\\b"), "a\\eb");
        assert_eq!(escape(".hidden\n'quote"), "\\&.hidden\n\\&'quote");
    }
}
