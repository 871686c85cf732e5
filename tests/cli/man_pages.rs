//! The committed man pages (issue 15): each renders with man-db without a
//! warning and fits 80 columns, has every section a reader looks for, and
//! points only to pages that exist.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{text, Sandbox};

fn man_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("man")
}

/// Every committed page, by file name.
fn pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = std::fs::read_dir(man_dir())
        .unwrap()
        .flatten()
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(entry.path()).unwrap(),
            )
        })
        .collect();
    pages.sort();
    assert!(pages.len() > 10, "{pages:?}");
    pages
}

/// fencectl's own pages (section 1).
fn command_pages() -> Vec<(String, String)> {
    pages()
        .into_iter()
        .filter(|(name, _)| name.starts_with("fencectl"))
        .collect()
}

/// The raw roff of one `.SH` section.
fn section<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let header = format!(".SH \"{name}\"\n");
    let start = page.find(&header)? + header.len();
    let end = page[start..]
        .find("\n.SH ")
        .map_or(page.len(), |i| start + i + 1);
    Some(&page[start..end])
}

fn section_names(page: &str) -> Vec<String> {
    page.lines()
        .filter_map(|line| line.strip_prefix(".SH "))
        .map(|name| name.trim_matches('"').to_string())
        .collect()
}

/// The page as man-db shows it at 80 columns.
fn rendered(file: &str) -> (String, String) {
    let out = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(man_dir().join(file))
        .env("MANWIDTH", "80")
        .env_remove("MAN_KEEP_FORMATTING")
        .env_remove("MANPAGER")
        .env("PAGER", "cat")
        .output()
        .expect("man (man-db) is installed");
    assert!(out.status.success(), "{file}: {}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

/// Plain text of rendered output (no overstrike bold or underline).
fn plain(rendered: &str) -> String {
    let mut out = String::new();
    let mut chars = rendered.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[test]
fn every_page_renders_without_warnings_within_80_columns() {
    for (file, _) in pages() {
        let (stdout, stderr) = rendered(&file);
        assert_eq!(stderr, "", "{file}: man --warnings");
        for line in plain(&stdout).lines() {
            assert!(
                line.chars().count() <= 80,
                "{file}: a line wider than 80 columns: {line:?}"
            );
        }
    }
}

#[test]
fn command_pages_have_every_section_and_exit_status_once() {
    let wanted = [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "GLOBAL OPTIONS",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "EXAMPLES",
        "SEE ALSO",
    ];
    for (file, page) in command_pages() {
        let names = section_names(&page);
        for name in wanted {
            let count = names.iter().filter(|n| *n == name).count();
            assert_eq!(count, 1, "{file}: section {name} {count} times: {names:?}");
        }
        let (stdout, _) = rendered(&file);
        assert_eq!(plain(&stdout).matches("EXIT STATUS").count(), 1, "{file}");
        let exit = section(&page, "EXIT STATUS").unwrap();
        assert!(exit.contains("usage error"), "{file}");
        let examples = section(&page, "EXAMPLES").unwrap();
        assert!(examples.contains("\\fBfencectl"), "{file}: {examples}");
        let files = section(&page, "FILES").unwrap();
        for path in [
            "/var/cache/fencectl",
            "/var/log/fencectl/fence.log",
            "/run/lock/fencectl",
            "ovh.conf",
            "/usr/sbin",
        ] {
            assert!(files.contains(path), "{file}: FILES lacks {path}");
        }
    }
}

#[test]
fn synopsis_names_the_command_and_placeholders() {
    let (fence, _) = rendered("fencectl-fence.1");
    assert!(
        plain(&fence).contains("fencectl fence [OPTIONS] NODE"),
        "{fence}"
    );
    let (run, _) = rendered("fencectl-run.1");
    assert!(
        plain(&run).contains("fencectl run [OPTIONS] --agent AGENT --action ACTION"),
        "{run}"
    );
    for (file, page) in command_pages() {
        let synopsis = section(&page, "SYNOPSIS").unwrap();
        assert!(!synopsis.contains('<'), "{file}: {synopsis}");
        assert!(!synopsis.contains("fencectl\\-"), "{file}: {synopsis}");
        assert!(synopsis.contains("\\fBfencectl"), "{file}: {synopsis}");
    }
    let (generate, _) = rendered("fencectl-generate.1");
    let generate = plain(&generate);
    for sub in ["cib", "cluster-conf", "pcs", "crmsh"] {
        assert!(
            generate.contains(&format!("fencectl generate {sub} [OPTIONS]")),
            "{generate}"
        );
    }
}

/// `FENCECTL_*` names in the source (what the code reads or sets).
fn variables_in_source() -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (at, _) in source.match_indices("FENCECTL_") {
                let name: String = source[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                if name.len() > "FENCECTL_".len() {
                    found.insert(name);
                }
            }
        }
    }
    found
}

#[test]
fn environment_names_every_variable_the_code_reads() {
    let variables = variables_in_source();
    assert!(variables.contains("FENCECTL_AGENT_PATH"), "{variables:?}");
    assert!(variables.contains("FENCECTL_LOCK_DIR"), "{variables:?}");
    for (file, page) in command_pages() {
        let environment = section(&page, "ENVIRONMENT").unwrap().replace("\\_", "_");
        for variable in &variables {
            assert!(
                environment.contains(variable.as_str()),
                "{file}: ENVIRONMENT lacks {variable}"
            );
        }
    }
}

/// `\fBname\fR(8)` entries of a SEE ALSO section.
fn see_also(page: &str) -> Vec<(String, String)> {
    section(page, "SEE ALSO")
        .unwrap()
        .split(',')
        .map(|entry| {
            let entry = entry.trim().replace("\\fB", "").replace("\\fR", "");
            let (name, section) = entry.split_once('(').expect("name(section)");
            (
                name.replace("\\-", "-"),
                section.trim_end_matches(')').to_string(),
            )
        })
        .collect()
}

#[test]
fn every_see_also_target_exists() {
    let ours: BTreeSet<String> = pages().into_iter().map(|(file, _)| file).collect();
    for (file, page) in command_pages() {
        let targets = see_also(&page);
        assert!(
            targets.iter().any(|(name, _)| name == "stonith_admin"),
            "{file}: {targets:?}"
        );
        for (name, section) in targets {
            if name.starts_with("fencectl") || name == "fence_ovh_api" {
                let page_file = format!("{name}.{section}");
                assert!(ours.contains(&page_file), "{file}: no man/{page_file}");
                continue;
            }
            let out = Command::new("man")
                .args(["-w", &section, &name])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{file}: SEE ALSO {name}({section}) is not installed: {}",
                text(&out.stderr)
            );
        }
    }
    // Named in the text only: Debian 12 has no cman, and pcs is optional.
    let root = std::fs::read_to_string(man_dir().join("fencectl.1")).unwrap();
    let names: Vec<String> = see_also(&root).into_iter().map(|(n, _)| n).collect();
    assert!(!names.iter().any(|n| n == "fence_node" || n == "pcs"));
    let description = section(&root, "DESCRIPTION").unwrap();
    assert!(description.contains("fence_node") && description.contains("pcs"));
}

