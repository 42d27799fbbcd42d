use super::*;
use crate::password::HashCost;

mod throttling;

struct Fixture {
    accounts: Accounts,
    clock: Clock,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nested/test.db").display());
    let store = Store::connect(&url).await.unwrap();
    let hasher = PasswordHasher::new(HashCost::default(), 2).unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(1_700_000_000));
    Fixture {
        accounts: Accounts::new(store, hasher, clock.clone()),
        clock,
        _dir: dir,
    }
}

fn name(s: &str) -> Username {
    Username::parse(s).unwrap()
}

fn password(s: &str) -> NewPassword {
    NewPassword::parse(s).unwrap()
}

fn attempt(s: &str) -> PasswordAttempt {
    PasswordAttempt::parse(s).unwrap()
}

const PW: &str = "correct horse battery";

#[tokio::test]
async fn registering_creates_the_database_folder_and_an_account_that_can_log_in() {
    let f = fixture().await;
    let user = f
        .accounts
        .register(&name("Alice"), &password(PW))
        .await
        .unwrap();
    assert_eq!(user.username, "Alice");
    let again = f
        .accounts
        .authenticate("alice", &attempt(PW))
        .await
        .unwrap();
    assert_eq!(again.id, user.id);
    assert_eq!(again.username, "Alice", "the name is shown as typed");
}

#[tokio::test]
async fn a_name_taken_in_another_case_is_refused() {
    let f = fixture().await;
    f.accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    let err = f
        .accounts
        .register(&name("ALICE"), &password(PW))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UsernameTaken), "{err:?}");
}

#[tokio::test]
async fn concurrent_registrations_of_one_name_create_exactly_one_account() {
    let f = fixture().await;
    let tries = (0..8).map(|i| {
        let accounts = f.accounts.clone();
        let n = if i % 2 == 0 { "Racer" } else { "racer" };
        tokio::spawn(async move { accounts.register(&name(n), &password(PW)).await })
    });
    let mut created = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(Error::UsernameTaken) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn wrong_password_unknown_user_and_malformed_name_all_get_the_same_error() {
    let f = fixture().await;
    f.accounts
        .register(&name("bob"), &password(PW))
        .await
        .unwrap();
    for (user, pw) in [
        ("bob", "wrong password!"),
        ("nobody", PW),
        ("no such name!", PW),
        ("bob", &"x".repeat(500)),
    ] {
        let err = f
            .accounts
            .authenticate(user, &attempt(pw))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidCredentials), "{user}: {err:?}");
    }
}

#[tokio::test]
async fn a_stale_hash_is_upgraded_at_the_next_successful_login() {
    let dir = tempfile::tempdir().unwrap();
    let weak = HashCost {
        memory_kib: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    };
    let url = format!("sqlite://{}", dir.path().join("nested/test.db").display());
    // Register under weak parameters, then log in under the default ones.
    let store = Store::connect(&url).await.unwrap();
    let weak_accounts = Accounts::new(
        store.clone(),
        PasswordHasher::new(weak, 1).unwrap(),
        Clock::system(),
    );
    let user = weak_accounts
        .register(&name("carol"), &password(PW))
        .await
        .unwrap();
    let before = store
        .db()
        .find_credentials("carol")
        .await
        .unwrap()
        .unwrap()
        .1;
    assert!(before.contains("m=8192,t=1"), "{before}");

    let strong = Accounts::new(
        store.clone(),
        PasswordHasher::new(HashCost::default(), 1).unwrap(),
        Clock::system(),
    );
    assert_eq!(
        strong.authenticate("carol", &attempt(PW)).await.unwrap().id,
        user.id
    );
    let after = store
        .db()
        .find_credentials("carol")
        .await
        .unwrap()
        .unwrap()
        .1;
    assert!(after.contains("m=19456,t=2,p=1"), "{after}");
    assert_eq!(
        strong.authenticate("carol", &attempt(PW)).await.unwrap().id,
        user.id
    );
}

#[tokio::test]
async fn only_the_owner_may_edit_a_profile_and_a_refusal_changes_nothing() {
    let f = fixture().await;
    let alice = f
        .accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    let mallory = f
        .accounts
        .register(&name("mallory"), &password(PW))
        .await
        .unwrap();
    let update = ProfileUpdate::parse("Ada", "Hello", "London").unwrap();

    let saved = f
        .accounts
        .update_profile(alice.id, "ALICE", &update)
        .await
        .unwrap();
    assert_eq!(saved.display_name, "Ada");

    let evil = ProfileUpdate::parse("pwned", "pwned", "pwned").unwrap();
    for target in ["alice", "Alice", "nobody", "bad name!"] {
        let err = f
            .accounts
            .update_profile(mallory.id, target, &evil)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Forbidden), "{target}: {err:?}");
    }
    assert_eq!(
        f.accounts.profile("alice").await.unwrap().display_name,
        "Ada"
    );
    assert_eq!(
        f.accounts
            .current_user(alice.id)
            .await
            .unwrap()
            .unwrap()
            .display_name,
        "Ada"
    );
}

