// Bulk work in the popup: ticked rows and the "all" and "older than" choices, the confirmation
// that states the count and the pace, the jobs panel (progress, Stop, Resume, each item's
// result), the "Invite a list" form, where an account stands against its weekly cap, and CSV
// export. Loaded after the first paint. The rules (which rows are old enough, the list's
// profiles, the cap, the CSV) are the wasm module's; the jobs run in the service worker, which
// alone writes `jobs` and `ledger`. Provider text is only ever set as textContent.

const $ = (id) => document.getElementById(id);

// The backend's defaults (contract: `settings`), for describing the pace before settings were
// ever saved.
const PACE = {
  action: { min: 5, max: 20, key: 'action_delay' },
  invite: { min: 120, max: 300, key: 'invite_delay' },
};

const WORDS = {
  accept: { verb: 'Accept', doing: 'Accepting', noun: 'received invitation', none: 'Nothing to accept.' },
  decline: { verb: 'Decline', doing: 'Declining', noun: 'received invitation', none: 'Nothing to decline.' },
  withdraw: { verb: 'Withdraw', doing: 'Withdrawing', noun: 'sent invitation', none: 'Nothing to withdraw.' },
  invite: { verb: 'Invite', doing: 'Inviting', noun: 'person', plural: 'people', none: 'No profile to invite.' },
};

const OUTCOMES = {
  pending: 'Pending',
  in_flight: 'In progress',
  done: 'Done',
  already_gone: 'Already gone',
  failed: 'Failed',
  not_done: 'Not done',
};

let popup;
let stored = { jobs: [], ledger: undefined, settings: {} };
let shownTab = null;
let settingUp = true;
const changedEarly = new Set();

const plural = (count, noun, many = `${noun}s`) => `${count} ${count === 1 ? noun : many}`;
const counted = (count, words) => plural(count, words.noun, words.plural);
const keyOf = (invitation) => `${invitation.account}\n${invitation.id}`;

/** Wires the tools; `context` is the popup's state and helpers. */
export async function setUpBulk(context) {
  popup = context;
  const read = await chrome.storage.local.get(['jobs', 'ledger', 'settings']);
  // A change that arrived while reading is newer than what was read.
  if (!changedEarly.has('jobs')) stored.jobs = Array.isArray(read.jobs) ? read.jobs : [];
  if (!changedEarly.has('ledger')) stored.ledger = read.ledger;
  if (!changedEarly.has('settings')) stored.settings = read.settings ?? {};
  settingUp = false;

  $('select-shown').addEventListener('change', (event) => selectShown(event.target.checked));
  $('clear-selection').addEventListener('click', () => {
    popup.state.selected.clear();
    syncBoxes();
    paintTools();
    $('select-shown').focus();
  });
  for (const id of ['accept-selected', 'decline-selected', 'withdraw-selected']) {
    const button = $(id);
    button.addEventListener('click', () => startListed(button.dataset.action, selectedRows()));
  }
  $('accept-all').addEventListener('click', async () => startListed('accept', await allOf('received')));
  $('decline-all').addEventListener('click', async () => startListed('decline', await allOf('received')));
  $('older-days').addEventListener('change', (event) => {
    const other = $('older-other');
    other.hidden = event.target.value !== 'other';
    other.removeAttribute('aria-invalid');
    if (!other.hidden) other.focus();
  });
  $('older-other').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      withdrawOlder();
    }
  });
  $('withdraw-older').addEventListener('click', withdrawOlder);
  $('export-csv').addEventListener('click', exportCsv);

  $('jobs').addEventListener('click', jobButton);
  $('jobs').addEventListener('toggle', (event) => {
    const id = event.target.closest?.('[data-job]')?.dataset.job;
    const view = id && views.get(id);
    if (view && view.details.open) paintResults(view, stored.jobs.find((job) => job.id === id));
  }, true);

  $('invite-account').addEventListener('change', paintStanding);
  let listTimer = 0;
  $('invite-list').addEventListener('input', () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(readList, 200);
  });
  $('invite-many').addEventListener('submit', (event) => {
    event.preventDefault();
    inviteList();
  });

  paintTools();
  paintJobs({ quiet: true });
  paintStanding();
}

