//! Unipile v2 relation requests and profile lookup: fidelity to unipile.md's documented bodies,
//! auth and account errors, pagination, every state transition and refusal, the rate limiter.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;
mod unipile_common;

use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use common::{assert_documented_shape, emulator, fixture, CLOCK};
use invite_desk_emulator::state::lock;
use invite_desk_emulator::SharedState;
use serde_json::{json, Value};
use time::Duration;
use unipile_common::{extend, url_encode};

const KEY: &str = "up_v2_key";
const ACC: &str = "acc_v2_main";
/// Another v2 key with its own account, to prove accounts are scoped to their key.
const OTHER_KEY: &str = "up_v2_other";
const OTHER_ACC: &str = "acc_v2_other";
const V1_KEY: &str = "up_v1_key";
const JULIEN: &str = "ACoAAAcDMMQBODyLwZrRcgYhrkCafURGqva0U4E";
const AMARA: &str = "ACoAAB1x2y3z";
const NOUR: &str = "ACoAANour000";
const LINA: &str = "ACoAALina000";
const KEN: &str = "ACoAAKen0000";
const OMAR: &str = "ACoAAOmar000";
/// The documented example's invitation id, so that the list compares value for value.
const SENT_ID: &str = "7449262477600571392";
const BASE: &str = "/v2/acc_v2_main/users/me/relation-requests";

/// `ACC` (free): received `100` from amara (note) and `101` from ken, sent `SENT_ID` to julien
/// (note); lina is a connection; nour, omar and 李明 have no relation. `unipile` is the scenario's
/// section, `account` extra fields of `ACC`.
fn scenario_with(unipile: Value, account: Value) -> String {
    let mut acc = json!({
        "account_id": ACC, "plan": "free",
        "received": [
            { "id": "100", "person": "amara-okafor", "days_ago": 1, "note": "Hello from Lagos" },
            { "id": "101", "person": "ken-sato", "days_ago": 3 }
        ],
        "sent": [ { "id": SENT_ID, "person": "julien-crepieux",
                    "sent_at": "2026-05-01T13:32:38.772Z", "note": "optional note" } ],
        "connections": [ "lina-haddad" ]
    });
    extend(&mut acc, &account);
    json!({
        "clock": CLOCK,
        "unipile": unipile,
        "people": [
            { "public_identifier": "julien-crepieux", "provider_id": JULIEN,
              "first_name": "Julien", "last_name": "Crepieux", "headline": "Headline text",
              "picture_url": "https://media.licdn.com/dms/image/julien.jpg" },
            { "public_identifier": "amara-okafor", "provider_id": AMARA,
              "first_name": "Amara", "last_name": "Okafor",
              "headline": "Head of Partnerships at Lumen Health" },
            { "public_identifier": "ken-sato", "provider_id": KEN,
              "first_name": "健", "last_name": "佐藤" },
            { "public_identifier": "lina-haddad", "provider_id": LINA,
              "first_name": "Lina", "last_name": "Haddad" },
            { "public_identifier": "nour-el-din", "provider_id": NOUR,
              "first_name": "Nour", "last_name": "" },
            { "public_identifier": "omar-farouk", "provider_id": OMAR,
              "first_name": "عمر", "last_name": "فاروق" },
            { "public_identifier": "李明", "first_name": "明", "last_name": "李" }
        ],
        "keys": [
            { "provider": "unipile_v2", "api_key": KEY, "accounts": [
                acc,
                { "account_id": "acc_v2_gone", "plan": "premium", "active": false } ] },
            { "provider": "unipile_v2", "api_key": OTHER_KEY, "accounts": [
                { "account_id": OTHER_ACC, "plan": "premium",
                  "received": [ { "id": "100", "person": "nour-el-din", "days_ago": 2 } ] } ] },
            { "provider": "unipile_v1", "api_key": V1_KEY, "accounts": [
                { "account_id": "t5XY4yQzR9WVrlNFyzPMhw", "plan": "free" } ] }
        ]
    })
    .to_string()
}

fn app() -> (Router, SharedState) {
    emulator(&scenario_with(json!({}), json!({})))
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let body = body.map(|json| json.to_string());
    unipile_common::call(app, method, uri, key, body.as_deref()).await
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = call(app, "GET", uri, Some(KEY), None).await;
    (status, body)
}

async fn post(app: &Router, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, _, body) = call(app, "POST", uri, Some(KEY), body).await;
    (status, body)
}

