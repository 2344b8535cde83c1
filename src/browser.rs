//! The real effects of the worker (`worker::effects`) in the browser: the clock and random of
//! JavaScript, chrome.storage.local and .session, chrome.alarms with a timer for short waits,
//! the toolbar badge, notifications and chrome.idle; and search's folding of text and names'
//! case, by the browser's Unicode tables. Stored values cross as JSON text: the browser's own JSON.parse and
//! JSON.stringify move thousands of invitations faster, and in less code, than building them
//! field by field.

use crate::accounts;
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse};
use crate::notices::Notice;
use crate::snapshot::Badge;
use crate::worker::effects::{
    Area, Clock, Env, Idle, Notifier, Presence, Random, Storage, Timers, Toolbar, Transport,
};
use crate::worker::Worker;
use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use js_sys::{Object, Reflect, JSON};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get, catch)]
    async fn storage_local_get(keys: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set, catch)]
    async fn storage_local_set(items: JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove, catch)]
    async fn storage_local_remove(keys: JsValue) -> Result<JsValue, JsValue>;

    /// Chrome 130, Firefox 143; older browsers throw, and every value is read instead.
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = getKeys, catch)]
    async fn storage_local_get_keys() -> Result<JsValue, JsValue>;

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

    // Not `async`: where the API is missing the call itself throws, which `catch` turns into an
    // error here rather than a promise that never was.
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = contains, catch)]
    fn permissions_contains(permissions: &JsValue) -> Result<js_sys::Promise, JsValue>;

    // Not `async` either: the API exists only once the person allowed notifications.
    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = create, catch)]
    fn notifications_create(id: &str, options: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = clear, catch)]
    fn notifications_clear(id: &str) -> Result<js_sys::Promise, JsValue>;

    // Not `async`: without the `idle` permission the API is missing and the call throws.
    #[wasm_bindgen(js_namespace = ["chrome", "idle"], js_name = queryState, catch)]
    fn idle_query_state(detection_interval_s: u32) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "idle"], js_name = setDetectionInterval, catch)]
    fn idle_set_detection_interval(interval_s: u32) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getContexts, catch)]
    fn runtime_get_contexts(filter: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(what: &str, code: &str, message: &str);
}

/// A wait up to this long also runs a timer in the worker, because Chrome runs a packed
/// extension's alarms at most every 30 seconds. Longer ones go through the alarm alone: a timer
/// of days would overflow (timers take 32-bit milliseconds) and die with the worker anyway.
const TIMER_AT_MOST_MS: f64 = 5.0 * 60_000.0;

thread_local! {
    /// The time each name's timer is armed for: a timer whose wake-up was replaced does nothing.
    static TIMERS: RefCell<HashMap<&'static str, f64>> = RefCell::new(HashMap::new());
}

/// The browser itself: every effect, HTTP through `http::Fetch` once the browser allows it.
pub struct Browser;

/// The worker's effects in the browser.
pub fn env() -> Env<'static> {
    Env {
        clock: &Browser,
        random: &Browser,
        timers: &Browser,
        storage: &Browser,
        transport: &Browser,
        toolbar: &Browser,
        notifier: &Browser,
        presence: &Browser,
    }
}

thread_local! {
    static WORKER: &'static Worker<'static> = Box::leak(Box::new(Worker::new(env())));
}

/// The one worker of this service worker (or page): its locks live as long as it does.
pub fn worker() -> &'static Worker<'static> {
    WORKER.with(|worker| *worker)
}

impl Clock for Browser {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

impl Idle for Browser {
    fn away(&self, idle_after_s: u32) -> LocalBoxFuture<'_, bool> {
        async move {
            let Ok(asked) = idle_query_state(idle_after_s) else {
                return false;
            };
            let state = wasm_bindgen_futures::JsFuture::from(asked).await;
            state
                .ok()
                .and_then(|state| state.as_string())
                .is_some_and(|state| Presence::of(&state) == Presence::Away)
        }
        .boxed_local()
    }

    fn watch(&self, idle_after_s: u32) {
        // Without the API the state never changes, and polls go on as if someone were there.
        let _unwatched = idle_set_detection_interval(idle_after_s);
    }
}

impl Random for Browser {
    fn unit(&self) -> f64 {
        js_sys::Math::random()
    }
}

impl Timers for Browser {
    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()> {
        gloo_timers::future::TimeoutFuture::new(ms).boxed_local()
    }

