//! The service worker's commands: keep each account's lists in sync (`sync.rs` decides what to
//! read, `store.rs` keeps them), act on invitations for the popup, test an account and read its
//! credits for the options page, keep the badge and the polling alarm. The worker can stop at
//! any moment, so every command reads what it needs from storage and writes its result back.

use crate::accounts;
use crate::browser;
use crate::bulk::{Effect, Item, JobAction};
use crate::client::{Client, Done, Settled};
use crate::error::{Error, ErrorKind};
use crate::input::Target;
use crate::jobs::{self, NewJob};
use crate::limits::Ledger;
use crate::model::{Account, Direction, Invitation};
use crate::providers::wire::wire_object;
use crate::providers::Action;
use crate::settings::Settings;
use crate::store::{self, Stored};
use crate::sync::{due, Due, Occasion};
use futures_util::future::join_all;
use futures_util::lock::Mutex;
use serde::Serialize;
use serde_json::value::RawValue;

pub const REFRESH_ALARM: &str = "refresh";

/// Invitations go out one at a time, each checked against the ledger as it stands after the
/// one before: a single send and a bulk job's cannot both take the last place under a cap.
static SENDS: Mutex<()> = Mutex::new(());

/// Intents the extension's pages send over runtime messaging.
#[derive(Debug)]
pub enum Intent {
    /// The popup opened: a cheap check of each list not checked in the last minute.
    Refresh,
    /// The popup's Refresh button: every list of every account read again.
    Reconcile,
    /// The options page asks for a LinkUp account's credits left.
    Credits {
        account: String,
    },
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
        "reconcile" => Intent::Reconcile,
        "credits" => Intent::Credits {
            account: account()?,
        },
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
    /// Credits: the LinkUp credits left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<u64>,
    /// The provider said it was already done (or already gone).
    pub already_done: bool,
    /// The answer was lost and a check showed it happened.
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

/// On install and browser start, and when the settings change: (re)arm the polling alarm, move
/// an earlier version's snapshot into per-account lists, then check what is due.
pub async fn start() -> Result<(), Error> {
    let settings: Settings = Stored::read(&["settings"])
        .await?
        .get_or_default("settings");
    browser::create_alarm(REFRESH_ALARM, settings.poll_minutes()).await?;
    store::migrate_snapshot(js_sys::Date::now()).await?;
    jobs::advance_later();
    sync(Occasion::Schedule).await
}

/// The accounts changed in Options: lists of removed accounts go, new accounts are read.
pub async fn accounts_changed() -> Result<(), Error> {
    let stored = Stored::read(&["accounts", "view"]).await?;
    let view: crate::snapshot::View = stored.get_or_default("view");
    let listed: Vec<String> = view.accounts.into_iter().map(|a| a.id).collect();
    store::remove_lists_except(&stored.accounts(), &listed).await?;
    sync(Occasion::Schedule).await
}

/// Checks every list that is due on `occasion`, all accounts at once, and stores what each
/// found; a list whose check fails keeps its rows and shows the error.
pub async fn sync(occasion: Occasion) -> Result<(), Error> {
    let stored = Stored::read(&["accounts", "settings"]).await?;
    let accounts = stored.accounts();
    let settings: Settings = stored.get_or_default("settings");
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let checked = store::checked_at(&ids).await?;
    let heads = store::read_heads(&accounts).await?;
    let now_ms = js_sys::Date::now();
    let due_lists: Vec<(&Account, Direction, Due)> = heads
        .iter()
        .filter_map(|(id, direction, head)| {
            let account = accounts.iter().find(|a| &a.id == id)?;
            let session = checked.get(&store::checked_key(id, *direction)).copied();
            let last = crate::age::later(session, head.checked_at_ms);
            let due = due(
                occasion,
                *direction,
                last,
                head.reconciled_at_ms,
                &settings,
                now_ms,
            )?;
            Some((account, *direction, due))
        })
        .collect();
    let results = join_all(accounts.iter().map(|account| {
        let mine: Vec<(Direction, Due)> = due_lists
            .iter()
            .filter(|(a, _, _)| a.id == account.id)
            .map(|(_, direction, due)| (*direction, *due))
            .collect();
        async move {
            for (direction, due) in mine {
                check(account, direction, due).await?;
            }
            Ok::<(), Error>(())
        }
    }))
    .await;
    if due_lists.is_empty() {
        // Nothing was due: the badge still goes up from what is stored.
        store::refresh_view().await?;
    }
    store::record_synced(js_sys::Date::now()).await?;
    results.into_iter().collect()
}

/// One check of one list, stored.
async fn check(account: &Account, direction: Direction, due: Due) -> Result<(), Error> {
    let list = store::read_list(&account.id, direction).await?;
    let now_ms = js_sys::Date::now();
    let held = list.held(now_ms);
    let everything = due == Due::Everything;
    let outcome = Client::new(account, now_ms)
        .check(direction, held.clone(), everything)
        .await;
    let now_ms = js_sys::Date::now();
    store::update_list(&account.id, direction, |list| match outcome {
        Ok(found) if found.is_nothing(list.head.total) => {}
        Ok(found) => list.apply(found, &held, now_ms),
        Err(failed) => list.failed(failed.error, failed.total, now_ms),
    })
    .await?;
    store::record_checked(&account.id, direction, now_ms).await
}

pub async fn handle_intent(intent: Intent) -> Result<Answer, Error> {
    match intent {
        Intent::Refresh => sync(Occasion::PopupOpen).await.map(|()| Answer::default()),
        Intent::Reconcile => sync(Occasion::Refresh).await.map(|()| Answer::default()),
        Intent::Credits { account } => {
            let stored = Stored::read(&["accounts"]).await?;
            let account = stored_account(&stored, &account)?;
            let credits = Client::new(&account, js_sys::Date::now()).credits().await?;
            Ok(Answer {
                credits: Some(credits),
                ..Answer::default()
            })
        }
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

    fn on(self, invitation: &Invitation) -> Action<'_> {
        match self {
            Accept => Action::Accept(invitation),
            Decline => Action::Decline(invitation),
            Withdraw => Action::Withdraw(invitation),
        }
    }
}

pub(crate) async fn act(
    account_id: &str,
    invitation_id: &str,
    action: ListedAction,
) -> Result<Answer, Error> {
    let stored = Stored::read(&["accounts"]).await?;
    let account = stored_account(&stored, account_id)?;
    let list = store::read_list(account_id, action.direction()).await?;
    let Some(invitation) = list.find(invitation_id).cloned() else {
        return Err(Error::new(ErrorKind::AlreadyDone)
            .with_detail("it is no longer in the list of pending invitations"));
    };
    let now_ms = js_sys::Date::now();
    let held = list.held(now_ms);
    let client = Client::new(&account, now_ms).with_held(&held);
    let result = match action {
        Accept => client.accept(&invitation).await,
        Decline => client.decline(&invitation).await,
        Withdraw => client.withdraw(&invitation).await,
    };
    let (answer, found) = match result {
        Ok(done) => {
            let found = done.found.clone();
            (answer_of(done), found)
        }
        Err(error) if error.kind == ErrorKind::AlreadyDone => (
            Answer {
                already_done: true,
                ..Answer::default()
            },
            None,
        ),
        Err(error) if error.kind == ErrorKind::NotFound => {
            // The invitation is gone at the provider: it leaves the list, and the user learns why.
            handled(account_id, action.direction(), invitation_id, None, &held).await?;
            return Err(error);
        }
        Err(error) => return Err(error),
    };
    if let Withdraw = action {
        record_withdrawn(&invitation, now_ms).await?;
    }
    handled(account_id, action.direction(), invitation_id, found, &held).await?;
    Ok(answer)
}

/// An invitation was acted on (or found gone): it leaves its list, with what a check that
/// settled a lost answer found.
async fn handled(
    account_id: &str,
    direction: Direction,
    invitation_id: &str,
    found: Option<crate::sync::Found>,
    held: &crate::sync::Held,
) -> Result<(), Error> {
    let now_ms = js_sys::Date::now();
    store::update_list(account_id, direction, |list| {
        if let Some(found) = found {
            list.apply(found, held, now_ms);
        }
        list.handle(invitation_id, now_ms);
    })
    .await
}

/// Sends an invitation, if the account's limits allow it; `note` may hold `{first_name}`.
pub(crate) async fn send(
    account_id: &str,
    profile: &str,
    note: Option<&str>,
) -> Result<Answer, Error> {
    let _sending = SENDS.lock().await;
    let stored = Stored::read(&["accounts", "ledger", "settings"]).await?;
    let account = stored_account(&stored, account_id)?;
    let settings: Settings = stored.get_or_default("settings");
    let ledger: Ledger = stored.get_or_default("ledger");
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
    let sent = store::read_list(account_id, Direction::Sent).await?;
    let held = sent.held(now_ms);
    let client = Client::new(&account, now_ms).with_held(&held);
    let done = match client.send(profile, note).await {
        Err(error) if error.kind == ErrorKind::LimitReached => {
            let until_ms = store::update("ledger", |ledger: &mut Ledger| {
                ledger.record_limit_reached(account_id, with_note, now_ms)
            })
            .await?;
            let wait_s = ((until_ms - now_ms) / 1000.0).ceil() as u32;
            return Err(error.with_retry_after(Some(wait_s)));
        }
        result => result?,
    };
    store::update("ledger", |ledger: &mut Ledger| {
        ledger.record_sent(account_id, with_note, now_ms)
    })
    .await?;
    let answer = answer_of(done.clone());
    store_sent(&account, done, &held).await?;
    Ok(answer)
}

/// Puts a new sent invitation in the list; when the provider did not describe it, a check of
/// the sent list finds it on top.
async fn store_sent(account: &Account, done: Done, held: &crate::sync::Held) -> Result<(), Error> {
    let now_ms = js_sys::Date::now();
    match (done.found, done.invitation) {
        (Some(found), _) => {
            store::update_list(&account.id, Direction::Sent, |list| {
                list.apply(found, held, now_ms)
            })
            .await
        }
        (None, Some(invitation)) => {
            store::update_list(&account.id, Direction::Sent, |list| {
                list.add_new(invitation)
            })
            .await
        }
        (None, None) => check(account, Direction::Sent, Due::Check).await,
    }
}

/// For a bulk job's item whose call may have happened: whether it did, asked the cheapest way
/// (`Client::settle`). What it finds done is recorded as if the answer had come.
pub(crate) async fn was_done(action: JobAction, item: &Item) -> Result<Effect, Error> {
    let stored = Stored::read(&["accounts"]).await?;
    let account = stored_account(&stored, &item.account)?;
    let now_ms = js_sys::Date::now();
    let direction = ListedAction::of(action).map_or(Direction::Sent, ListedAction::direction);
    let list = store::read_list(&item.account, direction).await?;
    let held = list.held(now_ms);
    let client = Client::new(&account, now_ms).with_held(&held);
    let Some(listed) = ListedAction::of(action) else {
        let target = Target::parse(&item.target)?;
        let note = crate::input::note_template(item.note.as_deref())?;
        let send = Action::Send {
            target: &target,
            note: note.as_deref(),
        };
        return match client.settle(&send).await? {
            Settled::NotDone { .. } => Ok(Effect::NotDone),
            Settled::Done(done) => {
                store::update("ledger", |ledger: &mut Ledger| {
                    ledger.record_sent(&item.account, note.is_some(), now_ms)
                })
                .await?;
                store_sent(&account, *done, &held).await?;
                Ok(Effect::Done)
            }
        };
    };
    let Some(invitation) = list.find(&item.target).cloned() else {
        // Gone from our list meanwhile: done, here or elsewhere.
        return Ok(Effect::Done);
    };
    match client.settle(&listed.on(&invitation)).await? {
        Settled::NotDone { found } => {
            if let Some(found) = found {
                store::update_list(&item.account, direction, |list| {
                    list.apply(found, &held, now_ms)
                })
                .await?;
            }
            Ok(Effect::NotDone)
        }
        Settled::Done(done) => {
            if let Withdraw = listed {
                record_withdrawn(&invitation, now_ms).await?;
            }
            handled(&item.account, direction, &item.target, done.found, &held).await?;
            Ok(Effect::Done)
        }
    }
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
    store::update("ledger", |ledger: &mut Ledger| {
        ledger.record_withdrawn(&invitation.account, profile, now_ms)
    })
    .await
}

fn answer_of(done: Done) -> Answer {
    Answer {
        confirmed_by_check: done.confirmed_by_check,
        name: done.invitation.map(|invitation| invitation.person.name),
        ..Answer::default()
    }
}

pub(crate) fn stored_account(stored: &Stored, id: &str) -> Result<Account, Error> {
    stored
        .accounts()
        .into_iter()
        .find(|account| account.id == id)
        .ok_or_else(|| {
            Error::new(ErrorKind::NotFound)
                .with_detail("this account was removed or changed in Options; reopen the popup")
        })
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
