//! Provider-neutral LinkedIn rules: people and how APIs name them, the pending invitations of
//! an account, and the transitions (accept, decline, withdraw, invite, and what happens on
//! LinkedIn's own site: arrivals, the other side accepting or declining) with LinkedIn's refusals.
//! Every API module maps these operations into its own wire and error shapes, so the three
//! emulated APIs can never disagree about what LinkedIn allows.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use time::{Duration, OffsetDateTime};

use crate::clock::iso_utc;
use crate::scenario::{LinkedinSettings, Plan};

/// A LinkedIn member as every API sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The vanity name in `https://www.linkedin.com/in/{public_identifier}`.
    pub public_identifier: String,
    /// The `ACoA…` member id (derived from the public identifier when the scenario gives none).
    pub provider_id: String,
    pub first_name: String,
    pub last_name: String,
    pub headline: Option<String>,
    pub picture_url: Option<String>,
}

impl Person {
    /// The canonical profile URL, without trailing slash (LinkUp's `linkedin_url` form).
    pub fn profile_url(&self) -> String {
        format!("https://www.linkedin.com/in/{}", self.public_identifier)
    }

    /// The name as LinkedIn shows it: "First Last"; family name first and without a space
    /// when both parts are in a CJK script ("佐藤健"); "LinkedIn Member" for a member without a
    /// name (LinkedIn's own placeholder).
    pub fn display_name(&self) -> String {
        let (first, last) = (self.first_name.trim(), self.last_name.trim());
        match (first.is_empty(), last.is_empty()) {
            (true, true) => "LinkedIn Member".to_owned(),
            (false, true) => first.to_owned(),
            (true, false) => last.to_owned(),
            _ if is_cjk(first) && is_cjk(last) => format!("{last}{first}"),
            _ => format!("{first} {last}"),
        }
    }
}

/// Written in Chinese, Japanese or Korean characters (Han, kana, Hangul).
fn is_cjk(text: &str) -> bool {
    text.chars().all(|c| {
        matches!(c as u32, 0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F
            | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
            | 0x20000..=0x3134F)
    })
}

/// Everyone the emulator knows (scenario people and generated ones), by each identifier an API
/// may use. LinkedIn vanity names are case-insensitive, so lookups by public identifier are too.
#[derive(Debug, Clone, Default)]
pub struct People {
    by_public_identifier: HashMap<String, Arc<Person>>,
    by_provider_id: HashMap<String, Arc<Person>>,
}

impl People {
    /// Adds a person; refuses a public identifier or provider id that is already taken.
    pub fn insert(&mut self, person: Person) -> Result<Arc<Person>, String> {
        let key = person.public_identifier.to_lowercase();
        if self.by_public_identifier.contains_key(&key) {
            return Err(format!(
                "public_identifier \"{}\" is used twice (case-insensitively)",
                person.public_identifier
            ));
        }
        if self.by_provider_id.contains_key(&person.provider_id) {
            return Err(format!(
                "provider_id \"{}\" is used twice",
                person.provider_id
            ));
        }
        let person = Arc::new(person);
        self.by_provider_id
            .insert(person.provider_id.clone(), person.clone());
        self.by_public_identifier.insert(key, person.clone());
        Ok(person)
    }

    pub fn by_public_identifier(&self, public_identifier: &str) -> Option<&Arc<Person>> {
        self.by_public_identifier
            .get(&public_identifier.to_lowercase())
    }

    pub fn by_provider_id(&self, provider_id: &str) -> Option<&Arc<Person>> {
        self.by_provider_id.get(provider_id)
    }

    /// `http(s)://(www.)linkedin.com/in/{id}`, with or without trailing slash, query or fragment.
    pub fn by_profile_url(&self, url: &str) -> Option<&Arc<Person>> {
        self.by_public_identifier(&public_identifier_from_url(url)?)
    }

