//! The shared `current_user` resource and the actions that change it.

use latchkey::domain::CurrentUser;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos_router::hooks::use_query_map;

use crate::api::{
    current_user, ApiError, ChangePassword, ChangeUsername, ConfirmPassword, DeleteAccount, LogIn,
    LogOut, Register, RevokeDevice, RevokeOtherDevices, UpdateProfile,
};

/// What every component knows about who is signed in.
#[derive(Clone, Copy)]
pub struct AuthContext {
    /// The signed-in user. Loaded once per request on the server, serialized
    /// into the page and hydrated without a second request.
    pub user: Resource<Result<Option<CurrentUser>, ApiError>>,
    /// Log in.
    pub log_in: ServerAction<LogIn>,
    /// Log out.
    pub log_out: ServerAction<LogOut>,
    /// Register.
    pub register: ServerAction<Register>,
    /// Edit one's profile.
    pub update_profile: ServerAction<UpdateProfile>,
    /// Sign one device out.
    pub revoke_device: ServerAction<RevokeDevice>,
    /// Sign every other device out.
    pub revoke_other_devices: ServerAction<RevokeOtherDevices>,
    /// Change the password (signs the other devices out).
    pub change_password: ServerAction<ChangePassword>,
    /// Give the password again to unlock sensitive actions ("sudo mode").
    pub confirm_password: ServerAction<ConfirmPassword>,
    /// Change the username.
    pub change_username: ServerAction<ChangeUsername>,
    /// Delete the account.
    pub delete_account: ServerAction<DeleteAccount>,
    user_versions: [RwSignal<usize>; 6],
}

impl AuthContext {
    /// Changes whenever any action that can change the signed-in user completes.
    pub fn version(&self) -> usize {
        self.user_versions.iter().map(|v| v.get()).sum()
    }

    /// Changes whenever any account action completes (each may leave a flash).
    pub fn any_version(&self) -> usize {
        self.version() + self.devices_version() + self.sudo_version()
    }

    /// Changes whenever a device is signed out.
    pub fn devices_version(&self) -> usize {
        self.revoke_device.version().get()
            + self.revoke_other_devices.version().get()
            + self.change_password.version().get()
    }

    /// Changes whenever the password is given again (sudo mode may have begun).
    pub fn sudo_version(&self) -> usize {
        self.confirm_password.version().get() + self.change_password.version().get()
    }
}

/// Creates the auth context and provides it to every component below. Call it
/// inside the `<Router>`.
pub fn provide_auth() -> AuthContext {
    // A form posted without JavaScript comes back with its error in the URL.
    // `<Routes>` hands that to actions created inside it; these are created
    // above it, so they are handed it here the same way.
    use_query_map().with_untracked(|query| {
        if let (Some(path), Some(error)) = (query.get_str("__path"), query.get_str("__err")) {
            provide_context(ServerActionError::new(path, error));
        }
    });
    let log_in = ServerAction::<LogIn>::new();
    let log_out = ServerAction::<LogOut>::new();
    let register = ServerAction::<Register>::new();
    let update_profile = ServerAction::<UpdateProfile>::new();
    let change_username = ServerAction::<ChangeUsername>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    let user_versions = [
        log_in.version(),
        log_out.version(),
        register.version(),
        update_profile.version(),
        change_username.version(),
        delete_account.version(),
    ];
    let versions = move || user_versions.iter().map(|v| v.get()).sum::<usize>();
    let user = Resource::new(versions, |_| current_user());
    let auth = AuthContext {
        user,
        log_in,
        log_out,
        register,
        update_profile,
        revoke_device: ServerAction::new(),
        revoke_other_devices: ServerAction::new(),
        change_password: ServerAction::new(),
        confirm_password: ServerAction::new(),
        change_username,
        delete_account,
        user_versions,
    };
    provide_context(auth);
    auth
}

/// The auth context provided by [`provide_auth`].
pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}
