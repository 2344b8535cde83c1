//! Unipile v1 invitations and profile lookup: fidelity to unipile.md's documented bodies and
//! live errors, auth and account errors, cursor pagination, every transition and refusal.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;
mod unipile_common;

use axum::http::StatusCode;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{assert_documented_shape, emulator, fixture};
use invite_desk_emulator::state::lock;
use invite_desk_emulator::SharedState;
use serde_json::{json, Value};
use time::Duration;
use unipile_common::{extend, url_encode};

const KEY: &str = "up_v1_key";
/// Free account: sent the documented invitation to jane; received from ken and amara.
const ACC: &str = "t5XY4yQzR9WVrlNFyzPMhw";
/// Premium account: received the documented invitation from jane.
const ACC_B: &str = "3H-KVe-mQ2GT9M0hKSkgHgs";
const OTHER_KEY: &str = "up_v1_other";
const OTHER_ACC: &str = "acc_v1_other";
const V2_KEY: &str = "up_v2_key";
const JANE: &str = "ACoAAB1x2y3z";
const KEN: &str = "ACoAAKen0000";
const AMARA: &str = "ACoAAAmara00";
const LINA: &str = "ACoAALina000";
const NOUR: &str = "ACoAANour000";
const OMAR: &str = "ACoAAOmar000";
const SENT_ID: &str = "7449262477600571392";
const RECEIVED_ID: &str = "7449262477600571555";
const SECRET: &str = "abcdef12-3456-7890-abcd-ef1234567890";
/// 65 days after the documented invitations: "Sent 2 months ago".
const CLOCK: &str = "2026-07-05T09:00:00Z";

fn scenario_at(clock: &str, unipile: Value, account: Value) -> String {
    let mut acc = json!({
        "account_id": ACC, "plan": "free",
        "sent": [ { "id": SENT_ID, "person": "jane-doe", "sent_at": "2026-05-01T13:32:38.772Z",
                    "shared_secret": SECRET } ],
        "received": [
            { "id": "101", "person": "ken-sato", "days_ago": 1, "note": "こんにちは",
              "shared_secret": "ken-secret" },
            { "id": "102", "person": "amara-okafor", "days_ago": 40 }
        ],
        "connections": [ "lina-haddad" ]
    });
    extend(&mut acc, &account);
    let mut settings = json!({ "owners": { ACC: "sam-owner", ACC_B: "sam-owner" } });
    extend(&mut settings, &unipile);
    json!({
        "clock": clock,
        "unipile": settings,
        "people": [
            { "public_identifier": "jane-doe", "provider_id": JANE,
              "first_name": "Jane", "last_name": "Doe", "headline": "VP Sales at X" },
            { "public_identifier": "sam-owner", "provider_id": "ACoAAOwner1",
              "first_name": "Sam", "last_name": "Owner" },
            { "public_identifier": "ken-sato", "provider_id": KEN,
              "first_name": "健", "last_name": "佐藤",
              "picture_url": "https://media.licdn.com/dms/image/ken.jpg" },
            { "public_identifier": "amara-okafor", "provider_id": AMARA,
              "first_name": "Amara", "last_name": "Okafor" },
            { "public_identifier": "lina-haddad", "provider_id": LINA,
              "first_name": "Lina", "last_name": "Haddad" },
            { "public_identifier": "nour-el-din", "provider_id": NOUR,
              "first_name": "Nour", "last_name": "" },
            { "public_identifier": "omar-farouk", "provider_id": OMAR,
              "first_name": "عمر", "last_name": "فاروق" },
            { "public_identifier": "अनन्या-शर्मा", "first_name": "अनन्या", "last_name": "शर्मा" }
        ],
        "keys": [
            { "provider": "unipile_v1", "api_key": KEY, "accounts": [
                acc,
                { "account_id": ACC_B, "plan": "premium",
                  "received": [ { "id": RECEIVED_ID, "person": "jane-doe",
                                  "sent_at": "2026-05-01T13:32:38.772Z",
                                  "note": "Hello, let us connect", "shared_secret": SECRET } ] },
                { "account_id": "acc_v1_gone", "plan": "free", "active": false },
                { "account_id": "acc_v1_many", "plan": "premium",
                  "generate": { "received": 25, "sent": 260 } } ] },
            { "provider": "unipile_v1", "api_key": OTHER_KEY, "accounts": [
                { "account_id": OTHER_ACC, "plan": "free" } ] },
            { "provider": "unipile_v2", "api_key": V2_KEY, "accounts": [
                { "account_id": "acc_v2", "plan": "free" } ] }
        ]
    })
    .to_string()
}

