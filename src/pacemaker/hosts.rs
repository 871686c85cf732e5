//! pcmk_host_map and pcmk_host_list: their grammar as pacemaker-fenced
//! reads it (`build_port_aliases`, `stonith__parse_targets` in Pacemaker
//! 2.1, quirks included), and the writer of host maps beside the reader so
//! that what fencectl writes is what the fencer reads back.

use super::version::PacemakerVersion;
use super::Problem;

/// pcmk_host_map as the fencer reads it (`build_port_aliases`): entries
/// `node:value` or `node=value` separated by `;`, spaces or tabs; `\`
/// escapes the next character; `,` belongs to the value (`node2:2,3` gives
/// the agent "2,3"). Node names are compared without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostMap {
    /// (node, value) in the order written; a later entry for a node wins.
    pub entries: Vec<(String, String)>,
}

impl HostMap {
    /// Reads a map exactly as the fencer does, with what it would lose or
    /// garble on the way.
    pub fn read(map: &str) -> (HostMap, Vec<Problem>) {
        let (raw, lost) = scan(map);
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for entry in raw {
            match &entry.name {
                Some(name) => {
                    problems.extend(entry_problems(&entry, name));
                    entries.push((name.clone(), entry.value));
                }
                None => problems.push(nameless(&entry.text)),
            }
        }
        if let Some(text) = lost {
            problems.push(Problem::serious(format!(
                "the map ends with a lone '\\', and the fencer then drops the last entry '{text}'"
            )));
        }
        let map = HostMap { entries };
        problems.extend(map.duplicates());
        (map, problems)
    }

    /// Parses a map, refusing one the fencer would read differently from
    /// how it is written (the first such problem is the error).
    pub fn parse(map: &str) -> Result<HostMap, String> {
        let (parsed, problems) = HostMap::read(map);
        match problems.into_iter().find(|p| p.serious) {
            Some(problem) => Err(problem.message),
            None => Ok(parsed),
        }
    }

    /// The map as the fencer reads it, whatever its problems.
    pub fn parse_lenient(map: &str) -> HostMap {
        HostMap::read(map).0
    }

    /// The map as the fencer of `version` reads it: Pacemaker 3.0.2
    /// dropped the backslash escapes ([`HostMap::read_unescaped`]).
    pub fn read_for(map: &str, version: PacemakerVersion) -> HostMap {
        if version.host_map_escapes() {
            HostMap::parse_lenient(map)
        } else {
            HostMap::read_unescaped(map)
        }
    }

    /// The map as Pacemaker 3.0.2 and later read it (`build_port_aliases`
    /// in main): entries split on `;`, space and tab, each split at its
    /// first `:` or `=`; an entry with an empty name or value is skipped;
    /// no escapes.
    pub fn read_unescaped(map: &str) -> HostMap {
        let entries = map
            .trim()
            .split([';', ' ', '\t'])
            .filter_map(|entry| {
                let (node, value) = entry.split_once([':', '='])?;
                (!node.is_empty() && !value.is_empty())
                    .then(|| (node.to_string(), value.to_string()))
            })
            .collect();
        HostMap { entries }
    }

    /// The value for `node`: names compare without case, the last entry wins.
    pub fn get(&self, node: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(node))
            .map(|(_, v)| v.as_str())
    }

    /// The mapped nodes, in the order written.
    pub fn nodes(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }

    fn duplicates(&self) -> Vec<Problem> {
        // Each name's last entry, found in one pass (a long map must not
        // take a pass per entry).
        let last: std::collections::HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, (node, _))| (node.to_ascii_lowercase(), i))
            .collect();
        let mut problems = Vec::new();
        for (i, (node, _)) in self.entries.iter().enumerate() {
            let winner = last[&node.to_ascii_lowercase()];
            if winner > i {
                let value = &self.entries[winner].1;
                problems.push(Problem::doubtful(format!(
                    "{node} is mapped more than once (names compare without case): \
                     the last entry wins, giving '{value}'"
                )));
            }
        }
        problems
    }
}

/// One entry as the fencer's scanner sees it.
struct RawEntry {
    /// As written, for messages.
    text: String,
    /// The fencer's node name: the text before the last unescaped `:`/`=`,
    /// backslashes kept (the fencer does not unescape names).
    name: Option<String>,
    /// The value with every backslash removed, as the fencer does.
    value: String,
    /// How many unescaped `:` and `=` the entry has.
    assignments: usize,
}

