//! The admin console's use cases through the fixture: the role and the
//! second factor come first, a lock shuts every way in, no admin acts on
//! themselves and the last one stays, and the command line signs everyone
//! out.

use super::*;
use crate::auth::AdminError;
use crate::domain::{AdminAction, AdminReason, Role, SecondFactorRule, UserId};

/// `name`'s account, made an admin from the command line.
async fn admin(f: &Fixture, name: &str) -> (BrowserSession, Me) {
    let (browser, me) = f.registered(name).await;
    f.auth.operator().grant(name).await.unwrap();
    (browser, me)
}

/// Gives `user` a confirmed authenticator, as its set-up would.
async fn with_factor(f: &Fixture, user: UserId) {
    let insert = "INSERT INTO latchkey_totp (user_id, secret, confirmed_at, created_at)
         VALUES ($1, $2, 1, 1)";
    let secret = vec![0u8];
    match f.auth.store.pool() {
        crate::store::Pool::Sqlite(pool) => {
            let query = sqlx::query(insert).bind(user.0).bind(secret);
            query.execute(pool).await.map(drop)
        }
        crate::store::Pool::Postgres(pool) => {
            let query = sqlx::query(insert).bind(user.0).bind(secret);
            query.execute(pool).await.map(drop)
        }
    }
    .unwrap();
}

fn reason(text: &str) -> AdminReason {
    AdminReason::parse(text).unwrap()
}

#[tokio::test]
async fn the_console_waits_for_the_admins_second_factor_unless_the_rule_is_none() {
    let f = fixture().await;
    let (browser, me) = admin(&f, "ada").await;
    let (_, bob) = f.registered("bob").await;
    assert!(matches!(
        f.auth.admin().sudo(&f.me(&browser).await.unwrap()).await,
        Err(AdminError::SecondFactorNeeded)
    ));
    assert!(matches!(
        f.auth.admin().search(&me, "", None).await,
        Err(AdminError::SecondFactorNeeded)
    ));
    let open = f
        .auth
        .clone()
        .with_second_factor_rule(SecondFactorRule::Nobody);
    assert!(open
        .admin()
        .sudo(&f.me(&browser).await.unwrap())
        .await
        .is_ok());
    assert!(f
        .auth
        .operator()
        .console_waits_for_factor("ada")
        .await
        .unwrap());

    with_factor(&f, me.user.id).await;
    assert!(!f
        .auth
        .operator()
        .console_waits_for_factor("ada")
        .await
        .unwrap());
    f.auth
        .admin()
        .sudo(&f.me(&browser).await.unwrap())
        .await
        .unwrap();
    let page = f.auth.admin().search(&me, "b", None).await.unwrap();
    assert_eq!(page.users.len(), 1);
    // A plain user is refused by role, whatever their factors.
    with_factor(&f, bob.user.id).await;
    assert!(matches!(
        f.auth.admin().search(&bob, "", None).await,
        Err(AdminError::NotAdmin)
    ));
}

#[tokio::test]
async fn a_lock_ends_every_session_at_once_and_shuts_the_password_out_until_unlocked() {
    let f = fixture().await;
    let (browser, me) = admin(&f, "ada").await;
    with_factor(&f, me.user.id).await;
    let (laptop, bob) = f.registered("bob").await;
    let phone = f.logged_in("bob", PW).await.unwrap();
    let sudo = f
        .auth
        .admin()
        .sudo(&f.me(&browser).await.unwrap())
        .await
        .unwrap();

    let target = bob.user.id;
    f.auth
        .admin()
        .lock(&me, &sudo, target, &reason("Spam"))
        .await
        .unwrap();
    assert!(f.me(&laptop).await.is_none());
    assert!(f.me(&phone).await.is_none());
    assert!(matches!(
        f.logged_in("bob", PW).await,
        Err(SignInError::AccountLocked(why)) if why == "Spam"
    ));
    assert!(matches!(
        f.auth
            .admin()
            .lock(&me, &sudo, target, &reason("Again"))
            .await,
        Err(AdminError::AlreadyDone)
    ));
    f.auth.admin().unlock(&me, &sudo, target).await.unwrap();
    assert!(f.logged_in("bob", PW).await.is_ok());
    let audit = f.auth.admin().audit(&me, None).await.unwrap();
    let done: Vec<_> = audit.iter().map(|(_, entry)| entry.action).collect();
    assert_eq!(done[..2], [AdminAction::Unlocked, AdminAction::Locked]);
}

#[tokio::test]
async fn no_admin_acts_on_themselves_and_the_last_admin_stays() {
    let f = fixture().await;
    let (ada_browser, ada) = admin(&f, "ada").await;
    let (bob_browser, bob) = admin(&f, "bob").await;
    for who in [&ada, &bob] {
        with_factor(&f, who.user.id).await;
    }
    let ada_sudo = f
        .auth
        .admin()
        .sudo(&f.me(&ada_browser).await.unwrap())
        .await
        .unwrap();
    assert!(matches!(
        f.auth
            .admin()
            .set_role(&ada, &ada_sudo, ada.user.id, Role::User)
            .await,
        Err(AdminError::NotYourself)
    ));
    f.auth
        .admin()
        .set_role(&ada, &ada_sudo, bob.user.id, Role::User)
        .await
        .unwrap();
    // Bob is a plain user now: his proof opens nothing.
    assert!(matches!(
        f.auth
            .admin()
            .sudo(&f.me(&bob_browser).await.unwrap())
            .await,
        Err(AdminError::NotAdmin)
    ));
    // Ada is the last admin: her own account cannot go.
    assert!(matches!(
        f.auth
            .account()
            .delete_account(
                &f.again(&ada_browser),
                &ada,
                "ada",
                Some(&attempt(PW)),
                None,
                &client()
            )
            .await,
        Err(AccountError::LastAdmin)
    ));
}

