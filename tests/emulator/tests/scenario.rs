//! Scenario loading: validation errors, state construction, and the shipped scenario files.

use invite_desk_emulator::scenario::{Plan, Provider};
use invite_desk_emulator::state::{lock, State};
use invite_desk_emulator::{load, Scenario};
use serde_json::{json, Value};
use time::macros::datetime;

fn base() -> Value {
    json!({
        "clock": "2026-11-22T09:00:00Z",
        "people": [
            { "public_identifier": "amara-okafor", "provider_id": "ACoAAB1x2y3z",
              "first_name": "Amara", "last_name": "Okafor",
              "headline": "Head of Partnerships at Lumen Health",
              "picture_url": "https://media.licdn.com/dms/image/amara.jpg" },
            { "public_identifier": "ken-sato", "first_name": "健", "last_name": "佐藤" },
            { "public_identifier": "lina-haddad", "first_name": "Lina", "last_name": "Haddad" }
        ],
        "keys": [
            { "provider": "linkup", "api_key": "lk_test_key", "credits": 500,
              "accounts": [
                { "account_id": "acc_test_linkup", "plan": "free",
                  "received": [ { "id": "7453486530700017665", "person": "amara-okafor",
                                  "days_ago": 1.5, "note": "Hi!", "shared_secret": "s3cret" } ],
                  "sent": [ { "id": "7453486530700017000", "person": "ken-sato",
                              "sent_at": "2026-11-01T10:00:00Z", "note": null } ],
                  "connections": [ "lina-haddad" ] } ] }
        ]
    })
}

fn refused(scenario: &Value) -> String {
    match load(&scenario.to_string()) {
        Ok(_) => panic!("accepted: {scenario}"),
        Err(e) => e.to_string(),
    }
}

fn assert_refused(scenario: &Value, expected: &str) {
    let message = refused(scenario);
    assert!(
        message.contains(expected),
        "expected \"{expected}\" in: {message}"
    );
}

#[test]
fn the_documented_format_loads() {
    let state = load(&base().to_string()).expect("loads");
    let state = lock(&state);
    assert_eq!(state.clock.now(), datetime!(2026-11-22 09:00:00 UTC));
    assert_eq!(state.linkup.empty_page_credits, 1);
    let key = &state.keys[0];
    assert_eq!(key.provider, Provider::Linkup);
    assert_eq!(key.credits, 500);
    let account = &key.accounts[0];
    assert_eq!(account.plan, Plan::Free);
    assert_eq!(
        account.received[0].sent_at,
        datetime!(2026-11-20 21:00:00 UTC),
        "days_ago counts back from the clock"
    );
    assert_eq!(account.received[0].note.as_deref(), Some("Hi!"));
    assert_eq!(account.received[0].shared_secret, "s3cret");
    assert_eq!(account.sent[0].person.first_name, "健");
    assert_eq!(account.sent[0].sent_at, datetime!(2026-11-01 10:00:00 UTC));
    assert_eq!(account.connections[0].public_identifier, "lina-haddad");
}

#[test]
fn optional_parts_default() {
    let scenario = json!({
        "people": [],
        "keys": [ { "provider": "linkup", "api_key": "k", "credits": 0,
                    "accounts": [ { "account_id": "a", "plan": "premium" } ] } ]
    });
    let before = time::OffsetDateTime::now_utc();
    let state = load(&scenario.to_string()).expect("loads");
    let state = lock(&state);
    assert!(
        state.clock.now() >= before - time::Duration::seconds(1),
        "no clock: the real time"
    );
    let account = &state.keys[0].accounts[0];
    assert!(account.received.is_empty() && account.sent.is_empty());
    assert!(account.connections.is_empty());
}

#[test]
fn clock_offsets_are_normalised_to_utc() {
    let mut scenario = base();
    scenario["clock"] = json!("2026-11-22T10:30:00+01:30");
    let state = load(&scenario.to_string()).expect("loads");
    assert_eq!(lock(&state).clock.now(), datetime!(2026-11-22 09:00:00 UTC));
}

