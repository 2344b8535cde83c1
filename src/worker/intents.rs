//! The intents the extension's pages send the worker over runtime messaging: read from their
//! plain objects, and each carried out by the module that does it.

use super::jobs::{self, ListedItem, NewJob};
use super::{actions, refresh, sends, store, Answer, Worker};
use crate::accounts;
use crate::bulk::JobAction;
use crate::client::Client;
use crate::error::{Error, Field};
use crate::model::{Account, Direction};
use crate::sync::Occasion;
use actions::ListedAction;
use serde::Deserialize;
use serde_json::value::RawValue;

pub const INTENT_FIELD: Field = Field {
    key: "intent",
    label: "Intent",
};

/// Intents the extension's pages send over runtime messaging.
#[derive(Debug)]
pub enum Intent {
    /// The popup opened: a cheap check of each list not checked in the last minute.
    Refresh,
    /// The popup's Refresh button: every list of every account read again.
    Reconcile,
    /// The options page asks for a LinkUp account's credits left.
    Credits {
        account: String,
    },
    /// The options page's Repair: a damaged `ledger` or `jobs` value replaced.
    Repair {
        value: String,
    },
    Accept {
        account: String,
        invitation: String,
    },
    Decline {
        account: String,
        invitation: String,
    },
    Withdraw {
        account: String,
        invitation: String,
    },
    Send {
        account: String,
        profile: String,
        note: Option<String>,
    },
    /// The options page's unsaved account.
    TestConnection {
        account: Account,
    },
    StartJob(NewJob),
    StopJob {
        job: String,
    },
    /// Holds a running job (the automatic rule's) until Resume.
    PauseJob {
        job: String,
    },
    ResumeJob {
        job: String,
    },
    /// Removes a stopped or finished job from the list.
    DismissJob {
        job: String,
    },
}

/// An intent as sent: one flat object. Read this way rather than as a tagged enum, whose
/// decoder buffers every message and weighs some 20 KB in the module.
#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    /// The account's id, or for `test_connection` the whole unsaved account.
    account: Option<Box<RawValue>>,
    invitation: Option<String>,
    profile: Option<String>,
    note: Option<String>,
    /// `start_job`: what the job does, and to which invitations or profiles.
    action: Option<JobAction>,
    items: Option<Vec<ListedItem>>,
    profiles: Option<Vec<String>>,
    job: Option<String>,
    /// `repair`: which stored value.
    value: Option<String>,
}

/// The intent in a message's JSON text.
pub fn read_intent(text: &str) -> Result<Intent, Error> {
    let unknown = || Error::invalid_input(INTENT_FIELD, "not an intent this version knows");
    let message: Message = serde_json::from_str(text).map_err(|_| unknown())?;
    let account = || -> Result<String, Error> {
        let raw = message.account.as_deref().ok_or_else(unknown)?;
        serde_json::from_str(raw.get()).map_err(|_| unknown())
    };
    let invitation = || message.invitation.clone().ok_or_else(unknown);
    let job = || message.job.clone().ok_or_else(unknown);
    Ok(match message.kind.as_str() {
        "refresh" => Intent::Refresh,
        "reconcile" => Intent::Reconcile,
        "repair" => Intent::Repair {
            value: message
                .value
                .clone()
                .filter(|value| store::GUARDED.iter().any(|guarded| guarded.key == value))
                .ok_or_else(unknown)?,
        },
        "credits" => Intent::Credits {
            account: account()?,
        },
        "accept" => Intent::Accept {
            account: account()?,
            invitation: invitation()?,
        },
        "decline" => Intent::Decline {
            account: account()?,
            invitation: invitation()?,
        },
        "withdraw" => Intent::Withdraw {
            account: account()?,
            invitation: invitation()?,
        },
        "send" => Intent::Send {
            account: account()?,
            profile: message.profile.clone().ok_or_else(unknown)?,
            note: message.note.clone(),
        },
        "test_connection" => {
            let raw = message.account.as_deref().ok_or_else(unknown)?;
            Intent::TestConnection {
                account: serde_json::from_str(raw.get()).map_err(|_| {
                    Error::invalid_input(accounts::ACCOUNT_FIELD, "the account form is incomplete")
                })?,
            }
        }
        "start_job" => Intent::StartJob(match message.action.ok_or_else(unknown)? {
            JobAction::Invite => NewJob::Invite {
                account: account()?,
                profiles: message.profiles.clone().ok_or_else(unknown)?,
                note: message.note.clone(),
            },
            action => NewJob::Listed {
                action,
                items: message.items.ok_or_else(unknown)?,
            },
        }),
        "stop_job" => Intent::StopJob { job: job()? },
        "pause_job" => Intent::PauseJob { job: job()? },
        "resume_job" => Intent::ResumeJob { job: job()? },
        "dismiss_job" => Intent::DismissJob { job: job()? },
        _ => return Err(unknown()),
    })
}

