//! Provider-neutral LinkedIn rules: people lookup, each transition, each refusal, rolling
//! windows, and generated accounts.

use std::sync::Arc;

use invite_desk_emulator::domain::{Account, Direction, Person, Refusal};
use invite_desk_emulator::state::State;
use invite_desk_emulator::{load, state::lock};
use serde_json::{json, Value};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-22 09:00:00 UTC);

/// One free account `acc` holding: received `100` from amara, sent `200` to ken, connection
/// lina; people nour and zeynep have no relationship with it.
fn base() -> Value {
    json!({
        "clock": "2026-11-22T09:00:00Z",
        "people": [
            { "public_identifier": "amara-okafor", "provider_id": "ACoAAB1x2y3z",
              "first_name": "Amara", "last_name": "Okafor" },
            { "public_identifier": "ken-sato", "first_name": "健", "last_name": "佐藤" },
            { "public_identifier": "lina-haddad", "first_name": "Lina", "last_name": "Haddad" },
            { "public_identifier": "nour-el-din", "first_name": "Nour", "last_name": "" },
            { "public_identifier": "Zeynep-Kaya", "first_name": "Zeynep", "last_name": "Kaya" },
            { "public_identifier": "łukasz-nowak", "first_name": "Łukasz", "last_name": "Nowak" }
        ],
        "keys": [ { "provider": "unipile_v2", "api_key": "k", "accounts": [
            { "account_id": "acc", "plan": "free",
              "received": [ { "id": "100", "person": "amara-okafor", "days_ago": 1 } ],
              "sent": [ { "id": "200", "person": "ken-sato", "days_ago": 2 } ],
              "connections": [ "lina-haddad" ] } ] } ]
    })
}

