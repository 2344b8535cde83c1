//! What Unipile's two APIs share: the `X-API-KEY` request and the error bodies, v1
//! `{status, type: "errors/…", title, detail}` and v2 `{object: "Error", status,
//! type: "api/…" | "provider/…", title, detail, req_id}` (unipile.md §5, §7), read by shape,
//! not by content type.

use super::{error_from_status, is_success, linkedin_refusal, parse_json, retry_after_seconds};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::input::NOTE_FIELD;
use crate::model::Account;
use serde::Deserialize;

/// A request to the account's Unipile API; not retryable until a read says so.
pub(super) fn request(
    account: &Account,
    method: Method,
    url: String,
    body: Option<String>,
) -> HttpRequest {
    HttpRequest {
        method,
        url,
        headers: vec![
            ("x-api-key", account.api_key.expose().to_owned()),
            ("accept", "application/json".to_owned()),
        ],
        body,
        retryable: false,
    }
}

/// A GET, which changes nothing and may be retried.
pub(super) fn read(account: &Account, url: String) -> HttpRequest {
    HttpRequest {
        retryable: true,
        ..request(account, Method::Get, url, None)
    }
}

/// The body of a success, or the typed error of a failure.
pub(super) fn decode<T: serde::de::DeserializeOwned>(response: &HttpResponse) -> Result<T, Error> {
    if !is_success(response) {
        return Err(error(response));
    }
    parse_json(&response.body)
}

/// The answer to an action, v1 (`object`, `status`, `invitation_id`) and v2 (`object`)
/// alike.
#[derive(Deserialize)]
pub(super) struct Answer {
    pub object: String,
    pub status: Option<String>,
    pub invitation_id: Option<String>,
}

/// An answer that does not say the action was done: its outcome is unknown.
pub(super) fn unconfirmed() -> Error {
    Error::new(ErrorKind::BadResponse).with_detail("Unipile's answer does not confirm the action")
}

#[derive(Deserialize)]
struct WireError {
    #[serde(rename = "type")]
    kind: String,
    title: Option<String>,
    detail: Option<String>,
}

/// The typed error of a failed Unipile response; a body in another shape (a proxy's HTML page)
/// falls back on the status.
fn error(response: &HttpResponse) -> Error {
    let Ok(wire) = serde_json::from_str::<WireError>(&response.body) else {
        return error_from_status(response);
    };
    let words = wire
        .detail
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .or(wire.title.as_deref())
        .unwrap_or_default();
    // v2 documents no type for LinkedIn's invitation refusals: they come as 422 or 409 with
    // the reason in `detail` (unipile.md §5).
    let kind = match kind(&wire.kind, response.status) {
        ErrorKind::ProviderError => linkedin_refusal(words).unwrap_or(ErrorKind::ProviderError),
        kind => kind,
    };
    let error = Error::new(kind)
        .with_detail(words)
        .with_retry_after(retry_after_seconds(response));
    match wire.kind.rsplit('/').next() {
        Some("too_many_characters") => error.for_field(NOTE_FIELD.key, NOTE_FIELD.label),
        _ => error,
    }
}

