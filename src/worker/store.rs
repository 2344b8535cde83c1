//! The worker's storage. Every read-modify-write goes through one lock, so two changes never
//! interleave: each re-reads what it changes, changes it and writes it. The invitation lists
//! are read and written per account and direction (`lists.rs`); each change of them rewrites
//! the popup's first screen and the badge when those change. The jobs are read whole and
//! written by the chunks that changed (`job_chunks.rs`). The time of every check goes to
//! session storage, which costs no disk write.

use super::effects::Area;
use super::Worker;
use crate::accounts;
use crate::bulk::Job;
use crate::error::{Error, ErrorKind};
use crate::job_chunks::{self, JOBS_KEY};
use crate::limits::LEDGER_KEY;
use crate::lists::{self, head_key, Head, List, Writes};
use crate::model::{Account, Direction, Invitation};
use crate::settings::{self, Settings};
use crate::snapshot::{ListTop, View, FIRST_SCREEN_ROWS};
use crate::stats::{stats_key, AccountStats};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};

/// Stored values by key, each kept as JSON until decoded on its own, so one damaged value
/// cannot hide the others.
#[derive(Default)]
pub struct Stored {
    values: HashMap<String, Box<RawValue>>,
}

impl Stored {
    pub async fn read(w: &Worker<'_>, keys: &[&str]) -> Result<Stored, Error> {
        Stored::read_from(w, Area::Local, keys).await
    }

    pub(crate) async fn read_from(
        w: &Worker<'_>,
        area: Area,
        keys: &[&str],
    ) -> Result<Stored, Error> {
        if keys.is_empty() {
            return Ok(Stored::default());
        }
        let text = w.env.storage.get(area, keys).await?;
        Ok(Stored::from_json(&text))
    }

    /// The values of a JSON object of stored values; none when it is not one.
    pub fn from_json(text: &str) -> Stored {
        Stored {
            values: serde_json::from_str(text).unwrap_or_default(),
        }
    }

    pub fn raw(&self, key: &str) -> Option<&RawValue> {
        self.values.get(key).map(|raw| &**raw)
    }

    /// The value under `key`; `None` when absent or unreadable.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_str(self.raw(key)?.get()).ok()
    }

    /// The value under `key`, or its default when absent or written by an older version.
    pub fn get_or_default<T: DeserializeOwned + Default>(&self, key: &str) -> T {
        self.get(key).unwrap_or_default()
    }

    /// The value under `key`, its default when absent; a value that is there but cannot be read
    /// is an error naming it, never taken for empty: a damaged ledger read as empty would lift
    /// every cap.
    pub fn readable<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T, Error> {
        match self.raw(key) {
            None => Ok(T::default()),
            Some(raw) => serde_json::from_str(raw.get()).map_err(|_| damaged_error(key)),
        }
    }

    /// The settings, read field by field (`settings::read_stored`): a field that cannot be read
    /// never widens a cap.
    pub fn settings(&self) -> Settings {
        let value = self
            .raw("settings")
            .map(|raw| serde_json::from_str(raw.get()).unwrap_or(serde_json::Value::Bool(false)));
        settings::read_stored(value.as_ref()).0
    }

    /// The stored accounts that can be used.
    pub fn accounts(&self) -> Vec<Account> {
        accounts::read(self.raw("accounts")).0
    }
}

/// A stored value whose damage stops work, as the options page lists it for repair.
#[derive(Clone, Copy)]
pub struct Guarded {
    pub key: &'static str,
    pub name: &'static str,
    /// What resetting it means for the person, said before they choose it.
    pub reset_means: fn() -> String,
}

