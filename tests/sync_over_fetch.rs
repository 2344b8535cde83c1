//! The sync engine over real fetch against the emulator, on each API: changes made on LinkedIn
//! itself (arrivals, withdrawals by the sender, acceptances on the site or by the other person),
//! alone and together, at the page boundaries 50, 100 and 1000 and deep in the list. After each
//! check the list kept (`lists.rs`, in memory) must equal the provider's, and the check must
//! cost what the engine promises, counted by the emulator (`tests/scenarios/sync.json`:
//! 1,000 received and 1,234 sent on each API).
#![cfg(target_arch = "wasm32")]

mod common;

use invite_desk::client::Client;
use invite_desk::lists::List;
use invite_desk::model::{Account, ApiKey, Direction, Plan, ProviderKind};
use invite_desk::sync::Mode;
use serde_json::{json, Value};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SYNC_SCENARIO: &str = include_str!("scenarios/sync.json");

const APIS: [(ProviderKind, &str, &str); 3] = [
    (ProviderKind::Linkup, "lk_sync_key", "acc_sync_linkup"),
    (ProviderKind::UnipileV2, "up2_sync_key", "acc_sync_v2"),
    (
        ProviderKind::UnipileV1,
        "up1_sync_key",
        "syncV1xQzR9WVrlNFyzPMh",
    ),
];

fn account((provider, key, account_id): (ProviderKind, &str, &str)) -> Account {
    Account {
        id: "sync".into(),
        label: "Sync".into(),
        provider,
        api_key: ApiKey::new(key),
        account_id: account_id.into(),
        base_url: common::emulator_url().into(),
        plan: Plan::Premium,
        auto_withdraw: Default::default(),
    }
}

/// One account's list of one direction, kept as the worker keeps it, and the provider's truth.
struct Mirror {
    account: Account,
    direction: Direction,
    list: List,
}

/// What one check cost: calls, and LinkUp credits.
#[derive(Debug, Clone, Copy)]
struct Cost {
    calls: usize,
    credits: u64,
}

impl Mirror {
    /// The list as a first check reads it.
    async fn new(account: Account, direction: Direction) -> Mirror {
        let mut mirror = Mirror {
            account,
            direction,
            list: List::empty("sync", direction),
        };
        mirror.check(false).await;
        mirror
    }

    async fn credits(&self) -> u64 {
        common::account_state(&self.account.account_id).await["credits"]
            .as_u64()
            .unwrap_or(0)
    }

    /// One check (or, with `everything`, a full read), applied to the list; what it cost.
    async fn check(&mut self, everything: bool) -> Cost {
        common::clear_requests().await;
        let before = self.credits().await;
        let held = self.list.held(0.0);
        let mode = match everything {
            true => Mode::Everything,
            false => Mode::Cheap,
        };
        let checked = Client::new(&self.account, invite_desk::browser::env())
            .check(self.direction, held.clone(), mode)
            .await
            .unwrap_or_else(|failed| panic!("{:?}: {:?}", self.account.provider, failed.error));
        let calls = common::requests().await.len();
        let credits = before - self.credits().await;
        self.list.apply(checked.found, &held, 0.0);
        Cost { calls, credits }
    }

    fn ids(&self) -> Vec<String> {
        self.list.rows().map(|row| row.id.clone()).collect()
    }

    /// The provider's whole list, read apart.
    async fn truth(&self) -> Vec<String> {
        Client::new(&self.account, invite_desk::browser::env())
            .list_all(self.direction)
            .await
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect()
    }

    async fn assert_true(&self, what: &str) {
        let truth = self.truth().await;
        let ids = self.ids();
        assert_eq!(
            ids.len(),
            truth.len(),
            "{:?} {what}: count",
            self.account.provider
        );
        assert!(
            ids == truth,
            "{:?} {what}: the list differs from the provider's",
            self.account.provider
        );
        assert_eq!(
            self.list.head.count(),
            truth.len() as u64,
            "{:?} {what}: the count kept",
            self.account.provider
        );
    }

    async fn change(&self, changes: Value) {
        common::linkedin(&self.account.account_id, changes).await;
    }
}

fn reports_total(provider: ProviderKind) -> bool {
    provider != ProviderKind::UnipileV1
}

#[wasm_bindgen_test]
async fn nothing_changed_costs_one_call_and_one_credit() {
    common::load(SYNC_SCENARIO).await;
    for api in APIS {
        for direction in [Direction::Received, Direction::Sent] {
            let mut mirror = Mirror::new(account(api), direction).await;
            let cost = mirror.check(false).await;
            assert_eq!(cost.calls, 1, "{:?} {direction:?}", api.0);
            if api.0 == ProviderKind::Linkup {
                assert_eq!(cost.credits, 1);
            }
            mirror.assert_true("idle").await;
        }
    }
}

