//! LinkUp v2 actions beyond `list_invitations`: list_sent, accept, decline, withdraw, invite,
//! check_invitation, `GET /v2/credits`, account state, LinkedIn refusals and the rate limit.

// Each test binary uses a different subset of the shared helpers.
#[allow(dead_code)]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::*;
use invite_desk_emulator::state::{derived_secret, lock};
use invite_desk_emulator::SharedState;
use serde_json::{json, Value};
use time::Duration;

const RECEIVED: &str = "7453486530700017665";
const SENT: &str = "7453486530700017000";

/// `KEY`/`ACCOUNT` (free, 100 credits): received `RECEIVED` from amara (secret "s3cret"), sent
/// `SENT` to ken 5 days ago, connected to lina; nour and zeynep are strangers.
fn base() -> Value {
    json!({
        "clock": CLOCK,
        "people": [
            { "public_identifier": "amara-okafor", "provider_id": "ACoAAB1x2y3z",
              "first_name": "Amara", "last_name": "Okafor",
              "headline": "Head of Partnerships", "picture_url": "https://media.licdn.com/a.jpg" },
            { "public_identifier": "ken-sato", "first_name": "健", "last_name": "佐藤",
              "headline": "エンジニア", "picture_url": "https://media.licdn.com/k.jpg" },
            { "public_identifier": "lina-haddad", "first_name": "Lina", "last_name": "Haddad" },
            { "public_identifier": "nour-el-din", "provider_id": "ACoAANour",
              "first_name": "Nour", "last_name": "El-Din", "headline": "Designer",
              "picture_url": "https://media.licdn.com/n.jpg" },
            { "public_identifier": "zeynep-kaya", "first_name": "Zeynep", "last_name": "Kaya" }
        ],
        "keys": [
            { "provider": "linkup", "api_key": KEY, "credits": 100, "accounts": [
                { "account_id": ACCOUNT, "plan": "free",
                  "received": [ { "id": RECEIVED, "person": "amara-okafor", "days_ago": 1,
                                  "shared_secret": "s3cret", "note": "Hi!" } ],
                  "sent": [ { "id": SENT, "person": "ken-sato", "days_ago": 5 } ],
                  "connections": [ "lina-haddad" ] },
                { "account_id": "acc_inactive", "plan": "free", "active": false } ] }
        ]
    })
}

fn start(scenario: &Value) -> (Router, SharedState) {
    emulator(&scenario.to_string())
}

async fn act(app: &Router, action: &str, params: Value) -> (StatusCode, Value) {
    network(
        app,
        KEY,
        json!({ "account_id": ACCOUNT, "action": action, "params": params }),
    )
    .await
}

fn balance(state: &SharedState) -> u64 {
    lock(state).credits(KEY).expect("linkup key")
}

fn advance(state: &SharedState, by: Duration) {
    lock(state).clock.advance(by).expect("in range");
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().expect("error.message")
}

/// Asserts a 400 INVALID_PARAMS whose message contains `expected`.
fn assert_invalid_params(status: StatusCode, body: &Value, expected: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(error_code(body), "INVALID_PARAMS");
    assert!(message(body).contains(expected), "{expected:?} in {body}");
}

