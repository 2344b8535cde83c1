//! The control API under `/__emulator/`: reset, scenario, clock, latency, faults, request log,
//! account snapshots and changes made on LinkedIn itself, driven in-process.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;
#[allow(dead_code)]
mod unipile_common;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

async fn control(
    app: &Router,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(format!("/__emulator/{path}"))
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let (status, _, body) = send(app, request).await;
    (status, body)
}

/// Queues a fault and checks it was accepted.
async fn fault(app: &Router, spec: Value) {
    let (status, body) = control(app, "POST", "faults", Some(spec)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// How long a `list_invitations` takes on tokio's clock, checking it succeeds. The tests that
/// time run with that clock paused: a delay is then exactly the emulator's sleep, whatever the
/// machine is doing, and no test bounds the wall time.
async fn timed_list(app: &Router) -> Duration {
    let started = tokio::time::Instant::now();
    assert_eq!(list(app, json!({})).await.0, StatusCode::OK);
    started.elapsed()
}

/// Any response, JSON or not; `Err` when the body fails (a dropped connection).
async fn raw(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, HeaderMap, Result<Bytes, String>) {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .map_err(|e| e.to_string());
    (status, headers, body)
}

fn list_request(key: &str) -> Request<Body> {
    let body =
        json!({ "account_id": ACCOUNT, "action": "list_invitations", "params": { "count": 2 } });
    Request::post("/v2/network?trace=1")
        .header("x-api-key", key)
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn accept_body(n: usize, secret: &str) -> Value {
    json!({ "account_id": ACCOUNT, "action": "accept",
            "params": { "entity_urn": format!("urn:li:invitation:{}", invitation_id(n)),
                        "shared_secret": secret } })
}

fn secret(state: &invite_desk_emulator::SharedState, n: usize) -> String {
    let state = invite_desk_emulator::state::lock(state);
    let account = &state.keys[0].accounts[0];
    account
        .find(&invitation_id(n))
        .map(|(_, i)| i.shared_secret.clone())
        .expect("invitation")
}

async fn account_counts(app: &Router) -> (u64, u64) {
    let (status, body) = control(app, "GET", &format!("accounts/{ACCOUNT}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["received"].as_u64().expect("received"),
        body["credits"].as_u64().expect("credits"),
    )
}

// ---- reset and scenario -----------------------------------------------------------------

#[tokio::test]
async fn reset_restores_the_loaded_state_and_clears_everything() {
    let (app, state) = emulator(&scenario(&[1.0, 2.0, 3.0], 100));
    let s0 = secret(&state, 0);
    assert_eq!(
        network(&app, KEY, accept_body(0, &s0)).await.0,
        StatusCode::OK
    );
    control(
        &app,
        "POST",
        "clock",
        Some(json!({ "advance_seconds": 3600 })),
    )
    .await;
    control(
        &app,
        "POST",
        "latency",
        Some(json!({ "path_prefix": "/v2", "ms": 1 })),
    )
    .await;
    fault(
        &app,
        json!({ "path_prefix": "/v2", "response": { "status": 500, "body": {} } }),
    )
    .await;
    assert_eq!(account_counts(&app).await, (2, 99));

    let (status, body) = control(&app, "POST", "reset", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "ok": true })));
    assert_eq!(account_counts(&app).await, (3, 100));
    assert_eq!(
        control(&app, "GET", "clock", None).await.1,
        json!({ "now": CLOCK })
    );
    let (_, log) = control(&app, "GET", "requests", None).await;
    assert_eq!(log, json!([]));
    // The fault is gone: the next request is served normally.
    assert_eq!(list(&app, json!({})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_loaded_scenario_replaces_the_state_and_becomes_the_reset_point() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let (status, body) = control(
        &app,
        "PUT",
        "scenario",
        Some(serde_json::from_str(&scenario(&[1.0; 7], 5)).expect("json")),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "ok": true })));
    assert_eq!(account_counts(&app).await, (7, 5));
    list(&app, json!({})).await;
    assert_eq!(account_counts(&app).await, (7, 4));
    control(&app, "POST", "reset", None).await;
    assert_eq!(account_counts(&app).await, (7, 5));
}

#[tokio::test]
async fn bad_scenarios_are_400_and_never_echo_a_key() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let secret_key = "lk_live_do_not_print_me";
    let bad = json!({ "people": [], "keys": [
        { "provider": "linkup", "api_key": secret_key, "credits": secret_key, "accounts": [] } ] });
    let (status, body) = control(&app, "PUT", "scenario", Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("bad_scenario"));
    let message = body["message"].as_str().expect("message");
    assert!(message.contains("invalid type"), "{message}");
    assert!(!message.contains(secret_key), "{message}");
    // The previous scenario is still served.
    assert_eq!(account_counts(&app).await, (1, 100));
}

// ---- clock ------------------------------------------------------------------------------

#[tokio::test]
async fn the_clock_moves_only_when_told() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    assert_eq!(
        control(&app, "GET", "clock", None).await.1,
        json!({ "now": CLOCK })
    );
    let (status, body) = control(
        &app,
        "POST",
        "clock",
        Some(json!({ "advance_seconds": 86_400 })),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "now": "2026-11-23T09:00:00Z" }))
    );
    let (_, listed) = list(&app, json!({})).await;
    assert_eq!(listed["data"]["invitations"][0]["sent_time"], json!("2d"));
    assert_eq!(
        listed["metadata"]["timestamp"],
        json!("2026-11-23T09:00:00Z")
    );
    let (_, body) = control(
        &app,
        "POST",
        "clock",
        Some(json!({ "set": "2027-01-01T00:00:00+01:00" })),
    )
    .await;
    assert_eq!(body, json!({ "now": "2026-12-31T23:00:00Z" }));
    for bad in [
        json!({}),
        json!({ "set": "tomorrow" }),
        json!({ "advance_seconds": 1, "set": CLOCK }),
        json!({ "advance_seconds": 1e300 }),
    ] {
        let (status, body) = control(&app, "POST", "clock", Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"], json!("bad_request"));
    }
}

