//! What the popup shows and the badge counts, as stored: every pending invitation of every
//! account in one list per direction, newest first, with each account's last error. The popup
//! paints `first_screen()` (stored apart, small) before it reads the rest. Pure: `backend.rs`
//! fetches, reads and writes.

use crate::error::{Error, ErrorKind};
use crate::model::{Account, Direction, Invitation, Plan, ProviderKind};
use serde::{Deserialize, Serialize};

/// Rows per direction in the first screen: two popup heights; the rest comes after first paint.
pub const FIRST_SCREEN_ROWS: usize = 12;

/// How long an invitation acted on stays out of fetched lists: a provider may list it for a
/// while after the action, and a refresh that started before the action brings it back.
pub const HANDLED_MEMORY_MS: f64 = 10.0 * 60.0 * 1000.0;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    pub accounts: Vec<AccountStatus>,
    /// How many invitations there are, also when `received`/`sent` hold only the first screen.
    pub received_count: usize,
    pub sent_count: usize,
    pub received: Vec<Invitation>,
    pub sent: Vec<Invitation>,
    pub handled: Vec<Handled>,
    /// When the last refresh of every account ended.
    pub refreshed_at_ms: Option<f64>,
}

/// One account as the popup needs it: never its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub id: String,
    pub label: String,
    /// `None` when the stored account cannot be read.
    pub provider: Option<ProviderKind>,
    pub plan: Plan,
    /// When its lists were last fetched; `None` if they never were.
    pub fetched_at_ms: Option<f64>,
    pub error: Option<Error>,
}

impl AccountStatus {
    pub fn of(account: &Account) -> Self {
        AccountStatus {
            id: account.id.clone(),
            label: account.label.clone(),
            provider: Some(account.provider),
            plan: account.plan,
            fetched_at_ms: None,
            error: None,
        }
    }
}

/// An invitation acted on at `at_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handled {
    pub account: String,
    pub id: String,
    pub at_ms: f64,
}

/// One account's refresh: each direction fetched (`Some`) or left as it was (`None`).
#[derive(Debug, Default)]
pub struct Fetched {
    pub received: Option<Result<Vec<Invitation>, Error>>,
    pub sent: Option<Result<Vec<Invitation>, Error>>,
}

/// What the toolbar icon shows; stored as `badge` for the worker to set on wake.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Badge {
    pub text: String,
    pub color: &'static str,
    pub title: String,
}

pub const BADGE_BLUE: &str = "#0A66C2";
pub const BADGE_RED: &str = "#D93025";

impl Snapshot {
    /// The snapshot after refreshing `accounts`. A list that failed to load keeps its last
    /// version (nothing vanishes from view) and the account carries the error; removed accounts
    /// leave; `unreadable` are stored accounts that could not be read.
    pub fn refreshed(
        &self,
        accounts: &[Account],
        fetched: Vec<Fetched>,
        unreadable: Vec<AccountStatus>,
        now_ms: f64,
    ) -> Snapshot {
        let mut received = Vec::new();
        let mut sent = Vec::new();
        let mut statuses = Vec::new();
        for (account, fetched) in accounts.iter().zip(fetched) {
            let last = self.accounts.iter().find(|status| status.id == account.id);
            let mut status = AccountStatus::of(account);
            let mut error = None;
            let mut fetched_any = false;
            for (result, previous, into) in [
                (fetched.received, &self.received, &mut received),
                (fetched.sent, &self.sent, &mut sent),
            ] {
                match result {
                    Some(Ok(fresh)) => {
                        into.extend(fresh);
                        fetched_any = true;
                    }
                    failed_or_not_fetched => {
                        if let Some(Err(failure)) = failed_or_not_fetched {
                            error.get_or_insert(failure);
                        }
                        into.extend(of_account(previous, &account.id));
                    }
                }
            }
            let untouched = !fetched_any && error.is_none();
            status.fetched_at_ms = match last {
                _ if fetched_any && error.is_none() => Some(now_ms),
                Some(last) => last.fetched_at_ms,
                None => None,
            };
            status.error = match last {
                Some(last) if untouched => last.error.clone(),
                _ => error,
            };
            statuses.push(status);
        }
        statuses.extend(unreadable);
        let handled: Vec<Handled> = self
            .handled
            .iter()
            .filter(|handled| now_ms - handled.at_ms < HANDLED_MEMORY_MS)
            .cloned()
            .collect();
        let keep = |invitation: &Invitation| {
            !handled
                .iter()
                .any(|h| h.account == invitation.account && h.id == invitation.id)
        };
        received.retain(keep);
        sent.retain(keep);
        Snapshot {
            accounts: statuses,
            received_count: received.len(),
            sent_count: sent.len(),
            received: newest_first(received),
            sent: newest_first(sent),
            handled,
            refreshed_at_ms: Some(now_ms),
        }
    }

