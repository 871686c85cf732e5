//! "Did you mean": the closest known name to a mistyped one.

/// The candidate closest to `wanted`, if any is close enough to be a typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wanted, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_typos() {
        let names = ["ip", "username", "password", "lanplus"];
        assert_eq!(super::closest("pasword", names), Some("password"));
        assert_eq!(super::closest("zzzz", names), None);
    }
}