#[tokio::test]
async fn every_answer_dates_itself_by_the_virtual_clock_unless_a_fault_says_otherwise() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let date = |headers: &HeaderMap| headers["date"].to_str().map(str::to_owned).ok();
    let (_, headers, _) = raw(&app, list_request(KEY)).await;
    // CLOCK, 2026-11-22T09:00:00Z, a Sunday.
    assert_eq!(
        date(&headers),
        Some("Sun, 22 Nov 2026 09:00:00 GMT".to_owned())
    );
    control(
        &app,
        "POST",
        "clock",
        Some(json!({ "advance_seconds": 86_400 * 40 + 61 })),
    )
    .await;
    let (_, headers, _) = raw(&app, list_request("lk_unknown")).await;
    assert_eq!(
        date(&headers),
        Some("Fri, 01 Jan 2027 09:01:01 GMT".to_owned()),
        "errors too"
    );
    fault(
        &app,
        json!({ "path_prefix": "/v2", "response": { "status": 200, "body": {},
                "headers": { "Date": "Mon, 01 Feb 2027 00:00:00 GMT" } } }),
    )
    .await;
    let (_, headers, _) = raw(&app, list_request(KEY)).await;
    assert_eq!(
        date(&headers),
        Some("Mon, 01 Feb 2027 00:00:00 GMT".to_owned())
    );
}

// ---- latency ----------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn latency_delays_matching_requests_until_removed() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    control(
        &app,
        "POST",
        "latency",
        Some(json!({ "method": "post", "path_prefix": "/v2/network", "ms": 300 })),
    )
    .await;
    assert!(timed_list(&app).await >= Duration::from_millis(300));
    // Other routes are not delayed.
    let started = tokio::time::Instant::now();
    let request = Request::get("/v2/credits")
        .header("x-api-key", KEY)
        .body(Body::empty())
        .expect("request");
    send(&app, request).await;
    assert_eq!(started.elapsed(), Duration::ZERO);

    control(
        &app,
        "POST",
        "latency",
        Some(json!({ "method": "POST", "path_prefix": "/v2/network", "ms": 0 })),
    )
    .await;
    assert_eq!(timed_list(&app).await, Duration::ZERO);
}

// ---- faults -----------------------------------------------------------------------------

#[tokio::test]
async fn canned_responses_are_served_the_given_number_of_times() {
    let (app, state) = emulator(&scenario(&[1.0], 100));
    let (status, body) = control(&app, "POST", "faults", Some(json!({
        "path_prefix": "/v2/network", "times": 2,
        "response": { "status": 503, "body": { "oops": true }, "headers": { "Retry-After": "2" } } }))).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "ok": true, "queued": 1 }))
    );
    for _ in 0..2 {
        let (status, headers, body) = raw(&app, list_request(KEY)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(headers["retry-after"], "2");
        assert_eq!(
            serde_json::from_slice::<Value>(&body.expect("body")).expect("json"),
            json!({ "oops": true })
        );
    }
    assert_eq!(raw(&app, list_request(KEY)).await.0, StatusCode::OK);
    assert_eq!(
        invite_desk_emulator::state::lock(&state).credits(KEY),
        Some(99),
        "faulted requests did not run"
    );

    fault(
        &app,
        json!({ "path_prefix": "/v2", "response": { "status": 500, "body": "<b>raw</b>" } }),
    )
    .await;
    let (status, headers, body) = raw(&app, list_request(KEY)).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body.expect("body"),
        Bytes::from_static(b"<b>raw</b>"),
        "strings are sent verbatim"
    );
    assert!(headers["content-type"]
        .to_str()
        .expect("ascii")
        .starts_with("text/plain"));
}

#[tokio::test]
async fn faults_match_method_path_and_linkup_action_in_order() {
    let (app, state) = emulator(&scenario(&[1.0, 2.0], 100));
    control(
        &app,
        "POST",
        "faults",
        Some(
            json!({ "method": "POST", "path_prefix": "/v2/network", "action": "accept",
        "response": { "status": 502, "body": { "first": true } } }),
        ),
    )
    .await;
    fault(
        &app,
        json!({ "path_prefix": "/v2/network", "action": "accept",
        "response": { "status": 504, "body": { "second": true } } }),
    )
    .await;
    // Not an accept, not the right path or method: untouched.
    assert_eq!(list(&app, json!({})).await.0, StatusCode::OK);
    let request = Request::get("/v2/credits")
        .header("x-api-key", KEY)
        .body(Body::empty())
        .expect("request");
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    let s0 = secret(&state, 0);
    assert_eq!(
        network(&app, KEY, accept_body(0, &s0)).await,
        (StatusCode::BAD_GATEWAY, json!({ "first": true }))
    );
    assert_eq!(
        network(&app, KEY, accept_body(0, &s0)).await,
        (StatusCode::GATEWAY_TIMEOUT, json!({ "second": true }))
    );
    assert_eq!(
        network(&app, KEY, accept_body(0, &s0)).await.0,
        StatusCode::OK
    );

    fault(&app, json!({ "path_prefix": "/v2", "kind": "html_502" })).await;
    let (status, body) = control(&app, "DELETE", "faults", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "ok": true })));
    assert_eq!(list(&app, json!({})).await.0, StatusCode::OK);
}

#[tokio::test]
async fn apply_runs_the_handler_before_the_fault_replaces_the_answer() {
    let (app, state) = emulator(&scenario(&[1.0, 2.0], 100));
    let (s0, s1) = (secret(&state, 0), secret(&state, 1));
    fault(
        &app,
        json!({ "path_prefix": "/v2/network", "action": "accept",
        "response": { "status": 500, "body": {} } }),
    )
    .await;
    assert_eq!(
        network(&app, KEY, accept_body(0, &s0)).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        account_counts(&app).await,
        (2, 100),
        "without apply nothing happened"
    );

    control(
        &app,
        "POST",
        "faults",
        Some(
            json!({ "path_prefix": "/v2/network", "action": "accept", "apply": true,
        "response": { "status": 500, "body": {} } }),
        ),
    )
    .await;
    assert_eq!(
        network(&app, KEY, accept_body(1, &s1)).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        account_counts(&app).await,
        (1, 99),
        "with apply the accept took effect"
    );
}

