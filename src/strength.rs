//! How guessable a new password is (zxcvbn: dictionaries of common and leaked
//! passwords, names, keyboard patterns, dates, l33t). Registration and password
//! changes refuse what it scores below [`MIN_SCORE`]; the forms show the same
//! score as a meter while the user types.

pub use crate::domain::Strength;

/// The lowest acceptable score (0 to 4): "safely unguessable", on the order of
/// 10^8 or more guesses even with the user's own name as a hint.
pub const MIN_SCORE: u8 = 3;

/// Scores `password`, taking the words in `context` (the username) as known
/// to an attacker.
pub fn assess(password: &str, context: &[&str]) -> Strength {
    let entropy = zxcvbn::zxcvbn(password, context);
    let score = u8::from(entropy.score());
    let advice = entropy
        .feedback()
        .map(|feedback| {
            feedback
                .warning()
                .map(|w| w.to_string())
                .into_iter()
                .chain(feedback.suggestions().iter().map(|s| s.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    Strength {
        score,
        acceptable: score >= MIN_SCORE,
        advice,
    }
}

/// The message a form shows for a refused password.
pub fn refusal(strength: &Strength) -> String {
    let mut message = "This password is too easy to guess.".to_string();
    if !strength.advice.is_empty() {
        message.push(' ');
        message.push_str(&strength.advice);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_leaked_passwords_are_refused_even_when_long() {
        for weak in [
            "password1234",
            "123456789012",
            "qwertyuiopasdf",
            "iloveyou1234",
            "aaaaaaaaaaaa",
            "abcdefghijkl",
            "Password123!",
        ] {
            let s = assess(weak, &[]);
            assert!(!s.acceptable, "{weak}: {s:?}");
        }
    }

    #[test]
    fn the_username_counts_as_known() {
        let s = assess("margaretsmith2024", &["margaretsmith"]);
        assert!(!s.acceptable, "{s:?}");
    }

    #[test]
    fn passphrases_pass() {
        for strong in [
            "correct horse battery staple",
            "a brand new passphrase",
            "my cat eats 7 tomatoes daily",
            "🦀 rust keeps my secrets safe",
        ] {
            let s = assess(strong, &["alice"]);
            assert!(s.acceptable, "{strong}: {s:?}");
        }
    }

    #[test]
    fn weak_passwords_come_with_advice() {
        let s = assess("password1234", &[]);
        assert!(!s.advice.is_empty());
        assert!(refusal(&s).starts_with("This password is too easy to guess. "));
    }
}
