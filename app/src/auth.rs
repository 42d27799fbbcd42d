//! The shared `current_user` resource, and the registry of the actions that
//! change it.
//!
//! Each page creates the actions it uses through [`AuthContext::action`], so an
//! action's code (its form encoder, its server function's client) is loaded
//! with that page's chunk and not with the first page. An action is made once,
//! owned by the app rather than the page, so a page that redirects as its
//! action completes still refreshes the user in the top bar.

use std::any::{Any, TypeId};

use latchkey::domain::{CurrentUser, UserId};
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

use crate::api::{current_user, ApiError, LogOut};

/// What an action's completion can change, and so which resources read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changes {
    /// Who is signed in, or what they are called: `current_user` reads again.
    User,
    /// The list of signed-in devices.
    Devices,
    /// Whether the password was given lately (sudo mode).
    Sudo,
    /// Nothing but a message: the flash area reads again.
    Message,
}

/// At most one action per server function: a dozen, so a list (a map's code
/// would cost the first download more than the search).
type Registry = Vec<(TypeId, Box<dyn Any + Send + Sync>)>;

/// What every component knows about who is signed in.
#[derive(Clone, Copy)]
pub struct AuthContext {
    /// The signed-in user. Loaded once per request on the server, serialized
    /// into the page and hydrated without a second request.
    pub user: Resource<Result<Option<CurrentUser>, ApiError>>,
    /// Log out: in the top bar of every page.
    pub log_out: ServerAction<LogOut>,
    user_changed: RwSignal<usize>,
    devices_changed: RwSignal<usize>,
    sudo_changed: RwSignal<usize>,
    message_changed: RwSignal<usize>,
    actions: StoredValue<Registry>,
    owner: StoredValue<Owner>,
    factor_seen: StoredValue<Option<(UserId, bool)>>,
}

impl AuthContext {
    /// The app's one action for the server function `S`, made the first time a
    /// page asks for it. Each time it completes, what `changes` names is read
    /// again (and the flash area looks for a new message).
    pub fn action<S>(&self, changes: &'static [Changes]) -> ServerAction<S>
    where
        S: ServerFn<Error = ApiError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
    {
        let key = TypeId::of::<S>();
        let known = self.actions.with_value(|actions| {
            actions
                .iter()
                .find(|(known, _)| *known == key)
                .and_then(|(_, action)| action.downcast_ref::<ServerAction<S>>().copied())
        });
        if let Some(action) = known {
            return action;
        }
        let this = *self;
        // Owned by the app (where the auth context was made), not by the page.
        let action = self.owner.get_value().with(|| {
            let action = ServerAction::<S>::new();
            this.bump_on_completion(action.version(), changes);
            action
        });
        self.actions.update_value(|actions| {
            actions.push((key, Box::new(action)));
        });
        action
    }

    /// Runs in the browser only (effects do not run on the server).
    fn bump_on_completion(self, version: RwSignal<usize>, changes: &'static [Changes]) {
        Effect::new(move |seen: Option<usize>| {
            let now = version.get();
            if seen.is_some_and(|seen| seen != now) {
                for change in changes {
                    self.counter(*change).update(|n| *n += 1);
                }
            }
            now
        });
    }

    fn counter(&self, change: Changes) -> RwSignal<usize> {
        match change {
            Changes::User => self.user_changed,
            Changes::Devices => self.devices_changed,
            Changes::Sudo => self.sudo_changed,
            Changes::Message => self.message_changed,
        }
    }

    /// Changes whenever any action that can change the signed-in user completes.
    pub fn version(&self) -> usize {
        self.user_changed.get()
    }

    /// Changes whenever any account action completes (each may leave a flash).
    pub fn any_version(&self) -> usize {
        self.user_changed.get()
            + self.devices_changed.get()
            + self.sudo_changed.get()
            + self.message_changed.get()
    }

    /// Whether `user` must still set up the second factor the site asks
    /// every account for. The security page tells this context what it saw
    /// ([`AuthContext::saw_second_factor`]), which is newer than the user
    /// loaded with the page: reading the user again would draw that page
    /// again, and its recovery codes are shown once.
    pub fn owes_second_factor(&self, user: &CurrentUser) -> bool {
        match self.factor_seen.get_value() {
            Some((seen, has_one)) if seen == user.id => !has_one,
            _ => user.second_factor_needed,
        }
    }

    /// The security page saw whether `user`'s account has a second factor.
    pub fn saw_second_factor(&self, user: UserId, has_one: bool) {
        self.factor_seen.set_value(Some((user, has_one)));
    }

    /// Changes whenever a device is signed out.
    pub fn devices_version(&self) -> usize {
        self.devices_changed.get()
    }

    /// Changes whenever the password is given again (sudo mode may have begun).
    pub fn sudo_version(&self) -> usize {
        self.sudo_changed.get()
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
    let user_changed = RwSignal::new(0);
    let user = Resource::new(move || user_changed.get(), |_| current_user());
    let auth = AuthContext {
        user,
        log_out: ServerAction::new(),
        user_changed,
        devices_changed: RwSignal::new(0),
        sudo_changed: RwSignal::new(0),
        message_changed: RwSignal::new(0),
        actions: StoredValue::new(Vec::new()),
        owner: StoredValue::new(Owner::current().unwrap_or_default()),
        factor_seen: StoredValue::new(None),
    };
    auth.bump_on_completion(auth.log_out.version(), &[Changes::User]);
    provide_context(auth);
    auth
}
/// The auth context provided by [`provide_auth`].
pub fn use_auth() -> AuthContext {
    expect_context::<AuthContext>()
}
