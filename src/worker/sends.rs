//! Sending invitations, one at a time across single sends and bulk jobs, inside the limits. Each
//! send is checked against the ledger by the provider's clock when the machine's is off, then
//! reserved in the ledger before its call leaves (write-ahead): if the reservation cannot be
//! written, nothing is sent; if the answer is lost or unreadable, it stays counted until a check
//! settles it; only a refusal by the provider gives the place back.

use super::refresh::check;
use super::{clock, observe, store, Answer, Worker};
use crate::bulk::Effect;
use crate::client::{is_target, Client, Done, Settled};
use crate::error::{Error, ErrorKind};
use crate::input::{self, Target};
use crate::limits::{ledger_key, Ledger, LEDGER_KEY};
use crate::lists::Changed;
use crate::model::{Account, Direction};
use crate::providers::Action;
use crate::sync::{Due, Held};
use store::Stored;

/// Sends an invitation, if the account's limits allow it; `note` may hold `{first_name}`.
pub async fn send(
    w: &Worker<'_>,
    account_id: &str,
    profile: &str,
    note: Option<&str>,
) -> Result<Answer, Error> {
    let _sending = w.sends_lock.lock().await;
    let stored = Stored::read(w, &["accounts", "settings"]).await?;
    let accounts = stored.accounts();
    let account = store::stored_account(&stored, account_id)?;
    let settings = stored.settings();
    let with_note = input::note_template(note)?.is_some();
    let target = Target::parse(profile)?;
    let who = target.identifier().to_ascii_lowercase();
    let sent = store::read_list(w, account_id, Direction::Sent).await?;
    if sent.rows().any(|row| is_target(&target, row)) {
        return Err(Error::new(ErrorKind::AlreadyDone)
            .with_detail("an invitation to this person is already pending"));
    }
    let held = sent.held(w.env.clock.now_ms());
    let client = Client::new(&account, w.env).with_held(&held);
    let now = clock::caps_now(w, &client).await?;
    let key = ledger_key(&account);
    let caps = settings.caps(account.plan);
    let admitted = |ledger: &Ledger, names: &[&str]| {
        if ledger.already_sent(&key, &who) {
            return Err(Error::new(ErrorKind::AlreadyDone)
                .with_detail("an invitation to this person was sent already"));
        }
        ledger.check_send(&key, caps, names, with_note, now)
    };
    // Refused before anything is asked of the provider, the profile lookup included.
    let mut ledger: Ledger = Stored::read(w, &[LEDGER_KEY]).await?.readable(LEDGER_KEY)?;
    ledger.rekey(&accounts);
    admitted(&ledger, &[&who])?;
    // A person whose first name the note needs but cannot be told is refused here, uncounted.
    let invite = client.prepare_send(profile, note).await?;
    // The lookup may name the person otherwise (a member id for a vanity name): the
    // re-invite wait holds by each name.
    let names = invite.known_as();
    // Write-ahead: counted before the call leaves, or not sent at all.
    store::update(w, LEDGER_KEY, |ledger: &mut Ledger| {
        ledger.rekey(&accounts);
        admitted(ledger, &names)?;
        ledger.reserve(&key, &who, with_note, caps.gap_ms, now);
        Ok::<(), Error>(())
    })
    .await??;
    let outcome = client.send(invite).await;
    clock::remember(w, &client).await;
    // Settles the reservation; the time sending may start again after a LinkedIn limit.
    let settled = store::update(w, LEDGER_KEY, |ledger: &mut Ledger| match &outcome {
        Ok(_) => {
            ledger.confirm(&key, &who);
            None
        }
        Err(error) if error.kind == ErrorKind::LimitReached => {
            ledger.release(&key, &who);
            Some(ledger.record_limit_reached(&key, with_note, now))
        }
        Err(error) if super::provider_refused(error.kind) => {
            ledger.release(&key, &who);
            None
        }
        // Unknown: it stays counted.
        Err(_) => None,
    })
    .await;
    let done = match outcome {
        Err(error) if error.kind == ErrorKind::LimitReached => {
            let wait_ms = settled.ok().flatten();
            let wait_s = wait_ms.map(|wait_ms| (wait_ms / 1000.0).ceil().max(1.0) as u32);
            return Err(error.with_retry_after(wait_s));
        }
        outcome => outcome?,
    };
    let answer = Answer::of(done.clone());
    let kept = store_sent(w, &account, done, &held).await;
    match settled.map(drop).and(kept) {
        Ok(()) => Ok(answer),
        // Sent all the same: the reservation still counts it. Only the records are behind.
        Err(error) => Ok(Answer {
            bookkeeping: Some(error),
            ..answer
        }),
    }
}

/// For a bulk job's invitation whose call may have happened: whether it did, from the top of the
/// sent list. What it finds settles the reservation: counted if sent, given back if not.
pub async fn was_sent(
    w: &Worker<'_>,
    account_id: &str,
    profile: &str,
    note: Option<&str>,
) -> Result<Effect, Error> {
    let stored = Stored::read(w, &["accounts"]).await?;
    let account = store::stored_account(&stored, account_id)?;
    let list = store::read_list(w, account_id, Direction::Sent).await?;
    let held = list.held(w.env.clock.now_ms());
    let client = Client::new(&account, w.env).with_held(&held);
    let target = Target::parse(profile)?;
    let who = target.identifier().to_ascii_lowercase();
    let note = input::note_template(note)?;
    let send = Action::Send {
        target: &target,
        note: note.as_deref(),
    };
    let key = ledger_key(&account);
    // A check of the sent list since may have found it already: then it was sent.
    if list.rows().any(|row| is_target(&target, row)) {
        let now = clock::caps_now(w, &client).await?;
        store::update(w, LEDGER_KEY, |ledger: &mut Ledger| {
            ledger.record_sent(&key, &who, note.is_some(), now)
        })
        .await?;
        return Ok(Effect::Done);
    }
    match client.settle(&send).await? {
        Settled::NotDone { .. } => {
            store::update(w, LEDGER_KEY, |ledger: &mut Ledger| {
                ledger.release(&key, &who)
            })
            .await?;
            Ok(Effect::NotDone)
        }
        Settled::Done(done) => {
            clock::remember(w, &client).await;
            let now = clock::caps_now(w, &client).await?;
            store::update(w, LEDGER_KEY, |ledger: &mut Ledger| {
                ledger.record_sent(&key, &who, note.is_some(), now)
            })
            .await?;
            store_sent(w, &account, *done, &held).await?;
            Ok(Effect::Done)
        }
    }
}

/// Puts a new sent invitation in the list; when the provider did not describe it, a check of
/// the sent list finds it on top.
async fn store_sent(
    w: &Worker<'_>,
    account: &Account,
    done: Done,
    held: &Held,
) -> Result<(), Error> {
    let now_ms = w.env.clock.now_ms();
    let changed = match (done.found, done.invitation) {
        (Some(found), _) => {
            store::update_list(w, &account.id, Direction::Sent, |list| {
                list.apply(found, held, now_ms)
            })
            .await?
        }
        (None, Some(invitation)) => {
            store::update_list(w, &account.id, Direction::Sent, |list| {
                list.add_new(invitation.clone())
            })
            .await?;
            Changed {
                arrived: vec![invitation],
                ..Changed::default()
            }
        }
        (None, None) => {
            return check(w, account, Direction::Sent, Due::Check)
                .await
                .map(drop)
        }
    };
    observe::seen(w, account, Direction::Sent, changed)
        .await
        .map(drop)
}
