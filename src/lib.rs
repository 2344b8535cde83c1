//! Invite Desk's WebAssembly module, loaded by the service worker, the popup and the options
//! page. This file only binds: each export converts its arguments, calls the module that holds
//! the logic, and turns errors into plain `{code, message, next_step, detail, field}` objects.

pub mod accounts;
pub mod age;
pub mod browser;
pub mod bulk;
pub mod client;
pub mod clocks;
pub mod cost;
pub mod error;
pub mod export;
pub mod http;
pub mod input;
pub mod job_chunks;
pub mod limits;
pub mod lists;
pub mod model;
pub mod names;
pub mod notices;
pub mod pacing;
pub mod paging;
pub mod providers;
pub mod rules;
pub mod search;
pub mod settings;
pub mod snapshot;
pub mod stats;
pub mod sync;
pub mod web_url;
pub mod worker;

use clocks::Trusted;
use error::{Error, Field};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// Values go to the pages through serde-wasm-bindgen, as plain objects (None as null, maps as
// objects, what JSON.parse would give), and lists of invitations come back the same way:
// measured against JSON text through the browser's JSON.parse and JSON.stringify, 5,000
// invitations take 23–39 ms either way and 23–27 ms back by serde-wasm-bindgen against 30–31 ms
// (`tests/boundary_bench.rs`, run by `./build.sh bench`). The other values a page read from
// storage (accounts, statuses, the ledger, settings) come back as JSON text (`from_json_js`),
// decoded as the worker decodes storage: one decoder for each stored type, not two (25 KB).
fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

fn to_js_error(error: Error) -> JsValue {
    let fallback = error.to_string();
    match to_js(&error) {
        value if value.is_undefined() => JsValue::from_str(&fallback),
        value => value,
    }
}

/// What the worker reads as text, as it reads stored values in `browser.rs`: intents and a
/// stored value to repair, both decoded by code the native tests feed with text.
fn json_text(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// What a page hands over, named in the error when it cannot be read.
const INVITATIONS: Field = Field {
    key: "invitations",
    label: "Invitations",
};
const PLAN: Field = Field {
    key: "plan",
    label: "Plan",
};
const SETTINGS: Field = Field {
    key: "settings",
    label: "Settings",
};

/// A page's plain object as `T`, or an `invalid_input` error naming `what`.
fn from_js<T: DeserializeOwned>(value: &JsValue, what: Field, why: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(value.clone())
        .map_err(|_| to_js_error(Error::invalid_input(what, why)))
}

/// A stored value as `T`; its default when absent or unreadable.
fn from_js_or_default<T: DeserializeOwned + Default>(value: &JsValue) -> T {
    serde_wasm_bindgen::from_value(value.clone()).unwrap_or_default()
}

/// A value a page read from storage, through its JSON text, by the decoder the worker reads
/// storage with; an `invalid_input` error naming `what` when it cannot be read.
fn from_json_js<T: DeserializeOwned>(
    value: &JsValue,
    what: Field,
    why: &str,
) -> Result<T, JsValue> {
    serde_json::from_str(&json_text(value))
        .map_err(|_| to_js_error(Error::invalid_input(what, why)))
}

/// The limits ledger a page read from storage: none stored yet is empty; one that cannot be
/// read is damaged, as the worker reads it, never taken for empty, which would show room under
/// the caps the ledger cannot vouch for.
fn stored_ledger(value: &JsValue) -> Result<limits::Ledger, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(limits::Ledger::default());
    }
    serde_json::from_str(&json_text(value))
        .map_err(|_| to_js_error(worker::store::damaged_error(limits::LEDGER_KEY)))
}

/// Stored settings from a page, read field by field as the worker reads them, and the fields
/// that could not be read.
fn settings_of(value: &JsValue) -> (settings::Settings, Vec<&'static str>) {
    let stored: Option<serde_json::Value> = match value.is_undefined() || value.is_null() {
        true => None,
        false => {
            Some(serde_json::from_str(&json_text(value)).unwrap_or(serde_json::Value::Bool(false)))
        }
    };
    settings::read_stored(stored.as_ref())
}

/// Service worker, on install, browser start and settings changed: arm the alarm, refresh.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    worker::refresh::start(browser::worker())
        .await
        .map_err(to_js_error)
}

/// Service worker, on an update of the extension: as `start`, then every list read in full.
#[wasm_bindgen]
pub async fn updated() -> Result<(), JsValue> {
    worker::refresh::updated(browser::worker())
        .await
        .map_err(to_js_error)
}

