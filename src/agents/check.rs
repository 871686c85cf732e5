//! `metadata --check`: the rules of fence-agents' metadata.rng, checked
//! here (xmllint is only the tests' oracle), and what the schema cannot
//! see. Schema violations and what breaks consumers are errors; the rest
//! are warnings.

use std::collections::HashMap;

use super::finding::Finding;
use crate::xml::{self, Element};

/// Deeper than this is not metadata (which needs 5 levels); libxml2 stops
/// at the same depth. Checked before building the tree, whose recursive
/// drop would overflow the stack on a document nested thousands deep.
const MAX_DEPTH: usize = 256;

/// Checks an agent's metadata output. Returns every finding, in document
/// order: errors for what metadata.rng rejects and what breaks consumers,
/// warnings for the rest.
pub fn check_metadata(bytes: &[u8]) -> Vec<Finding> {
    if let Some(finding) = too_deep(bytes) {
        return vec![finding];
    }
    let root = match xml::parse(bytes) {
        Ok(root) => root,
        Err(err) => {
            return vec![Finding::error(
                "not-xml",
                "document",
                Some(err.line),
                format!("not well-formed XML: {err}"),
            )]
        }
    };
    let mut checker = Checker::default();
    checker.schema(&root);
    checker.semantics(&root);
    checker.findings.sort_by_key(|f| f.line.unwrap_or(0));
    checker.findings
}

/// An error when elements nest deeper than [`MAX_DEPTH`]. Anything this
/// scan cannot read is left to [`xml::parse`], which says where it fails.
fn too_deep(bytes: &[u8]) -> Option<Finding> {
    if bytes.len() > xml::MAX_XML_BYTES {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = quick_xml::Reader::from_str(text);
    // As lenient as possible, so that this scan gets at least as far as
    // the real parser does.
    reader.config_mut().check_end_names = false;
    reader.config_mut().check_comments = false;
    let mut depth = 0usize;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match reader.read_event().ok()? {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth = depth.saturating_sub(1),
            quick_xml::events::Event::Eof => return None,
            _ => {}
        }
        if depth > MAX_DEPTH {
            let (line, column) = xml::line_column(bytes, start);
            return Some(Finding::error(
                "not-xml",
                "document",
                Some(line),
                format!(
                    "not fence agent metadata: elements are nested more than {MAX_DEPTH} deep \
                     (line {line}, column {column}); metadata needs 5 levels"
                ),
            ));
        }
    }
}

/// `" (allowed: a, b)"`, to tell what to write instead of an unknown attribute.
fn allowed_list(rules: &[AttrRule]) -> String {
    if rules.is_empty() {
        return " (this element takes no attributes)".into();
    }
    let names: Vec<&str> = rules.iter().map(|r| r.name).collect();
    format!(" (allowed: {})", names.join(", "))
}

#[derive(Default)]
struct Checker {
    findings: Vec<Finding>,
}

/// One attribute the schema allows, and whether it must be there.
struct AttrRule {
    name: &'static str,
    required: bool,
    boolean: bool,
}

const fn attr(name: &'static str, required: bool, boolean: bool) -> AttrRule {
    AttrRule {
        name,
        required,
        boolean,
    }
}

/// What a finding is about: `parameter ip`, `action off`, `symlink fence_ilo3`
/// or `<vendor-url>`.
fn subject(element: &Element) -> String {
    match element.attr("name") {
        Some(name) if matches!(element.name.as_str(), "parameter" | "action" | "symlink") => {
            format!("{} {name}", element.name)
        }
        _ => format!("<{}>", element.name),
    }
}

/// XML's own whitespace. Rust's `trim` also strips Unicode spaces (NBSP,
/// U+3000...), which RelaxNG counts as text.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// An attribute value as RelaxNG's `token` datatype compares it: without
/// surrounding whitespace (`unique=" 1 "` is valid; `<value>` is a token).
fn token(value: &str) -> &str {
    value.trim_matches(is_xml_space)
}

/// Namespace declarations are not attributes to RelaxNG.
fn is_namespace_declaration(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:")
}

