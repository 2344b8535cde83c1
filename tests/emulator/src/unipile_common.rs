//! What the Unipile v2 and v1 routes share: the `unipile` scenario section, finding the
//! caller's account, turning LinkedIn refusals into each API's (configurable) error,
//! millisecond timestamps, base64 offset cursors and query parameters.

use crate::paging::{self, PagingFault};
use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock::iso_utc;
use crate::domain::{People, Person, Refusal};
use crate::scenario::{Provider, RateLimit, ScenarioError};
use crate::state::{derived_provider_id, ApiKey};

// ---- the `unipile` scenario section -------------------------------------------------------

/// Knobs for what unipile.md marks INFERRED; every default is listed in the README.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnipileSettings {
    /// Largest v2 `limit` (the provider's "ceiling, not a guarantee").
    pub v2_max_limit: usize,
    /// What a v2 `limit` above `v2_max_limit` does.
    pub v2_above_max_limit: AboveMax,
    /// Whether v2 lists also carry `next_cursor` while more items remain.
    pub v2_next_cursor: bool,
    /// Unipile's own per-account, per-method limiter on v2 (off when absent).
    pub v2_rate_limit: Option<RateLimit>,
    /// v2 error for each LinkedIn refusal, replacing the built-in choice.
    pub v2_errors: HashMap<RefusalKind, ErrorOverride>,
    /// v1 `limit` when the request has none.
    pub v1_default_limit: usize,
    /// Largest v1 `limit` on the received list (the sent list's 250 is documented).
    pub v1_received_max_limit: usize,
    /// v1 error for each LinkedIn refusal, replacing the built-in choice.
    pub v1_errors: HashMap<RefusalKind, ErrorOverride>,
    /// The LinkedIn member behind each account (account id → public identifier in `people`):
    /// v1 lists show them as `inviter` of sent items and `invited_user` of received ones.
    pub owners: HashMap<String, String>,
}

impl Default for UnipileSettings {
    fn default() -> Self {
        Self {
            v2_max_limit: 100,
            v2_above_max_limit: AboveMax::Clamp,
            v2_next_cursor: false,
            v2_rate_limit: None,
            v2_errors: HashMap::new(),
            v1_default_limit: 10,
            v1_received_max_limit: 100,
            v1_errors: HashMap::new(),
            owners: HashMap::new(),
        }
    }
}