fn app() -> (Router, SharedState) {
    emulator(&scenario_at(CLOCK, json!({}), json!({})))
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let (status, _, body) = unipile_common::call(app, method, uri, key, body).await;
    (status, body)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    call(app, "GET", uri, Some(KEY), None).await
}

async fn invite(app: &Router, provider_id: &str, message: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({ "account_id": ACC, "provider_id": provider_id });
    if let Some(m) = message {
        body["message"] = json!(m);
    }
    let body = body.to_string();
    call(app, "POST", "/api/v1/users/invite", Some(KEY), Some(&body)).await
}

async fn handle(app: &Router, id: &str, secret: &str, action: &str) -> (StatusCode, Value) {
    let body = json!({ "provider": "LINKEDIN", "shared_secret": secret, "account_id": ACC,
                       "action": action })
    .to_string();
    let uri = format!("/api/v1/users/invite/received/{id}");
    call(app, "POST", &uri, Some(KEY), Some(&body)).await
}

async fn withdraw(app: &Router, id: &str) -> (StatusCode, Value) {
    let uri = format!("/api/v1/users/invite/sent/{id}?account_id={ACC}");
    call(app, "DELETE", &uri, Some(KEY), None).await
}

async fn pending(app: &Router, direction: &str) -> Vec<String> {
    let (status, body) = get(
        app,
        &format!("/api/v1/users/invite/{direction}?account_id={ACC}&limit=100"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    ids(&body)
}

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items in {body}"))
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The documented error envelope `{status, type, title, detail}` with this status and type.
fn assert_error(status: StatusCode, body: &Value, want: StatusCode, want_type: &str) {
    assert_eq!(status, want, "{body}");
    assert_documented_shape(
        &fixture("unipile_v1/error_missing_credentials.json"),
        body,
        "error",
    );
    assert_eq!(body["status"], json!(want.as_u16()), "{body}");
    assert_eq!(body["type"], json!(want_type), "{body}");
}

// ---- documented bodies --------------------------------------------------------------------

#[tokio::test]
async fn the_sent_list_is_the_documented_example() {
    let (app, _) = app();
    let (status, body) = get(&app, &format!("/api/v1/users/invite/sent?account_id={ACC}")).await;
    assert_eq!(status, StatusCode::OK);
    let documented = fixture("unipile_v1/invitations_sent.json");
    assert_documented_shape(&documented, &body, "sent list");
    assert_eq!(body, documented);
}

#[tokio::test]
async fn the_received_list_is_the_documented_example() {
    // Three days after the documented invitation, as in the example's "3 days ago".
    let (app, _) = emulator(&scenario_at("2026-05-04T14:00:00Z", json!({}), json!({})));
    let uri = format!("/api/v1/users/invite/received?account_id={ACC_B}");
    let (status, body) = get(&app, &uri).await;
    assert_eq!(status, StatusCode::OK);
    let documented = fixture("unipile_v1/invitations_received.json");
    assert_documented_shape(&documented, &body, "received list");
    assert_eq!(body, documented);
}

#[tokio::test]
async fn sending_answers_the_documented_object_with_usage_on_a_threshold() {
    // 112 of 150 is 74 %; the 113th crosses 75 %.
    let (app, state) = emulator(&scenario_at(
        CLOCK,
        json!({}),
        json!({ "invitations_sent_this_week": 112 }),
    ));
    let (status, body) = invite(&app, NOUR, Some("Hi Nour")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let documented = fixture("unipile_v1/invite_sent.json");
    assert_documented_shape(&documented, &body, "invite");
    assert_eq!(body["object"], documented["object"]);
    assert_eq!(body["usage"], json!(75));
    let id = body["invitation_id"].as_str().expect("id").to_owned();
    assert_eq!(pending(&app, "sent").await, [id.as_str(), SENT_ID]);
    let note = lock(&state).keys[0].accounts[0].sent[0].note.clone();
    assert_eq!(note.as_deref(), Some("Hi Nour"));

    // No threshold crossed: no usage.
    let (status, body) = invite(&app, OMAR, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("usage").is_none(), "{body}");
}

#[tokio::test]
async fn usage_reports_each_threshold_once() {
    let (app, _) = emulator(&scenario_at(
        CLOCK,
        json!({}),
        json!({ "invitations_sent_this_week": 74 }),
    ));
    let (_, body) = invite(&app, NOUR, None).await;
    assert_eq!(body["usage"], json!(50), "75 of 150");
    let (_, body) = invite(&app, OMAR, None).await;
    assert!(body.get("usage").is_none(), "{body}");
}

#[tokio::test]
async fn handling_answers_the_documented_object() {
    let (app, _) = app();
    let (status, body) = handle(&app, "101", "ken-secret", "accept").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, fixture("unipile_v1/invitation_handled.json"));
    let (status, body) = handle(&app, "102", &derived_secret("102"), "decline").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "object": "UserInvitationHandled", "status": "DECLINED" })
    );
}

