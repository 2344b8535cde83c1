// Bulk work in the popup: ticked rows and the "all" and "older than" choices, the confirmation
// that states the count and the pace, the jobs panel (progress, Stop, Resume, each item's
// result), the "Invite a list" form, where an account stands against its weekly cap, and CSV
// export. Loaded after the first paint. The rules (which rows are old enough, the list's
// profiles, the cap, the CSV) are the wasm module's; the jobs run in the service worker.

const $ = (id) => document.getElementById(id);

// The service worker's defaults, for describing the pace before settings were ever saved.
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
  not_done: 'Not done',
};

let popup;
let stored = { jobs: [], ledger: undefined, settings: {} };
/** Each job's state when last painted, so only changes are announced. */
const announced = new Map();
const openDetails = new Set();

const counted = (count, words) => `${count} ${count === 1 ? words.noun : words.plural ?? `${words.noun}s`}`;

/** Wires the tools; `context` is the popup's state and helpers. */
export async function setUpBulk(context) {
  popup = context;
  const { jobs, ledger, settings } = await chrome.storage.local.get(['jobs', 'ledger', 'settings']);
  stored = { jobs: jobs ?? [], ledger, settings: settings ?? {} };
  for (const job of stored.jobs) announced.set(job.id, job.state);

  $('select-shown').addEventListener('change', (event) => selectShown(event.target.checked));
  $('clear-selection').addEventListener('click', () => selectShown(false));
  for (const id of ['accept-selected', 'decline-selected', 'withdraw-selected']) {
    const button = $(id);
    button.addEventListener('click', () => startListed(button.dataset.action, selectedRows()));
  }
  $('accept-all').addEventListener('click', async () => startListed('accept', await allOf('received')));
  $('decline-all').addEventListener('click', async () => startListed('decline', await allOf('received')));
  $('older-days').addEventListener('change', (event) => {
    $('older-other').hidden = event.target.value !== 'other';
    if (!$('older-other').hidden) $('older-other').focus();
  });
  $('withdraw-older').addEventListener('click', withdrawOlder);
  $('export-csv').addEventListener('click', exportCsv);
  $('jobs').addEventListener('click', jobButton);
  $('jobs').addEventListener('toggle', (event) => {
    const id = event.target.closest('[data-job]')?.dataset.job;
    if (id) event.target.open ? openDetails.add(id) : openDetails.delete(id);
  }, true);
  $('invite-account').addEventListener('change', paintStanding);
  $('invite-list').addEventListener('input', readList);
  $('invite-many').addEventListener('submit', (event) => {
    event.preventDefault();
    inviteList();
  });

  $('bulk').hidden = false;
  paintTools();
  paintJobs();
  paintStanding();
}

export function storageChanged(changes) {
  for (const key of ['jobs', 'ledger', 'settings']) {
    if (changes[key]) stored[key] = changes[key].newValue ?? (key === 'jobs' ? [] : undefined);
  }
  if (changes.jobs) paintJobs();
  if (changes.ledger || changes.settings) paintStanding();
}

// ---------------------------------------------------------------- selection

/** The ticked rows still listed in the tab. */
function selectedRows() {
  const { state } = popup;
  return (state.snapshot?.[state.tab] ?? []).filter((row) => state.selected.has(keyOf(row)));
}

const keyOf = (invitation) => `${invitation.account}\n${invitation.id}`;

