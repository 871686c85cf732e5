//! Which fencing levels apply to a node, decided as pacemaker-fenced
//! decides it (daemons/fenced/fenced_remote.c `find_topology_for_host`,
//! `topology_matches`; fenced_commands.c `fenced_register_level`):
//!
//! - Levels are grouped by target (the same `target`, `target-pattern` or
//!   attribute=value); only ONE target's levels are ever used for a node.
//! - A level whose `target` is the node's name, exactly, wins. Otherwise
//!   the first target that matches: a `target` equal to the name without
//!   regard to case, a `target-pattern` (POSIX extended regex, case
//!   sensitive, matching anywhere in the name) or a node attribute (case
//!   sensitive). The fencer takes the first in its hash table's order,
//!   which is unspecified: fencectl takes the first in the document and
//!   warns that several match.
//! - Levels with an index outside 1..9 are ignored (with a warning).
//! - The chosen target's levels run by ascending index.

use std::collections::HashMap;

use super::cib::LevelTarget;

/// What the topology rules need of a level (CIB or inventory form).
pub trait LevelLike {
    fn target(&self) -> &LevelTarget;
    fn index(&self) -> u32;
    /// How to name the level in a warning (`id`, or target and index).
    fn label(&self) -> String;
}

/// The lowest and highest index the fencer accepts.
pub const INDEXES: std::ops::RangeInclusive<u32> = 1..=9;

/// The levels of a configuration, indexed once so that asking for every
/// node of a large cluster stays linear.
pub struct Topology<'a, L> {
    /// Distinct targets in document order, each with its levels.
    targets: Vec<(&'a LevelTarget, Vec<&'a L>)>,
    exact: HashMap<&'a str, usize>,
    by_name_lower: HashMap<String, Vec<usize>>,
    /// Pattern and attribute targets, in document order.
    others: Vec<(usize, Option<regex::Regex>)>,
}

/// The levels chosen for one node, and what the administrator should know.
#[derive(Debug)]
pub struct Selection<'a, L> {
    pub levels: Vec<&'a L>,
    pub target: Option<&'a LevelTarget>,
    pub warnings: Vec<String>,
    /// Other targets that match too (the fencer's choice among them is
    /// unspecified); empty when the choice is certain.
    pub competing: Vec<&'a LevelTarget>,
}

impl<'a, L: LevelLike> Topology<'a, L> {
    pub fn new(levels: impl IntoIterator<Item = &'a L>) -> Topology<'a, L> {
        let mut topology = Topology {
            targets: Vec::new(),
            exact: HashMap::new(),
            by_name_lower: HashMap::new(),
            others: Vec::new(),
        };
        let mut position: HashMap<&'a LevelTarget, usize> = HashMap::new();
        for level in levels {
            let target = level.target();
            let at = *position.entry(target).or_insert_with(|| {
                topology.targets.push((target, Vec::new()));
                topology.targets.len() - 1
            });
            topology.targets[at].1.push(level);
        }
        for (at, (target, _)) in topology.targets.iter().enumerate() {
            match target {
                LevelTarget::Node(name) => {
                    topology.exact.insert(name.as_str(), at);
                    topology
                        .by_name_lower
                        .entry(name.to_lowercase())
                        .or_default()
                        .push(at);
                }
                LevelTarget::Pattern(pattern) => {
                    topology.others.push((at, regex::Regex::new(pattern).ok()));
                }
                LevelTarget::Attribute { .. } => topology.others.push((at, None)),
            }
        }
        topology
    }

    /// The levels that apply to `node`, whose CIB node attributes are
    /// `attributes`.
    pub fn for_node(&self, node: &str, attributes: &[(String, String)]) -> Selection<'a, L> {
        let mut warnings = Vec::new();
        let mut competing = Vec::new();
        let chosen = match self.exact.get(node) {
            Some(&at) => Some(at),
            None => {
                let mut matching: Vec<usize> = self
                    .by_name_lower
                    .get(&node.to_lowercase())
                    .cloned()
                    .unwrap_or_default();
                for (at, regex) in &self.others {
                    let matches = match self.targets[*at].0 {
                        LevelTarget::Pattern(_) => {
                            regex.as_ref().is_some_and(|re| re.is_match(node))
                        }
                        LevelTarget::Attribute { name, value } => attributes
                            .iter()
                            .rev()
                            .find(|(k, _)| k == name)
                            .is_some_and(|(_, v)| v == value),
                        LevelTarget::Node(_) => false,
                    };
                    if matches {
                        matching.push(*at);
                    }
                }
                matching.sort_unstable();
                competing.extend(matching.iter().skip(1).map(|&at| self.targets[at].0));
                if matching.len() > 1 {
                    let described: Vec<String> = matching
                        .iter()
                        .map(|&at| describe(self.targets[at].0))
                        .collect();
                    warnings.push(format!(
                        "{} fencing targets match {node} ({}); the fencer uses only one of them, \
                         in no defined order (fencectl takes the first in the configuration): \
                         give {node} levels of its own",
                        matching.len(),
                        described.join(", ")
                    ));
                }
                matching.first().copied()
            }
        };
        let Some(at) = chosen else {
            return Selection {
                levels: Vec::new(),
                target: None,
                warnings,
                competing,
            };
        };
        let (target, levels) = &self.targets[at];
        let mut usable: Vec<&'a L> = Vec::with_capacity(levels.len());
        for level in levels {
            if INDEXES.contains(&level.index()) {
                usable.push(level);
            } else {
                warnings.push(format!(
                    "fencing level {} has index {}: the fencer ignores levels outside 1..9",
                    level.label(),
                    level.index()
                ));
            }
        }
        usable.sort_by_key(|level| level.index());
        Selection {
            levels: usable,
            target: Some(target),
            warnings,
            competing,
        }
    }
}

