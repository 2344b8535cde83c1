//! The world a worker runs in, faked for native tests: storage that can refuse or hold damaged
//! values, alarms the test fires, a machine clock that can jump, and a provider (our emulator, in
//! process, on Unipile v2) whose answers can be lost, garbled or refused, and which records what
//! took effect and when, in its own time. Every effect yields once, so a worker can be stopped
//! at any await.
#![allow(dead_code)] // each suite uses its own part

use axum::body::Body;
use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use http_body_util::BodyExt;
use invite_desk::error::{Error, ErrorKind};
use invite_desk::http::{HttpRequest, HttpResponse, Method};
use invite_desk::notices::Notice;
use invite_desk::snapshot::Badge;
use invite_desk::worker::effects::{
    Area, Clock, Env, Idle, Notifier, Random, Storage, Timers, Toolbar, Transport,
};
use invite_desk_emulator::{app, load, SharedState};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use tower::ServiceExt;

const DAY_MS: f64 = 86_400_000.0;
/// The machine's clock never strays further from the provider's than this.
const MAX_SKEW_DAYS: i32 = 60;

/// What the provider does with the next request.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// It answers.
    Answer,
    /// It acts, but its 2xx answer does not decode.
    Garbled,
    /// It acts, and the answer is lost on the way back.
    Lost,
    /// No answer in time; it never saw the request.
    TimedOut,
    /// It refuses with this status, doing nothing.
    Status(u16),
    /// 429, with this Retry-After in seconds.
    RateLimited(Option<u32>),
    /// This status and body, doing nothing.
    Reply(u16, String),
    /// The browser holds the request back: the person has not granted the provider's origin.
    NotAllowed,
    /// It answers, its `Date` this many days off its clock.
    Dated(i32),
}

pub fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Garbled),
        Just(Outcome::Lost),
        Just(Outcome::TimedOut),
        prop::sample::select(vec![400u16, 401, 403, 404, 422, 500, 502, 503])
            .prop_map(Outcome::Status),
        prop::option::of(prop_oneof![
            Just(1u32),
            Just(60),
            Just(3600),
            Just(4_000_000)
        ])
        .prop_map(Outcome::RateLimited),
    ]
}

#[derive(Debug, Clone, PartialEq)]
pub enum StorageFault {
    /// After `skip` writes to storage.local, the next one is refused (its quota is full).
    Quota { skip: u8 },
    /// The next read fails.
    Unreadable,
    /// The value under this key is damaged.
    Damaged(&'static str),
}

pub fn storage_fault() -> impl Strategy<Value = StorageFault> {
    prop_oneof![
        (0..4u8).prop_map(|skip| StorageFault::Quota { skip }),
        Just(StorageFault::Unreadable),
        Just(StorageFault::Damaged("ledger")),
        Just(StorageFault::Damaged("jobs")),
    ]
}

/// An action that reached the provider.
#[derive(Debug, Clone)]
pub struct Applied {
    /// In the order the provider saw them.
    pub seq: usize,
    /// "send", "accept" or "cancel".
    pub kind: &'static str,
    pub account: String,
    /// The invitation's id, or for a send the person invited.
    pub target: String,
    pub note: bool,
    /// The provider's time.
    pub at_ms: f64,
    /// The invitation a send made.
    pub made: Option<String>,
    /// When a withdrawn invitation was sent, in the provider's time.
    pub sent_at_ms: Option<f64>,
}

impl Applied {
    pub fn key(&self) -> (String, String) {
        (self.account.clone(), self.target.clone())
    }
}

/// Which API the world's accounts use.
#[derive(Clone, Copy)]
struct Provider {
    name: &'static str,
    api_key: &'static str,
    base_url: &'static str,
    credits: Option<u64>,
}

const UNIPILE_V2: Provider = Provider {
    name: "unipile_v2",
    api_key: "up2_model_key",
    base_url: "https://model.unipile.example",
    credits: None,
};
const LINKUP: Provider = Provider {
    name: "linkup",
    api_key: "lk_model_key",
    base_url: "https://model.linkup.example",
    credits: Some(1000),
};

pub struct World {
    state: SharedState,
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
    skew_ms: Cell<f64>,
    random: Cell<u64>,
    /// Alarms by name: when (machine time), and the period of a repeating one.
    alarms: RefCell<BTreeMap<&'static str, (f64, Option<f64>)>>,
    local: RefCell<BTreeMap<String, String>>,
    /// Bytes the worker has written to local storage, as JSON.
    pub local_bytes_written: Cell<usize>,
    session: RefCell<BTreeMap<String, String>>,
    storage_faults: RefCell<VecDeque<StorageFault>>,
    /// What the provider does with the next actions (sends, accepts, cancels), and reads.
    outcomes: RefCell<VecDeque<Outcome>>,
    read_outcomes: RefCell<VecDeque<Outcome>>,
    reached: RefCell<Vec<Applied>>,
    applied: RefCell<Vec<Applied>>,
    stopped: Cell<bool>,
    provider: Provider,
    /// Every request that reached the provider: method, path and LinkUp's action.
    calls: RefCell<Vec<String>>,
    pub badge: RefCell<Option<Badge>>,
    /// Notifications shown and not cleared, oldest first.
    pub notices: RefCell<Vec<Notice>>,
    /// Whether the popup is open, and whether the person allowed notifications.
    pub popup_open: Cell<bool>,
    pub notifications_allowed: Cell<bool>,
    /// Whether the machine is idle or locked, and the idle threshold the worker last used.
    pub away: Cell<bool>,
    pub idle_after_s: Cell<Option<u32>>,
    /// The extension's id of each account: a new one when it is added again.
    ids: RefCell<[String; 2]>,
    /// Each account's automatic withdraw rule, as stored.
    rules: RefCell<[Value; 2]>,
}

impl World {
    /// Two free Unipile v2 accounts, each with 6 received and 4 sent invitations, 30 people to
    /// invite, a weekly cap of `weekly_cap` and invitations at least `invite_delay_min_s` apart.
    pub fn new(weekly_cap: usize, invite_delay_min_s: f64) -> World {
        World::of(UNIPILE_V2, weekly_cap, invite_delay_min_s)
    }

