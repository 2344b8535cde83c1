//! Every invitation operation of every API over real fetch, in headless Chromium, against the
//! emulator; error paths driven by its fault injection. Each test runs on LinkUp v2, Unipile v2
//! and Unipile v1 in turn, from a fresh `tests/scenarios/clients.json`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::{Api, Refused, ALL, LINKUP, UNIPILE_V1, UNIPILE_V2};
use invite_desk::client::{Client, Done};
use invite_desk::error::{Error, ErrorKind};
use invite_desk::model::{Cursor, Direction, Invitation, ProviderKind, RelationshipState};
use invite_desk::providers;
use serde_json::json;
use std::collections::HashSet;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const AMARA: &str = "7400000000000000001";
const PRIYA_SENT: &str = "7400000000000000101";

/// An invitation made ready, then sent, as the worker does it.
async fn invite(client: &Client<'_>, profile: &str, note: Option<&str>) -> Result<Done, Error> {
    let ready = client.prepare_send(profile, note).await?;
    client.send(ready).await
}

async fn listed(api: Api, direction: Direction) -> Vec<Invitation> {
    Client::new(&api.account(), invite_desk::browser::env())
        .list_all(direction)
        .await
        .unwrap_or_else(|e| panic!("{api:?}: {e:?}"))
}

async fn find(api: Api, direction: Direction, id: &str) -> Invitation {
    listed(api, direction)
        .await
        .into_iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{api:?}: {id} is not listed"))
}

fn calls_for(api: Api, direction: Direction, count: usize) -> usize {
    let page = providers::api(api.provider).max_page_size(direction) as usize;
    count.div_ceil(page)
}

#[wasm_bindgen_test]
async fn lists_every_invitation_each_way_in_ceil_n_over_page_calls() {
    for api in ALL {
        common::reset().await;
        for (direction, expected) in [
            (Direction::Received, api.received),
            (Direction::Sent, api.sent),
        ] {
            common::clear_requests().await;
            let invitations = listed(api, direction).await;
            assert_eq!(invitations.len(), expected, "{api:?} {direction:?}");
            let ids: HashSet<&str> = invitations.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(ids.len(), expected, "{api:?}: no invitation twice");
            assert!(invitations.iter().all(|i| i.direction == direction));
            assert!(
                invitations.iter().all(|i| i.sent_at_ms.is_some()),
                "{api:?}: ages"
            );
            let log = common::requests().await;
            assert_eq!(
                log.len(),
                calls_for(api, direction, expected),
                "{api:?} {direction:?}"
            );
            let text = serde_json::to_string(&log).unwrap();
            assert!(
                !text.contains(api.key),
                "the log holds fingerprints, never keys"
            );
        }
        let amara = find(api, Direction::Received, AMARA).await;
        assert_eq!(amara.person.name, "Amara Okafor");
        let link = amara.person.profile_url.unwrap_or_default();
        assert!(
            link.starts_with("https://www.linkedin.com/in/amara-okafor"),
            "{api:?}: {link}"
        );
    }
}

#[wasm_bindgen_test]
async fn counts_pending_with_one_call_where_the_api_gives_a_total() {
    for api in ALL {
        common::reset().await;
        let credits_before = common::account_state(api.account_id).await["credits"].as_u64();
        common::clear_requests().await;
        let account = api.account();
        let client = Client::new(&account, invite_desk::browser::env());
        let count = client.pending_count(Direction::Received).await.unwrap();
        assert_eq!(count, api.received as u64, "{api:?}");
        let calls = common::requests().await.len();
        let credits_after = common::account_state(api.account_id).await["credits"].as_u64();
        if api.provider == ProviderKind::UnipileV1 {
            // v1 reports no total: the count is the list's length.
            assert_eq!(calls, calls_for(api, Direction::Received, api.received));
        } else {
            assert_eq!(calls, 1, "{api:?}");
        }
        if let (Some(before), Some(after)) = (credits_before, credits_after) {
            assert_eq!(before - after, 1, "LinkUp: counting costs one credit");
        }
    }
}

