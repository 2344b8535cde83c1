//! Unipile v2 (`/v2/{account_id}/users/…`, header `X-API-KEY`): relation-request routes, the
//! profile lookup and their wire types, following shared/providers/unipile.md §2–§5 and §12.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::{Direction, Invitation, Person, Refusal};
use crate::scenario::Provider;
use crate::state::{self, SharedState};
use crate::unipile_common::{
    self as common, iso_utc_ms, number_param, page, AboveMax, BuiltIn, Cursor, Denied, Detail,
    QueryParams, RefusalKind, UnipileError, UnipileSettings,
};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/v2/{account_id}/users/me/relation-requests",
            get(list).post(create),
        )
        .route(
            "/v2/{account_id}/users/me/relation-requests/{request_id}/accept",
            post(accept),
        )
        .route(
            "/v2/{account_id}/users/me/relation-requests/{request_id}/cancel",
            post(cancel),
        )
        .route("/v2/{account_id}/users/{identifier}", get(profile))
}

/// Documented default page size of the relation-request list (python SDK).
const DEFAULT_LIMIT: usize = 20;

// ---- wire types ---------------------------------------------------------------------------

#[derive(Serialize)]
struct List {
    data: Vec<RelationRequest>,
    total_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
struct RelationRequest {
    object: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    user: User,
}

/// The `User` object; optional fields are left out when the scenario has no value.
/// `GET /v2/{account_id}/users/{id}`'s answer (§12, CONFIRMED from the official SDK model): the
/// person, and where this account stands with them.
#[derive(Serialize)]
struct UserProfile {
    object: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    display_name: String,
    is_blocked: bool,
    provider: &'static str,
    specifics: ProfileSpecifics,
    public_identifier: String,
    profile_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_picture_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    first_name: String,
    last_name: String,
}

#[derive(Serialize)]
struct ProfileSpecifics {
    network_distance: &'static str,
    messaging_identifier: Option<String>,
    /// The pending request between the two, either way (INFERRED: only when there is one).
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_request: Option<RelationRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relation_request_status: Option<&'static str>,
}

#[derive(Serialize)]
struct User {
    object: &'static str,
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    public_identifier: String,
    display_name: String,
    profile_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_picture_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_picture_download_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Serialize)]
struct Confirmation {
    object: &'static str,
}

#[derive(Serialize)]
struct ErrorBody {
    object: &'static str,
    status: u16,
    #[serde(rename = "type")]
    error_type: String,
    title: String,
    detail: String,
    req_id: String,
}

#[derive(Deserialize)]
struct CreateBody {
    user_id: String,
    #[serde(default)]
    message: Option<String>,
}

// ---- errors -------------------------------------------------------------------------------

/// Every v2 error body carries a request id; a process-wide counter keeps them distinct.
static REQUEST_IDS: AtomicU64 = AtomicU64::new(1);

struct V2Error(UnipileError);