/// Service worker: the machine's idle state changed to `state` ("active", "idle", "locked").
#[wasm_bindgen]
pub async fn presence_changed(state: String) -> Result<(), JsValue> {
    let state = worker::effects::Presence::of(&state);
    worker::refresh::presence_changed(browser::worker(), state)
        .await
        .map_err(to_js_error)
}

/// Service worker: accounts changed; lists of removed accounts go, new ones are read.
#[wasm_bindgen]
pub async fn accounts_changed() -> Result<(), JsValue> {
    worker::refresh::accounts_changed(browser::worker())
        .await
        .map_err(to_js_error)
}

/// Service worker: the person granted a host permission.
#[wasm_bindgen]
pub async fn access_granted() -> Result<(), JsValue> {
    worker::refresh::access_granted(browser::worker())
        .await
        .map_err(to_js_error)
}

/// Service worker: an alarm fired.
#[wasm_bindgen]
pub async fn on_alarm(name: String) -> Result<(), JsValue> {
    worker::on_alarm(browser::worker(), &name)
        .await
        .map_err(to_js_error)
}

/// Service worker: an intent from one of the extension's own pages; resolves to its answer.
#[wasm_bindgen]
pub async fn handle_intent(intent: JsValue) -> Result<JsValue, JsValue> {
    let intent = worker::intents::read_intent(&json_text(&intent)).map_err(to_js_error)?;
    let answer = worker::intents::handle_intent(browser::worker(), intent)
        .await
        .map_err(to_js_error)?;
    Ok(to_js(&answer))
}

thread_local! {
    /// The popup's search index of the lists it last read: received, then sent.
    static SEARCHED: std::cell::RefCell<[search::Index; 2]> = Default::default();
}

/// Popup: every pending invitation of every account, received and sent, each merged newest
/// first; read from storage once the first screen is up. The module keeps them for `search`.
#[wasm_bindgen]
pub async fn read_lists() -> Result<JsValue, JsValue> {
    let lists = worker::store::read_all_lists(browser::worker())
        .await
        .map_err(to_js_error)?;
    SEARCHED.with_borrow_mut(|searched| {
        *searched = [
            search::Index::of(&lists.received),
            search::Index::of(&lists.sent),
        ]
    });
    Ok(to_js(&lists))
}

/// Pages: the error for a storage write the browser refused.
#[wasm_bindgen]
pub fn browser_refused() -> JsValue {
    to_js_error(Error::new(error::ErrorKind::Browser))
}

/// Pages: the error for an intent the service worker did not answer.
#[wasm_bindgen]
pub fn no_answer() -> JsValue {
    to_js_error(Error::new(error::ErrorKind::NoAnswer))
}

/// Popup: the error for an invitation with no account to send it from.
#[wasm_bindgen]
pub fn no_account() -> JsValue {
    to_js_error(Error::new(error::ErrorKind::NoAccount))
}

/// Popup: what LinkedIn allows in notes on `plan`, under the note; empty when there is no limit.
#[wasm_bindgen]
pub fn note_quota(plan: JsValue) -> String {
    from_js_or_default::<model::Plan>(&plan)
        .note_quota_words()
        .unwrap_or_default()
}

/// Popup: when each account was last checked, latest of its two lists.
#[wasm_bindgen]
pub async fn last_checked() -> Result<JsValue, JsValue> {
    let checked = worker::store::last_checked(browser::worker())
        .await
        .map_err(to_js_error)?;
    Ok(to_js(&checked))
}

/// Popup: what its Refresh button costs, in words, for the accounts of the stored view.
#[wasm_bindgen]
pub fn refresh_cost(accounts: JsValue) -> Result<String, JsValue> {
    let accounts: Vec<snapshot::AccountStatus> = from_json_js(
        &accounts,
        accounts::ACCOUNT_FIELD,
        "the accounts could not be read",
    )?;
    Ok(cost::refresh(&accounts))
}

/// Popup: when an account was last checked ("checked 3 minutes ago").
#[wasm_bindgen]
pub fn checked_label(checked_at_ms: f64, now_ms: f64) -> String {
    age::checked_label(checked_at_ms, now_ms)
}

