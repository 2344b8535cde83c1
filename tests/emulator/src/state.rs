//! Runtime state of the emulator: built from a scenario, shared by every route, mutated by them.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use time::{Duration, OffsetDateTime};

use crate::clock::VirtualClock;
use crate::domain::{People, Person};
use crate::ratelimit::TokenBucket;
use crate::scenario::{
    self, LinkedinSettings, LinkupSettings, Provider, RateLimit, Scenario, ScenarioError, When,
};

pub use crate::domain::{Account, Invitation};

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
    pub linkedin: LinkedinSettings,
    /// Scenario people and generated ones.
    pub people: People,
    pub keys: Vec<ApiKey>,
    /// The scenario's `unipile` section.
    pub unipile: crate::unipile_common::UnipileSettings,
    /// Rate-limit buckets by a name each API chooses (e.g. per key or per account).
    buckets: HashMap<String, TokenBucket>,
    /// How every list answer pages: honestly, or with a paging fault.
    pub paging: Option<crate::paging::PagingFault>,
    /// Synthetic people created so far by the control API's `arrive` changes (see
    /// `arrivals`); 0 after a scenario load, restored by reset like everything else.
    pub arrivals: u64,
}

#[derive(Debug, Clone)]
pub struct ApiKey {
    pub provider: Provider,
    pub api_key: String,
    /// LinkUp credit balance; always 0 for Unipile keys, which have no credits.
    pub credits: u64,
    pub accounts: Vec<Account>,
}

impl State {
    /// Validates `scenario` and builds the state; without a scenario clock, "now" is the real
    /// time at this call.
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, ScenarioError> {
        scenario.validate()?;
        let clock = VirtualClock::at(scenario.clock.map_or_else(OffsetDateTime::now_utc, |t| t.0));
        let mut people = People::default();
        for p in &scenario.people {
            people
                .insert(Person {
                    provider_id: p
                        .provider_id
                        .clone()
                        .unwrap_or_else(|| derived_provider_id(&p.public_identifier)),
                    public_identifier: p.public_identifier.clone(),
                    first_name: p.first_name.clone(),
                    last_name: p.last_name.clone(),
                    headline: p.headline.clone(),
                    picture_url: p.picture_url.clone(),
                })
                .map_err(|e| ScenarioError::new(format!("people: {e}")))?;
        }
        let mut keys = Vec::with_capacity(scenario.keys.len());
        for key in &scenario.keys {
            let mut accounts = Vec::with_capacity(key.accounts.len());
            for account in &key.accounts {
                accounts.push(build_account(account, clock, &mut people)?);
            }
            keys.push(ApiKey {
                provider: key.provider,
                api_key: key.api_key.clone(),
                credits: key.credits.unwrap_or(0),
                accounts,
            });
        }
        Ok(Self {
            clock,
            linkup: scenario.linkup.clone(),
            linkedin: scenario.linkedin.clone(),
            people,
            keys,
            unipile: scenario.unipile.clone(),
            buckets: HashMap::new(),
            paging: scenario.paging,
            arrivals: 0,
        })
    }

    /// Takes a token from the bucket `name` (created full on first use), or says how long
    /// until one is free.
    pub fn take_token(&mut self, name: &str, limit: RateLimit) -> Result<(), Duration> {
        let now = self.clock.now();
        self.buckets
            .entry(name.to_owned())
            .or_insert_with(|| TokenBucket::full(limit, now))
            .take(limit, now)
    }

    /// The credit balance of a LinkUp key.
    pub fn credits(&self, api_key: &str) -> Option<u64> {
        self.keys
            .iter()
            .find(|k| k.provider == Provider::Linkup && k.api_key == api_key)
            .map(|k| k.credits)
    }

    /// The position in `keys` of `api_key` for `provider`.
    pub fn key_index(&self, provider: Provider, api_key: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.provider == provider && k.api_key == api_key)
    }

    pub fn key_mut(&mut self, provider: Provider, api_key: &str) -> Option<&mut ApiKey> {
        let index = self.key_index(provider, api_key)?;
        self.keys.get_mut(index)
    }

    /// An account by id, whatever its key, with the key it belongs to.
    pub fn account(&self, account_id: &str) -> Option<(&ApiKey, &Account)> {
        self.keys.iter().find_map(|key| {
            key.accounts
                .iter()
                .find(|a| a.account_id == account_id)
                .map(|a| (key, a))
        })
    }
}

