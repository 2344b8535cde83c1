//! Provider-neutral data: accounts as the options page stores them, people, invitations and
//! pages. Provider modules decode into these types; nothing else knows a provider's wire format.

use crate::names;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Linkup,
    UnipileV2,
    UnipileV1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    #[default]
    Free,
    Premium,
}

/// An API key. It has no `Serialize` and its `Debug` is masked, so it cannot reach a snapshot,
/// a log line or an error by accident; `expose` is called only to build the auth header.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(****)")
    }
}

/// One configured LinkedIn account, as stored under `accounts` in `chrome.storage.local`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Account {
    /// Our own id for the account, chosen by the options page.
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub provider: ProviderKind,
    pub api_key: ApiKey,
    /// The provider's id for the LinkedIn account.
    pub account_id: String,
    /// Empty means the provider's public base URL.
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub plan: Plan,
    /// Off unless the person turns it on in Options.
    #[serde(default)]
    pub auto_withdraw: AutoWithdraw,
}

/// One account's automatic withdraw rule, as the options page stores it: sent invitations
/// older than `older_than_days` are withdrawn in the background, at most `per_day` in any 24
/// hours. `rules.rs` bounds and applies it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoWithdraw {
    pub enabled: bool,
    pub older_than_days: f64,
    pub per_day: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Received,
    Sent,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::Received, Direction::Sent];

    /// Its name, as stored and as the pages know it.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Received => "received",
            Direction::Sent => "sent",
        }
    }
}

/// The other person of an invitation. URLs are kept only when safe to open (see
/// `safe_*_url`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    /// The first name a note's `{first_name}` becomes, when it can be told; only needed
    /// while sending, so never stored.
    #[serde(skip)]
    pub first_name: Option<String>,
    pub headline: Option<String>,
    pub profile_url: Option<String>,
    pub picture_url: Option<String>,
    pub public_identifier: Option<String>,
    pub provider_id: Option<String>,
}

impl Person {
    /// How the limits ledger names the person: the vanity name, else the member id; empty
    /// when neither is known.
    pub fn ledger_name(&self) -> &str {
        self.public_identifier
            .as_deref()
            .or(self.provider_id.as_deref())
            .unwrap_or_default()
    }

    /// The person as shown: URLs kept only when safe to open, blanks dropped, a name always
    /// present, and the vanity name and the profile URL each filled in from the other.
    pub fn sanitized(self) -> Person {
        let text =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let public_identifier = text(self.public_identifier);
        let profile_url = safe_profile_url(self.profile_url.as_deref()).or_else(|| {
            safe_profile_url(Some(&format!(
                "https://www.linkedin.com/in/{}/",
                public_identifier.as_deref()?
            )))
        });
        let name = self.name.trim();
        let placeholder = names::is_placeholder(name);
        Person {
            first_name: match self.first_name {
                _ if placeholder => None,
                Some(first) => Some(first.trim().to_owned()).filter(|f| !f.is_empty()),
                None => names::first_name_of_full(name),
            },
            name: if placeholder {
                names::PLACEHOLDER.into()
            } else {
                name.to_owned()
            },
            headline: text(self.headline),
            public_identifier: public_identifier
                .or_else(|| profile_url.as_deref().and_then(public_identifier_of)),
            profile_url,
            picture_url: safe_picture_url(self.picture_url.as_deref()),
            provider_id: text(self.provider_id),
        }
    }
}

/// `jane-doe` from `https://www.linkedin.com/in/jane-doe/`.
fn public_identifier_of(profile_url: &str) -> Option<String> {
    let rest = profile_url.split("/in/").nth(1)?;
    let identifier = rest.split(['/', '?', '#']).next()?;
    (!identifier.is_empty()).then(|| identifier.to_owned())
}

/// The provider's own handles for an invitation, kept opaque: only the provider module
/// that made them reads them back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Handles {
    pub entity_urn: Option<String>,
    pub shared_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    /// The provider's invitation id, unique within the account.
    pub id: String,
    /// `Account::id` of the account it belongs to.
    pub account: String,
    pub direction: Direction,
    pub person: Person,
    pub note: Option<String>,
    /// When it was sent, in epoch milliseconds; an estimate when `sent_at_exact` is false
    /// (LinkUp only says "2w").
    pub sent_at_ms: Option<f64>,
    pub sent_at_exact: bool,
    pub handles: Handles,
}