/// Options page: what a day of staying in sync costs an account at `settings`, in words; empty
/// before its lists were first read.
#[wasm_bindgen]
pub fn daily_cost(settings: JsValue, account: JsValue) -> Result<String, JsValue> {
    let settings = settings_of(&settings).0;
    let account: snapshot::AccountStatus = from_json_js(
        &account,
        accounts::ACCOUNT_FIELD,
        "the account could not be read",
    )?;
    let provider = account.provider.ok_or_else(|| {
        to_js_error(Error::invalid_input(
            accounts::ACCOUNT_FIELD,
            "this account's provider is unknown",
        ))
    })?;
    // Unknown until the worker has read the account once.
    let (Some(received), Some(sent)) = (account.received_count, account.sent_count) else {
        return Ok(String::new());
    };
    Ok(cost::daily(&settings, provider, received, sent).describe())
}

/// Options page: what the check intervals cost a day, for the hint under them.
#[wasm_bindgen]
pub fn poll_cost_hint(settings: JsValue) -> String {
    cost::poll_hint(&settings_of(&settings).0)
}

/// Popup: the age shown next to an invitation ("3 days ago").
#[wasm_bindgen]
pub fn age_label(sent_at_ms: f64, now_ms: f64) -> String {
    age::age_label(sent_at_ms, now_ms)
}

/// Popup: the indexes, in the `direction` list `read_lists` last gave, of the invitations a
/// search for `query` shows, which the received list's `filter` keeps at `now_ms`; throws a
/// filter nothing could match, naming its input.
#[wasm_bindgen]
pub fn search(
    direction: &str,
    query: &str,
    filter: JsValue,
    now_ms: f64,
) -> Result<Vec<u32>, JsValue> {
    // A filter that cannot be read is refused, never taken for "keep everything".
    let filter: search::Filter = match filter.is_undefined() || filter.is_null() {
        true => search::Filter::default(),
        false => from_js(&filter, search::FILTER_FIELD, "the filter cannot be read")?,
    };
    filter.check().map_err(to_js_error)?;
    let which = usize::from(direction == model::Direction::Sent.name());
    Ok(SEARCHED.with_borrow(|searched| searched[which].matching(query, &filter, now_ms)))
}

/// Popup: throws the error a send would get for this profile and note (which may hold
/// `{first_name}`), before sending.
#[wasm_bindgen]
pub fn check_invitation(profile: &str, note: &str) -> Result<(), JsValue> {
    input::Target::parse(profile)
        .and_then(|_| input::note_template(Some(note)))
        .map(drop)
        .map_err(to_js_error)
}

/// Popup: throws what is wrong with a bulk invitation's note template.
#[wasm_bindgen]
pub fn check_note_template(template: &str) -> Result<(), JsValue> {
    input::note_template(Some(template))
        .map(drop)
        .map_err(to_js_error)
}

/// Popup: the profiles of a pasted list, one per line, and the lines that are not profiles.
#[wasm_bindgen]
pub fn read_invite_list(text: &str) -> JsValue {
    to_js(&bulk::read_invite_list(text))
}

/// Popup: where an account stands against its caps ("3 of 20 today · 37 of 100 this week"), by its
/// `ledger_key` (the view's accounts carry it).
#[wasm_bindgen]
pub fn standing(
    ledger: JsValue,
    settings: JsValue,
    ledger_key: &str,
    plan: JsValue,
    now_ms: f64,
) -> Result<JsValue, JsValue> {
    let ledger = stored_ledger(&ledger)?;
    let settings = settings_of(&settings).0;
    let plan: model::Plan = from_js(&plan, PLAN, "not a LinkedIn plan Invite Desk knows")?;
    Ok(to_js(&ledger.standing(
        ledger_key,
        settings.caps(plan),
        Trusted::machine(now_ms),
    )))
}

/// Popup: the storage keys of the items (the results) of the job `id` whose head says it keeps
/// `items_kept` items, in order.
#[wasm_bindgen]
pub fn job_item_keys(id: &str, items_kept: u32) -> Vec<String> {
    job_chunks::chunk_keys(id, items_kept as usize)
}

/// Popup: what the confirmation of a bulk accept, decline or withdraw of `count` invitations
/// says about its pace.
#[wasm_bindgen]
pub fn action_confirmation(settings: JsValue, count: u32) -> String {
    settings_of(&settings).0.action_pace().describe(count)
}

