//! LinkUp v2 (`POST /v2/network`, `GET /v2/credits`, header `x-api-key`): routes, wire types
//! and error mapping, following shared/providers/linkup.md (§2 envelopes and errors, §3
//! actions, §5 emulator notes, §7 contract table). LinkedIn's rules live in `domain`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::clock::iso_utc;
use crate::domain::{Direction, Invitation, Person, Refusal};
use crate::paging::{self, PagingFault};
use crate::scenario::Provider;
use crate::state::{self, SharedState};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v2/network", post(network))
        .route("/v2/credits", get(credits))
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
/// Accept, decline, withdraw, invite and check_invitation each cost one credit (§3.3–3.7).
const SINGLE_ACTION_COST: u64 = 1;
/// `metadata.action` of `GET /v2/credits` (INFERRED: no page documents it).
const CREDITS_ACTION: &str = "get_credits";
/// Not connected means second degree for `member_distance` (INFERRED).
const NOT_CONNECTED_DISTANCE: u8 = 2;

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
    /// Absent only on `GET /v2/credits`, which involves no account.
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
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
    code: String,
    message: String,
}

#[derive(Serialize)]
struct ErrorMetadata {
    action: Option<String>,
    credits_consumed: u64,
    timestamp: String,
}

#[derive(Serialize)]
struct InvitationList<T> {
    invitations: Vec<T>,
    total_results: u64,
    total_available_results: u64,
    /// Only `list_sent` echoes the type filter at the top level.
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation_type: Option<String>,
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

/// A `list_sent` item: `recipient`, no `shared_secret` (§3.2).
#[derive(Serialize)]
struct SentInvitation {
    entity_urn: String,
    recipient: Recipient,
    invitation_type: &'static str,
    sent_time: String,
    sent_time_days: i64,
}

/// The picture field is `profile_picture` here, not `profile_picture_url` (CONFIRMED).
#[derive(Serialize)]
struct Recipient {
    first_name: String,
    last_name: String,
    headline: Option<String>,
    linkedin_url: String,
    profile_picture: Option<String>,
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

#[derive(Serialize)]
struct Invited {
    invitation_urn: String,
    profile_urn: String,
    first_name: String,
    last_name: String,
    headline: Option<String>,
    public_identifier: String,
    profile_picture_url: Option<String>,
}

#[derive(Serialize)]
struct InvitationStatus {
    invitation_state: &'static str,
    invitation_type: Option<&'static str>,
    invitation_id: Option<String>,
    member_distance: Option<u8>,
    message: &'static str,
}

// ---- errors -----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorCode {
    InvalidApiKey,
    InvalidAccount,
    AccountInactive,
    InvalidAction,
    InvalidParams,
    InsufficientCredits,
    RateLimited,
}

impl ErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidApiKey => "INVALID_API_KEY",
            ErrorCode::InvalidAccount => "INVALID_ACCOUNT",
            ErrorCode::AccountInactive => "ACCOUNT_INACTIVE",
            ErrorCode::InvalidAction => "INVALID_ACTION",
            ErrorCode::InvalidParams => "INVALID_PARAMS",
            ErrorCode::InsufficientCredits => "INSUFFICIENT_CREDITS",
            ErrorCode::RateLimited => "RATE_LIMITED",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidApiKey | ErrorCode::AccountInactive => StatusCode::FORBIDDEN,
            ErrorCode::InvalidAccount => StatusCode::NOT_FOUND,
            ErrorCode::InvalidAction | ErrorCode::InvalidParams => StatusCode::BAD_REQUEST,
            ErrorCode::InsufficientCredits => StatusCode::PAYMENT_REQUIRED,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
}