/** The popup's storage.onChanged, for the keys this module shows. */
export function storageChanged(changes) {
  if (settingUp) for (const key of Object.keys(changes)) changedEarly.add(key);
  if (changes.jobs) stored.jobs = Array.isArray(changes.jobs.newValue) ? changes.jobs.newValue : [];
  if (changes.ledger) stored.ledger = changes.ledger.newValue;
  if (changes.settings) stored.settings = changes.settings.newValue ?? {};
  if (changes.jobs) paintJobs();
  if (changes.ledger || changes.settings) paintStanding();
}

/** A thrown wasm error ({code, message, next_step}), a string, or a JS Error, as a problem to show. */
function asProblem(thrown) {
  if (thrown && typeof thrown === 'object' && typeof thrown.message === 'string' && !(thrown instanceof Error)) return thrown;
  return {
    message: typeof thrown === 'string' ? thrown : 'Something went wrong in the popup.',
    next_step: 'Close and reopen the popup, then try again.',
  };
}

/** "why. what to do", as the Invite panel words it. */
const nextStep = (problem) => [problem.detail, problem.next_step].filter(Boolean).join('. ');

function problemParts(problem) {
  const title = document.createElement('strong');
  title.textContent = problem.message ?? 'It did not work.';
  const next = document.createElement('span');
  next.textContent = nextStep(problem);
  return [title, next];
}

/** Shows a failure of the list tools (message and what to do), or hides it. */
function showBulkError(problem) {
  const box = $('bulk-error');
  box.hidden = !problem;
  box.replaceChildren(...(problem ? problemParts(problem) : []));
}

// ---------------------------------------------------------------- selection and list tools

/** Each list's keys, computed once per list read from storage. */
const listedKeys = new WeakMap();
function listed(direction) {
  const rows = popup.state.snapshot?.[direction] ?? [];
  let keys = listedKeys.get(rows);
  if (!keys) {
    keys = new Set(rows.map(keyOf));
    listedKeys.set(rows, keys);
  }
  return { rows, keys };
}

/** The rows the tab shows that can still be acted on (not those already handled here). */
function selectable() {
  const { state } = popup;
  if (state.tab === 'invite') return [];
  const { keys } = listed(state.tab);
  return state.shown.filter((row) => keys.has(keyOf(row)));
}

/** The ticked rows still listed in the tab. */
function selectedRows() {
  const { state } = popup;
  if (state.tab === 'invite' || state.selected.size === 0) return [];
  return listed(state.tab).rows.filter((row) => state.selected.has(keyOf(row)));
}

function syncBoxes() {
  const { state, list } = popup;
  for (const box of list.querySelectorAll('.select')) box.checked = state.selected.has(box.parentElement.dataset.key);
}

export function paintTools() {
  if (!popup) return;
  const { state } = popup;
  if (shownTab !== state.tab) {
    shownTab = state.tab;
    showBulkError(null);
  }
  const listing = state.tab !== 'invite';
  // Until the full lists are read, "all" would mean the first screen only.
  const ready = listing && state.full && (state.snapshot?.accounts?.length ?? 0) > 0;
  $('list-tools').hidden = !ready;
  const shown = ready ? selectable() : [];
  const selected = ready ? selectedRows().length : 0;
  $('selection').hidden = shown.length === 0 && selected === 0;
  if (!ready) return;

  $('select-shown-label').textContent = `Select all shown (${shown.length})`;
  const box = $('select-shown');
  const shownSelected = shown.reduce((sum, row) => sum + (state.selected.has(keyOf(row)) ? 1 : 0), 0);
  box.checked = shown.length > 0 && shownSelected === shown.length;
  box.indeterminate = shownSelected > 0 && shownSelected < shown.length;
  box.disabled = shown.length === 0;
  const received = state.tab === 'received';
  for (const [id, mine] of [['accept-selected', received], ['decline-selected', received], ['withdraw-selected', !received]]) {
    const button = $(id);
    const hide = !mine || selected === 0;
    if (hide && button === document.activeElement) box.focus();
    button.hidden = hide;
    button.textContent = `${WORDS[button.dataset.action].verb} selected (${selected})`;
  }
  if (selected === 0 && $('clear-selection') === document.activeElement) box.focus();
  $('clear-selection').hidden = selected === 0;
  $('selected-actions').hidden = selected === 0;
  $('received-tools').hidden = !received;
  $('sent-tools').hidden = received;
}

