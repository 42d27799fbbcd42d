//! Reusable pieces: form fields, the flash area, the nav, the login guard.

mod draft;
mod email_banner;
mod flash;
mod form;
mod nav;
mod page_title;
mod passkey;
mod post_button;
mod require_user;
mod route_focus;
mod settings_tabs;
mod strength_meter;
mod text;
mod when;

pub use email_banner::EmailBanner;
pub use flash::FlashArea;
pub use form::{
    action_error, query_token, CodeField, CurrentPasswordField, EmailField, FormAlert, RememberMe,
    SubmitButton, TextField, USERNAME_HINT,
};
pub use nav::Nav;
pub use page_title::PageTitle;
pub use passkey::{checkbox_ticked, offer_passkey_autofill, PasskeyButton, PasskeyStep};
pub use post_button::PostButton;
pub(crate) use require_user::here;
pub use require_user::{RequireSudo, RequireUser};
pub use route_focus::{provide_route_focus, RouteAnnouncer, SkipLink};
pub use settings_tabs::SettingsTabs;
pub use strength_meter::NewPasswordField;
pub use text::plural;
pub use when::{Lately, When};
