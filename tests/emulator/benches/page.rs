//! Handler time for one 100-item list page on an account holding 10,000 invitations, per
//! emulated API, measured in-process through the router (no sockets). Run by `./build.sh
//! bench`; std::time only, so no benchmark framework is needed.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const INVITATIONS: u32 = 10_000;
const PAGE: u32 = 100;
const WARMUP: usize = 50;
const RUNS: usize = 500;

fn scenario() -> String {
    let account = |id: &str| json!({ "account_id": id, "plan": "premium", "generate": { "received": INVITATIONS } });
    json!({
        "clock": "2026-11-22T09:00:00Z",
        "people": [],
        "keys": [
            { "provider": "linkup", "api_key": "lk_bench", "credits": 1_000_000_000u64,
              "accounts": [ account("acc_linkup") ] },
            { "provider": "unipile_v2", "api_key": "up_bench_v2", "accounts": [ account("acc_v2") ] },
            { "provider": "unipile_v1", "api_key": "up_bench_v1", "accounts": [ account("acc_v1") ] }
        ]
    })
    .to_string()
}

/// A request for the page in the middle of the list, so neither end is favoured.
fn linkup_page() -> Request<Body> {
    let body = json!({ "account_id": "acc_linkup", "action": "list_invitations",
                       "params": { "count": PAGE, "offset": INVITATIONS / 2 } });
    Request::post("/v2/network")
        .header("x-api-key", "lk_bench")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn unipile_v2_page() -> Request<Body> {
    let offset = INVITATIONS / 2;
    Request::get(format!(
        "/v2/acc_v2/users/me/relation-requests?type=received&limit={PAGE}&offset={offset}"
    ))
    .header("x-api-key", "up_bench_v2")
    .body(Body::empty())
    .expect("request")
}

fn unipile_v1_page() -> Request<Body> {
    Request::get(format!(
        "/api/v1/users/invite/received?account_id=acc_v1&limit={PAGE}"
    ))
    .header("x-api-key", "up_bench_v1")
    .body(Body::empty())
    .expect("request")
}

async fn once(app: &Router, request: Request<Body>) -> Duration {
    let started = Instant::now();
    let response = app
        .clone()
        .oneshot(request)
        .await
        .unwrap_or_else(|e| match e {});
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let elapsed = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    elapsed
}

async fn measure(name: &str, app: &Router, request: fn() -> Request<Body>) {
    for _ in 0..WARMUP {
        once(app, request()).await;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        times.push(once(app, request()).await);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "emulator: {name} list {PAGE} of {INVITATIONS}: median {:.2} ms, p95 {:.2} ms (n={RUNS})",
        ms(times[RUNS / 2]),
        ms(times[RUNS * 95 / 100]),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let state = invite_desk_emulator::load(&scenario()).expect("scenario");
    let app = invite_desk_emulator::app(state);
    measure("linkup", &app, linkup_page).await;
    measure("unipile v2", &app, unipile_v2_page).await;
    // v1 pages by opaque cursor only, so its first page is measured.
    let probe = app.clone().oneshot(unipile_v1_page()).await;
    if probe.is_ok_and(|r| r.status() == StatusCode::NOT_FOUND) {
        println!("emulator: unipile v1 list: route not served, skipped");
    } else {
        measure("unipile v1", &app, unipile_v1_page).await;
    }
}