async fn invite(app: &Router, user_id: &str, message: Option<&str>) -> (StatusCode, Value) {
    let body = match message {
        Some(m) => json!({ "user_id": user_id, "message": m }),
        None => json!({ "user_id": user_id }),
    };
    post(app, BASE, Some(body)).await
}

fn ids(body: &Value) -> Vec<&str> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data in {body}"))
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect()
}

async fn pending(app: &Router, kind: &str) -> Vec<String> {
    let (status, body) = get(app, &format!("{BASE}?type={kind}&limit=100")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    ids(&body).into_iter().map(str::to_owned).collect()
}

/// The documented error envelope (unipile.md §5) with this status and type.
fn assert_error(status: StatusCode, body: &Value, want_status: StatusCode, want_type: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_documented_shape(
        &fixture("unipile_v2/error_invalid_authorization.json"),
        body,
        "error",
    );
    assert_eq!(body["status"], json!(want_status.as_u16()), "{body}");
    assert_eq!(body["type"], json!(want_type), "{body}");
    assert!(!body["detail"].as_str().expect("detail").is_empty());
}

// ---- documented bodies --------------------------------------------------------------------

#[tokio::test]
async fn list_has_the_documented_shape_and_values() {
    let (app, _) = app();
    let (status, body) = get(&app, &format!("{BASE}?type=sent")).await;
    assert_eq!(status, StatusCode::OK);
    let documented = fixture("unipile_v2/relation_requests_list.json");
    assert_documented_shape(&documented, &body, "list");
    let mut expected = documented.clone();
    // Only the private picture URL differs: it points at the emulator, not at api.unipile.com.
    expected["data"][0]["user"]["private_picture_download_url"] =
        json!(format!("http://localhost/v2/{ACC}/users/{JULIEN}/picture"));
    let mut actual = body.clone();
    actual["data"][0]["user"]["private_picture_download_url"] =
        json!(format!("http://localhost/v2/{ACC}/users/{JULIEN}/picture"));
    assert_eq!(actual, expected);
    // No next_cursor unless the scenario asks for it.
    assert!(body.get("next_cursor").is_none());
}

#[tokio::test]
async fn received_items_have_type_received_and_the_inviter_as_user() {
    let (app, _) = app();
    let (status, body) = get(&app, &format!("{BASE}?type=received")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body), ["100", "101"]);
    assert_eq!(body["total_count"], json!(2));
    let first = &body["data"][0];
    assert_eq!(first["type"], json!("received"));
    assert_eq!(first["message"], json!("Hello from Lagos"));
    assert_eq!(first["created_at"], json!("2026-11-21T09:00:00.000Z"));
    assert_eq!(first["user"]["id"], json!(AMARA));
    assert_eq!(first["user"]["display_name"], json!("Amara Okafor"));
    assert_eq!(
        first["user"]["description"],
        json!("Head of Partnerships at Lumen Health")
    );
    // Optional fields without a value are left out, never null.
    let second = &body["data"][1];
    assert!(second.get("message").is_none());
    assert!(second["user"].get("public_picture_url").is_none());
    assert!(second["user"].get("description").is_none());
    assert_eq!(second["user"]["display_name"], json!("佐藤健"));
}

#[tokio::test]
async fn send_answers_201_with_the_documented_relation_request() {
    let (app, state) = app();
    let (status, body) = invite(&app, JULIEN, None).await;
    // Julien already has a pending invitation; send to nour instead, then check julien's shape.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let (status, body) = invite(&app, NOUR, Some("Hi Nour")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["object"], json!("RelationRequest"));
    assert_eq!(body["type"], json!("sent"));
    assert_eq!(body["message"], json!("Hi Nour"));
    assert_eq!(body["created_at"], json!("2026-11-22T09:00:00.000Z"));
    assert_eq!(body["user"]["id"], json!(NOUR));
    assert_eq!(body["user"]["display_name"], json!("Nour"));
    let id = body["id"].as_str().expect("id").to_owned();
    assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    assert_eq!(pending(&app, "sent").await, [id.as_str(), SENT_ID]);
    assert_eq!(lock(&state).keys[0].accounts[0].sent[0].id, id);

    // The documented shape, on a user with every optional field.
    let (_, list) = get(&app, &format!("{BASE}?type=sent&offset=1&limit=1")).await;
    assert_documented_shape(
        &fixture("unipile_v2/relation_request.json"),
        &list["data"][0],
        "relation request",
    );
}