#[tokio::test]
async fn withdrawing_answers_the_documented_object() {
    let (app, _) = app();
    let (status, body) = withdraw(&app, SENT_ID).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, fixture("unipile_v1/invitation_canceled.json"));
}

#[tokio::test]
async fn the_profile_is_the_documented_example() {
    let (app, _) = app();
    let documented = fixture("unipile_v1/user_profile.json");
    for identifier in ["jane-doe", JANE] {
        let (status, body) = get(
            &app,
            &format!("/api/v1/users/{identifier}?account_id={ACC}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, documented);
    }
    // Optional SDK fields when known; the headline is a string even when the member has none.
    let (_, body) = get(&app, &format!("/api/v1/users/{KEN}?account_id={ACC}")).await;
    assert_eq!(
        body["profile_picture_url"],
        json!("https://media.licdn.com/dms/image/ken.jpg")
    );
    assert_eq!(body["headline"], json!(""));
    // A Devanagari vanity name, percent-encoded in the path.
    let encoded = url_encode("अनन्या-शर्मा");
    let (status, body) = get(&app, &format!("/api/v1/users/{encoded}?account_id={ACC}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["first_name"], json!("अनन्या"));

    let (status, body) = get(&app, &format!("/api/v1/users/nobody?account_id={ACC}")).await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "errors/resource_not_found",
    );
}

#[tokio::test]
async fn the_live_refusals_are_the_documented_bodies() {
    let (app, _) = app();
    // Already pending.
    let (status, body) = invite(&app, JANE, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        fixture("unipile_v1/error_already_invited_recently.json")
    );
    // Withdrawn, then invited again within the cooldown.
    withdraw(&app, SENT_ID).await;
    let (status, body) = invite(&app, JANE, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, fixture("unipile_v1/error_cannot_resend_yet.json"));
    // The weekly cap.
    let (app, _) = emulator(&scenario_at(
        CLOCK,
        json!({}),
        json!({ "invitations_sent_this_week": 150 }),
    ));
    let (status, body) = invite(&app, NOUR, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, fixture("unipile_v1/error_limit_exceeded.json"));
}

#[tokio::test]
async fn missing_or_wrong_keys_get_the_documented_401_on_every_route() {
    let (app, _) = app();
    let documented = fixture("unipile_v1/error_missing_credentials.json");
    let routes = [
        ("GET", format!("/api/v1/users/invite/sent?account_id={ACC}")),
        (
            "GET",
            format!("/api/v1/users/invite/received?account_id={ACC}"),
        ),
        ("POST", "/api/v1/users/invite".to_owned()),
        ("POST", "/api/v1/users/invite/received/101".to_owned()),
        (
            "DELETE",
            format!("/api/v1/users/invite/sent/{SENT_ID}?account_id={ACC}"),
        ),
        ("GET", format!("/api/v1/users/jane-doe?account_id={ACC}")),
    ];
    for (method, uri) in &routes {
        for key in [None, Some(""), Some("UP_V1_KEY"), Some(V2_KEY)] {
            let (status, body) = call(&app, method, uri, key, Some("{}")).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} {key:?}");
            assert_eq!(body, documented, "{method} {uri}");
        }
    }
}

// ---- accounts and parameters --------------------------------------------------------------

#[tokio::test]
async fn accounts_must_be_given_known_to_the_key_and_connected() {
    let (app, _) = app();
    let (status, body) = get(&app, "/api/v1/users/invite/sent").await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "errors/invalid_parameters",
    );
    for account in ["nope", OTHER_ACC, "acc_v2"] {
        let (status, body) = get(
            &app,
            &format!("/api/v1/users/invite/sent?account_id={account}"),
        )
        .await;
        assert_error(
            status,
            &body,
            StatusCode::NOT_FOUND,
            "errors/resource_not_found",
        );
    }
    let (status, body) = get(&app, "/api/v1/users/invite/received?account_id=acc_v1_gone").await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "errors/disconnected_account",
    );
    // The account of a POST comes from its body.
    let body = json!({ "account_id": OTHER_ACC, "provider_id": NOUR }).to_string();
    let (status, body) = call(&app, "POST", "/api/v1/users/invite", Some(KEY), Some(&body)).await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "errors/resource_not_found",
    );
}