impl ApiError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status: code.status(),
            code: code.as_str().to_owned(),
            message: message.into(),
        }
    }

    fn params(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParams, message)
    }

    /// LinkedIn refusals: relationship and input problems are INVALID_PARAMS (linkup.md §5);
    /// LinkedIn's limits use the scenario's `linkup.limit_refusal`.
    fn refusal(refusal: &Refusal, settings: &crate::scenario::LinkupSettings) -> Self {
        match refusal {
            Refusal::CannotResendYet { .. }
            | Refusal::WeeklyLimit { .. }
            | Refusal::NoteQuotaExhausted { .. } => {
                let choice = &settings.limit_refusal;
                Self {
                    status: StatusCode::from_u16(choice.status).unwrap_or(StatusCode::BAD_REQUEST),
                    code: choice.code.clone(),
                    message: refusal.to_string(),
                }
            }
            _ => Self::params(refusal.to_string()),
        }
    }

    fn into_response(self, action: Option<String>, now: OffsetDateTime) -> Response {
        let body = Failure {
            success: false,
            error: ErrorBody {
                code: self.code,
                message: self.message,
            },
            metadata: ErrorMetadata {
                action,
                // "Error responses never consume credits."
                credits_consumed: 0,
                timestamp: iso_utc(now),
            },
        };
        (self.status, Json(body)).into_response()
    }
}

fn invalid_key() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidApiKey,
        "The provided API key is invalid or missing",
    )
}

// ---- GET /v2/credits ----------------------------------------------------------------------

/// The balance of the key; free (3P w6w: "Consumes no credits"), but rate limited like the rest.
async fn credits(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let mut state = state::lock(&state);
    let now = state.clock.now();
    let result = (|| -> Result<Value, ApiError> {
        let key = linkup_key(&state, &headers).ok_or_else(invalid_key)?;
        admit(&mut state, key, 0)?;
        Ok(json!({ "credits": state.keys[key].credits }))
    })();
    match result {
        Ok(data) => success(CREDITS_ACTION, None, data, 0, now),
        Err(error) => error.into_response(Some(CREDITS_ACTION.to_owned()), now),
    }
}

// ---- POST /v2/network -------------------------------------------------------------------

