//! The shipped manifest promises what the code does: keys go only to the providers' hosts (and
//! to another https host only with the person's permission), never to loopback, and pictures
//! load only from LinkedIn's media hosts.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;

fn manifest() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/extension/manifest.json"
    ))
    .expect("the manifest");
    serde_json::from_str(&text).expect("the manifest is JSON")
}

#[test]
fn the_shipped_manifest_never_names_loopback() {
    let manifest = manifest();
    for field in ["host_permissions", "optional_host_permissions"] {
        for host in manifest[field].as_array().expect(field) {
            let host = host.as_str().unwrap_or_default();
            assert!(host.starts_with("https://"), "{field}: {host}");
            assert!(
                !host.contains("127.0.0.1") && !host.contains("localhost"),
                "{field}: {host}"
            );
        }
    }
}

#[test]
fn pages_load_pictures_only_from_linkedins_media_hosts() {
    let csp = manifest()["content_security_policy"]["extension_pages"]
        .as_str()
        .expect("a CSP for the pages")
        .to_owned();
    let img = csp
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("img-src"))
        .expect("an img-src");
    let sources: Vec<&str> = img.split_whitespace().skip(1).collect();
    assert_eq!(
        sources,
        ["'self'", "https://*.licdn.com", "https://licdn.com"]
    );
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"));
}
