//! How the invitation lists are kept in `chrome.storage.local`: per account and direction, a
//! small head (the provider's count, where the rows are, what the sync engine needs) and the
//! rows in chunks of `CHUNK_ROWS`, each under its own key. A change rewrites the head and the
//! chunks it touched, never the whole list: accepting one of 10,000 invitations writes one
//! chunk. Pure: the worker reads the keys named here and writes what `List::writes` gives.

use crate::age::DAY_MS;
use crate::error::Error;
use crate::model::{Account, Direction, Invitation};
use crate::sync::{Found, Held};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Rows per chunk: one chunk, the head and the popup's first screen stay well under 64 KB.
pub const CHUNK_ROWS: usize = 50;
/// Ids of the first rows kept in the head: a check that finds the provider's first page equal
/// to them and the count unchanged reads nothing else from storage. As many as the largest
/// first page any API serves (Unipile v1's sent list, 250).
pub const TOP_IDS: usize = 250;
/// How long an invitation acted on stays out of fetched lists: a provider may list it for a
/// while after the action, and a check that started before the action brings it back.
pub const HANDLED_MEMORY_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The key of the head of `account`'s list of `direction`.
pub fn head_key(account: &str, direction: Direction) -> String {
    format!("list:{}:{account}", direction.name())
}

fn chunk_key(account: &str, direction: Direction, seq: u64) -> String {
    format!("rows:{}:{account}:{seq}", direction.name())
}

/// A list's head: small, read on every check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Head {
    /// The provider's count, acted-on invitations left out; `None` where the API gives none,
    /// or before the first check.
    pub total: Option<u64>,
    /// The chunks, newest rows first.
    pub chunks: Vec<ChunkRef>,
    pub next_seq: u64,
    /// The ids of the first `TOP_IDS` rows.
    pub top: Vec<String>,
    /// When a check last found something, or failed (the worker keeps the time of every check
    /// in session storage, which costs no disk write).
    pub checked_at_ms: Option<f64>,
    /// When the whole list was last read.
    pub reconciled_at_ms: Option<f64>,
    pub error: Option<Error>,
    pub handled: Vec<Handled>,
    /// Invitations whose action was sent and not yet recorded: before acting on one again, a
    /// check says whether it happened.
    pub acting: Vec<Handled>,
    /// What the rows were read from (`accounts::read_from`); none before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_from: Option<String>,
    /// When the provider's pages last contradicted the model (`sync::Mode::FirstPage`); none
    /// once a check found them as the model expects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unexpected_order_at_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChunkRef {
    pub seq: u64,
    pub len: u32,
}

/// An invitation acted on at `at_ms`; while in flight, by which action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handled {
    pub id: String,
    pub at_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl Head {
    /// How many invitations the popup and the badge count: the provider's total, else the rows.
    pub fn count(&self) -> u64 {
        self.total
            .unwrap_or_else(|| self.chunks.iter().map(|c| u64::from(c.len)).sum())
    }

    /// The keys of the chunks holding the first `rows` rows.
    pub fn first_chunk_keys(
        &self,
        account: &str,
        direction: Direction,
        rows: usize,
    ) -> Vec<String> {
        let mut covered = 0;
        self.chunks
            .iter()
            .take_while(|chunk| {
                let needed = covered < rows;
                covered += chunk.len as usize;
                needed
            })
            .map(|chunk| chunk_key(account, direction, chunk.seq))
            .collect()
    }

    pub fn chunk_keys(&self, account: &str, direction: Direction) -> Vec<String> {
        self.first_chunk_keys(account, direction, usize::MAX)
    }

    /// Ids acted on in the last minutes.
    pub fn recently_handled(&self, now_ms: f64) -> HashSet<String> {
        self.handled
            .iter()
            .filter(|h| now_ms - h.at_ms < HANDLED_MEMORY_MS && h.at_ms <= now_ms)
            .map(|h| h.id.clone())
            .collect()
    }
}

/// What a check found changed in a list at the provider, apart from what was done here.
#[derive(Debug, Default, PartialEq)]
pub struct Changed {
    /// The list had never been read: all of it arrived at once, none of it is news.
    pub first_read: bool,
    /// New at the provider, newest first.
    pub arrived: Vec<Invitation>,
    /// Gone at the provider (accepted, declined or withdrawn elsewhere), as they were held.
    pub left: Vec<Invitation>,
}

