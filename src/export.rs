//! CSV for a spreadsheet: the current list (name, headline, profile URL, direction, sent date, or
//! age when the provider only gave one, and account label), and what became of the invitations
//! the stats count. Accounts contribute their label
//! only, so no key can reach the file; provider text that a spreadsheet would run as a formula
//! is written as text.

use crate::age::{age_label, iso_date};
use crate::model::{Direction, Invitation};
use crate::snapshot::AccountStatus;
use crate::stats::AccountStats;

const HEADER: &str = "Name,Headline,Profile URL,Direction,Sent,Account";
const STATS_HEADER: &str = "Account,Name,Profile URL,Sent,Note,Outcome,Ended";

pub fn list_csv(invitations: &[Invitation], accounts: &[AccountStatus], now_ms: f64) -> String {
    let mut csv = String::from(HEADER);
    csv.push_str("\r\n");
    for invitation in invitations {
        let person = &invitation.person;
        let sent = match invitation.sent_at_ms {
            Some(ms) if invitation.sent_at_exact => iso_date(ms),
            Some(ms) => age_label(ms, now_ms),
            None => String::new(),
        };
        let direction = match invitation.direction {
            Direction::Received => "received",
            Direction::Sent => "sent",
        };
        let account = accounts
            .iter()
            .find(|account| account.id == invitation.account)
            .map_or("", |account| account.label.as_str());
        let fields = [
            person.name.as_str(),
            person.headline.as_deref().unwrap_or_default(),
            person.profile_url.as_deref().unwrap_or_default(),
            direction,
            &sent,
            account,
        ];
        push_row(&mut csv, &fields);
    }
    csv
}

/// What became of the invitations counted in the stats, one row each, oldest first; dates in
/// the page's time zone, `utc_offset_minutes` ahead of UTC.
pub fn stats_csv(accounts: &[(&str, &AccountStats)], utc_offset_minutes: f64) -> String {
    let mut csv = String::from(STATS_HEADER);
    csv.push_str("\r\n");
    let date = |ms: f64| iso_date(ms + utc_offset_minutes * 60_000.0);
    for (label, stats) in accounts {
        for tracked in &stats.tracked {
            let note = match tracked.note {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            };
            let ended = tracked.ended_at_ms.map(date).unwrap_or_default();
            push_row(
                &mut csv,
                &[
                    label,
                    &tracked.name,
                    tracked.profile_url.as_deref().unwrap_or_default(),
                    &date(tracked.sent_at_ms),
                    note,
                    tracked.outcome.words(),
                    &ended,
                ],
            );
        }
    }
    csv
}

fn push_row(csv: &mut String, fields: &[&str]) {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            csv.push(',');
        }
        push_field(csv, field);
    }
    csv.push_str("\r\n");
}

/// One field, quoted when it holds a separator, a quote or a line break (RFC 4180), and
/// prefixed with `'` when a spreadsheet would read it as a formula (OWASP's advice on CSV
/// injection).
fn push_field(csv: &mut String, field: &str) {
    let formula = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = field.contains([',', '"', '\r', '\n']) || formula;
    if quoted {
        csv.push('"');
    }
    if formula {
        csv.push('\'');
    }
    for c in field.chars() {
        if c == '"' {
            csv.push('"');
        }
        csv.push(c);
    }
    if quoted {
        csv.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Person;

    const NOW: f64 = 1_795_000_000_000.0;

    fn invitation(name: &str, headline: &str, sent_at_ms: f64, exact: bool) -> Invitation {
        Invitation {
            id: "1".into(),
            account: "acc".into(),
            direction: Direction::Sent,
            person: Person {
                name: name.into(),
                headline: Some(headline.into()),
                profile_url: Some("https://www.linkedin.com/in/jane-doe/".into()),
                ..Person::default()
            },
            note: None,
            sent_at_ms: Some(sent_at_ms),
            sent_at_exact: exact,
            handles: Default::default(),
        }
    }

    fn account(label: &str) -> AccountStatus {
        serde_json::from_value(serde_json::json!({"id": "acc", "label": label,
            "provider": "linkup", "plan": "free"}))
        .unwrap()
    }

    #[test]
    fn each_invitation_is_one_row_with_its_date_or_age() {
        let rows = [
            invitation(
                "Jane Doe",
                "CTO, Acme",
                NOW - 3.0 * crate::age::DAY_MS,
                true,
            ),
            invitation("Li Wei", "Engineer", NOW - 15.0 * crate::age::DAY_MS, false),
        ];
        let csv = list_csv(&rows, &[account("Work")], NOW);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "Jane Doe,\"CTO, Acme\",https://www.linkedin.com/in/jane-doe/,sent,2026-11-15,Work"
        );
        assert_eq!(
            lines[2],
            "Li Wei,Engineer,https://www.linkedin.com/in/jane-doe/,sent,2 weeks ago,Work"
        );
        assert_eq!((lines.len(), lines[3]), (4, ""));
    }

    #[test]
    fn hostile_text_stays_text_in_a_spreadsheet() {
        let rows = [invitation(
            "=HYPERLINK(\"https://evil.example\",\"x\")",
            "-2+3\nline \"two\"",
            NOW,
            true,
        )];
        let csv = list_csv(&rows, &[account("@work")], NOW);
        let row = csv.split_once("\r\n").unwrap().1;
        assert!(row.starts_with("\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\","));
        assert!(row.contains("\"'-2+3\nline \"\"two\"\"\""));
        assert!(row.ends_with(",\"'@work\"\r\n"));
    }

    #[test]
    fn stats_rows_say_what_became_of_each_invitation() {
        let stats: AccountStats = serde_json::from_str(
            r#"{"since_ms": 0, "tracked": [
                {"id": "1", "name": "=cmd|x", "profile_url": "https://www.linkedin.com/in/a/",
                 "sent_at_ms": 1795000000000, "note": true, "outcome": "accepted",
                 "ended_at_ms": 1795090000000},
                {"id": "2", "name": "Bo, Chen", "sent_at_ms": 1795000000000,
                 "outcome": "pending"}]}"#,
        )
        .unwrap();
        let csv = stats_csv(&[("Work", &stats)], 0.0);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], STATS_HEADER);
        assert_eq!(
            lines[1],
            "Work,\"'=cmd|x\",https://www.linkedin.com/in/a/,2026-11-18,yes,accepted,2026-11-19"
        );
        assert_eq!(lines[2], "Work,\"Bo, Chen\",,2026-11-18,,pending,");
    }
}
