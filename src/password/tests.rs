//! The hasher on real argon2id: costs, the pepper, normalised forms.

use super::*;

fn hasher(cost: HashCost) -> PasswordHasher {
    PasswordHasher::new(cost, 2).unwrap()
}

fn new_password(s: &str) -> NewPassword {
    NewPassword::parse(s).unwrap()
}

fn attempt(s: &str) -> PasswordAttempt {
    PasswordAttempt::parse(s).unwrap()
}

#[tokio::test]
async fn hashes_with_argon2id_at_the_owasp_minimum() {
    let h = hasher(HashCost::default());
    let hash = h
        .hash(&new_password("correct horse battery"))
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1,data=bmZrYw$"),
        "{hash}"
    );
}

/// ASVS 2.4.2: each hash has its own salt of at least 32 bits (here 128).
#[tokio::test]
async fn every_hash_has_its_own_salt_of_sixteen_bytes() {
    let h = hasher(HashCost::default());
    let password = new_password("correct horse battery");
    let (a, b) = (
        h.hash(&password).await.unwrap(),
        h.hash(&password).await.unwrap(),
    );
    let salt = |hash: &str| PasswordHash::new(hash).unwrap().salt.unwrap().to_string();
    assert_ne!(salt(&a), salt(&b), "the same password, two salts");
    let mut bytes = [0u8; 64];
    let len = PasswordHash::new(&a)
        .unwrap()
        .salt
        .unwrap()
        .decode_b64(&mut bytes)
        .unwrap()
        .len();
    assert_eq!(len, 16);
    assert_ne!(a, b);
}

#[tokio::test]
async fn verifies_the_right_password_and_refuses_a_wrong_one() {
    let h = hasher(HashCost::default());
    let hash = h
        .hash(&new_password("correct horse battery"))
        .await
        .unwrap();
    assert_eq!(
        h.verify(&attempt("correct horse battery"), Some(&hash))
            .await
            .unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
    assert_eq!(
        h.verify(&attempt("correct horse batterY"), Some(&hash))
            .await
            .unwrap(),
        Verification::Mismatch
    );
}

/// ASVS 2.1.3: the whole password is hashed. bcrypt, say, would keep
/// only 72 bytes, and these two would match.
#[tokio::test]
async fn every_character_counts_up_to_the_last_of_a_long_password() {
    let h = hasher(HashCost::default());
    let long = format!("{}a", "🦀 passphrase ".repeat(9));
    let hash = h.hash(&new_password(&long)).await.unwrap();
    let last_changed = format!("{}b", "🦀 passphrase ".repeat(9));
    assert_eq!(
        h.verify(&attempt(&last_changed), Some(&hash))
            .await
            .unwrap(),
        Verification::Mismatch
    );
    let space_dropped = long.trim_start_matches('🦀').to_string();
    assert_eq!(
        h.verify(&attempt(&space_dropped), Some(&hash))
            .await
            .unwrap(),
        Verification::Mismatch
    );
}

#[tokio::test]
async fn an_unknown_account_never_matches_not_even_the_dummy_password() {
    let h = hasher(HashCost::default());
    assert_eq!(
        h.verify(&attempt("latchkey-dummy-password"), None)
            .await
            .unwrap(),
        Verification::Mismatch
    );
}

fn pepper(byte: u8) -> Option<Pepper> {
    Pepper::new(&[byte; 32])
}

#[tokio::test]
async fn a_peppered_hash_needs_the_pepper_to_verify() {
    let peppered = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(7)).unwrap();
    let hash = peppered
        .hash(&new_password("correct horse battery"))
        .await
        .unwrap();
    assert!(hash.contains(",keyid="), "{hash}");
    assert!(!hash.contains(&hex::encode([7u8; 32])));
    assert_eq!(
        peppered
            .verify(&attempt("correct horse battery"), Some(&hash))
            .await
            .unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
    // The database alone (or a wrong pepper) cannot check a guess.
    let other = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(8)).unwrap();
    assert_eq!(
        other
            .verify(&attempt("correct horse battery"), Some(&hash))
            .await
            .unwrap(),
        Verification::Mismatch
    );
    assert!(hasher(HashCost::default())
        .verify(&attempt("correct horse battery"), Some(&hash))
        .await
        .is_err());
}

