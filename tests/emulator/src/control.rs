//! The control API under `/__emulator/` (reset, scenario, clock, latency, faults, request
//! log, account snapshots, changes made on LinkedIn itself) and the middleware that applies latency and faults to every
//! provider route and records the request log. Control routes are never faulted or logged.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http_body::Frame;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock::{self, iso_utc, parse_rfc3339, VirtualClock};
use crate::domain::{Account, Direction, People, Refusal};
use crate::paging::PagingFault;
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
        .route("/__emulator/paging", put(set_paging).delete(clear_paging))
        .route("/__emulator/latency", post(latency))
        .route("/__emulator/faults", post(add_fault).delete(clear_faults))
        .route("/__emulator/requests", get(requests).delete(clear_requests))
        .route("/__emulator/accounts/{account_id}", get(account))
        .route(
            "/__emulator/accounts/{account_id}/linkedin",
            post(linkedin_changes),
        )
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

/// From now on every list answer pages as the body says (`paging.rs`), until cleared or reset.
async fn set_paging(State(control): State<Arc<Control>>, body: Bytes) -> Response {
    match parse::<PagingFault>(&body) {
        Ok(fault) => {
            state::lock(&control.state).paging = Some(fault);
            ok()
        }
        Err(message) => bad("bad_request", message),
    }
}

async fn clear_paging(State(control): State<Arc<Control>>) -> Response {
    state::lock(&control.state).paging = None;
    ok()
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

// ---- changes made on LinkedIn itself ------------------------------------------------------

/// `POST /__emulator/accounts/{id}/linkedin`: what happened on LinkedIn between two polls,
/// outside every API.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkedinChanges {
    changes: Vec<Value>,
}

/// `arrive` and `sent_on_site`: new invitations, from or to one person or `count` new ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPending {
    #[serde(default)]
    person: Option<String>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    days_ago: Option<f64>,
    #[serde(default)]
    note: Option<String>,
}

/// `{"at": i}`: the invitation at position `i` (0-based, newest first) of the list as it
/// stands when the change is applied.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct At {
    at: usize,
}

/// Largest `count` of one `arrive` or `sent_on_site` change (the generator's per-list maximum).
const MAX_ARRIVALS: u32 = 100_000;

const CHANGE_KINDS: [&str; 8] = [
    "arrive",
    "sent_on_site",
    "withdrawn_by_sender",
    "accepted_on_site",
    "declined_on_site",
    "accepted_by_them",
    "declined_by_them",
    "withdrawn_on_site",
];

/// What a batch of changes works on: a copy of the account and of the arrival counter,
/// committed only if every change succeeds, and the directory itself, from which the people
/// created by the batch are removed again if one fails.
struct Batch<'a> {
    account: Account,
    people: &'a mut People,
    created: Vec<String>,
    arrivals: u64,
    now: time::OffsetDateTime,
}

async fn linkedin_changes(
    State(control): State<Arc<Control>>,
    Path(account_id): Path<String>,
    body: Bytes,
) -> Response {
    let mut guard = state::lock(&control.state);
    let state = &mut *guard;
    let Some((k, a)) = state.keys.iter().enumerate().find_map(|(k, key)| {
        key.accounts
            .iter()
            .position(|acc| acc.account_id == account_id)
            .map(|a| (k, a))
    }) else {
        let body = json!({ "error": "not_found", "message": format!("No account \"{account_id}\" in the scenario") });
        return (StatusCode::NOT_FOUND, Json(body)).into_response();
    };
    let request: LinkedinChanges = match parse(&body) {
        Ok(request) => request,
        Err(message) => return bad("bad_request", message),
    };
    if request.changes.is_empty() {
        return bad("bad_request", "changes: give at least one change");
    }
    let mut batch = Batch {
        account: state.keys[k].accounts[a].clone(),
        people: &mut state.people,
        created: Vec::new(),
        arrivals: state.arrivals,
        now: state.clock.now(),
    };
    let mut results = Vec::with_capacity(request.changes.len());
    for (i, change) in request.changes.iter().enumerate() {
        match apply_change(&mut batch, change) {
            Ok(result) => results.push(result),
            Err(message) => {
                for public_identifier in &batch.created {
                    batch.people.remove(public_identifier);
                }
                return bad("bad_request", format!("changes[{i}]{message}"));
            }
        }
    }
    let Batch {
        account, arrivals, ..
    } = batch;
    state.arrivals = arrivals;
    let (received, sent) = (account.received.len(), account.sent.len());
    state.keys[k].accounts[a] = account;
    Json(json!({ "ok": true, "changes": results, "received": received, "sent": sent }))
        .into_response()
}

