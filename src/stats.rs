//! Acceptance stats: what became of the invitations an account sent while Invite Desk watched
//! it (accepted, withdrawn by us, gone from the list for a reason no API tells, or pending),
//! and the weekly view the popup shows. Pure: the worker feeds it the sent list's changes and
//! its own withdrawals, and stores one value per account under `stats_key`, kept to the weeks
//! the view shows and at most `MAX_TRACKED` invitations, so it stays small whatever the list.

use crate::age::{iso_date, wait_words};
use crate::model::Invitation;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Weeks the view shows, this one included.
pub const STATS_WEEKS: usize = 8;
/// Invitations kept per account: a heavy account sends at most its weekly cap (250) a week.
pub const MAX_TRACKED: usize = 2_000;
/// Invitations asked about per check of the sent list (LinkUp: 1 credit each); the rest wait
/// for the next check.
pub const ASKS_PER_CHECK: usize = 10;

const DAY_MS: f64 = 86_400_000.0;
const WEEK_MS: f64 = 7.0 * DAY_MS;

pub fn stats_key(account: &str) -> String {
    format!("stats:{account}")
}

/// One account's stats, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountStats {
    /// When the sent list was first read: what was sent before is not counted, since what was
    /// accepted before cannot be seen.
    pub since_ms: Option<f64>,
    /// Oldest first.
    pub tracked: Vec<Tracked>,
}

/// One invitation sent while watched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracked {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub profile_url: Option<String>,
    pub sent_at_ms: f64,
    /// Whether it carried a note, where known (LinkUp's lists do not say; our own sends do).
    #[serde(default)]
    pub note: Option<bool>,
    #[serde(default)]
    pub outcome: Outcome,
    /// When it was seen accepted, withdrawn or gone: at most one check after it happened.
    #[serde(default)]
    pub ended_at_ms: Option<f64>,
    /// Gone from the list, and the provider can still be asked whether it was accepted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub to_ask: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    #[default]
    Pending,
    Accepted,
    /// Withdrawn from Invite Desk (by hand, in bulk or by the automatic rule).
    Withdrawn,
    /// Gone from the sent list: declined, withdrawn elsewhere, or accepted where nothing tells.
    Left,
}

impl Outcome {
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Accepted => "accepted",
            Outcome::Withdrawn => "withdrawn by you",
            Outcome::Left => "left the list",
        }
    }
}

/// What the provider said of one invitation gone from the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Connected,
    StillPending,
    NotConnected,
}

impl AccountStats {
    /// The sent list was read: counting starts now, if it had not.
    pub fn start(&mut self, now_ms: f64) -> bool {
        let started = self.since_ms.is_none();
        self.since_ms.get_or_insert(now_ms);
        started
    }

    /// Invitations new in the sent list; `note_of` says whether each carried a note, where
    /// known. Ones sent before counting started are left out. True when anything changed.
    pub fn arrived(
        &mut self,
        invitations: &[Invitation],
        note_of: impl Fn(&Invitation) -> Option<bool>,
        now_ms: f64,
    ) -> bool {
        let since = *self.since_ms.get_or_insert(now_ms);
        let mut known: HashSet<String> = self.tracked.iter().map(|t| t.id.clone()).collect();
        let mut changed = false;
        // Oldest first, as kept.
        for invitation in invitations.iter().rev() {
            let sent_at_ms = invitation.sent_at_ms.unwrap_or(now_ms).min(now_ms);
            // LinkUp tells the age in days: a day's slack.
            let before_counting = sent_at_ms < since - DAY_MS;
            if before_counting || !known.insert(invitation.id.clone()) {
                continue;
            }
            self.tracked.push(Tracked {
                id: invitation.id.clone(),
                name: invitation.person.name.clone(),
                profile_url: invitation.person.profile_url.clone(),
                sent_at_ms,
                note: note_of(invitation),
                outcome: Outcome::Pending,
                ended_at_ms: None,
                to_ask: false,
            });
            changed = true;
        }
        self.prune(now_ms);
        changed
    }

    /// Invitations gone from the sent list at the provider. `askable`: the provider can tell
    /// whether each was accepted (LinkUp), so each is asked about before it counts as left.
    pub fn left(&mut self, invitations: &[Invitation], askable: bool, now_ms: f64) -> bool {
        let mut changed = false;
        for invitation in invitations {
            if let Some(tracked) = self.pending_mut(&invitation.id) {
                tracked.outcome = Outcome::Left;
                tracked.ended_at_ms = Some(now_ms);
                tracked.to_ask = askable && tracked.profile_url.is_some();
                changed = true;
            }
        }
        changed
    }

