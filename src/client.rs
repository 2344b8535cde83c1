//! Runs invitation operations for an account: picks the account's provider, sends what it
//! builds through `http.rs`, runs the sync engine's checks (`sync.rs`) page by page, lists
//! everything (pages together once their number is known), resolves a profile before inviting
//! when the API needs a member id, settles whether an action took effect when its answer was
//! lost by the cheapest question, and keeps the key out of every error.

use crate::accounts;
use crate::clocks;
use crate::error::{Error, ErrorKind};
use crate::http::{self, HttpRequest, HttpResponse, DEFAULT_TIMEOUT_MS};
use crate::input::{self, Target};
use crate::model::{
    Account, Cursor, Direction, Invitation, Page, Person, ProviderKind, Relationship,
    RelationshipState,
};
use crate::names;
use crate::paging::{Pages, MAX_LISTED};
use crate::providers::{self, linkup, Action, Api};
use crate::sync::{Check, Found, Held, Mode, Reading, Step};
use crate::worker::effects::Env;
use futures_util::{stream, StreamExt, TryStreamExt};
use std::cell::Cell;
use std::collections::HashSet;

/// Pages fetched at once: fast, yet gentle enough not to trip a provider's rate limit.
const CONCURRENT_PAGES: usize = 4;

/// An invitation ready to go: who, by the id its API invites by, and the note as it will read.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    target: Target,
    note: Option<String>,
    /// The profile looked up, when the API needed it.
    person: Option<Person>,
}

impl Invite {
    /// The names the invited person is known by: as asked, and as the lookup found them.
    pub fn known_as(&self) -> Vec<&str> {
        let looked_up = self.person.iter().flat_map(|person| {
            [&person.public_identifier, &person.provider_id]
                .into_iter()
                .flatten()
                .map(String::as_str)
        });
        std::iter::once(self.target.identifier())
            .chain(looked_up)
            .collect()
    }
}

/// An action that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    /// The new sent invitation, for a send whose answer or check described it.
    pub invitation: Option<Invitation>,
    /// True when the answer was lost and a check showed that it took effect.
    pub confirmed_by_check: bool,
    /// What the list check that settled a lost answer found, for the caller to keep.
    pub found: Option<Found>,
}

impl Done {
    fn answered(invitation: Option<Invitation>) -> Done {
        Done {
            invitation,
            confirmed_by_check: false,
            found: None,
        }
    }

    fn checked(invitation: Option<Invitation>, found: Option<Found>) -> Done {
        Done {
            invitation,
            confirmed_by_check: true,
            found,
        }
    }
}

/// Whether an action whose answer never came took effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    Done(Box<Done>),
    /// It did not; `found` is what the list check that told it read, if one ran.
    NotDone {
        found: Option<Found>,
    },
}

/// What a check found, and whether the provider's pages contradicted the model (`sync.rs`),
/// which cost a full read of the list.
#[derive(Debug)]
pub struct Checked {
    pub found: Found,
    pub contradicted: bool,
}

/// A check that failed, with the provider's count when a page had given it first.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFailed {
    pub error: Error,
    pub total: Option<u64>,
}

/// Operations on one account. Public methods redact the key from every error they return.
pub struct Client<'a> {
    account: &'a Account,
    api: &'static dyn Api,
    /// The transport, and the timers and random of its retries.
    env: Env<'a>,
    /// When the operation started, by this machine's clock: with the answer's `Date`, turns
    /// relative ages ("2w") into dates.
    now_ms: f64,
    timeout_ms: u32,
    /// The list an action changes, as held: a lost answer is then settled by a cheap check of
    /// it rather than by reading it all.
    held: Option<&'a Held>,
    /// The `Date` of the latest answer: the provider's clock.
    provider_date_ms: Cell<Option<f64>>,
}

impl<'a> Client<'a> {
    pub fn new(account: &'a Account, env: Env<'a>) -> Self {
        Client {
            account,
            api: providers::api(account.provider),
            env,
            now_ms: env.clock.now_ms(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
            held: None,
            provider_date_ms: Cell::new(None),
        }
    }

    pub fn account(&self) -> &'a Account {
        self.account
    }

