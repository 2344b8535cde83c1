//! Unipile API v2 (beta): `https://api.unipile.com/v2/{account_id}/users/me/relation-requests`
//! with `X-API-KEY`; lists page by offset and limit, actions name the request by id alone.
//! Contract: shared/providers/unipile.md §2–§5, §12.

use super::{
    base_url, offset_of, to_json,
    unipile::{decode, read, request, unconfirmed, Answer},
    url_encode, Action, Api, Params,
};
use crate::age::{believable_sent_at, parse_iso_ms};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::input::{self, Target};
use crate::model::{Account, Cursor, Direction, Handles, Invitation, Page, Person};
use serde::Deserialize;

pub const DEFAULT_BASE_URL: &str = "https://api.unipile.com";
/// Unipile documents no ceiling for relation requests ("a ceiling, not a guarantee"); clients
/// seen in the wild page by 100 and get full pages (unipile.md §2).
pub const MAX_PAGE_SIZE: u32 = 100;

pub struct UnipileV2;

impl Api for UnipileV2 {
    fn max_page_size(&self, _: Direction) -> u32 {
        MAX_PAGE_SIZE
    }

    fn list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        size: u32,
    ) -> Result<HttpRequest, Error> {
        let kind = match direction {
            Direction::Received => "received",
            Direction::Sent => "sent",
        };
        let size = size.clamp(1, MAX_PAGE_SIZE);
        let position = match start {
            Cursor::Offset(offset) => format!("offset={offset}"),
            Cursor::Token(cursor) => format!("cursor={}", url_encode(cursor)),
        };
        let url = format!(
            "{}?type={kind}&limit={size}&{position}",
            requests_url(account)?
        );
        Ok(read(account, url))
    }

    fn decode_list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        response: &HttpResponse,
        fetched_at_ms: f64,
    ) -> Result<Page<Invitation>, Error> {
        let list: List = decode(response)?;
        let items = list
            .data
            .into_iter()
            .map(|wire| wire.into_invitation(account, Some(direction), fetched_at_ms))
            .collect::<Result<Vec<_>, _>>()?;
        let next_offset = offset_of(start) + items.len() as u64;
        // A cursor, when Unipile gives one, is the way on; else offsets, until an empty page or
        // the total.
        let next = match list.next_cursor.filter(|c| !c.is_empty()) {
            Some(cursor) => Some(Cursor::Token(cursor)),
            None if items.is_empty() => None,
            None if list.total_count.is_some_and(|total| next_offset >= total) => None,
            None if matches!(start, Cursor::Token(_)) => None,
            None => Some(Cursor::Offset(next_offset)),
        };
        Ok(Page {
            items,
            total: list.total_count,
            next,
        })
    }

    fn lookup(&self, account: &Account, target: &Target) -> Result<Option<HttpRequest>, Error> {
        let Target::PublicIdentifier(identifier) = target else {
            return Ok(None);
        };
        let url = format!(
            "{}/v2/{}/users/{}",
            base_url(account, DEFAULT_BASE_URL)?,
            url_encode(&account.account_id),
            url_encode(identifier)
        );
        Ok(Some(read(account, url)))
    }

    /// The `UserProfile` (§12): the person, unless they are a connection already or a request
    /// between the two is pending, either of which no invitation can change.
    fn decode_lookup(&self, response: &HttpResponse) -> Result<Person, Error> {
        let profile: WireProfile = decode(response)?;
        let specifics = profile.specifics.unwrap_or_default();
        if specifics.network_distance.as_deref() == Some("FIRST_DEGREE") {
            return Err(Error::new(ErrorKind::AlreadyDone)
                .with_detail("you are connected with this person already"));
        }
        let status_pending = specifics
            .relation_request_status
            .as_deref()
            .is_some_and(|status| {
                !status.trim().is_empty() && !status.eq_ignore_ascii_case("none")
            });
        let pending = match specifics.relation_request {
            Some(request) if request.kind.as_deref() == Some("received") => {
                Some("this person invited you already: accept their invitation instead")
            }
            Some(_) => Some("an invitation to this person is pending already"),
            None => status_pending.then_some("an invitation between you is pending already"),
        };
        if let Some(why) = pending {
            return Err(Error::new(ErrorKind::AlreadyDone).with_detail(why));
        }
        let mut person = profile.user.into_person();
        person.first_name = profile
            .first_name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .or(person.first_name);
        Ok(person)
    }

    fn action(&self, account: &Account, action: &Action) -> Result<HttpRequest, Error> {
        let base = requests_url(account)?;
        let (url, body) = match action {
            Action::Accept(invitation) => (handled_url(&base, invitation, "accept")?, None),
            // Cancel withdraws a sent request and refuses a received one (§3.4).
            Action::Decline(invitation) | Action::Withdraw(invitation) => {
                (handled_url(&base, invitation, "cancel")?, None)
            }
            Action::Send { target, note } => {
                let Target::ProviderId(user_id) = target else {
                    return Err(Error::invalid_input(
                        input::PROFILE_FIELD,
                        "Unipile needs the member id; look the profile up first",
                    ));
                };
                let body = Params::default()
                    .text("user_id", user_id.as_str())
                    .optional("message", *note);
                (base, Some(to_json(&body)))
            }
        };
        Ok(request(account, Method::Post, url, body))
    }

    fn decode_action(
        &self,
        account: &Account,
        action: &Action,
        response: &HttpResponse,
        now_ms: f64,
    ) -> Result<Option<Invitation>, Error> {
        let expected = match action {
            Action::Accept(_) => "RelationRequestConfirmed",
            Action::Decline(_) | Action::Withdraw(_) => "RelationRequestCanceled",
            Action::Send { .. } => {
                let created: WireRequest = decode(response)?;
                return created.into_invitation(account, None, now_ms).map(Some);
            }
        };
        // Anything but the documented object leaves the outcome unknown (§3.4).
        let answer: Answer = decode(response)?;
        if answer.object != expected {
            return Err(unconfirmed());
        }
        Ok(None)
    }
}