/// One list as read from storage, changed in memory, then written back in part.
#[derive(Debug, Clone)]
pub struct List {
    account: String,
    direction: Direction,
    pub head: Head,
    chunks: Vec<Vec<Invitation>>,
    /// Chunks to write, by sequence number.
    dirty: BTreeSet<u64>,
    /// Chunks to delete.
    dropped: Vec<u64>,
    head_changed: bool,
}

/// What to write to storage: values by key, and keys to remove.
#[derive(Debug, Default)]
pub struct Writes {
    pub set: Vec<(String, Box<RawValue>)>,
    pub remove: Vec<String>,
}

impl Serialize for Writes {
    /// The values to set, as one object.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.set.len()))?;
        for (key, value) in &self.set {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Writes {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }

    /// `value` under `key`. Our own types always serialize.
    pub fn put(&mut self, key: String, value: &(impl Serialize + ?Sized)) {
        if let Ok(json) = serde_json::to_string(value).and_then(RawValue::from_string) {
            self.set.push((key, json));
        }
    }

    pub fn extend(&mut self, other: Writes) {
        self.set.extend(other.set);
        self.remove.extend(other.remove);
    }

    /// How many bytes the values hold, as JSON.
    pub fn bytes(&self) -> usize {
        self.set.iter().map(|(k, v)| k.len() + v.get().len()).sum()
    }
}

impl List {
    /// A list from its head and the chunks it names, in its order. A chunk that is missing or
    /// damaged counts as empty: the next check finds the count off and reads the list again.
    pub fn new(
        account: &str,
        direction: Direction,
        head: Head,
        stored: &HashMap<String, Vec<Invitation>>,
    ) -> List {
        let chunks = head
            .chunks
            .iter()
            .map(|chunk| {
                stored
                    .get(&chunk_key(account, direction, chunk.seq))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        List {
            account: account.to_owned(),
            direction,
            head,
            chunks,
            dirty: BTreeSet::new(),
            dropped: Vec::new(),
            head_changed: false,
        }
    }

    pub fn empty(account: &str, direction: Direction) -> List {
        List::new(account, direction, Head::default(), &HashMap::new())
    }

    pub fn rows(&self) -> impl Iterator<Item = &Invitation> {
        self.chunks.iter().flatten()
    }

    pub fn find(&self, id: &str) -> Option<&Invitation> {
        self.rows().find(|row| row.id == id)
    }

    /// What the sync engine starts from.
    pub fn held(&self, now_ms: f64) -> Held {
        Held {
            ids: self.rows().map(|row| row.id.clone()).collect(),
            handled: self.head.recently_handled(now_ms),
        }
    }

    /// An invitation was acted on: it leaves the list and the count, and stays out of lists
    /// fetched in the next minutes. False when it was not in the list.
    pub fn handle(&mut self, id: &str, now_ms: f64) -> bool {
        self.end_acting(id);
        self.head
            .handled
            .retain(|h| now_ms - h.at_ms < HANDLED_MEMORY_MS && h.id != id);
        self.head.handled.push(Handled {
            id: id.to_owned(),
            at_ms: now_ms,
            action: None,
        });
        self.head_changed = true;
        let removed = self.remove(&[id.to_owned()].into_iter().collect());
        if removed > 0 {
            self.head.total = self.head.total.map(|t| t.saturating_sub(removed));
        }
        removed > 0
    }

    /// An action on `id` is about to be sent: stored first, so that a record lost after it
    /// cannot make it go twice.
    pub fn begin_acting(&mut self, id: &str, action: &str, now_ms: f64) {
        self.head.acting.retain(|acting| acting.id != id);
        self.head.acting.push(Handled {
            id: id.to_owned(),
            at_ms: now_ms,
            action: Some(action.to_owned()),
        });
        self.head_changed = true;
    }

    /// The action on `id` is settled, done or not.
    pub fn end_acting(&mut self, id: &str) {
        let before = self.head.acting.len();
        self.head.acting.retain(|acting| acting.id != id);
        self.head_changed |= self.head.acting.len() != before;
    }

    /// The rows are read from `from` (`accounts::read_from`).
    pub fn read_from(&mut self, from: &str) {
        if self.head.read_from.as_deref() != Some(from) {
            self.head.read_from = Some(from.to_owned());
            self.head_changed = true;
        }
    }

    /// The action on `id` sent and not yet recorded, if any.
    pub fn acting_on(&self, id: &str) -> Option<&Handled> {
        self.head.acting.iter().find(|acting| acting.id == id)
    }

    /// A new invitation of ours (a send), on top.
    pub fn add_new(&mut self, invitation: Invitation) {
        if self.find(&invitation.id).is_some() {
            return;
        }
        self.head.total = self.head.total.map(|t| t + 1);
        self.add_top(vec![invitation]);
    }

    /// What a check found, applied to the list as it is now. `before` is what the check
    /// started from: what changed here since (an action, a send) is kept, and the provider's
    /// count, read before it, is corrected by it.
    pub fn apply(&mut self, found: Found, before: &Held, now_ms: f64) -> Changed {
        let now: HashSet<String> = self.rows().map(|r| r.id.clone()).collect();
        let then: HashSet<&String> = before.ids.iter().collect();
        let handled = self.head.recently_handled(now_ms);
        // Never read whole before (a failed first check sets no reconcile time).
        let first_read = self.head.reconciled_at_ms.is_none();
        // Acted on here during the check (and not left the provider's list in its eyes).
        let gone_here: HashSet<&String> =
            before.ids.iter().filter(|id| !now.contains(*id)).collect();
        let new_here: Vec<Invitation> = self
            .rows()
            .filter(|row| !then.contains(&row.id))
            .cloned()
            .collect();
        let changed = match found {
            Found::Changes {
                added,
                removed,
                total,
            } => {
                let removed: HashSet<String> = removed.into_iter().collect();
                let added_ids: HashSet<&String> = added.iter().map(|a| &a.id).collect();
                let unseen_here = new_here
                    .iter()
                    .filter(|r| !added_ids.contains(&r.id))
                    .count();
                let gone_unseen = gone_here
                    .iter()
                    .filter(|id| !removed.contains(**id))
                    .count();
                self.head.total =
                    total.map(|t| (t + unseen_here as u64).saturating_sub(gone_unseen as u64));
                let left = self
                    .rows()
                    .filter(|row| removed.contains(&row.id))
                    .cloned()
                    .collect();
                self.remove(&removed);
                let fresh: Vec<Invitation> = added
                    .into_iter()
                    .filter(|a| !now.contains(&a.id) && !handled.contains(&a.id))
                    .collect();
                self.add_top(fresh.clone());
                Changed {
                    first_read,
                    arrived: fresh,
                    left,
                }
            }
            Found::Everything(all) => {
                let listed: HashSet<&String> = all.iter().map(|a| &a.id).collect();
                let left = self
                    .rows()
                    .filter(|r| then.contains(&r.id) && !listed.contains(&r.id))
                    .cloned()
                    .collect();
                let arrived = all
                    .iter()
                    .filter(|a| {
                        !now.contains(&a.id)
                            && !gone_here.contains(&a.id)
                            && !handled.contains(&a.id)
                    })
                    .cloned()
                    .collect();
                let mut rows: Vec<Invitation> = new_here
                    .iter()
                    .filter(|r| !listed.contains(&r.id))
                    .cloned()
                    .collect();
                rows.extend(
                    all.into_iter()
                        .filter(|a| !gone_here.contains(&a.id) && !handled.contains(&a.id)),
                );
                self.replace(rows);
                self.head.total = Some(self.rows().count() as u64);
                self.head.reconciled_at_ms = Some(now_ms);
                Changed {
                    first_read,
                    arrived,
                    left,
                }
            }
        };
        self.head.error = None;
        self.head.checked_at_ms = Some(now_ms);
        // A list is first read whole or to its end; the next full read is due a period later.
        self.head.reconciled_at_ms.get_or_insert(now_ms);
        self.head_changed = true;
        changed
    }

    /// The rows of an earlier version's snapshot, as they were.
    fn migrate(&mut self, rows: Vec<Invitation>, now_ms: f64) {
        self.replace(rows);
        self.head.total = Some(self.rows().count() as u64);
        // Read recently enough: a check finds what changed since; no full read right away.
        self.head.reconciled_at_ms = Some(now_ms);
        self.head_changed = true;
    }

    /// How the next check reads the list: the model's cheap path, or the first page alone while
    /// the provider's pages contradicted the model within `UNEXPECTED_ORDER_MS`.
    pub fn check_mode(&self, due: crate::sync::Due, now_ms: f64) -> crate::sync::Mode {
        use crate::sync::{Due, Mode, UNEXPECTED_ORDER_MS};
        let lately = self
            .head
            .unexpected_order_at_ms
            .is_some_and(|at| now_ms - at < UNEXPECTED_ORDER_MS);
        match due {
            Due::Everything => Mode::Everything,
            Due::Check if lately => Mode::FirstPage,
            Due::Check => Mode::Cheap,
        }
    }

    /// What a check read as `mode` told of the provider's order: a contradiction is kept with
    /// its time; a cheap check the provider did not contradict clears it.
    pub fn order_seen(&mut self, mode: crate::sync::Mode, contradicted: bool, now_ms: f64) {
        let seen = match (contradicted, mode) {
            (true, _) => Some(now_ms),
            (false, crate::sync::Mode::Cheap) => None,
            (false, _) => self.head.unexpected_order_at_ms,
        };
        if seen != self.head.unexpected_order_at_ms {
            self.head.unexpected_order_at_ms = seen;
            self.head_changed = true;
        }
    }

    /// A check failed: the rows stay, the error shows; a count read before it failed is kept.
    pub fn failed(&mut self, error: Error, total: Option<u64>, now_ms: f64) {
        self.head.total = total.or(self.head.total);
        self.head.error = Some(error);
        self.head.checked_at_ms = Some(now_ms);
        self.head_changed = true;
    }

    /// Removes rows by id; returns how many there were.
    fn remove(&mut self, ids: &HashSet<String>) -> u64 {
        let mut removed = 0;
        for (chunk, rows) in self.head.chunks.iter_mut().zip(&mut self.chunks) {
            let before = rows.len();
            rows.retain(|row| !ids.contains(&row.id));
            if rows.len() != before {
                removed += (before - rows.len()) as u64;
                chunk.len = rows.len() as u32;
                self.dirty.insert(chunk.seq);
            }
        }
        removed
    }

    /// Puts `items` (newest first) above every row: into the first chunk while it has room,
    /// else into new chunks before it.
    fn add_top(&mut self, items: Vec<Invitation>) {
        if items.is_empty() {
            return;
        }
        let mut groups: Vec<Vec<Invitation>> =
            items.chunks(CHUNK_ROWS).map(<[_]>::to_vec).collect();
        let last_fits = match (self.chunks.first(), groups.last()) {
            (Some(first), Some(last)) => first.len() + last.len() <= CHUNK_ROWS,
            _ => false,
        };
        if last_fits {
            let mut last = groups.pop().unwrap_or_default();
            last.append(&mut self.chunks[0]);
            self.head.chunks[0].len = last.len() as u32;
            self.chunks[0] = last;
            self.dirty.insert(self.head.chunks[0].seq);
        }
        for group in groups.into_iter().rev() {
            let seq = self.next_seq();
            let len = group.len() as u32;
            self.head.chunks.insert(0, ChunkRef { seq, len });
            self.chunks.insert(0, group);
            self.dirty.insert(seq);
        }
    }

    /// The list becomes `rows`. When it differs from the rows held only by new ones on top,
    /// gone ones and changed content, only the chunks touched are rewritten; otherwise, or when
    /// removals have left the chunks small, all are.
    fn replace(&mut self, rows: Vec<Invitation>) {
        let listed: HashSet<&String> = rows.iter().map(|r| &r.id).collect();
        let held: HashMap<&String, usize> =
            self.rows().enumerate().map(|(i, r)| (&r.id, i)).collect();
        let new_on_top = rows
            .iter()
            .take_while(|r| !held.contains_key(&r.id))
            .count();
        let kept: Vec<usize> = rows[new_on_top..]
            .iter()
            .map(|r| held.get(&r.id).copied().unwrap_or(usize::MAX))
            .collect();
        let in_place = kept.windows(2).all(|pair| pair[0] < pair[1]) && !kept.contains(&usize::MAX);
        let ideal_chunks = rows.len().div_ceil(CHUNK_ROWS);
        if !in_place || self.chunks.len() > 2 * ideal_chunks + 1 {
            self.dropped.extend(self.head.chunks.iter().map(|c| c.seq));
            self.head.chunks.clear();
            self.chunks.clear();
            self.dirty.clear();
            self.add_top(rows);
            return;
        }
        let gone: HashSet<String> = self
            .rows()
            .filter(|r| !listed.contains(&r.id))
            .map(|r| r.id.clone())
            .collect();
        self.remove(&gone);
        let fresh: HashMap<&String, &Invitation> =
            rows[new_on_top..].iter().map(|r| (&r.id, r)).collect();
        for (chunk, held_rows) in self.head.chunks.iter().zip(&mut self.chunks) {
            for row in held_rows.iter_mut() {
                if let Some(fresh) = fresh.get(&row.id) {
                    if differs(row, fresh) {
                        *row = (*fresh).clone();
                        self.dirty.insert(chunk.seq);
                    }
                }
            }
        }
        self.add_top(rows[..new_on_top].to_vec());
    }

    fn next_seq(&mut self) -> u64 {
        let seq = self.head.next_seq;
        self.head.next_seq += 1;
        seq
    }

    /// The keys to write (the head and the chunks changed) and to remove (emptied chunks).
    pub fn writes(mut self) -> Writes {
        let mut writes = Writes::default();
        let mut kept_refs = Vec::new();
        let mut kept_chunks = Vec::new();
        for (mut chunk, rows) in self.head.chunks.iter().copied().zip(self.chunks) {
            if rows.is_empty() {
                self.dropped.push(chunk.seq);
                continue;
            }
            if self.dirty.contains(&chunk.seq) {
                writes.put(chunk_key(&self.account, self.direction, chunk.seq), &rows);
            }
            chunk.len = rows.len() as u32;
            kept_refs.push(chunk);
            kept_chunks.push(rows);
        }
        let top: Vec<String> = kept_chunks
            .iter()
            .flatten()
            .take(TOP_IDS)
            .map(|r| r.id.clone())
            .collect();
        let changed = self.head_changed
            || !self.dirty.is_empty()
            || !self.dropped.is_empty()
            || kept_refs != self.head.chunks
            || top != self.head.top;
        self.head.chunks = kept_refs;
        self.head.top = top;
        if changed {
            writes.put(head_key(&self.account, self.direction), &self.head);
        }
        writes.remove = self
            .dropped
            .iter()
            .map(|seq| chunk_key(&self.account, self.direction, *seq))
            .collect();
        writes
    }

    /// Every key of the list, for removing it with its account.
    pub fn all_keys(head: &Head, account: &str, direction: Direction) -> Vec<String> {
        let mut keys = head.chunk_keys(account, direction);
        keys.push(head_key(account, direction));
        keys
    }
}

/// Of the stored `keys`, those nothing stored names any more: the lists, rows and stats of
/// accounts not among `accounts`, and row chunks of theirs no head names (`named`; an account
/// whose head cannot be read is left out of `accounts_read`, and keeps its rows).
pub fn orphans(
    keys: &[String],
    accounts: &[&str],
    accounts_read: &[&str],
    named: &HashSet<String>,
) -> Vec<String> {
    let account_of = |key: &str| -> Option<(bool, String)> {
        if let Some(id) = key.strip_prefix("stats:") {
            return Some((false, id.to_owned()));
        }
        if key.starts_with("list:") {
            return key.splitn(3, ':').nth(2).map(|id| (false, id.to_owned()));
        }
        let (list, _seq) = key.strip_prefix("rows:")?.rsplit_once(':')?;
        list.split_once(':').map(|(_, id)| (true, id.to_owned()))
    };
    keys.iter()
        .filter(|key| match account_of(key) {
            None => false,
            Some((_, id)) if !accounts.contains(&id.as_str()) => true,
            Some((is_rows, id)) => {
                is_rows && accounts_read.contains(&id.as_str()) && !named.contains(*key)
            }
        })
        .cloned()
        .collect()
}

/// What the single `snapshot` of an earlier version held: every row of every account.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OldSnapshot {
    received: Vec<Invitation>,
    sent: Vec<Invitation>,
}

/// The per-account lists of an earlier version's `snapshot` (its JSON text), for the lists of
/// `accounts` not in `kept` (already kept the new way). Rows that cannot be read are left to the
/// next check to fetch again.
pub fn migrated(
    snapshot: &str,
    accounts: &[Account],
    kept: &[(String, Direction)],
    now_ms: f64,
) -> Writes {
    let old: OldSnapshot = serde_json::from_str(snapshot).unwrap_or_default();
    let mut writes = Writes::default();
    for account in accounts {
        for (direction, rows) in [
            (Direction::Received, &old.received),
            (Direction::Sent, &old.sent),
        ] {
            if kept.contains(&(account.id.clone(), direction)) {
                continue;
            }
            let mine = rows
                .iter()
                .filter(|row| row.account == account.id)
                .cloned()
                .collect();
            let mut list = List::empty(&account.id, direction);
            list.migrate(mine, now_ms);
            writes.extend(list.writes());
        }
    }
    writes
}

/// Whether a listed row says something the held one does not. LinkUp's ages are estimates
/// from whole days, made anew at each read: the one held is kept while the fresh one is within
/// a day of it, and replaced when not (an estimate made while a clock was wrong).
fn differs(held: &Invitation, fresh: &Invitation) -> bool {
    let estimates = !(held.sent_at_exact || fresh.sent_at_exact);
    let same_age = match (held.sent_at_ms, fresh.sent_at_ms) {
        (Some(held_ms), Some(fresh_ms)) if estimates => (held_ms - fresh_ms).abs() <= DAY_MS,
        (held_ms, fresh_ms) => held_ms == fresh_ms && held.sent_at_exact == fresh.sent_at_exact,
    };
    !same_age
        || held.person != fresh.person
        || held.note != fresh.note
        || held.handles != fresh.handles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Handles, Person};

