//! What the popup paints first and the badge counts: the accounts with their counts and
//! errors, and the first rows of the received and sent lists of every account merged newest
//! first. The worker stores it as `view` (small, whatever the lists' size) beside the lists
//! themselves (`lists.rs`), and the badge with it. Pure: the worker reads and writes.

use crate::age::later;
use crate::error::{Error, ErrorKind};
use crate::lists::Head;
use crate::model::{Account, Direction, Invitation, Plan, ProviderKind};
use serde::{Deserialize, Serialize};

/// Rows per direction in the first screen: two popup heights; the rest comes after first paint.
pub const FIRST_SCREEN_ROWS: usize = 12;

/// The popup's first screen, stored as `view`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct View {
    pub accounts: Vec<AccountStatus>,
    /// How many invitations there are in all: the providers' counts.
    pub received_count: u64,
    pub sent_count: u64,
    /// The first rows of each direction, every account merged, newest first.
    pub received: Vec<Invitation>,
    pub sent: Vec<Invitation>,
}

/// One account as the popup needs it: never its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub id: String,
    pub label: String,
    /// `None` when the stored account cannot be read.
    pub provider: Option<ProviderKind>,
    pub plan: Plan,
    /// Its key in the limits ledger: the LinkedIn account behind it.
    pub ledger_key: Option<String>,
    /// The provider's counts; `None` before the first check.
    pub received_count: Option<u64>,
    pub sent_count: Option<u64>,
    /// When a check last found something or failed (session storage has every check).
    pub checked_at_ms: Option<f64>,
    pub error: Option<Error>,
    /// What the person should know that is no error: a provider's order the checks do not
    /// expect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

impl AccountStatus {
    pub fn of(account: &Account) -> Self {
        AccountStatus {
            id: account.id.clone(),
            label: account.label.clone(),
            provider: Some(account.provider),
            plan: account.plan,
            ledger_key: Some(crate::limits::ledger_key(account)),
            received_count: None,
            sent_count: None,
            checked_at_ms: None,
            error: None,
            notice: None,
        }
    }

    /// An account whose stored entry cannot be used, with why.
    pub fn unreadable(id: String, label: String, error: Error) -> Self {
        AccountStatus {
            id,
            label,
            provider: None,
            plan: Plan::Free,
            ledger_key: None,
            received_count: None,
            sent_count: None,
            checked_at_ms: None,
            error: Some(error),
            notice: None,
        }
    }
}

/// One list as the view needs it: its head and its first rows.
pub struct ListTop<'a> {
    pub account: &'a str,
    pub direction: Direction,
    pub head: &'a Head,
    pub rows: Vec<Invitation>,
}

/// What the toolbar icon shows; stored as `badge` for the worker to set on wake.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Badge {
    pub text: String,
    pub color: &'static str,
    pub title: String,
}

/// What the account says while its provider lists `direction` in an order the model does not
/// expect (`sync::Mode::FirstPage`).
fn unexpected_order(account: &Account, direction: Direction) -> String {
    format!(
        "{} lists these {} invitations in an order Invite Desk does not expect. Until it lists \
         them newest first again, each check reads their first page only, for what is new; \
         invitations that left the list show after a full read, at most one a day.",
        crate::providers::provider(account.provider).name,
        direction.name(),
    )
}

pub const BADGE_BLUE: &str = "#0A66C2";
pub const BADGE_RED: &str = "#D93025";

impl View {
    /// The view of `accounts` from their lists; `unreadable` are stored accounts that could not
    /// be read.
    pub fn of(accounts: &[Account], unreadable: Vec<AccountStatus>, lists: Vec<ListTop>) -> View {
        let mut view = View::default();
        let mut received = Vec::new();
        let mut sent = Vec::new();
        for account in accounts {
            let mut status = AccountStatus::of(account);
            for list in lists.iter().filter(|list| list.account == account.id) {
                let known = list.head.checked_at_ms.is_some() || list.head.total.is_some();
                let count = known.then(|| list.head.count());
                match list.direction {
                    Direction::Received => status.received_count = count,
                    Direction::Sent => status.sent_count = count,
                }
                status.checked_at_ms = later(status.checked_at_ms, list.head.checked_at_ms);
                if status.error.is_none() {
                    status.error = list.head.error.clone();
                }
                if list.head.unexpected_order_at_ms.is_some() {
                    status.notice = Some(unexpected_order(account, list.direction));
                }
            }
            view.received_count += status.received_count.unwrap_or(0);
            view.sent_count += status.sent_count.unwrap_or(0);
            view.accounts.push(status);
        }
        view.accounts.extend(unreadable);
        for list in lists {
            if accounts.iter().any(|account| account.id == list.account) {
                match list.direction {
                    Direction::Received => received.extend(list.rows),
                    Direction::Sent => sent.extend(list.rows),
                }
            }
        }
        view.received = first_rows(newest_first(received));
        view.sent = first_rows(newest_first(sent));
        view
    }

