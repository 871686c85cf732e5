//! A small element tree over quick-xml that keeps line numbers, so that
//! every diagnostic about an agent's XML can say where it is.

use std::fmt;

use quick_xml::events::Event;
use quick_xml::Reader;

/// How deep elements may nest (as libxml2's default limit).
pub const MAX_DEPTH: usize = 256;

/// The most XML fencectl will parse: agents print tens of KiB.
pub const MAX_XML_BYTES: usize = 16 * 1024 * 1024;

/// One element, with its attributes in document order, its child elements,
/// and its text (the concatenated, unescaped character data directly inside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
    /// Byte offsets of the element in the document: from its `<` to just
    /// after its end tag (so that it can be replaced in place).
    pub start: usize,
    pub end: usize,
}

impl Element {
    /// The value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Child elements called `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }
}

/// Why a document did not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for XmlError {}

/// 1-based line and column of byte `offset` in `bytes`.
pub fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Parses a whole document into its root element. Rejects what is not
/// UTF-8, DOCTYPE declarations (entities), unknown entities, mismatched or
/// unclosed tags, text or a second element after the root, and documents
/// over [`MAX_XML_BYTES`].
pub fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let error_at = |offset: usize, message: String| {
        let (line, column) = line_column(bytes, offset);
        XmlError {
            line,
            column,
            message,
        }
    };
    if bytes.len() > MAX_XML_BYTES {
        return Err(error_at(
            MAX_XML_BYTES,
            format!("document is larger than {} MiB", MAX_XML_BYTES >> 20),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        error_at(
            e.valid_up_to(),
            "not valid UTF-8 (fence agent XML must be UTF-8)".into(),
        )
    })?;
    if text.trim().is_empty() {
        return Err(error_at(0, "no XML: the output is empty".into()));
    }
    // quick-xml skips a byte order mark without counting it in its positions.
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let offset = |position: u64| usize::try_from(position).map_or(usize::MAX, |p| p + bom);
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let (mut line, mut counted) = (1usize, 0usize);
    loop {
        let start = offset(reader.buffer_position());
        let event = reader.read_event().map_err(|e| {
            let at = offset(reader.error_position());
            error_at(at, e.to_string())
        })?;
        // Lines are counted as the reader moves on, not from the start of
        // the document each time (that would be quadratic).
        line += bytes[counted..start.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start.min(bytes.len());
        let event_kind = if matches!(event, Event::Empty(_)) {
            Kind::Empty
        } else {
            Kind::Other
        };
        match event {
            Event::Start(tag) | Event::Empty(tag) => {
                let self_closing = matches!(event_kind, Kind::Empty);
                let mut element = start_element(&tag, line).map_err(|m| error_at(start, m))?;
                element.start = start;
                element.end = offset(reader.buffer_position());
                if stack.is_empty() && root.is_some() {
                    return Err(error_at(
                        start,
                        format!("a second root element <{}>", element.name),
                    ));
                }
                if self_closing {
                    attach(&mut stack, &mut root, element);
                } else if stack.len() >= MAX_DEPTH {
                    // Dropping (and walking) a deeper tree would recurse
                    // that deep; libxml2 stops at 256 levels too.
                    return Err(error_at(
                        start,
                        format!("elements nested more than {MAX_DEPTH} deep"),
                    ));
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let mut element = stack
                    .pop()
                    .ok_or_else(|| error_at(start, "unexpected end tag".into()))?;
                element.end = offset(reader.buffer_position());
                attach(&mut stack, &mut root, element);
            }
            Event::Text(content) => {
                let unescaped = content
                    .unescape()
                    .map_err(|e| error_at(start + bad_reference(&content), e.to_string()))?;
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&unescaped),
                    None if unescaped.trim().is_empty() => {}
                    None => {
                        let stray = content
                            .iter()
                            .position(|b| !b.is_ascii_whitespace())
                            .unwrap_or(0);
                        return Err(error_at(
                            start + stray,
                            "text outside the root element".into(),
                        ));
                    }
                }
            }
            Event::CData(data) => {
                let raw = String::from_utf8_lossy(&data.into_inner()).into_owned();
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&raw),
                    None => return Err(error_at(start, "CDATA outside the root element".into())),
                }
            }
            Event::DocType(_) => {
                return Err(error_at(
                    start,
                    "DOCTYPE declarations are not allowed in agent metadata".into(),
                ))
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(error_at(
            bytes.len(),
            format!(
                "truncated: <{}> (line {}) is never closed",
                open.name, open.line
            ),
        ));
    }
    root.ok_or_else(|| error_at(bytes.len(), "no root element".into()))
}

