// Invite Desk popup: paints the last snapshot at once, then asks the service worker to refresh
// and repaints whenever the snapshot in storage changes. It never writes storage and never
// calls a provider. Provider text is only ever set as textContent.
import init, { age_label } from './pkg/invite_desk.js';

// The first paint does not wait for the module: ages fill in as soon as it is ready.
let wasmReady = false;
init({ module_or_path: new URL('./pkg/invite_desk_bg.wasm', import.meta.url) }).then(() => {
  wasmReady = true;
  fillAges();
});

const FIRST_SCREEN_ROWS = 20;
const ROWS_PER_BATCH = 200;

const list = document.getElementById('received');
const count = document.getElementById('received-count');
const empty = document.getElementById('empty');
const banners = document.getElementById('banners');
const status = document.getElementById('status');

let paintGeneration = 0;

function paint(snapshot) {
  const accounts = snapshot?.accounts ?? [];
  const showAccount = accounts.length > 1;
  const invitations = accounts.flatMap((account) =>
    account.received.map((invitation) => ({ invitation, label: account.label })));

  banners.replaceChildren(...accounts.filter((account) => account.error).map(errorBanner));
  count.textContent = `(${invitations.length})`;
  empty.hidden = invitations.length > 0;
  if (accounts.length === 0) empty.textContent = 'No account is set up yet.';
  else if (accounts.some((account) => account.error)) empty.textContent = 'Nothing to show until the problem above is solved.';
  else empty.textContent = 'No pending invitations. You are all caught up.';

  // The first screen goes in now; the rest follows in batches so a long list never delays it.
  const generation = ++paintGeneration;
  list.replaceChildren(...invitations.slice(0, FIRST_SCREEN_ROWS).map((row) => invitationItem(row, showAccount)));
  let next = FIRST_SCREEN_ROWS;
  const appendBatch = () => {
    if (generation !== paintGeneration || next >= invitations.length) return;
    list.append(...invitations.slice(next, next + ROWS_PER_BATCH).map((row) => invitationItem(row, showAccount)));
    next += ROWS_PER_BATCH;
    setTimeout(appendBatch, 0);
  };
  setTimeout(appendBatch, 0);
}

function invitationItem({ invitation, label }, showAccount) {
  const { person } = invitation;
  const item = document.createElement('li');
  item.className = 'invitation';
  item.append(avatar(person));

  const name = document.createElement(person.profile_url ? 'a' : 'span');
  name.className = 'name';
  name.textContent = person.name;
  if (person.profile_url) {
    name.href = person.profile_url;
    name.target = '_blank';
    name.rel = 'noopener noreferrer';
  }
  item.append(name);

  const age = document.createElement('time');
  age.className = 'age';
  if (invitation.sent_at_ms != null) {
    const sent = new Date(invitation.sent_at_ms);
    age.dateTime = sent.toISOString();
    age.title = (invitation.sent_at_exact ? 'Sent ' : 'Sent about ') + sent.toLocaleDateString();
    age.dataset.sentAt = String(invitation.sent_at_ms);
    if (wasmReady) age.textContent = age_label(invitation.sent_at_ms, Date.now());
  }
  item.append(age);

  if (person.headline) {
    const headline = document.createElement('div');
    headline.className = 'headline';
    headline.textContent = person.headline;
    item.append(headline);
  }
  if (showAccount) {
    const account = document.createElement('div');
    account.className = 'account';
    account.textContent = label;
    item.append(account);
  }
  return item;
}

function avatar(person) {
  const initials = document.createElement('span');
  initials.className = 'avatar';
  initials.setAttribute('aria-hidden', 'true');
  initials.textContent = Array.from(person.name.split(/\s+/).filter(Boolean).slice(0, 2), (part) => Array.from(part)[0]).join('');
  if (!person.picture_url) return initials;
  const picture = document.createElement('img');
  picture.className = 'avatar';
  picture.alt = '';
  picture.loading = 'lazy';
  picture.referrerPolicy = 'no-referrer';
  picture.addEventListener('error', () => picture.replaceWith(initials), { once: true });
  picture.src = person.picture_url;
  return picture;
}

function errorBanner(account) {
  const banner = document.createElement('div');
  banner.className = 'banner';
  banner.setAttribute('role', 'alert');
  const title = document.createElement('strong');
  title.textContent = `${account.label}: ${account.error.message}`;
  const next = document.createElement('span');
  next.textContent = account.error.detail
    ? `${account.error.next_step} (${account.error.detail})`
    : account.error.next_step;
  banner.append(title, next);
  return banner;
}

function fillAges() {
  const now = Date.now();
  for (const age of list.querySelectorAll('time[data-sent-at]')) {
    age.textContent = age_label(Number(age.dataset.sentAt), now);
  }
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.snapshot) paint(changes.snapshot.newValue);
});

const { snapshot } = await chrome.storage.local.get('snapshot');
paint(snapshot);

status.textContent = 'Refreshing…';
chrome.runtime.sendMessage({ type: 'refresh' }).then(
  async (answer) => {
    if (!answer?.ok) {
      status.textContent = `Refresh failed: ${answer?.error?.message ?? 'unknown error'}`;
      return;
    }
    const { snapshot: fresh } = await chrome.storage.local.get('snapshot');
    const problems = (fresh?.accounts ?? []).filter((account) => account.error).length;
    status.textContent = problems === 0 ? 'Up to date'
      : problems === 1 ? 'Updated; 1 account has a problem' : `Updated; ${problems} accounts have a problem`;
  },
  () => {
    status.textContent = 'Refresh failed: the background service did not answer. Reopen the popup to try again.';
  },
);
