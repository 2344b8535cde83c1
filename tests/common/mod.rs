//! Shared by the wasm suites: the emulator that `./build.sh test` starts, driven through its
//! `/__emulator/` control API, and the accounts of `tests/scenarios/clients.json`.
#![allow(dead_code)] // each suite uses its own part

use gloo_net::http::Request;
use invite_desk::error::Error;
use invite_desk::model::{Account, ApiKey, Plan, ProviderKind};
use serde_json::{json, Value};

pub const CLIENTS_SCENARIO: &str = include_str!("../scenarios/clients.json");

/// Set by build.sh when it compiles the suites.
pub fn emulator_url() -> &'static str {
    match option_env!("INVITE_DESK_EMULATOR_URL") {
        Some(url) => url,
        None => panic!("run this suite through ./build.sh test, which starts the emulator"),
    }
}

/// One API under test: its account in `clients.json` and where its routes live.
#[derive(Clone, Copy, Debug)]
pub struct Api {
    pub provider: ProviderKind,
    pub key: &'static str,
    pub account_id: &'static str,
    /// Pending in `clients.json`: 3 listed by hand plus the generated ones.
    pub received: usize,
    pub sent: usize,
}

pub const LINKUP: Api = Api {
    provider: ProviderKind::Linkup,
    key: "lk_client_key",
    account_id: "acc_client_linkup",
    received: 2403,
    sent: 1201,
};
pub const UNIPILE_V2: Api = Api {
    provider: ProviderKind::UnipileV2,
    key: "up2_client_key",
    account_id: "acc_client_v2",
    received: 253,
    sent: 121,
};
pub const UNIPILE_V1: Api = Api {
    provider: ProviderKind::UnipileV1,
    key: "up1_client_key",
    account_id: "t5XY4yQzR9WVrlNFyzPMhw",
    received: 153,
    sent: 301,
};
pub const ALL: [Api; 3] = [LINKUP, UNIPILE_V2, UNIPILE_V1];

impl Api {
    pub fn account(&self) -> Account {
        self.account_with(self.key, self.account_id)
    }

    pub fn account_with(&self, key: &str, account_id: &str) -> Account {
        Account {
            id: format!("{:?}", self.provider),
            label: "Test".into(),
            provider: self.provider,
            api_key: ApiKey::new(key),
            account_id: account_id.into(),
            base_url: emulator_url().into(),
            plan: Plan::Free,
            auto_withdraw: Default::default(),
        }
    }

    /// A fault matcher for this API's list of `direction` ("received" or "sent").
    pub fn list_route(&self, direction: &str) -> Value {
        match self.provider {
            ProviderKind::Linkup => json!({"path_prefix": "/v2/network",
                "action": if direction == "received" { "list_invitations" } else { "list_sent" }}),
            ProviderKind::UnipileV2 => json!({"method": "GET",
                "path_prefix": format!("/v2/{}/users/me/relation-requests", self.account_id)}),
            ProviderKind::UnipileV1 => json!({"method": "GET",
                "path_prefix": format!("/api/v1/users/invite/{direction}")}),
        }
    }

    /// A fault matcher for accepting invitation `id`.
    pub fn accept_route(&self, id: &str) -> Value {
        match self.provider {
            ProviderKind::Linkup => json!({"path_prefix": "/v2/network", "action": "accept"}),
            ProviderKind::UnipileV2 => json!({"method": "POST", "path_prefix":
                format!("/v2/{}/users/me/relation-requests/{id}/accept", self.account_id)}),
            ProviderKind::UnipileV1 => json!({"method": "POST",
                "path_prefix": format!("/api/v1/users/invite/received/{id}")}),
        }
    }
}

/// Loads `clients.json` afresh: every test starts from the same state.
pub async fn reset() {
    load(CLIENTS_SCENARIO).await;
    control("POST", "/__emulator/reset", None).await;
}

/// Loads a scenario, which becomes what `/__emulator/reset` goes back to; faults, latency and
/// the request log stay until that reset.
pub async fn load(scenario: &str) {
    control("PUT", "/__emulator/scenario", Some(scenario.to_owned())).await;
}

/// Queues a fault: `matcher` (route) merged with `fault` (what to answer).
pub async fn fault(matcher: Value, fault: Value) {
    let mut spec = matcher;
    for (key, value) in fault.as_object().expect("a fault is an object") {
        spec[key] = value.clone();
    }
    control("POST", "/__emulator/faults", Some(spec.to_string())).await;
}

/// From now on every list answer pages as `fault` says (`{"kind": …}`), or honestly again
/// with `None`.
pub async fn paging(fault: Option<Value>) {
    match fault {
        Some(fault) => control("PUT", "/__emulator/paging", Some(fault.to_string())).await,
        None => control("DELETE", "/__emulator/paging", None).await,
    };
}

/// Every provider request the emulator has seen since the last reset.
pub async fn requests() -> Vec<Value> {
    let log = control("GET", "/__emulator/requests", None).await;
    log.as_array().expect("the request log is a list").clone()
}

pub async fn clear_requests() {
    control("DELETE", "/__emulator/requests", None).await;
}

/// What the emulator holds for an account: counts, ids, credits.
pub async fn account_state(account_id: &str) -> Value {
    control("GET", &format!("/__emulator/accounts/{account_id}"), None).await
}

/// Changes made on LinkedIn itself (`{"arrive": …}`, `{"withdrawn_by_sender": …}`, …), applied
/// in order; see the emulator's README.
pub async fn linkedin(account_id: &str, changes: Value) -> Value {
    let body = serde_json::json!({ "changes": changes }).to_string();
    control(
        "POST",
        &format!("/__emulator/accounts/{account_id}/linkedin"),
        Some(body),
    )
    .await
}

async fn control(method: &str, path: &str, body: Option<String>) -> Value {
    let url = format!("{}{path}", emulator_url());
    let builder = match method {
        "GET" => Request::get(&url),
        "PUT" => Request::put(&url),
        "DELETE" => Request::delete(&url),
        _ => Request::post(&url),
    };
    let response = match body {
        Some(body) => {
            builder
                .header("content-type", "application/json")
                .body(body)
                .unwrap()
                .send()
                .await
        }
        None => builder.send().await,
    }
    .expect("the emulator's control API answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status < 300, "{method} {path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `unwrap_err` without printing a success's value, which can be thousands of invitations.
pub trait Refused {
    fn refused(self) -> Error;
}

impl<T> Refused for Result<T, Error> {
    fn refused(self) -> Error {
        match self {
            Ok(_) => panic!("expected a refusal, got a success"),
            Err(error) => error,
        }
    }
}