async fn network(State(state): State<SharedState>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = state::lock(&state);
    let now = state.clock.now();
    // Parsed once up front so that every error, even the 403, can echo the action attempted.
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let action = parsed
        .as_ref()
        .and_then(|v| v.get("action"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let key = linkup_key(&state, &headers);
    match handle_network(&mut state, key, parsed) {
        Ok(response) => response,
        Err(error) => error.into_response(action, now),
    }
}

/// The index of the request's LinkUp key in `state.keys`.
fn linkup_key(state: &state::State, headers: &HeaderMap) -> Option<usize> {
    let api_key = headers.get("x-api-key").and_then(|v| v.to_str().ok())?;
    state.key_index(Provider::Linkup, api_key)
}

/// A validated state change, applied only once credits and the rate limit allow it.
enum Change {
    Accept(String),
    Decline(String),
    Withdraw(String),
    Invite(Arc<Person>, Option<String>),
}

/// Checks run in the order of linkup.md §2 (INFERRED there): key, body shape, account
/// (404, then 403 inactive), action, params and LinkedIn's rules, credits, rate limit.
fn handle_network(
    state: &mut state::State,
    key: Option<usize>,
    body: Option<Value>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let key = key.ok_or_else(invalid_key)?;
    let body = body.ok_or_else(|| ApiError::params("Request body must be valid JSON"))?;
    let body = body
        .as_object()
        .ok_or_else(|| ApiError::params("Request body must be a JSON object"))?;
    let account_id = required_string(body, "account_id")?;
    let action = required_string(body, "action")?;

    let account = state.keys[key]
        .accounts
        .iter()
        .position(|a| a.account_id == account_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAccount,
                format!("Account not found or not accessible with this API key: {account_id}"),
            )
        })?;
    if !state.keys[key].accounts[account].active {
        return Err(ApiError::new(
            ErrorCode::AccountInactive,
            "Account is inactive or suspended",
        ));
    }
    let (action, needs_params): (&'static str, bool) = match action {
        "list_invitations" => ("list_invitations", false),
        "list_sent" => ("list_sent", false),
        "accept" => ("accept", true),
        "decline" => ("decline", true),
        "withdraw" => ("withdraw", true),
        "invite" => ("invite", true),
        "check_invitation" => ("check_invitation", true),
        other => {
            return Err(ApiError::new(
                ErrorCode::InvalidAction,
                format!("Action '{other}' is not supported on the network endpoint"),
            ))
        }
    };
    let params = params_object(body, needs_params)?;
    let settings = state.linkup.clone();
    let paging = state.paging;
    let acc = &state.keys[key].accounts[account];

    // Read-only part: the response data and cost of a read, or the change to make.
    let (data, cost, change) = match action {
        "list_invitations" => {
            let query = ListQuery::parse(&params)?;
            let (list, returned) = list(&acc.received, &query, None, paging, |inv| {
                received_item(inv, now)
            });
            (to_value(list), list_cost(returned, &settings), None)
        }
        "list_sent" => {
            let query = ListQuery::parse(&params)?;
            let echo = Some(
                query
                    .invitation_type
                    .clone()
                    .unwrap_or(CONNECTION.to_owned()),
            );
            let (list, returned) = list(&acc.sent, &query, echo, paging, |inv| sent_item(inv, now));
            (to_value(list), list_cost(returned, &settings), None)
        }
        "accept" | "decline" => {
            let id = received_id(acc, &params, action)?;
            let change = if action == "accept" {
                Change::Accept(id)
            } else {
                Change::Decline(id)
            };
            (json!({}), SINGLE_ACTION_COST, Some(change))
        }
        "withdraw" => {
            let id = id_param(&params, "invitation_id")?;
            match acc.find(&id) {
                Some((Direction::Sent, _)) => {}
                Some((Direction::Received, _)) => {
                    return Err(ApiError::params(format!(
                        "Invitation {id} was received, not sent: only pending invitations you sent can be withdrawn"
                    )))
                }
                None => {
                    return Err(ApiError::params(format!(
                        "Invitation {id} is not a pending invitation you sent (unknown or already handled)"
                    )))
                }
            }
            let data = json!({ "withdrawn": true, "invitation_id": id });
            (data, SINGLE_ACTION_COST, Some(Change::Withdraw(id)))
        }
        "invite" => {
            let person = invite_target(state, &params)?;
            let note = optional_string(&params, "message")?;
            let acc = &state.keys[key].accounts[account];
            acc.can_invite(&state.linkedin, &person, note.as_deref(), now)
                .map_err(|r| ApiError::refusal(&r, &settings))?;
            (
                Value::Null,
                SINGLE_ACTION_COST,
                Some(Change::Invite(person, note)),
            )
        }
        // "check_invitation"
        _ => {
            let url = optional_string(&params, "profile_url")?
                .or(optional_string(&params, "linkedin_url")?)
                .ok_or_else(|| ApiError::params("Missing required parameter: profile_url"))?;
            let person = state
                .people
                .resolve(&url)
                .map_err(|r| ApiError::params(r.to_string()))?;
            let status = invitation_status(&state.keys[key].accounts[account], person);
            (to_value(status), SINGLE_ACTION_COST, None)
        }
    };

    admit(state, key, cost)?;
    let rules = state.linkedin.clone();
    let acc = &mut state.keys[key].accounts[account];
    // Every change was validated above with nothing in between, so none of these refuse; a
    // refusal would still be reported rather than hidden.
    let data = match change {
        None => Ok(data),
        Some(Change::Accept(id)) => acc.accept_received(&id).map(|_| data),
        Some(Change::Decline(id)) => acc.decline_received(&id).map(|_| data),
        Some(Change::Withdraw(id)) => acc.withdraw_sent(&id, now).map(|_| data),
        Some(Change::Invite(person, note)) => acc
            .invite(&rules, &person, note.as_deref(), now)
            .map(|inv| to_value(invited(inv))),
    }
    .map_err(|r| ApiError::refusal(&r, &settings))
    .inspect_err(|_| state.keys[key].credits += cost)?;
    Ok(success(action, Some(account_id), data, cost, now))
}

/// Credits (402), then the rate limit (429), then the deduction: a refused request costs
/// nothing (linkup.md §2).
fn admit(state: &mut state::State, key: usize, cost: u64) -> Result<(), ApiError> {
    let balance = state.keys[key].credits;
    if balance < cost {
        return Err(ApiError::new(
            ErrorCode::InsufficientCredits,
            format!("Insufficient credits: this request needs {cost}, the balance is {balance}"),
        ));
    }
    if let Some(limit) = state.linkup.rate_limit {
        state
            .take_token(&format!("linkup/{key}"), limit)
            .map_err(|_| {
                ApiError::new(
                    ErrorCode::RateLimited,
                    "Too many requests, retry after a short delay",
                )
            })?;
    }
    state.keys[key].credits = balance - cost;
    Ok(())
}