fn state_of(scenario: &Value) -> State {
    let shared = load(&scenario.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let state = lock(&shared).clone();
    state
}

fn refused(scenario: &Value) -> String {
    match load(&scenario.to_string()) {
        Ok(_) => panic!("accepted: {scenario}"),
        Err(e) => e.to_string(),
    }
}

fn account(state: &mut State) -> &mut Account {
    &mut state.keys[0].accounts[0]
}

fn person(state: &State, id: &str) -> Arc<Person> {
    state.people.resolve(id).expect("known person").clone()
}

fn invite(state: &mut State, id: &str, note: Option<&str>) -> Result<String, Refusal> {
    let who = person(state, id);
    let rules = state.linkedin.clone();
    let now = state.clock.now();
    account(state)
        .invite(&rules, &who, note, now)
        .map(|inv| inv.id.clone())
}

// ---- people -----------------------------------------------------------------------------

#[test]
fn people_are_found_by_public_identifier_provider_id_url_and_urn() {
    let state = state_of(&base());
    let amara = &state.people;
    for identifier in [
        "amara-okafor",
        "AMARA-Okafor",
        "ACoAAB1x2y3z",
        "urn:li:fsd_profile:ACoAAB1x2y3z",
        "https://www.linkedin.com/in/amara-okafor",
        "https://www.linkedin.com/in/amara-okafor/",
        "https://www.linkedin.com/in/amara-okafor/?originalSubdomain=fr",
        "https://linkedin.com/in/amara-okafor#about",
        "http://www.linkedin.com/in/amara-okafor",
        " amara-okafor ",
    ] {
        let found = amara
            .resolve(identifier)
            .unwrap_or_else(|e| panic!("{identifier}: {e}"));
        assert_eq!(found.first_name, "Amara", "{identifier}");
    }
    assert_eq!(
        state
            .people
            .by_profile_url("https://www.linkedin.com/in/%C5%82ukasz-nowak/")
            .map(|p| p.first_name.as_str()),
        Some("Łukasz"),
        "percent-encoded vanity names are decoded"
    );
    for unknown in [
        "nobody",
        "ACoAAnobody",
        "https://www.linkedin.com/in/nobody",
        "https://www.linkedin.com/company/amara-okafor",
        "https://www.linkedin.com/in/",
        "https://evil.example/linkedin.com/in/amara-okafor",
    ] {
        assert_eq!(
            state.people.resolve(unknown).err(),
            Some(Refusal::UnknownPerson),
            "{unknown}"
        );
    }
}

#[test]
fn people_without_provider_id_get_a_stable_acoa_id() {
    let state = state_of(&base());
    let ken = person(&state, "ken-sato");
    assert!(ken.provider_id.starts_with("ACoAA"), "{}", ken.provider_id);
    assert_eq!(ken.provider_id.len(), 39);
    assert_eq!(
        state_of(&base())
            .people
            .resolve("ken-sato")
            .expect("ken")
            .provider_id,
        ken.provider_id
    );
    assert_ne!(person(&state, "lina-haddad").provider_id, ken.provider_id);
    assert_eq!(
        person(&state, &ken.provider_id).public_identifier,
        "ken-sato"
    );
    assert_eq!(ken.profile_url(), "https://www.linkedin.com/in/ken-sato");
    assert_eq!(ken.display_name(), "佐藤健");
    assert_eq!(person(&state, "nour-el-din").display_name(), "Nour");
}

#[test]
fn public_identifiers_equal_but_for_case_are_refused() {
    let mut scenario = base();
    scenario["people"]
        .as_array_mut()
        .expect("people")
        .push(json!({ "public_identifier": "zeynep-kaya", "first_name": "Z", "last_name": "K" }));
    let error = refused(&scenario);
    assert!(error.to_string().contains("used twice"), "{error}");
}

// ---- transitions ------------------------------------------------------------------------

#[test]
fn find_looks_in_both_directions() {
    let mut state = state_of(&base());
    let account = account(&mut state);
    assert_eq!(
        account.find("100").map(|(d, _)| d),
        Some(Direction::Received)
    );
    assert_eq!(account.find("200").map(|(d, _)| d), Some(Direction::Sent));
    assert!(account.find("300").is_none());
}

#[test]
fn accept_removes_the_invitation_and_adds_a_connection() {
    let mut state = state_of(&base());
    let amara = person(&state, "amara-okafor");
    let account = account(&mut state);
    assert!(!account.is_connected(&amara));
    let accepted = account.accept_received("100").expect("accepted");
    assert_eq!(accepted.person.public_identifier, "amara-okafor");
    assert!(account.received.is_empty());
    assert!(account.is_connected(&amara));
    assert_eq!(account.connections.len(), 2);
    // Handled once: a second accept finds nothing.
    assert_eq!(
        account.accept_received("100").err(),
        Some(Refusal::UnknownInvitation)
    );
}

#[test]
fn decline_removes_without_connecting() {
    let mut state = state_of(&base());
    let amara = person(&state, "amara-okafor");
    let account = account(&mut state);
    account.decline_received("100").expect("declined");
    assert!(account.received.is_empty());
    assert!(!account.is_connected(&amara));
    assert_eq!(
        account.decline_received("100").err(),
        Some(Refusal::UnknownInvitation)
    );
}

#[test]
fn received_operations_refuse_sent_invitations_and_vice_versa() {
    let mut state = state_of(&base());
    let now = state.clock.now();
    let account = account(&mut state);
    let sent = Some(Refusal::WrongDirection {
        actual: Direction::Sent,
    });
    assert_eq!(account.accept_received("200").err(), sent);
    assert_eq!(account.decline_received("200").err(), sent);
    assert_eq!(
        account.withdraw_sent("100", now).err(),
        Some(Refusal::WrongDirection {
            actual: Direction::Received
        })
    );
    assert_eq!(
        account.withdraw_sent("999", now).err(),
        Some(Refusal::UnknownInvitation)
    );
    // Nothing changed.
    assert_eq!((account.received.len(), account.sent.len()), (1, 1));
}

#[test]
fn withdraw_removes_and_blocks_reinviting_for_the_cooldown() {
    let mut state = state_of(&base());
    let now = state.clock.now();
    account(&mut state)
        .withdraw_sent("200", now)
        .expect("withdrawn");
    assert!(account(&mut state).sent.is_empty());

    let until = now + Duration::days(21);
    assert_eq!(
        invite(&mut state, "ken-sato", None),
        Err(Refusal::CannotResendYet { until })
    );
    state.clock = invite_desk_emulator::clock::VirtualClock::at(until - Duration::SECOND);
    assert_eq!(
        invite(&mut state, "ken-sato", None),
        Err(Refusal::CannotResendYet { until })
    );
    state.clock = invite_desk_emulator::clock::VirtualClock::at(until);
    assert!(invite(&mut state, "ken-sato", None).is_ok());
}

#[test]
fn the_cooldown_is_configurable() {
    let mut scenario = base();
    scenario["linkedin"] = json!({ "resend_cooldown_days": 1 });
    let mut state = state_of(&scenario);
    let now = state.clock.now();
    account(&mut state)
        .withdraw_sent("200", now)
        .expect("withdrawn");
    assert_eq!(
        invite(&mut state, "ken-sato", None),
        Err(Refusal::CannotResendYet {
            until: now + Duration::days(1)
        })
    );
}

#[test]
fn invite_adds_a_newest_first_sent_invitation_with_a_new_numeric_id() {
    let mut state = state_of(&base());
    let first = invite(&mut state, "nour-el-din", Some("Hello Nour")).expect("sent");
    let second = invite(&mut state, "zeynep-kaya", None).expect("sent");
    assert_ne!(first, second);
    assert!(first.parse::<u64>().is_ok() && second.parse::<u64>().is_ok());
    let now = state.clock.now();
    let account = account(&mut state);
    let ids: Vec<&str> = account.sent.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, [second.as_str(), first.as_str(), "200"]);
    assert_eq!(account.sent[1].note.as_deref(), Some("Hello Nour"));
    assert_eq!(account.sent[1].sent_at, now);
    assert_eq!(account.sent[0].note, None);
    assert_eq!(
        account
            .find(&second)
            .map(|(d, i)| (d, i.person.first_name.as_str())),
        Some((Direction::Sent, "Zeynep"))
    );
    assert_eq!(account.invitations_this_week(now), 2);
    assert_eq!(account.notes_this_month(now), 1);
}

