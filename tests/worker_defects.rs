//! One test for each way the worker once failed open (issue 13's list), and for a provider the
//! browser may not reach, run natively against the faked world of `fakes/`: each fails when its
//! fix is taken out.
#![cfg(not(target_arch = "wasm32"))]

mod fakes;

use fakes::{Outcome, StorageFault, World};
use invite_desk::bulk::{JobState, Outcome as ItemOutcome, MAX_INVITE_LIST};
use invite_desk::error::{Error, ErrorKind};
use invite_desk::sync::Occasion;
use invite_desk::worker::effects::Clock;
use invite_desk::worker::{Answer, Worker};
use serde_json::{json, Value};

const DAY_MINUTES: u32 = 24 * 60;

/// A world whose accounts may send `cap` invitations a week, at least 2 minutes apart, with a
/// started worker.
fn started(cap: usize) -> (&'static World, Worker<'static>) {
    // It lives as long as the test's process: a worker borrows its world.
    let world: &'static World = Box::leak(Box::new(World::new(cap, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    (world, worker)
}

fn send(world: &World, worker: &Worker<'_>, person: usize, note: bool) -> Result<Answer, Error> {
    world.intent(
        worker,
        json!({"type": "send", "account": world.account_id(0), "profile": World::profile(person),
               "note": note.then_some("Hello {first_name}")}),
    )
}

fn sends(world: &World) -> usize {
    world.applied().iter().filter(|a| a.kind == "send").count()
}

fn invite_job(world: &World, worker: &Worker<'_>, people: &[usize], note: bool) -> Answer {
    world
        .intent(
            worker,
            json!({"type": "start_job", "action": "invite", "account": world.account_id(0),
                   "profiles": people.iter().map(|p| World::profile(*p)).collect::<Vec<_>>(),
                   "note": note.then_some("Hi {first_name}!")}),
        )
        .expect("the job starts")
}

#[test]
fn defect_1_a_send_whose_2xx_answer_does_not_decode_counts_against_the_cap() {
    let (world, worker) = started(2);
    world.next_outcome(Outcome::Garbled);
    let garbled = send(world, &worker, 0, false).unwrap_err();
    assert_eq!(garbled.kind, ErrorKind::BadResponse);
    assert_eq!(sends(world), 1, "the provider took it");
    world.wait(3);
    send(world, &worker, 1, false).expect("the second place");
    world.wait(3);
    let refused = send(world, &worker, 2, false).unwrap_err();
    assert_eq!(
        refused.kind,
        ErrorKind::LimitReached,
        "the unreadable one counted"
    );
    assert_eq!(sends(world), 2);
}

#[test]
fn defect_1_two_unknown_outcomes_in_a_row_pause_the_job_with_a_message() {
    let (world, worker) = started(10);
    invite_job(world, &worker, &[0, 1, 2], false);
    world.next_outcome(Outcome::Garbled);
    world.fire_alarms(&worker);
    // The check of that send cannot read the sent list either.
    world.next_read_outcome(Outcome::TimedOut);
    world.wait(3);
    world.fire_alarms(&worker);
    let job = &world.jobs()[0];
    assert_eq!(job.state, JobState::Paused);
    assert!(job.reason.is_some(), "it says why");
    assert_eq!(
        job.items[0].outcome,
        ItemOutcome::InFlight,
        "still to be checked"
    );
    assert_eq!(sends(world), 1);
}

#[test]
fn defect_2_a_reservation_that_cannot_be_written_sends_nothing() {
    let (world, worker) = started(5);
    world.refuse(StorageFault::Quota { skip: 0 });
    let refused = send(world, &worker, 0, false).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Browser);
    assert_eq!(sends(world), 0);
}

#[test]
fn defect_2_a_record_that_fails_after_the_provider_acted_is_done_and_still_counted() {
    let (world, worker) = started(1);
    // The reservation is written; the write after the send is refused.
    world.refuse(StorageFault::Quota { skip: 1 });
    let answer = send(world, &worker, 0, false).expect("done at the provider");
    assert!(answer.bookkeeping.is_some(), "done, bookkeeping failed");
    assert_eq!(sends(world), 1);
    world.wait(3);
    let again = send(world, &worker, 0, false).unwrap_err();
    assert_eq!(again.kind, ErrorKind::AlreadyDone, "not sent twice");
    let other = send(world, &worker, 1, false).unwrap_err();
    assert_eq!(other.kind, ErrorKind::LimitReached, "still counted");
    assert_eq!(sends(world), 1);
}

