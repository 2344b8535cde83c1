//! LinkUp v2 (`POST /v2/{category}`, header `x-api-key`): routes and wire types, following
//! shared/providers/linkup.md (§2 envelopes and errors, §3 actions, §5 emulator notes).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::clock::iso_utc;
use crate::scenario::Provider;
use crate::state::{self, Account, Invitation, SharedState};

pub fn routes() -> Router<SharedState> {
    Router::new().route("/v2/network", post(network))
}

/// Upper bound on `count` (linkup.md §3.1); larger values are clamped, not refused (INFERRED).
const MAX_COUNT: u64 = 1000;
const DEFAULT_COUNT: u64 = 10;
/// One credit per this many results returned (§3.1).
const RESULTS_PER_CREDIT: u64 = 50;
/// Size of the upstream LinkedIn batches that `results_per_page`/`pages_fetched` describe.
const UPSTREAM_PAGE: u64 = 100;
/// The only invitation type the emulator models.
const CONNECTION: &str = "CONNECTION";

// ---- wire types -------------------------------------------------------------------------

#[derive(Serialize)]
struct Success<T> {
    success: bool,
    data: T,
    metadata: SuccessMetadata,
}

#[derive(Serialize)]
struct SuccessMetadata {
    action: &'static str,
    account_id: String,
    credits_consumed: u64,
    timestamp: String,
}

/// The documented error envelope: its metadata has no `account_id`.
#[derive(Serialize)]
struct Failure {
    success: bool,
    error: ErrorBody,
    metadata: ErrorMetadata,
}

#[derive(Serialize)]
struct ErrorBody {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct ErrorMetadata {
    action: Option<String>,
    credits_consumed: u64,
    timestamp: String,
}

#[derive(Serialize)]
struct InvitationList {
    invitations: Vec<ReceivedInvitation>,
    total_results: u64,
    total_available_results: u64,
    pagination: Pagination,
}

/// A `list_invitations` item. V2 items carry neither `invitation_id` nor `message`.
#[derive(Serialize)]
struct ReceivedInvitation {
    entity_urn: String,
    shared_secret: String,
    sender: Sender,
    invitation_type: &'static str,
    sent_time: String,
    sent_time_days: i64,
}

#[derive(Serialize)]
struct Sender {
    first_name: String,
    last_name: String,
    headline: Option<String>,
    linkedin_url: String,
    profile_picture_url: Option<String>,
}

#[derive(Serialize)]
struct Pagination {
    offset: u64,
    count: u64,
    next_offset: u64,
    has_more: bool,
    results_per_page: u64,
    pages_fetched: u64,
}

// ---- errors -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorCode {
    InvalidApiKey,
    InvalidAccount,
    InvalidAction,
    InvalidParams,
    InsufficientCredits,
}

impl ErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidApiKey => "INVALID_API_KEY",
            ErrorCode::InvalidAccount => "INVALID_ACCOUNT",
            ErrorCode::InvalidAction => "INVALID_ACTION",
            ErrorCode::InvalidParams => "INVALID_PARAMS",
            ErrorCode::InsufficientCredits => "INSUFFICIENT_CREDITS",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidApiKey => StatusCode::FORBIDDEN,
            ErrorCode::InvalidAccount => StatusCode::NOT_FOUND,
            ErrorCode::InvalidAction | ErrorCode::InvalidParams => StatusCode::BAD_REQUEST,
            ErrorCode::InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
        }
    }
}

struct ApiError {
    code: ErrorCode,
    message: String,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn into_response(self, action: Option<String>, now: OffsetDateTime) -> Response {
        let body = Failure {
            success: false,
            error: ErrorBody {
                code: self.code.as_str(),
                message: self.message,
            },
            metadata: ErrorMetadata {
                action,
                // "Error responses never consume credits."
                credits_consumed: 0,
                timestamp: iso_utc(now),
            },
        };
        (self.code.status(), Json(body)).into_response()
    }
}

// ---- POST /v2/network -------------------------------------------------------------------

async fn network(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    let mut state = state::lock(&state);
    let now = state.clock.now();
    // Parsed once up front so that every error, even the 403, can echo the action attempted.
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let action = parsed
        .as_ref()
        .and_then(|v| v.get("action"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    match handle_network(&mut state, api_key, parsed) {
        Ok(response) => response,
        Err(error) => error.into_response(action, now),
    }
}

/// Checks run in the order of linkup.md §2 (INFERRED there): key, body shape, account,
/// action, params, credits.
fn handle_network(
    state: &mut state::State,
    api_key: Option<&str>,
    body: Option<Value>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let empty_page_credits = state.linkup.empty_page_credits;
    let key = api_key
        .and_then(|k| state.key_mut(Provider::Linkup, k))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidApiKey,
                "The provided API key is invalid or missing",
            )
        })?;

    let body = body.ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidParams, "Request body must be valid JSON")
    })?;
    let body = body.as_object().ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidParams,
            "Request body must be a JSON object",
        )
    })?;
    let account_id = required_string(body, "account_id")?;
    let action = required_string(body, "action")?;

    let account = key
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAccount,
                format!("Account not found or not accessible with this API key: {account_id}"),
            )
        })?;

    match action {
        "list_invitations" => {
            let params = params_object(body)?;
            let (data, cost) = list_invitations(account, &params, now, empty_page_credits)?;
            charge(&mut key.credits, cost)?;
            Ok(success("list_invitations", account_id, data, cost, now))
        }
        other => Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!("Action '{other}' is not supported on the network endpoint"),
        )),
    }
}