#[tokio::test]
async fn an_admin_deletes_an_account_and_the_audit_log_keeps_its_name() {
    let f = fixture().await;
    let (browser, me) = admin(&f, "ada").await;
    with_factor(&f, me.user.id).await;
    let (laptop, bob) = f.registered("bob").await;
    let sudo = f
        .auth
        .admin()
        .sudo(&f.me(&browser).await.unwrap())
        .await
        .unwrap();
    f.auth
        .admin()
        .delete(&me, &sudo, bob.user.id)
        .await
        .unwrap();
    assert!(f.me(&laptop).await.is_none());
    assert!(matches!(
        f.auth.account().profile("bob").await,
        Err(AccountError::NotFound)
    ));
    let audit = f.auth.admin().audit(&me, None).await.unwrap();
    assert_eq!(audit[0].1.action, AdminAction::Deleted);
    assert_eq!(audit[0].1.target, "bob");
}

#[tokio::test]
async fn the_command_line_signs_every_account_out_of_every_device() {
    let f = fixture().await;
    let (ada_laptop, _) = f.registered("ada").await;
    let ada_phone = f.logged_in("ada", PW).await.unwrap();
    let (bob_laptop, _) = f.registered("bob").await;
    assert_eq!(f.auth.operator().sign_out_everyone().await.unwrap(), 3);
    for browser in [&ada_laptop, &ada_phone, &bob_laptop] {
        assert!(f.me(browser).await.is_none());
    }
    assert!(f.logged_in("ada", PW).await.is_ok());
}

#[tokio::test]
async fn an_admin_reads_a_user_signs_them_out_mails_a_reset_and_removes_lost_factors() {
    let f = fixture().await;
    let (browser, me) = admin(&f, "ada").await;
    with_factor(&f, me.user.id).await;
    let (laptop, bob) = f.registered("bob").await;
    with_factor(&f, bob.user.id).await;
    let target = bob.user.id;
    let detail = f.auth.admin().user(&me, target).await.unwrap();
    assert_eq!(detail.user.username, "bob");
    assert!(detail.totp);
    assert_eq!(detail.devices.len(), 1);

    let sudo = f
        .auth
        .admin()
        .sudo(&f.me(&browser).await.unwrap())
        .await
        .unwrap();
    f.auth.admin().sign_out(&me, &sudo, target).await.unwrap();
    assert!(f.me(&laptop).await.is_none());
    // A reset link goes only to a confirmed address.
    assert!(matches!(
        f.auth.admin().send_reset(&me, &sudo, target).await,
        Err(AdminError::EmailNotVerified)
    ));
    f.auth
        .admin()
        .remove_factors(&me, &sudo, target, &reason("Lost phone"))
        .await
        .unwrap();
    assert!(!f.auth.admin().user(&me, target).await.unwrap().totp);
    // The password alone signs in again.
    let outcome = f
        .auth
        .sign_in()
        .log_in(&f.browser(), "bob", &attempt(PW), false, &client(), None)
        .await
        .unwrap();
    assert!(outcome.signed_in().is_some());
    let audit = f.auth.admin().audit(&me, None).await.unwrap();
    assert_eq!(audit[0].1.reason.as_deref(), Some("Lost phone"));
}

#[tokio::test]
async fn the_command_line_grants_lists_and_revokes_admins() {
    let f = fixture().await;
    f.registered("ada").await;
    assert!(f.auth.operator().list_admins().await.unwrap().is_empty());
    f.auth.operator().grant("ada").await.unwrap();
    assert!(matches!(
        f.auth.operator().grant("ada").await,
        Err(AdminError::AlreadyDone)
    ));
    assert!(matches!(
        f.auth.operator().grant("nobody").await,
        Err(AdminError::NotFound)
    ));
    assert_eq!(f.auth.operator().list_admins().await.unwrap(), ["ada"]);
    f.auth.operator().revoke("ada").await.unwrap();
    assert!(f.auth.operator().list_admins().await.unwrap().is_empty());
}

/// The shell and the console change roles through one use case in their
/// own scopes: the audit names the operator or the admin, the user's
/// activity says an admin did it either way, and only an admin is kept from
/// demoting themselves or the last admin (the shell is how a site gets its
/// console back).
#[tokio::test]
async fn a_role_change_is_audited_by_its_scope_and_only_an_admin_keeps_an_admin() {
    let f = fixture().await;
    let (browser, _) = admin(&f, "ada").await;
    let (_, bob) = f.registered("bob").await;
    f.auth.operator().grant("bob").await.unwrap();
    assert!(f.kinds(&bob).await.contains(&ActivityKind::AdminGranted));
    let ada = f.me(&browser).await.unwrap();
    with_factor(&f, ada.user.id).await;
    let sudo = f.auth.admin().sudo(&ada).await.unwrap();
    f.auth
        .admin()
        .set_role(&ada, &sudo, bob.user.id, Role::User)
        .await
        .unwrap();
    let audit = f.auth.admin().audit(&ada, None).await.unwrap();
    let by: Vec<_> = audit.iter().map(|(_, e)| e.by.as_str()).collect();
    assert_eq!(by[0], "ada", "{audit:?}");
    assert_ne!(by[1], "ada", "the shell's grant names no admin: {audit:?}");
    assert!(matches!(
        f.auth
            .admin()
            .set_role(&ada, &sudo, ada.user.id, Role::User)
            .await,
        Err(AdminError::NotYourself)
    ));
    // The operator may take the last admin's role.
    f.auth.operator().revoke("ada").await.unwrap();
    assert!(f.auth.operator().list_admins().await.unwrap().is_empty());
}