/// Splits a map as `build_port_aliases` does. Also returns the text of a
/// last entry lost to a trailing lone backslash.
fn scan(map: &str) -> (Vec<RawEntry>, Option<String>) {
    let chars: Vec<char> = map.chars().collect();
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let mut entries = Vec::new();
    let (mut start, mut last, mut assignments) = (0, 0, 0);
    let mut name: Option<String> = None;
    let mut i = 0;
    while i <= chars.len() {
        match chars.get(i) {
            Some('\\') if i + 1 == chars.len() => return (entries, Some(text(start, i))),
            Some('\\') => i += 1,
            Some(':' | '=') => {
                // A later separator replaces the name: "a:b:c" maps b to c.
                if i > last {
                    name = Some(text(last, i));
                }
                last = i + 1;
                assignments += 1;
            }
            None | Some(';' | ' ' | '\t') => {
                if i > start {
                    entries.push(RawEntry {
                        text: text(start, i),
                        name: name.take(),
                        value: text(last, i).replace('\\', ""),
                        assignments,
                    });
                }
                (start, last, assignments) = (i + 1, i + 1, 0);
            }
            Some(_) => {}
        }
        i += 1;
    }
    (entries, None)
}

fn nameless(text: &str) -> Problem {
    let why = if text.contains([':', '=']) {
        "has no node name before its ':' or '='"
    } else {
        "has no ':' or '=' (write node:plug, entries separated by ';')"
    };
    Problem::serious(format!("entry '{text}' {why}; the fencer ignores it"))
}

fn entry_problems(entry: &RawEntry, name: &str) -> Vec<Problem> {
    let text = &entry.text;
    let mut problems = Vec::new();
    if entry.assignments > 1 {
        problems.push(Problem::serious(format!(
            "entry '{text}' has more than one unescaped ':' or '=': the fencer \
             reads it as {name} -> '{}'; \
             escape a ':' that belongs to the value as '\\:'",
            entry.value
        )));
    }
    if name.contains('\\') {
        problems.push(Problem::serious(format!(
            "entry '{text}': the fencer does not unescape node names, so '{name}' \
             keeps its backslash and matches no node"
        )));
    }
    if entry.value.is_empty() {
        problems.push(Problem::serious(format!(
            "entry '{text}' maps {name} to nothing: the agent would get an empty plug"
        )));
    }
    problems
}

// ---------------------------------------------------------------------------
// pcmk_host_list

/// The characters a target name may have (`parse_list_line`'s scanset).
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// pcmk_host_list as the fencer reads it (`stonith__parse_targets`): names
/// separated by whitespace, `,` or `;`. A name keeps only its leading
/// letters, digits, `_`, `-` and `.`; `on` and `off` are skipped, and so is
/// every name on a line containing "invalid" or "variable".
pub fn parse_host_list(list: &str) -> Vec<String> {
    list_lines(list)
        .filter(|line| !skipped_line(line))
        .flat_map(list_words)
        .filter_map(|word| {
            let name: String = word.chars().take_while(|&c| is_name_char(c)).collect();
            let kept = !name.is_empty()
                && !name.eq_ignore_ascii_case("on")
                && !name.eq_ignore_ascii_case("off");
            kept.then_some(name)
        })
        .collect()
}

/// Lines end at a newline or at a literal backslash-n (agents' list output
/// comes escaped through the API, and pcmk_host_list shares the parser).
fn list_lines(list: &str) -> impl Iterator<Item = &str> {
    list.split('\n').flat_map(|line| line.split("\\n"))
}

/// The fencer skips list lines that look like an agent's complaint.
fn skipped_line(line: &str) -> bool {
    line.contains("invalid") || line.contains("variable")
}

fn list_words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
}

/// What the fencer would drop or cut from a pcmk_host_list.
pub fn host_list_problems(list: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for line in list_lines(list) {
        if skipped_line(line) && list_words(line).next().is_some() {
            problems.push(Problem::serious(format!(
                "the fencer ignores every name on a line containing \"invalid\" or \"variable\" ('{}')",
                line.trim()
            )));
            continue;
        }
        problems.extend(list_words(line).filter_map(word_problem));
    }
    if parse_host_list(list).is_empty() && problems.is_empty() {
        problems.push(Problem::serious(
            "names no node: the device then fences nothing \
             (a set pcmk_host_list makes static-list the default check)"
                .into(),
        ));
    }
    problems
}

