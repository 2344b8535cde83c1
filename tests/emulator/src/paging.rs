//! Paging faults: list answers that page the way no provider should, for every API's list
//! routes, so the extension's bounds on paging are tested over real fetch. Set in a scenario
//! (`paging`) or through the control API (`PUT /__emulator/paging`); each API turns `Served`
//! into its own wire (LinkUp's `has_more` and `next_offset`, Unipile's cursors and totals).

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PagingFault {
    /// Every page says the next one starts where it did: the same cursor or offset again.
    RepeatedCursor,
    /// The first page leads to the second, and the second back to the first.
    CursorCycle,
    /// Pages with nothing in them that still say where the next one starts.
    EmptyPagesWithCursor,
    /// Every page serves the first page's invitations again and says there are more.
    RepeatedItems,
    /// The list says it holds `total` but serves one invitation a page.
    InflatedTotal { total: usize },
    /// Every page lists its invitations oldest first: the right pages, in the wrong order
    /// within each (newest-first order is INFERRED, linkup.md §5).
    OldestFirstWithinPages,
}

/// What one page serves of a list of `len`: the slice `start..end`, the total it states, and
/// where it says the next page starts (`None`: it is the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    pub start: usize,
    pub end: usize,
    pub total: usize,
    pub next: Option<usize>,
    /// The slice served oldest first.
    pub reversed: bool,
}

/// The items of `list` that `served` names, in the order it serves them. `serve` keeps
/// start <= end <= len, so the slice exists; an empty page is the safe fallback anyway.
pub fn items<'a, T>(list: &'a [T], served: &Served) -> Vec<&'a T> {
    let mut items: Vec<&T> = list
        .get(served.start..served.end)
        .unwrap_or_default()
        .iter()
        .collect();
    if served.reversed {
        items.reverse();
    }
    items
}

/// The page at `offset` of at most `limit` invitations of a list of `len`, as `fault` serves it.
pub fn serve(fault: Option<PagingFault>, len: usize, offset: usize, limit: usize) -> Served {
    let start = offset.min(len);
    let end = start.saturating_add(limit).min(len);
    let honest = Served {
        start,
        end,
        total: len,
        next: (end < len).then_some(end),
        reversed: false,
    };
    match fault {
        None => honest,
        Some(PagingFault::RepeatedCursor) => Served {
            next: Some(offset),
            ..honest
        },
        Some(PagingFault::CursorCycle) => Served {
            next: Some(if offset == 0 { end } else { 0 }),
            ..honest
        },
        Some(PagingFault::EmptyPagesWithCursor) => Served {
            start,
            end: start,
            total: len,
            next: Some(offset.saturating_add(limit)),
            reversed: false,
        },
        Some(PagingFault::RepeatedItems) => {
            let end = limit.min(len);
            Served {
                start: 0,
                end,
                total: len,
                next: Some(offset.saturating_add(end.max(1))),
                reversed: false,
            }
        }
        Some(PagingFault::InflatedTotal { total }) => {
            let end = start.saturating_add(limit.min(1)).min(len);
            let next = offset.saturating_add(1);
            Served {
                start,
                end,
                total,
                next: (next < total).then_some(next),
                reversed: false,
            }
        }
        Some(PagingFault::OldestFirstWithinPages) => Served {
            reversed: true,
            ..honest
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fault_pages_as_it_says() {
        let honest = serve(None, 250, 100, 100);
        assert_eq!(
            (honest.start, honest.end, honest.next),
            (100, 200, Some(200))
        );
        assert_eq!(serve(None, 250, 200, 100).next, None);
        assert_eq!(
            serve(Some(PagingFault::RepeatedCursor), 250, 100, 100).next,
            Some(100)
        );
        let cycle = Some(PagingFault::CursorCycle);
        assert_eq!(serve(cycle, 250, 0, 100).next, Some(100));
        assert_eq!(serve(cycle, 250, 100, 100).next, Some(0));
        let empty = serve(Some(PagingFault::EmptyPagesWithCursor), 250, 300, 100);
        assert_eq!((empty.end - empty.start, empty.next), (0, Some(400)));
        let again = serve(Some(PagingFault::RepeatedItems), 250, 700, 100);
        assert_eq!((again.start, again.end, again.next), (0, 100, Some(800)));
        let inflated = serve(
            Some(PagingFault::InflatedTotal { total: 3000 }),
            250,
            0,
            1000,
        );
        assert_eq!(
            (inflated.end, inflated.total, inflated.next),
            (1, 3000, Some(1))
        );
    }
}
