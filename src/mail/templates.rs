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