#[test]
fn unipile_providers_load_without_credits() {
    let mut scenario = base();
    scenario["keys"]
        .as_array_mut()
        .expect("keys")
        .extend([
            json!({ "provider": "unipile_v2", "api_key": "u2", "accounts": [ { "account_id": "acc_u2", "plan": "premium" } ] }),
            json!({ "provider": "unipile_v1", "api_key": "u1", "accounts": [ { "account_id": "t5XY4yQzR9WVrlNFyzPMhw", "plan": "free" } ] }),
        ]);
    let state = load(&scenario.to_string()).expect("loads");
    let providers: Vec<Provider> = lock(&state).keys.iter().map(|k| k.provider).collect();
    assert_eq!(
        providers,
        vec![Provider::Linkup, Provider::UnipileV2, Provider::UnipileV1]
    );
    // A Unipile key is not a LinkUp key.
    assert_eq!(lock(&state).credits("u2"), None);
}

#[test]
fn validation_errors_name_the_problem() {
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "/keys/0/accounts/0/received/0/person",
            json!("nobody"),
            "unknown person \"nobody\"",
        ),
        (
            "/keys/0/accounts/0/connections/0",
            json!("ghost"),
            "unknown person \"ghost\"",
        ),
        (
            "/keys/0/accounts/0/sent/0/id",
            json!("7453486530700017665"),
            "duplicate invitation id",
        ),
        (
            "/keys/0/accounts/0/sent/0/person",
            json!("amara-okafor"),
            "already appears in this account",
        ),
        (
            "/keys/0/accounts/0/connections/0",
            json!("ken-sato"),
            "already appears in this account",
        ),
        (
            "/people/1/public_identifier",
            json!("amara-okafor"),
            "duplicate public_identifier",
        ),
        (
            "/people/1/public_identifier",
            json!(""),
            "public_identifier is empty",
        ),
        ("/keys/0/api_key", json!(""), "api_key is empty"),
        (
            "/keys/0/accounts/0/account_id",
            json!(""),
            "account_id is empty",
        ),
        ("/keys/0/accounts/0/received/0/id", json!(""), "id is empty"),
        (
            "/keys/0/credits",
            Value::Null,
            "credits is required for linkup keys",
        ),
        (
            "/keys/0/provider",
            json!("unipile_v3"),
            "unknown variant `unipile_v3`",
        ),
        (
            "/keys/0/accounts/0/plan",
            json!("gold"),
            "unknown variant `gold`",
        ),
        ("/clock", json!("yesterday"), "not an RFC 3339 timestamp"),
        (
            "/keys/0/accounts/0/sent/0/sent_at",
            json!("2026-11-01"),
            "not an RFC 3339 timestamp",
        ),
        (
            "/keys/0/accounts/0/received/0/days_ago",
            json!(-1),
            "days_ago must be a number >= 0",
        ),
        (
            "/keys/0/accounts/0/received/0/days_ago",
            json!(1e15),
            "out of range",
        ),
        ("/keys/0/credits", json!(-5), "invalid value"),
        ("/linkup/empty_page_credits", json!("one"), "invalid type"),
    ];
    for (pointer, value, expected) in cases {
        let mut scenario = base();
        if pointer == "/linkup/empty_page_credits" {
            scenario["linkup"] = json!({});
        }
        let (parent, field) = pointer.rsplit_once('/').expect("pointer");
        let parent = scenario.pointer_mut(parent).expect(pointer);
        match parent {
            Value::Array(items) => items[field.parse::<usize>().expect("index")] = value,
            Value::Object(map) if value.is_null() => {
                map.remove(field);
            }
            Value::Object(map) => {
                map.insert(field.to_owned(), value);
            }
            _ => panic!("{pointer}"),
        }
        let message = refused(&scenario);
        assert!(
            message.contains(expected),
            "{pointer}: expected \"{expected}\" in: {message}"
        );
    }
}