#[test]
fn every_visible_subcommand_has_a_page() {
    fn walk(command: &clap::Command, path: &mut Vec<String>, files: &mut Vec<String>) {
        files.push(
            std::iter::once("fencectl".to_string())
                .chain(path.iter().cloned())
                .collect::<Vec<_>>()
                .join("-")
                + ".1",
        );
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            path.push(sub.get_name().to_string());
            walk(sub, path, files);
            path.pop();
        }
    }
    let mut files = Vec::new();
    walk(&fencectl::cli::command(), &mut Vec::new(), &mut files);
    for file in files {
        assert!(man_dir().join(&file).exists(), "no man/{file}");
    }
    assert!(!man_dir().join("fencectl-generate-assets.1").exists());
}

#[test]
fn fence_ovh_api_page_is_built_from_its_metadata() {
    let page = std::fs::read_to_string(man_dir().join("fence_ovh_api.8")).unwrap();
    assert_eq!(
        section_names(&page),
        [
            "NAME",
            "DESCRIPTION",
            "PARAMETERS",
            "ACTIONS",
            "STDIN PARAMETERS"
        ]
    );
    assert!(page.starts_with(".TH FENCE_OVH_API 8 "), "{page}");
    let sandbox = Sandbox::new();
    let metadata = sandbox
        .cmd()
        .args(["agent", "ovh", "-o", "metadata"])
        .output()
        .unwrap();
    let metadata = text(&metadata.stdout);
    let stdin_parameters = section(&page, "STDIN PARAMETERS").unwrap();
    for line in metadata.lines() {
        let Some(rest) = line.trim().strip_prefix("<parameter name=\"") else {
            continue;
        };
        let name = rest.split('"').next().unwrap();
        if line.contains("deprecated=\"1\"") {
            assert!(!stdin_parameters.contains(&format!("\\fB{name}\\fR")));
        } else {
            assert!(
                stdin_parameters.contains(&format!("\\fB{}\\fR", name.replace('-', "\\-"))),
                "STDIN PARAMETERS lacks {name}"
            );
        }
    }
    let actions = section(&page, "ACTIONS").unwrap();
    for action in ["on", "off", "reboot", "status", "monitor", "validate\\-all"] {
        assert!(actions.contains(&format!("\\fB{action}\\fR")), "{action}");
    }
    // `-o manpage` is the same page.
    let manpage = sandbox
        .cmd()
        .args(["agent", "ovh", "-o", "manpage"])
        .output()
        .unwrap();
    assert_eq!(text(&manpage.stdout), page);
}
