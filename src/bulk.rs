//! Bulk jobs as pure state: a list of items worked through one step at a time, each step a
//! single provider call, paced by random delays. The state is all stored under `jobs`, and an
//! item is marked in flight before its call: when the service worker is stopped mid-call, the
//! next step checks the provider's list instead of calling again, so no item is done twice and
//! none is lost. `jobs.rs` runs the steps; this module decides what each outcome means.

use crate::clocks::CLOCK_TOLERANCE_MS;
use crate::error::{Error, ErrorKind, Field};
use crate::model::Invitation;
use crate::pacing::{Pace, Random};
use serde::{Deserialize, Serialize};

pub const PROFILES_FIELD: Field = Field {
    key: "profiles",
    label: "Profile URLs",
};
pub const DAYS_FIELD: Field = Field {
    key: "days",
    label: "Days",
};

/// Steps in a row whose outcome is unknown (a lost or unreadable answer) before a job pauses for
/// the user: each unknown send counts against the caps until a check settles it.
const MAX_UNCERTAIN_IN_A_ROW: u32 = 2;
/// A 429 without a Retry-After waits this long.
const RATE_LIMIT_WAIT_MS: f64 = 60_000.0;
/// A limit refusal that did not say when it lifts is tried again after a day.
const LIMIT_WAIT_MS: f64 = 24.0 * 3_600_000.0;
/// While the clocks disagree, a step is tried again after this.
const CLOCKS_WAIT_MS: f64 = 15.0 * 60_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobAction {
    Accept,
    Decline,
    Withdraw,
    Invite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Steps run when due; with a `reason`, it is waiting out a rate limit or a cap.
    #[default]
    Running,
    /// Waiting for the user (a rejected key, no credits, no access to the provider): "Resume"
    /// continues.
    Paused,
    /// The user stopped it: items not started are not done.
    Stopped,
    Finished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[default]
    Pending,
    /// Its call started and its answer is not recorded yet.
    InFlight,
    Done,
    AlreadyGone,
    Failed,
    /// The job was stopped before it.
    NotDone,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// `Account::id`.
    pub account: String,
    /// The invitation id, or for an invitation to send the profile.
    pub target: String,
    /// Who it is, as shown.
    #[serde(default)]
    pub name: String,
    /// An invitation's note template.
    pub note: Option<String>,
    #[serde(default)]
    pub outcome: Outcome,
    pub error: Option<Error>,
}

/// What the popup shows of a job's progress, written with the job at every step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub total: u32,
    #[serde(default)]
    pub done: u32,
    #[serde(default)]
    pub already_gone: u32,
    #[serde(default)]
    pub failed: u32,
    #[serde(default)]
    pub not_done: u32,
    /// Pending or in flight.
    #[serde(default)]
    pub remaining: u32,
    pub estimated_end_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub action: JobAction,
    #[serde(default)]
    pub state: JobState,
    pub created_at_ms: f64,
    /// When the next step is due, and when that was decided.
    pub next_at_ms: f64,
    #[serde(default)]
    pub waiting_since_ms: f64,
    /// Why it is paused, or waiting while running.
    pub reason: Option<Error>,
    #[serde(default)]
    pub progress: Progress,
    pub pace: Pace,
    pub random: Random,
    #[serde(default)]
    pub uncertain_in_a_row: u32,
    /// Whole in memory; in storage, kept in chunks beside the job (`job_chunks.rs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    /// How many items storage keeps in chunks for this job; none for a job not kept so yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_kept: Option<usize>,
    /// Set on the job an account's automatic withdraw rule feeds; none on a job a person
    /// started.
    #[serde(default)]
    pub automatic: Option<Automatic>,
}

/// What an automatic job runs for: the account whose rule feeds it, and the rule's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Automatic {
    /// `Account::id`.
    pub account: String,
    pub rule: String,
    /// Why the rule withdraws nothing now (the clocks disagree, the provider's clock cannot be
    /// read): the jobs panel says it.
    #[serde(default)]
    pub held: Option<Error>,
}

/// Ended items an automatic job keeps for the popup's results; older ones are forgotten, so
/// a rule that runs for months does not grow its job without end.
const AUTOMATIC_ENDED_KEPT: usize = 100;