fn requests_url(account: &Account) -> Result<String, Error> {
    Ok(format!(
        "{}/v2/{}/users/me/relation-requests",
        base_url(account, DEFAULT_BASE_URL)?,
        url_encode(&account.account_id)
    ))
}

fn handled_url(base: &str, invitation: &Invitation, verb: &str) -> Result<String, Error> {
    let id = input::required(Some(&invitation.id), "id")?;
    Ok(format!("{base}/{}/{verb}", url_encode(id)))
}

#[derive(Deserialize)]
struct List {
    data: Vec<WireRequest>,
    total_count: Option<u64>,
    next_cursor: Option<String>,
}

/// `RelationRequest` (§3.6).
#[derive(Deserialize)]
struct WireRequest {
    id: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    created_at: Option<String>,
    message: Option<String>,
    user: Option<WireUser>,
}

/// `User` (§3.6): `id` is the member id, `description` the headline.
#[derive(Default, Deserialize)]
struct WireUser {
    id: Option<String>,
    display_name: Option<String>,
    public_identifier: Option<String>,
    profile_url: Option<String>,
    public_picture_url: Option<String>,
    description: Option<String>,
}

/// `GET /v2/{account_id}/users/{id}`'s `UserProfile`: a user with where the account stands.
#[derive(Deserialize)]
struct WireProfile {
    #[serde(flatten)]
    user: WireUser,
    first_name: Option<String>,
    specifics: Option<WireSpecifics>,
}

#[derive(Default, Deserialize)]
struct WireSpecifics {
    network_distance: Option<String>,
    relation_request: Option<WirePending>,
    relation_request_status: Option<String>,
}

/// The pending `RelationRequest` of a profile: which way it goes is all that is read of it.
#[derive(Deserialize)]
struct WirePending {
    #[serde(rename = "type")]
    kind: Option<String>,
}

impl WireRequest {
    /// `listed_as` is the list it came from; a created request says its own `type`.
    fn into_invitation(
        self,
        account: &Account,
        listed_as: Option<Direction>,
        now_ms: f64,
    ) -> Result<Invitation, Error> {
        let id = self.id.trim();
        if id.is_empty() {
            return Err(Error::new(ErrorKind::BadResponse).with_detail("a request has no id"));
        }
        let direction = match (listed_as, self.kind.as_deref()) {
            (Some(direction), _) => direction,
            (None, Some("received")) => Direction::Received,
            (None, _) => Direction::Sent,
        };
        let sent_at_ms = self
            .created_at
            .as_deref()
            .and_then(parse_iso_ms)
            .and_then(|at_ms| believable_sent_at(at_ms, now_ms));
        Ok(Invitation {
            id: id.to_owned(),
            account: account.id.clone(),
            direction,
            person: self.user.unwrap_or_default().into_person(),
            note: self.message.filter(|m| !m.trim().is_empty()),
            sent_at_ms,
            sent_at_exact: sent_at_ms.is_some(),
            handles: Handles::default(),
        })
    }
}

