//! The control API under `/__emulator/`: reset, scenario, clock, latency, faults, request log
//! and account snapshots, driven in-process.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

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

/// How long a `list_invitations` takes, checking it succeeds.
async fn timed_list(app: &Router) -> Duration {
    let started = Instant::now();
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

// ---- latency ----------------------------------------------------------------------------

#[tokio::test]
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
    let started = Instant::now();
    let request = Request::get("/v2/credits")
        .header("x-api-key", KEY)
        .body(Body::empty())
        .expect("request");
    send(&app, request).await;
    assert!(started.elapsed() < Duration::from_millis(300));

    control(
        &app,
        "POST",
        "latency",
        Some(json!({ "method": "POST", "path_prefix": "/v2/network", "ms": 0 })),
    )
    .await;
    assert!(timed_list(&app).await < Duration::from_millis(300));
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

#[tokio::test]
async fn slow_answers_late() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    fault(
        &app,
        json!({ "path_prefix": "/v2", "kind": "slow", "slow_ms": 400 }),
    )
    .await;
    assert!(timed_list(&app).await >= Duration::from_millis(400));
    assert!(
        timed_list(&app).await < Duration::from_millis(400),
        "once only"
    );
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