/// The next thing to do for a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    /// The item's call may have happened: look at the provider's list before calling again.
    pub check: bool,
}

/// What a step learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Done,
    AlreadyGone,
    /// A check found the call did not take effect: the item is to be done.
    NotDone,
    /// Re-checked just before its call, the automatic rule no longer finds it due: it leaves
    /// the job, not called.
    NoLongerDue,
}

impl Job {
    pub fn new(
        id: String,
        action: JobAction,
        items: Vec<Item>,
        pace: Pace,
        seed: u64,
        now_ms: f64,
    ) -> Job {
        let mut job = Job {
            id,
            action,
            state: JobState::Running,
            created_at_ms: now_ms,
            next_at_ms: now_ms,
            waiting_since_ms: now_ms,
            reason: None,
            progress: Progress::default(),
            pace,
            random: Random::seeded(seed),
            uncertain_in_a_row: 0,
            items,
            items_kept: None,
            automatic: None,
        };
        job.settle(now_ms);
        job
    }

    /// Adds the items not already in this automatic job; a finished job runs again.
    pub fn append(&mut self, items: Vec<Item>, now_ms: f64) -> usize {
        let fresh: Vec<Item> = items
            .into_iter()
            .filter(|new| {
                !self
                    .items
                    .iter()
                    .any(|old| old.account == new.account && old.target == new.target)
            })
            .collect();
        let added = fresh.len();
        if added > 0 && self.state == JobState::Finished {
            self.state = JobState::Running;
            self.next_at_ms = self.next_at_ms.max(now_ms);
        }
        self.items.extend(fresh);
        // A failed item is kept while the rule finds it due (`keep_due`): forgotten, it would
        // come back and be tried again.
        let ended = |item: &Item| {
            matches!(
                item.outcome,
                Outcome::Done | Outcome::AlreadyGone | Outcome::NotDone
            )
        };
        let mut extra = self
            .items
            .iter()
            .filter(|item| ended(item))
            .count()
            .saturating_sub(AUTOMATIC_ENDED_KEPT);
        self.items.retain(|item| {
            let forget = extra > 0 && ended(item);
            extra -= usize::from(forget);
            !forget
        });
        self.settle(now_ms);
        added
    }

    /// Keeps of this automatic job's pending and failed items only those the rule finds `due`
    /// now; gives back how many left.
    pub fn keep_due(&mut self, due: &[Item], now_ms: f64) -> usize {
        let before = self.items.len();
        self.items.retain(|item| {
            !matches!(item.outcome, Outcome::Pending | Outcome::Failed)
                || due
                    .iter()
                    .any(|d| d.account == item.account && d.target == item.target)
        });
        let left = before - self.items.len();
        if left > 0 {
            self.settle(now_ms);
        }
        left
    }

    /// The person's Pause: nothing more starts until Resume.
    pub fn hold(&mut self, now_ms: f64) {
        if self.state == JobState::Running {
            self.state = JobState::Paused;
            self.reason = None;
            self.settle(now_ms);
        }
    }

    /// When the next step is due, seen at `now_ms`: a wait set by a clock that has since gone
    /// back by more than the tolerance is over, so a wait set while the machine's clock was a
    /// month ahead does not last a month once it is put right (the step re-checks the clocks).
    fn due_at_ms(&self, now_ms: f64) -> f64 {
        match now_ms + CLOCK_TOLERANCE_MS < self.waiting_since_ms {
            true => now_ms,
            false => self.next_at_ms,
        }
    }

    /// The step due at `now_ms`, if any: a check of an item left in flight comes first (even
    /// in a stopped job, so its result is known); then the next pending item.
    pub fn next_step(&self, now_ms: f64) -> Option<Step> {
        let live = matches!(self.state, JobState::Running | JobState::Stopped);
        if !live || self.due_at_ms(now_ms) > now_ms {
            return None;
        }
        let position = |outcome| self.items.iter().position(|item| item.outcome == outcome);
        if let Some(index) = position(Outcome::InFlight) {
            return Some(Step { index, check: true });
        }
        let pending = position(Outcome::Pending).filter(|_| self.state == JobState::Running)?;
        Some(Step {
            index: pending,
            check: false,
        })
    }

