//! The one error type. Every failure, whatever its source, becomes a kind with a stable code, a
//! message a person understands and the next step to take. It never holds an API key: provider
//! text is redacted before it is kept.

use crate::age::wait_words;
use serde::{Deserialize, Serialize};

/// Stable codes: the popup, the badge and the tests match on these, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Unauthorized,
    Forbidden,
    OutOfCredits,
    NotFound,
    AlreadyDone,
    LimitReached,
    RateLimited,
    InvalidInput,
    Network,
    Timeout,
    ProviderUnavailable,
    BadResponse,
    /// The provider refused with a code we do not know; its own text is kept in `detail`.
    ProviderError,
    /// The browser refused a storage, badge or alarm call.
    Browser,
    /// A page asked the background service worker and got no answer.
    NoAnswer,
    /// There is no account to act from.
    NoAccount,
    /// The person did not allow Invite Desk to reach the account's provider address.
    NotAllowed,
    /// LinkedIn will not take an invitation to this one person now (a recent withdrawal, a
    /// cooldown): the account may go on with others.
    CannotInvite,
    /// Invitations from one LinkedIn account go out spaced apart; this one is too soon.
    Paced,
    /// An answer was lost, and a check showed the action did not happen.
    NotDone,
    /// The provider's pages went on past what its list can hold, came back to one already read,
    /// or said more followed without it: the reading stopped, the list is kept as it was.
    EndlessPages,
    /// This machine's clock and the provider's, or the provider's answers among themselves,
    /// disagree about the time: nothing is sent or withdrawn by a time that cannot be trusted.
    ClocksDisagree,
    /// Another action on the same invitation was sent and its answer is not in yet.
    ActionUnderWay,
    /// A value Invite Desk stored cannot be read; `field` names it. Nothing that depends on it
    /// runs until it is repaired, and it is never overwritten meanwhile.
    Damaged,
}

/// Longest provider text kept in `detail`: enough to explain, too short to carry a page of HTML.
const DETAIL_MAX_CHARS: usize = 300;

/// Written as an `ErrorRecord`; read back from one by its code and the provider's facts,
/// the words being derived from the code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "ErrorRecord")]
pub struct Error {
    #[serde(rename = "code")]
    pub kind: ErrorKind,
    /// The provider's own words, when it gave any.
    pub detail: Option<String>,
    /// Seconds to wait, from the provider's `Retry-After`.
    pub retry_after_s: Option<u32>,
    /// The key of the input at fault (`invalid_input`) or of the stored value (`damaged`):
    /// the pages find the input by it.
    pub field: Option<String>,
    /// How the message names that input or value.
    #[serde(default)]
    pub field_label: Option<String>,
    /// The host permission (a match pattern) whose grant would let the browser reach the
    /// provider: set on `not_allowed`, so that a page can ask for exactly that.
    #[serde(default)]
    pub access: Option<String>,
}

/// Something a person fills in, or a value Invite Desk stores: pages find it by `key`, messages
/// name it by `label`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
}