impl WireUser {
    fn into_person(self) -> Person {
        Person {
            name: self.display_name.unwrap_or_default(),
            headline: self.description,
            profile_url: self.profile_url,
            picture_url: self.public_picture_url,
            public_identifier: self.public_identifier,
            provider_id: self.id,
            first_name: None,
        }
        .sanitized()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;
    use crate::providers::test_support::{self, body_of, fixture, response, NOW};
    use serde_json::json;

    fn account() -> Account {
        test_support::account(ProviderKind::UnipileV2)
    }

    fn listed(status: u16, body: &str, start: Cursor) -> Result<Page<Invitation>, Error> {
        UnipileV2.decode_list(
            &account(),
            Direction::Sent,
            &start,
            &response(status, body),
            NOW,
        )
    }

    fn documented() -> Invitation {
        let body = fixture("unipile_v2/relation_requests_list.json");
        listed(200, &body, Cursor::Offset(0))
            .unwrap()
            .items
            .remove(0)
    }

    #[test]
    fn list_requests_follow_the_documented_route() {
        let request = UnipileV2
            .list(&account(), Direction::Received, &Cursor::Offset(200), 500)
            .unwrap();
        assert_eq!(request.method, Method::Get);
        assert_eq!(
            request.url,
            "https://api.unipile.com/v2/acc_123/users/me/relation-requests?type=received&limit=100&offset=200"
        );
        assert_eq!(request.headers[0], ("x-api-key", "sk_secret".to_owned()));
        assert!(request.retryable);
        let by_cursor = UnipileV2
            .list(
                &account(),
                Direction::Sent,
                &Cursor::Token("a+b=".into()),
                20,
            )
            .unwrap();
        assert!(by_cursor
            .url
            .ends_with("?type=sent&limit=20&cursor=a%2Bb%3D"));
    }

    #[test]
    fn decodes_the_documented_relation_request() {
        let invitation = documented();
        assert_eq!(invitation.id, "7449262477600571392");
        assert_eq!(invitation.direction, Direction::Sent);
        assert_eq!(invitation.note.as_deref(), Some("optional note"));
        assert_eq!(invitation.sent_at_ms, Some(1_777_642_358_772.0));
        assert!(invitation.sent_at_exact);
        let person = &invitation.person;
        assert_eq!(person.name, "Julien Crepieux");
        assert_eq!(person.headline.as_deref(), Some("Headline text"));
        assert_eq!(person.public_identifier.as_deref(), Some("julien-crepieux"));
        assert_eq!(
            person.provider_id.as_deref(),
            Some("ACoAAAcDMMQBODyLwZrRcgYhrkCafURGqva0U4E")
        );
        assert_eq!(
            person.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/julien-crepieux/")
        );
        assert_eq!(
            person.picture_url.as_deref(),
            Some("https://media.licdn.com/dms/image/julien.jpg")
        );
    }

    #[test]
    fn pages_end_at_the_total_at_an_empty_page_or_follow_a_cursor() {
        let page = listed(
            200,
            &fixture("unipile_v2/relation_requests_list.json"),
            Cursor::Offset(0),
        )
        .unwrap();
        assert_eq!((page.total, page.next), (Some(1), None));
        let full = json!({"data": [{"object": "RelationRequest", "id": "1", "type": "sent"},
                                   {"object": "RelationRequest", "id": "2", "type": "sent"}]});
        let page = listed(200, &full.to_string(), Cursor::Offset(40)).unwrap();
        assert_eq!((page.total, page.next), (None, Some(Cursor::Offset(42))));
        let empty = listed(200, r#"{"data": []}"#, Cursor::Offset(42)).unwrap();
        assert_eq!(empty.next, None);
        let cursor = json!({"data": [{"object": "RelationRequest", "id": "3", "type": "sent"}],
                            "next_cursor": "abc"});
        let page = listed(200, &cursor.to_string(), Cursor::Offset(0)).unwrap();
        assert_eq!(page.next, Some(Cursor::Token("abc".into())));
    }

    #[test]
    fn missing_optional_fields_and_unknown_ones_are_fine() {
        let body = json!({"data": [{"object": "RelationRequest", "id": "9", "type": "received",
            "extra": {"x": 1}, "user": {"object": "User", "id": "ACoX", "type": "individual",
            "display_name": "李雷", "private_picture_download_url": "https://api.unipile.com/p"}}]});
        let invitation = listed(200, &body.to_string(), Cursor::Offset(0))
            .unwrap()
            .items
            .remove(0);
        assert_eq!(invitation.person.name, "李雷");
        assert_eq!(
            invitation.person.picture_url, None,
            "the private picture needs the key"
        );
        assert_eq!((invitation.sent_at_ms, invitation.note), (None, None));
        let no_user = json!({"data": [{"object": "RelationRequest", "id": "9", "type": "sent"}]});
        let invitation = listed(200, &no_user.to_string(), Cursor::Offset(0))
            .unwrap()
            .items
            .remove(0);
        assert_eq!(invitation.person.name, "LinkedIn member");
    }

    #[test]
    fn accept_and_cancel_post_to_the_request_without_a_body() {
        let invitation = documented();
        let base =
            "https://api.unipile.com/v2/acc_123/users/me/relation-requests/7449262477600571392";
        for (action, url, fixture_name) in [
            (
                Action::Accept(&invitation),
                format!("{base}/accept"),
                "accept.json",
            ),
            (
                Action::Decline(&invitation),
                format!("{base}/cancel"),
                "cancel.json",
            ),
            (
                Action::Withdraw(&invitation),
                format!("{base}/cancel"),
                "cancel.json",
            ),
        ] {
            let request = UnipileV2.action(&account(), &action).unwrap();
            assert_eq!(
                (request.method, request.url.as_str()),
                (Method::Post, url.as_str())
            );
            assert_eq!((request.body, request.retryable), (None, false));
            let ok = response(200, &fixture(&format!("unipile_v2/{fixture_name}")));
            assert_eq!(
                UnipileV2.decode_action(&account(), &action, &ok, NOW),
                Ok(None)
            );
        }
        let wrong = response(200, r#"{"object":"RelationRequestConfirmed"}"#);
        let error = UnipileV2
            .decode_action(&account(), &Action::Withdraw(&invitation), &wrong, NOW)
            .unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::BadResponse,
            "not a confirmation of this action"
        );
    }

    #[test]
    fn send_posts_the_member_id_and_decodes_the_201() {
        let target = Target::ProviderId("ACoAAAcDMMQBODyLwZrRcgYhrkCafURGqva0U4E".into());
        let action = Action::Send {
            target: &target,
            note: Some("Hi Julien"),
        };
        let request = UnipileV2.action(&account(), &action).unwrap();
        assert_eq!(
            request.url,
            "https://api.unipile.com/v2/acc_123/users/me/relation-requests"
        );
        let body = body_of(&request);
        assert_eq!(
            body,
            json!({"user_id": "ACoAAAcDMMQBODyLwZrRcgYhrkCafURGqva0U4E", "message": "Hi Julien"})
        );
        let created = response(201, &fixture("unipile_v2/relation_request.json"));
        let sent = UnipileV2
            .decode_action(&account(), &action, &created, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(
            (sent.id.as_str(), sent.direction),
            ("7449262477600571392", Direction::Sent)
        );
        let by_name = Target::PublicIdentifier("julien-crepieux".into());
        let error = UnipileV2
            .action(
                &account(),
                &Action::Send {
                    target: &by_name,
                    note: None,
                },
            )
            .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("profile"));
    }

    #[test]
    fn profile_lookup_turns_a_vanity_name_into_the_member_id() {
        let target = Target::PublicIdentifier("jérôme".into());
        let request = UnipileV2.lookup(&account(), &target).unwrap().unwrap();
        assert_eq!(
            request.url,
            "https://api.unipile.com/v2/acc_123/users/j%C3%A9r%C3%B4me"
        );
        let id = Target::ProviderId("ACoX1234567".into());
        assert!(
            UnipileV2.lookup(&account(), &id).unwrap().is_none(),
            "no call needed"
        );
        let person = UnipileV2
            .decode_lookup(&response(200, &fixture("unipile_v2/user.json")))
            .unwrap();
        assert_eq!(
            person.provider_id.as_deref(),
            Some("ACoAAAcDMMQBODyLwZrRcgYhrkCafURGqva0U4E")
        );
    }

    #[test]
    fn errors_are_typed_whatever_the_body() {
        let unauthorized = listed(
            401,
            &fixture("unipile_v2/error_invalid_authorization.json"),
            Cursor::Offset(0),
        )
        .unwrap_err();
        assert_eq!(unauthorized.kind, ErrorKind::Forbidden);
        assert_eq!(
            unauthorized.detail.as_deref(),
            Some("Account is disconnected.")
        );
        assert_eq!(
            listed(502, "<html>502</html>", Cursor::Offset(0))
                .unwrap_err()
                .kind,
            ErrorKind::ProviderUnavailable
        );
        assert_eq!(
            listed(200, r#"{"data": [{"id": "#, Cursor::Offset(0))
                .unwrap_err()
                .kind,
            ErrorKind::BadResponse
        );
        assert_eq!(
            listed(200, r#"{"data": [{"id": " "}]}"#, Cursor::Offset(0))
                .unwrap_err()
                .kind,
            ErrorKind::BadResponse
        );
    }
}
