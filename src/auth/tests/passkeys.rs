//! The passkey use cases through the fixture, with a software passkey
//! playing the browser's authenticator: add one in sudo mode, sign in with
//! it alone or as the second factor, open sudo mode with it, rename and
//! remove it; each ceremony's answer works once.

use software_passkey::Authenticator;

use super::*;
use crate::domain::PasskeyName;
use crate::factors::RelyingParty;

const ORIGIN: &str = "http://localhost:3000";

/// The fixture's use cases with passkeys on, `ada` registered and her
/// authenticator holding one passkey of her account.
async fn with_passkey(f: &Fixture) -> (Auth, BrowserSession, Me, Authenticator) {
    let auth = f.auth.clone().with_relying_party(RelyingParty::new(ORIGIN));
    let (laptop, me) = f.registered("ada").await;
    let mut phone = Authenticator::new(ORIGIN);
    add_passkey(&auth, f, &laptop, &me, &mut phone, "Phone").await;
    (auth, laptop, me, phone)
}

async fn add_passkey(
    auth: &Auth,
    f: &Fixture,
    browser: &BrowserSession,
    me: &Me,
    authenticator: &mut Authenticator,
    name: &str,
) {
    let request = f.again(browser);
    let sudo = auth.sudo(&f.me(&request).await.unwrap()).unwrap();
    let options = auth
        .factors()
        .begin_passkey_registration(&request, me, &sudo)
        .await;
    let made = authenticator.create(&options.unwrap());
    request.save().await.unwrap(); // as the session layer does after each request
    let request = f.again(browser);
    let name = PasskeyName::parse(name).unwrap();
    auth.factors()
        .finish_passkey_registration(&request, me, &sudo, &name, &made, &client())
        .await
        .unwrap();
    request.save().await.unwrap();
}

async fn passkeys(auth: &Auth, f: &Fixture, browser: &BrowserSession, me: &Me) -> Vec<String> {
    let status = auth
        .factors()
        .security_status(&f.again(browser), me)
        .await
        .unwrap();
    status.passkeys.into_iter().map(|p| p.name).collect()
}

#[tokio::test]
async fn a_passkey_added_in_sudo_mode_signs_in_alone_and_only_once_per_ceremony() {
    let f = fixture().await;
    let (auth, laptop, me, mut phone) = with_passkey(&f).await;
    assert_eq!(passkeys(&auth, &f, &laptop, &me).await, ["Phone"]);
    assert!(f.kinds(&me).await.contains(&ActivityKind::PasskeyAdded));

    let desktop = f.browser();
    let options = auth.sign_in().begin_passkey(&desktop).await.unwrap();
    desktop.save().await.unwrap();
    let answer = phone.get(0, &options);
    let request = f.again(&desktop);
    let outcome = auth
        .sign_in()
        .finish_passkey(&request, &answer, false, &client(), None)
        .await
        .unwrap();
    request.save().await.unwrap();
    let desktop = request; // the sign-in gave the browser a new session id
    assert!(matches!(outcome, SignInOutcome::SignedIn(_)));
    assert_eq!(f.me(&desktop).await.unwrap().user.id, me.user.id);
    assert!(f
        .kinds(&me)
        .await
        .contains(&ActivityKind::SignedInWithPasskey));

    // The same answer again: its ceremony is spent.
    let again = auth
        .sign_in()
        .finish_passkey(&f.again(&desktop), &answer, false, &client(), None)
        .await;
    assert!(
        matches!(again, Err(SignInError::PasskeyExpired)),
        "{again:?}"
    );
    // A stranger's browser holds no ceremony for it either.
    let stranger = f.browser();
    let stolen = auth
        .sign_in()
        .finish_passkey(&stranger, &answer, false, &client(), None)
        .await;
    assert!(
        matches!(stolen, Err(SignInError::PasskeyExpired)),
        "{stolen:?}"
    );
}