    /// Pending received invitations over all accounts; a red `!` naming the account instead
    /// when one needs the user to act (key rejected, access refused, credits gone, the browser
    /// not allowed to reach the provider).
    pub fn badge(&self) -> Badge {
        let blocked = self.accounts.iter().find_map(|account| {
            let error = account.error.as_ref()?;
            matches!(
                error.kind,
                ErrorKind::Unauthorized
                    | ErrorKind::Forbidden
                    | ErrorKind::OutOfCredits
                    | ErrorKind::NotAllowed
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

fn first_rows(mut rows: Vec<Invitation>) -> Vec<Invitation> {
    rows.truncate(FIRST_SCREEN_ROWS);
    rows
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

    fn account(id: &str) -> Account {
        Account {
            id: id.into(),
            label: format!("Label {id}"),
            provider: ProviderKind::Linkup,
            api_key: ApiKey::new("k"),
            account_id: "acc".into(),
            base_url: String::new(),
            plan: Plan::Free,
            auto_withdraw: Default::default(),
        }
    }

    fn head(total: u64, error: Option<ErrorKind>) -> Head {
        Head {
            total: Some(total),
            checked_at_ms: Some(7.0),
            error: error.map(Error::new),
            ..Head::default()
        }
    }

    fn ids(list: &[Invitation]) -> Vec<&str> {
        list.iter().map(|i| i.id.as_str()).collect()
    }

    #[test]
    fn the_view_merges_every_accounts_first_rows_newest_first_with_the_providers_counts() {
        let (a, b) = (head(1500, None), head(3, None));
        let mut undated = invitation("undated", "a", Direction::Received, 0.0);
        undated.sent_at_ms = None;
        let many =
            (0..20).map(|n| invitation(&format!("a{n}"), "a", Direction::Received, f64::from(n)));
        let lists = vec![
            ListTop {
                account: "a",
                direction: Direction::Received,
                head: &a,
                rows: many.chain([undated]).collect(),
            },
            ListTop {
                account: "b",
                direction: Direction::Received,
                head: &b,
                rows: vec![invitation("b1", "b", Direction::Received, 100.0)],
            },
        ];
        let view = View::of(&[account("a"), account("b")], Vec::new(), lists);
        assert_eq!(
            view.received_count, 1503,
            "the providers' totals, not the rows held"
        );
        assert_eq!(view.received.len(), FIRST_SCREEN_ROWS);
        assert_eq!(ids(&view.received)[..3], ["b1", "a19", "a18"]);
        assert_eq!(view.accounts[0].received_count, Some(1500));
        assert_eq!(view.accounts[1].checked_at_ms, Some(7.0));
        assert_eq!(view.sent_count, 0);
        assert_eq!(view.accounts[0].sent_count, None, "never checked");
    }

    #[test]
    fn an_account_says_when_its_providers_order_is_unexpected() {
        let unexpected = Head {
            unexpected_order_at_ms: Some(5.0),
            ..head(40, None)
        };
        let expected = head(2, None);
        let list = |account, direction, head| ListTop {
            account,
            direction,
            head,
            rows: Vec::new(),
        };
        let lists = vec![
            list("a", Direction::Sent, &unexpected),
            list("b", Direction::Sent, &expected),
        ];
        let view = View::of(&[account("a"), account("b")], Vec::new(), lists);
        let notice = view.accounts[0].notice.as_deref().unwrap_or_default();
        assert!(
            notice.starts_with(
                "LinkUp lists these sent invitations in an order Invite Desk does not expect."
            ),
            "{notice}"
        );
        assert!(
            view.accounts[0].error.is_none(),
            "no error: the checks go on"
        );
        assert_eq!(view.accounts[1].notice, None);
    }

    #[test]
    fn an_accounts_error_shows_and_a_removed_accounts_list_does_not() {
        let failing = head(4, Some(ErrorKind::Timeout));
        let gone = head(9, None);
        let lists = vec![
            ListTop {
                account: "a",
                direction: Direction::Sent,
                head: &failing,
                rows: vec![invitation("s1", "a", Direction::Sent, 1.0)],
            },
            ListTop {
                account: "gone",
                direction: Direction::Received,
                head: &gone,
                rows: vec![invitation("g1", "gone", Direction::Received, 1.0)],
            },
        ];
        let unreadable =
            AccountStatus::unreadable("x".into(), "X".into(), Error::new(ErrorKind::InvalidInput));
        let view = View::of(&[account("a")], vec![unreadable], lists);
        assert_eq!(ids(&view.sent), ["s1"], "rows stay when a check fails");
        assert!(view.received.is_empty());
        assert_eq!(view.received_count, 0);
        assert_eq!(view.accounts.len(), 2);
        assert_eq!(
            view.accounts[0].error.as_ref().map(|e| e.kind),
            Some(ErrorKind::Timeout)
        );
    }

    fn with_counts(received: u64, errors: &[Option<ErrorKind>]) -> View {
        View {
            accounts: errors
                .iter()
                .enumerate()
                .map(|(n, error)| AccountStatus {
                    error: error.map(Error::new),
                    ..AccountStatus::of(&account(&n.to_string()))
                })
                .collect(),
            received_count: received,
            ..View::default()
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
            ErrorKind::NotAllowed,
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
    fn the_view_round_trips_through_storage_json() {
        let view = with_counts(3, &[Some(ErrorKind::RateLimited)]);
        let stored = serde_json::to_value(&view).unwrap();
        assert_eq!(stored["accounts"][0]["error"]["code"], "rate_limited");
        assert_eq!(serde_json::from_value::<View>(stored).unwrap(), view);
        let older: View = serde_json::from_str(r#"{"accounts": []}"#).unwrap();
        assert_eq!(older, View::default());
    }
}