    /// Whatever an API was given: a profile URL, a `urn:li:fsd_profile:ACo…` URN, an `ACo…`
    /// provider id, or a public identifier.
    pub fn resolve(&self, identifier: &str) -> Result<&Arc<Person>, Refusal> {
        let identifier = identifier.trim();
        let found = if identifier.contains("linkedin.com/") {
            self.by_profile_url(identifier)
        } else if let Some(id) = identifier.strip_prefix("urn:li:fsd_profile:") {
            self.by_provider_id(id)
        } else {
            self.by_provider_id(identifier)
                .or_else(|| self.by_public_identifier(identifier))
        };
        found.ok_or(Refusal::UnknownPerson)
    }

    /// Takes a person out of the directory (undoing an `insert`); invitations that still
    /// point at them keep their copy.
    pub fn remove(&mut self, public_identifier: &str) -> Option<Arc<Person>> {
        let person = self
            .by_public_identifier
            .remove(&public_identifier.to_lowercase())?;
        self.by_provider_id.remove(&person.provider_id);
        Some(person)
    }

    pub fn len(&self) -> usize {
        self.by_provider_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_provider_id.is_empty()
    }
}

/// The public identifier in a LinkedIn profile URL, percent-decoded; `None` for anything else.
pub fn public_identifier_from_url(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest.strip_prefix("linkedin.com/in/")?;
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let id = path[..end].strip_suffix('/').unwrap_or(&path[..end]);
    if id.is_empty() || id.contains('/') {
        return None;
    }
    percent_decode(id)
}

/// Vanity names with non-ASCII letters travel percent-encoded in URLs.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Received,
    Sent,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    /// Numeric text, unique within the account.
    pub id: String,
    /// The other party: the sender of a received invitation, the recipient of a sent one.
    pub person: Arc<Person>,
    pub sent_at: OffsetDateTime,
    pub note: Option<String>,
    pub shared_secret: String,
}

/// Why LinkedIn refuses an operation. Each API turns these into its own error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No pending invitation with that id in either direction (never existed, or handled).
    UnknownInvitation,
    /// The invitation exists but goes the other way (accepting a sent one, withdrawing a
    /// received one).
    WrongDirection {
        actual: Direction,
    },
    UnknownPerson,
    AlreadyConnected,
    /// This account already has a pending invitation to that person.
    AlreadyInvited,
    /// That person has a pending invitation to this account.
    InvitedYou,
    /// This account withdrew an invitation to that person less than the cooldown ago.
    CannotResendYet {
        until: OffsetDateTime,
    },
    /// The plan's invitations per rolling 7 days are used up.
    WeeklyLimit {
        limit: u32,
    },
    /// The free plan's notes per rolling 30 days are used up.
    NoteQuotaExhausted {
        limit: u32,
    },
    /// Notes are counted in characters (Unicode scalar values), not bytes.
    NoteTooLong {
        chars: usize,
        max: usize,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownInvitation => {
                f.write_str("No pending invitation with this id (unknown or already handled)")
            }
            Refusal::WrongDirection {
                actual: Direction::Sent,
            } => f.write_str("This invitation was sent by this account, not received"),
            Refusal::WrongDirection {
                actual: Direction::Received,
            } => f.write_str("This invitation was received by this account, not sent"),
            Refusal::UnknownPerson => f.write_str("No LinkedIn member matches this identifier"),
            Refusal::AlreadyConnected => f.write_str("You are already connected with this person"),
            Refusal::AlreadyInvited => {
                f.write_str("An invitation to this person is already pending")
            }
            Refusal::InvitedYou => {
                f.write_str("This person has already sent you a pending invitation")
            }
            Refusal::CannotResendYet { until } => write!(
                f,
                "An invitation to this person was withdrawn recently; it can be sent again after {}",
                iso_utc(*until)
            ),
            Refusal::WeeklyLimit { limit } => write!(
                f,
                "The weekly invitation limit of this LinkedIn account ({limit}) is reached"
            ),
            Refusal::NoteQuotaExhausted { limit } => write!(
                f,
                "The monthly limit of invitations with a note ({limit}) is reached on this free account"
            ),
            Refusal::NoteTooLong { chars, max } => write!(
                f,
                "The note has {chars} characters; at most {max} are allowed"
            ),
        }
    }
}

