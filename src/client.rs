//! Runs provider operations for an account: picks the account's provider, sends the requests it
//! builds through `http.rs`, follows pages, and keeps the key out of every error.

use crate::error::{Error, ErrorKind};
use crate::http::{self, DEFAULT_TIMEOUT_MS};
use crate::model::{Account, Cursor, Invitation, ProviderKind};
use crate::providers::linkup;
use std::collections::HashSet;

/// A bound on one listing, far above LinkedIn's own limits on pending invitations, so a provider
/// that keeps saying "more" cannot keep us fetching forever.
const MAX_LISTED: usize = 50_000;

/// Every pending received invitation of `account`, all pages, in the provider's order.
/// `page_size` `None` asks for the largest page the provider serves: the fewest calls.
pub async fn list_received(
    account: &Account,
    page_size: Option<u32>,
    now_ms: f64,
) -> Result<Vec<Invitation>, Error> {
    let page_size = page_size.unwrap_or(linkup::MAX_PAGE_SIZE);
    list_all_linkup(account, page_size, now_ms)
        .await
        .map_err(|error| error.redact(account.api_key.expose()))
}

async fn list_all_linkup(
    account: &Account,
    page_size: u32,
    now_ms: f64,
) -> Result<Vec<Invitation>, Error> {
    if account.provider != ProviderKind::Linkup {
        return Err(Error::invalid_input(
            "Provider",
            "this version of Invite Desk lists invitations from LinkUp accounts only",
        ));
    }
    let mut invitations: Vec<Invitation> = Vec::new();
    let mut seen = HashSet::new();
    let mut offset = 0;
    loop {
        let request = linkup::list_received(account, offset, page_size);
        let response = http::send(&request, DEFAULT_TIMEOUT_MS).await?;
        let page = linkup::decode_list_received(&response, account, offset, now_ms)?;
        // Offsets shift when an invitation is handled between two pages: skip what we have.
        for invitation in page.items {
            if seen.insert(invitation.id.clone()) {
                invitations.push(invitation);
            }
        }
        match page.next {
            Some(Cursor::Offset(next)) if invitations.len() < MAX_LISTED => offset = next,
            Some(_) => {
                return Err(Error::new(ErrorKind::BadResponse)
                    .with_detail("the provider never ended its list"))
            }
            None => return Ok(invitations),
        }
    }
}