    fn row(id: u64) -> Invitation {
        Invitation {
            id: id.to_string(),
            account: "a".into(),
            direction: Direction::Received,
            person: Person {
                name: format!("Person {id} with a name long enough to weigh like a real row"),
                headline: Some("Head of Partnerships at Lumen Health, Lagos".into()),
                profile_url: Some(format!("https://www.linkedin.com/in/person-{id}/")),
                picture_url: Some(format!(
                    "https://media.licdn.com/dms/image/v2/D4E03AQ{id}/profile-displayphoto-shrink_100_100/0/1700000000000?e=1800000000&v=beta&t=abcdefghijklmnopqrstuvwxyz0123456789"
                )),
                public_identifier: Some(format!("person-{id}")),
                provider_id: Some(format!("ACoAAB{id:033}")),
                first_name: None,
            },
            note: None,
            sent_at_ms: Some(id as f64),
            sent_at_exact: true,
            handles: Handles {
                entity_urn: Some(format!("urn:li:invitation:{id}")),
                shared_secret: Some("abcdef12-3456-7890-abcd-ef1234567890".into()),
            },
        }
    }

    fn rows(ids: impl DoubleEndedIterator<Item = u64>) -> Vec<Invitation> {
        ids.rev().map(row).collect()
    }

    /// Stores `writes` into `storage`, as chrome.storage.local would.
    fn store(storage: &mut HashMap<String, String>, writes: &Writes) {
        for (key, value) in &writes.set {
            storage.insert(key.clone(), value.get().to_owned());
        }
        for key in &writes.remove {
            storage.remove(key);
        }
    }