#[tokio::test]
async fn hashes_from_before_the_pepper_still_verify_and_ask_for_it() {
    let old = hasher(HashCost::default())
        .hash(&new_password("correct horse battery"))
        .await
        .unwrap();
    let peppered = PasswordHasher::with_pepper(HashCost::default(), 2, pepper(7)).unwrap();
    assert_eq!(
        peppered
            .verify(&attempt("correct horse battery"), Some(&old))
            .await
            .unwrap(),
        Verification::Match { needs_rehash: true }
    );
    assert_eq!(
        peppered
            .verify(&attempt("wrong horse battery"), Some(&old))
            .await
            .unwrap(),
        Verification::Mismatch
    );
}

/// A hash as made before passwords were normalised: of the text as
/// typed, without the mark.
fn legacy_hash(password: &str) -> String {
    let params = ParamsBuilder::new()
        .m_cost(19 * 1024)
        .t_cost(2)
        .p_cost(1)
        .build()
        .unwrap();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

const COMPOSED: &str = "Cr\u{e8}me br\u{fb}l\u{e9}e au caramel";
const DECOMPOSED: &str = "Cre\u{300}me bru\u{302}le\u{301}e au caramel";

#[tokio::test]
async fn composed_and_decomposed_forms_are_one_password() {
    let h = hasher(HashCost::default());
    let hash = h.hash(&new_password(COMPOSED)).await.unwrap();
    assert!(hash.contains(",data="), "marked as normalised: {hash}");
    let matched = Verification::Match {
        needs_rehash: false,
    };
    assert_eq!(
        h.verify(&attempt(DECOMPOSED), Some(&hash)).await.unwrap(),
        matched
    );
    let hash = h.hash(&new_password(DECOMPOSED)).await.unwrap();
    assert_eq!(
        h.verify(&attempt(COMPOSED), Some(&hash)).await.unwrap(),
        matched
    );
    // Full-width letters and a no-break space fold too (NFKC).
    let hash = h
        .hash(&new_password("ｃｏｒｒｅｃｔ\u{a0}horse battery"))
        .await
        .unwrap();
    assert_eq!(
        h.verify(&attempt("correct horse battery"), Some(&hash))
            .await
            .unwrap(),
        matched
    );
    assert_eq!(
        h.verify(&attempt("Creme brulee au caramel"), Some(&hash))
            .await
            .unwrap(),
        Verification::Mismatch
    );
}

#[tokio::test]
async fn hashes_from_before_normalisation_verify_either_form_and_ask_for_a_rehash() {
    let h = hasher(HashCost::default());
    let rehash = Verification::Match { needs_rehash: true };
    // Registered decomposed, as typed: that still works, and so does the
    // composed form, which normalising the attempt reaches.
    let old = legacy_hash(DECOMPOSED);
    assert_eq!(
        h.verify(&attempt(DECOMPOSED), Some(&old)).await.unwrap(),
        rehash
    );
    // Registered composed (already normal): typed decomposed now works.
    let old = legacy_hash(COMPOSED);
    assert_eq!(
        h.verify(&attempt(DECOMPOSED), Some(&old)).await.unwrap(),
        rehash
    );
    assert_eq!(
        h.verify(&attempt("Creme brulee au caramel"), Some(&old))
            .await
            .unwrap(),
        Verification::Mismatch
    );
    // The rehash is of the normalised form, and marked.
    let new = h.rehash(&attempt(DECOMPOSED)).await.unwrap();
    assert_eq!(
        h.verify(&attempt(COMPOSED), Some(&new)).await.unwrap(),
        Verification::Match {
            needs_rehash: false
        }
    );
}

#[tokio::test]
async fn a_marked_hash_is_never_checked_against_the_typed_form() {
    // A hash of the decomposed bytes that claims to be normalised: only
    // the normalised (composed) attempt is tried, so it cannot match.
    let h = hasher(HashCost::default());
    let forged = hash_with(
        HashCost::default(),
        None,
        DECOMPOSED,
        &SaltString::generate(&mut OsRng),
    )
    .unwrap();
    assert_eq!(
        h.verify(&attempt(DECOMPOSED), Some(&forged)).await.unwrap(),
        Verification::Mismatch
    );
}

#[test]
fn a_short_pepper_is_refused_and_none_is_ever_printed() {
    assert!(Pepper::new(&[1; 31]).is_none());
    assert_eq!(format!("{:?}", pepper(7).unwrap()), "Pepper(<redacted>)");
}

#[tokio::test]
async fn a_hash_weaker_than_configured_asks_to_be_rehashed() {
    let weak = HashCost {
        memory_kib: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    };
    let old = hasher(weak)
        .hash(&new_password("correct horse battery"))
        .await
        .unwrap();
    let current = hasher(HashCost::default());
    assert_eq!(
        current
            .verify(&attempt("correct horse battery"), Some(&old))
            .await
            .unwrap(),
        Verification::Match { needs_rehash: true }
    );
}