    /// The same two accounts on LinkUp, whose key has 1,000 credits.
    pub fn linkup(weekly_cap: usize, invite_delay_min_s: f64) -> World {
        World::of(LINKUP, weekly_cap, invite_delay_min_s)
    }

    fn of(provider: Provider, weekly_cap: usize, invite_delay_min_s: f64) -> World {
        let people: Vec<Value> = (0..40)
            .map(|i| json!({"public_identifier": format!("person-{i}"), "first_name": format!("Pat{i}"), "last_name": "Doe"}))
            .collect();
        let account = |n: usize| {
            json!({
                "account_id": World::provider_account(n), "plan": "free",
                "received": (30..36).map(|p| json!({"id": format!("{}{p}", 7_000 + n * 100), "person": format!("person-{p}"), "days_ago": p - 29})).collect::<Vec<_>>(),
                "sent": (36..40).map(|p| json!({"id": format!("{}{p}", 8_000 + n * 100), "person": format!("person-{p}"), "days_ago": p - 35})).collect::<Vec<_>>(),
            })
        };
        let scenario = json!({
            "clock": "2026-11-01T00:00:00Z",
            "people": people,
            "keys": [{"provider": provider.name, "api_key": provider.api_key, "credits": provider.credits, "accounts": [account(0), account(1)]}],
        });
        let state = load(&scenario.to_string()).expect("the model's scenario loads");
        let router = app(state.clone());
        let world = World {
            state,
            router,
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("a runtime for the emulator's handlers"),
            skew_ms: Cell::new(0.0),
            random: Cell::new(0x9E37_79B9_7F4A_7C15),
            alarms: RefCell::new(BTreeMap::new()),
            local: RefCell::new(BTreeMap::new()),
            local_bytes_written: Cell::new(0),
            session: RefCell::new(BTreeMap::new()),
            storage_faults: RefCell::new(VecDeque::new()),
            outcomes: RefCell::new(VecDeque::new()),
            read_outcomes: RefCell::new(VecDeque::new()),
            reached: RefCell::new(Vec::new()),
            applied: RefCell::new(Vec::new()),
            stopped: Cell::new(false),
            provider,
            calls: RefCell::new(Vec::new()),
            badge: RefCell::new(None),
            notices: RefCell::new(Vec::new()),
            popup_open: Cell::new(false),
            notifications_allowed: Cell::new(true),
            away: Cell::new(false),
            idle_after_s: Cell::new(None),
            ids: RefCell::new([0, 1].map(|n| format!("a{n}"))),
            rules: RefCell::new([json!({}), json!({})]),
        };
        world.store_accounts();
        world.put(
            "settings",
            json!({"weekly_cap_free": weekly_cap, "invite_delay_min_s": invite_delay_min_s,
                   "invite_delay_max_s": invite_delay_min_s + 10.0, "action_delay_min_s": 5,
                   "action_delay_max_s": 6}),
        );
        world
    }

