//! The provider APIs, one module each, as pure values: an operation becomes an `HttpRequest`,
//! an `HttpResponse` becomes a typed result. No I/O here: `client.rs` runs them through
//! `http.rs`.

pub mod linkup;
mod unipile;
pub mod unipile_v1;
pub mod unipile_v2;

use crate::error::{Error, ErrorKind, Field};
use crate::http::{HttpRequest, HttpResponse};
use crate::input::Target;
use crate::model::{Account, Cursor, Direction, Invitation, Page, Person, ProviderKind};
use crate::names;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// An operation that changes something at the provider; never sent twice blindly.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    Accept(&'a Invitation),
    Decline(&'a Invitation),
    Withdraw(&'a Invitation),
    /// Unipile invites by member id only; `client` resolves a vanity name first.
    Send {
        target: &'a Target,
        note: Option<&'a str>,
    },
}

impl Action<'_> {
    /// The list an action removes from or adds to: where to look to learn whether it happened.
    pub fn direction(&self) -> Direction {
        match self {
            Action::Accept(_) | Action::Decline(_) => Direction::Received,
            Action::Withdraw(_) | Action::Send { .. } => Direction::Sent,
        }
    }
}

/// What every provider module offers; `client.rs` drives it without knowing which API it is.
pub trait Api {
    /// The largest page the API serves for `direction`: listing then costs the fewest calls.
    fn max_page_size(&self, direction: Direction) -> u32;

    /// The page size of the sync engine's own reads: the largest page one call of the smallest
    /// cost serves. By default the largest page: each call costs the same.
    fn probe_size(&self, direction: Direction) -> u32 {
        self.max_page_size(direction)
    }

    /// Whether a list page says how many invitations there are in all (and pages start at any
    /// offset), so that counting takes one smallest page instead of the whole list.
    fn reports_total(&self) -> bool {
        true
    }

    /// Whether listed invitations carry their note, so one without a note had none.
    fn lists_notes(&self) -> bool {
        true
    }

    /// Whether the API tells of one person whether they are now a connection (LinkUp's
    /// `check_invitation`): where none does, an invitation gone from the sent list "left" it.
    fn tells_acceptance(&self) -> bool {
        false
    }

    /// The page of `direction` starting at `start`, at most `size` items.
    fn list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        size: u32,
    ) -> Result<HttpRequest, Error>;

    /// `fetched_at_ms` turns relative ages ("2w") into dates.
    fn decode_list(
        &self,
        account: &Account,
        direction: Direction,
        start: &Cursor,
        response: &HttpResponse,
        fetched_at_ms: f64,
    ) -> Result<Page<Invitation>, Error>;

    /// The profile lookup that turns a vanity name into a member id, when this API needs one
    /// to invite. By default there is none: the API takes `target` as it is (LinkUp).
    fn lookup(&self, _account: &Account, _target: &Target) -> Result<Option<HttpRequest>, Error> {
        Ok(None)
    }

    /// The person found by `lookup`, with `provider_id` set; called only when `lookup` gave a
    /// request.
    fn decode_lookup(&self, response: &HttpResponse) -> Result<Person, Error> {
        Err(error_from_status(response))
    }

    fn action(&self, account: &Account, action: &Action) -> Result<HttpRequest, Error>;

    /// `Some` with the new sent invitation when a send's answer describes it.
    fn decode_action(
        &self,
        account: &Account,
        action: &Action,
        response: &HttpResponse,
        now_ms: f64,
    ) -> Result<Option<Invitation>, Error>;
}

/// One provider Invite Desk speaks: the module for its API and what the options page says of it.
/// A fourth provider is a module, a `ProviderKind` and a line in `PROVIDERS`.
#[derive(Clone, Copy, Serialize)]
pub struct Provider {
    pub kind: ProviderKind,
    pub name: &'static str,
    /// Where its API is; empty when each customer has their own address (a DSN) to type.
    pub default_base_url: &'static str,
    /// Shown under the Base URL.
    pub base_url_hint: &'static str,
    /// An example address, for providers with no default.
    pub base_url_example: &'static str,
    #[serde(skip)]
    pub api: &'static dyn Api,
}

pub const PROVIDERS: [Provider; 3] = [
    Provider {
        kind: ProviderKind::Linkup,
        name: "LinkUp",
        default_base_url: linkup::DEFAULT_BASE_URL,
        base_url_hint: "The address of the LinkUp API. Keep it unless LinkUp gave you another.",
        base_url_example: "",
        api: &linkup::Linkup,
    },
    Provider {
        kind: ProviderKind::UnipileV2,
        name: "Unipile API v2",
        default_base_url: unipile_v2::DEFAULT_BASE_URL,
        base_url_hint: "The address of the Unipile API. Keep it unless Unipile gave you another.",
        base_url_example: "",
        api: &unipile_v2::UnipileV2,
    },
    Provider {
        kind: ProviderKind::UnipileV1,
        name: "Unipile API v1",
        default_base_url: "",
        base_url_hint: "Required: paste the DSN from your Unipile dashboard, e.g. \
                        https://api1.unipile.com:13111",
        base_url_example: "https://api1.unipile.com:13111",
        api: &unipile_v1::UnipileV1,
    },
];