/// Where a page starts: an offset (LinkUp, Unipile v2) or the provider's opaque cursor
/// (Unipile v1), handed back untouched.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cursor {
    Offset(u64),
    Token(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many exist in all, when the provider says.
    pub total: Option<u64>,
    pub next: Option<Cursor>,
}

/// Where an account stands with one person (LinkUp's `check_invitation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relationship {
    pub state: RelationshipState,
    /// The pending invitation's id, to withdraw it.
    pub invitation_id: Option<String>,
    /// 1 for a connection, 2 or 3 beyond.
    pub member_distance: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipState {
    Connected,
    PendingSent,
    PendingReceived,
    NoInvitation,
}

/// A profile link shown in the popup: only `https://www.linkedin.com/…`, so a provider can never
/// make us link to another site or a `javascript:` URL.
pub fn safe_profile_url(url: Option<&str>) -> Option<String> {
    safe_url(url?, "https://www.linkedin.com/")
}

/// A picture shown in the popup: only from LinkedIn's own media hosts (`licdn.com` and its
/// subdomains, such as media.licdn.com), over https: a provider cannot make the popup load
/// from anywhere else. The CSP's `img-src` says the same.
pub fn safe_picture_url(url: Option<&str>) -> Option<String> {
    let url = safe_url(url?, "https://")?;
    let parsed = crate::web_url::Url::parse(&url)?;
    let host = parsed.host_str()?;
    let linkedin = host == "licdn.com" || host.ends_with(".licdn.com");
    let plain = parsed.username().is_empty() && parsed.password().is_none() && !parsed.has_port();
    (linkedin && plain).then_some(url)
}