fn word_problem(word: &str) -> Option<Problem> {
    let kept: String = word.chars().take_while(|&c| is_name_char(c)).collect();
    if kept.eq_ignore_ascii_case("on") || kept.eq_ignore_ascii_case("off") {
        return Some(Problem::serious(format!(
            "'{word}': the fencer skips names \"on\" and \"off\" (it takes them for a plug status)"
        )));
    }
    (kept.len() < word.len()).then(|| {
        let fate = if kept.is_empty() {
            "skips it".to_string()
        } else {
            format!("keeps only '{kept}'")
        };
        Problem::serious(format!(
            "'{word}': a node name may only have letters, digits, '_', '-' and '.'; the fencer {fate}"
        ))
    })
}

// ---------------------------------------------------------------------------
// Writing

/// A `pcmk_host_map` value as pacemaker-fenced reads it back: `node:plug`
/// entries joined by `;`. The fencer removes every backslash from a plug
/// and splits on `;`, space and tab, and takes the last unescaped `:` or
/// `=` as the separator, so those are escaped in plugs; a backslash
/// cannot be written at all (the inventory check refuses it). The fencer
/// does not unescape node names, so names are written as they are (the
/// inventory check refuses a mapped name holding a separator or a backslash).
pub fn host_map_text(entries: &[(String, String)]) -> String {
    entries
        .iter()
        .map(|(node, plug)| {
            let mut entry = node.clone();
            entry.push(':');
            for c in plug.chars() {
                if matches!(c, ';' | ':' | '=' | ' ' | '\t') {
                    entry.push('\\');
                }
                entry.push(c);
            }
            entry
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A `pcmk_host_map` value for the fencer of `version`: escaped as
/// [`host_map_text`] before 3.0.2; from 3.0.2 on, which reads no escapes,
/// written plainly, and refused when a plug holds what would split it
/// (`;`, a space or a tab) or is empty.
pub fn write_host_map(
    entries: &[(String, String)],
    version: PacemakerVersion,
) -> Result<String, String> {
    if version.host_map_escapes() {
        return Ok(host_map_text(entries));
    }
    for (node, plug) in entries {
        if plug.is_empty() || plug.contains([';', ' ', '\t']) {
            return Err(format!(
                "the plug of {node} ('{plug}') is empty or holds ';', a space or a tab, which \
                 pcmk_host_map cannot carry for Pacemaker {version} (3.0.2 dropped '\\' escapes); \
                 give the device another name for it, or target an older Pacemaker"
            ));
        }
    }
    Ok(entries
        .iter()
        .map(|(node, plug)| format!("{node}:{plug}"))
        .collect::<Vec<_>>()
        .join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serious(map: &str) -> Vec<String> {
        HostMap::read(map)
            .1
            .into_iter()
            .filter(|p| p.serious)
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn host_map_grammar() {
        let map = HostMap::parse("node1:1;node2=2,3 node3:a\\:b\tnode4:4").unwrap();
        assert_eq!(map.get("node1"), Some("1"));
        assert_eq!(
            map.get("node2"),
            Some("2,3"),
            "a comma belongs to the value"
        );
        assert_eq!(map.get("node3"), Some("a:b"), "an escaped ':' is kept");
        assert_eq!(map.get("node4"), Some("4"));
        assert_eq!(map.get("NODE4"), Some("4"), "names compare without case");
        assert_eq!(
            map.nodes().collect::<Vec<_>>(),
            ["node1", "node2", "node3", "node4"]
        );
        assert_eq!(HostMap::parse("").unwrap().entries.len(), 0);
        assert_eq!(HostMap::parse(";; n:1 ;").unwrap().get("n"), Some("1"));
    }

    #[test]
    fn host_map_reads_like_the_fencer() {
        // Entries without a separator, or without a name, are skipped.
        assert_eq!(
            HostMap::parse_lenient("bad;n:1").entries,
            [("n".to_string(), "1".to_string())]
        );
        assert!(HostMap::parse_lenient(":x").entries.is_empty());
        // A second separator moves the name: "a:b:c" maps b, not a.
        let map = HostMap::parse_lenient("a:b:c");
        assert_eq!(map.get("a"), None);
        assert_eq!(map.get("b"), Some("c"));
        // Every backslash leaves the value, none leaves the name.
        assert_eq!(HostMap::parse_lenient("n:a\\\\b").get("n"), Some("ab"));
        assert_eq!(
            HostMap::parse_lenient("n\\:x:1").nodes().next(),
            Some("n\\:x")
        );
        // A trailing lone backslash loses the last entry.
        assert_eq!(HostMap::parse_lenient("a:1;b:2\\").entries.len(), 1);
        // The last entry for a node wins.
        assert_eq!(HostMap::parse_lenient("n:1;N:2").get("n"), Some("2"));
    }

    #[test]
    fn host_map_problems() {
        for map in [
            "node1",
            "node1:",
            ":x",
            "a:b:c",
            "n\\:x:1",
            "a:1;b:2\\",
            "n1:1;n2",
        ] {
            assert!(!serious(map).is_empty(), "{map}");
            assert!(HostMap::parse(map).is_err(), "{map}");
        }
        assert!(HostMap::parse("node2:a\\:b").is_ok());
        let (_, problems) = HostMap::read("n:1;n:2");
        assert!(problems.iter().all(|p| !p.serious) && problems.len() == 1);
        assert!(serious("node1").iter().any(|m| m.contains("no ':' or '='")));
        assert!(serious("a:b:c").iter().any(|m| m.contains("b -> 'c'")));
    }

    #[test]
    fn host_lists() {
        assert_eq!(parse_host_list("a, b;c\td"), ["a", "b", "c", "d"]);
        assert_eq!(
            parse_host_list("node1.example.com node-2 n_3"),
            ["node1.example.com", "node-2", "n_3"]
        );
        assert_eq!(
            parse_host_list("a:1 b"),
            ["a", "b"],
            "a name stops at a foreign character"
        );
        assert_eq!(parse_host_list("a on OFF b"), ["a", "b"]);
        assert_eq!(parse_host_list("invalid-node b\nc"), ["c"]);
        assert!(host_list_problems("a,b").is_empty());
        assert!(!host_list_problems(", ;").is_empty());
        assert!(!host_list_problems("a:1").is_empty());
        assert!(!host_list_problems("variable1").is_empty());
    }

    /// See issue 9: what is written is what pacemaker-fenced reads back.
    #[test]
    fn issue9_host_map_round_trips_through_the_fencers_reader() {
        let entries = vec![
            ("node1".to_string(), "plug 1".to_string()),
            ("node2".to_string(), "a;b:c=de\tf".to_string()),
            ("node3".to_string(), "2,3".to_string()),
        ];
        let text = host_map_text(&entries);
        let map = HostMap::parse(&text).unwrap();
        for (node, plug) in &entries {
            assert_eq!(map.get(node), Some(plug.as_str()), "{text}");
        }
        assert_eq!(map.nodes().count(), 3);
    }

    /// See issue 10: Pacemaker 3.0.2 reads host maps without escapes;
    /// what fencectl writes for it reads back the same, and what it cannot
    /// carry is refused.
    #[test]
    fn issue10_host_maps_round_trip_for_each_version() {
        let v21 = PacemakerVersion::new(2, 1, 5);
        let v302 = PacemakerVersion::new(3, 0, 2);
        let entries = vec![
            ("esx-vm01".to_string(), "vm-101:disk=2".to_string()),
            ("esx-vm02".to_string(), "2,3".to_string()),
        ];
        for version in [v21, v302] {
            let text = write_host_map(&entries, version).unwrap();
            let map = HostMap::read_for(&text, version);
            assert_eq!(map.entries, entries, "{version}: {text}");
        }
        assert_eq!(
            write_host_map(&entries, v302).unwrap(),
            "esx-vm01:vm-101:disk=2;esx-vm02:2,3"
        );
        let spaced = vec![("web01".to_string(), "Web Server 01".to_string())];
        assert_eq!(
            write_host_map(&spaced, v21).unwrap(),
            "web01:Web\\ Server\\ 01"
        );
        assert!(write_host_map(&spaced, v302).unwrap_err().contains("3.0.2"));
        // 3.0.2 splits at the first separator and keeps backslashes
        let map = HostMap::read_unescaped(" a:b:c;n=x\\y;:bad;empty: ");
        assert_eq!(map.get("a"), Some("b:c"));
        assert_eq!(map.get("n"), Some("x\\y"));
        assert_eq!(map.entries.len(), 2);
    }
}
