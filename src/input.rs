//! What a person types, checked before any call is made: who to invite, the note, an
//! invitation id. Each refusal names the field, so the popup can point at it.

use crate::error::{Error, Field};

/// LinkedIn refuses longer invitation notes (unipile.md §6.3; LinkUp clients use the same cap).
pub const NOTE_MAX_CHARS: usize = 300;

pub const PROFILE_FIELD: Field = Field {
    key: "profile",
    label: "Profile URL",
};
pub const NOTE_FIELD: Field = Field {
    key: "note",
    label: "Note",
};
pub const INVITATION_FIELD: Field = Field {
    key: "invitation",
    label: "Invitation",
};

/// Who to invite, in the two forms the providers understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The vanity name of `https://www.linkedin.com/in/{name}/`, percent-decoded.
    PublicIdentifier(String),
    /// LinkedIn's member id, `ACoAA…`.
    ProviderId(String),
}

impl Target {
    /// Reads a profile URL (`https://www.linkedin.com/in/jane-doe/`, with or without scheme,
    /// `www`, trailing slash or query), a bare vanity name, or an `ACo…` member id.
    pub fn parse(input: &str) -> Result<Target, Error> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::invalid_input(
                PROFILE_FIELD,
                "enter a LinkedIn profile URL, like https://www.linkedin.com/in/jane-doe/",
            ));
        }
        if input.contains('/') || input.contains("linkedin.") {
            return profile_url_identifier(input).map(Target::PublicIdentifier);
        }
        if input.starts_with("ACo") && is_member_id(input) {
            return Ok(Target::ProviderId(input.to_owned()));
        }
        let identifier = percent_decode(input).filter(|id| is_vanity_name(id));
        identifier.map(Target::PublicIdentifier).ok_or_else(|| {
            Error::invalid_input(
                PROFILE_FIELD,
                "this is neither a LinkedIn profile URL nor a profile name",
            )
        })
    }

    /// The canonical profile URL, when the target is known by its vanity name.
    pub fn profile_url(&self) -> Option<String> {
        match self {
            Target::PublicIdentifier(id) => Some(format!("https://www.linkedin.com/in/{id}/")),
            Target::ProviderId(_) => None,
        }
    }

    /// The identifier either form is looked up by.
    pub fn identifier(&self) -> &str {
        match self {
            Target::PublicIdentifier(id) | Target::ProviderId(id) => id,
        }
    }
}

/// A note's length as it counts against LinkedIn's limit: characters, not bytes.
pub fn note_length(text: &str) -> usize {
    text.trim().chars().count()
}

/// The note, trimmed; `None` when blank.
pub fn note(text: Option<&str>) -> Result<Option<String>, Error> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let length = note_length(text);
    if length > NOTE_MAX_CHARS {
        return Err(Error::invalid_input(
            NOTE_FIELD,
            &format!("a note can have at most {NOTE_MAX_CHARS} characters; this one has {length}"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// The one placeholder a note may hold, filled in for each person invited.
pub const FIRST_NAME: &str = "{first_name}";
/// A template is checked with a first name this long in place of the placeholder; a longer
/// name that makes the note too long is refused when that invitation is sent.
const CHECKED_FIRST_NAME: &str = "Maximiliane";

/// A note template, checked: only `{first_name}` as a placeholder, and within the length limit
/// once a name is in; `None` when blank.
pub fn note_template(text: Option<&str>) -> Result<Option<String>, Error> {
    let Some(template) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if template.replace(FIRST_NAME, "").contains(['{', '}']) {
        return Err(Error::invalid_input(
            NOTE_FIELD,
            "the only placeholder a note can hold is {first_name}",
        ));
    }
    note(Some(&template.replace(FIRST_NAME, CHECKED_FIRST_NAME)))?;
    Ok(Some(template.to_owned()))
}

/// The note for one person: the template with `first_name` in place of `{first_name}`.
pub fn fill_note(
    template: Option<&str>,
    first_name: Option<&str>,
) -> Result<Option<String>, Error> {
    let Some(template) = note_template(template)? else {
        return Ok(None);
    };
    if !template.contains(FIRST_NAME) {
        return Ok(Some(template));
    }
    match first_name.map(str::trim).filter(|name| !name.is_empty()) {
        Some(name) => note(Some(&template.replace(FIRST_NAME, name))),
        None => Err(Error::invalid_input(
            NOTE_FIELD,
            "this person's first name is not known, so {first_name} cannot be filled in; \
             invite them with a note of your own",
        )),
    }
}

/// A provider's handle that must be present, such as an invitation id or shared secret.
pub fn required<'a>(value: Option<&'a str>, what: &str) -> Result<&'a str, Error> {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::invalid_input(
            INVITATION_FIELD,
            &format!("the invitation has no {what}; refresh the list and try again"),
        )),
    }
}

