//! A CIB patchset (format 2, as `crm_diff` makes them) from the running
//! CIB to the one an inventory wants, for `cibadmin --patch`.
//!
//! The patch names the CIB version it was made against; the CIB manager
//! refuses it when the CIB changed in between, so a concurrent edit is
//! never overwritten. Elements are matched by name and `id` (by name alone
//! where they have no id, as Pacemaker's XPaths do).

use std::fmt::Write as _;

use crate::generate::{escape_attribute, XmlOut};
use crate::xml::Element;

/// One change of a patchset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `element` (serialised) is created under `parent` at `position`.
    Create {
        parent: String,
        position: usize,
        xml: String,
    },
    Delete {
        path: String,
    },
    /// Attributes set (name, value) and unset, and the element's own
    /// attributes after the change.
    Modify {
        path: String,
        set: Vec<(String, String)>,
        unset: Vec<String>,
        name: String,
        result: Vec<(String, String)>,
    },
}

/// The CIB version triple `(admin_epoch, epoch, num_updates)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CibVersion {
    pub admin_epoch: u64,
    pub epoch: u64,
    pub num_updates: u64,
}

impl CibVersion {
    /// The version a `<cib>` element carries.
    pub fn of(cib: &Element) -> CibVersion {
        let number = |name: &str| cib.attr(name).and_then(|v| v.parse().ok()).unwrap_or(0);
        CibVersion {
            admin_epoch: number("admin_epoch"),
            epoch: number("epoch"),
            num_updates: number("num_updates"),
        }
    }

    /// The version after a configuration change (as the CIB manager sets it).
    pub fn next(self) -> CibVersion {
        CibVersion {
            admin_epoch: self.admin_epoch,
            epoch: self.epoch + 1,
            num_updates: 0,
        }
    }

    fn xml(self, name: &str) -> String {
        format!(
            "<{name} admin_epoch=\"{}\" epoch=\"{}\" num_updates=\"{}\"/>",
            self.admin_epoch, self.epoch, self.num_updates
        )
    }
}

/// The XPath step for an element: `/name[@id='x']`, or `/name`.
pub fn step(element: &Element) -> String {
    match element.attr("id") {
        Some(id) => format!("/{}[@id='{id}']", element.name),
        None => format!("/{}", element.name),
    }
}

fn same(a: &Element, b: &Element) -> bool {
    a.name == b.name && a.attr("id") == b.attr("id")
}

/// The changes that turn `old` into `new` (same element, at `path`).
pub fn diff(old: &Element, new: &Element, path: &str, changes: &mut Vec<Change>) {
    let set: Vec<(String, String)> = new
        .attrs
        .iter()
        .filter(|(k, v)| old.attr(k) != Some(v.as_str()))
        .cloned()
        .collect();
    let unset: Vec<String> = old
        .attrs
        .iter()
        .filter(|(k, _)| new.attr(k).is_none())
        .map(|(k, _)| k.clone())
        .collect();
    if !set.is_empty() || !unset.is_empty() {
        changes.push(Change::Modify {
            path: path.to_string(),
            set,
            unset,
            name: new.name.clone(),
            result: new.attrs.clone(),
        });
    }
    children(old, &new.children, path, changes, true);
}

/// Changes for the children of `old` that should be `wanted`; children
/// of `old` not wanted are deleted only when `delete_others`.
pub fn children(
    old: &Element,
    wanted: &[Element],
    path: &str,
    changes: &mut Vec<Change>,
    delete_others: bool,
) {
    if delete_others {
        for child in &old.children {
            if !wanted.iter().any(|w| same(w, child)) {
                changes.push(Change::Delete {
                    path: format!("{path}{}", step(child)),
                });
            }
        }
    }
    let mut position = old.children.len();
    for want in wanted {
        match old.children.iter().position(|c| same(c, want)) {
            Some(index) => diff(
                &old.children[index],
                want,
                &format!("{path}{}", step(want)),
                changes,
            ),
            None => {
                changes.push(Change::Create {
                    parent: path.to_string(),
                    position,
                    xml: serialise(want, 2),
                });
                position += 1;
            }
        }
    }
}

/// An element and its children as XML.
pub fn serialise(element: &Element, depth: usize) -> String {
    let mut out = XmlOut::new(depth);
    write_element(&mut out, element);
    out.text
}

fn write_element(out: &mut XmlOut, element: &Element) {
    let attrs: Vec<(&str, &str)> = element
        .attrs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if element.children.is_empty() {
        out.empty(&element.name, &attrs);
    } else {
        out.open(&element.name, &attrs);
        for child in &element.children {
            write_element(out, child);
        }
        out.close(&element.name);
    }
}

