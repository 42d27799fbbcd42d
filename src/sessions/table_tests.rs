//! The session table on a real SQLite file, on a clock the tests move.

use super::*;
use crate::domain::Username;
use crate::store::{NewDevice, NewUser, SignedOut};

async fn table(dir: &tempfile::TempDir, clock: &Clock) -> (SessionTable, Store) {
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.unwrap();
    let lifetimes = Lifetimes {
        idle: std::time::Duration::from_secs(100),
        absolute: std::time::Duration::from_secs(1_000),
        remembered: std::time::Duration::from_secs(10_000),
    };
    (
        SessionTable::new(store.clone(), clock.clone(), lifetimes),
        store,
    )
}

fn record(data: &[(&str, Value)]) -> Record {
    Record {
        id: Id::default(),
        data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        // The system clock's date, far from the manual clock's: never used.
        expiry_date: OffsetDateTime::UNIX_EPOCH,
    }
}

#[tokio::test]
async fn a_sign_in_round_trips_with_its_user_and_lives_by_the_core_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(5_000));
    let (table, store) = table(&dir, &clock).await;
    let username = Username::parse("alice").unwrap();
    let new_user = NewUser {
        username: &username,
        password_hash: "x",
        now: 1,
    };
    let user = store.db().insert_user(new_user).await.unwrap();
    let new_device = NewDevice {
        user,
        user_agent: "test",
        ip: "::1",
        remembered: false,
        signed_in_with: "password",
        now: 1,
    };
    let device = store.db().insert_device(new_device).await.unwrap();
    let signed_in = SignedIn {
        user,
        device,
        at: 5_000,
        seen: 5_000,
        remember: false,
        confirmed: None,
    };
    let mut created = record(&[(SIGNED_IN_KEY, serde_json::to_value(signed_in).unwrap())]);
    table.create(&mut created).await.unwrap();

    let loaded = table.load(&created.id).await.unwrap().unwrap();
    assert_eq!(loaded.data[SIGNED_IN_KEY], created.data[SIGNED_IN_KEY]);
    let me: crate::domain::CurrentUser =
        serde_json::from_value(loaded.data[LOADED_USER_KEY].clone()).unwrap();
    assert_eq!((me.id, me.username.as_str()), (user, "alice"));
    assert_eq!(loaded.expiry_date.unix_timestamp(), 5_100, "idle lifetime");

    // Written back, the loaded user is left out: it is always read fresh.
    table.save(&loaded).await.unwrap();
    let stored = store
        .db()
        .load_session(&created.id.to_string(), 5_000)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored.data.contains(LOADED_USER_KEY), "{}", stored.data);

    clock.advance_seconds(100);
    assert!(table.load(&created.id).await.unwrap().is_none());
    table.delete_expired().await.unwrap();
    assert_eq!(store.db().count_sessions(user).await.unwrap(), 0);
    assert!(
        !store.db().delete_device(user, device).await.unwrap(),
        "its device was swept too"
    );
}

#[tokio::test]
async fn a_busy_session_ends_at_its_absolute_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(5_000));
    let (table, _) = table(&dir, &clock).await;
    let signed_in = SignedIn {
        user: UserId(1),
        device: DeviceId(1),
        at: 4_000,
        seen: 4_990,
        remember: false,
        confirmed: None,
    };
    let encoded = table
        .encode(&record(&[(
            SIGNED_IN_KEY,
            serde_json::to_value(signed_in).unwrap(),
        )]))
        .unwrap();
    assert_eq!(encoded.expires_at, 5_000);
    assert_eq!(encoded.owner, Some((UserId(1), DeviceId(1))));
    let anonymous = table.encode(&record(&[("flash", Value::Null)])).unwrap();
    assert_eq!((anonymous.expires_at, anonymous.owner), (5_100, None));
}

#[tokio::test]
async fn a_colliding_id_is_replaced_by_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(5_000));
    let (table, _) = table(&dir, &clock).await;
    let mut first = record(&[("flash", Value::from(1))]);
    table.create(&mut first).await.unwrap();
    let mut second = record(&[("flash", Value::from(2))]);
    second.id = first.id;
    table.create(&mut second).await.unwrap();
    assert_ne!(second.id, first.id);
    let first_again = table.load(&first.id).await.unwrap().unwrap();
    assert_eq!(first_again.data["flash"], Value::from(1));
}

/// A signed-in session of a new user, signed in at `at` and last seen at
/// `seen`; answers its id, the user and the device.
async fn signed_in_session(
    (table, store): (&SessionTable, &Store),
    name: &str,
    at: i64,
    seen: i64,
) -> (Id, UserId, DeviceId) {
    let username = Username::parse(name).unwrap();
    let user = store
        .db()
        .insert_user(NewUser {
            username: &username,
            password_hash: "x",
            now: at,
        })
        .await
        .unwrap();
    let device = store
        .db()
        .insert_device(NewDevice {
            user,
            user_agent: "t",
            ip: "::1",
            remembered: false,
            signed_in_with: "password",
            now: at,
        })
        .await
        .unwrap();
    let signed_in = SignedIn {
        user,
        device,
        at,
        seen,
        remember: false,
        confirmed: None,
    };
    let mut created = record(&[(SIGNED_IN_KEY, serde_json::to_value(signed_in).unwrap())]);
    table.create(&mut created).await.unwrap();
    (created.id, user, device)
}

#[tokio::test]
async fn an_ended_session_says_whether_it_idled_aged_or_was_signed_out_until_swept() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(crate::domain::UnixTime::from_seconds(5_000));
    let (table, store) = table(&dir, &clock).await;
    // Idle 100 s, absolute 1,000 s (each reads as at least 1 minute/hour).
    let db = (&table, &store);
    let (idle, _, _) = signed_in_session(db, "idle", 5_000, 5_000).await;
    let (old, _, _) = signed_in_session(db, "old", 4_050, 4_990).await;
    let (revoked, user, device) = signed_in_session(db, "revoked", 5_000, 5_000).await;
    let (kept, _, _) = signed_in_session(db, "kept", 5_000, 5_000).await;
    assert_eq!(
        table.why_ended(&idle.to_string()).await.unwrap(),
        None,
        "still live"
    );

    store
        .db()
        .note_signed_out(user, SignedOut::Device(device), 5_000)
        .await
        .unwrap();
    assert!(store.db().delete_device(user, device).await.unwrap());
    clock.advance_seconds(101);
    let why = |id: Id| {
        let table = table.clone();
        async move { table.why_ended(&id.to_string()).await.unwrap() }
    };
    assert_eq!(why(idle).await, Some(LoginReason::Idle { minutes: 1 }));
    assert_eq!(why(old).await, Some(LoginReason::TooOld { hours: 1 }));
    assert_eq!(why(revoked).await, Some(LoginReason::SignedOutElsewhere));
    assert_eq!(
        why(kept).await,
        Some(LoginReason::Idle { minutes: 1 }),
        "not signed out"
    );
    assert_eq!(why(Id::default()).await, None, "never a session");

    // Once no session signed out then could still be alive, it is forgotten.
    clock.advance_seconds(1_000);
    table.delete_expired().await.unwrap();
    for id in [idle, old, revoked] {
        assert_eq!(why(id).await, None);
    }
}