#[test]
fn structural_errors_are_refused() {
    let mut both = base();
    both["keys"][0]["accounts"][0]["received"][0]["sent_at"] = json!("2026-11-01T10:00:00Z");
    assert_refused(&both, "either days_ago or sent_at, not both");

    let mut neither = base();
    neither["keys"][0]["accounts"][0]["sent"][0]
        .as_object_mut()
        .expect("sent")
        .remove("sent_at");
    assert_refused(&neither, "days_ago or sent_at is required");

    let mut duplicate_key = base();
    let copy = duplicate_key["keys"][0].clone();
    duplicate_key["keys"]
        .as_array_mut()
        .expect("keys")
        .push(copy);
    let message = refused(&duplicate_key);
    assert!(
        message.contains("keys[1] (linkup): duplicate api_key"),
        "{message}"
    );
    assert!(
        !message.contains("lk_test_key"),
        "keys stay out of messages: {message}"
    );

    let mut duplicate_account = base();
    duplicate_account["keys"]
        .as_array_mut()
        .expect("keys")
        .push(json!({ "provider": "unipile_v2", "api_key": "u2",
                      "accounts": [ { "account_id": "acc_test_linkup", "plan": "free" } ] }));
    assert_refused(
        &duplicate_account,
        "duplicate account_id \"acc_test_linkup\"",
    );

    let mut unipile_credits = base();
    unipile_credits["keys"]
        .as_array_mut()
        .expect("keys")
        .push(json!({ "provider": "unipile_v1", "api_key": "u1", "credits": 3, "accounts": [] }));
    assert_refused(&unipile_credits, "credits applies only to linkup keys");

    let mut unknown_field = base();
    unknown_field["people"][0]["nickname"] = json!("Ami");
    assert_refused(&unknown_field, "unknown field `nickname`");

    let mut unknown_top = base();
    unknown_top["unipile_v3"] = json!({});
    assert_refused(&unknown_top, "unknown field `unipile_v3`");

    assert_refused(&json!({ "people": [] }), "missing field `keys`");
    assert!(load("{").is_err());
    assert!(load("").is_err());
}

#[test]
fn state_can_be_built_from_a_parsed_scenario() {
    let scenario = Scenario::from_json(&base().to_string()).expect("parses");
    let state = State::from_scenario(&scenario).expect("builds");
    assert_eq!(state.credits("lk_test_key"), Some(500));
}

// ---- the shipped scenario files ---------------------------------------------------------

fn shipped(name: &str) -> State {
    let path = format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let raw: Value = serde_json::from_str(&text).expect("json");
    assert!(
        raw.get("clock").is_none(),
        "{name}: shipped scenarios use the real time"
    );
    let state = load(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let copy = lock(&state).clone();
    copy
}

#[test]
fn every_shipped_scenario_loads() {
    let dir = format!("{}/../scenarios", env!("CARGO_MANIFEST_DIR"));
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".json") {
            assert!(!shipped(&name).keys.is_empty(), "{name} has keys");
            loaded += 1;
        }
    }
    assert!(loaded >= 7, "{loaded} scenarios");
}

fn non_latin(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_alphabetic() && !c.is_ascii() && c as u32 > 0x024F)
}

fn days_ago(state: &State, at: time::OffsetDateTime) -> f64 {
    (state.clock.now() - at).as_seconds_f64() / 86_400.0
}