/// Popup: what the confirmation of a list of `count` invitations from the account `ledger_key`
/// says: how many fit the weekly cap and the note quota now, and the pace.
#[wasm_bindgen]
pub fn invite_confirmation(
    ledger: JsValue,
    settings: JsValue,
    ledger_key: &str,
    plan: JsValue,
    count: u32,
    with_note: bool,
    now_ms: f64,
) -> Result<Vec<String>, JsValue> {
    let ledger = stored_ledger(&ledger)?;
    let settings = settings_of(&settings).0;
    let plan: model::Plan = from_js(&plan, PLAN, "not a LinkedIn plan Invite Desk knows")?;
    let standing = ledger.standing(ledger_key, settings.caps(plan), Trusted::machine(now_ms));
    let mut lines = standing.fit_words(count, with_note);
    lines.push(settings.invite_pace().describe(count));
    Ok(lines)
}

/// Popup: the note's length against LinkedIn's limit ("42 of 300 characters"), and whether it
/// is over.
#[wasm_bindgen]
pub fn note_length(note: &str) -> JsValue {
    #[derive(serde::Serialize)]
    struct Length {
        text: String,
        over: bool,
    }
    let length = input::note_length(note);
    to_js(&Length {
        text: format!("{length} of {} characters", input::NOTE_MAX_CHARS),
        over: length > input::NOTE_MAX_CHARS,
    })
}

/// Popup: the ages "Withdraw sent older than" offers, and the one chosen at first.
#[wasm_bindgen]
pub fn older_than_choices() -> JsValue {
    to_js(&bulk::OLDER_THAN_CHOICES)
}

/// Popup: the indexes of the invitations sent more than `days` days ago.
#[wasm_bindgen]
pub fn older_than(invitations: JsValue, days: f64, now_ms: f64) -> Result<Vec<u32>, JsValue> {
    let invitations: Vec<model::Invitation> =
        from_js(&invitations, INVITATIONS, "the list could not be read")?;
    bulk::older_than(&invitations, days, now_ms).map_err(to_js_error)
}

/// Popup: the invitations shown, as CSV text.
#[wasm_bindgen]
pub fn list_csv(invitations: JsValue, accounts: JsValue, now_ms: f64) -> Result<String, JsValue> {
    let invitations: Vec<model::Invitation> =
        from_js(&invitations, INVITATIONS, "the list could not be read")?;
    let accounts: Vec<snapshot::AccountStatus> = from_json_js(
        &accounts,
        accounts::ACCOUNT_FIELD,
        "the accounts could not be read",
    )?;
    Ok(export::list_csv(&invitations, &accounts, now_ms))
}

/// Popup: the Stats view of the account `account`, or of all when `None`, with its CSV; dates
/// and weeks in the page's time zone, `utc_offset_minutes` ahead of UTC.
#[wasm_bindgen]
pub async fn stats_report(
    account: Option<String>,
    now_ms: f64,
    utc_offset_minutes: f64,
) -> Result<JsValue, JsValue> {
    #[derive(serde::Serialize)]
    struct Report {
        view: stats::StatsView,
        csv: String,
    }
    let all = worker::store::read_stats(browser::worker())
        .await
        .map_err(to_js_error)?;
    let chosen: Vec<(&str, &stats::AccountStats)> = all
        .iter()
        .filter(|(a, _)| account.as_ref().is_none_or(|id| &a.id == id))
        .map(|(a, stats)| (a.label.as_str(), stats))
        .collect();
    let values: Vec<&stats::AccountStats> = chosen.iter().map(|(_, stats)| *stats).collect();
    Ok(to_js(&Report {
        view: stats::view(&values, now_ms, utc_offset_minutes),
        csv: export::stats_csv(&chosen, utc_offset_minutes),
    }))
}

/// Service worker: a button of one of our notifications was clicked.
#[wasm_bindgen]
pub async fn notice_button(notice: String, button: u32) -> Result<(), JsValue> {
    worker::observe::accept_clicked(browser::worker(), &notice, button as usize)
        .await
        .map_err(to_js_error)
}

/// Options page: the keys of the chunks the stored `{jobs}` heads name, to read beside them.
#[wasm_bindgen]
pub fn job_chunk_keys(stored: JsValue) -> Vec<String> {
    worker::store::job_chunk_keys(&worker::store::Stored::from_json(&json_text(&stored)))
}

