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
            self.text.push_str(&quick_xml::escape::escape(*value));
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

    /// `</name>`
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.text.push_str(&"  ".repeat(self.depth));
        self.text.push_str("</");
        self.text.push_str(name);
        self.text.push_str(">\n");
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
        let mut ids = IdSet::default();
        assert_eq!(ids.make("fl-node 1-1"), "fl-node_1-1");
        assert_eq!(ids.make("fl-node 1-1"), "fl-node_1-1-1");
        assert_eq!(ids.make("1x"), "_1x");
    }
}
