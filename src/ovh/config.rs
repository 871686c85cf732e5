//! python-ovh's `ovh.conf`: reading it as python-ovh does (files in order,
//! later ones winning, `OVH_*` variables over all), and writing it.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// An INI file as python-ovh's ConfigParser reads it. Comments are kept
/// where they were (an entry with an empty key holds a comment line; the
/// section named "" holds the lines before the first header), so that
/// rewriting a file keeps what the admin wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IniFile {
    pub sections: Vec<(String, Vec<(String, String)>)>,
}

/// The key fencectl reads an API URL from: python-ovh knows only its named
/// endpoints and ignores keys it does not know.
pub const API_URL_KEY: &str = "fencectl_api_url";
/// In `[default]`: the section to use when the endpoint is a URL (python-ovh
/// would refuse a URL in `endpoint`).
pub const ENDPOINT_KEY: &str = "fencectl_endpoint";

impl IniFile {
    /// Parses `[section]` headers and `key = value` (or `key: value`) lines.
    pub fn parse(text: &str) -> Result<IniFile, String> {
        let mut ini = IniFile::default();
        for (number, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with('#') || line.starts_with(';') {
                ini.comment(line);
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                ini.sections.push((name.trim().to_string(), Vec::new()));
                continue;
            }
            let Some(at) = line.find(['=', ':']) else {
                // The line is never shown: it may be a secret. Only a key
                // fencectl knows is named.
                const KEYS: [&str; 6] = [
                    "endpoint",
                    "application_key",
                    "application_secret",
                    "consumer_key",
                    "client_id",
                    "client_secret",
                ];
                let first = line.split_whitespace().next().unwrap_or_default();
                let hint = KEYS
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(first))
                    .map(|k| format!(" (write {k} = VALUE)"))
                    .unwrap_or_default();
                return Err(format!(
                    "line {}: neither [section] nor key = value{hint}; the line is not shown, it may hold a secret",
                    number + 1
                ));
            };
            let (key, value) = (
                line[..at].trim().to_lowercase(),
                line[at + 1..].trim().to_string(),
            );
            match ini.sections.last_mut() {
                Some((_, entries)) => entries.push((key, value)),
                None => {
                    return Err(format!(
                        "line {}: '{key}' comes before any [section]",
                        number + 1
                    ))
                }
            }
        }
        Ok(ini)
    }

    fn comment(&mut self, line: &str) {
        if self.sections.is_empty() {
            self.sections.push((String::new(), Vec::new()));
        }
        if let Some((_, entries)) = self.sections.last_mut() {
            entries.push((String::new(), line.to_string()));
        }
    }

    /// Adds a comment line at the end of `section` (created if missing).
    pub fn add_comment(&mut self, section: &str, text: &str) {
        let line = format!("; {text}");
        if self.sections.iter().any(|(name, entries)| {
            name == section && entries.iter().any(|(k, v)| k.is_empty() && *v == line)
        }) {
            return;
        }
        self.set(section, "", "");
        if let Some((_, entries)) = self.sections.iter_mut().find(|(name, _)| name == section) {
            entries.retain(|(k, v)| !(k.is_empty() && v.is_empty()));
            entries.push((String::new(), line));
        }
    }

    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        if key.is_empty() {
            return None;
        }
        self.sections
            .iter()
            .rev()
            .filter(|(name, _)| name == section)
            .find_map(|(_, entries)| {
                entries
                    .iter()
                    .rev()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
            })
    }

    /// Sets `key` in `section`, adding either if missing.
    pub fn set(&mut self, section: &str, key: &str, value: &str) {
        let index = match self.sections.iter().position(|(name, _)| name == section) {
            Some(index) => index,
            None => {
                self.sections.push((section.to_string(), Vec::new()));
                self.sections.len() - 1
            }
        };
        let entries = &mut self.sections[index].1;
        match entries.iter_mut().find(|(k, _)| k == key && !k.is_empty()) {
            Some(entry) => entry.1 = value.to_string(),
            None => entries.push((key.to_string(), value.to_string())),
        }
    }

    /// Removes `key` from `section`.
    pub fn remove(&mut self, section: &str, key: &str) {
        for (_, entries) in self.sections.iter_mut().filter(|(name, _)| name == section) {
            entries.retain(|(k, _)| k != key);
        }
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.sections.iter().any(|(name, _)| name == section)
    }

    /// Merges `other` over this one (later files win).
    pub fn merge(&mut self, other: IniFile) {
        for (section, entries) in other.sections {
            for (key, value) in entries.into_iter().filter(|(k, _)| !k.is_empty()) {
                self.set(&section, &key, &value);
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (i, (name, entries)) in self.sections.iter().enumerate() {
            let after_preamble = i == 1 && self.sections[0].0.is_empty();
            if i > 0 && !after_preamble {
                out.push('\n');
            }
            if !(i == 0 && name.is_empty()) {
                out.push_str(&format!("[{name}]\n"));
            }
            for (key, value) in entries {
                if key.is_empty() {
                    out.push_str(value);
                    out.push('\n');
                } else {
                    out.push_str(&format!("{key}={value}\n"));
                }
            }
        }
        out
    }
}

/// Keys to store in an ovh.conf.
#[derive(Debug)]
pub struct Keys<'a> {
    /// The named endpoint, None for an API given by URL.
    pub endpoint: Option<&'a str>,
    /// The section the keys go to.
    pub section: &'a str,
    /// The API URL when it is not the named endpoint's.
    pub api_url: Option<&'a str>,
    pub application_key: &'a str,
    pub application_secret: &'a str,
    pub consumer_key: &'a str,
}

