//! What changed in one account's list of one direction since we last looked, found for the
//! fewest provider cost. Pure and sans-IO: `Check::step` says which page to fetch,
//! `client.rs` fetches it and hands it to `Check::feed`, until `step` says `Done` or
//! `Relist`.
//!
//! The model: the provider lists pending invitations newest first, so its list is the one we
//! hold with new invitations on top and some of ours gone. Newest-first order is INFERRED
//! (linkup.md §5; unipile.md says nothing), so every page read is checked against it: ages
//! must not grow younger down a page, a known invitation must not come before an unknown one,
//! and known ones must come in our order. A page that contradicts the model, or a count that
//! does not add up, sends the check to the safe path: a relist of this one list.
//!
//! - New invitations are read from the top until a known one appears.
//! - Removals (accepted on LinkedIn's site, withdrawn by their sender, accepted by the other
//!   person) are told by the provider's total. Those in the pages read are placed at once;
//!   the others are placed by probing single pages where the count says they are (each probe
//!   halves the span), while that costs less than a relist.
//! - Unipile v1 gives no total (INFERRED: none exists): removals below its first page wait for
//!   the next full reconcile.
//! - A provider whose pages contradicted the model lately would make every check a relist, a
//!   full read at each poll: until a day has passed, its checks read the first page alone and
//!   add what they do not hold there (`Mode::FirstPage`); what left waits for the next full
//!   read.

use crate::model::{Cursor, Direction, Invitation, Page};
use crate::settings::Settings;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What the check starts from: the ids of the invitations we hold, newest first, and those
/// acted on in the last minutes, which the provider may still list for a while.
#[derive(Debug, Clone, Default)]
pub struct Held {
    pub ids: Vec<String>,
    pub handled: HashSet<String>,
}

/// How one API is read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// The page size of the check's own reads: the largest one call of the smallest cost
    /// serves (LinkUp: 50, 1 credit).
    pub probe_size: u32,
    /// Whether pages say how many there are in all, and can start at any offset.
    pub reports_total: bool,
}

/// How a check reads a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The model's cheap path, and a relist where the provider contradicts it.
    Cheap,
    /// Everything read again: the full read, the popup's Refresh.
    Everything,
    /// The first page alone, what it holds that we do not added on top, nothing removed: the
    /// provider contradicted the model lately.
    FirstPage,
}

/// How long after the provider contradicted the model a list is checked by its first page
/// alone: at most one relist a day for an API whose order is not what the model expects.
pub const UNEXPECTED_ORDER_MS: f64 = crate::age::DAY_MS;

/// Where the check stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Fetch this page and `feed` it.
    Fetch {
        start: Cursor,
        size: u32,
    },
    /// The cheap path cannot settle it: read the whole list and `feed_relist` it.
    Relist,
    Done(Found),
}

/// What the check found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The provider's list is ours with `added` on top (newest first) and `removed` gone.
    Changes {
        added: Vec<Invitation>,
        removed: Vec<String>,
        /// The provider's count, invitations we acted on not counted; `None` where the API
        /// gives none.
        total: Option<u64>,
    },
    /// The whole list, read again, in the provider's order.
    Everything(Vec<Invitation>),
}

impl Found {
    /// True when the provider's list is the one held.
    pub fn is_nothing(&self, held_total: Option<u64>) -> bool {
        match self {
            Found::Changes {
                added,
                removed,
                total,
            } => added.is_empty() && removed.is_empty() && *total == held_total,
            Found::Everything(_) => false,
        }
    }
}

/// One check of one list.
#[derive(Debug)]
pub struct Check {
    held: Vec<String>,
    index: HashMap<String, usize>,
    handled: HashSet<String>,
    reading: Reading,
    /// Pages read from the top, acted-on invitations left out, in order.
    top: Vec<Invitation>,
    /// Where the pages from the top go on; `None` once the list's end was read.
    top_next: Option<Cursor>,
    top_started: bool,
    /// Acted-on invitations seen in the pages from the top: the provider's total counts them.
    ghosts: u64,
    total: Option<u64>,
    /// Single pages read below the top ones: (offset, items).
    probes: Vec<(u64, Vec<Invitation>)>,
    relist: bool,
    everything: Option<Vec<Invitation>>,
    mode: Mode,
    /// The provider's pages broke the model (order, counts): the relist was forced, not chosen
    /// for its cost.
    contradicted: bool,
}