pub const GUARDED: [Guarded; 2] = [
    Guarded {
        key: LEDGER_KEY,
        name: "limits ledger",
        reset_means: || {
            let days = |ms: f64| ms / crate::age::DAY_MS;
            format!(
                "Invite Desk no longer knows what this browser sent lately, so after a reset it \
                 sends no invitation for {} days, and none with a note for {}, to keep your \
                 LinkedIn account safe.",
                days(crate::limits::WEEK_MS),
                days(crate::limits::MONTH_MS)
            )
        },
    },
    Guarded {
        key: "jobs",
        name: "bulk jobs",
        reset_means: || {
            "Bulk jobs in progress are forgotten; what they already did stays done.".into()
        },
    },
];

/// Which of the guarded values in `stored` cannot be read.
pub fn damaged(stored: &Stored) -> Vec<&'static str> {
    let ledger = stored
        .readable::<crate::limits::Ledger>(LEDGER_KEY)
        .is_err();
    let jobs = stored.readable::<Vec<Job>>(JOBS_KEY).is_err();
    [(ledger, LEDGER_KEY), (jobs, "jobs")]
        .into_iter()
        .filter_map(|(damaged, key)| damaged.then_some(key))
        .collect()
}

/// The chunks the stored jobs' heads name, which a reader of `jobs` needs beside it; none when
/// the heads cannot be read.
pub fn job_chunk_keys(stored: &Stored) -> Vec<String> {
    let heads: Vec<Job> = stored.get(JOBS_KEY).unwrap_or_default();
    heads.iter().flat_map(job_chunks::item_keys).collect()
}

/// Whether a chunk the stored jobs' heads name is missing or unreadable in `stored`, which
/// holds the heads and their chunks (`job_chunk_keys`): the jobs are as damaged as when their
/// heads are.
pub fn job_chunks_damaged(stored: &Stored) -> bool {
    let Ok(heads) = stored.readable::<Vec<Job>>(JOBS_KEY) else {
        return false;
    };
    job_chunks::assemble(heads, |key| stored.raw(key), || damaged_error(JOBS_KEY)).is_err()
}

/// Replaces the damaged value under `key` (`ledger` or `jobs`), keeping it aside under
/// `damaged:{key}`. Jobs start again empty. The ledger cannot know what was sent lately, so
/// every account's sending stops for a week, notes for a month: failing closed.
pub async fn repair(w: &Worker<'_>, key: &str) -> Result<(), Error> {
    let _writing = w.store_lock.lock().await;
    let stored = Stored::read(w, &[key, "accounts"]).await?;
    let chunk_damaged = key == JOBS_KEY && read_jobs(w).await.is_err();
    if !damaged(&stored).contains(&key) && !chunk_damaged {
        return Ok(());
    }
    let now = crate::clocks::Trusted::machine(w.env.clock.now_ms());
    let mut writes = Writes::default();
    if let Some(raw) = stored.raw(key) {
        writes.put(format!("damaged:{key}"), raw);
    }
    match key {
        LEDGER_KEY => {
            let mut ledger = crate::limits::Ledger::default();
            for account in stored.accounts() {
                ledger.unknown_history(&crate::limits::ledger_key(&account), now);
            }
            writes.put(key.to_owned(), &ledger);
        }
        _ => {
            writes.put(key.to_owned(), &Vec::<Job>::new());
            writes.remove = job_chunks::orphans(&w.env.storage.keys().await?, &[]);
        }
    }
    write(w, writes).await
}

/// The stored value under `key` cannot be read: the error names it as the person knows it.
pub fn damaged_error(key: &str) -> Error {
    let name = GUARDED
        .iter()
        .find(|guarded| guarded.key == key)
        .map_or(key, |guarded| guarded.name);
    Error::damaged(key, name)
}

/// Re-reads the value under `key`, changes it and writes it, under the one lock. A damaged
/// value is not overwritten: the change is refused.
pub async fn update<T, R>(
    w: &Worker<'_>,
    key: &str,
    change: impl FnOnce(&mut T) -> R,
) -> Result<R, Error>
where
    T: Serialize + DeserializeOwned + Default,
{
    read_change_write(w, key, false, |value| (change(value), true)).await
}

