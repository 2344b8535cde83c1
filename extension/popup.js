// Invite Desk popup. Paints the stored first screen at once, then the full lists, then asks the
// service worker for a cheap check of what changed, and repaints whenever the lists in storage
// change. It never writes storage and never calls a provider: actions go to the service worker
// as intents, so they finish even when the popup closes. Provider text is only ever set as
// textContent. The first screen needs only this module, the rows' (popup/row.js) and the small
// page helpers; the rest loads after it (popup/checks.js, invite.js, bulk.js).

import { ask } from './lib/worker.js';
import { whatHappened } from './lib/problem.js';
import { $ } from './lib/dom.js';
import { actionsOf, invitationItem, showOutcome } from './popup/row.js';
import { ListWindow } from './popup/window.js';

const firstScreen = chrome.storage.local.get('view');

const list = $('list');
const status = $('status');

const state = {
  /** The stored first screen (`view`), with every row of both lists once they are read. */
  snapshot: null,
  full: false,
  tab: 'received',
  query: '',
  oldestFirst: false,
  /** Invitations acted on while the popup is open: they stay in view with their outcome. */
  acted: new Map(),
  outcomes: new Map(),
  /** Each list's keys as last painted, newest first, for keeping acted-on rows in place. */
  order: { received: [], sent: [] },
  /** Keys of the rows ticked for a bulk action, in the tab shown. */
  selected: new Set(),
  /** The rows the tab shows, searched, filtered and sorted, painted or not yet. */
  shown: [],
  /** The received list's filters (popup/selection.js), when any is set: what Accept all takes. */
  filter: null,
};

// The Invite panel's and bulk work's code loads after the first paint, which does not need it.
let invite = null;
let bulk = null;

// The module loads after the first paint; until then ages are blank and searches wait.
let module = null;
let moduleLoading = null;
function wasm() {
  moduleLoading ??= import('./pkg/invite_desk.js').then(async (loaded) => {
    // The marks are what `./build.sh bench` reads as the module's init.
    performance.mark('invite-desk:module-start');
    await loaded.default({ module_or_path: new URL('./pkg/invite_desk_bg.wasm', import.meta.url) });
    performance.mark('invite-desk:module-ready');
    module = loaded;
    fillAges();
    return loaded;
  });
  return moduleLoading;
}

const keyOf = (invitation) => `${invitation.account}\n${invitation.id}`;
const ageOf = (sentAtMs) => (module ? module.age_label(sentAtMs, Date.now()) : '');

function announce(text) {
  status.textContent = text;
}

const sendIntent = (intent) => ask(intent, wasm);

// ---------------------------------------------------------------- painting

/** Whether the tab shown is a list of invitations (not Invite or Stats). */
const showsList = () => state.tab === 'received' || state.tab === 'sent';

function paint() {
  const snapshot = state.snapshot;
  const accounts = snapshot?.accounts ?? [];
  $('banners').replaceChildren(...accounts.filter((account) => account.error).map(errorBanner),
    ...accounts.filter((account) => account.notice && !account.error).map(noticeBanner));
  $('count-received').textContent = snapshot ? String(snapshot.received_count) : '';
  $('count-sent').textContent = snapshot ? String(snapshot.sent_count) : '';
  invite?.setInviteAccounts(accounts);
  bulk?.paintStanding();
  if (showsList()) paintList();
}

/** The tab's invitations, newest first, with the ones acted on kept where they were. */
function rowsOfTab(direction) {
  const listed = state.snapshot?.[direction] ?? [];
  const listedKeys = new Set(listed.map(keyOf));
  const previous = new Map(state.order[direction].map((key, index) => [key, index]));
  const rows = [...listed];
  for (const [key, invitation] of state.acted) {
    if (invitation.direction !== direction || listedKeys.has(key)) continue;
    const was = previous.get(key) ?? -1;
    const at = rows.findIndex((row) => (previous.get(keyOf(row)) ?? Infinity) > was);
    rows.splice(at < 0 ? rows.length : at, 0, invitation);
  }
  state.order[direction] = rows.map(keyOf);
  return rows;
}

