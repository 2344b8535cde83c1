//! The service worker's side of bulk jobs: creates them from the popup's intents, keeps them
//! in storage (`job_chunks.rs`), runs their due steps one at a time, and has the browser wake the
//! worker for the next one (`Timers::wake_at`). `bulk.rs` holds the rules.

use super::actions::{self, ListedAction};
use super::{clock, sends, store, Answer, Worker};
use crate::bulk;
use crate::bulk::{Automatic, Effect, Item, Job, JobAction, Outcome};
use crate::client::Client;
use crate::error::{Error, Field};
use crate::input::{self, Target};
use crate::model::Direction;
use crate::pacing::Pace;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use store::Stored;

pub const JOB_FIELD: Field = Field {
    key: "job",
    label: "Job",
};

pub const JOBS_ALARM: &str = "jobs";
/// Finished and stopped jobs kept for the popup to show, besides the active ones.
const KEPT_ENDED_JOBS: usize = 5;
/// While a step runs, an alarm stands this far ahead: if the worker is stopped mid-call, it
/// wakes to check that call. (Chrome waits at least 30 s for a packed extension's alarm.)
const RESCUE_AFTER_MS: f64 = 10_000.0;

/// One invitation a bulk accept, decline or withdraw is to act on.
#[derive(Debug, Deserialize)]
pub struct ListedItem {
    pub account: String,
    pub invitation: String,
}

/// A job the popup asks for.
#[derive(Debug)]
pub enum NewJob {
    Listed {
        action: JobAction,
        items: Vec<ListedItem>,
    },
    Invite {
        account: String,
        profiles: Vec<String>,
        note: Option<String>,
    },
}

