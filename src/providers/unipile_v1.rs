//! Unipile API v1: `https://{DSN}/api/v1/users/…` with `X-API-KEY`, where the DSN is the
//! customer's own host and port; lists page by an opaque cursor, received invitations are
//! handled with their shared secret. Contract: shared/providers/unipile.md §6, §7, §12.

use super::{
    base_url, to_json,
    unipile::{decode, read, request, unconfirmed, Answer},
    url_encode, Action, Api, NamedPerson, Params, BASE_URL_FIELD,
};
use crate::age::{believable_sent_at, parse_iso_ms, parse_relative_ms};
use crate::error::{Error, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::input::{self, Target};
use crate::model::{Account, Cursor, Direction, Handles, Invitation, Page, Person};
use serde::Deserialize;

/// The sent list serves 1 to 250 per page (reference page); the received list's bound is not
/// documented and 100 is the most a source reports (unipile.md §6.2).
pub const MAX_SENT_PAGE_SIZE: u32 = 250;
pub const MAX_RECEIVED_PAGE_SIZE: u32 = 100;

pub struct UnipileV1;

impl Api for UnipileV1 {
    fn max_page_size(&self, direction: Direction) -> u32 {
        match direction {
            Direction::Received => MAX_RECEIVED_PAGE_SIZE,
            Direction::Sent => MAX_SENT_PAGE_SIZE,
        }
    }

    /// v1 lists carry a cursor and no total (unipile.md §6.1).
    fn reports_total(&self) -> bool {
        false
    }

    fn list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        size: u32,
    ) -> Result<HttpRequest, Error> {
        let path = match direction {
            Direction::Received => "users/invite/received",
            Direction::Sent => "users/invite/sent",
        };
        let size = size.clamp(1, self.max_page_size(direction));
        let mut url = format!(
            "{}/{path}?account_id={}&limit={size}",
            api_base(account)?,
            url_encode(&account.account_id)
        );
        if let Cursor::Token(cursor) = start {
            url.push_str(&format!("&cursor={}", url_encode(cursor)));
        }
        Ok(read(account, url))
    }

    fn decode_list(
        &self,
        account: &Account,
        direction: Direction,
        _start: &Cursor,
        response: &HttpResponse,
        fetched_at_ms: f64,
    ) -> Result<Page<Invitation>, Error> {
        let list: List = decode(response)?;
        let items = list
            .items
            .into_iter()
            .map(|wire| wire.into_invitation(account, direction, fetched_at_ms))
            .collect::<Result<Vec<_>, _>>()?;
        // A cursor that comes back or brings nothing is not the end (taken for it, every
        // invitation below would look gone): `paging` stops the reading instead.
        let next = list.cursor.filter(|c| !c.is_empty()).map(Cursor::Token);
        Ok(Page {
            items,
            total: None,
            next,
        })
    }

    fn lookup(&self, account: &Account, target: &Target) -> Result<Option<HttpRequest>, Error> {
        let Target::PublicIdentifier(identifier) = target else {
            return Ok(None);
        };
        let url = format!(
            "{}/users/{}?account_id={}",
            api_base(account)?,
            url_encode(identifier),
            url_encode(&account.account_id)
        );
        Ok(Some(read(account, url)))
    }

    fn decode_lookup(&self, response: &HttpResponse) -> Result<Person, Error> {
        // `UserProfile` (§12); a profile without `provider_id` is refused by the caller.
        let mut profile: NamedPerson = decode(response)?;
        let ids = (profile.public_identifier.take(), profile.provider_id.take());
        Ok(profile.into_person(ids.0, ids.1))
    }

    fn action(&self, account: &Account, action: &Action) -> Result<HttpRequest, Error> {
        let base = api_base(account)?;
        let account_id = &account.account_id;
        let (method, url, body) = match action {
            Action::Accept(invitation) | Action::Decline(invitation) => {
                let verb = match action {
                    Action::Accept(_) => "accept",
                    _ => "decline",
                };
                let id = input::required(Some(&invitation.id), "id")?;
                let secret =
                    input::required(invitation.handles.shared_secret.as_deref(), "shared secret")?;
                let body = Params::default()
                    .text("provider", "LINKEDIN")
                    .text("shared_secret", secret)
                    .text("account_id", account_id.as_str())
                    .text("action", verb);
                let url = format!("{base}/users/invite/received/{}", url_encode(id));
                (Method::Post, url, Some(body))
            }
            Action::Withdraw(invitation) => {
                let id = input::required(Some(&invitation.id), "id")?;
                let url = format!(
                    "{base}/users/invite/sent/{}?account_id={}",
                    url_encode(id),
                    url_encode(account_id)
                );
                (Method::Delete, url, None)
            }
            Action::Send { target, note } => {
                let Target::ProviderId(provider_id) = target else {
                    return Err(Error::invalid_input(
                        input::PROFILE_FIELD,
                        "Unipile needs the member id; look the profile up first",
                    ));
                };
                let body = Params::default()
                    .text("account_id", account_id.as_str())
                    .text("provider_id", provider_id.as_str())
                    .optional("message", *note);
                (Method::Post, format!("{base}/users/invite"), Some(body))
            }
        };
        Ok(request(
            account,
            method,
            url,
            body.map(|body| to_json(&body)),
        ))
    }

    fn decode_action(
        &self,
        account: &Account,
        action: &Action,
        response: &HttpResponse,
        now_ms: f64,
    ) -> Result<Option<Invitation>, Error> {
        let answer: Answer = decode(response)?;
        let confirmed = match action {
            Action::Accept(_) => {
                answer.object == "UserInvitationHandled"
                    && answer.status.as_deref() == Some("ACCEPTED")
            }
            Action::Decline(_) => {
                answer.object == "UserInvitationHandled"
                    && answer.status.as_deref() == Some("DECLINED")
            }
            Action::Withdraw(_) => answer.object == "InvitationCanceled",
            Action::Send { target, note } => {
                return match answer.invitation_id.filter(|id| !id.is_empty()) {
                    Some(id) if answer.object == "UserInvitationSent" => Ok(Some(Invitation {
                        id,
                        account: account.id.clone(),
                        direction: Direction::Sent,
                        person: Person {
                            provider_id: Some(target.identifier().to_owned()),
                            ..Person::default()
                        }
                        .sanitized(),
                        note: note.map(str::to_owned),
                        sent_at_ms: Some(now_ms),
                        sent_at_exact: true,
                        handles: Handles::default(),
                    })),
                    _ => Err(unconfirmed()),
                };
            }
        };
        if confirmed {
            Ok(None)
        } else {
            Err(unconfirmed())
        }
    }
}