/** Ticks (or unticks) every row the search shows, painted yet or not. */
async function selectShown(on) {
  await popup.loadFull();
  const { state } = popup;
  for (const row of selectable()) {
    if (on) state.selected.add(keyOf(row));
    else state.selected.delete(keyOf(row));
  }
  syncBoxes();
  paintTools();
}

async function allOf(direction) {
  await popup.loadFull();
  return popup.state.snapshot?.[direction] ?? [];
}

async function withdrawOlder() {
  showBulkError(null);
  const choice = $('older-days').value;
  const other = $('older-other');
  const days = choice === 'other' ? (other.value.trim() === '' ? NaN : Number(other.value)) : Number(choice);
  const sent = await allOf('sent');
  let indexes;
  try {
    indexes = (await popup.wasm()).older_than(sent, days, Date.now());
  } catch (problem) {
    other.setAttribute('aria-invalid', 'true');
    showBulkError(asProblem(problem));
    if (!other.hidden) other.focus();
    return;
  }
  other.removeAttribute('aria-invalid');
  const which = `older than ${plural(days, 'day')}`;
  const rows = Array.from(indexes, (index) => sent[index]);
  if (rows.length === 0) {
    popup.announce(`Nothing to withdraw: no sent invitation is ${which}.`);
    return;
  }
  startListed('withdraw', rows, which);
}

// ---------------------------------------------------------------- confirmation

function paceOf(kind) {
  const pace = PACE[kind];
  const number = (value, fallback) => (Number.isFinite(Number(value)) && value !== null && value !== '' ? Number(value) : fallback);
  const min = number(stored.settings?.[`${pace.key}_min_s`], pace.min);
  const max = number(stored.settings?.[`${pace.key}_max_s`], pace.max);
  return { min, max: Math.max(min, max) };
}

function duration(seconds) {
  if (seconds < 90) return plural(Math.max(1, Math.round(seconds)), 'second');
  if (seconds < 90 * 60) return plural(Math.round(seconds / 60), 'minute');
  if (seconds < 36 * 3600) return plural(+(seconds / 3600).toFixed(1), 'hour');
  return plural(Math.round(seconds / 86_400), 'day');
}

/** "One every 5–20 seconds, about 4 minutes in all. You can close the popup; it keeps going." */
function paceText(kind, count) {
  const keepsGoing = 'You can close the popup; it keeps going.';
  if (count <= 1) return `It runs at once. ${keepsGoing}`;
  const { min, max } = paceOf(kind);
  const [unit, size] = max < 120 ? ['second', 1] : max < 2 * 3600 ? ['minute', 60] : ['hour', 3600];
  const inUnit = (value) => +(value / size).toFixed(1);
  const every = min === max ? plural(inUnit(min), unit) : `${inUnit(min)}–${inUnit(max)} ${unit}s`;
  const total = (count - 1) * (min + max) / 2;
  return `One every ${every}, about ${duration(total)} in all. ${keepsGoing}`;
}

