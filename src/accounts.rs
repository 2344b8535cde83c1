//! The accounts the options page stores: reading the stored list, where a damaged entry is
//! reported rather than skipped, and checking one account before it is saved or tested.

use crate::error::{Error, ErrorKind, Field};
use crate::model::{Account, Cursor, Direction};
use crate::providers;
use crate::snapshot::AccountStatus;
use serde::Deserialize;
use serde_json::value::RawValue;

pub const ACCOUNT_FIELD: Field = Field {
    key: "account",
    label: "Account",
};
pub const PROVIDER_FIELD: Field = Field {
    key: "provider",
    label: "Provider",
};
/// A label names the account on every row of the popup: a short name fits.
const LABEL_MAX_CHARS: usize = 60;
pub const LABEL_FIELD: Field = Field {
    key: "label",
    label: "Label",
};
pub const API_KEY_FIELD: Field = Field {
    key: "api_key",
    label: "API key",
};
pub const ACCOUNT_ID_FIELD: Field = Field {
    key: "account_id",
    label: "Account ID",
};

/// What a damaged entry may still tell about itself.
#[derive(Deserialize, Default)]
struct AccountName {
    id: Option<String>,
    label: Option<String>,
}

/// The stored `accounts` list as usable accounts, and as statuses carrying an error for the
/// entries that cannot be read.
pub fn read(stored: Option<&RawValue>) -> (Vec<Account>, Vec<AccountStatus>) {
    let mut accounts = Vec::new();
    let mut unreadable = Vec::new();
    let entries: Vec<&RawValue> = stored
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    for (index, entry) in entries.into_iter().enumerate() {
        match serde_json::from_str::<Account>(entry.get()) {
            Ok(account) => accounts.push(account),
            Err(_) => {
                let name: AccountName = serde_json::from_str(entry.get()).unwrap_or_default();
                unreadable.push(AccountStatus::unreadable(
                    name.id.unwrap_or_else(|| format!("stored-account-{index}")),
                    name.label
                        .unwrap_or_else(|| format!("Account {}", index + 1)),
                    Error::invalid_input(
                        ACCOUNT_FIELD,
                        "this account's settings are incomplete; open Options and save it again",
                    ),
                ));
            }
        }
    }
    (accounts, unreadable)
}

/// A connection test's error, pointing at the form's input to correct: a rejected key at the
/// key, an unknown LinkedIn account at the account id, an address that does not answer as the
/// provider at the Base URL.
pub fn field_at_fault(error: Error) -> Error {
    let field = match error.kind {
        ErrorKind::Unauthorized | ErrorKind::Forbidden => API_KEY_FIELD,
        ErrorKind::NotFound => ACCOUNT_ID_FIELD,
        ErrorKind::Network | ErrorKind::BadResponse => providers::BASE_URL_FIELD,
        _ => return error,
    };
    error.for_field(field.key, field.label)
}

/// Everything that can be known about an account without calling its provider: the fields a
/// call needs are filled in, and the base URL is one a key may be sent to.
pub fn check(account: &Account) -> Result<(), Error> {
    for (field, value) in [
        (LABEL_FIELD, account.label.as_str()),
        (API_KEY_FIELD, account.api_key.expose()),
        (ACCOUNT_ID_FIELD, account.account_id.as_str()),
    ] {
        if value.trim().is_empty() {
            return Err(Error::invalid_input(field, "it is required"));
        }
    }
    if account.label.chars().count() > LABEL_MAX_CHARS {
        return Err(Error::invalid_input(
            LABEL_FIELD,
            &format!("use {LABEL_MAX_CHARS} characters at most"),
        ));
    }
    account.auto_withdraw.check()?;
    // Building the cheapest request applies every rule on the base URL and account id.
    providers::api(account.provider)
        .list(account, Direction::Received, &Cursor::Offset(0), 1)
        .map(drop)
}

/// The origin `account`'s requests, and so its key, go to: what the browser must allow.
pub fn origin(account: &Account) -> Result<String, Error> {
    let request = providers::api(account.provider).list(
        account,
        Direction::Received,
        &Cursor::Offset(0),
        1,
    )?;
    let url = crate::web_url::Url::parse(&request.url).ok_or_else(|| {
        Error::invalid_input(providers::BASE_URL_FIELD, "it is not a web address")
    })?;
    Ok(url.origin())
}

