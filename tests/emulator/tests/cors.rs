//! CORS: loopback test pages may call the emulator; extension and other origins may not.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use common::*;

async fn preflight(origin: &str) -> (StatusCode, HeaderMap) {
    let (app, _) = emulator(&scenario(&[1.0], 10));
    let request = Request::options("/v2/network")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-api-key,content-type")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    (status, headers)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn loopback_pages_pass_the_preflight() {
    for origin in [
        "http://127.0.0.1:1234",
        "http://localhost:8000",
        "http://127.0.0.1",
    ] {
        let (status, headers) = preflight(origin).await;
        assert!(status.is_success(), "{origin}: {status}");
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            Some(origin)
        );
        let methods = header(&headers, "access-control-allow-methods").expect("methods");
        for method in ["GET", "POST", "PUT", "DELETE"] {
            assert!(methods.contains(method), "{methods}");
        }
        let allowed = header(&headers, "access-control-allow-headers")
            .expect("headers")
            .to_ascii_lowercase();
        assert!(allowed.contains("x-api-key") && allowed.contains("content-type"));
    }
}

#[tokio::test]
async fn other_origins_get_no_allow_origin() {
    for origin in [
        "chrome-extension://abc",
        "https://127.0.0.1:1234",
        "http://127.0.0.1.evil.example:1234",
        "http://localhost.evil.example",
        "http://127.0.0.1:",
        "http://127.0.0.1:12ab",
        "https://www.linkedin.com",
        "null",
    ] {
        let (_, headers) = preflight(origin).await;
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            None,
            "{origin}"
        );
    }
}

#[tokio::test]
async fn responses_expose_retry_after_to_loopback_pages() {
    let (app, _) = emulator(&scenario(&[1.0], 10));
    let request = Request::post("/v2/network")
        .header("origin", "http://127.0.0.1:4321")
        .header("x-api-key", KEY)
        .body(Body::from(
            r#"{"account_id":"acc_test_linkup","action":"list_invitations"}"#,
        ))
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://127.0.0.1:4321")
    );
    let exposed = header(&headers, "access-control-expose-headers")
        .expect("expose")
        .to_ascii_lowercase();
    assert!(exposed.contains("retry-after"), "{exposed}");
}

#[tokio::test]
async fn loopback_pages_can_drive_the_control_api() {
    let (app, _) = emulator(&scenario(&[1.0], 10));
    let request = Request::options("/__emulator/scenario")
        .header("origin", "http://localhost:9000")
        .header("access-control-request-method", "PUT")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://localhost:9000")
    );
    let request = Request::post("/__emulator/reset")
        .header("origin", "http://localhost:9000")
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://localhost:9000")
    );
}