/// Invitations sent through the emulator (or seeded by the scenario), for the rolling windows.
#[derive(Debug, Clone, Copy)]
struct Sending {
    at: OffsetDateTime,
    invitations: u32,
    notes: u32,
}

const WEEK: Duration = Duration::days(7);
const MONTH: Duration = Duration::days(30);

/// One LinkedIn account: its pending invitations, connections and sending history.
#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: String,
    pub plan: Plan,
    /// False: the LinkedIn session is gone; APIs answer with their "inactive account" error.
    pub active: bool,
    /// Pending invitations received, newest first. Read freely; change only through the
    /// transitions below so that the rules hold.
    pub received: Vec<Invitation>,
    /// Pending invitations sent, newest first.
    pub sent: Vec<Invitation>,
    pub connections: Vec<Arc<Person>>,
    /// Last withdrawal time per recipient (lower-cased public identifier).
    withdrawals: HashMap<String, OffsetDateTime>,
    sendings: Vec<Sending>,
    /// The next invitation id handed out by `invite`, above every id already in the account.
    next_id: u64,
}

/// New invitation ids start here unless the account already holds larger numeric ids; it
/// looks like a LinkedIn invitation id and sorts after the ids of shipped scenarios.
const FIRST_NEW_ID: u64 = 7_460_000_000_000_000_000;