/// A target as a person reads it.
pub fn describe(target: &LevelTarget) -> String {
    match target {
        LevelTarget::Node(node) => format!("node {node}"),
        LevelTarget::Pattern(pattern) => format!("pattern {pattern}"),
        LevelTarget::Attribute { name, value } => format!("attribute {name}={value}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Level(LevelTarget, u32, &'static str);

    impl LevelLike for Level {
        fn target(&self) -> &LevelTarget {
            &self.0
        }
        fn index(&self) -> u32 {
            self.1
        }
        fn label(&self) -> String {
            self.2.to_string()
        }
    }

    fn node(name: &str) -> LevelTarget {
        LevelTarget::Node(name.into())
    }

    fn ids<L: LevelLike>(selection: &Selection<'_, L>) -> Vec<String> {
        selection.levels.iter().map(|l| l.label()).collect()
    }

    #[test]
    fn target_names_ignore_case() {
        let levels = [
            Level(node("RHEL7-4"), 1, "l1"),
            Level(node("RHEL7-4"), 2, "l2"),
        ];
        let topology = Topology::new(&levels);
        let chosen = topology.for_node("rhel7-4", &[]);
        assert_eq!(ids(&chosen), ["l1", "l2"]);
        assert!(chosen.warnings.is_empty());
    }

    #[test]
    fn the_exact_name_wins_over_patterns() {
        let levels = [
            Level(LevelTarget::Pattern("node.*".into()), 1, "pattern"),
            Level(node("node1"), 2, "own"),
        ];
        let topology = Topology::new(&levels);
        let chosen = topology.for_node("node1", &[]);
        assert_eq!(ids(&chosen), ["own"]);
        assert!(chosen.warnings.is_empty());
    }

    #[test]
    fn one_target_only_and_a_warning_when_several_match() {
        let levels = [
            Level(LevelTarget::Pattern("node".into()), 1, "p1"),
            Level(
                LevelTarget::Attribute {
                    name: "rack".into(),
                    value: "1".into(),
                },
                1,
                "a1",
            ),
            Level(LevelTarget::Pattern("node".into()), 2, "p2"),
        ];
        let topology = Topology::new(&levels);
        let attrs = vec![("rack".to_string(), "1".to_string())];
        let chosen = topology.for_node("node2", &attrs);
        assert_eq!(ids(&chosen), ["p1", "p2"]);
        assert_eq!(chosen.warnings.len(), 1, "{:?}", chosen.warnings);
        // patterns are case-sensitive and unanchored
        assert!(topology.for_node("NODE2", &[]).levels.is_empty());
        assert_eq!(ids(&topology.for_node("xnode", &[])), ["p1", "p2"]);
        assert_eq!(ids(&topology.for_node("other", &attrs)), ["a1"]);
    }

    #[test]
    fn indexes_outside_one_to_nine_are_ignored() {
        let levels = [Level(node("n1"), 10, "ten"), Level(node("n1"), 3, "three")];
        let topology = Topology::new(&levels);
        let chosen = topology.for_node("n1", &[]);
        assert_eq!(ids(&chosen), ["three"]);
        assert!(chosen.warnings[0].contains("outside 1..9"));
    }
}