#[wasm_bindgen_test]
async fn pages_one_at_a_time_from_where_the_last_ended() {
    for api in ALL {
        common::reset().await;
        let account = api.account();
        let client = Client::new(&account, invite_desk::browser::env());
        let first = client
            .list_page(Direction::Sent, &Cursor::Offset(0), Some(2))
            .await
            .unwrap();
        assert_eq!(first.items.len(), 2, "{api:?}");
        let next = first.next.expect("more pages follow");
        let second = client
            .list_page(Direction::Sent, &next, Some(2))
            .await
            .unwrap();
        assert_eq!(second.items.len(), 2, "{api:?}");
        assert!(
            second
                .items
                .iter()
                .all(|i| first.items.iter().all(|f| f.id != i.id)),
            "{api:?}: the second page goes on from the first"
        );
    }
}

#[wasm_bindgen_test]
async fn accepting_connects_and_leaves_the_received_list() {
    for api in ALL {
        common::reset().await;
        let amara = find(api, Direction::Received, AMARA).await;
        let connections = common::account_state(api.account_id).await["connections"].as_u64();
        let done = Client::new(&api.account(), invite_desk::browser::env())
            .accept(&amara)
            .await;
        assert_eq!(done.map(|d| d.confirmed_by_check), Ok(false), "{api:?}");
        assert!(listed(api, Direction::Received)
            .await
            .iter()
            .all(|i| i.id != AMARA));
        let state = common::account_state(api.account_id).await;
        assert_eq!(
            state["connections"].as_u64(),
            connections.map(|c| c + 1),
            "{api:?}"
        );
        let again = Client::new(&api.account(), invite_desk::browser::env())
            .accept(&amara)
            .await
            .refused();
        assert!(
            matches!(
                again.kind,
                ErrorKind::NotFound | ErrorKind::InvalidInput | ErrorKind::AlreadyDone
            ),
            "{api:?}: accepting twice is refused, got {again:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn declining_leaves_the_received_list_without_connecting() {
    for api in ALL {
        common::reset().await;
        let amara = find(api, Direction::Received, AMARA).await;
        let connections = common::account_state(api.account_id).await["connections"].clone();
        Client::new(&api.account(), invite_desk::browser::env())
            .decline(&amara)
            .await
            .unwrap();
        assert!(listed(api, Direction::Received)
            .await
            .iter()
            .all(|i| i.id != AMARA));
        let state = common::account_state(api.account_id).await;
        assert_eq!(state["connections"], connections, "{api:?}");
    }
}

#[wasm_bindgen_test]
async fn withdrawing_leaves_the_sent_list_and_blocks_reinviting() {
    for api in ALL {
        common::reset().await;
        let priya = find(api, Direction::Sent, PRIYA_SENT).await;
        Client::new(&api.account(), invite_desk::browser::env())
            .withdraw(&priya)
            .await
            .unwrap();
        assert!(listed(api, Direction::Sent)
            .await
            .iter()
            .all(|i| i.id != PRIYA_SENT));
        let again = invite(
            &Client::new(&api.account(), invite_desk::browser::env()),
            "https://www.linkedin.com/in/priya-raman/",
            None,
        )
        .await
        .refused();
        assert!(
            again.detail.is_some(),
            "{api:?}: the provider's reason is kept, got {again:?}"
        );
        let sent = listed(api, Direction::Sent).await;
        assert!(
            sent.iter()
                .all(|i| i.person.public_identifier.as_deref() != Some("priya-raman")),
            "{api:?}: LinkedIn's cooldown after a withdrawal: no new invitation"
        );
    }
}

#[wasm_bindgen_test]
async fn sends_from_a_profile_url_with_a_note() {
    for api in ALL {
        common::reset().await;
        common::clear_requests().await;
        let done = invite(
            &Client::new(&api.account(), invite_desk::browser::env()),
            "linkedin.com/in/noah-berg?trk=x",
            Some("  Hello Noah, let's talk fjords.  "),
        )
        .await
        .unwrap_or_else(|e| panic!("{api:?}: {e:?}"));
        assert!(!done.confirmed_by_check);
        let log = common::requests().await;
        let methods: Vec<&str> = log.iter().map(|r| r["method"].as_str().unwrap()).collect();
        match api.provider {
            ProviderKind::Linkup => assert_eq!(methods, ["POST"]),
            _ => assert_eq!(
                methods,
                ["GET", "POST"],
                "{api:?}: profile lookup, then invite"
            ),
        }
        let sent = listed(api, Direction::Sent).await;
        let noah = sent
            .iter()
            .find(|i| i.person.public_identifier.as_deref() == Some("noah-berg"))
            .unwrap_or_else(|| panic!("{api:?}: the new invitation is listed"));
        assert_eq!(noah.person.name, "Noah Berg");
        if api.provider != ProviderKind::Linkup {
            // LinkUp's v2 lists carry no note.
            assert_eq!(noah.note.as_deref(), Some("Hello Noah, let's talk fjords."));
        }
        if let Some(invitation) = done.invitation {
            assert_eq!(
                invitation.id, noah.id,
                "{api:?}: the answer names the listed invitation"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_any_call_naming_the_field() {
    for api in ALL {
        common::reset().await;
        common::clear_requests().await;
        let account = api.account();
        let client = Client::new(&account, invite_desk::browser::env());
        let long_note = "é".repeat(301);
        let error = invite(
            &client,
            "https://www.linkedin.com/in/noah-berg/",
            Some(&long_note),
        )
        .await
        .refused();
        assert_eq!(error.field.as_deref(), Some("note"));
        let error = invite(&client, "https://evil.example/in/noah-berg", None)
            .await
            .refused();
        assert_eq!(error.field.as_deref(), Some("profile"));
        let mut blank = find(api, Direction::Sent, PRIYA_SENT).await;
        common::clear_requests().await;
        blank.id = " ".into();
        let error = client.withdraw(&blank).await.refused();
        assert_eq!(error.field.as_deref(), Some("invitation"), "{api:?}");
        let mut secretless = find(api, Direction::Received, AMARA).await;
        common::clear_requests().await;
        secretless.handles.shared_secret = None;
        secretless.id = String::new();
        let error = client.accept(&secretless).await.refused();
        assert_eq!(error.field.as_deref(), Some("invitation"), "{api:?}");
        assert!(
            common::requests().await.is_empty(),
            "{api:?}: nothing was sent"
        );
    }
}

#[wasm_bindgen_test]
async fn inviting_a_connection_is_already_done() {
    for api in ALL {
        common::reset().await;
        let error = invite(
            &Client::new(&api.account(), invite_desk::browser::env()),
            "https://www.linkedin.com/in/ines-costa/",
            None,
        )
        .await
        .refused();
        assert_eq!(error.kind, ErrorKind::AlreadyDone, "{api:?}: {error:?}");
    }
}

#[wasm_bindgen_test]
async fn a_wrong_key_or_account_is_named_and_the_key_never_shows() {
    for api in ALL {
        common::reset().await;
        let wrong_key = "sk_wrong_key_4242";
        let error = Client::new(
            &api.account_with(wrong_key, api.account_id),
            invite_desk::browser::env(),
        )
        .list_all(Direction::Received)
        .await
        .refused();
        assert_eq!(error.kind, ErrorKind::Unauthorized, "{api:?}");
        assert!(!format!("{error:?} {error}").contains(wrong_key));
        let error = Client::new(
            &api.account_with(api.key, "acc_nobody"),
            invite_desk::browser::env(),
        )
        .list_all(Direction::Received)
        .await
        .refused();
        assert_eq!(error.kind, ErrorKind::NotFound, "{api:?}");
    }
}

#[wasm_bindgen_test]
async fn linkup_without_credits_says_so() {
    common::reset().await;
    let error = Client::new(
        &LINKUP.account_with("lk_broke_key", "acc_client_broke"),
        invite_desk::browser::env(),
    )
    .list_all(Direction::Received)
    .await
    .refused();
    assert_eq!(error.kind, ErrorKind::OutOfCredits);
}

#[wasm_bindgen_test]
async fn linkup_tells_where_the_account_stands_with_one_person() {
    common::reset().await;
    let account = LINKUP.account();
    let client = Client::new(&account, invite_desk::browser::env());
    let priya = client
        .invitation_status("https://www.linkedin.com/in/priya-raman/")
        .await
        .unwrap();
    assert_eq!(priya.state, RelationshipState::PendingSent);
    assert_eq!(priya.invitation_id.as_deref(), Some(PRIYA_SENT));
    let ines = client.invitation_status("ines-costa").await.unwrap();
    assert_eq!(ines.state, RelationshipState::Connected);
    let noah = client.invitation_status("noah-berg").await.unwrap();
    assert_eq!(noah.state, RelationshipState::NoInvitation);
    let unipile = Client::new(&UNIPILE_V2.account(), invite_desk::browser::env())
        .invitation_status("noah-berg")
        .await
        .refused();
    assert_eq!(unipile.field.as_deref(), Some("provider"));
}

#[wasm_bindgen_test]
async fn reads_are_retried_through_transient_failures() {
    for api in ALL {
        common::reset().await;
        common::fault(
            api.list_route("received"),
            json!({"times": 1, "response": {"status": 503, "body": "busy"}}),
        )
        .await;
        common::fault(
            api.list_route("received"),
            json!({"times": 1, "response": {"status": 429,
            "body": {"error": "slow down"}, "headers": {"Retry-After": "1"}}}),
        )
        .await;
        common::clear_requests().await;
        let page = Client::new(&api.account(), invite_desk::browser::env())
            .list_page(Direction::Received, &Cursor::Offset(0), Some(5))
            .await
            .unwrap_or_else(|e| panic!("{api:?}: {e:?}"));
        assert_eq!(page.items.len(), 5);
        let statuses: Vec<u64> = common::requests()
            .await
            .iter()
            .map(|r| r["status"].as_u64().unwrap())
            .collect();
        assert_eq!(statuses, [503, 429, 200], "{api:?}: three tries");
    }
}

#[wasm_bindgen_test]
async fn reads_give_up_after_three_tries_with_a_typed_error() {
    for api in ALL {
        common::reset().await;
        common::fault(
            api.list_route("received"),
            json!({"times": 3, "kind": "html_502"}),
        )
        .await;
        common::clear_requests().await;
        let error = Client::new(&api.account(), invite_desk::browser::env())
            .list_all(Direction::Received)
            .await
            .refused();
        assert_eq!(error.kind, ErrorKind::ProviderUnavailable, "{api:?}");
        assert_eq!(common::requests().await.len(), 3, "{api:?}");

        // Chromium itself resends a request whose connection closed without an answer, so
        // more drops are queued than tries: every try, ours or the browser's, meets one.
        common::fault(
            api.list_route("received"),
            json!({"times": 12, "kind": "drop"}),
        )
        .await;
        let error = Client::new(&api.account(), invite_desk::browser::env())
            .list_all(Direction::Received)
            .await
            .refused();
        assert_eq!(error.kind, ErrorKind::Network, "{api:?}");
    }
}

#[wasm_bindgen_test]
async fn unreadable_bodies_are_bad_responses_not_crashes() {
    for api in ALL {
        for kind in ["malformed_json", "truncated"] {
            common::reset().await;
            common::fault(api.list_route("sent"), json!({"times": 1, "kind": kind})).await;
            common::clear_requests().await;
            let error = Client::new(&api.account(), invite_desk::browser::env())
                .list_all(Direction::Sent)
                .await
                .refused();
            assert_eq!(error.kind, ErrorKind::BadResponse, "{api:?} {kind}");
            assert_eq!(
                common::requests().await.len(),
                1,
                "{api:?}: a 200 is not retried"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn a_long_retry_after_is_reported_not_waited_for() {
    for api in [UNIPILE_V2, LINKUP] {
        common::reset().await;
        let body = match api.provider {
            ProviderKind::Linkup => json!({"success": false,
                "error": {"code": "RATE_LIMITED", "message": "Too many requests"},
                "metadata": {"action": "list_invitations", "credits_consumed": 0, "timestamp": "2026-11-22T09:00:00Z"}}),
            _ => json!({"object": "Error", "status": 429, "type": "api/too_many_requests",
                "title": "Too many requests", "detail": "Retry in 1 minute.", "req_id": "r1"}),
        };
        common::fault(
            api.list_route("received"),
            json!({"times": 1,
            "response": {"status": 429, "body": body, "headers": {"Retry-After": "60"}}}),
        )
        .await;
        let error = Client::new(&api.account(), invite_desk::browser::env())
            .list_all(Direction::Received)
            .await
            .refused();
        assert_eq!(
            (error.kind, error.retry_after_s),
            (ErrorKind::RateLimited, Some(60)),
            "{api:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn an_action_is_never_sent_twice() {
    for api in ALL {
        common::reset().await;
        let amara = find(api, Direction::Received, AMARA).await;
        common::fault(
            api.accept_route(AMARA),
            json!({"times": 1, "response": {"status": 503, "body": "busy"}}),
        )
        .await;
        common::clear_requests().await;
        let error = Client::new(&api.account(), invite_desk::browser::env())
            .accept(&amara)
            .await
            .refused();
        assert_eq!(error.kind, ErrorKind::ProviderUnavailable, "{api:?}");
        assert_eq!(common::requests().await.len(), 1, "{api:?}: no blind retry");
        assert!(
            listed(api, Direction::Received)
                .await
                .iter()
                .any(|i| i.id == AMARA),
            "still pending"
        );
    }
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_settled_by_a_check() {
    for api in ALL {
        common::reset().await;
        let amara = find(api, Direction::Received, AMARA).await;
        let account = api.account();
        let client = Client::new(&account, invite_desk::browser::env()).with_timeout(500);

        common::fault(
            api.accept_route(AMARA),
            json!({"kind": "slow", "slow_ms": 1500, "apply": false}),
        )
        .await;
        let error = client.accept(&amara).await.refused();
        assert_eq!(
            error.kind,
            ErrorKind::NotDone,
            "{api:?}: a check says it was not done"
        );

        common::fault(
            api.accept_route(AMARA),
            json!({"kind": "slow", "slow_ms": 1500, "apply": true}),
        )
        .await;
        let done = client
            .accept(&amara)
            .await
            .unwrap_or_else(|e| panic!("{api:?}: {e:?}"));
        assert!(
            done.confirmed_by_check,
            "{api:?}: the fresh list shows it happened"
        );
    }
}

/// A connection closed before any answer: Chromium itself may send the request again on a
/// fresh connection (it does so for a reused keep-alive socket), so the client sees either the
/// lost answer, checked by listing, or the provider's "already pending". Either way the person
/// is invited exactly once and the outcome says so.
#[wasm_bindgen_test]
async fn a_dropped_connection_during_an_invite_leaves_one_invitation() {
    for api in [LINKUP, UNIPILE_V1] {
        common::reset().await;
        let route = match api.provider {
            ProviderKind::Linkup => json!({"path_prefix": "/v2/network", "action": "invite"}),
            _ => json!({"method": "POST", "path_prefix": "/api/v1/users/invite"}),
        };
        common::fault(route, json!({"kind": "drop", "apply": true})).await;
        let outcome = invite(
            &Client::new(&api.account(), invite_desk::browser::env()),
            "https://www.linkedin.com/in/olu-adeyemi/",
            None,
        )
        .await;
        match outcome {
            Ok(done) => assert!(done.confirmed_by_check, "{api:?}"),
            Err(error) => assert_eq!(error.kind, ErrorKind::AlreadyDone, "{api:?}: {error:?}"),
        }
        let olu = listed(api, Direction::Sent)
            .await
            .into_iter()
            .filter(|i| i.person.public_identifier.as_deref() == Some("olu-adeyemi"))
            .count();
        assert_eq!(olu, 1, "{api:?}");
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_provider_is_a_network_error() {
    let mut account = UNIPILE_V2.account();
    account.base_url = "http://127.0.0.1:9".into();
    let error = Client::new(&account, invite_desk::browser::env())
        .list_all(Direction::Received)
        .await
        .refused();
    assert_eq!(error.kind, ErrorKind::Network);
}

/// A redirect is not followed (the key would go with it to wherever it points): the answer is
/// one the client cannot use, and the provider saw one request.
#[wasm_bindgen_test]
async fn a_redirect_is_refused_and_never_followed() {
    for api in ALL {
        common::reset().await;
        let elsewhere = format!("{}/elsewhere", common::emulator_url());
        common::fault(
            api.list_route("received"),
            json!({"response": {"status": 302, "body": "", "headers": {"Location": elsewhere}}}),
        )
        .await;
        common::clear_requests().await;
        let error = Client::new(&api.account(), invite_desk::browser::env())
            .list_page(Direction::Received, &Cursor::Offset(0), Some(5))
            .await
            .refused();
        assert_eq!(error.kind, ErrorKind::BadResponse, "{api:?}");
        assert_eq!(common::requests().await.len(), 1, "{api:?}: not followed");
    }
}

/// A body larger than any page of invitations is refused, not copied whole into memory.
#[wasm_bindgen_test]
async fn an_answer_of_many_megabytes_is_refused() {
    common::reset().await;
    let huge = "x".repeat(invite_desk::http::MAX_BODY_BYTES + 1);
    common::fault(
        LINKUP.list_route("received"),
        json!({"response": {"status": 200, "body": huge}}),
    )
    .await;
    let error = Client::new(&LINKUP.account(), invite_desk::browser::env())
        .list_page(Direction::Received, &Cursor::Offset(0), Some(5))
        .await
        .refused();
    assert_eq!(error.kind, ErrorKind::BadResponse);
    assert_eq!(
        error.detail.as_deref(),
        Some("the answer is larger than any page of invitations")
    );
}
