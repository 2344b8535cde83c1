//! Web addresses parsed natively (the url crate) and in the browser (its own `URL`), both by the
//! WHATWG URL standard: the same addresses give the same parts, or are refused by both. What
//! Invite Desk decides from these parts (a Base URL's scheme, host and extras, a picture's host,
//! an origin to ask access for) is then the same wherever it runs.

use invite_desk::web_url::Url;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// scheme, host, user name, password, port named, query, fragment, path, origin, the whole.
type Parts = (
    String,
    Option<String>,
    String,
    Option<String>,
    bool,
    bool,
    bool,
    String,
    String,
    String,
);

fn parts(text: &str) -> Option<Parts> {
    let url = Url::parse(text)?;
    Some((
        url.scheme(),
        url.host_str(),
        url.username(),
        url.password(),
        url.has_port(),
        url.has_query(),
        url.has_fragment(),
        url.path(),
        url.origin(),
        url.as_string(),
    ))
}

fn expected(
    scheme: &str,
    host: &str,
    (username, password, port): (&str, Option<&str>, bool),
    (query, fragment): (bool, bool),
    path: &str,
    origin: &str,
    whole: &str,
) -> Option<Parts> {
    Some((
        scheme.into(),
        Some(host.into()),
        username.into(),
        password.map(Into::into),
        port,
        query,
        fragment,
        path.into(),
        origin.into(),
        whole.into(),
    ))
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn addresses_parse_to_the_same_parts_in_the_browser_and_natively() {
    let plain = ("", None, false);
    let cases = [
        (
            "https://api.linkupapi.com",
            expected(
                "https",
                "api.linkupapi.com",
                plain,
                (false, false),
                "/",
                "https://api.linkupapi.com",
                "https://api.linkupapi.com/",
            ),
        ),
        (
            "HTTPS://API1.Unipile.com:13111/api/v1/",
            expected(
                "https",
                "api1.unipile.com",
                ("", None, true),
                (false, false),
                "/api/v1/",
                "https://api1.unipile.com:13111",
                "https://api1.unipile.com:13111/api/v1/",
            ),
        ),
        (
            "https://api.example.com:443/x",
            expected(
                "https",
                "api.example.com",
                plain,
                (false, false),
                "/x",
                "https://api.example.com",
                "https://api.example.com/x",
            ),
        ),
        (
            "https://user:secret@api.example.com/",
            expected(
                "https",
                "api.example.com",
                ("user", Some("secret"), false),
                (false, false),
                "/",
                "https://api.example.com",
                "https://user:secret@api.example.com/",
            ),
        ),
        (
            "https://api.example.com/?",
            expected(
                "https",
                "api.example.com",
                plain,
                (true, false),
                "/",
                "https://api.example.com",
                "https://api.example.com/?",
            ),
        ),
        (
            "https://api.example.com/#",
            expected(
                "https",
                "api.example.com",
                plain,
                (false, true),
                "/",
                "https://api.example.com",
                "https://api.example.com/#",
            ),
        ),
        (
            "https://evil.example\\@media.licdn.com/a.jpg",
            expected(
                "https",
                "evil.example",
                plain,
                (false, false),
                "/@media.licdn.com/a.jpg",
                "https://evil.example",
                "https://evil.example/@media.licdn.com/a.jpg",
            ),
        ),
        (
            "https://bücher.example/",
            expected(
                "https",
                "xn--bcher-kva.example",
                plain,
                (false, false),
                "/",
                "https://xn--bcher-kva.example",
                "https://xn--bcher-kva.example/",
            ),
        ),
        (
            "http://127.0.0.1:8080",
            expected(
                "http",
                "127.0.0.1",
                ("", None, true),
                (false, false),
                "/",
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/",
            ),
        ),
        (
            "https://0x7f.1/",
            expected(
                "https",
                "127.0.0.1",
                plain,
                (false, false),
                "/",
                "https://127.0.0.1",
                "https://127.0.0.1/",
            ),
        ),
    ];
    for (text, parsed) in cases {
        assert_eq!(parts(text), parsed, "{text}");
    }
    for refused in [
        "",
        "api.example.com",
        "https://",
        "https://exa mple.com/",
        "https://[::1/",
    ] {
        assert_eq!(parts(refused), None, "{refused:?}");
    }
}
