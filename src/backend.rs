//! The service worker's commands: refresh accounts into the snapshot, act on invitations for the
//! popup, test an account for the options page, keep the badge and the polling alarm. The worker
//! can stop at any moment, so every command reads what it needs from storage and writes its
//! result back; `snapshot.rs` holds the rules.

use crate::accounts;
use crate::browser;
use crate::bulk::{Effect, Item, JobAction};
use crate::client::{Client, Done};
use crate::error::{Error, ErrorKind};
use crate::input::Target;
use crate::jobs::{self, NewJob};
use crate::limits::Ledger;
use crate::model::{Account, Direction, Invitation};
use crate::providers::wire::wire_object;
use crate::settings::Settings;
use crate::snapshot::{Badge, Fetched, Snapshot};
use futures_util::future::{join, join_all};
use futures_util::lock::Mutex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const REFRESH_ALARM: &str = "refresh";

/// Storage writes of the snapshot, one at a time: each re-reads it first, so a refresh that
/// ends after an action cannot write back what the action removed.
static SNAPSHOT_WRITES: Mutex<()> = Mutex::new(());
/// The same for the limits ledger.
static LEDGER_WRITES: Mutex<()> = Mutex::new(());
/// Invitations go out one at a time, each checked against the ledger as it stands after the
/// one before: a single send and a bulk job's cannot both take the last place under a cap.
static SENDS: Mutex<()> = Mutex::new(());

/// Intents the extension's pages send over runtime messaging.
#[derive(Debug)]
pub enum Intent {
    /// The popup opened: both lists of every account.
    Refresh,
    Accept {
        account: String,
        invitation: String,
    },
    Decline {
        account: String,
        invitation: String,
    },
    Withdraw {
        account: String,
        invitation: String,
    },
    Send {
        account: String,
        profile: String,
        note: Option<String>,
    },
    /// The options page's unsaved account.
    TestConnection {
        account: Account,
    },
    StartJob(NewJob),
    StopJob {
        job: String,
    },
    ResumeJob {
        job: String,
    },
    /// Removes a stopped or finished job from the list.
    DismissJob {
        job: String,
    },
}

wire_object! {
    /// An intent as sent: one flat object. Read this way rather than as a tagged enum, whose
    /// decoder buffers every message and weighs some 20 KB in the module.
    struct Message {
        "type" => kind: String,
        /// The account's id, or for `test_connection` the whole unsaved account.
        account: Option<Box<RawValue>>,
        invitation: Option<String>,
        profile: Option<String>,
        note: Option<String>,
        /// `start_job`: what the job does, and to which invitations or profiles.
        action: Option<JobAction>,
        items: Option<Vec<ListedItem>>,
        profiles: Option<Vec<String>>,
        job: Option<String>,
    }
}

wire_object! {
    /// One invitation a bulk accept, decline or withdraw is to act on.
    #[derive(Debug)]
    pub struct ListedItem {
        pub account: String,
        pub invitation: String,
    }
}

/// The intent in a message's JSON text.
pub fn read_intent(text: &str) -> Result<Intent, Error> {
    let unknown = || Error::invalid_input("Intent", "not an intent this version knows");
    let message: Message = serde_json::from_str(text).map_err(|_| unknown())?;
    let account = || -> Result<String, Error> {
        let raw = message.account.as_deref().ok_or_else(unknown)?;
        serde_json::from_str(raw.get()).map_err(|_| unknown())
    };
    let invitation = || message.invitation.clone().ok_or_else(unknown);
    let job = || message.job.clone().ok_or_else(unknown);
    Ok(match message.kind.as_str() {
        "refresh" => Intent::Refresh,
        "accept" => Intent::Accept {
            account: account()?,
            invitation: invitation()?,
        },
        "decline" => Intent::Decline {
            account: account()?,
            invitation: invitation()?,
        },
        "withdraw" => Intent::Withdraw {
            account: account()?,
            invitation: invitation()?,
        },
        "send" => Intent::Send {
            account: account()?,
            profile: message.profile.clone().ok_or_else(unknown)?,
            note: message.note.clone(),
        },
        "test_connection" => {
            let raw = message.account.as_deref().ok_or_else(unknown)?;
            Intent::TestConnection {
                account: serde_json::from_str(raw.get()).map_err(|_| {
                    Error::invalid_input("Account", "the account form is incomplete")
                })?,
            }
        }
        "start_job" => Intent::StartJob(match message.action.ok_or_else(unknown)? {
            JobAction::Invite => NewJob::Invite {
                account: account()?,
                profiles: message.profiles.clone().ok_or_else(unknown)?,
                note: message.note.clone(),
            },
            action => NewJob::Listed {
                action,
                items: message.items.ok_or_else(unknown)?,
            },
        }),
        "stop_job" => Intent::StopJob { job: job()? },
        "resume_job" => Intent::ResumeJob { job: job()? },
        "dismiss_job" => Intent::DismissJob { job: job()? },
        _ => return Err(unknown()),
    })
}

