//! Contract: every documented LinkUp body under tests/fixtures/linkup/ is matched, key by key
//! and type by type, by what the emulator serves in that situation. A fixture without a
//! situation here fails the test, so new fixtures cannot go unchecked.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::*;
use serde_json::{json, Value};

/// `KEY`/`ACCOUNT`: received invitation 0 from person-0 (with a picture and headline); a sent
/// invitation to person-1 (set up by inviting); an inactive account; a broke key.
async fn setup(credits: u64, linkup: Value) -> Router {
    let mut scenario: Value = serde_json::from_str(&scenario(&[1.0, 2.0], credits)).expect("json");
    scenario["linkup"] = linkup;
    scenario["keys"][0]["accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(json!({ "account_id": "acc_inactive", "plan": "free", "active": false }));
    // person-1 is a stranger once their received invitation is removed from the scenario.
    scenario["keys"][0]["accounts"][0]["received"]
        .as_array_mut()
        .expect("received")
        .truncate(1);
    let (app, _) = emulator(&scenario.to_string());
    app
}

async fn action(app: &Router, action: &str, params: Value) -> (StatusCode, Value) {
    network(
        app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": action, "params": params }),
    )
    .await
}

async fn invite_person_1(app: &Router) -> (StatusCode, Value) {
    action(
        app,
        "invite",
        json!({ "profile_url": "https://www.linkedin.com/in/person-1" }),
    )
    .await
}

/// Drives the emulator into the situation a fixture documents.
async fn situation(name: &str) -> (StatusCode, Value) {
    match name {
        "list_invitations.json" => {
            let app = setup(100, json!({})).await;
            action(&app, "list_invitations", json!({})).await
        }
        "list_sent.json" => {
            let app = setup(100, json!({})).await;
            invite_person_1(&app).await;
            action(&app, "list_sent", json!({})).await
        }
        "accept.json" => {
            let app = setup(100, json!({})).await;
            let secret = invite_desk_emulator::state::derived_secret(&invitation_id(0));
            let urn = format!("urn:li:invitation:{}", invitation_id(0));
            action(
                &app,
                "accept",
                json!({ "entity_urn": urn, "shared_secret": secret }),
            )
            .await
        }
        "withdraw.json" => {
            let app = setup(100, json!({})).await;
            let (_, invited) = invite_person_1(&app).await;
            let urn = invited["data"]["invitation_urn"].as_str().expect("urn");
            let id = urn.trim_start_matches("urn:li:invitation:");
            action(&app, "withdraw", json!({ "invitation_id": id })).await
        }
        "invite.json" => {
            let app = setup(100, json!({})).await;
            invite_person_1(&app).await
        }
        "check_invitation.json" => {
            let app = setup(100, json!({})).await;
            invite_person_1(&app).await;
            action(
                &app,
                "check_invitation",
                json!({ "profile_url": "https://www.linkedin.com/in/person-1" }),
            )
            .await
        }
        "error_invalid_api_key.json" => {
            let app = setup(100, json!({})).await;
            network(
                &app,
                "lk_wrong",
                json!({ "account_id": ACCOUNT, "action": "list_invitations" }),
            )
            .await
        }
        "error_invalid_params.json" => {
            let app = setup(100, json!({})).await;
            action(
                &app,
                "accept",
                json!({ "entity_urn": "urn:li:invitation:1" }),
            )
            .await
        }
        "error_invalid_action.json" => {
            let app = setup(100, json!({})).await;
            action(&app, "dance", json!({})).await
        }
        "error_invalid_account.json" => {
            let app = setup(100, json!({})).await;
            network(
                &app,
                KEY,
                json!({ "account_id": "acc_nope", "action": "list_invitations" }),
            )
            .await
        }
        "error_account_inactive.json" => {
            let app = setup(100, json!({})).await;
            network(
                &app,
                KEY,
                json!({ "account_id": "acc_inactive", "action": "list_invitations" }),
            )
            .await
        }
        "error_insufficient_credits.json" => {
            let app = setup(0, json!({})).await;
            action(&app, "list_invitations", json!({})).await
        }
        "error_rate_limited.json" => {
            let app = setup(
                100,
                json!({ "rate_limit": { "requests": 1, "per_seconds": 60 } }),
            )
            .await;
            action(&app, "list_invitations", json!({})).await;
            let request = Request::get("/v2/credits")
                .header("x-api-key", KEY)
                .body(Body::empty())
                .expect("request");
            let (status, _, body) = send(&app, request).await;
            (status, body)
        }
        other => panic!("fixture linkup/{other} has no situation in this test: add one"),
    }
}

/// The HTTP status linkup.md §2 gives each documented body.
fn documented_status(documented: &Value) -> StatusCode {
    match documented["error"]["code"].as_str() {
        None => StatusCode::OK,
        Some("INVALID_API_KEY" | "ACCOUNT_INACTIVE") => StatusCode::FORBIDDEN,
        Some("INVALID_ACCOUNT") => StatusCode::NOT_FOUND,
        Some("INVALID_ACTION" | "INVALID_PARAMS") => StatusCode::BAD_REQUEST,
        Some("INSUFFICIENT_CREDITS") => StatusCode::PAYMENT_REQUIRED,
        Some("RATE_LIMITED") => StatusCode::TOO_MANY_REQUESTS,
        Some(other) => panic!("undocumented code {other}"),
    }
}

#[tokio::test]
async fn every_linkup_fixture_is_matched_by_the_emulator() {
    let dir = format!("{}/../fixtures/linkup", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 13, "{names:?}");
    for name in names {
        let documented = fixture(&format!("linkup/{name}"));
        let (status, body) = situation(&name).await;
        assert_eq!(status, documented_status(&documented), "{name}: {body}");
        assert_documented_shape(&documented, &body, &name);
        assert_eq!(body["success"], documented["success"], "{name}");
        assert_eq!(body["error"]["code"], documented["error"]["code"], "{name}");
        assert_eq!(
            body["metadata"]["action"].is_string(),
            documented["metadata"]["action"].is_string(),
            "{name}"
        );
    }
}