impl IntoResponse for V2Error {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = ErrorBody {
            object: "Error",
            status: e.status.as_u16(),
            error_type: e.error_type,
            title: e.title,
            // v2 bodies always have a detail; only v1's live `limit_exceeded` lacks one.
            detail: e.detail.unwrap_or_default(),
            req_id: format!("req-{}", REQUEST_IDS.fetch_add(1, Ordering::Relaxed)),
        };
        let mut response = (e.status, Json(body)).into_response();
        if let Some(seconds) = e.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn invalid_parameters(detail: impl Into<String>) -> V2Error {
    V2Error(UnipileError::new(
        StatusCode::BAD_REQUEST,
        "api/invalid_parameters",
        "Invalid parameters",
        detail.into(),
    ))
}

impl From<Denied> for V2Error {
    fn from(denied: Denied) -> Self {
        V2Error(match denied {
            Denied::Key => UnipileError::new(
                StatusCode::UNAUTHORIZED,
                "api/missing_authorization",
                "Missing authorization",
                "A valid X-API-KEY header is required.".to_owned(),
            ),
            Denied::UnknownAccount => UnipileError::new(
                StatusCode::NOT_FOUND,
                "api/resource_not_found",
                "Resource not found",
                "Account not found.".to_owned(),
            ),
            // The documented 401 for a disconnected account (unipile.md §5).
            Denied::Disconnected => UnipileError::new(
                StatusCode::UNAUTHORIZED,
                "provider/invalid_authorization",
                "Invalid authorization",
                "Account is disconnected.".to_owned(),
            ),
        })
    }
}

/// No public source names the v2 refusal types (unipile.md §5): LinkedIn's refusals are 422
/// `provider/unprocessable_entity` with the reason in `detail`; scenarios may replace any.
fn built_in(kind: RefusalKind) -> BuiltIn {
    const UNPROCESSABLE: (StatusCode, &str, &str) = (
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider/unprocessable_entity",
        "Unprocessable entity",
    );
    let (status, error_type, title) = match kind {
        RefusalKind::UnknownInvitation => (
            StatusCode::NOT_FOUND,
            "api/resource_not_found",
            "Resource not found",
        ),
        RefusalKind::UnknownPerson => (
            StatusCode::NOT_FOUND,
            "provider/resource_not_found",
            "Resource not found",
        ),
        RefusalKind::NoteTooLong => (
            StatusCode::BAD_REQUEST,
            "api/invalid_parameters",
            "Invalid parameters",
        ),
        RefusalKind::WrongDirection
        | RefusalKind::AlreadyConnected
        | RefusalKind::AlreadyInvited
        | RefusalKind::InvitedYou
        | RefusalKind::CannotResendYet
        | RefusalKind::WeeklyLimit
        | RefusalKind::NoteQuota => UNPROCESSABLE,
    };
    (status, error_type, title, Detail::Refusal)
}

fn refused(settings: &UnipileSettings, refusal: &Refusal) -> V2Error {
    V2Error(common::refusal_error(
        refusal,
        &settings.v2_errors,
        built_in,
    ))
}

// ---- handlers -----------------------------------------------------------------------------

/// Key, account, then Unipile's per-account, per-method rate limit (unipile.md §4, a token
/// bucket on the virtual clock); gives the account's place in `state.keys`.
fn open(
    state: &mut state::State,
    headers: &HeaderMap,
    account_id: &str,
    method: &'static str,
) -> Result<(usize, usize), V2Error> {
    let at = common::locate(
        &state.keys,
        Provider::UnipileV2,
        common::api_key(headers),
        account_id,
    )?;
    if let Some(limit) = state.unipile.v2_rate_limit {
        state
            .take_token(&format!("unipile_v2/{account_id}/{method}"), limit)
            .map_err(|wait| {
                // Whole seconds, rounded up so that a client retrying on time is admitted.
                let seconds = wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0);
                let seconds = seconds.max(1).unsigned_abs();
                V2Error(UnipileError {
                    retry_after: Some(seconds),
                    ..UnipileError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "api/too_many_requests",
                        "Too many requests",
                        format!(
                            "We only allow {} requests per {} seconds. Retry in {seconds} seconds.",
                            limit.requests, limit.per_seconds
                        ),
                    )
                })
            })?;
    }
    Ok(at)
}

