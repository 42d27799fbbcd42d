//! The throttle's known browsers, through the use cases: the owner's browser
//! is throttled apart from strangers' guesses.

use super::*;

#[tokio::test]
async fn strangers_guesses_do_not_lock_out_a_browser_the_owner_signed_in_from() {
    let f = fixture().await;
    f.registered("ada").await;
    let signed_in = f
        .auth
        .sign_in()
        .log_in(&f.browser(), "ada", &attempt(PW), false, &client(), None)
        .await
        .unwrap()
        .signed_in()
        .expect("no second factor");
    // As the browser sends it back: `name=value`.
    let known = signed_in.known_browser.stripped().to_string();
    let log_in = |password: &'static str, cookies: Option<String>| {
        let auth = &f.auth;
        let session = f.browser();
        async move {
            let browser = auth.recognise_browser(cookies.as_deref());
            auth.sign_in()
                .log_in(
                    &session,
                    "ada",
                    &attempt(password),
                    false,
                    &client(),
                    browser.as_ref(),
                )
                .await
                .map(|_| ())
        }
    };
    // Strangers lock the account...
    for _ in 0..throttle::FREE_FAILURES + 1 {
        assert!(matches!(
            log_in("wrong guess", None).await,
            Err(SignInError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        log_in(PW, None).await,
        Err(SignInError::Throttled(_))
    ));
    // ...but not the owner's browser; nor does a cookie for another account
    // or a forged one make a stranger known.
    assert!(log_in(PW, Some(known.clone())).await.is_ok());
    let (_, bob) = f.registered("bob").await;
    let bobs = f.auth.known_browser_cookie(&bob.user);
    let bobs = bobs.stripped().to_string();
    assert!(matches!(
        log_in(PW, Some(bobs)).await,
        Err(SignInError::Throttled(_))
    ));
    let forged = format!("{}0", known.trim_end_matches(char::is_alphanumeric));
    assert!(matches!(
        log_in(PW, Some(forged)).await,
        Err(SignInError::Throttled(_))
    ));

    // The known browser's own failures lock it alone, after as many.
    for _ in 0..throttle::FREE_FAILURES + 1 {
        assert!(matches!(
            log_in("wrong guess", Some(known.clone())).await,
            Err(SignInError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        log_in(PW, Some(known.clone())).await,
        Err(SignInError::Throttled(_))
    ));
    let other = f
        .auth
        .sign_in()
        .log_in(&f.browser(), "bob", &attempt(PW), false, &client(), None)
        .await
        .unwrap()
        .signed_in()
        .expect("no second factor");
    let other = other.known_browser.stripped().to_string();
    // Bob's known browser is not Ada's: it is a stranger to her account.
    assert!(matches!(
        log_in(PW, Some(other)).await,
        Err(SignInError::Throttled(_))
    ));
}