fn profile_url_identifier(input: &str) -> Result<String, Error> {
    let refuse = |why: &str| Error::invalid_input(PROFILE_FIELD, why);
    let rest = match input.split_once("://") {
        Some(("https" | "http", rest)) => rest,
        Some(_) => return Err(refuse("a profile URL starts with https://")),
        None => input,
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let linkedin = host == "linkedin.com"
        || host
            .strip_suffix(".linkedin.com")
            .is_some_and(|sub| !sub.is_empty() && sub.bytes().all(|b| b.is_ascii_lowercase()));
    if !linkedin {
        return Err(refuse("the link is not on linkedin.com"));
    }
    let name = path
        .strip_prefix("in/")
        .map(|p| p.split(['/', '?', '#']).next().unwrap_or_default())
        .unwrap_or_default();
    percent_decode(name)
        .filter(|id| is_vanity_name(id))
        .ok_or_else(|| {
            refuse("use a person's profile link, like https://www.linkedin.com/in/jane-doe/")
        })
}

/// LinkedIn vanity names: ASCII letters and digits, `-`, `_`, or letters of other scripts,
/// 3 to 100 of them. Any visible non-ASCII character passes: telling letters from symbols
/// would bring Unicode's tables into the module for no safety gain, since the name is
/// percent-encoded wherever it goes.
fn is_vanity_name(name: &str) -> bool {
    (3..=100).contains(&name.chars().count())
        && name.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || c == '-'
                || c == '_'
                || (!c.is_ascii() && !c.is_whitespace() && !c.is_control())
        })
}

fn is_member_id(id: &str) -> bool {
    (10..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `%C3%A9` → `é`; `None` when an escape is broken or the bytes are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail.get(..2)?;
            bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn public(id: &str) -> Target {
        Target::PublicIdentifier(id.into())
    }

    #[test]
    fn profile_urls_in_every_usual_form_give_the_vanity_name() {
        for input in [
            "https://www.linkedin.com/in/jane-doe/",
            "https://www.linkedin.com/in/jane-doe",
            "  http://linkedin.com/in/jane-doe?trk=public_profile  ",
            "www.linkedin.com/in/jane-doe/details/experience/",
            "https://fr.linkedin.com/in/jane-doe#about",
            "jane-doe",
        ] {
            assert_eq!(Target::parse(input).unwrap(), public("jane-doe"), "{input}");
        }
        assert_eq!(
            Target::parse("https://www.linkedin.com/in/j%C3%A9r%C3%B4me-l/").unwrap(),
            public("jérôme-l")
        );
        assert_eq!(
            public("jane-doe").profile_url().as_deref(),
            Some("https://www.linkedin.com/in/jane-doe/")
        );
    }

    #[test]
    fn note_templates_fill_in_the_first_name_or_refuse_before_sending() {
        let template = Some("Hi {first_name}, glad to connect.");
        assert_eq!(
            fill_note(template, Some("Elena")).unwrap().as_deref(),
            Some("Hi Elena, glad to connect.")
        );
        assert_eq!(
            fill_note(Some("  No placeholder  "), None)
                .unwrap()
                .as_deref(),
            Some("No placeholder")
        );
        assert_eq!(fill_note(Some("   "), Some("Elena")).unwrap(), None);
        let unknown = fill_note(template, None).unwrap_err();
        assert_eq!(unknown.field.as_deref(), Some(NOTE_FIELD.key));
        assert!(unknown.detail.unwrap().contains("first name is not known"));
        for refused in ["Hi {name}", "Hi {first_name", "{first_name}}"] {
            assert_eq!(
                note_template(Some(refused)).unwrap_err().field.as_deref(),
                Some(NOTE_FIELD.key),
                "{refused}"
            );
        }
        let long = format!("{{first_name}} {}", "x".repeat(288));
        assert!(note_template(Some(&long)).is_ok());
        let longer = format!("{{first_name}} {}", "x".repeat(289));
        assert!(note_template(Some(&longer)).is_err());
        assert!(fill_note(Some(&long), Some("Bartholomew-Alexander")).is_err());
    }

    #[test]
    fn member_ids_are_kept_as_they_are() {
        let target = Target::parse("ACoAAB1x2y3zQ4").unwrap();
        assert_eq!(target, Target::ProviderId("ACoAAB1x2y3zQ4".into()));
        assert_eq!(target.profile_url(), None);
    }

    #[test]
    fn anything_else_is_refused_naming_the_field() {
        for input in [
            "",
            "   ",
            "https://evil.example/in/jane-doe",
            "https://www.linkedin.com.evil.example/in/jane-doe",
            "javascript:alert(1)//linkedin.com/in/x",
            "https://www.linkedin.com/company/acme/",
            "https://www.linkedin.com/in/",
            "https://www.linkedin.com/in/a%ZZb",
            "jane doe",
            "<script>",
            "ab",
        ] {
            let error = Target::parse(input).unwrap_err();
            assert_eq!(error.kind, ErrorKind::InvalidInput, "{input}");
            assert_eq!(error.field.as_deref(), Some("profile"), "{input}");
        }
    }

    #[test]
    fn notes_are_trimmed_and_capped_at_300_characters() {
        assert_eq!(note(None).unwrap(), None);
        assert_eq!(note(Some("  ")).unwrap(), None);
        assert_eq!(note(Some(" Hi! ")).unwrap().as_deref(), Some("Hi!"));
        let cjk = "会".repeat(300);
        assert_eq!(
            note(Some(&cjk)).unwrap(),
            Some(cjk),
            "characters, not bytes"
        );
        let error = note(Some(&"a".repeat(301))).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("note"));
        assert!(error.detail.unwrap().contains("301"));
    }

    #[test]
    fn missing_handles_are_refused_before_any_call() {
        assert_eq!(required(Some(" 42 "), "id").unwrap(), "42");
        for value in [None, Some(""), Some("  ")] {
            let error = required(value, "id").unwrap_err();
            assert_eq!(error.field.as_deref(), Some("invitation"));
        }
    }
}
