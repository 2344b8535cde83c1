//! How old an invitation is: reading the relative times providers send ("2w", "Sent yesterday",
//! "3 months ago") and writing an age for people ("3 days ago").

pub const HOUR_MS: f64 = 3_600_000.0;
pub const DAY_MS: f64 = 24.0 * HOUR_MS;
const WEEK_DAYS: f64 = 7.0;
/// Calendar months and years averaged: ages are shown in whole units, so this is exact enough.
const MONTH_DAYS: f64 = 30.0;
const YEAR_DAYS: f64 = 365.0;
/// A provider's "1mo" is read as the youngest age it can mean: a withdrawal decided on it must
/// never come early.
const SHORTEST_MONTH_DAYS: f64 = 28.0;
/// LinkedIn opened in May 2003: an invitation dated before 2003 is a provider's mistake.
const EARLIEST_SENT_MS: f64 = 1_041_379_200_000.0;
/// An age beyond this is a misreading, not an invitation LinkedIn still holds.
const OLDEST_AGE_MS: f64 = 20.0 * YEAR_DAYS * DAY_MS;

/// Milliseconds ago described by a provider's relative text, at the youngest it can mean ("3d"
/// is 3 to 4 days, read as 3; a month as 28 days), or `None` when it is not one. Accepts LinkedIn's short forms (`45m`, `3h`, `1d`, `2w`, `3mo`, `1yr`) and long forms with
/// an optional "Sent" and "ago" (`Sent yesterday`, `3 months ago`, `a week ago`, `today`).
pub fn parse_relative_ms(text: &str) -> Option<f64> {
    let lower = text.trim().to_ascii_lowercase();
    let text = lower.strip_prefix("sent ").unwrap_or(&lower).trim();
    let text = text.strip_suffix(" ago").unwrap_or(text).trim();
    match text {
        "just now" | "now" | "today" => return Some(0.0),
        "yesterday" => return Some(DAY_MS),
        _ => {}
    }
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = if digits_end == 0 {
        let (article, unit) = text.split_once(' ')?;
        matches!(article, "a" | "an").then_some((1.0, unit))?
    } else {
        (digits_value(&text[..digits_end]), text[digits_end..].trim())
    };
    let unit_ms = match unit.trim_end_matches('s') {
        "m" | "min" | "minute" => 60_000.0,
        "h" | "hr" | "hour" => HOUR_MS,
        "d" | "day" => DAY_MS,
        "w" | "wk" | "week" => WEEK_DAYS * DAY_MS,
        "mo" | "month" => SHORTEST_MONTH_DAYS * DAY_MS,
        "y" | "yr" | "year" => YEAR_DAYS * DAY_MS,
        _ => return None,
    };
    Some(number * unit_ms)
}

/// `sent_at_ms` when it can be when an invitation was sent, seen at `now_ms`; else unknown, which
/// is never due and is shown with no date: before 2003, more than a day ahead, or more than 20
/// years old.
pub fn believable_sent_at(sent_at_ms: f64, now_ms: f64) -> Option<f64> {
    let believable = sent_at_ms >= EARLIEST_SENT_MS
        && sent_at_ms <= now_ms + DAY_MS
        && now_ms - sent_at_ms <= OLDEST_AGE_MS;
    believable.then_some(sent_at_ms)
}

/// Epoch milliseconds of an RFC 3339 UTC time as Unipile sends it (`2026-05-01T13:32:38.772Z`,
/// fractions optional, `Z` or `+00:00`); `None` for anything else. Hand-written: a date library
/// would cost more of the module's size budget than this one format is worth.
pub fn parse_iso_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let body = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))?;
    let (date, time) = body.split_once('T')?;
    let mut date_parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (
        date_parts.next()??,
        date_parts.next()??,
        date_parts.next()??,
    );
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut clock_parts = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (
        clock_parts.next()??,
        clock_parts.next()??,
        clock_parts.next()??,
    );
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second)
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    // Whole milliseconds: the first three digits of the fraction, finer ones dropped.
    let millis = &fraction[..fraction.len().min(3)];
    let millis = digits_value(millis) * 10f64.powi(3 - millis.len() as i32);
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Some(seconds as f64 * 1000.0 + millis)
}

/// The value of a run of ASCII digits (`""` is 0), read without the float parser's tables.
fn digits_value(digits: &str) -> f64 {
    digits
        .bytes()
        .fold(0.0, |value, digit| value * 10.0 + f64::from(digit - b'0'))
}

