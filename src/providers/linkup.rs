//! LinkUp v2: every call is `POST {base}/v2/network` with `x-api-key` and a body
//! `{account_id, action, params}`; answers come in a `{success, data | error, metadata}`
//! envelope. Contract: shared/providers/linkup.md.

use super::{base_url, error_from_status, parse_json, retry_after_seconds};
use crate::age::{parse_relative_ms, DAY_MS};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::model::{
    safe_picture_url, safe_profile_url, Account, Cursor, Direction, Handles, Invitation, Page,
    Person,
};
use serde::Deserialize;
use serde_json::json;

pub const DEFAULT_BASE_URL: &str = "https://api.linkupapi.com";
/// The largest `count` LinkUp serves in one call. Credits are charged per 50 results whatever the
/// page size, so the largest page costs the fewest calls and no extra credits.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// One page of pending received invitations.
pub fn list_received(account: &Account, offset: u64, count: u32) -> HttpRequest {
    let params = json!({
        "count": count.clamp(1, MAX_PAGE_SIZE),
        "offset": offset,
        "invitation_type": "CONNECTION",
    });
    network_request(account, "list_invitations", params)
}

fn network_request(account: &Account, action: &str, params: serde_json::Value) -> HttpRequest {
    let body = json!({ "account_id": account.account_id, "action": action, "params": params });
    HttpRequest {
        method: Method::Post,
        url: format!("{}/v2/network", base_url(account, DEFAULT_BASE_URL)),
        headers: vec![("x-api-key", account.api_key.expose().to_owned())],
        body: Some(body.to_string()),
    }
}

/// Decodes a `list_invitations` answer for the page that started at `offset`. `fetched_at_ms`
/// turns LinkUp's relative ages ("2w") into estimated dates.
pub fn decode_list_received(
    response: &HttpResponse,
    account: &Account,
    offset: u64,
    fetched_at_ms: f64,
) -> Result<Page<Invitation>, Error> {
    let data: ListData = decode_envelope(response)?;
    let items = data
        .invitations
        .into_iter()
        .map(|wire| wire.into_invitation(account, Direction::Received, fetched_at_ms))
        .collect::<Result<Vec<_>, _>>()?;
    let returned = items.len() as u64;
    let pagination = data.pagination.unwrap_or_default();
    let next_offset = pagination.next_offset.unwrap_or(offset + returned);
    let has_more = pagination.has_more.unwrap_or_else(|| {
        data.total_available_results
            .is_some_and(|total| next_offset < total)
    });
    // An empty page or an offset that does not move forward ends the listing, whatever the
    // flags say: a provider bug must not loop forever.
    let next =
        (has_more && returned > 0 && next_offset > offset).then_some(Cursor::Offset(next_offset));
    Ok(Page {
        items,
        total: data.total_available_results,
        next,
    })
}

/// The `data` of a success envelope, or the typed error of an error envelope. LinkUp may also
/// answer HTTP 200 with `success: false`, so both the status and the flag are checked.
fn decode_envelope<T: serde::de::DeserializeOwned>(response: &HttpResponse) -> Result<T, Error> {
    let success = (200..300).contains(&response.status);
    let envelope: Envelope<T> = match parse_json(&response.body) {
        Ok(envelope) => envelope,
        Err(_) if !success => return Err(error_from_status(response)),
        Err(error) => return Err(error),
    };
    match (success, envelope.success, envelope.error, envelope.data) {
        (true, Some(true) | None, None, Some(data)) => Ok(data),
        (_, _, Some(error), _) => Err(map_error(&error, response)),
        (true, Some(false), None, _) => Err(Error::new(ErrorKind::ProviderError)),
        (true, _, None, None) => {
            Err(Error::new(ErrorKind::BadResponse).with_detail("no data in the answer"))
        }
        (false, _, None, _) => Err(error_from_status(response)),
    }
}

/// LinkUp's documented error codes (linkup.md §2); an unknown one keeps LinkUp's own text.
fn map_error(error: &WireError, response: &HttpResponse) -> Error {
    let kind = match error.code.as_str() {
        "INVALID_API_KEY" => ErrorKind::Unauthorized,
        "ACCOUNT_INACTIVE" => ErrorKind::Forbidden,
        "INVALID_ACCOUNT" => ErrorKind::NotFound,
        "INSUFFICIENT_CREDITS" => ErrorKind::OutOfCredits,
        "RATE_LIMITED" => ErrorKind::RateLimited,
        "INVALID_PARAMS" => ErrorKind::InvalidInput,
        "INTERNAL_ERROR" => ErrorKind::ProviderUnavailable,
        _ => ErrorKind::ProviderError,
    };
    Error::new(kind)
        .with_detail(&error.message)
        .with_retry_after(retry_after_seconds(response))
}