/// The `<diff format="2">` document for `changes` made against `source`.
pub fn patchset(source: CibVersion, changes: &[Change]) -> String {
    let mut out = String::with_capacity(256 + changes.len() * 256);
    out.push_str("<diff format=\"2\">\n  <version>\n    ");
    out.push_str(&source.xml("source"));
    out.push_str("\n    ");
    out.push_str(&source.next().xml("target"));
    out.push_str("\n  </version>\n");
    let attr = |out: &mut String, value: &str| escape_attribute(out, value);
    for change in changes {
        match change {
            Change::Create {
                parent,
                position,
                xml,
            } => {
                out.push_str("  <change operation=\"create\" path=\"");
                attr(&mut out, parent);
                let _ = writeln!(out, "\" position=\"{position}\">");
                out.push_str(xml);
                out.push_str("  </change>\n");
            }
            Change::Delete { path } => {
                out.push_str("  <change operation=\"delete\" path=\"");
                attr(&mut out, path);
                out.push_str("\"/>\n");
            }
            Change::Modify {
                path,
                set,
                unset,
                name,
                result,
            } => {
                out.push_str("  <change operation=\"modify\" path=\"");
                attr(&mut out, path);
                out.push_str("\">\n    <change-list>\n");
                for (key, value) in set {
                    out.push_str("      <change-attr name=\"");
                    attr(&mut out, key);
                    out.push_str("\" operation=\"set\" value=\"");
                    attr(&mut out, value);
                    out.push_str("\"/>\n");
                }
                for key in unset {
                    out.push_str("      <change-attr name=\"");
                    attr(&mut out, key);
                    out.push_str("\" operation=\"unset\"/>\n");
                }
                let _ = write!(
                    out,
                    "    </change-list>\n    <change-result>\n      <{name}"
                );
                for (key, value) in result {
                    let _ = write!(out, " {key}=\"");
                    attr(&mut out, value);
                    out.push('"');
                }
                out.push_str("/>\n    </change-result>\n  </change>\n");
            }
        }
    }
    out.push_str("</diff>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Element {
        crate::xml::parse(xml.as_bytes()).unwrap()
    }

    #[test]
    fn issue14_one_changed_nvpair_is_one_modify() {
        let old = parse(
            r#"<primitive id="d" class="stonith" type="fence_dummy"><instance_attributes id="d-ia"><nvpair id="d-ia-ip" name="ip" value="1"/><nvpair id="d-ia-x" name="x" value="y"/></instance_attributes></primitive>"#,
        );
        let new = parse(
            r#"<primitive id="d" class="stonith" type="fence_dummy"><instance_attributes id="d-ia"><nvpair id="d-ia-ip" name="ip" value="2"/><nvpair id="d-ia-x" name="x" value="y"/></instance_attributes></primitive>"#,
        );
        let mut changes = Vec::new();
        diff(
            &old,
            &new,
            "/cib/configuration/resources/primitive[@id='d']",
            &mut changes,
        );
        assert_eq!(
            changes,
            [Change::Modify {
                path: "/cib/configuration/resources/primitive[@id='d']/instance_attributes[@id='d-ia']/nvpair[@id='d-ia-ip']".into(),
                set: vec![("value".into(), "2".into())],
                unset: vec![],
                name: "nvpair".into(),
                result: vec![
                    ("id".into(), "d-ia-ip".into()),
                    ("name".into(), "ip".into()),
                    ("value".into(), "2".into())
                ],
            }]
        );
        let mut none = Vec::new();
        diff(&new, &new, "/x", &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn issue14_patchset_names_the_version_it_was_made_against() {
        let version = CibVersion {
            admin_epoch: 0,
            epoch: 7,
            num_updates: 3,
        };
        let text = patchset(
            version,
            &[Change::Delete {
                path: "/cib/configuration/resources/primitive[@id='a']".into(),
            }],
        );
        let root = crate::xml::parse(text.as_bytes()).unwrap();
        let versions = root.child("version").unwrap();
        assert_eq!(versions.child("source").unwrap().attr("epoch"), Some("7"));
        assert_eq!(
            versions.child("source").unwrap().attr("num_updates"),
            Some("3")
        );
        assert_eq!(versions.child("target").unwrap().attr("epoch"), Some("8"));
        assert_eq!(
            root.child("change").unwrap().attr("operation"),
            Some("delete")
        );
    }
}