impl Checker {
    fn error(&mut self, rule: &'static str, element: &Element, message: String) {
        self.findings.push(Finding::error(
            rule,
            subject(element),
            Some(element.line),
            message,
        ));
    }

    fn warn(&mut self, rule: &'static str, element: &Element, message: String) {
        self.findings.push(Finding::warning(
            rule,
            subject(element),
            Some(element.line),
            message,
        ));
    }

    // ---- metadata.rng ----

    fn schema(&mut self, root: &Element) {
        self.namespaces(root, "");
        if root.name != "resource-agent" {
            self.error(
                "root-element",
                root,
                format!(
                    "the root element must be <resource-agent>, not <{}>: \
                     this is not fence agent metadata",
                    root.name
                ),
            );
            return;
        }
        self.attributes(
            root,
            &[attr("name", true, false), attr("shortdesc", true, false)],
        );
        self.no_text(root);
        let order = ["symlink", "longdesc", "vendor-url", "parameters", "actions"];
        self.sequence(
            root,
            &order,
            &["longdesc", "vendor-url", "parameters", "actions"],
            &["symlink"],
        );
        for child in &root.children {
            match child.name.as_str() {
                "symlink" => {
                    self.attributes(
                        child,
                        &[attr("name", true, false), attr("shortdesc", true, false)],
                    );
                    self.empty(child);
                }
                "longdesc" | "vendor-url" => {
                    self.attributes(child, &[]);
                    self.text_only(child);
                }
                "parameters" => self.parameters(child),
                "actions" => self.actions(child),
                _ => {}
            }
        }
    }

    /// RelaxNG matches an element by name and namespace, and metadata.rng's
    /// elements have none: an element in a namespace (`xmlns="..."` in scope,
    /// or a prefix) matches nothing. Reports the outermost such elements.
    /// The walk is bounded by [`MAX_DEPTH`], checked before parsing.
    fn namespaces(&mut self, element: &Element, inherited: &str) {
        let default = element.attr("xmlns").unwrap_or(inherited);
        if let Some((prefix, local)) = element.name.split_once(':') {
            self.error(
                "namespace",
                element,
                format!(
                    "<{}> has the namespace prefix {prefix}: metadata.rng's elements \
                     have no namespace; write <{local}>",
                    element.name
                ),
            );
        } else if !default.is_empty() {
            self.error(
                "namespace",
                element,
                format!(
                    "<{}> is in the namespace \"{default}\": metadata.rng's elements \
                     have no namespace; remove xmlns=\"{default}\"",
                    element.name
                ),
            );
        } else {
            for child in &element.children {
                self.namespaces(child, default);
            }
        }
    }

    /// Children in the schema's order: each of `once` exactly once, each of
    /// `many` any number of times, nothing else.
    fn sequence(&mut self, parent: &Element, order: &[&str], once: &[&str], many: &[&str]) {
        let mut position = 0;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for child in &parent.children {
            let Some(index) = order.iter().position(|name| *name == child.name) else {
                self.error(
                    "unknown-element",
                    child,
                    format!(
                        "<{}> is not allowed in <{}>: remove or rename it (allowed: {})",
                        child.name,
                        parent.name,
                        order.join(", ")
                    ),
                );
                continue;
            };
            if index < position {
                self.error(
                    "element-order",
                    child,
                    format!(
                        "<{}> is out of order in <{}>: move it (the order is {})",
                        child.name,
                        parent.name,
                        order.join(", ")
                    ),
                );
            }
            position = position.max(index);
            let count = seen.entry(order[index]).or_default();
            *count += 1;
            if *count == 2 && !many.contains(&order[index]) {
                self.error(
                    "duplicate-element",
                    child,
                    format!(
                        "<{}> may appear only once in <{}>: merge or remove the copies",
                        child.name, parent.name
                    ),
                );
            }
        }
        for name in once {
            if !seen.contains_key(name) {
                self.findings.push(Finding::error(
                    "missing-element",
                    subject(parent),
                    Some(parent.line),
                    format!(
                        "<{}> has no <{name}>, which metadata.rng requires: add it \
                         (order: {})",
                        parent.name,
                        order.join(", ")
                    ),
                ));
            }
        }
    }

