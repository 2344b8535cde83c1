//! LinkUp v2 `POST /v2/network` `list_invitations`: fidelity to linkup.md, errors, pagination,
//! credits and ages.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use invite_desk_emulator::state::{derived_secret, lock};
use serde_json::{json, Value};

fn ids(body: &Value) -> Vec<String> {
    body["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .map(|i| i["entity_urn"].as_str().expect("entity_urn").to_owned())
        .collect()
}

fn urn(n: usize) -> String {
    format!("urn:li:invitation:{}", invitation_id(n))
}

// ---- fidelity to the documented examples ------------------------------------------------

#[tokio::test]
async fn success_has_the_documented_shape_and_values() {
    let (app, _) = emulator(&scenario(&[1.0, 2.0, 3.0], 100));
    let (status, body) = list(&app, json!({ "count": 1 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_documented_shape(&fixture("linkup/list_invitations.json"), &body, "response");

    let item = &body["data"]["invitations"][0];
    assert_eq!(item["entity_urn"], json!(urn(0)));
    assert_eq!(item["invitation_type"], json!("CONNECTION"));
    assert_eq!(item["sent_time"], json!("1d"));
    assert_eq!(item["sent_time_days"], json!(1));
    assert_eq!(
        item["sender"],
        json!({
            "first_name": "First0",
            "last_name": "Last0",
            "headline": "Role 0 at Example Corp",
            "linkedin_url": "https://www.linkedin.com/in/person-0",
            "profile_picture_url": "https://media.licdn.com/dms/image/p0.jpg",
        })
    );
    // V2 items have neither (CONFIRMED); V1 had both.
    assert!(item.get("invitation_id").is_none());
    assert!(item.get("message").is_none());

    assert_eq!(body["data"]["total_results"], json!(1));
    assert_eq!(body["data"]["total_available_results"], json!(3));
    assert_eq!(
        body["data"]["pagination"],
        json!({ "offset": 0, "count": 1, "next_offset": 1, "has_more": true,
                "results_per_page": 1, "pages_fetched": 1 })
    );
    assert_eq!(
        body["metadata"],
        json!({ "action": "list_invitations", "account_id": ACCOUNT,
                "credits_consumed": 1, "timestamp": CLOCK })
    );
}

#[tokio::test]
async fn defaults_are_count_10_offset_0_and_params_may_be_absent() {
    let (app, _) = emulator(&scenario(&[1.0; 12], 100));
    let (status, body) = network(
        &app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "list_invitations" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["total_results"], json!(10));
    assert_eq!(body["data"]["pagination"]["offset"], json!(0));
    assert_eq!(body["data"]["pagination"]["results_per_page"], json!(10));

    let (status, body) = network(
        &app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": "list_invitations", "params": null }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["total_results"], json!(10));
}

#[tokio::test]
async fn invalid_key_has_the_documented_error_shape() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let (status, body) = network(
        &app,
        "lk_wrong",
        json!({ "account_id": ACCOUNT, "action": "list_invitations" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let documented = fixture("linkup/error_invalid_api_key.json");
    assert_documented_shape(&documented, &body, "error response");
    assert_eq!(body["error"], documented["error"]);
    assert_eq!(
        body["metadata"],
        json!({ "action": "list_invitations", "credits_consumed": 0, "timestamp": CLOCK })
    );
}

#[tokio::test]
async fn missing_key_and_non_linkup_keys_are_403() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let body = json!({ "account_id": ACCOUNT, "action": "list_invitations" }).to_string();
    for key in [None, Some(""), Some(UNIPILE_KEY), Some("LK_TEST_KEY")] {
        let (status, body) = network_raw(&app, key, &body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{key:?}");
        assert_eq!(error_code(&body), "INVALID_API_KEY");
    }
}

#[tokio::test]
async fn key_is_checked_before_the_body() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let (status, body) = network_raw(&app, Some("lk_wrong"), "{not json").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "INVALID_API_KEY");
    // The action could not be read, so it is null.
    assert_eq!(body["metadata"]["action"], Value::Null);
}

// ---- request errors ---------------------------------------------------------------------

#[tokio::test]
async fn malformed_bodies_are_invalid_params() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let cases = [
        ("{not json", "valid JSON"),
        ("", "valid JSON"),
        ("[1, 2]", "JSON object"),
        (
            r#"{"action": "list_invitations"}"#,
            "Missing required parameter: account_id",
        ),
        (
            r#"{"account_id": null, "action": "list_invitations"}"#,
            "Missing required parameter: account_id",
        ),
        (
            r#"{"account_id": "acc_test_linkup"}"#,
            "Missing required parameter: action",
        ),
        (
            r#"{"account_id": 42, "action": "list_invitations"}"#,
            "account_id must be a string",
        ),
        (
            r#"{"account_id": "acc_test_linkup", "action": ["x"]}"#,
            "action must be a string",
        ),
    ];
    for (raw, expected) in cases {
        let (status, body) = network_raw(&app, Some(KEY), raw).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{raw}");
        assert_eq!(error_code(&body), "INVALID_PARAMS", "{raw}");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(message.contains(expected), "{raw}: {message}");
    }
    // The action is echoed whenever it could be read.
    let (_, body) = network_raw(&app, Some(KEY), r#"{"action": "list_invitations"}"#).await;
    assert_eq!(body["metadata"]["action"], json!("list_invitations"));
    let (_, body) = network_raw(&app, Some(KEY), "{not json").await;
    assert_eq!(body["metadata"]["action"], Value::Null);
}

#[tokio::test]
async fn unknown_or_foreign_account_is_404_invalid_account() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    for account in ["acc_nope", OTHER_ACCOUNT, "acc_unipile"] {
        let (status, body) = network(
            &app,
            KEY,
            json!({ "account_id": account, "action": "list_invitations" }),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{account}");
        assert_eq!(error_code(&body), "INVALID_ACCOUNT");
        assert_eq!(body["metadata"]["action"], json!("list_invitations"));
        assert!(body["metadata"].get("account_id").is_none());
    }
    // The account is checked before the action.
    let (status, body) = network(
        &app,
        KEY,
        json!({ "account_id": "acc_nope", "action": "dance" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "INVALID_ACCOUNT");
}

#[tokio::test]
async fn unknown_action_is_400_invalid_action() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    for action in ["list_everything", "LIST_INVITATIONS", ""] {
        let (status, body) = network(
            &app,
            KEY,
            // Bad params too: the action is checked before them.
            json!({ "account_id": ACCOUNT, "action": action, "params": { "count": -1 } }),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{action}");
        assert_eq!(error_code(&body), "INVALID_ACTION");
        assert_eq!(body["metadata"]["action"], json!(action));
    }
}

#[tokio::test]
async fn bad_params_are_400_invalid_params() {
    let (app, state) = emulator(&scenario(&[1.0], 100));
    let cases = [
        (json!({ "count": 0 }), "count"),
        (json!({ "count": -1 }), "count"),
        (json!({ "count": 1.5 }), "count"),
        (json!({ "count": "10" }), "count"),
        (json!({ "count": true }), "count"),
        (json!({ "offset": -1 }), "offset"),
        (json!({ "offset": 2.5 }), "offset"),
        (json!({ "offset": "0" }), "offset"),
        (json!({ "invitation_type": 5 }), "invitation_type"),
        (json!("count=10"), "params"),
        (json!([10]), "params"),
    ];
    for (params, named) in cases {
        let (status, body) = list(&app, params.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{params}");
        assert_eq!(error_code(&body), "INVALID_PARAMS", "{params}");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(message.contains(named), "{params}: {message}");
        assert_eq!(body["metadata"]["action"], json!("list_invitations"));
    }
    assert_eq!(
        lock(&state).credits(KEY),
        Some(100),
        "errors never consume credits"
    );
}

#[tokio::test]
async fn unknown_routes_answer_json() {
    let (app, _) = emulator(&scenario(&[1.0], 100));
    let request = Request::get("/v2/nowhere")
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], json!("not_found"));

    let request = Request::get("/v2/network")
        .body(Body::empty())
        .expect("request");
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"], json!("method_not_allowed"));
}

// ---- pagination -------------------------------------------------------------------------

#[tokio::test]
async fn pages_through_25_invitations_newest_first() {
    // Scenario order is deliberately not age order.
    let days: Vec<f64> = (0..25).map(|n| f64::from((n * 7) % 25) + 0.5).collect();
    let (app, _) = emulator(&scenario(&days, 100));
    let mut seen = Vec::new();
    let mut offset = 0;
    for (expected_count, expected_more) in [(10, true), (10, true), (5, false)] {
        let (status, body) = list(&app, json!({ "count": 10, "offset": offset })).await;
        assert_eq!(status, StatusCode::OK);
        let data = &body["data"];
        assert_eq!(data["total_results"], json!(expected_count));
        assert_eq!(data["total_available_results"], json!(25));
        assert_eq!(
            data["pagination"],
            json!({ "offset": offset, "count": expected_count,
                    "next_offset": offset + expected_count, "has_more": expected_more,
                    "results_per_page": 10, "pages_fetched": 1 })
        );
        seen.extend(ids(&body));
        offset += expected_count;
    }
    let mut expected: Vec<usize> = (0..25).collect();
    expected.sort_by(|a, b| days[*a].total_cmp(&days[*b]));
    let expected: Vec<String> = expected.into_iter().map(urn).collect();
    assert_eq!(seen, expected, "newest first, each exactly once");
}

#[tokio::test]
async fn offset_past_the_end_gives_an_empty_page() {
    let (app, state) = emulator(&scenario(&[1.0; 25], 100));
    let (status, body) = list(&app, json!({ "count": 10, "offset": 30 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["invitations"], json!([]));
    assert_eq!(
        body["data"]["pagination"],
        json!({ "offset": 30, "count": 0, "next_offset": 30, "has_more": false,
                "results_per_page": 10, "pages_fetched": 1 })
    );
    assert_eq!(body["metadata"]["credits_consumed"], json!(1));
    assert_eq!(lock(&state).credits(KEY), Some(99));
}

#[tokio::test]
async fn count_is_clamped_to_1000() {
    let (app, state) = emulator(&scenario(&[2.0; 1100], 100));
    let (status, body) = list(&app, json!({ "count": 5000 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["total_results"], json!(1000));
    assert_eq!(body["data"]["total_available_results"], json!(1100));
    let pagination = &body["data"]["pagination"];
    assert_eq!(pagination["results_per_page"], json!(100));
    assert_eq!(pagination["pages_fetched"], json!(10));
    assert_eq!(pagination["has_more"], json!(true));
    assert_eq!(body["metadata"]["credits_consumed"], json!(20));
    assert_eq!(lock(&state).credits(KEY), Some(80));
}

#[tokio::test]
async fn invitation_type_filters() {
    let (app, _) = emulator(&scenario(&[1.0, 2.0], 100));
    let (_, body) = list(&app, json!({ "invitation_type": "CONNECTION" })).await;
    assert_eq!(body["data"]["total_available_results"], json!(2));
    let (status, body) = list(&app, json!({ "invitation_type": "ORGANIZATION" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["total_available_results"], json!(0));
    assert_eq!(body["data"]["invitations"], json!([]));
}

// ---- credits ----------------------------------------------------------------------------

#[tokio::test]
async fn credits_are_one_per_50_results_returned() {
    let (app, state) = emulator(&scenario(&[1.0; 120], 1000));
    let mut balance = 1000;
    for (count, cost) in [(10, 1), (50, 1), (51, 2), (100, 2), (101, 3)] {
        let (status, body) = list(&app, json!({ "count": count })).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["data"]["total_results"], json!(count));
        assert_eq!(body["metadata"]["credits_consumed"], json!(cost), "{count}");
        balance -= cost;
        assert_eq!(lock(&state).credits(KEY), Some(balance), "{count}");
    }
}

#[tokio::test]
async fn insufficient_credits_is_402_and_leaves_the_balance() {
    let (app, state) = emulator(&scenario(&[1.0; 60], 1));
    let (status, body) = list(&app, json!({ "count": 60 })).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(error_code(&body), "INSUFFICIENT_CREDITS");
    assert_eq!(body["metadata"]["action"], json!("list_invitations"));
    assert_eq!(lock(&state).credits(KEY), Some(1));

    let (status, body) = list(&app, json!({ "count": 10 })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["metadata"]["credits_consumed"], json!(1));
    assert_eq!(lock(&state).credits(KEY), Some(0));

    // Even an empty page costs a credit by default.
    let (status, body) = list(&app, json!({ "offset": 100 })).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(error_code(&body), "INSUFFICIENT_CREDITS");
    // Balances are per key.
    assert_eq!(lock(&state).credits(OTHER_KEY), Some(10));
}

#[tokio::test]
async fn empty_page_cost_is_configurable() {
    let mut scenario: Value = serde_json::from_str(&scenario(&[], 0)).expect("json");
    scenario["linkup"] = json!({ "empty_page_credits": 0 });
    let (app, state) = emulator(&scenario.to_string());
    let (status, body) = list(&app, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"]["credits_consumed"], json!(0));
    assert_eq!(body["data"]["pagination"]["pages_fetched"], json!(1));
    assert_eq!(lock(&state).credits(KEY), Some(0));
}

// ---- ages, secrets, senders -------------------------------------------------------------

async fn ages(received: Value) -> Vec<(String, i64)> {
    let scenario = json!({
        "clock": CLOCK,
        "people": (0..received.as_array().map_or(0, Vec::len))
            .map(|n| json!({ "public_identifier": format!("p{n}"), "first_name": "A", "last_name": "B" }))
            .collect::<Vec<_>>(),
        "keys": [{ "provider": "linkup", "api_key": KEY, "credits": 100,
                   "accounts": [{ "account_id": ACCOUNT, "plan": "free", "received": received }] }]
    });
    let (app, _) = emulator(&scenario.to_string());
    let (status, body) = list(&app, json!({ "count": 100 })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut items: Vec<(String, String, i64)> = body["data"]["invitations"]
        .as_array()
        .expect("invitations")
        .iter()
        .map(|i| {
            (
                i["entity_urn"].as_str().expect("urn").to_owned(),
                i["sent_time"].as_str().expect("sent_time").to_owned(),
                i["sent_time_days"].as_i64().expect("sent_time_days"),
            )
        })
        .collect();
    // Back to scenario order: ids are "1", "2", ….
    items.sort_by_key(|(urn, _, _)| {
        urn.trim_start_matches("urn:li:invitation:")
            .parse::<u32>()
            .expect("numeric id")
    });
    items
        .into_iter()
        .map(|(_, text, days)| (text, days))
        .collect()
}

fn at(n: usize, sent_at: &str) -> Value {
    json!({ "id": (n + 1).to_string(), "person": format!("p{n}"), "sent_at": sent_at })
}

#[tokio::test]
async fn sent_time_is_short_relative_text() {
    let got = ages(json!([
        at(0, "2026-11-22T06:00:00Z"), // 3 hours
        at(1, "2026-11-19T09:00:00Z"), // 3 days
        at(2, "2026-11-08T09:00:00Z"), // 2 weeks
        at(3, "2026-08-24T09:00:00Z"), // 90 days: 3 months
        at(4, "2024-11-22T09:00:00Z"), // 730 days: 2 years
        at(5, "2026-11-22T08:15:30Z"), // 44.5 minutes
        { "id": "7", "person": "p6", "days_ago": 0.125 }, // 3 hours, relative to the clock
    ]))
    .await;
    let expected = [
        ("3h", 0),
        ("3d", 3),
        ("2w", 14),
        ("3mo", 90),
        ("2yr", 730),
        ("44m", 0),
        ("3h", 0),
    ];
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(t, d)| ((*t).to_owned(), *d))
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn sent_time_unit_boundaries() {
    let got = ages(json!([
        at(0, "2026-11-22T09:00:00Z"), // now
        at(1, "2026-11-22T08:00:00Z"), // 1 hour
        at(2, "2026-11-21T09:00:01Z"), // just under a day
        at(3, "2026-11-15T09:00:01Z"), // just under a week
        at(4, "2026-11-15T09:00:00Z"), // 7 days
        at(5, "2026-10-23T09:00:00Z"), // 30 days
        at(6, "2025-11-23T09:00:00Z"), // 364 days
        at(7, "2025-11-22T09:00:00Z"), // 365 days
        at(8, "2026-11-23T09:00:00Z"), // in the future: age zero
    ]))
    .await;
    let expected = [
        ("0m", 0),
        ("1h", 0),
        ("23h", 0),
        ("6d", 6),
        ("1w", 7),
        ("1mo", 30),
        ("12mo", 364),
        ("1yr", 365),
        ("0m", 0),
    ];
    let expected: Vec<(String, i64)> = expected
        .iter()
        .map(|(t, d)| ((*t).to_owned(), *d))
        .collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn equal_ages_keep_scenario_order() {
    let (app, _) = emulator(&scenario(&[4.0, 1.0, 4.0, 1.0], 100));
    let (_, body) = list(&app, json!({})).await;
    assert_eq!(ids(&body), vec![urn(1), urn(3), urn(0), urn(2)]);
}

#[tokio::test]
async fn shared_secret_is_given_or_derived_stably() {
    let scenario = json!({
        "clock": CLOCK,
        "people": [
            { "public_identifier": "a", "first_name": "Ana", "last_name": "" },
            { "public_identifier": "b", "first_name": "Bo", "last_name": "Li" }
        ],
        "keys": [{ "provider": "linkup", "api_key": KEY, "credits": 100,
                   "accounts": [{ "account_id": ACCOUNT, "plan": "free", "received": [
                       { "id": "101", "person": "a", "days_ago": 1, "shared_secret": "given-secret" },
                       { "id": "102", "person": "b", "days_ago": 2, "note": "Hello" }
                   ] }] }]
    })
    .to_string();
    let (app, _) = emulator(&scenario);
    let (_, body) = list(&app, json!({})).await;
    let items = body["data"]["invitations"].as_array().expect("items");
    assert_eq!(items[0]["shared_secret"], json!("given-secret"));
    let derived = items[1]["shared_secret"].as_str().expect("secret");
    assert_eq!(derived, derived_secret("102"));
    let groups: Vec<usize> = derived.split('-').map(str::len).collect();
    assert_eq!(groups, vec![8, 4, 4, 4, 12]);
    assert!(derived.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    assert_ne!(derived_secret("102"), derived_secret("103"));
    // The same scenario loaded again yields the same secret.
    let (again, _) = emulator(&scenario);
    let (_, body) = list(&again, json!({})).await;
    assert_eq!(
        body["data"]["invitations"][1]["shared_secret"],
        json!(derived)
    );
    // The note stays out of V2 items; a sender without headline or picture gets nulls.
    assert!(items[1].get("message").is_none());
    assert_eq!(items[0]["sender"]["headline"], Value::Null);
    assert_eq!(items[0]["sender"]["profile_picture_url"], Value::Null);
}