/// What an intent did.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Answer {
    /// Test connection: the account's pending received invitations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<u64>,
    /// The provider said it was already done (or already gone).
    pub already_done: bool,
    /// The answer was lost and a fresh list showed it happened.
    pub confirmed_by_check: bool,
    /// Send: who was invited, as the provider names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A started bulk job: its id and how many items it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// Which lists a refresh fetches.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub received: bool,
    pub sent: bool,
    /// Only this account; every account when `None`.
    pub account: Option<&'a str>,
}

/// Install, start-up, accounts changed, the popup opened.
pub const EVERYTHING: Scope = Scope {
    received: true,
    sent: true,
    account: None,
};

/// The polling alarm: the badge counts received invitations only, and each list costs credits.
pub const RECEIVED: Scope = Scope {
    received: true,
    sent: false,
    account: None,
};

/// The stored values the backend reads, each kept raw until decoded on its own, so one damaged
/// value cannot hide the others.
#[derive(Deserialize, Default)]
pub(crate) struct Stored<'a> {
    #[serde(borrow)]
    accounts: Option<&'a RawValue>,
    #[serde(borrow)]
    pub snapshot: Option<&'a RawValue>,
    #[serde(borrow)]
    pub settings: Option<&'a RawValue>,
    #[serde(borrow)]
    ledger: Option<&'a RawValue>,
    #[serde(borrow)]
    pub jobs: Option<&'a RawValue>,
}

impl<'a> Stored<'a> {
    /// The values in `text`; none when the browser's answer is not an object.
    pub(crate) fn read(text: &'a str) -> Self {
        serde_json::from_str(text).unwrap_or_default()
    }
}

/// What the backend writes, together: the snapshot, its first screen for the popup, and the
/// badge, which the worker sets from storage on wake without waiting for this module.
#[derive(Serialize)]
struct Written<'a> {
    snapshot: &'a Snapshot,
    view: Snapshot,
    badge: &'a Badge,
}

