//! Which invitations a search shows: those whose text holds every word of the query. The popup
//! folds case and accents of both with the browser's Unicode tables before asking, which keeps
//! those tables out of the module.

/// Indexes of the `texts` that contain every word of `query`; all of them for a blank query.
pub fn matching(query: &str, texts: &[String]) -> Vec<u32> {
    let words: Vec<&str> = query.split_whitespace().collect();
    (0u32..)
        .zip(texts)
        .filter(|(_, text)| words.iter().all(|word| text.contains(word)))
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(all: &[&str]) -> Vec<String> {
        all.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn every_word_must_appear_in_any_order() {
        let rows = texts(&[
            "amara okafor\nhead of partnerships at lisbon health",
            "ken sato\nsoftware engineer",
            "لیلا حداد\nproduct designer",
        ]);
        assert_eq!(matching("okafor", &rows), [0]);
        assert_eq!(matching("lisbon amara", &rows), [0]);
        assert_eq!(matching("engineer sato  ", &rows), [1]);
        assert_eq!(matching("حداد", &rows), [2]);
        assert_eq!(matching("amara engineer", &rows), [] as [u32; 0]);
        assert_eq!(matching("", &rows), [0, 1, 2]);
        assert_eq!(matching("  ", &[]), [] as [u32; 0]);
    }
}
