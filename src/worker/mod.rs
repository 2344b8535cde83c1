//! The service worker's side: keeping the lists in sync, acting on invitations, sending them
//! inside the limits, running bulk jobs, and the intents the pages send. Everything it does to
//! the world goes through `Env` (`effects.rs`), so all of it runs natively against fakes that
//! fail; `browser.rs` and `http.rs` give it the real effects. It can stop at any await: what it
//! needs lives in storage, and each step is stored before the call it makes.

pub mod actions;
pub mod clock;
pub mod effects;
pub mod intents;
pub mod jobs;
pub mod observe;
pub mod refresh;
pub mod sends;
pub mod store;

use crate::error::Error;
use effects::Env;
use futures_util::lock::Mutex;
use serde::Serialize;

/// One worker: its effects and the locks that keep its steps one at a time. A new worker after
/// a stop starts with fresh locks and what storage holds.
pub struct Worker<'a> {
    pub env: Env<'a>,
    /// Every read-modify-write of storage.
    store_lock: Mutex<()>,
    /// Invitations and withdrawals go out one at a time, each checked against the ledger as it
    /// stands after the one before: a single one and a bulk job's cannot both take the last
    /// place under a cap.
    sends_lock: Mutex<()>,
    /// One bulk step at a time across all jobs.
    steps_lock: Mutex<()>,
    /// One sync at a time: a second one (the popup opening during the first read, say) then
    /// finds the lists just read, rather than reading every page again.
    sync_lock: Mutex<()>,
}

impl<'a> Worker<'a> {
    pub fn new(env: Env<'a>) -> Worker<'a> {
        Worker {
            env,
            store_lock: Mutex::new(()),
            sends_lock: Mutex::new(()),
            steps_lock: Mutex::new(()),
            sync_lock: Mutex::new(()),
        }
    }
}

#[derive(Debug, Default, PartialEq, Serialize)]
/// What an intent did.
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
    /// An automatic withdrawal, re-checked before its call, that the rule no longer finds due:
    /// nothing was called.
    #[serde(skip)]
    pub no_longer_due: bool,
    /// Send: who was invited, as the provider names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A started bulk job: its id and how many items it has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// It was done, but recording it failed: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bookkeeping: Option<Error>,
}

impl Answer {
    /// What an action that happened answers.
    pub fn of(done: crate::client::Done) -> Answer {
        Answer {
            confirmed_by_check: done.confirmed_by_check,
            name: done.invitation.map(|invitation| invitation.person.name),
            ..Answer::default()
        }
    }
}

/// Whether the provider said no to an action, so it did not happen. A lost, unreadable or 5xx
/// answer is not one of these: the action may have happened.
pub fn provider_refused(kind: crate::error::ErrorKind) -> bool {
    use crate::error::ErrorKind::*;
    matches!(
        kind,
        InvalidInput
            | AlreadyDone
            | CannotInvite
            | NotFound
            | Unauthorized
            | Forbidden
            | OutOfCredits
            | RateLimited
            | LimitReached
            | ProviderError
            | NotDone
    )
}

/// An alarm fired: the polling one, or a bulk job's wake-up.
pub async fn on_alarm(w: &Worker<'_>, name: &str) -> Result<(), Error> {
    match name {
        refresh::REFRESH_ALARM => refresh::poll(w).await,
        jobs::JOBS_ALARM => jobs::advance(w).await,
        _ => Ok(()),
    }
}