/** Account labels show on each row when there is more than one account. */
let labels = null;
const rows = new ListWindow(list, {
  itemOf: (invitation) => item(invitation),
  keyOf,
  shapeOf: (invitation) => [invitation.person.headline, invitation.note].map(Boolean).join(),
});

function paintList() {
  const direction = state.tab;
  let shown = rowsOfTab(direction);
  // The module searches the full lists it read; until then the box waits (see paintEmpty).
  const filter = direction === 'received' ? state.filter : null;
  if (state.query || filter) shown = state.full ? matching(shown, direction, filter) : [];
  if (state.oldestFirst) shown.reverse();
  state.shown = shown;
  bulk?.paintTools();

  const accounts = state.snapshot?.accounts ?? [];
  const labelled = accounts.length > 1 ? new Map(accounts.map((account) => [account.id, account.label])) : null;
  if (JSON.stringify([...(labelled ?? [])]) !== JSON.stringify([...(labels ?? [])])) {
    labels = labelled;
    rows.clear();
  }
  rows.show(shown);
  for (const [key, element] of rows.rendered) element.firstElementChild.checked = state.selected.has(key);
  paintEmpty(shown.length, accounts);
}

/** The rows of `rows` the module's search for the query, and `filter`, find in the `direction` list. */
function matching(rows, direction, filter) {
  const listed = state.snapshot[direction];
  const found = new Set(Array.from(module.search(direction, state.query, filter, Date.now()), (index) => keyOf(listed[index])));
  return rows.filter((row) => found.has(keyOf(row)));
}

function item(invitation) {
  const key = keyOf(invitation);
  const element = invitationItem(invitation, labels?.get(invitation.account), ageOf);
  element.dataset.key = key;
  const outcome = state.outcomes.get(key);
  if (outcome) showOutcome(element, outcome);
  // The row's first child is its checkbox (see invitationItem).
  element.firstElementChild.checked = state.selected.has(key);
  return element;
}

function paintEmpty(shown, accounts) {
  const empty = $('empty');
  const text = $('empty-text');
  const optionsButton = $('empty-options');
  empty.hidden = shown > 0;
  optionsButton.hidden = true;
  if (shown > 0) return;
  if (!state.snapshot) text.textContent = 'Loading your invitations…';
  else if (accounts.length === 0) {
    text.textContent = 'No account is set up yet.';
    optionsButton.hidden = false;
  } else if (state.query) {
    text.textContent = state.full ? `No invitation matches “${state.query}”.` : 'Searching…';
  } else if (state.filter && state.tab === 'received') {
    text.textContent = state.full ? 'No received invitation matches the filter.' : 'Searching…';
  }
  else if (accounts.some((account) => account.error)) text.textContent = 'Nothing to show until the problem above is solved.';
  else if (state.tab === 'received') text.textContent = 'No pending invitations. You are all caught up.';
  else text.textContent = 'No pending sent invitations. Invite someone from the Invite tab.';
}

/** An account's banner: its title, then `text`; an alert, or a status for what is no error. */
function accountBanner(role, titleText, text) {
  const made = document.createElement('div');
  made.className = role === 'alert' ? 'banner' : 'banner notice';
  made.setAttribute('role', role);
  const title = document.createElement('strong');
  title.textContent = titleText;
  title.dir = 'auto';
  const rest = document.createElement('span');
  rest.textContent = text;
  made.append(title, rest);
  return made;
}

function errorBanner(account) {
  const banner = accountBanner('alert', `${account.label}: ${whatHappened(account.error)}`, account.error.next_step);
  if (account.error.fixed_in_options) {
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = 'Open Options';
    open.addEventListener('click', () => chrome.runtime.openOptionsPage());
    banner.append(open);
  }
  if (account.error.access) banner.append(allowButton(account.error));
  return banner;
}