#[wasm_bindgen_test]
async fn arrivals_are_read_from_the_top_at_any_count() {
    common::load(SYNC_SCENARIO).await;
    for api in APIS {
        let mut mirror = Mirror::new(account(api), Direction::Received).await;
        for count in [1u64, 3, 49, 50, 51, 100, 1000] {
            mirror.change(json!([{"arrive": {"count": count}}])).await;
            let cost = mirror.check(false).await;
            mirror.assert_true(&format!("{count} arrived")).await;
            if api.0 == ProviderKind::Linkup {
                assert!(
                    cost.credits <= 1 + count.div_ceil(50),
                    "{count} new: {cost:?}"
                );
            }
            if count == 3 {
                assert!(
                    cost.calls <= 2 && cost.credits <= 2,
                    "{:?}: 3 new cost {cost:?}",
                    api.0
                );
            }
        }
    }
}

#[wasm_bindgen_test]
async fn removals_at_the_page_boundaries_and_deep_in_the_list_are_placed() {
    common::load(SYNC_SCENARIO).await;
    for api in APIS {
        let mut mirror = Mirror::new(account(api), Direction::Received).await;
        for at in [0u64, 49, 50, 99, 100, 990] {
            mirror
                .change(json!([{"withdrawn_by_sender": {"at": at}}]))
                .await;
            let cost = mirror.check(false).await;
            let deep = at >= 100;
            if reports_total(api.0) || !deep {
                mirror.assert_true(&format!("removed at {at}")).await;
                // Placing one removal costs a few single pages, far less than a relist (20 credits).
                assert!(
                    cost.calls <= 8 && cost.credits <= 8,
                    "{:?} at {at}: {cost:?}",
                    api.0
                );
            } else {
                // Unipile v1 gives no total: below its first page, the full read finds it.
                assert_eq!(
                    mirror.ids().len(),
                    mirror.truth().await.len() + 1,
                    "v1 at {at}"
                );
                mirror.check(true).await;
                mirror
                    .assert_true(&format!("v1 reconciled after {at}"))
                    .await;
            }
        }
    }
}

#[wasm_bindgen_test]
async fn one_arriving_while_another_leaves_keeps_the_count_yet_both_are_seen() {
    common::load(SYNC_SCENARIO).await;
    for api in APIS {
        let mut mirror = Mirror::new(account(api), Direction::Received).await;
        mirror
            .change(json!([{"arrive": {}}, {"withdrawn_by_sender": {"at": 40}},
                           {"accepted_on_site": {"at": 7}}, {"declined_on_site": {"at": 20}},
                           {"arrive": {"count": 2}}]))
            .await;
        mirror.check(false).await;
        mirror.assert_true("three arrived, three left").await;
        let received = common::account_state(api.2).await["received"].as_u64();
        assert_eq!(received, Some(1000), "{:?}: the total did not move", api.0);
    }
}

#[wasm_bindgen_test]
async fn an_old_invitation_appearing_mid_list_is_caught_by_a_relist() {
    common::load(SYNC_SCENARIO).await;
    for api in APIS.into_iter().filter(|api| reports_total(api.0)) {
        let mut mirror = Mirror::new(account(api), Direction::Received).await;
        mirror
            .change(json!([{"arrive": {"person": "zora-mensah", "days_ago": 30}}]))
            .await;
        mirror.check(false).await;
        mirror.assert_true("a 30-day-old arrival").await;
    }
}

#[wasm_bindgen_test]
async fn the_sent_list_follows_acceptances_and_declines_by_the_other_person_and_sends_from_the_site(
) {
    common::load(SYNC_SCENARIO).await;
    for api in APIS {
        let mut mirror = Mirror::new(account(api), Direction::Sent).await;
        mirror
            .change(
                json!([{"accepted_by_them": {"at": 3}}, {"declined_by_them": {"at": 10}},
                           {"sent_on_site": {"person": "ivo-petrov"}}]),
            )
            .await;
        mirror.check(false).await;
        mirror.assert_true("near the top").await;
        mirror
            .change(json!([{"accepted_by_them": {"at": 700}}]))
            .await;
        let cost = mirror.check(false).await;
        if reports_total(api.0) {
            mirror.assert_true("accepted deep in the list").await;
            assert!(cost.calls <= 8, "{:?}: {cost:?}", api.0);
        } else {
            mirror.check(true).await;
            mirror.assert_true("v1 reconciled").await;
        }
    }
}