    /// The list as stored in `storage`.
    fn read(storage: &HashMap<String, String>) -> List {
        let head: Head = storage
            .get(&head_key("a", Direction::Received))
            .map(|h| serde_json::from_str(h).unwrap())
            .unwrap_or_default();
        let chunks = head
            .chunk_keys("a", Direction::Received)
            .into_iter()
            .filter_map(|key| {
                Some((
                    key.clone(),
                    serde_json::from_str(storage.get(&key)?).unwrap(),
                ))
            })
            .collect();
        List::new("a", Direction::Received, head, &chunks)
    }

    fn ids(list: &List) -> Vec<u64> {
        list.rows().map(|r| r.id.parse().unwrap()).collect()
    }

    fn stored_with(all: Vec<Invitation>) -> HashMap<String, String> {
        let mut storage = HashMap::new();
        let mut list = List::empty("a", Direction::Received);
        list.apply(Found::Everything(all), &Held::default(), 0.0);
        store(&mut storage, &list.writes());
        storage
    }

    #[test]
    fn a_provider_that_broke_the_order_is_read_by_its_first_page_for_a_day() {
        use crate::sync::{Due, Mode, UNEXPECTED_ORDER_MS};
        let mut list = List::empty("a", Direction::Received);
        assert_eq!(list.check_mode(Due::Check, 0.0), Mode::Cheap);
        list.order_seen(Mode::Cheap, true, 1_000.0);
        assert!(list.head_changed, "the head is written with it");
        assert_eq!(list.check_mode(Due::Check, 2_000.0), Mode::FirstPage);
        assert_eq!(list.check_mode(Due::Everything, 2_000.0), Mode::Everything);
        list.order_seen(Mode::FirstPage, false, 2_000.0);
        assert_eq!(
            list.check_mode(Due::Check, 1_000.0 + UNEXPECTED_ORDER_MS - 1.0),
            Mode::FirstPage,
            "a first page read says nothing of the order"
        );
        assert_eq!(
            list.check_mode(Due::Check, 1_000.0 + UNEXPECTED_ORDER_MS),
            Mode::Cheap,
            "a day on, the model's path again"
        );
        list.order_seen(Mode::Cheap, false, 1_000.0 + UNEXPECTED_ORDER_MS);
        assert_eq!(list.head.unexpected_order_at_ms, None);
    }

