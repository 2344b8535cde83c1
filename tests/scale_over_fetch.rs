//! What counting and listing 1,000 and 10,000 pending invitations costs on each API, in calls
//! and LinkUp credits, measured in the emulator's request log over real fetch
//! (`tests/scenarios/scale.json`). These are the figures the clients promise: one call to
//! count where the API reports a total, ceil(N / largest page) calls to list.
#![cfg(target_arch = "wasm32")]

mod common;

use invite_desk::client::Client;
use invite_desk::error::ErrorKind;
use invite_desk::model::{Account, ApiKey, Direction, Plan, ProviderKind};
use invite_desk::sync::{Found, Held, Mode};
use serde_json::json;
use std::future::Future;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SCALE_SCENARIO: &str = include_str!("scenarios/scale.json");

struct Expected {
    provider: ProviderKind,
    key: &'static str,
    account_prefix: &'static str,
    size: usize,
    direction: Direction,
    list_calls: usize,
    list_credits: u64,
    count_calls: usize,
    count_credits: u64,
}

const fn row(
    provider: ProviderKind,
    size: usize,
    direction: Direction,
    list_calls: usize,
    list_credits: u64,
    count_calls: usize,
    count_credits: u64,
) -> Expected {
    let (key, account_prefix) = match provider {
        ProviderKind::Linkup => ("lk_scale_key", "acc_scale_linkup"),
        ProviderKind::UnipileV2 => ("up2_scale_key", "acc_scale_v2"),
        ProviderKind::UnipileV1 => ("up1_scale_key", "scaleV1"),
    };
    Expected {
        provider,
        key,
        account_prefix,
        size,
        direction,
        list_calls,
        list_credits,
        count_calls,
        count_credits,
    }
}

use Direction::{Received, Sent};
use ProviderKind::{Linkup, UnipileV1, UnipileV2};

/// LinkUp: pages of 1,000 at 1 credit per 50 results; counting reads
/// `total_available_results` from a 1-item page. Unipile v2: pages of 100, `total_count`.
/// Unipile v1: pages of 100 received / 250 sent, no total, so counting is listing.
const EXPECTED: [Expected; 12] = [
    row(Linkup, 1_000, Received, 1, 20, 1, 1),
    row(Linkup, 10_000, Received, 10, 200, 1, 1),
    row(Linkup, 1_000, Sent, 1, 20, 1, 1),
    row(Linkup, 10_000, Sent, 10, 200, 1, 1),
    row(UnipileV2, 1_000, Received, 10, 0, 1, 0),
    row(UnipileV2, 10_000, Received, 100, 0, 1, 0),
    row(UnipileV2, 1_000, Sent, 10, 0, 1, 0),
    row(UnipileV2, 10_000, Sent, 100, 0, 1, 0),
    row(UnipileV1, 1_000, Received, 10, 0, 10, 0),
    row(UnipileV1, 10_000, Received, 100, 0, 100, 0),
    row(UnipileV1, 1_000, Sent, 4, 0, 4, 0),
    row(UnipileV1, 10_000, Sent, 40, 0, 40, 0),
];

async fn credits(account_id: &str) -> u64 {
    common::account_state(account_id).await["credits"]
        .as_u64()
        .unwrap_or(0)
}

/// Runs `operation` and returns its result with the requests the emulator saw and the LinkUp
/// credits it cost.
async fn cost<T>(account_id: &str, operation: impl Future<Output = T>) -> (T, usize, u64) {
    common::clear_requests().await;
    let before = credits(account_id).await;
    let result = operation.await;
    let calls = common::requests().await.len();
    (result, calls, before - credits(account_id).await)
}

fn account(expected: &Expected) -> Account {
    Account {
        id: "scale".into(),
        label: "Scale".into(),
        provider: expected.provider,
        api_key: ApiKey::new(expected.key),
        account_id: format!("{}_{}", expected.account_prefix, expected.size),
        base_url: common::emulator_url().into(),
        plan: Plan::Premium,
        auto_withdraw: Default::default(),
    }
}

#[wasm_bindgen_test]
async fn counting_and_listing_cost_what_the_clients_promise() {
    common::load(SCALE_SCENARIO).await;
    for expected in EXPECTED {
        let account = account(&expected);
        let account_id = account.account_id.clone();
        let what = format!(
            "{:?} {:?} {}",
            expected.provider, expected.direction, expected.size
        );
        let client = Client::new(&account, invite_desk::browser::env());

        let (listed, calls, spent) = cost(&account_id, client.list_all(expected.direction)).await;
        let listed = listed.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(listed.len(), expected.size, "{what}");
        assert_eq!(calls, expected.list_calls, "{what}: list calls");
        assert_eq!(spent, expected.list_credits, "{what}: list credits");

        let (count, calls, spent) =
            cost(&account_id, client.pending_count(expected.direction)).await;
        let count = count.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(count, expected.size as u64, "{what}");
        assert_eq!(calls, expected.count_calls, "{what}: count calls");
        assert_eq!(spent, expected.count_credits, "{what}: count credits");
    }
}

/// A provider that pages as no provider should, on lists of 10,000: no listing costs more
/// requests than the honest one (the pages already in flight when a fault shows are the most
/// it adds), it ends with `endless_pages` or with what sound pages it needed, and a check stops
/// at its first or second request, at most 2 LinkUp credits.
#[wasm_bindgen_test]
async fn no_fault_in_the_pages_makes_a_listing_cost_more_or_a_check_more_than_two_requests() {
    common::load(SCALE_SCENARIO).await;
    let faults = [
        json!({"kind": "repeated_cursor"}),
        json!({"kind": "cursor_cycle"}),
        json!({"kind": "empty_pages_with_cursor"}),
        json!({"kind": "repeated_items"}),
        json!({"kind": "inflated_total", "total": 30_000}),
    ];
    for expected in EXPECTED.iter().filter(|e| e.size == 10_000) {
        let account = account(expected);
        let client = Client::new(&account, invite_desk::browser::env());
        common::paging(None).await;
        let ids = client
            .list_all(expected.direction)
            .await
            .expect("honest pages");
        let held = Held {
            ids: ids.into_iter().map(|i| i.id).collect(),
            handled: Default::default(),
        };
        for fault in &faults {
            let what = format!("{:?} {:?}, {fault}", expected.provider, expected.direction);
            common::paging(Some(fault.clone())).await;
            let (listed, calls, _) =
                cost(&account.account_id, client.list_all(expected.direction)).await;
            assert!(
                calls <= expected.list_calls,
                "{what}: {calls} requests to list, {} when honest",
                expected.list_calls
            );
            if let Err(error) = listed {
                assert_eq!(error.kind, ErrorKind::EndlessPages, "{what}");
            }
            let check = client.check(expected.direction, held.clone(), Mode::Cheap);
            let (checked, calls, credits) = cost(&account.account_id, check).await;
            assert!(
                calls <= 2 && credits <= 2,
                "{what}: {calls} requests, {credits} credits to check"
            );
            match checked {
                Err(failed) => assert_eq!(failed.error.kind, ErrorKind::EndlessPages, "{what}"),
                Ok(checked) => assert!(
                    !matches!(&checked.found, Found::Changes { removed, .. } if !removed.is_empty()),
                    "{what}: nothing is taken for gone"
                ),
            }
        }
    }
    common::paging(None).await;
}