    /// When a step will be due, seen at `now_ms`, if one ever will without the user.
    pub fn wakes_at_ms(&self, now_ms: f64) -> Option<f64> {
        self.next_step(f64::INFINITY)
            .map(|_| self.due_at_ms(now_ms))
    }

    /// Marks the item in flight, before its call; false when the step no longer applies (the
    /// job was stopped or the item done meanwhile).
    pub fn begin(&mut self, step: Step) -> bool {
        let expected = match step.check {
            true => Outcome::InFlight,
            false => Outcome::Pending,
        };
        let Some(item) = self.items.get_mut(step.index) else {
            return false;
        };
        let applies = item.outcome == expected && (step.check || self.state == JobState::Running);
        if applies {
            item.outcome = Outcome::InFlight;
        }
        applies
    }

    /// Records what the step on an in-flight item learnt, and when the next step is due.
    pub fn record(&mut self, step: Step, result: Result<Effect, Error>, now_ms: f64) {
        let Some(item) = self.items.get_mut(step.index) else {
            return;
        };
        if item.outcome != Outcome::InFlight {
            return;
        }
        let mut delay_ms = self.pace.delay_ms(&mut self.random);
        match result {
            Ok(effect) => {
                self.uncertain_in_a_row = 0;
                self.reason = None;
                item.error = None;
                item.outcome = match effect {
                    Effect::Done => Outcome::Done,
                    Effect::AlreadyGone => Outcome::AlreadyGone,
                    Effect::NotDone => {
                        delay_ms = 0.0;
                        Outcome::Pending
                    }
                    Effect::NoLongerDue => {
                        self.items.remove(step.index);
                        self.settle(now_ms);
                        return;
                    }
                };
            }
            Err(error) => {
                // A check that failed, like a call whose answer was lost, leaves the item in
                // flight: whether it was done is still unknown.
                let definite = !step.check;
                match error.kind {
                    ErrorKind::AlreadyDone | ErrorKind::NotFound if definite => {
                        self.uncertain_in_a_row = 0;
                        item.outcome = Outcome::AlreadyGone;
                        // Why, when the provider or a lookup said (connected already, say).
                        item.error = error.detail.is_some().then_some(error);
                    }
                    ErrorKind::NotDone if definite => {
                        // A check showed the call did not happen: the item is to be done.
                        self.uncertain_in_a_row = 0;
                        item.outcome = Outcome::Pending;
                        item.error = None;
                    }
                    ErrorKind::RateLimited
                    | ErrorKind::LimitReached
                    | ErrorKind::Paced
                    | ErrorKind::ClocksDisagree => {
                        delay_ms = wait_ms(&error);
                        if definite {
                            item.outcome = Outcome::Pending;
                        }
                        self.reason = Some(error);
                    }
                    ErrorKind::Unauthorized
                    | ErrorKind::Forbidden
                    | ErrorKind::OutOfCredits
                    | ErrorKind::NotAllowed
                    | ErrorKind::Browser
                    | ErrorKind::Damaged => match self.state {
                        // A stopped job waits for no one: its unchecked item is reported.
                        JobState::Stopped => {
                            item.outcome = Outcome::Failed;
                            item.error = Some(error);
                        }
                        _ => {
                            if definite {
                                item.outcome = Outcome::Pending;
                            }
                            self.pause(error);
                        }
                    },
                    ErrorKind::Timeout
                    | ErrorKind::Network
                    | ErrorKind::ProviderUnavailable
                    | ErrorKind::BadResponse
                    | ErrorKind::AlreadyDone
                    | ErrorKind::NotFound
                    | ErrorKind::NotDone => {
                        self.uncertain_in_a_row += 1;
                        if self.uncertain_in_a_row >= MAX_UNCERTAIN_IN_A_ROW {
                            match self.state {
                                JobState::Stopped => {
                                    item.outcome = Outcome::Failed;
                                    item.error = Some(error.with_detail(
                                        "Invite Desk could not learn whether this was done; \
                                         look at the list before doing it again",
                                    ));
                                }
                                _ => self.pause(error),
                            }
                        } else {
                            item.error = Some(error);
                        }
                    }
                    _ => {
                        self.uncertain_in_a_row = 0;
                        item.outcome = Outcome::Failed;
                        item.error = Some(error);
                    }
                }
            }
        }
        if self.state == JobState::Stopped {
            for item in &mut self.items {
                if item.outcome == Outcome::Pending {
                    item.outcome = Outcome::NotDone;
                }
            }
        }
        self.next_at_ms = now_ms + delay_ms;
        self.waiting_since_ms = now_ms;
        self.settle(now_ms);
    }