    #[test]
    fn a_list_round_trips_through_storage_in_chunks() {
        let storage = stored_with(rows(1..=120));
        let list = read(&storage);
        assert_eq!(ids(&list), (1..=120).rev().collect::<Vec<_>>());
        assert_eq!(list.head.chunks.len(), 3);
        assert_eq!(list.head.count(), 120);
        assert_eq!(list.head.top.len(), 120);
        assert_eq!(storage.len(), 4);
    }

    #[test]
    fn acting_on_one_of_ten_thousand_writes_one_chunk_and_the_head() {
        let mut storage = stored_with(rows(1..=10_000));
        let mut list = read(&storage);
        assert!(list.handle("5000", 1.0));
        let writes = list.writes();
        assert_eq!(writes.set.len(), 2, "one chunk and the head");
        assert!(writes.bytes() < 48 * 1024, "{} bytes", writes.bytes());
        store(&mut storage, &writes);
        let list = read(&storage);
        assert_eq!(list.head.count(), 9_999);
        assert!(list.find("5000").is_none());
        assert_eq!(list.held(2.0).handled, ["5000".to_owned()].into());
    }

    #[test]
    fn new_rows_go_on_top_filling_the_first_chunk_first() {
        let mut storage = stored_with(rows(1..=30));
        let mut list = read(&storage);
        let before = list.held(1.0);
        let found = Found::Changes {
            added: rows(31..=33),
            removed: vec!["2".into()],
            total: Some(32),
        };
        list.apply(found, &before, 1.0);
        let writes = list.writes();
        assert_eq!(writes.set.len(), 2);
        store(&mut storage, &writes);
        let list = read(&storage);
        assert_eq!(ids(&list)[..4], [33, 32, 31, 30]);
        assert!(!ids(&list).contains(&2));
        assert_eq!(list.head.count(), 32);
        let mut list = read(&storage);
        list.apply(
            Found::Changes {
                added: rows(34..=100),
                removed: vec![],
                total: Some(99),
            },
            &list.held(2.0),
            2.0,
        );
        store(&mut storage, &list.writes());
        let list = read(&storage);
        assert_eq!(ids(&list).len(), 99);
        assert!(list
            .head
            .chunks
            .iter()
            .all(|c| c.len as usize <= CHUNK_ROWS));
    }