    /// Withdrawn from Invite Desk.
    pub fn withdrawn(&mut self, id: &str, now_ms: f64) -> bool {
        match self.pending_mut(id) {
            Some(tracked) => {
                tracked.outcome = Outcome::Withdrawn;
                tracked.ended_at_ms = Some(now_ms);
                true
            }
            None => false,
        }
    }

    /// The next invitations to ask about, with their profile URLs.
    pub fn to_ask(&self) -> Vec<(String, String)> {
        self.tracked
            .iter()
            .filter(|t| t.to_ask)
            .filter_map(|t| Some((t.id.clone(), t.profile_url.clone()?)))
            .take(ASKS_PER_CHECK)
            .collect()
    }

    /// What the provider said of `id`. One still pending was only missing from a page: it
    /// counts as pending again.
    pub fn answered(&mut self, id: &str, answer: Answer) -> bool {
        let Some(tracked) = self.tracked.iter_mut().find(|t| t.id == id && t.to_ask) else {
            return false;
        };
        tracked.to_ask = false;
        match answer {
            Answer::Connected => tracked.outcome = Outcome::Accepted,
            Answer::NotConnected => {}
            Answer::StillPending => {
                tracked.outcome = Outcome::Pending;
                tracked.ended_at_ms = None;
            }
        }
        true
    }

    fn pending_mut(&mut self, id: &str) -> Option<&mut Tracked> {
        self.tracked
            .iter_mut()
            .find(|t| t.id == id && t.outcome == Outcome::Pending)
    }

    /// Keeps what the view can show: the weeks it covers, at most `MAX_TRACKED`.
    fn prune(&mut self, now_ms: f64) {
        let oldest = now_ms - (STATS_WEEKS as f64 + 1.0) * WEEK_MS;
        self.tracked.retain(|t| t.sent_at_ms >= oldest);
        self.tracked
            .sort_by(|a, b| a.sent_at_ms.total_cmp(&b.sent_at_ms));
        let over = self.tracked.len().saturating_sub(MAX_TRACKED);
        self.tracked.drain(..over);
    }
}

/// The popup's Stats view, for one account or all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsView {
    /// Newest first: this week, then the seven before.
    pub weeks: Vec<Week>,
    pub sent: u32,
    pub accepted: u32,
    pub withdrawn: u32,
    pub left: u32,
    pub pending: u32,
    pub rate: String,
    /// Median time from sending to being seen accepted, with a note, without, and all.
    pub median_with_note: String,
    pub median_without_note: String,
    pub median: String,
    /// "Counting since 2026-11-02", or why nothing is counted yet.
    pub since: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// "week of 2026-11-23" (Monday, local time).
    pub label: String,
    pub sent: u32,
    pub accepted: u32,
    pub rate: String,
}

/// The view of `accounts` at `now_ms`; weeks start on Monday in the page's time zone,
/// `utc_offset_minutes` ahead of UTC.
pub fn view(accounts: &[&AccountStats], now_ms: f64, utc_offset_minutes: f64) -> StatsView {
    let offset_ms = utc_offset_minutes * 60_000.0;
    let this_monday = week_start(now_ms + offset_ms);
    let tracked: Vec<&Tracked> = accounts
        .iter()
        .flat_map(|a| &a.tracked)
        .filter(|t| t.sent_at_ms + offset_ms >= this_monday - (STATS_WEEKS as f64 - 1.0) * WEEK_MS)
        .collect();
    let weeks = (0..STATS_WEEKS)
        .map(|back| {
            let start = this_monday - back as f64 * WEEK_MS;
            let cohort: Vec<&&Tracked> = tracked
                .iter()
                .filter(|t| (start..start + WEEK_MS).contains(&(t.sent_at_ms + offset_ms)))
                .collect();
            let accepted = count(cohort.iter().copied(), Outcome::Accepted);
            Week {
                label: format!("week of {}", iso_date(start)),
                sent: cohort.len() as u32,
                accepted,
                rate: rate(accepted, cohort.len() as u32),
            }
        })
        .collect();
    let sent = tracked.len() as u32;
    let accepted = count(tracked.iter(), Outcome::Accepted);
    let since = accounts.iter().filter_map(|a| a.since_ms).reduce(f64::min);
    StatsView {
        weeks,
        sent,
        accepted,
        withdrawn: count(tracked.iter(), Outcome::Withdrawn),
        left: count(tracked.iter(), Outcome::Left),
        pending: count(tracked.iter(), Outcome::Pending),
        rate: rate(accepted, sent),
        median_with_note: median_to_accept(&tracked, Some(true)),
        median_without_note: median_to_accept(&tracked, Some(false)),
        median: median_to_accept(&tracked, None),
        since: match since {
            Some(ms) => format!("Counting since {}", iso_date(ms + offset_ms)),
            None => "Nothing counted yet: counting starts at the next check of the sent \
                     invitations."
                .into(),
        },
    }
}

