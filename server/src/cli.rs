//! `server admin …`: the operator's commands, on the same configuration and
//! database as the server. The only way to make the first admin.

use anyhow::Context;
use latchkey::auth::{AdminError, Auth};
use latchkey::clock::Clock;
use latchkey::sessions::SessionPolicy;

use crate::Config;

const USAGE: &str =
    "usage: server admin grant NAME | server admin revoke NAME | server admin list \
                     | server admin sign-out-everyone";

/// Runs `server admin ARGS…`; answers what to print and whether it worked.
pub async fn admin(config: &Config, args: &[String]) -> anyhow::Result<(String, bool)> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let auth = use_cases(config).await?;
    let (said, ok) = match words.as_slice() {
        ["list"] => {
            let admins = auth.operator().list_admins().await?;
            match admins.is_empty() {
                true => (
                    "no administrators yet: server admin grant NAME".to_string(),
                    true,
                ),
                false => (admins.join("\n"), true),
            }
        }
        ["grant", name] => {
            let (mut said, ok) = answer(
                auth.operator().grant(name).await,
                name,
                "is now an administrator",
                "is already an administrator",
            )?;
            if ok && auth.operator().console_waits_for_factor(name).await? {
                said.push_str(&format!(
                    "\n{name} has no second factor yet: the admin console opens to them once \
                     they set one up (an authenticator app or a passkey, in Settings, Security)"
                ));
            }
            (said, ok)
        }
        ["revoke", name] => answer(
            auth.operator().revoke(name).await,
            name,
            "is no longer an administrator",
            "is not an administrator",
        )?,
        ["sign-out-everyone"] => {
            let devices = auth.operator().sign_out_everyone().await?;
            (
                format!("signed out {devices} devices of every account"),
                true,
            )
        }
        _ => (USAGE.to_string(), false),
    };
    Ok((said, ok))
}

fn answer(
    result: Result<(), AdminError>,
    name: &str,
    done: &str,
    already: &str,
) -> anyhow::Result<(String, bool)> {
    match result {
        Ok(()) => Ok((format!("{name} {done}"), true)),
        Err(AdminError::AlreadyDone) => Ok((format!("{name} {already}"), true)),
        Err(AdminError::NotFound) => Ok((format!("there is no user named {name}"), false)),
        Err(e) => Err(e).context("the database refused"),
    }
}

/// The use cases, without the web's parts (no mail worker, no sessions'
/// sweeper): the store and what `Auth` needs around it.
async fn use_cases(config: &Config) -> anyhow::Result<Auth> {
    let clock = Clock::system();
    let (store, accounts, browsers) = crate::open(config, &clock).await?;
    let sessions = SessionPolicy::new(store, clock, config.lifetimes);
    Ok(Auth::new(accounts, sessions, browsers).with_second_factor_rule(config.second_factor_rule))
}
