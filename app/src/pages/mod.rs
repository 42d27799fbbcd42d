//! One file per page.
//!
//! Home and the 404 page are in the first download; every other page is
//! a lazy route, loaded the first time it is shown (`cargo leptos --split`
//! writes each into its own chunk; without `--split` they are all in one file).

mod activity;
mod admin;
mod confirm;
mod delete_account;
mod devices;
mod edit_profile;
mod email_settings;
mod email_sign_in;
mod factor;
mod home;
mod login;
mod not_found;
mod passkeys;
mod password;
mod register;
mod reset;
mod security;
mod user_profile;
mod username;
mod verify;

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

pub use activity::ActivityPage;
pub use admin::{AdminAuditPage, AdminPage, AdminUserPage};
pub use confirm::ConfirmPage;
pub use delete_account::DeleteAccountPage;
pub use devices::DevicesPage;
pub use edit_profile::EditProfilePage;
pub use email_settings::{EmailChangeConfirmPage, EmailChangeUndoPage, EmailSettingsPage};
pub use email_sign_in::{LinkSignInPage, LoginEmailPage};
pub use factor::FactorPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use password::PasswordPage;
pub use register::RegisterPage;
pub use reset::{ResetConfirmPage, ResetRequestPage};
pub use security::SecurityPage;
pub use user_profile::UserProfilePage;
pub use username::UsernamePage;
pub use verify::VerifyPage;

/// A lazy route for a page component: `Lazy::<Name>::new()` in the router
/// loads the page's chunk, then renders it. Pages load their own data, so a
/// route has none of its own.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident,)*) => {$(
        #[doc = concat!("The lazy route for [`", stringify!($page), "`].")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    Login => LoginPage,
    Register => RegisterPage,
    UserProfile => UserProfilePage,
    EditProfile => EditProfilePage,
    Username => UsernamePage,
    Password => PasswordPage,
    Devices => DevicesPage,
    Activity => ActivityPage,
    DeleteAccount => DeleteAccountPage,
    Confirm => ConfirmPage,
    Verify => VerifyPage,
    ResetRequest => ResetRequestPage,
    ResetConfirm => ResetConfirmPage,
    LoginEmail => LoginEmailPage,
    LinkSignIn => LinkSignInPage,
    EmailSettings => EmailSettingsPage,
    EmailChangeConfirm => EmailChangeConfirmPage,
    EmailChangeUndo => EmailChangeUndoPage,
    Factor => FactorPage,
    Security => SecurityPage,
    Admin => AdminPage,
    AdminUser => AdminUserPage,
    AdminAudit => AdminAuditPage,
}
