//! What staying in sync costs, in each provider's own unit: LinkUp charges credits (1 per 50
//! results, at least 1 a call: linkup.md §3.1); Unipile charges nothing, but each call is a
//! request to LinkedIn from the user's own account. The options page and the popup show these
//! figures; the numbers follow the sync engine's reads (`sync.rs`).

use crate::model::{Direction, ProviderKind};
use crate::providers::{self, linkup};
use crate::settings::Settings;
use crate::snapshot::AccountStatus;
use serde::Serialize;

/// What one account's lists cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cost {
    /// Credits (LinkUp) or calls (Unipile).
    pub units: f64,
    pub credits: bool,
}

const DAY_MS: f64 = 24.0 * 3_600_000.0;

/// One check of a list that did not change: one page.
pub fn check(provider: ProviderKind) -> Cost {
    Cost {
        units: 1.0,
        credits: provider == ProviderKind::Linkup,
    }
}

/// Reading a whole list of `count` invitations, in the largest pages the API serves.
pub fn relist(provider: ProviderKind, direction: Direction, count: u64) -> Cost {
    let page = u64::from(providers::api(provider).max_page_size(direction));
    let units = match provider {
        ProviderKind::Linkup => {
            let per_credit = u64::from(linkup::RESULTS_PER_CREDIT);
            let full_pages = count / page;
            let last = count % page;
            full_pages * page.div_ceil(per_credit)
                + u64::from(last > 0 || full_pages == 0) * last.div_ceil(per_credit).max(1)
        }
        _ => count.div_ceil(page).max(1),
    };
    Cost {
        units: units as f64,
        credits: provider == ProviderKind::Linkup,
    }
}

