//! A model test of the whole worker, run natively: random sequences of what a user and the world
//! do (single sends, accepts, declines, withdrawals, bulk jobs on two accounts, alarms, time
//! passing, the machine's clock jumping, provider answers lost or garbled, storage refusing,
//! the worker stopped at any await) against the real worker code, with every effect faked
//! (`fakes/`) and the provider being our emulator, in process. After every step the promises
//! that protect a user's LinkedIn account are checked against what the provider itself saw:
//! - no invitation is sent while the sends of the last 7 days, or of the last 24 hours, are at
//!   their cap, nor one with a note past the free plan's 5 a month;
//! - no action reaches the provider twice for the same item once it took effect;
//! - no item of a job is lost: each ends done, failed with a reason, or visibly pending;
//! - two sends from one LinkedIn account are never closer than the shortest invitation delay;
//! - no invitation is withdrawn unasked unless the rule, as it stands, finds it older than its
//!   days by the provider's clock, however the machine's clock is skewed or the rule changed;
//! - no step makes more than a bounded number of requests, however the provider pages.
#![cfg(not(target_arch = "wasm32"))]

mod fakes;

use fakes::{Applied, Outcome, StorageFault, World};
use invite_desk::bulk::{JobState, Outcome as ItemOutcome};
use invite_desk::worker::intents::{handle_intent, read_intent};
use invite_desk::worker::{on_alarm, Worker};
use proptest::prelude::*;
use serde_json::json;

const DAY_MS: f64 = 86_400_000.0;
/// Small, so that sequences reach it.
const WEEKLY_CAP: usize = 4;
/// Below the weekly cap, so that a day's cap binds first.
const DAILY_CAP: usize = 3;
const FREE_NOTES: usize = 5;
const INVITE_DELAY_MIN_S: f64 = 120.0;

/// What a step does.
#[derive(Debug, Clone)]
enum Op {
    Send {
        account: usize,
        person: usize,
        note: bool,
    },
    Act {
        kind: &'static str,
        account: usize,
        nth: usize,
    },
    InviteJob {
        account: usize,
        people: Vec<usize>,
        note: bool,
    },
    ListedJob {
        kind: &'static str,
        account: usize,
        count: usize,
    },
    StopJob,
    ResumeJob,
    /// The browser fires every alarm that is due.
    Alarms,
    /// Time passes, for the provider and the machine alike.
    Wait {
        minutes: u32,
    },
    /// The machine's clock jumps, forward or back.
    Skew {
        days: i32,
    },
    /// The provider's answer to the next action.
    Next(Outcome),
    /// The provider's answer to the next read.
    NextRead(Outcome),
    /// The next storage write fails.
    Refuse(StorageFault),
    /// The next step's worker is stopped after this many awaits; a new one takes over.
    StopWorker {
        after: usize,
    },
    /// The account is removed in Options and added again: a new entry for the same LinkedIn
    /// account.
    ReAdd {
        account: usize,
    },
    /// Options turns account 0's automatic withdraw rule on at these days, or off.
    Rule {
        older_than_days: Option<u32>,
    },
    /// From now on the provider pages with this fault (`null`: as documented).
    Paging(serde_json::Value),
}

fn op() -> impl Strategy<Value = Op> {
    let account = 0..2usize;
    prop_oneof![
        5 => (account.clone(), 0..10usize, any::<bool>())
            .prop_map(|(account, person, note)| Op::Send { account, person, note }),
        2 => (prop::sample::select(vec!["accept", "decline", "withdraw"]), account.clone(), 0..6usize)
            .prop_map(|(kind, account, nth)| Op::Act { kind, account, nth }),
        2 => (account.clone(), prop::collection::vec(0..10usize, 1..8), any::<bool>())
            .prop_map(|(account, people, note)| Op::InviteJob { account, people, note }),
        1 => (prop::sample::select(vec!["accept", "decline", "withdraw"]), account, 1..5usize)
            .prop_map(|(kind, account, count)| Op::ListedJob { kind, account, count }),
        1 => Just(Op::StopJob),
        1 => Just(Op::ResumeJob),
        6 => Just(Op::Alarms),
        4 => prop_oneof![Just(1u32), Just(3), Just(30), Just(6 * 60), Just(3 * 24 * 60)]
            .prop_map(|minutes| Op::Wait { minutes }),
        1 => (-60..=60i32).prop_map(|days| Op::Skew { days }),
        4 => fakes::outcome().prop_map(Op::Next),
        1 => fakes::outcome().prop_map(Op::NextRead),
        2 => fakes::storage_fault().prop_map(Op::Refuse),
        2 => (0..60usize).prop_map(|after| Op::StopWorker { after }),
        1 => (0..2usize).prop_map(|account| Op::ReAdd { account }),
        1 => prop::option::of(prop::sample::select(vec![1u32, 2, 3, 7]))
            .prop_map(|older_than_days| Op::Rule { older_than_days }),
        1 => prop::sample::select(vec![
            json!(null),
            json!({"kind": "repeated_cursor"}),
            json!({"kind": "cursor_cycle"}),
            json!({"kind": "empty_pages_with_cursor"}),
            json!({"kind": "repeated_items"}),
            json!({"kind": "inflated_total", "total": 3000}),
            json!({"kind": "oldest_first_within_pages"}),
        ])
        .prop_map(Op::Paging),
    ]
}

