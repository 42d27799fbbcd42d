//! How guessable a new password is (zxcvbn: dictionaries of common and leaked
//! passwords, names, keyboard patterns, dates, l33t). Registration and password
//! changes refuse what it scores below [`MIN_SCORE`]; the forms show the same
//! score as a meter while the user types.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

pub use crate::domain::Strength;

/// How many characters are scored. zxcvbn's work grows fast with length
/// (120 characters of l33t symbols took seconds); a password whose first 64
/// characters are hard to guess is hard to guess.
pub const SCORED_CHARS: usize = 64;

/// Scorings at once: half the cores, so scoring never takes them all.
static SCORERS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Semaphore::new((cores / 2).max(1))
});

/// [`assess`], on the blocking pool and at most [`SCORERS`] at a time, of
/// the first [`SCORED_CHARS`] characters: no request can hold an async
/// worker (and so every other request) with this CPU work.
pub async fn score(password: &str, context: &[&str]) -> Strength {
    let password: String = password.chars().take(SCORED_CHARS).collect();
    let context: Vec<String> = context.iter().map(|word| word.to_string()).collect();
    // The semaphore is never closed; should it be, scoring goes on unbounded.
    let _turn = SCORERS.acquire().await.ok();
    let scored = tokio::task::spawn_blocking(move || {
        let context: Vec<&str> = context.iter().map(String::as_str).collect();
        assess(&password, &context)
    })
    .await;
    scored.unwrap_or_else(|e| {
        tracing::error!(error = %e, "password scoring failed");
        // Refusing is the safe answer when the score is unknown.
        Strength {
            score: 0,
            acceptable: false,
            advice: "Please try again.".to_string(),
        }
    })
}

/// The lowest acceptable score (0 to 4): "safely unguessable", on the order of
/// 10^8 or more guesses even with the user's own name as a hint.
pub const MIN_SCORE: u8 = 3;

/// The site's own words (ASVS 5.0 6.1.2): an attacker tries them first, so a
/// password built of them scores as if they were common words. A deployment
/// adds its own name and products here.
pub const SITE_WORDS: &[&str] = &["latchkey", "latch", "login", "account", "password"];

/// Scores `password`, taking the words in `context` (the username) and
/// [`SITE_WORDS`] as known to an attacker.
pub fn assess(password: &str, context: &[&str]) -> Strength {
    let known: Vec<&str> = context.iter().chain(SITE_WORDS).copied().collect();
    let entropy = zxcvbn::zxcvbn(password, &known);
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
    fn the_sites_own_words_count_as_known() {
        // Good enough for zxcvbn alone; made of the site's own name.
        let built = "latchkeylatchkey99";
        assert!(u8::from(zxcvbn::zxcvbn(built, &[]).score()) >= MIN_SCORE);
        assert!(!assess(built, &[]).acceptable);
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

    #[tokio::test]
    async fn scoring_off_the_workers_agrees_with_assess_and_bounds_the_length() {
        let strong = "correct horse battery staple";
        assert_eq!(score(strong, &["alice"]).await, assess(strong, &["alice"]));
        // Only the first 64 characters count: a weak start is refused however
        // it goes on.
        let padded = format!("{}{}", "a".repeat(SCORED_CHARS), "x7#Qp!z9 unusual tail");
        assert!(
            assess(&padded, &[]).acceptable,
            "scored whole, it would pass"
        );
        assert!(!score(&padded, &[]).await.acceptable);
    }

    #[test]
    fn weak_passwords_come_with_advice() {
        let s = assess("password1234", &[]);
        assert!(!s.advice.is_empty());
        assert!(refusal(&s).starts_with("This password is too easy to guess. "));
    }
}
