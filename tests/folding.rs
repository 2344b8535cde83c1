//! Search's folding of case and accents, run natively (`unicode-normalization`) and in the
//! browser (its own Unicode tables, `browser::fold`): both fold the same names to the same words.

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