    pub fn env(&self) -> Env<'_> {
        Env {
            clock: self,
            random: self,
            timers: self,
            storage: self,
            transport: self,
            toolbar: self,
            notifier: self,
            presence: self,
        }
    }

    /// The extension's id of account `n`.
    pub fn account_id(&self, n: usize) -> String {
        self.ids.borrow()[n].clone()
    }

    fn store_accounts(&self) {
        let accounts: Vec<Value> = (0..2)
            .map(|n| {
                json!({"id": self.account_id(n), "label": format!("Account {n}"), "provider": self.provider.name,
                       "api_key": self.provider.api_key, "account_id": World::provider_account(n),
                       "base_url": self.provider.base_url, "plan": "free",
                       "auto_withdraw": self.rules.borrow()[n]})
            })
            .collect();
        self.put("accounts", json!(accounts));
    }

    /// Account `n`'s automatic withdraw rule, as Options stores it: on at `older_than_days`,
    /// or off.
    pub fn set_rule(&self, n: usize, older_than_days: Option<u32>) {
        self.rules.borrow_mut()[n] = match older_than_days {
            Some(days) => json!({"enabled": true, "older_than_days": days, "per_day": 40}),
            None => json!({}),
        };
        self.store_accounts();
    }

    /// Account `n` removed in Options and added again: a new entry, a new id.
    pub fn re_add(&self, n: usize) {
        let id = format!("{}x", self.account_id(n));
        self.ids.borrow_mut()[n] = id;
        self.store_accounts();
    }

    pub fn provider_account(n: usize) -> String {
        format!("acc_model_{n}")
    }

    pub fn profile(person: usize) -> String {
        format!("https://www.linkedin.com/in/person-{person}/")
    }

