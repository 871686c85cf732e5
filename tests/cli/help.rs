//! Help and usage (issue 15): global options under their own heading in
//! every subcommand's help and accepted on either side of it, a format a
//! command cannot write is a usage error naming the ones it can, clap's
//! errors carry fencectl's prefix, and each --help ends with examples that
//! parse.

use std::path::Path;

use crate::support::{text, Sandbox, SYSTEM_AGENTS};

/// Every visible command below the root, as its words (`["generate", "cib"]`).
fn visible_commands() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            walk(sub, path, out);
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&fencectl::cli::command(), &mut Vec::new(), &mut out);
    assert!(out.len() > 15, "{out:?}");
    out
}

fn help(sandbox: &Sandbox, words: &[String], flag: &str) -> String {
    let out = sandbox.cmd().args(words).arg(flag).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{words:?} {flag}");
    text(&out.stdout)
}

#[test]
fn global_options_have_their_own_heading_in_every_subcommand() {
    let sandbox = Sandbox::new();
    for words in visible_commands() {
        for flag in ["-h", "--help"] {
            let shown = help(&sandbox, &words, flag);
            let global = shown
                .find("\nGlobal options:\n")
                .unwrap_or_else(|| panic!("{words:?} {flag}: {shown}"));
            let below = &shown[global..];
            for option in [
                "--verbose",
                "--quiet",
                "--format",
                "--color",
                "--agent-dir",
                "--agent-timeout",
            ] {
                assert!(
                    below.contains(option),
                    "{words:?} {flag}: {option} not under Global options"
                );
            }
            let own = &shown[..global];
            assert!(!own.contains("--agent-timeout"), "{words:?}: {own}");
        }
    }
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let sandbox = Sandbox::new();
    let before = sandbox
        .cmd()
        .args([
            "--format",
            "json",
            "--agent-dir",
            SYSTEM_AGENTS,
            "list-installed",
            "--names-only",
        ])
        .output()
        .unwrap();
    let after = sandbox
        .cmd()
        .args([
            "list-installed",
            "--names-only",
            "--format",
            "json",
            "--agent-dir",
            SYSTEM_AGENTS,
        ])
        .output()
        .unwrap();
    assert_eq!(before.status.code(), Some(0), "{}", text(&before.stderr));
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stderr));
    let document: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let names = document["names"].as_array().expect("names");
    assert!(names.iter().any(|n| n == "fence_dummy"), "{names:?}");
    assert_eq!(before.stdout, after.stdout);
}