    /// Each request gives up after `timeout_ms` instead of the default 20 s.
    pub fn with_timeout(self, timeout_ms: u32) -> Self {
        Client { timeout_ms, ..self }
    }

    /// The list the next actions change, as held.
    pub fn with_held(self, held: &'a Held) -> Self {
        Client {
            held: Some(held),
            ..self
        }
    }

    /// What changed in the list of `direction` since `held`, read as `mode` says, and whether
    /// the provider's pages contradicted the model on the way.
    pub async fn check(
        &self,
        direction: Direction,
        held: Held,
        mode: Mode,
    ) -> Result<Checked, CheckFailed> {
        let mut total = None;
        self.run_check(direction, held, mode, &mut total)
            .await
            .map_err(|error| CheckFailed {
                error: self.redact(error),
                total,
            })
    }

    async fn run_check(
        &self,
        direction: Direction,
        held: Held,
        mode: Mode,
        total: &mut Option<u64>,
    ) -> Result<Checked, Error> {
        let reading = Reading {
            probe_size: self.api.probe_size(direction),
            reports_total: self.api.reports_total(),
        };
        // The check's own reads: the pages from the top, and single pages that halve the
        // span where removals hide, about twice the bits of the list's length.
        let held_len = held.ids.len() as u64;
        let probes = 2 * u64::from(u64::BITS - held_len.leading_zeros()) + 2;
        let mut pages = Pages::new(reading.probe_size, probes);
        let mut check = Check::of(held, reading, mode);
        loop {
            match check.step() {
                Step::Fetch { start, size } => {
                    pages.ask(&start)?;
                    let page = self.fetch_page(direction, start.clone(), size).await?;
                    *total = total.or(page.total);
                    pages.bound_by_total(page.total.map(|t| t.max(held_len)), probes);
                    pages.got(&page, size)?;
                    check.feed(&start, page);
                }
                Step::Relist => {
                    check.feed_relist(self.list_everything(direction, Some(&pages)).await?)
                }
                Step::Done(found) => {
                    return Ok(Checked {
                        found,
                        contradicted: check.contradicted(),
                    })
                }
            }
        }
    }

    /// LinkUp's credits left; other providers have none.
    pub async fn credits(&self) -> Result<u64, Error> {
        let credits = async {
            let request = linkup::credits(self.account)?;
            linkup::decode_credits(&self.fetch(&request).await?)
        };
        credits.await.map_err(|e| self.redact(e))
    }

    /// One page of `direction`; `size` `None` asks for the largest page the API serves.
    pub async fn list_page(
        &self,
        direction: Direction,
        start: &Cursor,
        size: Option<u32>,
    ) -> Result<Page<Invitation>, Error> {
        let size = size.unwrap_or_else(|| self.api.max_page_size(direction));
        let page = self.fetch_page(direction, start.clone(), size).await;
        page.map_err(|e| self.redact(e))
    }

    /// Every pending invitation of `direction`, all pages, in the provider's order, each once.
    pub async fn list_all(&self, direction: Direction) -> Result<Vec<Invitation>, Error> {
        self.list_everything(direction, None)
            .await
            .map_err(|e| self.redact(e))
    }

    /// How many invitations of `direction` are pending: one smallest-page call where the API
    /// reports a total (LinkUp: 1 credit), else the whole list. Tests a connection.
    pub async fn pending_count(&self, direction: Direction) -> Result<u64, Error> {
        let count = async {
            if self.api.reports_total() {
                let first = self.fetch_page(direction, Cursor::Offset(0), 1).await?;
                match (first.total, first.next) {
                    (Some(total), _) => return Ok(total),
                    (None, None) => return Ok(first.items.len() as u64),
                    (None, Some(_)) => {}
                }
            }
            Ok(self.list_everything(direction, None).await?.len() as u64)
        };
        count.await.map_err(|e| self.redact(e))
    }

    pub async fn accept(&self, invitation: &Invitation) -> Result<Done, Error> {
        self.act(Action::Accept(invitation)).await
    }

    pub async fn decline(&self, invitation: &Invitation) -> Result<Done, Error> {
        self.act(Action::Decline(invitation)).await
    }