    fn pause(&mut self, reason: Error) {
        self.state = JobState::Paused;
        self.reason = Some(reason);
    }

    /// The user's Stop: nothing more is started.
    pub fn stop(&mut self, now_ms: f64) {
        if matches!(self.state, JobState::Running | JobState::Paused) {
            self.state = JobState::Stopped;
            self.reason = None;
            for item in &mut self.items {
                if item.outcome == Outcome::Pending {
                    item.outcome = Outcome::NotDone;
                }
            }
            self.next_at_ms = now_ms;
            self.settle(now_ms);
        }
    }

    /// The user's Resume after fixing what paused the job.
    pub fn resume(&mut self, now_ms: f64) {
        if self.state == JobState::Paused {
            self.state = JobState::Running;
            self.reason = None;
            self.uncertain_in_a_row = 0;
            self.next_at_ms = now_ms;
            self.settle(now_ms);
        }
    }

    /// Running or paused: it still has work.
    pub fn is_active(&self) -> bool {
        matches!(self.state, JobState::Running | JobState::Paused)
    }

    /// Finishes a running job with nothing left, and recounts its progress.
    fn settle(&mut self, now_ms: f64) {
        let count = |wanted: &[Outcome]| {
            self.items
                .iter()
                .filter(|item| wanted.contains(&item.outcome))
                .count() as u32
        };
        let remaining = count(&[Outcome::Pending, Outcome::InFlight]);
        if remaining == 0 && self.state == JobState::Running {
            self.state = JobState::Finished;
            self.reason = None;
        }
        let estimated_end_ms = (self.state == JobState::Running).then(|| {
            let next = self.next_at_ms.max(now_ms);
            next + (remaining.saturating_sub(1)) as f64 * self.pace.mean_ms()
        });
        self.progress = Progress {
            total: self.items.len() as u32,
            done: count(&[Outcome::Done]),
            already_gone: count(&[Outcome::AlreadyGone]),
            failed: count(&[Outcome::Failed]),
            not_done: count(&[Outcome::NotDone]),
            remaining,
            estimated_end_ms,
        };
    }
}

/// How long a step waits after `error`: its Retry-After, else the wait of its kind.
fn wait_ms(error: &Error) -> f64 {
    let default_ms = match error.kind {
        ErrorKind::LimitReached => LIMIT_WAIT_MS,
        ErrorKind::ClocksDisagree => CLOCKS_WAIT_MS,
        _ => RATE_LIMIT_WAIT_MS,
    };
    error
        .retry_after_s
        .map_or(default_ms, |seconds| f64::from(seconds) * 1000.0)
}

impl Item {
    pub fn new(account: &str, target: &str, name: &str, note: Option<&str>) -> Item {
        Item {
            account: account.to_owned(),
            target: target.to_owned(),
            name: name.to_owned(),
            note: note.map(str::to_owned),
            outcome: Outcome::Pending,
            error: None,
        }
    }
}

/// The most profiles one list may hold: at 2 to 5 minutes each, already days of sending.
pub const MAX_INVITE_LIST: usize = 1_000;

/// A pasted list of profiles, read line by line.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct InviteList {
    /// Each profile once, as its canonical URL (or member id), in the list's order.
    pub profiles: Vec<String>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Problem {
    /// Counted from 1, as an editor shows it.
    pub line: usize,
    pub message: String,
}