/// A known invitation seen at a place in the provider's list.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    /// Its index in the held list.
    held: usize,
    /// Its position in the provider's list.
    at: u64,
}

impl Check {
    pub fn new(held: Held, reading: Reading) -> Check {
        let index = held
            .ids
            .iter()
            .enumerate()
            .map(|(at, id)| (id.clone(), at))
            .collect();
        Check {
            held: held.ids,
            index,
            handled: held.handled,
            reading,
            top: Vec::new(),
            top_next: None,
            top_started: false,
            ghosts: 0,
            total: None,
            probes: Vec::new(),
            relist: false,
            everything: None,
            mode: Mode::Cheap,
            contradicted: false,
        }
    }

    /// A check that reads as `mode` says.
    pub fn of(held: Held, reading: Reading, mode: Mode) -> Check {
        let check = Check {
            mode,
            ..Check::new(held, reading)
        };
        match mode {
            Mode::Everything => Check {
                relist: true,
                ..check
            },
            Mode::Cheap | Mode::FirstPage => check,
        }
    }

    /// Whether the provider's pages contradicted the model, which sent the check to a relist.
    pub fn contradicted(&self) -> bool {
        self.contradicted
    }

    /// A page fetched as `step` asked.
    pub fn feed(&mut self, start: &Cursor, page: Page<Invitation>) {
        let from_top = !self.top_started || self.top_next.as_ref() == Some(start);
        // Below the top, an acted-on invitation the provider still lists moves every position
        // under it by one we cannot place.
        let ghost = page
            .items
            .iter()
            .any(|item| self.handled.contains(&item.id));
        let unordered = !in_order(&page.items) && self.mode != Mode::FirstPage;
        if unordered || (ghost && !from_top) {
            self.contradicted |= unordered;
            self.relist = true;
            return;
        }
        if from_top {
            self.top_started = true;
            self.total = self.total.or(page.total);
            // An id the provider lists twice is one invitation.
            let mut listed: HashSet<String> = self.top.iter().map(|i| i.id.clone()).collect();
            for item in page.items {
                if !listed.insert(item.id.clone()) {
                    continue;
                }
                if self.handled.contains(&item.id) {
                    self.ghosts += 1;
                } else {
                    self.top.push(item);
                }
            }
            self.top_next = page.next;
        } else if let Cursor::Offset(offset) = start {
            self.probes.push((*offset, page.items));
        }
    }

    /// The whole list, read as `Step::Relist` asked.
    pub fn feed_relist(&mut self, invitations: Vec<Invitation>) {
        let mut seen = HashSet::new();
        self.everything = Some(
            invitations
                .into_iter()
                .filter(|item| !self.handled.contains(&item.id) && seen.insert(item.id.clone()))
                .collect(),
        );
    }

    /// What to do next.
    pub fn step(&mut self) -> Step {
        if let Some(everything) = &self.everything {
            return Step::Done(Found::Everything(everything.clone()));
        }
        if self.relist {
            return Step::Relist;
        }
        if !self.top_started {
            return self.fetch(Cursor::Offset(0));
        }
        if self.mode == Mode::FirstPage {
            let added = self
                .top
                .iter()
                .filter(|item| !self.index.contains_key(&item.id))
                .cloned()
                .collect();
            return self.done(added, BTreeSet::new());
        }
        self.settle().unwrap_or_else(|| {
            self.contradicted = true;
            Step::Relist
        })
    }

    fn fetch(&self, start: Cursor) -> Step {
        Step::Fetch {
            start,
            size: self.reading.probe_size,
        }
    }

