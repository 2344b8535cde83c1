//! The time the worker acts by (`clocks.rs` says how it is trusted): each provider origin's clock
//! is kept in session storage from the answers the worker's clients get, and asked by the
//! cheapest call when no recent answer says it.

use super::effects::Area;
use super::store::{self, Stored};
use super::Worker;
use crate::accounts;
use crate::client::Client;
use crate::clocks::{self, Clocks, Reading, Told, Trusted};
use crate::error::Error;
use crate::lists::Writes;

/// Where the providers' clocks are kept.
const CLOCK_KEY: &str = "clock";

/// The time to count the caps by; refused while the provider's answers disagree about it.
pub async fn caps_now(w: &Worker<'_>, client: &Client<'_>) -> Result<Trusted, Error> {
    trusted_now(w, client).await
}

/// The time the withdraw rule judges ages by; refused also while this machine's clock is off
/// the provider's, since an age cannot then be trusted either way.
pub async fn rule_now(w: &Worker<'_>, client: &Client<'_>) -> Result<Trusted, Error> {
    match trusted_now(w, client).await? {
        trusted if trusted.machine_agrees => Ok(trusted),
        _ => Err(clocks::machine_off()),
    }
}

/// From a recent reading of the account's provider clock, or asked now: twice at most, which
/// settles a dispute when only one answer was odd.
async fn trusted_now(w: &Worker<'_>, client: &Client<'_>) -> Result<Trusted, Error> {
    let origin = accounts::origin(client.account())?;
    let clocks: Clocks = Stored::read_from(w, Area::Session, &[CLOCK_KEY])
        .await?
        .get_or_default(CLOCK_KEY);
    let mut told = clocks.told(&origin, w.env.clock.now_ms());
    for _ask in 0..2 {
        if let Told::Trusted(trusted) = told {
            return Ok(trusted);
        }
        // INFERRED: a provider whose answers carry no Date leaves the machine's clock to trust.
        if client.read_provider_clock().await?.is_none() {
            return Ok(Trusted::machine(w.env.clock.now_ms()));
        }
        told = remember(w, client)
            .await
            .told(&origin, w.env.clock.now_ms());
    }
    match told {
        Told::Trusted(trusted) => Ok(trusted),
        Told::Ask | Told::Disputed => Err(clocks::disputed()),
    }
}

/// Takes in the clock of the client's latest answer, and gives back the clocks as they now
/// stand; losing them only costs a call.
pub async fn remember(w: &Worker<'_>, client: &Client<'_>) -> Clocks {
    let mut clocks: Clocks = match Stored::read_from(w, Area::Session, &[CLOCK_KEY]).await {
        Ok(stored) => stored.get_or_default(CLOCK_KEY),
        Err(_) => Clocks::default(),
    };
    let (Some(provider_ms), Ok(origin)) = (
        client.provider_date_ms(),
        accounts::origin(client.account()),
    ) else {
        return clocks;
    };
    let reading = Reading {
        provider_ms,
        local_ms: w.env.clock.now_ms(),
    };
    clocks.read(&origin, reading);
    let mut writes = Writes::default();
    writes.put(CLOCK_KEY.to_owned(), &clocks);
    let _kept = store::write_to(w, Area::Session, &writes).await;
    clocks
}
