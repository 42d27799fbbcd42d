use latchkey::domain::UnixTime;
use leptos::prelude::*;

use super::text::relative;

/// A moment, as "5 minutes ago" (or "in 25 minutes") with the exact time on hover and for
/// assistive technology. The page comes from the server with the exact time
/// (the server's "now" and the browser's differ, and both must render the
/// same HTML); once live, the browser shows how long ago it was.
#[component]
pub fn When(at: UnixTime) -> impl IntoView {
    let at = at.seconds();
    let exact = when(at);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let shown = {
        let exact = exact.clone();
        move || {
            if !live.get() {
                return exact.clone();
            }
            let now = (leptos::web_sys::js_sys::Date::now() / 1000.0) as i64;
            relative(at, now).unwrap_or_else(|| exact.clone())
        }
    };
    // "2026-11-29 21:50 UTC" as a machine reads it: "2026-11-29T21:50Z".
    let datetime = exact.replace(" UTC", "Z").replacen(' ', "T", 1);
    view! { <time datetime=datetime title=exact>{shown}</time> }
}

/// "New" beside a factor added at `at`, when that is at or after `since`
/// (the server's idea of lately: a week): an intruder's factor stands out.
#[component]
pub fn Lately(at: UnixTime, since: UnixTime) -> impl IntoView {
    (at >= since).then(|| view! { <span class="badge new-badge">"New this week"</span> })
}

/// A UTC timestamp to the minute, the same on the server and in the browser
/// (a local time zone would differ between the two and break hydration).
pub fn when(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let minutes_of_day = unix_seconds.rem_euclid(86_400) / 60;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minutes_of_day / 60,
        minutes_of_day % 60
    )
}

/// Howard Hinnant's days-to-civil-date algorithm (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_as_utc_dates() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_800_000_000), "2027-01-15 08:00 UTC");
        assert_eq!(when(951_782_400), "2000-02-29 00:00 UTC");
    }
}