export function paintTools() {
  if (!popup) return;
  const { state } = popup;
  const listing = state.tab !== 'invite';
  $('bulk').hidden = !listing;
  if (!listing) return;
  const selected = selectedRows().length;
  const shown = state.shown.length;
  $('select-shown-label').textContent = `Select all shown (${shown})`;
  const box = $('select-shown');
  const shownSelected = state.shown.filter((row) => state.selected.has(keyOf(row))).length;
  box.checked = shown > 0 && shownSelected === shown;
  box.indeterminate = shownSelected > 0 && shownSelected < shown;
  box.disabled = shown === 0;
  const received = state.tab === 'received';
  for (const [id, mine] of [['accept-selected', received], ['decline-selected', received], ['withdraw-selected', !received]]) {
    const button = $(id);
    button.hidden = !mine || selected === 0;
    button.textContent = `${WORDS[button.dataset.action].verb} selected (${selected})`;
  }
  $('clear-selection').hidden = selected === 0;
  $('received-tools').hidden = !received;
  $('sent-tools').hidden = received;
}

function selectShown(on) {
  const { state, list } = popup;
  if (on) for (const row of state.shown) state.selected.add(keyOf(row));
  else state.selected.clear();
  for (const box of list.querySelectorAll('.select')) box.checked = state.selected.has(box.closest('li').dataset.key);
  paintTools();
}

async function allOf(direction) {
  await popup.loadFull();
  return popup.state.snapshot?.[direction] ?? [];
}

async function withdrawOlder() {
  const choice = $('older-days').value;
  const days = Number(choice === 'other' ? $('older-other').value : choice);
  const sent = await allOf('sent');
  let indexes;
  try {
    indexes = (await popup.wasm()).older_than(sent, days, Date.now());
  } catch (problem) {
    $('older-other').setAttribute('aria-invalid', 'true');
    popup.announce(`${problem.message} ${problem.detail ?? ''}`.trim());
    return;
  }
  $('older-other').removeAttribute('aria-invalid');
  startListed('withdraw', Array.from(indexes, (index) => sent[index]), `older than ${days} days`);
}

// ---------------------------------------------------------------- starting a job

function seconds(value) {
  if (value === 1) return '1 second';
  return value < 120 ? `${+value.toFixed(1)} seconds` : `${+(value / 60).toFixed(1)} minutes`;
}

function duration(totalSeconds) {
  if (totalSeconds < 90) return `${Math.max(1, Math.round(totalSeconds))} seconds`;
  if (totalSeconds < 5400) return `${Math.round(totalSeconds / 60)} minutes`;
  return `${+(totalSeconds / 3600).toFixed(1)} hours`;
}

/** "One every 5–20 seconds, about 4 minutes in all." */
function paceText(kind, count) {
  const pace = PACE[kind];
  const min = Number(stored.settings?.[`${pace.key}_min_s`] ?? pace.min);
  const max = Number(stored.settings?.[`${pace.key}_max_s`] ?? pace.max);
  const range = min === max ? seconds(min) : `${seconds(min).split(' ')[0]}–${seconds(max).replace('1 second', '1 seconds')}`;
  const total = (count - 1) * (min + max) / 2;
  return `One every ${range}, about ${duration(total)} in all. You can close the popup; it keeps going.`;
}

/** Shows the confirmation; resolves to true when the user confirms. */
function confirmed(title, detail, go) {
  const dialog = $('confirm');
  dialog.querySelector('#confirm-title strong').textContent = title;
  $('confirm-detail').textContent = detail;
  $('confirm-go').textContent = go;
  const opener = document.activeElement;
  dialog.returnValue = 'cancel';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      opener?.focus?.();
      resolve(dialog.returnValue === 'go');
    }, { once: true });
  });
}

async function startListed(action, rows, which = '') {
  const words = WORDS[action];
  if (rows.length === 0) {
    popup.announce(words.none);
    return;
  }
  const what = counted(rows.length, words);
  const title = `${words.verb} ${what}${which ? ` ${which}` : ''}?`;
  if (!await confirmed(title, paceText('action', rows.length), `${words.verb} ${rows.length}`)) return;
  const items = rows.map((row) => ({ account: row.account, invitation: row.id }));
  await start({ type: 'start_job', action, items }, `${words.doing} ${what}.`);
}