impl Error {
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            kind,
            detail: None,
            retry_after_s: None,
            field: None,
            field_label: None,
            access: None,
        }
    }

    /// The value stored under `key`, called `name`, cannot be read.
    pub fn damaged(key: &str, name: &str) -> Self {
        Error::new(ErrorKind::Damaged).for_field(key, name)
    }

    pub fn invalid_input(field: Field, detail: &str) -> Self {
        Error::new(ErrorKind::InvalidInput)
            .with_detail(detail)
            .for_field(field.key, field.label)
    }

    /// The error names the input at fault by `key`, and by `label` in its message.
    pub fn for_field(self, key: &str, label: &str) -> Self {
        Error {
            field: Some(key.to_owned()),
            field_label: Some(label.to_owned()),
            ..self
        }
    }

    pub fn with_detail(mut self, detail: &str) -> Self {
        let detail = detail.trim();
        self.detail = (!detail.is_empty()).then(|| detail.chars().take(DETAIL_MAX_CHARS).collect());
        self
    }

    /// A JSON body that did not decode, described by where and how. serde's own text is not
    /// kept: it quotes pieces of the body, which is provider content shown to the user.
    pub fn unreadable_json(kind: ErrorKind, error: &serde_json::Error) -> Self {
        let what = match error.classify() {
            serde_json::error::Category::Eof => "the JSON ends too early",
            serde_json::error::Category::Syntax => "the body is not JSON",
            serde_json::error::Category::Data => "the JSON has an unexpected shape",
            serde_json::error::Category::Io => "the body could not be read",
        };
        let detail = format!("{what} (line {}, column {})", error.line(), error.column());
        Error::new(kind).with_detail(&detail)
    }

    /// The error names the host permission that would let the request through.
    pub fn with_access(mut self, pattern: Option<String>) -> Self {
        self.access = pattern;
        self
    }

    pub fn with_retry_after(mut self, seconds: Option<u32>) -> Self {
        self.retry_after_s = seconds;
        self
    }

    /// Removes every occurrence of `secret` from the provider's text, in case a provider echoes
    /// the request back (some error pages print the headers they received).
    pub fn redact(mut self, secret: &str) -> Self {
        if let Some(detail) = &self.detail {
            if !secret.is_empty() && detail.contains(secret) {
                self.detail = Some(detail.replace(secret, "[API key]"));
            }
        }
        self
    }

    /// Why, as a sentence after the message: the detail with a capital and a full stop.
    pub fn why(&self) -> Option<String> {
        let detail = self.detail.as_deref()?.trim();
        let mut letters = detail.chars();
        let first = letters.next()?;
        let mut sentence: String = crate::names::upper_char(first) + letters.as_str();
        if !sentence.ends_with(['.', '!', '?', '…']) {
            sentence.push('.');
        }
        Some(sentence)
    }

    fn field_label(&self) -> Option<&str> {
        self.field_label.as_deref().or(self.field.as_deref())
    }

    /// What happened, in words for the person using the extension.
    pub fn message(&self) -> String {
        match self.kind {
            ErrorKind::Unauthorized => "The API key was rejected.".into(),
            ErrorKind::Forbidden => "The provider refused access to this LinkedIn account.".into(),
            ErrorKind::OutOfCredits => "The provider account has run out of credits.".into(),
            ErrorKind::NotFound => "The provider does not know this account or invitation.".into(),
            ErrorKind::AlreadyDone => "This was already done.".into(),
            // LinkedIn's limits and this account's own caps (a week's or a day's invitations,
            // a day's withdrawals): `detail` says which.
            ErrorKind::LimitReached => "A limit on this account is reached.".into(),
            ErrorKind::RateLimited => "Too many requests were sent to the provider.".into(),
            ErrorKind::InvalidInput => match self.field_label() {
                Some(field) => format!("{field} is not valid."),
                None => "The provider found the request invalid.".into(),
            },
            ErrorKind::Network => "The provider could not be reached.".into(),
            ErrorKind::Timeout => "The provider did not answer in time.".into(),
            ErrorKind::ProviderUnavailable => "The provider is having problems right now.".into(),
            ErrorKind::BadResponse => "The provider sent an answer Invite Desk cannot read.".into(),
            ErrorKind::ProviderError => "The provider refused the request.".into(),
            ErrorKind::Browser => "The browser refused to save Invite Desk's data.".into(),
            ErrorKind::NoAnswer => "Invite Desk's background service did not answer.".into(),
            ErrorKind::NoAccount => "There is no account to send from.".into(),
            ErrorKind::NotAllowed => {
                "Invite Desk cannot reach this address without your permission.".into()
            }
            ErrorKind::CannotInvite => {
                "LinkedIn will not take an invitation to this person now.".into()
            }
            ErrorKind::Paced => {
                "Invitations from this account are spaced apart to keep it safe.".into()
            }
            ErrorKind::NotDone => {
                "The provider's answer was lost, and a check shows it was not done.".into()
            }
            ErrorKind::EndlessPages => "The provider kept sending more pages.".into(),
            ErrorKind::ClocksDisagree => {
                "This computer's clock and the provider's disagree about the time.".into()
            }
            ErrorKind::ActionUnderWay => "Another action on this invitation is under way.".into(),
            ErrorKind::Damaged => match self.field_label() {
                Some(what) => format!("Invite Desk's saved {what} cannot be read."),
                None => "Invite Desk's saved data cannot be read.".into(),
            },
        }
    }

    /// What the person can do about it.
    pub fn next_step(&self) -> String {
        match self.kind {
            ErrorKind::Unauthorized => {
                "Check the API key in Options, or create a new key in your provider's dashboard."
                    .into()
            }
            ErrorKind::Forbidden => {
                "Reconnect the LinkedIn account in your provider's dashboard, then refresh.".into()
            }
            ErrorKind::OutOfCredits => {
                "Add credits in your provider's dashboard, then refresh.".into()
            }
            ErrorKind::NotFound => {
                "Check the Account ID in Options; if it is right, the invitation is already gone."
                    .into()
            }
            ErrorKind::AlreadyDone => "Nothing to do: the list updates on the next refresh.".into(),
            ErrorKind::LimitReached => match self.retry_after_s {
                Some(seconds) => format!("This account can go on in {}.", wait_words(seconds)),
                None => "Wait until LinkedIn's weekly limit resets before sending more.".into(),
            },
            ErrorKind::RateLimited => match self.retry_after_s {
                Some(seconds) => format!("Wait {} and try again.", wait_words(seconds)),
                None => "Wait a minute and try again.".into(),
            },
            ErrorKind::InvalidInput => "Correct it and try again.".into(),
            ErrorKind::Network => {
                "Check your internet connection and the Base URL in Options, then try again.".into()
            }
            ErrorKind::Timeout | ErrorKind::ProviderUnavailable => {
                "Try again in a few minutes.".into()
            }
            ErrorKind::BadResponse => {
                "Try again later; if it keeps happening, check the Base URL in Options.".into()
            }
            ErrorKind::ProviderError => "Read the provider's message, then try again later.".into(),
            ErrorKind::Browser => {
                "Free some disk space or restart the browser, then try again.".into()
            }
            ErrorKind::NoAccount => "Add an account in Options.".into(),
            ErrorKind::NotAllowed => {
                "Try again and choose “Allow” when the browser asks, or check the Base URL.".into()
            }
            ErrorKind::NoAnswer => {
                "Close and reopen this page, then try again; if it keeps \
                                    happening, reload Invite Desk on the browser's extensions page."
                    .into()
            }
            ErrorKind::CannotInvite => match self.retry_after_s {
                Some(seconds) => format!("Try this person again in {}.", wait_words(seconds)),
                None => "Try this person again later; the others can be invited now.".into(),
            },
            ErrorKind::Paced => match self.retry_after_s {
                Some(seconds) => format!("The next one can go in {}.", wait_words(seconds)),
                None => "Wait a few minutes, then send the next one.".into(),
            },
            ErrorKind::NotDone => "Try again.".into(),
            ErrorKind::EndlessPages => {
                "Invite Desk stopped reading to spare your credits and your LinkedIn account, and \
                 kept the list as it was; it tries again at the next check. If this goes on, \
                 tell your provider."
                    .into()
            }
            ErrorKind::ClocksDisagree => {
                "Nothing is sent or withdrawn by a time that cannot be trusted: check this \
                 computer's date, time and time zone. Invite Desk looks again in a few minutes."
                    .into()
            }
            ErrorKind::ActionUnderWay => {
                "Wait for it to finish: the list then shows what became of the invitation.".into()
            }
            ErrorKind::Damaged => {
                "Nothing that depends on it runs until it is repaired: open Options and use \
                 Repair."
                    .into()
            }
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.message(), self.next_step())
    }
}

