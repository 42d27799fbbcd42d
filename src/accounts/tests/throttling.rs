//! The per-account throttle, through `authenticate`.

use super::*;

#[tokio::test]
async fn guessing_locks_the_name_for_a_doubling_while_whatever_the_password() {
    use crate::throttle::{RetryAfter, FREE_FAILURES};

    let f = fixture().await;
    f.accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    for _ in 0..FREE_FAILURES {
        let err = f
            .accounts
            .authenticate("alice", &attempt("wrong guess"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    }
    // The next failure locks the name for 2 s...
    assert!(f
        .accounts
        .authenticate("ALICE", &attempt("wrong guess"))
        .await
        .is_err());
    // ...during which even the right password is turned away unchecked.
    let err = f
        .accounts
        .authenticate("alice", &attempt(PW))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled(RetryAfter(2))), "{err:?}");
    f.clock.advance_seconds(2);
    // The next failure doubles the wait.
    f.accounts
        .authenticate("alice", &attempt("wrong guess"))
        .await
        .unwrap_err();
    let err = f
        .accounts
        .authenticate("alice", &attempt(PW))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Throttled(RetryAfter(4))), "{err:?}");
    f.clock.advance_seconds(4);
    f.accounts
        .authenticate("alice", &attempt(PW))
        .await
        .unwrap();
    // A success forgets the failures: the next mistake is free again.
    let err = f
        .accounts
        .authenticate("alice", &attempt("wrong guess"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn unknown_names_are_throttled_exactly_like_known_ones() {
    use crate::throttle::FREE_FAILURES;

    let f = fixture().await;
    f.accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    let mut outcomes = Vec::new();
    for who in ["alice", "nobody"] {
        let mut seen = Vec::new();
        for _ in 0..=FREE_FAILURES + 1 {
            let err = f
                .accounts
                .authenticate(who, &attempt("wrong guess"))
                .await
                .unwrap_err();
            seen.push(format!("{err:?}"));
        }
        outcomes.push(seen);
    }
    assert_eq!(outcomes[0], outcomes[1]);
    assert!(outcomes[0].last().unwrap().contains("Throttled"));
}

#[tokio::test]
async fn an_hour_later_the_count_starts_over() {
    use crate::throttle::{FREE_FAILURES, WINDOW_SECONDS};

    let f = fixture().await;
    for _ in 0..FREE_FAILURES {
        f.accounts
            .authenticate("bob", &attempt("wrong guess"))
            .await
            .unwrap_err();
    }
    f.clock.advance_seconds(WINDOW_SECONDS);
    for _ in 0..FREE_FAILURES {
        let err = f
            .accounts
            .authenticate("bob", &attempt("wrong guess"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    }
    assert_eq!(
        f.accounts.throttle().purge().await.unwrap(),
        0,
        "still live"
    );
    f.clock.advance_seconds(WINDOW_SECONDS);
    assert_eq!(f.accounts.throttle().purge().await.unwrap(), 1);
}