#[tokio::test]
async fn accept_and_cancel_answer_the_documented_objects() {
    let (app, _) = app();
    let (status, body) = post(&app, &format!("{BASE}/100/accept"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, fixture("unipile_v2/accept.json"));
    let (status, body) = post(&app, &format!("{BASE}/{SENT_ID}/cancel"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, fixture("unipile_v2/cancel.json"));
}

#[tokio::test]
async fn profile_lookup_by_public_identifier_or_provider_id_is_the_documented_user_profile() {
    let (app, _) = app();
    // The SDK's `UserProfile` (§12), for a person with a request pending: its `specifics` say
    // where the account stands with them.
    let documented = fixture("unipile_v2/user_profile.json");
    for identifier in ["julien-crepieux", "Julien-Crepieux", JULIEN] {
        let (status, body) = get(&app, &format!("/v2/{ACC}/users/{identifier}")).await;
        assert_eq!(status, StatusCode::OK, "{identifier}: {body}");
        assert_documented_shape(&documented, &body, "user");
        assert_eq!(body["specifics"]["network_distance"], "SECOND_DEGREE");
        assert_eq!(body["specifics"]["relation_request"]["type"], "sent");
        assert_eq!(body["id"], documented["id"]);
        assert_eq!(body["public_identifier"], documented["public_identifier"]);
        assert_eq!(body["display_name"], documented["display_name"]);
        assert_eq!(body["profile_url"], documented["profile_url"]);
        assert_eq!(body["public_picture_url"], documented["public_picture_url"]);
        assert_eq!(body["description"], documented["description"]);
    }
    // A non-Latin vanity name arrives percent-encoded in the path.
    let (status, body) = get(&app, &format!("/v2/{ACC}/users/%E6%9D%8E%E6%98%8E")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["display_name"], json!("李明"));
    assert!(body["id"].as_str().expect("id").starts_with("ACoA"));
    assert!(
        body["specifics"].get("relation_request").is_none(),
        "none pending: {body}"
    );

    let (status, body) = get(&app, &format!("/v2/{ACC}/users/nobody-here")).await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "provider/resource_not_found",
    );
}

#[tokio::test]
async fn a_disconnected_account_gets_the_documented_401() {
    let (app, _) = app();
    let uri = "/v2/acc_v2_gone/users/me/relation-requests?type=sent";
    let (status, body) = get(&app, uri).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let documented = fixture("unipile_v2/error_invalid_authorization.json");
    assert_documented_shape(&documented, &body, "error");
    for field in ["object", "status", "type", "title", "detail"] {
        assert_eq!(body[field], documented[field], "{field}");
    }
}

// ---- auth and accounts --------------------------------------------------------------------

#[tokio::test]
async fn missing_wrong_or_foreign_keys_are_401_missing_authorization() {
    let (app, _) = app();
    let uri = format!("{BASE}?type=sent");
    for key in [
        None,
        Some(""),
        Some("up_v2_KEY"),
        Some(V1_KEY),
        Some(OTHER_KEY),
    ] {
        let (status, _, body) = call(&app, "GET", &uri, key, None).await;
        let want = if key == Some(OTHER_KEY) {
            // A valid key that does not own the account: the account is unknown to it.
            (StatusCode::NOT_FOUND, "api/resource_not_found")
        } else {
            (StatusCode::UNAUTHORIZED, "api/missing_authorization")
        };
        assert_error(status, &body, want.0, want.1);
        // Keys never appear in error bodies.
        if let Some(k) = key.filter(|k| !k.is_empty()) {
            assert!(!body.to_string().contains(k), "{body}");
        }
    }
    // Every route checks the key, before reading the body.
    for (method, uri) in [
        ("POST", BASE.to_owned()),
        ("POST", format!("{BASE}/100/accept")),
        ("POST", format!("{BASE}/100/cancel")),
        ("GET", format!("/v2/{ACC}/users/{JULIEN}")),
    ] {
        let (status, _, body) = call(&app, method, &uri, Some("wrong"), None).await;
        assert_error(
            status,
            &body,
            StatusCode::UNAUTHORIZED,
            "api/missing_authorization",
        );
    }
}

#[tokio::test]
async fn unknown_accounts_are_404_and_req_ids_differ() {
    let (app, _) = app();
    let (status, first) = get(
        &app,
        "/v2/acc_nope/users/me/relation-requests?type=received",
    )
    .await;
    assert_error(
        status,
        &first,
        StatusCode::NOT_FOUND,
        "api/resource_not_found",
    );
    let (_, second) = post(
        &app,
        "/v2/acc_nope/users/me/relation-requests/1/accept",
        None,
    )
    .await;
    assert_ne!(first["req_id"], second["req_id"]);
    assert!(first["req_id"]
        .as_str()
        .expect("req_id")
        .starts_with("req-"));
}

// ---- list parameters and pagination -------------------------------------------------------

fn many_received(n: usize) -> (Value, Vec<Value>) {
    let people: Vec<Value> = (0..n)
        .map(|i| json!({ "public_identifier": format!("p-{i}"), "first_name": format!("P{i}"), "last_name": "X" }))
        .collect();
    let received = (0..n)
        .map(
            |i| json!({ "id": format!("{}", 5000 + i), "person": format!("p-{i}"), "days_ago": i }),
        )
        .collect();
    (json!(people), received)
}

fn paging_scenario(n: usize, unipile: Value) -> String {
    let (people, received) = many_received(n);
    json!({
        "clock": CLOCK, "unipile": unipile, "people": people,
        "keys": [ { "provider": "unipile_v2", "api_key": KEY, "accounts": [
            { "account_id": ACC, "plan": "premium", "received": received } ] } ]
    })
    .to_string()
}

#[tokio::test]
async fn type_is_required_and_must_be_sent_or_received() {
    let (app, _) = app();
    for query in ["", "?type=", "?type=SENT", "?type=all", "?limit=5"] {
        let (status, body) = get(&app, &format!("{BASE}{query}")).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "api/invalid_parameters",
        );
    }
}

