// Bulk work in the popup, loaded after the first paint: the list tools (selection.js), "Invite a
// list" and the account's standing (invite-list.js), and the jobs panel (jobs.js). It follows
// the stored `jobs`, `ledger` and `settings` for them; the service worker alone writes those.
import { paintJobs, setUpJobs } from './jobs.js';
import { paintStanding, setUpInviteList } from './invite-list.js';
import { paintTools, selectable, setUpSelection } from './selection.js';
import { bulk } from './shared.js';

export { confirmed } from './confirm.js';
export { paintStanding, paintTools, selectable };

let settingUp = true;
const changedEarly = new Set();

/** Wires the tools; `popup` is the popup's state and helpers. */
export async function setUpBulk(popup) {
  bulk.popup = popup;
  const read = await chrome.storage.local.get(['jobs', 'ledger', 'settings']);
  // A change that arrived while reading is newer than what was read.
  const { stored } = bulk;
  if (!changedEarly.has('jobs')) stored.jobs = Array.isArray(read.jobs) ? read.jobs : [];
  if (!changedEarly.has('ledger')) stored.ledger = read.ledger;
  if (!changedEarly.has('settings')) stored.settings = read.settings ?? {};
  settingUp = false;
  setUpSelection();
  setUpInviteList();
  setUpJobs();
  paintTools();
  paintJobs({ quiet: true });
  paintStanding();
}

/** The popup's storage.onChanged, for the keys bulk work shows. */
export function storageChanged(changes) {
  if (settingUp) for (const key of Object.keys(changes)) changedEarly.add(key);
  const { stored } = bulk;
  if (changes.jobs) stored.jobs = Array.isArray(changes.jobs.newValue) ? changes.jobs.newValue : [];
  if (changes.ledger) stored.ledger = changes.ledger.newValue;
  if (changes.settings) stored.settings = changes.settings.newValue ?? {};
  if (changes.jobs) paintJobs();
  if (changes.ledger || changes.settings) paintStanding();
}
