//! LinkUp v2: every call is `POST {base}/v2/network` with `x-api-key` and a body
//! `{account_id, action, params}`; answers come in a `{success, data | error, metadata}`
//! envelope. Contract: shared/providers/linkup.md.

use super::{
    base_url, error_from_status, is_success, linkedin_refusal, offset_of, parse_json,
    retry_after_seconds, to_json, Action, Api, NamedPerson, Params,
};
use crate::age::{believable_sent_at, parse_relative_ms, DAY_MS};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::input::{self, Target};
use crate::model::{
    Account, Cursor, Direction, Handles, Invitation, Page, Relationship, RelationshipState,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const DEFAULT_BASE_URL: &str = "https://api.linkupapi.com";
/// The largest `count` LinkUp serves in one call. Credits are charged per 50 results whatever the
/// page size, so the largest page costs the fewest calls and no extra credits.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// The most results one credit buys (linkup.md §3.1): the page size of the sync engine's checks.
pub const RESULTS_PER_CREDIT: u32 = 50;

pub struct Linkup;

impl Api for Linkup {
    fn max_page_size(&self, _: Direction) -> u32 {
        MAX_PAGE_SIZE
    }

    /// linkup.md §3.1, §3.2: received and sent items have no note field.
    fn lists_notes(&self) -> bool {
        false
    }

    /// linkup.md §3.7.
    fn tells_acceptance(&self) -> bool {
        true
    }

    fn probe_size(&self, _: Direction) -> u32 {
        RESULTS_PER_CREDIT
    }

    fn list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        size: u32,
    ) -> Result<HttpRequest, Error> {
        let action = match direction {
            Direction::Received => "list_invitations",
            Direction::Sent => "list_sent",
        };
        let params = Params::default()
            .number("count", u64::from(size.clamp(1, MAX_PAGE_SIZE)))
            .number("offset", offset_of(start))
            .text("invitation_type", "CONNECTION");
        let mut request = network_request(account, action, params)?;
        request.retryable = true;
        Ok(request)
    }

    fn decode_list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        response: &HttpResponse,
        fetched_at_ms: f64,
    ) -> Result<Page<Invitation>, Error> {
        let offset = offset_of(start);
        let data: ListData = parse_json(decode_envelope(response)?.get())?;
        let items = data
            .invitations
            .into_iter()
            .map(|wire| wire.into_invitation(account, direction, fetched_at_ms))
            .collect::<Result<Vec<_>, _>>()?;
        let returned = items.len() as u64;
        let pagination = data.pagination.unwrap_or_default();
        let next_offset = pagination.next_offset.unwrap_or(offset + returned);
        let has_more = pagination.has_more.unwrap_or_else(|| {
            data.total_available_results
                .is_some_and(|total| next_offset < total)
        });
        // "More" from an empty page, or at an offset that does not move forward, is not the
        // end (taken for it, every invitation below would look gone): `paging` stops the
        // reading instead.
        let next = has_more.then_some(Cursor::Offset(next_offset));
        Ok(Page {
            items,
            total: data.total_available_results,
            next,
        })
    }

    fn action(&self, account: &Account, action: &Action) -> Result<HttpRequest, Error> {
        let (name, params) = match action {
            Action::Accept(invitation) => ("accept", handled_params(invitation)?),
            Action::Decline(invitation) => ("decline", handled_params(invitation)?),
            Action::Withdraw(invitation) => (
                "withdraw",
                Params::default().text(
                    "invitation_id",
                    input::required(Some(&invitation.id), "id")?,
                ),
            ),
            Action::Send { target, note } => {
                ("invite", target_params(target).optional("message", *note))
            }
        };
        network_request(account, name, params)
    }

    fn decode_action(
        &self,
        account: &Account,
        action: &Action,
        response: &HttpResponse,
        now_ms: f64,
    ) -> Result<Option<Invitation>, Error> {
        match action {
            Action::Accept(_) | Action::Decline(_) => decode_envelope(response).map(|_| None),
            Action::Withdraw(_) => {
                let data = decode_envelope(response)?;
                match parse_json::<ActionData>(data.get())?.withdrawn {
                    Some(false) => Err(Error::new(ErrorKind::ProviderError)
                        .with_detail("LinkUp answered that the invitation was not withdrawn")),
                    _ => Ok(None),
                }
            }
            Action::Send { note, .. } => {
                let sent: NamedPerson = parse_json(decode_envelope(response)?.get())?;
                Ok(invited(sent, account, note.map(str::to_owned), now_ms))
            }
        }
    }
}

