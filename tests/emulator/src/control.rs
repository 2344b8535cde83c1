//! The control API under `/__emulator/` (reset, scenario, clock, latency, faults, request
//! log, account snapshots) and the middleware that applies latency and faults to every
//! provider route and records the request log. Control routes are never faulted or logged.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http_body::Frame;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock::{iso_utc, parse_rfc3339, VirtualClock};
use crate::scenario::Scenario;
use crate::state::{self, SharedState};

/// Largest request body the emulator reads (scenarios and provider requests alike).
const BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The request log keeps the newest entries only, so long runs cannot exhaust memory.
const LOG_CAPACITY: usize = 10_000;
/// `GET /__emulator/accounts/{id}` lists at most this many ids per direction.
const IDS_CAPACITY: usize = 1000;

/// What the control API changes, next to the emulated state.
pub struct Control {
    state: SharedState,
    /// The state right after the last scenario load: what reset restores.
    baseline: Mutex<state::State>,
    live: Mutex<Live>,
}

#[derive(Default)]
struct Live {
    latency: Vec<Latency>,
    faults: VecDeque<Fault>,
    log: VecDeque<Value>,
}

fn guard<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Control {
    pub fn new(state: SharedState) -> Arc<Self> {
        let baseline = state::lock(&state).clone();
        Arc::new(Self {
            state,
            baseline: Mutex::new(baseline),
            live: Mutex::new(Live::default()),
        })
    }
}

/// Which requests a latency or fault rule applies to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Target {
    #[serde(default)]
    method: Option<String>,
    path_prefix: String,
}

impl Target {
    fn matches(&self, method: &Method, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
            && path.starts_with(&self.path_prefix)
    }

