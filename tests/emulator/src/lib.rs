//! Invite Desk provider emulator: serves the LinkUp (and later Unipile) APIs from a JSON
//! scenario so that every test runs without the real providers.
//!
//! One module per emulated API (`linkup`); `scenario`, `state` and `clock` are shared by all.

use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::{Json, Router};
use serde_json::json;
use std::sync::{Arc, Mutex};
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

pub mod clock;
pub mod control;
pub mod domain;
mod linkup;
pub mod paging;
pub mod ratelimit;
pub mod scenario;
pub mod state;
mod unipile_common;
mod unipile_v1;
mod unipile_v2;

pub use scenario::{Scenario, ScenarioError};
pub use state::{SharedState, State};

/// Parses, validates and loads a scenario file's text.
pub fn load(scenario_json: &str) -> Result<SharedState, ScenarioError> {
    let scenario = Scenario::from_json(scenario_json)?;
    Ok(Arc::new(Mutex::new(State::from_scenario(&scenario)?)))
}

/// The whole emulator as one router: the provider APIs behind the latency/fault/log
/// middleware, the control API beside them, CORS over everything.
pub fn app(state: SharedState) -> Router {
    let control = control::Control::new(state.clone());
    let providers = Router::new()
        .merge(linkup::routes())
        .merge(unipile_v2::routes())
        .merge(unipile_v1::routes())
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            control.clone(),
            control::intercept,
        ));
    Router::new()
        .merge(control::routes(control))
        .merge(providers)
        .layer(cors())
}

/// Only loopback pages (the wasm-bindgen-test runner's random port) may call from a browser
/// page. `chrome-extension://` origins are refused on purpose: the extension must reach the
/// emulator through its host permissions, exactly as it reaches the real APIs.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(is_loopback_http_origin)
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([HeaderName::from_static("retry-after")])
}

/// `http://127.0.0.1[:port]` or `http://localhost[:port]`, nothing else (no look-alike hosts).
fn is_loopback_http_origin(origin: &str) -> bool {
    ["http://127.0.0.1", "http://localhost"].iter().any(|host| {
        origin.strip_prefix(host).is_some_and(|rest| {
            rest.is_empty()
                || rest.strip_prefix(':').is_some_and(|port| {
                    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                })
        })
    })
}

/// Neutral emulator wording: no provider documents its 404 body.
async fn no_route(method: Method, uri: Uri) -> impl IntoResponse {
    let message = format!("The emulator has no route for {method} {}", uri.path());
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "error": "not_found", "message": message })),
    )
}

async fn wrong_method(method: Method, uri: Uri) -> impl IntoResponse {
    let message = format!("The emulator does not serve {method} on {}", uri.path());
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({ "error": "method_not_allowed", "message": message })),
    )
}