/// Reads profiles one per line; blank lines are skipped, repeats dropped, and each line that
/// is not a profile is reported with why.
pub fn read_invite_list(text: &str) -> InviteList {
    let mut list = InviteList::default();
    let mut seen = std::collections::HashSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let problem = |message: String| Problem {
            line: index + 1,
            message,
        };
        match crate::input::Target::parse(line) {
            Ok(target) if seen.insert(target.identifier().to_ascii_lowercase()) => {
                if list.profiles.len() == MAX_INVITE_LIST {
                    let why = format!("a list can hold at most {MAX_INVITE_LIST} profiles");
                    list.problems.push(problem(why));
                    break;
                }
                let canonical = target.profile_url();
                list.profiles
                    .push(canonical.unwrap_or_else(|| target.identifier().to_owned()));
            }
            Ok(_) => {}
            Err(error) => list.problems.push(problem(
                error.detail.clone().unwrap_or_else(|| error.message()),
            )),
        }
    }
    list
}

/// The ages "Withdraw sent older than" offers, beside a number of the person's own.
#[derive(Debug, Serialize)]
pub struct OlderThanChoices {
    pub days: [u32; 4],
    /// Three weeks: most acceptances come within a week, nearly all within three.
    pub chosen: u32,
}

pub const OLDER_THAN_CHOICES: OlderThanChoices = OlderThanChoices {
    days: [7, 14, 21, 30],
    chosen: 21,
};

