//! How old an invitation is: reading the relative times providers send ("2w", "Sent yesterday",
//! "3 months ago") and writing an age for people ("3 days ago").

pub const HOUR_MS: f64 = 3_600_000.0;
pub const DAY_MS: f64 = 24.0 * HOUR_MS;
const WEEK_DAYS: f64 = 7.0;
/// Calendar months and years averaged: ages are shown in whole units, so this is exact enough.
const MONTH_DAYS: f64 = 30.0;
const YEAR_DAYS: f64 = 365.0;

/// Milliseconds ago described by a provider's relative text, or `None` when it is not one.
/// Accepts LinkedIn's short forms (`45m`, `3h`, `1d`, `2w`, `3mo`, `1yr`) and long forms with
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
        (
            text[..digits_end].parse::<f64>().ok()?,
            text[digits_end..].trim(),
        )
    };
    let unit_ms = match unit.trim_end_matches('s') {
        "m" | "min" | "minute" => 60_000.0,
        "h" | "hr" | "hour" => HOUR_MS,
        "d" | "day" => DAY_MS,
        "w" | "wk" | "week" => WEEK_DAYS * DAY_MS,
        "mo" | "month" => MONTH_DAYS * DAY_MS,
        "y" | "yr" | "year" => YEAR_DAYS * DAY_MS,
        _ => return None,
    };
    Some(number * unit_ms)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_linkedin_short_forms() {
        assert_eq!(parse_relative_ms("45m"), Some(45.0 * 60_000.0));
        assert_eq!(parse_relative_ms("3h"), Some(3.0 * HOUR_MS));
        assert_eq!(parse_relative_ms("1d"), Some(DAY_MS));
        assert_eq!(parse_relative_ms("2w"), Some(14.0 * DAY_MS));
        assert_eq!(parse_relative_ms("3mo"), Some(90.0 * DAY_MS));
        assert_eq!(parse_relative_ms("1yr"), Some(365.0 * DAY_MS));
    }

    #[test]
    fn reads_long_forms() {
        assert_eq!(parse_relative_ms("Sent yesterday"), Some(DAY_MS));
        assert_eq!(parse_relative_ms("Sent today"), Some(0.0));
        assert_eq!(parse_relative_ms("3 months ago"), Some(90.0 * DAY_MS));
        assert_eq!(parse_relative_ms("Sent 2 weeks ago"), Some(14.0 * DAY_MS));
        assert_eq!(parse_relative_ms("1 week ago"), Some(7.0 * DAY_MS));
        assert_eq!(parse_relative_ms("a month ago"), Some(30.0 * DAY_MS));
        assert_eq!(parse_relative_ms("an hour ago"), Some(HOUR_MS));
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
