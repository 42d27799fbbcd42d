//! Reusable pieces: form fields, the flash area, the nav, the login guard.

mod flash;
mod form;
mod nav;
mod page_title;
mod require_user;
mod settings_tabs;
mod strength_meter;

pub use flash::FlashArea;
pub use form::{
    action_error, CurrentPasswordField, FormAlert, SubmitButton, TextField, USERNAME_HINT,
};
pub use nav::Nav;
pub use page_title::PageTitle;
pub use require_user::{RequireSudo, RequireUser};
pub use settings_tabs::SettingsTabs;
pub use strength_meter::NewPasswordField;