#[test]
fn defect_3_removing_and_adding_an_account_again_keeps_its_cap() {
    let (world, worker) = started(1);
    send(world, &worker, 0, false).expect("the one place");
    world.re_add(0);
    world.wait(3);
    let refused = send(world, &worker, 1, false).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::LimitReached);
    let ledger: Value = world.stored("ledger").unwrap();
    assert!(ledger.get("unipile_v2:acc_model_0").is_some(), "{ledger}");
}

#[test]
fn defect_4_jobs_and_single_sends_on_one_account_keep_the_shortest_delay() {
    let (world, worker) = started(20);
    invite_job(world, &worker, &[0, 1], false);
    invite_job(world, &worker, &[2, 3], false);
    world.fire_alarms(&worker);
    world.fire_alarms(&worker);
    assert_eq!(sends(world), 1, "two jobs, one send");
    let single = send(world, &worker, 4, false).unwrap_err();
    assert_eq!(single.kind, ErrorKind::Paced);
    assert!(single.retry_after_s.is_some_and(|s| s <= 120));
    world.wait(2);
    world.fire_alarms(&worker);
    assert_eq!(sends(world), 2);
    let at: Vec<f64> = world.applied().iter().map(|a| a.at_ms).collect();
    assert!(at[1] - at[0] >= 120_000.0);
}

#[test]
fn defect_5_a_thirty_day_wait_goes_through_an_alarm() {
    let (world, worker) = started(100);
    // The five notes of a free month, one every 3 minutes.
    for person in 0..5 {
        send(world, &worker, person, true).expect("a note");
        world.wait(3);
    }
    invite_job(world, &worker, &[5], true);
    world.fire_alarms(&worker);
    let job = &world.jobs()[0];
    assert_eq!(job.state, JobState::Running);
    assert_eq!(
        job.items[0].outcome,
        ItemOutcome::Pending,
        "waiting, not failed"
    );
    let wakes_in_days = (world.alarm("jobs").unwrap() - world.now_ms()) / 86_400_000.0;
    assert!(
        (29.0..30.5).contains(&wakes_in_days),
        "{wakes_in_days} days"
    );
    assert_eq!(sends(world), 5);
}

#[test]
fn defect_6_a_refusal_for_one_person_fails_that_item_and_the_account_goes_on() {
    let (world, worker) = started(20);
    invite_job(world, &worker, &[0, 1], false);
    let refusal = json!({"object": "Error", "status": 422, "type": "provider/unprocessable_entity",
        "title": "Unprocessable entity",
        "detail": "An invitation to this person was withdrawn recently; it can be sent again after 2026-11-20T00:00:00Z"});
    world.next_outcome(Outcome::Reply(422, refusal.to_string()));
    world.fire_alarms(&worker);
    let job = &world.jobs()[0];
    assert_eq!(job.items[0].outcome, ItemOutcome::Failed);
    assert_eq!(
        job.items[0].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::CannotInvite)
    );
    assert_eq!(job.state, JobState::Running, "the job goes on");
    world.wait(3);
    world.fire_alarms(&worker);
    assert_eq!(world.jobs()[0].items[1].outcome, ItemOutcome::Done);
    assert_eq!(sends(world), 1);
}

