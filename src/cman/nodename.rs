//! Which `<clusternode>` a name given to `fence_node` means, decided as
//! cman's `ccs_lookup_nodename` (config/libs/libccsconfdb/extras.c)
//! decides it, so that `fencectl fence NAME` fences the node fence_node
//! would have fenced.
//!
//! In order: the exact name; for a name with a dot, the part before the
//! first dot, exactly; then each node in document order, its `name` and
//! then its `<altname>`s, each compared case-insensitively on the part
//! before the first dot (the domain is ignored: `node03.other.org` finds
//! `node03.example.com`), then, for an address given as NAME, the node's
//! own address. The first node that matches wins; libfence then passes the
//! configured name as `nodename=`.
//!
//! One deliberate difference: cman cut an address at its first dot too, so
//! `fence_node 10.0.0.50` found a node called `10.0.0.5` (both "10").
//! fencectl compares an address only with addresses.

use std::net::IpAddr;

/// What a lookup needs of a node.
pub trait NamedNode {
    fn name(&self) -> &str;
    fn altnames(&self) -> &[String];
}

/// How a name was found, for -v and for warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The configured name, exactly.
    Exact,
    /// The part before the first dot of the given name, exactly.
    ShortName,
    /// The short forms of both, case-insensitively (`altname` when it
    /// matched an `<altname>`).
    ShortNameIgnoringCase { altname: Option<String> },
    /// The given address is the node's (or its altname's) address.
    Address { altname: Option<String> },
}

/// The index of the node `wanted` names, and how, as cman finds it.
pub fn lookup<N: NamedNode>(nodes: &[N], wanted: &str) -> Option<(usize, Match)> {
    if let Some(i) = nodes.iter().position(|n| n.name() == wanted) {
        return Some((i, Match::Exact));
    }
    let wanted_address: Option<IpAddr> = wanted.parse().ok();
    if let Some(address) = wanted_address {
        return nodes.iter().enumerate().find_map(|(i, node)| {
            std::iter::once((node.name(), None))
                .chain(
                    node.altnames()
                        .iter()
                        .map(|a| (a.as_str(), Some(a.clone()))),
                )
                .find(|(candidate, _)| candidate.parse::<IpAddr>() == Ok(address))
                .map(|(_, altname)| (i, Match::Address { altname }))
        });
    }
    let host_only = short(wanted);
    if host_only.len() != wanted.len() {
        if let Some(i) = nodes.iter().position(|n| n.name() == host_only) {
            return Some((i, Match::ShortName));
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        let candidates = std::iter::once((node.name(), None)).chain(
            node.altnames()
                .iter()
                .map(|a| (a.as_str(), Some(a.clone()))),
        );
        for (candidate, altname) in candidates {
            if short(candidate).eq_ignore_ascii_case(host_only) {
                return Some((i, Match::ShortNameIgnoringCase { altname }));
            }
        }
    }
    None
}

/// Every node that the lookup's looser steps would also accept: when there
/// are several, cman takes the first in the file, which may surprise.
pub fn other_candidates<N: NamedNode>(nodes: &[N], wanted: &str, chosen: usize) -> Vec<usize> {
    if wanted.parse::<IpAddr>().is_ok() {
        return Vec::new();
    }
    let host_only = short(wanted);
    nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != chosen)
        .filter(|(_, node)| {
            std::iter::once(node.name())
                .chain(node.altnames().iter().map(String::as_str))
                .any(|candidate| short(candidate).eq_ignore_ascii_case(host_only))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The part before the first dot (the whole name when there is none).
fn short(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Node(&'static str, Vec<String>);

    impl NamedNode for Node {
        fn name(&self) -> &str {
            self.0
        }
        fn altnames(&self) -> &[String] {
            &self.1
        }
    }

    fn nodes() -> Vec<Node> {
        vec![
            Node("node01.example.com", vec![]),
            Node("node03", vec!["node03-ring1".into()]),
            Node("Node04", vec![]),
            Node("10.0.0.5", vec![]),
        ]
    }

    #[test]
    fn exact_first() {
        assert_eq!(lookup(&nodes(), "node03"), Some((1, Match::Exact)));
    }

    #[test]
    fn fully_qualified_name_finds_the_short_one() {
        assert_eq!(
            lookup(&nodes(), "node03.example.com"),
            Some((1, Match::ShortName))
        );
    }

    #[test]
    fn short_name_and_any_domain_find_the_fully_qualified_one() {
        for wanted in ["node01", "NODE01", "node01.other.org"] {
            assert_eq!(
                lookup(&nodes(), wanted),
                Some((0, Match::ShortNameIgnoringCase { altname: None })),
                "{wanted}"
            );
        }
    }

    #[test]
    fn case_and_altnames() {
        assert_eq!(
            lookup(&nodes(), "node04"),
            Some((2, Match::ShortNameIgnoringCase { altname: None }))
        );
        assert_eq!(
            lookup(&nodes(), "NODE03-RING1"),
            Some((
                1,
                Match::ShortNameIgnoringCase {
                    altname: Some("node03-ring1".into())
                }
            ))
        );
    }

    #[test]
    fn addresses_and_misses() {
        // "10.0.0.5" is found exactly; "10.0.0.50" is not that node
        // (cman would have taken it: both cut to "10").
        assert_eq!(lookup(&nodes(), "10.0.0.5"), Some((3, Match::Exact)));
        let by_altname = vec![Node("n1", vec!["192.0.2.1".into()])];
        assert_eq!(
            lookup(&by_altname, "192.0.2.1"),
            Some((
                0,
                Match::Address {
                    altname: Some("192.0.2.1".into())
                }
            ))
        );
        assert_eq!(lookup(&nodes(), "10.0.0.50"), None);
        assert_eq!(lookup(&nodes(), "node02"), None);
    }

    #[test]
    fn the_first_node_in_the_file_wins() {
        let nodes = vec![
            Node("web1.dc1.example", vec![]),
            Node("web1.dc2.example", vec![]),
        ];
        assert_eq!(
            lookup(&nodes, "WEB1"),
            Some((0, Match::ShortNameIgnoringCase { altname: None }))
        );
        assert_eq!(other_candidates(&nodes, "WEB1", 0), vec![1]);
    }
}