/// Midnight starting the Monday of the week holding `local_ms` (1970-01-01 was a Thursday).
fn week_start(local_ms: f64) -> f64 {
    let day = (local_ms / DAY_MS).floor();
    (day - (day + 3.0).rem_euclid(7.0)) * DAY_MS
}

fn count<'a>(tracked: impl Iterator<Item = &'a &'a Tracked>, outcome: Outcome) -> u32 {
    tracked.filter(|t| t.outcome == outcome).count() as u32
}

fn rate(accepted: u32, sent: u32) -> String {
    match sent {
        0 => "–".into(),
        _ => format!("{:.0} %", f64::from(accepted) * 100.0 / f64::from(sent)),
    }
}

/// The median time to accept of those with `note` (`None`: all), in words.
fn median_to_accept(tracked: &[&Tracked], note: Option<bool>) -> String {
    let mut waits: Vec<f64> = tracked
        .iter()
        .filter(|t| t.outcome == Outcome::Accepted && (note.is_none() || t.note == note))
        .filter_map(|t| Some((t.ended_at_ms? - t.sent_at_ms).max(0.0)))
        .collect();
    if waits.is_empty() {
        return "–".into();
    }
    waits.sort_by(f64::total_cmp);
    let middle = waits.len() / 2;
    let median = match waits.len() % 2 {
        1 => waits[middle],
        _ => (waits[middle - 1] + waits[middle]) / 2.0,
    };
    wait_words((median / 1000.0).min(f64::from(u32::MAX)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Handles, Person};

    /// Monday 2026-11-30, 10:00 UTC.
    const NOW: f64 = 1_796_032_800_000.0;

    fn sent(id: &str, days_ago: f64, note: Option<&str>) -> Invitation {
        Invitation {
            id: id.into(),
            account: "a".into(),
            direction: Direction::Sent,
            person: Person {
                name: format!("Person {id}"),
                profile_url: Some(format!("https://www.linkedin.com/in/p{id}/")),
                ..Person::default()
            },
            note: note.map(str::to_owned),
            sent_at_ms: Some(NOW - days_ago * DAY_MS),
            sent_at_exact: true,
            handles: Handles::default(),
        }
    }

    fn note_shown(invitation: &Invitation) -> Option<bool> {
        Some(invitation.note.is_some())
    }

    fn watched() -> AccountStats {
        let mut stats = AccountStats::default();
        stats.start(NOW - 30.0 * DAY_MS);
        stats
    }

    #[test]
    fn the_clock_constant_is_a_monday() {
        assert_eq!(iso_date(NOW), "2026-11-30");
        assert_eq!(week_start(NOW), NOW - 10.0 * 3_600_000.0);
    }

    #[test]
    fn counts_acceptances_withdrawals_and_departures_by_week_of_sending() {
        let mut stats = watched();
        let invitations = [
            sent("1", 1.0, Some("hi")),
            sent("2", 2.0, None),
            sent("3", 8.0, None),
            sent("4", 9.0, Some("hello")),
        ];
        assert!(stats.arrived(&invitations, note_shown, NOW - 0.5 * DAY_MS));
        assert!(
            !stats.arrived(&invitations, note_shown, NOW),
            "each counted once"
        );
        stats.left(&[invitations[0].clone(), invitations[2].clone()], true, NOW);
        assert_eq!(
            stats.to_ask(),
            vec![
                (
                    "3".to_string(),
                    "https://www.linkedin.com/in/p3/".to_string()
                ),
                (
                    "1".to_string(),
                    "https://www.linkedin.com/in/p1/".to_string()
                ),
            ]
        );
        stats.answered("1", Answer::Connected);
        stats.answered("3", Answer::NotConnected);
        assert!(stats.withdrawn("4", NOW));
        assert!(
            !stats.withdrawn("1", NOW),
            "an accepted one is not withdrawn"
        );
        assert!(stats.to_ask().is_empty());

        let view = view(&[&stats], NOW, 0.0);
        assert_eq!(view.weeks.len(), STATS_WEEKS);
        assert_eq!(view.weeks[0].label, "week of 2026-11-30");
        assert_eq!((view.weeks[0].sent, view.weeks[0].accepted), (0, 0));
        assert_eq!(view.weeks[0].rate, "–");
        assert_eq!(view.weeks[1].label, "week of 2026-11-23");
        assert_eq!((view.weeks[1].sent, view.weeks[1].accepted), (2, 1));
        assert_eq!(view.weeks[1].rate, "50 %");
        assert_eq!((view.weeks[2].sent, view.weeks[2].accepted), (2, 0));
        assert_eq!(
            (
                view.sent,
                view.accepted,
                view.withdrawn,
                view.left,
                view.pending
            ),
            (4, 1, 1, 1, 1)
        );
        assert_eq!(view.rate, "25 %");
        assert_eq!(view.median_with_note, "24 hours");
        assert_eq!(view.median_without_note, "–");
        assert_eq!(view.since, "Counting since 2026-10-31");
    }

    #[test]
    fn a_pending_answer_puts_it_back_and_a_list_glitch_costs_nothing_more() {
        let mut stats = watched();
        stats.arrived(&[sent("1", 3.0, None)], note_shown, NOW);
        stats.left(&[sent("1", 3.0, None)], true, NOW);
        stats.answered("1", Answer::StillPending);
        assert_eq!(stats.tracked[0].outcome, Outcome::Pending);
        assert_eq!(stats.tracked[0].ended_at_ms, None);
        // Where nothing can tell, it is left at once, never asked about.
        stats.left(&[sent("1", 3.0, None)], false, NOW);
        assert_eq!(stats.tracked[0].outcome, Outcome::Left);
        assert!(stats.to_ask().is_empty());
    }

    #[test]
    fn what_was_sent_before_counting_started_is_not_counted() {
        let mut stats = AccountStats::default();
        assert!(stats.start(NOW));
        assert!(!stats.start(NOW + 1.0));
        assert!(!stats.arrived(&[sent("1", 5.0, None)], note_shown, NOW));
        assert!(stats.arrived(&[sent("2", 0.5, None)], note_shown, NOW));
        assert_eq!(stats.tracked.len(), 1);
    }

    #[test]
    fn medians_split_by_note_and_take_the_middle() {
        let mut stats = watched();
        let invitations: Vec<Invitation> = (1..=4)
            .map(|i| sent(&i.to_string(), 6.0, (i % 2 == 0).then_some("hi")))
            .collect();
        stats.arrived(&invitations, note_shown, NOW - 6.0 * DAY_MS);
        for (i, days) in [(1, 1.0), (2, 2.0), (3, 3.0), (4, 5.0)] {
            let gone = &invitations[i - 1];
            let at = NOW - 6.0 * DAY_MS + days * DAY_MS;
            stats.left(std::slice::from_ref(gone), true, at);
            stats.answered(&gone.id, Answer::Connected);
        }
        let view = view(&[&stats], NOW, 0.0);
        assert_eq!(view.median_without_note, "2 days");
        assert_eq!(view.median_with_note, "4 days");
        assert_eq!(view.median, "3 days");
    }

    #[test]
    fn stays_bounded_by_weeks_and_count() {
        let mut stats = AccountStats::default();
        stats.start(NOW - 100.0 * DAY_MS);
        let old: Vec<Invitation> = (0..50)
            .map(|i| sent(&format!("o{i}"), 70.0, None))
            .collect();
        stats.arrived(&old, note_shown, NOW - 69.0 * DAY_MS);
        let many: Vec<Invitation> = (0..MAX_TRACKED + 10)
            .map(|i| sent(&i.to_string(), 1.0 + i as f64 / 10_000.0, None))
            .collect();
        stats.arrived(&many, note_shown, NOW);
        assert_eq!(stats.tracked.len(), MAX_TRACKED);
        assert!(stats.tracked.iter().all(|t| !t.id.starts_with('o')));
        assert!(stats
            .tracked
            .windows(2)
            .all(|w| w[0].sent_at_ms <= w[1].sent_at_ms));
    }

    #[test]
    fn weeks_follow_the_page_time_zone() {
        let mut stats = watched();
        // Sunday 23:30 in UTC is Monday 00:30 in Paris (UTC+1 in winter).
        let mut late = sent("1", 0.0, None);
        late.sent_at_ms = Some(NOW - 10.5 * 3_600_000.0);
        stats.arrived(&[late], note_shown, NOW);
        assert_eq!(view(&[&stats], NOW, 0.0).weeks[1].sent, 1);
        assert_eq!(view(&[&stats], NOW, 60.0).weeks[0].sent, 1);
    }

    #[test]
    fn an_empty_account_says_when_counting_starts() {
        let view = view(&[&AccountStats::default()], NOW, 0.0);
        assert!(view.since.starts_with("Nothing counted yet"));
        assert_eq!(view.rate, "–");
        assert!(view.weeks.iter().all(|w| w.sent == 0));
    }
}