/// Requests one step may make: a sync of four short lists, a job's step and its checks, with
/// their retries; a provider that pages without end would go far past it.
const MAX_REQUESTS_PER_STEP: usize = 40;

/// The rule as it stands on account 0 (its days), and the withdrawals the user asked for.
#[derive(Default)]
struct Asked {
    rule_days: Option<u32>,
    withdrawals: std::collections::HashSet<String>,
}

/// Runs one step with `worker`; `stop_after` drops it at that await.
fn step(world: &World, worker: &Worker<'_>, op: &Op, stop_after: Option<usize>, asked: &mut Asked) {
    let intent = |message: serde_json::Value| {
        let intent = read_intent(&message.to_string()).expect("the test's intents are valid");
        world.drive(handle_intent(worker, intent), stop_after);
    };
    match op {
        Op::Send {
            account,
            person,
            note,
        } => intent(json!({
            "type": "send", "account": world.account_id(*account),
            "profile": World::profile(*person),
            "note": note.then_some("Hello {first_name}, glad to connect"),
        })),
        Op::Act { kind, account, nth } => {
            let direction = if *kind == "withdraw" {
                "sent"
            } else {
                "received"
            };
            if let Some(id) = world.stored_invitation(*account, direction, *nth) {
                asked.withdrawals.insert(id.clone());
                intent(
                    json!({"type": kind, "account": world.account_id(*account), "invitation": id}),
                );
            }
        }
        Op::InviteJob {
            account,
            people,
            note,
        } => intent(json!({
            "type": "start_job", "action": "invite", "account": world.account_id(*account),
            "profiles": people.iter().map(|p| World::profile(*p)).collect::<Vec<_>>(),
            "note": note.then_some("Hi {first_name}!"),
        })),
        Op::ListedJob {
            kind,
            account,
            count,
        } => {
            let direction = if *kind == "withdraw" {
                "sent"
            } else {
                "received"
            };
            let ids: Vec<String> = (0..*count)
                .filter_map(|nth| world.stored_invitation(*account, direction, nth))
                .collect();
            asked.withdrawals.extend(ids.iter().cloned());
            let items: Vec<_> = ids
                .iter()
                .map(|id| json!({"account": world.account_id(*account), "invitation": id}))
                .collect();
            if !items.is_empty() {
                intent(json!({"type": "start_job", "action": kind, "items": items}));
            }
        }
        Op::StopJob | Op::ResumeJob => {
            let kind = if matches!(op, Op::StopJob) {
                "stop_job"
            } else {
                "resume_job"
            };
            if let Some(job) = world.jobs().first() {
                intent(json!({"type": kind, "job": job.id}));
            }
        }
        Op::Alarms => {
            for name in world.due_alarms() {
                world.drive(on_alarm(worker, name), stop_after);
            }
        }
        Op::Wait { minutes } => world.wait(*minutes),
        Op::Skew { days } => world.skew(*days),
        Op::Next(outcome) => world.next_outcome(outcome.clone()),
        Op::NextRead(outcome) => world.next_read_outcome(outcome.clone()),
        Op::Refuse(fault) => world.refuse(fault.clone()),
        Op::ReAdd { account } => world.re_add(*account),
        Op::StopWorker { .. } => {}
        Op::Rule { older_than_days } => {
            asked.rule_days = *older_than_days;
            world.set_rule(0, *older_than_days);
            world.drive(
                invite_desk::worker::refresh::accounts_changed(worker),
                stop_after,
            );
        }
        Op::Paging(fault) => world.paging(fault.clone()),
    }
}