/// Options page: which of the stored `{ledger, jobs}` values, read with the jobs' chunks
/// (`job_chunk_keys`), cannot be read, each `{key, name, reset_means}`.
#[wasm_bindgen]
pub fn damaged_values(stored: JsValue) -> JsValue {
    #[derive(serde::Serialize)]
    struct Damaged {
        key: &'static str,
        name: &'static str,
        reset_means: String,
    }
    let stored = worker::store::Stored::from_json(&json_text(&stored));
    let mut keys = worker::store::damaged(&stored);
    if !keys.contains(&job_chunks::JOBS_KEY) && worker::store::job_chunks_damaged(&stored) {
        keys.push(job_chunks::JOBS_KEY);
    }
    let damaged: Vec<Damaged> = keys
        .into_iter()
        .filter_map(|key| {
            let guarded = worker::store::GUARDED.iter().find(|g| g.key == key)?;
            Some(Damaged {
                key: guarded.key,
                name: guarded.name,
                reset_means: (guarded.reset_means)(),
            })
        })
        .collect();
    to_js(&damaged)
}

/// Options page: the settings form, each line with its inputs filled in from the stored
/// `settings`, and the lead of each section.
#[wasm_bindgen]
pub fn settings_form(settings: JsValue) -> JsValue {
    #[derive(serde::Serialize)]
    struct Form {
        rows: Vec<settings::FormRow>,
        refresh_lead: String,
        limits_lead: String,
        /// What could not be read of the stored settings.
        unreadable: Option<settings::Unreadable>,
    }
    let (settings, unreadable) = settings_of(&settings);
    to_js(&Form {
        unreadable: settings::unreadable(&unreadable),
        rows: settings.form(),
        refresh_lead: settings::section_lead(settings::Section::Refresh),
        limits_lead: settings::section_lead(settings::Section::Limits),
    })
}

/// Options page: the values `typed` (text by input name, in the units shown) as they are
/// stored, by key, checked with the stored `settings` for the rest; throws the first input to
/// correct, named by its key.
#[wasm_bindgen]
pub fn typed_settings(settings: JsValue, typed: JsValue) -> Result<JsValue, JsValue> {
    let settings = settings_of(&settings).0;
    let typed: std::collections::BTreeMap<String, String> =
        from_js(&typed, SETTINGS, "the settings form could not be read")?;
    let values = settings.typed_values(&typed).map_err(to_js_error)?;
    Ok(to_js(&values))
}

/// Options page: throws what is wrong with the account in the form, if anything.
#[wasm_bindgen]
pub fn check_account(account: JsValue) -> Result<(), JsValue> {
    let account: model::Account = from_json_js(
        &account,
        accounts::ACCOUNT_FIELD,
        "the account form is incomplete",
    )?;
    accounts::check(&account).map_err(to_js_error)
}

/// Options page: the origin the account's key goes to, for the browser's permission.
#[wasm_bindgen]
pub fn account_origin(account: JsValue) -> Result<String, JsValue> {
    let account: model::Account = from_json_js(
        &account,
        accounts::ACCOUNT_FIELD,
        "the account form is incomplete",
    )?;
    accounts::origin(&account).map_err(to_js_error)
}

/// Pages: the host permission to ask the browser for, so that it lets requests reach `origin`.
#[wasm_bindgen]
pub fn host_permission(origin: &str) -> Result<String, JsValue> {
    accounts::host_permission(origin).ok_or_else(|| to_js_error(accounts::not_allowed(origin)))
}

/// Options page: throws unless a form whose key was left blank may keep the `stored` key.
#[wasm_bindgen]
pub fn check_kept_key(form: JsValue, stored: JsValue) -> Result<(), JsValue> {
    let form: model::Account = from_json_js(
        &form,
        accounts::ACCOUNT_FIELD,
        "the account form is incomplete",
    )?;
    let stored: model::Account = from_json_js(
        &stored,
        accounts::ACCOUNT_FIELD,
        "the saved account cannot be read",
    )?;
    accounts::check_kept_key(&form, &stored).map_err(to_js_error)
}

/// Options page: the error for an address the person did not allow Invite Desk to reach.
#[wasm_bindgen]
pub fn not_allowed(origin: &str) -> JsValue {
    to_js_error(accounts::not_allowed(origin))
}

/// Options page: the automatic withdraw rule's fields, defaults, bounds and hint.
#[wasm_bindgen]
pub fn auto_withdraw_form() -> JsValue {
    to_js(&rules::form())
}

/// Options page: every provider, for the account form: kind, name, default base URL and an
/// example address where there is none.
#[wasm_bindgen]
pub fn providers() -> JsValue {
    to_js(&providers::PROVIDERS)
}
