//! The authenticator app's use cases through the fixture: set up with a
//! first code, then every password sign-in waits for a code; codes work
//! once; recovery codes are shown once, renewed and spent; turning it off
//! lets the password alone sign in again.

use super::*;
use crate::domain::TotpState;
use crate::factors::{SecretBox, TotpSecret};

fn code(secret: &TotpSecret, now: i64) -> String {
    format!("{:06}", secret.code_at_step(now / 30))
}

/// The fixture's use cases with a sealing key, and `ada` registered with
/// her authenticator on: her laptop, herself, the secret and her codes.
async fn with_authenticator(f: &Fixture) -> (Auth, BrowserSession, Me, TotpSecret, Vec<String>) {
    let auth = f.auth.clone().with_secret_box(SecretBox::new(&[7; 32]));
    let (laptop, me) = f.registered("ada").await;
    let request = f.again(&laptop);
    let sudo = auth.sudo(&f.me(&request).await.unwrap()).unwrap();
    auth.factors().begin_totp(&me, &sudo).await.unwrap();
    let status = auth.factors().security_status(&request, &me).await.unwrap();
    let TotpState::Enrolling { secret, qr_svg } = status.totp else {
        panic!("enrolling: {:?}", status.totp)
    };
    assert!(qr_svg.contains("<svg"));
    let secret = TotpSecret::from_display(&secret).unwrap();
    assert!(matches!(
        auth.factors()
            .confirm_totp(&request, &me, &sudo, "000000", &client())
            .await,
        Err(FactorError::WrongCode)
    ));
    let first = code(&secret, f.clock.seconds());
    auth.factors()
        .confirm_totp(&request, &me, &sudo, &first, &client())
        .await
        .unwrap();
    request.save().await.unwrap();
    let request = f.again(&laptop);
    let on = auth.factors().security_status(&request, &me).await.unwrap();
    assert_eq!(on.totp, TotpState::On);
    assert_eq!(on.totp_since, Some(f.clock.now()));
    let codes = on.fresh_codes.expect("shown once");
    request.save().await.unwrap();
    let again = auth
        .factors()
        .security_status(&f.again(&laptop), &me)
        .await
        .unwrap();
    assert_eq!(again.fresh_codes, None, "not twice");
    (auth, laptop, me, secret, codes)
}

#[tokio::test]
async fn after_set_up_a_password_sign_in_waits_for_a_code_that_works_once() {
    let f = fixture().await;
    let (auth, _, _, secret, _) = with_authenticator(&f).await;
    let phone = f.browser();
    let outcome = auth
        .sign_in()
        .log_in(&phone, "ada", &attempt(PW), false, &client(), None)
        .await
        .unwrap();
    assert!(matches!(outcome, SignInOutcome::SecondStepNeeded));
    assert!(f.me(&phone).await.is_none(), "pending is signed in nowhere");
    phone.save().await.unwrap();
    // The set-up's step is spent: the next one signs in.
    f.clock.advance_seconds(30);
    let now_code = code(&secret, f.clock.seconds());
    let request = f.again(&phone);
    let done = auth
        .sign_in()
        .complete(&request, &now_code, &client(), None)
        .await
        .unwrap();
    assert!(done.signed_in().is_some());
    request.save().await.unwrap();
    // Signed in under a new session id; the pending one signs in nobody.
    assert!(f.me(&request).await.is_some());
    assert!(f.me(&phone).await.is_none());

    // The same code again, on another browser, is refused.
    let tablet = f.browser();
    auth.sign_in()
        .log_in(&tablet, "ada", &attempt(PW), false, &client(), None)
        .await
        .unwrap();
    tablet.save().await.unwrap();
    assert!(matches!(
        auth.sign_in()
            .complete(&f.again(&tablet), &now_code, &client(), None)
            .await,
        Err(SignInError::WrongCode)
    ));
}

#[tokio::test]
async fn a_recovery_code_works_once_and_renewing_replaces_them_all() {
    let f = fixture().await;
    let (auth, laptop, me, _, codes) = with_authenticator(&f).await;
    assert_eq!(codes.len(), 10);
    let sign_in_with = async |typed: &str| {
        let browser = f.browser();
        auth.sign_in()
            .log_in(&browser, "ada", &attempt(PW), false, &client(), None)
            .await
            .unwrap();
        browser.save().await.unwrap();
        auth.sign_in()
            .complete(&f.again(&browser), typed, &client(), None)
            .await
    };
    assert!(sign_in_with(&codes[0]).await.is_ok());
    assert!(matches!(
        sign_in_with(&codes[0]).await,
        Err(SignInError::WrongCode)
    ));
    let request = f.again(&laptop);
    let left = auth.factors().security_status(&request, &me).await.unwrap();
    assert_eq!(left.recovery_codes_left, 9);

    let sudo = auth.sudo(&f.me(&request).await.unwrap()).unwrap();
    auth.factors()
        .renew_recovery_codes(&request, &me, &sudo, &client())
        .await
        .unwrap();
    request.save().await.unwrap();
    let renewed = auth
        .factors()
        .security_status(&f.again(&laptop), &me)
        .await
        .unwrap();
    assert_eq!(renewed.recovery_codes_left, 10);
    assert!(matches!(
        sign_in_with(&codes[1]).await,
        Err(SignInError::WrongCode)
    ));
    let fresh = renewed.fresh_codes.unwrap();
    assert!(sign_in_with(&fresh[0]).await.is_ok());
}

#[tokio::test]
async fn turning_the_authenticator_off_lets_the_password_alone_sign_in() {
    let f = fixture().await;
    let (auth, laptop, me, _, _) = with_authenticator(&f).await;
    assert!(auth.sudo_mode().asks(&me).await.unwrap().code);
    let sudo = auth.sudo(&f.me(&laptop).await.unwrap()).unwrap();
    auth.factors()
        .disable_totp(&me, &sudo, &client())
        .await
        .unwrap();
    assert!(!auth.sudo_mode().asks(&me).await.unwrap().code);
    let off = auth
        .factors()
        .security_status(&f.again(&laptop), &me)
        .await
        .unwrap();
    assert_eq!(off.totp, TotpState::Off);
    assert_eq!(
        off.recovery_codes_left, 0,
        "the codes go with the last factor"
    );
    let outcome = auth
        .sign_in()
        .log_in(&f.browser(), "ada", &attempt(PW), false, &client(), None)
        .await
        .unwrap();
    assert!(outcome.signed_in().is_some());
}
