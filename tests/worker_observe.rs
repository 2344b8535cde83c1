//! What the worker makes of the lists' changes, run natively against the faked world of
//! `fakes/` (the emulator in process): acceptance stats told apart as LinkUp and Unipile allow,
//! at one call per invitation gone and nothing when nothing changed; and the notification of
//! new received invitations, once, never while the popup is open, whose button accepts exactly
//! its invitation.
#![cfg(not(target_arch = "wasm32"))]

mod fakes;

use fakes::World;
use invite_desk::lists::{head_key, Head};
use invite_desk::model::Direction;
use invite_desk::stats::{AccountStats, Outcome};
use invite_desk::sync::Occasion;
use invite_desk::worker::effects::Presence;
use invite_desk::worker::{observe, refresh, Worker};
use serde_json::{json, Value};

/// Every list checked, as when the popup opens; a few minutes on, so none is fresh.
fn look(world: &World, worker: &Worker<'_>) {
    world.wait(2);
    world.drive(refresh::sync(worker, Occasion::PopupOpen), None);
}

fn stats(world: &World) -> AccountStats {
    let key = format!("stats:{}", world.account_id(0));
    world.stored(&key).unwrap_or_default()
}

fn outcome_of(world: &World, id: &str) -> Outcome {
    let stats = stats(world);
    let tracked = stats.tracked.iter().find(|t| t.id == id);
    tracked.expect("counted").outcome
}

/// What happened on LinkedIn to account 0, one change per person given: the ids it made.
fn made(world: &World, kind: &str, people: &[usize]) -> Vec<String> {
    let changes: Vec<Value> = people
        .iter()
        .map(|p| json!({ kind: {"person": format!("person-{p}")} }))
        .collect();
    let made = world.on_linkedin(0, json!(changes));
    made["changes"]
        .as_array()
        .expect("one answer per change")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Three invitations sent from LinkedIn's site to persons 1 to 3 of account 0; their ids.
fn sent_on_site(world: &World) -> Vec<String> {
    made(world, "sent_on_site", &[1, 2, 3])
}

#[test]
fn linkup_stats_tell_accepted_from_left_and_withdrawn_at_one_credit_each() {
    let world: &'static World = Box::leak(Box::new(World::linkup(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(refresh::start(&worker), None);
    assert!(
        stats(world).tracked.is_empty(),
        "what was pending before is not counted"
    );
    assert!(stats(world).since_ms.is_some(), "counting started");

    let ids = sent_on_site(world);
    look(world, &worker);
    let mut counted: Vec<String> = stats(world).tracked.into_iter().map(|t| t.id).collect();
    counted.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(counted, expected, "the three new ones, and only them");
    assert!(ids
        .iter()
        .all(|id| outcome_of(world, id) == Outcome::Pending));

    world.on_linkedin(
        0,
        json!([{"accepted_by_them": ids[0]}, {"declined_by_them": ids[1]}]),
    );
    let answer = world.intent(
        &worker,
        json!({"type": "withdraw", "account": world.account_id(0), "invitation": ids[2]}),
    );
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(outcome_of(world, &ids[2]), Outcome::Withdrawn);

    let asked_before = world.calls_of("check_invitation");
    look(world, &worker);
    assert_eq!(outcome_of(world, &ids[0]), Outcome::Accepted);
    assert_eq!(outcome_of(world, &ids[1]), Outcome::Left);
    assert_eq!(
        world.calls_of("check_invitation") - asked_before,
        2,
        "one question per invitation gone, none for our own withdrawal"
    );

    // Nothing changed: nothing asked, nothing written.
    let stored = world.local_text(&format!("stats:{}", world.account_id(0)));
    let asked = world.calls_of("check_invitation");
    world.wait(61);
    world.drive(refresh::sync(&worker, Occasion::Schedule), None);
    assert_eq!(world.calls_of("check_invitation"), asked);
    assert_eq!(
        world.local_text(&format!("stats:{}", world.account_id(0))),
        stored
    );
}

#[test]
fn unipile_cannot_tell_so_an_invitation_gone_left_the_list_without_a_call() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(refresh::start(&worker), None);
    let ids = sent_on_site(world);
    look(world, &worker);
    world.on_linkedin(0, json!([{"accepted_by_them": ids[0]}]));
    let account = World::provider_account(0);
    let calls = world.calls_of(&account);
    look(world, &worker);
    assert_eq!(outcome_of(world, &ids[0]), Outcome::Left);
    assert_eq!(outcome_of(world, &ids[1]), Outcome::Pending);
    assert_eq!(
        world.calls_of(&account) - calls,
        2,
        "its two lists' checks, nothing more"
    );
}

fn notify_on(world: &World) {
    let mut settings: Value = world.stored("settings").expect("settings");
    settings["notify_new"] = json!(true);
    world.put("settings", settings);
}

fn arrive(world: &World, people: &[usize]) -> Vec<String> {
    made(world, "arrive", people)
}

#[test]
fn new_invitations_are_announced_once_and_a_button_accepts_exactly_its_own() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    notify_on(world);
    world.drive(refresh::start(&worker), None);
    assert!(
        world.notices.borrow().is_empty(),
        "the first read is no news"
    );

    let ids = arrive(world, &[1, 2, 3]);
    look(world, &worker);
    let notices = world.notices.borrow().clone();
    assert_eq!(notices.len(), 1, "one notification for all: {notices:?}");
    assert_eq!(notices[0].title, "3 new invitations");
    assert_eq!(notices[0].message, "Pat3 Doe, Pat2 Doe, Pat1 Doe");
    assert_eq!(notices[0].buttons, ["Accept Pat3 Doe", "Accept Pat2 Doe"]);

    look(world, &worker);
    assert_eq!(
        world.notices.borrow().len(),
        1,
        "what was announced is not again"
    );

    world.drive(observe::accept_clicked(&worker, &notices[0].id, 1), None);
    let accepted: Vec<String> = world
        .applied()
        .iter()
        .filter(|a| a.kind == "accept")
        .map(|a| a.target.clone())
        .collect();
    assert_eq!(accepted, [ids[1].clone()], "Pat2's, and only it");
    assert!(world.notices.borrow().is_empty(), "the notification goes");
    assert_eq!(
        world.stored_invitation(0, "received", 0).as_deref(),
        Some(ids[2].as_str())
    );
}

