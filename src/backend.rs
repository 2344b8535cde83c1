//! The service worker's commands: refresh every account into the snapshot, set the badge from
//! it, keep the polling alarm, answer the popup's intents. The worker can stop at any moment, so
//! every command reads what it needs from storage and writes its result back.

use crate::browser;
use crate::client;
use crate::error::{Error, ErrorKind};
use crate::model::{Account, Direction, Invitation, ProviderKind, Settings};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const REFRESH_ALARM: &str = "refresh";

/// What the popup shows, as stored under `snapshot`: per account the last list that was
/// fetched, and the error of the last refresh if it failed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub accounts: Vec<AccountSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    pub id: String,
    pub label: String,
    pub provider: Option<ProviderKind>,
    pub received: Vec<Invitation>,
    /// When `received` was fetched; `None` if it never was.
    pub fetched_at_ms: Option<f64>,
    pub error: Option<Error>,
}

/// What the toolbar icon shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub text: String,
    pub color: &'static str,
    pub title: String,
}

const BADGE_BLUE: &str = "#0A66C2";
const BADGE_RED: &str = "#D93025";

/// Intents the popup sends over runtime messaging.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Intent {
    Refresh,
}

/// The storage keys the backend reads, each kept as raw JSON until it is decoded on its own, so
/// one damaged value cannot hide the others.
#[derive(Deserialize, Default)]
struct Stored<'a> {
    #[serde(borrow)]
    accounts: Option<&'a RawValue>,
    #[serde(borrow)]
    snapshot: Option<&'a RawValue>,
    #[serde(borrow)]
    settings: Option<&'a RawValue>,
}

/// What a damaged account entry may still tell about itself.
#[derive(Deserialize, Default)]
struct AccountName {
    id: Option<String>,
    label: Option<String>,
}

