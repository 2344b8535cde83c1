//! Unipile v1 (`/api/v1/users/…`, header `X-API-KEY`, the emulator's origin standing for the
//! customer DSN): invitation routes, the profile lookup and their wire types, following
//! shared/providers/unipile.md §6, §7 and §12 and the official Node SDK's response schemas.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::domain::{Direction, Invitation, Person, Refusal};
use crate::scenario::Provider;
use crate::state::{self, SharedState};
use crate::unipile_common::{
    self as common, iso_utc_ms, number_param, page, BuiltIn, Cursor, Denied, Detail, QueryParams,
    RefusalKind, UnipileError, UnipileSettings,
};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/users/invite", post(invite))
        .route("/api/v1/users/invite/sent", get(list_sent))
        .route("/api/v1/users/invite/sent/{id}", delete(cancel_sent))
        .route("/api/v1/users/invite/received", get(list_received))
        .route("/api/v1/users/invite/received/{id}", post(handle_received))
        .route("/api/v1/users/{identifier}", get(profile))
}

/// Largest `limit` of the sent list (current reference page: 1–250).
const SENT_MAX_LIMIT: usize = 250;
/// `usage` is sent when one of these percentages of the weekly quota is crossed (§6.3).
const USAGE_THRESHOLDS: [u32; 4] = [50, 75, 90, 95];

// ---- wire types ---------------------------------------------------------------------------

#[derive(Serialize)]
struct InvitationList {
    object: &'static str,
    items: Vec<Item>,
    cursor: Option<String>,
}

/// `InvitationSent` / `InvitationReceived` (§6.1, the SDK's `InvitationSchema`): `invited_user*`
/// is the invitee, `inviter` the inviter, whichever side the account owner is on.
#[derive(Serialize)]
struct Item {
    object: &'static str,
    id: String,
    invited_user: Option<String>,
    invited_user_id: Option<String>,
    invited_user_public_id: Option<String>,
    invited_user_description: Option<String>,
    date: String,
    parsed_datetime: Option<String>,
    invitation_text: Option<String>,
    inviter: Inviter,
    specifics: Specifics,
}

#[derive(Serialize)]
struct Inviter {
    inviter_name: String,
    inviter_id: String,
    inviter_public_identifier: String,
    inviter_description: Option<String>,
}

#[derive(Serialize)]
struct Specifics {
    provider: &'static str,
    shared_secret: String,
}

#[derive(Serialize)]
struct InvitationSent {
    object: &'static str,
    invitation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<u32>,
}

#[derive(Serialize)]
struct Handled {
    object: &'static str,
    status: &'static str,
}

#[derive(Serialize)]
struct Canceled {
    object: &'static str,
}

/// `UserProfile` with the SDK's required LinkedIn fields (§12).
#[derive(Serialize)]
struct UserProfile {
    object: &'static str,
    provider: &'static str,
    provider_id: String,
    public_identifier: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    /// A string in the SDK's schema, never null: empty when the member has none.
    headline: String,
    websites: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_picture_url: Option<String>,
}

#[derive(Deserialize)]
struct InviteBody {
    account_id: String,
    provider_id: String,
    #[serde(default)]
    message: Option<String>,
    // `user_email` (LinkedIn only sometimes asks for it) and other fields are ignored.
}

#[derive(Deserialize)]
struct HandleBody {
    provider: String,
    shared_secret: String,
    account_id: String,
    action: String,
}

/// `{status, type, title, detail?}` (§7); `instance` is optional and never sent.
#[derive(Serialize)]
struct ErrorBody {
    status: u16,
    #[serde(rename = "type")]
    error_type: String,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

// ---- errors -------------------------------------------------------------------------------

struct V1Error(UnipileError);

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = ErrorBody {
            status: e.status.as_u16(),
            error_type: e.error_type,
            title: e.title,
            detail: e.detail,
        };
        (e.status, Json(body)).into_response()
    }
}

fn bad_request(slug: &str, title: &str, detail: impl Into<String>) -> V1Error {
    V1Error(UnipileError::new(
        StatusCode::BAD_REQUEST,
        slug,
        title,
        detail.into(),
    ))
}

fn invalid_parameters(detail: impl Into<String>) -> V1Error {
    bad_request("errors/invalid_parameters", "Invalid parameters", detail)
}