    /// Polls `future` to its end, or drops it (the worker stops) after `stop_after` awaits.
    pub fn drive<F: Future>(&self, future: F, stop_after: Option<usize>) -> Option<F::Output> {
        let mut future = pin!(future);
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut awaits = 0;
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return Some(output);
            }
            awaits += 1;
            if stop_after == Some(awaits) {
                self.stopped.set(true);
                return None;
            }
            assert!(awaits < 1_000_000, "the worker never finishes a step");
        }
    }

    /// What happened on LinkedIn itself to account `n` (the emulator's control API): the
    /// ids of what the changes made, newest first.
    pub fn on_linkedin(&self, n: usize, changes: Value) -> Value {
        let path = format!(
            "/__emulator/accounts/{}/linkedin",
            World::provider_account(n)
        );
        self.control("POST", &path, json!({ "changes": changes }))
    }

    /// From now on every list answer pages as `fault` says (the emulator's paging faults), or
    /// as the API documents with `null`.
    pub fn paging(&self, fault: Value) {
        match fault.is_null() {
            true => self.control("DELETE", "/__emulator/paging", json!({})),
            false => self.control("PUT", "/__emulator/paging", fault),
        };
    }

    /// How many requests have reached the provider.
    pub fn calls(&self) -> usize {
        self.calls.borrow().len()
    }

    /// One call of the emulator's control API, which must take it; its answer.
    fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let request = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .expect("a control request");
        let body = self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("infallible");
            assert_eq!(response.status(), 200, "the emulator takes {method} {path}");
            response
                .into_body()
                .collect()
                .await
                .expect("a body")
                .to_bytes()
        });
        serde_json::from_slice(&body).expect("the control API answers JSON")
    }

    /// Runs the intent in `message` to its end with `worker`.
    pub fn intent(
        &self,
        worker: &invite_desk::worker::Worker<'_>,
        message: Value,
    ) -> Result<invite_desk::worker::Answer, Error> {
        let intent = invite_desk::worker::intents::read_intent(&message.to_string())?;
        self.drive(
            invite_desk::worker::intents::handle_intent(worker, intent),
            None,
        )
        .expect("not stopped")
    }

    /// Fires the alarms due, each to its end.
    pub fn fire_alarms(&self, worker: &invite_desk::worker::Worker<'_>) {
        for name in self.due_alarms() {
            let _ = self.drive(invite_desk::worker::on_alarm(worker, name), None);
        }
    }

    /// When the alarm `name` is set for, machine time.
    pub fn alarm(&self, name: &str) -> Option<f64> {
        self.alarms.borrow().get(name).map(|(when, _)| *when)
    }

    /// Whether the last step's worker was stopped; true once.
    pub fn stopped(&self) -> bool {
        self.stopped.replace(false)
    }

    /// The provider's time, epoch milliseconds.
    pub fn provider_ms(&self) -> f64 {
        let now = invite_desk_emulator::state::lock(&self.state).clock.now();
        (now.unix_timestamp_nanos() / 1_000_000) as f64
    }

    pub fn wait(&self, minutes: u32) {
        let mut state = invite_desk_emulator::state::lock(&self.state);
        state
            .clock
            .advance(time::Duration::minutes(i64::from(minutes)));
    }

    pub fn skew(&self, days: i32) {
        let days = (self.skew_ms.get() / DAY_MS) as i32 + days;
        self.skew_ms
            .set(f64::from(days.clamp(-MAX_SKEW_DAYS, MAX_SKEW_DAYS)) * DAY_MS);
    }

    /// When the sent invitation a path names (`…/relation-requests/{id}/cancel`) was sent,
    /// provider time.
    fn sent_at_ms(&self, path: &str) -> Option<f64> {
        let id = path.split('/').rev().nth(1)?;
        let state = invite_desk_emulator::state::lock(&self.state);
        let sent_at = state
            .keys
            .iter()
            .flat_map(|key| &key.accounts)
            .flat_map(|account| &account.sent)
            .find(|invitation| invitation.id == id)?
            .sent_at;
        Some((sent_at.unix_timestamp_nanos() / 1_000_000) as f64)
    }

    /// What the provider does with the next action.
    pub fn next_outcome(&self, outcome: Outcome) {
        self.outcomes.borrow_mut().push_back(outcome);
    }

    /// What the provider does with the next read.
    pub fn next_read_outcome(&self, outcome: Outcome) {
        self.read_outcomes.borrow_mut().push_back(outcome);
    }

    pub fn refuse(&self, fault: StorageFault) {
        if let StorageFault::Damaged(key) = fault {
            if self.local.borrow().contains_key(key) {
                self.local
                    .borrow_mut()
                    .insert(key.into(), "{\"damaged\": [".into());
            }
            return;
        }
        self.storage_faults.borrow_mut().push_back(fault);
    }

    /// The alarms due now, each taken (a repeating one set for its next period).
    pub fn due_alarms(&self) -> Vec<&'static str> {
        let now = self.now_ms();
        let mut alarms = self.alarms.borrow_mut();
        let due: Vec<&'static str> = alarms
            .iter()
            .filter(|(_, (when, _))| *when <= now)
            .map(|(name, _)| *name)
            .collect();
        for name in &due {
            match alarms.get(name).copied() {
                Some((_, Some(period))) => {
                    alarms.insert(name, (now + period, Some(period)));
                }
                _ => {
                    alarms.remove(name);
                }
            }
        }
        due
    }

    pub fn put(&self, key: &str, value: Value) {
        self.local
            .borrow_mut()
            .insert(key.into(), value.to_string());
    }

    /// Every key in local storage.
    pub fn local_keys(&self) -> Vec<String> {
        self.local.borrow().keys().cloned().collect()
    }

    pub fn local_text(&self, key: &str) -> String {
        self.local.borrow().get(key).cloned().unwrap_or_default()
    }

    /// A stored value, decoded; `None` when absent or damaged.
    pub fn stored<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        serde_json::from_str(self.local.borrow().get(key)?).ok()
    }

    /// The bulk jobs as stored, each with its items from its chunks; none when unreadable.
    pub fn jobs(&self) -> Vec<invite_desk::bulk::Job> {
        let local = self.local.borrow();
        let raw: std::collections::HashMap<&str, Box<serde_json::value::RawValue>> = local
            .iter()
            .filter_map(|(key, text)| {
                Some((
                    key.as_str(),
                    serde_json::value::RawValue::from_string(text.clone()).ok()?,
                ))
            })
            .collect();
        let heads = raw
            .get(invite_desk::job_chunks::JOBS_KEY)
            .and_then(|heads| serde_json::from_str(heads.get()).ok())
            .unwrap_or_default();
        let damaged = || invite_desk::error::Error::new(invite_desk::error::ErrorKind::Damaged);
        invite_desk::job_chunks::assemble(heads, |key| raw.get(key).map(|v| &**v), damaged)
            .unwrap_or_default()
    }

    /// The id of the `nth` invitation the worker holds for `account` in `direction`.
    pub fn stored_invitation(&self, account: usize, direction: &str, nth: usize) -> Option<String> {
        let id = self.account_id(account);
        let head: Value = self.stored(&format!("list:{direction}:{id}"))?;
        let mut rows = Vec::new();
        for chunk in head["chunks"].as_array()? {
            let key = format!("rows:{direction}:{id}:{}", chunk["seq"]);
            let chunk: Vec<Value> = self.stored(&key).unwrap_or_default();
            rows.extend(chunk);
        }
        rows.get(nth)?["id"].as_str().map(str::to_owned)
    }

    /// How many requests reached the provider whose line ("POST /v2/network check_invitation")
    /// contains `what`.
    pub fn calls_of(&self, what: &str) -> usize {
        self.calls
            .borrow()
            .iter()
            .filter(|c| c.contains(what))
            .count()
    }

    pub fn applied(&self) -> Vec<Applied> {
        self.applied.borrow().clone()
    }

    pub fn reached(&self) -> Vec<Applied> {
        self.reached.borrow().clone()
    }

    fn fault(&self, wanted: impl Fn(&StorageFault) -> bool) -> bool {
        let mut faults = self.storage_faults.borrow_mut();
        match faults.front() {
            Some(fault) if wanted(fault) => {
                faults.pop_front();
                true
            }
            _ => false,
        }
    }

    /// Whether the quota refuses this write: a queued refusal counts down its skipped writes.
    fn quota_refuses(&self) -> bool {
        let mut faults = self.storage_faults.borrow_mut();
        match faults.front_mut() {
            Some(StorageFault::Quota { skip: 0 }) => {
                faults.pop_front();
                true
            }
            Some(StorageFault::Quota { skip }) => {
                *skip -= 1;
                false
            }
            _ => false,
        }
    }

    fn next_random(&self) -> u64 {
        // SplitMix64: reproducible for a given sequence of steps.
        let state = self.random.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.random.set(state);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The request, answered by the emulator, and recorded when it is an action.
    fn forward(&self, request: &HttpRequest) -> HttpResponse {
        let path_and_query = request
            .url
            .splitn(4, '/')
            .nth(3)
            .map_or_else(|| "/".to_owned(), |rest| format!("/{rest}"));
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        };
        let mut builder = axum::http::Request::builder()
            .method(method)
            .uri(&path_and_query);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if request.body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        let http_request = builder
            .body(Body::from(request.body.clone().unwrap_or_default()))
            .expect("a request the emulator can read");
        let at_ms = self.provider_ms();
        let sent_at_ms = self.sent_at_ms(&path_and_query);
        let (status, retry_after, body) = self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(http_request)
                .await
                .expect("infallible");
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("a body")
                .to_bytes();
            (
                status,
                retry_after,
                String::from_utf8_lossy(&bytes).into_owned(),
            )
        });
        self.record(
            method,
            &path_and_query,
            request.body.as_deref(),
            status,
            &body,
            (at_ms, sent_at_ms),
        );
        HttpResponse {
            status,
            retry_after,
            // The provider's own clock.
            date_ms: Some(at_ms),
            body,
        }
    }

    fn record(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        status: u16,
        answer: &str,
        (at_ms, sent_at_ms): (f64, Option<f64>),
    ) {
        let path = path.split('?').next().unwrap_or_default();
        let action = serde_json::from_str::<Value>(body.unwrap_or("{}"))
            .ok()
            .and_then(|b| b["action"].as_str().map(str::to_owned));
        self.calls
            .borrow_mut()
            .push(format!("{method} {path} {}", action.unwrap_or_default()));
        let parts: Vec<&str> = path.split('/').collect();
        // /v2/{account}/users/me/relation-requests[/{id}/{accept|cancel}]
        let (kind, target, note) = match (method, parts.as_slice()) {
            ("POST", ["", "v2", _, "users", "me", "relation-requests"]) => {
                let sent: Value = serde_json::from_str(body.unwrap_or("{}")).unwrap_or_default();
                let note = sent["message"].as_str().is_some_and(|m| !m.is_empty());
                (
                    "send",
                    sent["user_id"].as_str().unwrap_or_default().to_owned(),
                    note,
                )
            }
            ("POST", ["", "v2", _, "users", "me", "relation-requests", id, action]) => {
                let kind = if *action == "accept" {
                    "accept"
                } else {
                    "cancel"
                };
                (kind, (*id).to_owned(), false)
            }
            _ => return,
        };
        let made = serde_json::from_str::<Value>(answer)
            .ok()
            .and_then(|a| a["id"].as_str().map(str::to_owned))
            .filter(|_| kind == "send");
        let action = Applied {
            seq: self.reached.borrow().len(),
            kind,
            account: parts[2].to_owned(),
            target,
            note,
            at_ms,
            made,
            sent_at_ms: sent_at_ms.filter(|_| kind == "cancel"),
        };
        self.reached.borrow_mut().push(action.clone());
        if (200..300).contains(&status) {
            self.applied.borrow_mut().push(action);
        }
    }
}

