//! Scenario files: the JSON model that seeds the emulator, and its validation.
//!
//! Parsing is strict (`deny_unknown_fields`) so that a typo in a scenario fails loudly instead
//! of silently producing an emulator that behaves differently from what the test expects.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use time::OffsetDateTime;

use crate::clock::parse_rfc3339;

/// Why a scenario was refused; the message names the offending entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError(String);

impl ScenarioError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Frozen "now"; absent means the real time when the scenario loads.
    #[serde(default)]
    pub clock: Option<Timestamp>,
    #[serde(default)]
    pub linkup: LinkupSettings,
    #[serde(default)]
    pub linkedin: LinkedinSettings,
    #[serde(default)]
    pub unipile: crate::unipile_common::UnipileSettings,
    /// Every list answer pages this way (`paging.rs`); absent, they page honestly.
    #[serde(default)]
    pub paging: Option<crate::paging::PagingFault>,
    pub people: Vec<Person>,
    pub keys: Vec<Key>,
}

/// Knobs for behaviour that linkup.md marks INFERRED.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkupSettings {
    /// Credits charged by a list action that returns nothing (unknown upstream; 1 by default).
    pub empty_page_credits: u64,
    /// The error for LinkedIn's limits (weekly cap, note quota, re-invite cooldown):
    /// linkup.md open question 6 leaves it open.
    pub limit_refusal: ErrorChoice,
    /// LinkUp's own request rate limit per API key; absent means none.
    pub rate_limit: Option<RateLimit>,
}

impl Default for LinkupSettings {
    fn default() -> Self {
        Self {
            empty_page_credits: 1,
            limit_refusal: ErrorChoice {
                status: 400,
                code: "INVALID_PARAMS".to_owned(),
            },
            rate_limit: None,
        }
    }
}

/// An HTTP status and a provider error code, for refusals whose wire form is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorChoice {
    pub status: u16,
    pub code: String,
}

/// A token bucket on the virtual clock: `requests` at most, refilled evenly over `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    pub per_seconds: u32,
}

/// LinkedIn's own rules, shared by every API. The defaults come from unipile.md §8 and general
/// LinkedIn behaviour; all are INFERRED, hence configurable.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkedinSettings {
    /// Invitations per rolling 7 days, per plan.
    pub weekly_invitations: PerPlan,
    /// Invitations with a note per rolling 30 days on the free plan (premium has no cap).
    pub monthly_notes_free: u32,
    /// Longest note, in characters.
    pub note_max_chars: usize,
    /// Days after a withdrawal before the same person can be invited again.
    pub resend_cooldown_days: u32,
}