/// Stores a new job and starts it: the first item runs at once.
pub async fn start(w: &Worker<'_>, new: NewJob) -> Result<Answer, Error> {
    let stored = Stored::read(w, &["accounts", "settings"]).await?;
    let settings = stored.settings();
    let (action, items, pace) = match new {
        NewJob::Listed { action, items } => {
            let listed = ListedAction::of(action).ok_or_else(|| {
                Error::invalid_input(
                    super::intents::INTENT_FIELD,
                    "invitations are sent from profiles",
                )
            })?;
            let mut lists = HashMap::new();
            for item in &items {
                if !lists.contains_key(&item.account) {
                    let list = store::read_list(w, &item.account, listed.direction()).await?;
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
            store::stored_account(&stored, &account)?;
            let note = input::note_template(note.as_deref())?;
            let list = crate::bulk::read_invite_list(&profiles.join("\n"));
            if let Some(problem) = list.problems.first() {
                return Err(Error::invalid_input(bulk::PROFILES_FIELD, &problem.message));
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
            Field {
                key: "selection",
                label: "Selection",
            },
            "there is nothing to do: choose at least one invitation or profile",
        ));
    }
    let now_ms = w.env.clock.now_ms();
    let seed = (w.env.random.unit() * (1u64 << 53) as f64) as u64;
    let id = format!("job-{}-{:04x}", now_ms as u64, seed & 0xffff);
    let job = Job::new(id.clone(), action, items, pace, seed, now_ms);
    let count = job.items.len() as u32;
    update(w, |jobs| {
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
    advance_soon(w).await?;
    Ok(Answer {
        job: Some(id),
        count: Some(count),
        ..Answer::default()
    })
}

pub async fn stop(w: &Worker<'_>, id: &str) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    change_job(w, id, |job| job.stop(now_ms)).await?;
    // A call in flight when the worker last stopped is still to be checked.
    advance_soon(w).await
}

pub async fn pause(w: &Worker<'_>, id: &str) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    change_job(w, id, |job| job.hold(now_ms)).await?;
    advance_soon(w).await
}

pub async fn resume(w: &Worker<'_>, id: &str) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    change_job(w, id, |job| job.resume(now_ms)).await?;
    advance_soon(w).await
}

pub async fn dismiss(w: &Worker<'_>, id: &str) -> Result<(), Error> {
    update(w, |jobs| {
        let before = jobs.len();
        jobs.retain(|job| job.id != id || job.is_active());
        match jobs.len() < before {
            true => Ok(()),
            false => Err(Error::invalid_input(
                JOB_FIELD,
                "stop the job before closing it",
            )),
        }
    })
    .await?
}

/// Feeds each account's automatic withdraw rule: the sent invitations past its days join the
/// account's automatic job (made when there is none), which then runs paced like any job; the
/// job of a rule turned off, or of a removed account, stops. The jobs are written only when
/// that changes them: a check with nothing new writes nothing.
pub async fn apply_rules(w: &Worker<'_>) -> Result<(), Error> {
    let stored = Stored::read(w, &["accounts", "settings"]).await?;
    let settings = stored.settings();
    let now_ms = w.env.clock.now_ms();
    let mut rules: Vec<Rule> = Vec::new();
    for account in stored.accounts().iter().filter(|a| a.auto_withdraw.enabled) {
        let list = store::read_list(w, &account.id, Direction::Sent).await?;
        let sent: Vec<_> = list.rows().cloned().collect();
        // Ages are judged by trusted time; when it cannot be had, the rule finds nothing due
        // and says why. A machine clock behind can only make fewer due, so while none is due
        // by it the provider's clock is not asked.
        let judged = match account.auto_withdraw.due(&sent, now_ms).is_empty() {
            true => Ok(now_ms),
            false => clock::rule_now(w, &Client::new(account, w.env))
                .await
                .map(|trusted| trusted.now_ms),
        };
        let items = match &judged {
            Ok(rule_now_ms) => account
                .auto_withdraw
                .due(&sent, *rule_now_ms)
                .into_iter()
                .map(|invitation| {
                    Item::new(&account.id, &invitation.id, &invitation.person.name, None)
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        rules.push(Rule {
            automatic: Automatic {
                account: account.id.clone(),
                rule: account.auto_withdraw.describe(),
                held: judged.err(),
            },
            items,
        });
    }
    let seed = (w.env.random.unit() * (1u64 << 53) as f64) as u64;
    let feed =
        |jobs: &mut Vec<Job>| feed_rules(jobs, rules.clone(), settings.action_pace(), seed, now_ms);
    if feed(&mut read(w).await?) == 0 {
        return Ok(());
    }
    update(w, feed).await?;
    advance_soon(w).await
}

/// One account's rule, and the invitations it finds due now.
#[derive(Clone)]
struct Rule {
    automatic: Automatic,
    items: Vec<Item>,
}

/// Brings the automatic jobs in line with `rules`; returns how many changes that made.
fn feed_rules(jobs: &mut Vec<Job>, rules: Vec<Rule>, pace: Pace, seed: u64, now_ms: f64) -> usize {
    let mut changes = 0;
    for job in jobs.iter_mut().filter(|job| job.is_active()) {
        let Some(automatic) = &job.automatic else {
            continue;
        };
        if !rules
            .iter()
            .any(|rule| rule.automatic.account == automatic.account)
        {
            job.stop(now_ms);
            changes += 1;
        }
    }
    for Rule { automatic, items } in rules {
        let current = jobs.iter_mut().find(|job| {
            (job.is_active() || job.state == bulk::JobState::Finished)
                && job
                    .automatic
                    .as_ref()
                    .is_some_and(|a| a.account == automatic.account)
        });
        match current {
            Some(job) => {
                // While held, what is queued stays queued: each step is re-checked anyway.
                if automatic.held.is_none() {
                    changes += job.keep_due(&items, now_ms);
                    changes += job.append(items, now_ms);
                }
                if job.automatic.as_ref() != Some(&automatic) {
                    job.automatic = Some(automatic);
                    changes += 1;
                }
            }
            // A held rule gets a job with nothing in it, so that the panel says why.
            None if !items.is_empty() || automatic.held.is_some() => {
                changes += items.len().max(1);
                let id = format!("auto-{}", automatic.account);
                let mut job = Job::new(id, JobAction::Withdraw, items, pace, seed, now_ms);
                job.automatic = Some(automatic);
                jobs.retain(|old| old.id != job.id);
                jobs.insert(0, job);
            }
            None => {}
        }
    }
    changes
}

/// Runs every step that is due, one at a time, then has the browser wake the worker for the
/// next.
pub async fn advance(w: &Worker<'_>) -> Result<(), Error> {
    let _stepping = w.steps_lock.lock().await;
    let stepped = run_due_steps(w).await;
    store::record_ended(w, store::Ended::JobSteps, w.env.clock.now_ms()).await?;
    stepped
}

async fn run_due_steps(w: &Worker<'_>) -> Result<(), Error> {
    loop {
        let jobs = read(w).await?;
        let now_ms = w.env.clock.now_ms();
        let due = jobs
            .iter()
            .find_map(|job| Some((job.id.clone(), job.next_step(now_ms)?)));
        let Some((id, step)) = due else {
            return schedule(w, &jobs).await;
        };
        // Stored in flight before the call, with a wake-up set first: a worker stopped during
        // the call wakes and checks it, and does not repeat it.
        w.env
            .timers
            .wake_at(JOBS_ALARM, now_ms + RESCUE_AFTER_MS)
            .await?;
        let begun = update(w, |jobs| {
            let job = jobs.iter_mut().find(|job| job.id == id)?;
            job.begin(step)
                .then(|| (job.action, job.items[step.index].clone()))
        })
        .await?;
        let Some((action, item)) = begun else {
            continue;
        };
        let by_rule = jobs
            .iter()
            .any(|job| job.id == id && job.automatic.is_some());
        let result = match step.check {
            true => was_done(w, action, &item).await,
            false => run(w, action, &item, by_rule).await,
        };
        let now_ms = w.env.clock.now_ms();
        change_job(w, &id, |job| job.record(step, result, now_ms)).await?;
    }
}

/// After a change to the jobs: a wake-up now, which runs `advance` also if the worker stops
/// before it would.
async fn advance_soon(w: &Worker<'_>) -> Result<(), Error> {
    w.env.timers.wake_at(JOBS_ALARM, w.env.clock.now_ms()).await
}

async fn run(
    w: &Worker<'_>,
    action: JobAction,
    item: &Item,
    by_rule: bool,
) -> Result<Effect, Error> {
    match ListedAction::of(action) {
        Some(listed) => actions::act(w, &item.account, &item.target, listed, by_rule)
            .await
            .map(|answer| match (answer.no_longer_due, answer.already_done) {
                (true, _) => Effect::NoLongerDue,
                (false, true) => Effect::AlreadyGone,
                (false, false) => Effect::Done,
            }),
        None => sends::send(w, &item.account, &item.target, item.note.as_deref())
            .await
            .map(|_| Effect::Done),
    }
}

/// Whether an item whose call may have happened was done.
async fn was_done(w: &Worker<'_>, action: JobAction, item: &Item) -> Result<Effect, Error> {
    match ListedAction::of(action) {
        Some(listed) => actions::was_done(w, &item.account, &item.target, listed).await,
        None => sends::was_sent(w, &item.account, &item.target, item.note.as_deref()).await,
    }
}

/// Has the browser wake the worker for the earliest step due, or for none.
async fn schedule(w: &Worker<'_>, jobs: &[Job]) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    match jobs
        .iter()
        .filter_map(|job| job.wakes_at_ms(now_ms))
        .reduce(f64::min)
    {
        Some(next_ms) => w.env.timers.wake_at(JOBS_ALARM, next_ms).await,
        None => w.env.timers.cancel(JOBS_ALARM).await,
    }
}

async fn read(w: &Worker<'_>) -> Result<Vec<Job>, Error> {
    store::read_jobs(w).await
}

async fn update<T>(w: &Worker<'_>, change: impl FnOnce(&mut Vec<Job>) -> T) -> Result<T, Error> {
    store::update_jobs(w, change).await
}

async fn change_job(w: &Worker<'_>, id: &str, change: impl FnOnce(&mut Job)) -> Result<(), Error> {
    update(w, |jobs| {
        let job = jobs.iter_mut().find(|job| job.id == id);
        job.map(change)
            .ok_or_else(|| Error::invalid_input(JOB_FIELD, "this job is no longer listed"))
    })
    .await?
}