    /// After an action took effect, or the provider said the invitation is gone: it leaves its
    /// list and stays out of lists fetched in the next minutes.
    pub fn without(&mut self, account: &str, id: &str, now_ms: f64) {
        for list in [&mut self.received, &mut self.sent] {
            list.retain(|invitation| !(invitation.account == account && invitation.id == id));
        }
        self.received_count = self.received.len();
        self.sent_count = self.sent.len();
        self.handled
            .retain(|h| now_ms - h.at_ms < HANDLED_MEMORY_MS);
        self.handled.push(Handled {
            account: account.into(),
            id: id.into(),
            at_ms: now_ms,
        });
    }

    /// A new sent invitation, in its place by age.
    pub fn with_sent(&mut self, invitation: Invitation) {
        self.sent
            .retain(|known| !(known.account == invitation.account && known.id == invitation.id));
        self.sent.push(invitation);
        self.sent = newest_first(std::mem::take(&mut self.sent));
        self.sent_count = self.sent.len();
    }

    pub fn find(&self, direction: Direction, account: &str, id: &str) -> Option<&Invitation> {
        let list = match direction {
            Direction::Received => &self.received,
            Direction::Sent => &self.sent,
        };
        list.iter()
            .find(|invitation| invitation.account == account && invitation.id == id)
    }

    /// The part the popup paints before anything else: the counts, the accounts and the first
    /// rows of each list.
    pub fn first_screen(&self) -> Snapshot {
        let first = |list: &[Invitation]| list.iter().take(FIRST_SCREEN_ROWS).cloned().collect();
        Snapshot {
            accounts: self.accounts.clone(),
            received_count: self.received_count,
            sent_count: self.sent_count,
            received: first(&self.received),
            sent: first(&self.sent),
            handled: Vec::new(),
            refreshed_at_ms: self.refreshed_at_ms,
        }
    }

    /// Pending received invitations over all accounts; a red `!` naming the account instead
    /// when one needs the user to act (key rejected, access refused, credits gone).
    pub fn badge(&self) -> Badge {
        let blocked = self.accounts.iter().find_map(|account| {
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
        let pending = self.received_count;
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
}

fn of_account<'a>(
    list: &'a [Invitation],
    account: &'a str,
) -> impl Iterator<Item = Invitation> + 'a {
    list.iter()
        .filter(move |invitation| invitation.account == account)
        .cloned()
}

/// Newest first; invitations of unknown age last; otherwise the provider's order.
pub fn newest_first(mut invitations: Vec<Invitation>) -> Vec<Invitation> {
    let age_key = |invitation: &Invitation| invitation.sent_at_ms.unwrap_or(f64::NEG_INFINITY);
    invitations.sort_by(|a, b| age_key(b).total_cmp(&age_key(a)));
    invitations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApiKey, Handles, Person};

    fn invitation(id: &str, account: &str, direction: Direction, sent_at: f64) -> Invitation {
        Invitation {
            id: id.into(),
            account: account.into(),
            direction,
            person: Person {
                name: format!("Person {id}"),
                ..Person::default()
            },
            note: None,
            sent_at_ms: Some(sent_at),
            sent_at_exact: false,
            handles: Handles::default(),
        }
    }