impl Default for LinkedinSettings {
    fn default() -> Self {
        Self {
            weekly_invitations: PerPlan {
                free: 150,
                premium: 250,
            },
            monthly_notes_free: 5,
            note_max_chars: 300,
            resend_cooldown_days: 21,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerPlan {
    pub free: u32,
    pub premium: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The vanity name in `https://www.linkedin.com/in/{public_identifier}`; the key other
    /// entries use to refer to this person.
    pub public_identifier: String,
    /// The `ACoA…` member id.
    #[serde(default)]
    pub provider_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub picture_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Linkup,
    UnipileV2,
    UnipileV1,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Linkup => "linkup",
            Provider::UnipileV2 => "unipile_v2",
            Provider::UnipileV1 => "unipile_v1",
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub provider: Provider,
    pub api_key: String,
    /// Required for LinkUp keys, refused for the others (Unipile has no credits).
    #[serde(default)]
    pub credits: Option<u64>,
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Premium,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub account_id: String,
    pub plan: Plan,
    #[serde(default)]
    pub received: Vec<Invitation>,
    #[serde(default)]
    pub sent: Vec<Invitation>,
    /// Public identifiers of people already connected to this account.
    #[serde(default)]
    pub connections: Vec<String>,
    /// False: the LinkedIn session is gone (LinkUp `ACCOUNT_INACTIVE`).
    #[serde(default = "yes")]
    pub active: bool,
    /// Invitations counted as sent just now, so tests reach the weekly cap quickly.
    #[serde(default)]
    pub invitations_sent_this_week: u32,
    /// Invitations with a note counted as sent just now (free plan monthly quota).
    #[serde(default)]
    pub notes_sent_this_month: u32,
    /// Synthetic invitations from generated people, for scale tests.
    #[serde(default)]
    pub generate: Generate,
}

fn yes() -> bool {
    true
}

/// How many synthetic invitations to add in each direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Generate {
    pub received: u32,
    pub sent: u32,
}

/// Keeps a typo (an extra zero) from eating the machine's memory.
pub const MAX_GENERATED: u32 = 100_000;

/// When an invitation was sent: relative to the clock at load, or absolute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    DaysAgo(f64),
    At(OffsetDateTime),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawInvitation")]
pub struct Invitation {
    pub id: String,
    /// Public identifier of the other party (sender of a received one, recipient of a sent one).
    pub person: String,
    pub when: When,
    pub note: Option<String>,
    pub shared_secret: Option<String>,
}

/// The wire form of [`Invitation`]; converting it enforces "either `days_ago` or `sent_at`".
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInvitation {
    id: String,
    person: String,
    #[serde(default)]
    days_ago: Option<f64>,
    #[serde(default)]
    sent_at: Option<Timestamp>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    shared_secret: Option<String>,
}

impl TryFrom<RawInvitation> for Invitation {
    type Error = String;

    fn try_from(raw: RawInvitation) -> Result<Self, String> {
        let when = match (raw.days_ago, raw.sent_at) {
            (Some(days), None) if days.is_finite() && days >= 0.0 => When::DaysAgo(days),
            (Some(days), None) => {
                return Err(format!(
                    "invitation \"{}\": days_ago must be a number >= 0, got {days}",
                    raw.id
                ))
            }
            (None, Some(at)) => When::At(at.0),
            (Some(_), Some(_)) => {
                return Err(format!(
                    "invitation \"{}\": give either days_ago or sent_at, not both",
                    raw.id
                ))
            }
            (None, None) => {
                return Err(format!(
                    "invitation \"{}\": days_ago or sent_at is required",
                    raw.id
                ))
            }
        };
        Ok(Self {
            id: raw.id,
            person: raw.person,
            when,
            note: raw.note,
            shared_secret: raw.shared_secret,
        })
    }
}

/// An RFC 3339 timestamp, normalised to UTC while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Timestamp(pub OffsetDateTime);

impl TryFrom<String> for Timestamp {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        parse_rfc3339(&text).map(Timestamp)
    }
}

impl Scenario {
    /// Parses and validates a scenario file's text.
    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text)
            .map_err(|e| ScenarioError::new(redact_keys(text, format!("scenario JSON: {e}"))))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Cross-reference checks that serde cannot express.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let mut people = HashSet::new();
        for (i, person) in self.people.iter().enumerate() {
            let id = person.public_identifier.as_str();
            if id.trim().is_empty() {
                return Err(ScenarioError::new(format!(
                    "people[{i}]: public_identifier is empty"
                )));
            }
            if !people.insert(id) {
                return Err(ScenarioError::new(format!(
                    "people[{i}]: duplicate public_identifier \"{id}\""
                )));
            }
        }

        let refusal = &self.linkup.limit_refusal;
        if !(400..=599).contains(&refusal.status) || refusal.code.trim().is_empty() {
            return Err(ScenarioError::new(
                "linkup.limit_refusal: status must be 400-599 and code non-empty",
            ));
        }
        if let Some(limit) = self.linkup.rate_limit {
            if limit.requests == 0 || limit.per_seconds == 0 {
                return Err(ScenarioError::new(
                    "linkup.rate_limit: requests and per_seconds must be at least 1",
                ));
            }
        }

        self.unipile.validate(|id| people.contains(id))?;

