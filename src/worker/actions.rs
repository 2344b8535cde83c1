//! Accepting, declining and withdrawing a listed invitation, one at a time or as a bulk job's
//! step: the call, then the list (and, for a withdrawal, the ledger's re-invite wait) updated;
//! a call whose answer never came is settled by the cheapest question instead of being sent
//! again.

use super::{clock, observe, store, Answer, Worker};
use crate::bulk::{Effect, JobAction};
use crate::client::{Client, Settled};
use crate::error::{Error, ErrorKind};
use crate::limits::{ledger_key, Ledger, LEDGER_KEY};
use crate::model::{Account, Direction, Invitation};
use crate::providers::Action;
use crate::sync::{Found, Held};
use store::Stored;

/// The three actions on a listed invitation.
#[derive(Debug, Clone, Copy)]
pub enum ListedAction {
    Accept,
    Decline,
    Withdraw,
}
use ListedAction::{Accept, Decline, Withdraw};

impl ListedAction {
    /// The list the invitation is in.
    pub fn direction(self) -> Direction {
        match self {
            Accept | Decline => Direction::Received,
            Withdraw => Direction::Sent,
        }
    }

    /// A bulk job's action, unless it sends invitations.
    pub fn of(action: JobAction) -> Option<ListedAction> {
        match action {
            JobAction::Accept => Some(Accept),
            JobAction::Decline => Some(Decline),
            JobAction::Withdraw => Some(Withdraw),
            JobAction::Invite => None,
        }
    }