impl Account {
    /// Builds an account; the lists are sorted newest first (stable, so equal times keep their
    /// order). `seed_invitations`/`seed_notes` count as sent at `now`, so that tests reach the
    /// weekly and monthly limits without sending hundreds of invitations.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        account_id: String,
        plan: Plan,
        active: bool,
        mut received: Vec<Invitation>,
        mut sent: Vec<Invitation>,
        connections: Vec<Arc<Person>>,
        (seed_invitations, seed_notes): (u32, u32),
        now: OffsetDateTime,
    ) -> Self {
        received.sort_by_key(|inv| std::cmp::Reverse(inv.sent_at));
        sent.sort_by_key(|inv| std::cmp::Reverse(inv.sent_at));
        let next_id = received
            .iter()
            .chain(&sent)
            .filter_map(|inv| inv.id.parse::<u64>().ok())
            .max()
            .map_or(FIRST_NEW_ID, |max| max.max(FIRST_NEW_ID - 1) + 1);
        let sendings = if seed_invitations > 0 || seed_notes > 0 {
            vec![Sending {
                at: now,
                invitations: seed_invitations,
                notes: seed_notes,
            }]
        } else {
            Vec::new()
        };
        Self {
            account_id,
            plan,
            active,
            received,
            sent,
            connections,
            withdrawals: HashMap::new(),
            sendings,
            next_id,
        }
    }

    /// A pending invitation by id, in either direction.
    pub fn find(&self, id: &str) -> Option<(Direction, &Invitation)> {
        self.received
            .iter()
            .find(|inv| inv.id == id)
            .map(|inv| (Direction::Received, inv))
            .or_else(|| {
                self.sent
                    .iter()
                    .find(|inv| inv.id == id)
                    .map(|inv| (Direction::Sent, inv))
            })
    }

    /// The pending invitation between this account and `person`, if any (at most one exists).
    pub fn pending_with(&self, person: &Person) -> Option<(Direction, &Invitation)> {
        let same = |inv: &&Invitation| same_person(&inv.person, person);
        self.received
            .iter()
            .find(same)
            .map(|inv| (Direction::Received, inv))
            .or_else(|| {
                self.sent
                    .iter()
                    .find(same)
                    .map(|inv| (Direction::Sent, inv))
            })
    }

    pub fn is_connected(&self, person: &Person) -> bool {
        self.connections.iter().any(|c| same_person(c, person))
    }

    /// Accepting removes the invitation and makes its sender a connection.
    pub fn accept_received(&mut self, id: &str) -> Result<Invitation, Refusal> {
        let invitation = self.take(Direction::Received, id)?;
        self.connections.push(invitation.person.clone());
        Ok(invitation)
    }

    /// Declining (ignoring) removes the invitation; no connection, no cooldown.
    pub fn decline_received(&mut self, id: &str) -> Result<Invitation, Refusal> {
        self.take(Direction::Received, id)
    }

    /// Withdrawing removes the invitation and starts the re-invite cooldown for its recipient.
    pub fn withdraw_sent(&mut self, id: &str, now: OffsetDateTime) -> Result<Invitation, Refusal> {
        let invitation = self.take(Direction::Sent, id)?;
        self.withdrawals
            .insert(invitation.person.public_identifier.to_lowercase(), now);
        Ok(invitation)
    }

    /// The recipient accepted a sent invitation (on LinkedIn, not through an API): it leaves
    /// sent and the recipient becomes a connection.
    pub fn accept_sent(&mut self, id: &str) -> Result<Invitation, Refusal> {
        let invitation = self.take(Direction::Sent, id)?;
        self.connections.push(invitation.person.clone());
        Ok(invitation)
    }

    /// The recipient declined (ignored) a sent invitation: it leaves sent; no connection, no
    /// cooldown.
    pub fn remove_sent(&mut self, id: &str) -> Result<Invitation, Refusal> {
        self.take(Direction::Sent, id)
    }

    /// The pending invitations of one direction, newest first.
    pub fn list(&self, direction: Direction) -> &[Invitation] {
        match direction {
            Direction::Received => &self.received,
            Direction::Sent => &self.sent,
        }
    }

    /// Invitations made on LinkedIn's own site, not through an API: one new pending
    /// invitation per person in `direction` (received: they invited this account; sent: the
    /// owner invited them), all at `sent_at`, placed by time (before any of the same time).
    /// Ids are new numeric ones as `invite` hands out; within the batch the last one created
    /// (highest id) comes first. Returns the new ids, newest first. Not counted in the rolling
    /// windows. Refused, with nothing changed, when one of the people is a connection or
    /// already has a pending invitation with this account (either way), or appears twice.
    pub fn add_pending(
        &mut self,
        direction: Direction,
        people: &[Arc<Person>],
        sent_at: OffsetDateTime,
        note: Option<&str>,
    ) -> Result<Vec<String>, Refusal> {
        // One pass over the account, so that large batches stay linear.
        let mut taken: HashMap<&str, Refusal> = HashMap::new();
        let pending = [
            (&self.sent, Refusal::AlreadyInvited),
            (&self.received, Refusal::InvitedYou),
        ];
        for person in &self.connections {
            taken.insert(&person.provider_id, Refusal::AlreadyConnected);
        }
        for (list, refusal) in &pending {
            for inv in list.iter() {
                taken
                    .entry(&inv.person.provider_id)
                    .or_insert_with(|| refusal.clone());
            }
        }
        let duplicate = match direction {
            Direction::Sent => Refusal::AlreadyInvited,
            Direction::Received => Refusal::InvitedYou,
        };
        for person in people {
            if let Some(refusal) = taken.insert(&person.provider_id, duplicate.clone()) {
                return Err(refusal);
            }
        }
        let note = note.filter(|n| !n.is_empty());
        let first = self.next_id;
        self.next_id += people.len() as u64;
        let batch: Vec<Invitation> = people
            .iter()
            .enumerate()
            .rev()
            .map(|(k, person)| {
                let id = (first + k as u64).to_string();
                Invitation {
                    shared_secret: crate::state::derived_secret(&id),
                    id,
                    person: person.clone(),
                    sent_at,
                    note: note.map(str::to_owned),
                }
            })
            .collect();
        let ids = batch.iter().map(|inv| inv.id.clone()).collect();
        let list = match direction {
            Direction::Received => &mut self.received,
            Direction::Sent => &mut self.sent,
        };
        let at = list
            .iter()
            .position(|inv| inv.sent_at <= sent_at)
            .unwrap_or(list.len());
        list.splice(at..at, batch);
        Ok(ids)
    }

    /// Why `invite` would refuse, without changing anything; checks run in the order listed in
    /// the README (note length, relationship, cooldown, weekly cap, note quota).
    pub fn can_invite(
        &self,
        rules: &LinkedinSettings,
        person: &Person,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), Refusal> {
        let note = note.filter(|n| !n.is_empty());
        if let Some(note) = note {
            let chars = note.chars().count();
            if chars > rules.note_max_chars {
                return Err(Refusal::NoteTooLong {
                    chars,
                    max: rules.note_max_chars,
                });
            }
        }
        if self.is_connected(person) {
            return Err(Refusal::AlreadyConnected);
        }
        match self.pending_with(person) {
            Some((Direction::Sent, _)) => return Err(Refusal::AlreadyInvited),
            Some((Direction::Received, _)) => return Err(Refusal::InvitedYou),
            None => {}
        }
        if let Some(withdrawn) = self
            .withdrawals
            .get(&person.public_identifier.to_lowercase())
        {
            let until = *withdrawn + Duration::days(i64::from(rules.resend_cooldown_days));
            if now < until {
                return Err(Refusal::CannotResendYet { until });
            }
        }
        let limit = self.weekly_limit(rules);
        if self.invitations_this_week(now) >= limit {
            return Err(Refusal::WeeklyLimit { limit });
        }
        if note.is_some() && self.plan == Plan::Free {
            let limit = rules.monthly_notes_free;
            if self.notes_this_month(now) >= limit {
                return Err(Refusal::NoteQuotaExhausted { limit });
            }
        }
        Ok(())
    }

    /// Sends an invitation: a new pending sent invitation (new numeric id, `sent_at` = now,
    /// newest first), counted in the rolling windows. An empty note counts as no note.
    pub fn invite(
        &mut self,
        rules: &LinkedinSettings,
        person: &Arc<Person>,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<&Invitation, Refusal> {
        self.can_invite(rules, person, note, now)?;
        let note = note.filter(|n| !n.is_empty());
        let id = self.next_id.to_string();
        self.next_id += 1;
        self.sendings.retain(|s| now - s.at < MONTH);
        self.sendings.push(Sending {
            at: now,
            invitations: 1,
            notes: u32::from(note.is_some()),
        });
        self.sent.insert(
            0,
            Invitation {
                shared_secret: crate::state::derived_secret(&id),
                id,
                person: person.clone(),
                sent_at: now,
                note: note.map(str::to_owned),
            },
        );
        Ok(&self.sent[0])
    }

    /// The plan's invitations per rolling 7 days.
    pub fn weekly_limit(&self, rules: &LinkedinSettings) -> u32 {
        match self.plan {
            Plan::Free => rules.weekly_invitations.free,
            Plan::Premium => rules.weekly_invitations.premium,
        }
    }

    /// Invitations sent in the 7 days before `now` (seeded ones included).
    pub fn invitations_this_week(&self, now: OffsetDateTime) -> u32 {
        self.count_since(now, WEEK, |s| s.invitations)
    }

    /// Invitations with a note sent in the 30 days before `now` (seeded ones included).
    pub fn notes_this_month(&self, now: OffsetDateTime) -> u32 {
        self.count_since(now, MONTH, |s| s.notes)
    }

    fn count_since(&self, now: OffsetDateTime, window: Duration, what: fn(&Sending) -> u32) -> u32 {
        self.sendings
            .iter()
            .filter(|s| now - s.at < window)
            .map(what)
            .sum()
    }

    /// Removes the pending invitation `id` of `direction`, or says why it cannot.
    fn take(&mut self, direction: Direction, id: &str) -> Result<Invitation, Refusal> {
        let list = match direction {
            Direction::Received => &mut self.received,
            Direction::Sent => &mut self.sent,
        };
        if let Some(index) = list.iter().position(|inv| inv.id == id) {
            return Ok(list.remove(index));
        }
        match self.find(id) {
            Some((actual, _)) => Err(Refusal::WrongDirection { actual }),
            None => Err(Refusal::UnknownInvitation),
        }
    }
}

fn same_person(a: &Person, b: &Person) -> bool {
    a.provider_id == b.provider_id
}
