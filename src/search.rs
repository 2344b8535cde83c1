//! Which invitations a search shows: those whose name or headline holds every word of the
//! query, case and accents aside, in every script ("elodie" finds "Élodie", "ÖZLEM" finds
//! "Özlem"). The popup's module keeps the folded text of the lists it last read, so a keystroke
//! sends only the query across.

use crate::model::Invitation;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// `text` without case or accents: decomposed, its combining marks dropped, lowercased.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The folded search text of each invitation of a list, in the list's order.
#[derive(Debug, Default)]
pub struct Index {
    texts: Vec<String>,
}

impl Index {
    pub fn of(invitations: &[Invitation]) -> Index {
        let texts = invitations
            .iter()
            .map(|invitation| {
                let person = &invitation.person;
                fold(&format!(
                    "{}\n{}",
                    person.name,
                    person.headline.as_deref().unwrap_or_default()
                ))
            })
            .collect();
        Index { texts }
    }

    /// Indexes of the invitations whose text holds every word of `query`; all of them for a
    /// blank query.
    pub fn matching(&self, query: &str) -> Vec<u32> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        (0u32..)
            .zip(&self.texts)
            .filter(|(_, text)| words.iter().all(|word| text.contains(word)))
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

    #[test]
    fn every_word_must_appear_in_any_order_case_and_accents_aside() {
        let index = Index::of(&[
            invitation("Amara Okafor", "Head of Partnerships at Lisbon Health"),
            invitation("佐藤健", "ソフトウェアエンジニア"),
            invitation("ليلى حداد", "Product Lead"),
            invitation("Élodie Martin", "Directrice commerciale à Lyon"),
            invitation("Özlem Yılmaz", "İstanbul"),
        ]);
        assert_eq!(index.matching("OKAFOR"), [0]);
        assert_eq!(index.matching("lisbon amara"), [0]);
        assert_eq!(index.matching("佐藤"), [1]);
        assert_eq!(index.matching("حداد"), [2]);
        assert_eq!(index.matching("elodie"), [3]);
        assert_eq!(index.matching("ÉLODIE a lyon"), [3]);
        assert_eq!(index.matching("özlem"), [4]);
        assert_eq!(index.matching("ozlem"), [4]);
        assert_eq!(index.matching("amara engineer"), [] as [u32; 0]);
        assert_eq!(index.matching("  "), [0, 1, 2, 3, 4]);
        assert_eq!(Index::default().matching("a"), [] as [u32; 0]);
    }
}