/// As `update`, for a value that only informs, such as the stats: written only when `change`
/// says it changed it, and a damaged one is set aside under `damaged:{key}` and starts again
/// empty, rather than stopping the work.
pub async fn update_informative<T, R>(
    w: &Worker<'_>,
    key: &str,
    change: impl FnOnce(&mut T) -> (R, bool),
) -> Result<R, Error>
where
    T: Serialize + DeserializeOwned + Default,
{
    read_change_write(w, key, true, change).await
}

async fn read_change_write<T, R>(
    w: &Worker<'_>,
    key: &str,
    set_aside_damaged: bool,
    change: impl FnOnce(&mut T) -> (R, bool),
) -> Result<R, Error>
where
    T: Serialize + DeserializeOwned + Default,
{
    let _writing = w.store_lock.lock().await;
    let stored = Stored::read(w, &[key]).await?;
    let mut writes = Writes::default();
    let mut value: T = match (stored.readable(key), stored.raw(key)) {
        (Ok(value), _) => value,
        (Err(_), Some(raw)) if set_aside_damaged => {
            writes.put(format!("damaged:{key}"), raw);
            T::default()
        }
        (Err(error), _) => return Err(error),
    };
    let (result, changed) = change(&mut value);
    if changed || !writes.is_empty() {
        writes.put(key.to_owned(), &value);
        write(w, writes).await?;
    }
    Ok(result)
}

/// The stored account `id`, or what to do when it is gone.
pub fn stored_account(stored: &Stored, id: &str) -> Result<Account, Error> {
    stored
        .accounts()
        .into_iter()
        .find(|account| account.id == id)
        .ok_or_else(|| {
            Error::new(ErrorKind::NotFound)
                .with_detail("this account was removed or changed in Options; reopen the popup")
        })
}

/// Every account's stats, with the account; a damaged one is an error naming it.
pub async fn read_stats(w: &Worker<'_>) -> Result<Vec<(Account, AccountStats)>, Error> {
    let accounts = Stored::read(w, &["accounts"]).await?.accounts();
    let keys: Vec<String> = accounts.iter().map(|a| stats_key(&a.id)).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let stored = Stored::read(w, &keys).await?;
    accounts
        .into_iter()
        .zip(keys)
        .map(|(account, key)| Ok((account, stored.readable(key)?)))
        .collect()
}

/// The bulk jobs, whole: their items read from their chunks (`job_chunks.rs`). Damaged heads
/// read as no jobs here (`update_jobs` refuses them); a damaged chunk is refused.
pub async fn read_jobs(w: &Worker<'_>) -> Result<Vec<Job>, Error> {
    let heads = Stored::read(w, &[JOBS_KEY]).await?.get_or_default(JOBS_KEY);
    with_items(w, heads).await
}

async fn with_items(w: &Worker<'_>, heads: Vec<Job>) -> Result<Vec<Job>, Error> {
    let keys: Vec<String> = heads.iter().flat_map(job_chunks::item_keys).collect();
    if keys.is_empty() {
        return Ok(heads);
    }
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let stored = Stored::read(w, &keys).await?;
    job_chunks::assemble(heads, |key| stored.raw(key), || damaged_error(JOBS_KEY))
}

/// Re-reads the jobs, changes them and writes their heads and the chunks that changed, under
/// the one lock. Damaged jobs are not overwritten: the change is refused.
pub async fn update_jobs<R>(
    w: &Worker<'_>,
    change: impl FnOnce(&mut Vec<Job>) -> R,
) -> Result<R, Error> {
    let _writing = w.store_lock.lock().await;
    let heads = Stored::read(w, &[JOBS_KEY]).await?.readable(JOBS_KEY)?;
    let before = with_items(w, heads).await?;
    let mut jobs = before.clone();
    let result = change(&mut jobs);
    write(w, job_chunks::writes(&before, &jobs)).await?;
    Ok(result)
}