    fn same_as(&self, other: &Target) -> bool {
        self.path_prefix == other.path_prefix
            && self.method.as_ref().map(|m| m.to_ascii_uppercase())
                == other.method.as_ref().map(|m| m.to_ascii_uppercase())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    #[serde(flatten)]
    target: Target,
    ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    #[serde(default)]
    method: Option<String>,
    path_prefix: String,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    apply: bool,
    #[serde(default)]
    response: Option<Canned>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    slow_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Canned {
    status: u16,
    body: Value,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
enum FaultKind {
    /// The real response, late.
    Slow(Duration),
    /// Another response instead of the real one.
    Replace(Replacement),
}

#[derive(Debug, Clone)]
enum Replacement {
    Response {
        status: StatusCode,
        body: Value,
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    MalformedJson,
    Truncated,
    Html502,
    Drop,
}

#[derive(Debug, Clone)]
struct Fault {
    target: Target,
    action: Option<String>,
    remaining: u32,
    apply: bool,
    kind: FaultKind,
}

impl Fault {
    fn from_spec(spec: FaultSpec) -> Result<Self, String> {
        let kind = match (spec.response, spec.kind.as_deref(), spec.slow_ms) {
            (Some(canned), None, None) => {
                let status = StatusCode::from_u16(canned.status).map_err(|_| {
                    format!("response.status {} is not an HTTP status", canned.status)
                })?;
                let headers = canned
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        Ok((
                            HeaderName::try_from(name.as_str())
                                .map_err(|_| format!("bad header name \"{name}\""))?,
                            HeaderValue::try_from(value.as_str())
                                .map_err(|_| format!("bad value for header \"{name}\""))?,
                        ))
                    })
                    .collect::<Result<_, String>>()?;
                FaultKind::Replace(Replacement::Response {
                    status,
                    body: canned.body,
                    headers,
                })
            }
            (None, Some("malformed_json"), None) => FaultKind::Replace(Replacement::MalformedJson),
            (None, Some("truncated"), None) => FaultKind::Replace(Replacement::Truncated),
            (None, Some("html_502"), None) => FaultKind::Replace(Replacement::Html502),
            (None, Some("drop"), None) => FaultKind::Replace(Replacement::Drop),
            (None, Some("slow"), Some(ms)) => FaultKind::Slow(Duration::from_millis(ms)),
            (None, Some("slow"), None) => return Err("kind \"slow\" needs slow_ms".into()),
            (None, Some(other), _) if !KINDS.contains(&other) => {
                return Err(format!(
                    "unknown kind \"{other}\" (one of {})",
                    KINDS.join(", ")
                ))
            }
            (None, Some(_), Some(_)) => return Err("slow_ms goes only with kind \"slow\"".into()),
            _ => return Err("give exactly one of response or kind".into()),
        };
        let remaining = spec.times.unwrap_or(1);
        if remaining == 0 {
            return Err("times must be at least 1".into());
        }
        Ok(Self {
            target: Target {
                method: spec.method,
                path_prefix: spec.path_prefix,
            },
            action: spec.action,
            remaining,
            apply: spec.apply,
            kind,
        })
    }

    fn matches(&self, method: &Method, path: &str, action: Option<&str>) -> bool {
        self.target.matches(method, path)
            && self
                .action
                .as_deref()
                .is_none_or(|wanted| action == Some(wanted))
    }
}

const KINDS: [&str; 5] = ["malformed_json", "truncated", "html_502", "drop", "slow"];

// ---- routes -----------------------------------------------------------------------------

pub fn routes(control: Arc<Control>) -> Router {
    Router::new()
        .route("/__emulator/reset", post(reset))
        .route("/__emulator/scenario", put(load_scenario))
        .route("/__emulator/clock", get(clock).post(move_clock))
        .route("/__emulator/latency", post(latency))
        .route("/__emulator/faults", post(add_fault).delete(clear_faults))
        .route("/__emulator/requests", get(requests).delete(clear_requests))
        .route("/__emulator/accounts/{account_id}", get(account))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(control)
}

fn ok() -> Response {
    Json(json!({ "ok": true })).into_response()
}

fn bad(error: &str, message: impl Into<String>) -> Response {
    let body = json!({ "error": error, "message": message.into() });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// Parses a control body; the error is serde's reason, for a 400 `bad_request`.
fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

async fn reset(State(control): State<Arc<Control>>) -> Response {
    let baseline = guard(&control.baseline).clone();
    *state::lock(&control.state) = baseline;
    *guard(&control.live) = Live::default();
    ok()
}

/// The new scenario becomes the reset point. Faults, latency and the log are left alone.
async fn load_scenario(State(control): State<Arc<Control>>, body: String) -> Response {
    let loaded = Scenario::from_json(&body).and_then(|s| state::State::from_scenario(&s));
    match loaded {
        Ok(new_state) => {
            *guard(&control.baseline) = new_state.clone();
            *state::lock(&control.state) = new_state;
            ok()
        }
        Err(e) => bad("bad_scenario", e.to_string()),
    }
}

fn now_body(clock: &VirtualClock) -> Response {
    Json(json!({ "now": iso_utc(clock.now()) })).into_response()
}

async fn clock(State(control): State<Arc<Control>>) -> Response {
    now_body(&state::lock(&control.state).clock)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    #[serde(default)]
    advance_seconds: Option<f64>,
    #[serde(default)]
    set: Option<String>,
}

async fn move_clock(State(control): State<Arc<Control>>, body: Bytes) -> Response {
    let change: ClockChange = match parse(&body) {
        Ok(change) => change,
        Err(message) => return bad("bad_request", message),
    };
    let mut state = state::lock(&control.state);
    match (change.advance_seconds, change.set) {
        (Some(seconds), None) => {
            let moved =
                time::Duration::checked_seconds_f64(seconds).and_then(|by| state.clock.advance(by));
            if moved.is_none() {
                return bad(
                    "bad_request",
                    format!("cannot advance by {seconds} seconds"),
                );
            }
        }
        (None, Some(text)) => match parse_rfc3339(&text) {
            Ok(at) => state.clock = VirtualClock::at(at),
            Err(e) => return bad("bad_request", e),
        },
        _ => return bad("bad_request", "give exactly one of advance_seconds or set"),
    }
    now_body(&state.clock)
}

/// Adds, replaces (same method and prefix) or, with `ms: 0`, removes a latency rule.
async fn latency(State(control): State<Arc<Control>>, body: Bytes) -> Response {
    let rule: Latency = match parse(&body) {
        Ok(rule) => rule,
        Err(message) => return bad("bad_request", message),
    };
    let mut live = guard(&control.live);
    live.latency.retain(|r| !r.target.same_as(&rule.target));
    if rule.ms > 0 {
        live.latency.push(rule);
    }
    ok()
}

async fn add_fault(State(control): State<Arc<Control>>, body: Bytes) -> Response {
    let fault = match parse::<FaultSpec>(&body).and_then(Fault::from_spec) {
        Ok(fault) => fault,
        Err(message) => return bad("bad_request", message),
    };
    let mut live = guard(&control.live);
    live.faults.push_back(fault);
    Json(json!({ "ok": true, "queued": live.faults.len() })).into_response()
}

async fn clear_faults(State(control): State<Arc<Control>>) -> Response {
    guard(&control.live).faults.clear();
    ok()
}

async fn requests(State(control): State<Arc<Control>>) -> Response {
    let log: Vec<Value> = guard(&control.live).log.iter().cloned().collect();
    Json(Value::Array(log)).into_response()
}

async fn clear_requests(State(control): State<Arc<Control>>) -> Response {
    guard(&control.live).log.clear();
    ok()
}

async fn account(State(control): State<Arc<Control>>, Path(account_id): Path<String>) -> Response {
    let state = state::lock(&control.state);
    let Some((key, account)) = state.account(&account_id) else {
        let body = json!({ "error": "not_found", "message": format!("No account \"{account_id}\" in the scenario") });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    };
    let ids = |list: &[state::Invitation]| -> Vec<String> {
        list.iter()
            .take(IDS_CAPACITY)
            .map(|i| i.id.clone())
            .collect()
    };
    Json(json!({
        "account_id": account.account_id,
        "provider": key.provider.to_string(),
        "credits": (key.provider == crate::scenario::Provider::Linkup).then_some(key.credits),
        "received": account.received.len(),
        "sent": account.sent.len(),
        "connections": account.connections.len(),
        "received_ids": ids(&account.received),
        "sent_ids": ids(&account.sent),
    }))
    .into_response()
}

// ---- middleware over the provider routes --------------------------------------------------

/// "fp:" and 8 hex digits of a hash of the key: enough to tell keys apart in a test, useless
/// to anyone reading the log.
pub fn key_fingerprint(api_key: &str) -> String {
    let hash = api_key.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    format!("fp:{hash:08x}")
}

/// Applies latency, then the first matching fault (consuming one use), and logs the request
/// with the status actually sent (0 when the connection is dropped).
pub async fn intercept(
    State(control): State<Arc<Control>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let body_value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    let action = body_value
        .get("action")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let (method, path) = (parts.method.clone(), parts.uri.path().to_owned());
    let query = parts.uri.query().map(str::to_owned);
    let key = parts
        .headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(key_fingerprint);
    let (delay, fault) = {
        let mut live = guard(&control.live);
        let delay = live
            .latency
            .iter()
            .find(|r| r.target.matches(&method, &path))
            .map(|r| Duration::from_millis(r.ms));
        let fault = take_fault(&mut live.faults, &method, &path, action.as_deref());
        (delay, fault)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = match fault {
        None => next.run(request).await,
        Some(fault) => faulted(fault, request, next).await,
    };
    let status = if response.extensions().get::<Dropped>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    let entry = json!({
        "method": method.as_str(),
        "path": path,
        "query": query,
        "body": body_value,
        "key_fingerprint": key,
        "status": status,
    });
    let mut live = guard(&control.live);
    if live.log.len() == LOG_CAPACITY {
        live.log.pop_front();
    }
    live.log.push_back(entry);
    response
}

fn take_fault(
    faults: &mut VecDeque<Fault>,
    method: &Method,
    path: &str,
    action: Option<&str>,
) -> Option<Fault> {
    let index = faults
        .iter()
        .position(|f| f.matches(method, path, action))?;
    let fault = &mut faults[index];
    fault.remaining -= 1;
    if fault.remaining == 0 {
        faults.remove(index)
    } else {
        Some(fault.clone())
    }
}

/// Marks a response whose connection is to be dropped.
#[derive(Clone, Copy)]
struct Dropped;

async fn faulted(fault: Fault, request: Request, next: Next) -> Response {
    match fault.kind {
        FaultKind::Slow(delay) => {
            // With `apply`, the state changes at once and only the answer is late; without,
            // the handler runs after the delay (as a slow upstream would).
            if fault.apply {
                let response = next.run(request).await;
                tokio::time::sleep(delay).await;
                response
            } else {
                tokio::time::sleep(delay).await;
                next.run(request).await
            }
        }
        FaultKind::Replace(replacement) => {
            let real = if fault.apply {
                Some(next.run(request).await)
            } else {
                None
            };
            replace(replacement, real).await
        }
    }
}

/// The response a fault sends instead of the handler's (`real`, when the handler ran).
async fn replace(replacement: Replacement, real: Option<Response>) -> Response {
    match replacement {
        Replacement::Response {
            status,
            body,
            headers,
        } => {
            let mut response = match body {
                Value::String(text) => {
                    (status, [("content-type", "text/plain; charset=utf-8")], text).into_response()
                }
                json => (status, Json(json)).into_response(),
            };
            for (name, value) in headers {
                response.headers_mut().insert(name, value);
            }
            response
        }
        Replacement::MalformedJson => json_text(
            StatusCode::OK,
            r#"{"success": true, "data": {"invitations": [{"entity_urn": "urn:li:invitation:1",, ]"#
                .to_owned(),
        ),
        Replacement::Truncated => {
            // Half of the real body when the handler ran, else of a plausible success body.
            let whole = match real {
                Some(response) => axum::body::to_bytes(response.into_body(), BODY_LIMIT)
                    .await
                    .unwrap_or_default()
                    .to_vec(),
                None => br#"{"success":true,"data":{"invitations":[],"total_results":0},"metadata":{"credits_consumed":1}}"#.to_vec(),
            };
            let half = String::from_utf8_lossy(&whole[..whole.len() / 2]).into_owned();
            json_text(StatusCode::OK, half)
        }
        Replacement::Html502 => (
            StatusCode::BAD_GATEWAY,
            [("content-type", "text/html")],
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        )
            .into_response(),
        Replacement::Drop => {
            let mut response = Response::new(Body::new(Broken));
            response.extensions_mut().insert(Dropped);
            response
        }
    }
}

fn json_text(status: StatusCode, text: String) -> Response {
    (status, [("content-type", "application/json")], text).into_response()
}

/// A body that fails at once: hyper then closes the connection without a response, which
/// clients see as a network error.
struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "emulator fault: drop",
        ))))
    }
}