#[tokio::test]
async fn with_a_passkey_a_password_sign_in_waits_for_it_as_the_second_factor() {
    let f = fixture().await;
    let (auth, _, me, mut phone) = with_passkey(&f).await;
    let desktop = f.browser();
    let outcome = auth
        .sign_in()
        .log_in(&desktop, "ada", &attempt(PW), false, &client(), None)
        .await
        .unwrap();
    assert!(matches!(outcome, SignInOutcome::SecondStepNeeded));
    desktop.save().await.unwrap();
    assert!(f.me(&desktop).await.is_none(), "signed in nowhere yet");

    let request = f.again(&desktop);
    let options = auth.sign_in().begin_passkey_factor(&request).await.unwrap();
    request.save().await.unwrap();
    let answer = phone.get(0, &options);
    let request = f.again(&desktop);
    let outcome = auth
        .sign_in()
        .finish_passkey_factor(&request, &answer, &client(), None)
        .await
        .unwrap();
    request.save().await.unwrap();
    let desktop = request; // the sign-in gave the browser a new session id
    assert!(matches!(outcome, SignInOutcome::SignedIn(_)));
    assert_eq!(f.me(&desktop).await.unwrap().user.id, me.user.id);
    assert!(f
        .kinds(&me)
        .await
        .contains(&ActivityKind::SecondFactorPasskey));

    // Without a pending sign-in there is nothing to answer.
    let stranger = f.browser();
    let none = auth.sign_in().begin_passkey_factor(&stranger).await;
    assert!(matches!(none, Err(SignInError::SignInExpired)), "{none:?}");
}

#[tokio::test]
async fn sudo_mode_opens_with_a_passkey_and_closes_after_ten_minutes() {
    let f = fixture().await;
    let (auth, laptop, me, mut phone) = with_passkey(&f).await;
    assert!(auth.sudo_if_active(&me).is_some(), "registering opened it");
    f.clock.advance_seconds(crate::sessions::SUDO_SECONDS + 1);
    // The session is still alive (idle 30 minutes), sudo mode is not.
    let me = f.me(&laptop).await.unwrap();
    assert!(auth.sudo_if_active(&me).is_none());

    let request = f.again(&laptop);
    let options = auth.sudo_mode().begin_passkey(&request, &me).await.unwrap();
    request.save().await.unwrap(); // as the session layer does after each request
    let answer = phone.get(0, &options);
    let request = f.again(&laptop);
    auth.sudo_mode()
        .finish_passkey(&request, &me, &answer)
        .await
        .unwrap();
    request.save().await.unwrap();
    let laptop = request; // confirming renews the session id
    let me = f.me(&laptop).await.unwrap();
    assert!(auth.sudo_if_active(&me).is_some());
}

#[tokio::test]
async fn renaming_and_removing_keep_one_way_to_sign_in() {
    let f = fixture().await;
    let (auth, laptop, me, mut phone) = with_passkey(&f).await;
    let request = f.again(&laptop);
    let sudo = auth.sudo(&f.me(&request).await.unwrap()).unwrap();
    let status = auth.factors().security_status(&request, &me).await.unwrap();
    let id = status.passkeys[0].id;
    let name = PasskeyName::parse("Old phone").unwrap();
    auth.factors()
        .rename_passkey(&me, &sudo, id, &name)
        .await
        .unwrap();
    assert_eq!(passkeys(&auth, &f, &laptop, &me).await, ["Old phone"]);

    // The password goes; the passkey is then the last way in.
    auth.factors()
        .remove_password(&me, &sudo, &client())
        .await
        .unwrap();
    let again = auth.factors().remove_password(&me, &sudo, &client()).await;
    assert!(matches!(again, Err(FactorError::NoPassword)), "{again:?}");
    let last = auth
        .factors()
        .remove_passkey(&me, &sudo, id, &client())
        .await;
    assert!(
        matches!(last, Err(FactorError::LastSignInMethod)),
        "{last:?}"
    );
    let refused = f.logged_in("ada", PW).await;
    assert!(matches!(refused, Err(SignInError::InvalidCredentials)));

    // With a second passkey, the first can go.
    add_passkey(&auth, &f, &laptop, &me, &mut phone, "New phone").await;
    auth.factors()
        .remove_passkey(&me, &sudo, id, &client())
        .await
        .unwrap();
    assert_eq!(passkeys(&auth, &f, &laptop, &me).await, ["New phone"]);
    assert!(f.kinds(&me).await.contains(&ActivityKind::PasskeyRemoved));

    // Another account's passkey is not one of ada's.
    let (bobs_browser, bob) = f.registered("bob").await;
    let bobs = auth.sudo(&f.me(&bobs_browser).await.unwrap()).unwrap();
    let status = auth
        .factors()
        .security_status(&f.again(&laptop), &me)
        .await
        .unwrap();
    let adas = status.passkeys[0].id;
    let theft = auth
        .factors()
        .remove_passkey(&bob, &bobs, adas, &client())
        .await;
    assert!(
        matches!(theft, Err(FactorError::NotYourPasskey)),
        "{theft:?}"
    );
}