async fn status_of(app: &Router, who: &str) -> Value {
    let url = format!("https://www.linkedin.com/in/{who}/");
    let (status, body) = act(app, "check_invitation", json!({ "profile_url": url })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"].clone()
}

fn accept_params(id: &str, secret: &str) -> Value {
    json!({ "entity_urn": format!("urn:li:invitation:{id}"), "shared_secret": secret })
}

// ---- list_sent --------------------------------------------------------------------------

#[tokio::test]
async fn list_sent_has_recipients_and_echoes_the_type() {
    let (app, state) = start(&base());
    let (status, body) = act(&app, "list_sent", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_documented_shape(&fixture("linkup/list_sent.json"), &body, "response");
    let item = &body["data"]["invitations"][0];
    assert_eq!(
        item["entity_urn"],
        json!(format!("urn:li:invitation:{SENT}"))
    );
    assert_eq!(
        item["recipient"],
        json!({ "first_name": "健", "last_name": "佐藤", "headline": "エンジニア",
                "linkedin_url": "https://www.linkedin.com/in/ken-sato", "profile_picture": "https://media.licdn.com/k.jpg" })
    );
    assert_eq!(
        (item["sent_time"].clone(), item["sent_time_days"].clone()),
        (json!("5d"), json!(5))
    );
    assert!(item.get("shared_secret").is_none());
    assert_eq!(body["data"]["invitation_type"], json!("CONNECTION"));
    assert_eq!(body["metadata"]["action"], json!("list_sent"));
    assert_eq!(body["metadata"]["credits_consumed"], json!(1));
    assert_eq!(balance(&state), 99);

    let (_, body) = act(
        &app,
        "list_sent",
        json!({ "invitation_type": "ORGANIZATION" }),
    )
    .await;
    assert_eq!(body["data"]["invitation_type"], json!("ORGANIZATION"));
    assert_eq!(body["data"]["invitations"], json!([]));
    assert_eq!(body["data"]["total_available_results"], json!(0));
}

#[tokio::test]
async fn list_sent_pages_and_charges_per_50() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["generate"] = json!({ "sent": 120 });
    let (app, state) = start(&scenario);
    let (_, body) = act(&app, "list_sent", json!({ "count": 100, "offset": 20 })).await;
    assert_eq!(body["data"]["total_results"], json!(100));
    assert_eq!(body["data"]["total_available_results"], json!(121));
    assert_eq!(body["data"]["pagination"]["next_offset"], json!(120));
    assert_eq!(body["data"]["pagination"]["has_more"], json!(true));
    assert_eq!(body["metadata"]["credits_consumed"], json!(2));
    assert_eq!(balance(&state), 98);
}

// ---- accept / decline -------------------------------------------------------------------

#[tokio::test]
async fn accept_connects_and_removes_the_invitation() {
    let (app, state) = start(&base());
    let (status, body) = act(&app, "accept", accept_params(RECEIVED, "s3cret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_documented_shape(&fixture("linkup/accept.json"), &body, "response");
    assert_eq!(body["data"], json!({}));
    assert_eq!(
        body["metadata"],
        json!({ "action": "accept", "account_id": ACCOUNT, "credits_consumed": 1, "timestamp": CLOCK })
    );
    assert_eq!(balance(&state), 99);
    let (_, list) = act(&app, "list_invitations", json!({})).await;
    assert_eq!(list["data"]["total_available_results"], json!(0));
    assert_eq!(
        status_of(&app, "amara-okafor").await["invitation_state"],
        json!("ACCEPTED")
    );

    // Handled once: the second attempt is refused and free.
    let (status, body) = act(&app, "accept", accept_params(RECEIVED, "s3cret")).await;
    assert_invalid_params(status, &body, "already handled");
    assert_eq!(
        balance(&state),
        97,
        "list and check were charged, the refusal was not"
    );
}

#[tokio::test]
async fn decline_removes_without_connecting() {
    let (app, state) = start(&base());
    let (status, body) = act(&app, "decline", accept_params(RECEIVED, "s3cret")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"], json!({}));
    assert_eq!(body["metadata"]["action"], json!("decline"));
    assert_eq!(balance(&state), 99);
    assert_eq!(
        status_of(&app, "amara-okafor").await["invitation_state"],
        json!("NO_INVITATION")
    );
    let (status, body) = act(&app, "decline", accept_params(RECEIVED, "s3cret")).await;
    assert_invalid_params(status, &body, "already handled");
}

#[tokio::test]
async fn accept_and_decline_refusals_change_nothing() {
    let (app, state) = start(&base());
    for action in ["accept", "decline"] {
        let cases = [
            (
                accept_params(RECEIVED, "wrong"),
                "shared_secret does not match",
            ),
            (
                accept_params(SENT, &derived_secret(SENT)),
                "was sent by this account",
            ),
            (
                accept_params("42", "s3cret"),
                "not a pending received invitation",
            ),
            (
                json!({ "entity_urn": "7453486530700017665", "shared_secret": "s3cret" }),
                "entity_urn must look like",
            ),
            (
                json!({ "entity_urn": format!("urn:li:invitation:{RECEIVED}") }),
                "Missing required parameter: shared_secret",
            ),
            (
                json!({ "shared_secret": "s3cret" }),
                "Missing required parameter: entity_urn",
            ),
        ];
        for (params, expected) in cases {
            let (status, body) = act(&app, action, params).await;
            assert_invalid_params(status, &body, expected);
            assert_eq!(body["metadata"]["action"], json!(action));
        }
        let (status, body) = network(
            &app,
            KEY,
            json!({ "account_id": ACCOUNT, "action": action }),
        )
        .await;
        assert_invalid_params(status, &body, "Missing required parameter: params");
    }
    assert_eq!(balance(&state), 100);
    assert_eq!(lock(&state).keys[0].accounts[0].received.len(), 1);
}

#[tokio::test]
async fn v1_style_fsd_invitation_urns_are_accepted() {
    let (app, _) = start(&base());
    let params = json!({ "entity_urn": format!("urn:li:fsd_invitation:{RECEIVED}"), "shared_secret": "s3cret" });
    let (status, _) = act(&app, "accept", params).await;
    assert_eq!(status, StatusCode::OK);
}

// ---- withdraw ---------------------------------------------------------------------------

#[tokio::test]
async fn withdraw_removes_and_starts_the_cooldown() {
    let (app, state) = start(&base());
    let (status, body) = act(&app, "withdraw", json!({ "invitation_id": SENT })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_documented_shape(&fixture("linkup/withdraw.json"), &body, "response");
    assert_eq!(
        body["data"],
        json!({ "withdrawn": true, "invitation_id": SENT })
    );
    assert_eq!(balance(&state), 99);
    let (_, list) = act(&app, "list_sent", json!({})).await;
    assert_eq!(list["data"]["total_available_results"], json!(0));

    let (status, body) = act(&app, "withdraw", json!({ "invitation_id": SENT })).await;
    assert_invalid_params(status, &body, "unknown or already handled");

    // Re-inviting within 21 days: the default limit refusal, 400 INVALID_PARAMS.
    let (status, body) = act(&app, "invite", json!({ "identifier": "ken-sato" })).await;
    assert_invalid_params(status, &body, "withdrawn recently");
    assert!(message(&body).contains("2026-12-13T09:00:00Z"), "{body}");
    advance(&state, Duration::days(21));
    let (status, _) = act(&app, "invite", json!({ "identifier": "ken-sato" })).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn withdraw_refuses_received_unknown_and_malformed_ids() {
    let (app, state) = start(&base());
    let (status, body) = act(&app, "withdraw", json!({ "invitation_id": RECEIVED })).await;
    assert_invalid_params(status, &body, "was received, not sent");
    let (status, body) = act(&app, "withdraw", json!({})).await;
    assert_invalid_params(status, &body, "Missing required parameter: invitation_id");
    for bad in [json!(""), json!(true), json!(-3)] {
        let (status, body) = act(&app, "withdraw", json!({ "invitation_id": bad })).await;
        assert_invalid_params(status, &body, "invitation_id must be a non-empty string");
    }
    assert_eq!(balance(&state), 100);
    // A numeric id is read as its text.
    let numeric: u64 = SENT.parse().expect("numeric");
    let (status, body) = act(&app, "withdraw", json!({ "invitation_id": numeric })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["invitation_id"], json!(SENT));
}

// ---- invite -----------------------------------------------------------------------------

#[tokio::test]
async fn invite_by_url_alias_or_identifier_adds_a_sent_invitation() {
    let (app, state) = start(&base());
    let (status, body) = act(
        &app,
        "invite",
        json!({ "profile_url": "https://www.linkedin.com/in/nour-el-din/", "message": "Hello Nour" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_documented_shape(&fixture("linkup/invite.json"), &body, "response");
    let data = &body["data"];
    assert_eq!(data["profile_urn"], json!("urn:li:fsd_profile:ACoAANour"));
    assert_eq!(data["public_identifier"], json!("nour-el-din"));
    assert_eq!(data["first_name"], json!("Nour"));
    assert_eq!(
        data["profile_picture_url"],
        json!("https://media.licdn.com/n.jpg")
    );
    let id = data["invitation_urn"]
        .as_str()
        .and_then(|u| u.strip_prefix("urn:li:invitation:"))
        .expect("invitation urn");
    assert!(id.parse::<u64>().is_ok(), "{id}");
    assert_eq!(body["metadata"]["action"], json!("invite"));
    assert_eq!(balance(&state), 99);

    let (_, list) = act(&app, "list_sent", json!({})).await;
    assert_eq!(list["data"]["total_available_results"], json!(2));
    assert_eq!(
        list["data"]["invitations"][0]["entity_urn"],
        data["invitation_urn"]
    );
    assert_eq!(list["data"]["invitations"][0]["sent_time"], json!("0m"));
    assert_eq!(
        lock(&state).keys[0].accounts[0].sent[0].note.as_deref(),
        Some("Hello Nour")
    );
    let check = status_of(&app, "nour-el-din").await;
    assert_eq!(check["invitation_id"], json!(id));

    let (status, _) = act(
        &app,
        "invite",
        json!({ "linkedin_url": "https://www.linkedin.com/in/zeynep-kaya" }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "linkedin_url is an alias of profile_url"
    );
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["sent"] = json!([]);
    let (app, _) = start(&scenario);
    for identifier in ["ken-sato", "urn:li:fsd_profile:ACoAAB1x2y3z"] {
        let (status, body) = act(&app, "invite", json!({ "identifier": identifier })).await;
        if identifier == "ken-sato" {
            assert_eq!(status, StatusCode::OK, "{body}");
        } else {
            assert_invalid_params(status, &body, "already sent you a pending invitation");
        }
    }
}

#[tokio::test]
async fn invite_refusals_are_invalid_params_and_free() {
    let (app, state) = start(&base());
    let cases = [
        (json!({ "identifier": "lina-haddad" }), "already connected"),
        (json!({ "identifier": "ken-sato" }), "already pending"),
        (
            json!({ "identifier": "amara-okafor" }),
            "already sent you a pending invitation",
        ),
        (
            json!({ "identifier": "nobody-here" }),
            "No LinkedIn member matches",
        ),
        (
            json!({ "profile_url": "https://www.linkedin.com/in/nobody/" }),
            "No LinkedIn member matches",
        ),
        (
            json!({ "identifier": "nour-el-din", "message": "x".repeat(301) }),
            "301 characters",
        ),
        (
            json!({ "identifier": "nour-el-din", "message": 5 }),
            "message must be a string",
        ),
        (
            json!({ "message": "hi" }),
            "Missing required parameter: profile_url or identifier",
        ),
        (
            json!({ "identifier": "" }),
            "Missing required parameter: profile_url or identifier",
        ),
    ];
    for (params, expected) in cases {
        let (status, body) = act(&app, "invite", params).await;
        assert_invalid_params(status, &body, expected);
    }
    assert_eq!(balance(&state), 100);
    assert_eq!(lock(&state).keys[0].accounts[0].sent.len(), 1);
    // 300 characters is fine.
    let (status, _) = act(
        &app,
        "invite",
        json!({ "identifier": "nour-el-din", "message": "é".repeat(300) }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn linkedin_limits_use_the_configurable_refusal() {
    let mut scenario = base();
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(150);
    let (app, state) = start(&scenario);
    let (status, body) = act(&app, "invite", json!({ "identifier": "nour-el-din" })).await;
    assert_invalid_params(status, &body, "weekly invitation limit");
    assert_eq!(balance(&state), 100);

    scenario["linkup"] = json!({ "limit_refusal": { "status": 429, "code": "RATE_LIMITED" } });
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(0);
    scenario["keys"][0]["accounts"][0]["notes_sent_this_month"] = json!(5);
    let (app, _) = start(&scenario);
    let (status, body) = act(
        &app,
        "invite",
        json!({ "identifier": "nour-el-din", "message": "hi" }),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert!(message(&body).contains("note"), "{body}");
    // The same invitation without a note goes through.
    let (status, _) = act(&app, "invite", json!({ "identifier": "nour-el-din" })).await;
    assert_eq!(status, StatusCode::OK);

    scenario["linkup"] = json!({ "limit_refusal": { "status": 400, "code": "CHANNEL_ERROR" } });
    scenario["keys"][0]["accounts"][0]["invitations_sent_this_week"] = json!(150);
    let (app, _) = start(&scenario);
    let (status, body) = act(&app, "invite", json!({ "identifier": "nour-el-din" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "CHANNEL_ERROR");
}

#[test]
fn limit_refusal_and_rate_limit_are_validated() {
    for (linkup, expected) in [
        (
            json!({ "limit_refusal": { "status": 200, "code": "X" } }),
            "status must be 400-599",
        ),
        (
            json!({ "limit_refusal": { "status": 429, "code": " " } }),
            "code non-empty",
        ),
        (
            json!({ "rate_limit": { "requests": 0, "per_seconds": 60 } }),
            "at least 1",
        ),
    ] {
        let mut scenario = base();
        scenario["linkup"] = linkup;
        match invite_desk_emulator::load(&scenario.to_string()) {
            Ok(_) => panic!("accepted"),
            Err(e) => assert!(e.to_string().contains(expected), "{e}"),
        }
    }
}

// ---- check_invitation -------------------------------------------------------------------

#[tokio::test]
async fn check_invitation_covers_the_four_situations() {
    let (app, state) = start(&base());
    assert_eq!(
        status_of(&app, "lina-haddad").await,
        json!({ "invitation_state": "ACCEPTED", "invitation_type": "CONNECTED",
                "invitation_id": null, "member_distance": 1,
                "message": "You are connected with this person" })
    );
    assert_eq!(
        status_of(&app, "ken-sato").await,
        json!({ "invitation_state": "PENDING", "invitation_type": "SENT",
                "invitation_id": SENT, "member_distance": 2,
                "message": "Invitation sent and pending" })
    );
    assert_eq!(
        status_of(&app, "amara-okafor").await,
        json!({ "invitation_state": "PENDING", "invitation_type": "RECEIVED",
                "invitation_id": RECEIVED, "member_distance": 2,
                "message": "Invitation received and pending" })
    );
    assert_eq!(
        status_of(&app, "zeynep-kaya").await["invitation_state"],
        json!("NO_INVITATION")
    );
    assert_eq!(
        status_of(&app, "zeynep-kaya").await["invitation_type"],
        Value::Null
    );
    assert_eq!(balance(&state), 95, "1 credit each");

    let (status, body) = act(
        &app,
        "check_invitation",
        json!({ "linkedin_url": "https://www.linkedin.com/in/ken-sato" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_documented_shape(&fixture("linkup/check_invitation.json"), &body, "response");
    let (status, body) = act(&app, "check_invitation", json!({})).await;
    assert_invalid_params(status, &body, "Missing required parameter: profile_url");
    let (status, body) = act(
        &app,
        "check_invitation",
        json!({ "profile_url": "https://www.linkedin.com/in/nobody" }),
    )
    .await;
    assert_invalid_params(status, &body, "No LinkedIn member matches");
}

// ---- credits, account state, rate limit -------------------------------------------------

async fn get_credits(app: &Router, key: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get("/v2/credits");
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    let (status, _, body) = send(app, request.body(Body::empty()).expect("request")).await;
    (status, body)
}

#[tokio::test]
async fn credits_reports_the_balance_for_free() {
    let (app, state) = start(&base());
    let (status, body) = get_credits(&app, Some(KEY)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "success": true, "data": { "credits": 100 },
                "metadata": { "action": "get_credits", "credits_consumed": 0, "timestamp": CLOCK } })
    );
    act(&app, "list_sent", json!({})).await;
    assert_eq!(
        get_credits(&app, Some(KEY)).await.1["data"]["credits"],
        json!(99)
    );
    assert_eq!(balance(&state), 99);
    for key in [None, Some("lk_wrong")] {
        let (status, body) = get_credits(&app, key).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(error_code(&body), "INVALID_API_KEY");
        assert_eq!(body["metadata"]["action"], json!("get_credits"));
    }
}

#[tokio::test]
async fn single_actions_need_one_credit() {
    let mut scenario = base();
    scenario["keys"][0]["credits"] = json!(0);
    let (app, state) = start(&scenario);
    let (status, body) = act(&app, "accept", accept_params(RECEIVED, "s3cret")).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(error_code(&body), "INSUFFICIENT_CREDITS");
    assert_documented_shape(
        &fixture("linkup/error_insufficient_credits.json"),
        &body,
        "error",
    );
    assert_eq!(
        lock(&state).keys[0].accounts[0].received.len(),
        1,
        "nothing accepted"
    );
    // Refusals come before credits: a bad request says what is wrong with it.
    let (status, _) = act(&app, "invite", json!({ "identifier": "lina-haddad" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn inactive_accounts_are_403_account_inactive() {
    let (app, _) = start(&base());
    let (status, body) = network(
        &app,
        KEY,
        json!({ "account_id": "acc_inactive", "action": "list_invitations" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&body), "ACCOUNT_INACTIVE");
    assert_documented_shape(
        &fixture("linkup/error_account_inactive.json"),
        &body,
        "error",
    );
    // Inactive is checked before the action.
    let (_, body) = network(
        &app,
        KEY,
        json!({ "account_id": "acc_inactive", "action": "dance" }),
    )
    .await;
    assert_eq!(error_code(&body), "ACCOUNT_INACTIVE");
}

#[tokio::test]
async fn rate_limit_is_a_token_bucket_on_the_virtual_clock() {
    let mut scenario = base();
    scenario["linkup"] = json!({ "rate_limit": { "requests": 2, "per_seconds": 60 } });
    let (app, state) = start(&scenario);
    for _ in 0..2 {
        assert_eq!(act(&app, "list_sent", json!({})).await.0, StatusCode::OK);
    }
    let (status, body) = act(&app, "list_sent", json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert_documented_shape(&fixture("linkup/error_rate_limited.json"), &body, "error");
    assert_eq!(
        get_credits(&app, Some(KEY)).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(balance(&state), 98, "refused requests cost nothing");
    // One token comes back every 30 virtual seconds.
    advance(&state, Duration::seconds(30));
    assert_eq!(act(&app, "list_sent", json!({})).await.0, StatusCode::OK);
    assert_eq!(
        act(&app, "list_sent", json!({})).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}
