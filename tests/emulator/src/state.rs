//! Runtime state of the emulator: built from a scenario, shared by every route, mutated by them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use time::{Duration, OffsetDateTime};

use crate::clock::VirtualClock;
use crate::scenario::{
    self, LinkupSettings, Person, Plan, Provider, Scenario, ScenarioError, When,
};

/// Handlers hold the lock only for synchronous work, so a std mutex is enough.
pub type SharedState = Arc<Mutex<State>>;

/// Locks the state. A panic elsewhere must not wedge the emulator, so poisoning is ignored:
/// every handler leaves the state consistent before it can fail.
pub fn lock(state: &SharedState) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Clone)]
pub struct State {
    pub clock: VirtualClock,
    pub linkup: LinkupSettings,
    pub keys: Vec<ApiKey>,
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub provider: Provider,
    pub api_key: String,
    /// LinkUp credit balance; always 0 for Unipile keys, which have no credits.
    pub credits: u64,
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: String,
    pub plan: Plan,
    /// Pending invitations received, newest first.
    pub received: Vec<Invitation>,
    /// Pending invitations sent, newest first.
    pub sent: Vec<Invitation>,
    pub connections: Vec<Person>,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    /// The other party, resolved at load so that routes never meet a dangling reference.
    pub person: Person,
    pub sent_at: OffsetDateTime,
    pub note: Option<String>,
    pub shared_secret: String,
}

impl State {
    /// Validates `scenario` and builds the state; without a scenario clock, "now" is the real
    /// time at this call.
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, ScenarioError> {
        scenario.validate()?;
        let clock = VirtualClock::at(scenario.clock.map_or_else(OffsetDateTime::now_utc, |t| t.0));
        let people: HashMap<&str, &Person> = scenario
            .people
            .iter()
            .map(|p| (p.public_identifier.as_str(), p))
            .collect();
        let person = |id: &str| {
            people
                .get(id)
                .map(|p| (*p).clone())
                .ok_or_else(|| ScenarioError::new(format!("unknown person \"{id}\"")))
        };
        let keys = scenario
            .keys
            .iter()
            .map(|key| {
                let accounts = key
                    .accounts
                    .iter()
                    .map(|account| {
                        Ok(Account {
                            account_id: account.account_id.clone(),
                            plan: account.plan,
                            received: invitations(&account.received, clock, &person)?,
                            sent: invitations(&account.sent, clock, &person)?,
                            connections: account
                                .connections
                                .iter()
                                .map(|id| person(id))
                                .collect::<Result<_, _>>()?,
                        })
                    })
                    .collect::<Result<_, ScenarioError>>()?;
                Ok(ApiKey {
                    provider: key.provider,
                    api_key: key.api_key.clone(),
                    credits: key.credits.unwrap_or(0),
                    accounts,
                })
            })
            .collect::<Result<_, ScenarioError>>()?;
        Ok(Self {
            clock,
            linkup: scenario.linkup.clone(),
            keys,
        })
    }

    /// The credit balance of a LinkUp key.
    pub fn credits(&self, api_key: &str) -> Option<u64> {
        self.keys
            .iter()
            .find(|k| k.provider == Provider::Linkup && k.api_key == api_key)
            .map(|k| k.credits)
    }

    pub(crate) fn key_mut(&mut self, provider: Provider, api_key: &str) -> Option<&mut ApiKey> {
        self.keys
            .iter_mut()
            .find(|k| k.provider == provider && k.api_key == api_key)
    }
}

/// Resolves people and dates, then orders newest first; the sort is stable, so invitations sent
/// at the same instant keep their scenario order.
fn invitations(
    list: &[scenario::Invitation],
    clock: VirtualClock,
    person: &dyn Fn(&str) -> Result<Person, ScenarioError>,
) -> Result<Vec<Invitation>, ScenarioError> {
    let mut out = list
        .iter()
        .map(|inv| {
            let sent_at = match inv.when {
                When::At(at) => at,
                When::DaysAgo(days) => Duration::checked_seconds_f64(days * 86_400.0)
                    .and_then(|ago| clock.now().checked_sub(ago))
                    .ok_or_else(|| {
                        ScenarioError::new(format!(
                            "invitation \"{}\": days_ago {days} is out of range",
                            inv.id
                        ))
                    })?,
            };
            Ok(Invitation {
                id: inv.id.clone(),
                person: person(&inv.person)?,
                sent_at,
                note: inv.note.clone(),
                shared_secret: inv
                    .shared_secret
                    .clone()
                    .unwrap_or_else(|| derived_secret(&inv.id)),
            })
        })
        .collect::<Result<Vec<_>, ScenarioError>>()?;
    out.sort_by_key(|inv| std::cmp::Reverse(inv.sent_at));
    Ok(out)
}

/// A uuid-looking secret that depends only on the invitation id, so it is the same on every
/// run and platform (hence FNV-1a rather than std's unspecified hasher).
pub fn derived_secret(id: &str) -> String {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let fnv = |seed: u64| {
        id.bytes()
            .fold(seed, |h, b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
    };
    let high = fnv(FNV_OFFSET);
    let low = fnv(high ^ 0x9e37_79b9_7f4a_7c15);
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
