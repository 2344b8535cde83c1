//! HTTP: providers describe a request as an `HttpRequest` value and read an `HttpResponse`
//! value; `send` runs one through the worker's transport with a timeout on every request and
//! retries for reads only; `Fetch` is the real transport, the browser's fetch through gloo-net.

use crate::age::parse_decimal;
use crate::error::{Error, ErrorKind};
use crate::worker::effects::{Env, Transport};
use futures_util::future::LocalBoxFuture;
use futures_util::FutureExt;
use wasm_bindgen::prelude::*;

/// Every request gives up after this long, so a hung provider never hangs the badge.
pub const DEFAULT_TIMEOUT_MS: u32 = 20_000;
/// A read is tried at most this many times.
pub const MAX_TRIES: u32 = 3;
/// The first retry waits about this long; each next one twice as long.
const BACKOFF_BASE_MS: f64 = 500.0;
/// A read waits at most this long before its next try; a longer `Retry-After` is reported to
/// the person instead of holding the popup.
const MAX_RETRY_WAIT_MS: f64 = 10_000.0;

/// The module's allocator. Talc is smaller in the module than Rust's default for wasm
/// (dlmalloc) and faster. It belongs beside the exports in lib.rs; it sits here, beside the
/// other platform glue, until it moves.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

/// A request as a plain value. It holds the API key in `headers`, so its `Debug` shows header
/// names only.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body.
    pub body: Option<String>,
    /// True for reads, which change nothing and may be sent again (LinkUp reads are POSTs, so
    /// the method alone cannot say). Actions are never sent twice blindly.
    pub retryable: bool,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .field("retryable", &self.retryable)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    /// The `Date` header, epoch milliseconds: the provider's clock, which says when a send
    /// really happened whatever this machine's clock says.
    pub date_ms: Option<f64>,
    pub body: String,
}

/// A `Date` header (an HTTP-date) in epoch milliseconds.
pub fn http_date_ms(header: &str) -> Option<f64> {
    let time = httpdate::parse_http_date(header.trim()).ok()?;
    let since = time.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(since.as_millis() as f64)
}

/// Runs `request` through `env`'s transport; a read that meets a 429, a 5xx or a network
/// failure is tried again (see `retry_delay_ms`). Fails only when no response arrived in
/// `timeout_ms` (`timeout`) or none could be had (`network`); any HTTP status is a response for
/// the provider to decode.
pub async fn send(
    env: &Env<'_>,
    request: &HttpRequest,
    timeout_ms: u32,
) -> Result<HttpResponse, Error> {
    let mut tries = 1;
    loop {
        let outcome = env.transport.exchange(request, timeout_ms).await;
        if !request.retryable || tries >= MAX_TRIES {
            return outcome;
        }
        match retry_delay_ms(&outcome, tries, env.random.unit()) {
            Some(delay) => env.timers.sleep(delay).await,
            None => return outcome,
        }
        tries += 1;
    }
}

/// How long to wait before trying a read again after try number `tries` (1-based) ended in
/// `outcome`, or `None` when trying again cannot help. `random` in [0, 1) spreads clients
/// apart: half the backoff is fixed, half is random. A timeout is not retried: three of them
/// would hold the popup for a minute.
pub fn retry_delay_ms(
    outcome: &Result<HttpResponse, Error>,
    tries: u32,
    random: f64,
) -> Option<u32> {
    let retry_after_ms = match outcome {
        Ok(response) if response.status == 429 || response.status >= 500 => response
            .retry_after
            .as_deref()
            .and_then(|s| parse_decimal(s.trim()))
            .map(|s| s * 1000.0),
        Err(error) if error.kind == ErrorKind::Network => None,
        _ => return None,
    };
    let backoff = BACKOFF_BASE_MS * f64::from(2u32.pow(tries.saturating_sub(1).min(10)));
    let jittered = backoff / 2.0 + backoff / 2.0 * random.clamp(0.0, 1.0);
    let delay = retry_after_ms.map_or(jittered, |after| after.max(jittered));
    (delay <= MAX_RETRY_WAIT_MS).then_some(delay as u32)
}

/// The browser's fetch, in the service worker as in the pages, through gloo-net.
pub struct Fetch;

impl Transport for Fetch {
    fn exchange<'a>(
        &'a self,
        request: &'a HttpRequest,
        timeout_ms: u32,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, Error>> {
        send_once(request, timeout_ms).boxed_local()
    }
}

async fn send_once(request: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse, Error> {
    // One signal covers the whole exchange, body included, so a trickling body also times out.
    let signal = web_sys::AbortSignal::timeout_with_u32(timeout_ms);
    let mut builder = gloo_net::http::RequestBuilder::new(&request.url)
        .method(match request.method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
            Method::Delete => gloo_net::http::Method::DELETE,
        })
        .abort_signal(Some(&signal))
        // A redirect is not followed: the key would go with it to wherever it points.
        .redirect(web_sys::RequestRedirect::Manual);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let sent = match &request.body {
        Some(body) => {
            builder
                .header("content-type", "application/json")
                .body(body.as_str())
                .map_err(fetch_error)?
                .send()
                .await
        }
        None => builder.send().await,
    };
    let response = sent.map_err(fetch_error)?;
    if response.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(Error::new(ErrorKind::BadResponse).with_detail(
            "the provider answered with a redirect, which Invite Desk does not follow",
        ));
    }
    let headers = response.headers();
    let retry_after = headers.get("retry-after");
    let date_ms = headers.get("date").as_deref().and_then(http_date_ms);
    let declared = headers
        .get("content-length")
        .and_then(|length| length.trim().parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let body = match response.body() {
        Some(stream) => read_capped(stream).await?,
        None => String::new(),
    };
    Ok(HttpResponse {
        status: response.status(),
        retry_after,
        date_ms,
        body,
    })
}