/// Where in raw text the first reference that is not one of XML's own
/// (`&amp;`, `&#10;`...) starts, to place an entity error on its line.
fn bad_reference(raw: &[u8]) -> usize {
    const KNOWN: [&[u8]; 5] = [b"&amp;", b"&lt;", b"&gt;", b"&quot;", b"&apos;"];
    raw.iter()
        .enumerate()
        .filter(|(_, &b)| b == b'&')
        .map(|(i, _)| i)
        .find(|&i| {
            let rest = &raw[i..];
            !rest.starts_with(b"&#") && !KNOWN.iter().any(|k| rest.starts_with(k))
        })
        .unwrap_or(0)
}

enum Kind {
    Empty,
    Other,
}

fn start_element(tag: &quick_xml::events::BytesStart<'_>, line: usize) -> Result<Element, String> {
    let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    // quick-xml's own duplicate check compares each key with every earlier
    // one (quadratic: minutes for one element with 200,000 attributes), so
    // it is off and a hash set does it instead.
    let mut seen = std::collections::HashSet::new();
    let mut raw_attrs = tag.attributes();
    raw_attrs.with_checks(false);
    for attr in raw_attrs {
        let attr = attr.map_err(|e| format!("in <{name}>: {e}"))?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        if !seen.insert(key.clone()) {
            return Err(format!("in <{name}>: attribute {key} is given twice"));
        }
        let value = attribute_value(&attr.value)
            .map_err(|e| format!("in <{name}> attribute {key}: {e}"))?;
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
        start: 0,
        end: 0,
    })
}

/// An attribute's value as every XML parser reads it (XML 1.0 section
/// 3.3.3, attribute-value normalisation): a literal line break or tab is
/// a space, and only a character reference (`&#10;`) is a line break. So
/// fencectl reads a configuration as cman and Pacemaker (libxml2) read it.
fn attribute_value(raw: &[u8]) -> Result<String, quick_xml::escape::EscapeError> {
    let raw = String::from_utf8_lossy(raw);
    let normalised = if raw.contains(['\n', '\r', '\t']) {
        std::borrow::Cow::Owned(raw.replace("\r\n", " ").replace(['\n', '\r', '\t'], " "))
    } else {
        raw
    };
    Ok(quick_xml::escape::unescape(&normalised)?.into_owned())
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_lines() {
        let doc =
            parse(b"<?xml version=\"1.0\"?>\n<a x=\"1&amp;2\">\n  <b/>\n  <c>t&lt;</c>\n</a>\n")
                .unwrap();
        assert_eq!(doc.name, "a");
        assert_eq!(doc.attr("x"), Some("1&2"));
        assert_eq!(doc.children.len(), 2);
        assert_eq!(doc.children[0].line, 3);
        assert_eq!(doc.child("c").unwrap().text, "t<");
    }

    #[test]
    fn errors_have_positions() {
        let truncated = parse(b"<a>\n<b>").unwrap_err();
        assert!(truncated.message.contains("never closed"), "{truncated}");
        let entity = parse(b"<a>\n &nbsp;</a>").unwrap_err();
        assert_eq!(entity.line, 2);
        let utf8 = parse(b"<a>\n\xff</a>").unwrap_err();
        assert_eq!((utf8.line, utf8.column), (2, 1));
        assert!(parse(b"garbage").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a/><b/>").is_err());
        assert!(parse(b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").is_err());
        assert!(parse(b"<a></b>").is_err());
        assert!(parse(b"<a x=\"1\" x=\"2\"/>")
            .unwrap_err()
            .message
            .contains("twice"));
        let deep = "<a>".repeat(100_000);
        assert!(parse(deep.as_bytes())
            .unwrap_err()
            .message
            .contains("nested"));
    }

    #[test]
    fn attribute_values_are_normalised_as_xml_parsers_do() {
        let doc = parse(b"<a x=\"1\n2\r\n3\t4\" y=\"5&#10;6&#9;7\"/>").unwrap();
        assert_eq!(doc.attr("x"), Some("1 2 3 4"));
        assert_eq!(doc.attr("y"), Some("5\n6\t7"));
    }

    /// See issue 9: one element with 200,000 attributes took 27 s
    /// (quadratic duplicate checking); it is read in linear time now.
    #[test]
    fn issue9_many_attributes_parse_in_linear_time() {
        let mut doc = String::from("<a");
        for i in 0..200_000 {
            doc.push_str(&format!(" a{i}=\"{i}\""));
        }
        doc.push_str("/>");
        let root = parse(doc.as_bytes()).unwrap();
        assert_eq!(root.attrs.len(), 200_000);
        assert_eq!(root.attr("a199999"), Some("199999"));
    }
}