/** Shows the confirmation; resolves to true when the user confirms. Escape cancels. */
export function confirmed({ title, lines, go }) {
  const dialog = $('confirm');
  if (dialog.open) return Promise.resolve(false);
  $('confirm-title').textContent = title;
  $('confirm-detail').replaceChildren(...lines.filter(Boolean).map((text) => {
    const line = document.createElement('p');
    line.textContent = text;
    return line;
  }));
  $('confirm-go').textContent = go;
  const opener = document.activeElement;
  dialog.returnValue = 'cancel';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const back = opener?.isConnected && !opener.disabled && opener.getClientRects().length > 0 ? opener : null;
      (back ?? $('jobs').querySelector('button:not([hidden])') ?? document.querySelector('[role="tab"][aria-selected="true"]'))?.focus();
      resolve(dialog.returnValue === 'go');
    }, { once: true });
  });
}

async function startListed(action, rows, which = '') {
  showBulkError(null);
  const words = WORDS[action];
  if (rows.length === 0) {
    popup.announce(words.none);
    return;
  }
  const what = counted(rows.length, words);
  const ok = await confirmed({
    title: `${words.verb} ${what}${which ? ` ${which}` : ''}?`,
    lines: [paceText('action', rows.length)],
    go: `${words.verb} ${rows.length}`,
  });
  if (!ok) return;
  const items = rows.map((row) => ({ account: row.account, invitation: row.id }));
  const answer = await popup.sendIntent({ type: 'start_job', action, items });
  if (!answer.ok) {
    popup.announce(`${words.verb}: not started.`);
    showBulkError(answer.error);
    return;
  }
  popup.state.selected.clear();
  syncBoxes();
  paintTools();
  popup.announce(`${words.doing} ${what}.`);
}

// ---------------------------------------------------------------- invite a list

let invitees = { profiles: [], problems: [] };

function currentAccount() {
  const id = $('invite-account').value;
  return (popup.state.snapshot?.accounts ?? []).find((account) => account.id === id) ?? null;
}

/** Reads the pasted list with the wasm rule; shows the lines left out and the button's count. */
async function readList() {
  const text = $('invite-list').value;
  const read = (await popup.wasm()).read_invite_list(text);
  if (text !== $('invite-list').value) return invitees;
  invitees = read;
  $('list-problems').replaceChildren(...read.problems.map((problem) => {
    const line = document.createElement('li');
    line.textContent = `Line ${problem.line}: ${problem.message}`;
    return line;
  }));
  paintInviteButton();
  return read;
}

function paintInviteButton() {
  const count = invitees.profiles.length;
  const button = $('invite-many-send');
  button.disabled = count === 0 || !currentAccount();
  button.textContent = count === 0 ? 'Invite…' : `Invite ${counted(count, WORDS.invite)}…`;
}

function showListError(problem) {
  const box = $('invite-many-error');
  const template = $('note-template');
  const list = $('invite-list');
  box.hidden = !problem;
  box.replaceChildren(...(problem ? problemParts(problem) : []));
  template.removeAttribute('aria-invalid');
  list.removeAttribute('aria-invalid');
  const field = { Note: template, 'Profile URLs': list }[problem?.field];
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }
}

/** What the cap and the note quota let through now, for the confirmation. */
function fitText(standing, count, withNote) {
  const lines = [];
  const room = standing.next_send_at_ms ? 0 : Math.max(0, standing.weekly_cap - standing.sent_this_week);
  const frees = standing.next_send_at_ms ? `, ${when(standing.next_send_at_ms)}` : '';
  if (room >= count) lines.push(`All fit this week's cap (${standing.summary}).`);
  else if (room === 0) lines.push(`None fit this week's cap (${standing.summary}); they wait until the limit frees${frees}.`);
  else lines.push(`${room} fit this week's cap (${standing.summary}); the rest wait until the limit frees.`);
  if (withNote && standing.notes_cap != null) {
    const notes = Math.max(0, standing.notes_cap - standing.notes_this_month);
    if (notes < count) {
      lines.push(`${plural(notes, 'note')} fit this month's limit (${standing.notes_summary}); the rest wait until it frees.`);
    }
  }
  return lines;
}