impl std::error::Error for Error {}

/// The stored and JS-facing form: the code plus the words derived from it, so the popup shows
/// `message` and `next_step` without knowing any rule.
#[derive(Serialize)]
struct ErrorRecord {
    code: ErrorKind,
    message: String,
    /// `detail` as a sentence to show after `message`.
    why: Option<String>,
    next_step: String,
    /// The invitation is no longer there to act on: the popup takes it off the list.
    gone: bool,
    /// The account's settings are what is wrong: the popup offers to open the options page.
    fixed_in_options: bool,
    detail: Option<String>,
    retry_after_s: Option<u32>,
    field: Option<String>,
    field_label: Option<String>,
    /// The host permission a page asks the browser for, to end a `not_allowed`.
    access: Option<String>,
}

impl From<Error> for ErrorRecord {
    fn from(error: Error) -> Self {
        ErrorRecord {
            code: error.kind,
            message: error.message(),
            why: error.why(),
            next_step: error.next_step(),
            gone: matches!(error.kind, ErrorKind::AlreadyDone | ErrorKind::NotFound),
            fixed_in_options: matches!(
                error.kind,
                ErrorKind::Unauthorized
                    | ErrorKind::Forbidden
                    | ErrorKind::NotFound
                    | ErrorKind::InvalidInput
            ),
            detail: error.detail,
            retry_after_s: error.retry_after_s,
            field: error.field,
            field_label: error.field_label,
            access: error.access,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialized_error_carries_code_message_and_next_step() {
        let error = Error::new(ErrorKind::RateLimited).with_retry_after(Some(90));
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["code"], "rate_limited");
        assert_eq!(
            json["message"],
            "Too many requests were sent to the provider."
        );
        assert_eq!(json["next_step"], "Wait 90 seconds and try again.");
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, error);
    }