#[test]
fn defect_7_a_damaged_ledger_or_jobs_value_stops_the_work_and_is_kept_as_it_is() {
    let (world, worker) = started(5);
    send(world, &worker, 0, false).expect("a first send");
    world.refuse(StorageFault::Damaged("ledger"));
    let damaged = world.local_text("ledger");
    world.wait(3);
    let refused = send(world, &worker, 1, false).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Damaged);
    assert_eq!(refused.field.as_deref(), Some("ledger"));
    assert_eq!(
        refused.message(),
        "Invite Desk's saved limits ledger cannot be read."
    );
    assert_eq!(world.local_text("ledger"), damaged, "never overwritten");
    assert_eq!(sends(world), 1);

    world.put("jobs", json!([]));
    world.refuse(StorageFault::Damaged("jobs"));
    let jobs_damaged = world.local_text("jobs");
    let refused = world
        .intent(
            &worker,
            json!({"type": "start_job", "action": "invite", "account": world.account_id(0),
                   "profiles": [World::profile(2)]}),
        )
        .unwrap_err();
    assert_eq!(refused.field.as_deref(), Some("jobs"));
    assert_eq!(world.local_text("jobs"), jobs_damaged);

    // Repair, the person's choice: the damaged copy kept aside, and sending stopped for a week,
    // since the history is unknown.
    world
        .intent(&worker, json!({"type": "repair", "value": "ledger"}))
        .expect("repaired");
    assert_eq!(
        world.local_text("damaged:ledger"),
        serde_json::to_string(&damaged).unwrap()
    );
    world.wait(3);
    let stopped = send(world, &worker, 1, false).unwrap_err();
    assert_eq!(stopped.kind, ErrorKind::LimitReached);
    assert!(stopped.retry_after_s.is_some_and(|s| s > 6 * 86_400));
    world
        .intent(&worker, json!({"type": "repair", "value": "jobs"}))
        .expect("repaired");
    assert!(world.jobs().is_empty());
}

#[test]
fn defect_8_the_caps_hold_whichever_way_the_machines_clock_jumps() {
    let (world, worker) = started(1);
    send(world, &worker, 0, false).expect("the one place");
    // The machine's clock says a week went by; the provider's says three minutes.
    world.skew(8);
    world.wait(3);
    assert_eq!(
        send(world, &worker, 1, false).unwrap_err().kind,
        ErrorKind::LimitReached
    );
    // Back, past where it started: nothing is forgotten.
    world.skew(-16);
    assert_eq!(
        send(world, &worker, 1, false).unwrap_err().kind,
        ErrorKind::LimitReached
    );
    // A real week later, a place again.
    world.skew(8);
    world.wait(7 * DAY_MINUTES);
    send(world, &worker, 1, false).expect("a place after a real week");
    assert_eq!(sends(world), 2);
}

#[test]
fn defect_10_the_key_is_taken_out_of_provider_text_before_it_is_cut() {
    let (world, worker) = started(5);
    let key = "up2_model_key";
    // The key straddles the 300th character, where the detail is cut.
    let detail = format!("{}{key} was echoed back by a proxy", "x".repeat(295));
    let body = json!({"object": "Error", "status": 500, "type": "api/internal_error",
                      "title": "Internal error", "detail": detail});
    world.next_outcome(Outcome::Reply(500, body.to_string()));
    let error = send(world, &worker, 0, false).unwrap_err();
    let shown = serde_json::to_string(&error).unwrap();
    for part in key.as_bytes().windows(5) {
        let part = std::str::from_utf8(part).unwrap();
        assert!(!shown.contains(part), "{part:?} of the key in {shown}");
    }
}

#[test]
fn a_provider_the_browser_may_not_reach_asks_for_access_and_is_read_once_granted() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    // Two accounts, each with a received and a sent list: every first read is held back.
    for _ in 0..4 {
        world.next_read_outcome(Outcome::NotAllowed);
    }
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let badge = world.badge.borrow().clone().expect("a badge");
    assert_eq!(
        badge.text, "!",
        "the badge asks for the person, not a count"
    );
    let view: Value = world.stored("view").expect("a view");
    let error = &view["accounts"][0]["error"];
    assert_eq!(error["code"], "not_allowed");
    assert_eq!(
        error["access"], "https://model.unipile.example/*",
        "the permission the popup asks for"
    );

    world.drive(invite_desk::worker::refresh::access_granted(&worker), None);
    let badge = world.badge.borrow().clone().expect("a badge");
    assert_eq!(badge.text, "12", "both accounts' received invitations");
    let view: Value = world.stored("view").expect("a view");
    assert!(view["accounts"][0]["error"].is_null());
}

