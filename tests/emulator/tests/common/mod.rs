//! Helpers shared by the emulator's integration tests: in-process requests, scenario
//! builders and the documented-shape comparison.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use invite_desk_emulator::{app, load, SharedState};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The frozen clock of generated scenarios.
pub const CLOCK: &str = "2026-11-22T09:00:00Z";
pub const KEY: &str = "lk_test_key";
pub const ACCOUNT: &str = "acc_test_linkup";
/// A second LinkUp key, to prove accounts are scoped to their key.
pub const OTHER_KEY: &str = "lk_other_key";
pub const OTHER_ACCOUNT: &str = "acc_other";
pub const UNIPILE_KEY: &str = "up_test_key";

pub fn emulator(scenario_json: &str) -> (Router, SharedState) {
    let state = load(scenario_json).unwrap_or_else(|e| panic!("scenario refused: {e}"));
    (app(state.clone()), state)
}

/// A scenario with one received invitation per entry of `days_ago`, each from its own person
/// `person-N` with invitation id `74534865307000{N:05}`, on `KEY`/`ACCOUNT` holding `credits`.
pub fn scenario(days_ago: &[f64], credits: u64) -> String {
    let people: Vec<Value> = (0..days_ago.len())
        .map(|n| {
            json!({
                "public_identifier": format!("person-{n}"),
                "first_name": format!("First{n}"),
                "last_name": format!("Last{n}"),
                "headline": format!("Role {n} at Example Corp"),
                "picture_url": format!("https://media.licdn.com/dms/image/p{n}.jpg"),
            })
        })
        .collect();
    let received: Vec<Value> = days_ago
        .iter()
        .enumerate()
        .map(|(n, days)| {
            json!({ "id": invitation_id(n), "person": format!("person-{n}"), "days_ago": days })
        })
        .collect();
    json!({
        "clock": CLOCK,
        "people": people,
        "keys": [
            { "provider": "linkup", "api_key": KEY, "credits": credits,
              "accounts": [ { "account_id": ACCOUNT, "plan": "free", "received": received } ] },
            { "provider": "linkup", "api_key": OTHER_KEY, "credits": 10,
              "accounts": [ { "account_id": OTHER_ACCOUNT, "plan": "premium" } ] },
            { "provider": "unipile_v2", "api_key": UNIPILE_KEY,
              "accounts": [ { "account_id": "acc_unipile", "plan": "free" } ] }
        ]
    })
    .to_string()
}

pub fn invitation_id(n: usize) -> String {
    format!("74534865307000{n:05}")
}

pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    (status, headers, body)
}

/// `POST /v2/network` with a raw body and an optional `x-api-key`.
pub async fn network_raw(app: &Router, key: Option<&str>, body: &str) -> (StatusCode, Value) {
    let mut request = Request::post("/v2/network").header("content-type", "application/json");
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    let request = request.body(Body::from(body.to_owned())).expect("request");
    let (status, _, body) = send(app, request).await;
    (status, body)
}

pub async fn network(app: &Router, key: &str, body: Value) -> (StatusCode, Value) {
    network_raw(app, Some(key), &body.to_string()).await
}

pub async fn list(app: &Router, params: Value) -> (StatusCode, Value) {
    network(
        app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "list_invitations", "params": params }),
    )
    .await
}

/// A documented example under the repository's tests/fixtures/, shared with the client's tests.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every key of the documented example exists in `actual` with the same JSON type
/// (integers told apart from other numbers), recursively; every array item is checked against
/// the documented first item. `actual` may not carry keys the documentation lacks either.
pub fn assert_documented_shape(documented: &Value, actual: &Value, path: &str) {
    match (documented, actual) {
        (Value::Object(doc), Value::Object(act)) => {
            for (key, doc_value) in doc {
                let act_value = act
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key}: documented but missing in {actual}"));
                assert_documented_shape(doc_value, act_value, &format!("{path}.{key}"));
            }
            for key in act.keys() {
                assert!(
                    doc.contains_key(key),
                    "{path}.{key}: emitted by the emulator but not documented"
                );
            }
        }
        (Value::Array(doc), Value::Array(act)) => {
            if let Some(first) = doc.first() {
                assert!(
                    !act.is_empty(),
                    "{path}: documented with items, emulator sent none"
                );
                for (i, item) in act.iter().enumerate() {
                    assert_documented_shape(first, item, &format!("{path}[{i}]"));
                }
            }
        }
        _ => assert_eq!(
            json_type(documented),
            json_type(actual),
            "{path}: documented {documented}, emulator sent {actual}"
        ),
    }
}

/// Checks the documented error envelope and returns the error code.
pub fn error_code(body: &Value) -> &str {
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["metadata"]["credits_consumed"], json!(0), "{body}");
    body["error"]["code"].as_str().expect("error.code")
}