/// `check_invitation`: where the account stands with one person (LinkUp only).
pub fn check_invitation(account: &Account, target: &Target) -> Result<HttpRequest, Error> {
    let mut request = network_request(account, "check_invitation", target_params(target))?;
    request.retryable = true;
    Ok(request)
}

/// `GET /v2/credits`: the key's credit balance, free (linkup.md §1, 3P).
pub fn credits(account: &Account) -> Result<HttpRequest, Error> {
    let mut url = base_url(account, DEFAULT_BASE_URL)?;
    url.push_str("/v2/credits");
    Ok(HttpRequest {
        method: Method::Get,
        url,
        headers: vec![("x-api-key", account.api_key.expose().to_owned())],
        body: None,
        retryable: true,
    })
}

/// The balance in `data`. Its field name is not documented (3P clients differ): `credits`,
/// `balance` and `remaining` are read, in that order.
pub fn decode_credits(response: &HttpResponse) -> Result<u64, Error> {
    let data: CreditsData = parse_json(decode_envelope(response)?.get())?;
    let balance = data.credits.or(data.balance).or(data.remaining);
    balance
        .filter(|b| b.is_finite() && *b >= 0.0)
        .map(|b| b as u64)
        .ok_or_else(|| {
            Error::new(ErrorKind::BadResponse)
                .with_detail("LinkUp's answer gives no credit balance")
        })
}

pub fn decode_check_invitation(response: &HttpResponse) -> Result<Relationship, Error> {
    let status: ActionData = parse_json(decode_envelope(response)?.get())?;
    let state = match (
        status.invitation_state.as_deref(),
        status.invitation_type.as_deref(),
    ) {
        (Some("ACCEPTED"), _) | (_, Some("CONNECTED")) => RelationshipState::Connected,
        (Some("PENDING"), Some("SENT")) => RelationshipState::PendingSent,
        (Some("PENDING"), Some("RECEIVED")) => RelationshipState::PendingReceived,
        (Some("NO_INVITATION"), _) => RelationshipState::NoInvitation,
        _ => {
            return Err(Error::new(ErrorKind::BadResponse)
                .with_detail("LinkUp's invitation status is not one Invite Desk knows"))
        }
    };
    Ok(Relationship {
        state,
        invitation_id: status.invitation_id.filter(|id| !id.is_empty()),
        member_distance: status.member_distance,
    })
}

/// The body of every call: `{account_id, action, params}`.
#[derive(Serialize)]
struct NetworkBody<'a> {
    account_id: &'a str,
    action: &'a str,
    params: Params<'a>,
}

fn network_request(account: &Account, action: &str, params: Params) -> Result<HttpRequest, Error> {
    let mut url = base_url(account, DEFAULT_BASE_URL)?;
    url.push_str("/v2/network");
    let body = NetworkBody {
        account_id: &account.account_id,
        action,
        params,
    };
    Ok(HttpRequest {
        method: Method::Post,
        url,
        headers: vec![("x-api-key", account.api_key.expose().to_owned())],
        body: Some(to_json(&body)),
        retryable: false,
    })
}

