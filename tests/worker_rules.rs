//! The automatic withdraw rule in the whole worker, run natively against the faked world of
//! `fakes/` (the emulator in process): it withdraws exactly the sent invitations past its days,
//! oldest first, never more in 24 hours than it allows, across a worker stop and a day boundary, and
//! each withdrawal is kept for LinkedIn's re-invite wait; it judges ages by trusted time, withdraws
//! nothing while the clocks disagree, and its queue follows the rule as it changes.
#![cfg(not(target_arch = "wasm32"))]

mod fakes;

use fakes::World;
use invite_desk::bulk::{Job, JobState};
use invite_desk::error::ErrorKind;
use invite_desk::sync::Occasion;
use invite_desk::worker::Worker;
use serde_json::{json, Value};

const DAY_MINUTES: u32 = 24 * 60;

fn cancels(world: &World) -> Vec<String> {
    world
        .applied()
        .iter()
        .filter(|a| a.kind == "cancel")
        .map(|a| a.target.clone())
        .collect()
}

fn automatic_job(world: &World) -> Job {
    let jobs: Vec<Job> = world.jobs();
    jobs.into_iter()
        .find(|job| job.automatic.is_some())
        .expect("the rule's job")
}

/// Runs what is due, a minute at a time, for `minutes`.
fn run_for(world: &World, worker: &Worker<'_>, minutes: u32) {
    for _ in 0..minutes {
        world.fire_alarms(worker);
        world.wait(1);
    }
}

#[test]
fn the_rule_withdraws_exactly_the_old_invitations_at_most_its_share_a_day() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let mut accounts: Value = world.stored("accounts").expect("accounts");
    accounts[0]["auto_withdraw"] = json!({"enabled": true, "older_than_days": 7, "per_day": 2});
    world.put("accounts", accounts);

    // Account 0's sent invitations are 1 to 4 days old; five days on, three are past 7 days.
    world.wait(5 * DAY_MINUTES + 60);
    world.drive(
        invite_desk::worker::refresh::sync(&worker, Occasion::Schedule),
        None,
    );
    let job = automatic_job(world);
    let targets: Vec<&str> = job.items.iter().map(|i| i.target.as_str()).collect();
    assert_eq!(targets, ["800039", "800038", "800037"], "oldest first");

    run_for(world, &worker, 10);
    assert_eq!(cancels(world), ["800039", "800038"], "two a day");
    let job = automatic_job(world);
    assert_eq!(job.state, JobState::Running);
    assert_eq!(
        job.reason.as_ref().map(|reason| reason.kind),
        Some(ErrorKind::LimitReached),
        "it says why it waits"
    );

    // The browser stops the worker; a new one starts with what storage holds.
    let worker = Worker::new(world.env());
    run_for(world, &worker, 60);
    assert_eq!(cancels(world).len(), 2, "still the same day");
    // A day on, the third goes, and the youngest, now past 7 days too, joins at the next check
    // (every 15 minutes): two again that day.
    world.wait(DAY_MINUTES);
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), ["800039", "800038", "800037", "800036"]);
    assert_eq!(automatic_job(world).state, JobState::Finished);

    let ledger: Value = world.stored("ledger").expect("a ledger");
    let withdrawn = ledger
        .as_object()
        .and_then(|accounts| accounts.values().next())
        .map(|account| account["withdrawn"].as_array().map_or(0, Vec::len));
    assert_eq!(withdrawn, Some(4), "each kept for the re-invite wait");
}

#[test]
fn turning_the_rule_off_stops_its_job() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let mut accounts: Value = world.stored("accounts").expect("accounts");
    accounts[0]["auto_withdraw"] = json!({"enabled": true, "older_than_days": 7, "per_day": 1});
    world.put("accounts", accounts.clone());
    world.wait(5 * DAY_MINUTES + 60);
    world.drive(
        invite_desk::worker::refresh::sync(&worker, Occasion::Schedule),
        None,
    );
    run_for(world, &worker, 5);
    assert_eq!(cancels(world).len(), 1);

    accounts[0]["auto_withdraw"]["enabled"] = json!(false);
    world.put("accounts", accounts);
    world.drive(
        invite_desk::worker::refresh::accounts_changed(&worker),
        None,
    );
    let job = automatic_job(world);
    assert_eq!(job.state, JobState::Stopped);
    world.wait(2 * DAY_MINUTES);
    run_for(world, &worker, 10);
    assert_eq!(
        cancels(world).len(),
        1,
        "nothing after the rule was turned off"
    );
}

