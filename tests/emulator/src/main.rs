//! Command-line entry point: loads a scenario and serves the emulator on 127.0.0.1.

use std::io::Write;
use std::net::Ipv4Addr;
use std::process::ExitCode;

use tokio::net::TcpListener;

const USAGE: &str = "usage: invite-desk-emulator --scenario PATH [--port N]";

struct Args {
    scenario: String,
    port: u16,
}

/// Two flags do not justify an argument-parsing dependency.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut scenario = None;
    let mut port = 0;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scenario" => {
                scenario = Some(args.next().ok_or("--scenario needs a path")?);
            }
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port expects 0-65535, got \"{value}\""))?;
            }
            other => return Err(format!("unknown argument \"{other}\"")),
        }
    }
    let scenario = scenario.ok_or("--scenario is required")?;
    Ok(Args { scenario, port })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("invite-desk-emulator: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let state = match std::fs::read_to_string(&args.scenario)
        .map_err(|e| e.to_string())
        .and_then(|text| invite_desk_emulator::load(&text).map_err(|e| e.to_string()))
    {
        Ok(state) => state,
        Err(message) => {
            eprintln!(
                "invite-desk-emulator: cannot load scenario {}: {message}",
                args.scenario
            );
            return ExitCode::from(2);
        }
    };
    // Loopback only: the emulator holds test keys and must not be reachable from elsewhere.
    let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, args.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "invite-desk-emulator: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => {
            eprintln!("invite-desk-emulator: cannot read the bound address: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Test harnesses wait for this exact first line, so flush it before serving.
    let mut stdout = std::io::stdout();
    if writeln!(
        stdout,
        "Invite Desk emulator listening on http://127.0.0.1:{port}"
    )
    .and_then(|()| stdout.flush())
    .is_err()
    {
        return ExitCode::FAILURE;
    }
    let app = invite_desk_emulator::app(state);
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("invite-desk-emulator: server error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM (what test harnesses send), whichever comes first.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, rely on SIGTERM alone.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