/// `raw` decoded, or the default when it is absent or no longer reads (a cache or settings
/// written by an older version).
fn decode_or_default<T: DeserializeOwned + Default>(raw: Option<&RawValue>) -> T {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

/// Splits the stored `accounts` list into usable accounts and, for entries that cannot be read,
/// snapshot entries that say so: a damaged entry is shown, never silently skipped.
pub fn read_accounts(stored: Option<&RawValue>) -> (Vec<Account>, Vec<AccountSnapshot>) {
    let mut accounts = Vec::new();
    let mut unreadable = Vec::new();
    let entries: Vec<&RawValue> = stored
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    for (index, entry) in entries.into_iter().enumerate() {
        match serde_json::from_str::<Account>(entry.get()) {
            Ok(account) => accounts.push(account),
            Err(_) => {
                let name: AccountName = decode_or_default(Some(entry));
                unreadable.push(AccountSnapshot {
                    id: name.id.unwrap_or_else(|| format!("stored-account-{index}")),
                    label: name
                        .label
                        .unwrap_or_else(|| format!("Account {}", index + 1)),
                    provider: None,
                    received: Vec::new(),
                    fetched_at_ms: None,
                    error: Some(Error::invalid_input(
                        "Account",
                        "this account's settings are incomplete; open Options and save it again",
                    )),
                });
            }
        }
    }
    (accounts, unreadable)
}

/// The snapshot after a refresh. An account whose refresh failed keeps its last list (so
/// nothing disappears from view) together with the error.
pub fn next_snapshot(
    previous: &Snapshot,
    accounts: &[Account],
    results: Vec<Result<Vec<Invitation>, Error>>,
    unreadable: Vec<AccountSnapshot>,
    now_ms: f64,
) -> Snapshot {
    let refreshed = accounts.iter().zip(results).map(|(account, result)| {
        let last = previous
            .accounts
            .iter()
            .find(|entry| entry.id == account.id);
        let (received, fetched_at_ms, error) = match result {
            Ok(received) => (newest_first(received), Some(now_ms), None),
            Err(error) => (
                last.map(|entry| entry.received.clone()).unwrap_or_default(),
                last.and_then(|entry| entry.fetched_at_ms),
                Some(error),
            ),
        };
        AccountSnapshot {
            id: account.id.clone(),
            label: account.label.clone(),
            provider: Some(account.provider),
            received,
            fetched_at_ms,
            error,
        }
    });
    Snapshot {
        accounts: refreshed.chain(unreadable).collect(),
    }
}

/// Invitations of unknown age go last.
fn newest_first(mut invitations: Vec<Invitation>) -> Vec<Invitation> {
    let age_key = |invitation: &Invitation| invitation.sent_at_ms.unwrap_or(f64::NEG_INFINITY);
    invitations.sort_by(|a, b| age_key(b).total_cmp(&age_key(a)));
    invitations
}

/// Pending received invitations over all accounts; a red `!` naming the account instead when
/// one needs the user to act (key rejected, access refused, credits gone).
pub fn badge(snapshot: &Snapshot) -> Badge {
    let blocked = snapshot.accounts.iter().find_map(|account| {
        let error = account.error.as_ref()?;
        matches!(
            error.kind,
            ErrorKind::Unauthorized | ErrorKind::Forbidden | ErrorKind::OutOfCredits
        )
        .then_some((account, error))
    });
    if let Some((account, error)) = blocked {
        return Badge {
            text: "!".into(),
            color: BADGE_RED,
            title: format!(
                "Invite Desk: {}: {} {}",
                account.label,
                error.message(),
                error.next_step()
            ),
        };
    }
    let pending: usize = snapshot
        .accounts
        .iter()
        .map(|account| account.received.len())
        .sum();
    let text = match pending {
        0 => String::new(),
        1..=99 => pending.to_string(),
        _ => "99+".into(),
    };
    let title = match pending {
        0 => "Invite Desk: no pending invitations".into(),
        1 => "Invite Desk: 1 pending invitation".into(),
        n => format!("Invite Desk: {n} pending invitations"),
    };
    Badge {
        text,
        color: BADGE_BLUE,
        title,
    }
}

/// On install and browser start: (re)arm the polling alarm, then refresh.
pub async fn start() -> Result<Snapshot, Error> {
    let text = browser::storage_get(&["settings"]).await?;
    let stored: Stored = serde_json::from_str(&text).unwrap_or_default();
    let settings: Settings = decode_or_default(stored.settings);
    browser::create_alarm(REFRESH_ALARM, settings.poll_minutes()).await?;
    refresh().await
}

/// Fetches every account's pending invitations, stores the snapshot, sets the badge.
pub async fn refresh() -> Result<Snapshot, Error> {
    let text = browser::storage_get(&["accounts", "snapshot"]).await?;
    let stored: Stored = serde_json::from_str(&text).unwrap_or_default();
    let (accounts, unreadable) = read_accounts(stored.accounts);
    let previous: Snapshot = decode_or_default(stored.snapshot);
    let now_ms = js_sys::Date::now();
    let mut results = Vec::with_capacity(accounts.len());
    for account in &accounts {
        results.push(
            client::Client::new(account, now_ms)
                .list_all(Direction::Received)
                .await,
        );
    }
    let snapshot = next_snapshot(&previous, &accounts, results, unreadable, now_ms);
    browser::storage_set("snapshot", &snapshot).await?;
    let badge = badge(&snapshot);
    browser::set_badge(&badge.text, badge.color, &badge.title).await?;
    Ok(snapshot)
}

pub async fn handle_intent(intent: Intent) -> Result<(), Error> {
    match intent {
        Intent::Refresh => refresh().await.map(drop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Handles, Person};
    use serde_json::{json, Value};

    fn raw(value: Value) -> Box<RawValue> {
        RawValue::from_string(value.to_string()).unwrap()
    }

    fn invitation(id: &str, account: &str) -> Invitation {
        Invitation {
            id: id.into(),
            account: account.into(),
            direction: Direction::Received,
            person: Person {
                name: format!("Person {id}"),
                ..Person::default()
            },
            note: None,
            sent_at_ms: Some(1.0),
            sent_at_exact: false,
            handles: Handles::default(),
        }
    }

    fn stored_account(id: &str, label: &str) -> Value {
        json!({"id": id, "label": label, "provider": "linkup", "api_key": "k", "account_id": "acc"})
    }

    fn entry(id: &str, received: usize, error: Option<ErrorKind>) -> AccountSnapshot {
        AccountSnapshot {
            id: id.into(),
            label: format!("Label {id}"),
            provider: Some(ProviderKind::Linkup),
            received: (0..received)
                .map(|n| invitation(&n.to_string(), id))
                .collect(),
            fetched_at_ms: Some(5.0),
            error: error.map(Error::new),
        }
    }

    #[test]
    fn unreadable_accounts_are_reported_not_dropped() {
        let stored = json!([stored_account("a", "Work"), {"id": "b", "label": "Broken"}, 42]);
        let (accounts, unreadable) = read_accounts(Some(&raw(stored)));
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].label, "Work");
        assert_eq!(unreadable.len(), 2);
        assert_eq!(
            (unreadable[0].id.as_str(), unreadable[0].label.as_str()),
            ("b", "Broken")
        );
        assert_eq!(unreadable[1].label, "Account 3");
        assert_eq!(
            unreadable[1].error.as_ref().unwrap().kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(read_accounts(None).0.len(), 0);
        assert_eq!(read_accounts(Some(&raw(json!("nonsense")))).0.len(), 0);
    }

    #[test]
    fn a_failed_refresh_keeps_the_last_list_with_the_error() {
        let stored = json!([stored_account("a", "A"), stored_account("b", "B")]);
        let (accounts, _) = read_accounts(Some(&raw(stored)));
        let previous = Snapshot {
            accounts: vec![
                entry("a", 3, None),
                entry("b", 2, None),
                entry("gone", 9, None),
            ],
        };
        let mut older = invitation("older", "a");
        older.sent_at_ms = Some(1.0);
        let mut undated = invitation("undated", "a");
        undated.sent_at_ms = None;
        let mut newer = invitation("newer", "a");
        newer.sent_at_ms = Some(9.0);
        let results = vec![
            Ok(vec![older, undated, newer]),
            Err(Error::new(ErrorKind::Timeout)),
        ];
        let next = next_snapshot(&previous, &accounts, results, Vec::new(), 100.0);
        assert_eq!(
            next.accounts.len(),
            2,
            "removed accounts leave the snapshot"
        );
        let order: Vec<&str> = next.accounts[0]
            .received
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(
            order,
            ["newer", "older", "undated"],
            "newest first, undated last"
        );
        assert_eq!(next.accounts[0].fetched_at_ms, Some(100.0));
        assert_eq!(next.accounts[0].error, None);
        assert_eq!(next.accounts[1].received.len(), 2, "last list kept");
        assert_eq!(next.accounts[1].fetched_at_ms, Some(5.0));
        assert_eq!(
            next.accounts[1].error.as_ref().unwrap().kind,
            ErrorKind::Timeout
        );
    }

    #[test]
    fn badge_counts_received_over_all_accounts() {
        let snapshot = |entries| Snapshot { accounts: entries };
        assert_eq!(badge(&snapshot(vec![])).text, "");
        assert_eq!(badge(&snapshot(vec![entry("a", 0, None)])).text, "");
        let two = badge(&snapshot(vec![entry("a", 7, None), entry("b", 5, None)]));
        assert_eq!((two.text.as_str(), two.color), ("12", BADGE_BLUE));
        assert_eq!(two.title, "Invite Desk: 12 pending invitations");
        assert_eq!(badge(&snapshot(vec![entry("a", 99, None)])).text, "99");
        assert_eq!(
            badge(&snapshot(vec![entry("a", 60, None), entry("b", 40, None)])).text,
            "99+"
        );
    }

    #[test]
    fn badge_turns_red_when_an_account_needs_the_user() {
        let snapshot = Snapshot {
            accounts: vec![
                entry("a", 4, None),
                entry("b", 2, Some(ErrorKind::Unauthorized)),
            ],
        };
        let badge = badge(&snapshot);
        assert_eq!((badge.text.as_str(), badge.color), ("!", BADGE_RED));
        assert!(badge.title.contains("Label b"), "{}", badge.title);
        assert!(
            badge.title.contains("API key was rejected"),
            "{}",
            badge.title
        );
    }

    #[test]
    fn passing_errors_do_not_hide_the_count() {
        let snapshot = Snapshot {
            accounts: vec![
                entry("a", 4, Some(ErrorKind::Timeout)),
                entry("b", 2, Some(ErrorKind::Network)),
            ],
        };
        assert_eq!(badge(&snapshot).text, "6");
    }

    #[test]
    fn snapshot_round_trips_through_storage_json() {
        let snapshot = Snapshot {
            accounts: vec![entry("a", 2, Some(ErrorKind::RateLimited))],
        };
        let stored = serde_json::to_value(&snapshot).unwrap();
        assert_eq!(stored["accounts"][0]["error"]["code"], "rate_limited");
        assert_eq!(
            serde_json::from_value::<Snapshot>(stored).unwrap(),
            snapshot
        );
    }

    #[test]
    fn intents_are_read_from_plain_messages() {
        assert!(matches!(
            serde_json::from_value(json!({"type": "refresh"})),
            Ok(Intent::Refresh)
        ));
        assert!(serde_json::from_value::<Intent>(json!({"type": "format_disk"})).is_err());
    }
}