/// Which LinkedIn account, through which provider and where, an entry's lists are read from:
/// an entry edited to another is a removal and an addition.
pub fn read_from(account: &Account) -> String {
    format!(
        "{}@{}",
        crate::limits::ledger_key(account),
        origin(account).unwrap_or_default()
    )
}

/// A form that leaves the key blank keeps the stored key only while it would go where it went
/// before: the same provider at the same origin. Elsewhere the old key must not follow.
pub fn check_kept_key(form: &Account, stored: &Account) -> Result<(), Error> {
    let same_place = form.provider == stored.provider
        && matches!((origin(form), origin(stored)), (Ok(new), Ok(old)) if new == old);
    match same_place {
        true => Ok(()),
        false => Err(Error::invalid_input(
            API_KEY_FIELD,
            "the Base URL now points elsewhere: enter the key for it, so that the old one does not go there",
        )),
    }
}

/// The host permission that lets the browser reach `origin`: its scheme and host, any port and
/// path. Firefox takes no port in a pattern, and in Chrome a pattern without one covers them all.
pub fn host_permission(origin: &str) -> Option<String> {
    let url = crate::web_url::Url::parse(origin)?;
    Some(format!("{}://{}/*", url.scheme(), url.host_str()?))
}

/// The error for an address the person did not allow Invite Desk to reach, with the
/// permission a page may ask for.
pub fn not_allowed(origin: &str) -> Error {
    Error::new(ErrorKind::NotAllowed)
        .with_detail(&format!("the browser was not allowed to reach {origin}"))
        .with_access(host_permission(origin))
        .for_field(
            providers::BASE_URL_FIELD.key,
            providers::BASE_URL_FIELD.label,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ProviderKind;
    use serde_json::json;

    fn raw(value: serde_json::Value) -> Box<RawValue> {
        RawValue::from_string(value.to_string()).unwrap()
    }

    fn form(overrides: serde_json::Value) -> Account {
        let mut account = json!({"id": "a", "label": "Work", "provider": "linkup",
            "api_key": "k", "account_id": "acc", "base_url": "", "plan": "free"});
        for (key, value) in overrides.as_object().unwrap() {
            account[key] = value.clone();
        }
        serde_json::from_value(account).unwrap()
    }

    fn refused_field(account: &Account) -> Option<String> {
        check(account).err().and_then(|error| error.field)
    }

    #[test]
    fn unreadable_accounts_are_reported_not_dropped() {
        let stored = json!([
            {"id": "a", "label": "Work", "provider": "linkup", "api_key": "k", "account_id": "x"},
            {"id": "b", "label": "Broken"},
            42
        ]);
        let (accounts, unreadable) = read(Some(&raw(stored)));
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].label, "Work");
        assert_eq!(
            (unreadable[0].id.as_str(), unreadable[0].label.as_str()),
            ("b", "Broken")
        );
        assert_eq!(unreadable[1].label, "Account 3");
        assert_eq!(
            unreadable[1].error.as_ref().unwrap().kind,
            ErrorKind::InvalidInput
        );
        assert!(read(None).0.is_empty());
        assert!(read(Some(&raw(json!("nonsense")))).0.is_empty());
    }

    #[test]
    fn a_complete_account_passes() {
        assert_eq!(check(&form(json!({}))), Ok(()));
        let v1 =
            form(json!({"provider": "unipile_v1", "base_url": "https://api1.unipile.com:13111"}));
        assert_eq!(check(&v1), Ok(()));
        let local = form(json!({"base_url": "http://127.0.0.1:8080"}));
        assert_eq!(
            check(&local).is_ok(),
            cfg!(feature = "loopback"),
            "loopback: test builds only"
        );
    }

    #[test]
    fn each_missing_or_unsafe_field_is_named() {
        assert_eq!(
            refused_field(&form(json!({"label": " "}))).as_deref(),
            Some("label")
        );
        assert_eq!(
            refused_field(&form(json!({"label": "é".repeat(61)}))).as_deref(),
            Some("label")
        );
        assert_eq!(check(&form(json!({"label": "é".repeat(60)}))), Ok(()));
        assert_eq!(
            refused_field(&form(json!({"api_key": ""}))).as_deref(),
            Some("api_key")
        );
        assert_eq!(
            refused_field(&form(json!({"account_id": ""}))).as_deref(),
            Some("account_id")
        );
        for bad in ["http://example.com", "ftp://x", "https://x/?q=1"] {
            let account = form(json!({"base_url": bad}));
            assert_eq!(
                refused_field(&account).as_deref(),
                Some("base_url"),
                "{bad}"
            );
        }
        let v1_without_dsn = form(json!({"provider": "unipile_v1", "base_url": ""}));
        assert_eq!(refused_field(&v1_without_dsn).as_deref(), Some("base_url"));
        let rule = json!({"enabled": true, "older_than_days": 3, "per_day": 40});
        assert_eq!(
            refused_field(&form(json!({ "auto_withdraw": rule }))).as_deref(),
            Some("auto_withdraw_older_than_days")
        );
    }

    #[test]
    fn a_failed_connection_test_points_at_the_input_to_correct() {
        let at = |kind| field_at_fault(Error::new(kind)).field;
        assert_eq!(at(ErrorKind::Unauthorized).as_deref(), Some("api_key"));
        assert_eq!(at(ErrorKind::NotFound).as_deref(), Some("account_id"));
        assert_eq!(at(ErrorKind::Network).as_deref(), Some("base_url"));
        assert_eq!(at(ErrorKind::RateLimited), None);
        let rejected = field_at_fault(Error::new(ErrorKind::Unauthorized));
        assert_eq!(rejected.message(), "The API key was rejected.");
    }

    #[test]
    fn a_blank_key_keeps_the_stored_one_only_at_the_same_provider_and_origin() {
        let stored = form(json!({"base_url": "https://api.linkupapi.com"}));
        let kept = |changes| check_kept_key(&form(changes), &stored);
        assert_eq!(origin(&stored).unwrap(), "https://api.linkupapi.com");
        assert_eq!(kept(json!({"api_key": "", "label": "Renamed"})), Ok(()));
        for elsewhere in [
            json!({"api_key": "", "base_url": "https://attacker.example"}),
            json!({"api_key": "", "provider": "unipile_v2"}),
            json!({"api_key": "", "base_url": "not a url"}),
        ] {
            let refused = kept(elsewhere).unwrap_err();
            assert_eq!(refused.field.as_deref(), Some("api_key"));
        }
    }

    #[test]
    fn a_refused_permission_names_the_address_and_points_at_it() {
        let refused = not_allowed("https://api1.unipile.com:13111");
        assert_eq!(refused.field.as_deref(), Some("base_url"));
        assert_eq!(
            refused.why().as_deref(),
            Some("The browser was not allowed to reach https://api1.unipile.com:13111.")
        );
        assert_eq!(
            refused.access.as_deref(),
            Some("https://api1.unipile.com/*"),
            "no port: Firefox refuses a pattern with one"
        );
    }

    #[test]
    fn the_permission_asked_for_covers_the_host_on_every_port() {
        let pattern = |origin| host_permission(origin);
        assert_eq!(
            pattern("https://api.linkupapi.com").as_deref(),
            Some("https://api.linkupapi.com/*")
        );
        assert_eq!(
            pattern("http://127.0.0.1:43117").as_deref(),
            Some("http://127.0.0.1/*")
        );
        assert_eq!(pattern("not an address"), None);
    }

    #[test]
    fn forms_start_from_the_public_base_urls() {
        let default = |kind| providers::provider(kind).default_base_url;
        assert_eq!(default(ProviderKind::Linkup), "https://api.linkupapi.com");
        assert_eq!(default(ProviderKind::UnipileV2), "https://api.unipile.com");
        assert_eq!(default(ProviderKind::UnipileV1), "", "a DSN of their own");
        for provider in providers::PROVIDERS {
            assert_eq!(providers::provider(provider.kind).name, provider.name);
        }
    }
}
