//! How bulk jobs are kept in `chrome.storage.local`: `jobs` holds each job without its items
//! (`Job::items_kept` says how many it keeps), and the items in chunks of `JOB_CHUNK_ITEMS`
//! under `job_items:{job}:{n}`. A step rewrites the heads and the one chunk its item is in, not
//! the 1.5 MB of a 10,000-item job. Pure: the worker reads the keys named here and writes what
//! `writes` gives.

use crate::bulk::{Item, Job};
use crate::error::Error;
use crate::lists::Writes;
use serde_json::value::RawValue;
use std::collections::HashSet;

pub const JOBS_KEY: &str = "jobs";
/// Items per chunk: a chunk of invitations with notes and errors stays well under 64 KB.
pub const JOB_CHUNK_ITEMS: usize = 100;
const CHUNK_PREFIX: &str = "job_items:";

fn chunk_key(job: &str, n: usize) -> String {
    format!("{CHUNK_PREFIX}{job}:{n}")
}

/// The keys of the chunks storage holds for `job`, as its head says.
pub fn item_keys(job: &Job) -> Vec<String> {
    chunk_keys(&job.id, job.items_kept.unwrap_or(0))
}

/// The keys of the chunks of job `id` that keeps `items` items, in order.
pub fn chunk_keys(id: &str, items: usize) -> Vec<String> {
    let chunks = items.div_ceil(JOB_CHUNK_ITEMS);
    (0..chunks).map(|n| chunk_key(id, n)).collect()
}

/// The jobs whole: each head with its items, from its chunks (`stored` gives a key's value).
/// A head of an earlier version holds its items itself. A chunk missing or unreadable makes the
/// jobs unreadable, as a damaged `jobs` does: no item is guessed.
pub fn assemble<'a>(
    heads: Vec<Job>,
    stored: impl Fn(&str) -> Option<&'a RawValue>,
    damaged: impl Fn() -> Error,
) -> Result<Vec<Job>, Error> {
    let mut jobs = heads;
    for job in jobs.iter_mut().filter(|job| job.items_kept.is_some()) {
        let mut items = Vec::with_capacity(job.items_kept.unwrap_or(0));
        for key in item_keys(job) {
            let raw = stored(&key).ok_or_else(&damaged)?;
            let chunk: Vec<Item> = serde_json::from_str(raw.get()).map_err(|_| damaged())?;
            items.extend(chunk);
        }
        if Some(items.len()) != job.items_kept {
            return Err(damaged());
        }
        job.items = items;
    }
    Ok(jobs)
}

/// What to write so that storage holds `after` where it held `before` (both whole, as
/// `assemble` gave them): the heads, each chunk whose items changed, and the removal of chunks
/// no job keeps any more.
pub fn writes(before: &[Job], after: &[Job]) -> Writes {
    let mut writes = Writes::default();
    let mut heads = Vec::with_capacity(after.len());
    let mut kept: HashSet<String> = HashSet::new();
    for job in after {
        let earlier = before
            .iter()
            .find(|old| old.id == job.id && old.items_kept.is_some());
        for (n, chunk) in job.items.chunks(JOB_CHUNK_ITEMS).enumerate() {
            let key = chunk_key(&job.id, n);
            let same = earlier.is_some_and(|old| {
                n < old.items_kept.unwrap_or(0).div_ceil(JOB_CHUNK_ITEMS)
                    && old.items.chunks(JOB_CHUNK_ITEMS).nth(n) == Some(chunk)
            });
            if !same {
                writes.put(key.clone(), chunk);
            }
            kept.insert(key);
        }
        heads.push(Job {
            items: Vec::new(),
            items_kept: Some(job.items.len()),
            ..job.clone()
        });
    }
    writes.put(JOBS_KEY.to_owned(), &heads);
    writes.remove = before
        .iter()
        .flat_map(item_keys)
        .filter(|key| !kept.contains(key))
        .collect();
    writes
}