fn success<T: Serialize>(
    action: &'static str,
    account_id: Option<&str>,
    data: T,
    credits_consumed: u64,
    now: OffsetDateTime,
) -> Response {
    let envelope = Success {
        success: true,
        data,
        metadata: SuccessMetadata {
            action,
            account_id: account_id.map(str::to_owned),
            credits_consumed,
            timestamp: iso_utc(now),
        },
    };
    Json(envelope).into_response()
}

/// Our own wire structs always serialize.
fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

// ---- params -----------------------------------------------------------------------------

fn required_string<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(ApiError::params(format!(
            "Missing required parameter: {name}"
        ))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::params(format!(
            "Invalid parameter: {name} must be a string"
        ))),
    }
}

fn optional_string(params: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::params(format!(
            "Invalid parameter: {name} must be a string"
        ))),
    }
}

/// `params` is optional on list actions (absent or null reads as `{}`) and required on the
/// others (§1).
fn params_object(
    body: &Map<String, Value>,
    required: bool,
) -> Result<Map<String, Value>, ApiError> {
    match body.get("params") {
        None | Some(Value::Null) if required => {
            Err(ApiError::params("Missing required parameter: params"))
        }
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(params)) => Ok(params.clone()),
        Some(_) => Err(ApiError::params(
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
                ApiError::params(format!(
                    "Invalid parameter: {name} must be an integer >= {min}"
                ))
            }),
    }
}

/// An invitation id: a non-empty string, or a non-negative integer (V1 examples show both).
fn id_param(params: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match params.get(name) {
        None | Some(Value::Null) => Err(ApiError::params(format!(
            "Missing required parameter: {name}"
        ))),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        Some(_) => Err(ApiError::params(format!(
            "Invalid parameter: {name} must be a non-empty string"
        ))),
    }
}

/// The id of the pending received invitation named by `entity_urn` + `shared_secret`.
fn received_id(
    account: &state::Account,
    params: &Map<String, Value>,
    action: &str,
) -> Result<String, ApiError> {
    let urn = required_string(params, "entity_urn")?;
    let secret = required_string(params, "shared_secret")?;
    // V1 lists used `urn:li:fsd_invitation:`; accept both forms.
    let id = urn
        .strip_prefix("urn:li:invitation:")
        .or_else(|| urn.strip_prefix("urn:li:fsd_invitation:"))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            ApiError::params(format!(
                "Invalid parameter: entity_urn must look like urn:li:invitation:<id>, got \"{urn}\""
            ))
        })?;
    match account.find(id) {
        Some((Direction::Received, invitation)) if invitation.shared_secret == secret => {
            Ok(id.to_owned())
        }
        Some((Direction::Received, _)) => Err(ApiError::params(
            "Invalid parameter: shared_secret does not match this invitation",
        )),
        Some((Direction::Sent, _)) => Err(ApiError::params(format!(
            "Invitation {id} was sent by this account: only received invitations can be {}",
            if action == "accept" { "accepted" } else { "declined" }
        ))),
        None => Err(ApiError::params(format!(
            "Invitation {id} is not a pending received invitation (unknown, expired or already handled)"
        ))),
    }
}

/// `profile_url` (alias `linkedin_url`) or `identifier` (vanity name, ACo id or URN).
fn invite_target(
    state: &state::State,
    params: &Map<String, Value>,
) -> Result<Arc<Person>, ApiError> {
    let given = optional_string(params, "profile_url")?
        .or(optional_string(params, "linkedin_url")?)
        .or(optional_string(params, "identifier")?)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::params("Missing required parameter: profile_url or identifier"))?;
    state
        .people
        .resolve(&given)
        .cloned()
        .map_err(|r| ApiError::params(r.to_string()))
}

// ---- lists ------------------------------------------------------------------------------

struct ListQuery {
    count: u64,
    offset: u64,
    invitation_type: Option<String>,
}

impl ListQuery {
    fn parse(params: &Map<String, Value>) -> Result<Self, ApiError> {
        let count = optional_uint(params, "count", 1)?.map_or(DEFAULT_COUNT, |n| n.min(MAX_COUNT));
        let offset = optional_uint(params, "offset", 0)?.unwrap_or(0);
        let invitation_type = optional_string(params, "invitation_type")?;
        Ok(Self {
            count,
            offset,
            invitation_type,
        })
    }
}