/// `https://{DSN}/api/v1`. The DSN is the customer's own, so there is no default; a Base URL
/// given with `/api/v1` already is taken as it is.
fn api_base(account: &Account) -> Result<String, Error> {
    if account.base_url.trim().is_empty() {
        return Err(Error::invalid_input(
            BASE_URL_FIELD,
            "Unipile API v1 needs your DSN, like https://api1.unipile.com:13111",
        ));
    }
    let base = base_url(account, "")?;
    let base = base.strip_suffix("/api/v1").unwrap_or(&base);
    Ok(format!("{base}/api/v1"))
}

#[derive(Deserialize)]
struct List {
    items: Vec<WireInvitation>,
    cursor: Option<String>,
}

/// `InvitationSent` / `InvitationReceived` (§6.1, §6.2). The other person is the invitee on
/// the sent list and the inviter on the received one.
#[derive(Deserialize)]
struct WireInvitation {
    id: String,
    invited_user: Option<String>,
    invited_user_id: Option<String>,
    invited_user_public_id: Option<String>,
    invited_user_description: Option<String>,
    invited_user_profile_picture_url: Option<String>,
    date: Option<String>,
    parsed_datetime: Option<String>,
    invitation_text: Option<String>,
    inviter: Option<Inviter>,
    specifics: Option<Specifics>,
}

