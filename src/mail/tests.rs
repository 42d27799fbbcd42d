//! The back-off schedule.

use super::worker::back_off;

#[test]
fn retries_wait_longer_each_time_up_to_six_hours() {
    assert_eq!(back_off(0), 30);
    assert_eq!(back_off(1), 60);
    assert_eq!(back_off(4), 480);
    assert_eq!(back_off(11), 6 * 60 * 60);
    assert_eq!(back_off(1_000), 6 * 60 * 60);
}