/// Applies one change to the batch; the error starts with the change's kind, for a message
/// `changes[i] (kind): why`.
fn apply_change(batch: &mut Batch<'_>, change: &Value) -> Result<Value, String> {
    let Some((kind, spec)) = change
        .as_object()
        .filter(|object| object.len() == 1)
        .and_then(|object| object.iter().next())
    else {
        return Err(format!(
            ": a change is an object with exactly one key, one of {}",
            CHANGE_KINDS.join(", ")
        ));
    };
    let fail = |why: String| format!(" ({kind}): {why}");
    let refused = |refusal: Refusal| fail(refusal.to_string());
    let unknown = |who: &str| {
        let who = who.to_owned();
        move |refusal: Refusal| fail(format!("{refusal} (\"{who}\")"))
    };
    match kind.as_str() {
        "arrive" | "sent_on_site" => {
            let new: NewPending =
                serde_json::from_value(spec.clone()).map_err(|e| fail(e.to_string()))?;
            let sent_at = sent_at(batch.now, new.days_ago).map_err(fail)?;
            let people = match (&new.person, new.count) {
                (Some(_), Some(_)) => return Err(fail("give person or count, not both".into())),
                (Some(person), None) => {
                    vec![batch
                        .people
                        .resolve(person)
                        .map_err(unknown(person))?
                        .clone()]
                }
                (None, _) if kind == "sent_on_site" && new.count.is_none() => {
                    return Err(fail("give person or count".into()))
                }
                (None, count) => {
                    let count = count.unwrap_or(1);
                    if !(1..=MAX_ARRIVALS).contains(&count) {
                        return Err(fail(format!(
                            "count must be 1 to {MAX_ARRIVALS}, not {count}"
                        )));
                    }
                    let people = state::arrivals(batch.people, &mut batch.arrivals, count);
                    batch
                        .created
                        .extend(people.iter().map(|p| p.public_identifier.clone()));
                    people
                }
            };
            let direction = match kind.as_str() {
                "arrive" => Direction::Received,
                _ => Direction::Sent,
            };
            let ids = batch
                .account
                .add_pending(direction, &people, sent_at, new.note.as_deref())
                .map_err(refused)?;
            Ok(if new.count.is_some() {
                json!({ "ids": ids })
            } else {
                json!({ "id": ids[0] })
            })
        }
        _ => {
            let direction = match kind.as_str() {
                "withdrawn_by_sender" | "accepted_on_site" | "declined_on_site" => {
                    Direction::Received
                }
                "accepted_by_them" | "declined_by_them" | "withdrawn_on_site" => Direction::Sent,
                other => {
                    return Err(format!(
                        ": unknown change \"{other}\" (one of {})",
                        CHANGE_KINDS.join(", ")
                    ))
                }
            };
            let id = reference(&batch.account, direction, spec).map_err(fail)?;
            let account = &mut batch.account;
            match kind.as_str() {
                "accepted_on_site" => account.accept_received(&id),
                "withdrawn_by_sender" | "declined_on_site" => account.decline_received(&id),
                "accepted_by_them" => account.accept_sent(&id),
                "declined_by_them" => account.remove_sent(&id),
                _ => account.withdraw_sent(&id, batch.now),
            }
            .map_err(refused)?;
            Ok(json!({ "id": id }))
        }
    }
}

/// The clock minus `days_ago` (default 0, a number ≥ 0).
fn sent_at(
    now: time::OffsetDateTime,
    days_ago: Option<f64>,
) -> Result<time::OffsetDateTime, String> {
    let days = days_ago.unwrap_or(0.0);
    if !days.is_finite() || days < 0.0 {
        return Err(format!("days_ago must be a number >= 0, not {days}"));
    }
    time::Duration::checked_seconds_f64(days * 86_400.0)
        .and_then(|ago| now.checked_sub(ago))
        .ok_or_else(|| format!("days_ago {days} is out of range"))
}

/// The invitation id a `Ref` names: an id string (checked by the operation itself), or
/// `{"at": i}` in `direction`'s list.
fn reference(account: &Account, direction: Direction, spec: &Value) -> Result<String, String> {
    match spec {
        Value::String(id) => Ok(id.clone()),
        Value::Object(_) => {
            let At { at } = serde_json::from_value(spec.clone()).map_err(|e| e.to_string())?;
            let list = account.list(direction);
            list.get(at).map(|inv| inv.id.clone()).ok_or_else(|| {
                let name = match direction {
                    Direction::Received => "received",
                    Direction::Sent => "sent",
                };
                format!(
                    "no {name} invitation at position {at} (the list has {})",
                    list.len()
                )
            })
        }
        _ => Err("give an invitation id (string) or {\"at\": position}".into()),
    }
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
    // Real time, not the virtual clock: tests measure the pace the extension keeps by it.
    let received_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64);
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
    let mut response = match fault {
        None => next.run(request).await,
        Some(fault) => faulted(fault, request, next).await,
    };
    // The provider's clock is the virtual one; a fault may send a Date of its own.
    if !response.headers().contains_key(header::DATE) {
        let now = state::lock(&control.state).clock.now();
        if let Ok(date) = HeaderValue::from_str(&clock::http_date(now)) {
            response.headers_mut().insert(header::DATE, date);
        }
    }
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
        "received_ms": received_ms,
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