/// `kind`'s line in `PROVIDERS`.
pub fn provider(kind: ProviderKind) -> &'static Provider {
    PROVIDERS
        .iter()
        .find(|provider| provider.kind == kind)
        .unwrap_or(&PROVIDERS[0])
}

/// The module that speaks `kind`'s API.
pub fn api(kind: ProviderKind) -> &'static dyn Api {
    provider(kind).api
}

pub const BASE_URL_FIELD: Field = Field {
    key: "base_url",
    label: "Base URL",
};

/// A JSON request body, its fields in the order given. One type serializes the bodies of all
/// three APIs (and keeps `serde_json::Value` out of the module).
#[derive(Default)]
struct Params<'a>(Vec<(&'static str, Param<'a>)>);

#[derive(Serialize)]
#[serde(untagged)]
enum Param<'a> {
    Text(Cow<'a, str>),
    Number(u64),
}

impl<'a> Params<'a> {
    fn text(mut self, name: &'static str, value: impl Into<Cow<'a, str>>) -> Self {
        self.0.push((name, Param::Text(value.into())));
        self
    }

    fn number(mut self, name: &'static str, value: u64) -> Self {
        self.0.push((name, Param::Number(value)));
        self
    }

    /// `name` only when there is a value, like an invitation's optional note.
    fn optional(self, name: &'static str, value: Option<&'a str>) -> Self {
        match value {
            Some(value) => self.text(name, value),
            None => self,
        }
    }
}

impl Serialize for Params<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

/// A person as LinkUp and Unipile v1 give one, first and last name apart: LinkUp's list
/// entries and invite answer (with the new invitation's URNs) and v1's profile. One type
/// for all of them keeps one decoder in the module; each reads the fields it knows.
#[derive(Default, Deserialize)]
struct NamedPerson {
    first_name: Option<String>,
    last_name: Option<String>,
    headline: Option<String>,
    linkedin_url: Option<String>,
    /// LinkUp's `list_invitations` calls it `profile_picture_url`, `list_sent`
    /// `profile_picture`.
    #[serde(rename = "profile_picture_url", alias = "profile_picture")]
    profile_picture_url: Option<String>,
    public_identifier: Option<String>,
    provider_id: Option<String>,
    invitation_urn: Option<String>,
    profile_urn: Option<String>,
}

impl NamedPerson {
    /// The person, with the ids the caller trusts for this answer.
    fn into_person(self, public_identifier: Option<String>, provider_id: Option<String>) -> Person {
        Person {
            name: names::full_name(self.first_name.as_deref(), self.last_name.as_deref()),
            // Given apart, the first name is never guessed from the whole (a last name alone
            // is not one).
            first_name: Some(self.first_name.unwrap_or_default()),
            headline: self.headline,
            profile_url: self.linkedin_url,
            picture_url: self.profile_picture_url,
            public_identifier,
            provider_id,
        }
        .sanitized()
    }
}

/// The JSON text of a body. Plain strings and numbers always serialize.
fn to_json(body: &impl Serialize) -> String {
    serde_json::to_string(body).unwrap_or_default()
}

/// The account's base URL without a trailing slash, or the provider's public one. It is parsed,
/// not matched as text: https only, no user name or password (`https://api.unipile.com@evil.example`
/// is a login to evil.example), no query or fragment. Test and demo builds (feature `loopback`)
/// also take plain http to 127.0.0.1 or localhost, where the emulator runs; the shipped one
/// never does.
fn base_url(account: &Account, default: &str) -> Result<String, Error> {
    let custom = account.base_url.trim();
    if custom.is_empty() {
        return Ok(default.to_owned());
    }
    let refuse = || {
        let allowed = match cfg!(feature = "loopback") {
            true => "use an https:// address (http:// only for 127.0.0.1 or localhost)",
            false => "use an https:// address of your provider",
        };
        Error::invalid_input(BASE_URL_FIELD, allowed)
    };
    let url = crate::web_url::Url::parse(custom).ok_or_else(refuse)?;
    let host = url.host_str().unwrap_or_default();
    let scheme_allowed = match url.scheme().as_str() {
        "https" => !host.is_empty(),
        "http" => cfg!(feature = "loopback") && matches!(host.as_str(), "127.0.0.1" | "localhost"),
        _ => false,
    };
    let plain = url.username().is_empty()
        && url.password().is_none()
        && !url.has_query()
        && !url.has_fragment();
    if !(scheme_allowed && plain) {
        return Err(refuse());
    }
    Ok(url.as_string().trim_end_matches('/').to_owned())
}