#[test]
fn no_notification_while_the_popup_is_open_or_when_not_asked_for() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(refresh::start(&worker), None);
    arrive(world, &[1]);
    look(world, &worker);
    assert!(world.notices.borrow().is_empty(), "off by default");

    notify_on(world);
    world.popup_open.set(true);
    arrive(world, &[2]);
    look(world, &worker);
    assert!(world.notices.borrow().is_empty(), "seen in the open popup");

    world.popup_open.set(false);
    world.notifications_allowed.set(false);
    arrive(world, &[3]);
    look(world, &worker);
    assert!(world.notices.borrow().is_empty());
    assert_eq!(
        world
            .badge
            .borrow()
            .as_ref()
            .map(|b| b.text.clone())
            .as_deref(),
        Some("15"),
        "a notification refused loses nothing: the badge counts all (6 + 6 + 3)"
    );
}

#[test]
fn a_list_first_read_after_a_failed_check_is_no_news() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    notify_on(world);
    world.next_read_outcome(fakes::Outcome::TimedOut);
    world.drive(refresh::start(&worker), None);
    look(world, &worker);
    assert!(
        world.notices.borrow().is_empty(),
        "{:?}",
        world.notices.borrow()
    );
    arrive(world, &[1]);
    look(world, &worker);
    assert_eq!(world.notices.borrow().len(), 1, "what arrives after it is");
}

#[test]
fn a_failed_accept_from_a_notification_is_said_in_another() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    notify_on(world);
    world.drive(refresh::start(&worker), None);
    let ids = arrive(world, &[1]);
    look(world, &worker);
    let notice = world.notices.borrow()[0].clone();
    world.on_linkedin(0, json!([{"withdrawn_by_sender": ids[0]}]));
    world.drive(observe::accept_clicked(&worker, &notice.id, 0), None);
    let notices = world.notices.borrow().clone();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].title, "The invitation was not accepted");
    assert!(world.applied().iter().all(|a| a.kind != "accept"));
}

#[test]
fn a_damaged_jobs_value_with_the_rule_on_does_not_stop_news_of_new_invitations() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    notify_on(world);
    world.set_rule(0, Some(7));
    world.drive(refresh::start(&worker), None);
    world.put("jobs", json!([]));
    world.refuse(fakes::StorageFault::Damaged("jobs"));
    arrive(world, &[1]);
    look(world, &worker);
    let notices = world.notices.borrow().clone();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(world.local_text("jobs"), "{\"damaged\": [", "kept as it is");
}

#[test]
fn polls_while_the_machine_is_idle_or_locked_ask_nothing_and_the_return_checks_at_once() {
    let world: &'static World = Box::leak(Box::new(World::linkup(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(refresh::start(&worker), None);
    let badge = || world.badge.borrow().as_ref().map(|b| b.text.clone());
    assert_eq!(badge().as_deref(), Some("12"));
    let poll = || {
        world.wait(16);
        world.drive(
            invite_desk::worker::on_alarm(&worker, refresh::REFRESH_ALARM),
            None,
        );
    };

    world.away.set(true);
    arrive(world, &[1]);
    let calls = world.calls();
    (0..8).for_each(|_| poll());
    assert_eq!(
        world.calls(),
        calls,
        "two hours of polls while away: no request"
    );
    assert_eq!(
        world.idle_after_s.get(),
        Some(15 * 60),
        "idle is a poll period without input"
    );
    assert_eq!(badge().as_deref(), Some("12"));

    world.away.set(false);
    world.drive(refresh::presence_changed(&worker, Presence::Active), None);
    assert_eq!(badge().as_deref(), Some("13"), "back: checked at once");
    assert_eq!(
        world.calls() - calls,
        4,
        "one check of each list, all due after two hours"
    );

    arrive(world, &[2]);
    poll();
    assert_eq!(badge().as_deref(), Some("14"), "the polls go on");
    world.away.set(true);
    world.drive(refresh::presence_changed(&worker, Presence::Away), None);
    assert_eq!(badge().as_deref(), Some("14"));
}

#[test]
fn after_an_update_every_list_is_read_in_full_and_then_only_checked_for_a_month() {
    let world: &'static World = Box::leak(Box::new(World::linkup(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(refresh::start(&worker), None);
    let reconciled = || -> Vec<Option<f64>> {
        [Direction::Received, Direction::Sent]
            .into_iter()
            .map(|direction| {
                let head: Head = world
                    .stored(&head_key(&world.account_id(0), direction))
                    .expect("a head");
                head.reconciled_at_ms
            })
            .collect()
    };
    let first = reconciled();
    for _ in 0..4 * 24 * 3 {
        world.wait(15);
        world.drive(
            invite_desk::worker::on_alarm(&worker, refresh::REFRESH_ALARM),
            None,
        );
    }
    assert_eq!(reconciled(), first, "three days of polls: checks only");
    world.wait(1);
    world.drive(refresh::updated(&worker), None);
    let after = reconciled();
    assert!(
        after.iter().zip(&first).all(|(after, first)| after > first),
        "{after:?} after {first:?}"
    );
}