impl UnipileSettings {
    /// Owners must be scenario people; limits and rate limits must be usable.
    pub fn validate(&self, is_person: impl Fn(&str) -> bool) -> Result<(), ScenarioError> {
        let error = |m: String| Err(ScenarioError::new(format!("unipile.{m}")));
        for (account, person) in &self.owners {
            if !is_person(person) {
                return error(format!(
                    "owners[\"{account}\"]: unknown person \"{person}\" (not in people)"
                ));
            }
        }
        for (name, value) in [
            ("v2_max_limit", self.v2_max_limit),
            ("v1_default_limit", self.v1_default_limit),
            ("v1_received_max_limit", self.v1_received_max_limit),
        ] {
            if value == 0 {
                return error(format!("{name} must be at least 1"));
            }
        }
        if let Some(RateLimit {
            requests,
            per_seconds,
        }) = self.v2_rate_limit
        {
            if requests == 0 || per_seconds == 0 {
                return error("v2_rate_limit: requests and per_seconds must be at least 1".into());
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AboveMax {
    /// Serve `max` items, as a ceiling would.
    Clamp,
    /// 400 `api/invalid_parameters`.
    Refuse,
}

/// The refusals of the domain layer, by the names the scenario's error tables use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalKind {
    UnknownInvitation,
    WrongDirection,
    UnknownPerson,
    AlreadyConnected,
    AlreadyInvited,
    InvitedYou,
    CannotResendYet,
    WeeklyLimit,
    NoteQuota,
    NoteTooLong,
}

impl From<&Refusal> for RefusalKind {
    fn from(refusal: &Refusal) -> Self {
        match refusal {
            Refusal::UnknownInvitation => Self::UnknownInvitation,
            Refusal::WrongDirection { .. } => Self::WrongDirection,
            Refusal::UnknownPerson => Self::UnknownPerson,
            Refusal::AlreadyConnected => Self::AlreadyConnected,
            Refusal::AlreadyInvited => Self::AlreadyInvited,
            Refusal::InvitedYou => Self::InvitedYou,
            Refusal::CannotResendYet { .. } => Self::CannotResendYet,
            Refusal::WeeklyLimit { .. } => Self::WeeklyLimit,
            Refusal::NoteQuotaExhausted { .. } => Self::NoteQuota,
            Refusal::NoteTooLong { .. } => Self::NoteTooLong,
        }
    }
}

/// A scenario's replacement for one refusal's error. Without `detail`, the emulator's own
/// sentence naming the LinkedIn reason is used.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorOverride {
    pub status: ErrorStatus,
    #[serde(rename = "type")]
    pub error_type: String,
    pub title: String,
    #[serde(default)]
    pub detail: Option<String>,
}

/// An HTTP error status (400–599), checked while the scenario is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u16")]
pub struct ErrorStatus(pub StatusCode);

impl TryFrom<u16> for ErrorStatus {
    type Error = String;

    fn try_from(code: u16) -> Result<Self, String> {
        StatusCode::from_u16(code)
            .ok()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .map(ErrorStatus)
            .ok_or_else(|| format!("status {code} is not an HTTP error status (400-599)"))
    }
}

// ---- errors ---------------------------------------------------------------------------------

/// A Unipile error before it takes v2's or v1's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnipileError {
    pub status: StatusCode,
    /// `api/…` or `provider/…` on v2, `errors/…` on v1.
    pub error_type: String,
    pub title: String,
    /// v1's live `limit_exceeded` body has none.
    pub detail: Option<String>,
    /// Seconds, sent as `Retry-After` (v2 429 only).
    pub retry_after: Option<u64>,
}

impl UnipileError {
    pub fn new(status: StatusCode, error_type: &str, title: &str, detail: String) -> Self {
        Self {
            status,
            error_type: error_type.to_owned(),
            title: title.to_owned(),
            detail: Some(detail),
            retry_after: None,
        }
    }
}

/// Where a built-in refusal error takes its `detail` from.
#[derive(Debug, Clone, Copy)]
pub enum Detail {
    /// The domain's sentence, which names the LinkedIn reason.
    Refusal,
    /// A documented live text.
    Text(&'static str),
    /// No `detail` key, as in a documented live body.
    Omitted,
}

/// One API's built-in error for a refusal.
pub type BuiltIn = (StatusCode, &'static str, &'static str, Detail);

/// The scenario's error for this refusal if it has one, else the API's built-in one.
pub fn refusal_error(
    refusal: &Refusal,
    overrides: &HashMap<RefusalKind, ErrorOverride>,
    built_in: fn(RefusalKind) -> BuiltIn,
) -> UnipileError {
    let kind = RefusalKind::from(refusal);
    if let Some(o) = overrides.get(&kind) {
        return UnipileError {
            status: o.status.0,
            error_type: o.error_type.clone(),
            title: o.title.clone(),
            detail: Some(o.detail.clone().unwrap_or_else(|| refusal.to_string())),
            retry_after: None,
        };
    }
    let (status, error_type, title, detail) = built_in(kind);
    UnipileError {
        status,
        error_type: error_type.to_owned(),
        title: title.to_owned(),
        detail: match detail {
            Detail::Refusal => Some(refusal.to_string()),
            Detail::Text(text) => Some(text.to_owned()),
            Detail::Omitted => None,
        },
        retry_after: None,
    }
}

// ---- access -------------------------------------------------------------------------------

/// Why a request could not reach an account; each API words these its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// `X-API-KEY` missing, unknown, or a key of another API.
    Key,
    /// The account is not one of this key's accounts.
    UnknownAccount,
    /// The account's LinkedIn session is gone (`active: false`).
    Disconnected,
}

/// The value of `X-API-KEY` (header names are case-insensitive).
pub fn api_key(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-api-key").and_then(|v| v.to_str().ok())
}

/// Which of `keys` the caller holds. The key is checked before anything else so that a bad
/// key never learns whether an account exists.
pub fn key_index(
    keys: &[ApiKey],
    provider: Provider,
    api_key: Option<&str>,
) -> Result<usize, Denied> {
    let api_key = api_key.ok_or(Denied::Key)?;
    keys.iter()
        .position(|k| k.provider == provider && k.api_key == api_key)
        .ok_or(Denied::Key)
}

/// Which of the key's accounts is `account_id`, if its LinkedIn session is alive.
pub fn account_index(key: &ApiKey, account_id: &str) -> Result<usize, Denied> {
    let a = key
        .accounts
        .iter()
        .position(|a| a.account_id == account_id)
        .ok_or(Denied::UnknownAccount)?;
    if key.accounts[a].active {
        Ok(a)
    } else {
        Err(Denied::Disconnected)
    }
}

/// Where the caller's account is, as (key index, account index) into `keys`, so that handlers
/// can then borrow the account and the rest of the state side by side.
pub fn locate(
    keys: &[ApiKey],
    provider: Provider,
    api_key: Option<&str>,
    account_id: &str,
) -> Result<(usize, usize), Denied> {
    let k = key_index(keys, provider, api_key)?;
    Ok((k, account_index(&keys[k], account_id)?))
}

/// The member behind an account: the scenario's `unipile.owners` entry, else a stable
/// stand-in derived from the account id.
pub fn owner(settings: &UnipileSettings, people: &People, account_id: &str) -> Arc<Person> {
    settings
        .owners
        .get(account_id)
        .and_then(|id| people.by_public_identifier(id))
        .cloned()
        .unwrap_or_else(|| {
            let public_identifier = format!("owner-{}", account_id.to_lowercase());
            Arc::new(Person {
                provider_id: derived_provider_id(&public_identifier),
                public_identifier,
                first_name: "Account".to_owned(),
                last_name: "Owner".to_owned(),
                headline: None,
                picture_url: None,
            })
        })
}

// ---- wire helpers -------------------------------------------------------------------------

/// `2026-05-01T13:32:38.772Z`: the clock's format with milliseconds, as in Unipile's examples.
pub fn iso_utc_ms(t: OffsetDateTime) -> String {
    let seconds = iso_utc(t);
    let whole = seconds.strip_suffix('Z').unwrap_or(&seconds);
    format!("{whole}.{:03}Z", t.millisecond())
}

/// The decoded form of a cursor: base64 of `{"limit":L,"cursor":offset}` (unipile.md §6.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    pub limit: usize,
    pub cursor: usize,
}