#[tokio::test]
async fn an_unknown_profile_is_not_found() {
    let f = fixture().await;
    assert!(matches!(
        f.accounts.profile("ghost").await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        f.accounts.profile("../etc").await,
        Err(Error::NotFound)
    ));
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_then_only_the_new_one_works() {
    let f = fixture().await;
    let user = f
        .accounts
        .register(&name("dora"), &password(PW))
        .await
        .unwrap();
    let next = "an entirely new passphrase";
    let err = f
        .accounts
        .change_password(user.id, &attempt("not the current one"), &password(next))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    assert!(
        f.accounts.authenticate("dora", &attempt(PW)).await.is_ok(),
        "a refused change changes nothing"
    );

    f.accounts
        .change_password(user.id, &attempt(PW), &password(next))
        .await
        .unwrap();
    assert!(f.accounts.authenticate("dora", &attempt(PW)).await.is_err());
    assert_eq!(
        f.accounts
            .authenticate("dora", &attempt(next))
            .await
            .unwrap()
            .id,
        user.id
    );
}

#[tokio::test]
async fn a_renamed_user_frees_the_old_name_and_keeps_the_password() {
    let f = fixture().await;
    let alice = f
        .accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    let renamed = f
        .accounts
        .change_username(f.accounts.store().db(), alice.id, &name("Alicia"))
        .await
        .unwrap();
    assert_eq!(
        (renamed.id, renamed.username.as_str()),
        (alice.id, "Alicia")
    );
    assert!(f
        .accounts
        .authenticate("alice", &attempt(PW))
        .await
        .is_err());
    assert_eq!(
        f.accounts
            .authenticate("alicia", &attempt(PW))
            .await
            .unwrap()
            .id,
        alice.id
    );
    // The old name is free for someone else.
    f.accounts
        .register(&name("ALICE"), &password(PW))
        .await
        .unwrap();
}

#[tokio::test]
async fn renaming_to_a_taken_name_changes_nothing() {
    let f = fixture().await;
    let alice = f
        .accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    f.accounts
        .register(&name("bob"), &password(PW))
        .await
        .unwrap();
    let err = f
        .accounts
        .change_username(f.accounts.store().db(), alice.id, &name("Bob"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UsernameTaken), "{err:?}");
    assert_eq!(
        f.accounts
            .current_user(alice.id)
            .await
            .unwrap()
            .unwrap()
            .username,
        "alice"
    );
    // The very same name changes nothing; a change of case is allowed.
    let err = f
        .accounts
        .change_username(f.accounts.store().db(), alice.id, &name("alice"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UsernameUnchanged), "{err:?}");
    let recased = f
        .accounts
        .change_username(f.accounts.store().db(), alice.id, &name("ALICE"))
        .await
        .unwrap();
    assert_eq!(recased.username, "ALICE");
}

#[tokio::test]
async fn a_password_is_verified_for_its_own_user_only() {
    let f = fixture().await;
    let alice = f
        .accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    f.accounts
        .verify_password(alice.id, &attempt(PW))
        .await
        .unwrap();
    let err = f
        .accounts
        .verify_password(alice.id, &attempt("not the password"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials), "{err:?}");
    let err = f
        .accounts
        .verify_password(UserId(alice.id.0 + 1), &attempt(PW))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err:?}");
}

#[tokio::test]
async fn a_deleted_account_is_gone_and_its_name_free() {
    let f = fixture().await;
    let alice = f
        .accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
    assert!(f
        .accounts
        .delete_account(f.accounts.store().db(), alice.id)
        .await
        .unwrap());
    assert!(
        !f.accounts
            .delete_account(f.accounts.store().db(), alice.id)
            .await
            .unwrap(),
        "gone already"
    );
    assert!(f.accounts.current_user(alice.id).await.unwrap().is_none());
    assert!(matches!(
        f.accounts.profile("alice").await,
        Err(Error::NotFound)
    ));
    // The name is free again.
    f.accounts
        .register(&name("alice"), &password(PW))
        .await
        .unwrap();
}