/// `12` or `1.5`: a plain decimal number, or `None` for anything else (signs, exponents,
/// words).
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    Some(digits_value(whole) + digits_value(fraction) / 10f64.powi(fraction.len() as i32))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The UTC date of epoch milliseconds, `2026-11-22` (the inverse of `days_from_civil`).
pub fn iso_date(ms: f64) -> String {
    let days = (ms / DAY_MS).floor() as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The age shown next to an invitation.
pub fn age_label(sent_at_ms: f64, now_ms: f64) -> String {
    let days = ((now_ms - sent_at_ms) / DAY_MS).max(0.0);
    let (count, unit) = match days {
        d if d < 1.0 => return "today".into(),
        d if d < 2.0 => return "yesterday".into(),
        d if d < WEEK_DAYS => (d, "day"),
        d if d < MONTH_DAYS => (d / WEEK_DAYS, "week"),
        d if d < YEAR_DAYS => (d / MONTH_DAYS, "month"),
        d => (d / YEAR_DAYS, "year"),
    };
    let count = count.floor() as u64;
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

/// A wait in words: "45 seconds", "10 minutes", "3 days".
pub fn wait_words(seconds: u32) -> String {
    match seconds {
        0..=1 => "a second".into(),
        2..=119 => format!("{} seconds", seconds),
        120..=7199 => format!("{} minutes", seconds.div_ceil(60)),
        7200..=172_799 => format!("{} hours", seconds.div_ceil(3600)),
        _ => format!("{} days", seconds.div_ceil(86_400)),
    }
}

/// The later of two times, either of which may be unknown.
pub fn later(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// When a list was last checked: "checked just now", "checked 5 minutes ago", "checked 3 hours
/// ago", then days as `age_label` counts them.
pub fn checked_label(checked_at_ms: f64, now_ms: f64) -> String {
    let minutes = ((now_ms - checked_at_ms) / 60_000.0).max(0.0).floor() as u64;
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    match minutes {
        0 => "checked just now".into(),
        1..=59 => format!("checked {minutes} minute{} ago", plural(minutes)),
        60..=1439 => format!("checked {} hour{} ago", minutes / 60, plural(minutes / 60)),
        _ => format!("checked {}", age_label(checked_at_ms, now_ms)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait_words(1), "a second");
        assert_eq!(wait_words(45), "45 seconds");
        assert_eq!(wait_words(600), "10 minutes");
        assert_eq!(wait_words(43_200), "12 hours");
        assert_eq!(wait_words(3 * 86_400), "3 days");
    }

    #[test]
    fn a_check_is_told_in_minutes_then_hours_then_days() {
        let minute = 60_000.0;
        assert_eq!(checked_label(0.0, 30_000.0), "checked just now");
        assert_eq!(checked_label(0.0, minute), "checked 1 minute ago");
        assert_eq!(checked_label(0.0, 14.9 * minute), "checked 14 minutes ago");
        assert_eq!(checked_label(0.0, 120.0 * minute), "checked 2 hours ago");
        assert_eq!(checked_label(0.0, 3.0 * DAY_MS), "checked 3 days ago");
        assert_eq!(
            checked_label(5.0 * minute, 0.0),
            "checked just now",
            "a clock that went back"
        );
    }

    #[test]
    fn dates_are_written_as_iso_days_and_read_back() {
        for date in [
            "1970-01-01",
            "2000-02-29",
            "2026-11-22",
            "2026-12-31",
            "2100-03-01",
        ] {
            let ms = parse_iso_ms(&format!("{date}T23:59:59Z")).unwrap();
            assert_eq!(iso_date(ms), date);
            assert_eq!(iso_date(ms - 86_399_000.0), date);
        }
    }

    #[test]
    fn iso_times_from_unipile_become_epoch_milliseconds() {
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_iso_ms("2026-05-01T13:32:38.772Z"),
            Some(1_777_642_358_772.0)
        );
        assert_eq!(
            parse_iso_ms("2024-02-29T00:00:00+00:00"),
            Some(1_709_164_800_000.0)
        );
        for bad in [
            "",
            "2026-05-01",
            "2026-13-01T00:00:00Z",
            "2026-05-01T25:00:00Z",
            "2026-05-01T13:32:38+02:00",
            "yesterday",
            "2026-05-01T13:32:38.7x2Z",
        ] {
            assert_eq!(parse_iso_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn fractions_of_a_second_are_cut_to_whole_milliseconds() {
        assert_eq!(parse_iso_ms("1970-01-01T00:00:01.5Z"), Some(1500.0));
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.07Z"), Some(70.0));
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.0019999Z"), Some(1.0));
        assert_eq!(parse_iso_ms("1970-01-01T00:00:00.Z"), Some(0.0));
    }

    #[test]
    fn plain_decimals_are_read_and_nothing_else() {
        assert_eq!(parse_decimal("12"), Some(12.0));
        assert_eq!(parse_decimal("1.5"), Some(1.5));
        assert_eq!(parse_decimal("0.25"), Some(0.25));
        for text in ["", ".", "-1", "+1", "1e3", "inf", "NaN", "1.2.3", "soon"] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn reads_linkedin_short_forms() {
        assert_eq!(parse_relative_ms("45m"), Some(45.0 * 60_000.0));
        assert_eq!(parse_relative_ms("3h"), Some(3.0 * HOUR_MS));
        assert_eq!(parse_relative_ms("1d"), Some(DAY_MS));
        assert_eq!(parse_relative_ms("2w"), Some(14.0 * DAY_MS));
        assert_eq!(parse_relative_ms("3mo"), Some(84.0 * DAY_MS));
        assert_eq!(parse_relative_ms("1yr"), Some(365.0 * DAY_MS));
    }

    #[test]
    fn reads_long_forms() {
        assert_eq!(parse_relative_ms("Sent yesterday"), Some(DAY_MS));
        assert_eq!(parse_relative_ms("Sent today"), Some(0.0));
        assert_eq!(parse_relative_ms("3 months ago"), Some(84.0 * DAY_MS));
        assert_eq!(parse_relative_ms("Sent 2 weeks ago"), Some(14.0 * DAY_MS));
        assert_eq!(parse_relative_ms("1 week ago"), Some(7.0 * DAY_MS));
        assert_eq!(parse_relative_ms("a month ago"), Some(28.0 * DAY_MS));
        assert_eq!(parse_relative_ms("an hour ago"), Some(HOUR_MS));
    }

    #[test]
    fn a_sending_time_before_linkedin_ahead_of_now_or_decades_old_is_unknown() {
        let now = parse_iso_ms("2026-12-07T12:00:00Z").unwrap();
        let at = |text: &str| believable_sent_at(parse_iso_ms(text).unwrap(), now);
        assert_eq!(
            at("2026-12-01T00:00:00Z"),
            parse_iso_ms("2026-12-01T00:00:00Z")
        );
        assert!(at("2007-01-01T00:00:00Z").is_some());
        assert!(
            at("2026-12-08T11:00:00Z").is_some(),
            "clocks a little apart"
        );
        assert_eq!(at("2002-12-31T23:59:59Z"), None);
        assert_eq!(at("1970-01-01T00:00:00Z"), None);
        assert_eq!(at("2026-12-08T12:00:01Z"), None);
        assert_eq!(at("9999-12-31T00:00:00Z"), None);
        let future = parse_iso_ms("2050-01-01T00:00:00Z").unwrap();
        assert_eq!(believable_sent_at(now, future), None, "20 years and more");
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            assert_eq!(believable_sent_at(bad, now), None);
        }
    }

    #[test]
    fn rejects_what_is_not_a_relative_time() {
        for text in [
            "",
            "ago",
            "soon",
            "3 fortnights ago",
            "2026-11-01",
            "d",
            "-3d",
            "a",
            "an ago",
        ] {
            assert_eq!(parse_relative_ms(text), None, "{text}");
        }
    }

    #[test]
    fn labels_ages_in_the_largest_whole_unit() {
        let now = 1_800_000_000_000.0;
        let ago = |days: f64| age_label(now - days * DAY_MS, now);
        assert_eq!(ago(0.2), "today");
        assert_eq!(ago(1.5), "yesterday");
        assert_eq!(ago(3.0), "3 days ago");
        assert_eq!(ago(7.0), "1 week ago");
        assert_eq!(ago(20.0), "2 weeks ago");
        assert_eq!(ago(95.0), "3 months ago");
        assert_eq!(ago(400.0), "1 year ago");
        assert_eq!(ago(800.0), "2 years ago");
        assert_eq!(ago(-5.0), "today", "a clock skew is not a negative age");
    }
}
