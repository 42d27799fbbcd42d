//! One file per page.

mod activity;
mod confirm;
mod delete_account;
mod devices;
mod edit_profile;
mod home;
mod login;
mod not_found;
mod password;
mod register;
mod user_profile;
mod username;

pub use activity::ActivityPage;
pub use confirm::ConfirmPage;
pub use delete_account::DeleteAccountPage;
pub use devices::DevicesPage;
pub use edit_profile::EditProfilePage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use password::PasswordPage;
pub use register::RegisterPage;
pub use user_profile::UserProfilePage;
pub use username::UsernamePage;
