//! Secrets: which parameters hold them, and masking their values wherever
//! fencectl prints something (arguments, agent output, JSON, logs).

/// What a masked value is shown as.
pub const MASK: &str = "********";

/// Words that mark a parameter name as holding a secret.
const SECRET_WORDS: &[&str] = &[
    "passw",
    "passwd",
    "secret",
    "key",
    "token",
    "credential",
    "community",
];

/// Whether a parameter called `name` holds a secret, judged by its name
/// (`passwd`, `password_script`, `application_secret`, `consumer_key`...).
/// Parameters naming a *file* or *script* that holds the secret are not
/// secrets themselves.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace('-', "_");
    if lower.ends_with("_file") || lower.ends_with("_script") || lower.ends_with("_path") {
        return false;
    }
    if matches!(lower.as_str(), "ssh_options" | "identity_file" | "key_file") {
        return false;
    }
    SECRET_WORDS.iter().any(|word| lower.contains(word))
}

/// Replaces every occurrence of each secret value in `text` with [`MASK`].
/// Longer values go first so that one secret containing another is masked whole.
pub fn mask_values(text: &str, secrets: &[String]) -> String {
    let mut values: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    values
        .iter()
        .fold(text.to_string(), |acc, value| acc.replace(value, MASK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for name in [
            "passwd",
            "password",
            "application_secret",
            "consumer_key",
            "application-key",
            "snmp_priv_passwd",
            "community",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "ip",
            "username",
            "passwd_script",
            "password_script",
            "identity_file",
            "plug",
            "ssh_options",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn masking() {
        let secrets = vec!["abc".to_string(), "abcdef".to_string()];
        assert_eq!(
            mask_values("x=abcdef y=abc", &secrets),
            "x=******** y=********"
        );
    }
}
