//! Keeping each account's lists in sync: on install, start and changed settings, on the polling
//! alarm, when the popup opens and on its Refresh, each list due (`sync::due`) is checked
//! (`Client::check`), what was found stored (`store::update_list`) and observed
//! (`observe.rs`: the stats, the notification of new invitations); then the automatic withdraw
//! rule looks at the sent lists (`jobs::apply_rules`).

use super::effects::Presence;
use super::{jobs, observe, store, Worker};
use crate::accounts;
use crate::age::later;
use crate::client::Client;
use crate::error::{Error, ErrorKind};
use crate::lists::{Changed, List};
use crate::model::{Account, Direction, Invitation};
use crate::sync::{due, Due, Occasion};
use futures_util::future::join_all;
use store::Stored;

pub const REFRESH_ALARM: &str = "refresh";

/// On install and browser start, and when the settings change: (re)arm the polling alarm and
/// the watch on the machine's idle state, move an earlier version's snapshot into per-account
/// lists, then check what is due.
pub async fn start(w: &Worker<'_>) -> Result<(), Error> {
    start_for(w, Occasion::Schedule).await
}

/// Invite Desk was updated: as at a start, then every list read in full.
pub async fn updated(w: &Worker<'_>) -> Result<(), Error> {
    start_for(w, Occasion::Updated).await
}

async fn start_for(w: &Worker<'_>, occasion: Occasion) -> Result<(), Error> {
    let settings = Stored::read(w, &["settings"]).await?.settings();
    w.env
        .timers
        .repeat(REFRESH_ALARM, settings.poll_minutes())
        .await?;
    w.env.presence.watch(idle_after_s(&settings));
    store::migrate_snapshot(w, w.env.clock.now_ms()).await?;
    // A job left running when the browser closed goes on.
    w.env
        .timers
        .wake_at(jobs::JOBS_ALARM, w.env.clock.now_ms())
        .await?;
    sync(w, occasion).await
}

/// The polling alarm: a sync, which while the machine is idle or locked asks the providers
/// nothing; the person's return (`returned`) checks what is due.
pub async fn poll(w: &Worker<'_>) -> Result<(), Error> {
    let settings = Stored::read(w, &["settings"]).await?.settings();
    let occasion = match w.env.presence.away(idle_after_s(&settings)).await {
        true => Occasion::Away,
        false => Occasion::Schedule,
    };
    sync(w, occasion).await
}

/// The machine's idle state changed: back at it, the person gets what is due checked at once,
/// so the badge they see is no more than a poll period old.
pub async fn presence_changed(w: &Worker<'_>, state: Presence) -> Result<(), Error> {
    match state {
        Presence::Active => sync(w, Occasion::Schedule).await,
        Presence::Away => Ok(()),
    }
}

/// No input for a poll period makes the machine idle: a poll then would refresh a badge no
/// one looks at. Browsers take 15 seconds at least.
fn idle_after_s(settings: &crate::settings::Settings) -> u32 {
    (settings.poll_minutes() * 60.0).max(15.0) as u32
}

/// The accounts changed in Options: lists of removed accounts go, new accounts are read, and
/// an account edited to another LinkedIn account, provider or address is both.
pub async fn accounts_changed(w: &Worker<'_>) -> Result<(), Error> {
    let stored = Stored::read(w, &["accounts", "view"]).await?;
    let view: crate::snapshot::View = stored.get_or_default("view");
    let listed: Vec<String> = view.accounts.into_iter().map(|a| a.id).collect();
    let accounts = stored.accounts();
    store::remove_lists_except(w, &accounts, &listed).await?;
    let heads = store::read_heads(w, &accounts).await?;
    let edited: Vec<&str> = accounts
        .iter()
        .filter(|account| {
            let read_from = accounts::read_from(account);
            heads.iter().any(|(id, _, head)| {
                *id == account.id && head.read_from.as_ref().is_some_and(|f| *f != read_from)
            })
        })
        .map(|account| account.id.as_str())
        .collect();
    store::forget(w, &edited).await?;
    let synced = sync(w, Occasion::Schedule).await;
    // After this sync, which waits for one under way: what a check of a removed account wrote
    // back meanwhile goes too.
    store::clean_up(w).await?;
    synced
}

