//! What the worker does with a list's changes beyond storing them: the sent list's feed the
//! acceptance stats (`stats.rs`), whose invitations gone from the list are asked about where the
//! provider can tell; new received invitations are announced (`notices.rs`), once, when the
//! person asked for it and the popup is not open.

use super::store::{self, Stored};
use super::{actions, Worker};
use crate::client::Client;
use crate::error::Error;
use crate::limits::{ledger_key, Ledger, LEDGER_KEY};
use crate::lists::Changed;
use crate::model::{Account, Direction, Invitation, RelationshipState};
use crate::notices;
use crate::providers;
use crate::stats::{stats_key, AccountStats, Answer};

/// Records what `changed` in `account`'s list of `direction`; gives back the received
/// invitations that are news (not the first read of the list).
pub async fn seen(
    w: &Worker<'_>,
    account: &Account,
    direction: Direction,
    changed: Changed,
) -> Result<Vec<Invitation>, Error> {
    match direction {
        Direction::Received if changed.first_read => Ok(Vec::new()),
        Direction::Received => Ok(changed.arrived),
        Direction::Sent => {
            sent_changed(w, account, &changed).await?;
            // Also when nothing changed: what a failed ask left is asked again.
            ask_about_departures(w, account).await?;
            Ok(Vec::new())
        }
    }
}

/// Written only when something changed, or counting starts (a first read, or the first check
/// after an update that brought the stats).
async fn sent_changed(w: &Worker<'_>, account: &Account, changed: &Changed) -> Result<(), Error> {
    let api = providers::api(account.provider);
    // Our own sends tell best; else the list, where it shows notes. A ledger that cannot be
    // read only leaves the note unknown.
    let ledger: Ledger = Stored::read(w, &[LEDGER_KEY])
        .await?
        .get_or_default(LEDGER_KEY);
    let key = ledger_key(account);
    let note_of = |invitation: &Invitation| {
        ledger
            .note_sent_to(&key, invitation.person.ledger_name())
            .or_else(|| api.lists_notes().then_some(invitation.note.is_some()))
    };
    let now_ms = w.env.clock.now_ms();
    store::update_informative(w, &stats_key(&account.id), |stats: &mut AccountStats| {
        let started = stats.start(now_ms);
        let arrived = !changed.first_read && stats.arrived(&changed.arrived, note_of, now_ms);
        let left = stats.left(&changed.left, api.tells_acceptance(), now_ms);
        ((), started || arrived || left)
    })
    .await
}

/// An invitation withdrawn from Invite Desk.
pub async fn withdrawn_by_us(
    w: &Worker<'_>,
    account: &Account,
    invitation: &Invitation,
) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    store::update_informative(w, &stats_key(&account.id), |stats: &mut AccountStats| {
        ((), stats.withdrawn(&invitation.id, now_ms))
    })
    .await
}

/// Asks the provider, where it can tell, whether the invitations gone from the sent list were
/// accepted: a few per check of the sent list, each answer stored as it comes. A failed ask
/// stops the round; the ones not asked wait for the next check.
async fn ask_about_departures(w: &Worker<'_>, account: &Account) -> Result<(), Error> {
    if !providers::api(account.provider).tells_acceptance() {
        return Ok(());
    }
    let key = stats_key(&account.id);
    let stats: AccountStats = Stored::read(w, &[&key]).await?.get_or_default(&key);
    let client = Client::new(account, w.env);
    for (id, profile) in stats.to_ask() {
        let Ok(relationship) = client.invitation_status(&profile).await else {
            break;
        };
        let answer = match relationship.state {
            RelationshipState::Connected => Answer::Connected,
            RelationshipState::PendingSent => Answer::StillPending,
            RelationshipState::PendingReceived | RelationshipState::NoInvitation => {
                Answer::NotConnected
            }
        };
        store::update_informative(w, &key, |stats: &mut AccountStats| {
            ((), stats.answered(&id, answer))
        })
        .await?;
    }
    Ok(())
}

/// Announces `arrived`, new received invitations across accounts, in one notification, when
/// the person turned notifications on and the popup is not open. Not shown is not lost: the
/// badge and the list have them.
pub async fn announce(w: &Worker<'_>, arrived: &[Invitation]) -> Result<(), Error> {
    let Some(notice) = notices::new_invitations(arrived) else {
        return Ok(());
    };
    let settings = Stored::read(w, &["settings"]).await?.settings();
    if !settings.notify_new || w.env.notifier.popup_open().await {
        return Ok(());
    }
    w.env.notifier.notify(&notice).await
}

/// A notification's Accept button: that invitation is accepted as from the popup; a failure
/// is said in a notification of its own.
pub async fn accept_clicked(w: &Worker<'_>, notice: &str, button: usize) -> Result<(), Error> {
    let Some((account, invitation)) = notices::accept_target(notice, button) else {
        return Ok(());
    };
    w.env.notifier.clear(notice).await?;
    match actions::act(
        w,
        &account,
        &invitation,
        actions::ListedAction::Accept,
        false,
    )
    .await
    {
        Ok(_) => Ok(()),
        Err(error) => {
            w.env
                .notifier
                .notify(&notices::accept_failed(notice, &error))
                .await
        }
    }
}