async function inviteList() {
  showListError(null);
  const module = await popup.wasm();
  const { profiles, problems } = await readList();
  const account = currentAccount();
  if (!account) {
    showListError({ message: 'There is no account to send from.', next_step: 'Add an account in Options.' });
    return;
  }
  if (profiles.length === 0) {
    popup.announce(WORDS.invite.none);
    return;
  }
  const template = $('note-template').value.trim() || null;
  try {
    if (template) module.check_note_template(template);
  } catch (problem) {
    showListError({ field: 'Note', ...asProblem(problem) });
    return;
  }
  let standing;
  try {
    standing = await standingOf(account);
  } catch (problem) {
    showListError(asProblem(problem));
    return;
  }
  const count = profiles.length;
  const ok = await confirmed({
    title: `Invite ${counted(count, WORDS.invite)} from ${account.label}?`,
    lines: [
      ...fitText(standing, count, template !== null),
      problems.length ? `${plural(problems.length, 'line')} left out: not a profile to invite.` : '',
      paceText('invite', count),
    ],
    go: `Invite ${count}`,
  });
  if (!ok) return;
  const answer = await popup.sendIntent({ type: 'start_job', action: 'invite', account: account.id, profiles, note: template });
  if (!answer.ok) {
    popup.announce('The invitations were not started.');
    showListError(answer.error);
    return;
  }
  popup.announce(`${WORDS.invite.doing} ${counted(count, WORDS.invite)}.`);
  $('invite-list').value = '';
  await readList();
}

// ---------------------------------------------------------------- standing

async function standingOf(account) {
  return (await popup.wasm()).standing(stored.ledger, stored.settings, account.ledger_key ?? account.id, account.plan, Date.now());
}

/** "37 of 100 this week · 2 of 5 notes this month", under the Invite tab's account. */
export async function paintStanding() {
  if (!popup) return;
  const line = $('standing');
  const account = currentAccount();
  paintInviteButton();
  if (!account) {
    line.textContent = '';
    line.classList.remove('blocked');
    return;
  }
  let standing;
  try {
    standing = await standingOf(account);
  } catch (problem) {
    standing = { summary: asProblem(problem).message };
  }
  if (currentAccount()?.id !== account.id) return;
  line.textContent = [standing.summary, standing.notes_summary].filter(Boolean).join(' · ');
  line.classList.toggle('blocked', Boolean(standing.next_send_at_ms));
  if (standing.next_send_at_ms) {
    const again = document.createElement('span');
    again.textContent = `. Sending is possible again ${when(standing.next_send_at_ms)}.`;
    line.append(again);
  }
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const isToday = (date) => date.toDateString() === new Date().toDateString();

/** "at 14:32", or "on Mon, 30 Nov at 14:32". */
function when(ms) {
  const date = new Date(ms);
  return isToday(date) ? `at ${TIME.format(date)}` : `on ${DAY.format(date)} at ${TIME.format(date)}`;
}

/** "14:32", or "Mon, 30 Nov 14:32". */
function clock(ms) {
  const date = new Date(ms);
  return isToday(date) ? TIME.format(date) : `${DAY.format(date)} ${TIME.format(date)}`;
}

// ---------------------------------------------------------------- jobs panel

/** Each job's elements, kept across repaints so focus, open details and scroll stay. */
const views = new Map();
/** Each job's state as last announced. */
const heard = new Map();

function titleOf(job) {
  return `${WORDS[job.action]?.doing ?? 'Working on'} ${counted(job.progress?.total ?? job.items.length, WORDS[job.action] ?? WORDS.accept)}`;
}

function countsText(job) {
  const progress = job.progress;
  const counts = [`${progress.done} done`];
  if (progress.already_gone) counts.push(`${progress.already_gone} already gone`);
  if (progress.failed) counts.push(`${progress.failed} failed`);
  if (progress.not_done) counts.push(`${progress.not_done} not done`);
  counts.push(`${progress.remaining} remaining`);
  if (job.state === 'running' && progress.estimated_end_ms) counts.push(`ends about ${clock(progress.estimated_end_ms)}`);
  return counts.join(' · ');
}

/** The state as [heading, details…, tone]. */
function stateOf(job) {
  const reason = job.reason;
  const why = reason ? [reason.message, nextStep(reason)] : [];
  switch (job.state) {
    case 'running':
      return reason ? { head: `Waiting until ${clock(job.next_at_ms)}`, why, tone: 'attention' } : { head: 'Running', why: [] };
    case 'paused': return { head: 'Paused', why, tone: 'attention' };
    case 'stopped': return { head: 'Stopped', why: [] };
    default: return { head: 'Finished', why: [], tone: 'ok' };
  }
}

function createView(job) {
  const element = document.createElement('article');
  element.className = 'job';
  element.dataset.job = job.id;
  const title = document.createElement('h2');
  title.id = `job-title-${views.size}-${Date.now()}`;
  title.tabIndex = -1;
  element.setAttribute('aria-labelledby', title.id);
  const bar = document.createElement('progress');
  bar.setAttribute('aria-labelledby', title.id);
  const counts = document.createElement('p');
  counts.className = 'counts';
  const state = document.createElement('p');
  state.className = 'state';
  const error = document.createElement('p');
  error.className = 'error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  const button = (role, text, className) => {
    const made = document.createElement('button');
    made.type = 'button';
    made.dataset.role = role;
    made.textContent = text;
    if (className) made.className = className;
    buttons.append(made);
    return made;
  };
  const controls = { resume: button('resume', 'Resume', 'primary'), stop: button('stop', 'Stop'), dismiss: button('dismiss', 'Close') };
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'Results';
  const results = document.createElement('ul');
  details.append(summary, results);
  element.append(title, bar, counts, state, error, buttons, details);
  const view = { element, title, bar, counts, state, error, controls, details, results, painted: '' };
  views.set(job.id, view);
  return view;
}

