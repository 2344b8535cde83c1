//! The service worker's side of bulk jobs: creates them from the popup's intents, keeps them
//! under `jobs` in storage, runs their due steps one at a time, and wakes itself for the next
//! one twice over: a `jobs` alarm, which wakes a stopped worker, and a timer, because Chrome
//! runs a packed extension's alarms at most every 30 seconds. `bulk.rs` holds the rules.

use crate::backend::{self, stored_account, Answer, ListedAction};
use crate::browser;
use crate::bulk::{Effect, Item, Job, JobAction, Outcome};
use crate::error::Error;
use crate::input::{self, Target};
use crate::settings::Settings;
use crate::store::{self, Stored};
use futures_util::lock::Mutex;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

pub const JOBS_ALARM: &str = "jobs";
/// Finished and stopped jobs kept for the popup to show, besides the active ones.
const KEPT_ENDED_JOBS: usize = 5;
/// While a step runs, an alarm stands this far ahead: if the worker is stopped mid-call, it
/// wakes to check that call. (Chrome waits at least 30 s for a packed extension's alarm.)
const RESCUE_AFTER_MS: f64 = 10_000.0;

/// One step at a time across all jobs: pacing is per account's activity, not per job.
static STEPS: Mutex<()> = Mutex::new(());

thread_local! {
    /// When the armed timer fires, so each wake-up is armed once.
    static TIMER_AT_MS: Cell<f64> = const { Cell::new(f64::INFINITY) };
}

/// A job the popup asks for.
#[derive(Debug)]
pub enum NewJob {
    Listed {
        action: JobAction,
        items: Vec<backend::ListedItem>,
    },
    Invite {
        account: String,
        profiles: Vec<String>,
        note: Option<String>,
    },
}

/// Stores a new job and starts it: the first item runs at once.
pub async fn start(new: NewJob) -> Result<Answer, Error> {
    let stored = Stored::read(&["accounts", "settings"]).await?;
    let settings: Settings = stored.get_or_default("settings");
    let (action, items, pace) = match new {
        NewJob::Listed { action, items } => {
            let listed = ListedAction::of(action).ok_or_else(|| {
                Error::invalid_input("Intent", "invitations are sent from profiles")
            })?;
            let mut lists = HashMap::new();
            for item in &items {
                if !lists.contains_key(&item.account) {
                    let list = store::read_list(&item.account, listed.direction()).await?;
                    lists.insert(item.account.clone(), list);
                }
            }
            let mut seen: HashSet<(&str, &str)> = HashSet::new();
            let items: Vec<Item> = items
                .iter()
                .filter(|item| seen.insert((&item.account, &item.invitation)))
                .map(|item| {
                    let listed = lists
                        .get(&item.account)
                        .and_then(|list| list.find(&item.invitation));
                    let name = listed.map_or("LinkedIn member", |i| i.person.name.as_str());
                    let mut item = Item::new(&item.account, &item.invitation, name, None);
                    // Gone since the popup listed it: nothing to call.
                    if listed.is_none() {
                        item.outcome = Outcome::AlreadyGone;
                    }
                    item
                })
                .collect();
            (action, items, settings.action_pace())
        }
        NewJob::Invite {
            account,
            profiles,
            note,
        } => {
            stored_account(&stored, &account)?;
            let note = input::note_template(note.as_deref())?;
            let list = crate::bulk::read_invite_list(&profiles.join("\n"));
            if let Some(problem) = list.problems.first() {
                return Err(Error::invalid_input("Profile URLs", &problem.message));
            }
            let items: Vec<Item> = list
                .profiles
                .iter()
                .map(|profile| {
                    let name = Target::parse(profile).map(|t| t.identifier().to_owned());
                    Item::new(
                        &account,
                        profile,
                        &name.unwrap_or_default(),
                        note.as_deref(),
                    )
                })
                .collect();
            (JobAction::Invite, items, settings.invite_pace())
        }
    };
    if items.is_empty() {
        return Err(Error::invalid_input(
            "Selection",
            "there is nothing to do: choose at least one invitation or profile",
        ));
    }
    let now_ms = js_sys::Date::now();
    let seed = (js_sys::Math::random() * (1u64 << 53) as f64) as u64;
    let id = format!("job-{}-{:04x}", now_ms as u64, seed & 0xffff);
    let job = Job::new(id.clone(), action, items, pace, seed, now_ms);
    let count = job.items.len() as u32;
    update(|jobs| {
        jobs.insert(0, job);
        let mut ended = 0;
        jobs.retain(|job| {
            job.is_active() || {
                ended += 1;
                ended <= KEPT_ENDED_JOBS
            }
        });
    })
    .await?;
    advance_after_change().await?;
    Ok(Answer {
        job: Some(id),
        count: Some(count),
        ..Answer::default()
    })
}