function noticeBanner(account) {
  return accountBanner('status', account.label, account.notice);
}

/**
 * Asks the browser for the access the account lacks, from the click itself (Firefox prompts only
 * then). Once granted the worker reads the account's lists and this banner goes with the repaint;
 * a refusal leaves it, and says so.
 */
function allowButton(error) {
  const allow = document.createElement('button');
  allow.type = 'button';
  allow.textContent = 'Allow access';
  allow.addEventListener('click', () => {
    chrome.permissions.request({ origins: [error.access] }).catch(() => false).then((granted) => {
      announce(granted ? 'Access allowed: checking the account…' : `Not allowed. ${error.next_step}`);
    });
  });
  return allow;
}

function fillAges() {
  for (const age of list.querySelectorAll('time[data-sent-at]')) {
    if (!age.textContent) age.textContent = ageOf(Number(age.dataset.sentAt));
  }
}

// ---------------------------------------------------------------- actions

function setOutcome(key, outcome) {
  state.outcomes.set(key, outcome);
  const element = rows.elementOf(key);
  if (element) {
    showOutcome(element, outcome);
    // An outcome's words make the row taller.
    rows.schedule();
  }
  if (outcome.state === 'done' && state.selected.delete(key)) bulk?.paintTools();
}

async function act(invitation, action) {
  const key = keyOf(invitation);
  const name = invitation.person.name;
  state.acted.set(key, invitation);
  setOutcome(key, { state: 'working', intent: action.intent });
  announce(`${action.working.slice(0, -1)} ${name}…`);
  const answer = await sendIntent({ type: action.intent, account: invitation.account, invitation: invitation.id });
  const element = rows.elementOf(key);
  const hadFocus = element?.contains(document.activeElement);
  if (answer.ok) {
    const text = answer.result?.already_done ? 'Already done' : action.done;
    // Done, but not recorded: said, so that nobody does it again by hand.
    const detail = answer.result?.bookkeeping
      ? `${answer.result.bookkeeping.message} ${answer.result.bookkeeping.next_step}` : undefined;
    setOutcome(key, { state: 'done', intent: action.intent, text, detail });
    announce(`${text}: ${name}.`);
  } else {
    setOutcome(key, {
      state: answer.error.gone ? 'done' : 'failed',
      intent: action.intent,
      text: whatHappened(answer.error),
      detail: answer.error.next_step,
    });
    announce(`${action.label} ${name}: not done.`);
  }
  if (hadFocus) {
    const target = element.querySelector('.actions button:not([hidden])') ?? element.querySelector('.outcome');
    target.focus();
  }
}

// Ticking rows works from the first paint; the bulk tools that act on them load after it.
list.addEventListener('change', (event) => {
  if (!event.target.matches('.select')) return;
  const key = event.target.parentElement.dataset.key;
  if (event.target.checked) state.selected.add(key);
  else state.selected.delete(key);
  bulk?.paintTools();
});

list.addEventListener('click', (event) => {
  // A note shows on one line; a click on it (or the row's focus) shows it whole.
  const note = event.target.closest('.note');
  if (note) {
    note.closest('li').classList.toggle('open');
    rows.schedule();
  }
  const button = event.target.closest('button[data-intent]');
  if (!button || button.disabled) return;
  const key = button.closest('li').dataset.key;
  const direction = state.tab;
  const invitation = state.acted.get(key) ?? (state.snapshot?.[direction] ?? []).find((row) => keyOf(row) === key);
  const action = actionsOf(direction).find((known) => known.intent === button.dataset.intent);
  if (invitation && action) act(invitation, action);
});

// ---------------------------------------------------------------- tabs, search, sort

const tabs = [...document.querySelectorAll('[role="tab"]')];