    pub async fn withdraw(&self, invitation: &Invitation) -> Result<Done, Error> {
        self.act(Action::Withdraw(invitation)).await
    }

    /// Sends an invitation made ready by `prepare_send`.
    pub async fn send(&self, invite: Invite) -> Result<Done, Error> {
        self.send_checked(invite).await.map_err(|e| self.redact(e))
    }

    /// Everything an invitation to `profile` (a profile URL, vanity name or member id) needs
    /// before it can go, found without sending anything: the
    /// member id (a profile lookup where the API invites by id) and the note with the first
    /// name in. A note that cannot be filled in is refused here, before the send is counted.
    pub async fn prepare_send(&self, profile: &str, note: Option<&str>) -> Result<Invite, Error> {
        self.prepare_checked(profile, note)
            .await
            .map_err(|e| self.redact(e))
    }

    /// Where the account stands with the person behind `profile` (LinkUp's
    /// `check_invitation`).
    pub async fn invitation_status(&self, profile: &str) -> Result<Relationship, Error> {
        let status = async {
            if !providers::api(self.account.provider).tells_acceptance() {
                return Err(Error::invalid_input(
                    accounts::PROVIDER_FIELD,
                    "only LinkUp tells the status of one invitation; the lists show it for Unipile",
                ));
            }
            let request = linkup::check_invitation(self.account, &Target::parse(profile)?)?;
            linkup::decode_check_invitation(&self.fetch(&request).await?)
        };
        status.await.map_err(|e| self.redact(e))
    }

    fn redact(&self, error: Error) -> Error {
        error.redact(self.account.api_key.expose())
    }

    /// One request; the provider's text comes back with the key taken out before anything
    /// reads it, so no error made from it can carry any part of the key.
    async fn fetch(&self, request: &HttpRequest) -> Result<HttpResponse, Error> {
        let mut response = http::send(&self.env, request, self.timeout_ms).await?;
        let key = self.account.api_key.expose();
        if !key.is_empty() && response.body.contains(key) {
            response.body = response.body.replace(key, "[API key]");
        }
        if response.date_ms.is_some() {
            self.provider_date_ms.set(response.date_ms);
        }
        Ok(response)
    }

    /// The provider's clock as its latest answer gave it.
    pub fn provider_date_ms(&self) -> Option<f64> {
        self.provider_date_ms.get()
    }

    /// Asks the provider's clock by the cheapest call: LinkUp's credits (free), else a page of
    /// one received invitation. `None` when its answers carry no `Date`.
    pub async fn read_provider_clock(&self) -> Result<Option<f64>, Error> {
        let read = async {
            match self.account.provider {
                ProviderKind::Linkup => {
                    let request = linkup::credits(self.account)?;
                    let response = self.fetch(&request).await?;
                    linkup::decode_credits(&response)?;
                }
                _ => {
                    self.fetch_page(Direction::Received, Cursor::Offset(0), 1)
                        .await?;
                }
            }
            Ok(self.provider_date_ms())
        };
        read.await.map_err(|e| self.redact(clock_read_failed(e)))
    }

    async fn prepare_checked(&self, profile: &str, note: Option<&str>) -> Result<Invite, Error> {
        let target = Target::parse(profile)?;
        let template = input::note_template(note)?;
        let (looked_up, person) = match self.api.lookup(self.account, &target)? {
            Some(request) => {
                let person = self.api.decode_lookup(&self.fetch(&request).await?)?;
                let Some(id) = person.provider_id.clone() else {
                    return Err(Error::new(ErrorKind::BadResponse)
                        .with_detail("the profile has no member id"));
                };
                (Target::ProviderId(id), Some(person))
            }
            None => (target.clone(), None),
        };
        let first_name = match (&person, &target) {
            (Some(person), _) => person.first_name.clone(),
            (None, Target::PublicIdentifier(vanity)) => names::first_name_of_vanity(vanity),
            (None, Target::ProviderId(_)) => None,
        };
        Ok(Invite {
            note: input::fill_note(template.as_deref(), first_name.as_deref())?,
            target: looked_up,
            person,
        })
    }