#[test]
fn new_ids_stay_above_every_id_in_the_account() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["sent"][0]["id"] = json!("7999999999999999999");
    let mut state = state_of(&scenario);
    assert_eq!(
        invite(&mut state, "nour-el-din", None),
        Ok("8000000000000000000".to_owned())
    );
}

#[test]
fn relationship_refusals() {
    let mut state = state_of(&base());
    assert_eq!(
        invite(&mut state, "lina-haddad", None),
        Err(Refusal::AlreadyConnected)
    );
    assert_eq!(
        invite(&mut state, "ken-sato", None),
        Err(Refusal::AlreadyInvited)
    );
    assert_eq!(
        invite(&mut state, "amara-okafor", None),
        Err(Refusal::InvitedYou)
    );
    // After accepting, amara is a connection.
    account(&mut state)
        .accept_received("100")
        .expect("accepted");
    assert_eq!(
        invite(&mut state, "amara-okafor", None),
        Err(Refusal::AlreadyConnected)
    );
    // Refusals leave nothing behind.
    let now = state.clock.now();
    assert_eq!(account(&mut state).invitations_this_week(now), 0);
    assert_eq!(account(&mut state).sent.len(), 1);
}

#[test]
fn notes_are_limited_to_300_characters_not_bytes() {
    let mut state = state_of(&base());
    let long = "é".repeat(301);
    assert_eq!(
        invite(&mut state, "nour-el-din", Some(&long)),
        Err(Refusal::NoteTooLong {
            chars: 301,
            max: 300
        })
    );
    // 300 two-byte characters are 600 bytes and still fine.
    assert!(invite(&mut state, "nour-el-din", Some(&"é".repeat(300))).is_ok());
}

#[test]
fn weekly_limit_per_plan_with_seeded_counts_and_a_rolling_window() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(149);
    let mut state = state_of(&scenario);
    assert!(invite(&mut state, "nour-el-din", None).is_ok());
    assert_eq!(
        invite(&mut state, "zeynep-kaya", None),
        Err(Refusal::WeeklyLimit { limit: 150 })
    );
    // Seven days later the window has rolled past every one of them.
    state.clock = invite_desk_emulator::clock::VirtualClock::at(NOW + Duration::days(7));
    assert!(invite(&mut state, "zeynep-kaya", None).is_ok());

    // Premium: 250 by default.
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["plan"] = json!("premium");
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(249);
    let mut state = state_of(&scenario);
    assert!(invite(&mut state, "nour-el-din", None).is_ok());
    assert_eq!(
        invite(&mut state, "zeynep-kaya", None),
        Err(Refusal::WeeklyLimit { limit: 250 })
    );

    // Configurable.
    let mut scenario = base();
    scenario["linkedin"] = json!({ "weekly_invitations": { "free": 1, "premium": 2 } });
    let mut state = state_of(&scenario);
    assert!(invite(&mut state, "nour-el-din", None).is_ok());
    assert_eq!(
        invite(&mut state, "zeynep-kaya", None),
        Err(Refusal::WeeklyLimit { limit: 1 })
    );
}