#[test]
fn a_format_a_command_cannot_write_exits_64_naming_the_ones_it_can() {
    let sandbox = Sandbox::new();
    let inventory = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/proxmox-ovh.toml");
    let inventory = inventory.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["generate", "cib", inventory, "--format", "json"],
            "--format table or xml",
        ),
        (
            &["--format", "json", "generate", "cluster-conf", inventory],
            "--format table or xml",
        ),
        (
            &["generate", "pcs", inventory, "--format", "xml"],
            "only --format table",
        ),
        (
            &["list-installed", "--format", "xml"],
            "--format table or json",
        ),
        (&["history", "--format", "xml"], "--format table or json"),
        (&["graph", "--format", "json"], "-T dot|svg|mermaid"),
        (
            &["install-agent", "--format", "json"],
            "only --format table",
        ),
        (
            &["metadata", "--check", "--all-agents", "--format", "xml"],
            "--format table or json",
        ),
    ];
    // The XML generators write XML: --format xml is their default.
    for kind in ["cib", "cluster-conf"] {
        let plain = sandbox
            .cmd()
            .args(["generate", kind, inventory])
            .output()
            .unwrap();
        let xml = sandbox
            .cmd()
            .args(["generate", kind, inventory, "--format", "xml"])
            .output()
            .unwrap();
        assert_eq!(xml.status.code(), Some(0), "{kind}: {}", text(&xml.stderr));
        assert_eq!(plain.stdout, xml.stdout, "{kind}");
    }
    for (args, names) in cases {
        let out = sandbox.cmd().args(*args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("fencectl: error: "),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(names), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write --format"),
            "{args:?}: {stderr}"
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?}: wrote {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn clap_errors_carry_the_fencectl_prefix_and_exit_64() {
    let sandbox = Sandbox::new();
    for args in [
        &["--no-such-flag"][..],
        &["no-such-command"],
        &["fence"],
        &["list-installed", "--agent-timeout", "soon"],
        &["run", "-a", "fence_dummy", "--action", "explode"],
        &["metadata", "-a", "fence_dummy", "--all"],
    ] {
        let out = sandbox.cmd().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("fencectl: error: "),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("\nerror:"), "{args:?}: {stderr}");
    }
    // A command without its subcommand: the help, no error prefix on it.
    for args in [&[][..], &["generate"]] {
        let out = sandbox.cmd().args(args).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(64), "{args:?}: {stderr}");
        assert!(!stderr.contains("error:"), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: fencectl"), "{args:?}: {stderr}");
    }
    // Ours, for comparison: the same prefix.
    let out = sandbox
        .cmd()
        .args(["metadata", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).starts_with("fencectl: error: "));
}

/// The command lines of a help text's examples, continuation lines joined.
fn example_lines(help: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pending = String::new();
    for line in help.lines().skip_while(|l| l.trim() != "Examples:").skip(1) {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        pending.push_str(line.trim_end_matches('\\'));
        pending.push(' ');
        if !line.ends_with('\\') {
            lines.push(std::mem::take(&mut pending).trim().to_string());
        }
    }
    lines
}

#[test]
fn long_help_ends_with_examples_that_parse_and_short_help_stays_short() {
    let sandbox = Sandbox::new();
    for words in visible_commands() {
        let long = help(&sandbox, &words, "--help");
        let tail = &long[long
            .rfind("\nExamples:\n")
            .unwrap_or_else(|| panic!("{words:?}: {long}"))..];
        let lines = example_lines(tail);
        let ours: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with("fencectl "))
            .collect();
        assert!(
            (2..=3).contains(&ours.len()),
            "{words:?}: {} examples: {lines:?}",
            ours.len()
        );
        let invoked = format!("fencectl {}", words[0]);
        assert!(
            ours.iter().all(|l| l.starts_with(&invoked)),
            "{words:?}: {ours:?}"
        );
        for line in ours {
            let command = line.split(" > ").next().unwrap();
            let argv: Vec<&str> = command.split_whitespace().collect();
            if let Err(err) = fencectl::cli::command().try_get_matches_from(&argv) {
                panic!("{words:?}: the example `{line}` does not parse: {err}");
            }
        }
        let short = help(&sandbox, &words, "-h");
        assert!(!short.contains("Examples:"), "{words:?}: {short}");
        assert!(short.lines().count() < long.lines().count(), "{words:?}");
    }
}

#[test]
fn install_agent_dir_is_a_hidden_alias_of_agent_dir() {
    let sandbox = Sandbox::new();
    let old = sandbox.path().join("old");
    let new = sandbox.path().join("new");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::create_dir_all(&new).unwrap();
    let out = sandbox
        .cmd()
        .args(["install-agent", "--dir"])
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(old.join("fence_ovh_api").is_symlink());
    for args in [&["install-agent", "--agent-dir"][..], &["--agent-dir"]] {
        let mut cmd = sandbox.cmd();
        cmd.args(args).arg(&new);
        if args.len() == 1 {
            cmd.arg("install-agent");
        }
        let out = cmd.arg("--force").output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert!(new.join("fence_ovh_api").is_symlink());
    let shown = help(&sandbox, &["install-agent".to_string()], "--help");
    assert!(!shown.contains("--dir"), "{shown}");
    // Only one directory can take the link.
    let out = sandbox
        .cmd()
        .args(["install-agent", "--agent-dir"])
        .arg(&old)
        .arg("--agent-dir")
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("give --agent-dir DIR once"));
}

#[test]
fn metadata_all_no_longer_means_two_things() {
    let sandbox = Sandbox::new();
    let shown = help(&sandbox, &["metadata".to_string()], "--help");
    assert!(
        shown.contains("--all-agents") && shown.contains("--deprecated"),
        "{shown}"
    );
    assert!(!shown.contains("--all "), "{shown}");
    let out = sandbox
        .cmd()
        .args(["metadata", "-a", "fence_dummy", "--deprecated", "--check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
}

/// The binary makes only the subcommand it parses (`cli::Lazy`); its help
/// must be the help of the whole tree made at once, word for word.
#[test]
fn help_of_the_lazily_made_subcommand_is_the_whole_trees() {
    let sandbox = Sandbox::new();
    let mut root = fencectl::cli::command();
    root.build();
    for words in visible_commands() {
        let mut command = root.clone();
        for word in &words {
            command = command
                .find_subcommand(word)
                .unwrap_or_else(|| panic!("{words:?}"))
                .clone();
        }
        for (flag, expected) in [
            ("-h", command.render_help().to_string()),
            ("--help", command.render_long_help().to_string()),
        ] {
            let shown = help(&sandbox, &words, flag);
            assert_eq!(shown.trim_end(), expected.trim_end(), "{words:?} {flag}");
        }
    }
}