    async fn send_checked(&self, invite: Invite) -> Result<Done, Error> {
        let action = Action::Send {
            target: &invite.target,
            note: invite.note.as_deref(),
        };
        let mut done = self.perform(&action).await?;
        // Unipile v1 answers with the id alone: the looked-up profile says who it is.
        if let (Some(invitation), Some(person)) = (&mut done.invitation, invite.person) {
            if invitation.person.public_identifier.is_none() {
                invitation.person = person;
            }
        }
        Ok(done)
    }

    async fn act(&self, action: Action<'_>) -> Result<Done, Error> {
        self.perform(&action).await.map_err(|e| self.redact(e))
    }

    /// Sends an action once. When its answer is lost (timeout, dropped connection) the action
    /// may or may not have happened, so instead of sending it again `settle` finds out.
    async fn perform(&self, action: &Action<'_>) -> Result<Done, Error> {
        let request = self.api.action(self.account, action)?;
        match self.fetch(&request).await {
            Ok(response) => Ok(Done::answered(self.api.decode_action(
                self.account,
                action,
                &response,
                clocks::stamp(response.date_ms, self.now_ms),
            )?)),
            Err(lost) if matches!(lost.kind, ErrorKind::Timeout | ErrorKind::Network) => {
                match self.settle_unredacted(action).await {
                    Ok(Settled::Done(done)) => Ok(*done),
                    Ok(Settled::NotDone { .. }) => Err(Error::new(ErrorKind::NotDone)),
                    Err(_) => Err(lost.with_detail(
                        "The answer was lost and Invite Desk could not check whether it was \
                         done. Refresh the list before trying again.",
                    )),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Whether `action`, whose answer never came, took effect, asked the cheapest way: LinkUp's
    /// `check_invitation` for the one person (1 credit); else a check of the list it changes
    /// from the one held (a relist when none is), which also finds a new invitation's row.
    pub async fn settle(&self, action: &Action<'_>) -> Result<Settled, Error> {
        self.settle_unredacted(action)
            .await
            .map_err(|e| self.redact(e))
    }

    async fn settle_unredacted(&self, action: &Action<'_>) -> Result<Settled, Error> {
        let direction = action.direction();
        let (invitation, target) = match action {
            Action::Accept(invitation)
            | Action::Decline(invitation)
            | Action::Withdraw(invitation) => (Some(*invitation), None),
            Action::Send { target, .. } => (None, Some(*target)),
        };
        if let (Some(invitation), ProviderKind::Linkup) = (invitation, self.account.provider) {
            if let Some(profile) = &invitation.person.profile_url {
                let request = linkup::check_invitation(self.account, &Target::parse(profile)?)?;
                let relationship = linkup::decode_check_invitation(&self.fetch(&request).await?)?;
                let still = match direction {
                    Direction::Received => RelationshipState::PendingReceived,
                    Direction::Sent => RelationshipState::PendingSent,
                };
                return Ok(match relationship.state == still {
                    true => Settled::NotDone { found: None },
                    false => Settled::Done(Box::new(Done::checked(None, None))),
                });
            }
        }
        let held = self.held.cloned().unwrap_or_default();
        let knows_it = invitation.is_none_or(|i| held.ids.contains(&i.id));
        // Whether it happened matters more than what the reading costs: the model's path, a
        // relist wherever the provider contradicts it.
        let mode = match knows_it {
            true => Mode::Cheap,
            false => Mode::Everything,
        };
        let found = self
            .run_check(direction, held, mode, &mut None)
            .await?
            .found;
        let listed: &[Invitation] = match &found {
            Found::Changes { added, .. } => added,
            Found::Everything(all) => all,
        };
        let done = match (invitation, target) {
            (Some(invitation), _) => match &found {
                Found::Changes { removed, .. } => removed.contains(&invitation.id),
                Found::Everything(all) => all.iter().all(|i| i.id != invitation.id),
            }
            .then(|| Done::checked(None, None)),
            (None, Some(target)) => listed
                .iter()
                .find(|i| is_target(target, i))
                .map(|i| Done::checked(Some(i.clone()), None)),
            (None, None) => None,
        };
        Ok(match done {
            Some(done) => Settled::Done(Box::new(Done {
                found: Some(found),
                ..done
            })),
            None => Settled::NotDone { found: Some(found) },
        })
    }

    async fn fetch_page(
        &self,
        direction: Direction,
        start: Cursor,
        size: u32,
    ) -> Result<Page<Invitation>, Error> {
        let request = self.api.list(self.account, direction, &start, size)?;
        let response = self.fetch(&request).await?;
        let fetched_at_ms = clocks::stamp(response.date_ms, self.now_ms);
        self.api
            .decode_list(self.account, direction, &start, &response, fetched_at_ms)
    }

    /// The first page says how many there are; when it is full, the other pages of an offset
    /// API are then fetched together, a full page apart. Cursor APIs, a provider that served
    /// less than asked, and a list that grew meanwhile are followed page by page. Every request
    /// counts against the listing's bound; a check's relisting (`within`) bears no short page
    /// more than the check did.
    async fn list_everything(
        &self,
        direction: Direction,
        within: Option<&Pages>,
    ) -> Result<Vec<Invitation>, Error> {
        let size = self.api.max_page_size(direction);
        let mut pages = match within {
            Some(check) => check.relisting(size),
            None => Pages::new(size, 0),
        };
        let start = Cursor::Offset(0);
        pages.ask(&start)?;
        let first = self.fetch_page(direction, start, size).await?;
        pages.bound_by_total(first.total, 0);
        pages.got(&first, size)?;
        let full = first.items.len() >= size as usize;
        let mut collected = Collected::default();
        let mut next = collected.add(first);
        if let (true, Some(Cursor::Offset(from)), Some(total)) = (full, &next, collected.total) {
            let starts: Vec<Cursor> = (*from..total.min(MAX_LISTED))
                .step_by(size.max(1) as usize)
                .map(Cursor::Offset)
                .collect();
            for start in &starts {
                pages.ask(start)?;
            }
            let fetched: Vec<Page<Invitation>> = stream::iter(starts)
                .map(|start| self.fetch_page(direction, start, size))
                .buffered(CONCURRENT_PAGES)
                .try_collect()
                .await?;
            next = None;
            for page in fetched {
                pages.got(&page, size)?;
                next = collected.add(page);
            }
        }
        while let Some(start) = next {
            pages.ask(&start)?;
            let page = self.fetch_page(direction, start, size).await?;
            pages.got(&page, size)?;
            next = collected.add(page);
        }
        Ok(collected.invitations)
    }
}

/// A failed read of the provider's clock is that read's failure, never an answer about the
/// action it was read for: a 404 from LinkUp's credits must not say an invitation is gone.
fn clock_read_failed(error: Error) -> Error {
    use ErrorKind::*;
    match error.kind {
        NotFound | AlreadyDone | CannotInvite | NotDone | InvalidInput => Error::new(
            ProviderUnavailable,
        )
        .with_detail("the provider's clock could not be read before the call, so nothing was done"),
        _ => error,
    }
}

/// Whether `invitation` goes to the person `target` names.
pub fn is_target(target: &Target, invitation: &Invitation) -> bool {
    let wanted = target.identifier();
    let known = match target {
        Target::ProviderId(_) => &invitation.person.provider_id,
        Target::PublicIdentifier(_) => &invitation.person.public_identifier,
    };
    known
        .as_deref()
        .is_some_and(|known| known.eq_ignore_ascii_case(wanted))
}

/// Pages gathered into one list. Offsets shift when an invitation is handled between two
/// pages, so an id already seen is skipped.
#[derive(Default)]
struct Collected {
    invitations: Vec<Invitation>,
    seen: HashSet<String>,
    total: Option<u64>,
}

impl Collected {
    /// Adds a page; returns where the next one starts.
    fn add(&mut self, page: Page<Invitation>) -> Option<Cursor> {
        self.total = self.total.or(page.total);
        for invitation in page.items {
            if self.seen.insert(invitation.id.clone()) {
                self.invitations.push(invitation);
            }
        }
        page.next
    }
}
