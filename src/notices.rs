//! The notification for new received invitations: one for all that a sync found, naming them,
//! with an Accept button for each of the first two where the browser has buttons. Pure: the
//! notification's id carries whom its buttons accept, so a click needs nothing stored and works
//! after the worker stopped.

use crate::error::Error;
use crate::model::Invitation;

const NEW_PREFIX: &str = "invite-desk:new:";
/// Chrome shows at most two buttons.
const MAX_BUTTONS: usize = 2;
/// Names in the message before "and N more".
const NAMED: usize = 3;
/// A name longer than this is cut: a notification has a few lines.
const NAME_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub id: String,
    pub title: String,
    pub message: String,
    /// Button titles, in order; left out where the browser has no buttons.
    pub buttons: Vec<String>,
}

/// The notice for `arrived` (newest first, across accounts), if any arrived.
pub fn new_invitations(arrived: &[Invitation]) -> Option<Notice> {
    let first = arrived.first()?;
    let count = arrived.len();
    let names: Vec<String> = arrived
        .iter()
        .take(NAMED)
        .map(|i| short(&i.person.name))
        .collect();
    let message = match count.saturating_sub(NAMED) {
        0 => names.join(", "),
        more => format!("{}, and {more} more", names.join(", ")),
    };
    let targets: Vec<(&str, &str)> = arrived
        .iter()
        .take(MAX_BUTTONS)
        .map(|i| (i.account.as_str(), i.id.as_str()))
        .collect();
    // Our own pairs always serialize.
    let targets = serde_json::to_string(&targets).unwrap_or_default();
    Some(Notice {
        id: format!("{NEW_PREFIX}{}:{targets}", first.id),
        title: match count {
            1 => "1 new invitation".into(),
            n => format!("{n} new invitations"),
        },
        message,
        buttons: arrived
            .iter()
            .take(MAX_BUTTONS)
            .map(|i| format!("Accept {}", short(&i.person.name)))
            .collect(),
    })
}

/// The account and invitation that button `index` of notice `id` accepts; `None` for a notice
/// that is not ours or a button it does not have.
pub fn accept_target(id: &str, index: usize) -> Option<(String, String)> {
    let rest = id.strip_prefix(NEW_PREFIX)?;
    let (_, targets) = rest.split_once(':')?;
    let targets: Vec<(String, String)> = serde_json::from_str(targets).ok()?;
    targets.into_iter().nth(index)
}

/// Said when a button's accept did not go through: what to do comes with it.
pub fn accept_failed(id: &str, error: &Error) -> Notice {
    Notice {
        id: format!("{id}:failed"),
        title: "The invitation was not accepted".into(),
        message: format!("{} {}", error.message(), error.next_step()),
        buttons: Vec::new(),
    }
}

fn short(name: &str) -> String {
    match name.chars().count() > NAME_CHARS {
        true => format!("{}…", name.chars().take(NAME_CHARS - 1).collect::<String>()),
        false => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::model::{Direction, Handles, Person};

    fn received(account: &str, id: &str, name: &str) -> Invitation {
        Invitation {
            id: id.into(),
            account: account.into(),
            direction: Direction::Received,
            person: Person {
                name: name.into(),
                ..Person::default()
            },
            note: None,
            sent_at_ms: None,
            sent_at_exact: false,
            handles: Handles::default(),
        }
    }

    #[test]
    fn one_notice_names_the_first_three_and_accepts_the_first_two() {
        let arrived = [
            received("a", "11", "Amara Okafor"),
            received("b", "7:x", "Bo \"Chen\""),
            received("a", "9", "Chidi Eze"),
            received("a", "8", "Dana Levi"),
        ];
        let notice = new_invitations(&arrived).unwrap();
        assert_eq!(notice.title, "4 new invitations");
        assert_eq!(
            notice.message,
            "Amara Okafor, Bo \"Chen\", Chidi Eze, and 1 more"
        );
        assert_eq!(
            notice.buttons,
            ["Accept Amara Okafor", "Accept Bo \"Chen\""]
        );
        assert_eq!(
            accept_target(&notice.id, 0),
            Some(("a".to_string(), "11".to_string()))
        );
        assert_eq!(
            accept_target(&notice.id, 1),
            Some(("b".to_string(), "7:x".to_string()))
        );
        assert_eq!(accept_target(&notice.id, 2), None);
    }

    #[test]
    fn nothing_new_is_no_notice_and_foreign_ids_accept_nothing() {
        assert_eq!(new_invitations(&[]), None);
        let one = new_invitations(&[received("a", "1", "Amara Okafor")]).unwrap();
        assert_eq!(
            (one.title.as_str(), one.message.as_str()),
            ("1 new invitation", "Amara Okafor")
        );
        assert_eq!(accept_target("someone-else:1", 0), None);
        assert_eq!(accept_target("invite-desk:new:1:not json", 0), None);
    }

    #[test]
    fn long_names_are_cut_and_failures_say_what_to_do() {
        let long = "N".repeat(100);
        let notice = new_invitations(&[received("a", "1", &long)]).unwrap();
        assert_eq!(notice.message.chars().count(), NAME_CHARS);
        let failed = accept_failed(&notice.id, &Error::new(ErrorKind::Unauthorized));
        assert!(failed.message.contains("key"), "{}", failed.message);
        assert!(failed.buttons.is_empty());
    }
}
