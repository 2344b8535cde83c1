//! `./build.sh bench`: what crossing the JS boundary costs for a list of 5,000 invitations, each
//! way, by serde-wasm-bindgen, which builds and reads the JS objects directly (what `src/lib.rs`
//! uses), and by JSON text (serde_json with the browser's JSON.parse and JSON.stringify).
//! It prints the figures and asserts only that both ways give the same values: a timed assertion
//! would be flaky. Beside it, what folding names and headlines for search costs by the browser's
//! Unicode tables (what the module does) against the `unicode-normalization` tables it no
//! longer carries. `./build.sh test` leaves it out; the bench runs it as a release build, the
//! optimisation the shipped module has.
#![cfg(target_arch = "wasm32")]

use invite_desk::model::{Direction, Handles, Invitation, Person};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ROWS: usize = 5_000;
const REPETITIONS: usize = 9;

#[wasm_bindgen]
extern "C" {
    // Fractions of a millisecond, where Date.now() counts whole ones.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now_ms() -> f64;
}

// Names, headlines and notes in the scripts the extension meets, of a real row's length.
const PEOPLE: [(&str, &str, &str); 6] = [
    (
        "Amara Okafor",
        "amara-okafor",
        "Head of Partnerships at Lumen Health",
    ),
    (
        "李明",
        "li-ming-shanghai",
        "Senior Data Scientist at Yangtze Cloud",
    ),
    (
        "Мария Иванова",
        "maria-ivanova-spb",
        "Product Manager · Neva Mobility",
    ),
    (
        "محمد العلي",
        "mohammed-alali",
        "مدير المبيعات الإقليمي | Regional Sales Director at Gulf Freight",
    ),
    (
        "Élodie Martin",
        "elodie-martin",
        "Talent Acquisition Lead, Paris & Remote",
    ),
    (
        "Priya Raghunathan",
        "priya-raghunathan",
        "Founder & CEO at Kestrel Analytics (YC W23)",
    ),
];

fn row(i: usize) -> Invitation {
    let (name, identifier, headline) = PEOPLE[i % PEOPLE.len()];
    let direction = if i % 4 == 0 {
        Direction::Sent
    } else {
        Direction::Received
    };
    Invitation {
        id: format!("74{i:017}"),
        account: "acc_bench_linkup".into(),
        direction,
        person: Person {
            name: name.into(),
            first_name: None,
            headline: Some(headline.into()),
            profile_url: Some(format!("https://www.linkedin.com/in/{identifier}-{i}/")),
            picture_url: Some(format!(
                "https://media.licdn.com/dms/image/v2/D4E03AQ{i:017X}/profile-displayphoto-shrink_200_200/0/{i}?e=2147483647&v=beta&t=e73a34aea529244a"
            )),
            public_identifier: Some(format!("{identifier}-{i}")),
            provider_id: Some(format!("ACoAA{i:026}")),
        },
        // Notes on some sent invitations, as a person writes them.
        note: (i % 8 == 0).then(|| {
            format!("Hi {name}, we met at the Lagos fintech meetup; I would be glad to stay in touch.")
        }),
        // Whole milliseconds, as every provider gives them; LinkUp's are estimates.
        sent_at_ms: Some(1_750_000_000_000.0 - (i as f64) * 3_600_000.0),
        sent_at_exact: i % 3 != 0,
        handles: Handles {
            entity_urn: Some(format!("urn:li:fs_relInvitation:74{i:017}")),
            shared_secret: Some("abcdef12-3456-7890-abcd-ef1234567890".into()),
        },
    }
}

/// Rust to JS as JSON text.
fn to_js_by_json<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// Rust to JS as `to_js` in `src/lib.rs` does it.
fn to_js_direct<T: Serialize>(value: &T) -> JsValue {
    // JSON-compatible: None as null and maps as plain objects, what JSON.parse gives.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("serializes")
}

/// JS to Rust as JSON text.
fn from_js_by_json(value: &JsValue) -> Vec<Invitation> {
    serde_json::from_str(&json_text(value)).expect("reads the JSON text")
}

/// JS to Rust as `from_js` in `src/lib.rs` does it.
fn from_js_direct(value: &JsValue) -> Vec<Invitation> {
    serde_wasm_bindgen::from_value(value.clone()).expect("reads the JS value")
}

