//! The real binary: startup line, one raw HTTP exchange, clean stop, and bad-input exit codes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_invite-desk-emulator");

fn scenario_path(name: &str) -> String {
    format!("{}/../scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn serves_a_scenario_and_stops_on_sigterm() {
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
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));
    assert!(address.starts_with("127.0.0.1:"), "{address}");

    let body =
        r#"{"account_id":"acc_e2e_linkup","action":"list_invitations","params":{"count":5}}"#;
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST /v2/network HTTP/1.1\r\nHost: {address}\r\nx-api-key: lk_e2e_key\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json = &response[response.find("\r\n\r\n").expect("headers end") + 4..];
    let value: serde_json::Value = serde_json::from_str(json).expect("json body");
    assert_eq!(value["success"], serde_json::json!(true));
    assert_eq!(value["data"]["total_results"], serde_json::json!(5));
    assert_eq!(
        value["data"]["total_available_results"],
        serde_json::json!(12)
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = child.wait().expect("wait");
    assert!(status.success(), "clean stop on SIGTERM: {status}");
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
