//! The words of each mail: plain text, and the same in simple HTML. A mail
//! carries no secret but its link's token.

use super::Mail;

/// Text safe inside HTML, in an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A mail from paragraphs; a paragraph that is a link becomes one in HTML.
fn mail(to: &str, subject: &str, paragraphs: &[String]) -> Mail {
    let text = paragraphs.join("\n\n") + "\n";
    let html = paragraphs
        .iter()
        .map(|p| {
            if p.starts_with("https://") || p.starts_with("http://") {
                format!("<p><a href=\"{0}\">{0}</a></p>", escape(p))
            } else {
                format!("<p>{}</p>", escape(p))
            }
        })
        .collect::<String>();
    Mail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html: format!("<!DOCTYPE html><html><body>{html}</body></html>"),
    }
}

/// The link that confirms a new address.
pub fn verify_address(to: &str, username: &str, link: &str) -> Mail {
    mail(
        to,
        "Confirm your email address",
        &[
            format!("Hello {username},"),
            "Please confirm that this address is yours by opening this link within 24 hours:"
                .into(),
            link.to_string(),
            "If you did not create an account on Latchkey, ignore this mail: the address will \
             not be used."
                .into(),
        ],
    )
}

/// To the owner of an address someone else tried to register with.
pub fn address_already_registered(to: &str, login: &str) -> Mail {
    mail(
        to,
        "Someone tried to register with your email address",
        &[
            "Hello,".into(),
            "Someone tried to create a Latchkey account with this address, which already \
             belongs to your account. Nothing was changed, and the new account cannot use it."
                .into(),
            "If it was you, you already have an account: log in here.".into(),
            login.to_string(),
            "If it was not you, you need do nothing.".into(),
        ],
    )
}

/// The link that sets a new password.
pub fn reset_password(to: &str, username: &str, link: &str) -> Mail {
    mail(
        to,
        "Set a new password",
        &[
            format!("Hello {username},"),
            "Someone (we hope you) asked to set a new password for your Latchkey account. \
             Open this link within an hour to choose it:"
                .into(),
            link.to_string(),
            "Setting it signs every device out of your account. If you did not ask, ignore \
             this mail: your password stays as it is."
                .into(),
        ],
    )
}

/// The link that signs in without the password.
pub fn sign_in_link(to: &str, username: &str, link: &str) -> Mail {
    mail(
        to,
        "Your sign-in link",
        &[
            format!("Hello {username},"),
            "Open this link within 10 minutes to sign in to Latchkey on the browser that opens \
             it. It works once."
                .into(),
            link.to_string(),
            "If you did not ask for it, ignore this mail: nobody can use it without reading \
             this inbox."
                .into(),
        ],
    )
}

/// To a new address the account asked to move to: the change happens only
/// once it is followed.
pub fn confirm_new_address(to: &str, username: &str, link: &str) -> Mail {
    mail(
        to,
        "Confirm your new email address",
        &[
            format!("Hello {username},"),
            "You asked to use this address for your Latchkey account. Open this link within \
             24 hours to make the change:"
                .into(),
            link.to_string(),
            "Until you do, your account keeps its old address. If you did not ask, ignore \
             this mail."
                .into(),
        ],
    )
}

/// To the current address when a move to another is asked for: the owner
/// hears of it before it can happen, and a password change stops it.
pub fn address_change_requested(to: &str, username: &str, new: &str, password: &str) -> Mail {
    mail(
        to,
        "Someone asked to move your account to another email address",
        &[
            format!("Hello {username},"),
            format!(
                "A move of your Latchkey account to {new} was asked for. It happens only if \
                 the link mailed there is opened within 24 hours."
            ),
            "If this was not you, change your password now: that cancels the move and every \
             other link the account was sent, and signs every other device out."
                .into(),
            password.to_string(),
        ],
    )
}

/// To the old address once the account moved away from it, with the way back.
pub fn address_changed(to: &str, username: &str, new: &str, undo: &str) -> Mail {
    mail(
        to,
        "Your email address was changed",
        &[
            format!("Hello {username},"),
            format!("Your Latchkey account's address is now {new}. Mail for the account no longer comes here."),
            "If you did not make this change, open this link within 7 days: it puts this \
             address back and signs every device out of the account."
                .into(),
            undo.to_string(),
        ],
    )
}

/// A notice that the password was changed (or set again by a reset link).
pub fn password_changed(to: &str, username: &str, reset: &str) -> Mail {
    mail(
        to,
        "Your password was changed",
        &[
            format!("Hello {username},"),
            "The password of your Latchkey account was just changed, and every other device \
             was signed out."
                .into(),
            "If it was not you, set a new one now with a link mailed here:".into(),
            reset.to_string(),
        ],
    )
}

/// A notice of a sign-in from a browser the account had not used (the
/// user chose to get these).
pub fn new_device(to: &str, username: &str, device: &str, devices: &str) -> Mail {
    mail(
        to,
        "A new device signed in to your account",
        &[
            format!("Hello {username},"),
            format!("Your Latchkey account was just signed in to from {device}."),
            "If it was not you, sign that device out and change your password here:".into(),
            devices.to_string(),
        ],
    )
}

/// A notice that the account's second factors changed (`what` says how).
pub fn factor_changed(to: &str, username: &str, what: &str, settings: &str) -> Mail {
    mail(
        to,
        "Your sign-in settings changed",
        &[
            format!("Hello {username},"),
            format!("{what}."),
            "If it was not you, change your password and review your sign-in settings here:".into(),
            settings.to_string(),
        ],
    )
}

/// A notice that a recovery code signed in, and how many are left.
pub fn recovery_code_used(
    to: &str,
    username: &str,
    device: &str,
    left: i64,
    settings: &str,
) -> Mail {
    let left = match left {
        0 => "You have no recovery codes left: make new ones now.".to_string(),
        1 => "You have 1 recovery code left.".to_string(),
        n => format!("You have {n} recovery codes left."),
    };
    mail(
        to,
        "A recovery code was used to sign in",
        &[
            format!("Hello {username},"),
            format!("One of your recovery codes was just used to sign in from {device}. {left}"),
            "If it was not you, change your password and turn the authenticator off and on \
             again here:"
                .into(),
            settings.to_string(),
        ],
    )
}

/// A notice that a copied "Remember me" cookie was used.
pub fn remember_theft(to: &str, username: &str, devices: &str) -> Mail {
    mail(
        to,
        "A copied sign-in cookie was used",
        &[
            format!("Hello {username},"),
            "A \u{201c}Remember me\u{201d} cookie of your Latchkey account was used after it \
             had already been replaced: someone may have copied it. We signed that device out."
                .into(),
            "Review your devices and change your password here:".into(),
            devices.to_string(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_html_say_the_same_and_nothing_typed_is_markup() {
        let m = verify_address(
            "a@example.com",
            "<b>ann</b>",
            "https://x.test/verify?t=1&u=2",
        );
        assert!(m.text.contains("Hello <b>ann</b>,"));
        assert!(m.text.contains("\n\nhttps://x.test/verify?t=1&u=2\n\n"));
        assert!(m.html.contains("Hello &lt;b&gt;ann&lt;/b&gt;,"));
        assert!(m.html.contains(
            "<a href=\"https://x.test/verify?t=1&amp;u=2\">https://x.test/verify?t=1&amp;u=2</a>"
        ));
    }
}