    #[test]
    fn the_detail_reads_as_a_sentence_after_the_message() {
        let paced = Error::new(ErrorKind::Paced).with_detail("invitations go 2 minutes apart");
        let json = serde_json::to_value(&paced).unwrap();
        assert_eq!(json["why"], "Invitations go 2 minutes apart.");
        assert_eq!(json["gone"], false);
        let rejected = serde_json::to_value(Error::new(ErrorKind::Unauthorized)).unwrap();
        assert_eq!(
            (
                json["fixed_in_options"].clone(),
                rejected["fixed_in_options"].clone()
            ),
            (false.into(), true.into())
        );
        let quoted = Error::new(ErrorKind::ProviderError).with_detail("élan refusé!");
        assert_eq!(quoted.why().as_deref(), Some("Élan refusé!"));
        assert_eq!(Error::new(ErrorKind::Network).why(), None);
        let gone = serde_json::to_value(Error::new(ErrorKind::NotFound)).unwrap();
        assert_eq!(
            (gone["gone"].clone(), gone["why"].clone()),
            (true.into(), json!(null))
        );
    }

    #[test]
    fn every_code_reads_back_as_its_kind() {
        let codes = [
            (ErrorKind::Unauthorized, "unauthorized"),
            (ErrorKind::Forbidden, "forbidden"),
            (ErrorKind::OutOfCredits, "out_of_credits"),
            (ErrorKind::NotFound, "not_found"),
            (ErrorKind::AlreadyDone, "already_done"),
            (ErrorKind::LimitReached, "limit_reached"),
            (ErrorKind::RateLimited, "rate_limited"),
            (ErrorKind::InvalidInput, "invalid_input"),
            (ErrorKind::Network, "network"),
            (ErrorKind::Timeout, "timeout"),
            (ErrorKind::ProviderUnavailable, "provider_unavailable"),
            (ErrorKind::BadResponse, "bad_response"),
            (ErrorKind::ProviderError, "provider_error"),
            (ErrorKind::Browser, "browser"),
            (ErrorKind::NoAnswer, "no_answer"),
            (ErrorKind::NoAccount, "no_account"),
            (ErrorKind::NotAllowed, "not_allowed"),
            (ErrorKind::CannotInvite, "cannot_invite"),
            (ErrorKind::Paced, "paced"),
            (ErrorKind::NotDone, "not_done"),
            (ErrorKind::EndlessPages, "endless_pages"),
            (ErrorKind::ClocksDisagree, "clocks_disagree"),
            (ErrorKind::ActionUnderWay, "action_under_way"),
            (ErrorKind::Damaged, "damaged"),
        ];
        for (kind, code) in codes {
            let json = serde_json::to_value(Error::new(kind)).unwrap();
            assert_eq!(json["code"], code);
            assert_eq!(serde_json::from_value::<Error>(json).unwrap().kind, kind);
        }
        let stored = serde_json::json!({"code": "no_such_code"});
        assert!(serde_json::from_value::<Error>(stored).is_err());
    }

    #[test]
    fn redact_removes_the_key_from_provider_text() {
        let error = Error::new(ErrorKind::ProviderError)
            .with_detail("bad header x-api-key: sk_live_123 received")
            .redact("sk_live_123");
        assert_eq!(
            error.detail.as_deref(),
            Some("bad header x-api-key: [API key] received")
        );
        assert!(!error.to_string().contains("sk_live_123"));
    }

    #[test]
    fn detail_is_trimmed_and_bounded() {
        let long = "x".repeat(5000);
        let error = Error::new(ErrorKind::ProviderError).with_detail(&long);
        assert_eq!(error.detail.unwrap().chars().count(), DETAIL_MAX_CHARS);
        assert_eq!(
            Error::new(ErrorKind::ProviderError)
                .with_detail("  ")
                .detail,
            None
        );
    }

    #[test]
    fn unreadable_json_says_where() {
        let truncated = serde_json::from_str::<serde_json::Value>("{\"a\": [1,").unwrap_err();
        let error = Error::unreadable_json(ErrorKind::BadResponse, &truncated);
        assert_eq!(
            error.detail.as_deref(),
            Some("the JSON ends too early (line 1, column 9)")
        );
        let html = serde_json::from_str::<serde_json::Value>("<html>").unwrap_err();
        let error = Error::unreadable_json(ErrorKind::BadResponse, &html);
        assert_eq!(
            error.detail.as_deref(),
            Some("the body is not JSON (line 1, column 1)")
        );
    }

    #[test]
    fn invalid_input_names_the_field() {
        let note = Field {
            key: "note",
            label: "Note",
        };
        let error = Error::invalid_input(note, "longer than 300 characters");
        assert_eq!(error.message(), "Note is not valid.");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            (&json["field"], &json["field_label"]),
            (&json!("note"), &json!("Note"))
        );
        assert_eq!(serde_json::from_value::<Error>(json).unwrap(), error);
    }
}