impl From<Denied> for V1Error {
    fn from(denied: Denied) -> Self {
        V1Error(match denied {
            // The 3P live capture's slug; title and detail are the fixture's.
            Denied::Key => UnipileError::new(
                StatusCode::UNAUTHORIZED,
                "errors/missing_credentials",
                "Missing credentials",
                "Some credentials are necessary to perform the request.".to_owned(),
            ),
            Denied::UnknownAccount => UnipileError::new(
                StatusCode::NOT_FOUND,
                "errors/resource_not_found",
                "Resource not found.",
                "Account not found.".to_owned(),
            ),
            Denied::Disconnected => UnipileError::new(
                StatusCode::UNAUTHORIZED,
                "errors/disconnected_account",
                "Disconnected account",
                "The account appears to be disconnected from the provider service.".to_owned(),
            ),
        })
    }
}

/// v1's invitation slugs (§7); titles and details are the live captures' where known.
fn built_in(kind: RefusalKind) -> BuiltIn {
    const INVALID: (StatusCode, &str, &str) = (
        StatusCode::BAD_REQUEST,
        "errors/invalid_parameters",
        "Invalid parameters",
    );
    const ALREADY_INVITED: BuiltIn = (
        StatusCode::UNPROCESSABLE_ENTITY,
        "errors/already_invited_recently",
        "Should delay new invitation to this recipient",
        Detail::Text(
            "An invitation has already been sent recently to this recipient. Please try again later.",
        ),
    );
    match kind {
        RefusalKind::UnknownInvitation | RefusalKind::WrongDirection => {
            (INVALID.0, INVALID.1, INVALID.2, Detail::Refusal)
        }
        RefusalKind::UnknownPerson => (
            StatusCode::NOT_FOUND,
            "errors/resource_not_found",
            "Resource not found.",
            Detail::Refusal,
        ),
        RefusalKind::AlreadyConnected => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "errors/already_connected",
            "Already connected",
            Detail::Refusal,
        ),
        RefusalKind::AlreadyInvited | RefusalKind::InvitedYou => ALREADY_INVITED,
        RefusalKind::CannotResendYet => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "errors/cannot_resend_yet",
            "Cannot resend yet",
            Detail::Text("You have reached a temporary provider limit. Please try again later."),
        ),
        RefusalKind::WeeklyLimit => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "errors/limit_exceeded",
            "Limit exceeded",
            Detail::Omitted,
        ),
        RefusalKind::NoteQuota => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "errors/limit_exceeded",
            "Limit exceeded",
            Detail::Refusal,
        ),
        RefusalKind::NoteTooLong => (
            StatusCode::BAD_REQUEST,
            "errors/too_many_characters",
            "Too many characters",
            Detail::Refusal,
        ),
    }
}

fn refused(settings: &UnipileSettings, refusal: &Refusal) -> V1Error {
    V1Error(common::refusal_error(
        refusal,
        &settings.v1_errors,
        built_in,
    ))
}

fn reply(result: Result<Response, V1Error>) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

// ---- request parsing ----------------------------------------------------------------------

/// Which key the caller holds (checked first, before any parameter).
fn authenticate(state: &state::State, headers: &HeaderMap) -> Result<usize, V1Error> {
    Ok(common::key_index(
        &state.keys,
        Provider::UnipileV1,
        common::api_key(headers),
    )?)
}

/// The account named by the request, among the key's; gives its place in `state.keys`.
fn account(
    state: &state::State,
    k: usize,
    account_id: Option<&str>,
) -> Result<(usize, usize), V1Error> {
    let account_id = account_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| invalid_parameters("account_id is required"))?;
    Ok((k, common::account_index(&state.keys[k], account_id)?))
}

/// A JSON object body read into `T`; not JSON at all is `malformed_request`.
fn json_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, V1Error> {
    let map: Map<String, Value> = serde_json::from_slice(body).map_err(|_| {
        bad_request(
            "errors/malformed_request",
            "Malformed request",
            "The body must be a JSON object.",
        )
    })?;
    T::deserialize(Value::Object(map)).map_err(|e| invalid_parameters(e.to_string()))
}

// ---- lists --------------------------------------------------------------------------------

/// `GET /api/v1/users/invite/sent?account_id&limit&cursor`.
async fn list_sent(
    State(state): State<SharedState>,
    headers: HeaderMap,
    params: QueryParams,
) -> Response {
    let state = state::lock(&state);
    reply(list(&state, &headers, params, Direction::Sent))
}

/// `GET /api/v1/users/invite/received?account_id&limit&cursor`.
async fn list_received(
    State(state): State<SharedState>,
    headers: HeaderMap,
    params: QueryParams,
) -> Response {
    let state = state::lock(&state);
    reply(list(&state, &headers, params, Direction::Received))
}