#[tokio::test]
async fn bad_limits_and_offsets_are_400() {
    let (app, _) = app();
    for query in [
        "limit=0",
        "limit=-1",
        "limit=abc",
        "offset=-3",
        "offset=1.5",
    ] {
        let (status, body) = get(&app, &format!("{BASE}?type=received&{query}")).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "api/invalid_parameters",
        );
    }
}

#[tokio::test]
async fn offset_pagination_walks_every_item_and_ends_on_an_empty_page() {
    let (app, _) = emulator(&paging_scenario(45, json!({})));
    // Default page size is 20.
    let (_, body) = get(&app, &format!("{BASE}?type=received")).await;
    assert_eq!(ids(&body).len(), 20);
    assert_eq!(body["total_count"], json!(45));

    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (status, body) = get(
            &app,
            &format!("{BASE}?type=received&offset={offset}&limit=20"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["total_count"], json!(45));
        let page = ids(&body);
        if page.is_empty() {
            break;
        }
        seen.extend(page.into_iter().map(str::to_owned));
        offset += 20;
    }
    // Newest first, each once.
    let expected: Vec<String> = (0..45).map(|i| (5000 + i).to_string()).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn limit_above_the_maximum_is_clamped_or_refused_as_configured() {
    let (app, _) = emulator(&paging_scenario(130, json!({})));
    let (status, body) = get(&app, &format!("{BASE}?type=received&limit=250")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body).len(), 100);

    let (app, _) = emulator(&paging_scenario(
        130,
        json!({ "v2_max_limit": 50, "v2_above_max_limit": "refuse" }),
    ));
    let (status, body) = get(&app, &format!("{BASE}?type=received&limit=50")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&body).len(), 50);
    let (status, body) = get(&app, &format!("{BASE}?type=received&limit=51")).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
    );
}