#[test]
fn e2e_scenario_has_what_the_e2e_suite_relies_on() {
    let state = shipped("e2e.json");
    assert_eq!(state.keys.len(), 2);
    let key = &state.keys[0];
    assert_eq!(
        (key.provider, key.api_key.as_str(), key.credits),
        (Provider::Linkup, "lk_e2e_key", 1000)
    );
    let account = &key.accounts[0];
    assert_eq!(account.account_id, "acc_e2e_linkup");
    assert_eq!(account.plan, Plan::Free);
    assert_eq!(account.received.len(), 12);
    assert_eq!(account.sent.len(), 3);
    let people: std::collections::HashSet<&str> = account
        .received
        .iter()
        .map(|i| i.person.public_identifier.as_str())
        .collect();
    assert_eq!(people.len(), 12, "12 distinct senders");
    assert!(account
        .received
        .iter()
        .any(|i| non_latin(&i.person.first_name)));
    assert!(account.received.iter().any(|i| {
        i.person
            .headline
            .as_deref()
            .is_some_and(|h| h.contains("<b>") || h.contains('&'))
    }));
    assert!(account.received.iter().any(|i| i.note.is_some()));
    let ages: Vec<f64> = account
        .received
        .iter()
        .map(|i| days_ago(&state, i.sent_at))
        .collect();
    let (newest, oldest) = (ages[0], ages[ages.len() - 1]);
    assert!(
        (0.08..0.09).contains(&newest),
        "newest is 2 hours old: {newest}"
    );
    assert!(
        (110.0..=125.0).contains(&oldest),
        "oldest is about 4 months old: {oldest}"
    );
    // A Unipile account beside it, whose sender's name and note hold markup and script.
    let unipile = &state.keys[1];
    assert_eq!(
        (unipile.provider, unipile.api_key.as_str()),
        (Provider::UnipileV2, "up_e2e_key")
    );
    let account = &unipile.accounts[0];
    assert_eq!(account.account_id, "acc_e2e_unipile");
    assert_eq!((account.received.len(), account.sent.len()), (2, 1));
    let hostile = &account.received[0];
    assert!(hostile.person.first_name.contains("<img"));
    assert!(hostile.person.last_name.contains("<script>"));
    assert!(hostile
        .note
        .as_deref()
        .is_some_and(|n| n.contains("<script>")));
}

#[test]
fn pagination_scenario_has_25_and_a_poor_key() {
    let state = shipped("pagination.json");
    let page = &state.keys[0];
    assert_eq!((page.api_key.as_str(), page.credits), ("lk_page_key", 1000));
    assert_eq!(page.accounts[0].account_id, "acc_page");
    let received = &page.accounts[0].received;
    assert_eq!(received.len(), 25);
    let people: std::collections::HashSet<&str> = received
        .iter()
        .map(|i| i.person.public_identifier.as_str())
        .collect();
    assert_eq!(people.len(), 25);
    let poor = &state.keys[1];
    assert_eq!((poor.api_key.as_str(), poor.credits), ("lk_poor_key", 0));
    assert_eq!(poor.accounts[0].account_id, "acc_poor");
    assert_eq!(poor.accounts[0].received.len(), 3);
}

#[test]
fn demo_scenario_is_varied() {
    let state = shipped("demo.json");
    let key = &state.keys[0];
    assert_eq!((key.api_key.as_str(), key.credits), ("lk_demo_key", 5000));
    let account = &key.accounts[0];
    assert_eq!(account.account_id, "acc_demo_linkup");
    assert_eq!(account.plan, Plan::Premium);
    assert!((28..=32).contains(&account.received.len()));
    assert!((13..=17).contains(&account.sent.len()));
    let names: Vec<String> = account
        .received
        .iter()
        .map(|i| format!("{} {}", i.person.last_name, i.person.first_name))
        .collect();
    for expected in ["李 明", "Иванова Мария", "العلي محمد", "田中 花子"]
    {
        assert!(names.iter().any(|n| n == expected), "{expected} missing");
    }
    let notes = account.received.iter().filter(|i| i.note.is_some()).count();
    assert!(
        (8..=12).contains(&notes),
        "about a third with notes: {notes}"
    );
    let ages: Vec<f64> = account
        .received
        .iter()
        .map(|i| days_ago(&state, i.sent_at))
        .collect();
    assert!(ages[0] < 0.1 && ages[ages.len() - 1] > 90.0, "{ages:?}");
}