    /// How an action in flight is recorded.
    fn name(self) -> &'static str {
        match self {
            Accept => "accept",
            Decline => "decline",
            Withdraw => "withdraw",
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

/// Acts on one listed invitation. `by_rule` is set on the automatic withdraw rule's steps,
/// which its own daily cap also holds.
pub async fn act(
    w: &Worker<'_>,
    account_id: &str,
    invitation_id: &str,
    action: ListedAction,
    by_rule: bool,
) -> Result<Answer, Error> {
    let stored = Stored::read(w, &["accounts", "settings"]).await?;
    let account = store::stored_account(&stored, account_id)?;
    let direction = action.direction();
    let list = store::read_list(w, account_id, direction).await?;
    let Some(invitation) = list.find(invitation_id).cloned() else {
        return Err(Error::new(ErrorKind::AlreadyDone)
            .with_detail("it is no longer in the list of pending invitations"));
    };
    if let Some(acting) = list.acting_on(invitation_id) {
        // Another action on it is in flight: whatever a check found would be that one's doing.
        if acting
            .action
            .as_deref()
            .is_some_and(|other| other != action.name())
        {
            return Err(Error::new(ErrorKind::ActionUnderWay));
        }
        // Sent before, its record lost: whether it happened is asked, not sent again.
        if was_done(w, account_id, invitation_id, action).await? == Effect::Done {
            return Ok(Answer {
                confirmed_by_check: true,
                ..Answer::default()
            });
        }
    }
    let held = list.held(w.env.clock.now_ms());
    let client = Client::new(&account, w.env).with_held(&held);
    // A withdrawal holds the ledger's lock from its check to its record (see `sends_lock`).
    let _withdrawing = match action {
        Withdraw => Some(w.sends_lock.lock().await),
        Accept | Decline => None,
    };
    if let Withdraw = action {
        // Refused before the call when the day's withdrawals are used up, or the ledger that
        // counts them cannot be read.
        let settings = stored.settings();
        let daily = match by_rule {
            true => settings
                .daily_withdrawals()
                .min(account.auto_withdraw.per_day()),
            false => settings.daily_withdrawals(),
        };
        let now = match by_rule {
            true => clock::rule_now(w, &client).await?,
            false => clock::caps_now(w, &client).await?,
        };
        // The rule as it stands now, by trusted time, just before the call.
        if by_rule
            && account
                .auto_withdraw
                .due(std::slice::from_ref(&invitation), now.now_ms)
                .is_empty()
        {
            return Ok(Answer {
                no_longer_due: true,
                ..Answer::default()
            });
        }
        let ledger: Ledger = Stored::read(w, &[LEDGER_KEY]).await?.readable(LEDGER_KEY)?;
        ledger.check_withdraw(&ledger_key(&account), daily, now)?;
    }
    // Write-ahead: recorded before the call leaves, or not sent at all.
    let now_ms = w.env.clock.now_ms();
    store::update_list(w, account_id, direction, |list| {
        list.begin_acting(invitation_id, action.name(), now_ms)
    })
    .await?;
    let result = match action {
        Accept => client.accept(&invitation).await,
        Decline => client.decline(&invitation).await,
        Withdraw => client.withdraw(&invitation).await,
    };
    clock::remember(w, &client).await;
    let (answer, found) = match result {
        Ok(done) => {
            let found = done.found.clone();
            (Answer::of(done), found)
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
            handled(w, &account, direction, invitation_id, None, &held).await?;
            return Err(error);
        }
        Err(error) => {
            if super::provider_refused(error.kind) {
                // It did not happen; if this record is lost too, the next try checks first.
                let _recorded = store::update_list(w, account_id, direction, |list| {
                    list.end_acting(invitation_id)
                })
                .await;
            }
            return Err(error);
        }
    };
    // Done at the provider: a record that fails now is reported, never taken for "not done".
    let recorded = async {
        if let Withdraw = action {
            record_withdrawn(w, &client, &account, &invitation).await?;
        }
        handled(w, &account, direction, invitation_id, found, &held).await
    };
    Ok(match recorded.await {
        Ok(()) => answer,
        Err(error) => Answer {
            bookkeeping: Some(error),
            ..answer
        },
    })
}

/// For a bulk job's item whose call may have happened: whether it did, asked the cheapest way
/// (`Client::settle`). What it finds done is recorded as if the answer had come.
pub async fn was_done(
    w: &Worker<'_>,
    account_id: &str,
    invitation_id: &str,
    action: ListedAction,
) -> Result<Effect, Error> {
    let stored = Stored::read(w, &["accounts"]).await?;
    let account = store::stored_account(&stored, account_id)?;
    let direction = action.direction();
    let list = store::read_list(w, account_id, direction).await?;
    let Some(invitation) = list.find(invitation_id).cloned() else {
        // Gone from our list meanwhile: done, here or elsewhere.
        return Ok(Effect::Done);
    };
    let held = list.held(w.env.clock.now_ms());
    let client = Client::new(&account, w.env).with_held(&held);
    let settled = client.settle(&action.on(&invitation)).await?;
    clock::remember(w, &client).await;
    match settled {
        Settled::NotDone { found } => {
            if let Some(found) = found {
                let now_ms = w.env.clock.now_ms();
                let changed = store::update_list(w, account_id, direction, |list| {
                    list.apply(found, &held, now_ms)
                })
                .await?;
                observe::seen(w, &account, direction, changed).await?;
            }
            Ok(Effect::NotDone)
        }
        Settled::Done(done) => {
            if let Withdraw = action {
                record_withdrawn(w, &client, &account, &invitation).await?;
            }
            handled(w, &account, direction, invitation_id, done.found, &held).await?;
            Ok(Effect::Done)
        }
    }
}

/// An invitation was acted on (or found gone): it leaves its list, with what a check that
/// settled a lost answer found.
async fn handled(
    w: &Worker<'_>,
    account: &Account,
    direction: Direction,
    invitation_id: &str,
    found: Option<Found>,
    held: &Held,
) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    let changed = store::update_list(w, &account.id, direction, |list| {
        let changed = found.map(|found| list.apply(found, held, now_ms));
        list.handle(invitation_id, now_ms);
        changed.unwrap_or_default()
    })
    .await?;
    // What the settling check found beside it; new received ones are seen in the open popup.
    observe::seen(w, account, direction, changed)
        .await
        .map(drop)
}

/// Remembers whom the account withdrew, whom LinkedIn will not let it invite for a while.
async fn record_withdrawn(
    w: &Worker<'_>,
    client: &Client<'_>,
    account: &Account,
    invitation: &Invitation,
) -> Result<(), Error> {
    // One without a profile still counts against the day's withdrawals.
    let now = clock::caps_now(w, client).await?;
    let key = ledger_key(account);
    store::update(w, LEDGER_KEY, |ledger: &mut Ledger| {
        ledger.record_withdrawn(&key, &invitation.person, now)
    })
    .await?;
    observe::withdrawn_by_us(w, account, invitation).await
}