    /// The next step from what was read so far; `None` when it contradicts the model.
    fn settle(&self) -> Option<Step> {
        // The pages from the top: unknown invitations first, then known ones in our order,
        // each gap between two of them a removal.
        let mut added = Vec::new();
        let mut removed = BTreeSet::new();
        let mut anchors = Vec::new();
        for (at, item) in self.top.iter().enumerate() {
            match (self.index.get(&item.id), anchors.last()) {
                (None, None) => added.push(item.clone()),
                (None, Some(_)) => return None,
                (Some(&held), last) => {
                    let from = last.map_or(0, |a: &Anchor| a.held + 1);
                    if held < from {
                        return None;
                    }
                    removed.extend(from..held);
                    anchors.push(Anchor {
                        held,
                        at: at as u64,
                    });
                }
            }
        }
        let Some(last) = anchors.last().copied() else {
            return match &self.top_next {
                // Nothing held yet: the whole list costs fewer cost in the largest pages.
                Some(_) if self.held.is_empty() => Some(Step::Relist),
                Some(next) => Some(self.fetch(next.clone())),
                // The list ended before any known one: all of ours are gone.
                None => Some(self.done(added, (0..self.held.len()).collect())),
            };
        };
        if self.top_next.is_none() {
            removed.extend(last.held + 1..self.held.len());
            return Some(self.done(added, removed));
        }
        if !self.reading.reports_total {
            return Some(self.done(added, removed));
        }
        // Below the pages read, the provider's total says how many of ours are gone.
        let total = self.total?.checked_sub(self.ghosts)?;
        let new = added.len() as u64;
        let survivors = total.checked_sub(new)?;
        let gone = (self.held.len() as u64).checked_sub(survivors)?;
        for (offset, items) in &self.probes {
            for (i, item) in items.iter().enumerate() {
                // Below the top, an unknown invitation breaks newest-first order.
                let held = *self.index.get(&item.id)?;
                anchors.push(Anchor {
                    held,
                    at: (offset + i as u64).checked_sub(self.ghosts)?,
                });
            }
        }
        anchors.sort_by_key(|anchor| anchor.held);
        // One invitation read twice must be at one place.
        if anchors
            .windows(2)
            .any(|pair| pair[0].held == pair[1].held && pair[0].at != pair[1].at)
        {
            return None;
        }
        anchors.dedup_by_key(|anchor| anchor.held);
        // Removals above each anchor: its place in our list less its place in theirs, with
        // the new ones on top.
        let gone_above = |anchor: &Anchor| (anchor.held as u64 + new).checked_sub(anchor.at);
        let mut open = Vec::new();
        for pair in anchors.windows(2) {
            let (upper, lower) = (pair[0], pair[1]);
            let between = (lower.held - upper.held - 1) as u64;
            let gaps = gone_above(&lower)?.checked_sub(gone_above(&upper)?)?;
            if lower.at <= upper.at || gaps > between {
                return None;
            }
            match gaps {
                0 => {}
                gaps if gaps == between => removed.extend(upper.held + 1..lower.held),
                gaps => open.push((upper, between - gaps, gaps)),
            }
        }
        let bottom = *anchors.last()?;
        let below = (self.held.len() - bottom.held - 1) as u64;
        let gaps = gone.checked_sub(gone_above(&bottom)?)?;
        match gaps {
            0 => {}
            gaps if gaps == below => removed.extend(bottom.held + 1..self.held.len()),
            gaps if gaps < below => open.push((bottom, below - gaps, gaps)),
            _ => return None,
        }
        if open.is_empty() {
            return Some(self.done(added, removed));
        }
        // Probe the open spans while that costs less than reading everything.
        let size = u64::from(self.reading.probe_size);
        let relist_cost = total.div_ceil(size).max(1);
        let remaining: u64 = open
            .iter()
            .map(|&(_, survivors, gaps)| probes_needed(survivors, gaps, size))
            .sum();
        // At equal cost, the relist's larger pages take fewer calls.
        if self.probes.len() as u64 + remaining + 1 >= relist_cost {
            return Some(Step::Relist);
        }
        // The widest open span: read from its top when its removals are dense, else the page
        // in its middle, which halves it.
        let (upper, survivors, gaps) = *open.iter().max_by_key(|(_, survivors, _)| *survivors)?;
        let first = upper.at + 1;
        let scan =
            survivors <= size || probes_needed(survivors, gaps, size) >= survivors.div_ceil(size);
        let start = match scan {
            true => first,
            false => first + (survivors - size) / 2,
        };
        // Positions in the provider's list still count the acted-on ones it lists on top.
        Some(Step::Fetch {
            start: Cursor::Offset(start + self.ghosts),
            size: u32::try_from(survivors.min(size)).ok()?,
        })
    }

