//! Wording shared by every page.

pub use latchkey::domain::plural;

/// `then` seen from `now` (Unix seconds): "just now", "5 minutes ago",
/// "3 hours ago", "in 25 minutes", "in 2 days"; more than 30 days away,
/// `None` (the date says it better).
pub fn relative(then: i64, now: i64) -> Option<String> {
    let future = then - now >= 60;
    let seconds = (then - now).abs();
    let (n, unit) = match seconds {
        0..60 => return Some("just now".to_string()),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        86_400..2_592_000 => (seconds / 86_400, "day"),
        _ => return None,
    };
    let amount = plural(n.unsigned_abs(), unit);
    Some(if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    })
}

#[cfg(test)]
mod ago_tests {
    use super::*;

    #[test]
    fn near_times_read_as_how_long_ago_or_how_soon() {
        assert_eq!(relative(1000, 1030).as_deref(), Some("just now"));
        assert_eq!(relative(0, 60).as_deref(), Some("1 minute ago"));
        assert_eq!(relative(0, 5 * 60 + 59).as_deref(), Some("5 minutes ago"));
        assert_eq!(relative(0, 3 * 3_600).as_deref(), Some("3 hours ago"));
        assert_eq!(relative(0, 86_400).as_deref(), Some("1 day ago"));
        assert_eq!(relative(0, 31 * 86_400), None);
        assert_eq!(
            relative(100, 50).as_deref(),
            Some("just now"),
            "a clock behind"
        );
        assert_eq!(relative(25 * 60, 0).as_deref(), Some("in 25 minutes"));
        assert_eq!(relative(30 * 86_400 - 1, 0).as_deref(), Some("in 29 days"));
        assert_eq!(relative(40 * 86_400, 0), None);
    }
}
