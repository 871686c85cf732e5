//! A small indenting XML writer with escaping, and unique XML IDs.

use std::collections::HashSet;

/// Builds an XML text, two spaces per level.
#[derive(Debug, Default)]
pub struct XmlOut {
    pub text: String,
    depth: usize,
}

impl XmlOut {
    pub fn new(depth: usize) -> XmlOut {
        XmlOut {
            text: String::new(),
            depth,
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)], close: &str) {
        self.text.push_str(&"  ".repeat(self.depth));
        self.text.push('<');
        self.text.push_str(name);
        for (key, value) in attrs {
            self.text.push(' ');
            self.text.push_str(key);
            self.text.push_str("=\"");
            escape_attribute(&mut self.text, value);
            self.text.push('"');
        }
        self.text.push_str(close);
        self.text.push('\n');
    }

    /// `<name attrs>`, then children one level deeper.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs, ">");
        self.depth += 1;
    }

    /// `<name attrs/>`
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs, "/>");
    }

    /// `<name attrs>text</name>` on one line, the text escaped.
    pub fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs, ">");
        self.text.pop();
        for c in text.chars() {
            match c {
                '&' => self.text.push_str("&amp;"),
                '<' => self.text.push_str("&lt;"),
                '>' => self.text.push_str("&gt;"),
                '\r' => self.text.push_str("&#13;"),
                c if !crate::sys::text::is_xml_char(c) => self.text.push('\u{FFFD}'),
                c => self.text.push(c),
            }
        }
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push_str(">\n");
    }

    /// The XML declaration (first, before the root element).
    pub fn declaration(&mut self) {
        self.text.push_str("<?xml version=\"1.0\"?>\n");
    }

    /// A part written by another `XmlOut` (started at this one's depth).
    pub fn fragment(&mut self, written: &str) {
        self.text.push_str(written);
    }

    /// The depth the next element is written at.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// `</name>`
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.text.push_str(&"  ".repeat(self.depth));
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push_str(">\n");
    }
}

/// Appends `value` escaped for a double-quoted attribute. Line breaks and
/// tabs are written as character references (`&#10;`, `&#13;`, `&#9;`):
/// written raw, every XML parser would read them back as spaces
/// (attribute-value normalisation). Characters XML 1.0 cannot carry at all
/// are refused earlier, by the inventory check, with the key that holds
/// them; should one still come here it is written as U+FFFD, so that the
/// document stays well-formed.
pub fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if !crate::sys::text::is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Document-wide unique XML IDs, derived deterministically.
#[derive(Debug, Default)]
pub struct IdSet {
    used: HashSet<String>,
}

impl IdSet {
    /// Reserves ids already in use (device ids).
    pub fn reserve(&mut self, id: &str) {
        self.used.insert(id.to_string());
    }

    /// `wanted` made a valid NCName and unique (`-1`, `-2`... on a clash).
    pub fn make(&mut self, wanted: &str) -> String {
        let mut base: String = wanted
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            base.insert(0, '_');
        }
        let mut id = base.clone();
        let mut n = 1;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_ids() {
        let mut out = XmlOut::new(0);
        out.empty("nvpair", &[("value", "a<b&\"c'")]);
        assert_eq!(out.text, "<nvpair value=\"a&lt;b&amp;&quot;c&apos;\"/>\n");
        let mut out = XmlOut::new(0);
        out.empty("nvpair", &[("value", "line 1\nline 2\r\tend")]);
        assert_eq!(
            out.text,
            "<nvpair value=\"line 1&#10;line 2&#13;&#9;end\"/>\n"
        );
        let read = crate::xml::parse(out.text.as_bytes()).unwrap();
        assert_eq!(read.attr("value"), Some("line 1\nline 2\r\tend"));
        let mut ids = IdSet::default();
        assert_eq!(ids.make("fl-node 1-1"), "fl-node_1-1");
        assert_eq!(ids.make("fl-node 1-1"), "fl-node_1-1-1");
        assert_eq!(ids.make("1x"), "_1x");
    }
}