#[tokio::test]
async fn broken_bodies_malformed_truncated_html_and_dropped() {
    let (app, _) = emulator(&scenario(&[1.0, 2.0], 100));
    fault(
        &app,
        json!({ "path_prefix": "/v2", "kind": "malformed_json" }),
    )
    .await;
    let (status, headers, body) = raw(&app, list_request(KEY)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    assert!(serde_json::from_slice::<Value>(&body.expect("body")).is_err());

    fault(
        &app,
        json!({ "path_prefix": "/v2", "kind": "truncated", "apply": true }),
    )
    .await;
    let (status, _, body) = raw(&app, list_request(KEY)).await;
    assert_eq!(status, StatusCode::OK);
    let body = body.expect("body");
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    assert!(body.starts_with(br#"{"success":true"#), "{body:?}");
    fault(&app, json!({ "path_prefix": "/v2", "kind": "truncated" })).await;
    let (_, _, body) = raw(&app, list_request(KEY)).await;
    assert!(serde_json::from_slice::<Value>(&body.expect("body")).is_err());

    fault(&app, json!({ "path_prefix": "/v2", "kind": "html_502" })).await;
    let (status, headers, body) = raw(&app, list_request(KEY)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(headers["content-type"], "text/html");
    assert!(String::from_utf8_lossy(&body.expect("body")).contains("<center>nginx</center>"));

    fault(&app, json!({ "path_prefix": "/v2", "kind": "drop" })).await;
    let (_, _, body) = raw(&app, list_request(KEY)).await;
    assert!(
        body.is_err(),
        "the body fails, so hyper closes the connection"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_answers_late() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    fault(
        &app,
        json!({ "path_prefix": "/v2", "kind": "slow", "slow_ms": 400 }),
    )
    .await;
    assert!(timed_list(&app).await >= Duration::from_millis(400));
    assert!(timed_list(&app).await == Duration::ZERO, "once only");
}

#[tokio::test]
async fn invalid_fault_specs_are_400() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    for (spec, expected) in [
        (
            json!({ "path_prefix": "/v2" }),
            "exactly one of response or kind",
        ),
        (
            json!({ "path_prefix": "/v2", "kind": "drop", "response": { "status": 500, "body": null } }),
            "exactly one",
        ),
        (
            json!({ "path_prefix": "/v2", "kind": "explode" }),
            "unknown kind \"explode\"",
        ),
        (
            json!({ "path_prefix": "/v2", "kind": "slow" }),
            "needs slow_ms",
        ),
        (
            json!({ "path_prefix": "/v2", "kind": "drop", "slow_ms": 5 }),
            "only with kind \"slow\"",
        ),
        (
            json!({ "path_prefix": "/v2", "kind": "drop", "times": 0 }),
            "at least 1",
        ),
        (
            json!({ "path_prefix": "/v2", "response": { "status": 1000, "body": {} } }),
            "not an HTTP status",
        ),
        (
            json!({ "path_prefix": "/v2", "response": { "status": 500, "body": {}, "headers": { "bad name": "x" } } }),
            "bad header name",
        ),
        (json!({ "kind": "drop" }), "path_prefix"),
    ] {
        let (status, body) = control(&app, "POST", "faults", Some(spec.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{spec}");
        assert!(
            body["message"]
                .as_str()
                .expect("message")
                .contains(expected),
            "{expected:?}: {body}"
        );
    }
}

// ---- request log ------------------------------------------------------------------------

#[tokio::test]
async fn the_request_log_records_fingerprints_never_keys() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    assert_eq!(raw(&app, list_request(KEY)).await.0, StatusCode::OK);
    network_raw(&app, None, "not json").await;
    fault(
        &app,
        json!({ "path_prefix": "/v2", "response": { "status": 503, "body": {} } }),
    )
    .await;
    let (status, _, _) = raw(&app, list_request(OTHER_KEY)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    fault(&app, json!({ "path_prefix": "/v2", "kind": "drop" })).await;
    assert!(raw(&app, list_request(KEY)).await.2.is_err());

    let (status, log) = control(&app, "GET", "requests", None).await;
    assert_eq!(status, StatusCode::OK);
    let log = log.as_array().expect("array");
    assert_eq!(log.len(), 4, "control requests are not logged: {log:?}");
    assert_eq!(log[0]["method"], json!("POST"));
    assert_eq!(log[0]["path"], json!("/v2/network"));
    assert_eq!(log[0]["query"], json!("trace=1"));
    assert_eq!(log[0]["body"]["action"], json!("list_invitations"));
    assert_eq!(log[0]["status"], json!(200));
    let fp = log[0]["key_fingerprint"].as_str().expect("fingerprint");
    assert!(fp.starts_with("fp:") && fp.len() == 11, "{fp}");
    assert_eq!(
        log[3]["key_fingerprint"],
        json!(fp),
        "same key, same fingerprint"
    );
    assert_ne!(log[2]["key_fingerprint"], json!(fp));
    assert_eq!(log[1]["key_fingerprint"], Value::Null);
    assert_eq!(log[1]["body"], json!("not json"));
    assert_eq!(log[1]["query"], Value::Null);
    assert_eq!(log[1]["status"], json!(403));
    assert_eq!(log[2]["status"], json!(503));
    assert_eq!(log[3]["status"], json!(0), "dropped");
    let text = serde_json::to_string(log).expect("text");
    assert!(!text.contains(KEY) && !text.contains(OTHER_KEY));

    let (status, _) = control(&app, "DELETE", "requests", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(control(&app, "GET", "requests", None).await.1, json!([]));
}

// ---- accounts ---------------------------------------------------------------------------

#[tokio::test]
async fn account_snapshots_count_and_list_ids() {
    let (app, state) = emulator(&scenario(&[1.0, 2.0], 100));
    let s1 = secret(&state, 1);
    network(&app, KEY, accept_body(1, &s1)).await;
    let (status, body) = control(&app, "GET", &format!("accounts/{ACCOUNT}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
        "account_id": ACCOUNT, "provider": "linkup", "credits": 99,
        "received": 1, "sent": 0, "connections": 1,
        "received_ids": [invitation_id(0)], "sent_ids": [] })
    );
    let (_, body) = control(&app, "GET", "accounts/acc_unipile", None).await;
    assert_eq!(body["provider"], json!("unipile_v2"));
    assert_eq!(body["credits"], Value::Null);
    let (status, body) = control(&app, "GET", "accounts/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], json!("not_found"));
}

#[tokio::test]
async fn account_id_lists_are_capped_at_1000() {
    let mut scenario: Value = serde_json::from_str(&scenario(&[], 10)).expect("json");
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "received": 1500 });
    let (app, _) = emulator(&scenario.to_string());
    let (_, body) = control(&app, "GET", &format!("accounts/{ACCOUNT}"), None).await;
    assert_eq!(body["received"], json!(1500));
    assert_eq!(body["received_ids"].as_array().expect("ids").len(), 1000);
}

// ---- changes made on LinkedIn itself ----------------------------------------------------

const V2_KEY: &str = "up2_site_key";
const V2_ACC: &str = "acc_site_v2";
const V1_KEY: &str = "up1_site_key";
const V1_ACC: &str = "acc_site_v1";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Api {
    Linkup,
    V2,
    V1,
}

/// Each API with the account it serves in `site_scenario`.
const APIS: [(Api, &str); 3] = [(Api::Linkup, ACCOUNT), (Api::V2, V2_ACC), (Api::V1, V1_ACC)];

/// One account per API, each with `generated` generated invitations both ways, a connection
/// (`erin`) and free people (`alice`, `bob`, `carol`, `dave`).
fn site_scenario(generated: u32, account: Value) -> String {
    let people: Vec<Value> = ["alice", "bob", "carol", "dave", "erin"]
        .iter()
        .map(|name| json!({ "public_identifier": name, "first_name": name, "last_name": "Known" }))
        .collect();
    let acc = |id: &str| {
        let mut acc = json!({ "account_id": id, "plan": "free", "connections": ["erin"],
                              "generate": { "received": generated, "sent": generated } });
        unipile_common::extend(&mut acc, &account);
        acc
    };
    json!({
        "clock": CLOCK,
        "people": people,
        "keys": [
            { "provider": "linkup", "api_key": KEY, "credits": 100_000, "accounts": [acc(ACCOUNT)] },
            { "provider": "unipile_v2", "api_key": V2_KEY, "accounts": [acc(V2_ACC)] },
            { "provider": "unipile_v1", "api_key": V1_KEY, "accounts": [acc(V1_ACC)] }
        ]
    })
    .to_string()
}

async fn site(app: &Router, account: &str, changes: Value) -> (StatusCode, Value) {
    control(
        app,
        "POST",
        &format!("accounts/{account}/linkedin"),
        Some(json!({ "changes": changes })),
    )
    .await
}

/// Applies changes that must succeed; the answer's `changes`.
async fn site_ok(app: &Router, account: &str, changes: Value) -> Vec<Value> {
    let (status, body) = site(app, account, changes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ok"], json!(true));
    body["changes"].as_array().expect("changes").clone()
}

fn id_of(change: &Value) -> String {
    change["id"].as_str().expect("id").to_owned()
}

async fn unipile_get(app: &Router, uri: &str, key: &str) -> Value {
    let (status, _, body) = unipile_common::call(app, "GET", uri, Some(key), None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    body
}

/// A page of `direction` ("received" or "sent") as `api` serves it: the total when the API
/// tells it (Unipile v1 does not), and the ids. Unipile v1 is read from its first page by
/// following cursors.
async fn page(
    app: &Router,
    api: Api,
    direction: &str,
    offset: usize,
    limit: usize,
) -> (Option<u64>, Vec<String>) {
    match api {
        Api::Linkup => {
            let action = if direction == "received" {
                "list_invitations"
            } else {
                "list_sent"
            };
            let (status, body) = network(
                app,
                KEY,
                json!({ "account_id": ACCOUNT, "action": action,
                        "params": { "count": limit, "offset": offset } }),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let ids = body["data"]["invitations"]
                .as_array()
                .expect("invitations")
                .iter()
                .map(|i| {
                    let urn = i["entity_urn"].as_str().expect("urn");
                    urn.strip_prefix("urn:li:invitation:")
                        .expect("prefix")
                        .to_owned()
                })
                .collect();
            (body["data"]["total_available_results"].as_u64(), ids)
        }
        Api::V2 => {
            // Pages of at most 100 (the default `v2_max_limit`).
            let (mut total, mut ids) = (None, Vec::new());
            while ids.len() < limit {
                let (from, want) = (offset + ids.len(), (limit - ids.len()).min(100));
                let uri = format!(
                    "/v2/{V2_ACC}/users/me/relation-requests?type={direction}&offset={from}&limit={want}"
                );
                let body = unipile_get(app, &uri, V2_KEY).await;
                let data = body["data"].as_array().expect("data");
                ids.extend(
                    data.iter()
                        .map(|r| r["id"].as_str().expect("id").to_owned()),
                );
                total = body["total_count"].as_u64();
                if data.len() < want {
                    break;
                }
            }
            (total, ids)
        }
        Api::V1 => {
            let mut ids = Vec::new();
            let mut cursor: Option<String> = None;
            let step = 100;
            while ids.len() < offset + limit {
                let mut uri = format!("/api/v1/users/invite/{direction}?account_id={V1_ACC}");
                match &cursor {
                    Some(c) => uri.push_str(&format!("&cursor={}", unipile_common::url_encode(c))),
                    None => uri.push_str(&format!("&limit={step}")),
                }
                let body = unipile_get(app, &uri, V1_KEY).await;
                ids.extend(
                    body["items"]
                        .as_array()
                        .expect("items")
                        .iter()
                        .map(|i| i["id"].as_str().expect("id").to_owned()),
                );
                match body["cursor"].as_str() {
                    Some(next) => cursor = Some(next.to_owned()),
                    None => break,
                }
            }
            let end = ids.len().min(offset + limit);
            (None, ids[offset.min(end)..end].to_vec())
        }
    }
}

/// What a model of the list says `api` should serve: the total (where told) and a window.
async fn assert_serves(app: &Router, api: Api, direction: &str, model: &[String], at: usize) {
    let (total, ids) = page(app, api, direction, at, 5).await;
    if let Some(total) = total {
        assert_eq!(total as usize, model.len(), "{api:?} {direction} total");
    }
    let end = model.len().min(at + 5);
    assert_eq!(
        ids,
        model[at.min(end)..end],
        "{api:?} {direction} from {at}"
    );
}

async fn snapshot(app: &Router, account: &str) -> Value {
    let (status, body) = control(app, "GET", &format!("accounts/{account}"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn check_invitation(app: &Router, person: &str) -> (Value, Value) {
    let (status, body) = network(
        app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "check_invitation",
                "params": { "profile_url": format!("https://www.linkedin.com/in/{person}") } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["data"]["invitation_state"].clone(),
        body["data"]["invitation_type"].clone(),
    )
}

async fn linkup_invite(app: &Router, person: &str) -> (StatusCode, Value) {
    network(
        app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "invite",
                "params": { "identifier": person } }),
    )
    .await
}

#[tokio::test]
async fn every_kind_of_change_is_seen_by_every_api() {
    let (app, _) = emulator(&site_scenario(20, json!({})));
    for (api, account) in APIS {
        let mut received = page(&app, api, "received", 0, 100).await.1;
        let mut sent = page(&app, api, "sent", 0, 100).await.1;
        assert_eq!((received.len(), sent.len()), (20, 20));
        let connections = snapshot(&app, account).await["connections"].clone();
        assert_eq!(connections, json!(1));

        let (status, body) = site(
            &app,
            account,
            json!([
                { "arrive": { "person": "alice", "note": "Hello from the site" } },
                { "sent_on_site": { "person": "bob" } }
            ]),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (arrived, sent_id) = (id_of(&body["changes"][0]), id_of(&body["changes"][1]));
        assert_eq!(
            body,
            json!({ "ok": true, "changes": [ { "id": arrived }, { "id": sent_id } ],
                    "received": 21, "sent": 21 })
        );
        assert_eq!(arrived, "7460000000000000000", "{api:?}: first new id");
        assert_eq!(sent_id, "7460000000000000001", "{api:?}: next new id");
        received.insert(0, arrived.clone());
        sent.insert(0, sent_id.clone());
        assert_serves(&app, api, "received", &received, 0).await;
        assert_serves(&app, api, "sent", &sent, 0).await;

        // Positions are read from the list as each change finds it.
        let former_declined = received[2].clone();
        let changes = site_ok(
            &app,
            account,
            json!([
                { "withdrawn_by_sender": arrived },
                { "accepted_on_site": { "at": 0 } },
                { "declined_on_site": { "at": 0 } },
                { "accepted_by_them": sent_id },
                { "declined_by_them": { "at": 3 } },
                { "withdrawn_on_site": { "at": 4 } }
            ]),
        )
        .await;
        let expected = [
            arrived.clone(),
            received[1].clone(),
            former_declined,
            sent_id.clone(),
            sent[4].clone(),
            sent[6].clone(),
        ];
        let ids: Vec<String> = changes.iter().map(id_of).collect();
        assert_eq!(ids, expected, "{api:?}");
        received.drain(0..3);
        sent.remove(0);
        sent.remove(3);
        sent.remove(4);
        assert_serves(&app, api, "received", &received, 0).await;
        assert_serves(&app, api, "sent", &sent, 0).await;
        assert_serves(&app, api, "sent", &sent, 2).await;
        let snap = snapshot(&app, account).await;
        assert_eq!(snap["received"], json!(18));
        assert_eq!(snap["sent"], json!(18));
        assert_eq!(snap["connections"], json!(3), "{api:?}: two accepts");
    }
}

#[tokio::test]
async fn arrivals_go_to_the_top_and_by_time_with_days_ago() {
    let (app, _) = emulator(&scenario(&[1.0, 2.0, 3.0, 4.0], 100));
    let mut model = page(&app, Api::Linkup, "received", 0, 10).await.1;
    for (days_ago, position) in [(2.5, 2), (2.0, 1), (10.0, 6), (0.0, 0), (1.0, 1)] {
        let changes = site_ok(
            &app,
            ACCOUNT,
            json!([ { "arrive": { "days_ago": days_ago, "note": "" } } ]),
        )
        .await;
        model.insert(position, id_of(&changes[0]));
        assert_eq!(
            page(&app, Api::Linkup, "received", 0, 10).await.1,
            model,
            "days_ago {days_ago}"
        );
    }
    let (_, listed) = list(&app, json!({})).await;
    let days: Vec<i64> = listed["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .map(|i| i["sent_time_days"].as_i64().expect("days"))
        .collect();
    assert_eq!(days, [0, 1, 1, 2, 2, 2, 3, 4, 10]);

    // A sent invitation from the site, a quarter of a year ago, among 120 spread over 180 days.
    let (app, _) = emulator(&site_scenario(120, json!({})));
    for (api, account) in APIS {
        let before = page(&app, api, "sent", 0, 200).await.1;
        let changes = site_ok(
            &app,
            account,
            json!([ { "sent_on_site": { "person": "carol", "days_ago": 90 } } ]),
        )
        .await;
        let id = id_of(&changes[0]);
        let after = page(&app, api, "sent", 0, 200).await.1;
        let at = after.iter().position(|i| *i == id).expect("listed");
        assert!((55..65).contains(&at), "{api:?}: at {at}");
        let mut expected = before;
        expected.insert(at, id);
        assert_eq!(after, expected, "{api:?}: the others keep their order");
    }
    let (_, body) = network(
        &app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "list_sent", "params": { "count": 120, "offset": 0 } }),
    )
    .await;
    let ages: Vec<i64> = body["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .map(|i| i["sent_time_days"].as_i64().expect("days"))
        .collect();
    assert!(ages.windows(2).all(|w| w[0] <= w[1]), "{ages:?}");
    assert!(ages.contains(&90));
}

#[tokio::test]
async fn batches_of_50_and_1000_arrivals_come_newest_first() {
    let (app, state) = emulator(&site_scenario(30, json!({})));
    for (api, account) in APIS {
        let old = page(&app, api, "received", 0, 30).await.1;
        let (status, body) = site(&app, account, json!([ { "arrive": { "count": 50 } } ])).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["received"], json!(80));
        let fifty: Vec<String> = body["changes"][0]["ids"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|i| i.as_str().expect("id").to_owned())
            .collect();
        assert_eq!(fifty.len(), 50);
        let numbers: Vec<u64> = fifty.iter().map(|i| i.parse().expect("numeric")).collect();
        assert!(
            numbers.windows(2).all(|w| w[0] == w[1] + 1),
            "newest (highest) first"
        );
        assert!(old
            .iter()
            .all(|i| i.parse::<u64>().expect("numeric") < numbers[49]));

        let changes = site_ok(&app, account, json!([ { "arrive": { "count": 1000 } } ])).await;
        let thousand: Vec<String> = changes[0]["ids"]
            .as_array()
            .expect("ids")
            .iter()
            .map(|i| i.as_str().expect("id").to_owned())
            .collect();
        assert_eq!(thousand.len(), 1000);
        let numbers: Vec<u64> = thousand
            .iter()
            .map(|i| i.parse().expect("numeric"))
            .collect();
        assert!(numbers.windows(2).all(|w| w[0] == w[1] + 1));
        assert_eq!(numbers[999], fifty[0].parse::<u64>().expect("numeric") + 1);

        let model: Vec<String> = thousand.iter().chain(&fifty).chain(&old).cloned().collect();
        assert_serves(&app, api, "received", &model, 0).await;
        for at in [995, 1048, 1050] {
            assert_serves(&app, api, "received", &model, at).await;
        }
        assert_eq!(snapshot(&app, account).await["received"], json!(1080));
    }
    // LinkUp sees the whole first 1000 in order, from 1000 distinct new people.
    let (_, body) = list(&app, json!({ "count": 1000 })).await;
    let items = body["data"]["invitations"].as_array().expect("invitations");
    let urls: std::collections::HashSet<&str> = items
        .iter()
        .map(|i| i["sender"]["linkedin_url"].as_str().expect("url"))
        .collect();
    assert_eq!(urls.len(), 1000);
    assert!(items.iter().all(|i| i["sender"]["headline"].is_string()));
    assert!(items
        .iter()
        .any(|i| i["sender"]["profile_picture_url"].is_null()));
    let state = invite_desk_emulator::state::lock(&state);
    assert_eq!(state.arrivals, 3 * 1050, "one counter for the whole run");
}

#[tokio::test]
async fn removals_at_page_boundaries_shift_the_rest_up() {
    let (app, _) = emulator(&site_scenario(110, json!({})));
    for (api, account) in APIS {
        for (direction, kind) in [
            ("received", "declined_on_site"),
            ("sent", "declined_by_them"),
        ] {
            let mut model = page(&app, api, direction, 0, 200).await.1;
            assert_eq!(model.len(), 110);
            for at in [100, 99, 50, 49] {
                let changes = site_ok(&app, account, json!([ { kind: { "at": at } } ])).await;
                assert_eq!(
                    id_of(&changes[0]),
                    model.remove(at),
                    "{api:?} {kind} at {at}"
                );
                assert_serves(&app, api, direction, &model, at - 1).await;
            }
            assert_serves(&app, api, direction, &model, 95).await;
            assert_eq!(page(&app, api, direction, 0, 200).await.1, model, "{api:?}");
        }
    }
}

#[tokio::test]
async fn acceptances_make_connections_and_declines_do_not() {
    let (app, _) = emulator(&site_scenario(3, json!({})));
    site_ok(
        &app,
        ACCOUNT,
        json!([
            { "sent_on_site": { "person": "dave", "note": "From the site" } },
            { "sent_on_site": { "person": "carol" } },
            { "arrive": { "person": "alice" } }
        ]),
    )
    .await;
    assert_eq!(
        check_invitation(&app, "dave").await,
        (json!("PENDING"), json!("SENT"))
    );
    assert_eq!(
        check_invitation(&app, "alice").await,
        (json!("PENDING"), json!("RECEIVED"))
    );
    site_ok(
        &app,
        ACCOUNT,
        json!([
            { "accepted_by_them": { "at": 1 } },
            { "declined_by_them": { "at": 0 } },
            { "accepted_on_site": { "at": 0 } }
        ]),
    )
    .await;
    let connected = (json!("ACCEPTED"), json!("CONNECTED"));
    assert_eq!(check_invitation(&app, "dave").await, connected);
    assert_eq!(check_invitation(&app, "alice").await, connected);
    assert_eq!(
        check_invitation(&app, "carol").await.0,
        json!("NO_INVITATION")
    );
    assert_eq!(snapshot(&app, ACCOUNT).await["connections"], json!(3));
    // A decline starts no cooldown: carol can be invited again at once.
    assert_eq!(linkup_invite(&app, "carol").await.0, StatusCode::OK);
    let (status, body) = linkup_invite(&app, "dave").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("connected"));
    // Unipile v2 sees the new connection too.
    site_ok(
        &app,
        V2_ACC,
        json!([ { "sent_on_site": { "person": "dave" } }, { "accepted_by_them": { "at": 0 } } ]),
    )
    .await;
    let dave = invite_desk_emulator::state::derived_provider_id("dave");
    let (status, _, body) = unipile_common::call(
        &app,
        "POST",
        &format!("/v2/{V2_ACC}/users/me/relation-requests"),
        Some(V2_KEY),
        Some(&json!({ "user_id": dave }).to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .expect("detail")
            .contains("connected"),
        "{body}"
    );
}

#[tokio::test]
async fn withdrawn_on_site_blocks_re_invites_for_the_cooldown() {
    let (app, _) = emulator(&site_scenario(3, json!({})));
    site_ok(
        &app,
        ACCOUNT,
        json!([ { "sent_on_site": { "person": "carol" } }, { "withdrawn_on_site": { "at": 0 } } ]),
    )
    .await;
    assert_eq!(
        check_invitation(&app, "carol").await.0,
        json!("NO_INVITATION")
    );
    let (status, body) = linkup_invite(&app, "carol").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("withdrawn recently"),
        "{body}"
    );
    control(
        &app,
        "POST",
        "clock",
        Some(json!({ "advance_seconds": 21 * 86_400 })),
    )
    .await;
    assert_eq!(linkup_invite(&app, "carol").await.0, StatusCode::OK);
}

#[tokio::test]
async fn sent_on_site_is_not_counted_against_the_weekly_limit() {
    let (app, _) = emulator(&site_scenario(
        0,
        json!({ "invitations_sent_this_week": 149 }),
    ));
    site_ok(
        &app,
        ACCOUNT,
        json!([ { "sent_on_site": { "person": "alice" } }, { "sent_on_site": { "person": "bob" } } ]),
    )
    .await;
    assert_eq!(
        linkup_invite(&app, "carol").await.0,
        StatusCode::OK,
        "the 150th"
    );
    let (status, body) = linkup_invite(&app, "dave").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("weekly"));
}

#[tokio::test]
async fn sent_on_site_with_a_count_sends_to_new_people() {
    let (app, _) = emulator(&site_scenario(0, json!({})));
    let made = site_ok(&app, ACCOUNT, json!([ { "sent_on_site": { "count": 3 } } ])).await;
    let ids: Vec<&str> = made[0]["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|id| id.as_str().expect("an id"))
        .collect();
    assert_eq!(ids.len(), 3);
    let (_, listed) = page(&app, Api::Linkup, "sent", 0, 10).await;
    assert_eq!(listed, ids, "newest first, as answered");
}

#[tokio::test]
async fn refused_changes_are_400_and_name_the_change() {
    let (app, _) = emulator(&site_scenario(3, json!({})));
    site_ok(
        &app,
        ACCOUNT,
        json!([ { "arrive": { "person": "alice" } }, { "sent_on_site": { "person": "bob" } } ]),
    )
    .await;
    let (received, sent) = (
        page(&app, Api::Linkup, "received", 0, 10).await.1,
        page(&app, Api::Linkup, "sent", 0, 10).await.1,
    );
    for (changes, expected) in [
        (json!([]), "at least one change"),
        (
            json!([ { "arrive": { "person": "alice" } } ]),
            "changes[0] (arrive): This person has already sent you",
        ),
        (
            json!([ { "arrive": { "person": "bob" } } ]),
            "changes[0] (arrive): An invitation to this person is already pending",
        ),
        (
            json!([ { "arrive": { "person": "erin" } } ]),
            "already connected",
        ),
        (
            json!([ { "arrive": { "person": "nobody" } } ]),
            "(arrive): No LinkedIn member matches this identifier (\"nobody\")",
        ),
        (
            json!([ { "sent_on_site": { "person": "alice" } } ]),
            "changes[0] (sent_on_site): This person has already sent you",
        ),
        (
            json!([ { "sent_on_site": { "person": "bob" } } ]),
            "already pending",
        ),
        (
            json!([ { "sent_on_site": { "person": "erin" } } ]),
            "already connected",
        ),
        (json!([ { "sent_on_site": {} } ]), "give person or count"),
        (
            json!([ { "sent_on_site": { "person": "carol", "count": 2 } } ]),
            "not both",
        ),
        (
            json!([ { "arrive": { "person": "carol", "count": 1 } } ]),
            "not both",
        ),
        (
            json!([ { "arrive": { "count": 0 } } ]),
            "count must be 1 to 100000",
        ),
        (
            json!([ { "arrive": { "count": 100_001 } } ]),
            "count must be 1 to 100000",
        ),
        (
            json!([ { "arrive": { "days_ago": -1 } } ]),
            "days_ago must be a number >= 0",
        ),
        (
            json!([ { "arrive": { "colour": "red" } } ]),
            "unknown field `colour`",
        ),
        (
            json!([ { "arrive": {} }, { "explode": 1 } ]),
            "changes[1]: unknown change \"explode\"",
        ),
        (
            json!([ { "arrive": {}, "sent_on_site": { "person": "carol" } } ]),
            "exactly one key",
        ),
        (json!(["arrive"]), "exactly one key"),
        (
            json!([ { "declined_on_site": { "at": 4 } } ]),
            "no received invitation at position 4 (the list has 4)",
        ),
        (
            json!([ { "withdrawn_on_site": { "at": 2 } }, { "withdrawn_on_site": { "at": 3 } } ]),
            "changes[1] (withdrawn_on_site): no sent invitation at position 3 (the list has 3)",
        ),
        (
            json!([ { "declined_on_site": { "at": -1 } } ]),
            "invalid value",
        ),
        (
            json!([ { "declined_on_site": { "at": 0, "id": "1" } } ]),
            "unknown field `id`",
        ),
        (
            json!([ { "declined_on_site": 7 } ]),
            "an invitation id (string) or",
        ),
        (
            json!([ { "accepted_on_site": sent[0] } ]),
            "changes[0] (accepted_on_site): This invitation was sent by this account",
        ),
        (
            json!([ { "withdrawn_on_site": received[0] } ]),
            "was received by this account, not sent",
        ),
        (
            json!([ { "declined_by_them": "123" } ]),
            "No pending invitation with this id",
        ),
    ] {
        let (status, body) = site(&app, ACCOUNT, changes.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{changes}");
        assert_eq!(body["error"], json!("bad_request"));
        let message = body["message"].as_str().expect("message");
        assert!(message.contains(expected), "{changes}: {message}");
    }
    for body in [
        json!({}),
        json!({ "changes": [], "more": 1 }),
        json!({ "changes": {} }),
    ] {
        let (status, answer) = control(
            &app,
            "POST",
            &format!("accounts/{ACCOUNT}/linkedin"),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    }
    assert_eq!(page(&app, Api::Linkup, "received", 0, 10).await.1, received);
    assert_eq!(page(&app, Api::Linkup, "sent", 0, 10).await.1, sent);
}

#[tokio::test]
async fn a_bad_change_in_a_batch_changes_nothing() {
    let (app, state) = emulator(&site_scenario(10, json!({})));
    let before = snapshot(&app, ACCOUNT).await;
    let people = invite_desk_emulator::state::lock(&state).people.len();
    let (status, body) = site(
        &app,
        ACCOUNT,
        json!([
            { "arrive": { "count": 5 } },
            { "sent_on_site": { "person": "alice" } },
            { "accepted_by_them": { "at": 0 } },
            { "withdrawn_on_site": { "at": 0 } },
            { "accepted_on_site": { "at": 3 } },
            { "declined_on_site": { "at": 99 } }
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .starts_with("changes[5] (declined_on_site)"),
        "{body}"
    );
    assert_eq!(snapshot(&app, ACCOUNT).await, before);
    {
        let state = invite_desk_emulator::state::lock(&state);
        assert_eq!(state.people.len(), people, "no synthetic person was kept");
        assert_eq!(state.arrivals, 0);
    }
    assert_eq!(
        check_invitation(&app, "alice").await.0,
        json!("NO_INVITATION")
    );
    // Nothing was used up: the next ids and names are the first ones.
    let changes = site_ok(&app, ACCOUNT, json!([ { "arrive": {} } ])).await;
    assert_eq!(id_of(&changes[0]), "7460000000000000000");
    let (_, listed) = list(&app, json!({ "count": 1 })).await;
    let url = listed["data"]["invitations"][0]["sender"]["linkedin_url"]
        .as_str()
        .expect("url");
    assert!(
        url.starts_with("https://www.linkedin.com/in/amara-okafor-a0-"),
        "{url}"
    );
}

#[tokio::test]
async fn unknown_accounts_are_404() {
    let (app, _) = emulator(&site_scenario(0, json!({})));
    let (status, body) = site(&app, "acc_nope", json!([ { "arrive": {} } ])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], json!("not_found"));
}

#[tokio::test]
async fn changes_are_never_logged_and_reset_undoes_them() {
    let (app, state) = emulator(&site_scenario(10, json!({})));
    let before: Vec<Value> = {
        let mut all = Vec::new();
        for (_, account) in APIS {
            all.push(snapshot(&app, account).await);
        }
        all
    };
    let people = invite_desk_emulator::state::lock(&state).people.len();
    let batch = json!([
        { "arrive": { "count": 3 } },
        { "accepted_on_site": { "at": 0 } },
        { "withdrawn_on_site": { "at": 0 } },
        { "sent_on_site": { "person": "bob" } }
    ]);
    let mut first_ids = Vec::new();
    for (_, account) in APIS {
        let changes = site_ok(&app, account, batch.clone()).await;
        first_ids.push(changes[0]["ids"].clone());
    }
    assert_eq!(control(&app, "GET", "requests", None).await.1, json!([]));
    let (_, listed) = list(&app, json!({ "count": 3 })).await;
    let names = listed["data"]["invitations"].clone();

    assert_eq!(control(&app, "POST", "reset", None).await.0, StatusCode::OK);
    for ((_, account), snap) in APIS.iter().zip(&before) {
        assert_eq!(snapshot(&app, account).await, *snap);
    }
    {
        let state = invite_desk_emulator::state::lock(&state);
        assert_eq!((state.people.len(), state.arrivals), (people, 0));
    }
    assert_eq!(
        check_invitation(&app, "bob").await.0,
        json!("NO_INVITATION")
    );
    // The same changes after the reset create the same ids and the same people.
    let changes = site_ok(&app, ACCOUNT, batch).await;
    assert_eq!(changes[0]["ids"], first_ids[0]);
    let (_, listed) = list(&app, json!({ "count": 3 })).await;
    assert_eq!(listed["data"]["invitations"], names);
}

// ---- paging faults ----------------------------------------------------------------------

/// The received page at `offset` of 100 as `api` serves it: how many items, the total it
/// states (Unipile v1 states none) and the offset its "next" points at (`None`: the last page).
async fn paged(app: &Router, api: Api, offset: usize) -> (usize, Option<u64>, Option<u64>) {
    use base64::Engine;
    let cursor = |offset: usize| {
        let json = json!({ "limit": 100, "cursor": offset }).to_string();
        unipile_common::url_encode(&base64::engine::general_purpose::STANDARD.encode(json))
    };
    let offset_of = |cursor: &Value| -> Option<u64> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cursor.as_str()?)
            .ok()?;
        serde_json::from_slice::<Value>(&bytes).ok()?["cursor"].as_u64()
    };
    match api {
        Api::Linkup => {
            let (_, body) = network(
                app,
                KEY,
                json!({ "account_id": ACCOUNT, "action": "list_invitations",
                        "params": { "count": 100, "offset": offset } }),
            )
            .await;
            let data = &body["data"];
            let next = (data["pagination"]["has_more"] == json!(true))
                .then(|| data["pagination"]["next_offset"].as_u64())
                .flatten();
            let items = data["invitations"].as_array().map_or(0, Vec::len);
            (items, data["total_available_results"].as_u64(), next)
        }
        Api::V2 => {
            let body = unipile_get(
                app,
                &format!(
                    "/v2/{V2_ACC}/users/me/relation-requests?type=received&limit=100&cursor={}",
                    cursor(offset)
                ),
                V2_KEY,
            )
            .await;
            let items = body["data"].as_array().map_or(0, Vec::len);
            (
                items,
                body["total_count"].as_u64(),
                offset_of(&body["next_cursor"]),
            )
        }
        Api::V1 => {
            let body = unipile_get(
                app,
                &format!(
                    "/api/v1/users/invite/received?account_id={V1_ACC}&cursor={}",
                    cursor(offset)
                ),
                V1_KEY,
            )
            .await;
            let items = body["items"].as_array().map_or(0, Vec::len);
            (items, None, offset_of(&body["cursor"]))
        }
    }
}

#[tokio::test]
async fn paging_faults_page_as_no_provider_should_on_every_api_until_cleared() {
    let (app, _) = emulator(&site_scenario(250, json!({})));
    for (api, _) in APIS {
        assert_eq!(
            paged(&app, api, 200).await.2,
            None,
            "{api:?}: honest, the last page"
        );
    }
    let cases = [
        (json!({ "kind": "repeated_cursor" }), 100, (100, Some(100))),
        (json!({ "kind": "cursor_cycle" }), 100, (100, Some(0))),
        (
            json!({ "kind": "empty_pages_with_cursor" }),
            300,
            (0, Some(400)),
        ),
        (json!({ "kind": "repeated_items" }), 700, (100, Some(800))),
    ];
    for (fault, offset, (items, next)) in cases {
        let (status, body) = control(&app, "PUT", "paging", Some(fault.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (api, _) in APIS {
            let (served, total, points) = paged(&app, api, offset).await;
            assert_eq!((served, points), (items, next), "{fault} on {api:?}");
            if api != Api::V1 {
                assert_eq!(total, Some(250), "{fault} on {api:?}");
            }
        }
    }
    let inflated = json!({ "kind": "inflated_total", "total": 3000 });
    control(&app, "PUT", "paging", Some(inflated)).await;
    for api in [Api::Linkup, Api::V2] {
        assert_eq!(
            paged(&app, api, 0).await,
            (1, Some(3000), Some(1)),
            "{api:?}"
        );
    }
    let (status, _) = control(&app, "PUT", "paging", Some(json!({ "kind": "never" }))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    control(&app, "DELETE", "paging", None).await;
    // Honest again: no cursor, as the scenario says (offsets page it).
    assert_eq!(paged(&app, Api::V2, 0).await, (100, Some(250), None));
}

#[tokio::test]
async fn a_scenario_can_page_oddly_from_the_start_and_reset_keeps_it() {
    let mut scenario: Value = serde_json::from_str(&site_scenario(250, json!({}))).expect("json");
    scenario["paging"] = json!({ "kind": "repeated_cursor" });
    let (app, _) = emulator(&scenario.to_string());
    assert_eq!(paged(&app, Api::V1, 100).await.2, Some(100));
    control(&app, "DELETE", "paging", None).await;
    control(&app, "POST", "reset", None).await;
    assert_eq!(
        paged(&app, Api::V1, 100).await.2,
        Some(100),
        "the scenario's, again"
    );
}