/// Deducts `cost`, or refuses without touching the balance.
fn charge(balance: &mut u64, cost: u64) -> Result<(), ApiError> {
    *balance = balance.checked_sub(cost).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InsufficientCredits,
            format!("Insufficient credits: this request needs {cost}, the balance is {balance}"),
        )
    })?;
    Ok(())
}

fn success<T: Serialize>(
    action: &'static str,
    account_id: &str,
    data: T,
    credits_consumed: u64,
    now: OffsetDateTime,
) -> Response {
    let envelope = Success {
        success: true,
        data,
        metadata: SuccessMetadata {
            action,
            account_id: account_id.to_owned(),
            credits_consumed,
            timestamp: iso_utc(now),
        },
    };
    Json(envelope).into_response()
}

fn required_string<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(ApiError::new(
            ErrorCode::InvalidParams,
            format!("Missing required parameter: {name}"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::new(
            ErrorCode::InvalidParams,
            format!("Invalid parameter: {name} must be a string"),
        )),
    }
}

/// `params` is optional on list actions; absent or null reads as `{}`.
fn params_object(body: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    match body.get("params") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(params)) => Ok(params.clone()),
        Some(_) => Err(ApiError::new(
            ErrorCode::InvalidParams,
            "Invalid parameter: params must be an object",
        )),
    }
}

/// An optional integer parameter of at least `min`; null counts as absent.
fn optional_uint(
    params: &Map<String, Value>,
    name: &str,
    min: u64,
) -> Result<Option<u64>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .filter(|n| *n >= min)
            .map(Some)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidParams,
                    format!("Invalid parameter: {name} must be an integer >= {min}"),
                )
            }),
    }
}

fn list_invitations(
    account: &Account,
    params: &Map<String, Value>,
    now: OffsetDateTime,
    empty_page_credits: u64,
) -> Result<(InvitationList, u64), ApiError> {
    let count = optional_uint(params, "count", 1)?.map_or(DEFAULT_COUNT, |n| n.min(MAX_COUNT));
    let offset = optional_uint(params, "offset", 0)?.unwrap_or(0);
    let type_matches = match params.get("invitation_type") {
        None | Some(Value::Null) => true,
        Some(Value::String(t)) => t == CONNECTION,
        Some(_) => {
            return Err(ApiError::new(
                ErrorCode::InvalidParams,
                "Invalid parameter: invitation_type must be a string",
            ))
        }
    };

    let matching: &[Invitation] = if type_matches { &account.received } else { &[] };
    let total = matching.len() as u64;
    let start = offset.min(total);
    let end = start.saturating_add(count).min(total);
    // start <= end <= len, so this cannot fail; an empty page is the safe fallback anyway.
    let page = matching
        .get(start as usize..end as usize)
        .unwrap_or_default();
    let returned = page.len() as u64;
    let next_offset = offset.saturating_add(returned);
    let data = InvitationList {
        invitations: page.iter().map(|inv| received_item(inv, now)).collect(),
        total_results: returned,
        total_available_results: total,
        pagination: Pagination {
            offset,
            count: returned,
            next_offset,
            has_more: next_offset < total,
            results_per_page: count.min(UPSTREAM_PAGE),
            pages_fetched: returned.div_ceil(UPSTREAM_PAGE).max(1),
        },
    };
    let cost = if returned == 0 {
        empty_page_credits
    } else {
        returned.div_ceil(RESULTS_PER_CREDIT)
    };
    Ok((data, cost))
}

fn received_item(invitation: &Invitation, now: OffsetDateTime) -> ReceivedInvitation {
    let (sent_time, sent_time_days) = relative_age(now - invitation.sent_at);
    let person = &invitation.person;
    ReceivedInvitation {
        entity_urn: format!("urn:li:invitation:{}", invitation.id),
        shared_secret: invitation.shared_secret.clone(),
        sender: Sender {
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone(),
            headline: person.headline.clone(),
            linkedin_url: format!("https://www.linkedin.com/in/{}", person.public_identifier),
            profile_picture_url: person.picture_url.clone(),
        },
        invitation_type: CONNECTION,
        sent_time,
        sent_time_days,
    }
}

/// LinkedIn-style short age ("45m", "3h", "1d", "2w", "3mo", "2yr") and whole days. Only "Nd"
/// is documented; the other units are INFERRED. Future dates count as age zero.
fn relative_age(age: time::Duration) -> (String, i64) {
    let seconds = age.whole_seconds().max(0);
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    let text = if hours < 1 {
        format!("{minutes}m")
    } else if days < 1 {
        format!("{hours}h")
    } else if days < 7 {
        format!("{days}d")
    } else if days < 30 {
        format!("{}w", days / 7)
    } else if days < 365 {
        format!("{}mo", days / 30)
    } else {
        format!("{}yr", days / 365)
    };
    (text, days)
}