/// Accepting and declining name the invitation by its URN and shared secret, both from the list.
fn handled_params(invitation: &Invitation) -> Result<Params<'_>, Error> {
    let handles = &invitation.handles;
    let urn = input::required(handles.entity_urn.as_deref(), "entity URN")?;
    let secret = input::required(handles.shared_secret.as_deref(), "shared secret")?;
    Ok(Params::default()
        .text("entity_urn", urn)
        .text("shared_secret", secret))
}

/// A vanity name goes as the canonical profile URL; a member id as `identifier`.
fn target_params(target: &Target) -> Params<'_> {
    match target.profile_url() {
        Some(url) => Params::default().text("profile_url", url),
        None => Params::default().text("identifier", target.identifier()),
    }
}

/// The `data` of a success envelope, still as JSON text, or the typed error of an error
/// envelope. LinkUp may also answer HTTP 200 with `success: false`, so both the status and the
/// flag are checked. Each caller decodes `data` into its own shape: one envelope decoder serves
/// every action.
fn decode_envelope(response: &HttpResponse) -> Result<&RawValue, Error> {
    let success = is_success(response);
    let envelope: Envelope = match parse_json(&response.body) {
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
    let message = error.message.as_deref().unwrap_or_default();
    let kind = match error.code.as_str() {
        "INVALID_API_KEY" => ErrorKind::Unauthorized,
        "ACCOUNT_INACTIVE" => ErrorKind::Forbidden,
        "INVALID_ACCOUNT" => ErrorKind::NotFound,
        "INSUFFICIENT_CREDITS" => ErrorKind::OutOfCredits,
        "RATE_LIMITED" => ErrorKind::RateLimited,
        "INVALID_PARAMS" | "CHANNEL_ERROR" => {
            linkedin_refusal(message).unwrap_or(if error.code == "INVALID_PARAMS" {
                ErrorKind::InvalidInput
            } else {
                ErrorKind::ProviderError
            })
        }
        "INTERNAL_ERROR" => ErrorKind::ProviderUnavailable,
        _ => ErrorKind::ProviderError,
    };
    Error::new(kind)
        .with_detail(message)
        .with_retry_after(retry_after_seconds(response))
}

#[derive(Deserialize)]
struct Envelope<'a> {
    success: Option<bool>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    error: Option<WireError>,
}

#[derive(Deserialize)]
struct WireError {
    code: String,
    message: Option<String>,
}

#[derive(Deserialize)]
struct ListData {
    invitations: Vec<WireInvitation>,
    total_available_results: Option<u64>,
    pagination: Option<WirePagination>,
}

#[derive(Default, Deserialize)]
struct WirePagination {
    next_offset: Option<u64>,
    has_more: Option<bool>,
}

#[derive(Deserialize)]
struct WireInvitation {
    entity_urn: String,
    shared_secret: Option<String>,
    /// Received items name the `sender`; sent items the `recipient`.
    #[serde(rename = "sender", alias = "recipient")]
    sender: Option<NamedPerson>,
    sent_time: Option<String>,
    sent_time_days: Option<f64>,
}

/// The `data` of `GET /v2/credits`.
#[derive(Deserialize)]
struct CreditsData {
    credits: Option<f64>,
    balance: Option<f64>,
    remaining: Option<f64>,
}

/// The `data` of `withdraw` (`withdrawn`) and of `check_invitation` (the rest): one type,
/// so one decoder.
#[derive(Deserialize)]
struct ActionData {
    withdrawn: Option<bool>,
    invitation_state: Option<String>,
    invitation_type: Option<String>,
    invitation_id: Option<String>,
    member_distance: Option<u8>,
}

/// The id at the end of a URN: `urn:li:invitation:123` → `123`.
fn urn_tail(urn: &str) -> Option<&str> {
    let tail = urn.rsplit(':').next()?.trim();
    (!tail.is_empty()).then_some(tail)
}