/// The promises, checked against what the provider saw.
fn check_invariants(
    world: &World,
    asked: &Asked,
    (requests, applied_before): (usize, usize),
) -> Result<(), TestCaseError> {
    prop_assert!(
        requests <= MAX_REQUESTS_PER_STEP,
        "{requests} requests in one step"
    );
    let applied = world.applied();
    // This step's withdrawals, against the rule as it stood (a step that changes the rule
    // makes none: its check only queues them).
    let this_step = applied.get(applied_before..).unwrap_or_default();
    for withdrawn in this_step.iter().filter(|a| a.kind == "cancel") {
        let (Some(sent_at_ms), false) = (
            withdrawn.sent_at_ms,
            asked.withdrawals.contains(&withdrawn.target),
        ) else {
            continue;
        };
        let age_days = (withdrawn.at_ms - sent_at_ms) / DAY_MS;
        let rule_on_account_0 = withdrawn.account == World::provider_account(0);
        prop_assert!(
            rule_on_account_0 && asked.rule_days.is_some(),
            "{withdrawn:?} withdrawn unasked with no rule on"
        );
        // The machine's clock may be off the provider's by up to the tolerance, an hour.
        let rule_days = f64::from(asked.rule_days.unwrap_or_default());
        prop_assert!(
            age_days >= rule_days - 1.0 / 24.0,
            "{withdrawn:?} withdrawn at {age_days:.2} days by a rule of {rule_days}"
        );
    }
    for account in 0..2 {
        let sends: Vec<&Applied> = applied
            .iter()
            .filter(|a| a.kind == "send" && a.account == World::provider_account(account))
            .collect();
        for (i, send) in sends.iter().enumerate() {
            let in_week = sends[..=i]
                .iter()
                .filter(|s| send.at_ms - s.at_ms < 7.0 * DAY_MS)
                .count();
            prop_assert!(
                in_week <= WEEKLY_CAP,
                "{in_week} sends in 7 days on account {account}: {sends:?}"
            );
            let in_day = sends[..=i]
                .iter()
                .filter(|s| send.at_ms - s.at_ms < DAY_MS)
                .count();
            prop_assert!(
                in_day <= DAILY_CAP,
                "{in_day} sends in 24 hours on account {account}: {sends:?}"
            );
            let notes = sends[..=i]
                .iter()
                .filter(|s| s.note && send.at_ms - s.at_ms < 30.0 * DAY_MS)
                .count();
            prop_assert!(
                notes <= FREE_NOTES,
                "{notes} notes in 30 days on account {account}"
            );
            if i > 0 {
                let gap_s = (send.at_ms - sends[i - 1].at_ms) / 1000.0;
                prop_assert!(
                    gap_s >= INVITE_DELAY_MIN_S,
                    "two sends {gap_s} s apart on account {account}"
                );
            }
        }
    }
    for seen in world.reached() {
        let before = |a: &&Applied| a.seq < seen.seq;
        let again = match seen.kind {
            // A send to someone whose invitation from an earlier send is still pending.
            "send" => applied.iter().filter(before).any(|sent| {
                sent.kind == "send"
                    && sent.key() == seen.key()
                    && !applied.iter().filter(before).any(|undone| {
                        undone.kind == "cancel" && Some(&undone.target) == sent.made.as_ref()
                    })
            }),
            // An accept, decline or withdrawal of an invitation already acted on.
            _ => applied
                .iter()
                .filter(before)
                .any(|done| done.kind != "send" && done.key() == seen.key()),
        };
        prop_assert!(
            !again,
            "{:?} reached the provider again after it took effect",
            seen
        );
    }
    for job in world.jobs() {
        for item in &job.items {
            let lost = match (job.state, item.outcome) {
                (_, ItemOutcome::Failed) => item.error.is_none(),
                (JobState::Finished, ItemOutcome::Pending | ItemOutcome::InFlight) => true,
                // In flight, a stopped job's item is still checked; pending, it is dropped.
                (JobState::Stopped, ItemOutcome::Pending) => true,
                _ => false,
            };
            prop_assert!(!lost, "an item of job {} is lost: {item:?}", job.id);
        }
    }
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let world = World::new(WEEKLY_CAP, INVITE_DELAY_MIN_S);
    let mut settings: serde_json::Value = world.stored("settings").expect("settings");
    settings["daily_cap_free"] = json!(DAILY_CAP);
    world.put("settings", settings);
    let mut worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let mut stop_after = None;
    let mut asked = Asked::default();
    for op in ops {
        if let Op::StopWorker { after } = op {
            stop_after = Some(*after);
            continue;
        }
        let (calls, applied) = (world.calls(), world.applied().len());
        step(&world, &worker, op, stop_after.take(), &mut asked);
        if world.stopped() {
            // The browser starts a new worker: fresh locks, what storage holds.
            worker = Worker::new(world.env());
        }
        check_invariants(&world, &asked, (world.calls() - calls, applied))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("MODEL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200),
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_worker_keeps_its_promises_whatever_happens(ops in prop::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }
}
