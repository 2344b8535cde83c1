//! The virtual clock shared by every emulated API, and the wire format of its timestamps.

use time::{format_description::well_known::Rfc3339, OffsetDateTime, UtcOffset};

/// "Now" for the whole emulator. It is frozen when the scenario loads so that ages and
/// timestamps are reproducible within a run; the control API will move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VirtualClock {
    now: OffsetDateTime,
}

impl VirtualClock {
    /// A clock stopped at `now`, kept in UTC.
    pub fn at(now: OffsetDateTime) -> Self {
        Self {
            now: now.checked_to_offset(UtcOffset::UTC).unwrap_or(now),
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    /// Moves the clock by `by` (negative goes back); `None` when out of range.
    pub fn advance(&mut self, by: time::Duration) -> Option<OffsetDateTime> {
        self.now = self.now.checked_add(by)?;
        Some(self.now)
    }
}

/// Parses an RFC 3339 timestamp into UTC. Errors name the input so scenario authors can find it.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| format!("\"{text}\" is not an RFC 3339 timestamp ({e})"))?
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| format!("\"{text}\" is out of range once converted to UTC"))
}

/// `YYYY-MM-DDTHH:MM:SSZ`: UTC, no fractional seconds, as in every provider example.
/// Written by hand because it cannot fail, unlike `time`'s formatter.
pub fn iso_utc(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The HTTP `Date` header for `t` (IMF-fixdate, RFC 9110 §5.6.7): the provider's own clock, which
/// the extension reads to count its caps. Written by hand for the same reason as `iso_utc`.
pub fn http_date(t: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.checked_to_offset(UtcOffset::UTC).unwrap_or(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[usize::from(t.weekday().number_days_from_monday())],
        t.day(),
        MONTHS[usize::from(u8::from(t.month()) - 1)],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