#[test]
fn withdrawals_past_the_days_cap_are_refused_before_any_call_and_a_job_waits_a_day() {
    let (world, worker) = started(100);
    let mut settings: Value = world.stored("settings").expect("settings");
    settings["daily_withdrawals"] = json!(2);
    world.put("settings", settings);
    let withdraw = |nth: usize| {
        let invitation = world
            .stored_invitation(0, "sent", nth)
            .expect("a sent invitation");
        world.intent(
            &worker,
            json!({"type": "withdraw", "account": world.account_id(0), "invitation": invitation}),
        )
    };
    // Withdrawing moves the list up: the first row is the next one each time.
    withdraw(0).expect("the first withdrawal");
    withdraw(0).expect("the second withdrawal");
    let cancels = |world: &World| {
        world
            .reached()
            .iter()
            .filter(|a| a.kind == "cancel")
            .count()
    };
    let refused = withdraw(0).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::LimitReached);
    assert_eq!(
        refused.detail.as_deref(),
        Some("2 of 2 withdrawals in the last 24 hours, this account's daily cap")
    );
    assert_eq!(cancels(world), 2, "the third never left");

    let rest: Vec<String> = (0..2)
        .filter_map(|nth| world.stored_invitation(0, "sent", nth))
        .collect();
    let answer = world
        .intent(
            &worker,
            json!({"type": "start_job", "action": "withdraw",
                   "items": rest.iter().map(|id| json!({"account": world.account_id(0), "invitation": id})).collect::<Vec<_>>()}),
        )
        .expect("the job starts");
    world.fire_alarms(&worker);
    let job = world
        .jobs()
        .into_iter()
        .find(|job| Some(&job.id) == answer.job.as_ref())
        .expect("the job");
    assert_eq!(job.state, JobState::Running);
    assert_eq!(
        job.reason.as_ref().map(|r| r.kind),
        Some(ErrorKind::LimitReached),
        "it says why it waits"
    );
    assert_eq!(cancels(world), 2, "nothing more today");
    world.wait(DAY_MINUTES);
    for _ in 0..4 {
        world.fire_alarms(&worker);
        world.wait(1);
    }
    assert_eq!(cancels(world), 4, "the next day both went");
    let job = world
        .jobs()
        .into_iter()
        .find(|job| Some(&job.id) == answer.job.as_ref())
        .expect("the job");
    assert_eq!(job.state, JobState::Finished);
}

#[test]
fn two_syncs_at_once_read_each_list_once() {
    let reads = |concurrent: usize| {
        let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
        let worker = Worker::new(world.env());
        let syncs = (0..concurrent).map(|_| invite_desk::worker::refresh::start(&worker));
        world.drive(futures_util::future::join_all(syncs), None);
        world.calls_of("GET")
    };
    // The browser's start and the accounts the options page just saved, say: the second finds
    // the lists just read, where both once read every page (for a heavy LinkUp account, 400
    // credits twice).
    assert!(reads(1) > 0);
    assert_eq!(reads(2), reads(1));
}

/// The rows held of a list of account `n`, and the code of its error, if any.
fn held_rows(world: &World, n: usize, direction: &str) -> (usize, Option<String>) {
    let head: invite_desk::lists::Head = world
        .stored(&format!("list:{direction}:{}", world.account_id(n)))
        .expect("a head");
    let rows = head.chunks.iter().map(|chunk| chunk.len as usize).sum();
    let code = head.error.map(|error| format!("{:?}", error.kind));
    (rows, code)
}