    fn wake_at(&self, name: &'static str, when_ms: f64) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            let info = object(&[("when", when_ms.into())])?;
            alarms_create(name, info).await.map_err(browser_error)?;
            if let Some(wait_ms) = timer_ms(when_ms - js_sys::Date::now()) {
                TIMERS.with(|timers| timers.borrow_mut().insert(name, when_ms));
                wasm_bindgen_futures::spawn_local(async move {
                    gloo_timers::future::TimeoutFuture::new(wait_ms).await;
                    let current = TIMERS.with(|timers| timers.borrow().get(name) == Some(&when_ms));
                    if current {
                        TIMERS.with(|timers| timers.borrow_mut().remove(name));
                        if let Err(error) = crate::worker::on_alarm(worker(), name).await {
                            log_error(name, &error);
                        }
                    }
                });
            }
            Ok(())
        }
        .boxed_local()
    }

    fn repeat(&self, name: &'static str, minutes: f64) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            let info = object(&[("periodInMinutes", minutes.into())])?;
            alarms_create(name, info).await.map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }

    fn cancel(&self, name: &'static str) -> LocalBoxFuture<'_, Result<(), Error>> {
        async move {
            TIMERS.with(|timers| timers.borrow_mut().remove(name));
            alarms_clear(name).await.map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }
}

impl Storage for Browser {
    fn get<'a>(
        &'a self,
        area: Area,
        keys: &'a [&'a str],
    ) -> LocalBoxFuture<'a, Result<String, Error>> {
        async move {
            let keys: js_sys::Array = keys.iter().map(|key| JsValue::from_str(key)).collect();
            let stored = match area {
                Area::Local => storage_local_get(keys.into()).await,
                Area::Session => storage_session_get(keys.into()).await,
            }
            .map_err(browser_error)?;
            let text = JSON::stringify(&stored).map_err(browser_error)?;
            Ok(String::from(text))
        }
        .boxed_local()
    }

    fn set<'a>(&'a self, area: Area, items: &'a str) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            let parsed = JSON::parse(items).map_err(browser_error)?;
            match area {
                Area::Local => storage_local_set(parsed).await,
                Area::Session => storage_session_set(parsed).await,
            }
            .map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }

    fn remove<'a>(&'a self, keys: &'a [String]) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            let keys: js_sys::Array = keys.iter().map(|key| JsValue::from_str(key)).collect();
            storage_local_remove(keys.into())
                .await
                .map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }

    fn keys(&self) -> LocalBoxFuture<'_, Result<Vec<String>, Error>> {
        async move {
            let keys = match storage_local_get_keys().await {
                Ok(keys) => js_sys::Array::from(&keys),
                Err(_) => {
                    let everything = storage_local_get(JsValue::NULL)
                        .await
                        .map_err(browser_error)?;
                    js_sys::Object::keys(&everything.into())
                }
            };
            Ok(keys.iter().filter_map(|key| key.as_string()).collect())
        }
        .boxed_local()
    }
}

impl Toolbar for Browser {
    fn show<'a>(&'a self, badge: &'a Badge) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            action_set_badge_text(object(&[("text", badge.text.as_str().into())])?)
                .await
                .map_err(browser_error)?;
            action_set_badge_background_color(object(&[("color", badge.color.into())])?)
                .await
                .map_err(browser_error)?;
            action_set_title(object(&[("title", badge.title.as_str().into())])?)
                .await
                .map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }
}