    /// The schema's attributes are closed: anything not in `rules` is an
    /// error, as is a missing required one or a boolean other than 0 or 1.
    fn attributes(&mut self, element: &Element, rules: &[AttrRule]) {
        for (name, value) in &element.attrs {
            if is_namespace_declaration(name) {
                continue;
            }
            match rules.iter().find(|r| r.name == name) {
                None => self.error(
                    "unknown-attribute",
                    element,
                    format!(
                        "attribute {name}=\"{value}\" is not allowed on <{}>: remove it{}",
                        element.name,
                        allowed_list(rules)
                    ),
                ),
                Some(rule) if rule.boolean && !matches!(token(value), "0" | "1") => self.error(
                    "boolean-attribute",
                    element,
                    format!(
                        "{name}=\"{value}\" must be \"0\" or \"1\" \
                         (metadata.rng accepts no other spelling)"
                    ),
                ),
                Some(_) => {}
            }
        }
        for rule in rules.iter().filter(|r| r.required) {
            if element.attr(rule.name).is_none() {
                self.error(
                    "missing-attribute",
                    element,
                    format!(
                        "<{}> has no {} attribute, which metadata.rng requires: add {}",
                        element.name,
                        rule.name,
                        if rule.boolean {
                            format!("{0}=\"0\" or {0}=\"1\"", rule.name)
                        } else {
                            format!("{}=\"...\"", rule.name)
                        }
                    ),
                );
            }
        }
    }

    /// Only XML whitespace may stand between the children of `element`.
    fn no_text(&mut self, element: &Element) {
        let text = element.text.trim_matches(is_xml_space);
        if !text.is_empty() {
            let shown: String = text.chars().take(40).collect();
            self.error(
                "unexpected-text",
                element,
                format!(
                    "text {shown:?} is not allowed directly in <{}>: remove it, \
                     or move it into a <longdesc> or <shortdesc>",
                    element.name
                ),
            );
        }
    }

    fn empty(&mut self, element: &Element) {
        self.no_text(element);
        for child in &element.children {
            self.error(
                "unknown-element",
                child,
                format!(
                    "<{}> is not allowed in <{}>, which takes attributes only: remove it",
                    child.name, element.name
                ),
            );
        }
    }

    fn text_only(&mut self, element: &Element) {
        for child in &element.children {
            self.error(
                "unknown-element",
                child,
                format!(
                    "<{}> is not allowed in <{}>, which holds text only: \
                     remove the markup and keep the text",
                    child.name, element.name
                ),
            );
        }
    }

    fn parameters(&mut self, parameters: &Element) {
        self.attributes(parameters, &[]);
        self.no_text(parameters);
        self.sequence(parameters, &["parameter"], &["parameter"], &["parameter"]);
        for parameter in parameters.children_named("parameter") {
            self.attributes(
                parameter,
                &[
                    attr("name", true, false),
                    attr("unique", true, true),
                    attr("required", true, true),
                    attr("deprecated", false, true),
                    attr("obsoletes", false, false),
                ],
            );
            self.no_text(parameter);
            self.sequence(
                parameter,
                &["getopt", "content", "shortdesc"],
                &["getopt", "content", "shortdesc"],
                &["shortdesc"],
            );
            for child in &parameter.children {
                match child.name.as_str() {
                    "getopt" => {
                        self.attributes(child, &[attr("mixed", true, false)]);
                        self.empty(child);
                    }
                    "content" => self.content(child),
                    "shortdesc" => {
                        self.attributes(child, &[attr("lang", true, false)]);
                        self.text_only(child);
                    }
                    _ => {}
                }
            }
        }
    }