#[test]
fn free_accounts_have_5_notes_per_rolling_30_days() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["notes_sent_this_month"] = json!(4);
    let mut state = state_of(&scenario);
    assert!(invite(&mut state, "nour-el-din", Some("one more")).is_ok());
    assert_eq!(
        invite(&mut state, "zeynep-kaya", Some("too many")),
        Err(Refusal::NoteQuotaExhausted { limit: 5 })
    );
    // Without a note (or with an empty one) the invitation still goes.
    assert!(invite(&mut state, "zeynep-kaya", Some("")).is_ok());
    let now = state.clock.now();
    assert_eq!(account(&mut state).sent[0].note, None);
    assert_eq!(account(&mut state).notes_this_month(now), 5);

    state.clock = invite_desk_emulator::clock::VirtualClock::at(NOW + Duration::days(30));
    assert!(invite(&mut state, "łukasz-nowak", Some("a month later")).is_ok());

    // Premium has no note quota.
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["plan"] = json!("premium");
    scenario["keys"][0]["accounts"][0]["notes_sent_this_month"] = json!(50);
    let mut state = state_of(&scenario);
    assert!(invite(&mut state, "nour-el-din", Some("premium note")).is_ok());
}

#[test]
fn refusals_are_checked_in_the_documented_order() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(150);
    scenario["keys"][0]["accounts"][0]["notes_sent_this_month"] = json!(5);
    let mut state = state_of(&scenario);
    let long = "x".repeat(301);
    assert!(matches!(
        invite(&mut state, "lina-haddad", Some(&long)),
        Err(Refusal::NoteTooLong { .. })
    ));
    assert_eq!(
        invite(&mut state, "lina-haddad", Some("hi")),
        Err(Refusal::AlreadyConnected)
    );
    assert_eq!(
        invite(&mut state, "nour-el-din", Some("hi")),
        Err(Refusal::WeeklyLimit { limit: 150 })
    );
}

#[test]
fn refusal_messages_are_readable() {
    let until = datetime!(2026-12-13 09:00:00 UTC);
    assert!(Refusal::CannotResendYet { until }
        .to_string()
        .contains("2026-12-13T09:00:00Z"));
    assert!(Refusal::NoteTooLong {
        chars: 301,
        max: 300
    }
    .to_string()
    .contains("301"));
    assert!(Refusal::WrongDirection {
        actual: Direction::Sent
    }
    .to_string()
    .contains("sent by this account"));
}

// ---- generated accounts -----------------------------------------------------------------

#[test]
fn generated_invitations_are_deterministic_spread_and_findable() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "received": 10000, "sent": 300 });
    let state = state_of(&scenario);
    let account = &state.keys[0].accounts[0];
    assert_eq!(account.received.len(), 10_001);
    assert_eq!(account.sent.len(), 301);
    assert!(account
        .received
        .windows(2)
        .all(|w| w[0].sent_at >= w[1].sent_at));
    let oldest = account.received.last().expect("oldest");
    let age = NOW - oldest.sent_at;
    assert!(
        age > Duration::days(170) && age <= Duration::days(180),
        "{age}"
    );
    let newest_generated = account
        .received
        .iter()
        .find(|i| i.id != "100")
        .expect("one");
    assert_eq!(NOW - newest_generated.sent_at, Duration::HOUR);

    // Every generated person is in the directory, by each identifier.
    let p = &oldest.person;
    assert!(Arc::ptr_eq(
        state.people.resolve(&p.provider_id).expect("by id"),
        p
    ));
    assert!(Arc::ptr_eq(
        state.people.resolve(&p.profile_url()).expect("by url"),
        p
    ));
    assert_eq!(state.people.len(), 6 + 10_000 + 300);

    // The same scenario gives the same people and ids.
    let again = state_of(&scenario);
    let again = &again.keys[0].accounts[0];
    assert_eq!(again.received[5000].id, account.received[5000].id);
    assert_eq!(
        again.received[5000].person.public_identifier,
        account.received[5000].person.public_identifier
    );
}