pub async fn stop(id: &str) -> Result<(), Error> {
    let now_ms = js_sys::Date::now();
    change_job(id, |job| job.stop(now_ms)).await?;
    // A call in flight when the worker last stopped is still to be checked.
    advance_after_change().await
}

pub async fn resume(id: &str) -> Result<(), Error> {
    let now_ms = js_sys::Date::now();
    change_job(id, |job| job.resume(now_ms)).await?;
    advance_after_change().await
}

pub async fn dismiss(id: &str) -> Result<(), Error> {
    update(|jobs| {
        let before = jobs.len();
        jobs.retain(|job| job.id != id || job.is_active());
        match jobs.len() < before {
            true => Ok(()),
            false => Err(Error::invalid_input(
                "Job",
                "stop the job before closing it",
            )),
        }
    })
    .await?
}

/// Runs every step that is due, one at a time, then arms the wake-ups for the next.
pub async fn advance() -> Result<(), Error> {
    let _stepping = STEPS.lock().await;
    loop {
        let jobs = read().await?;
        let now_ms = js_sys::Date::now();
        let due = jobs
            .iter()
            .find_map(|job| Some((job.id.clone(), job.next_step(now_ms)?)));
        let Some((id, step)) = due else {
            return schedule(&jobs).await;
        };
        // Stored in flight before the call, with an alarm set first: a worker stopped during
        // the call wakes and checks it, and does not repeat it.
        browser::create_alarm_at(JOBS_ALARM, now_ms + RESCUE_AFTER_MS).await?;
        let begun = update(|jobs| {
            let job = jobs.iter_mut().find(|job| job.id == id)?;
            job.begin(step)
                .then(|| (job.action, job.items[step.index].clone()))
        })
        .await?;
        let Some((action, item)) = begun else {
            continue;
        };
        let result = match step.check {
            true => backend::was_done(action, &item).await,
            false => run(action, &item).await,
        };
        let now_ms = js_sys::Date::now();
        change_job(&id, |job| job.record(step, result, now_ms)).await?;
    }
}

/// `advance`, started without waiting for it; what goes wrong is logged, and the alarm tries
/// again.
pub fn advance_later() {
    wasm_bindgen_futures::spawn_local(async {
        if let Err(error) = advance().await {
            browser::log_error("bulk job", &error);
        }
    });
}

/// After a change to the jobs, `advance`: the alarm is set before, in case the worker stops
/// before it runs.
async fn advance_after_change() -> Result<(), Error> {
    browser::create_alarm_at(JOBS_ALARM, js_sys::Date::now()).await?;
    advance_later();
    Ok(())
}

async fn run(action: JobAction, item: &Item) -> Result<Effect, Error> {
    match ListedAction::of(action) {
        Some(listed) => backend::act(&item.account, &item.target, listed)
            .await
            .map(|answer| match answer.already_done {
                true => Effect::AlreadyGone,
                false => Effect::Done,
            }),
        None => backend::send(&item.account, &item.target, item.note.as_deref())
            .await
            .map(|_| Effect::Done),
    }
}

/// Arms the alarm and the timer for the earliest step due, or clears the alarm.
async fn schedule(jobs: &[Job]) -> Result<(), Error> {
    let Some(next_ms) = jobs.iter().filter_map(Job::wakes_at_ms).reduce(f64::min) else {
        return browser::clear_alarm(JOBS_ALARM).await;
    };
    browser::create_alarm_at(JOBS_ALARM, next_ms).await?;
    if next_ms < TIMER_AT_MS.get() {
        TIMER_AT_MS.set(next_ms);
        let wait_ms = (next_ms - js_sys::Date::now()).clamp(0.0, u32::MAX as f64);
        wasm_bindgen_futures::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(wait_ms as u32).await;
            if TIMER_AT_MS.get() == next_ms {
                TIMER_AT_MS.set(f64::INFINITY);
            }
            advance_later();
        });
    }
    Ok(())
}

async fn read() -> Result<Vec<Job>, Error> {
    Ok(Stored::read(&["jobs"]).await?.get_or_default("jobs"))
}

/// Re-reads the jobs, changes them and writes them.
async fn update<T>(change: impl FnOnce(&mut Vec<Job>) -> T) -> Result<T, Error> {
    store::update("jobs", change).await
}

async fn change_job(id: &str, change: impl FnOnce(&mut Job)) -> Result<(), Error> {
    update(|jobs| {
        let job = jobs.iter_mut().find(|job| job.id == id);
        job.map(change)
            .ok_or_else(|| Error::invalid_input("Job", "this job is no longer listed"))
    })
    .await?
}