/// Resolves on its second poll: an await point where a worker can be stopped.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

fn refused(what: &str) -> Error {
    Error::new(ErrorKind::Browser).with_detail(what)
}

impl Clock for World {
    fn now_ms(&self) -> f64 {
        self.provider_ms() + self.skew_ms.get()
    }
}

impl Random for World {
    fn unit(&self) -> f64 {
        (self.next_random() >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Timers for World {
    fn sleep(&self, _ms: u32) -> LocalBoxFuture<'_, ()> {
        yield_once().boxed_local()
    }

    fn wake_at(&self, name: &'static str, when_ms: f64) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            yield_once().await;
            self.alarms.borrow_mut().insert(name, (when_ms, None));
            Ok(())
        }
        .boxed_local()
    }

    fn repeat(&self, name: &'static str, minutes: f64) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            yield_once().await;
            let period = minutes * 60_000.0;
            self.alarms
                .borrow_mut()
                .insert(name, (self.now_ms() + period, Some(period)));
            Ok(())
        }
        .boxed_local()
    }

    fn cancel(&self, name: &'static str) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            yield_once().await;
            self.alarms.borrow_mut().remove(name);
            Ok(())
        }
        .boxed_local()
    }
}

impl Storage for World {
    fn get<'a>(
        &'a self,
        area: Area,
        keys: &'a [&'a str],
    ) -> LocalBoxFuture<'a, Result<String, Error>> {
        async move {
            yield_once().await;
            if self.fault(|f| *f == StorageFault::Unreadable) {
                return Err(refused("the storage could not be read"));
            }
            let store = match area {
                Area::Local => self.local.borrow(),
                Area::Session => self.session.borrow(),
            };
            let mut object = Map::new();
            for key in keys {
                if let Some(text) = store.get(*key) {
                    // A damaged value reads back as a string, as a browser's storage would give
                    // whatever was put there.
                    let value =
                        serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()));
                    object.insert((*key).to_owned(), value);
                }
            }
            Ok(Value::Object(object).to_string())
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, area: Area, items: &'a str) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            yield_once().await;
            // The quota is storage.local's; session storage lives in memory.
            if area == Area::Local && self.quota_refuses() {
                return Err(refused("QUOTA_BYTES quota exceeded"));
            }
            if area == Area::Local {
                let written = self.local_bytes_written.get() + items.len();
                self.local_bytes_written.set(written);
            }
            let items: Map<String, Value> =
                serde_json::from_str(items).map_err(|_| refused("not an object"))?;
            let mut store = match area {
                Area::Local => self.local.borrow_mut(),
                Area::Session => self.session.borrow_mut(),
            };
            for (key, value) in items {
                store.insert(key, value.to_string());
            }
            Ok(())
        }
        .boxed_local()
    }

    fn remove<'a>(&'a self, keys: &'a [String]) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            yield_once().await;
            let mut store = self.local.borrow_mut();
            for key in keys {
                store.remove(key);
            }
            Ok(())
        }
        .boxed_local()
    }

    fn keys(&self) -> LocalBoxFuture<'_, Result<Vec<String>, Error>> {
        async move {
            yield_once().await;
            if self.fault(|f| *f == StorageFault::Unreadable) {
                return Err(refused("the storage could not be read"));
            }
            Ok(self.local.borrow().keys().cloned().collect())
        }
        .boxed_local()
    }
}