/// Kinds by the documented slugs, then by status for slugs we do not know.
fn kind(wire_type: &str, status: u16) -> ErrorKind {
    let (origin, slug) = wire_type.rsplit_once('/').unwrap_or(("", wire_type));
    match slug {
        // The LinkedIn session behind the account is gone: reconnecting fixes it, not the key.
        "disconnected_account" | "disconnected_feature" => ErrorKind::Forbidden,
        "invalid_authorization" if origin == "provider" => ErrorKind::Forbidden,
        "already_invited_recently"
        | "already_connected"
        | "action_already_performed"
        | "already_exists"
        | "conflict" => ErrorKind::AlreadyDone,
        // A wait for this one person (a withdrawal, a recent invitation): the others can go.
        "cannot_resend_yet" | "cannot_resend_within_24hrs" => ErrorKind::CannotInvite,
        "limit_exceeded" => ErrorKind::LimitReached,
        "insufficient_credits" => ErrorKind::OutOfCredits,
        "invalid_account" | "feature_not_subscribed" | "subscription_required" => {
            ErrorKind::Forbidden
        }
        "resource_not_found" | "invalid_resource_identifier" => ErrorKind::NotFound,
        "too_many_requests" => ErrorKind::RateLimited,
        "invalid_parameters"
        | "missing_parameters"
        | "too_many_characters"
        | "invalid_url"
        | "malformed_request"
        | "limit_too_high" => ErrorKind::InvalidInput,
        "feature_not_implemented" | "not_implemented" => ErrorKind::ProviderError,
        _ => match status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::ProviderUnavailable,
            _ => ErrorKind::ProviderError,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::test_support::{fixture, response};

    #[test]
    fn documented_bodies_map_to_their_kinds() {
        let cases = [
            (
                401,
                "unipile_v1/error_missing_credentials.json",
                ErrorKind::Unauthorized,
            ),
            (
                422,
                "unipile_v1/error_already_invited_recently.json",
                ErrorKind::AlreadyDone,
            ),
            (
                422,
                "unipile_v1/error_cannot_resend_yet.json",
                ErrorKind::CannotInvite,
            ),
            (
                422,
                "unipile_v1/error_limit_exceeded.json",
                ErrorKind::LimitReached,
            ),
            (
                401,
                "unipile_v2/error_invalid_authorization.json",
                ErrorKind::Forbidden,
            ),
            (
                429,
                "unipile_v2/error_too_many_requests.json",
                ErrorKind::RateLimited,
            ),
        ];
        for (status, path, expected) in cases {
            let error = error(&response(status, &fixture(path)));
            assert_eq!(error.kind, expected, "{path}");
            assert!(error.detail.is_some(), "{path} keeps Unipile's words");
        }
        let error = error(&response(
            422,
            &fixture("unipile_v1/error_limit_exceeded.json"),
        ));
        assert_eq!(
            error.detail.as_deref(),
            Some("Limit exceeded"),
            "title when no detail"
        );
    }

    #[test]
    fn every_listed_status_family_has_a_kind() {
        let cases = [
            ("api/missing_authorization", 401, ErrorKind::Unauthorized),
            ("errors/disconnected_account", 401, ErrorKind::Forbidden),
            ("errors/insufficient_permissions", 403, ErrorKind::Forbidden),
            ("api/resource_not_found", 404, ErrorKind::NotFound),
            ("api/conflict", 409, ErrorKind::AlreadyDone),
            ("errors/already_connected", 422, ErrorKind::AlreadyDone),
            ("errors/insufficient_credits", 422, ErrorKind::OutOfCredits),
            ("errors/invalid_parameters", 400, ErrorKind::InvalidInput),
            ("provider/too_many_requests", 429, ErrorKind::RateLimited),
            (
                "errors/no_client_session",
                503,
                ErrorKind::ProviderUnavailable,
            ),
            ("api/proxy_timeout", 504, ErrorKind::ProviderUnavailable),
            (
                "provider/unprocessable_entity",
                422,
                ErrorKind::ProviderError,
            ),
            ("errors/something_new", 418, ErrorKind::ProviderError),
        ];
        for (wire_type, status, expected) in cases {
            let body =
                format!(r#"{{"status":{status},"type":"{wire_type}","title":"T","detail":"D"}}"#);
            assert_eq!(
                error(&response(status, &body)).kind,
                expected,
                "{wire_type}"
            );
        }
    }

    #[test]
    fn linkedin_reasons_in_words_are_read_when_the_type_says_nothing() {
        for (detail, expected) in [
            (
                "You are already connected with this person",
                ErrorKind::AlreadyDone,
            ),
            ("Weekly invitation limit reached", ErrorKind::LimitReached),
            ("Something else", ErrorKind::ProviderError),
        ] {
            let body = format!(
                r#"{{"object":"Error","status":422,"type":"provider/unprocessable_entity","title":"Unprocessable","detail":"{detail}"}}"#
            );
            assert_eq!(error(&response(422, &body)).kind, expected, "{detail}");
        }
    }

    #[test]
    fn a_long_note_names_the_note_field() {
        let body =
            r#"{"status":400,"type":"errors/too_many_characters","title":"Too many characters"}"#;
        let error = error(&response(400, body));
        assert_eq!(
            (error.kind, error.field.as_deref()),
            (ErrorKind::InvalidInput, Some("note"))
        );
    }

    #[test]
    fn rate_limits_carry_retry_after_and_html_falls_back_on_status() {
        let limited = HttpResponse {
            retry_after: Some("12".into()),
            ..response(429, &fixture("unipile_v2/error_too_many_requests.json"))
        };
        assert_eq!(error(&limited).retry_after_s, Some(12));
        let html = error(&response(502, "<html>Bad Gateway</html>"));
        assert_eq!(html.kind, ErrorKind::ProviderUnavailable);
    }
}