#[tokio::test]
async fn cursor_pagination_round_trips_and_ends_with_null() {
    let (app, _) = app();
    let base = "/api/v1/users/invite/received?account_id=acc_v1_many";
    let (_, first) = get(&app, base).await;
    assert_eq!(ids(&first).len(), 10, "default limit");

    let mut seen = Vec::new();
    let mut uri = format!("{base}&limit=10");
    let mut pages = 0;
    loop {
        let (status, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages += 1;
        seen.extend(ids(&body));
        match &body["cursor"] {
            Value::String(cursor) => {
                // Opaque to clients, but documented as base64 of {limit, cursor}.
                let decoded = base64_json(cursor);
                assert_eq!(decoded, json!({ "limit": 10, "cursor": seen.len() }));
                // Only the cursor: its limit carries over.
                uri = format!("{base}&cursor={}", url_encode(cursor));
            }
            Value::Null => break,
            other => panic!("cursor must be a string or null, got {other}"),
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25);
}

#[tokio::test]
async fn limits_are_bounded_per_list_and_bad_cursors_refused() {
    let (app, _) = app();
    let sent = "/api/v1/users/invite/sent?account_id=acc_v1_many";
    let (status, body) = get(&app, &format!("{sent}&limit=250")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body).len(), 250);
    assert!(body["cursor"].is_string());
    let (status, body) = get(&app, &format!("{sent}&limit=251")).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "errors/limit_too_high",
    );
    let received = "/api/v1/users/invite/received?account_id=acc_v1_many";
    let (status, _) = get(&app, &format!("{received}&limit=100")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = get(&app, &format!("{received}&limit=101")).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "errors/limit_too_high",
    );
    for bad in ["limit=0", "limit=x", "cursor=%%%", "cursor=bm9wZQ%3D%3D"] {
        let (status, body) = get(&app, &format!("{received}&{bad}")).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/invalid_parameters",
        );
    }
}

// ---- transitions --------------------------------------------------------------------------

#[tokio::test]
async fn accepting_removes_the_invitation_and_creates_a_relation() {
    let (app, state) = app();
    let (status, _) = handle(&app, "101", "ken-secret", "accept").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending(&app, "received").await, ["102"]);
    assert!(lock(&state).keys[0].accounts[0]
        .connections
        .iter()
        .any(|c| c.provider_id == KEN));
    let (status, body) = invite(&app, KEN, None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "errors/already_connected",
    );
    // Already handled: a bad parameter now.
    let (status, body) = handle(&app, "101", "ken-secret", "accept").await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "errors/invalid_parameters",
    );
}

#[tokio::test]
async fn declining_removes_the_invitation_without_a_relation() {
    let (app, state) = app();
    let (status, _) = handle(&app, "101", "ken-secret", "decline").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending(&app, "received").await, ["102"]);
    assert!(!lock(&state).keys[0].accounts[0]
        .connections
        .iter()
        .any(|c| c.provider_id == KEN));
    let (status, _) = invite(&app, KEN, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn handling_needs_the_right_secret_id_direction_and_body() {
    let (app, _) = app();
    let cases = [
        ("101", "wrong-secret", "accept"),
        ("999", "ken-secret", "accept"),
        (SENT_ID, SECRET, "accept"),
        ("101", "ken-secret", "ignore"),
    ];
    for (id, secret, action) in cases {
        let (status, body) = handle(&app, id, secret, action).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/invalid_parameters",
        );
    }
    let uri = "/api/v1/users/invite/received/101";
    let instagram = json!({ "provider": "INSTAGRAM", "shared_secret": "ken-secret",
                            "account_id": ACC, "action": "accept" })
    .to_string();
    let missing = json!({ "provider": "LINKEDIN", "account_id": ACC, "action": "accept" });
    for body in [instagram, missing.to_string()] {
        let (status, body) = call(&app, "POST", uri, Some(KEY), Some(&body)).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/invalid_parameters",
        );
    }
    for body in ["not json", "[]"] {
        let (status, body) = call(&app, "POST", uri, Some(KEY), Some(body)).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/malformed_request",
        );
    }
    // Nothing changed.
    assert_eq!(pending(&app, "received").await, ["101", "102"]);
    assert_eq!(pending(&app, "sent").await, [SENT_ID]);
}