    fn content(&mut self, content: &Element) {
        self.attributes(
            content,
            &[attr("type", true, false), attr("default", false, false)],
        );
        self.no_text(content);
        // A missing type was reported by `attributes`.
        let Some(kind) = content.attr("type") else {
            return;
        };
        match token(kind) {
            "boolean" | "string" | "second" | "integer" => self.empty(content),
            "select" => {
                for child in &content.children {
                    if child.name == "option" {
                        self.attributes(child, &[attr("value", true, false)]);
                        self.empty(child);
                    } else {
                        self.error(
                            "unknown-element",
                            child,
                            format!(
                                "<{}> is not allowed in a select <content>: \
                                 only <option value=\"...\"/>",
                                child.name
                            ),
                        );
                    }
                }
            }
            _ => self.error(
                "content-type",
                content,
                format!(
                    "content type \"{kind}\" is not one of boolean, string, second, \
                     integer, select: use the closest (a port is an integer, a path a string)"
                ),
            ),
        }
    }

    fn actions(&mut self, actions: &Element) {
        self.attributes(actions, &[]);
        self.no_text(actions);
        self.sequence(actions, &["action"], &["action"], &["action"]);
        for action in actions.children_named("action") {
            self.attributes(
                action,
                &[
                    attr("name", true, false),
                    attr("on_target", false, true),
                    attr("automatic", false, true),
                ],
            );
            self.empty(action);
        }
    }

    // ---- what the schema cannot see ----

    fn semantics(&mut self, root: &Element) {
        if root.name != "resource-agent" {
            return;
        }
        let parameters: Vec<&Element> = root
            .children_named("parameters")
            .flat_map(|p| p.children_named("parameter"))
            .collect();
        self.duplicate_parameters(&parameters);
        for parameter in &parameters {
            self.default_fits(parameter);
            self.getopt_form(parameter);
        }
        self.replacements(&parameters);
        let actions: Vec<&Element> = root
            .children_named("actions")
            .flat_map(|a| a.children_named("action"))
            .collect();
        self.action_rules(root, &actions);
    }

    fn duplicate_parameters(&mut self, parameters: &[&Element]) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for parameter in parameters {
            let name = parameter.attr("name").unwrap_or_default();
            if let Some(line) = first.get(name) {
                self.error(
                    "duplicate-parameter",
                    parameter,
                    format!(
                        "parameter {name} is defined twice (first at line {line}): \
                         consumers keep only one of them; remove or rename one"
                    ),
                );
            } else {
                first.insert(name, parameter.line);
            }
        }
    }

    fn default_fits(&mut self, parameter: &Element) {
        let Some(content) = parameter.child("content") else {
            return;
        };
        let Some(default) = content.attr("default") else {
            return;
        };
        let kind = token(content.attr("type").unwrap_or_default());
        if let Some((rule, message)) = default_problem(kind, default, content) {
            self.findings.push(Finding::warning(
                rule,
                subject(parameter),
                Some(content.line),
                message,
            ));
        }
    }

    fn getopt_form(&mut self, parameter: &Element) {
        let Some(getopt) = parameter.child("getopt") else {
            return;
        };
        let Some(mixed) = getopt.attr("mixed") else {
            return;
        };
        if !standard_getopt(mixed) {
            self.findings.push(Finding::warning(
                "getopt-form",
                subject(parameter),
                Some(getopt.line),
                format!(
                    "getopt \"{mixed}\" is not in the usual form \"-x, --long-name=[value]\" \
                     with one word in the brackets: tools that read it may misread it"
                ),
            ));
        }
    }

    fn replacements(&mut self, parameters: &[&Element]) {
        let by_name: HashMap<&str, &Element> = parameters
            .iter()
            .map(|p| (p.attr("name").unwrap_or_default(), *p))
            .collect();
        let mut replaced: Vec<&str> = Vec::new();
        for parameter in parameters {
            let Some(old) = parameter.attr("obsoletes") else {
                continue;
            };
            replaced.push(old);
            match by_name.get(old) {
                None => self.warn(
                    "obsoletes-missing",
                    parameter,
                    format!(
                        "obsoletes=\"{old}\" names no parameter of this agent: \
                         fix the name, or keep {old} as a deprecated=\"1\" parameter \
                         so that old configurations still work"
                    ),
                ),
                Some(target) if !is_deprecated(target) => self.warn(
                    "obsoletes-not-deprecated",
                    parameter,
                    format!(
                        "obsoletes=\"{old}\", but parameter {old} is not marked deprecated=\"1\": \
                         mark it, so that tools offer the new name"
                    ),
                ),
                Some(_) => {}
            }
        }
        for parameter in parameters {
            let name = parameter.attr("name").unwrap_or_default();
            if is_deprecated(parameter) && !replaced.contains(&name) {
                self.warn(
                    "deprecated-without-replacement",
                    parameter,
                    format!(
                        "parameter {name} is deprecated but no parameter obsoletes it: \
                         add obsoletes=\"{name}\" to the parameter that replaces it"
                    ),
                );
            }
        }
    }

    fn action_rules(&mut self, root: &Element, actions: &[&Element]) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for action in actions {
            let name = action.attr("name").unwrap_or_default();
            if let Some(line) = seen.get(name) {
                self.warn(
                    "duplicate-action",
                    action,
                    format!("action {name} is listed twice (first at line {line}): remove one"),
                );
            } else {
                seen.insert(name, action.line);
            }
        }
        let Some(actions_element) = root.child("actions") else {
            return;
        };
        if !seen.contains_key("off") {
            self.warn(
                "no-off-action",
                actions_element,
                "the agent has no off action: a cluster cannot power a node off with it \
                 (Pacemaker and fence_node fence with off or reboot); \
                 add off if the device can do it"
                    .into(),
            );
        }
        // Unfencing (an automatic on) marks a fabric agent: it cuts a node
        // off its storage or network, which a reboot would not restore.
        let fabric = actions
            .iter()
            .any(|a| a.attr("name") == Some("on") && a.attr("automatic").map(token) == Some("1"));
        if fabric {
            if let Some(reboot) = actions.iter().find(|a| a.attr("name") == Some("reboot")) {
                self.warn(
                    "reboot-on-fabric",
                    reboot,
                    "a fabric agent (on is automatic: it needs unfencing) should not offer \
                     reboot: it cuts access, it does not cycle power; remove reboot \
                     so that the cluster uses off"
                        .into(),
                );
            }
        }
    }
}