fn build_account(
    account: &scenario::Account,
    clock: VirtualClock,
    people: &mut People,
) -> Result<Account, ScenarioError> {
    let at = |what: &str| format!("account \"{}\": {what}", account.account_id);
    let known = |id: &str, people: &People| {
        people
            .by_public_identifier(id)
            .cloned()
            .ok_or_else(|| ScenarioError::new(at(&format!("unknown person \"{id}\""))))
    };
    let mut lists = [Vec::new(), Vec::new()];
    for (list, given) in lists.iter_mut().zip([&account.received, &account.sent]) {
        for inv in given {
            list.push(Invitation {
                id: inv.id.clone(),
                person: known(&inv.person, people)?,
                sent_at: resolve_when(inv, clock)?,
                note: inv.note.clone(),
                shared_secret: inv
                    .shared_secret
                    .clone()
                    .unwrap_or_else(|| derived_secret(&inv.id)),
            });
        }
    }
    let mut ids: HashSet<String> = lists.iter().flatten().map(|i| i.id.clone()).collect();
    for (n, (list, count)) in lists
        .iter_mut()
        .zip([account.generate.received, account.generate.sent])
        .enumerate()
    {
        for g in generated(&account.account_id, n, count, clock.now()) {
            if !ids.insert(g.id.clone()) {
                return Err(ScenarioError::new(at(&format!(
                    "generated invitation id {} is already used",
                    g.id
                ))));
            }
            let person = people
                .insert(g.person)
                .map_err(|e| ScenarioError::new(at(&format!("generated people clash: {e}"))))?;
            list.push(Invitation {
                shared_secret: derived_secret(&g.id),
                id: g.id,
                person,
                sent_at: g.sent_at,
                note: g.note,
            });
        }
    }
    let connections = account
        .connections
        .iter()
        .map(|id| known(id, people))
        .collect::<Result<_, _>>()?;
    let [received, sent] = lists;
    Ok(Account::new(
        account.account_id.clone(),
        account.plan,
        account.active,
        received,
        sent,
        connections,
        (
            account.invitations_sent_this_week,
            account.notes_sent_this_month,
        ),
        clock.now(),
    ))
}

fn resolve_when(
    inv: &scenario::Invitation,
    clock: VirtualClock,
) -> Result<OffsetDateTime, ScenarioError> {
    match inv.when {
        When::At(at) => Ok(at),
        When::DaysAgo(days) => Duration::checked_seconds_f64(days * 86_400.0)
            .and_then(|ago| clock.now().checked_sub(ago))
            .ok_or_else(|| {
                ScenarioError::new(format!(
                    "invitation \"{}\": days_ago {days} is out of range",
                    inv.id
                ))
            }),
    }
}

/// A synthetic invitation and the person it comes from (not yet in the directory).
struct Generated {
    person: Person,
    id: String,
    sent_at: OffsetDateTime,
    note: Option<String>,
}

const FIRST_NAMES: [&str; 16] = [
    "Amara", "Ken", "Lina", "Mateo", "Sofia", "Yuki", "Omar", "Elena", "Jonas", "Priya", "Chloe",
    "Tariq", "Mei", "Lucas", "Ingrid", "Kwame",
];
const LAST_NAMES: [&str; 16] = [
    "Okafor", "Sato", "Haddad", "Garcia", "Rossi", "Tanaka", "Farouk", "Petrova", "Berg", "Sharma",
    "Martin", "Aziz", "Chen", "Silva", "Larsen", "Mensah",
];
/// Generated ages run from one hour to this many days, evenly spread.
const GENERATED_SPAN_DAYS: i64 = 180;
/// Generated ids: this base, plus 100,000,000 for sent ones, plus the index.
const GENERATED_ID_BASE: u64 = 7_400_000_000_100_000_000;

