//! Configuration read from a map of variables, as the environment gives it.

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: std::collections::HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn defaults_serve_on_sqlite_on_loopback_in_production_mode() {
    let c = config(&[]).unwrap();
    assert_eq!(c.mode, Mode::Production);
    assert_eq!(c.leptos.env, leptos::config::Env::PROD);
    assert_eq!(c.database_url, "sqlite://data/latchkey.db");
    assert!(!c.secure_cookies);
    assert_eq!(c.hash_cost, HashCost::OWASP_MINIMUM);
    assert_eq!(c.leptos.site_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(c.lifetimes, Lifetimes::default());
}

#[test]
fn secure_cookies_switch_to_the_host_prefix() {
    let c = config(&[("LATCHKEY_SECURE_COOKIES", "true")]).unwrap();
    let name = latchkey::sessions::session_cookie_name(c.secure_cookies);
    assert_eq!(name, "__Host-latchkey_session");
}

#[test]
fn a_bad_value_names_its_variable() {
    for (key, value) in [
        ("LATCHKEY_SECURE_COOKIES", "maybe"),
        ("LEPTOS_SITE_ADDR", "localhost"),
        ("LATCHKEY_HASH_MEMORY_KIB", "1024"),
        ("LATCHKEY_HASH_ITERATIONS", "two"),
        ("LATCHKEY_HASH_CONCURRENCY", "0"),
        ("DATABASE_URL", "mysql://x"),
        ("LEPTOS_ENV", "staging"),
        ("LATCHKEY_SESSION_IDLE_MINUTES", "0"),
        ("LATCHKEY_SESSION_MAX_HOURS", "half a day"),
        ("LATCHKEY_REMEMBER_DAYS", "-1"),
        ("LATCHKEY_TRUSTED_ORIGINS", "example.com"),
        ("LATCHKEY_PASSWORD_PEPPER", "too short"),
        ("LATCHKEY_LOGINS_PER_IP_PER_MINUTE", "0"),
        ("LATCHKEY_REGISTRATIONS_PER_IP_PER_HOUR", "lots"),
        ("LATCHKEY_TRUSTED_ORIGINS", "https://example.com/path"),
        ("LATCHKEY_TRUSTED_PROXIES", "-1"),
    ] {
        let err = config(&[(key, value)]).unwrap_err();
        assert_eq!(err.key, key);
        assert!(err.to_string().starts_with(key), "{err}");
    }
}

#[test]
fn a_bad_pepper_is_refused_without_being_echoed() {
    let err = config(&[("LATCHKEY_PASSWORD_PEPPER", "hunter2")]).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
    assert!(config(&[("LATCHKEY_PASSWORD_PEPPER", &"p".repeat(32))])
        .unwrap()
        .pepper
        .is_some());
}

#[test]
fn trusted_origins_are_a_comma_separated_list() {
    let c = config(&[(
        "LATCHKEY_TRUSTED_ORIGINS",
        " https://Example.com, http://localhost:8080 ,",
    )])
    .unwrap();
    assert_eq!(
        c.trusted_origins,
        ["https://example.com", "http://localhost:8080"]
    );
    assert!(config(&[]).unwrap().trusted_origins.is_empty());
}

#[test]
fn the_public_origin_is_one_origin() {
    let c = config(&[
        ("LATCHKEY_PUBLIC_ORIGIN", "https://Login.example.com/"),
        ("LATCHKEY_SECURE_COOKIES", "true"),
    ])
    .unwrap();
    assert_eq!(
        c.public_origin.as_deref(),
        Some("https://login.example.com")
    );
    assert_eq!(config(&[]).unwrap().public_origin, None);
    for bad in [
        "login.example.com",
        "https://a.test,https://b.test",
        "ftp://x",
    ] {
        assert!(config(&[("LATCHKEY_PUBLIC_ORIGIN", bad)]).is_err(), "{bad}");
    }
}

#[test]
fn hash_cost_may_be_raised_above_the_minimum() {
    let c = config(&[
        ("LATCHKEY_HASH_MEMORY_KIB", "65536"),
        ("LATCHKEY_HASH_ITERATIONS", "3"),
    ])
    .unwrap();
    assert_eq!(c.hash_cost.memory_kib, 65536);
    assert_eq!(c.hash_cost.iterations, 3);
}

#[test]
fn a_database_url_is_shown_without_its_password() {
    assert_eq!(
        redacted("postgres://app:s3cr%40t@db.internal:5432/latchkey"),
        "postgres://app:***@db.internal:5432/latchkey"
    );
    assert_eq!(
        redacted("postgres://db/latchkey?user=app&password=hunter2&sslmode=require"),
        "postgres://db/latchkey?user=app&password=***&sslmode=require"
    );
    assert_eq!(
        redacted("postgres://app@db/latchkey"),
        "postgres://app@db/latchkey"
    );
    assert_eq!(
        redacted("sqlite://data/latchkey.db"),
        "sqlite://data/latchkey.db"
    );
}

#[test]
fn hashed_file_names_need_the_list_of_names() {
    let missing = std::env::temp_dir().join("latchkey-no-such-hash-file.txt");
    let missing = missing.to_str().unwrap();
    let error = config(&[
        ("LEPTOS_HASH_FILES", "true"),
        ("LEPTOS_HASH_FILE_NAME", missing),
    ])
    .unwrap_err();
    assert_eq!(error.key, "LEPTOS_HASH_FILE_NAME");
    assert!(error.problem.contains("make release"), "{}", error.problem);

    // Unset, the setting follows the build: no list beside this binary, no hashing.
    let c = config(&[("LEPTOS_HASH_FILE_NAME", missing)]).unwrap();
    assert!(!c.leptos.hash_files);

    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("hash.txt");
    std::fs::write(&list, "css: abc\n").unwrap();
    let c = config(&[("LEPTOS_HASH_FILE_NAME", list.to_str().unwrap())]).unwrap();
    assert!(
        c.leptos.hash_files,
        "a build's list of names turns hashing on"
    );
}

#[test]
fn smtp_is_off_by_default_and_a_bad_setting_names_its_variable_without_the_password() {
    assert!(config(&[]).unwrap().smtp.is_none());
    assert!(
        config(&[("LATCHKEY_SMTP_URL", "smtps://u:secret@mail.example.com")])
            .unwrap()
            .smtp
            .is_some()
    );
    let clear = config(&[(
        "LATCHKEY_SMTP_URL",
        "smtp://u:secret@mail.example.com?tls=none",
    )])
    .unwrap_err();
    assert_eq!(clear.key, "LATCHKEY_SMTP_URL");
    assert!(!clear.to_string().contains("secret"), "{clear}");
    let from = config(&[
        ("LATCHKEY_SMTP_URL", "smtps://mail.example.com"),
        ("LATCHKEY_MAIL_FROM", "nobody"),
    ])
    .unwrap_err();
    assert_eq!(from.key, "LATCHKEY_MAIL_FROM");
}

#[test]
fn mailed_links_need_a_confirmed_address_unless_configured_otherwise() {
    let default = config(&[]).unwrap().verified_for;
    assert!(default.reset && default.email_sign_in && !default.profile);
    let open = config(&[("LATCHKEY_VERIFIED_EMAIL_FOR", "")])
        .unwrap()
        .verified_for;
    assert!(!open.reset && !open.email_sign_in && !open.profile);
    let strict = config(&[("LATCHKEY_VERIFIED_EMAIL_FOR", "profile,reset")])
        .unwrap()
        .verified_for;
    assert!(strict.reset && !strict.email_sign_in && strict.profile);
    let typo = config(&[("LATCHKEY_VERIFIED_EMAIL_FOR", "reset,profil")]).unwrap_err();
    assert_eq!(typo.key, "LATCHKEY_VERIFIED_EMAIL_FOR");
    assert!(typo.to_string().contains("email-sign-in"), "{typo}");
}

#[test]
fn the_secret_key_is_64_hex_digits_and_a_bad_one_is_not_echoed() {
    assert!(config(&[]).unwrap().secret_key.is_none());
    assert!(config(&[("LATCHKEY_SECRET_KEY", &"ab".repeat(32))])
        .unwrap()
        .secret_key
        .is_some());
    let short = config(&[("LATCHKEY_SECRET_KEY", "deadbeef-not-a-key")]).unwrap_err();
    assert_eq!(short.key, "LATCHKEY_SECRET_KEY");
    assert!(!short.to_string().contains("deadbeef"), "{short}");
    assert!(
        short.to_string().contains("openssl rand -hex 32"),
        "{short}"
    );
}

#[test]
fn metrics_are_off_unless_given_an_address() {
    assert_eq!(config(&[]).unwrap().metrics_addr, None);
    let c = config(&[("LATCHKEY_METRICS_ADDR", "127.0.0.1:9100")]).unwrap();
    assert_eq!(c.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
    let refused = config(&[("LATCHKEY_METRICS_ADDR", "everywhere")])
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("LATCHKEY_METRICS_ADDR"),
        "{refused}"
    );
}

#[test]
fn development_is_only_what_is_asked_for_and_only_on_loopback() {
    let dev = config(&[("LEPTOS_ENV", "DEV")]).unwrap();
    assert_eq!(dev.mode, Mode::Development);
    assert_eq!(dev.leptos.env, leptos::config::Env::DEV);
    assert!(dev.production_warnings().is_empty());
    assert!(dev.mode_line().starts_with("mode: development"));
    let v6 = config(&[("LEPTOS_ENV", "dev"), ("LEPTOS_SITE_ADDR", "[::1]:3000")]).unwrap();
    assert_eq!(v6.mode, Mode::Development);
    for exposed in [
        vec![("LEPTOS_SITE_ADDR", "0.0.0.0:3000")],
        vec![("LEPTOS_SITE_ADDR", "[::]:3000")],
        vec![("LEPTOS_SITE_ADDR", "192.0.2.7:3000")],
        vec![
            ("LATCHKEY_PUBLIC_ORIGIN", "https://login.example"),
            ("LATCHKEY_SECURE_COOKIES", "true"),
        ],
    ] {
        let mut vars = exposed.clone();
        vars.push(("LEPTOS_ENV", "DEV"));
        let err = config(&vars).unwrap_err();
        assert_eq!(err.key, "LEPTOS_ENV", "{exposed:?}");
        assert!(err.to_string().contains("/dev/mailbox"), "{err}");
        // The same server in production starts.
        let mut vars = exposed.clone();
        vars.push(("LEPTOS_ENV", "PROD"));
        assert_eq!(config(&vars).unwrap().mode, Mode::Production);
    }
}

#[test]
fn an_https_site_without_secure_cookies_is_refused() {
    let err = config(&[("LATCHKEY_PUBLIC_ORIGIN", "https://login.example")]).unwrap_err();
    assert_eq!(err.key, "LATCHKEY_SECURE_COOKIES");
    assert!(
        err.to_string().contains("LATCHKEY_SECURE_COOKIES=true"),
        "{err}"
    );
    let ok = config(&[
        ("LATCHKEY_PUBLIC_ORIGIN", "https://login.example"),
        ("LATCHKEY_SECURE_COOKIES", "true"),
    ])
    .unwrap();
    assert!(ok.secure_cookies);
}

#[test]
fn a_production_start_names_what_it_lacks() {
    let bare = config(&[]).unwrap().production_warnings();
    assert!(
        bare.iter().any(|w| w.starts_with("LATCHKEY_SECRET_KEY")),
        "{bare:?}"
    );
    assert!(
        bare.iter()
            .any(|w| w.starts_with("LATCHKEY_SECURE_COOKIES")),
        "{bare:?}"
    );
    assert!(
        bare.iter().any(|w| w.starts_with("LATCHKEY_PUBLIC_ORIGIN")),
        "{bare:?}"
    );
    assert!(
        bare.iter()
            .any(|w| w.starts_with("LATCHKEY_REQUIRE_SECOND_FACTOR")),
        "{bare:?}"
    );
    let open = config(&[("LATCHKEY_REQUIRE_SECOND_FACTOR", "none")]).unwrap();
    assert!(!open
        .production_warnings()
        .iter()
        .any(|w| w.starts_with("LATCHKEY_REQUIRE_SECOND_FACTOR")));
    assert!(config(&[])
        .unwrap()
        .mode_line()
        .starts_with("mode: production"));
    let careful = config(&[
        ("LATCHKEY_PUBLIC_ORIGIN", "https://login.example"),
        ("LATCHKEY_SECURE_COOKIES", "true"),
        ("LATCHKEY_SECRET_KEY", &"ab".repeat(32)),
        ("LATCHKEY_SMTP_URL", "smtps://user:pass@mail.example"),
        ("LATCHKEY_PASSWORD_PEPPER", &"p".repeat(32)),
    ])
    .unwrap();
    assert_eq!(careful.production_warnings(), Vec::<&str>::new());
}

#[test]
fn the_second_factor_rule_covers_admins_unless_set() {
    use latchkey::domain::SecondFactorRule;
    assert_eq!(
        config(&[]).unwrap().second_factor_rule,
        SecondFactorRule::Admins
    );
    for rule in SecondFactorRule::NAMES {
        let read = config(&[("LATCHKEY_REQUIRE_SECOND_FACTOR", rule)]).unwrap();
        assert_eq!(read.second_factor_rule.name(), rule);
    }
    let typo = config(&[("LATCHKEY_REQUIRE_SECOND_FACTOR", "admin")]).unwrap_err();
    assert!(
        typo.to_string().contains("none, admins, everyone"),
        "{typo}"
    );
}