impl Cursor {
    pub fn encode(self) -> String {
        // Serialising two integers cannot fail.
        BASE64.encode(serde_json::to_vec(&self).unwrap_or_default())
    }

    /// `None` for anything this emulator did not hand out.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = BASE64.decode(text).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// One page of `list` as `fault` serves it (`paging.rs`): its items in the order served, the
/// cursor of the next page, if any, and the total it states.
pub fn page<T>(
    list: &[T],
    offset: usize,
    limit: usize,
    fault: Option<PagingFault>,
) -> (Vec<&T>, Option<Cursor>, usize) {
    let served = paging::serve(fault, list.len(), offset, limit);
    let next = served.next.map(|cursor| Cursor { limit, cursor });
    (paging::items(list, &served), next, served.total)
}

/// Query parameters, percent-decoded; a query that cannot be decoded is the caller's error.
pub type QueryParams = Result<Query<HashMap<String, String>>, QueryRejection>;

pub fn query(params: QueryParams) -> Result<HashMap<String, String>, String> {
    params
        .map(|Query(map)| map)
        .map_err(|_| "the query string cannot be decoded".to_owned())
}

/// An optional whole-number parameter of at least `min`.
pub fn number_param(
    params: &HashMap<String, String>,
    name: &str,
    min: usize,
) -> Result<Option<usize>, String> {
    params
        .get(name)
        .map(|text| {
            text.parse::<usize>()
                .ok()
                .filter(|n| *n >= min)
                .ok_or_else(|| format!("{name} must be an integer >= {min}"))
        })
        .transpose()
}
