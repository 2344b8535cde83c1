//! Bindings to the chrome.* APIs the backend uses: storage.local and storage.session, the
//! action's badge and the alarms. Stored values cross as JSON text: the browser's own JSON.parse and JSON.stringify
//! move a 5,000-invitation snapshot faster, and in less code, than building it field by field.

use crate::error::{Error, ErrorKind};
use js_sys::{Object, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    async fn storage_local_get(keys: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    async fn storage_local_set(items: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    async fn storage_local_remove(keys: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get, catch)]
    async fn storage_session_get(keys: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set, catch)]
    async fn storage_session_set(items: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeText, catch)]
    async fn action_set_badge_text(details: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor, catch)]
    async fn action_set_badge_background_color(details: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setTitle, catch)]
    async fn action_set_title(details: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create, catch)]
    async fn alarms_create(name: &str, info: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear, catch)]
    async fn alarms_clear(name: &str) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(what: &str, code: &str, message: &str);
}

/// Which storage area: `local` lasts; `session` is kept in memory until the browser closes and
/// costs no disk write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Local,
    Session,
}

/// The stored values of `keys` as the JSON text of one object (missing keys are absent).
pub async fn storage_get(keys: &[&str]) -> Result<String, Error> {
    read(Area::Local, keys).await
}

pub async fn read(area: Area, keys: &[&str]) -> Result<String, Error> {
    let keys: js_sys::Array = keys.iter().map(|key| JsValue::from_str(key)).collect();
    let stored = match area {
        Area::Local => storage_local_get(keys.into()).await,
        Area::Session => storage_session_get(keys.into()).await,
    }
    .map_err(browser_error)?;
    let text = JSON::stringify(&stored).map_err(browser_error)?;
    Ok(String::from(text))
}

/// Writes each field of `items` under its own key, in one call: one change event, and the
/// values land together.
pub async fn storage_set(items: &impl Serialize) -> Result<(), Error> {
    write(Area::Local, items).await
}

pub async fn write(area: Area, items: &impl Serialize) -> Result<(), Error> {
    // Our own types always serialize; this only guards against a future map with odd keys.
    let text = serde_json::to_string(items).map_err(|_| {
        Error::new(ErrorKind::Browser).with_detail("the data could not be written as JSON")
    })?;
    let parsed = JSON::parse(&text).map_err(browser_error)?;
    match area {
        Area::Local => storage_local_set(parsed).await,
        Area::Session => storage_session_set(parsed).await,
    }
    .map_err(browser_error)?;
    Ok(())
}

pub async fn storage_remove(keys: &[String]) -> Result<(), Error> {
    if keys.is_empty() {
        return Ok(());
    }
    let keys: js_sys::Array = keys.iter().map(|key| JsValue::from_str(key)).collect();
    storage_local_remove(keys.into())
        .await
        .map_err(browser_error)?;
    Ok(())
}

pub async fn set_badge(text: &str, color: &str, title: &str) -> Result<(), Error> {
    action_set_badge_text(object(&[("text", text.into())])?)
        .await
        .map_err(browser_error)?;
    action_set_badge_background_color(object(&[("color", color.into())])?)
        .await
        .map_err(browser_error)?;
    action_set_title(object(&[("title", title.into())])?)
        .await
        .map_err(browser_error)?;
    Ok(())
}

/// Creates (or replaces) a repeating alarm; its first run is one period from now.
pub async fn create_alarm(name: &str, period_minutes: f64) -> Result<(), Error> {
    let info = object(&[("periodInMinutes", period_minutes.into())])?;
    alarms_create(name, info).await.map_err(browser_error)?;
    Ok(())
}

/// Creates (or replaces) a one-time alarm at `when_ms` (epoch milliseconds).
pub async fn create_alarm_at(name: &str, when_ms: f64) -> Result<(), Error> {
    let info = object(&[("when", when_ms.into())])?;
    alarms_create(name, info).await.map_err(browser_error)?;
    Ok(())
}

pub async fn clear_alarm(name: &str) -> Result<(), Error> {
    alarms_clear(name).await.map_err(browser_error)?;
    Ok(())
}

/// Logs a failure nobody waits for; errors never hold a key.
pub fn log_error(what: &str, error: &Error) {
    console_warn(
        &format!("Invite Desk: {what}:"),
        &format!("{:?}", error.kind),
        &error.to_string(),
    );
}

fn object(entries: &[(&str, JsValue)]) -> Result<JsValue, Error> {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &JsValue::from_str(key), value).map_err(browser_error)?;
    }
    Ok(object.into())
}

/// Chrome rejects with an `Error` (or, from some APIs, a plain string).
fn browser_error(error: JsValue) -> Error {
    let text = error.as_string().or_else(|| {
        Reflect::get(&error, &JsValue::from_str("message"))
            .ok()?
            .as_string()
    });
    Error::new(ErrorKind::Browser).with_detail(&text.unwrap_or_default())
}