/// `account`'s list of `direction` with every row.
pub async fn read_list(w: &Worker<'_>, account: &str, direction: Direction) -> Result<List, Error> {
    let key = head_key(account, direction);
    let head: Head = Stored::read(w, &[&key]).await?.get_or_default(&key);
    let keys = head.chunk_keys(account, direction);
    let chunks = read_chunks(w, &keys).await?;
    Ok(List::new(account, direction, head, &chunks))
}

async fn read_chunks(
    w: &Worker<'_>,
    keys: &[String],
) -> Result<HashMap<String, Vec<Invitation>>, Error> {
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let stored = Stored::read(w, &keys).await?;
    Ok(keys
        .iter()
        .filter_map(|key| Some((key.to_string(), stored.get(key)?)))
        .collect())
}

/// Re-reads `account`'s list of `direction`, changes it and writes what changed, then the
/// view and the badge.
pub async fn update_list<R>(
    w: &Worker<'_>,
    account: &str,
    direction: Direction,
    change: impl FnOnce(&mut List) -> R,
) -> Result<R, Error> {
    let _writing = w.store_lock.lock().await;
    let mut list = read_list(w, account, direction).await?;
    let result = change(&mut list);
    let writes = list.writes();
    if !writes.is_empty() {
        write(w, writes).await?;
        write_view(w).await?;
    }
    Ok(result)
}

async fn write(w: &Worker<'_>, writes: Writes) -> Result<(), Error> {
    write_to(w, Area::Local, &writes).await?;
    if writes.remove.is_empty() {
        return Ok(());
    }
    w.env.storage.remove(&writes.remove).await
}

pub(crate) async fn write_to(w: &Worker<'_>, area: Area, writes: &Writes) -> Result<(), Error> {
    if writes.set.is_empty() {
        return Ok(());
    }
    // Our own types always serialize.
    let text = serde_json::to_string(writes).unwrap_or_default();
    w.env.storage.set(area, &text).await
}

/// The view of the accounts as stored, written with the badge when it changed, and the badge
/// set.
pub async fn refresh_view(w: &Worker<'_>) -> Result<(), Error> {
    let _writing = w.store_lock.lock().await;
    write_view(w).await
}

async fn write_view(w: &Worker<'_>) -> Result<(), Error> {
    let stored = Stored::read(w, &["accounts", "view"]).await?;
    let (accounts, unreadable) = accounts::read(stored.raw("accounts"));
    let heads = read_heads(w, &accounts).await?;
    let first_keys: Vec<String> = heads
        .iter()
        .flat_map(|(account, direction, head)| {
            head.first_chunk_keys(account, *direction, FIRST_SCREEN_ROWS)
        })
        .collect();
    let chunks = read_chunks(w, &first_keys).await?;
    let lists = heads
        .iter()
        .map(|(account, direction, head)| ListTop {
            account,
            direction: *direction,
            head,
            rows: List::new(account, *direction, head.clone(), &chunks)
                .rows()
                .take(FIRST_SCREEN_ROWS)
                .cloned()
                .collect(),
        })
        .collect();
    let view = View::of(&accounts, unreadable, lists);
    let badge = view.badge();
    if stored.get::<View>("view").as_ref() != Some(&view) {
        let mut writes = Writes::default();
        writes.put("view".to_owned(), &view);
        writes.put("badge".to_owned(), &badge);
        write(w, writes).await?;
    }
    w.env.toolbar.show(&badge).await
}

/// The heads of every list of `accounts`.
pub async fn read_heads(
    w: &Worker<'_>,
    accounts: &[Account],
) -> Result<Vec<(String, Direction, Head)>, Error> {
    let keys: Vec<(String, Direction, String)> = accounts
        .iter()
        .flat_map(|account| {
            Direction::BOTH.map(|d| (account.id.clone(), d, head_key(&account.id, d)))
        })
        .collect();
    let names: Vec<&str> = keys.iter().map(|(_, _, key)| key.as_str()).collect();
    let stored = Stored::read(w, &names).await?;
    Ok(keys
        .into_iter()
        .map(|(account, direction, key)| {
            let head = stored.get_or_default(&key);
            (account, direction, head)
        })
        .collect())
}