impl Notifier for Browser {
    fn popup_open(&self) -> LocalBoxFuture<'_, bool> {
        async move {
            let open = async {
                let types = js_sys::Array::of2(&"POPUP".into(), &"TAB".into());
                let filter = object(&[("contextTypes", types.into())]).ok()?;
                let asked = runtime_get_contexts(&filter).ok()?;
                let contexts = wasm_bindgen_futures::JsFuture::from(asked).await.ok()?;
                let open = js_sys::Array::from(&contexts).iter().any(|context| {
                    Reflect::get(&context, &"documentUrl".into())
                        .ok()
                        .and_then(|url| url.as_string())
                        .and_then(|url| crate::web_url::Url::parse(&url))
                        .is_some_and(|url| url.path() == "/popup.html")
                });
                Some(open)
            };
            // Where the browser cannot tell, nothing is taken as open: the person asked to be told.
            open.await.unwrap_or(false)
        }
        .boxed_local()
    }

    fn notify<'a>(&'a self, notice: &'a Notice) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            let mut options = vec![
                ("type", "basic".into()),
                ("iconUrl", "icons/icon128.png".into()),
                ("title", notice.title.as_str().into()),
                ("message", notice.message.as_str().into()),
            ];
            let plain = object(&options)?;
            if !notice.buttons.is_empty() {
                let buttons: js_sys::Array = notice
                    .buttons
                    .iter()
                    .map(|title| object(&[("title", title.as_str().into())]))
                    .collect::<Result<_, _>>()?;
                options.push(("buttons", buttons.into()));
                // Firefox has no buttons and refuses a notification that asks for them: it
                // gets the same without.
                if create_notification(&notice.id, &object(&options)?)
                    .await
                    .is_ok()
                {
                    return Ok(());
                }
            }
            create_notification(&notice.id, &plain).await
        }
        .boxed_local()
    }

    fn clear<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<(), Error>> {
        async move {
            let cleared = notifications_clear(id).map_err(|_| notifications_not_allowed())?;
            wasm_bindgen_futures::JsFuture::from(cleared)
                .await
                .map_err(browser_error)?;
            Ok(())
        }
        .boxed_local()
    }
}

async fn create_notification(id: &str, options: &JsValue) -> Result<(), Error> {
    let created = notifications_create(id, options).map_err(|_| notifications_not_allowed())?;
    wasm_bindgen_futures::JsFuture::from(created)
        .await
        .map_err(browser_error)?;
    Ok(())
}

fn notifications_not_allowed() -> Error {
    Error::new(ErrorKind::Browser).with_detail("notifications are not allowed in this browser")
}

impl Transport for Browser {
    fn exchange<'a>(
        &'a self,
        request: &'a HttpRequest,
        timeout_ms: u32,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, Error>> {
        async move {
            allowed(&request.url).await?;
            crate::http::Fetch.exchange(request, timeout_ms).await
        }
        .boxed_local()
    }
}

/// Refuses a request to an origin the person has not granted, naming the permission to ask
/// for: Firefox leaves host permissions to the user, and Chrome lets them be withdrawn. Where
/// the permissions API is missing (a plain page, as in the wasm suites) fetch has the last word.
async fn allowed(url: &str) -> Result<(), Error> {
    let Some(url) = crate::web_url::Url::parse(url) else {
        return Ok(());
    };
    let origin = url.origin();
    let Some(pattern) = accounts::host_permission(&origin) else {
        return Ok(());
    };
    let query = object(&[("origins", js_sys::Array::of1(&pattern.into()).into())])?;
    let Ok(asked) = permissions_contains(&query) else {
        return Ok(());
    };
    match wasm_bindgen_futures::JsFuture::from(asked).await {
        Ok(granted) if granted.as_bool() == Some(false) => Err(accounts::not_allowed(&origin)),
        _ => Ok(()),
    }
}

/// The in-worker timer for a wait of `wait_ms`, if it gets one: short waits only.
fn timer_ms(wait_ms: f64) -> Option<u32> {
    let wait_ms = wait_ms.max(0.0);
    (wait_ms <= TIMER_AT_MOST_MS).then_some(wait_ms as u32)
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

/// `text` in capitals, by the browser's tables (`toUpperCase`).
pub fn upper_case(text: &str) -> String {
    js_sys::JsString::from(text).to_upper_case().into()
}

/// `text` in small letters, by the browser's tables (`toLowerCase`).
pub fn lower_case(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

/// `text` decomposed (`normalize("NFD")`), its marks (`\p{M}`) dropped, lowercased: what
/// `search::fold` does natively, by the browser's own Unicode tables.
pub fn fold(text: &str) -> String {
    thread_local! {
        static MARKS: js_sys::RegExp = js_sys::RegExp::new(r"\p{M}", "gu");
    }
    let decomposed = js_sys::JsString::from(text).normalize("NFD");
    MARKS
        .with(|marks| decomposed.replace_by_pattern(marks, ""))
        .to_lower_case()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_waits_get_a_timer_a_month_goes_through_the_alarm_alone() {
        assert_eq!(timer_ms(10_000.0), Some(10_000));
        assert_eq!(timer_ms(-5.0), Some(0), "already due");
        assert_eq!(timer_ms(TIMER_AT_MOST_MS), Some(300_000));
        // 30 days: past a 32-bit timer's 24.8 days, which would fire at once, again and again.
        assert_eq!(timer_ms(30.0 * 86_400_000.0), None);
        assert_eq!(timer_ms(f64::INFINITY), None);
    }
}
