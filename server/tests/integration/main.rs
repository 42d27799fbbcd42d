//! Integration tests: the real app on a random port over a temporary SQLite file,
//! driven over HTTP by a client that keeps cookies and never follows redirects.

mod authenticator;
mod harness;
mod postgres;
mod smtp;

mod account_lifecycle;
mod activity;
mod admin;
mod bad_input;
mod concurrency;
mod cookies;
mod cross_site;
mod devices;
mod email;
mod email_change;
mod enumeration;
mod form_errors;
mod forwarded;
mod hash_upgrades;
mod headers;
mod login;
mod mail;
mod mailed_links;
mod migrations;
mod multi_server;
mod notices;
mod outage;
mod pages;
mod passkeys;
mod password_change;
mod password_policy;
mod passwordless;
mod process;
mod profiles;
mod register;
mod remember_me;
mod reset;
mod second_factor;
mod second_factor_mail;
mod server_functions;
mod session_lifetimes;
mod sigkill;
mod sign_in_link;
mod startup;
mod throttling;