impl WireInvitation {
    fn into_invitation(
        self,
        account: &Account,
        direction: Direction,
        fetched_at_ms: f64,
    ) -> Result<Invitation, Error> {
        let Some(id) = urn_tail(&self.entity_urn) else {
            return Err(
                Error::new(ErrorKind::BadResponse).with_detail("an invitation has no entity_urn")
            );
        };
        // The whole days win over the text: "1mo" says less than 26 days do.
        let ago_ms = self
            .sent_time_days
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| d.floor() * DAY_MS)
            .or_else(|| self.sent_time.as_deref().and_then(parse_relative_ms));
        Ok(Invitation {
            id: id.to_owned(),
            account: account.id.clone(),
            direction,
            person: self.sender.unwrap_or_default().into_person(None, None),
            note: None,
            sent_at_ms: ago_ms
                .and_then(|ago| believable_sent_at(fetched_at_ms - ago, fetched_at_ms)),
            sent_at_exact: false,
            handles: Handles {
                entity_urn: Some(self.entity_urn),
                shared_secret: self.shared_secret,
            },
        })
    }
}

/// `invite`'s answer: the new invitation's URN and who was invited.
fn invited(
    mut sent: NamedPerson,
    account: &Account,
    note: Option<String>,
    now_ms: f64,
) -> Option<Invitation> {
    let urn = sent.invitation_urn.take()?;
    let id = urn_tail(&urn)?.to_owned();
    let provider_id = sent
        .profile_urn
        .as_deref()
        .and_then(urn_tail)
        .map(str::to_owned);
    let public_identifier = sent.public_identifier.take();
    Some(Invitation {
        id,
        account: account.id.clone(),
        direction: Direction::Sent,
        person: sent.into_person(public_identifier, provider_id),
        note,
        sent_at_ms: Some(now_ms),
        sent_at_exact: true,
        handles: Handles {
            entity_urn: Some(urn),
            shared_secret: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;
    use crate::providers::test_support::{self, body_of, fixture, response, NOW};
    use serde_json::json;

    fn account() -> Account {
        test_support::account(ProviderKind::Linkup)
    }

    fn decode(direction: Direction, status: u16, body: &str) -> Result<Page<Invitation>, Error> {
        Linkup.decode_list(
            &account(),
            direction,
            &Cursor::Offset(0),
            &response(status, body),
            NOW,
        )
    }

    fn received(status: u16, body: &str) -> Result<Page<Invitation>, Error> {
        decode(Direction::Received, status, body)
    }

    fn listed(direction: Direction) -> Invitation {
        let name = match direction {
            Direction::Received => "linkup/list_invitations.json",
            Direction::Sent => "linkup/list_sent.json",
        };
        decode(direction, 200, &fixture(name))
            .unwrap()
            .items
            .remove(0)
    }

    #[test]
    fn list_requests_follow_the_v2_network_contract() {
        let request = Linkup
            .list(&account(), Direction::Received, &Cursor::Offset(40), 5000)
            .unwrap();
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.url, "https://api.linkupapi.com/v2/network");
        assert_eq!(request.headers, vec![("x-api-key", "sk_secret".to_owned())]);
        assert!(request.retryable, "a list changes nothing");
        assert_eq!(
            body_of(&request),
            json!({"account_id": "acc_123", "action": "list_invitations",
                   "params": {"count": 1000, "offset": 40, "invitation_type": "CONNECTION"}})
        );
        let sent = Linkup
            .list(&account(), Direction::Sent, &Cursor::Offset(0), 1)
            .unwrap();
        assert_eq!(body_of(&sent)["action"], "list_sent");
        assert_eq!(body_of(&sent)["params"]["count"], 1);
    }

    #[test]
    fn custom_base_url_is_used_without_its_trailing_slash() {
        let account = Account {
            base_url: "https://linkup.proxy.example:4010/".into(),
            ..account()
        };
        let request = Linkup
            .list(&account, Direction::Received, &Cursor::Offset(0), 10)
            .unwrap();
        assert_eq!(request.url, "https://linkup.proxy.example:4010/v2/network");
    }

    #[test]
    fn decodes_the_documented_received_example() {
        let page = received(200, &fixture("linkup/list_invitations.json")).unwrap();
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
    fn decodes_the_documented_sent_example_with_its_other_picture_field() {
        let page = decode(Direction::Sent, 200, &fixture("linkup/list_sent.json")).unwrap();
        assert_eq!(page.total, Some(145));
        let invitation = &page.items[0];
        assert_eq!(invitation.id, "987654321");
        assert_eq!(invitation.direction, Direction::Sent);
        assert_eq!(invitation.person.name, "Jane Smith");
        assert_eq!(
            invitation.person.picture_url.as_deref(),
            Some("https://media.licdn.com/dms/image/example2.jpg")
        );
        assert_eq!(invitation.sent_at_ms, Some(NOW - 5.0 * DAY_MS));
        assert_eq!(invitation.handles.shared_secret, None);
    }

    #[test]
    fn last_page_has_no_next() {
        let body = json!({"success": true, "data": {"invitations": [], "total_available_results": 26,
            "pagination": {"offset": 26, "count": 0, "next_offset": 26, "has_more": false}}});
        let page = received(200, &body.to_string()).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next, None);
    }

    #[test]
    fn more_from_a_page_that_does_not_advance_or_is_empty_is_not_taken_for_the_end() {
        for (invitations, next_offset) in [
            (json!([{"entity_urn": "urn:li:invitation:1"}]), 0),
            (json!([]), 50),
        ] {
            let body = json!({"success": true, "data": {"invitations": invitations,
                "pagination": {"next_offset": next_offset, "has_more": true}}});
            let page = received(200, &body.to_string()).unwrap();
            assert_eq!(
                page.next,
                Some(Cursor::Offset(next_offset)),
                "paging stops it"
            );
        }
    }

    #[test]
    fn missing_pagination_falls_back_on_the_total() {
        let body = json!({"success": true, "data": {"total_available_results": 3,
            "invitations": [{"entity_urn": "urn:li:invitation:1"}, {"entity_urn": "urn:li:invitation:2"}]}});
        assert_eq!(
            received(200, &body.to_string()).unwrap().next,
            Some(Cursor::Offset(2))
        );
    }

    #[test]
    fn optional_fields_may_be_missing_and_unknown_ones_are_ignored() {
        let body = json!({"success": true, "data": {"invitations": [{
            "entity_urn": "urn:li:invitation:77", "surprise": {"nested": [1, 2]},
            "sender": {"first_name": "Ада", "profile_picture": "https://media.licdn.com/p.jpg"},
            "sent_time": "3h"}]}});
        let page = received(200, &body.to_string()).unwrap();
        let person = &page.items[0].person;
        assert_eq!(person.name, "Ада");
        assert_eq!(person.headline, None);
        assert_eq!(person.profile_url, None);
        assert_eq!(
            person.picture_url.as_deref(),
            Some("https://media.licdn.com/p.jpg")
        );
        assert_eq!(page.items[0].sent_at_ms, Some(NOW - 3.0 * 3_600_000.0));
        assert_eq!((page.total, page.next), (None, None));
    }

    #[test]
    fn ages_err_young_the_whole_days_win_and_unbelievable_ones_are_unknown() {
        let item = |n: u32, fields: serde_json::Value| {
            let mut item = json!({"entity_urn": format!("urn:li:invitation:{n}")});
            item.as_object_mut()
                .unwrap()
                .extend(fields.as_object().unwrap().clone());
            item
        };
        let body = json!({"success": true, "data": {"invitations": [
            item(1, json!({"sent_time": "1mo", "sent_time_days": 26})),
            item(2, json!({"sent_time": "2 months ago"})),
            item(3, json!({"sent_time": "1mo", "sent_time_days": 26.9})),
            item(4, json!({"sent_time_days": 400_000})),
            item(5, json!({"sent_time": "30yr"})),
            item(6, json!({"sent_time_days": -3, "sent_time": "2d"}))]}});
        let page = received(200, &body.to_string()).unwrap();
        let days_ago: Vec<Option<f64>> = page
            .items
            .iter()
            .map(|i| i.sent_at_ms.map(|at| (NOW - at) / DAY_MS))
            .collect();
        assert_eq!(
            days_ago,
            [Some(26.0), Some(56.0), Some(26.0), None, None, Some(2.0)]
        );
        let rule = crate::model::AutoWithdraw {
            enabled: true,
            older_than_days: 30.0,
            per_day: 40.0,
        };
        let due: Vec<&str> = rule
            .due(&page.items, NOW)
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(
            due,
            ["2"],
            "under a 30-day rule: not 26 days, not an unknown age"
        );
    }

    #[test]
    fn names_keep_their_script_order_and_their_first_name() {
        let body = json!({"success": true, "data": {"invitations": [
            {"entity_urn": "urn:li:invitation:1", "sender": {"first_name": "健", "last_name": "佐藤"}},
            {"entity_urn": "urn:li:invitation:2", "sender": {"first_name": "élodie", "last_name": "Martin"}},
            {"entity_urn": "urn:li:invitation:3", "sender": {"last_name": "Okafor"}}]}});
        let page = received(200, &body.to_string()).unwrap();
        let people: Vec<_> = page
            .items
            .iter()
            .map(|i| (i.person.name.as_str(), i.person.first_name.as_deref()))
            .collect();
        assert_eq!(
            people,
            [
                ("佐藤健", Some("健")),
                ("élodie Martin", Some("élodie")),
                ("Okafor", None)
            ]
        );
    }

    #[test]
    fn nameless_people_and_unsafe_links_are_made_harmless() {
        let body = json!({"success": true, "data": {"invitations": [{
            "entity_urn": "urn:li:invitation:5",
            "sender": {"first_name": " ", "headline": "<img src=x onerror=alert(1)>",
                       "linkedin_url": "javascript:alert(1)", "profile_picture_url": "http://x/p.jpg"}}]}});
        let person = &received(200, &body.to_string()).unwrap().items[0].person;
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
    fn accept_and_decline_send_the_urn_and_secret_from_the_list() {
        let invitation = listed(Direction::Received);
        for (action, name) in [
            (Action::Accept(&invitation), "accept"),
            (Action::Decline(&invitation), "decline"),
        ] {
            let request = Linkup.action(&account(), &action).unwrap();
            assert!(!request.retryable, "an action is never repeated blindly");
            assert_eq!(
                body_of(&request),
                json!({"account_id": "acc_123", "action": name, "params": {
                    "entity_urn": "urn:li:invitation:123456789",
                    "shared_secret": "abcdef12-3456-7890-abcd-ef1234567890"}})
            );
        }
        let decoded = Linkup.decode_action(
            &account(),
            &Action::Accept(&invitation),
            &response(200, &fixture("linkup/accept.json")),
            NOW,
        );
        assert_eq!(decoded, Ok(None));
    }

    #[test]
    fn accepting_without_the_secret_is_refused_before_any_call() {
        let mut invitation = listed(Direction::Received);
        invitation.handles.shared_secret = None;
        let error = Linkup
            .action(&account(), &Action::Accept(&invitation))
            .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("invitation"));
    }

    #[test]
    fn withdraw_names_the_invitation_id_and_reads_the_answer() {
        let invitation = listed(Direction::Sent);
        let action = Action::Withdraw(&invitation);
        let request = Linkup.action(&account(), &action).unwrap();
        assert_eq!(
            body_of(&request)["params"],
            json!({"invitation_id": "987654321"})
        );
        let ok = response(200, &fixture("linkup/withdraw.json"));
        assert_eq!(
            Linkup.decode_action(&account(), &action, &ok, NOW),
            Ok(None)
        );
        let refused = json!({"success": true, "data": {"withdrawn": false}});
        let error = Linkup
            .decode_action(
                &account(),
                &action,
                &response(200, &refused.to_string()),
                NOW,
            )
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::ProviderError);
    }

    #[test]
    fn invite_by_profile_url_or_member_id_with_an_optional_note() {
        let by_url = Target::parse("linkedin.com/in/johndoe").unwrap();
        let action = Action::Send {
            target: &by_url,
            note: Some("Hello John"),
        };
        let request = Linkup.action(&account(), &action).unwrap();
        assert_eq!(
            body_of(&request)["params"],
            json!({"profile_url": "https://www.linkedin.com/in/johndoe/", "message": "Hello John"})
        );
        let by_id = Target::parse("ACoAABxxxxxxx").unwrap();
        let request = Linkup
            .action(
                &account(),
                &Action::Send {
                    target: &by_id,
                    note: None,
                },
            )
            .unwrap();
        assert_eq!(
            body_of(&request)["params"],
            json!({"identifier": "ACoAABxxxxxxx"})
        );

        let sent = Linkup
            .decode_action(
                &account(),
                &action,
                &response(200, &fixture("linkup/invite.json")),
                NOW,
            )
            .unwrap()
            .unwrap();
        assert_eq!(sent.id, "123456789");
        assert_eq!(sent.direction, Direction::Sent);
        assert_eq!(sent.note.as_deref(), Some("Hello John"));
        assert_eq!((sent.sent_at_ms, sent.sent_at_exact), (Some(NOW), true));
        assert_eq!(sent.person.name, "John Doe");
        assert_eq!(sent.person.public_identifier.as_deref(), Some("johndoe"));
        assert_eq!(sent.person.provider_id.as_deref(), Some("ACoAABxxxxxxx"));
        assert_eq!(
            sent.person.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/johndoe/")
        );
    }

    #[test]
    fn check_invitation_reads_every_documented_state() {
        let request = check_invitation(&account(), &Target::parse("johndoe").unwrap()).unwrap();
        assert_eq!(body_of(&request)["action"], "check_invitation");
        let status =
            decode_check_invitation(&response(200, &fixture("linkup/check_invitation.json")))
                .unwrap();
        assert_eq!(status.state, RelationshipState::PendingSent);
        assert_eq!(status.invitation_id.as_deref(), Some("7453486530700017665"));
        assert_eq!(status.member_distance, Some(2));
        for (state, kind, expected) in [
            ("ACCEPTED", json!("CONNECTED"), RelationshipState::Connected),
            (
                "PENDING",
                json!("RECEIVED"),
                RelationshipState::PendingReceived,
            ),
            (
                "NO_INVITATION",
                json!(null),
                RelationshipState::NoInvitation,
            ),
        ] {
            let body = json!({"success": true, "data": {"invitation_state": state,
                "invitation_type": kind, "invitation_id": null, "member_distance": 3, "message": "m"}});
            let status = decode_check_invitation(&response(200, &body.to_string())).unwrap();
            assert_eq!(status.state, expected, "{state}");
        }
        let odd = json!({"success": true, "data": {"invitation_state": "MAYBE"}});
        assert_eq!(
            decode_check_invitation(&response(200, &odd.to_string()))
                .unwrap_err()
                .kind,
            ErrorKind::BadResponse
        );
    }

    #[test]
    fn every_documented_error_body_maps_to_its_kind() {
        let cases = [
            (403, "error_invalid_api_key.json", ErrorKind::Unauthorized),
            (404, "error_invalid_account.json", ErrorKind::NotFound),
            (403, "error_account_inactive.json", ErrorKind::Forbidden),
            (400, "error_invalid_action.json", ErrorKind::ProviderError),
            (400, "error_invalid_params.json", ErrorKind::InvalidInput),
            (429, "error_rate_limited.json", ErrorKind::RateLimited),
            (
                402,
                "error_insufficient_credits.json",
                ErrorKind::OutOfCredits,
            ),
        ];
        for (status, name, kind) in cases {
            let body = fixture(&format!("linkup/{name}"));
            let error = received(status, &body).unwrap_err();
            assert_eq!(error.kind, kind, "{name}");
            assert!(error.detail.is_some(), "{name} keeps LinkUp's words");
        }
        let error = received(403, &fixture("linkup/error_invalid_api_key.json")).unwrap_err();
        assert_eq!(
            error.detail.as_deref(),
            Some("The provided API key is invalid or missing")
        );
    }

    #[test]
    fn unknown_codes_keep_linkups_text_under_a_generic_kind() {
        for (status, code, kind) in [
            (500, "INTERNAL_ERROR", ErrorKind::ProviderUnavailable),
            (400, "CHANNEL_ERROR", ErrorKind::ProviderError),
            (200, "SOMETHING_NEW", ErrorKind::ProviderError),
        ] {
            let body = json!({"success": false, "error": {"code": code, "message": format!("{code} happened")},
                "metadata": {"action": "list_invitations", "credits_consumed": 0, "timestamp": "2026-03-24T12:00:00Z"}});
            let error = received(status, &body.to_string()).unwrap_err();
            assert_eq!(error.kind, kind, "{code}");
            assert_eq!(error.detail, Some(format!("{code} happened")), "{code}");
        }
    }

    #[test]
    fn linkedin_refusals_in_words_get_the_kind_a_person_acts_on() {
        for (code, message, kind) in [
            (
                "INVALID_PARAMS",
                "You are already connected with this person",
                ErrorKind::AlreadyDone,
            ),
            (
                "INVALID_PARAMS",
                "An invitation to this person is already pending",
                ErrorKind::AlreadyDone,
            ),
            (
                "CHANNEL_ERROR",
                "Weekly invitation limit reached",
                ErrorKind::LimitReached,
            ),
            (
                "INVALID_PARAMS",
                "An invitation to this person was withdrawn recently; it can be sent again after \
                 2026-12-01T00:00:00Z",
                ErrorKind::CannotInvite,
            ),
            (
                "INVALID_PARAMS",
                "Missing required parameter: profile_url",
                ErrorKind::InvalidInput,
            ),
            (
                "CHANNEL_ERROR",
                "Restricted profile",
                ErrorKind::ProviderError,
            ),
        ] {
            let body = json!({"success": false, "error": {"code": code, "message": message}});
            let error = received(400, &body.to_string()).unwrap_err();
            assert_eq!(error.kind, kind, "{message}");
            assert_eq!(error.detail.as_deref(), Some(message));
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
        let error = Linkup
            .decode_list(
                &account(),
                Direction::Received,
                &Cursor::Offset(0),
                &response,
                NOW,
            )
            .unwrap_err();
        assert_eq!(
            (error.kind, error.retry_after_s),
            (ErrorKind::RateLimited, Some(30))
        );
    }

    #[test]
    fn html_and_broken_bodies_become_typed_errors() {
        let html = "<html><head><title>502 Bad Gateway</title></head></html>";
        assert_eq!(
            received(502, html).unwrap_err().kind,
            ErrorKind::ProviderUnavailable
        );
        assert_eq!(
            received(200, html).unwrap_err().kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            received(200, r#"{"success": true, "data": {"invitati"#)
                .unwrap_err()
                .kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            received(200, r#"{"success": true}"#).unwrap_err().kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            received(200, r#"{"success": false}"#).unwrap_err().kind,
            ErrorKind::ProviderError
        );
        assert_eq!(received(403, "").unwrap_err().kind, ErrorKind::Forbidden);
        let no_urn = json!({"success": true, "data": {"invitations": [{"entity_urn": ""}]}});
        assert_eq!(
            received(200, &no_urn.to_string()).unwrap_err().kind,
            ErrorKind::BadResponse
        );
    }
}