fn json_text(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_default()
}

/// The median time of `REPETITIONS` runs of `run`, in milliseconds, and what the last returned.
fn timed<T>(mut run: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(REPETITIONS);
    let mut last = None;
    for _ in 0..REPETITIONS {
        let start = now_ms();
        let value = run();
        times.push(now_ms() - start);
        // The previous value is dropped here, outside the timed part.
        last = Some(value);
    }
    times.sort_by(f64::total_cmp);
    (times[REPETITIONS / 2], last.expect("ran at least once"))
}

#[wasm_bindgen_test]
fn five_thousand_rows_cross_the_boundary_both_ways() {
    let rows: Vec<Invitation> = (0..ROWS).map(row).collect();

    let (json_out, by_json) = timed(|| to_js_by_json(&rows));
    let (direct_out, direct) = timed(|| to_js_direct(&rows));
    let text = json_text(&by_json);
    assert_eq!(text, json_text(&direct), "both ways give the same JS value");

    let (json_in, read_by_json) = timed(|| from_js_by_json(&by_json));
    let (direct_in, read_direct) = timed(|| from_js_direct(&by_json));
    // Not assert_eq!: a failure would print 5,000 rows twice.
    assert!(
        read_by_json == rows,
        "the JSON text way reads back the rows"
    );
    assert!(
        read_direct == rows,
        "serde-wasm-bindgen reads back the rows"
    );

    console_log!(
        "Boundary, {ROWS} invitations ({:.1} MB as JSON text), median of {REPETITIONS}:",
        text.len() as f64 / 1e6
    );
    console_log!("  Rust → JS: JSON text {json_out:.1} ms, serde-wasm-bindgen {direct_out:.1} ms");
    console_log!("  JS → Rust: JSON text {json_in:.1} ms, serde-wasm-bindgen {direct_in:.1} ms");
}

/// Search's folding as the module did it before the browser's tables took over, with the same
/// ASCII shortcut.
fn fold_by_crate(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[wasm_bindgen_test]
fn folding_ten_thousand_names_and_headlines_for_search() {
    let texts: Vec<String> = (0..2 * ROWS)
        .map(row)
        .flat_map(|row| [row.person.name, row.person.headline.unwrap_or_default()])
        .collect();
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (browser, by_browser) = timed(|| invite_desk::search::fold_all(&borrowed));
    let (tables, by_crate) = timed(|| texts.iter().map(|t| fold_by_crate(t)).collect::<Vec<_>>());
    assert!(by_browser == by_crate, "both fold every text alike");
    console_log!(
        "Search folding, {} names and headlines, median of {REPETITIONS}: the browser's tables \
         {browser:.1} ms, unicode-normalization's {tables:.1} ms",
        texts.len()
    );
}

/// A picture's address checked as `model::safe_picture_url` did with the url crate in the module.
fn picture_host_by_crate(text: &str) -> Option<String> {
    let url = url::Url::parse(text).ok()?;
    let plain = url.username().is_empty() && url.password().is_none() && url.port().is_none();
    url.host_str().filter(|_| plain).map(str::to_owned)
}

#[wasm_bindgen_test]
fn parsing_ten_thousand_picture_addresses() {
    let addresses: Vec<String> = (0..2 * ROWS)
        .filter_map(|i| row(i).person.picture_url)
        .collect();
    let by_browser = |text: &str| {
        let url = invite_desk::web_url::Url::parse(text)?;
        let plain = url.username().is_empty() && url.password().is_none() && !url.has_port();
        url.host_str().filter(|_| plain)
    };
    let (browser, hosts) = timed(|| addresses.iter().map(|a| by_browser(a)).collect::<Vec<_>>());
    let (tables, by_crate) = timed(|| {
        addresses
            .iter()
            .map(|a| picture_host_by_crate(a))
            .collect::<Vec<_>>()
    });
    assert!(hosts == by_crate, "both find the same hosts");
    console_log!(
        "Picture addresses, {} parsed, median of {REPETITIONS}: the browser's URL {browser:.1} ms, \
         the url crate's {tables:.1} ms",
        addresses.len()
    );
}