    #[test]
    fn nothing_found_writes_only_the_head_and_a_reconcile_of_the_same_list_no_chunk() {
        let storage = stored_with(rows(1..=200));
        let mut list = read(&storage);
        let before = list.held(5.0);
        list.apply(Found::Everything(rows(1..=200)), &before, 5.0);
        let writes = list.writes();
        assert_eq!(writes.set.len(), 1, "the head, for its reconcile time");
        assert!(writes.remove.is_empty());
    }

    #[test]
    fn a_reconcile_rewrites_only_the_chunks_whose_rows_changed() {
        let mut storage = stored_with(rows(1..=200));
        let mut fresh = rows(1..=201);
        fresh.retain(|r| r.id != "7");
        fresh[100].person.headline = Some("Now somewhere else".into());
        let mut list = read(&storage);
        list.apply(Found::Everything(fresh.clone()), &list.held(5.0), 5.0);
        let writes = list.writes();
        assert!(writes.set.len() <= 4, "{} keys", writes.set.len());
        store(&mut storage, &writes);
        let list = read(&storage);
        assert_eq!(list.rows().cloned().collect::<Vec<_>>(), fresh);
    }

    #[test]
    fn what_no_stored_account_or_head_names_is_an_orphan() {
        let keys: Vec<String> = [
            "accounts",
            "settings",
            "ledger",
            "list:received:a",
            "rows:received:a:0",
            "rows:received:a:7",
            "stats:a",
            "list:sent:gone",
            "rows:sent:gone:3",
            "stats:gone",
            "rows:sent:damaged:1",
            "rows:sent:id:with:colons:2",
        ]
        .map(String::from)
        .to_vec();
        let named: HashSet<String> = ["rows:received:a:0", "rows:sent:id:with:colons:2"]
            .map(String::from)
            .into();
        let accounts = ["a", "damaged", "id:with:colons"];
        let read = ["a", "id:with:colons"];
        assert_eq!(
            orphans(&keys, &accounts, &read, &named),
            [
                "rows:received:a:7",
                "list:sent:gone",
                "rows:sent:gone:3",
                "stats:gone"
            ]
        );
    }