/// A started world whose account 0 has the rule on at `older_than_days`, at most `per_day`.
fn ruled(older_than_days: u32, per_day: u32) -> (&'static World, Worker<'static>, Value) {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let mut accounts: Value = world.stored("accounts").expect("accounts");
    accounts[0]["auto_withdraw"] =
        json!({"enabled": true, "older_than_days": older_than_days, "per_day": per_day});
    world.put("accounts", accounts.clone());
    (world, worker, accounts)
}

fn sync(world: &World, worker: &Worker<'_>) {
    world.drive(
        invite_desk::worker::refresh::sync(worker, Occasion::Schedule),
        None,
    );
}

#[test]
fn a_machine_clock_days_ahead_withdraws_nothing_and_the_panel_says_why() {
    // Account 0's sent invitations are 1 to 4 days old.
    let (world, worker, _) = ruled(7, 40);
    world.skew(30);
    world.wait(20);
    sync(world, &worker);
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), Vec::<String>::new(), "none is 7 days old");
    let held = automatic_job(world).automatic.and_then(|a| a.held);
    assert_eq!(held.map(|e| e.kind), Some(ErrorKind::ClocksDisagree));

    // The clock put right, the rule runs again, and finds nothing due.
    world.skew(-30);
    world.wait(20);
    sync(world, &worker);
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), Vec::<String>::new());
    assert_eq!(automatic_job(world).automatic.and_then(|a| a.held), None);
}

#[test]
fn a_clock_that_goes_wrong_after_the_queue_was_fed_withdraws_nothing_until_it_is_right() {
    let (world, worker, _) = ruled(7, 40);
    world.wait(5 * DAY_MINUTES + 60);
    sync(world, &worker);
    assert_eq!(automatic_job(world).items.len(), 3);
    // The machine's clock jumps before the first step: each step re-checks and waits.
    world.skew(30);
    world.wait(61);
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), Vec::<String>::new());
    let job = automatic_job(world);
    assert_eq!(
        job.reason.map(|reason| reason.kind),
        Some(ErrorKind::ClocksDisagree)
    );
    // Put right: the alarms set by the wrong clock are a month off, so the browser's start
    // (or the next step the person starts) wakes the jobs.
    world.skew(-30);
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    run_for(world, &worker, 60);
    assert_eq!(cancels(world), ["800039", "800038", "800037"]);
}

#[test]
fn raising_the_rules_days_drops_what_it_no_longer_finds_due() {
    let (world, worker, mut accounts) = ruled(7, 40);
    world.wait(5 * DAY_MINUTES + 60);
    sync(world, &worker);
    assert_eq!(automatic_job(world).items.len(), 3, "queued, none run yet");
    accounts[0]["auto_withdraw"]["older_than_days"] = json!(180);
    world.put("accounts", accounts);
    world.drive(
        invite_desk::worker::refresh::accounts_changed(&worker),
        None,
    );
    let job = automatic_job(world);
    assert_eq!(job.items.len(), 0, "{:?}", job.items);
    assert!(job.automatic.unwrap().rule.contains("180 days"));
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), Vec::<String>::new());
}

#[test]
fn each_step_rechecks_its_item_against_the_rule_as_it_stands() {
    let (world, worker, mut accounts) = ruled(7, 40);
    world.wait(5 * DAY_MINUTES + 60);
    sync(world, &worker);
    assert_eq!(automatic_job(world).items.len(), 3);
    // Changed in storage, before any check feeds the queue again.
    accounts[0]["auto_withdraw"]["older_than_days"] = json!(30);
    world.put("accounts", accounts);
    run_for(world, &worker, 30);
    assert_eq!(cancels(world), Vec::<String>::new());
    assert_eq!(automatic_job(world).items.len(), 0, "each left the queue");
}