#[test]
fn generated_people_can_be_invited_back_after_declining() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "received": 3 });
    let mut state = state_of(&scenario);
    let id = account(&mut state).received[0].id.clone();
    let who = account(&mut state).received[0]
        .person
        .public_identifier
        .clone();
    assert_eq!(invite(&mut state, &who, None), Err(Refusal::InvitedYou));
    account(&mut state).decline_received(&id).expect("declined");
    assert!(invite(&mut state, &who, None).is_ok());
}

#[test]
fn generate_is_bounded() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "sent": 100_001 });
    let error = refused(&scenario);
    assert!(error.to_string().contains("at most 100000"), "{error}");
}

// ---- changes made on LinkedIn's own site ------------------------------------------------

#[test]
fn add_pending_places_by_time_with_new_ids_and_refuses_existing_relationships() {
    let mut state = state_of(&base());
    let (nour, zeynep) = (person(&state, "nour-el-din"), person(&state, "zeynep-kaya"));
    let acc = account(&mut state);
    // Older than amara's (1 day ago): it goes after it.
    let ids = acc
        .add_pending(
            Direction::Received,
            &[nour],
            NOW - Duration::days(2),
            Some(""),
        )
        .expect("arrives");
    assert_eq!(ids, ["7460000000000000000"]);
    let received: Vec<&str> = acc.received.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(received, ["100", "7460000000000000000"]);
    assert_eq!(acc.received[1].note, None, "an empty note is no note");
    // Same time as ken's sent one: the new one goes first.
    let ids = acc
        .add_pending(
            Direction::Sent,
            &[zeynep],
            NOW - Duration::days(2),
            Some("Hi"),
        )
        .expect("sent on the site");
    assert_eq!(acc.sent[0].id, ids[0]);
    assert_eq!(acc.sent[0].note.as_deref(), Some("Hi"));
    assert_eq!(
        acc.invitations_this_week(NOW),
        0,
        "not counted in the windows"
    );

    let before = (acc.received.len(), acc.sent.len());
    for (who, direction, refusal) in [
        ("amara-okafor", Direction::Sent, Refusal::InvitedYou),
        ("ken-sato", Direction::Received, Refusal::AlreadyInvited),
        (
            "lina-haddad",
            Direction::Received,
            Refusal::AlreadyConnected,
        ),
        ("nour-el-din", Direction::Sent, Refusal::InvitedYou),
    ] {
        let who = person(&state, who);
        let acc = account(&mut state);
        assert_eq!(acc.add_pending(direction, &[who], NOW, None), Err(refusal));
    }
    let acc = account(&mut state);
    assert_eq!(
        (acc.received.len(), acc.sent.len()),
        before,
        "refusals change nothing"
    );
}

#[test]
fn a_batch_shares_its_time_newest_id_first_and_refuses_duplicates() {
    let mut state = state_of(&base());
    let nour = person(&state, "nour-el-din");
    let zeynep = person(&state, "zeynep-kaya");
    let acc = account(&mut state);
    assert_eq!(
        acc.add_pending(
            Direction::Received,
            &[nour.clone(), nour.clone()],
            NOW,
            None
        ),
        Err(Refusal::InvitedYou)
    );
    assert_eq!(acc.received.len(), 1);
    let ids = acc
        .add_pending(Direction::Received, &[nour, zeynep], NOW, None)
        .expect("arrive");
    assert_eq!(ids, ["7460000000000000001", "7460000000000000000"]);
    let received: Vec<&str> = acc.received.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        received,
        ["7460000000000000001", "7460000000000000000", "100"]
    );
    assert_eq!(acc.received[0].person.public_identifier, "Zeynep-Kaya");
}

#[test]
fn the_recipient_accepts_or_declines_a_sent_invitation() {
    let mut state = state_of(&base());
    let acc = account(&mut state);
    assert_eq!(
        acc.accept_sent("100").err(),
        Some(Refusal::WrongDirection {
            actual: Direction::Received
        })
    );
    let accepted = acc.accept_sent("200").expect("accepted");
    assert!(acc.is_connected(&accepted.person));
    assert!(acc.sent.is_empty());
    assert_eq!(
        acc.remove_sent("200").err(),
        Some(Refusal::UnknownInvitation)
    );

    let mut state = state_of(&base());
    let acc = account(&mut state);
    let declined = acc.remove_sent("200").expect("declined");
    assert!(!acc.is_connected(&declined.person));
    assert!(acc.sent.is_empty());
    assert!(invite(&mut state, "ken-sato", None).is_ok(), "no cooldown");
}
