//! The time the caps are counted by. The machine's clock can be wrong and can jump; the
//! provider's `Date` header says the time its own way. Every answer's `Date` is kept (in session
//! storage: a browser restart asks again), and a ledger entry is stamped by the machine's clock
//! only while it agrees with the provider's within an hour.

use super::effects::Area;
use super::store::{self, Stored};
use super::Worker;
use crate::client::Client;
use crate::error::Error;
use crate::limits::{trusted, ProviderClock};
use crate::lists::Writes;

/// Where the provider's clock is kept.
const CLOCK_KEY: &str = "clock";

/// The time to count the caps by: the machine's, unless the provider's clock (from an answer in
/// the last hour, or asked now) says it is more than an hour off.
pub async fn caps_now(w: &Worker<'_>, client: &Client<'_>) -> Result<f64, Error> {
    let local_ms = w.env.clock.now_ms();
    let session = Stored::read_from(w, Area::Session, &[CLOCK_KEY]).await?;
    if let Some(now) = session
        .get::<ProviderClock>(CLOCK_KEY)
        .and_then(|clock| clock.now(local_ms))
    {
        return Ok(now);
    }
    // INFERRED: a provider whose answers carry no Date leaves the machine's clock to trust.
    let Some(provider_ms) = client.read_provider_clock().await? else {
        return Ok(local_ms);
    };
    remember(w, client).await;
    Ok(trusted(provider_ms, local_ms))
}

/// Keeps the provider's clock from the client's latest answer; losing it only costs a call.
pub async fn remember(w: &Worker<'_>, client: &Client<'_>) {
    let Some(provider_ms) = client.provider_date_ms() else {
        return;
    };
    let clock = ProviderClock {
        provider_ms,
        local_ms: w.env.clock.now_ms(),
    };
    let mut writes = Writes::default();
    writes.put(CLOCK_KEY.to_owned(), &clock);
    let _kept = store::write_to(w, Area::Session, &writes).await;
}
