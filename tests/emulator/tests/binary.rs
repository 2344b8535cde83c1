//! The real binary: startup line, raw HTTP exchanges (including a dropped connection), clean
//! stop, and bad-input exit codes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_invite-desk-emulator");

fn scenario_path(name: &str) -> String {
    format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Starts the binary on `e2e.json` and returns it with its `127.0.0.1:PORT`.
fn start() -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["--scenario", &scenario_path("e2e.json"), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let line = line.trim_end();
    let address = line
        .strip_prefix("Invite Desk emulator listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_owned();
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    (child, address)
}

/// One raw HTTP/1.1 exchange; returns whatever came back before the connection closed.
fn exchange(address: &str, path: &str, key: Option<&str>, body: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let key = key.map_or(String::new(), |k| format!("x-api-key: {k}\r\n"));
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\n{key}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = Vec::new();
    // A reset connection counts as a closed one here: both mean no response.
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn stop(mut child: Child) {
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "clean stop on SIGTERM: {status}");
}

#[test]
fn serves_a_scenario_and_stops_on_sigterm() {
    let (child, address) = start();
    let body =
        r#"{"account_id":"acc_e2e_linkup","action":"list_invitations","params":{"count":5}}"#;
    let response = exchange(&address, "/v2/network", Some("lk_e2e_key"), body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json = &response[response.find("\r\n\r\n").expect("headers end") + 4..];
    let value: serde_json::Value = serde_json::from_str(json).expect("json body");
    assert_eq!(value["success"], serde_json::json!(true));
    assert_eq!(value["data"]["total_results"], serde_json::json!(5));
    assert_eq!(
        value["data"]["total_available_results"],
        serde_json::json!(12)
    );
    stop(child);
}

#[test]
fn a_dropped_connection_sends_no_response_at_all() {
    let (child, address) = start();
    let fault = r#"{"path_prefix": "/v2/network", "kind": "drop"}"#;
    let answer = exchange(&address, "/__emulator/faults", None, fault);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let body = r#"{"account_id":"acc_e2e_linkup","action":"list_invitations"}"#;
    let answer = exchange(&address, "/v2/network", Some("lk_e2e_key"), body);
    assert_eq!(answer, "", "not even a status line");
    // The fault is used up: the next request is served again.
    let answer = exchange(&address, "/v2/network", Some("lk_e2e_key"), body);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    stop(child);
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(BIN).args(args).output().expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let e2e = scenario_path("e2e.json");
    let cases: [(&[&str], &str); 5] = [
        (&[], "--scenario is required"),
        (&["--scenario"], "--scenario needs a path"),
        (
            &["--scenario", &e2e, "--port", "http"],
            "--port expects 0-65535",
        ),
        (
            &["--scenario", &e2e, "--port", "70000"],
            "--port expects 0-65535",
        ),
        (
            &["--scenario", &e2e, "--verbose"],
            "unknown argument \"--verbose\"",
        ),
    ];
    for (args, expected) in cases {
        let (code, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stderr.contains("usage:"), "{stderr}");
    }
}

#[test]
fn bad_scenarios_exit_2_with_a_message() {
    let (code, stderr) = run(&["--scenario", "/nonexistent/scenario.json"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot load scenario /nonexistent/scenario.json"),
        "{stderr}"
    );

    let path = std::env::temp_dir().join(format!("invite-desk-bad-{}.json", std::process::id()));
    std::fs::write(
        &path,
        r#"{"people": [], "keys": [{"provider": "linkup", "api_key": "k", "accounts": []}]}"#,
    )
    .expect("write");
    let (code, stderr) = run(&["--scenario", path.to_str().expect("utf-8 path")]);
    std::fs::remove_file(&path).ok();
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("credits is required for linkup keys"),
        "{stderr}"
    );
}
