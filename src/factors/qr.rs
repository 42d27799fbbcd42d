//! QR codes for enrolment, drawn on the server as SVG (no script, no image
//! request: the page carries it inline).

use qrcode::render::svg;
use qrcode::QrCode;

/// `text` (an `otpauth://` URI) as an SVG QR code, or `None` if it is too
/// long for one.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_uri_becomes_an_inline_svg() {
        let svg = qr_svg("otpauth://totp/Latchkey:ann?secret=GEZDGNBV&issuer=Latchkey").unwrap();
        assert!(
            svg.starts_with("<?xml") || svg.starts_with("<svg"),
            "{}",
            &svg[..40]
        );
        assert!(svg.contains("</svg>"));
        assert!(!svg.contains("<script"));
    }
}