/// Every row of every list of the accounts in the stored view, each direction merged newest
/// first: what the popup shows once the first screen is up.
pub async fn read_all_lists(w: &Worker<'_>) -> Result<AllLists, Error> {
    let view: View = Stored::read(w, &["view"]).await?.get_or_default("view");
    let mut all = AllLists::default();
    for status in &view.accounts {
        for direction in Direction::BOTH {
            let rows = read_list(w, &status.id, direction)
                .await?
                .rows()
                .cloned()
                .collect::<Vec<_>>();
            match direction {
                Direction::Received => all.received.extend(rows),
                Direction::Sent => all.sent.extend(rows),
            }
        }
    }
    all.received = crate::snapshot::newest_first(all.received);
    all.sent = crate::snapshot::newest_first(all.sent);
    Ok(all)
}

#[derive(Debug, Default, Serialize)]
pub struct AllLists {
    pub received: Vec<Invitation>,
    pub sent: Vec<Invitation>,
}

/// Removes the lists of accounts that are no longer stored.
pub async fn remove_lists_except(
    w: &Worker<'_>,
    accounts: &[Account],
    gone: &[String],
) -> Result<(), Error> {
    let gone: Vec<&str> = gone
        .iter()
        .map(String::as_str)
        .filter(|id| accounts.iter().all(|a| a.id != *id))
        .collect();
    forget(w, &gone).await
}

/// Removes the lists, rows and stats of the accounts `ids`, and writes the view without them.
pub async fn forget(w: &Worker<'_>, ids: &[&str]) -> Result<(), Error> {
    let _writing = w.store_lock.lock().await;
    let mut keys = Vec::new();
    for account in ids {
        for direction in Direction::BOTH {
            let key = head_key(account, direction);
            let head: Head = Stored::read(w, &[&key]).await?.get_or_default(&key);
            keys.extend(List::all_keys(&head, account, direction));
        }
        keys.push(stats_key(account));
    }
    write(
        w,
        Writes {
            remove: keys,
            ..Writes::default()
        },
    )
    .await?;
    write_view(w).await
}

/// Removes what nothing stored names any more (`lists::orphans`, `job_chunks::orphans`): what a
/// check wrote back for an account removed while it ran, row chunks no head names, and job
/// chunks no job names.
pub async fn clean_up(w: &Worker<'_>) -> Result<(), Error> {
    let _writing = w.store_lock.lock().await;
    let keys = w.env.storage.keys().await?;
    let accounts = Stored::read(w, &["accounts"]).await?.accounts();
    let heads: Vec<(&str, Direction, String)> = accounts
        .iter()
        .flat_map(|a| Direction::BOTH.map(|d| (a.id.as_str(), d, head_key(&a.id, d))))
        .collect();
    let names: Vec<&str> = heads.iter().map(|(_, _, key)| key.as_str()).collect();
    let stored = Stored::read(w, &names).await?;
    let mut named = HashSet::new();
    let mut unread = HashSet::new();
    for (account, direction, key) in &heads {
        match stored.readable::<Head>(key) {
            Ok(head) => named.extend(head.chunk_keys(account, *direction)),
            Err(_) => {
                unread.insert(*account);
            }
        }
    }
    let ids: Vec<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    let read: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !unread.contains(id))
        .collect();
    let mut orphans = lists::orphans(&keys, &ids, &read, &named);
    if let Ok(jobs) = Stored::read(w, &[JOBS_KEY])
        .await?
        .readable::<Vec<Job>>(JOBS_KEY)
    {
        orphans.extend(job_chunks::orphans(&keys, &jobs));
    }
    if orphans.is_empty() {
        return Ok(());
    }
    w.env.storage.remove(&orphans).await
}

