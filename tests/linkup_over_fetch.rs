//! The LinkUp client over real fetch, in headless Chromium, against the emulator that
//! `./build.sh test` starts with `tests/scenarios/pagination.json`.
#![cfg(target_arch = "wasm32")]

use invite_desk::client;
use invite_desk::error::ErrorKind;
use invite_desk::model::{Account, ApiKey, Plan, ProviderKind};
use std::collections::HashSet;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Set by build.sh when it compiles this suite.
const EMULATOR_URL: Option<&str> = option_env!("INVITE_DESK_EMULATOR_URL");

fn account(api_key: &str, account_id: &str) -> Account {
    Account {
        id: "test".into(),
        label: "Test".into(),
        provider: ProviderKind::Linkup,
        api_key: ApiKey::new(api_key),
        account_id: account_id.into(),
        base_url: EMULATOR_URL
            .expect("run this suite through ./build.sh test, which starts the emulator")
            .into(),
        plan: Plan::Free,
    }
}

#[wasm_bindgen_test]
async fn lists_every_received_invitation_across_pages() {
    let invitations = client::list_received(&account("lk_page_key", "acc_page"), Some(10), 0.0)
        .await
        .unwrap();
    assert_eq!(invitations.len(), 25);
    let ids: HashSet<&str> = invitations.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids.len(), 25, "no invitation twice");
    for invitation in &invitations {
        assert_eq!(invitation.account, "test");
        assert!(!invitation.person.name.is_empty());
        assert!(
            invitation.handles.shared_secret.is_some(),
            "accepting will need it"
        );
        assert!(invitation.sent_at_ms.is_some());
    }
}

#[wasm_bindgen_test]
async fn one_large_page_gives_the_same_list() {
    let paged = client::list_received(&account("lk_page_key", "acc_page"), Some(10), 0.0)
        .await
        .unwrap();
    let whole = client::list_received(&account("lk_page_key", "acc_page"), None, 0.0)
        .await
        .unwrap();
    assert_eq!(paged, whole);
}

#[wasm_bindgen_test]
async fn a_wrong_key_is_unauthorized_and_never_echoed() {
    let error = client::list_received(&account("lk_wrong_key_123", "acc_page"), None, 0.0)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unauthorized);
    let shown = format!(
        "{error} {error:?} {}",
        serde_json::to_string(&error).unwrap()
    );
    assert!(!shown.contains("lk_wrong_key_123"), "{shown}");
}

#[wasm_bindgen_test]
async fn an_account_of_another_key_is_not_found() {
    let error = client::list_received(&account("lk_page_key", "acc_poor"), None, 0.0)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
}

#[wasm_bindgen_test]
async fn no_credits_left_is_out_of_credits() {
    let error = client::list_received(&account("lk_poor_key", "acc_poor"), None, 0.0)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::OutOfCredits);
}

#[wasm_bindgen_test]
async fn an_unreachable_provider_is_a_network_error() {
    let mut unreachable = account("lk_page_key", "acc_page");
    // Port 9 (discard) is closed on loopback: the connection is refused at once.
    unreachable.base_url = "http://127.0.0.1:9".into();
    let error = client::list_received(&unreachable, None, 0.0)
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Network);
}