/// `url` if it starts with `prefix` and the rest is plain URL text: no spaces, quotes or angle
/// brackets that could break out of an attribute.
fn safe_url(url: &str, prefix: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix(prefix)?;
    let plain = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '<' | '>' | '\\'));
    plain.then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_links_only_go_to_linkedin_over_https() {
        let ok = "https://www.linkedin.com/in/amara-okafor";
        assert_eq!(safe_profile_url(Some(ok)).as_deref(), Some(ok));
        for bad in [
            "http://www.linkedin.com/in/x",
            "https://www.linkedin.com.evil.example/in/x",
            "https://evil.example/https://www.linkedin.com/",
            "javascript:alert(1)",
            "https://www.linkedin.com/in/x\"onmouseover=\"alert(1)",
            "https://www.linkedin.com/in/a b",
        ] {
            assert_eq!(safe_profile_url(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_profile_url(None), None);
    }

    #[test]
    fn people_are_sanitized_and_completed() {
        let person = Person {
            name: "  ".into(),
            headline: Some(" <b>CTO</b> ".into()),
            profile_url: Some("javascript:alert(1)".into()),
            picture_url: Some("http://x/p.jpg".into()),
            public_identifier: Some("jane-doe".into()),
            provider_id: Some(" ".into()),
            first_name: Some("Jane".into()),
        }
        .sanitized();
        assert_eq!(person.name, "LinkedIn member");
        assert_eq!(person.first_name, None, "a placeholder has no first name");
        assert_eq!(
            person.headline.as_deref(),
            Some("<b>CTO</b>"),
            "kept as text"
        );
        assert_eq!(
            person.profile_url.as_deref(),
            Some("https://www.linkedin.com/in/jane-doe/")
        );
        assert_eq!((person.picture_url, person.provider_id), (None, None));
        let from_url = Person {
            name: "Jane".into(),
            profile_url: Some("https://www.linkedin.com/in/jane?x=1".into()),
            ..Person::default()
        }
        .sanitized();
        assert_eq!(from_url.public_identifier.as_deref(), Some("jane"));
        let hostile = Person {
            name: "x".into(),
            public_identifier: Some("a\"><script>".into()),
            ..Person::default()
        }
        .sanitized();
        assert_eq!(hostile.profile_url, None, "no link built from unsafe text");
    }

    #[test]
    fn pictures_only_load_from_linkedins_media_hosts_over_https() {
        assert!(safe_picture_url(Some("https://media.licdn.com/dms/image/a.jpg")).is_some());
        assert!(safe_picture_url(Some("https://media-exp1.licdn.com/dms/a.jpg")).is_some());
        for refused in [
            "http://media.licdn.com/a.jpg",
            "data:image/png;base64,AAAA",
            "https://",
            "https://tracker.example/pixel.gif",
            "https://media.licdn.com.evil.example/a.jpg",
            "https://evillicdn.com/a.jpg",
            "https://media.licdn.com@evil.example/a.jpg",
            "https://media.licdn.com:8443/a.jpg",
        ] {
            assert_eq!(safe_picture_url(Some(refused)), None, "{refused}");
        }
    }

    /// The JSON `value` is stored as, checked to read back as `value`.
    fn stored<T>(value: T) -> String
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + fmt::Debug,
    {
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<T>(&text).unwrap(), value);
        text
    }

    #[test]
    fn unit_enums_are_stored_by_name_and_read_back() {
        assert_eq!(stored(ProviderKind::Linkup), r#""linkup""#);
        assert_eq!(stored(ProviderKind::UnipileV2), r#""unipile_v2""#);
        assert_eq!(stored(ProviderKind::UnipileV1), r#""unipile_v1""#);
        assert_eq!(stored(Plan::Free), r#""free""#);
        assert_eq!(stored(Plan::Premium), r#""premium""#);
        assert_eq!(stored(Direction::Received), r#""received""#);
        assert_eq!(stored(Direction::Sent), r#""sent""#);
        let unknown = serde_json::from_str::<ProviderKind>(r#""linkedin""#).unwrap_err();
        assert!(unknown.to_string().contains("unknown variant `linkedin`"));
        assert!(serde_json::from_str::<Plan>("1").is_err());
    }

    #[test]
    fn invitations_read_back_as_stored() {
        let invitation = Invitation {
            id: "7".into(),
            account: "work".into(),
            direction: Direction::Sent,
            person: Person {
                name: "Jane \"JD\" Doe".into(),
                public_identifier: Some("jane-doe".into()),
                ..Person::default()
            },
            note: Some("Hi".into()),
            sent_at_ms: Some(1.5),
            sent_at_exact: true,
            handles: Handles {
                entity_urn: Some("urn:li:invitation:7".into()),
                shared_secret: None,
            },
        };
        let text = stored(invitation.clone());
        assert!(text.starts_with(r#"{"id":"7","account":"work","direction":"sent","person":"#));
        let missing_flag = text.replace(r#","sent_at_exact":true"#, "");
        assert!(serde_json::from_str::<Invitation>(&missing_flag).is_err());
    }

    #[test]
    fn accounts_read_with_their_defaults() {
        let account: Account = serde_json::from_str(
            r#"{"id":"a","provider":"unipile_v1","api_key":"k","account_id":"x","extra":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            (
                account.label.as_str(),
                account.base_url.as_str(),
                account.plan
            ),
            ("", "", Plan::Free)
        );
        let full: Account = serde_json::from_str(
            r#"{"id":"a","label":"L","provider":"linkup","api_key":"k","account_id":"x",
                "base_url":"https://b","plan":"premium"}"#,
        )
        .unwrap();
        assert_eq!(
            (full.base_url.as_str(), full.plan),
            ("https://b", Plan::Premium)
        );
        for broken in [
            r#"{"id":"a","provider":"linkup","account_id":"x"}"#,
            r#"{"id":"a","provider":"linkup","api_key":"k","account_id":"x","label":null}"#,
        ] {
            assert!(serde_json::from_str::<Account>(broken).is_err(), "{broken}");
        }
    }

    #[test]
    fn api_key_never_shows_in_debug_output() {
        let account: Account = serde_json::from_str(
            r#"{"id":"a1","label":"Me","provider":"linkup","api_key":"sk_secret_42","account_id":"acc_1"}"#,
        )
        .unwrap();
        assert_eq!(account.api_key.expose(), "sk_secret_42");
        assert_eq!(account.plan, Plan::Free);
        assert!(!format!("{account:?}").contains("sk_secret_42"));
    }
}