#[tokio::test]
async fn withdrawing_removes_the_invitation_and_starts_the_cooldown() {
    let (app, state) = app();
    let (status, _) = withdraw(&app, SENT_ID).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pending(&app, "sent").await.is_empty());
    for id in [SENT_ID, "101", "999"] {
        let (status, body) = withdraw(&app, id).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/invalid_parameters",
        );
    }
    let (status, _) = invite(&app, JANE, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    lock(&state).clock.advance(Duration::days(21));
    let (status, body) = invite(&app, JANE, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

// ---- refusals when sending ----------------------------------------------------------------

#[tokio::test]
async fn sending_refusals_use_the_v1_slugs() {
    let (app, _) = app();
    let cases = [
        (AMARA, None, 422, "errors/already_invited_recently"),
        (LINA, None, 422, "errors/already_connected"),
        ("ACoAAnobody", None, 404, "errors/resource_not_found"),
        // The provider id only, not the public identifier.
        ("nour-el-din", None, 404, "errors/resource_not_found"),
    ];
    for (user, note, status_code, slug) in cases {
        let (status, body) = invite(&app, user, note).await;
        let want = StatusCode::from_u16(status_code).expect("status");
        assert_error(status, &body, want, slug);
    }
    let (status, body) = invite(&app, NOUR, Some(&"ß".repeat(301))).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "errors/too_many_characters",
    );
    let (status, _) = invite(&app, NOUR, Some(&"ß".repeat(300))).await;
    assert_eq!(status, StatusCode::OK);

    for body in [json!({ "account_id": ACC }), json!({ "provider_id": NOUR })] {
        let (status, body) = call(
            &app,
            "POST",
            "/api/v1/users/invite",
            Some(KEY),
            Some(&body.to_string()),
        )
        .await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "errors/invalid_parameters",
        );
    }
    assert_eq!(pending(&app, "sent").await.len(), 2);
}

#[tokio::test]
async fn the_free_note_quota_refuses_notes_only() {
    let (app, _) = emulator(&scenario_at(
        CLOCK,
        json!({}),
        json!({ "notes_sent_this_month": 5 }),
    ));
    let (status, body) = invite(&app, NOUR, Some("Hello")).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "errors/limit_exceeded",
    );
    assert!(body["detail"].as_str().expect("detail").contains("note"));
    let (status, _) = invite(&app, NOUR, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_scenario_can_choose_the_error_of_each_refusal() {
    let (app, _) = emulator(&scenario_at(
        CLOCK,
        json!({ "v1_errors": { "weekly_limit": {
            "status": 422, "type": "errors/cannot_resend_yet", "title": "Cannot resend yet" } } }),
        json!({ "invitations_sent_this_week": 150 }),
    ));
    let (status, body) = invite(&app, NOUR, None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "errors/cannot_resend_yet",
    );
    assert!(body["detail"].as_str().expect("detail").contains("weekly"));
}

#[tokio::test]
async fn dates_read_like_linkedin() {
    let (app, _) = emulator(&scenario_at("2026-05-04T14:00:00Z", json!({}), json!({})));
    let (_, body) = get(
        &app,
        &format!("/api/v1/users/invite/received?account_id={ACC}"),
    )
    .await;
    let dates: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, ["Yesterday", "1 month ago"]);
    let (_, body) = get(&app, &format!("/api/v1/users/invite/sent?account_id={ACC}")).await;
    assert_eq!(body["items"][0]["date"], json!("Sent 3 days ago"));
    // Without an owner in the scenario, a stable stand-in fills the owner's side.
    let (app, _) = emulator(&scenario_at(CLOCK, json!({ "owners": {} }), json!({})));
    let (_, body) = get(&app, &format!("/api/v1/users/invite/sent?account_id={ACC}")).await;
    let inviter = &body["items"][0]["inviter"];
    assert_eq!(inviter["inviter_name"], json!("Account Owner"));
    assert!(inviter["inviter_id"]
        .as_str()
        .expect("id")
        .starts_with("ACoA"));
}

fn derived_secret(id: &str) -> String {
    invite_desk_emulator::state::derived_secret(id)
}

/// Decodes a standard base64 JSON cursor.
fn base64_json(text: &str) -> Value {
    let bytes = STANDARD.decode(text).expect("base64");
    serde_json::from_slice(&bytes).expect("cursor JSON")
}
