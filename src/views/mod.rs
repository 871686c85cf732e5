//! The JSON documents fencectl prints (`--format json`): one typed view per
//! command, each with a `schema_version`, and the JSON Schemas generated
//! from them (`docs/schema/`, written by `fencectl generate-assets`).
//!
//! The field names are a contract with scripts: a change that breaks a
//! reader (a field renamed, removed or retyped) bumps the document's
//! `schema_version`; adding a field does not.

use std::path::Path;

use anyhow::{Context as _, Result};
use schemars::{JsonSchema, Schema};

pub mod check;
pub mod fence;
pub mod generate_cib;
pub mod history;
pub mod list_installed;
pub mod metadata;
pub mod ovh_keys;
pub mod run;
pub mod status;
pub mod validate;

/// The `schema_version` of every document but `run`'s, which is the
/// library's [`crate::OUTCOME_SCHEMA_VERSION`].
pub const SCHEMA_VERSION: u32 = 1;

/// One command's document: the command, its schema's name
/// (`docs/schema/<name>.schema.json`), and the root type's schema.
pub struct DocumentSchema {
    pub command: &'static str,
    pub name: &'static str,
    pub schema: fn() -> Schema,
}

/// Every document fencectl prints, and the type it is generated from.
pub fn schemas() -> [DocumentSchema; 10] {
    [
        entry::<list_installed::ListInstalledView<'static>>("list-installed", "list-installed"),
        entry::<metadata::MetadataView<'static>>("metadata", "metadata"),
        entry::<validate::ValidateView<'static>>("validate", "validate"),
        entry::<fence::FenceView<'static>>("fence", "fence"),
        entry::<history::HistoryView<'static>>("history", "history"),
        entry::<run::RunView>("run", "run"),
        entry::<ovh_keys::OvhKeysCheckView<'static>>("ovh-keys check", "ovh-keys-check"),
        entry::<check::CheckView<'static>>("check", "check"),
        entry::<status::StatusView<'static>>("status", "status"),
        entry::<generate_cib::GenerateCibApplyView<'static>>(
            "generate cib --apply",
            "generate-cib-apply",
        ),
    ]
}

/// `name` is the file's name without `.schema.json`.
fn entry<T: JsonSchema>(command: &'static str, name: &'static str) -> DocumentSchema {
    DocumentSchema {
        command,
        name,
        schema: || schemars::schema_for!(T),
    }
}

/// Writes every schema to `dir` (pretty JSON, one file per command).
pub fn write_schemas(dir: &Path) -> Result<()> {
    fs_err::create_dir_all(dir)?;
    for document in schemas() {
        let mut text = serde_json::to_string_pretty(&(document.schema)())
            .with_context(|| format!("rendering the schema of {}", document.command))?;
        text.push('\n');
        fs_err::write(dir.join(format!("{}.schema.json", document.name)), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every document (each alternative of a command's) requires an
    /// integer `schema_version`.
    #[test]
    fn every_document_requires_an_integer_schema_version() {
        for document in super::schemas() {
            let schema = serde_json::to_value((document.schema)()).unwrap();
            let roots: Vec<&Value> = match schema.get("anyOf") {
                Some(Value::Array(alternatives)) => alternatives
                    .iter()
                    .map(|alt| resolve(&schema, alt))
                    .collect(),
                _ => vec![&schema],
            };
            for root in roots {
                let required = root["required"].as_array().unwrap();
                assert!(
                    required.contains(&Value::from("schema_version")),
                    "{}: {root:#}",
                    document.command
                );
                assert_eq!(
                    root["properties"]["schema_version"]["type"], "integer",
                    "{}",
                    document.command
                );
            }
        }
    }

    /// `{"$ref": "#/$defs/X"}` -> the definition of X.
    fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.trim_start_matches("#/$defs/");
                &schema["$defs"][name]
            }
            None => node,
        }
    }
}