    #[test]
    fn an_estimated_age_is_kept_within_a_day_and_made_again_when_further_off() {
        let estimated = |id: u64, sent_at_ms: f64| Invitation {
            sent_at_ms: Some(sent_at_ms),
            sent_at_exact: false,
            ..row(id)
        };
        let now = 100.0 * DAY_MS;
        let mut storage = stored_with(vec![estimated(1, now - 10.0 * DAY_MS)]);
        let reread = |storage: &mut HashMap<String, String>, sent_at_ms: f64| {
            let mut list = read(storage);
            let fresh = vec![estimated(1, sent_at_ms)];
            list.apply(Found::Everything(fresh), &list.held(now), now);
            store(storage, &list.writes());
            read(storage).rows().next().unwrap().sent_at_ms.unwrap()
        };
        let held = reread(&mut storage, now - 9.5 * DAY_MS);
        assert_eq!(
            held,
            now - 10.0 * DAY_MS,
            "the same day: kept, nothing to write"
        );
        // The first estimate was made by a clock 30 days behind.
        let held = reread(&mut storage, now + 20.0 * DAY_MS);
        assert_eq!(held, now + 20.0 * DAY_MS);
        let held = reread(&mut storage, now - 10.0 * DAY_MS);
        assert_eq!(held, now - 10.0 * DAY_MS, "and back again");
    }

