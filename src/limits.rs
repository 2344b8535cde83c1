//! The limits ledger, stored under `ledger`: per LinkedIn account (by provider and the
//! provider's account id, so removing and adding an account again changes nothing, and kept
//! when an account is removed), the invitations sent (with or without a note), the people
//! withdrawn, and when the next invitation may go. Every send, single or in a bulk job, is
//! checked here before any call, and reserved here before the call leaves: a send whose outcome
//! is unknown counts against the caps until a check says it did not happen. Checks: the weekly
//! and daily caps, the free plan's notes a month, a stop after the provider said a LinkedIn limit was
//! reached, the shortest delay between two invitations of one account, and LinkedIn's wait
//! before re-inviting someone withdrawn. Withdrawals have a daily cap of their own. Time only
//! moves forward here: a clock that went back forgets nothing. And while this machine's clock
//! is off the provider's, it moves no further than this machine's clock did since, plus the
//! clocks' tolerance: a provider clock that jumped ahead cannot empty the windows, and nothing
//! is sent until the two are reconciled.

use crate::age::{later, DAY_MS};
use crate::clocks::{Trusted, CLOCK_TOLERANCE_MS};
use crate::error::{Error, ErrorKind};
use crate::model::{Account, Person, Plan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the ledger is stored, in chrome.storage.local.
pub const LEDGER_KEY: &str = "ledger";

pub const WEEK_MS: f64 = 7.0 * DAY_MS;
/// Notes are counted over 30 days, as LinkedIn's "a month" is read here.
pub const MONTH_MS: f64 = 30.0 * DAY_MS;
/// After a withdrawal LinkedIn refuses a new invitation to the same person for about 3 weeks.
pub const REINVITE_WAIT_MS: f64 = 21.0 * DAY_MS;
/// Invitations with a note a free account may send a month.
pub const FREE_NOTES_PER_MONTH: u32 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sent {
    pub at_ms: f64,
    #[serde(default)]
    pub note: bool,
    /// Whom, lower case: what a reservation is found by.
    pub profile: Option<String>,
    /// Reserved before its call; the provider has not confirmed it (yet). Counted all the same.
    #[serde(default)]
    pub unconfirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withdrawn {
    /// The person's vanity name or member id, lower case.
    pub profile: String,
    /// The member id too, when known beside the vanity name: the wait holds by person, however
    /// the next invitation spells them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    pub at_ms: f64,
}

impl Withdrawn {
    fn is_one_of(&self, names: &[&str]) -> bool {
        names.iter().any(|name| {
            self.profile.eq_ignore_ascii_case(name)
                || self
                    .member_id
                    .as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(name))
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountLedger {
    /// Oldest first.
    #[serde(default)]
    pub sent: Vec<Sent>,
    #[serde(default)]
    pub withdrawn: Vec<Withdrawn>,
    /// The provider said a LinkedIn limit was reached: no sending until then.
    pub blocked_until_ms: Option<f64>,
    /// The same for invitations with a note, on a refusal of one.
    pub notes_blocked_until_ms: Option<f64>,
    /// The shortest delay between two invitations: none before this.
    pub next_send_at_ms: Option<f64>,
    /// The latest time this ledger was told: what is older than a window by it is forgotten,
    /// never by a clock that went back.
    #[serde(default)]
    pub latest_ms: f64,
    /// This machine's clock when `latest_ms` was told (0: never): how far the ledger's time may
    /// move on while the machine's clock is off the provider's.
    #[serde(default)]
    pub latest_local_ms: f64,
}

/// The time a ledger counts by, and how far the trusted time is ahead of it when held back.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Counted {
    now_ms: f64,
    held_back_ms: f64,
}

/// Every LinkedIn account's ledger, by `ledger_key`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ledger(BTreeMap<String, AccountLedger>);

/// The ledger's key for `account`: the LinkedIn account behind it, not the extension's entry.
pub fn ledger_key(account: &Account) -> String {
    let provider = serde_json::to_value(account.provider)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{provider}:{}", account.account_id.trim())
}

impl Plan {
    /// What LinkedIn allows in notes on this plan, when it limits them.
    pub fn note_quota_words(self) -> Option<String> {
        (self == Plan::Free).then(|| {
            format!(
                "On a free plan LinkedIn allows {FREE_NOTES_PER_MONTH} invitations with a note a month."
            )
        })
    }
}

/// Where an account stands, for the popup: "3 of 20 today · 37 of 100 this week".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    pub sent_this_week: u32,
    pub weekly_cap: u32,
    /// In the last 24 hours.
    pub sent_today: u32,
    pub daily_cap: u32,
    pub notes_this_month: u32,
    /// Only free accounts have one.
    pub notes_cap: Option<u32>,
    /// When an invitation without a note can be sent again, if not now.
    pub next_send_at_ms: Option<f64>,
    pub summary: String,
    pub notes_summary: Option<String>,
}

impl Standing {
    /// Invitations the weekly and daily caps let through now.
    pub fn room(&self) -> u32 {
        match self.next_send_at_ms {
            Some(_) => 0,
            None => self
                .weekly_cap
                .saturating_sub(self.sent_this_week)
                .min(self.daily_cap.saturating_sub(self.sent_today)),
        }
    }

    /// What the cap and the note quota let through of `count` invitations now, for the
    /// confirmation of a list.
    pub fn fit_words(&self, count: u32, with_note: bool) -> Vec<String> {
        let summary = &self.summary;
        let caps = match self.daily_cap < self.weekly_cap {
            true => "today's and this week's caps",
            false => "this week's cap",
        };
        let mut lines = vec![match self.room() {
            room if room >= count => format!("All fit {caps} ({summary})."),
            0 => format!("None fit {caps} ({summary}); they wait until the limit frees."),
            room => format!("{room} fit {caps} ({summary}); the rest wait until the limit frees."),
        }];
        if let (true, Some(cap), Some(notes_summary)) =
            (with_note, self.notes_cap, &self.notes_summary)
        {
            let notes = cap.saturating_sub(self.notes_this_month);
            if notes < count {
                let noun = if notes == 1 { "note" } else { "notes" };
                lines.push(format!(
                    "{notes} {noun} fit this month's limit ({notes_summary}); the rest wait \
                     until it frees."
                ));
            }
        }
        lines
    }
}

/// What a send is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    pub plan: Plan,
    pub weekly: u32,
    /// Invitations in any 24 hours.
    pub daily: u32,
    /// The shortest delay between two invitations of one account.
    pub gap_ms: f64,
}

impl AccountLedger {
    fn sent_since(&self, since_ms: f64, notes_only: bool) -> Vec<f64> {
        self.sent
            .iter()
            .filter(|sent| sent.at_ms > since_ms && (sent.note || !notes_only))
            .map(|sent| sent.at_ms)
            .collect()
    }

    /// When the count of `times` (oldest first) within `window_ms` falls below `cap` again,
    /// if it is not below it now.
    fn frees_at(times: &[f64], cap: u32, window_ms: f64) -> Option<f64> {
        let over = times.len().checked_sub(cap as usize)?;
        Some(times[over] + window_ms)
    }

    /// The trusted time, or the latest time told when the clock went back since. While the
    /// machine's clock is off the provider's, held to the latest time told plus what the
    /// machine's clock moved since (nothing when it went back) and the tolerance; held back, it
    /// moves on only by what the machine's clock moves, so repeated tellings gain nothing.
    fn counted(&self, at: Trusted) -> Counted {
        let floor = self.latest_ms;
        let agreed = Counted {
            now_ms: at.now_ms.max(floor),
            held_back_ms: 0.0,
        };
        if at.machine_agrees || self.latest_local_ms == 0.0 {
            return agreed;
        }
        let moved = floor + (at.local_ms - self.latest_local_ms).max(0.0);
        match at.now_ms <= moved + CLOCK_TOLERANCE_MS {
            true => agreed,
            false => Counted {
                now_ms: moved,
                held_back_ms: at.now_ms - moved,
            },
        }
    }

    fn now(&self, at: Trusted) -> f64 {
        self.counted(at).now_ms
    }

    fn told(&mut self, at: Trusted) -> f64 {
        self.latest_ms = self.now(at);
        self.latest_local_ms = at.local_ms;
        self.prune();
        self.latest_ms
    }

    /// Forgets what no window looks at any more.
    fn prune(&mut self) {
        let now = self.latest_ms;
        self.sent.retain(|sent| sent.at_ms > now - MONTH_MS);
        self.withdrawn
            .retain(|withdrawn| withdrawn.at_ms > now - REINVITE_WAIT_MS);
    }
}

impl Ledger {
    fn account(&self, key: &str) -> AccountLedger {
        self.0.get(key).cloned().unwrap_or_default()
    }

    fn account_mut(&mut self, key: &str) -> &mut AccountLedger {
        self.0.entry(key.to_owned()).or_default()
    }

    /// Moves what an earlier version kept under the extension's own account ids to the keys of
    /// the LinkedIn accounts behind them.
    pub fn rekey(&mut self, accounts: &[Account]) {
        for account in accounts {
            if let Some(old) = self.0.remove(&account.id) {
                let entry = self.account_mut(&ledger_key(account));
                entry.sent.extend(old.sent);
                entry.sent.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
                entry.withdrawn.extend(old.withdrawn);
                entry.blocked_until_ms = later(entry.blocked_until_ms, old.blocked_until_ms);
                entry.notes_blocked_until_ms =
                    later(entry.notes_blocked_until_ms, old.notes_blocked_until_ms);
            }
        }
    }

    pub fn standing(&self, key: &str, caps: Caps, at: Trusted) -> Standing {
        let ledger = self.account(key);
        let now_ms = ledger.now(at);
        let week = ledger.sent_since(now_ms - WEEK_MS, false);
        let day = ledger.sent_since(now_ms - DAY_MS, false);
        let notes = ledger.sent_since(now_ms - MONTH_MS, true);
        let notes_cap = (caps.plan == Plan::Free).then_some(FREE_NOTES_PER_MONTH);
        let blocked = ledger.blocked_until_ms.filter(|until| *until > now_ms);
        let next_send_at_ms = blocked
            .or_else(|| AccountLedger::frees_at(&week, caps.weekly, WEEK_MS))
            .or_else(|| AccountLedger::frees_at(&day, caps.daily, DAY_MS));
        let week_words = format!("{} of {} this week", week.len(), caps.weekly);
        Standing {
            sent_this_week: week.len() as u32,
            weekly_cap: caps.weekly,
            sent_today: day.len() as u32,
            daily_cap: caps.daily,
            notes_this_month: notes.len() as u32,
            notes_cap,
            next_send_at_ms,
            // A day's cap as large as the week's says nothing more.
            summary: match caps.daily < caps.weekly {
                true => format!("{} of {} today · {week_words}", day.len(), caps.daily),
                false => week_words,
            },
            notes_summary: notes_cap
                .map(|cap| format!("{} of {cap} notes this month", notes.len())),
        }
    }

    /// Refuses, before any call, an invitation the account may not send now, saying when it
    /// can. `names` are the invited person's vanity name and member id, as far as known.
    pub fn check_send(
        &self,
        key: &str,
        caps: Caps,
        names: &[&str],
        note: bool,
        at: Trusted,
    ) -> Result<(), Error> {
        let ledger = self.account(key);
        let Counted {
            now_ms,
            held_back_ms,
        } = ledger.counted(at);
        if held_back_ms > 0.0 {
            let ahead = crate::age::wait_words((held_back_ms / 1000.0).min(u32::MAX as f64) as u32);
            return Err(Error::new(ErrorKind::ClocksDisagree).with_detail(&format!(
                "the provider's clock is {ahead} further on than this computer's clock moved \
                 since the last invitation was counted"
            )));
        }
        let refuse = |kind, until_ms: f64, why: String| {
            let seconds = ((until_ms - now_ms) / 1000.0).ceil().max(1.0);
            Err(Error::new(kind)
                .with_detail(&why)
                .with_retry_after(Some(seconds.min(u32::MAX as f64) as u32)))
        };
        if let Some(until) = ledger.blocked_until_ms.filter(|until| *until > now_ms) {
            return refuse(
                ErrorKind::LimitReached,
                until,
                "the provider said LinkedIn's limit was reached".into(),
            );
        }
        let week = ledger.sent_since(now_ms - WEEK_MS, false);
        if let Some(frees) = AccountLedger::frees_at(&week, caps.weekly, WEEK_MS) {
            let why = format!(
                "{} of {} invitations sent in the last 7 days, this account's cap",
                week.len(),
                caps.weekly
            );
            return refuse(ErrorKind::LimitReached, frees, why);
        }
        let day = ledger.sent_since(now_ms - DAY_MS, false);
        if let Some(frees) = AccountLedger::frees_at(&day, caps.daily, DAY_MS) {
            let why = format!(
                "{} of {} invitations sent in the last 24 hours, this account's daily cap",
                day.len(),
                caps.daily
            );
            return refuse(ErrorKind::LimitReached, frees, why);
        }
        if note {
            if let Some(until) = ledger.notes_blocked_until_ms.filter(|u| *u > now_ms) {
                let why = "the provider said the limit on invitations with a note was reached";
                return refuse(ErrorKind::LimitReached, until, why.into());
            }
            let notes = ledger.sent_since(now_ms - MONTH_MS, true);
            let frees = (caps.plan == Plan::Free)
                .then(|| AccountLedger::frees_at(&notes, FREE_NOTES_PER_MONTH, MONTH_MS))
                .flatten();
            if let Some(frees) = frees {
                let why = format!(
                    "{} of {FREE_NOTES_PER_MONTH} invitations with a note in the last 30 days, \
                     LinkedIn's limit on a free account; send it without a note",
                    notes.len()
                );
                return refuse(ErrorKind::LimitReached, frees, why);
            }
        }
        let withdrawn = ledger.withdrawn.iter().rev().find(|withdrawn| {
            withdrawn.at_ms > now_ms - REINVITE_WAIT_MS && withdrawn.is_one_of(names)
        });
        if let Some(withdrawn) = withdrawn {
            let why = "an invitation to this person was withdrawn less than 3 weeks ago, and \
                       LinkedIn refuses a new one until then";
            return refuse(
                ErrorKind::CannotInvite,
                withdrawn.at_ms + REINVITE_WAIT_MS,
                why.into(),
            );
        }
        if let Some(next) = ledger.next_send_at_ms.filter(|next| *next > now_ms) {
            let why = format!(
                "invitations from this account go at least {} apart",
                crate::age::wait_words((caps.gap_ms / 1000.0).round() as u32)
            );
            return refuse(ErrorKind::Paced, next, why);
        }
        Ok(())
    }

    /// Refuses, before any call, a withdrawal beyond the account's `daily` cap, saying when the
    /// next may go.
    pub fn check_withdraw(&self, key: &str, daily: u32, at: Trusted) -> Result<(), Error> {
        let ledger = self.account(key);
        let now_ms = ledger.now(at);
        let day: Vec<f64> = ledger
            .withdrawn
            .iter()
            .map(|withdrawn| withdrawn.at_ms)
            .filter(|at_ms| *at_ms > now_ms - DAY_MS)
            .collect();
        let Some(frees) = AccountLedger::frees_at(&day, daily, DAY_MS) else {
            return Ok(());
        };
        let seconds = ((frees - now_ms) / 1000.0).ceil().max(1.0);
        Err(Error::new(ErrorKind::LimitReached)
            .with_detail(&format!(
                "{} of {daily} withdrawals in the last 24 hours, this account's daily cap",
                day.len()
            ))
            .with_retry_after(Some(seconds.min(u32::MAX as f64) as u32)))
    }

    /// Whether an invitation to `profile` is counted here and was not withdrawn since: it is
    /// pending (or LinkedIn took it), so another would be a second request for the same person.
    pub fn already_sent(&self, key: &str, profile: &str) -> bool {
        let ledger = self.account(key);
        let profile = profile.to_ascii_lowercase();
        let withdrawn = ledger
            .withdrawn
            .iter()
            .filter(|w| w.profile == profile)
            .map(|w| w.at_ms)
            .fold(f64::NEG_INFINITY, f64::max);
        ledger
            .sent
            .iter()
            .any(|sent| sent.profile.as_ref() == Some(&profile) && sent.at_ms > withdrawn)
    }

    /// Whether the latest invitation to `profile` this ledger counts carried a note.
    pub fn note_sent_to(&self, key: &str, profile: &str) -> Option<bool> {
        let profile = profile.to_ascii_lowercase();
        self.0
            .get(key)?
            .sent
            .iter()
            .rev()
            .find(|sent| sent.profile.as_ref() == Some(&profile))
            .map(|sent| sent.note)
    }

    /// After a damaged ledger was replaced: nothing is known of what the account sent lately, so
    /// it sends nothing for a week, and no note for a month.
    pub fn unknown_history(&mut self, key: &str, at: Trusted) {
        let ledger = self.account_mut(key);
        let now_ms = ledger.told(at);
        ledger.blocked_until_ms = Some(now_ms + WEEK_MS);
        ledger.notes_blocked_until_ms = Some(now_ms + MONTH_MS);
    }

    /// Counts an invitation before its call leaves, and holds the next one back by the
    /// account's shortest delay. It stays counted unless `release`d.
    pub fn reserve(&mut self, key: &str, profile: &str, note: bool, gap_ms: f64, at: Trusted) {
        let ledger = self.account_mut(key);
        let now_ms = ledger.told(at);
        ledger.sent.push(Sent {
            at_ms: now_ms,
            note,
            profile: Some(profile.to_ascii_lowercase()),
            unconfirmed: true,
        });
        ledger.next_send_at_ms = Some(now_ms + gap_ms);
    }

    /// The provider took the reserved invitation to `profile`.
    pub fn confirm(&mut self, key: &str, profile: &str) {
        if let Some(sent) = self.reservation(key, profile) {
            sent.unconfirmed = false;
        }
    }

    /// The provider refused the reserved invitation to `profile`: it was not sent. The delay
    /// before the next one stays: the request reached LinkedIn all the same.
    pub fn release(&mut self, key: &str, profile: &str) {
        let ledger = self.account_mut(key);
        let wanted = Some(profile.to_ascii_lowercase());
        if let Some(at) = ledger
            .sent
            .iter()
            .rposition(|sent| sent.unconfirmed && sent.profile == wanted)
        {
            ledger.sent.remove(at);
        }
    }

    fn reservation(&mut self, key: &str, profile: &str) -> Option<&mut Sent> {
        let wanted = Some(profile.to_ascii_lowercase());
        self.account_mut(key)
            .sent
            .iter_mut()
            .rev()
            .find(|sent| sent.unconfirmed && sent.profile == wanted)
    }

    /// An invitation the provider shows sent that no reservation counts (sent before this
    /// version, or settled by a check).
    pub fn record_sent(&mut self, key: &str, profile: &str, note: bool, at: Trusted) {
        match self.reservation(key, profile) {
            Some(sent) => sent.unconfirmed = false,
            None => {
                let ledger = self.account_mut(key);
                let at_ms = ledger.told(at);
                ledger.sent.push(Sent {
                    at_ms,
                    note,
                    profile: Some(profile.to_ascii_lowercase()),
                    unconfirmed: false,
                });
            }
        }
    }

    /// `person` was withdrawn: kept by vanity name (else member id) and member id.
    pub fn record_withdrawn(&mut self, key: &str, person: &Person, at: Trusted) {
        let ledger = self.account_mut(key);
        let at_ms = ledger.told(at);
        let member_id = person.provider_id.as_deref().map(str::to_ascii_lowercase);
        ledger.withdrawn.push(Withdrawn {
            profile: person.ledger_name().to_ascii_lowercase(),
            member_id: member_id.filter(|id| *id != person.ledger_name().to_ascii_lowercase()),
            at_ms,
        });
    }

    /// The provider refused an invitation because a LinkedIn limit was reached: sending stops
    /// until the window resets, which is when the oldest invitation counted in it leaves it
    /// (a full window when this ledger counts none). A refused note stops only notes.
    /// Returns how long until sending may start again.
    pub fn record_limit_reached(&mut self, key: &str, note: bool, at: Trusted) -> f64 {
        let ledger = self.account_mut(key);
        let now_ms = ledger.told(at);
        let (window_ms, notes_only) = match note {
            true => (MONTH_MS, true),
            false => (WEEK_MS, false),
        };
        let oldest = ledger
            .sent_since(now_ms - window_ms, notes_only)
            .first()
            .copied();
        let until = oldest.unwrap_or(now_ms) + window_ms;
        match note {
            true => ledger.notes_blocked_until_ms = Some(until),
            false => ledger.blocked_until_ms = Some(until),
        }
        until - now_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;
    const HOUR: f64 = crate::age::HOUR_MS;

    /// A moment where this machine's clock agrees with the provider's.
    fn at(ms: f64) -> Trusted {
        Trusted::machine(ms)
    }

    fn caps(plan: Plan, weekly: u32) -> Caps {
        Caps {
            plan,
            weekly,
            daily: weekly,
            gap_ms: 0.0,
        }
    }

    fn ledger_with_sends(times: &[f64], note: bool) -> Ledger {
        let mut ledger = Ledger::default();
        for sent_ms in times {
            ledger.record_sent("a", &format!("p{sent_ms}"), note, at(*sent_ms));
        }
        ledger
    }

    #[test]
    fn a_day_of_invitations_waits_for_its_oldest_to_be_a_day_old() {
        let times: Vec<f64> = (0..20).rev().map(|i| NOW - HOUR * f64::from(i)).collect();
        let ledger = ledger_with_sends(&times, false);
        let daily = Caps {
            daily: 20,
            ..caps(Plan::Free, 100)
        };
        let refused = ledger
            .check_send("a", daily, &["next"], false, at(NOW))
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::LimitReached);
        assert_eq!(
            refused.detail.as_deref(),
            Some("20 of 20 invitations sent in the last 24 hours, this account's daily cap")
        );
        // The oldest, 19 hours ago, leaves the day in 5 hours.
        assert_eq!(refused.retry_after_s, Some(5 * 3600));
        let standing = ledger.standing("a", daily, at(NOW));
        assert_eq!(standing.summary, "20 of 20 today · 20 of 100 this week");
        assert_eq!(standing.room(), 0);
        assert_eq!(standing.next_send_at_ms, Some(NOW + 5.0 * HOUR));
        assert!(ledger
            .check_send("a", daily, &["next"], false, at(NOW + 5.0 * HOUR + 1.0))
            .is_ok());
        assert_eq!(
            ledger
                .standing("a", Caps { daily: 25, ..daily }, at(NOW))
                .room(),
            5,
            "the day's room, smaller than the week's"
        );
    }

    #[test]
    fn withdrawals_have_a_daily_cap_of_their_own() {
        let mut ledger = Ledger::default();
        for i in 0..3 {
            ledger.record_withdrawn(
                "a",
                &person(&format!("p{i}")),
                at(NOW - HOUR * f64::from(3 - i)),
            );
        }
        assert!(ledger.check_withdraw("a", 4, at(NOW)).is_ok());
        let refused = ledger.check_withdraw("a", 3, at(NOW)).unwrap_err();
        assert_eq!(refused.kind, ErrorKind::LimitReached);
        assert_eq!(
            refused.retry_after_s,
            Some(21 * 3600),
            "the oldest was 3 hours ago"
        );
        assert!(ledger
            .check_withdraw("a", 3, at(NOW + 21.0 * HOUR + 1.0))
            .is_ok());
        assert!(
            ledger
                .check_send("a", caps(Plan::Free, 100), &["other"], false, at(NOW))
                .is_ok(),
            "invitations are not held back by withdrawals"
        );
    }

    #[test]
    fn a_confirmation_says_how_many_fit_the_cap_and_the_note_quota() {
        let mut ledger = Ledger::default();
        for i in 0..98 {
            ledger.record_sent(
                "k",
                &format!("p{i}"),
                i < 4,
                at(NOW - 1000.0 * f64::from(i)),
            );
        }
        let standing = ledger.standing("k", caps(Plan::Free, 100), at(NOW));
        assert_eq!(standing.room(), 2);
        assert_eq!(
            standing.fit_words(2, false),
            ["All fit this week's cap (98 of 100 this week)."]
        );
        assert_eq!(
            standing.fit_words(5, true),
            [
                "2 fit this week's cap (98 of 100 this week); the rest wait until the limit frees.",
                "1 note fit this month's limit (4 of 5 notes this month); the rest wait until it frees."
            ]
        );
        let full = ledger.standing("k", caps(Plan::Free, 98), at(NOW));
        assert_eq!(full.room(), 0);
        assert!(full.fit_words(1, false)[0].starts_with("None fit this week's cap"));
    }

    #[test]
    fn the_weekly_window_rolls_and_says_when_a_slot_frees() {
        // 100 sent over the last 5 days, one every hour and a bit; 3 more 8 days ago.
        let mut times: Vec<f64> = vec![NOW - 8.0 * DAY_MS; 3];
        times.extend((0..100).map(|i| NOW - 5.0 * DAY_MS + i as f64 * HOUR));
        let ledger = ledger_with_sends(&times, false);
        let standing = ledger.standing("a", caps(Plan::Free, 100), at(NOW));
        assert_eq!(standing.summary, "100 of 100 this week");
        assert_eq!(
            standing.notes_summary.as_deref(),
            Some("0 of 5 notes this month")
        );
        let frees = NOW - 5.0 * DAY_MS + WEEK_MS;
        assert_eq!(standing.next_send_at_ms, Some(frees));
        let refused = ledger
            .check_send("a", caps(Plan::Free, 100), &["jane"], false, at(NOW))
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::LimitReached);
        assert_eq!(refused.retry_after_s, Some((2.0 * DAY_MS / 1000.0) as u32));
        assert!(refused.detail.unwrap().contains("100 of 100"));
        // A second after the oldest of them leaves the window, one may go.
        assert!(ledger
            .check_send(
                "a",
                caps(Plan::Free, 100),
                &["jane"],
                false,
                at(frees + 1000.0)
            )
            .is_ok());
        // A higher cap leaves room now.
        assert!(ledger
            .check_send("a", caps(Plan::Premium, 200), &["jane"], false, at(NOW))
            .is_ok());
        assert_eq!(
            ledger
                .standing("a", caps(Plan::Premium, 200), at(NOW))
                .next_send_at_ms,
            None
        );
        // Other accounts are counted apart.
        assert!(ledger
            .check_send("b", caps(Plan::Free, 100), &["jane"], false, at(NOW))
            .is_ok());
    }

    #[test]
    fn free_accounts_get_five_notes_in_thirty_days_and_premium_no_note_limit() {
        let times: Vec<f64> = (0..5).map(|i| NOW - (29 - i) as f64 * DAY_MS).collect();
        let ledger = ledger_with_sends(&times, true);
        let standing = ledger.standing("a", caps(Plan::Free, 100), at(NOW));
        assert_eq!(
            standing.notes_summary.as_deref(),
            Some("5 of 5 notes this month")
        );
        assert_eq!(standing.summary, "0 of 100 this week");
        let refused = ledger
            .check_send("a", caps(Plan::Free, 100), &["x"], true, at(NOW))
            .unwrap_err();
        assert_eq!(refused.retry_after_s, Some((DAY_MS / 1000.0) as u32));
        assert!(ledger
            .check_send("a", caps(Plan::Free, 100), &["x"], false, at(NOW))
            .is_ok());
        assert!(ledger
            .check_send("a", caps(Plan::Premium, 200), &["x"], true, at(NOW))
            .is_ok());
        assert_eq!(
            ledger
                .standing("a", caps(Plan::Premium, 200), at(NOW))
                .notes_summary,
            None
        );
    }

    #[test]
    fn a_provider_limit_stops_sending_until_the_window_resets() {
        let mut ledger = ledger_with_sends(&[NOW - 3.0 * DAY_MS, NOW - DAY_MS], false);
        assert_eq!(
            ledger.record_limit_reached("a", false, at(NOW)),
            4.0 * DAY_MS
        );
        let refused = ledger
            .check_send("a", caps(Plan::Premium, 200), &["x"], false, at(NOW))
            .unwrap_err();
        assert_eq!(refused.retry_after_s, Some((4.0 * DAY_MS / 1000.0) as u32));
        assert!(refused.detail.unwrap().contains("provider"));
        assert_eq!(
            ledger
                .standing("a", caps(Plan::Premium, 200), at(NOW))
                .next_send_at_ms,
            Some(NOW + 4.0 * DAY_MS)
        );
        assert!(ledger
            .check_send(
                "a",
                caps(Plan::Premium, 200),
                &["x"],
                false,
                at(NOW + 4.0 * DAY_MS + 1.0)
            )
            .is_ok());

        // With nothing in the ledger's window, a whole window; a refused note stops only notes.
        let mut fresh = Ledger::default();
        fresh.record_limit_reached("a", true, at(NOW));
        assert!(fresh
            .check_send("a", caps(Plan::Free, 100), &["x"], false, at(NOW))
            .is_ok());
        let notes = fresh
            .check_send("a", caps(Plan::Free, 100), &["x"], true, at(NOW))
            .unwrap_err();
        assert_eq!(notes.retry_after_s, Some((MONTH_MS / 1000.0) as u32));
    }

    fn person(vanity: &str) -> Person {
        Person {
            public_identifier: Some(vanity.to_owned()),
            ..Person::default()
        }
    }

    #[test]
    fn the_three_week_wait_holds_by_vanity_name_and_by_member_id() {
        let mut ledger = Ledger::default();
        let jane = Person {
            provider_id: Some("ACoAAB123".into()),
            ..person("Jane-Doe")
        };
        ledger.record_withdrawn("a", &jane, at(NOW - DAY_MS));
        let check =
            |names: &[&str]| ledger.check_send("a", caps(Plan::Free, 100), names, false, at(NOW));
        assert_eq!(
            check(&["acoaab123"]).unwrap_err().kind,
            ErrorKind::CannotInvite
        );
        assert_eq!(
            check(&["jane-doe"]).unwrap_err().kind,
            ErrorKind::CannotInvite
        );
        assert_eq!(
            check(&["https-spelt-otherwise", "ACoAAB123"])
                .unwrap_err()
                .kind,
            ErrorKind::CannotInvite
        );
        assert!(check(&["john-roe", "ACoAAB999"]).is_ok());
    }

    #[test]
    fn a_withdrawn_person_is_not_invited_again_within_three_weeks() {
        let mut ledger = Ledger::default();
        ledger.record_withdrawn("a", &person("Jane-Doe"), at(NOW - 20.0 * DAY_MS));
        let refused = ledger.check_send("a", caps(Plan::Free, 100), &["jane-doe"], false, at(NOW));
        assert_eq!(
            refused.unwrap_err().retry_after_s,
            Some((DAY_MS / 1000.0) as u32)
        );
        assert!(ledger
            .check_send("a", caps(Plan::Free, 100), &["john-roe"], false, at(NOW))
            .is_ok());
        assert!(ledger
            .check_send(
                "a",
                caps(Plan::Free, 100),
                &["jane-doe"],
                false,
                at(NOW + DAY_MS + 1.0)
            )
            .is_ok());
    }

    #[test]
    fn old_entries_are_forgotten_and_the_ledger_survives_storage() {
        let mut ledger = Ledger::default();
        ledger.record_sent("a", "p1", true, at(NOW - 40.0 * DAY_MS));
        ledger.record_withdrawn("a", &person("old"), at(NOW - 30.0 * DAY_MS));
        ledger.record_sent("a", "p2", true, at(NOW - 2.0 * DAY_MS));
        ledger.record_sent("a", "now", false, at(NOW));
        let text = serde_json::to_string(&ledger).unwrap();
        let read: Ledger = serde_json::from_str(&text).unwrap();
        assert_eq!(read, ledger);
        assert_eq!(read.0["a"].sent.len(), 2);
        assert!(read.0["a"].withdrawn.is_empty());
        let damaged: Result<Ledger, _> =
            serde_json::from_str(r#"{"a": {"sent": [{"note": true}]}}"#);
        assert!(damaged.is_err());
    }

    /// A moment where the provider's clock says `provider_ms` and this machine's `local_ms`.
    fn off(provider_ms: f64, local_ms: f64) -> Trusted {
        crate::clocks::trusted(provider_ms, local_ms)
    }

    #[test]
    fn a_provider_clock_that_jumps_ahead_of_this_machines_moves_the_week_no_further() {
        let mut ledger = ledger_with_sends(&[NOW - HOUR, NOW], false);
        let week = caps(Plan::Free, 2);
        // The provider's clock says a month went by, this machine's that a minute did.
        let jumped = off(NOW + 30.0 * DAY_MS, NOW + 60_000.0);
        let refused = ledger
            .check_send("a", week, &["x"], false, jumped)
            .unwrap_err();
        assert_eq!(refused.kind, ErrorKind::ClocksDisagree);
        assert!(refused.detail.unwrap().contains("30 days"));
        // Told again and again meanwhile, it moves only as this machine's clock does.
        for minute in 1..=100 {
            let later = off(NOW + 30.0 * DAY_MS, NOW + f64::from(minute) * 60_000.0);
            ledger.record_withdrawn("a", &person(&format!("w{minute}")), later);
        }
        let standing = ledger.standing("a", week, off(NOW + 30.0 * DAY_MS, NOW + 6_000_000.0));
        assert_eq!(standing.sent_this_week, 2, "the week's sends still count");
        // Once this machine's clock agrees, the month went by.
        ledger
            .check_send("a", week, &["x"], false, at(NOW + 30.0 * DAY_MS))
            .expect("a place");
    }

    #[test]
    fn a_machine_clock_steadily_off_the_providers_holds_nothing_back() {
        let mut ledger = Ledger::default();
        let two_hours_behind = |ms: f64| off(ms, ms - 2.0 * HOUR);
        ledger.record_sent("a", "p0", false, two_hours_behind(NOW - 8.0 * DAY_MS));
        ledger.record_sent("a", "p1", false, two_hours_behind(NOW - DAY_MS));
        let standing = ledger.standing("a", caps(Plan::Free, 2), two_hours_behind(NOW));
        assert_eq!(standing.sent_this_week, 1, "the old one left the week");
        ledger
            .check_send(
                "a",
                caps(Plan::Free, 2),
                &["x"],
                false,
                two_hours_behind(NOW),
            )
            .expect("a place");
    }
}