/// Of the stored `keys`, the job chunks no head in `heads` names.
pub fn orphans(keys: &[String], heads: &[Job]) -> Vec<String> {
    let named: HashSet<String> = heads.iter().flat_map(item_keys).collect();
    keys.iter()
        .filter(|key| key.starts_with(CHUNK_PREFIX) && !named.contains(*key))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{JobAction, Outcome};
    use crate::error::ErrorKind;
    use crate::pacing::Pace;
    use std::collections::HashMap;

    const NOW: f64 = 1_800_000_000_000.0;

    fn job(id: &str, items: usize) -> Job {
        let items = (0..items)
            .map(|i| Item::new("a", &format!("inv-{i}"), &format!("Person {i}"), None))
            .collect();
        Job::new(
            id.into(),
            JobAction::Accept,
            items,
            Pace::seconds(1.0, 2.0),
            7,
            NOW,
        )
    }

    /// Storage as a map of JSON texts, changed by `writes`.
    #[derive(Default)]
    struct Storage(HashMap<String, Box<RawValue>>);

    impl Storage {
        fn apply(&mut self, writes: Writes) {
            for key in writes.remove {
                self.0.remove(&key);
            }
            self.0.extend(writes.set);
        }

        fn jobs(&self) -> Result<Vec<Job>, Error> {
            let damaged = || Error::damaged(JOBS_KEY, "bulk jobs");
            let heads: Vec<Job> = serde_json::from_str(self.0[JOBS_KEY].get()).unwrap();
            assemble(heads, |key| self.0.get(key).map(|raw| &**raw), damaged)
        }
    }

    #[test]
    fn a_step_of_a_large_job_writes_its_heads_and_one_chunk() {
        let mut storage = Storage::default();
        let mut jobs = vec![job("big", 10_000), job("small", 3)];
        let first = writes(&[], &jobs);
        assert_eq!(
            first.set.len(),
            1 + 100 + 1,
            "the heads and every chunk, once"
        );
        storage.apply(first);
        let before = storage.jobs().unwrap();
        assert_eq!(before[0].items.len(), 10_000);
        jobs = before.clone();
        jobs[0].items[4_321].outcome = Outcome::InFlight;
        let step = writes(&before, &jobs);
        let keys: Vec<&str> = step.set.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["job_items:big:43", "jobs"]);
        assert!(step.bytes() < 30_000, "{} bytes", step.bytes());
        storage.apply(step);
        assert_eq!(
            storage.jobs().unwrap()[0].items[4_321].outcome,
            Outcome::InFlight
        );
    }

    #[test]
    fn a_closed_or_shorter_job_leaves_no_chunk_behind() {
        let mut storage = Storage::default();
        storage.apply(writes(&[], &[job("big", 250), job("other", 5)]));
        let before = storage.jobs().unwrap();
        let mut after = vec![before[0].clone()];
        after[0].items.truncate(120);
        let change = writes(&before, &after);
        assert_eq!(
            change.remove,
            ["job_items:big:2", "job_items:other:0"],
            "what no job keeps"
        );
        storage.apply(change);
        assert_eq!(storage.jobs().unwrap()[0].items.len(), 120);
        let keys: Vec<String> = storage.0.keys().cloned().collect();
        assert!(orphans(&keys, &storage.jobs().unwrap()).is_empty());
        assert_eq!(
            orphans(&keys, &[]).len(),
            2,
            "with no heads, every chunk is an orphan"
        );
    }

    #[test]
    fn jobs_of_an_earlier_version_are_read_whole_and_then_kept_in_chunks() {
        let mut storage = Storage::default();
        let old = vec![job("old", 150)];
        storage.apply({
            let mut inline = Writes::default();
            inline.put(JOBS_KEY.into(), &old);
            inline
        });
        let before = storage.jobs().unwrap();
        assert_eq!(before, old);
        let change = writes(&before, &before);
        assert_eq!(change.set.len(), 3, "both chunks and the heads");
        storage.apply(change);
        assert!(!storage.0[JOBS_KEY].get().contains("inv-1"));
        assert_eq!(storage.jobs().unwrap()[0].items, old[0].items);
    }

    #[test]
    fn a_missing_or_garbled_chunk_makes_the_jobs_unreadable() {
        let mut storage = Storage::default();
        storage.apply(writes(&[], &[job("big", 250)]));
        let garbled = RawValue::from_string("[{\"account\": 1}]".into()).unwrap();
        storage.0.insert("job_items:big:1".into(), garbled);
        assert_eq!(storage.jobs().unwrap_err().kind, ErrorKind::Damaged);
        storage.0.remove("job_items:big:1");
        assert_eq!(storage.jobs().unwrap_err().kind, ErrorKind::Damaged);
    }
}
