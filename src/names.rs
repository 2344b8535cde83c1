//! People's names as LinkedIn shows them, in every script: the order of the parts, the first
//! name a note's `{first_name}` becomes, and the placeholder for a profile without a name.

/// What a person without a name is called. LinkedIn itself says "LinkedIn Member" for profiles
/// it hides; either spelling is a placeholder, never a name.
pub const PLACEHOLDER: &str = "LinkedIn member";

pub fn is_placeholder(name: &str) -> bool {
    let name = name.trim();
    name.is_empty() || name.eq_ignore_ascii_case(PLACEHOLDER)
}

/// Chinese, Japanese and Korean names are written family name first, without a space
/// (佐藤 + 健 is 佐藤健), as LinkedIn shows them.
fn is_family_first(text: &str) -> bool {
    let mut letters = text.chars().filter(|c| c.is_alphabetic()).peekable();
    letters.peek().is_some() && letters.all(is_cjk)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF     // Hangul Jamo
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3130..=0x318F   // Hangul compatibility Jamo
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3134F // CJK extensions B to G
    )
}

/// The whole name from its two parts, in the order the script writes it; empty when neither
/// part has text.
pub fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (part(first), part(last)) {
        (Some(first), Some(last)) if is_family_first(first) && is_family_first(last) => {
            format!("{last}{first}")
        }
        (Some(first), Some(last)) => format!("{first} {last}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) => String::new(),
    }
}

fn part(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

/// The first name within a whole name, when it can be told: its first word, in scripts that
/// put the given name first. A CJK name written as one piece, or a placeholder, has none.
pub fn first_name_of_full(name: &str) -> Option<String> {
    if is_placeholder(name) || is_family_first(name) {
        return None;
    }
    name.split_whitespace().next().map(str::to_owned)
}

/// A first name read from a vanity name that spells one (`elena-petrova` gives `Elena`,
/// `élodie-martin` gives `Élodie`), for APIs that invite without looking the profile up.
pub fn first_name_of_vanity(identifier: &str) -> Option<String> {
    let is_word = |part: &str| part.chars().count() >= 2 && part.chars().all(char::is_alphabetic);
    let mut parts = identifier.split(['-', '_', '.']);
    // Which part of a CJK name is the given one cannot be told from the order alone.
    let first = parts
        .next()
        .filter(|first| is_word(first) && !is_family_first(first))?;
    // A last name too, so initials and handles ("jd-1234") are not taken for names.
    parts.any(is_word).then_some(())?;
    let mut letters = first.chars();
    let initial = letters.next()?;
    Some(upper_char(initial) + &lower_chars(letters.as_str()))
}

/// `c` in capitals, as `char::to_uppercase` gives it; in the module by the browser's tables.
pub fn upper_char(c: char) -> String {
    match c.is_ascii() {
        true => c.to_ascii_uppercase().to_string(),
        false => upper_unicode(c),
    }
}

/// Each char of `text` in small letters, one by one as `char::to_lowercase` gives them.
pub fn lower_chars(text: &str) -> String {
    match text.is_ascii() {
        true => text.to_ascii_lowercase(),
        false => lower_unicode(text),
    }
}

/// In the module the browser's case tables map it, which keeps some 27 KB of tables out of it.
#[cfg(target_arch = "wasm32")]
fn upper_unicode(c: char) -> String {
    crate::browser::upper_case(&c.to_string())
}

/// JavaScript lowercases a final capital sigma to ς; char by char it is σ, as here.
#[cfg(target_arch = "wasm32")]
fn lower_unicode(text: &str) -> String {
    crate::browser::lower_case(&text.replace('\u{3A3}', "\u{3C3}"))
}

#[cfg(not(target_arch = "wasm32"))]
fn upper_unicode(c: char) -> String {
    c.to_uppercase().collect()
}

#[cfg(not(target_arch = "wasm32"))]
fn lower_unicode(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_first_scripts_put_the_family_name_first_without_a_space() {
        assert_eq!(full_name(Some("健"), Some("佐藤")), "佐藤健");
        assert_eq!(full_name(Some("민수"), Some("김")), "김민수");
        assert_eq!(full_name(Some("Élodie"), Some("Martin")), "Élodie Martin");
        // A Latin-written Japanese name keeps the order it was given in.
        assert_eq!(full_name(Some("Ken"), Some("Sato")), "Ken Sato");
        assert_eq!(full_name(Some(" "), Some("Okafor")), "Okafor");
        assert_eq!(full_name(None, None), "");
    }

    #[test]
    fn a_first_name_is_taken_only_where_it_can_be_told() {
        assert_eq!(
            first_name_of_full("Élodie Martin").as_deref(),
            Some("Élodie")
        );
        assert_eq!(first_name_of_full("Madonna").as_deref(), Some("Madonna"));
        for none in ["佐藤健", "LinkedIn member", "LinkedIn Member", "  ", ""] {
            assert_eq!(first_name_of_full(none), None, "{none}");
        }
    }

    #[test]
    fn a_first_name_is_read_only_from_a_vanity_name_that_spells_one() {
        for (vanity, first) in [
            ("elena-petrova", "Elena"),
            ("MARCO.bianchi", "Marco"),
            ("li-wei-4a5b6c", "Li"),
            ("élodie-martin", "Élodie"),
            ("ÖZLEM-yılmaz", "Özlem"),
            ("ада-лавлейс", "Ада"),
        ] {
            assert_eq!(
                first_name_of_vanity(vanity).as_deref(),
                Some(first),
                "{vanity}"
            );
        }
        for not_a_name in ["jd-1234", "x-y", "a1b2c3", "", "-lead", "é-m", "佐藤-健"] {
            assert_eq!(first_name_of_vanity(not_a_name), None, "{not_a_name}");
        }
    }
}