/// Boolean defaults that read unambiguously as true or false.
const BOOLEAN_WORDS: [&str; 9] = ["0", "1", "true", "false", "yes", "no", "on", "off", ""];

fn is_deprecated(parameter: &Element) -> bool {
    parameter.attr("deprecated").map(token) == Some("1")
}

/// Why a parameter's default does not fit its content type, if it does not.
fn default_problem(kind: &str, default: &str, content: &Element) -> Option<(&'static str, String)> {
    let value = token(default);
    match kind {
        // fencing.py prints Python's str(True) for these: consumers
        // comparing with 1 see a false value, or no boolean at all.
        "boolean" if matches!(value, "True" | "False") => Some((
            "boolean-default-style",
            format!(
                "boolean default \"{default}\" is written Python-style: write \"{}\"",
                if value == "True" { "1" } else { "0" }
            ),
        )),
        "boolean" if !BOOLEAN_WORDS.contains(&value) => Some((
            "default-type",
            format!("default \"{default}\" is not a boolean: write \"1\" or \"0\""),
        )),
        "integer" if value.parse::<i64>().is_err() => Some((
            "default-type",
            format!(
                "default \"{default}\" is not an integer: \
                 write a whole number, or make the type string"
            ),
        )),
        "second"
            if !value
                .parse::<f64>()
                .is_ok_and(|s| s.is_finite() && s >= 0.0) =>
        {
            Some((
                "default-type",
                format!(
                    "default \"{default}\" is not a number of seconds: \
                 write a number such as 5 or 0.5"
                ),
            ))
        }
        "select" => {
            let options: Vec<&str> = content
                .children_named("option")
                .filter_map(|o| o.attr("value"))
                .collect();
            (!default.is_empty() && !options.contains(&default)).then(|| {
                (
                    "select-default",
                    format!(
                        "default \"{default}\" is not one of the options ({}): \
                         add it as an <option>, or choose one of them",
                        options.join(", ")
                    ),
                )
            })
        }
        _ => None,
    }
}