fn reply(result: Result<Response, V2Error>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET …/relation-requests?type=sent|received&offset&limit&cursor`: pending only, newest
/// first, by offset; a `cursor` (ours) stands for the offset it carries.
async fn list(
    State(state): State<SharedState>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
) -> Response {
    let mut state = state::lock(&state);
    reply(list_page(&mut state, &headers, &account_id, params))
}

fn list_page(
    state: &mut state::State,
    headers: &HeaderMap,
    account_id: &str,
    params: QueryParams,
) -> Result<Response, V2Error> {
    let (k, a) = open(state, headers, account_id, "list")?;
    let account = &state.keys[k].accounts[a];
    let settings = &state.unipile;
    let params = common::query(params).map_err(invalid_parameters)?;
    let direction = match params.get("type").map(String::as_str) {
        Some("sent") => Direction::Sent,
        Some("received") => Direction::Received,
        Some(_) => return Err(invalid_parameters("type must be \"sent\" or \"received\"")),
        None => return Err(invalid_parameters("type is required")),
    };
    let mut limit = number_param(&params, "limit", 1)
        .map_err(invalid_parameters)?
        .unwrap_or(DEFAULT_LIMIT);
    if limit > settings.v2_max_limit {
        match settings.v2_above_max_limit {
            AboveMax::Clamp => limit = settings.v2_max_limit,
            AboveMax::Refuse => {
                return Err(invalid_parameters(format!(
                    "limit must be at most {}",
                    settings.v2_max_limit
                )))
            }
        }
    }
    let offset = match params.get("cursor") {
        Some(cursor) => {
            Cursor::decode(cursor)
                .ok_or_else(|| invalid_parameters("cursor is not a valid cursor"))?
                .cursor
        }
        None => number_param(&params, "offset", 0)
            .map_err(invalid_parameters)?
            .unwrap_or(0),
    };
    let pending = match direction {
        Direction::Sent => &account.sent,
        Direction::Received => &account.received,
    };
    let (items, next, total) = page(pending, offset, limit, state.paging);
    // A paging fault is told through cursors, whatever the scenario says of them.
    let cursors = settings.v2_next_cursor || state.paging.is_some();
    let body = List {
        data: items
            .iter()
            .map(|inv| relation_request(inv, direction, headers, account_id))
            .collect(),
        total_count: total,
        next_cursor: next.filter(|_| cursors).map(Cursor::encode),
    };
    Ok(Json(body).into_response())
}

/// `POST …/relation-requests` `{user_id, message?}` → 201 with the new sent request.
async fn create(
    State(state): State<SharedState>,
    Path(account_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state::lock(&state);
    reply(send_request(&mut state, &headers, &account_id, &body))
}

fn send_request(
    state: &mut state::State,
    headers: &HeaderMap,
    account_id: &str,
    body: &[u8],
) -> Result<Response, V2Error> {
    let (k, a) = open(state, headers, account_id, "create")?;
    // Through a map first: serde would also read a JSON array into the struct.
    let body: CreateBody = serde_json::from_slice::<Map<String, Value>>(body)
        .and_then(|map| CreateBody::deserialize(Value::Object(map)))
        .map_err(|e| {
            invalid_parameters(format!(
                "body must be a JSON object {{\"user_id\": string, \"message\"?: string}} ({e})"
            ))
        })?;
    // The provider id only: the guide asks for the "system ID (ACo…)".
    let now = state.clock.now();
    let account = &mut state.keys[k].accounts[a];
    let sent = state
        .people
        .by_provider_id(&body.user_id)
        .ok_or(Refusal::UnknownPerson)
        .and_then(|person| account.invite(&state.linkedin, person, body.message.as_deref(), now));
    match sent {
        Ok(created) => {
            let created = relation_request(created, Direction::Sent, headers, account_id);
            Ok((StatusCode::CREATED, Json(created)).into_response())
        }
        Err(refusal) => Err(refused(&state.unipile, &refusal)),
    }
}

/// `POST …/relation-requests/{id}/accept`: received requests only.
async fn accept(
    State(state): State<SharedState>,
    Path((account_id, request_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut state = state::lock(&state);
    reply(handle(&mut state, &headers, &account_id, &request_id, true))
}

/// `POST …/relation-requests/{id}/cancel`: withdraws a sent request or refuses a received one.
async fn cancel(
    State(state): State<SharedState>,
    Path((account_id, request_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut state = state::lock(&state);
    reply(handle(
        &mut state,
        &headers,
        &account_id,
        &request_id,
        false,
    ))
}

fn handle(
    state: &mut state::State,
    headers: &HeaderMap,
    account_id: &str,
    request_id: &str,
    accept: bool,
) -> Result<Response, V2Error> {
    let method = if accept { "accept" } else { "cancel" };
    let (k, a) = open(state, headers, account_id, method)?;
    let now = state.clock.now();
    let account = &mut state.keys[k].accounts[a];
    let result = if accept {
        account
            .accept_received(request_id)
            .map(|_| "RelationRequestConfirmed")
    } else {
        match account.find(request_id).map(|(direction, _)| direction) {
            Some(Direction::Sent) => account.withdraw_sent(request_id, now),
            Some(Direction::Received) => account.decline_received(request_id),
            None => Err(Refusal::UnknownInvitation),
        }
        .map(|_| "RelationRequestCanceled")
    };
    match result {
        Ok(object) => Ok(Json(Confirmation { object }).into_response()),
        Err(refusal) => Err(refused(&state.unipile, &refusal)),
    }
}

/// `GET /v2/{account_id}/users/{identifier}`: public identifier or provider id → `UserProfile`.
async fn profile(
    State(state): State<SharedState>,
    Path((account_id, identifier)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut state = state::lock(&state);
    reply(lookup(&mut state, &headers, &account_id, &identifier))
}

fn lookup(
    state: &mut state::State,
    headers: &HeaderMap,
    account_id: &str,
    identifier: &str,
) -> Result<Response, V2Error> {
    let (k, a) = open(state, headers, account_id, "profile")?;
    let people = &state.people;
    let Some(person) = people
        .by_provider_id(identifier)
        .or_else(|| people.by_public_identifier(identifier))
    else {
        return Err(refused(&state.unipile, &Refusal::UnknownPerson));
    };
    let account = &state.keys[k].accounts[a];
    let pending = account.pending_with(person).map(|(direction, invitation)| {
        relation_request(invitation, direction, headers, account_id)
    });
    let user = user(person, headers, account_id);
    let profile = UserProfile {
        object: "UserProfile",
        kind: user.kind,
        is_blocked: false,
        provider: "linkedin",
        specifics: ProfileSpecifics {
            network_distance: match account.is_connected(person) {
                true => "FIRST_DEGREE",
                false => "SECOND_DEGREE",
            },
            messaging_identifier: None,
            relation_request_status: pending.as_ref().map(|_| "PENDING"),
            relation_request: pending,
        },
        id: user.id,
        display_name: user.display_name,
        public_identifier: user.public_identifier,
        profile_url: user.profile_url,
        public_picture_url: user.public_picture_url,
        description: user.description,
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
    };
    Ok(Json(profile).into_response())
}

// ---- mapping ------------------------------------------------------------------------------

fn relation_request(
    invitation: &Invitation,
    direction: Direction,
    headers: &HeaderMap,
    account_id: &str,
) -> RelationRequest {
    RelationRequest {
        object: "RelationRequest",
        id: invitation.id.clone(),
        kind: match direction {
            Direction::Sent => "sent",
            Direction::Received => "received",
        },
        created_at: iso_utc_ms(invitation.sent_at),
        message: invitation.note.clone(),
        user: user(&invitation.person, headers, account_id),
    }
}

/// `user` is the other party. The private picture URL points at this emulator's own origin
/// (from `Host`), as the real one points at api.unipile.com; the emulator does not serve it.
fn user(person: &Person, headers: &HeaderMap, account_id: &str) -> User {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    User {
        object: "User",
        id: person.provider_id.clone(),
        kind: "individual",
        public_identifier: person.public_identifier.clone(),
        display_name: person.display_name(),
        profile_url: format!("{}/", person.profile_url()),
        private_picture_download_url: person.picture_url.as_ref().map(|_| {
            format!(
                "http://{host}/v2/{account_id}/users/{}/picture",
                person.provider_id
            )
        }),
        public_picture_url: person.picture_url.clone(),
        description: person.headline.clone(),
    }
}
