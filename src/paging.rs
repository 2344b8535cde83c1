//! Every loop over a provider's pages ends, bounded by requests. One listing (or one check of a
//! list) may make no more requests than the stated total needs in pages of the size it asks
//! for, plus a little slack, and never more than a list of `MAX_LISTED` would; it stops at
//! once when a start (a cursor or an offset) is asked for twice, or a page says more follow
//! yet holds no invitation not seen already, or a second page says more follow while short of
//! what was asked (a page size is "a ceiling, not a guarantee" for Unipile, so one is borne;
//! a provider that keeps serving less than it is asked could never finish inside the bound).
//! What stops it is an account problem (`endless_pages`): nothing more is fetched and the list
//! is kept as it was.
//! Pure: `client.rs` asks before each request and shows it each page.

use crate::error::{Error, ErrorKind};
use crate::model::{Cursor, Invitation, Page};
use std::collections::HashSet;

/// Far above LinkedIn's own limits on pending invitations.
pub const MAX_LISTED: u64 = 50_000;
/// Requests beyond what the stated total needs: a list that grows while it is read.
const SLACK: u64 = 3;
/// Pages short of what was asked that may still say more.
const SHORT_PAGES_BORNE: u32 = 1;

/// The requests of one listing or check, and what its pages brought.
#[derive(Debug)]
pub struct Pages {
    size: u32,
    bound: u64,
    made: u64,
    short: u32,
    asked: HashSet<Cursor>,
    seen: HashSet<String>,
}

impl Pages {
    /// Pages of `size` of a list whose length is not told yet; `extra` requests beyond its
    /// pages (a check's probes).
    pub fn new(size: u32, extra: u64) -> Pages {
        Pages {
            size: size.max(1),
            bound: pages_of(MAX_LISTED, size) + extra + SLACK,
            made: 0,
            short: 0,
            asked: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    /// A whole listing of pages of `size` made within this reading: its own bound, and no
    /// more short pages borne than are left.
    pub fn relisting(&self, size: u32) -> Pages {
        Pages {
            short: self.short,
            ..Pages::new(size, 0)
        }
    }

    /// The list says it holds `total`: the bound shrinks to what that needs.
    pub fn bound_by_total(&mut self, total: Option<u64>, extra: u64) {
        if let Some(total) = total {
            self.bound = self
                .bound
                .min(pages_of(total.min(MAX_LISTED), self.size) + extra + SLACK);
        }
    }

    /// Before the request for the page at `start`.
    pub fn ask(&mut self, start: &Cursor) -> Result<(), Error> {
        if self.made >= self.bound {
            return Err(endless(&format!(
                "it was still saying more after {} requests, more than its list can need",
                self.made
            )));
        }
        if !self.asked.insert(start.clone()) {
            return Err(endless(
                "it sent Invite Desk back to a page it had already read",
            ));
        }
        self.made += 1;
        Ok(())
    }

    /// The page answered for a request of `asked` invitations. Saying more follow, it must
    /// bring something new, and only one such page may be short of a full one.
    pub fn got(&mut self, page: &Page<Invitation>, asked: u32) -> Result<(), Error> {
        let mut fresh = false;
        for invitation in &page.items {
            fresh |= self.seen.insert(invitation.id.clone());
        }
        if page.next.is_none() {
            return Ok(());
        }
        if !fresh {
            return Err(endless("a page said more followed but held nothing new"));
        }
        if page.items.len() < asked as usize {
            self.short += 1;
            if self.short > SHORT_PAGES_BORNE {
                return Err(endless(
                    "its pages kept saying more followed while holding fewer invitations than asked for",
                ));
            }
        }
        Ok(())
    }

    /// Requests made so far.
    pub fn made(&self) -> u64 {
        self.made
    }
}

/// Pages of `size` that hold `count`.
fn pages_of(count: u64, size: u32) -> u64 {
    count.div_ceil(u64::from(size.max(1))).max(1)
}

/// The reading stopped because of the provider's pages, `why` in its detail.
pub fn endless(why: &str) -> Error {
    Error::new(ErrorKind::EndlessPages).with_detail(why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::test_support::invitation;

    fn page(ids: std::ops::Range<u32>, next: Option<u64>) -> Page<Invitation> {
        Page {
            items: ids.map(|id| invitation(&id.to_string())).collect(),
            total: None,
            next: next.map(Cursor::Offset),
        }
    }

    #[test]
    fn a_listing_may_make_what_its_total_needs_and_a_little_more() {
        let mut pages = Pages::new(1000, 0);
        pages.bound_by_total(Some(3000), 0);
        for offset in 0..6 {
            pages.ask(&Cursor::Offset(offset)).unwrap();
        }
        let stopped = pages.ask(&Cursor::Offset(6)).unwrap_err();
        assert_eq!(stopped.kind, ErrorKind::EndlessPages);
        assert_eq!(
            pages.made(),
            6,
            "3 pages of 1,000, and 3 for a list that grew"
        );
        let mut unknown = Pages::new(100, 0);
        unknown.bound_by_total(None, 0);
        assert_eq!(unknown.bound, 503, "no total: a list of 50,000 at most");
    }

    #[test]
    fn a_start_asked_twice_stops_the_listing_a_to_a_and_a_to_b_to_a() {
        let mut pages = Pages::new(100, 0);
        pages.ask(&Cursor::Token("A".into())).unwrap();
        assert!(pages.ask(&Cursor::Token("A".into())).is_err());
        let mut pages = Pages::new(100, 0);
        for start in ["A", "B"] {
            pages.ask(&Cursor::Token(start.into())).unwrap();
        }
        assert!(pages.ask(&Cursor::Token("A".into())).is_err());
    }

    #[test]
    fn a_page_that_says_more_must_bring_something_new_and_be_full_but_once() {
        let mut pages = Pages::new(3, 0);
        pages.got(&page(0..3, Some(3)), 3).unwrap();
        assert!(
            pages.got(&page(0..3, Some(6)), 3).is_err(),
            "the same again"
        );
        let mut pages = Pages::new(3, 0);
        assert!(
            pages.got(&page(0..0, Some(3)), 3).is_err(),
            "empty, with a cursor"
        );
        let mut pages = Pages::new(3, 0);
        pages
            .got(&page(0..1, Some(1)), 3)
            .expect("one short page is borne");
        pages.got(&page(1..4, Some(4)), 3).unwrap();
        assert!(
            pages.got(&page(4..5, Some(5)), 3).is_err(),
            "a second short page saying more"
        );
        let mut pages = Pages::new(3, 0);
        pages.got(&page(0..1, None), 3).unwrap();
        pages.got(&page(5..5, None), 3).unwrap();
    }
}
