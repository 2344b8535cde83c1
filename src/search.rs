//! Which invitations a search shows: those whose name or headline holds every word of the
//! query, case and accents aside, in every script ("elodie" finds "Élodie", "ÖZLEM" finds
//! "Özlem"), and that pass the received list's filters (a note, words in the headline, how many
//! days ago), which choose what Accept all and Decline all act on. The popup's module keeps the
//! folded text of the lists it last read, so a keystroke sends only the query across.

use crate::age::DAY_MS;
use crate::error::{Error, Field};
use crate::model::Invitation;
use serde::Deserialize;

/// `text` without case or accents: decomposed, its combining marks dropped, lowercased. ASCII,
/// most names and headlines, has neither to drop.
pub fn fold(text: &str) -> String {
    match text.is_ascii() {
        true => text.to_ascii_lowercase(),
        false => fold_unicode(text),
    }
}

/// Each of `texts` folded: the ASCII ones here, the others in one pass, which in the module is
/// one call to the browser rather than one a text. A NUL in a text, which no name needs, reads as
/// a space.
pub fn fold_all(texts: &[&str]) -> Vec<String> {
    let mut joined = String::new();
    for text in texts.iter().filter(|text| !text.is_ascii()) {
        if !joined.is_empty() {
            joined.push('\0');
        }
        joined.extend(text.chars().map(|c| if c == '\0' { ' ' } else { c }));
    }
    let folded = match joined.is_empty() {
        true => String::new(),
        false => fold_unicode(&joined),
    };
    let mut unicode = folded.split('\0');
    texts
        .iter()
        .map(|text| match text.is_ascii() {
            true => text.to_ascii_lowercase(),
            false => unicode.next().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// In the module the browser's Unicode tables fold, which keeps some 118 KB of tables out of it.
#[cfg(target_arch = "wasm32")]
fn fold_unicode(text: &str) -> String {
    crate::browser::fold(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn fold_unicode(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a filter looks at of one invitation, folded once.
#[derive(Debug)]
struct Entry {
    /// Name and headline.
    text: String,
    headline: String,
    note: bool,
    sent_at_ms: Option<f64>,
}

/// The folded search text of each invitation of a list, in the list's order.
#[derive(Debug, Default)]
pub struct Index {
    entries: Vec<Entry>,
}

pub const FILTER_FIELD: Field = Field {
    key: "filter",
    label: "Filter",
};
pub const MORE_THAN_FIELD: Field = Field {
    key: "more_than_days",
    label: "Received more than (days ago)",
};
pub const LESS_THAN_FIELD: Field = Field {
    key: "less_than_days",
    label: "Received less than (days ago)",
};

/// The received list's filters; an empty one keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Only invitations that came with a note.
    pub with_note: bool,
    /// Words the headline must hold, case and accents aside.
    pub headline: String,
    pub more_than_days: Option<f64>,
    pub less_than_days: Option<f64>,
}

impl Filter {
    /// Refuses a number of days a person could not mean, or a range with nothing in it.
    pub fn check(&self) -> Result<(), Error> {
        for (field, days) in [
            (MORE_THAN_FIELD, self.more_than_days),
            (LESS_THAN_FIELD, self.less_than_days),
        ] {
            if days.is_some_and(|days| !days.is_finite() || days < 0.0) {
                return Err(Error::invalid_input(
                    field,
                    "enter a number of days, 0 or more",
                ));
            }
        }
        match (self.more_than_days, self.less_than_days) {
            (Some(more), Some(less)) if more >= less => Err(Error::invalid_input(
                LESS_THAN_FIELD,
                "it must be more than the other number of days, or nothing matches",
            )),
            _ => Ok(()),
        }
    }

    /// An invitation without a date is kept only when no age is asked for.
    fn keeps(&self, entry: &Entry, headline_words: &[&str], now_ms: f64) -> bool {
        let age_days = entry.sent_at_ms.map(|at| (now_ms - at) / DAY_MS);
        let older = |more: f64| age_days.is_some_and(|age| age > more);
        let younger = |less: f64| age_days.is_some_and(|age| age < less);
        (!self.with_note || entry.note)
            && headline_words
                .iter()
                .all(|word| entry.headline.contains(word))
            && self.more_than_days.is_none_or(older)
            && self.less_than_days.is_none_or(younger)
    }
}

impl Index {
    pub fn of(invitations: &[Invitation]) -> Index {
        let texts: Vec<&str> = invitations
            .iter()
            .flat_map(|invitation| {
                let person = &invitation.person;
                [&person.name, person.headline.as_deref().unwrap_or_default()]
            })
            .collect();
        let mut folded = fold_all(&texts).into_iter();
        let entries = invitations
            .iter()
            .map(|invitation| {
                let name = folded.next().unwrap_or_default();
                let headline = folded.next().unwrap_or_default();
                Entry {
                    text: format!("{name}\n{headline}"),
                    headline,
                    note: invitation
                        .note
                        .as_deref()
                        .is_some_and(|note| !note.trim().is_empty()),
                    sent_at_ms: invitation.sent_at_ms,
                }
            })
            .collect();
        Index { entries }
    }

    /// Indexes of the invitations whose text holds every word of `query` (all of them for a
    /// blank query) and that `filter` keeps at `now_ms`.
    pub fn matching(&self, query: &str, filter: &Filter, now_ms: f64) -> Vec<u32> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        let headline = fold(&filter.headline);
        let headline_words: Vec<&str> = headline.split_whitespace().collect();
        (0u32..)
            .zip(&self.entries)
            .filter(|(_, entry)| words.iter().all(|word| entry.text.contains(word)))
            .filter(|(_, entry)| filter.keeps(entry, &headline_words, now_ms))
            .map(|(index, _)| index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Person};

    fn invitation(name: &str, headline: &str) -> Invitation {
        Invitation {
            id: name.into(),
            account: "a".into(),
            direction: Direction::Received,
            person: Person {
                name: name.into(),
                headline: Some(headline.into()),
                ..Person::default()
            },
            note: None,
            sent_at_ms: None,
            sent_at_exact: false,
            handles: Default::default(),
        }
    }

    impl Index {
        fn matching_text(&self, query: &str) -> Vec<u32> {
            self.matching(query, &Filter::default(), 0.0)
        }
    }

    const NOW: f64 = 1_800_000_000_000.0;

    #[test]
    fn a_nul_in_a_name_keeps_every_row_its_own_words() {
        let index = Index::of(&[
            invitation("Ann\0a Berg", "CTO"),
            invitation("Élodie Martin", "Lead\0"),
            invitation("Zoë", ""),
        ]);
        assert_eq!(index.matching_text("berg"), [0]);
        assert_eq!(index.matching_text("elodie lead"), [1]);
        assert_eq!(index.matching_text("zoe"), [2]);
        assert_eq!(index.matching_text("cto"), [0]);
    }

    #[test]
    fn the_filters_keep_notes_headline_words_and_an_age_range() {
        let aged = |name: &str, headline: &str, note: Option<&str>, days: Option<f64>| Invitation {
            note: note.map(str::to_owned),
            sent_at_ms: days.map(|days| NOW - days * DAY_MS),
            ..invitation(name, headline)
        };
        let index = Index::of(&[
            aged("A", "Senior Engineer at Kumo", Some("Hi!"), Some(2.0)),
            aged("B", "Ingénieure logiciel", None, Some(10.0)),
            aged("C", "Recruiter", Some("  "), Some(40.0)),
            aged("D", "Engineering Manager", Some("Met at PyData"), None),
        ]);
        let kept = |filter: Filter| index.matching("", &filter, NOW);
        let with_note = Filter {
            with_note: true,
            ..Filter::default()
        };
        assert_eq!(kept(with_note.clone()), [0, 3], "a blank note is no note");
        let engineer = Filter {
            headline: "ENGINEER".into(),
            ..Filter::default()
        };
        assert_eq!(kept(engineer), [0, 3], "words, case aside");
        let ingenieur = Filter {
            headline: "ingenieure".into(),
            ..Filter::default()
        };
        assert_eq!(kept(ingenieur), [1], "accents aside");
        let between = Filter {
            more_than_days: Some(5.0),
            less_than_days: Some(30.0),
            ..Filter::default()
        };
        assert_eq!(kept(between), [1], "an undated one has no age");
        assert_eq!(index.matching("a", &with_note, NOW), [0, 3]);
        assert_eq!(kept(Filter::default()).len(), 4);
    }

    #[test]
    fn a_filter_nothing_could_match_is_refused_with_its_field() {
        let field = |filter: Filter| filter.check().unwrap_err().field;
        let reversed = Filter {
            more_than_days: Some(30.0),
            less_than_days: Some(7.0),
            ..Filter::default()
        };
        assert_eq!(field(reversed).as_deref(), Some("less_than_days"));
        let negative = Filter {
            more_than_days: Some(-1.0),
            ..Filter::default()
        };
        assert_eq!(field(negative).as_deref(), Some("more_than_days"));
        assert_eq!(Filter::default().check(), Ok(()));
    }

    #[test]
    fn every_word_must_appear_in_any_order_case_and_accents_aside() {
        let index = Index::of(&[
            invitation("Amara Okafor", "Head of Partnerships at Lisbon Health"),
            invitation("佐藤健", "ソフトウェアエンジニア"),
            invitation("ليلى حداد", "Product Lead"),
            invitation("Élodie Martin", "Directrice commerciale à Lyon"),
            invitation("Özlem Yılmaz", "İstanbul"),
        ]);
        assert_eq!(index.matching_text("OKAFOR"), [0]);
        assert_eq!(index.matching_text("lisbon amara"), [0]);
        assert_eq!(index.matching_text("佐藤"), [1]);
        assert_eq!(index.matching_text("حداد"), [2]);
        assert_eq!(index.matching_text("elodie"), [3]);
        assert_eq!(index.matching_text("ÉLODIE a lyon"), [3]);
        assert_eq!(index.matching_text("özlem"), [4]);
        assert_eq!(index.matching_text("ozlem"), [4]);
        assert_eq!(index.matching_text("amara engineer"), [] as [u32; 0]);
        assert_eq!(index.matching_text("  "), [0, 1, 2, 3, 4]);
        assert_eq!(Index::default().matching_text("a"), [] as [u32; 0]);
    }
}
