//! The store against a real SQLite file, through the in-place readers as
//! the server uses them.

use super::*;
use crate::domain::{DeviceId, UserId, Username};

struct Db {
    store: Store,
    _dir: tempfile::TempDir,
}

async fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let store = Store::connect(&url).await.unwrap();
    assert!(store.readers.is_some(), "a file database reads in place");
    Db { store, _dir: dir }
}

async fn user(store: &Store, name: &str) -> UserId {
    let username = Username::parse(name).unwrap();
    store
        .db()
        .insert_user(NewUser {
            username: &username,
            password_hash: "$argon2id$not-a-real-hash",
            now: 1,
        })
        .await
        .unwrap()
}

async fn device(store: &Store, user: UserId) -> DeviceId {
    store
        .db()
        .insert_device(NewDevice {
            user,
            user_agent: "test",
            ip: "127.0.0.1",
            remembered: false,
            signed_in_with: "password",
            now: 1,
        })
        .await
        .unwrap()
}

/// Alice, her laptop, and a session `id` on it that expires at 100.
async fn signed_in(db: &Db, id: &str) -> (UserId, DeviceId) {
    let alice = user(&db.store, "alice").await;
    let laptop = device(&db.store, alice).await;
    let created = db
        .store
        .db()
        .create_session(write(id, Some((alice, laptop)), 100))
        .await;
    assert_eq!(created.unwrap(), Created::Written);
    (alice, laptop)
}

fn write<'a>(id: &'a str, owner: Option<(UserId, DeviceId)>, expires_at: i64) -> SessionWrite<'a> {
    SessionWrite {
        id,
        data: r#"{"k":1}"#,
        owner,
        expires_at,
    }
}

