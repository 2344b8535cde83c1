//! Text by Unicode's rules, run natively (`unicode-normalization`, the standard library's case
//! tables) and in the browser (its own tables, which the module uses instead): search folds the
//! same names to the same words, and a first name read from a vanity name takes the same
//! capitals.

use invite_desk::search::fold;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn accents_and_case_fold_away_in_every_script() {
    let folded = [
        ("Élodie Martin", "elodie martin"),
        ("ÖZLEM Şahin", "ozlem sahin"),
        ("Zoë Ångström", "zoe angstrom"),
        ("Nguyễn Thị", "nguyen thi"),
        ("Ἀθηνᾶ", "αθηνα"),
        ("Йоханн Дмитрий", "иоханн дмитрии"),
        ("山田 太郎", "山田 太郎"),
        ("", ""),
    ];
    for (text, words) in folded {
        assert_eq!(fold(text), words, "{text}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_list_folds_each_text_to_its_own_words_whatever_it_holds() {
    let texts = [
        "Amara Okafor",
        "Élodie\0Martin",
        "",
        "Зоя Ёлкина",
        "\u{301}",
        "CTO at Ørsted",
    ];
    assert_eq!(
        invite_desk::search::fold_all(&texts),
        [
            "amara okafor",
            "elodie martin",
            "",
            "зоя елкина",
            "",
            "cto at ørsted"
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_first_name_from_a_vanity_name_takes_its_capital_in_every_script() {
    use invite_desk::names::first_name_of_vanity;
    let named = [
        ("elena-petrova", Some("Elena")),
        ("élodie-martin", Some("Élodie")),
        ("ÖRS-KOVÁCS", Some("Örs")),
        ("σοφία-παππά", Some("Σοφία")),
        // Letter by letter, a capital sigma is σ wherever it stands, the last letter too.
        ("ΟΔΥΣΣΕΑΣ-papas", Some("Οδυσσεασ")),
        ("ǆemal-bey", Some("Ǆemal")),
        ("straße-weg", Some("Straße")),
        ("jd-1234", None),
    ];
    for (vanity, first) in named {
        assert_eq!(first_name_of_vanity(vanity).as_deref(), first, "{vanity}");
    }
}