pub async fn handle_intent(w: &Worker<'_>, intent: Intent) -> Result<Answer, Error> {
    match intent {
        Intent::Refresh => refresh::sync(w, Occasion::PopupOpen)
            .await
            .map(|()| Answer::default()),
        Intent::Reconcile => refresh::sync(w, Occasion::Refresh)
            .await
            .map(|()| Answer::default()),
        Intent::Repair { value } => store::repair(w, &value).await.map(|()| Answer::default()),
        Intent::Credits { account } => {
            let stored = store::Stored::read(w, &["accounts"]).await?;
            let account = store::stored_account(&stored, &account)?;
            let credits = Client::new(&account, w.env).credits().await?;
            Ok(Answer {
                credits: Some(credits),
                ..Answer::default()
            })
        }
        Intent::Accept {
            account,
            invitation,
        } => actions::act(w, &account, &invitation, ListedAction::Accept, false).await,
        Intent::Decline {
            account,
            invitation,
        } => actions::act(w, &account, &invitation, ListedAction::Decline, false).await,
        Intent::Withdraw {
            account,
            invitation,
        } => actions::act(w, &account, &invitation, ListedAction::Withdraw, false).await,
        Intent::Send {
            account,
            profile,
            note,
        } => sends::send(w, &account, &profile, note.as_deref()).await,
        Intent::TestConnection { account } => {
            accounts::check(&account)?;
            let received = Client::new(&account, w.env)
                .pending_count(Direction::Received)
                .await
                .map_err(accounts::field_at_fault)?;
            Ok(Answer {
                received: Some(received),
                ..Answer::default()
            })
        }
        Intent::StartJob(new) => jobs::start(w, new).await,
        Intent::StopJob { job } => jobs::stop(w, &job).await.map(|()| Answer::default()),
        Intent::PauseJob { job } => jobs::pause(w, &job).await.map(|()| Answer::default()),
        Intent::ResumeJob { job } => jobs::resume(w, &job).await.map(|()| Answer::default()),
        Intent::DismissJob { job } => jobs::dismiss(w, &job).await.map(|()| Answer::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intents_are_read_from_plain_messages() {
        let read = |value: serde_json::Value| read_intent(&value.to_string());
        assert!(matches!(
            read(json!({"type": "refresh"})),
            Ok(Intent::Refresh)
        ));
        assert!(matches!(
            read(json!({"type": "withdraw", "account": "a", "invitation": "7"})),
            Ok(Intent::Withdraw { account, invitation }) if account == "a" && invitation == "7"
        ));
        let send = read(json!({"type": "send", "account": "a", "profile": "x", "note": null}));
        assert!(matches!(send, Ok(Intent::Send { note: None, .. })));
        let test = read(json!({"type": "test_connection", "account": {"id": "a",
            "provider": "linkup", "api_key": "k", "account_id": "acc"}}));
        assert!(matches!(test, Ok(Intent::TestConnection { .. })));
        for refused in [
            json!({"type": "format_disk"}),
            json!({"type": "accept", "account": "a"}),
            json!({"type": "accept", "account": {"id": "a"}, "invitation": "7"}),
            json!({"account": "a"}),
            json!(["refresh"]),
        ] {
            let error = read(refused.clone()).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("intent"), "{refused}");
        }
        let incomplete = read(json!({"type": "test_connection", "account": {"id": "a"}}));
        assert_eq!(incomplete.unwrap_err().field.as_deref(), Some("account"));
    }

    #[test]
    fn answers_are_plain_objects_without_empty_parts() {
        let answer = serde_json::to_value(Answer {
            received: Some(12),
            ..Answer::default()
        })
        .unwrap();
        assert_eq!(
            answer,
            json!({"received": 12, "already_done": false, "confirmed_by_check": false})
        );
    }
}
