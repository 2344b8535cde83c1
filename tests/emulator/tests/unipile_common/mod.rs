//! Helpers shared by the Unipile v2 and v1 tests: a request with `X-API-KEY`, per-test
//! scenario tweaks, and URL encoding as clients do it.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use serde_json::Value;

use crate::common::send;

/// One request; a body is sent as JSON text.
pub async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(key) = key {
        request = request.header("X-API-KEY", key);
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_owned()));
    send(app, request.body(body).expect("request")).await
}

/// Adds (or replaces) the keys of the object `extra` in the object `base`.
pub fn extend(base: &mut Value, extra: &Value) {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a base64 cursor's `=`
/// becomes `%3D`, a vanity name's UTF-8 bytes `%XX`).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