#[derive(Default, Deserialize)]
struct Inviter {
    inviter_name: Option<String>,
    inviter_id: Option<String>,
    inviter_public_identifier: Option<String>,
    inviter_description: Option<String>,
}

#[derive(Deserialize)]
struct Specifics {
    shared_secret: Option<String>,
}

impl WireInvitation {
    fn into_invitation(
        self,
        account: &Account,
        direction: Direction,
        fetched_at_ms: f64,
    ) -> Result<Invitation, Error> {
        let id = self.id.trim();
        if id.is_empty() {
            return Err(Error::new(ErrorKind::BadResponse).with_detail("an invitation has no id"));
        }
        let person = match direction {
            Direction::Sent => Person {
                name: self.invited_user.unwrap_or_default(),
                headline: self.invited_user_description,
                picture_url: self.invited_user_profile_picture_url,
                public_identifier: self.invited_user_public_id,
                provider_id: self.invited_user_id,
                ..Person::default()
            },
            Direction::Received => {
                let inviter = self.inviter.unwrap_or_default();
                Person {
                    name: inviter.inviter_name.unwrap_or_default(),
                    headline: inviter.inviter_description,
                    public_identifier: inviter.inviter_public_identifier,
                    provider_id: inviter.inviter_id,
                    ..Person::default()
                }
            }
        };
        let believable = |at_ms| believable_sent_at(at_ms, fetched_at_ms);
        let exact = self
            .parsed_datetime
            .as_deref()
            .and_then(parse_iso_ms)
            .and_then(believable);
        let estimated = || {
            let ago = parse_relative_ms(self.date.as_deref()?)?;
            believable(fetched_at_ms - ago)
        };
        Ok(Invitation {
            id: id.to_owned(),
            account: account.id.clone(),
            direction,
            person: person.sanitized(),
            note: self.invitation_text.filter(|t| !t.trim().is_empty()),
            sent_at_ms: exact.or_else(estimated),
            sent_at_exact: exact.is_some(),
            handles: Handles {
                entity_urn: None,
                shared_secret: self.specifics.and_then(|s| s.shared_secret),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::age::DAY_MS;
    use crate::model::ProviderKind;
    use crate::providers::test_support::{self, body_of, fixture, response, NOW};
    use serde_json::json;

    fn account() -> Account {
        Account {
            base_url: "https://api1.unipile.com:13111".into(),
            ..test_support::account(ProviderKind::UnipileV1)
        }
    }

    fn listed(direction: Direction, status: u16, body: &str) -> Result<Page<Invitation>, Error> {
        let start = Cursor::Offset(0);
        UnipileV1.decode_list(&account(), direction, &start, &response(status, body), NOW)
    }

    fn received() -> Invitation {
        let body = fixture("unipile_v1/invitations_received.json");
        listed(Direction::Received, 200, &body)
            .unwrap()
            .items
            .remove(0)
    }

    #[test]
    fn list_requests_use_the_dsn_and_pass_the_cursor_back_encoded() {
        let request = UnipileV1
            .list(&account(), Direction::Sent, &Cursor::Offset(0), 1000)
            .unwrap();
        assert_eq!(
            request.url,
            "https://api1.unipile.com:13111/api/v1/users/invite/sent?account_id=acc_123&limit=250"
        );
        assert_eq!((request.method, request.retryable), (Method::Get, true));
        let next = UnipileV1
            .list(
                &account(),
                Direction::Received,
                &Cursor::Token("eyJ9==".into()),
                1000,
            )
            .unwrap();
        assert_eq!(
            next.url,
            "https://api1.unipile.com:13111/api/v1/users/invite/received?account_id=acc_123&limit=100&cursor=eyJ9%3D%3D"
        );
        let with_suffix = Account {
            base_url: "https://api1.unipile.com:13111/api/v1/".into(),
            ..account()
        };
        let request = UnipileV1
            .list(&with_suffix, Direction::Sent, &Cursor::Offset(0), 10)
            .unwrap();
        assert!(request
            .url
            .starts_with("https://api1.unipile.com:13111/api/v1/users/"));
    }

    #[test]
    fn without_a_dsn_nothing_is_sent() {
        let account = Account {
            base_url: String::new(),
            ..account()
        };
        let error = UnipileV1
            .list(&account, Direction::Sent, &Cursor::Offset(0), 10)
            .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("base_url"));
    }

    #[test]
    fn decodes_the_documented_sent_item() {
        let page = listed(
            Direction::Sent,
            200,
            &fixture("unipile_v1/invitations_sent.json"),
        )
        .unwrap();
        assert_eq!(page.next, None);
        let invitation = &page.items[0];
        assert_eq!(invitation.id, "7449262477600571392");
        assert_eq!(invitation.person.name, "Jane Doe");
        assert_eq!(invitation.person.headline.as_deref(), Some("VP Sales at X"));
        assert_eq!(
            invitation.person.provider_id.as_deref(),
            Some("ACoAAB1x2y3z")
        );
        assert_eq!(
            invitation.person.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/jane-doe/")
        );
        assert_eq!(invitation.sent_at_ms, Some(1_777_642_358_772.0));
        assert!(invitation.sent_at_exact);
        assert_eq!(invitation.note, None);
    }

    #[test]
    fn decodes_the_received_item_from_the_inviters_side() {
        let invitation = received();
        assert_eq!(invitation.direction, Direction::Received);
        assert_eq!(invitation.person.name, "Jane Doe");
        assert_eq!(
            invitation.person.public_identifier.as_deref(),
            Some("jane-doe")
        );
        assert_eq!(invitation.note.as_deref(), Some("Hello, let us connect"));
        assert_eq!(
            invitation.handles.shared_secret.as_deref(),
            Some("abcdef12-3456-7890-abcd-ef1234567890")
        );
    }

    #[test]
    fn the_relative_date_is_used_when_there_is_no_timestamp_and_cursors_are_passed_on() {
        let body = json!({"object": "InvitationList", "cursor": "c2", "items": [{
            "object": "InvitationSent", "id": "1", "date": "Sent 3 days ago",
            "parsed_datetime": null, "invitation_text": null, "invited_user": null}]});
        let page = listed(Direction::Sent, 200, &body.to_string()).unwrap();
        assert_eq!(page.next, Some(Cursor::Token("c2".into())));
        assert_eq!(page.items[0].sent_at_ms, Some(NOW - 3.0 * DAY_MS));
        assert!(!page.items[0].sent_at_exact);
        assert_eq!(page.items[0].person.name, "LinkedIn member");
        let same = UnipileV1
            .decode_list(
                &account(),
                Direction::Sent,
                &Cursor::Token("c2".into()),
                &response(200, &body.to_string()),
                NOW,
            )
            .unwrap();
        assert_eq!(
            same.next,
            Some(Cursor::Token("c2".into())),
            "a cursor that does not move is not the end: paging stops it"
        );
    }

    #[test]
    fn accept_and_decline_send_the_shared_secret() {
        let invitation = received();
        for (action, verb, status) in [
            (Action::Accept(&invitation), "accept", "ACCEPTED"),
            (Action::Decline(&invitation), "decline", "DECLINED"),
        ] {
            let request = UnipileV1.action(&account(), &action).unwrap();
            assert_eq!(
                request.url,
                "https://api1.unipile.com:13111/api/v1/users/invite/received/7449262477600571555"
            );
            let body = body_of(&request);
            assert_eq!(
                body,
                json!({"provider": "LINKEDIN", "shared_secret": "abcdef12-3456-7890-abcd-ef1234567890",
                       "account_id": "acc_123", "action": verb})
            );
            let answer = json!({"object": "UserInvitationHandled", "status": status});
            let ok = response(200, &answer.to_string());
            assert_eq!(
                UnipileV1.decode_action(&account(), &action, &ok, NOW),
                Ok(None)
            );
        }
        let handled = response(200, &fixture("unipile_v1/invitation_handled.json"));
        let error = UnipileV1
            .decode_action(&account(), &Action::Decline(&invitation), &handled, NOW)
            .unwrap_err();
        assert_eq!(
            error.kind,
            ErrorKind::BadResponse,
            "ACCEPTED does not confirm a decline"
        );
    }

    #[test]
    fn withdraw_deletes_with_the_account_in_the_query() {
        let body = fixture("unipile_v1/invitations_sent.json");
        let invitation = listed(Direction::Sent, 200, &body).unwrap().items.remove(0);
        let action = Action::Withdraw(&invitation);
        let request = UnipileV1.action(&account(), &action).unwrap();
        assert_eq!(request.method, Method::Delete);
        assert_eq!(
            request.url,
            "https://api1.unipile.com:13111/api/v1/users/invite/sent/7449262477600571392?account_id=acc_123"
        );
        assert_eq!(request.body, None);
        let ok = response(200, &fixture("unipile_v1/invitation_canceled.json"));
        assert_eq!(
            UnipileV1.decode_action(&account(), &action, &ok, NOW),
            Ok(None)
        );
    }

    #[test]
    fn send_posts_the_member_id_and_reads_the_new_invitation_id() {
        let target = Target::ProviderId("ACoAAB1x2y3z".into());
        let action = Action::Send {
            target: &target,
            note: Some("Hi Jane"),
        };
        let request = UnipileV1.action(&account(), &action).unwrap();
        assert_eq!(
            request.url,
            "https://api1.unipile.com:13111/api/v1/users/invite"
        );
        let body = body_of(&request);
        assert_eq!(
            body,
            json!({"account_id": "acc_123", "provider_id": "ACoAAB1x2y3z", "message": "Hi Jane"})
        );
        let ok = response(200, &fixture("unipile_v1/invite_sent.json"));
        let sent = UnipileV1
            .decode_action(&account(), &action, &ok, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(sent.id, "7449262477600571999");
        assert_eq!(sent.note.as_deref(), Some("Hi Jane"));
    }

    #[test]
    fn profile_lookup_reads_the_member_id() {
        let target = Target::PublicIdentifier("jane-doe".into());
        let request = UnipileV1.lookup(&account(), &target).unwrap().unwrap();
        assert_eq!(
            request.url,
            "https://api1.unipile.com:13111/api/v1/users/jane-doe?account_id=acc_123"
        );
        let person = UnipileV1
            .decode_lookup(&response(200, &fixture("unipile_v1/user_profile.json")))
            .unwrap();
        assert_eq!(person.provider_id.as_deref(), Some("ACoAAB1x2y3z"));
        assert_eq!(person.name, "Jane Doe");
        let missing = r#"{"status":404,"type":"errors/resource_not_found","title":"Not found"}"#;
        let error = UnipileV1
            .decode_lookup(&response(404, missing))
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::NotFound);
    }

    #[test]
    fn documented_refusals_are_typed() {
        let target = Target::ProviderId("ACoAAB1x2y3z".into());
        let action = Action::Send {
            target: &target,
            note: None,
        };
        for (name, kind) in [
            (
                "error_already_invited_recently.json",
                ErrorKind::AlreadyDone,
            ),
            ("error_cannot_resend_yet.json", ErrorKind::CannotInvite),
            ("error_limit_exceeded.json", ErrorKind::LimitReached),
        ] {
            let refused = response(422, &fixture(&format!("unipile_v1/{name}")));
            let error = UnipileV1
                .decode_action(&account(), &action, &refused, NOW)
                .unwrap_err();
            assert_eq!(error.kind, kind, "{name}");
        }
        let error = listed(
            Direction::Sent,
            401,
            &fixture("unipile_v1/error_missing_credentials.json"),
        )
        .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unauthorized);
    }
}
