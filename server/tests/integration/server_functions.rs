//! Every server function, with the fields it takes: the list the bad-input
//! matrix walks, checked against what the app registers.

/// Every server function and the fields it takes.
pub const FUNCTIONS: &[(&str, &[&str])] = &[
    ("register", &["username", "email", "password"]),
    ("login", &["username", "password", "remember", "next"]),
    ("logout", &[]),
    ("current_user", &[]),
    ("take_flash", &[]),
    ("profile", &["username"]),
    ("my_profile", &[]),
    (
        "update_profile",
        &["username", "display_name", "bio", "location"],
    ),
    ("devices", &[]),
    ("revoke_device", &["device"]),
    ("revoke_other_devices", &[]),
    ("activity", &[]),
    ("change_password", &["current_password", "new_password"]),
    ("sudo", &[]),
    ("confirm_password", &["password", "code", "next"]),
    ("change_username", &["username"]),
    ("delete_account", &["username", "password"]),
    ("password_strength", &["password", "username"]),
    ("remember_days", &[]),
    ("verify_email", &["token"]),
    ("resend_verification", &[]),
    ("request_password_reset", &["email"]),
    ("reset_link_trusts", &["token"]),
    ("reset_password", &["token", "new_password"]),
    ("request_sign_in_link", &["email"]),
    ("sign_in_with_link", &["token", "remember"]),
    ("email_settings", &[]),
    ("change_email", &["email"]),
    ("confirm_email_change", &["token"]),
    ("undo_email_change", &["token"]),
    ("set_new_device_notices", &["on"]),
    ("verify_factor", &["code", "next"]),
    ("security_status", &[]),
    ("begin_totp", &[]),
    ("confirm_totp", &["code"]),
    ("disable_totp", &[]),
    ("renew_recovery_codes", &[]),
    ("sudo_asks", &[]),
    ("passkey_sign_in_options", &[]),
    ("passkey_sign_in", &["credential", "remember", "next"]),
    ("passkey_factor_options", &[]),
    ("passkey_factor", &["credential", "next"]),
    ("passkey_sudo_options", &[]),
    ("passkey_sudo", &["credential", "next"]),
    ("passkey_registration_options", &[]),
    ("add_passkey", &["name", "credential"]),
    ("rename_passkey", &["id", "name"]),
    ("remove_passkey", &["id"]),
    ("remove_password", &[]),
    ("admin_users", &["query", "after"]),
    ("admin_user", &["id"]),
    ("admin_audit", &["before"]),
    ("admin_act", &["id", "action", "reason"]),
];

/// The functions that take no fields and act for the signed-in user: each
/// answers 401 to anyone else (a sign-in waiting for its code included).
pub const NEEDS_A_USER: &[&str] = &[
    "my_profile",
    "devices",
    "revoke_other_devices",
    "activity",
    "resend_verification",
    "email_settings",
    "security_status",
    "begin_totp",
    "disable_totp",
    "renew_recovery_codes",
    "sudo_asks",
    "passkey_sudo_options",
    "passkey_registration_options",
    "remove_password",
];

/// A server function left out of [`FUNCTIONS`] would go untested: this
/// fails when one is added without joining the matrix.
#[test]
fn the_matrix_names_every_server_function() {
    let listed: Vec<String> = FUNCTIONS
        .iter()
        .map(|(name, _)| format!("/api/{name}"))
        .collect();
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(registered.len() >= FUNCTIONS.len(), "{registered:?}");
    for path in &registered {
        assert!(listed.contains(path), "{path} is not in FUNCTIONS");
    }
}
