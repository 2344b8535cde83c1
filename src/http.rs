//! The one place that does I/O. Providers describe a request as an `HttpRequest` value and read
//! an `HttpResponse` value; `send` runs one over fetch, with a timeout on every request.

use crate::error::{Error, ErrorKind};

/// Every request gives up after this long, so a hung provider never hangs the badge.
pub const DEFAULT_TIMEOUT_MS: u32 = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// A request as a plain value. It holds the API key in `headers`, so it has no `Debug`.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body.
    pub body: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
    pub body: String,
}

/// Runs `request` over fetch. Fails only when no response arrived in `timeout_ms` (`timeout`)
/// or none could be had (`network`); any HTTP status is a response for the provider to decode.
pub async fn send(request: &HttpRequest, timeout_ms: u32) -> Result<HttpResponse, Error> {
    // One signal covers the whole exchange, body included, so a trickling body also times out.
    let signal = web_sys::AbortSignal::timeout_with_u32(timeout_ms);
    let mut builder = match request.method {
        Method::Get => gloo_net::http::Request::get(&request.url),
        Method::Post => gloo_net::http::Request::post(&request.url),
    }
    .abort_signal(Some(&signal));
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let built = match &request.body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(body.as_str()),
        None => builder.build(),
    };
    let response = built
        .map_err(fetch_error)?
        .send()
        .await
        .map_err(fetch_error)?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.map_err(fetch_error)?;
    Ok(HttpResponse {
        status,
        retry_after,
        body,
    })
}

/// Fetch rejects with a `TimeoutError` when our signal fired, and with a `TypeError` when the
/// connection failed; neither message is shown, as it may name the URL.
fn fetch_error(error: gloo_net::Error) -> Error {
    match error {
        gloo_net::Error::JsError(js) if js.name == "TimeoutError" || js.name == "AbortError" => {
            Error::new(ErrorKind::Timeout)
        }
        _ => Error::new(ErrorKind::Network),
    }
}