/// Pending invitations, newest first. The cursor is base64 of `{"limit":L,"cursor":offset}`
/// (§6.0); an explicit `limit` wins over the cursor's.
fn list(
    state: &state::State,
    headers: &HeaderMap,
    params: QueryParams,
    direction: Direction,
) -> Result<Response, V1Error> {
    let k = authenticate(state, headers)?;
    let params = common::query(params).map_err(invalid_parameters)?;
    let (k, a) = account(state, k, params.get("account_id").map(String::as_str))?;
    let settings = &state.unipile;
    let max = match direction {
        Direction::Sent => SENT_MAX_LIMIT,
        Direction::Received => settings.v1_received_max_limit,
    };
    let cursor = params
        .get("cursor")
        .map(|text| {
            Cursor::decode(text).ok_or_else(|| invalid_parameters("cursor is not a valid cursor"))
        })
        .transpose()?;
    let limit = number_param(&params, "limit", 1)
        .map_err(invalid_parameters)?
        .or(cursor.map(|c| c.limit))
        .unwrap_or(settings.v1_default_limit);
    if limit > max {
        return Err(bad_request(
            "errors/limit_too_high",
            "Limit too high",
            format!("limit must be between 1 and {max}"),
        ));
    }
    let account = &state.keys[k].accounts[a];
    let pending = match direction {
        Direction::Sent => &account.sent,
        Direction::Received => &account.received,
    };
    let (items, next, _) = page(pending, cursor.map_or(0, |c| c.cursor), limit, state.paging);
    let owner = common::owner(settings, &state.people, &account.account_id);
    let now = state.clock.now();
    let body = InvitationList {
        object: "InvitationList",
        items: items
            .iter()
            .map(|inv| item(inv, direction, &owner, now))
            .collect(),
        cursor: next.map(Cursor::encode),
    };
    Ok(Json(body).into_response())
}

// ---- transitions --------------------------------------------------------------------------

/// `POST /api/v1/users/invite` `{account_id, provider_id, message?, user_email?}`.
async fn invite(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = state::lock(&state);
    reply(send_invitation(&mut state, &headers, &body))
}