/// Stores `keys` in `ini` (keeping its comments and other sections) the
/// way python-ovh reads them, and writes it to `path` atomically, mode
/// 0600 (it holds the application secret).
pub fn write_keys(path: &Path, mut ini: IniFile, keys: &Keys<'_>) -> Result<()> {
    let section = keys.section;
    match keys.endpoint {
        Some(name) if ini.get("default", "endpoint").is_none() => {
            ini.set("default", "endpoint", name)
        }
        Some(_) => {}
        None => {
            ini.add_comment("default", "python-ovh knows only its named endpoints: fencectl finds the keys for an API URL through fencectl_endpoint");
            ini.set("default", ENDPOINT_KEY, section);
        }
    }
    match keys.api_url {
        Some(url) => {
            ini.add_comment(
                section,
                "fencectl reaches the API at fencectl_api_url (python-ovh ignores this key)",
            );
            ini.set(section, API_URL_KEY, url);
        }
        None => ini.remove(section, API_URL_KEY),
    }
    ini.set(section, "application_key", keys.application_key);
    ini.set(section, "application_secret", keys.application_secret);
    ini.set(section, "consumer_key", keys.consumer_key);
    let mode = crate::sys::fs::FileMode::Exactly(0o600);
    crate::sys::fs::write_atomic(path, ini.render().as_bytes(), mode)
        .map(drop)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// python-ovh's search path: /etc/ovh.conf, ~/.ovh.conf, ./ovh.conf.
pub fn default_paths() -> Vec<PathBuf> {
    let mut paths = vec![PathBuf::from("/etc/ovh.conf")];
    if let Some(home) = std::env::var_os("HOME") {
        paths.push(PathBuf::from(home).join(".ovh.conf"));
    }
    paths.push(PathBuf::from("ovh.conf"));
    paths
}

/// The keys and endpoint found, and where.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub endpoint: Option<String>,
    pub application_key: Option<String>,
    pub application_secret: Option<String>,
    pub consumer_key: Option<String>,
    /// The API URL written for a URL endpoint or an `--api-url` (only
    /// fencectl reads it).
    pub api_url: Option<String>,
    pub files: Vec<PathBuf>,
}

/// Reads `explicit` (only it), or the default files, then `OVH_*` variables.
pub fn lookup(explicit: Option<&Path>, endpoint: Option<&str>) -> Result<Found> {
    let mut ini = IniFile::default();
    let mut files = Vec::new();
    let paths = match explicit {
        Some(path) => {
            if !path.exists() {
                anyhow::bail!("the OVH configuration {} does not exist (create it with fencectl ovh-keys create)", path.display());
            }
            vec![path.to_path_buf()]
        }
        None => default_paths(),
    };
    for path in paths {
        // python-ovh skips files it cannot read; one too large to be an
        // ovh.conf (/dev/zero) is an error, not a silent skip.
        let text = match crate::sys::fs::read_string_capped(&path, crate::sys::fs::CONFIG_CAP) {
            Ok(text) => text,
            Err(e) if matches!(e.kind(), ErrorKind::FileTooLarge | ErrorKind::InvalidData) => {
                return Err(e).context("cannot read the OVH configuration")
            }
            Err(_) => continue,
        };
        let parsed = IniFile::parse(&text)
            .map_err(|e| anyhow::anyhow!(e))
            .with_context(|| format!("{} is not an ovh.conf", path.display()))?;
        ini.merge(parsed);
        files.push(path);
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let endpoint = endpoint
        .map(str::to_string)
        .or_else(|| env("OVH_ENDPOINT"))
        .or_else(|| ini.get("default", "endpoint").map(str::to_string))
        .or_else(|| ini.get("default", ENDPOINT_KEY).map(str::to_string));
    let key = |name: &str| {
        env(&format!("OVH_{}", name.to_uppercase())).or_else(|| {
            endpoint
                .as_deref()
                .and_then(|e| ini.get(e, name))
                .map(str::to_string)
        })
    };
    Ok(Found {
        application_key: key("application_key"),
        application_secret: key("application_secret"),
        consumer_key: key("consumer_key"),
        api_url: endpoint
            .as_deref()
            .and_then(|e| ini.get(e, API_URL_KEY))
            .map(str::to_string),
        endpoint,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_python_ovh_files() {
        let text = "[default]\n; comment\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key = AK\napplication_secret: AS\nconsumer_key=CK\n";
        let mut ini = IniFile::parse(text).unwrap();
        assert_eq!(ini.get("default", "endpoint"), Some("ovh-eu"));
        assert_eq!(ini.get("ovh-eu", "application_secret"), Some("AS"));
        ini.set("ovh-ca", "consumer_key", "X");
        assert!(ini.render().contains("[ovh-ca]\nconsumer_key=X\n"));
        assert!(IniFile::parse("key=value").is_err());
    }

    #[test]
    fn issue11_comments_and_other_sections_are_kept() {
        let text = "# fencing keys, see the wiki\n[default]\nendpoint=ovh-eu\n\n[ovh-ca]\n; old account\napplication_key=keep\n";
        let mut ini = IniFile::parse(text).unwrap();
        ini.set("ovh-eu", "consumer_key", "CK");
        ini.add_comment("ovh-eu", "written by fencectl");
        let out = ini.render();
        assert!(
            out.starts_with("# fencing keys, see the wiki\n[default]\nendpoint=ovh-eu\n"),
            "{out}"
        );
        assert!(
            out.contains("[ovh-ca]\n; old account\napplication_key=keep\n"),
            "{out}"
        );
        assert!(
            out.contains("[ovh-eu]\nconsumer_key=CK\n; written by fencectl\n"),
            "{out}"
        );
        assert_eq!(IniFile::parse(&out).unwrap().render(), out, "stable");
    }
}