/// The indexes of `invitations` sent more than `days` days before `now_ms`.
pub fn older_than(invitations: &[Invitation], days: f64, now_ms: f64) -> Result<Vec<u32>, Error> {
    if !(days >= 1.0 && days.fract() == 0.0 && days <= 3650.0) {
        return Err(Error::invalid_input(
            DAYS_FIELD,
            "enter a whole number of days, 1 or more",
        ));
    }
    let cutoff = now_ms - days * crate::age::DAY_MS;
    Ok(invitations
        .iter()
        .enumerate()
        .filter(|(_, invitation)| invitation.sent_at_ms.is_some_and(|sent| sent < cutoff))
        .map(|(index, _)| index as u32)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    const NOW: f64 = 1_800_000_000_000.0;

    fn job(count: usize) -> Job {
        let items = (0..count)
            .map(|i| Item::new("acc", &format!("inv-{i}"), &format!("Person {i}"), None))
            .collect();
        Job::new(
            "job-1".into(),
            JobAction::Withdraw,
            items,
            Pace::seconds(5.0, 20.0),
            9,
            NOW,
        )
    }

    /// The job as the next worker reads it back from storage.
    fn stored(job: &Job) -> Job {
        serde_json::from_str(&serde_json::to_string(job).unwrap()).unwrap()
    }

    /// A provider holding pending invitations, counting the withdrawals it is asked for.
    #[derive(Default)]
    struct Provider {
        pending: BTreeSet<String>,
        calls: BTreeMap<String, u32>,
    }

    impl Provider {
        fn with(count: usize) -> Provider {
            Provider {
                pending: (0..count).map(|i| format!("inv-{i}")).collect(),
                calls: BTreeMap::new(),
            }
        }

        fn withdraw(&mut self, id: &str) -> Result<Effect, Error> {
            *self.calls.entry(id.into()).or_default() += 1;
            match self.pending.remove(id) {
                true => Ok(Effect::Done),
                false => Err(Error::new(ErrorKind::NotFound)),
            }
        }

        fn check(&self, id: &str) -> Result<Effect, Error> {
            match self.pending.contains(id) {
                true => Ok(Effect::NotDone),
                false => Ok(Effect::Done),
            }
        }
    }

    /// Where the worker may be stopped within one step.
    #[derive(Debug, Clone, Copy)]
    enum Stop {
        /// After the item was stored as in flight, before the call left.
        BeforeCall,
        /// After the provider did it, before the answer was stored.
        AfterCall,
    }

    /// Runs steps as the worker does, storing the job after each write, until it is finished;
    /// the worker is stopped once, at step `stop_at`, at `stop`, and the job goes on from
    /// storage. Returns the provider and the final job.
    fn run_with_a_stop(count: usize, stop_at: usize, stop: Stop) -> (Provider, Job) {
        let mut provider = Provider::with(count);
        let mut storage = job(count);
        let mut now = NOW;
        let mut steps = 0;
        while let Some(step) = storage.next_step(now) {
            let mut working = stored(&storage);
            assert!(working.begin(step));
            storage = stored(&working);
            let item = working.items[step.index].target.clone();
            if steps == stop_at && matches!(stop, Stop::BeforeCall) {
                steps += 1;
                continue;
            }
            let result = match step.check {
                true => provider.check(&item),
                false => provider.withdraw(&item),
            };
            if steps == stop_at && matches!(stop, Stop::AfterCall) {
                steps += 1;
                continue;
            }
            working.record(step, result, now);
            storage = stored(&working);
            now = storage.next_at_ms;
            steps += 1;
            assert!(steps < 4 * count, "the job never ends");
        }
        (provider, storage)
    }

    #[test]
    fn stopped_at_every_step_the_job_resumes_with_no_item_done_twice_or_lost() {
        let count = 6;
        for stop_at in 0..count + 1 {
            for stop in [Stop::BeforeCall, Stop::AfterCall] {
                let (provider, job) = run_with_a_stop(count, stop_at, stop);
                assert!(
                    provider.pending.is_empty(),
                    "{stop_at} {stop:?}: some were lost"
                );
                assert!(
                    provider.calls.values().all(|calls| *calls == 1),
                    "{stop_at} {stop:?}: {:?}",
                    provider.calls
                );
                assert_eq!(provider.calls.len(), count);
                assert_eq!(job.state, JobState::Finished);
                assert_eq!(job.progress.done, count as u32, "{stop_at} {stop:?}");
                assert_eq!(job.progress.remaining, 0);
                assert_eq!(job.progress.estimated_end_ms, None);
            }
        }
    }

    #[test]
    fn steps_are_paced_within_the_range_and_the_end_is_estimated() {
        let mut job = job(4);
        assert_eq!(job.progress.remaining, 4);
        assert_eq!(
            job.next_step(NOW),
            Some(Step {
                index: 0,
                check: false
            })
        );
        let step = job.next_step(NOW).unwrap();
        job.begin(step);
        job.record(step, Ok(Effect::Done), NOW);
        let delay = job.next_at_ms - NOW;
        assert!((5_000.0..20_000.0).contains(&delay), "{delay}");
        assert_eq!(job.next_step(NOW + delay - 1.0), None);
        assert_eq!(
            job.next_step(job.next_at_ms),
            Some(Step {
                index: 1,
                check: false
            })
        );
        let end = job.progress.estimated_end_ms.unwrap();
        assert_eq!(end, job.next_at_ms + 2.0 * 12_500.0);
        assert_eq!(job.wakes_at_ms(NOW), Some(job.next_at_ms));
    }

    fn one_step(job: &mut Job, result: Result<Effect, Error>) -> Step {
        let step = job.next_step(job.next_at_ms).unwrap();
        assert!(job.begin(step));
        job.record(step, result, job.next_at_ms);
        step
    }

    #[test]
    fn an_automatic_job_takes_new_items_once_runs_again_and_forgets_old_results() {
        let mut job = job(2);
        one_step(&mut job, Ok(Effect::Done));
        one_step(&mut job, Ok(Effect::Done));
        assert_eq!(job.state, JobState::Finished);
        let again = |range: std::ops::Range<usize>| -> Vec<Item> {
            range
                .map(|i| Item::new("acc", &format!("inv-{i}"), "Someone", None))
                .collect()
        };
        assert_eq!(job.append(again(0..3), NOW + 1.0), 1, "only inv-2 is new");
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.progress.remaining, 1);
        one_step(&mut job, Ok(Effect::Done));
        assert_eq!(job.append(again(0..300), NOW + 2.0), 297);
        while job.state == JobState::Running {
            one_step(&mut job, Ok(Effect::Done));
        }
        // The rule's next look forgets what it need not show.
        assert_eq!(job.append(Vec::new(), NOW + 3.0), 0);
        assert_eq!(job.items.len(), AUTOMATIC_ENDED_KEPT, "bounded");
        assert_eq!(
            job.items.last().unwrap().target,
            "inv-299",
            "the newest kept"
        );
    }

    #[test]
    fn an_automatic_jobs_failed_item_is_not_tried_again_once_old_results_are_forgotten() {
        let items = |range: std::ops::Range<usize>| -> Vec<Item> {
            range
                .map(|i| Item::new("acc", &format!("inv-{i}"), "Someone", None))
                .collect()
        };
        let mut job = job(1);
        let refused = Error::new(ErrorKind::ProviderError).with_detail("refused for good");
        one_step(&mut job, Err(refused));
        assert_eq!(job.items[0].outcome, Outcome::Failed);
        job.append(items(1..300), NOW + 1.0);
        while job.state == JobState::Running {
            one_step(&mut job, Ok(Effect::Done));
        }
        let due = items(0..1);
        job.keep_due(&due, NOW + 2.0);
        assert_eq!(
            job.append(due, NOW + 2.0),
            0,
            "still due, still failed: not again"
        );
        assert_eq!(job.items[0].outcome, Outcome::Failed);
        assert_eq!(job.items.len(), AUTOMATIC_ENDED_KEPT + 1);
        // No longer due (withdrawn by hand, say): it goes.
        assert_eq!(job.keep_due(&[], NOW + 3.0), 1);
    }

    #[test]
    fn pause_holds_a_running_job_until_resume() {
        let mut job = job(2);
        one_step(&mut job, Ok(Effect::Done));
        job.hold(NOW);
        assert_eq!((job.state, job.reason.clone()), (JobState::Paused, None));
        assert_eq!(job.next_step(f64::INFINITY), None);
        job.resume(NOW + 5.0);
        assert_eq!(job.next_step(NOW + 5.0).map(|step| step.index), Some(1));
    }

    #[test]
    fn a_rate_limited_step_waits_for_retry_after_and_is_tried_again() {
        let mut job = job(2);
        let at = job.next_at_ms;
        let limited = Error::new(ErrorKind::RateLimited).with_retry_after(Some(90));
        let step = one_step(&mut job, Err(limited));
        assert_eq!(job.next_at_ms, at + 90_000.0);
        assert_eq!(job.items[step.index].outcome, Outcome::Pending);
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.reason.as_ref().unwrap().kind, ErrorKind::RateLimited);
        assert_eq!(job.next_step(job.next_at_ms), Some(step));
        one_step(&mut job, Ok(Effect::Done));
        assert_eq!(job.reason, None);
    }

    #[test]
    fn a_rejected_key_no_credits_or_no_access_pauses_until_resumed() {
        for kind in [
            ErrorKind::Unauthorized,
            ErrorKind::OutOfCredits,
            ErrorKind::NotAllowed,
        ] {
            let mut job = job(3);
            one_step(&mut job, Ok(Effect::Done));
            one_step(&mut job, Err(Error::new(kind)));
            assert_eq!(job.state, JobState::Paused);
            assert_eq!(job.reason.as_ref().unwrap().kind, kind);
            assert_eq!(job.items[1].outcome, Outcome::Pending);
            assert_eq!(job.next_step(f64::INFINITY), None);
            assert_eq!(job.wakes_at_ms(NOW), None);
            assert_eq!(job.progress.estimated_end_ms, None);
            job.resume(NOW + 1e6);
            assert_eq!(
                job.next_step(NOW + 1e6),
                Some(Step {
                    index: 1,
                    check: false
                })
            );
        }
    }

    #[test]
    fn gone_and_failed_items_are_reported_and_the_job_goes_on() {
        let mut job = job(3);
        one_step(&mut job, Err(Error::new(ErrorKind::AlreadyDone)));
        let refused = Error::new(ErrorKind::ProviderError).with_detail("restricted profile");
        one_step(&mut job, Err(refused.clone()));
        one_step(&mut job, Ok(Effect::AlreadyGone));
        assert_eq!(job.state, JobState::Finished);
        let outcomes: Vec<Outcome> = job.items.iter().map(|item| item.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::AlreadyGone, Outcome::Failed, Outcome::AlreadyGone]
        );
        assert_eq!(job.items[1].error, Some(refused));
        assert_eq!((job.progress.already_gone, job.progress.failed), (2, 1));
    }

    #[test]
    fn lost_answers_are_checked_not_repeated_and_two_in_a_row_pause() {
        let mut job = job(2);
        let first = one_step(&mut job, Err(Error::new(ErrorKind::Timeout)));
        assert_eq!(job.items[0].outcome, Outcome::InFlight);
        assert_eq!(job.state, JobState::Running);
        assert_eq!(
            job.next_step(job.next_at_ms),
            Some(Step {
                index: 0,
                check: true
            })
        );
        // An answer that does not decode is as unknown as a lost one.
        one_step(&mut job, Err(Error::new(ErrorKind::BadResponse)));
        assert_eq!(job.state, JobState::Paused);
        assert_eq!(
            job.items[0].outcome,
            Outcome::InFlight,
            "still to be checked"
        );
        job.resume(NOW);
        assert_eq!(
            job.next_step(NOW),
            Some(Step {
                index: first.index,
                check: true
            })
        );
        one_step(&mut job, Ok(Effect::NotDone));
        // Not done: it runs again at once, with no delay.
        assert_eq!(
            job.next_step(job.next_at_ms),
            Some(Step {
                index: 0,
                check: false
            })
        );
    }

    #[test]
    fn stop_leaves_the_rest_not_done_and_still_learns_the_item_in_flight() {
        let mut job = job(4);
        one_step(&mut job, Ok(Effect::Done));
        let step = job.next_step(job.next_at_ms).unwrap();
        assert!(job.begin(step));
        job.stop(NOW);
        assert_eq!(job.state, JobState::Stopped);
        assert_eq!(job.progress.not_done, 2);
        assert_eq!(job.progress.remaining, 1);
        // The worker died during that call: the stopped job still checks it.
        let job_after = stored(&job);
        let check = job_after.next_step(NOW).unwrap();
        assert_eq!(
            check,
            Step {
                index: 1,
                check: true
            }
        );
        let mut job = job_after;
        assert!(job.begin(check));
        job.record(check, Ok(Effect::NotDone), NOW);
        assert_eq!(job.items[1].outcome, Outcome::NotDone);
        assert_eq!(job.next_step(f64::INFINITY), None);
        assert_eq!(
            (
                job.progress.done,
                job.progress.not_done,
                job.progress.remaining
            ),
            (1, 3, 0)
        );
        // A stopped job is not resumed, and a pending step no longer applies.
        job.resume(NOW);
        assert_eq!(job.state, JobState::Stopped);
        assert!(!job.begin(Step {
            index: 2,
            check: false
        }));
    }

    #[test]
    fn an_invite_list_is_read_line_by_line_with_each_problem_named() {
        let list = read_invite_list(
            "https://www.linkedin.com/in/elena-petrova/\n\n  linkedin.com/in/Elena-Petrova  \n\
             https://evil.example/in/x\nACoAAB1x2y3zQ4\r\nnot a profile\n",
        );
        assert_eq!(
            list.profiles,
            [
                "https://www.linkedin.com/in/elena-petrova/",
                "ACoAAB1x2y3zQ4"
            ]
        );
        let lines: Vec<usize> = list.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [4, 6]);
        assert!(list.problems[0].message.contains("linkedin.com"));
        let long: String = (0..MAX_INVITE_LIST + 5)
            .map(|i| format!("person-{i}\n"))
            .collect();
        let list = read_invite_list(&long);
        assert_eq!(list.profiles.len(), MAX_INVITE_LIST);
        assert_eq!(list.problems.len(), 1);
        assert_eq!(read_invite_list("  \n\n"), InviteList::default());
    }

    #[test]
    fn invitations_older_than_a_number_of_days_are_chosen() {
        let invitation = |days: Option<f64>| Invitation {
            id: "i".into(),
            account: "a".into(),
            direction: crate::model::Direction::Sent,
            person: Default::default(),
            note: None,
            sent_at_ms: days.map(|days| NOW - days * crate::age::DAY_MS),
            sent_at_exact: true,
            handles: Default::default(),
        };
        let sent = [
            invitation(Some(3.0)),
            invitation(Some(15.0)),
            invitation(None),
            invitation(Some(40.0)),
        ];
        assert_eq!(older_than(&sent, 14.0, NOW).unwrap(), [1, 3]);
        assert_eq!(older_than(&sent, 30.0, NOW).unwrap(), [3]);
        assert_eq!(older_than(&sent, 1.0, NOW).unwrap(), [0, 1, 3]);
        for bad in [0.0, -3.0, 2.5, f64::NAN, 1e9] {
            assert_eq!(
                older_than(&sent, bad, NOW).unwrap_err().field.as_deref(),
                Some("days")
            );
        }
    }
}
