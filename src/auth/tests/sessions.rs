//! Devices, sessions and the profile through the fixture: a log-out ends
//! the session and says so, "sign out the others" keeps this browser, a
//! remembered device comes back once per token, and a profile is its
//! owner's to edit.

use super::*;
use crate::domain::{LoginReason, ProfileUpdate};
use crate::sessions::Resumed;

#[tokio::test]
async fn signing_the_others_out_keeps_this_browser_and_tells_the_others_why() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let phone = f.logged_in("ada", PW).await.unwrap();
    let tablet = f.logged_in("ada", PW).await.unwrap();
    assert_eq!(f.auth.devices().list(&me).await.unwrap().len(), 3);
    let sudo = f.auth.sudo(&f.me(&laptop).await.unwrap()).unwrap();
    let ended = f.auth.devices().revoke_others(&me, &sudo, &client()).await;
    assert_eq!(ended.unwrap(), 2);
    assert!(f.me(&laptop).await.is_some());
    for other in [&phone, &tablet] {
        assert!(f.me(other).await.is_none());
        let id = other.id().unwrap().to_string();
        let why = f.auth.devices().why_signed_out(&id).await.unwrap();
        assert_eq!(why, LoginReason::SignedOutElsewhere);
    }
    assert_eq!(f.auth.devices().list(&me).await.unwrap().len(), 1);
}

#[tokio::test]
async fn logging_out_ends_the_session_and_its_device() {
    let f = fixture().await;
    let (laptop, me) = f.registered("ada").await;
    let request = f.again(&laptop);
    assert!(f.auth.sign_in().log_out(&request, &client()).await.unwrap());
    assert!(f.me(&laptop).await.is_none());
    assert!(f.auth.devices().list(&me).await.unwrap().is_empty());
    // Nobody was signed in on a fresh browser: nothing to say.
    assert!(!f
        .auth
        .sign_in()
        .log_out(&f.browser(), &client())
        .await
        .unwrap());
}

#[tokio::test]
async fn a_remembered_device_comes_back_once_per_token() {
    let f = fixture().await;
    f.registered("ada").await;
    let phone = f.browser();
    let outcome = f
        .auth
        .sign_in()
        .log_in(&phone, "ada", &attempt(PW), true, &client(), None)
        .await
        .unwrap();
    let token = outcome.signed_in().unwrap().remember.expect("remember me");
    // What the browser sends back, read as the kit reads it.
    let cookie = crate::sessions::RememberToken::parse(&token.cookie_value()).unwrap();
    // The browser closes: a new session, only the remember-me cookie kept.
    let later = f.browser();
    let resumed = f
        .auth
        .sign_in()
        .resume(&later, &cookie, &client())
        .await
        .unwrap();
    let Some(Resumed::SignedIn { token: rotated, .. }) = resumed else {
        panic!("resumed: {resumed:?}")
    };
    later.save().await.unwrap();
    assert!(f.me(&later).await.is_some());
    assert_ne!(
        rotated.cookie_value(),
        cookie.cookie_value(),
        "rotated at every use"
    );
    // The old value again, moments later, is a parallel request of the same
    // browser: anonymous, nothing revoked.
    let racing = f
        .auth
        .sign_in()
        .resume(&f.browser(), &cookie, &client())
        .await;
    assert!(matches!(racing.unwrap(), Some(Resumed::Raced)));
    assert!(f.me(&later).await.is_some());
    // Later still, it is a copy: the device is signed out.
    f.clock
        .advance_seconds(crate::sessions::RACE_GRACE_SECONDS + 1);
    let copy = f.browser();
    let stolen = f
        .auth
        .sign_in()
        .resume(&copy, &cookie, &client())
        .await
        .unwrap();
    assert!(matches!(stolen, Some(Resumed::TheftSuspected)));
    assert!(f.me(&later).await.is_none());
}

#[tokio::test]
async fn a_profile_is_its_owners_to_edit() {
    let f = fixture().await;
    let (_, ada) = f.registered("ada").await;
    let (_, bob) = f.registered("bob").await;
    let update = ProfileUpdate::parse("Ada L.", "Counts things", "London").unwrap();
    let profile = f
        .auth
        .account()
        .update_profile(&ada, "ada", &update)
        .await
        .unwrap();
    assert_eq!(profile.display_name, "Ada L.");
    assert_eq!(
        f.auth.account().profile("ada").await.unwrap().bio,
        "Counts things"
    );
    assert!(matches!(
        f.auth.account().update_profile(&bob, "ada", &update).await,
        Err(AccountError::Forbidden)
    ));
}