#[derive(Deserialize)]
struct Envelope<T> {
    success: Option<bool>,
    data: Option<T>,
    error: Option<WireError>,
}

#[derive(Deserialize)]
struct WireError {
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct ListData {
    invitations: Vec<WireInvitation>,
    total_available_results: Option<u64>,
    pagination: Option<WirePagination>,
}

#[derive(Deserialize, Default)]
struct WirePagination {
    next_offset: Option<u64>,
    has_more: Option<bool>,
}

#[derive(Deserialize)]
struct WireInvitation {
    entity_urn: String,
    shared_secret: Option<String>,
    /// Received items name the `sender`; sent items the `recipient`.
    #[serde(alias = "recipient")]
    sender: Option<WirePerson>,
    sent_time: Option<String>,
    sent_time_days: Option<f64>,
}

#[derive(Deserialize, Default)]
struct WirePerson {
    first_name: Option<String>,
    last_name: Option<String>,
    headline: Option<String>,
    linkedin_url: Option<String>,
    /// `list_invitations` calls it `profile_picture_url`, `list_sent` `profile_picture`.
    #[serde(alias = "profile_picture")]
    profile_picture_url: Option<String>,
}

impl WireInvitation {
    fn into_invitation(
        self,
        account: &Account,
        direction: Direction,
        fetched_at_ms: f64,
    ) -> Result<Invitation, Error> {
        // The invitation id is the tail of the entity URN (`urn:li:invitation:123` → `123`).
        let id = self
            .entity_urn
            .rsplit(':')
            .next()
            .unwrap_or_default()
            .trim();
        if id.is_empty() {
            return Err(
                Error::new(ErrorKind::BadResponse).with_detail("an invitation has no entity_urn")
            );
        }
        // The text can be finer than whole days ("3h"), so it is preferred.
        let ago_ms = self
            .sent_time
            .as_deref()
            .and_then(parse_relative_ms)
            .or_else(|| {
                self.sent_time_days
                    .filter(|d| d.is_finite() && *d >= 0.0)
                    .map(|d| d * DAY_MS)
            });
        Ok(Invitation {
            id: id.to_owned(),
            account: account.id.clone(),
            direction,
            person: self.sender.unwrap_or_default().into_person(),
            note: None,
            sent_at_ms: ago_ms.map(|ago| fetched_at_ms - ago),
            sent_at_exact: false,
            handles: Handles {
                entity_urn: Some(self.entity_urn),
                shared_secret: self.shared_secret,
            },
        })
    }
}

impl WirePerson {
    fn into_person(self) -> Person {
        let name = [self.first_name, self.last_name]
            .into_iter()
            .flatten()
            .map(|part| part.trim().to_owned())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let profile_url = safe_profile_url(self.linkedin_url.as_deref());
        Person {
            name: if name.is_empty() {
                "LinkedIn member".into()
            } else {
                name
            },
            headline: self.headline.filter(|h| !h.trim().is_empty()),
            public_identifier: profile_url.as_deref().and_then(public_identifier),
            profile_url,
            picture_url: safe_picture_url(self.profile_picture_url.as_deref()),
            provider_id: None,
        }
    }
}

/// `jane-doe` from `https://www.linkedin.com/in/jane-doe/`.
fn public_identifier(profile_url: &str) -> Option<String> {
    let rest = profile_url.split("/in/").nth(1)?;
    let identifier = rest.split(['/', '?', '#']).next()?;
    (!identifier.is_empty()).then(|| identifier.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApiKey, Plan, ProviderKind};

    const NOW: f64 = 1_800_000_000_000.0;

    fn account() -> Account {
        Account {
            id: "work".into(),
            label: "Work".into(),
            provider: ProviderKind::Linkup,
            api_key: ApiKey::new("lk_secret"),
            account_id: "acc_123".into(),
            base_url: String::new(),
            plan: Plan::Free,
        }
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            retry_after: None,
            body: body.into(),
        }
    }

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/linkup/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).unwrap()
    }

    fn decode(status: u16, body: &str) -> Result<Page<Invitation>, Error> {
        decode_list_received(&response(status, body), &account(), 0, NOW)
    }

    #[test]
    fn request_follows_the_v2_network_contract() {
        let request = list_received(&account(), 40, 5000);
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.url, "https://api.linkupapi.com/v2/network");
        assert_eq!(request.headers, vec![("x-api-key", "lk_secret".to_owned())]);
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"account_id": "acc_123", "action": "list_invitations",
                   "params": {"count": 1000, "offset": 40, "invitation_type": "CONNECTION"}})
        );
    }

    #[test]
    fn custom_base_url_is_used_without_its_trailing_slash() {
        let account = Account {
            base_url: "http://127.0.0.1:4010/".into(),
            ..account()
        };
        assert_eq!(
            list_received(&account, 0, 10).url,
            "http://127.0.0.1:4010/v2/network"
        );
    }

    #[test]
    fn decodes_the_documented_example() {
        let page = decode(200, &fixture("list_invitations.json")).unwrap();
        assert_eq!(page.total, Some(26));
        assert_eq!(page.next, Some(Cursor::Offset(1)));
        let invitation = &page.items[0];
        assert_eq!(invitation.id, "123456789");
        assert_eq!(invitation.account, "work");
        assert_eq!(invitation.direction, Direction::Received);
        assert_eq!(invitation.person.name, "John Doe");
        assert_eq!(
            invitation.person.headline.as_deref(),
            Some("Senior Software Engineer at Acme Corp")
        );
        assert_eq!(
            invitation.person.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/johndoe")
        );
        assert_eq!(
            invitation.person.public_identifier.as_deref(),
            Some("johndoe")
        );
        assert_eq!(
            invitation.person.picture_url.as_deref(),
            Some("https://media.licdn.com/dms/image/example.jpg")
        );
        assert_eq!(invitation.sent_at_ms, Some(NOW - DAY_MS));
        assert!(!invitation.sent_at_exact);
        assert_eq!(
            invitation.handles.entity_urn.as_deref(),
            Some("urn:li:invitation:123456789")
        );
        assert_eq!(
            invitation.handles.shared_secret.as_deref(),
            Some("abcdef12-3456-7890-abcd-ef1234567890")
        );
    }

    #[test]
    fn last_page_has_no_next() {
        let body = json!({"success": true, "data": {"invitations": [], "total_available_results": 26,
            "pagination": {"offset": 26, "count": 0, "next_offset": 26, "has_more": false}}});
        let page = decode(200, &body.to_string()).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next, None);
    }

    #[test]
    fn a_page_that_does_not_advance_ends_the_listing() {
        let body = json!({"success": true, "data": {"invitations": [{"entity_urn": "urn:li:invitation:1"}],
            "pagination": {"next_offset": 0, "has_more": true}}});
        assert_eq!(decode(200, &body.to_string()).unwrap().next, None);
    }

    #[test]
    fn missing_pagination_falls_back_on_the_total() {
        let body = json!({"success": true, "data": {"total_available_results": 3,
            "invitations": [{"entity_urn": "urn:li:invitation:1"}, {"entity_urn": "urn:li:invitation:2"}]}});
        assert_eq!(
            decode(200, &body.to_string()).unwrap().next,
            Some(Cursor::Offset(2))
        );
    }

    #[test]
    fn optional_fields_may_be_missing_and_unknown_ones_are_ignored() {
        let body = json!({"success": true, "data": {"invitations": [{
            "entity_urn": "urn:li:invitation:77", "surprise": {"nested": [1, 2]},
            "sender": {"first_name": "Ада", "profile_picture": "https://media.licdn.com/p.jpg"},
            "sent_time": "3h"}]}});
        let page = decode(200, &body.to_string()).unwrap();
        let person = &page.items[0].person;
        assert_eq!(person.name, "Ада");
        assert_eq!(person.headline, None);
        assert_eq!(person.profile_url, None);
        assert_eq!(
            person.picture_url.as_deref(),
            Some("https://media.licdn.com/p.jpg")
        );
        assert_eq!(page.items[0].sent_at_ms, Some(NOW - 3.0 * 3_600_000.0));
        assert_eq!(page.total, None);
        assert_eq!(page.next, None);
    }

    #[test]
    fn nameless_people_and_unsafe_links_are_made_harmless() {
        let body = json!({"success": true, "data": {"invitations": [{
            "entity_urn": "urn:li:invitation:5",
            "sender": {"first_name": " ", "headline": "<img src=x onerror=alert(1)>",
                       "linkedin_url": "javascript:alert(1)", "profile_picture_url": "http://x/p.jpg"}}]}});
        let person = &decode(200, &body.to_string()).unwrap().items[0].person;
        assert_eq!(person.name, "LinkedIn member");
        assert_eq!(
            person.headline.as_deref(),
            Some("<img src=x onerror=alert(1)>"),
            "kept as text"
        );
        assert_eq!(
            (person.profile_url.as_deref(), person.picture_url.as_deref()),
            (None, None)
        );
    }

    #[test]
    fn documented_invalid_key_error_is_unauthorized() {
        let error = decode(403, &fixture("error_invalid_api_key.json")).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unauthorized);
        assert_eq!(
            error.detail.as_deref(),
            Some("The provided API key is invalid or missing")
        );
    }

    #[test]
    fn every_documented_error_code_maps_to_its_kind() {
        let cases = [
            (403, "INVALID_API_KEY", ErrorKind::Unauthorized),
            (404, "INVALID_ACCOUNT", ErrorKind::NotFound),
            (403, "ACCOUNT_INACTIVE", ErrorKind::Forbidden),
            (400, "INVALID_ACTION", ErrorKind::ProviderError),
            (400, "INVALID_PARAMS", ErrorKind::InvalidInput),
            (429, "RATE_LIMITED", ErrorKind::RateLimited),
            (402, "INSUFFICIENT_CREDITS", ErrorKind::OutOfCredits),
            (500, "INTERNAL_ERROR", ErrorKind::ProviderUnavailable),
            (400, "CHANNEL_ERROR", ErrorKind::ProviderError),
            (200, "SOMETHING_NEW", ErrorKind::ProviderError),
        ];
        for (status, code, kind) in cases {
            let body = json!({"success": false, "error": {"code": code, "message": format!("{code} happened")},
                "metadata": {"action": "list_invitations", "credits_consumed": 0, "timestamp": "2026-03-24T12:00:00Z"}});
            let error = decode(status, &body.to_string()).unwrap_err();
            assert_eq!(error.kind, kind, "{code}");
            assert_eq!(error.detail, Some(format!("{code} happened")), "{code}");
        }
    }

    #[test]
    fn rate_limit_reads_retry_after_when_sent() {
        let body =
            json!({"success": false, "error": {"code": "RATE_LIMITED", "message": "slow down"}});
        let response = HttpResponse {
            retry_after: Some("30".into()),
            ..response(429, &body.to_string())
        };
        let error = decode_list_received(&response, &account(), 0, NOW).unwrap_err();
        assert_eq!(
            (error.kind, error.retry_after_s),
            (ErrorKind::RateLimited, Some(30))
        );
    }

    #[test]
    fn html_and_broken_bodies_become_typed_errors() {
        let html = "<html><head><title>502 Bad Gateway</title></head></html>";
        assert_eq!(
            decode(502, html).unwrap_err().kind,
            ErrorKind::ProviderUnavailable
        );
        assert_eq!(decode(200, html).unwrap_err().kind, ErrorKind::BadResponse);
        assert_eq!(
            decode(200, r#"{"success": true, "data": {"invitati"#)
                .unwrap_err()
                .kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            decode(200, r#"{"success": true}"#).unwrap_err().kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            decode(200, r#"{"success": false}"#).unwrap_err().kind,
            ErrorKind::ProviderError
        );
        assert_eq!(decode(403, "").unwrap_err().kind, ErrorKind::Forbidden);
        let no_urn = json!({"success": true, "data": {"invitations": [{"entity_urn": ""}]}});
        assert_eq!(
            decode(200, &no_urn.to_string()).unwrap_err().kind,
            ErrorKind::BadResponse
        );
    }

    #[test]
    fn public_identifier_comes_from_the_profile_path() {
        assert_eq!(
            public_identifier("https://www.linkedin.com/in/jane-doe/").as_deref(),
            Some("jane-doe")
        );
        assert_eq!(
            public_identifier("https://www.linkedin.com/in/jane?x=1").as_deref(),
            Some("jane")
        );
        assert_eq!(
            public_identifier("https://www.linkedin.com/company/acme"),
            None
        );
        assert_eq!(public_identifier("https://www.linkedin.com/in/"), None);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz {
    //! Arbitrary bytes and mutated valid bodies never make a decoder panic.
    use super::*;
    use crate::model::{ApiKey, Plan, ProviderKind};
    use proptest::prelude::*;

    fn decode_anything(status: u16, body: String) {
        let account = Account {
            id: "a".into(),
            label: String::new(),
            provider: ProviderKind::Linkup,
            api_key: ApiKey::new("k"),
            account_id: "acc".into(),
            base_url: String::new(),
            plan: Plan::Free,
        };
        let response = HttpResponse {
            status,
            retry_after: None,
            body,
        };
        let _ = decode_list_received(&response, &account, 0, 0.0);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(status in 100u16..600, body in ".*") {
            decode_anything(status, body);
        }

        #[test]
        fn mutated_documented_bodies_never_panic(cut in 0usize..2000, byte in any::<u8>(), at in 0usize..2000) {
            let path = format!("{}/tests/fixtures/linkup/list_invitations.json", env!("CARGO_MANIFEST_DIR"));
            let mut body = std::fs::read(path).unwrap();
            if at < body.len() { body[at] = byte; }
            body.truncate(cut.min(body.len()));
            decode_anything(200, String::from_utf8_lossy(&body).into_owned());
        }
    }
}
