//! Scale: an account holding 10,000 generated invitations serves its pages correctly, on
//! LinkUp, to the very last one (timing is the bench's job, not a test's).

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

fn big_account() -> String {
    let mut scenario: Value = serde_json::from_str(&scenario(&[], 1000)).expect("json");
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "received": 10000, "sent": 10000 });
    scenario.to_string()
}

#[tokio::test]
async fn the_last_page_of_10000_is_served_correctly() {
    let (app, state) = emulator(&big_account());
    let (status, body) = list(&app, json!({ "count": 100, "offset": 9900 })).await;
    assert_eq!(status, StatusCode::OK);
    let data = &body["data"];
    assert_eq!(data["total_results"], json!(100));
    assert_eq!(data["total_available_results"], json!(10000));
    assert_eq!(data["pagination"]["next_offset"], json!(10000));
    assert_eq!(data["pagination"]["has_more"], json!(false));
    assert_eq!(body["metadata"]["credits_consumed"], json!(2));

    let expected: Vec<String> = {
        let state = invite_desk_emulator::state::lock(&state);
        state.keys[0].accounts[0].received[9900..]
            .iter()
            .map(|i| format!("urn:li:invitation:{}", i.id))
            .collect()
    };
    let urns: Vec<&str> = data["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .map(|i| i["entity_urn"].as_str().expect("urn"))
        .collect();
    assert_eq!(urns, expected);
    // The oldest generated invitation is about six months old.
    let oldest = &data["invitations"][99];
    assert_eq!(oldest["sent_time"], json!("5mo"));
    assert!(oldest["sent_time_days"].as_i64().expect("days") >= 179);

    let (_, beyond) = list(&app, json!({ "count": 100, "offset": 10000 })).await;
    assert_eq!(beyond["data"]["invitations"], json!([]));
}

#[tokio::test]
async fn actions_work_at_the_far_end_of_a_10000_list() {
    let (app, state) = emulator(&big_account());
    let (oldest_sent, oldest_received, secret) = {
        let state = invite_desk_emulator::state::lock(&state);
        let account = &state.keys[0].accounts[0];
        let received = account.received.last().expect("received");
        (
            account.sent.last().expect("sent").id.clone(),
            received.id.clone(),
            received.shared_secret.clone(),
        )
    };
    let body = json!({ "account_id": ACCOUNT, "action": "withdraw", "params": { "invitation_id": oldest_sent } });
    assert_eq!(network(&app, KEY, body).await.0, StatusCode::OK);
    let body = json!({ "account_id": ACCOUNT, "action": "accept", "params": {
        "entity_urn": format!("urn:li:invitation:{oldest_received}"), "shared_secret": secret } });
    assert_eq!(network(&app, KEY, body).await.0, StatusCode::OK);
    let state = invite_desk_emulator::state::lock(&state);
    let account = &state.keys[0].accounts[0];
    assert_eq!((account.received.len(), account.sent.len()), (9999, 9999));
}