/// `text` made safe for a URL path segment or query value: every byte outside the unreserved
/// set is percent-encoded (a base64 cursor's `=` and `/`, a vanity name's accents).
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

/// The offset a page starts at; an API that pages by offset never hands out cursors.
fn offset_of(start: &Cursor) -> u64 {
    match start {
        Cursor::Offset(offset) => *offset,
        Cursor::Token(_) => 0,
    }
}

/// Decodes a JSON body; anything else (an HTML error page, a truncated body) is `bad_response`.
fn parse_json<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, Error> {
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

/// LinkedIn's own refusals reach us through LinkUp and Unipile v2 without a code of their own,
/// with LinkedIn's reason in words (linkup.md §6, unipile.md §5). The reasons a person acts on
/// differently are told apart by those words; anything else stays generic.
fn linkedin_refusal(words: &str) -> Option<ErrorKind> {
    // LinkedIn's reasons come in English; ASCII folding keeps Unicode's case tables out.
    let words = words.to_ascii_lowercase();
    let says = |phrases: &[&str]| phrases.iter().any(|p| words.contains(p));
    if says(&[
        "already connected",
        "already pending",
        "already been sent",
        "already sent",
    ]) {
        Some(ErrorKind::AlreadyDone)
    } else if says(&[
        "withdrawn recently",
        "sent again after",
        "cannot resend",
        "resend yet",
    ]) {
        // A wait for this one person; the account may go on with others.
        Some(ErrorKind::CannotInvite)
    } else if says(&["limit"]) && says(&["reached", "exceeded"]) {
        Some(ErrorKind::LimitReached)
    } else {
        None
    }
}

fn is_success(response: &HttpResponse) -> bool {
    (200..300).contains(&response.status)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Accounts, responses and fixtures shared by the provider modules' tests.
    use crate::http::HttpResponse;
    use crate::model::{
        Account, ApiKey, Direction, Handles, Invitation, Person, Plan, ProviderKind,
    };

    pub const NOW: f64 = 1_800_000_000_000.0;

    pub fn account(provider: ProviderKind) -> Account {
        Account {
            id: "work".into(),
            label: "Work".into(),
            provider,
            api_key: ApiKey::new("sk_secret"),
            account_id: "acc_123".into(),
            base_url: String::new(),
            plan: Plan::Free,
            auto_withdraw: Default::default(),
        }
    }

    /// A received invitation with nothing but its id.
    pub fn invitation(id: &str) -> Invitation {
        Invitation {
            id: id.into(),
            account: "a".into(),
            direction: Direction::Received,
            person: Person::default(),
            note: None,
            sent_at_ms: None,
            sent_at_exact: false,
            handles: Handles::default(),
        }
    }

    pub fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            body: body.into(),
            ..HttpResponse::default()
        }
    }

    /// The JSON body a request would send.
    pub fn body_of(request: &crate::http::HttpRequest) -> serde_json::Value {
        serde_json::from_str(request.body.as_deref().unwrap()).unwrap()
    }

    pub fn fixture(path: &str) -> String {
        let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(path).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            retry_after: retry_after.map(str::to_owned),
            ..HttpResponse::default()
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

    #[test]
    fn keys_only_travel_over_https_to_the_host_named() {
        let with_base = |base: &str| Account {
            base_url: base.into(),
            ..account(ProviderKind::Linkup)
        };
        let ok = |base: &str| base_url(&with_base(base), "https://default.example").unwrap();
        assert_eq!(ok(""), "https://default.example");
        assert_eq!(
            ok(" https://api1.unipile.com:13111/ "),
            "https://api1.unipile.com:13111"
        );
        assert_eq!(
            ok("https://API.LinkupAPI.com/"),
            "https://api.linkupapi.com"
        );
        assert_eq!(
            ok("https://münchen.example"),
            "https://xn--mnchen-3ya.example",
            "an international name goes as the name DNS knows"
        );
        let loopback = ["http://127.0.0.1:4010", "http://localhost"];
        for base in loopback {
            match cfg!(feature = "loopback") {
                true => assert_eq!(ok(base), base),
                false => assert!(base_url(&with_base(base), "https://d").is_err(), "{base}"),
            }
        }
        for bad in [
            "http://api.linkupapi.com",
            "http://127.0.0.1.evil.example",
            "https://api.unipile.com@evil.example",
            "https://user:pass@api.unipile.com",
            "ftp://x",
            "https://",
            "api.linkupapi.com",
            "https://x.example/?q=1",
            "https://x.example/#top",
            "https://x .example",
            "javascript:alert(1)",
        ] {
            let error = base_url(&with_base(bad), "https://d").unwrap_err();
            assert_eq!(error.field.as_deref(), Some("base_url"), "{bad}");
        }
    }

    #[test]
    fn url_parts_are_percent_encoded() {
        assert_eq!(url_encode("eyJsaW1pdCI6MTB9=="), "eyJsaW1pdCI6MTB9%3D%3D");
        assert_eq!(url_encode("a/b+c"), "a%2Fb%2Bc");
        assert_eq!(url_encode("jérôme"), "j%C3%A9r%C3%B4me");
        assert_eq!(url_encode("jane-doe_1.x~"), "jane-doe_1.x~");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod fuzz {
    //! Arbitrary bytes and mutated documented bodies never make any decoder of any API panic.
    use super::test_support::*;
    use super::*;
    use proptest::prelude::*;

    const DOCUMENTED: &[&str] = &[
        "linkup/list_invitations.json",
        "linkup/list_sent.json",
        "linkup/invite.json",
        "linkup/withdraw.json",
        "linkup/check_invitation.json",
        "linkup/error_invalid_api_key.json",
        "unipile_v2/relation_requests_list.json",
        "unipile_v2/relation_request.json",
        "unipile_v2/user.json",
        "unipile_v2/error_too_many_requests.json",
        "unipile_v1/invitations_sent.json",
        "unipile_v1/invitations_received.json",
        "unipile_v1/invite_sent.json",
        "unipile_v1/user_profile.json",
        "unipile_v1/error_already_invited_recently.json",
    ];

    /// Runs every decoder of every API on one response.
    fn decode_everything(status: u16, body: String) {
        let response = HttpResponse {
            status,
            retry_after: Some("7".into()),
            body,
            ..HttpResponse::default()
        };
        let invitation = test_support::invitation("1");
        let target = Target::ProviderId("ACoAAB1x2y3z".into());
        let actions = [
            Action::Accept(&invitation),
            Action::Decline(&invitation),
            Action::Withdraw(&invitation),
            Action::Send {
                target: &target,
                note: None,
            },
        ];
        for kind in [
            ProviderKind::Linkup,
            ProviderKind::UnipileV2,
            ProviderKind::UnipileV1,
        ] {
            let api = api(kind);
            let account = account(kind);
            for direction in [Direction::Received, Direction::Sent] {
                for start in [Cursor::Offset(3), Cursor::Token("c".into())] {
                    let _ = api.decode_list(&account, direction, &start, &response, NOW);
                }
            }
            let _ = api.decode_lookup(&response);
            for action in &actions {
                let _ = api.decode_action(&account, action, &response, NOW);
            }
        }
        let _ = linkup::decode_check_invitation(&response);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(status in 100u16..600, body in ".*") {
            decode_everything(status, body);
        }

        #[test]
        fn mutated_documented_bodies_never_panic(
            which in 0..DOCUMENTED.len(),
            status in prop::sample::select(vec![200u16, 201, 400, 401, 422, 429, 502]),
            cut in 0usize..2000,
            byte in any::<u8>(),
            at in 0usize..2000,
        ) {
            let mut body = fixture(DOCUMENTED[which]).into_bytes();
            if at < body.len() { body[at] = byte; }
            body.truncate(cut.min(body.len()));
            decode_everything(status, String::from_utf8_lossy(&body).into_owned());
        }

        #[test]
        fn documented_bodies_with_values_swapped_never_panic(
            which in 0..DOCUMENTED.len(),
            replacement in prop::sample::select(vec!["null", "0", "-1", "1e308", "\"\"", "[]", "{}", "true", "\"<b>x</b>\""]),
            nth in 0usize..40,
        ) {
            // Swap the nth JSON value for one of another type: shapes real APIs drift into.
            let mut value: serde_json::Value = serde_json::from_str(&fixture(DOCUMENTED[which])).unwrap();
            let mut counter = 0;
            swap_nth(&mut value, nth, &mut counter, &serde_json::from_str(replacement).unwrap());
            decode_everything(200, value.to_string());
        }
    }

    fn swap_nth(
        value: &mut serde_json::Value,
        nth: usize,
        counter: &mut usize,
        with: &serde_json::Value,
    ) {
        if *counter == nth {
            *value = with.clone();
        }
        *counter += 1;
        match value {
            serde_json::Value::Object(map) => map
                .values_mut()
                .for_each(|v| swap_nth(v, nth, counter, with)),
            serde_json::Value::Array(items) => items
                .iter_mut()
                .for_each(|v| swap_nth(v, nth, counter, with)),
            _ => {}
        }
    }
}