/// When each list of the accounts `ids` was last checked, from session storage.
pub async fn checked_at(w: &Worker<'_>, ids: &[&str]) -> Result<HashMap<String, f64>, Error> {
    let keys: Vec<String> = ids
        .iter()
        .flat_map(|id| Direction::BOTH.map(|d| checked_key(id, d)))
        .collect();
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();
    let stored = Stored::read_from(w, Area::Session, &names).await?;
    Ok(keys
        .into_iter()
        .filter_map(|key| {
            let at = stored.get::<f64>(&key)?;
            Some((key, at))
        })
        .collect())
}

pub fn checked_key(account: &str, direction: Direction) -> String {
    format!("checked:{}:{account}", direction.name())
}

/// Remembers that a list was checked at `now_ms`, in session storage.
pub async fn record_checked(
    w: &Worker<'_>,
    account: &str,
    direction: Direction,
    now_ms: f64,
) -> Result<(), Error> {
    let mut writes = Writes::default();
    writes.put(checked_key(account, direction), &now_ms);
    write_to(w, Area::Session, &writes).await
}

/// Work whose end is recorded in session storage, whatever it found: the moment a page (or a
/// test) can trust that every step of it ran, the ones that do nothing visible included.
#[derive(Debug, Clone, Copy)]
pub enum Ended {
    /// A look at every due list, and what follows it: the automatic rule, the announcement.
    Sync,
    /// A run of the jobs' due steps, up to the next wake-up set.
    JobSteps,
}

impl Ended {
    fn key(self) -> &'static str {
        match self {
            Ended::Sync => "synced",
            Ended::JobSteps => "jobs_advanced",
        }
    }
}

pub async fn record_ended(w: &Worker<'_>, work: Ended, now_ms: f64) -> Result<(), Error> {
    let mut writes = Writes::default();
    writes.put(work.key().to_owned(), &now_ms);
    write_to(w, Area::Session, &writes).await
}

/// When each account of the stored view was last checked, either list, for the popup.
pub async fn last_checked(w: &Worker<'_>) -> Result<Vec<LastChecked>, Error> {
    let view: View = Stored::read(w, &["view"]).await?.get_or_default("view");
    let ids: Vec<&str> = view.accounts.iter().map(|a| a.id.as_str()).collect();
    let session = checked_at(w, &ids).await?;
    Ok(view
        .accounts
        .iter()
        .map(|account| {
            let times = Direction::BOTH.map(|d| session.get(&checked_key(&account.id, d)).copied());
            LastChecked {
                label: account.label.clone(),
                checked_at_ms: times
                    .into_iter()
                    .fold(account.checked_at_ms, crate::age::later),
            }
        })
        .collect())
}

#[derive(Debug, Serialize)]
pub struct LastChecked {
    pub label: String,
    pub checked_at_ms: Option<f64>,
}

/// Moves the lists out of a `snapshot` written by an earlier version into per-account lists,
/// then removes it. A list already kept the new way is left as it is.
pub async fn migrate_snapshot(w: &Worker<'_>, now_ms: f64) -> Result<(), Error> {
    let _writing = w.store_lock.lock().await;
    let stored = Stored::read(w, &["snapshot", "accounts"]).await?;
    let Some(raw) = stored.raw("snapshot") else {
        return Ok(());
    };
    let accounts = stored.accounts();
    let kept: Vec<(String, Direction)> = read_heads(w, &accounts)
        .await?
        .into_iter()
        .filter(|(_, _, head)| *head != Head::default())
        .map(|(account, direction, _)| (account, direction))
        .collect();
    let mut writes = lists::migrated(raw.get(), &accounts, &kept, now_ms);
    writes.remove.push("snapshot".to_owned());
    write(w, writes).await?;
    write_view(w).await
}