/// The largest body read: a page of 1,000 invitations is about half a megabyte. A larger one is
/// refused rather than copied whole into memory.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

fn too_large() -> Error {
    Error::new(ErrorKind::BadResponse)
        .with_detail("the answer is larger than any page of invitations")
}

/// The body as text, read chunk by chunk and given up past `MAX_BODY_BYTES`.
async fn read_capped(stream: web_sys::ReadableStream) -> Result<String, Error> {
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(read_error)?;
        let done = js_sys::Reflect::get(&chunk, &JsValue::from_str("done"))
            .map_err(read_error)?
            .is_truthy();
        if done {
            break;
        }
        let value =
            js_sys::Reflect::get(&chunk, &JsValue::from_str("value")).map_err(read_error)?;
        let array = js_sys::Uint8Array::new(&value);
        if bytes.len() + array.length() as usize > MAX_BODY_BYTES {
            // Stops the download; whether the cancel itself succeeds changes nothing here.
            let _cancelled = reader.cancel();
            return Err(too_large());
        }
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        array.copy_to(&mut bytes[start..]);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Fetch rejects with a `TimeoutError` when our signal fired, and with a `TypeError` when the
/// connection failed; neither message is shown, as it may name the URL.
fn fetch_error(error: gloo_net::Error) -> Error {
    match error {
        gloo_net::Error::JsError(js) => error_named(&js.name),
        _ => Error::new(ErrorKind::Network),
    }
}

/// A rejection while reading the body, told the same way.
fn read_error(error: JsValue) -> Error {
    let name = js_sys::Reflect::get(&error, &JsValue::from_str("name")).ok();
    error_named(&name.and_then(|name| name.as_string()).unwrap_or_default())
}

fn error_named(name: &str) -> Error {
    match name {
        "TimeoutError" | "AbortError" => Error::new(ErrorKind::Timeout),
        _ => Error::new(ErrorKind::Network),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, retry_after: Option<&str>) -> Result<HttpResponse, Error> {
        Ok(HttpResponse {
            status,
            retry_after: retry_after.map(str::to_owned),
            ..HttpResponse::default()
        })
    }

    #[test]
    fn the_providers_date_header_is_read_in_epoch_milliseconds() {
        assert_eq!(
            http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(http_date_ms("yesterday"), None);
    }

    #[test]
    fn transient_failures_are_retried_with_growing_jittered_backoff() {
        for outcome in [
            status(429, None),
            status(502, None),
            status(503, None),
            Err(Error::new(ErrorKind::Network)),
        ] {
            assert_eq!(retry_delay_ms(&outcome, 1, 0.0), Some(250));
            assert_eq!(retry_delay_ms(&outcome, 1, 0.999_999), Some(499));
            assert_eq!(retry_delay_ms(&outcome, 2, 0.0), Some(500));
            assert_eq!(retry_delay_ms(&outcome, 2, 0.5), Some(750));
        }
    }

    #[test]
    fn answers_that_a_retry_cannot_change_are_not_retried() {
        for outcome in [
            status(200, None),
            status(400, None),
            status(401, None),
            status(404, None),
            Err(Error::new(ErrorKind::Timeout)),
            Err(Error::new(ErrorKind::BadResponse)),
        ] {
            assert_eq!(retry_delay_ms(&outcome, 1, 0.5), None);
        }
    }

    #[test]
    fn a_request_never_prints_its_key() {
        let request = HttpRequest {
            method: Method::Get,
            url: "https://api.unipile.com/v2/acc/users/me/relation-requests".into(),
            headers: vec![("x-api-key", "sk_live_secret".into())],
            body: None,
            retryable: true,
        };
        let printed = format!("{request:?}");
        assert!(printed.contains("x-api-key") && !printed.contains("sk_live_secret"));
    }

    #[test]
    fn retry_after_is_honoured_up_to_ten_seconds() {
        assert_eq!(retry_delay_ms(&status(429, Some("2")), 1, 0.5), Some(2000));
        assert_eq!(
            retry_delay_ms(&status(503, Some(" 0 ")), 1, 0.0),
            Some(250),
            "never sooner than the backoff"
        );
        assert_eq!(
            retry_delay_ms(&status(429, Some("10")), 1, 0.0),
            Some(10_000)
        );
        assert_eq!(
            retry_delay_ms(&status(429, Some("43200")), 1, 0.0),
            None,
            "twelve hours is reported, not waited for"
        );
        assert_eq!(
            retry_delay_ms(&status(429, Some("soon")), 1, 0.0),
            Some(250),
            "an unreadable header falls back on the backoff"
        );
    }
}