/// One page of `all` (newest first) as `fault` serves it (`paging.rs`), sliced without copying
/// the rest: O(page).
fn list<T>(
    all: &[Invitation],
    query: &ListQuery,
    echo_type: Option<String>,
    fault: Option<PagingFault>,
    item: impl Fn(&Invitation) -> T,
) -> (InvitationList<T>, u64) {
    let type_matches = query
        .invitation_type
        .as_deref()
        .is_none_or(|t| t == CONNECTION);
    let matching: &[Invitation] = if type_matches { all } else { &[] };
    let served = paging::serve(
        fault,
        matching.len(),
        usize::try_from(query.offset).unwrap_or(usize::MAX),
        usize::try_from(query.count).unwrap_or(usize::MAX),
    );
    let page = paging::items(matching, &served);
    let returned = page.len() as u64;
    let next_offset = served
        .next
        .map_or(query.offset.saturating_add(returned), |next| next as u64);
    let list = InvitationList {
        invitations: page.into_iter().map(item).collect(),
        total_results: returned,
        total_available_results: served.total as u64,
        invitation_type: echo_type,
        pagination: Pagination {
            offset: query.offset,
            count: returned,
            next_offset,
            has_more: served.next.is_some(),
            results_per_page: query.count.min(UPSTREAM_PAGE),
            pages_fetched: returned.div_ceil(UPSTREAM_PAGE).max(1),
        },
    };
    (list, returned)
}

fn list_cost(returned: u64, settings: &crate::scenario::LinkupSettings) -> u64 {
    if returned == 0 {
        settings.empty_page_credits
    } else {
        returned.div_ceil(RESULTS_PER_CREDIT)
    }
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
            linkedin_url: person.profile_url(),
            profile_picture_url: person.picture_url.clone(),
        },
        invitation_type: CONNECTION,
        sent_time,
        sent_time_days,
    }
}

fn sent_item(invitation: &Invitation, now: OffsetDateTime) -> SentInvitation {
    let (sent_time, sent_time_days) = relative_age(now - invitation.sent_at);
    let person = &invitation.person;
    SentInvitation {
        entity_urn: format!("urn:li:invitation:{}", invitation.id),
        recipient: Recipient {
            first_name: person.first_name.clone(),
            last_name: person.last_name.clone(),
            headline: person.headline.clone(),
            linkedin_url: person.profile_url(),
            profile_picture: person.picture_url.clone(),
        },
        invitation_type: CONNECTION,
        sent_time,
        sent_time_days,
    }
}

fn invited(invitation: &Invitation) -> Invited {
    let person = &invitation.person;
    Invited {
        invitation_urn: format!("urn:li:invitation:{}", invitation.id),
        profile_urn: format!("urn:li:fsd_profile:{}", person.provider_id),
        first_name: person.first_name.clone(),
        last_name: person.last_name.clone(),
        headline: person.headline.clone(),
        public_identifier: person.public_identifier.clone(),
        profile_picture_url: person.picture_url.clone(),
    }
}

/// The INFERRED combinations of linkup.md §3.7.
fn invitation_status(account: &state::Account, person: &Person) -> InvitationStatus {
    if account.is_connected(person) {
        return InvitationStatus {
            invitation_state: "ACCEPTED",
            invitation_type: Some("CONNECTED"),
            invitation_id: None,
            member_distance: Some(1),
            message: "You are connected with this person",
        };
    }
    match account.pending_with(person) {
        Some((direction, invitation)) => InvitationStatus {
            invitation_state: "PENDING",
            invitation_type: Some(match direction {
                Direction::Sent => "SENT",
                Direction::Received => "RECEIVED",
            }),
            invitation_id: Some(invitation.id.clone()),
            member_distance: Some(NOT_CONNECTED_DISTANCE),
            message: match direction {
                Direction::Sent => "Invitation sent and pending",
                Direction::Received => "Invitation received and pending",
            },
        },
        None => InvitationStatus {
            invitation_state: "NO_INVITATION",
            invitation_type: None,
            invitation_id: None,
            member_distance: Some(NOT_CONNECTED_DISTANCE),
            message: "No invitation between you and this person",
        },
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
