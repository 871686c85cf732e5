//! `metadata --check`: the rules of fence-agents' metadata.rng, checked
//! here (xmllint is only the tests' oracle), and what the schema cannot
//! see. Schema violations and what breaks consumers are errors; the rest
//! are warnings.

use std::collections::HashMap;

use super::finding::Finding;
use crate::xml::{self, Element};

/// Checks an agent's metadata output. Returns every finding, in document order.
pub fn check_metadata(bytes: &[u8]) -> Vec<Finding> {
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

fn subject(element: &Element) -> String {
    match element.attr("name") {
        Some(name) if element.name == "parameter" => format!("parameter {name}"),
        Some(name) if element.name == "action" => format!("action {name}"),
        Some(name) => format!("<{} name=\"{name}\">", element.name),
        None => format!("<{}>", element.name),
    }
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
        if root.name != "resource-agent" {
            self.error(
                "root-element",
                root,
                format!(
                    "the root element must be <resource-agent>, not <{}>",
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
                        "<{}> is not allowed in <{}> (allowed: {})",
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
                        "<{}> is out of order in <{}>: the order is {}",
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
                    format!("<{}> may appear only once in <{}>", child.name, parent.name),
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
                        "<{}> has no <{name}>, which metadata.rng requires",
                        parent.name
                    ),
                ));
            }
        }
    }

    fn attributes(&mut self, element: &Element, rules: &[AttrRule]) {
        for (name, value) in &element.attrs {
            match rules.iter().find(|r| r.name == name) {
                None => self.error(
                    "unknown-attribute",
                    element,
                    format!(
                        "attribute {name}=\"{value}\" is not allowed on <{}>",
                        element.name
                    ),
                ),
                Some(rule) if rule.boolean && value != "0" && value != "1" => self.error(
                    "boolean-attribute",
                    element,
                    format!("{name}=\"{value}\" must be \"0\" or \"1\""),
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
                        "<{}> has no {} attribute, which metadata.rng requires",
                        element.name, rule.name
                    ),
                );
            }
        }
    }

    fn no_text(&mut self, element: &Element) {
        if !element.text.trim().is_empty() {
            let text: String = element.text.trim().chars().take(40).collect();
            self.error(
                "unexpected-text",
                element,
                format!(
                    "text \"{text}\" is not allowed directly in <{}>",
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
                format!("<{}> is not allowed in <{}>", child.name, element.name),
            );
        }
    }

    fn text_only(&mut self, element: &Element) {
        for child in &element.children {
            self.error(
                "unknown-element",
                child,
                format!(
                    "<{}> is not allowed in <{}>: it holds text only",
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
        let kind = content.attr("type").unwrap_or_default();
        match kind {
            "boolean" | "string" | "second" | "integer" => self.empty(content),
            "select" => {
                for child in &content.children {
                    if child.name == "option" {
                        self.attributes(child, &[attr("value", true, false)]);
                        self.empty(child);
                    } else {
                        self.error("unknown-element", child, format!("<{}> is not allowed in a select <content>: only <option>", child.name));
                    }
                }
            }
            "" => {}
            other => self.error(
                "content-type",
                content,
                format!("content type \"{other}\" is not one of boolean, string, second, integer, select"),
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
                    format!("parameter {name} is defined twice (first at line {line}): consumers keep only one"),
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
        let kind = content.attr("type").unwrap_or_default();
        let problem = match kind {
            "boolean" if matches!(default, "True" | "False") => Some((
                "boolean-default-style",
                format!(
                    "boolean default \"{default}\" is written Python-style; write \"1\" or \"0\""
                ),
            )),
            "boolean"
                if !matches!(
                    default,
                    "0" | "1" | "true" | "false" | "yes" | "no" | "on" | "off" | ""
                ) =>
            {
                Some((
                    "default-type",
                    format!("default \"{default}\" is not a boolean (use 0 or 1)"),
                ))
            }
            "integer" if default.trim().parse::<i64>().is_err() => Some((
                "default-type",
                format!("default \"{default}\" is not an integer"),
            )),
            "second" if default.trim().parse::<f64>().map_or(true, |s| s < 0.0) => Some((
                "default-type",
                format!("default \"{default}\" is not a number of seconds"),
            )),
            "select" => {
                let options: Vec<&str> = content
                    .children_named("option")
                    .filter_map(|o| o.attr("value"))
                    .collect();
                (!default.is_empty() && !options.contains(&default)).then(|| {
                    (
                        "select-default",
                        format!(
                            "default \"{default}\" is not one of the options ({})",
                            options.join(", ")
                        ),
                    )
                })
            }
            _ => None,
        };
        if let Some((rule, message)) = problem {
            self.warn(rule, content, message);
            if let Some(last) = self.findings.last_mut() {
                last.subject = subject(parameter);
            }
        }
    }

    fn getopt_form(&mut self, parameter: &Element) {
        let Some(getopt) = parameter.child("getopt").and_then(|g| g.attr("mixed")) else {
            return;
        };
        if !standard_getopt(getopt) {
            self.warn(
                "getopt-form",
                parameter,
                format!("getopt \"{getopt}\" is not in the usual form \"-x, --long-name=[value]\""),
            );
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
                    format!("obsoletes=\"{old}\" names no parameter of this agent"),
                ),
                Some(target) if target.attr("deprecated") != Some("1") => self.warn(
                    "obsoletes-not-deprecated",
                    parameter,
                    format!(
                        "obsoletes=\"{old}\", but parameter {old} is not marked deprecated=\"1\""
                    ),
                ),
                Some(_) => {}
            }
        }
        for parameter in parameters {
            let name = parameter.attr("name").unwrap_or_default();
            if parameter.attr("deprecated") == Some("1") && !replaced.contains(&name) {
                self.warn(
                    "deprecated-without-replacement",
                    parameter,
                    format!("parameter {name} is deprecated but no parameter obsoletes it: what should be used instead?"),
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
                    format!("action {name} is listed twice (first at line {line})"),
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
                "the agent has no off action: a cluster cannot power a node off with it".into(),
            );
        }
        let fabric = actions
            .iter()
            .any(|a| a.attr("name") == Some("on") && a.attr("automatic") == Some("1"));
        if fabric {
            if let Some(reboot) = actions.iter().find(|a| a.attr("name") == Some("reboot")) {
                self.warn(
                    "reboot-on-fabric",
                    reboot,
                    "a fabric agent (on is automatic: unfencing) should not offer reboot: it cuts access, it does not cycle power".into(),
                );
            }
        }
    }
}

/// `-x`, `--long`, `-x, --long`, each long form optionally `=[value]`.
fn standard_getopt(getopt: &str) -> bool {
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
            v.len() > 2
                && v.starts_with('[')
                && v.ends_with(']')
                && !v[1..v.len() - 1].contains(['[', ']'])
        });
        name_ok && value_ok
    };
    let short_ok = |short: &str| {
        short.len() == 2 && short.starts_with('-') && short.as_bytes()[1].is_ascii_alphanumeric()
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

    #[test]
    fn getopt_forms() {
        for ok in [
            "-a, --ip=[ip]",
            "--tls1.0",
            "-q, --quiet",
            "--random_sleep_range=[seconds]",
            "-h",
        ] {
            assert!(standard_getopt(ok), "{ok}");
        }
        for bad in [
            "-o <action>",
            "-t, --timeout=TIMEOUT",
            "--ping-targets=tgt1,[inet6:]tgt2",
            "",
            "ip",
        ] {
            assert!(!standard_getopt(bad), "{bad}");
        }
    }
}