function selectTab(tab) {
  state.tab = tab.dataset.tab;
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
  }
  const listing = showsList();
  $('panel-list').hidden = !listing;
  $('panel-invite').hidden = state.tab !== 'invite';
  $('panel-stats').hidden = state.tab !== 'stats';
  if (state.tab === 'stats') statsLoading().then((stats) => stats.paintStats());
  if (listing) {
    $('panel-list').setAttribute('aria-labelledby', tab.id);
    list.setAttribute('aria-label', state.tab === 'received' ? 'Received invitations' : 'Sent invitations');
    rows.clear();
    state.selected.clear();
    paintList();
  }
  bulk?.paintTools();
}

for (const tab of tabs) tab.addEventListener('click', () => selectTab(tab));
$('tabs').addEventListener('keydown', (event) => {
  const index = tabs.indexOf(document.activeElement);
  const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
  if (index < 0 || !(event.key in moves)) return;
  event.preventDefault();
  const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
  next.focus();
  selectTab(next);
});

$('search').addEventListener('input', (event) => {
  state.query = event.target.value.trim();
  loadFull().then(paintList);
});
$('sort').addEventListener('change', (event) => {
  state.oldestFirst = event.target.value === 'oldest';
  loadFull().then(paintList);
});
$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('empty-options').addEventListener('click', () => chrome.runtime.openOptionsPage());
$('refresh').addEventListener('click', async () => (await checksLoading).readEverything());

// ---------------------------------------------------------------- start

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  bulk?.storageChanged(changes);
  if (!changes.view) return;
  showView(changes.view.newValue ?? null);
});

/** Shows the stored first screen `view`: counts and accounts, and its rows until the full lists are read. */
function showView(view) {
  if (state.full) {
    // Counts and accounts now; the rows once read again (a change may be anywhere in them).
    state.snapshot = { ...view, received: state.snapshot.received, sent: state.snapshot.sent };
    rereadLists();
  } else {
    state.snapshot = view;
  }
  paint();
}

// The full lists (megabytes with thousands of invitations) are read when the first screen is up
// and the browser is idle, or at once when the user scrolls, searches or sorts.
let fullLoading = null;
function loadFull() {
  fullLoading ??= readLists();
  return fullLoading;
}

async function readLists() {
  const lists = await (await wasm()).read_lists();
  state.snapshot = { ...state.snapshot, ...lists };
  state.full = true;
  paint();
}

// Changes come in bursts (one per account and list): one read for each burst.
let rereading = null;
function rereadLists() {
  rereading ??= new Promise((resolve) => setTimeout(resolve, 100)).then(readLists).finally(() => {
    rereading = null;
  });
}

// The Stats tab's module, loaded the first time the tab is chosen.
let statsModule = null;
function statsLoading() {
  statsModule ??= import('./popup/stats.js').then((stats) => {
    stats.setUpStats({ state, wasm, announce });
    return stats;
  });
  return statsModule;
}

let checksLoaded;
const checksLoading = new Promise((resolve) => {
  checksLoaded = resolve;
});

async function afterFirstPaint() {
  const checks = await import('./popup/checks.js');
  checks.setUpChecks({ state, wasm, announce });
  checksLoaded(checks);
  checks.refresh();
  requestIdleCallback(loadFull, { timeout: 2000 });
  addEventListener('scroll', loadFull, { once: true, passive: true });
  wasm().then(checks.paintChecked);
  invite = await import('./popup/invite.js');
  invite.setUpInvite({ wasm, announce });
  invite.setInviteAccounts(state.snapshot?.accounts ?? []);
  bulk = await import('./popup/bulk.js');
  await bulk.setUpBulk({ state, wasm, announce, loadFull, repaint: paintList, list, showsList });
  if (await invite.prefillFromActiveTab()) announce('Profile URL filled in from the open LinkedIn profile.');
}

const { view } = await firstScreen;
showView(view ?? null);
// Two frames: the first screen is on its way to the display before anything else starts.
requestAnimationFrame(() => requestAnimationFrame(afterFirstPaint));