    fn done(&self, added: Vec<Invitation>, removed: BTreeSet<usize>) -> Step {
        let total = match self.reading.reports_total {
            true => self.total.map(|total| total.saturating_sub(self.ghosts)),
            false => None,
        };
        Step::Done(Found::Changes {
            added,
            removed: removed.into_iter().map(|i| self.held[i].clone()).collect(),
            total,
        })
    }
}

/// Pages a bisection takes to place `gaps` removals among `survivors` invitations, read
/// `size` at a time.
fn probes_needed(survivors: u64, gaps: u64, size: u64) -> u64 {
    let pages = survivors.div_ceil(size).max(1);
    let halvings = u64::from(u64::BITS - (pages - 1).leading_zeros());
    (gaps * (halvings + 1)).min(pages)
}

/// Newest first: down a page, no invitation is younger than the one above it.
fn in_order(items: &[Invitation]) -> bool {
    items
        .windows(2)
        .all(|pair| match (pair[0].sent_at_ms, pair[1].sent_at_ms) {
            (Some(upper), Some(lower)) => upper >= lower,
            _ => true,
        })
}

/// Why the worker looks at the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The polling alarm, the browser's start, changed settings or accounts, the person back at
    /// an idle or locked machine.
    Schedule,
    /// The polling alarm while the machine is idle or locked: no one is there to see a fresh
    /// badge, so only a list never read is read; the person's return checks the rest.
    Away,
    /// The popup opened.
    PopupOpen,
    /// The popup's Refresh button: every list read again.
    Refresh,
    /// Invite Desk was updated: every list read again, for what the new version keeps.
    Updated,
}

/// What a list is due for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Check,
    Everything,
}

/// A popup that opens within this long of a check shows it without asking again.
pub const FRESH_FOR_POPUP_MS: f64 = 60_000.0;
/// Alarms fire a little early or late: a check due within this long is due now.
const SCHEDULE_SLACK_MS: f64 = 60_000.0;