impl Transport for World {
    fn exchange<'a>(
        &'a self,
        request: &'a HttpRequest,
        _timeout_ms: u32,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, Error>> {
        async move {
            yield_once().await;
            let queue = match request.method {
                Method::Get => &self.read_outcomes,
                _ => &self.outcomes,
            };
            let outcome = queue.borrow_mut().pop_front().unwrap_or(Outcome::Answer);
            match outcome {
                Outcome::Answer => Ok(self.forward(request)),
                Outcome::Dated(days) => {
                    let mut answer = self.forward(request);
                    answer.date_ms = answer.date_ms.map(|at| at + f64::from(days) * DAY_MS);
                    Ok(answer)
                }
                Outcome::Garbled => {
                    let mut answer = self.forward(request);
                    if (200..300).contains(&answer.status) {
                        answer.body = "<html><body>upstream hiccup</body></html>".into();
                    }
                    Ok(answer)
                }
                Outcome::Lost => {
                    self.forward(request);
                    Err(Error::new(ErrorKind::Network))
                }
                Outcome::TimedOut => Err(Error::new(ErrorKind::Timeout)),
                Outcome::NotAllowed => {
                    let url = url::Url::parse(&request.url).expect("requests go to a URL");
                    Err(invite_desk::accounts::not_allowed(
                        &url.origin().ascii_serialization(),
                    ))
                }
                Outcome::Status(status) => Ok(HttpResponse {
                    status,
                    retry_after: None,
                    date_ms: Some(self.provider_ms()),
                    body: json!({"object": "Error", "status": status, "type": "api/unexpected",
                                 "title": "Refused", "detail": "refused by the model"})
                    .to_string(),
                }),
                Outcome::Reply(status, body) => Ok(HttpResponse {
                    status,
                    date_ms: Some(self.provider_ms()),
                    body,
                    ..HttpResponse::default()
                }),
                Outcome::RateLimited(after) => Ok(HttpResponse {
                    status: 429,
                    retry_after: after.map(|s| s.to_string()),
                    date_ms: Some(self.provider_ms()),
                    body: json!({"object": "Error", "status": 429, "type": "api/too_many_requests",
                                 "title": "Too many requests"})
                    .to_string(),
                }),
            }
        }
        .boxed_local()
    }
}