/// The person let the browser reach a provider: the lists refused for want of that are checked
/// now, not at the next poll.
pub async fn access_granted(w: &Worker<'_>) -> Result<(), Error> {
    let accounts = Stored::read(w, &["accounts"]).await?.accounts();
    let heads = store::read_heads(w, &accounts).await?;
    for (id, direction, head) in heads {
        let refused = head
            .error
            .is_some_and(|error| error.kind == ErrorKind::NotAllowed);
        if let Some(account) = accounts.iter().find(|a| a.id == id).filter(|_| refused) {
            check(w, account, direction, Due::Check).await?;
        }
    }
    jobs::apply_rules(w).await
}

/// Checks every list that is due on `occasion`, all accounts at once, and stores what each
/// found; a list whose check fails keeps its rows and shows the error. A sync waits for one
/// under way, then checks what is still due.
pub async fn sync(w: &Worker<'_>, occasion: Occasion) -> Result<(), Error> {
    let _syncing = w.sync_lock.lock().await;
    let stored = Stored::read(w, &["accounts", "settings"]).await?;
    let accounts = stored.accounts();
    let settings = stored.settings();
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let checked = store::checked_at(w, &ids).await?;
    let heads = store::read_heads(w, &accounts).await?;
    let now_ms = w.env.clock.now_ms();
    let due_lists: Vec<(&Account, Direction, Due)> = heads
        .iter()
        .filter_map(|(id, direction, head)| {
            let account = accounts.iter().find(|a| &a.id == id)?;
            let session = checked.get(&store::checked_key(id, *direction)).copied();
            let last = later(session, head.checked_at_ms);
            let reports_total = crate::providers::api(account.provider).reports_total();
            let due = due(
                occasion,
                *direction,
                last,
                head.reconciled_at_ms,
                (&settings, reports_total),
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
            let mut arrived = Vec::new();
            for (direction, due) in mine {
                arrived.extend(check(w, account, direction, due).await?);
            }
            Ok::<Vec<Invitation>, Error>(arrived)
        }
    }))
    .await;
    if due_lists.is_empty() {
        // Nothing was due: the badge still goes up from what is stored.
        store::refresh_view(w).await?;
    }
    // The automatic withdraw rule looks at the lists as they now stand; a rule that cannot run
    // does not keep the news from being announced.
    let ruled = jobs::apply_rules(w).await;
    let arrived: Vec<Invitation> = results.iter().flatten().flatten().cloned().collect();
    // A notification that cannot be shown is not news lost: the badge and the list have it.
    let _announced = observe::announce(w, &arrived).await;
    store::record_ended(w, store::Ended::Sync, w.env.clock.now_ms()).await?;
    ruled?;
    results.into_iter().try_for_each(|result| result.map(drop))
}

/// One check of one list, stored, its changes observed (`observe::seen`); gives back the
/// received invitations that are news.
pub async fn check(
    w: &Worker<'_>,
    account: &Account,
    direction: Direction,
    due: Due,
) -> Result<Vec<Invitation>, Error> {
    let read_from = accounts::read_from(account);
    let mut list = store::read_list(w, &account.id, direction).await?;
    // Edited in Options to another LinkedIn account, provider or address: what was read for
    // the old one goes, and the new one is read as a new account is, announcing nothing.
    if list
        .head
        .read_from
        .as_ref()
        .is_some_and(|from| *from != read_from)
    {
        store::forget(w, &[&account.id]).await?;
        list = List::empty(&account.id, direction);
    }
    let held = list.held(w.env.clock.now_ms());
    let mode = list.check_mode(due, w.env.clock.now_ms());
    let outcome = Client::new(account, w.env)
        .check(direction, held.clone(), mode)
        .await;
    // Removed or edited in Options while the check ran: what it found is no longer this
    // entry's, and nothing is written for it.
    let still = Stored::read(w, &["accounts"]).await?.accounts();
    if !still
        .iter()
        .any(|a| a.id == account.id && accounts::read_from(a) == read_from)
    {
        return Ok(Vec::new());
    }
    let now_ms = w.env.clock.now_ms();
    let changed = store::update_list(w, &account.id, direction, |list| {
        list.read_from(&read_from);
        if let Ok(checked) = &outcome {
            list.order_seen(mode, checked.contradicted, now_ms);
        }
        match outcome.map(|checked| checked.found) {
            Ok(found) if found.is_nothing(list.head.total) => Changed::default(),
            Ok(found) => list.apply(found, &held, now_ms),
            Err(failed) => {
                list.failed(failed.error, failed.total, now_ms);
                Changed::default()
            }
        }
    })
    .await?;
    store::record_checked(w, &account.id, direction, now_ms).await?;
    observe::seen(w, account, direction, changed).await
}
