//! Everything the worker does to the world goes through `Env`: a clock, a random source,
//! timers and alarms, storage, the HTTP transport, the toolbar and notifications, the machine's
//! idle state, one small trait each.
//! `browser.rs` and `http.rs` hold the only real implementations; the worker's tests run the
//! same code against fakes that fail at every step. Futures are boxed so that each trait can
//! stand behind `&dyn`: one worker, whatever the effects.

use crate::error::Error;
use crate::http::{HttpRequest, HttpResponse};
use crate::notices::Notice;
use crate::snapshot::Badge;
use futures_util::future::LocalBoxFuture;

/// Which storage area: `Local` lasts; `Session` is kept in memory until the browser closes and
/// costs no disk write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    Local,
    Session,
}

pub trait Clock {
    /// Epoch milliseconds, as the machine says: it can be wrong and can jump.
    fn now_ms(&self) -> f64;
}

pub trait Random {
    /// A number in [0, 1).
    fn unit(&self) -> f64;
}

pub trait Timers {
    /// Resolves after `ms` milliseconds (a retry's backoff); lost if the worker stops.
    fn sleep(&self, ms: u32) -> LocalBoxFuture<'_, ()>;
    /// Makes the browser call the worker's alarm handler with `name` at `when_ms`, also when
    /// the worker has stopped by then: one alarm per name, a new one replaces it.
    fn wake_at(&self, name: &'static str, when_ms: f64) -> LocalBoxFuture<'_, Result<(), Error>>;
    /// The same every `minutes`, the first one period from now.
    fn repeat(&self, name: &'static str, minutes: f64) -> LocalBoxFuture<'_, Result<(), Error>>;
    fn cancel(&self, name: &'static str) -> LocalBoxFuture<'_, Result<(), Error>>;
}

pub trait Storage {
    /// The values of `keys` as the JSON text of one object; missing keys are absent.
    fn get<'a>(
        &'a self,
        area: Area,
        keys: &'a [&'a str],
    ) -> LocalBoxFuture<'a, Result<String, Error>>;
    /// Writes each field of the JSON object `items` under its own key, in one call.
    fn set<'a>(&'a self, area: Area, items: &'a str) -> LocalBoxFuture<'a, Result<(), Error>>;
    fn remove<'a>(&'a self, keys: &'a [String]) -> LocalBoxFuture<'a, Result<(), Error>>;
    /// Every key in local storage.
    fn keys(&self) -> LocalBoxFuture<'_, Result<Vec<String>, Error>>;
}

pub trait Transport {
    /// One exchange: `timeout` when no whole answer came in `timeout_ms`, `network` when none
    /// could be had; any HTTP status is an answer.
    fn exchange<'a>(
        &'a self,
        request: &'a HttpRequest,
        timeout_ms: u32,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, Error>>;
}

pub trait Toolbar {
    fn show<'a>(&'a self, badge: &'a Badge) -> LocalBoxFuture<'a, Result<(), Error>>;
}

pub trait Notifier {
    /// Whether the popup is open anywhere: what is new is seen there, not announced.
    fn popup_open(&self) -> LocalBoxFuture<'_, bool>;
    /// Shows `notice`; an error when the person has not allowed notifications.
    fn notify<'a>(&'a self, notice: &'a Notice) -> LocalBoxFuture<'a, Result<(), Error>>;
    fn clear<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<(), Error>>;
}

/// Whether someone is at the machine, as the browser tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Active,
    /// Idle or locked.
    Away,
}

impl Presence {
    /// The browser's idle state: "active", "idle" or "locked".
    pub fn of(state: &str) -> Presence {
        match state {
            "active" => Presence::Active,
            _ => Presence::Away,
        }
    }
}

pub trait Idle {
    /// Whether the machine is locked or has had no input for `idle_after_s`; where the browser
    /// cannot tell, someone is there, and the polls go on as they would without this.
    fn away(&self, idle_after_s: u32) -> LocalBoxFuture<'_, bool>;
    /// Has the browser tell the worker when its idle state changes, with the same threshold.
    fn watch(&self, idle_after_s: u32);
}

/// The effects one worker runs with.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub clock: &'a dyn Clock,
    pub random: &'a dyn Random,
    pub timers: &'a dyn Timers,
    pub storage: &'a dyn Storage,
    pub transport: &'a dyn Transport,
    pub toolbar: &'a dyn Toolbar,
    pub notifier: &'a dyn Notifier,
    pub presence: &'a dyn Idle,
}