/// `raw` decoded, or the default when it is absent or no longer reads (a cache or settings
/// written by an older version).
pub(crate) fn decode_or_default<T: DeserializeOwned + Default>(raw: Option<&RawValue>) -> T {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

/// On install and browser start, and when the settings change: (re)arm the polling alarm, then
/// refresh everything.
pub async fn start() -> Result<(), Error> {
    let text = browser::storage_get(&["settings"]).await?;
    let stored = Stored::read(&text);
    let settings: Settings = decode_or_default(stored.settings);
    browser::create_alarm(REFRESH_ALARM, settings.poll_minutes()).await?;
    jobs::advance_later();
    refresh(EVERYTHING).await
}

/// Fetches the lists `scope` names, then stores the snapshot and sets the badge.
pub async fn refresh(scope: Scope<'_>) -> Result<(), Error> {
    let text = browser::storage_get(&["accounts"]).await?;
    let stored = Stored::read(&text);
    let (accounts, unreadable) = accounts::read(stored.accounts);
    let now_ms = js_sys::Date::now();
    let fetched = join_all(accounts.iter().map(|account| async move {
        if scope.account.is_some_and(|only| only != account.id) {
            return Fetched::default();
        }
        let client = Client::new(account, now_ms);
        let list = |wanted: bool, direction| {
            let client = &client;
            async move {
                match wanted {
                    true => Some(client.list_all(direction).await),
                    false => None,
                }
            }
        };
        let (received, sent) = join(
            list(scope.received, Direction::Received),
            list(scope.sent, Direction::Sent),
        )
        .await;
        Fetched { received, sent }
    }))
    .await;
    update_snapshot(|previous| {
        *previous = previous.refreshed(&accounts, fetched, unreadable, now_ms)
    })
    .await
}

pub async fn handle_intent(intent: Intent) -> Result<Answer, Error> {
    match intent {
        Intent::Refresh => refresh(EVERYTHING).await.map(|()| Answer::default()),
        Intent::Accept {
            account,
            invitation,
        } => act(&account, &invitation, Accept).await,
        Intent::Decline {
            account,
            invitation,
        } => act(&account, &invitation, Decline).await,
        Intent::Withdraw {
            account,
            invitation,
        } => act(&account, &invitation, Withdraw).await,
        Intent::Send {
            account,
            profile,
            note,
        } => send(&account, &profile, note.as_deref()).await,
        Intent::TestConnection { account } => {
            accounts::check(&account)?;
            let received = Client::new(&account, js_sys::Date::now())
                .pending_count(Direction::Received)
                .await?;
            Ok(Answer {
                received: Some(received),
                ..Answer::default()
            })
        }
        Intent::StartJob(new) => jobs::start(new).await,
        Intent::StopJob { job } => jobs::stop(&job).await.map(|()| Answer::default()),
        Intent::ResumeJob { job } => jobs::resume(&job).await.map(|()| Answer::default()),
        Intent::DismissJob { job } => jobs::dismiss(&job).await.map(|()| Answer::default()),
    }
}

/// The three actions on a listed invitation.
#[derive(Clone, Copy)]
pub(crate) enum ListedAction {
    Accept,
    Decline,
    Withdraw,
}
use ListedAction::{Accept, Decline, Withdraw};

impl ListedAction {
    /// The list the invitation is in.
    pub(crate) fn direction(self) -> Direction {
        match self {
            Accept | Decline => Direction::Received,
            Withdraw => Direction::Sent,
        }
    }

    /// A bulk job's action, unless it sends invitations.
    pub(crate) fn of(action: JobAction) -> Option<ListedAction> {
        match action {
            JobAction::Accept => Some(Accept),
            JobAction::Decline => Some(Decline),
            JobAction::Withdraw => Some(Withdraw),
            JobAction::Invite => None,
        }
    }
}

pub(crate) async fn act(
    account_id: &str,
    invitation_id: &str,
    action: ListedAction,
) -> Result<Answer, Error> {
    let text = browser::storage_get(&["accounts", "snapshot"]).await?;
    let stored = Stored::read(&text);
    let account = stored_account(&stored, account_id)?;
    let snapshot: Snapshot = decode_or_default(stored.snapshot);
    let Some(invitation) = snapshot
        .find(action.direction(), account_id, invitation_id)
        .cloned()
    else {
        return Err(Error::new(ErrorKind::AlreadyDone)
            .with_detail("it is no longer in the list of pending invitations"));
    };
    let now_ms = js_sys::Date::now();
    let client = Client::new(&account, now_ms);
    let result = match action {
        Accept => client.accept(&invitation).await,
        Decline => client.decline(&invitation).await,
        Withdraw => client.withdraw(&invitation).await,
    };
    let answer = match result {
        Ok(done) => answer_of(done),
        Err(error) if error.kind == ErrorKind::AlreadyDone => Answer {
            already_done: true,
            ..Answer::default()
        },
        Err(error) if error.kind == ErrorKind::NotFound => {
            // The invitation is gone at the provider: it leaves the list, and the user learns why.
            update_snapshot(|snapshot| snapshot.without(account_id, invitation_id, now_ms)).await?;
            return Err(error);
        }
        Err(error) => return Err(error),
    };
    if let Withdraw = action {
        record_withdrawn(&invitation, now_ms).await?;
    }
    update_snapshot(|snapshot| snapshot.without(account_id, invitation_id, now_ms)).await?;
    Ok(answer)
}

/// Sends an invitation, if the account's limits allow it; `note` may hold `{first_name}`.
pub(crate) async fn send(
    account_id: &str,
    profile: &str,
    note: Option<&str>,
) -> Result<Answer, Error> {
    let _sending = SENDS.lock().await;
    let text = browser::storage_get(&["accounts", "ledger", "settings"]).await?;
    let stored = Stored::read(&text);
    let account = stored_account(&stored, account_id)?;
    let settings: Settings = decode_or_default(stored.settings);
    let ledger: Ledger = decode_or_default(stored.ledger);
    let with_note = crate::input::note_template(note)?.is_some();
    let target = Target::parse(profile)?;
    let now_ms = js_sys::Date::now();
    let cap = settings.weekly_cap(account.plan);
    ledger.check_send(
        account_id,
        account.plan,
        cap,
        target.identifier(),
        with_note,
        now_ms,
    )?;
    let done = match Client::new(&account, now_ms).send(profile, note).await {
        Err(error) if error.kind == ErrorKind::LimitReached => {
            let mut until_ms = now_ms;
            update_ledger(|ledger| {
                until_ms = ledger.record_limit_reached(account_id, with_note, now_ms)
            })
            .await?;
            let wait_s = ((until_ms - now_ms) / 1000.0).ceil() as u32;
            return Err(error.with_retry_after(Some(wait_s)));
        }
        result => result?,
    };
    update_ledger(|ledger| ledger.record_sent(account_id, with_note, now_ms)).await?;
    let answer = answer_of(done.clone());
    store_sent(account_id, done.invitation).await?;
    Ok(answer)
}

/// Puts a new sent invitation in the snapshot; when the provider did not describe it, the
/// account's sent list shows it.
async fn store_sent(account_id: &str, invitation: Option<Invitation>) -> Result<(), Error> {
    match invitation {
        Some(invitation) => update_snapshot(|snapshot| snapshot.with_sent(invitation)).await,
        None => {
            let sent_only = Scope {
                received: false,
                sent: true,
                account: Some(account_id),
            };
            refresh(sent_only).await
        }
    }
}

/// For a bulk job's item whose call may have happened: whether it did, from the provider's
/// list. What it finds done is recorded as if the answer had come.
pub(crate) async fn was_done(action: JobAction, item: &Item) -> Result<Effect, Error> {
    let text = browser::storage_get(&["accounts", "snapshot"]).await?;
    let stored = Stored::read(&text);
    let account = stored_account(&stored, &item.account)?;
    let now_ms = js_sys::Date::now();
    let client = Client::new(&account, now_ms);
    let Some(listed) = ListedAction::of(action) else {
        let Some(invitation) = client.sent_to(&item.target).await? else {
            return Ok(Effect::NotDone);
        };
        let with_note = crate::input::note_template(item.note.as_deref())?.is_some();
        update_ledger(|ledger| ledger.record_sent(&item.account, with_note, now_ms)).await?;
        store_sent(&item.account, Some(invitation)).await?;
        return Ok(Effect::Done);
    };
    if client.is_pending(listed.direction(), &item.target).await? {
        return Ok(Effect::NotDone);
    }
    let snapshot: Snapshot = decode_or_default(stored.snapshot);
    let listed_before = snapshot.find(listed.direction(), &item.account, &item.target);
    if let (Withdraw, Some(invitation)) = (listed, listed_before) {
        record_withdrawn(invitation, now_ms).await?;
    }
    update_snapshot(|snapshot| snapshot.without(&item.account, &item.target, now_ms)).await?;
    Ok(Effect::Done)
}

/// Remembers whom the account withdrew, whom LinkedIn will not let it invite for a while.
async fn record_withdrawn(invitation: &Invitation, now_ms: f64) -> Result<(), Error> {
    let person = &invitation.person;
    let Some(profile) = person
        .public_identifier
        .as_ref()
        .or(person.provider_id.as_ref())
    else {
        return Ok(());
    };
    update_ledger(|ledger| ledger.record_withdrawn(&invitation.account, profile, now_ms)).await
}

fn answer_of(done: Done) -> Answer {
    Answer {
        confirmed_by_check: done.confirmed_by_check,
        name: done.invitation.map(|invitation| invitation.person.name),
        ..Answer::default()
    }
}

pub(crate) fn stored_account(stored: &Stored, id: &str) -> Result<Account, Error> {
    accounts::read(stored.accounts)
        .0
        .into_iter()
        .find(|account| account.id == id)
        .ok_or_else(|| {
            Error::new(ErrorKind::NotFound)
                .with_detail("this account was removed or changed in Options; reopen the popup")
        })
}

/// Re-reads the ledger, changes it and writes it.
async fn update_ledger(change: impl FnOnce(&mut Ledger)) -> Result<(), Error> {
    let _writing = LEDGER_WRITES.lock().await;
    let text = browser::storage_get(&["ledger"]).await?;
    let mut ledger: Ledger = decode_or_default(Stored::read(&text).ledger);
    change(&mut ledger);
    #[derive(Serialize)]
    struct Written<'a> {
        ledger: &'a Ledger,
    }
    browser::storage_set(&Written { ledger: &ledger }).await
}

