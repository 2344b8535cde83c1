//! Invite Desk's WebAssembly module, loaded by the service worker and the popup. This file only
//! binds: each export converts its arguments, calls the module that holds the logic, and turns
//! errors into plain `{code, message, next_step}` objects for JavaScript.

pub mod age;
pub mod backend;
pub mod browser;
pub mod client;
pub mod error;
pub mod http;
pub mod input;
pub mod model;
pub mod providers;

use error::Error;
use wasm_bindgen::prelude::*;

fn to_js_error(error: Error) -> JsValue {
    let plain_objects = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&error, &plain_objects)
        .unwrap_or_else(|_| JsValue::from_str(&error.to_string()))
}

/// Service worker: on install and browser start.
#[wasm_bindgen]
pub async fn start() -> Result<(), JsValue> {
    backend::start().await.map(drop).map_err(to_js_error)
}

/// Service worker: refresh every account now (accounts changed, or the alarm fired).
#[wasm_bindgen]
pub async fn refresh() -> Result<(), JsValue> {
    backend::refresh().await.map(drop).map_err(to_js_error)
}

/// Service worker: an alarm fired.
#[wasm_bindgen]
pub async fn on_alarm(name: String) -> Result<(), JsValue> {
    if name == backend::REFRESH_ALARM {
        return refresh().await;
    }
    Ok(())
}

/// Service worker: an intent from one of the extension's own pages.
#[wasm_bindgen]
pub async fn handle_intent(intent: JsValue) -> Result<(), JsValue> {
    let intent = serde_wasm_bindgen::from_value(intent).map_err(|_| {
        to_js_error(Error::invalid_input(
            "Intent",
            "not an intent this version knows",
        ))
    })?;
    backend::handle_intent(intent).await.map_err(to_js_error)
}

/// Popup: the age shown next to an invitation ("3 days ago").
#[wasm_bindgen]
pub fn age_label(sent_at_ms: f64, now_ms: f64) -> String {
    age::age_label(sent_at_ms, now_ms)
}