impl Notifier for World {
    fn popup_open(&self) -> LocalBoxFuture<'_, bool> {
        async move { self.popup_open.get() }.boxed_local()
    }

    fn notify<'a>(&'a self, notice: &'a Notice) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            yield_once().await;
            if !self.notifications_allowed.get() {
                return Err(Error::new(ErrorKind::Browser));
            }
            let mut notices = self.notices.borrow_mut();
            notices.retain(|shown| shown.id != notice.id);
            notices.push(notice.clone());
            Ok(())
        }
        .boxed_local()
    }

    fn clear<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            self.notices.borrow_mut().retain(|shown| shown.id != id);
            Ok(())
        }
        .boxed_local()
    }
}

impl Idle for World {
    fn away(&self, idle_after_s: u32) -> LocalBoxFuture<'_, bool> {
        async move {
            yield_once().await;
            self.idle_after_s.set(Some(idle_after_s));
            self.away.get()
        }
        .boxed_local()
    }

    fn watch(&self, idle_after_s: u32) {
        self.idle_after_s.set(Some(idle_after_s));
    }
}

impl Toolbar for World {
    fn show<'a>(&'a self, badge: &'a Badge) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            yield_once().await;
            *self.badge.borrow_mut() = Some(badge.clone());
            Ok(())
        }
        .boxed_local()
    }
}