/// Re-reads the snapshot, changes it, writes it and its first screen, and sets the badge.
async fn update_snapshot(change: impl FnOnce(&mut Snapshot)) -> Result<(), Error> {
    let _writing = SNAPSHOT_WRITES.lock().await;
    let text = browser::storage_get(&["snapshot"]).await?;
    let stored = Stored::read(&text);
    let mut snapshot: Snapshot = decode_or_default(stored.snapshot);
    change(&mut snapshot);
    let badge = snapshot.badge();
    browser::storage_set(&Written {
        snapshot: &snapshot,
        view: snapshot.first_screen(),
        badge: &badge,
    })
    .await?;
    browser::set_badge(&badge.text, badge.color, &badge.title).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intents_are_read_from_plain_messages() {
        let read = |value: serde_json::Value| read_intent(&value.to_string());
        assert!(matches!(
            read(json!({"type": "refresh"})),
            Ok(Intent::Refresh)
        ));
        assert!(matches!(
            read(json!({"type": "withdraw", "account": "a", "invitation": "7"})),
            Ok(Intent::Withdraw { account, invitation }) if account == "a" && invitation == "7"
        ));
        let send = read(json!({"type": "send", "account": "a", "profile": "x", "note": null}));
        assert!(matches!(send, Ok(Intent::Send { note: None, .. })));
        let test = read(json!({"type": "test_connection", "account": {"id": "a",
            "provider": "linkup", "api_key": "k", "account_id": "acc"}}));
        assert!(matches!(test, Ok(Intent::TestConnection { .. })));
        for refused in [
            json!({"type": "format_disk"}),
            json!({"type": "accept", "account": "a"}),
            json!({"type": "accept", "account": {"id": "a"}, "invitation": "7"}),
            json!({"account": "a"}),
            json!(["refresh"]),
        ] {
            let error = read(refused.clone()).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("Intent"), "{refused}");
        }
        let incomplete = read(json!({"type": "test_connection", "account": {"id": "a"}}));
        assert_eq!(incomplete.unwrap_err().field.as_deref(), Some("Account"));
    }

    #[test]
    fn answers_are_plain_objects_without_empty_parts() {
        let answer = serde_json::to_value(Answer {
            received: Some(12),
            ..Answer::default()
        })
        .unwrap();
        assert_eq!(
            answer,
            json!({"received": 12, "already_done": false, "confirmed_by_check": false})
        );
    }
}