    #[test]
    fn what_was_done_here_during_a_check_survives_it() {
        let storage = stored_with(rows(1..=60));
        let mut list = read(&storage);
        let before = list.held(1.0);
        // During the check: "50" accepted here, and a send added "1000".
        list.handle("50", 2.0);
        list.add_new(row(1000));
        // The check, read before the accept, saw "50" and not "1000", and one new on top.
        let found = Found::Changes {
            added: rows(61..=61),
            removed: vec![],
            total: Some(61),
        };
        list.apply(found, &before, 3.0);
        assert_eq!(ids(&list)[..2], [61, 1000]);
        assert!(list.find("50").is_none());
        assert_eq!(list.head.count(), 61, "61 listed, less 50, plus 1000");
        let relisted = rows(1..=61);
        let mut again = read(&storage);
        let before = again.held(1.0);
        again.handle("50", 2.0);
        again.apply(Found::Everything(relisted), &before, 3.0);
        assert!(again.find("50").is_none());
        assert_eq!(again.head.count(), 60);
    }

    #[test]
    fn without_a_providers_total_the_count_is_the_rows_held_before_and_after_storage() {
        let mut list = List::empty("a", Direction::Received);
        list.apply(Found::Everything(rows(1..=70)), &Held::default(), 0.0);
        let before = list.held(1.0);
        let found = Found::Changes {
            added: rows(71..=72),
            removed: vec!["5".into()],
            total: None,
        };
        list.apply(found, &before, 1.0);
        assert_eq!(list.head.count(), 71, "in memory");
        let mut storage = HashMap::new();
        store(&mut storage, &list.writes());
        assert_eq!(read(&storage).head.count(), 71, "as stored");
    }

    #[test]
    fn an_earlier_versions_snapshot_becomes_per_account_lists_with_nothing_lost() {
        let account = |id: &str| Account {
            id: id.into(),
            label: id.into(),
            provider: crate::model::ProviderKind::Linkup,
            api_key: crate::model::ApiKey::new("k"),
            account_id: "acc".into(),
            base_url: String::new(),
            plan: crate::model::Plan::Free,
            auto_withdraw: Default::default(),
        };
        let mut received = rows(1..=60);
        received[10].account = "b".into();
        let mut sent = rows(100..=102);
        for row in &mut sent {
            row.direction = Direction::Sent;
        }
        // As the previous version wrote it, with fields this one no longer reads.
        let snapshot = serde_json::json!({
            "accounts": [{"id": "a"}], "received_count": 60, "sent_count": 3,
            "received": received, "sent": sent, "handled": [], "refreshed_at_ms": 5.0,
        })
        .to_string();
        let kept = [("b".to_owned(), Direction::Sent)];
        let writes = migrated(&snapshot, &[account("a"), account("b")], &kept, 9.0);
        let mut storage = HashMap::new();
        store(&mut storage, &writes);
        let list = read(&storage);
        assert_eq!(
            list.rows().count(),
            59,
            "account a's received rows, in their order"
        );
        assert_eq!(list.rows().next().map(|r| r.id.as_str()), Some("60"));
        assert_eq!(
            (list.head.count(), list.head.reconciled_at_ms),
            (59, Some(9.0))
        );
        assert!(storage.contains_key(&head_key("b", Direction::Received)));
        assert!(storage.contains_key(&head_key("a", Direction::Sent)));
        assert!(
            !storage.contains_key(&head_key("b", Direction::Sent)),
            "kept lists are left alone"
        );
        assert!(migrated("not json", &[account("a")], &[], 1.0)
            .set
            .iter()
            .all(|(key, _)| key.starts_with("list:")));
    }
}