#[test]
fn every_check_ends_bounded_by_requests_however_the_provider_pages() {
    let faults = [
        json!({"kind": "repeated_cursor"}),
        json!({"kind": "cursor_cycle"}),
        json!({"kind": "empty_pages_with_cursor"}),
        json!({"kind": "repeated_items"}),
        json!({"kind": "inflated_total", "total": 3000}),
    ];
    type WorldOf = fn(usize, f64) -> World;
    let worlds: [(&str, WorldOf); 2] = [("LinkUp", World::linkup), ("Unipile v2", World::new)];
    for (provider, world_of) in worlds {
        for fault in &faults {
            let world: &'static World = Box::leak(Box::new(world_of(100, 120.0)));
            let worker = Worker::new(world.env());
            world.drive(invite_desk::worker::refresh::start(&worker), None);
            let lists = [(0, "received"), (0, "sent"), (1, "received"), (1, "sent")];
            let before: Vec<usize> = lists
                .iter()
                .map(|(n, d)| held_rows(world, *n, d).0)
                .collect();
            world.paging(fault.clone());
            // A check from the popup, then the popup's Refresh, which reads every page.
            for occasion in [Occasion::PopupOpen, Occasion::Refresh] {
                let calls = world.calls_of("");
                world.wait(2);
                world.drive(invite_desk::worker::refresh::sync(&worker, occasion), None);
                let made = world.calls_of("") - calls;
                // Each list's reading stops at its first or second page.
                assert!(
                    made <= 2 * lists.len(),
                    "{provider}, {fault}, {occasion:?}: {made} requests for 4 lists"
                );
                for ((n, direction), rows) in lists.iter().zip(&before) {
                    let (now, error) = held_rows(world, *n, direction);
                    assert_eq!(
                        now, *rows,
                        "{provider}, {fault}: the {direction} list of {n} is kept"
                    );
                    if let Some(code) = error {
                        assert_eq!(code, "EndlessPages", "{provider}, {fault}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_failed_read_of_the_providers_clock_is_not_the_outcome_of_the_send_it_was_for() {
    let world: &'static World = Box::leak(Box::new(World::linkup(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let invites = || world.calls_of(" invite");
    // An hour after the last answer, LinkUp's credits are read for its clock before a send:
    // they answer 404.
    world.wait(61);
    world.next_read_outcome(Outcome::Status(404));
    let single = send(world, &worker, 0, false).unwrap_err();
    assert_eq!(single.kind, ErrorKind::ProviderUnavailable, "{single:?}");
    assert!(
        single.why().unwrap_or_default().contains("clock"),
        "{single:?}"
    );
    assert_eq!(invites(), 0);
    world.wait(61);
    world.next_read_outcome(Outcome::Status(404));
    invite_job(world, &worker, &[1], false);
    world.fire_alarms(&worker);
    let item = &world.jobs()[0].items[0];
    assert_ne!(item.outcome, ItemOutcome::AlreadyGone, "{item:?}");
    assert_eq!(invites(), 0, "nothing was sent");
    // The clock can be read again: the invitation goes out after all.
    for _ in 0..10 {
        world.wait(3);
        world.fire_alarms(&worker);
    }
    assert_eq!(world.jobs()[0].items[0].outcome, ItemOutcome::Done);
    assert_eq!(invites(), 1);
}

#[test]
fn one_answer_dated_a_month_ahead_does_not_open_another_weeks_cap() {
    let (world, worker) = started(5);
    for person in 0..5 {
        if person == 4 {
            world.next_outcome(Outcome::Dated(30));
        }
        send(world, &worker, person, false).expect("within the cap");
        world.wait(3);
    }
    for person in 5..10 {
        let refused = send(world, &worker, person, false).unwrap_err();
        assert_eq!(refused.kind, ErrorKind::LimitReached, "{refused:?}");
        world.wait(3);
    }
    assert_eq!(sends(world), 5);
}

#[test]
fn a_provider_clock_a_month_ahead_for_good_sends_nothing_until_this_machines_agrees() {
    let (world, worker) = started(5);
    for person in 0..5 {
        send(world, &worker, person, false).expect("within the cap");
        world.wait(3);
    }
    // Every answer from now on is dated a month on, while this machine's clock says an hour went
    // by (long enough that the provider's clock is asked again).
    world.wait(30 * DAY_MINUTES + 60);
    world.skew(-30);
    for person in 5..10 {
        let refused = send(world, &worker, person, false).unwrap_err();
        assert_eq!(refused.kind, ErrorKind::ClocksDisagree, "{refused:?}");
        world.wait(3);
    }
    assert_eq!(sends(world), 5, "the week's sends still count");
    // This machine's clock set right: the two agree that a month went by.
    world.skew(30);
    send(world, &worker, 5, false).expect("a place once both clocks say a month went by");
    assert_eq!(sends(world), 6);
}

#[test]
fn a_step_of_a_job_of_a_thousand_writes_one_chunk_of_its_items_not_the_whole_job() {
    let (world, worker) = started(100);
    let people: Vec<usize> = (0..MAX_INVITE_LIST).collect();
    invite_job(world, &worker, &people, false);
    let job_bytes: usize = world
        .local_keys()
        .iter()
        .filter(|key| key.starts_with("job"))
        .map(|key| world.local_text(key).len())
        .sum();
    let before = world.local_bytes_written.get();
    world.fire_alarms(&worker);
    let step_bytes = world.local_bytes_written.get() - before;
    assert_eq!(sends(world), 1, "one step ran");
    // Rewritten whole, the job alone was twice its size a step.
    assert!(
        step_bytes * 2 < job_bytes,
        "a step wrote {step_bytes} bytes for a job of {job_bytes}"
    );
    let job = &world.jobs()[0];
    assert_eq!(job.items.len(), MAX_INVITE_LIST);
    assert_eq!(job.items[0].outcome, ItemOutcome::Done);
}

#[test]
fn one_setting_of_the_wrong_type_does_not_lift_the_others_caps() {
    let (world, worker) = started(100);
    let mut settings: Value = world.stored("settings").expect("settings");
    settings["daily_cap_free"] = json!(2);
    settings["notify_new"] = Value::Null;
    world.put("settings", settings);
    for person in 0..6 {
        let _ = send(world, &worker, person, false);
        world.wait(3);
    }
    assert_eq!(sends(world), 2, "the daily cap of 2 holds");
    // A cap that cannot be read counts as its lowest value, not as the default 100.
    let mut settings: Value = world.stored("settings").expect("settings");
    settings["weekly_cap_free"] = json!("a hundred");
    world.put("settings", settings);
    world.wait(8 * DAY_MINUTES);
    let first = send(world, &worker, 10, false);
    let second = send(world, &worker, 11, false);
    assert!(first.is_ok(), "{first:?}");
    assert_eq!(second.unwrap_err().kind, ErrorKind::LimitReached);
}

#[test]
fn an_accept_while_a_decline_of_the_same_invitation_is_in_flight_is_refused() {
    // The worker stops just after the decline reached the provider, before it was recorded.
    let (world, worker, invitation) = (1..200)
        .find_map(|stop_after| {
            let (world, worker) = started(5);
            let invitation = world.stored_invitation(0, "received", 0)?;
            let decline = json!({"type": "decline", "account": world.account_id(0),
                                 "invitation": invitation});
            let intent = invite_desk::worker::intents::read_intent(&decline.to_string()).ok()?;
            let handled = invite_desk::worker::intents::handle_intent(&worker, intent);
            world.drive(handled, Some(stop_after));
            (world.stopped() && !world.applied().is_empty()).then_some((world, invitation))
        })
        .map(|(world, invitation)| (world, Worker::new(world.env()), invitation))
        .expect("a stop between the call and its record");
    let accept = world.intent(
        &worker,
        json!({"type": "accept", "account": world.account_id(0), "invitation": invitation}),
    );
    assert_eq!(accept.unwrap_err().kind, ErrorKind::ActionUnderWay);
    let kinds: Vec<&str> = world.applied().iter().map(|a| a.kind).collect();
    assert_eq!(kinds, ["cancel"], "declined, and nothing else");
}

#[test]
fn the_three_week_wait_holds_for_a_person_however_the_next_invitation_names_them() {
    let (world, worker) = started(5);
    // Account 0's oldest sent invitation, to person-39, withdrawn by hand.
    let withdrawn = world
        .stored_invitation(0, "sent", 3)
        .expect("a sent invitation");
    world
        .intent(
            &worker,
            json!({"type": "withdraw", "account": world.account_id(0), "invitation": withdrawn}),
        )
        .expect("withdrawn");
    world.wait(10);
    let member_id = invite_desk_emulator::state::derived_provider_id("person-39");
    let again = send_to(world, &worker, &member_id).unwrap_err();
    assert_eq!(again.kind, ErrorKind::CannotInvite, "{again:?}");
    let by_vanity = send_to(world, &worker, &World::profile(39)).unwrap_err();
    assert_eq!(by_vanity.kind, ErrorKind::CannotInvite);
    assert_eq!(sends(world), 0);
    assert!(
        world.reached().iter().all(|call| call.kind != "send"),
        "refused before any call"
    );
}

fn send_to(world: &World, worker: &Worker<'_>, profile: &str) -> Result<Answer, Error> {
    world.intent(
        worker,
        json!({"type": "send", "account": world.account_id(0), "profile": profile}),
    )
}

/// Resolves after `polls` polls: a place in another future for something else to happen.
async fn after_polls(polls: usize) {
    let mut left = polls;
    std::future::poll_fn(|_| match left {
        0 => std::task::Poll::Ready(()),
        _ => {
            left -= 1;
            std::task::Poll::Pending
        }
    })
    .await
}

#[test]
fn an_account_removed_while_its_check_runs_leaves_nothing_behind() {
    use invite_desk::worker::refresh;
    for removed_after in (0..120).step_by(3) {
        let (world, worker) = started(5);
        let gone = world.account_id(1);
        world.wait(20);
        let remove = async {
            after_polls(removed_after).await;
            let mut accounts: Vec<Value> = world.stored("accounts").expect("accounts");
            accounts.retain(|a| a["id"] != gone.as_str());
            world.put("accounts", json!(accounts));
            refresh::accounts_changed(&worker).await
        };
        let both = futures_util::future::join(refresh::sync(&worker, Occasion::Refresh), remove);
        world.drive(both, None);
        let left: Vec<String> = world
            .local_keys()
            .into_iter()
            .filter(|key| key.contains(&format!(":{gone}")))
            .collect();
        assert_eq!(
            left,
            Vec::<String>::new(),
            "removed after {removed_after} polls"
        );
    }
}

#[test]
fn an_account_edited_to_another_linkedin_account_is_read_anew_and_announces_nothing() {
    let (world, worker) = started(5);
    let mut settings: Value = world.stored("settings").expect("settings");
    settings["notify_new"] = json!(true);
    world.put("settings", settings);
    let mut accounts: Vec<Value> = world.stored("accounts").expect("accounts");
    accounts[0]["account_id"] = json!(World::provider_account(1));
    world.put("accounts", json!(accounts));
    world.drive(
        invite_desk::worker::refresh::accounts_changed(&worker),
        None,
    );
    assert!(
        world.notices.borrow().is_empty(),
        "{:?}",
        world.notices.borrow()
    );
    let shown: Vec<String> = (0..6)
        .filter_map(|nth| world.stored_invitation(0, "received", nth))
        .collect();
    let theirs: Vec<String> = (0..6)
        .filter_map(|nth| world.stored_invitation(1, "received", nth))
        .collect();
    assert_eq!(
        shown, theirs,
        "the other account's rows, none of the old ones"
    );
}

#[test]
fn a_person_already_connected_or_with_a_request_pending_is_not_invited_and_costs_no_place() {
    let (world, worker) = started(2);
    // person-31 invited account 0; accepted, they are a connection.
    let from_31 = world
        .stored_invitation(0, "received", 1)
        .expect("a received invitation");
    assert_eq!(from_31, "700031");
    world
        .intent(
            &worker,
            json!({"type": "accept", "account": world.account_id(0), "invitation": from_31}),
        )
        .expect("accepted");
    let connected = send(world, &worker, 31, false).unwrap_err();
    assert_eq!(connected.kind, ErrorKind::AlreadyDone, "{connected:?}");
    assert!(connected.why().unwrap_or_default().contains("connected"));
    // person-30's invitation to account 0 is still pending.
    let pending = send(world, &worker, 30, false).unwrap_err();
    assert_eq!(pending.kind, ErrorKind::AlreadyDone, "{pending:?}");
    assert!(pending
        .why()
        .unwrap_or_default()
        .contains("invited you already"));
    assert!(world.reached().iter().all(|call| call.kind != "send"));
    // Both places of the week are still there.
    send(world, &worker, 1, false).expect("the first place");
    world.wait(3);
    send(world, &worker, 2, false).expect("the second place");
}

#[test]
fn a_provider_listing_each_page_oldest_first_costs_a_full_read_a_day_not_one_a_poll() {
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.on_linkedin(0, json!([{"arrive": {"count": 300}}]));
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let account = World::provider_account(0);
    let poll = || {
        let before = world.calls_of(&account);
        world.wait(16);
        world.drive(
            invite_desk::worker::on_alarm(&worker, invite_desk::worker::refresh::REFRESH_ALARM),
            None,
        );
        world.calls_of(&account) - before
    };
    let notice = || -> Option<String> {
        let view: Value = world.stored("view").expect("a view");
        view["accounts"][0]["notice"].as_str().map(str::to_owned)
    };
    let pending = || -> u64 {
        let view: Value = world.stored("view").expect("a view");
        view["accounts"][0]["received_count"].as_u64().unwrap_or(0)
    };
    assert_eq!(notice(), None);

    world.paging(json!({"kind": "oldest_first_within_pages"}));
    assert!(poll() >= 4, "the first contradiction costs a full read");
    let said = notice().unwrap_or_default();
    assert!(
        said.contains("in an order Invite Desk does not expect"),
        "{said}"
    );
    world.on_linkedin(0, json!([{"arrive": {"count": 1}}]));
    let costs: Vec<usize> = (0..8).map(|_| poll()).collect();
    // Received: its first page at each poll. Sent, checked hourly: its own first contradiction
    // (its one page, then a full read of one page), then its first page.
    assert!(
        costs.iter().all(|&calls| calls <= 3) && costs.iter().sum::<usize>() <= 8 + 3,
        "a first page a list, not a full read: {costs:?}"
    );
    assert_eq!(
        pending(),
        6 + 300 + 1,
        "what arrived is found on the first page"
    );

    // Back in order. The rows the odd order gave can themselves contradict the model once, at
    // one full read a day at most: within two days, a check finds the list as the model expects.
    world.paging(Value::Null);
    let mut full_reads = Vec::new();
    for _ in 0..2 {
        world.wait(24 * 60);
        full_reads.push(poll());
    }
    assert_eq!(
        notice(),
        None,
        "in order again: the model's path ({full_reads:?})"
    );
    assert!(poll() <= 2);
}

#[test]
fn repair_sees_the_jobs_damaged_when_a_chunk_of_their_items_is_missing() {
    use invite_desk::worker::store::{job_chunk_keys, job_chunks_damaged, Stored};
    let world: &'static World = Box::leak(Box::new(World::new(100, 120.0)));
    let worker = Worker::new(world.env());
    world.drive(invite_desk::worker::refresh::start(&worker), None);
    let items: Vec<Value> = (36..40)
        .map(|p| json!({"account": world.account_id(0), "invitation": format!("8000{p}")}))
        .collect();
    let started = world.intent(
        &worker,
        json!({"type": "start_job", "action": "withdraw", "items": items}),
    );
    assert!(started.is_ok(), "{started:?}");
    // What the options page reads: the heads, then the chunks the module names for them.
    let read = |keys: &[String]| {
        let values: serde_json::Map<String, Value> = keys
            .iter()
            .filter_map(|key| Some((key.clone(), world.stored::<Value>(key)?)))
            .collect();
        Stored::from_json(&Value::Object(values).to_string())
    };
    let heads = read(&["jobs".to_owned()]);
    let chunks = job_chunk_keys(&heads);
    assert_eq!(chunks.len(), 1, "four items, one chunk");
    let whole = read(&[vec!["jobs".to_owned()], chunks.clone()].concat());
    assert!(!job_chunks_damaged(&whole));
    assert!(
        job_chunks_damaged(&heads),
        "the heads without their chunk: the jobs cannot be read whole"
    );
    world.put(&chunks[0], json!("not items"));
    assert!(job_chunks_damaged(&read(
        &[vec!["jobs".to_owned()], chunks].concat()
    )));
}