function updateView(view, job) {
  const title = titleOf(job);
  view.title.textContent = title;
  const { progress } = job;
  // Items handled, whatever their outcome; those a Stop left undone do not fill the bar.
  view.bar.max = Math.max(1, progress.total);
  view.bar.value = progress.done + progress.already_gone + progress.failed;
  view.counts.textContent = countsText(job);
  const { head, why, tone } = stateOf(job);
  view.state.className = `state${tone ? ` ${tone}` : ''}`;
  view.state.replaceChildren(head, ...why.filter(Boolean).map((text) => {
    const line = document.createElement('span');
    line.textContent = text;
    return line;
  }));
  const shows = {
    resume: job.state === 'paused',
    stop: job.state === 'running' || job.state === 'paused',
    dismiss: job.state === 'stopped' || job.state === 'finished',
  };
  let lostFocus = false;
  for (const [role, button] of Object.entries(view.controls)) {
    button.setAttribute('aria-label', `${button.textContent}: ${title}`);
    if (!shows[role] && button === document.activeElement) lostFocus = true;
    button.hidden = !shows[role];
  }
  if (lostFocus) (Object.values(view.controls).find((button) => !button.hidden) ?? view.title).focus();
  if (view.details.open) paintResults(view, job);
}

function resultText(item) {
  const who = item.name || item.target;
  const outcome = OUTCOMES[item.outcome] ?? item.outcome;
  return item.outcome === 'failed' && item.error?.message ? `${who} — ${outcome}: ${item.error.message}` : `${who} — ${outcome}`;
}