    fn received(id: &str, account: &str, sent_at: f64) -> Invitation {
        invitation(id, account, Direction::Received, sent_at)
    }

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            label: format!("Label {id}"),
            provider: ProviderKind::Linkup,
            api_key: ApiKey::new("k"),
            account_id: "acc".into(),
            base_url: String::new(),
            plan: Plan::Free,
        }
    }

    fn ids(list: &[Invitation]) -> Vec<&str> {
        list.iter().map(|i| i.id.as_str()).collect()
    }

    fn ok(list: Vec<Invitation>) -> Option<Result<Vec<Invitation>, Error>> {
        Some(Ok(list))
    }

    fn both(received: Vec<Invitation>) -> Fetched {
        Fetched {
            received: ok(received),
            sent: ok(Vec::new()),
        }
    }

    #[test]
    fn lists_of_all_accounts_merge_newest_first_with_undated_last() {
        let mut undated = received("undated", "a", 0.0);
        undated.sent_at_ms = None;
        let fetched = vec![
            both(vec![received("a1", "a", 5.0), undated]),
            both(vec![received("b1", "b", 9.0), received("b2", "b", 1.0)]),
        ];
        let next = Snapshot::default().refreshed(
            &[account("a"), account("b")],
            fetched,
            Vec::new(),
            100.0,
        );
        assert_eq!(ids(&next.received), ["b1", "a1", "b2", "undated"]);
        assert_eq!(next.received_count, 4);
        assert_eq!(next.accounts[1].fetched_at_ms, Some(100.0));
        assert_eq!(next.refreshed_at_ms, Some(100.0));
    }

    #[test]
    fn a_failed_list_keeps_its_last_version_and_the_error() {
        let before = Snapshot::default().refreshed(
            &[account("a"), account("b"), account("gone")],
            vec![
                both(vec![received("a1", "a", 1.0)]),
                both(vec![received("b1", "b", 2.0)]),
                both(vec![received("g1", "gone", 3.0)]),
            ],
            Vec::new(),
            50.0,
        );
        let failed = Fetched {
            received: Some(Err(Error::new(ErrorKind::Timeout))),
            sent: ok(Vec::new()),
        };
        let next = before.refreshed(
            &[account("a"), account("b")],
            vec![both(vec![received("a2", "a", 4.0)]), failed],
            Vec::new(),
            100.0,
        );
        assert_eq!(ids(&next.received), ["a2", "b1"], "b1 kept, gone's left");
        assert_eq!(next.accounts.len(), 2);
        assert_eq!(next.accounts[1].fetched_at_ms, Some(50.0));
        assert_eq!(
            next.accounts[1].error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Timeout)
        );
        assert_eq!(next.accounts[0].error, None);
    }

    #[test]
    fn a_direction_not_fetched_stays_as_it_was_with_its_error() {
        let before = Snapshot {
            sent: vec![invitation("s1", "a", Direction::Sent, 1.0)],
            accounts: vec![AccountStatus {
                error: Some(Error::new(ErrorKind::Unauthorized)),
                ..AccountStatus::of(&account("a"))
            }],
            ..Snapshot::default()
        };
        let received_only = Fetched {
            received: Some(Err(Error::new(ErrorKind::Unauthorized))),
            sent: None,
        };
        let next = before.refreshed(&[account("a")], vec![received_only], Vec::new(), 9.0);
        assert_eq!(ids(&next.sent), ["s1"]);
        assert_eq!(next.sent_count, 1);
        assert_eq!(
            next.accounts[0].error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Unauthorized)
        );
    }

    #[test]
    fn an_invitation_acted_on_stays_gone_from_lists_fetched_soon_after() {
        let mut snapshot = Snapshot::default().refreshed(
            &[account("a")],
            vec![both(vec![received("1", "a", 2.0), received("2", "a", 1.0)])],
            Vec::new(),
            0.0,
        );
        snapshot.without("a", "1", 1_000.0);
        assert_eq!(ids(&snapshot.received), ["2"]);
        assert_eq!(snapshot.received_count, 1);
        // A list fetched before the accept reached the provider still holds it.
        let stale = vec![both(vec![received("1", "a", 2.0), received("2", "a", 1.0)])];
        let next = snapshot.refreshed(&[account("a")], stale, Vec::new(), 2_000.0);
        assert_eq!(ids(&next.received), ["2"]);
        // Long after, the provider's list is believed again.
        let later = vec![both(vec![received("1", "a", 2.0)])];
        let much_later = next.refreshed(
            &[account("a")],
            later,
            Vec::new(),
            1_000.0 + HANDLED_MEMORY_MS,
        );
        assert_eq!(ids(&much_later.received), ["1"]);
        assert!(much_later.handled.is_empty());
    }

    #[test]
    fn a_new_sent_invitation_goes_in_by_age() {
        let mut snapshot = Snapshot::default();
        snapshot.with_sent(invitation("old", "a", Direction::Sent, 1.0));
        snapshot.with_sent(invitation("new", "a", Direction::Sent, 5.0));
        snapshot.with_sent(invitation("new", "a", Direction::Sent, 5.0));
        assert_eq!(ids(&snapshot.sent), ["new", "old"]);
        assert_eq!(snapshot.sent_count, 2);
        assert!(snapshot.find(Direction::Sent, "a", "old").is_some());
        assert!(snapshot.find(Direction::Received, "a", "old").is_none());
        assert!(snapshot.find(Direction::Sent, "b", "old").is_none());
    }

    #[test]
    fn the_first_screen_holds_the_counts_and_the_first_rows() {
        let many = (0..60)
            .map(|n| received(&n.to_string(), "a", f64::from(n)))
            .collect();
        let snapshot =
            Snapshot::default().refreshed(&[account("a")], vec![both(many)], Vec::new(), 1.0);
        let first = snapshot.first_screen();
        assert_eq!(first.received.len(), FIRST_SCREEN_ROWS);
        assert_eq!(first.received_count, 60);
        assert_eq!(first.received[0].id, "59");
        assert_eq!(first.accounts, snapshot.accounts);
    }

    fn with_counts(received: usize, errors: &[Option<ErrorKind>]) -> Snapshot {
        Snapshot {
            accounts: errors
                .iter()
                .enumerate()
                .map(|(n, error)| AccountStatus {
                    error: error.map(Error::new),
                    ..AccountStatus::of(&account(&n.to_string()))
                })
                .collect(),
            received_count: received,
            ..Snapshot::default()
        }
    }

    #[test]
    fn badge_counts_received_over_all_accounts() {
        assert_eq!(with_counts(0, &[]).badge().text, "");
        let twelve = with_counts(12, &[None, None]).badge();
        assert_eq!((twelve.text.as_str(), twelve.color), ("12", BADGE_BLUE));
        assert_eq!(twelve.title, "Invite Desk: 12 pending invitations");
        assert_eq!(
            with_counts(1, &[None]).badge().title,
            "Invite Desk: 1 pending invitation"
        );
        assert_eq!(with_counts(99, &[None]).badge().text, "99");
        assert_eq!(with_counts(100, &[None]).badge().text, "99+");
    }

    #[test]
    fn badge_turns_red_naming_the_account_that_needs_the_user() {
        for kind in [
            ErrorKind::Unauthorized,
            ErrorKind::Forbidden,
            ErrorKind::OutOfCredits,
        ] {
            let badge = with_counts(4, &[None, Some(kind)]).badge();
            assert_eq!((badge.text.as_str(), badge.color), ("!", BADGE_RED));
            assert!(
                badge.title.starts_with("Invite Desk: Label 1: "),
                "{}",
                badge.title
            );
        }
        let passing = with_counts(6, &[Some(ErrorKind::Timeout), Some(ErrorKind::Network)]);
        assert_eq!(
            passing.badge().text,
            "6",
            "passing errors do not hide the count"
        );
    }

    #[test]
    fn snapshot_round_trips_through_storage_json() {
        let mut snapshot = with_counts(0, &[Some(ErrorKind::RateLimited)]);
        snapshot.without("0", "x", 3.0);
        let stored = serde_json::to_value(&snapshot).unwrap();
        assert_eq!(stored["accounts"][0]["error"]["code"], "rate_limited");
        assert_eq!(
            serde_json::from_value::<Snapshot>(stored).unwrap(),
            snapshot
        );
        let older: Snapshot = serde_json::from_str(r#"{"accounts": []}"#).unwrap();
        assert_eq!(older, Snapshot::default());
    }
}