fn send_invitation(
    state: &mut state::State,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, V1Error> {
    let k = authenticate(state, headers)?;
    let body: InviteBody = json_body(body)?;
    let (k, a) = account(state, k, Some(&body.account_id))?;
    let now = state.clock.now();
    let rules = &state.linkedin;
    let account = &mut state.keys[k].accounts[a];
    let limit = account.weekly_limit(rules);
    let used_before = account.invitations_this_week(now);
    // The provider id only, as the reference page says (`provider_messaging_id` does not work).
    let sent = state
        .people
        .by_provider_id(&body.provider_id)
        .ok_or(Refusal::UnknownPerson)
        .and_then(|person| account.invite(rules, person, body.message.as_deref(), now))
        .map(|inv| inv.id.clone());
    match sent {
        Ok(invitation_id) => Ok(Json(InvitationSent {
            object: "UserInvitationSent",
            invitation_id,
            usage: usage(used_before, used_before + 1, limit),
        })
        .into_response()),
        Err(refusal) => Err(refused(&state.unipile, &refusal)),
    }
}

/// The percentage of the weekly quota now used, when this invitation crossed a threshold.
fn usage(before: u32, after: u32, limit: u32) -> Option<u32> {
    let percent = |n: u32| (u64::from(n) * 100 / u64::from(limit.max(1))) as u32;
    let (before, after) = (percent(before), percent(after));
    USAGE_THRESHOLDS
        .iter()
        .any(|t| before < *t && *t <= after)
        .then_some(after)
}

/// `POST /api/v1/users/invite/received/{id}` `{provider, shared_secret, account_id, action}`.
async fn handle_received(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut state = state::lock(&state);
    reply(accept_or_decline(&mut state, &headers, &id, &body))
}

fn accept_or_decline(
    state: &mut state::State,
    headers: &HeaderMap,
    id: &str,
    body: &[u8],
) -> Result<Response, V1Error> {
    let k = authenticate(state, headers)?;
    let body: HandleBody = json_body(body)?;
    let (k, a) = account(state, k, Some(&body.account_id))?;
    if body.provider != "LINKEDIN" {
        return Err(invalid_parameters("provider must be \"LINKEDIN\""));
    }
    let accept = match body.action.as_str() {
        "accept" => true,
        "decline" => false,
        _ => {
            return Err(invalid_parameters(
                "action must be \"accept\" or \"decline\"",
            ))
        }
    };
    let account = &mut state.keys[k].accounts[a];
    // The secret is checked before anything changes; a wrong one is a bad parameter (3P).
    if let Some((Direction::Received, inv)) = account.find(id) {
        if inv.shared_secret != body.shared_secret {
            return Err(invalid_parameters(
                "shared_secret does not match this invitation",
            ));
        }
    }
    let result = if accept {
        account.accept_received(id).map(|_| "ACCEPTED")
    } else {
        account.decline_received(id).map(|_| "DECLINED")
    };
    match result {
        Ok(status) => Ok(Json(Handled {
            object: "UserInvitationHandled",
            status,
        })
        .into_response()),
        Err(refusal) => Err(refused(&state.unipile, &refusal)),
    }
}

/// `DELETE /api/v1/users/invite/sent/{id}?account_id=`: withdraws; the cooldown starts.
async fn cancel_sent(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
) -> Response {
    let mut state = state::lock(&state);
    reply(withdraw(&mut state, &headers, &id, params))
}

fn withdraw(
    state: &mut state::State,
    headers: &HeaderMap,
    id: &str,
    params: QueryParams,
) -> Result<Response, V1Error> {
    let k = authenticate(state, headers)?;
    let params = common::query(params).map_err(invalid_parameters)?;
    let (k, a) = account(state, k, params.get("account_id").map(String::as_str))?;
    let now = state.clock.now();
    match state.keys[k].accounts[a].withdraw_sent(id, now) {
        Ok(_) => Ok(Json(Canceled {
            object: "InvitationCanceled",
        })
        .into_response()),
        Err(refusal) => Err(refused(&state.unipile, &refusal)),
    }
}

// ---- profile ------------------------------------------------------------------------------

/// `GET /api/v1/users/{identifier}?account_id=`: public identifier or provider id.
async fn profile(
    State(state): State<SharedState>,
    Path(identifier): Path<String>,
    headers: HeaderMap,
    params: QueryParams,
) -> Response {
    let state = state::lock(&state);
    reply(lookup(&state, &headers, &identifier, params))
}

fn lookup(
    state: &state::State,
    headers: &HeaderMap,
    identifier: &str,
    params: QueryParams,
) -> Result<Response, V1Error> {
    let k = authenticate(state, headers)?;
    let params = common::query(params).map_err(invalid_parameters)?;
    account(state, k, params.get("account_id").map(String::as_str))?;
    let people = &state.people;
    let person = people
        .by_provider_id(identifier)
        .or_else(|| people.by_public_identifier(identifier))
        .ok_or(Refusal::UnknownPerson)
        .map_err(|refusal| refused(&state.unipile, &refusal))?;
    Ok(Json(UserProfile {
        object: "UserProfile",
        provider: "LINKEDIN",
        provider_id: person.provider_id.clone(),
        public_identifier: Some(person.public_identifier.clone()),
        first_name: Some(person.first_name.clone()),
        last_name: Some(person.last_name.clone()),
        headline: person.headline.clone().unwrap_or_default(),
        websites: Vec::new(),
        profile_picture_url: person.picture_url.clone(),
    })
    .into_response())
}

// ---- mapping ------------------------------------------------------------------------------

fn item(
    invitation: &Invitation,
    direction: Direction,
    owner: &Person,
    now: OffsetDateTime,
) -> Item {
    let other = invitation.person.as_ref();
    let (object, invitee, inviter) = match direction {
        Direction::Sent => ("InvitationSent", other, owner),
        Direction::Received => ("InvitationReceived", owner, other),
    };
    Item {
        object,
        id: invitation.id.clone(),
        invited_user: Some(invitee.display_name()),
        invited_user_id: Some(invitee.provider_id.clone()),
        invited_user_public_id: Some(invitee.public_identifier.clone()),
        invited_user_description: invitee.headline.clone(),
        date: relative_date(now - invitation.sent_at, direction),
        parsed_datetime: Some(iso_utc_ms(invitation.sent_at)),
        invitation_text: invitation.note.clone(),
        inviter: Inviter {
            inviter_name: inviter.display_name(),
            inviter_id: inviter.provider_id.clone(),
            inviter_public_identifier: inviter.public_identifier.clone(),
            inviter_description: inviter.headline.clone(),
        },
        specifics: Specifics {
            provider: "LINKEDIN",
            shared_secret: invitation.shared_secret.clone(),
        },
    }
}

/// LinkedIn's wording: "Sent 2 months ago" on sent items (live capture), "3 days ago" on
/// received ones; "today"/"yesterday" under two days. Units below a day are not shown.
fn relative_date(age: Duration, direction: Direction) -> String {
    let days = age.whole_days().max(0);
    let count = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    let phrase = match days {
        0 => "today".to_owned(),
        1 => "yesterday".to_owned(),
        2..=6 => count(days, "day"),
        7..=29 => count(days / 7, "week"),
        30..=364 => count(days / 30, "month"),
        _ => count(days / 365, "year"),
    };
    match direction {
        Direction::Sent => format!("Sent {phrase}"),
        Direction::Received => {
            let mut chars = phrase.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}