async function start(intent, started) {
  const answer = await popup.sendIntent(intent);
  if (!answer.ok) {
    popup.announce(`Not started: ${answer.error.message} ${answer.error.next_step}`);
    return false;
  }
  popup.state.selected.clear();
  selectShown(false);
  popup.announce(started);
  return true;
}

// ---------------------------------------------------------------- invite a list

let listed = { profiles: [], problems: [] };

async function readList() {
  const text = $('invite-list').value;
  listed = (await popup.wasm()).read_invite_list(text);
  if (text !== $('invite-list').value) return;
  $('list-problems').replaceChildren(...listed.problems.map((problem) => {
    const line = document.createElement('li');
    line.textContent = `Line ${problem.line}: ${problem.message}`;
    return line;
  }));
  const count = listed.profiles.length;
  $('invite-many-send').disabled = count === 0 || !$('invite-account').value;
  $('invite-many-send').textContent = count === 0 ? 'Invite…' : `Invite ${counted(count, WORDS.invite)}…`;
}

function showListError(problem) {
  const box = $('invite-many-error');
  box.hidden = !problem;
  box.replaceChildren();
  $('note-template').removeAttribute('aria-invalid');
  if (!problem) return;
  $('note-template').setAttribute('aria-invalid', String(problem.field === 'Note'));
  const title = document.createElement('strong');
  title.textContent = problem.message;
  const next = document.createElement('span');
  next.textContent = [problem.detail, problem.next_step].filter(Boolean).join('. ');
  box.append(title, next);
}

async function inviteList() {
  const template = $('note-template').value.trim() || null;
  try {
    if (template) (await popup.wasm()).check_note_template(template);
  } catch (problem) {
    showListError(problem);
    return;
  }
  showListError(null);
  const accountId = $('invite-account').value;
  const account = (popup.state.snapshot?.accounts ?? []).find((known) => known.id === accountId);
  const count = listed.profiles.length;
  if (!account || count === 0) return;
  const standing = await standingOf(account);
  const room = standing.next_send_at_ms ? 0 : Math.max(0, standing.weekly_cap - standing.sent_this_week);
  const fits = room >= count
    ? `All fit this week's cap (${standing.summary}).`
    : `${room} fit this week's cap (${standing.summary}); the rest wait until it frees.`;
  const title = `Invite ${counted(count, WORDS.invite)} from ${account.label}?`;
  if (!await confirmed(title, `${fits} ${paceText('invite', count)}`, `Invite ${count}`)) return;
  const intent = { type: 'start_job', action: 'invite', account: accountId, profiles: listed.profiles, note: template };
  if (await start(intent, `${WORDS.invite.doing} ${counted(count, WORDS.invite)}.`)) {
    $('invite-list').value = '';
    readList();
  }
}

// ---------------------------------------------------------------- standing

async function standingOf(account) {
  return (await popup.wasm()).standing(stored.ledger, stored.settings, account.id, account.plan, Date.now());
}

export async function paintStanding() {
  if (!popup) return;
  const accountId = $('invite-account').value;
  const account = (popup.state.snapshot?.accounts ?? []).find((known) => known.id === accountId);
  const line = $('standing');
  if (!account) {
    line.textContent = '';
    return;
  }
  const standing = await standingOf(account);
  const parts = [standing.summary, standing.notes_summary].filter(Boolean);
  if (standing.next_send_at_ms) parts.push(`sending possible again ${when(standing.next_send_at_ms)}`);
  line.textContent = parts.join(' · ');
  readList();
}

function when(ms) {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date().toDateString();
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? `at ${time}` : `on ${date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })} at ${time}`;
}

// ---------------------------------------------------------------- jobs panel