        let mut api_keys = HashSet::new();
        let mut account_ids = HashSet::new();
        for (k, key) in self.keys.iter().enumerate() {
            // The key value itself is left out of messages: keys never appear in errors.
            let at = format!("keys[{k}] ({})", key.provider);
            if key.api_key.trim().is_empty() {
                return Err(ScenarioError::new(format!("{at}: api_key is empty")));
            }
            if !api_keys.insert(key.api_key.as_str()) {
                return Err(ScenarioError::new(format!(
                    "{at}: duplicate api_key (already used by an earlier key)"
                )));
            }
            match (key.provider, key.credits) {
                (Provider::Linkup, None) => {
                    return Err(ScenarioError::new(format!(
                        "{at}: credits is required for linkup keys"
                    )))
                }
                (Provider::UnipileV2 | Provider::UnipileV1, Some(_)) => {
                    return Err(ScenarioError::new(format!(
                        "{at}: credits applies only to linkup keys"
                    )))
                }
                _ => {}
            }
            for (a, account) in key.accounts.iter().enumerate() {
                let at = format!("{at}.accounts[{a}]");
                if account.account_id.trim().is_empty() {
                    return Err(ScenarioError::new(format!("{at}: account_id is empty")));
                }
                if !account_ids.insert(account.account_id.as_str()) {
                    return Err(ScenarioError::new(format!(
                        "{at}: duplicate account_id \"{}\"",
                        account.account_id
                    )));
                }
                validate_account(&at, account, &people)?;
            }
        }
        Ok(())
    }
}

/// serde quotes the offending value in some errors (e.g. a key pasted into `credits`), so every
/// `api_key` string of the scenario is masked in `message`.
fn redact_keys(text: &str, mut message: String) -> String {
    let Ok(raw) = serde_json::from_str::<serde_json::Value>(text) else {
        // Unparsable JSON: serde's message gives only a position, never the text.
        return message;
    };
    let keys = raw.get("keys").and_then(|k| k.as_array());
    for key in keys.into_iter().flatten() {
        if let Some(api_key) = key.get("api_key").and_then(|k| k.as_str()) {
            if !api_key.is_empty() {
                message = message.replace(api_key, "<api key>");
            }
        }
    }
    message
}

/// Invitation ids are unique within an account, and a person appears at most once per account
/// across received, sent and connections: LinkedIn merges crossed invitations into a
/// connection and never keeps two pending ones between the same two members.
fn validate_account(
    at: &str,
    account: &Account,
    people: &HashSet<&str>,
) -> Result<(), ScenarioError> {
    let mut ids = HashSet::new();
    let mut seen = HashSet::new();
    let mut check_person = |entry: &str, person: &str| {
        if !people.contains(person) {
            return Err(ScenarioError::new(format!(
                "{at}.{entry}: unknown person \"{person}\" (not in people)"
            )));
        }
        if !seen.insert(person.to_owned()) {
            return Err(ScenarioError::new(format!(
                "{at}.{entry}: person \"{person}\" already appears in this account"
            )));
        }
        Ok(())
    };
    for (list, invitations) in [("received", &account.received), ("sent", &account.sent)] {
        for (n, invitation) in invitations.iter().enumerate() {
            let entry = format!("{list}[{n}]");
            if invitation.id.trim().is_empty() {
                return Err(ScenarioError::new(format!("{at}.{entry}: id is empty")));
            }
            if !ids.insert(invitation.id.as_str()) {
                return Err(ScenarioError::new(format!(
                    "{at}.{entry}: duplicate invitation id \"{}\"",
                    invitation.id
                )));
            }
            check_person(&entry, &invitation.person)?;
        }
    }
    for (n, person) in account.connections.iter().enumerate() {
        check_person(&format!("connections[{n}]"), person)?;
    }
    let Generate { received, sent } = account.generate;
    if received > MAX_GENERATED || sent > MAX_GENERATED {
        return Err(ScenarioError::new(format!(
            "{at}.generate: at most {MAX_GENERATED} invitations per direction"
        )));
    }
    Ok(())
}
