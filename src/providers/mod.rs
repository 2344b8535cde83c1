//! The provider APIs, one module each, as pure functions: an operation becomes an
//! `HttpRequest`, an `HttpResponse` becomes a typed result. No I/O here (see `http.rs`).

pub mod linkup;

use crate::error::{Error, ErrorKind};
use crate::http::HttpResponse;
use crate::model::Account;
use serde::de::DeserializeOwned;

/// The account's base URL without a trailing slash, or the provider's public one.
fn base_url<'a>(account: &'a Account, default: &'a str) -> &'a str {
    match account.base_url.trim().trim_end_matches('/') {
        "" => default,
        custom => custom,
    }
}

/// Decodes a JSON body; anything else (an HTML error page, a truncated body) is `bad_response`.
fn parse_json<T: DeserializeOwned>(body: &str) -> Result<T, Error> {
    serde_json::from_str(body).map_err(|e| Error::unreadable_json(ErrorKind::BadResponse, &e))
}

/// The error for a failed response whose body is not in the provider's error shape, going by
/// the status alone: a proxy's HTML 502 page, an empty 429.
fn error_from_status(response: &HttpResponse) -> Error {
    let kind = match response.status {
        401 => ErrorKind::Unauthorized,
        402 => ErrorKind::OutOfCredits,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::ProviderUnavailable,
        _ => ErrorKind::BadResponse,
    };
    Error::new(kind).with_retry_after(retry_after_seconds(response))
}

/// `Retry-After` in whole seconds. The HTTP-date form is not used by these providers.
fn retry_after_seconds(response: &HttpResponse) -> Option<u32> {
    response.retry_after.as_deref()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            retry_after: retry_after.map(str::to_owned),
            body: String::new(),
        }
    }

    #[test]
    fn status_alone_still_gives_a_useful_kind() {
        assert_eq!(
            error_from_status(&response(502, None)).kind,
            ErrorKind::ProviderUnavailable
        );
        assert_eq!(
            error_from_status(&response(401, None)).kind,
            ErrorKind::Unauthorized
        );
        assert_eq!(
            error_from_status(&response(418, None)).kind,
            ErrorKind::BadResponse
        );
        let limited = error_from_status(&response(429, Some(" 12 ")));
        assert_eq!(
            (limited.kind, limited.retry_after_s),
            (ErrorKind::RateLimited, Some(12))
        );
        let dated = error_from_status(&response(429, Some("Wed, 21 Oct 2026 07:28:00 GMT")));
        assert_eq!(dated.retry_after_s, None);
    }

    #[test]
    fn html_is_a_bad_response_not_a_panic() {
        let error = parse_json::<serde_json::Value>("<html><body>502 Bad Gateway</body></html>")
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadResponse);
    }
}
