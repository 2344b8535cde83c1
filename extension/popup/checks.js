// The popup's checks with the service worker, loaded after the first paint: on open, a cheap
// check of what changed; the Refresh button, every list read again once the person knows what
// it costs; and when each account was last checked, under the header.
import { $ } from '../lib/dom.js';
import { problemText } from '../lib/problem.js';
import { ask } from '../lib/worker.js';
import { confirmed } from './confirm.js';

let popup;
/** The check started last: an earlier one's answer does not say "Up to date" over a later one still running. */
let latest = 0;

/** `popup` is the popup's state, `wasm()` and `announce`. */
export function setUpChecks(given) {
  popup = given;
}

/** On open: the worker checks each account not checked in the last minute (no relist). */
export async function refresh() {
  const mine = ++latest;
  popup.announce('Checking for changes…');
  const answer = await ask({ type: 'refresh' }, popup.wasm);
  if (mine === latest) announceChecked(answer);
}

/** The Refresh button: every list read again, once the person knows what it costs. */
export async function readEverything() {
  const cost = (await popup.wasm()).refresh_cost(popup.state.snapshot?.accounts ?? []);
  const go = await confirmed({
    title: 'Read every list again?',
    lines: [cost, 'Invite Desk already checks for changes on its own; this is for when a list looks wrong.'],
    go: 'Read again',
  });
  if (!go) return;
  const mine = ++latest;
  const button = $('refresh');
  button.disabled = true;
  popup.announce('Reading every list again…');
  const answer = await ask({ type: 'reconcile' }, popup.wasm);
  button.disabled = false;
  if (mine === latest) announceChecked(answer);
}

async function announceChecked(answer) {
  if (!answer.ok) {
    popup.announce(`Check failed: ${problemText(answer.error)}`);
    return;
  }
  const problems = (popup.state.snapshot?.accounts ?? []).filter((account) => account.error).length;
  popup.announce(problems === 0 ? 'Up to date'
    : problems === 1 ? 'Updated; 1 account has a problem' : `Updated; ${problems} accounts have a problem`);
  paintChecked();
}

/** When each account was last checked, under the header. */
export async function paintChecked() {
  const module = await popup.wasm();
  const checked = await module.last_checked();
  const now = Date.now();
  $('checked').textContent = checked
    .filter((account) => account.checked_at_ms != null)
    .map((account) => (checked.length > 1 ? `${account.label}: ` : '') + module.checked_label(account.checked_at_ms, now))
    .join(' · ');
}
