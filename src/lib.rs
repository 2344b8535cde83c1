//! Invite Desk's WebAssembly module, loaded by the service worker, the popup and the options
//! page. This file only binds: each export converts its arguments, calls the module that holds
//! the logic, and turns errors into plain `{code, message, next_step, detail, field}` objects.

pub mod accounts;
pub mod age;
pub mod backend;
pub mod browser;
pub mod bulk;
pub mod client;
pub mod error;
pub mod http;
pub mod input;
pub mod limits;
pub mod model;
pub mod pacing;
pub mod providers;
pub mod search;
pub mod settings;
pub mod snapshot;

use error::Error;
use model::ProviderKind;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// Values cross the boundary as JSON text through the browser's own JSON.parse and
// JSON.stringify, as stored values do in `browser.rs`: one set of serde decoders for both.
fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

fn to_js_error(error: Error) -> JsValue {
    let fallback = error.to_string();
    match to_js(&error) {
        value if value.is_undefined() => JsValue::from_str(&fallback),
        value => value,
    }
}

fn json_text(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// A page's plain object as `T`, or an `invalid_input` error naming `what`.
fn from_js<T: DeserializeOwned>(value: &JsValue, what: &str, why: &str) -> Result<T, JsValue> {
    serde_json::from_str(&json_text(value))
        .map_err(|_| to_js_error(Error::invalid_input(what, why)))
}

/// Service worker, on install, browser start and settings changed: arm the alarm, refresh.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    backend::start().await.map_err(to_js_error)
}

/// Service worker: accounts changed; refresh every list of every account.
#[wasm_bindgen]
pub async fn refresh() -> Result<(), JsValue> {
    backend::refresh(backend::EVERYTHING)
        .await
        .map_err(to_js_error)
}

/// Service worker: an alarm fired.
#[wasm_bindgen]
pub async fn on_alarm(name: String) -> Result<(), JsValue> {
    if name == backend::REFRESH_ALARM {
        return backend::refresh(backend::RECEIVED)
            .await
            .map_err(to_js_error);
    }
    Ok(())
}

/// Service worker: an intent from one of the extension's own pages; resolves to its answer.
#[wasm_bindgen]
pub async fn handle_intent(intent: JsValue) -> Result<JsValue, JsValue> {
    let intent = backend::read_intent(&json_text(&intent)).map_err(to_js_error)?;
    let answer = backend::handle_intent(intent).await.map_err(to_js_error)?;
    Ok(to_js(&answer))
}

/// Popup: the age shown next to an invitation ("3 days ago").
#[wasm_bindgen]
pub fn age_label(sent_at_ms: f64, now_ms: f64) -> String {
    age::age_label(sent_at_ms, now_ms)
}

/// Popup: the indexes of `texts` a search shows (both already case-folded by the caller).
#[wasm_bindgen]
pub fn search(query: &str, texts: Vec<String>) -> Vec<u32> {
    search::matching(query, &texts)
}

/// Popup: throws the error a send would get for this profile and note, before sending.
#[wasm_bindgen]
pub fn check_invitation(profile: &str, note: &str) -> Result<(), JsValue> {
    input::Target::parse(profile)
        .and_then(|_| input::note(Some(note)))
        .map(drop)
        .map_err(to_js_error)
}

/// Options page: throws what is wrong with the account in the form, if anything.
#[wasm_bindgen]
pub fn check_account(account: JsValue) -> Result<(), JsValue> {
    let account = from_js(&account, "Account", "the account form is incomplete")?;
    accounts::check(&account).map_err(to_js_error)
}

/// Options page: the base URL a provider's form starts with.
#[wasm_bindgen]
pub fn default_base_url(provider: JsValue) -> Result<String, JsValue> {
    let provider: ProviderKind =
        from_js(&provider, "Provider", "not a provider Invite Desk knows")?;
    Ok(accounts::default_base_url(provider).into())
}