/// What the list of `direction` is due for on `occasion`. `last_check_ms` is the last check of
/// it, `reconciled_at_ms` the last full read; a clock that went back makes both due.
/// `reports_total` is whether its provider gives a count (`Api::reports_total`).
pub fn due(
    occasion: Occasion,
    direction: Direction,
    last_check_ms: Option<f64>,
    reconciled_at_ms: Option<f64>,
    (settings, reports_total): (&Settings, bool),
    now_ms: f64,
) -> Option<Due> {
    let at_least = |since: Option<f64>, interval_ms: f64| {
        since.is_none_or(|since| now_ms < since || now_ms - since >= interval_ms)
    };
    let Some(_) = last_check_ms else {
        return Some(Due::Check);
    };
    match occasion {
        Occasion::Refresh | Occasion::Updated => Some(Due::Everything),
        Occasion::Away => None,
        Occasion::Schedule
            if at_least(
                reconciled_at_ms,
                settings.reconcile_interval_ms(reports_total) - SCHEDULE_SLACK_MS,
            ) =>
        {
            Some(Due::Everything)
        }
        Occasion::Schedule => at_least(
            last_check_ms,
            settings.check_interval_ms(direction) - SCHEDULE_SLACK_MS,
        )
        .then_some(Due::Check),
        Occasion::PopupOpen => at_least(last_check_ms, FRESH_FOR_POPUP_MS).then_some(Due::Check),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::{Direction, Handles, Person};
    use proptest::prelude::*;

    /// A provider list in memory, read the way the clients read it, charging as LinkUp does:
    /// 1 credit per 50 results, at least 1 a call; a relist reads pages of 1000.
    struct Provider {
        list: Vec<Invitation>,
        reading: Reading,
        cost: u32,
    }

    fn charge(reading: Reading, returned: usize) -> u32 {
        match reading.reports_total {
            true => (returned as u32).div_ceil(50).max(1),
            false => 1,
        }
    }

    fn invitation(id: u64) -> Invitation {
        Invitation {
            id: id.to_string(),
            account: "a".into(),
            direction: Direction::Received,
            person: Person {
                name: format!("Person {id}"),
                ..Person::default()
            },
            note: None,
            // Higher ids are newer.
            sent_at_ms: Some(id as f64 * 1000.0),
            sent_at_exact: true,
            handles: Handles::default(),
        }
    }

    const LINKUP: Reading = Reading {
        probe_size: 50,
        reports_total: true,
    };
    const CURSOR: Reading = Reading {
        probe_size: 100,
        reports_total: false,
    };

    impl Provider {
        fn new(ids: impl IntoIterator<Item = u64>, reading: Reading) -> Provider {
            let mut list: Vec<Invitation> = ids.into_iter().map(invitation).collect();
            list.sort_by_key(|i| std::cmp::Reverse(i.id.parse::<u64>().unwrap()));
            Provider {
                list,
                reading,
                cost: 0,
            }
        }

        fn page(&mut self, start: &Cursor, size: u32) -> Page<Invitation> {
            let offset = match start {
                Cursor::Offset(offset) => *offset as usize,
                Cursor::Token(token) => token.parse().unwrap(),
            };
            let end = (offset + size as usize).min(self.list.len());
            let items = self.list.get(offset..end).unwrap_or_default().to_vec();
            self.cost += charge(self.reading, items.len());
            let next = (end < self.list.len()).then(|| match self.reading.reports_total {
                true => Cursor::Offset(end as u64),
                false => Cursor::Token(end.to_string()),
            });
            Page {
                items,
                total: self.reading.reports_total.then_some(self.list.len() as u64),
                next,
            }
        }

        fn ids(&self) -> Vec<String> {
            self.list.iter().map(|i| i.id.clone()).collect()
        }

        /// Runs a check from `held`; returns what it found and what it cost.
        fn check(&mut self, held: &[String], handled: &[&str]) -> (Found, u32) {
            let (found, cost, _) = self.check_as(Mode::Cheap, held, handled);
            (found, cost)
        }

        /// The same, read as `mode` says; and whether the pages contradicted the model.
        fn check_as(
            &mut self,
            mode: Mode,
            held: &[String],
            handled: &[&str],
        ) -> (Found, u32, bool) {
            self.cost = 0;
            let held = Held {
                ids: held.to_vec(),
                handled: handled.iter().map(|h| h.to_string()).collect(),
            };
            let mut check = Check::of(held, self.reading, mode);
            loop {
                match check.step() {
                    Step::Fetch { start, size } => {
                        let page = self.page(&start, size);
                        check.feed(&start, page);
                    }
                    Step::Relist => {
                        self.cost += match self.list.len() {
                            0 => 1,
                            n => (0..n)
                                .step_by(1000)
                                .map(|from| charge(self.reading, (n - from).min(1000)))
                                .sum(),
                        };
                        check.feed_relist(self.list.clone());
                    }
                    Step::Done(found) => return (found, self.cost, check.contradicted()),
                }
                assert!(self.cost < 10_000, "the check never ends");
            }
        }
    }

    /// Our list after applying what a check found.
    fn applied(held: &[String], found: &Found) -> Vec<String> {
        match found {
            Found::Everything(all) => all.iter().map(|i| i.id.clone()).collect(),
            Found::Changes { added, removed, .. } => added
                .iter()
                .map(|i| i.id.clone())
                .chain(held.iter().filter(|id| !removed.contains(id)).cloned())
                .collect(),
        }
    }

    fn ids(range: impl IntoIterator<Item = u64>) -> Vec<String> {
        let mut ids: Vec<u64> = range.into_iter().collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.into_iter().map(|id| id.to_string()).collect()
    }

    #[test]
    fn nothing_changed_costs_one_page_and_finds_nothing() {
        let mut provider = Provider::new(1..=1000, LINKUP);
        let held = provider.ids();
        let (found, cost) = provider.check(&held, &[]);
        assert_eq!(cost, 1);
        assert!(found.is_nothing(Some(1000)), "{found:?}");
    }

    #[test]
    fn new_invitations_are_read_from_the_top_until_a_known_one() {
        for new in [1u64, 3, 49, 50, 51, 100, 120, 1000] {
            let mut provider = Provider::new(1..=1000 + new, LINKUP);
            let held = ids(1..=1000);
            let (found, cost) = provider.check(&held, &[]);
            let Found::Changes {
                added,
                removed,
                total,
            } = &found
            else {
                panic!("{new}: {found:?}")
            };
            assert_eq!(added.len() as u64, new);
            assert!(removed.is_empty());
            assert_eq!(*total, Some(1000 + new));
            assert!(cost as u64 <= 1 + new.div_ceil(50), "{new}: {cost} pages");
            assert_eq!(applied(&held, &found), provider.ids());
        }
    }

    #[test]
    fn an_id_listed_twice_is_found_once() {
        for reading in [LINKUP, CURSOR] {
            let mut provider = Provider::new(1..=12, reading);
            let newest = provider.list[0].clone();
            provider.list.insert(1, newest);
            let held = ids(1..=10);
            let (found, _) = provider.check(&held, &[]);
            assert_eq!(applied(&held, &found), ids(1..=12), "{found:?}");
        }
    }

    #[test]
    fn removals_in_the_first_page_are_placed_without_more_cost() {
        let mut provider = Provider::new(
            (1..=1000).filter(|id| ![1000, 990, 960].contains(id)),
            LINKUP,
        );
        let held = ids(1..=1000);
        let (found, cost) = provider.check(&held, &[]);
        assert_eq!(cost, 1);
        assert_eq!(applied(&held, &found), provider.ids());
    }

    #[test]
    fn a_removal_deep_in_the_list_is_placed_for_a_few_pages_not_a_relist() {
        for gone in [1u64, 49, 50, 51, 500, 951, 952] {
            let mut provider = Provider::new((1..=1000).filter(|id| *id != gone), LINKUP);
            let held = ids(1..=1000);
            let (found, cost) = provider.check(&held, &[]);
            assert!(matches!(found, Found::Changes { .. }), "{gone}: relisted");
            assert!(cost <= 7, "{gone}: {cost} pages");
            assert_eq!(applied(&held, &found), provider.ids(), "{gone}");
        }
    }

    #[test]
    fn one_arriving_while_another_leaves_keeps_the_total_yet_both_are_found() {
        let mut provider = Provider::new((1..=1001).filter(|id| *id != 300), LINKUP);
        let held = ids(1..=1000);
        let (found, _) = provider.check(&held, &[]);
        assert_eq!(applied(&held, &found), provider.ids());
    }

    #[test]
    fn many_removals_everywhere_fall_back_to_one_relist() {
        let mut provider = Provider::new((1..=1000).filter(|id| id % 7 != 0), LINKUP);
        let held = ids(1..=1000);
        let (found, cost) = provider.check(&held, &[]);
        assert!(matches!(found, Found::Everything(_)));
        assert!(cost <= 1 + 20 + 1, "{cost}");
        assert_eq!(applied(&held, &found), provider.ids());
    }

    #[test]
    fn a_page_out_of_newest_first_order_sends_the_check_to_a_relist() {
        let mut provider = Provider::new(1..=200, LINKUP);
        provider.list.swap(3, 4);
        let held = provider.ids();
        let (found, _) = provider.check(&held, &[]);
        assert!(matches!(found, Found::Everything(_)));
    }

    #[test]
    fn after_the_order_broke_the_model_a_check_reads_the_first_page_and_adds_what_it_lacks() {
        let mut provider = Provider::new(1..=2000, LINKUP);
        provider.list.swap(3, 4);
        let held = provider.ids();
        let (found, cost, contradicted) = provider.check_as(Mode::Cheap, &held, &[]);
        assert!(matches!(found, Found::Everything(_)));
        assert!(contradicted, "the relist was the provider's doing");
        assert_eq!(cost, 1 + 40, "the first page, then a full read of 2,000");

        provider.list.insert(0, invitation(3000));
        provider.list.remove(1500);
        let (found, cost, contradicted) = provider.check_as(Mode::FirstPage, &held, &[]);
        assert_eq!(cost, 1, "one page, whatever its order");
        assert!(!contradicted);
        let Found::Changes {
            added,
            removed,
            total,
        } = found
        else {
            panic!("changes, not a relist: {found:?}");
        };
        assert_eq!(
            added.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["3000"]
        );
        assert!(removed.is_empty(), "what left waits for the full read");
        assert_eq!(total, Some(2000), "the provider's count still shows");

        let (_, _, contradicted) = provider.check_as(Mode::Cheap, &provider.ids(), &[]);
        assert!(contradicted, "still out of order");
        provider
            .list
            .sort_by_key(|i| std::cmp::Reverse(i.id.parse::<u64>().unwrap()));
        let (found, cost, contradicted) = provider.check_as(Mode::Cheap, &provider.ids(), &[]);
        assert!(
            !contradicted && cost == 1,
            "back in order: {found:?} for {cost}"
        );
    }

    #[test]
    fn an_old_invitation_appearing_mid_list_is_caught_by_the_total() {
        let mut provider = Provider::new(1..=300, LINKUP);
        let held: Vec<String> = provider
            .ids()
            .into_iter()
            .filter(|id| id != "100")
            .collect();
        let (found, _) = provider.check(&held, &[]);
        assert!(matches!(found, Found::Everything(_)));
        assert_eq!(applied(&held, &found), provider.ids());
    }

    #[test]
    fn an_invitation_acted_on_that_the_provider_still_lists_is_left_out() {
        let mut provider = Provider::new(1..=100, LINKUP);
        let held: Vec<String> = provider.ids().into_iter().filter(|id| id != "99").collect();
        let (found, cost) = provider.check(&held, &["99"]);
        assert_eq!(cost, 1);
        assert!(found.is_nothing(Some(99)), "{found:?}");
    }

    #[test]
    fn a_first_check_reads_a_small_list_in_one_page_and_a_large_one_in_full() {
        let mut small = Provider::new(1..=30, LINKUP);
        let (found, cost) = small.check(&[], &[]);
        assert_eq!((cost, applied(&[], &found)), (1, small.ids()));
        let mut large = Provider::new(1..=1234, LINKUP);
        let (found, _) = large.check(&[], &[]);
        assert!(matches!(found, Found::Everything(ref all) if all.len() == 1234));
    }

    #[test]
    fn without_a_total_removals_below_the_first_page_wait_for_the_reconcile() {
        let mut provider = Provider::new((1..=500).filter(|id| ![499, 10].contains(id)), CURSOR);
        let held = ids(1..=500);
        let (found, cost) = provider.check(&held, &[]);
        assert_eq!(cost, 1);
        let Found::Changes { removed, total, .. } = found else {
            panic!()
        };
        assert_eq!((removed, total), (vec!["499".to_owned()], None));
    }

    #[test]
    fn without_a_total_a_list_read_to_its_end_is_known_exactly() {
        let mut provider = Provider::new((1..=80).filter(|id| ![3, 70].contains(id)), CURSOR);
        let held = ids(1..=80);
        let (found, _) = provider.check(&held, &[]);
        assert_eq!(applied(&held, &found), provider.ids());
    }

    #[test]
    fn everything_gone_and_replaced_is_found() {
        let mut provider = Provider::new(2001..=2060, LINKUP);
        let held = ids(1..=40);
        let (found, _) = provider.check(&held, &[]);
        assert_eq!(applied(&held, &found), provider.ids());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever arrives and leaves, the check ends with the provider's list, and never
        /// costs much more than a relist would.
        #[test]
        fn any_change_ends_with_the_providers_list(
            size in 0u64..600,
            arrivals in 0u64..130,
            removals in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
            cursor in any::<bool>(),
        ) {
            let reading = if cursor { CURSOR } else { LINKUP };
            let held = ids(1..=size);
            let mut gone: HashSet<u64> = HashSet::new();
            for index in removals {
                if size > 0 {
                    gone.insert(index.index(size as usize) as u64 + 1);
                }
            }
            let mut provider = Provider::new(
                (1..=size + arrivals).filter(|id| !gone.contains(id)),
                reading,
            );
            let (found, cost) = provider.check(&held, &[]);
            let listed = provider.list.len() as u32;
            if reading.reports_total {
                prop_assert_eq!(applied(&held, &found), provider.ids());
                let relist = listed.div_ceil(50).max(1);
                prop_assert!(cost <= relist + arrivals as u32 / 50 + 3,
                    "{} cost for {} listed", cost, listed);
            } else {
                // Without a total, only the pages read are known exactly.
                let after = applied(&held, &found);
                prop_assert_eq!(&after[..arrivals as usize], &provider.ids()[..arrivals as usize]);
            }
        }
    }

    #[test]
    fn checks_fall_due_on_their_own_cadence_and_the_full_read_monthly() {
        let settings = Settings::default();
        let minute = 60_000.0;
        let day = 24.0 * 60.0 * minute;
        let counted = (&settings, true);
        let due_at = |occasion, direction, last: f64, reconciled: f64, now: f64| {
            due(
                occasion,
                direction,
                Some(last),
                Some(reconciled),
                counted,
                now,
            )
        };
        use Direction::{Received, Sent};
        use Occasion::{Away, PopupOpen, Refresh, Schedule, Updated};
        for occasion in [Schedule, Away, PopupOpen] {
            assert_eq!(
                due(occasion, Received, None, None, counted, 0.0),
                Some(Due::Check),
                "a list never read is read on {occasion:?}"
            );
        }
        assert_eq!(
            due_at(Schedule, Received, 0.0, 0.0, 14.5 * minute),
            Some(Due::Check)
        );
        assert_eq!(due_at(Schedule, Received, 0.0, 0.0, 10.0 * minute), None);
        assert_eq!(due_at(Schedule, Sent, 0.0, 0.0, 15.0 * minute), None);
        assert_eq!(
            due_at(Schedule, Sent, 0.0, 0.0, 60.0 * minute),
            Some(Due::Check)
        );
        assert_eq!(
            due_at(Schedule, Sent, 29.0 * day, 0.0, 29.0 * day + 61.0 * minute),
            Some(Due::Check),
            "a check, not a full read, within the month"
        );
        assert_eq!(
            due_at(Schedule, Sent, 30.0 * day, 0.0, 30.0 * day + minute),
            Some(Due::Everything)
        );
        assert_eq!(
            due(
                Schedule,
                Sent,
                Some(day),
                Some(0.0),
                (&settings, false),
                day + minute
            ),
            Some(Due::Everything),
            "daily where the provider gives no count"
        );
        assert_eq!(
            due_at(Away, Received, 0.0, 0.0, 31.0 * day),
            None,
            "no check and no full read while the machine is idle or locked"
        );
        assert_eq!(due_at(PopupOpen, Sent, 0.0, 0.0, 30_000.0), None);
        assert_eq!(
            due_at(PopupOpen, Sent, 0.0, 0.0, 61_000.0),
            Some(Due::Check)
        );
        assert_eq!(
            due_at(PopupOpen, Sent, 31.0 * day, 0.0, 31.0 * day + 2.0 * minute),
            Some(Due::Check),
            "never a relist"
        );
        for occasion in [Refresh, Updated] {
            assert_eq!(
                due_at(occasion, Received, 0.0, 0.0, 1.0),
                Some(Due::Everything)
            );
        }
        assert_eq!(
            due_at(Schedule, Received, day, day, 0.0),
            Some(Due::Everything),
            "clock went back"
        );
    }
}