/// `count` deterministic invitations for direction `n` (0 received, 1 sent) of `account_id`.
fn generated(
    account_id: &str,
    n: usize,
    count: u32,
    now: OffsetDateTime,
) -> impl Iterator<Item = Generated> + '_ {
    let direction = ["r", "s"][n];
    let span = Duration::days(GENERATED_SPAN_DAYS) - Duration::HOUR;
    (0..count).map(move |i| {
        let first = FIRST_NAMES[i as usize % FIRST_NAMES.len()];
        let last = LAST_NAMES[(i as usize / FIRST_NAMES.len()) % LAST_NAMES.len()];
        let tag = fnv1a(
            FNV_OFFSET,
            format!("{account_id}/{direction}/{i}").as_bytes(),
        );
        let public_identifier = format!(
            "{}-{}-{direction}{i}-{:06x}",
            first.to_lowercase(),
            last.to_lowercase(),
            tag & 0xff_ffff
        );
        let id = (GENERATED_ID_BASE + n as u64 * 100_000_000 + u64::from(i)).to_string();
        let age = Duration::HOUR + span * (f64::from(i) / f64::from(count.max(1)));
        let person = Person {
            provider_id: derived_provider_id(&public_identifier),
            public_identifier,
            first_name: first.to_owned(),
            last_name: format!("{last} {i}"),
            headline: Some(format!("Generated contact {i} at Example Corp")),
            picture_url: (i % 5 != 0)
                .then(|| format!("https://media.licdn.com/dms/image/gen-{direction}{i}.jpg")),
        };
        Generated {
            person,
            id,
            sent_at: now - age,
            note: (i % 7 == 0).then(|| format!("Hello {first}, let us connect ({i}).")),
        }
    })
}

/// `count` new synthetic people for invitations arriving through the control API, added to
/// `people`. `counter` (the state's `arrivals`) numbers them, so they are deterministic and
/// never repeat within a run: public identifier `{first}-{last}-a{n}-{6 hex}`, names from the
/// generator's lists (last name suffixed with `A{n}`), a headline, a picture on 4 out of 5. A
/// number whose identifier is already taken (a scenario person of that name) is skipped.
pub fn arrivals(people: &mut People, counter: &mut u64, count: u32) -> Vec<Arc<Person>> {
    let mut created = Vec::with_capacity(count as usize);
    while created.len() < count as usize {
        let n = *counter;
        *counter += 1;
        if let Ok(person) = people.insert(arrival(n)) {
            created.push(person);
        }
    }
    created
}

fn arrival(n: u64) -> Person {
    let i = n as usize;
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let tag = fnv1a(FNV_OFFSET, format!("arrival/{n}").as_bytes());
    let public_identifier = format!(
        "{}-{}-a{n}-{:06x}",
        first.to_lowercase(),
        last.to_lowercase(),
        tag & 0xff_ffff
    );
    Person {
        provider_id: derived_provider_id(&public_identifier),
        public_identifier,
        first_name: first.to_owned(),
        last_name: format!("{last} A{n}"),
        headline: Some(format!("New contact {n} at Example Corp")),
        picture_url: (!n.is_multiple_of(5))
            .then(|| format!("https://media.licdn.com/dms/image/arrival-{n}.jpg")),
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: stable across runs and platforms, unlike std's unspecified hasher.
fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(seed, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// An `ACoAA…` member id (39 characters like LinkedIn's) derived from the public identifier,
/// for scenario people without a `provider_id` and for generated people.
pub fn derived_provider_id(public_identifier: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id = String::from("ACoAA");
    let mut h = fnv1a(FNV_OFFSET, public_identifier.as_bytes());
    while id.len() < 39 {
        id.push(char::from(ALPHABET[(h & 63) as usize]));
        h >>= 6;
        if h < 64 {
            h = fnv1a(h ^ id.len() as u64, public_identifier.as_bytes());
        }
    }
    id
}

/// A uuid-looking secret that depends only on the invitation id, so it is the same on every
/// run and platform (hence FNV-1a rather than std's unspecified hasher).
pub fn derived_secret(id: &str) -> String {
    let high = fnv1a(FNV_OFFSET, id.as_bytes());
    let low = fnv1a(high ^ 0x9e37_79b9_7f4a_7c15, id.as_bytes());
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
