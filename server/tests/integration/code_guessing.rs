//! Recovery codes at rest and second-factor codes under guessing: codes are
//! argon2id (ASVS 5.0 6.5.2), and a day allows an account 30 wrong codes
//! however they are paced (6.3.1, 6.6.3).

use reqwest::StatusCode;

use crate::harness::{clock_at, secs};
use crate::second_factor::{call, code, password_given, with_authenticator, START};

/// The hard cap: however an attacker who has the password paces their
/// guesses (ten at once, each round after the longest lock has run out),
/// a day gives them 30 code checks, no more; then even the right code waits
/// until the day's window is over.
#[tokio::test]
async fn a_day_of_paced_guessing_gets_thirty_code_checks() {
    use latchkey::throttle::{MAX_CODE_FAILURES_PER_DAY, MAX_LOCK_SECONDS};
    let clock = clock_at(START);
    let (app, name, secret, _) = with_authenticator(&clock).await;
    let mut checked = 0;
    let mut last = Vec::new();
    for round in 0..100 {
        let pending = password_given(&app, &name, false).await;
        let mut guesses = tokio::task::JoinSet::new();
        for n in 0..10 {
            let (client, url) = (pending.clone(), app.url("/api/verify_factor"));
            guesses.spawn(async move {
                let form = [("code", format!("{:06}", 100_000 + round * 10 + n))];
                client.post(url).form(&form).send().await.unwrap().status()
            });
        }
        last = guesses.join_all().await;
        checked += last
            .iter()
            .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
            .count() as i64;
        clock.advance(secs(MAX_LOCK_SECONDS + 60));
        if clock.now().seconds() - START > 20 * 60 * 60 {
            break;
        }
    }
    assert_eq!(checked, MAX_CODE_FAILURES_PER_DAY, "checks in the day");
    assert!(
        last.iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{last:?}"
    );
    let pending = password_given(&app, &name, false).await;
    let right = code(&secret, clock.now().seconds());
    let refused = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    // A day after the first failure, the right code works again.
    clock.advance(secs(
        START + latchkey::throttle::DAY_SECONDS + 60 - clock.now().seconds(),
    ));
    let pending = password_given(&app, &name, false).await;
    let right = code(&secret, clock.now().seconds());
    let passed = call(&pending, &app, "verify_factor", &[("code", &right)]).await;
    assert_eq!(passed.status(), StatusCode::OK);
}

/// Recovery codes are stored as argon2id under a salt of their set (ASVS
/// 5.0 6.5.2: 50 bits is too few for a fast hash): a stolen database does
/// not give them up to a GPU in a day. A code stored by the old scheme
/// (SHA-256 under a 4-byte salt of its own) still signs in, once.
#[tokio::test]
async fn recovery_codes_are_stored_as_argon2id_and_old_ones_still_work() {
    use argon2::{Algorithm, Argon2, Params, Version};
    use sha2::{Digest, Sha256};
    let clock = clock_at(START);
    let (app, name, _, codes) = with_authenticator(&clock).await;
    let id = app.user_id(&name).await;
    let pool = app.database().await;
    let rows: Vec<(Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT salt, code_hash FROM latchkey_recovery_codes WHERE user_id = $1")
            .bind(id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 10);
    let salt = rows[0].0.clone();
    assert_eq!(salt.len(), 16);
    assert!(rows.iter().all(|(s, _)| *s == salt), "one salt per set");
    let argon = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, Some(32)).unwrap(),
    );
    let first = codes[0].replace('-', "");
    let mut expected = vec![0u8; 32];
    argon
        .hash_password_into(first.as_bytes(), &salt, &mut expected)
        .unwrap();
    assert!(rows.iter().any(|(_, hash)| *hash == expected), "argon2id");
    let fast = Sha256::digest([salt.as_slice(), first.as_bytes()].concat()).to_vec();
    assert!(rows.iter().all(|(_, hash)| *hash != fast), "not SHA-256");

    // A code of the old scheme.
    let old_salt = vec![9u8, 8, 7, 6];
    let old = Sha256::digest([old_salt.as_slice(), b"abcdefghij"].concat()).to_vec();
    sqlx::query(
        "INSERT INTO latchkey_recovery_codes (user_id, salt, code_hash, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(old_salt)
    .bind(old)
    .bind(START)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    for (code, status) in [
        ("ABCDE-FGHIJ", StatusCode::OK),
        ("abcde-fghij", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let pending = password_given(&app, &name, false).await;
        let answer = call(&pending, &app, "verify_factor", &[("code", code)]).await;
        assert_eq!(answer.status(), status, "{code}");
    }
}