/** Each item's outcome, written only while "Results" is open. */
function paintResults(view, job) {
  if (!job) return;
  const rows = view.results.children;
  while (rows.length > job.items.length) rows[rows.length - 1].remove();
  job.items.forEach((item, index) => {
    let row = rows[index];
    if (!row) {
      row = document.createElement('li');
      view.results.append(row);
    }
    const text = resultText(item);
    const next = item.outcome === 'failed' ? (item.error?.next_step ?? '') : '';
    if (row.dataset.text === text + next) return;
    row.dataset.text = text + next;
    row.className = item.outcome === 'failed' ? 'failed' : '';
    row.dir = 'auto';
    row.textContent = text;
    if (next) {
      const step = document.createElement('span');
      step.className = 'hint';
      step.textContent = ` ${next}`;
      row.append(step);
    }
  });
}

function paintJobs({ quiet = false } = {}) {
  const panel = $('jobs');
  const alive = new Set(stored.jobs.map((job) => job.id));
  for (const [id, view] of views) {
    if (alive.has(id)) continue;
    const hadFocus = view.element.contains(document.activeElement);
    view.element.remove();
    views.delete(id);
    heard.delete(id);
    if (hadFocus) (panel.querySelector('button:not([hidden])') ?? document.querySelector('[role="tab"][aria-selected="true"]'))?.focus();
  }
  stored.jobs.forEach((job, index) => {
    const view = views.get(job.id) ?? createView(job);
    updateView(view, job);
    if (panel.children[index] !== view.element) panel.insertBefore(view.element, panel.children[index] ?? null);
  });
  panel.hidden = stored.jobs.length === 0;
  announceJobs(quiet);
}

/** Says when a job finishes, stops, pauses or waits: never each step. */
function announceJobs(quiet) {
  for (const job of stored.jobs) {
    const now = `${job.state}:${job.reason?.code ?? ''}`;
    const before = heard.get(job.id);
    heard.set(job.id, now);
    if (quiet || before === now || (before === undefined && job.state === 'running' && !job.reason)) continue;
    const { progress } = job;
    const title = titleOf(job);
    const { head, why } = stateOf(job);
    if (job.state === 'finished' || job.state === 'stopped') {
      const parts = [`${progress.done} done`];
      if (progress.already_gone) parts.push(`${progress.already_gone} already gone`);
      if (progress.failed) parts.push(`${progress.failed} failed`);
      if (progress.not_done) parts.push(`${progress.not_done} not done`);
      popup.announce(`${title}: ${head.toLowerCase()}, ${parts.join(', ')}.`);
    } else {
      popup.announce(`${title}: ${[head, ...why].filter(Boolean).join('. ')}`);
    }
  }
}

async function jobButton(event) {
  const button = event.target.closest('button[data-role]');
  if (!button || button.getAttribute('aria-disabled') === 'true') return;
  const element = button.closest('[data-job]');
  const view = views.get(element.dataset.job);
  view.error.hidden = true;
  // aria-disabled, not disabled: a disabled button drops the focus, which the panel moves on
  // to the button that replaces it (Stop → Close).
  button.setAttribute('aria-disabled', 'true');
  const answer = await popup.sendIntent({ type: `${button.dataset.role}_job`, job: element.dataset.job });
  button.removeAttribute('aria-disabled');
  if (!answer.ok && element.isConnected) {
    view.error.replaceChildren(...problemParts(answer.error));
    view.error.hidden = false;
  }
}

// ---------------------------------------------------------------- CSV

function today() {
  const date = new Date();
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
}

/** Downloads the list as shown (this tab, search applied) as CSV, written by the wasm module. */
async function exportCsv() {
  showBulkError(null);
  await popup.loadFull();
  const module = await popup.wasm();
  popup.repaint();
  const { state } = popup;
  const rows = selectable();
  if (rows.length === 0) {
    popup.announce('Nothing to export.');
    return;
  }
  let csv;
  try {
    csv = module.list_csv(rows, state.snapshot?.accounts ?? [], Date.now());
  } catch (problem) {
    showBulkError(asProblem(problem));
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  link.download = `invite-desk-${state.tab}-${today()}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  popup.announce(`Exported ${plural(rows.length, `${state.tab} invitation`)} as CSV.`);
}