/// `-x`, `--long`, `-x, --long`, each long form optionally `=[value]`
/// where the value is one word (`[ip]`, `[seconds]`, `[true/false]`).
fn standard_getopt(getopt: &str) -> bool {
    let word = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
    };
    let long_ok = |long: &str| {
        let (name, value) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (long, None),
        };
        let name_ok = name.strip_prefix("--").is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
        let value_ok = value.is_none_or(|v| {
            v.strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .is_some_and(word)
        });
        name_ok && value_ok
    };
    let short_ok = |short: &str| {
        let mut chars = short.chars();
        chars.next() == Some('-')
            && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && chars.next().is_none()
    };
    match getopt.split_once(", ") {
        Some((short, long)) => short_ok(short) && long_ok(long),
        None if getopt.starts_with("--") => long_ok(getopt),
        None => short_ok(getopt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../tests/fixtures/metadata/good.xml");

    fn rules(doc: &str) -> Vec<(&'static str, &'static str)> {
        check_metadata(doc.as_bytes())
            .into_iter()
            .map(|f| (f.rule, f.severity.as_str()))
            .collect()
    }

    #[test]
    fn good_fixture_is_clean() {
        assert_eq!(rules(GOOD), []);
    }

    /// RelaxNG compares `<value>`s as tokens and allows only XML whitespace
    /// (not NBSP) where it expects no text: as xmllint does.
    #[test]
    fn whitespace_as_relaxng_sees_it() {
        let spaced = GOOD.replace(r#"unique="0""#, "unique=\" 0\t\"");
        assert_eq!(rules(&spaced), []);
        let typed = GOOD.replace(r#"type="integer""#, r#"type=" integer ""#);
        assert_eq!(rules(&typed), []);
        let nbsp = GOOD.replace("<parameters>", "<parameters>\u{a0}");
        assert_eq!(rules(&nbsp), [("unexpected-text", "error")]);
        let empty_type = GOOD.replace(r#"type="integer""#, r#"type="""#);
        assert_eq!(rules(&empty_type), [("content-type", "error")]);
    }

    #[test]
    fn namespaces() {
        let declared = GOOD.replace("<longdesc>", r#"<longdesc xmlns:x="urn:x" xmlns="">"#);
        assert_eq!(rules(&declared), []);
        let default = GOOD.replace("<longdesc>", r#"<longdesc xmlns="urn:x">"#);
        assert_eq!(rules(&default), [("namespace", "error")]);
        let lang = GOOD.replace("<longdesc>", r#"<longdesc xml:lang="en">"#);
        assert_eq!(rules(&lang), [("unknown-attribute", "error")]);
    }

    #[test]
    fn deep_nesting_is_a_finding_not_a_crash() {
        let depth = 100_000;
        let doc = format!(
            "<resource-agent>\n{}{}</resource-agent>",
            "<a>".repeat(depth),
            "</a>".repeat(depth)
        );
        let findings = check_metadata(doc.as_bytes());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "not-xml");
        assert_eq!(findings[0].line, Some(2));
    }

    #[test]
    fn defaults_fit_their_types() {
        let seconds = GOOD.replace(
            r#"type="second" default="2""#,
            r#"type="second" default="inf""#,
        );
        assert_eq!(rules(&seconds), [("default-type", "warning")]);
        let half = GOOD.replace(
            r#"type="second" default="2""#,
            r#"type="second" default="0.5""#,
        );
        assert_eq!(rules(&half), []);
    }

    #[test]
    fn getopt_forms() {
        for ok in [
            "-a, --ip=[ip]",
            "--tls1.0",
            "-q, --quiet",
            "--random_sleep_range=[seconds]",
            "--disable-timeout=[true/false]",
            "-n, --plug=[UUID]",
            "-h",
        ] {
            assert!(standard_getopt(ok), "{ok}");
        }
        for bad in [
            "-o <action>",
            "-t, --timeout=TIMEOUT",
            "--ping-targets=tgt1,[inet6:]tgt2",
            "--devices=[device_a,device_b]",
            "--filter=[key=value]",
            "--key-value=<id|hash>",
            "--proxy=[http://<URL>:<PORT>]",
            "--api-type=[public|private]",
            "-x, --ip=[]",
            "",
            "ip",
            "-é",
        ] {
            assert!(!standard_getopt(bad), "{bad}");
        }
    }
}