#[tokio::test]
async fn a_signed_in_session_is_read_with_its_user_in_one_read() {
    let db = db().await;
    let (alice, _) = signed_in(&db, "s1").await;

    let read = db.store.db().load_session("s1", 99).await.unwrap().unwrap();
    assert_eq!(read.data, r#"{"k":1}"#);
    assert_eq!(
        read.user.map(|me| (me.id, me.username)),
        Some((alice, "alice".to_string()))
    );
}

#[tokio::test]
async fn an_anonymous_session_has_no_user() {
    let db = db().await;
    db.store
        .db()
        .create_session(write("anon", None, 100))
        .await
        .unwrap();
    let read = db
        .store
        .db()
        .load_session("anon", 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.user, None);
}

#[tokio::test]
async fn a_session_is_not_read_at_or_after_its_expiry_on_the_given_clock() {
    let db = db().await;
    db.store
        .db()
        .create_session(write("s", None, 100))
        .await
        .unwrap();
    assert!(db.store.db().load_session("s", 99).await.unwrap().is_some());
    assert!(db
        .store
        .db()
        .load_session("s", 100)
        .await
        .unwrap()
        .is_none());
    assert_eq!(db.store.db().delete_expired_sessions(99).await.unwrap(), 0);
    assert_eq!(db.store.db().delete_expired_sessions(100).await.unwrap(), 1);
}

#[tokio::test]
async fn deleting_a_device_or_its_user_deletes_its_sessions_at_once() {
    let db = db().await;
    let alice = user(&db.store, "alice").await;
    let (phone, laptop) = (
        device(&db.store, alice).await,
        device(&db.store, alice).await,
    );
    for (id, device) in [("p1", phone), ("p2", phone), ("l1", laptop)] {
        db.store
            .db()
            .create_session(write(id, Some((alice, device)), 100))
            .await
            .unwrap();
    }
    assert_eq!(db.store.db().count_sessions(alice).await.unwrap(), 3);

    assert!(db.store.db().delete_device(alice, phone).await.unwrap());
    assert!(db.store.db().load_session("p1", 1).await.unwrap().is_none());
    assert!(db.store.db().load_session("p2", 1).await.unwrap().is_none());
    assert!(db.store.db().load_session("l1", 1).await.unwrap().is_some());

    db.store.db().delete_user(alice).await.unwrap();
    assert!(db.store.db().load_session("l1", 1).await.unwrap().is_none());
    assert_eq!(db.store.db().count_sessions(alice).await.unwrap(), 0);
}

#[tokio::test]
async fn a_deleted_session_is_never_written_back() {
    let db = db().await;
    let (alice, laptop) = signed_in(&db, "s").await;
    // Another request revokes the device while this one still holds the session.
    db.store.db().delete_device(alice, laptop).await.unwrap();
    db.store
        .db()
        .update_session(write("s", Some((alice, laptop)), 200))
        .await
        .unwrap();
    assert!(db.store.db().load_session("s", 1).await.unwrap().is_none());
    // And a new session cannot be started on the gone device either.
    let created = db
        .store
        .db()
        .create_session(write("t", Some((alice, laptop)), 100))
        .await;
    assert_eq!(created.unwrap(), Created::OwnerGone);
    assert!(db.store.db().load_session("t", 1).await.unwrap().is_none());
}

#[tokio::test]
async fn a_taken_id_is_reported_not_overwritten() {
    let db = db().await;
    db.store
        .db()
        .create_session(write("s", None, 100))
        .await
        .unwrap();
    let again = SessionWrite {
        data: "{}",
        ..write("s", None, 100)
    };
    assert_eq!(
        db.store.db().create_session(again).await.unwrap(),
        Created::IdTaken
    );
    assert_eq!(
        db.store
            .db()
            .load_session("s", 1)
            .await
            .unwrap()
            .unwrap()
            .data,
        r#"{"k":1}"#
    );
}

/// SQLite gives a plain INTEGER PRIMARY KEY's highest deleted value to the
/// next row; an id must never come to mean a deleted account or device.
#[tokio::test]
async fn user_and_device_ids_are_never_reused() {
    let db = db().await;
    let alice = user(&db.store, "alice").await;
    let laptop = device(&db.store, alice).await;
    db.store.db().delete_device(alice, laptop).await.unwrap();
    let next_device = device(&db.store, alice).await;
    assert!(next_device.0 > laptop.0, "{next_device:?} after {laptop:?}");

    db.store.db().delete_user(alice).await.unwrap();
    let bob = user(&db.store, "bob").await;
    assert!(bob.0 > alice.0, "{bob:?} after {alice:?}");
}

#[tokio::test]
async fn devices_without_a_live_session_are_unlisted_and_swept_unless_remembered() {
    let db = db().await;
    let (alice, laptop) = signed_in(&db, "s").await;
    assert_eq!(
        db.store.db().list_devices(alice, 99).await.unwrap().len(),
        1
    );
    assert!(db
        .store
        .db()
        .list_devices(alice, 100)
        .await
        .unwrap()
        .is_empty());

    db.store.db().delete_unused_devices(99, 50).await.unwrap();
    assert!(
        db.store.db().delete_device(alice, laptop).await.unwrap(),
        "live: kept"
    );
    let phone = device(&db.store, alice).await;
    db.store
        .db()
        .create_session(write("t", Some((alice, phone)), 100))
        .await
        .unwrap();
    db.store.db().delete_unused_devices(100, 50).await.unwrap();
    assert!(
        !db.store.db().delete_device(alice, phone).await.unwrap(),
        "expired: swept"
    );
}

/// The in-place reads see every write sqlx commits, at once: nothing is cached.
#[tokio::test]
async fn reads_in_place_see_each_committed_write_at_once() {
    let db = db().await;
    let alice = user(&db.store, "reader").await;
    let laptop = device(&db.store, alice).await;
    let me = db.store.db().live_device_user(laptop, alice).await.unwrap();
    assert_eq!(me.map(|me| me.username), Some("reader".to_string()));
    assert!(db.store.db().load_session("s", 1).await.unwrap().is_none());
    db.store
        .db()
        .create_session(write("s", Some((alice, laptop)), 100))
        .await
        .unwrap();
    assert!(db.store.db().load_session("s", 1).await.unwrap().is_some());
    db.store
        .db()
        .update_session(SessionWrite {
            data: "{}",
            ..write("s", None, 100)
        })
        .await
        .unwrap();
    let read = db.store.db().load_session("s", 1).await.unwrap().unwrap();
    assert_eq!((read.data.as_str(), read.user), ("{}", None));

    db.store.db().delete_device(alice, laptop).await.unwrap();
    assert!(db
        .store
        .db()
        .live_device_user(laptop, alice)
        .await
        .unwrap()
        .is_none());
    db.store.db().delete_session("s").await.unwrap();
    assert!(db.store.db().load_session("s", 1).await.unwrap().is_none());
}