#[tokio::test]
async fn next_cursor_is_emitted_when_configured_and_round_trips() {
    let (app, _) = emulator(&paging_scenario(25, json!({ "v2_next_cursor": true })));
    let mut seen = Vec::new();
    let mut uri = format!("{BASE}?type=received&limit=10");
    let mut pages = 0;
    loop {
        let (status, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages += 1;
        seen.extend(ids(&body).into_iter().map(str::to_owned));
        match body.get("next_cursor").and_then(Value::as_str) {
            // Sent back URL-encoded, as a client does (`=` becomes `%3D`).
            Some(cursor) => {
                uri = format!(
                    "{BASE}?type=received&limit=10&cursor={}",
                    url_encode(cursor)
                );
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    seen.dedup();
    assert_eq!(seen.len(), 25);

    let (status, body) = get(&app, &format!("{BASE}?type=received&cursor=not-a-cursor")).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
    );
}

// ---- transitions --------------------------------------------------------------------------

#[tokio::test]
async fn accepting_removes_the_request_and_creates_a_relation() {
    let (app, state) = app();
    let (status, _) = post(&app, &format!("{BASE}/100/accept"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending(&app, "received").await, ["101"]);
    assert!(lock(&state).keys[0].accounts[0]
        .connections
        .iter()
        .any(|c| c.provider_id == AMARA));
    // Now connected: inviting amara is refused.
    let (status, body) = invite(&app, AMARA, None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
    );
    assert!(body["detail"]
        .as_str()
        .expect("detail")
        .contains("connected"));
    // Handled once: a second accept finds nothing.
    let (status, body) = post(&app, &format!("{BASE}/100/accept"), None).await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "api/resource_not_found",
    );
}

#[tokio::test]
async fn accepting_a_sent_request_fails_and_changes_nothing() {
    let (app, _) = app();
    let (status, body) = post(&app, &format!("{BASE}/{SENT_ID}/accept"), None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
    );
    assert_eq!(pending(&app, "sent").await, [SENT_ID]);
}

#[tokio::test]
async fn unknown_request_ids_are_404_on_accept_and_cancel() {
    let (app, _) = app();
    for action in ["accept", "cancel"] {
        let (status, body) = post(&app, &format!("{BASE}/999/{action}"), None).await;
        assert_error(
            status,
            &body,
            StatusCode::NOT_FOUND,
            "api/resource_not_found",
        );
    }
    // Another account's invitation id is unknown here (ids are per account).
    let (status, _, body) = call(
        &app,
        "POST",
        &format!("/v2/{OTHER_ACC}/users/me/relation-requests/100/cancel"),
        Some(KEY),
        None,
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        "api/resource_not_found",
    );
}

#[tokio::test]
async fn cancelling_a_received_request_refuses_it_without_a_relation() {
    let (app, state) = app();
    let (status, _) = post(&app, &format!("{BASE}/101/cancel"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(pending(&app, "received").await, ["100"]);
    assert!(!lock(&state).keys[0].accounts[0]
        .connections
        .iter()
        .any(|c| c.provider_id == KEN));
    // No cooldown after refusing: ken can be invited at once.
    let (status, body) = invite(&app, KEN, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn withdrawing_blocks_a_new_request_until_the_cooldown_ends() {
    let (app, state) = app();
    let (status, _) = post(&app, &format!("{BASE}/{SENT_ID}/cancel"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pending(&app, "sent").await.is_empty());
    let (status, body) = invite(&app, JULIEN, None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
    );
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("withdrawn"),
        "{body}"
    );
    lock(&state).clock.advance(Duration::days(21));
    let (status, body) = invite(&app, JULIEN, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

// ---- refusals when sending ----------------------------------------------------------------

#[tokio::test]
async fn sending_refusals_name_the_linkedin_reason() {
    let (app, _) = app();
    let cases = [
        (JULIEN, None, "already pending"),
        (AMARA, None, "sent you"),
        (LINA, None, "connected"),
    ];
    for (user, note, reason) in cases {
        let (status, body) = invite(&app, user, note).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "provider/unprocessable_entity",
        );
        assert!(
            body["detail"].as_str().expect("detail").contains(reason),
            "{user}: {body}"
        );
    }
    assert_eq!(pending(&app, "sent").await, [SENT_ID]);
}

#[tokio::test]
async fn unknown_users_and_bad_bodies_are_refused() {
    let (app, _) = app();
    // Provider ids only: a public identifier is not a user_id.
    for user in ["ACoAAnobody", "nour-el-din"] {
        let (status, body) = invite(&app, user, None).await;
        assert_error(
            status,
            &body,
            StatusCode::NOT_FOUND,
            "provider/resource_not_found",
        );
    }
    for body in [json!({}), json!({ "user_id": 5 }), json!([NOUR])] {
        let (status, body) = post(&app, BASE, Some(body)).await;
        assert_error(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "api/invalid_parameters",
        );
    }
    let (status, body) = post(&app, BASE, None).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
    );
}

#[tokio::test]
async fn notes_over_300_characters_are_refused_and_300_pass() {
    let (app, _) = app();
    let (status, body) = invite(&app, NOUR, Some(&"é".repeat(301))).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
    );
    let (status, body) = invite(&app, NOUR, Some(&"é".repeat(300))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn the_weekly_limit_refuses_further_requests() {
    let (app, _) = emulator(&scenario_with(
        json!({}),
        json!({ "invitations_sent_this_week": 149 }),
    ));
    let (status, _) = invite(&app, NOUR, None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = invite(&app, OMAR, None).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
    );
    assert!(body["detail"].as_str().expect("detail").contains("weekly"));
}

#[tokio::test]
async fn the_free_plan_note_quota_refuses_notes_but_not_plain_requests() {
    let (app, _) = emulator(&scenario_with(
        json!({}),
        json!({ "notes_sent_this_month": 5 }),
    ));
    let (status, body) = invite(&app, NOUR, Some("Hello")).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
    );
    assert!(body["detail"].as_str().expect("detail").contains("note"));
    let (status, _) = invite(&app, NOUR, None).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_scenario_can_choose_the_error_of_each_refusal() {
    let (app, _) = emulator(&scenario_with(
        json!({ "v2_errors": {
            "already_invited": { "status": 409, "type": "provider/conflict", "title": "Conflict" },
            "wrong_direction": { "status": 400, "type": "api/invalid_parameters",
                                 "title": "Invalid parameters", "detail": "Cannot accept." }
        } }),
        json!({}),
    ));
    let (status, body) = invite(&app, JULIEN, None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "provider/conflict");
    assert_eq!(body["title"], json!("Conflict"));
    assert!(body["detail"].as_str().expect("detail").contains("pending"));
    let (status, body) = post(&app, &format!("{BASE}/{SENT_ID}/accept"), None).await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
    );
    assert_eq!(body["detail"], json!("Cannot accept."));
}

#[test]
fn scenarios_with_bad_unipile_settings_are_refused() {
    for (unipile, message) in [
        (
            json!({ "v2_errors": { "already_invited": { "status": 200, "type": "x", "title": "x" } } }),
            "not an HTTP error status",
        ),
        (json!({ "v2_errors": { "nope": {} } }), "unknown variant"),
        (json!({ "v2_max_limit": 0 }), "v2_max_limit"),
        (
            json!({ "v2_rate_limit": { "requests": 0, "per_seconds": 1 } }),
            "v2_rate_limit",
        ),
        (json!({ "owners": { ACC: "ghost" } }), "unknown person"),
        (json!({ "typo": 1 }), "unknown field"),
    ] {
        let error = invite_desk_emulator::load(&scenario_with(unipile.clone(), json!({})))
            .err()
            .unwrap_or_else(|| panic!("accepted: {unipile}"));
        assert!(error.to_string().contains(message), "{unipile}: {error}");
    }
}

// ---- rate limit ---------------------------------------------------------------------------

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after_per_account_and_method() {
    let (app, state) = emulator(&scenario_with(
        json!({ "v2_rate_limit": { "requests": 2, "per_seconds": 60 } }),
        json!({}),
    ));
    let uri = format!("{BASE}?type=received");
    for _ in 0..2 {
        assert_eq!(get(&app, &uri).await.0, StatusCode::OK);
    }
    let (status, headers, body) = call(&app, "GET", &uri, Some(KEY), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let documented = fixture("unipile_v2/error_too_many_requests.json");
    assert_documented_shape(&documented, &body, "429");
    assert_eq!(body["type"], documented["type"]);
    assert_eq!(body["title"], documented["title"]);
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("30"),
        "one request per 30 s refills"
    );

    // Other methods, and other accounts, have their own budget.
    assert_eq!(
        get(&app, &format!("/v2/{ACC}/users/{JULIEN}")).await.0,
        StatusCode::OK
    );
    let (status, _, _) = call(
        &app,
        "GET",
        &format!("/v2/{OTHER_ACC}/users/me/relation-requests?type=received"),
        Some(OTHER_KEY),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A bad key is still a 401, not a 429.
    let (status, _, _) = call(&app, "GET", &uri, Some("wrong"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The virtual clock refills the bucket.
    lock(&state).clock.advance(Duration::seconds(30));
    assert_eq!(get(&app, &uri).await.0, StatusCode::OK);
    assert_eq!(get(&app, &uri).await.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn without_a_rate_limit_nothing_is_throttled() {
    let (app, _) = app();
    for _ in 0..50 {
        assert_eq!(
            get(&app, &format!("{BASE}?type=sent")).await.0,
            StatusCode::OK
        );
    }
}