function paintJobs() {
  const panel = $('jobs');
  const focused = document.activeElement?.closest?.('[data-job]') && document.activeElement.dataset.role
    ? { job: document.activeElement.closest('[data-job]').dataset.job, role: document.activeElement.dataset.role }
    : null;
  panel.replaceChildren(...stored.jobs.map(jobElement));
  if (focused) panel.querySelector(`[data-job="${CSS.escape(focused.job)}"] [data-role="${focused.role}"]`)?.focus();
  for (const job of stored.jobs) {
    if (announced.get(job.id) !== job.state && job.state !== 'running') popup.announce(`${titleOf(job)}: ${stateText(job)}`);
    announced.set(job.id, job.state);
  }
}

function titleOf(job) {
  const words = WORDS[job.action];
  return `${words.doing} ${counted(job.progress.total, words)}`;
}

function stateText(job) {
  const reason = job.reason ? `${job.reason.message} ${job.reason.next_step}` : '';
  switch (job.state) {
    case 'running': return reason ? `Waiting until ${when(job.next_at_ms)}: ${reason}` : 'Running';
    case 'paused': return `Paused: ${reason}`;
    case 'stopped': return 'Stopped';
    default: return 'Finished';
  }
}

function jobElement(job) {
  const { progress } = job;
  const element = document.createElement('article');
  element.className = 'job';
  element.dataset.job = job.id;
  const title = document.createElement('h2');
  title.textContent = titleOf(job);
  const bar = document.createElement('progress');
  bar.max = progress.total;
  bar.value = progress.total - progress.remaining;
  bar.setAttribute('aria-label', title.textContent);
  const counts = [`${progress.done} done`];
  if (progress.already_gone) counts.push(`${progress.already_gone} already gone`);
  if (progress.failed) counts.push(`${progress.failed} failed`);
  if (progress.not_done) counts.push(`${progress.not_done} not done`);
  counts.push(`${progress.remaining} remaining`);
  if (progress.estimated_end_ms) counts.push(`ends about ${when(progress.estimated_end_ms).replace(/^at /, '')}`);
  const line = document.createElement('p');
  line.textContent = counts.join(' · ');
  const status = document.createElement('p');
  status.textContent = stateText(job);
  if (job.reason) status.className = 'reason';
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  const button = (role, text) => {
    const made = document.createElement('button');
    made.type = 'button';
    made.dataset.role = role;
    made.textContent = text;
    made.setAttribute('aria-label', `${text}: ${title.textContent}`);
    buttons.append(made);
  };
  if (job.state === 'paused') button('resume', 'Resume');
  if (job.state === 'running' || job.state === 'paused') button('stop', 'Stop');
  else button('dismiss', 'Close');
  const details = document.createElement('details');
  details.open = openDetails.has(job.id);
  const summary = document.createElement('summary');
  summary.textContent = 'Results';
  const results = document.createElement('ul');
  results.append(...job.items.map((item) => {
    const row = document.createElement('li');
    const outcome = item.outcome === 'failed' ? `Failed: ${item.error?.message ?? 'not done'}` : OUTCOMES[item.outcome];
    row.textContent = `${item.name || item.target} — ${outcome ?? item.outcome}`;
    return row;
  }));
  details.append(summary, results);
  element.append(title, bar, line, status, buttons, details);
  return element;
}

async function jobButton(event) {
  const button = event.target.closest('button[data-role]');
  if (!button) return;
  const job = button.closest('[data-job]').dataset.job;
  button.disabled = true;
  const answer = await popup.sendIntent({ type: `${button.dataset.role}_job`, job });
  button.disabled = false;
  if (!answer.ok) popup.announce(`${answer.error.message} ${answer.error.next_step}`);
}

// ---------------------------------------------------------------- CSV

async function exportCsv() {
  await popup.loadFull();
  const module = await popup.wasm();
  popup.repaint();
  const { state } = popup;
  const rows = state.shown;
  const csv = module.list_csv(rows, state.snapshot?.accounts ?? [], Date.now());
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  link.download = `invite-desk-${state.tab}-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  popup.announce(`Exported ${rows.length} ${state.tab} invitations as CSV.`);
}
