use latchkey::domain::{AdminReason, AdminUserDetail, AdminUserRow, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{admin_audit, admin_user, admin_users, AdminAct, ApiError};
use crate::auth::{use_auth, Changes};
use crate::components::{
    action_error, FormAlert, PageTitle, RequireSudo, RequireUser, SubmitButton, When,
};

/// `/admin?q=&after=` (admins): users whose name starts with `q` (or, with
/// an `@`, whose address does), 50 a page. A plain GET form: it works
/// without JavaScript, and the address says what is shown.
#[component]
pub fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let after = move || query.read().get("after");
    let page = Resource::new(move || (q(), after()), |(q, after)| admin_users(q, after));
    view! {
        <PageTitle text="Admin: users"/>
        <RequireUser let:_user>
            <section class="card wide">
                <AdminTabs/>
                <h1>"Users"</h1>
                <form method="get" action="/admin" class="search" role="search">
                    <label for="admin-q">"Username, or email address with @, starts with"</label>
                    <input id="admin-q" type="search" name="q" value=q/>
                    <button type="submit" class="button">"Search"</button>
                </form>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(page) => {
                                let next = page.next.map(|next| {
                                    let href = format!("/admin?q={}&after={}", encode(&q()), encode(&next));
                                    view! { <p><A href=href>"Next page"</A></p> }
                                });
                                view! {
                                    <UserTable users=page.users/>
                                    {next}
                                }
                                .into_any()
                            }
                            Err(e) => view! { <AdminError e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </RequireUser>
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn AdminTabs() -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Admin">
            <A href="/admin" exact=true>"Users"</A>
            <A href="/admin/audit">"Audit log"</A>
        </nav>
    }
}

#[component]
fn UserTable(users: Vec<AdminUserRow>) -> impl IntoView {
    if users.is_empty() {
        return view! { <p class="muted">"No user matches."</p> }.into_any();
    }
    view! {
        <table class="table">
            <thead><tr><th scope="col">"Username"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Registered"</th><th scope="col">"State"</th></tr></thead>
            <tbody>
                {users.into_iter().map(|u| view! {
                    <tr>
                        <td><A href=format!("/admin/users/{}", u.id.0)>{u.username}</A></td>
                        <td>{u.email.unwrap_or_default()}</td>
                        <td>{role_name(u.role)}</td>
                        <td><When at=u.created_at/></td>
                        <td>{if u.locked { "locked" } else { "" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::User => "user",
    }
}

/// `/admin/users/:id` (admins, sudo mode): one user's record and what an
/// admin can do to it.
#[component]
pub fn AdminUserPage() -> impl IntoView {
    let auth = use_auth();
    let act = auth.action::<AdminAct>(&[Changes::Message]);
    let error = action_error(act);
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let detail = Resource::new(
        move || (id(), act.version().get()),
        |(id, _)| admin_user(id),
    );
    view! {
        <PageTitle text="Admin: user"/>
        <RequireSudo let:_user>
            <section class="card wide">
                <AdminTabs/>
                <FormAlert error/>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match detail.await {
                            Ok(detail) => view! { <UserRecord detail act/> }.into_any(),
                            Err(e) => view! { <AdminError e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </RequireSudo>
    }
}

#[component]
fn UserRecord(detail: AdminUserDetail, act: ServerAction<AdminAct>) -> impl IntoView {
    let id = detail.user.id.0;
    let button = move |action: &'static str, label: &'static str, class: &'static str| {
        view! {
            <ActionForm action=act attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="action" value=action/>
                <SubmitButton pending=act.pending().into() label pending_label="Working…" class/>
            </ActionForm>
        }
    };
    let with_reason = move |action: &'static str, label: &'static str, field: &'static str| {
        view! {
            <ActionForm action=act attr:class="reasoned">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="action" value=action/>
                <label for=field>{format!("Reason to {}", label.to_lowercase())}</label>
                <input id=field type="text" name="reason" required maxlength=AdminReason::MAX_CHARS/>
                <SubmitButton pending=act.pending().into() label pending_label="Working…" class="button danger"/>
            </ActionForm>
        }
    };
    let lock = match &detail.locked_reason {
        Some(why) => view! {
            <p class="alert alert-error">{format!("Locked: {why}")}</p>
            {button("unlock", "Unlock", "button")}
        }
        .into_any(),
        None => with_reason("lock", "Lock", "lock-reason").into_any(),
    };
    let role = match detail.user.role {
        Role::Admin => button("make_user", "Make a plain user", "button"),
        Role::User => button("make_admin", "Make an administrator", "button"),
    };
    let last = detail.last_sign_in.map_or_else(
        || view! { "never" }.into_any(),
        |at| view! { <When at/> }.into_any(),
    );
    view! {
        <h1>{detail.user.username.clone()}</h1>
        <dl class="facts">
            <dt>"Display name"</dt><dd>{if detail.display_name.is_empty() { "none".to_string() } else { detail.display_name }}</dd>
            <dt>"Email"</dt><dd>{detail.user.email.unwrap_or_else(|| "none".into())}</dd>
            <dt>"Role"</dt><dd>{role_name(detail.user.role)}</dd>
            <dt>"Registered"</dt><dd><When at=detail.user.created_at/></dd>
            <dt>"Last sign-in"</dt><dd>{last}</dd>
            <dt>"Second factors"</dt>
            <dd>{format!(
                "authenticator app {}; {} passkey(s); {} recovery codes left",
                if detail.totp { "on" } else { "off" },
                detail.passkeys,
                detail.recovery_codes_left
            )}</dd>
            <dt>"Signed in on"</dt><dd>{format!("{} device(s)", detail.devices.len())}</dd>
        </dl>
        <h2>"Actions"</h2>
        {lock}
        <div class="actions">
            {button("sign_out", "Sign out everywhere", "button")}
            {button("send_reset", "Send a password-reset link", "button")}
            {role}
            {button("delete", "Delete the account", "button danger")}
        </div>
        {with_reason("remove_factors", "Remove second factors", "factors-reason")}
        <h2>"Recent activity"</h2>
        <ul class="activity">
            {detail.activity.into_iter().take(20).map(|a| view! {
                <li>{a.kind.describe()}" · "<When at=a.at/></li>
            }).collect_view()}
        </ul>
    }
}

/// `/admin/audit` (admins): what administrators did, newest first.
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let log = Resource::new(before, admin_audit);
    view! {
        <PageTitle text="Admin: audit log"/>
        <RequireUser let:_user>
            <section class="card wide">
                <AdminTabs/>
                <h1>"Audit log"</h1>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match log.await {
                            Ok(entries) => {
                                let older = (entries.len() == 50).then(|| entries.last().map(|(id, _)| view! {
                                    <p><A href=format!("/admin/audit?before={id}")>"Older"</A></p>
                                })).flatten();
                                view! {
                                    <table class="table">
                                        <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"To"</th><th scope="col">"Reason"</th></tr></thead>
                                        <tbody>
                                            {entries.into_iter().map(|(_, e)| view! {
                                                <tr><td><When at=e.at/></td><td>{e.by}</td><td>{e.action.describe()}</td><td>{e.target}</td><td>{e.reason.unwrap_or_default()}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    {older}
                                }
                                .into_any()
                            }
                            Err(e) => view! { <AdminError e/> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </RequireUser>
    }
}

/// A console page's error; an admin who owes a second factor is shown the
/// way to set one up.
#[component]
fn AdminError(e: ApiError) -> impl IntoView {
    let set_up = e
        .is_second_factor_first()
        .then(|| view! { " " <a href="/settings/security">"Set one up now"</a> });
    view! { <div class="alert alert-error" role="alert">{e.to_string()} {set_up}</div> }
}