/// A day at `settings` for an account with these counts, when nothing changes and someone is at
/// the machine all day: the checks of each direction on their cadence, and the day's share of
/// the full reads of both.
pub fn daily(settings: &Settings, provider: ProviderKind, received: u64, sent: u64) -> DailyCost {
    let checks = |direction| DAY_MS / settings.check_interval_ms(direction) * check(provider).units;
    let reads = DAY_MS / settings.reconcile_interval_ms(providers::api(provider).reports_total());
    DailyCost {
        received_checks: checks(Direction::Received),
        sent_checks: checks(Direction::Sent),
        full_reads: reads
            * (relist(provider, Direction::Received, received).units
                + relist(provider, Direction::Sent, sent).units),
        credits: provider == ProviderKind::Linkup,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DailyCost {
    pub received_checks: f64,
    pub sent_checks: f64,
    pub full_reads: f64,
    pub credits: bool,
}

impl DailyCost {
    pub fn total(&self) -> f64 {
        self.received_checks + self.sent_checks + self.full_reads
    }

    /// In words, for the options page.
    pub fn describe(&self) -> String {
        let unit = |n: f64| amount(n, self.credits);
        format!(
            "About {} a day at these settings with someone at this computer all day: {} \
             checking received invitations, {} checking sent ones, {} reading every list in \
             full. No check is made while the computer is idle or locked, so a day away from it \
             costs less. Opening the popup more than a minute after the last check adds {} \
             each time.",
            unit(self.total()),
            unit(self.received_checks),
            unit(self.sent_checks),
            unit(self.full_reads),
            unit(2.0),
        )
    }
}

/// "45 credits", "1 request to LinkedIn".
fn amount(n: f64, credits: bool) -> String {
    let n = n.round() as u64;
    match (credits, n) {
        (true, 1) => "1 credit".into(),
        (true, n) => format!("{n} credits"),
        (false, 1) => "1 request to LinkedIn".into(),
        (false, n) => format!("{n} requests to LinkedIn"),
    }
}

/// What the popup's Refresh button costs: every list of every account read again.
pub fn refresh(accounts: &[AccountStatus]) -> String {
    let (mut credits, mut calls) = (0.0, 0.0);
    for account in accounts {
        let Some(provider) = account.provider else {
            continue;
        };
        for (direction, count) in [
            (Direction::Received, account.received_count),
            (Direction::Sent, account.sent_count),
        ] {
            let cost = relist(provider, direction, count.unwrap_or(0));
            match cost.credits {
                true => credits += cost.units,
                false => calls += cost.units,
            }
        }
    }
    let parts: Vec<String> = [(credits, true), (calls, false)]
        .into_iter()
        .filter(|(n, _)| *n > 0.0)
        .map(|(n, credits)| {
            let amount = amount(n, credits);
            match credits {
                true => format!("{amount} from LinkUp"),
                false => format!("{amount} through Unipile"),
            }
        })
        .collect();
    match parts.is_empty() {
        true => "Reads every invitation again.".into(),
        false => format!(
            "Reads every invitation again: about {}.",
            parts.join(" and ")
        ),
    }
}

/// The hint under the polling interval: what each setting costs a LinkUp account a day.
pub fn poll_hint(settings: &Settings) -> String {
    let per_day = |direction| DAY_MS / settings.check_interval_ms(direction);
    format!(
        "Each check costs 1 LinkUp credit (or 1 request to LinkedIn through Unipile): {} a day \
         for received invitations and {} for sent ones, per account.",
        per_day(Direction::Received).round(),
        per_day(Direction::Sent).round(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProviderKind::{Linkup, UnipileV1, UnipileV2};

    #[test]
    fn a_full_read_costs_what_the_provider_charges_for_its_pages() {
        let credits = |count| relist(Linkup, Direction::Received, count).units;
        assert_eq!(credits(0), 1.0, "an empty page costs 1");
        assert_eq!(credits(30), 1.0);
        assert_eq!(credits(1_000), 20.0);
        assert_eq!(credits(1_234), 25.0);
        assert_eq!(credits(10_000), 200.0);
        assert_eq!(relist(UnipileV2, Direction::Sent, 1_234).units, 13.0);
        assert_eq!(relist(UnipileV1, Direction::Sent, 1_234).units, 5.0);
        assert_eq!(relist(UnipileV1, Direction::Received, 1_234).units, 13.0);
    }

    #[test]
    fn a_day_at_the_default_settings() {
        let day = daily(&Settings::default(), Linkup, 1_000, 1_234);
        assert_eq!(
            (day.received_checks, day.sent_checks, day.full_reads),
            (96.0, 24.0, 1.5),
            "the full read of 45 credits once a month"
        );
        assert!(day.describe().starts_with(
            "About 122 credits a day at these settings with someone at this computer all day: \
             96 credits"
        ));
        let heavy = daily(&Settings::default(), Linkup, 10_000, 10_000);
        assert!(heavy.total() <= 160.0, "{}", heavy.total());
        let unipile = daily(&Settings::default(), UnipileV2, 10_000, 10_000);
        assert_eq!(unipile.total(), 96.0 + 24.0 + 200.0 / 30.0);
        assert!(unipile.describe().contains("requests to LinkedIn"));
        let uncounted = daily(&Settings::default(), UnipileV1, 1_000, 1_234);
        assert_eq!(
            uncounted.full_reads,
            relist(UnipileV1, Direction::Received, 1_000).units
                + relist(UnipileV1, Direction::Sent, 1_234).units,
            "read in full daily where the provider gives no count"
        );
    }

    #[test]
    fn refresh_says_what_it_will_cost_per_provider() {
        let status = |provider, received, sent| AccountStatus {
            received_count: Some(received),
            sent_count: Some(sent),
            provider: Some(provider),
            ..AccountStatus::unreadable(
                "a".into(),
                "A".into(),
                crate::error::Error::new(crate::error::ErrorKind::Timeout),
            )
        };
        assert_eq!(
            refresh(&[status(Linkup, 1_000, 1_234), status(UnipileV2, 250, 30)]),
            "Reads every invitation again: about 45 credits from LinkUp and 4 requests to LinkedIn through Unipile."
        );
        assert_eq!(refresh(&[]), "Reads every invitation again.");
    }
}
